//! `update_status`, `update_check`, `update_install` and `update_restart`:
//! the Settings view's "Updates" and the update banner (`crate::updates`
//! does the work; the plugin's own commands are not granted to the window).

use tauri::{AppHandle, Manager, Runtime};

use onramp_engine::error::{ErrorCode, ErrorReport};

use crate::engine::now_unix;
use crate::events::{self, UPDATE_CHANGED};
use crate::state::AppState;
use crate::updates::{UpdatePhase, UpdateStatus, Updates};

/// What the update process shows now.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_status<R: Runtime>(app: AppHandle<R>) -> Result<UpdateStatus, ErrorReport> {
    Ok(app.state::<Updates>().status())
}

/// Asks the update server now.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_check<R: Runtime>(app: AppHandle<R>) -> Result<UpdateStatus, ErrorReport> {
    let config_dir = app.state::<AppState>().paths()?.config_dir;
    let status = app
        .state::<Updates>()
        .check(&app, &config_dir, now_unix())
        .await;
    events::emit(&app, UPDATE_CHANGED, status.clone());
    Ok(status)
}

/// Downloads, verifies and installs the offered release (refused while a
/// sync runs; see `crate::updates`).
#[tauri::command(rename_all = "snake_case")]
pub async fn update_install<R: Runtime>(app: AppHandle<R>) -> Result<UpdateStatus, ErrorReport> {
    let runner = app.state::<AppState>().runner()?;
    let updates = app.state::<Updates>();
    let installed = updates.install(&runner).await;
    events::emit(&app, UPDATE_CHANGED, updates.status());
    installed
}

/// Restarts Onramp into the version just installed.
#[tauri::command(rename_all = "snake_case")]
pub async fn update_restart<R: Runtime>(app: AppHandle<R>) -> Result<(), ErrorReport> {
    if app.state::<Updates>().status().phase != UpdatePhase::Installed {
        return Err(ErrorReport::new(
            ErrorCode::InvalidInput,
            "no update has been installed; there is nothing to restart into",
        ));
    }
    tracing::info!("restarting into the installed update");
    app.request_restart();
    Ok(())
}
