//! What every command works with, built once from the global options.

use std::path::PathBuf;

use onramp_core::ErrorCode;
use onramp_core::paths::AppPaths;
use onramp_core::profile::ProfileStore;
use onramp_core::secret::{FileStore, KeyringStore, SecretStore};

use crate::cli::{GlobalArgs, SecretStoreKind};
use crate::failure::Failure;

/// Paths, profiles and the chosen secret store.
pub struct Context {
    /// Where files live.
    pub paths: AppPaths,
    /// The profiles folder.
    pub profiles: ProfileStore,
    /// The secret store chosen on the command line.
    pub secrets: Box<dyn SecretStore>,
    /// Print JSON instead of text.
    pub json: bool,
}

impl Context {
    /// Builds the context; `credentials_dir` is systemd's `$CREDENTIALS_DIRECTORY`.
    pub fn new(global: &GlobalArgs, credentials_dir: Option<PathBuf>) -> Result<Self, Failure> {
        let paths = AppPaths::resolve(global.config_dir.clone(), global.data_dir.clone())
            .map_err(|e| Failure::new(ErrorCode::Internal, e.to_string()))?;
        let secrets: Box<dyn SecretStore> = match global.secret_store {
            SecretStoreKind::Keyring => Box::new(KeyringStore::new()),
            SecretStoreKind::File => Box::new(FileStore::new(
                global
                    .secrets_dir
                    .clone()
                    .unwrap_or_else(|| paths.secrets_dir()),
                credentials_dir,
            )),
        };
        Ok(Self {
            profiles: ProfileStore::new(paths.profiles_dir()),
            paths,
            secrets,
            json: global.json,
        })
    }
}
