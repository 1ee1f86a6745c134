//! Names of secrets, as profiles reference them.

use serde::{Deserialize, Serialize};

/// The name under which a secret is stored: 1–128 characters of ASCII
/// letters, digits, `.`, `_` and `-`, not starting with `.`. The restriction
/// lets the same name be a keyring entry, a file name and a systemd
/// credential name on every OS.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SecretName(String);

/// A secret name that breaks the rules of [`SecretName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid secret name '{name}': expected 1-128 characters of letters, digits, '.', '_' or '-', not starting with '.'"
)]
pub struct InvalidSecretName {
    /// The rejected name.
    pub name: String,
}

impl SecretName {
    /// Validates a name.
    pub fn new(name: &str) -> Result<Self, InvalidSecretName> {
        let ok = !name.is_empty()
            && name.len() <= 128
            && !name.starts_with('.')
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok {
            Ok(Self(name.to_owned()))
        } else {
            Err(InvalidSecretName {
                name: name.chars().take(64).collect(),
            })
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SecretName {
    type Error = InvalidSecretName;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(&value)
    }
}

impl From<SecretName> for String {
    fn from(value: SecretName) -> Self {
        value.0
    }
}

impl std::fmt::Display for SecretName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_portable_names() {
        for n in ["ad-bind", "platform.token", "A_1", "x"] {
            assert!(SecretName::new(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn rejects_paths_and_odd_characters() {
        let long = "a".repeat(129);
        for n in [
            "",
            ".hidden",
            "../etc/passwd",
            "a/b",
            "a b",
            "é",
            long.as_str(),
        ] {
            assert!(SecretName::new(n).is_err(), "{n}");
        }
    }
}
