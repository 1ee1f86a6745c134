//! Distinguished names (RFC 4514) and search filters (RFC 4515) from input.
//!
//! Profiles and the UI hand us base DNs, excluded OUs, group DNs and filters.
//! They are validated before anything is sent, so a typo is reported against
//! its field instead of as an LDAP protocol error, and every value placed
//! inside a filter is escaped.

/// A DN or filter that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct SyntaxError {
    /// The field the value came from, e.g. `connection.base_dn`.
    pub field: String,
    /// What is wrong and what was expected.
    pub reason: String,
}

fn err(field: &str, reason: impl Into<String>) -> SyntaxError {
    SyntaxError {
        field: field.to_owned(),
        reason: reason.into(),
    }
}

/// Escapes a value for use inside a filter (RFC 4515): `*`, `(`, `)`, `\`
/// and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`.
pub fn escape_filter_value(value: &str) -> String {
    ldap3::ldap_escape(value).into_owned()
}

/// Checks that a filter parses; `(…)` is added when the outer parentheses are missing.
pub fn validate_filter(field: &str, filter: &str) -> Result<String, SyntaxError> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Err(err(
            field,
            "expected an LDAP filter such as (objectClass=user), found nothing",
        ));
    }
    let normalized = if filter.starts_with('(') {
        filter.to_owned()
    } else {
        format!("({filter})")
    };
    ldap3::parse_filter(&normalized).map_err(|()| {
        err(
            field,
            format!("'{filter}' is not a valid LDAP filter (RFC 4515): check the parentheses, and escape * ( ) \\ in values as \\2a \\28 \\29 \\5c"),
        )
    })?;
    Ok(normalized)
}

/// One relative DN component: attribute type and (unescaped) value, lower-cased
/// type; a multi-valued RDN keeps its parts sorted.
type Rdn = Vec<(String, String)>;

