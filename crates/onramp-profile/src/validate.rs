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
    if url.host().is_none() {
        return Err(Issue::new(key, "expected a URL with a host name"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Issue::new(
            key,
            "credentials do not belong in the URL; use the profile's *_secret keys",
        ));
    }
    Ok(())
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
