//! What every command works with, built once from the global options.

use std::path::PathBuf;
use std::sync::Arc;

use onramp_engine::ErrorCode;
use onramp_engine::connector::Registry;
use onramp_engine::paths::AppPaths;
use onramp_engine::profile::ProfileStore;
use onramp_engine::secret::SecretStore;
use onramp_engine::secrets::SecretStoreChoice;

use crate::cli::{GlobalArgs, SecretStoreKind};
use crate::failure::Failure;

/// Paths, the connectors, profiles and the chosen secret store.
#[derive(Clone)]
pub struct Context {
    /// Where files live.
    pub paths: AppPaths,
    /// Every connector.
    pub registry: Arc<Registry>,
    /// The profiles folder, validating each profile with its connector.
    pub profiles: ProfileStore,
    /// The secret store chosen on the command line.
    pub secrets: Arc<dyn SecretStore>,
    /// Print JSON instead of text.
    pub json: bool,
}

impl Context {
    /// Builds the context; `credentials_dir` is systemd's `$CREDENTIALS_DIRECTORY`.
    pub fn new(global: &GlobalArgs, credentials_dir: Option<PathBuf>) -> Result<Self, Failure> {
        let paths = AppPaths::resolve(global.config_dir.clone(), global.data_dir.clone())
            .map_err(|e| Failure::new(ErrorCode::Internal, e.to_string()))?;
        let choice = match global.secret_store {
            SecretStoreKind::Keyring => SecretStoreChoice::Keyring,
            SecretStoreKind::File => SecretStoreChoice::File {
                dir: global.secrets_dir.clone(),
                credentials_dir,
            },
        };
        let registry = Arc::new(onramp_engine::registry());
        Ok(Self {
            profiles: onramp_engine::profiles::store(&paths, registry.clone()),
            secrets: choice.open(Some(&paths)),
            registry,
            paths,
            json: global.json,
        })
    }
}
