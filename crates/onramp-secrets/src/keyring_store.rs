//! The OS keyring: Secret Service on Linux, Credential Manager on Windows,
//! the Keychain on macOS.
//!
//! The `keyring` crate silently falls back to a mock store when no platform
//! feature is enabled; this crate enables the real backend for each OS in its
//! `Cargo.toml`, and the integration tests exercise the Linux one against a
//! real gnome-keyring daemon.

use super::{Secret, SecretError, SecretName, SecretStore};

/// The service name every Onramp entry is filed under.
const SERVICE: &str = "onramp";

/// Secrets in the OS keyring, one entry per name under the service `onramp`.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    /// The keyring of the logged-in user.
    pub fn new() -> Self {
        Self
    }

    fn entry(name: &SecretName) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(SERVICE, name.as_str()).map_err(keyring_error)
    }
}

fn keyring_error(e: keyring::Error) -> SecretError {
    // keyring's errors describe the platform failure, never the value.
    SecretError::Keyring {
        message: e.to_string(),
    }
}

impl SecretStore for KeyringStore {
    fn describe(&self) -> String {
        "OS keyring".to_owned()
    }

    fn get(&self, name: &SecretName) -> Result<Secret, SecretError> {
        match Self::entry(name)?.get_password() {
            Ok(v) => Ok(Secret::new(v)),
            Err(keyring::Error::NoEntry) => Err(SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            }),
            Err(keyring::Error::BadEncoding(_)) => Err(SecretError::InvalidValue {
                name: name.clone(),
                reason: "the stored value is not UTF-8",
            }),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, name: &SecretName, value: &Secret) -> Result<(), SecretError> {
        Self::entry(name)?
            .set_password(value.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, name: &SecretName) -> Result<(), SecretError> {
        match Self::entry(name)?.delete_credential() {
            Ok(()) => Ok(()),
            Err(keyring::Error::NoEntry) => Err(SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            }),
            Err(e) => Err(keyring_error(e)),
        }
    }
}
