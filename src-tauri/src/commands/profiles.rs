//! `list_profiles`: the dashboard's rows.

use tauri::{AppHandle, Manager, Runtime};

use onramp_engine::error::ErrorReport;

use crate::dto::ProfileList;
use crate::engine;
use crate::state::AppState;
use crate::status;

/// Lists every profile file with its kind, schedule, health, last and next run.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_profiles<R: Runtime>(app: AppHandle<R>) -> Result<ProfileList, ErrorReport> {
    engine::run_blocking(move || status::profile_list(&app.state::<AppState>())).await
}
