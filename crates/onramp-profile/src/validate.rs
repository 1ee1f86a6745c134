//! Checks on values that serde's types cannot express (URL schemes, ranges).

use url::Url;

/// A problem with one key, before the file path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issue {
    /// Dotted path of the key.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Issue {
    pub(crate) fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// A setting of a parsed profile that its connector cannot use (DN and
/// filter syntax, tenant forms): the dotted key and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct SettingError {
    /// The dotted key, e.g. `sync.excluded_ous[0]`.
    pub field: String,
    /// What is wrong and what was expected.
    pub reason: String,
}

impl onramp_base::error::ToReport for SettingError {
    fn to_report(&self) -> onramp_base::error::ErrorReport {
        onramp_base::error::ErrorReport::new(
            onramp_base::error::ErrorCode::ProfileInvalid,
            self.to_string(),
        )
    }
}

impl From<crate::syntax::SyntaxError> for SettingError {
    fn from(e: crate::syntax::SyntaxError) -> Self {
        Self {
            field: e.field,
            reason: e.reason,
        }
    }
}

/// Whether the URL points at this machine, where plain HTTP cannot be sniffed.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// An API URL: HTTPS, or plain HTTP to this machine only (credentials must
/// never cross a network in clear text).
pub(crate) fn api_url(url: &Url, key: &str) -> Result<(), Issue> {
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(url) => {}
        "http" => {
            return Err(Issue::new(
                key,
                format!(
                    "expected an https:// URL, found {url} (plain http is accepted only for localhost)"
                ),
            ));
        }
        other => {
            return Err(Issue::new(
                key,
                format!("expected an https:// URL, found scheme '{other}'"),
            ));
        }
    }
    endpoint(url, key)
}

/// The parts every server URL must get right, whatever its scheme: a real
/// host, no credentials (they belong in the secret store), no query or
/// fragment (nothing reads them), no port 0.
pub(crate) fn endpoint(url: &Url, key: &str) -> Result<(), Issue> {
    let host = url.host_str().unwrap_or("");
    if host.is_empty() || host == "." {
        return Err(Issue::new(key, "expected a URL with a host name"));
    }
    if host.len() > 253 {
        return Err(Issue::new(
            key,
            format!(
                "the host name is {} characters long; a DNS name has at most 253",
                host.len()
            ),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Issue::new(
            key,
            "credentials do not belong in the URL: remove them, and keep the password in the secret store (onramp secret set NAME) under the name the profile's *_secret key gives",
        ));
    }
    if url.query().is_some() {
        return Err(Issue::new(
            key,
            "expected no query (?…) in the URL; nothing reads it",
        ));
    }
    if url.fragment().is_some() {
        return Err(Issue::new(
            key,
            "expected no fragment (#…) in the URL; nothing reads it",
        ));
    }
    if url.port() == Some(0) {
        return Err(Issue::new(key, "expected a port from 1 to 65535, found 0"));
    }
    Ok(())
}

/// Every string in `value` (a profile's TOML) is one line of text: a NUL,
/// a line break or a carriage return in a DN, a name or a URL is refused.
pub(crate) fn single_line_strings(value: &toml::Value, key: &str) -> Result<(), Issue> {
    match value {
        toml::Value::String(s) => {
            let bad = s.chars().find(|c| matches!(c, '\0' | '\n' | '\r'));
            match bad {
                Some(c) => Err(Issue::new(
                    key,
                    format!(
                        "contains a {} character; expected one line of text",
                        match c {
                            '\0' => "NUL",
                            '\n' => "line break",
                            _ => "carriage return",
                        }
                    ),
                )),
                None => Ok(()),
            }
        }
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| single_line_strings(v, &format!("{key}[{i}]"))),
        toml::Value::Table(t) => t.iter().try_for_each(|(k, v)| {
            let key = if key.is_empty() {
                k.clone()
            } else {
                format!("{key}.{k}")
            };
            single_line_strings(v, &key)
        }),
        _ => Ok(()),
    }
}

/// A non-empty string value.
pub(crate) fn non_empty(value: &str, key: &str) -> Result<(), Issue> {
    if value.trim().is_empty() {
        Err(Issue::new(key, "expected a non-empty value"))
    } else {
        Ok(())
    }
}

/// An integer within an inclusive range.
pub(crate) fn in_range<T: PartialOrd + std::fmt::Display>(
    value: T,
    min: T,
    max: T,
    key: &str,
) -> Result<(), Issue> {
    if value < min || value > max {
        Err(Issue::new(
            key,
            format!("expected a value from {min} to {max}, found {value}"),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls() {
        let ok = [
            "https://x.example/scim/v2",
            "http://127.0.0.1:8080/v2",
            "http://localhost/",
        ];
        for u in ok {
            assert_eq!(api_url(&Url::parse(u).unwrap(), "k"), Ok(()), "{u}");
        }
        let bad = [
            "http://x.example/",
            "ftp://x.example/",
            "https://u:p@x.example/",
        ];
        for u in bad {
            assert!(api_url(&Url::parse(u).unwrap(), "k").is_err(), "{u}");
        }
    }
}
