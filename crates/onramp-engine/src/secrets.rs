//! Which secret store the front ends use, and the values a wizard holds
//! before saving.
//!
//! The CLI and the desktop app choose the store the same way
//! ([`SecretStoreChoice`]): the OS keyring by default; the file store with
//! `--secret-store file` / `ONRAMP_SECRET_STORE=file` (with
//! `ONRAMP_SECRETS_DIR`), for machines without a keyring, reading systemd's
//! `$CREDENTIALS_DIRECTORY` first.
//!
//! A wizard asks for a password before the profile exists. The value is sent
//! once (`stage_secret`), kept here in memory keyed by wizard and field, and
//! only written to the real store when the profile is saved. The checks a
//! wizard runs before that read through [`Layered`]: the staged values under
//! the names the saved profile will use, then the real store.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use onramp_base::paths::AppPaths;
use onramp_secrets::{
    FileStore, KeyringStore, MemoryStore, Secret, SecretError, SecretName, SecretStore,
};

/// Which secret store to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretStoreChoice {
    /// The OS keyring (Secret Service, Credential Manager, Keychain).
    Keyring,
    /// One file per secret in `dir` (default: the config folder's
    /// `secrets/`), reading `credentials_dir` (systemd's
    /// `$CREDENTIALS_DIRECTORY`) first.
    File {
        /// The folder, when not the default.
        dir: Option<PathBuf>,
        /// systemd's credentials folder, when set.
        credentials_dir: Option<PathBuf>,
    },
}

impl SecretStoreChoice {
    /// The choice the environment makes (`ONRAMP_SECRET_STORE`,
    /// `ONRAMP_SECRETS_DIR`, `CREDENTIALS_DIRECTORY`), as the desktop app reads it.
    pub fn from_env() -> Self {
        if std::env::var("ONRAMP_SECRET_STORE").is_ok_and(|k| k == "file") {
            SecretStoreChoice::File {
                dir: std::env::var_os("ONRAMP_SECRETS_DIR").map(PathBuf::from),
                credentials_dir: std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from),
            }
        } else {
            SecretStoreChoice::Keyring
        }
    }

    /// Opens the chosen store; `paths` give the default folder of the file store.
    pub fn open(self, paths: Option<&AppPaths>) -> Arc<dyn SecretStore> {
        match self {
            SecretStoreChoice::Keyring => Arc::new(KeyringStore::new()),
            SecretStoreChoice::File {
                dir,
                credentials_dir,
            } => {
                let dir = dir
                    .or_else(|| paths.map(AppPaths::secrets_dir))
                    .unwrap_or_else(|| PathBuf::from("secrets"));
                Arc::new(FileStore::new(dir, credentials_dir))
            }
        }
    }
}

/// Secret values typed into wizards and not saved yet, by wizard id and field key.
#[derive(Default)]
pub struct Staged {
    values: Mutex<HashMap<String, HashMap<String, Secret>>>,
}

impl Staged {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, HashMap<String, Secret>>> {
        // A panic while holding this lock cannot leave the map inconsistent.
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `value` for `wizard`'s field `key`, replacing an earlier one.
    pub fn stage(&self, wizard: &str, key: &str, value: Secret) {
        self.lock()
            .entry(wizard.to_owned())
            .or_default()
            .insert(key.to_owned(), value);
    }

    /// The staged value of `wizard`'s field `key`.
    pub fn get(&self, wizard: &str, key: &str) -> Option<Secret> {
        self.lock().get(wizard).and_then(|m| m.get(key)).cloned()
    }

    /// Forgets everything staged for `wizard` (after saving).
    pub fn clear(&self, wizard: &str) {
        self.lock().remove(wizard);
    }
}

/// A read view: staged values under their future names, then the real store.
pub struct Layered {
    overlay: MemoryStore,
    base: Arc<dyn SecretStore>,
}

impl Layered {
    /// Builds the view from `(field key, secret name)` pairs of one wizard.
    pub fn new(
        staged: &Staged,
        wizard: &str,
        names: &[(String, SecretName)],
        base: Arc<dyn SecretStore>,
    ) -> Result<Self, SecretError> {
        let overlay = MemoryStore::new();
        for (key, name) in names {
            if let Some(value) = staged.get(wizard, key) {
                overlay.set(name, &value)?;
            }
        }
        Ok(Self { overlay, base })
    }
}

impl SecretStore for Layered {
    fn describe(&self) -> String {
        format!(
            "values typed into the wizard, then the {}",
            self.base.describe()
        )
    }

    fn get(&self, name: &SecretName) -> Result<Secret, SecretError> {
        match self.overlay.get(name) {
            Err(SecretError::NotFound { .. }) => self.base.get(name),
            other => other,
        }
    }

    fn set(&self, name: &SecretName, value: &Secret) -> Result<(), SecretError> {
        self.base.set(name, value)
    }

    fn delete(&self, name: &SecretName) -> Result<(), SecretError> {
        self.base.delete(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_values_shadow_the_store_under_their_future_names() {
        let base = Arc::new(MemoryStore::new());
        let saved = SecretName::new("corp-platform-token").unwrap();
        base.set(&saved, &Secret::new("old-token".into())).unwrap();
        let staged = Staged::default();
        staged.stage(
            "ad",
            "connection.bind_password_secret",
            Secret::new("pw".into()),
        );
        let names = vec![
            (
                "connection.bind_password_secret".to_owned(),
                SecretName::new("corp-bind-password").unwrap(),
            ),
            ("target.token_secret".to_owned(), saved.clone()),
        ];
        let view = Layered::new(&staged, "ad", &names, base.clone()).unwrap();
        assert_eq!(view.get(&names[0].1).unwrap().expose(), "pw");
        // Nothing staged for the token: the saved one is used.
        assert_eq!(view.get(&saved).unwrap().expose(), "old-token");
        // Another wizard's values are not visible.
        let other = Layered::new(&staged, "ldap", &names, base).unwrap();
        assert!(matches!(
            other.get(&names[0].1),
            Err(SecretError::NotFound { .. })
        ));
        staged.clear("ad");
        assert!(
            staged
                .get("ad", "connection.bind_password_secret")
                .is_none()
        );
    }
}
