//! SCIM filter strings (RFC 7644 §3.4.2.2) built safely.
//!
//! A userName comes from the customer's directory and can contain `"` or
//! `\` (or anything else). Pasting it into a filter unescaped would make the
//! filter invalid at best and match the wrong user at worst, and matching
//! the wrong user means adopting it. The comparison value of a filter is a
//! JSON string (RFC 7644 §3.4.2.2 refers to RFC 7159 for it), so it is
//! written with JSON's own escaping.

/// `attribute eq "value"`, with `value` quoted and escaped as a JSON string.
/// `attribute` is one of the client's own attribute paths, not user input.
pub fn eq(attribute: &str, value: &str) -> String {
    // Serialising a &str to JSON cannot fail.
    let literal = serde_json::to_string(value).unwrap_or_else(|_| "\"\"".to_owned());
    format!("{attribute} eq {literal}")
}

/// A query string component with spaces as `%20` (not `+`, which some SCIM
/// services read literally) and everything outside unreserved escaped.
pub fn encode_query_value(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        // byte_serialize writes a space as `+` and a literal `+` as `%2B`,
        // so every `+` left is a space.
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        assert_eq!(eq("userName", "bjensen"), r#"userName eq "bjensen""#);
        assert_eq!(eq("userName", r#"a"b\c"#), r#"userName eq "a\"b\\c""#);
        assert_eq!(eq("externalId", "x\ny"), r#"externalId eq "x\ny""#);
        assert_eq!(
            eq("userName", r#"" or userName pr or ""=""#),
            r#"userName eq "\" or userName pr or \"\"=\"""#
        );
        assert_eq!(eq("displayName", "Zoë"), "displayName eq \"Zoë\"");
    }

    #[test]
    fn query_encoding_uses_percent_20() {
        assert_eq!(
            encode_query_value(r#"userName eq "a+b&c=d""#),
            "userName%20eq%20%22a%2Bb%26c%3Dd%22"
        );
    }
}
