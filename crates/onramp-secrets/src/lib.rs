//! Secrets: the values profiles refer to by name.
//!
//! A profile never holds a password or token; it holds a [`SecretName`], and
//! the value lives in a [`SecretStore`]: the OS keyring on a desktop, a
//! private folder of files on a headless agent (including systemd's
//! `$CREDENTIALS_DIRECTORY`), or memory in tests. A value in hand is a
//! [`Secret`], which redacts itself in `Debug` and `Display`, zeroes its
//! memory on drop, and does not implement `Serialize`, so it cannot reach a
//! log line, a check result or a JSON answer by accident.

mod file_store;
mod keyring_store;
mod memory_store;
mod name;
mod value;

pub use file_store::FileStore;
pub use keyring_store::KeyringStore;
pub use memory_store::MemoryStore;
pub use name::{InvalidSecretName, SecretName};
pub use value::Secret;

use std::path::PathBuf;

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};

/// Where secret values are stored.
pub trait SecretStore: Send + Sync {
    /// A short name of the store for messages ("OS keyring", "file store").
    fn describe(&self) -> String;
    /// Reads a secret.
    fn get(&self, name: &SecretName) -> Result<Secret, SecretError>;
    /// Creates or replaces a secret.
    fn set(&self, name: &SecretName, value: &Secret) -> Result<(), SecretError>;
    /// Removes a secret; removing a missing one is an error.
    fn delete(&self, name: &SecretName) -> Result<(), SecretError>;
}

/// Why a secret could not be read or written. Never contains the value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// Nothing is stored under that name.
    #[error("secret '{name}' is not in the {store}")]
    NotFound {
        /// The name looked up.
        name: SecretName,
        /// The store that was asked.
        store: String,
    },
    /// The file holding the secret is readable by others or owned by someone else.
    #[error("refusing to use secret file {path}: {reason}")]
    Insecure {
        /// The offending file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a secret file failed.
    #[error("secret file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The OS keyring refused or failed.
    #[error("the OS keyring failed: {message}")]
    Keyring {
        /// What the keyring said.
        message: String,
    },
    /// The value is not usable (empty, not UTF-8).
    #[error("secret '{name}' is invalid: {reason}")]
    InvalidValue {
        /// The secret's name.
        name: SecretName,
        /// What is wrong.
        reason: &'static str,
    },
}

impl ToReport for SecretError {
    fn to_report(&self) -> ErrorReport {
        match self {
            SecretError::NotFound { name, .. } => ErrorReport::new(
                ErrorCode::SecretNotFound,
                self.to_string(),
            )
            .with_remediation(vec![format!(
                "Store it with: onramp secret set {name}   (the value is read from standard input)"
            )]),
            SecretError::Insecure { path, .. } => ErrorReport::new(
                ErrorCode::SecretStore,
                self.to_string(),
            )
            .with_remediation(vec![
                format!(
                    "Make the file belong to the account Onramp runs as: chown \"$(id -un)\" {}",
                    path.display()
                ),
                format!(
                    "Make it private to that account: chmod 600 {}",
                    path.display()
                ),
            ]),
            SecretError::Keyring { .. } => {
                ErrorReport::new(ErrorCode::SecretStore, self.to_string()).with_remediation(vec![
                    "Unlock the desktop keyring (log in to the desktop session), or".to_owned(),
                    "on a server without a desktop session use the file store: --secret-store file"
                        .to_owned(),
                ])
            }
            SecretError::Io { .. } => ErrorReport::new(ErrorCode::Io, self.to_string()),
            SecretError::InvalidValue { .. } => {
                ErrorReport::new(ErrorCode::InvalidInput, self.to_string())
            }
        }
    }
}
