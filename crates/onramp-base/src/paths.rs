//! Where Onramp keeps its files.
//!
//! The locations follow each OS's conventions (XDG on Linux, `AppData` on
//! Windows, `Library/Application Support` on macOS) via the `directories`
//! crate. They are resolved once at start-up into an [`AppPaths`] value that
//! is passed down, never looked up from a global, so tests and agents can
//! point the whole program elsewhere with `ONRAMP_CONFIG_DIR` and
//! `ONRAMP_DATA_DIR`.

use std::path::{Path, PathBuf};

/// The directories Onramp reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Configuration: `profiles/` and the file secret store's default folder.
    pub config_dir: PathBuf,
    /// Data: logs, state store, diagnostic bundles.
    pub data_dir: PathBuf,
}

/// The paths could not be determined.
#[derive(Debug, thiserror::Error)]
#[error("cannot determine the home directory; set ONRAMP_CONFIG_DIR and ONRAMP_DATA_DIR")]
pub struct NoHomeDir;

impl AppPaths {
    /// Resolves the paths from the OS conventions, overridden by the given
    /// values of `ONRAMP_CONFIG_DIR` and `ONRAMP_DATA_DIR` when present.
    pub fn resolve(
        config_override: Option<PathBuf>,
        data_override: Option<PathBuf>,
    ) -> Result<Self, NoHomeDir> {
        let dirs = directories::ProjectDirs::from("com", "Onramp", "onramp");
        let config_dir = match (config_override, &dirs) {
            (Some(p), _) => p,
            (None, Some(d)) => d.config_dir().to_path_buf(),
            (None, None) => return Err(NoHomeDir),
        };
        let data_dir = match (data_override, &dirs) {
            (Some(p), _) => p,
            (None, Some(d)) => d.data_dir().to_path_buf(),
            (None, None) => return Err(NoHomeDir),
        };
        Ok(Self {
            config_dir,
            data_dir,
        })
    }

    /// Paths rooted in one folder (tests, portable installs).
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
        }
    }

    /// The folder holding one TOML file per profile.
    pub fn profiles_dir(&self) -> PathBuf {
        self.config_dir.join("profiles")
    }

    /// The default folder of the file secret store.
    pub fn secrets_dir(&self) -> PathBuf {
        self.config_dir.join("secrets")
    }

    /// The folder of the rolling log files.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}
