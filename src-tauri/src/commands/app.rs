//! The app's own settings and the logs view.

use onramp_engine::error::{ErrorCode, ErrorReport};
use onramp_engine::logging;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt;

use crate::dto::{LogTail, Settings};
use crate::engine;
use crate::state::AppState;

/// The most lines `read_logs` returns.
const MAX_LOG_LINES: usize = 5000;

/// The newest lines of the newest log file (CLI and app share the files).
#[tauri::command(rename_all = "snake_case")]
pub async fn read_logs<R: Runtime>(
    app: AppHandle<R>,
    lines: usize,
) -> Result<LogTail, ErrorReport> {
    engine::run_blocking(move || {
        let dir = app.state::<AppState>().paths()?.log_dir();
        let io = |e: std::io::Error| {
            ErrorReport::new(
                ErrorCode::Io,
                format!("cannot read the logs in {}: {e}", dir.display()),
            )
        };
        let Some(file) = logging::latest_log_file(&dir).map_err(io)? else {
            return Ok(LogTail {
                file: None,
                lines: Vec::new(),
            });
        };
        let lines = logging::tail(&file, lines.min(MAX_LOG_LINES)).map_err(io)?;
        Ok(LogTail {
            file: Some(file.display().to_string()),
            lines,
        })
    })
    .await
}

fn autostart_error(e: impl std::fmt::Display) -> ErrorReport {
    ErrorReport::new(
        ErrorCode::Io,
        format!("cannot change starting at login: {e}"),
    )
}

/// The app's settings.
#[tauri::command(rename_all = "snake_case")]
pub async fn get_settings<R: Runtime>(app: AppHandle<R>) -> Result<Settings, ErrorReport> {
    let autostart = app.autolaunch().is_enabled().map_err(autostart_error)?;
    Ok(Settings { autostart })
}

/// Starts Onramp (in the tray) at login, or stops doing so.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_autostart<R: Runtime>(
    app: AppHandle<R>,
    enabled: bool,
) -> Result<Settings, ErrorReport> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(autostart_error)?;
    } else if launcher.is_enabled().map_err(autostart_error)? {
        launcher.disable().map_err(autostart_error)?;
    }
    tracing::info!(enabled, "autostart changed");
    get_settings(app).await
}