/// Parses a DN into its RDNs, most specific first.
pub fn parse_dn(field: &str, dn: &str) -> Result<Vec<Rdn>, SyntaxError> {
    let text = dn.trim();
    if text.is_empty() {
        return Err(err(
            field,
            "expected a distinguished name such as OU=Staff,DC=example,DC=com, found nothing",
        ));
    }
    let bytes = text.as_bytes();
    let mut rdns = Vec::new();
    let mut current: Rdn = Vec::new();
    let mut i = 0;
    loop {
        // attribute type
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && bytes[i] != b',' && bytes[i] != b'+' {
            i += 1;
        }
        let attr = text[start..i].trim();
        if i >= bytes.len() || bytes[i] != b'=' {
            return Err(err(
                field,
                format!(
                    "'{text}' is not a distinguished name: expected attribute=value at '{}'",
                    &text[start..]
                ),
            ));
        }
        let attr_ok = !attr.is_empty()
            && ((attr.as_bytes()[0].is_ascii_alphabetic()
                && attr.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
                || attr.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
        if !attr_ok {
            return Err(err(
                field,
                format!("'{attr}' in '{text}' is not an attribute type"),
            ));
        }
        i += 1; // '='
        // value
        let mut value = Vec::new();
        while i < bytes.len() && bytes[i] != b',' && bytes[i] != b'+' {
            match bytes[i] {
                b'\\' => {
                    let next = bytes.get(i + 1).copied();
                    match next {
                        Some(c) if b",+\"\\<>;=# ".contains(&c) => {
                            value.push(c);
                            i += 2;
                        }
                        Some(h) if h.is_ascii_hexdigit() => {
                            let pair = text.get(i + 1..i + 3).unwrap_or("");
                            let byte = u8::from_str_radix(pair, 16).map_err(|_| {
                                err(field, format!("bad escape '\\{pair}' in '{text}'"))
                            })?;
                            value.push(byte);
                            i += 3;
                        }
                        _ => return Err(err(field, format!("dangling '\\' in '{text}'"))),
                    }
                }
                b'"' | b';' | b'<' | b'>' => {
                    return Err(err(
                        field,
                        format!(
                            "'{}' must be escaped with a backslash in '{text}'",
                            bytes[i] as char
                        ),
                    ));
                }
                c => {
                    value.push(c);
                    i += 1;
                }
            }
        }
        let value = String::from_utf8(value)
            .map_err(|_| err(field, format!("'{text}' has an escape that is not UTF-8")))?;
        if value.trim().is_empty() {
            return Err(err(field, format!("'{attr}=' has no value in '{text}'")));
        }
        current.push((attr.to_ascii_lowercase(), value.trim().to_owned()));
        if i >= bytes.len() {
            break;
        }
        let sep = bytes[i];
        i += 1;
        if sep == b',' {
            current.sort();
            rdns.push(std::mem::take(&mut current));
        }
        if i >= bytes.len() {
            return Err(err(field, format!("'{text}' ends with a separator")));
        }
    }
    current.sort();
    rdns.push(current);
    Ok(rdns)
}

/// Validates a DN and returns it trimmed.
pub fn validate_dn(field: &str, dn: &str) -> Result<String, SyntaxError> {
    parse_dn(field, dn)?;
    Ok(dn.trim().to_owned())
}

fn normalized(dn: &str) -> Option<Vec<Vec<(String, String)>>> {
    let rdns = parse_dn("", dn).ok()?;
    Some(
        rdns.into_iter()
            .map(|rdn| {
                rdn.into_iter()
                    .map(|(a, v)| (a, v.to_lowercase()))
                    .collect()
            })
            .collect(),
    )
}

/// Whether `dn` is `base` or lies below it (case-insensitive, escape-aware).
pub fn dn_is_within(dn: &str, base: &str) -> bool {
    match (normalized(dn), normalized(base)) {
        (Some(d), Some(b)) => d.len() >= b.len() && d[d.len() - b.len()..] == b[..],
        _ => false,
    }
}

/// The parent DN, if `dn` has more than one RDN.
pub fn parent_dn(dn: &str) -> Option<String> {
    // Find the first unescaped comma.
    let bytes = dn.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b',' => return Some(dn[i + 1..].trim().to_owned()),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns() {
        for ok in [
            "DC=example,DC=com",
            "OU=Sales\\, EMEA,DC=example,DC=com",
            "CN=Smith\\2C John,OU=Staff,DC=x",
            "cn=a+uid=b,dc=x",
            "2.5.4.3=x,dc=y",
        ] {
            assert!(validate_dn("f", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "example.com",
            "DC=,DC=com",
            "DC=a,",
            "=x",
            "CN=a\"b",
            "CN=a\\",
            "C N=x",
        ] {
            let e = validate_dn("connection.base_dn", bad).unwrap_err();
            assert_eq!(e.field, "connection.base_dn", "{bad}");
        }
    }

    #[test]
    fn within_and_parent() {
        assert!(dn_is_within(
            "CN=Ann,OU=Staff,DC=Example,DC=com",
            "dc=example,dc=COM"
        ));
        assert!(dn_is_within(
            "OU=Staff,DC=example,DC=com",
            "OU=Staff,DC=example,DC=com"
        ));
        assert!(!dn_is_within(
            "CN=Ann,OU=Staffing,DC=example,DC=com",
            "OU=Staff,DC=example,DC=com"
        ));
        assert!(dn_is_within(
            "CN=A,OU=Sales\\, EMEA,DC=x",
            "ou=sales\\2c emea,dc=x"
        ));
        assert_eq!(parent_dn("CN=Smith\\, J,OU=S,DC=x").unwrap(), "OU=S,DC=x");
        assert_eq!(parent_dn("DC=x"), None);
    }

    #[test]
    fn filters() {
        assert_eq!(
            validate_filter("f", "objectClass=user").unwrap(),
            "(objectClass=user)"
        );
        assert!(validate_filter("f", "(&(objectClass=user)(!(cn=x)))").is_ok());
        for bad in ["", "(&(objectClass=user)", "(cn=a))", "((x)"] {
            assert!(validate_filter("sync.user_filter", bad).is_err(), "{bad}");
        }
        assert_eq!(escape_filter_value("a*(b)\\"), "a\\2a\\28b\\29\\5c");
        assert_eq!(escape_filter_value("nul\0"), "nul\\00");
    }
}
