//! The app-wide state Tauri manages for the commands.
//!
//! The paths are resolved once at start-up, from the same
//! `ONRAMP_CONFIG_DIR` / `ONRAMP_DATA_DIR` overrides the CLI honours, and
//! then handed to every command through `tauri::State`, never a global. A
//! failure to resolve them does not stop the app: the window opens and shows
//! the error with its remedy, which is more useful than a silent exit.

use onramp_core::error::{ErrorCode, ErrorReport};
use onramp_core::paths::AppPaths;

/// What the commands share.
#[derive(Debug)]
pub struct AppState {
    /// Where Onramp's files live, or why that could not be determined.
    pub paths: Result<AppPaths, ErrorReport>,
}

impl AppState {
    /// Resolves the paths from the OS conventions and the environment.
    pub fn from_env() -> Self {
        let paths = AppPaths::resolve(
            std::env::var_os("ONRAMP_CONFIG_DIR").map(Into::into),
            std::env::var_os("ONRAMP_DATA_DIR").map(Into::into),
        )
        .map_err(|e| {
            ErrorReport::new(ErrorCode::Io, e.to_string()).with_remediation(vec![
                "Set ONRAMP_CONFIG_DIR and ONRAMP_DATA_DIR to writable folders, then restart Onramp."
                    .to_owned(),
            ])
        });
        Self { paths }
    }
}
