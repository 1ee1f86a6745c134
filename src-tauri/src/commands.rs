//! The commands the front end may call (each also needs a capability grant).
//!
//! Every command is `async` and thin: it takes what it needs from the
//! managed state, runs the engine's blocking work on the blocking pool so the
//! UI thread never waits on the disk, and maps engine errors to the
//! `ErrorReport` the UI renders.

use onramp_core::error::{ErrorCode, ErrorReport, ToReport};
use onramp_core::profile::ProfileStore;
use tauri::State;

use crate::dto::{ProfileList, ProfileSummary};
use crate::state::AppState;

/// Lists every profile file with its kind, schedule and health.
#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, ErrorReport> {
    let dir = state.paths.as_ref().map_err(Clone::clone)?.profiles_dir();
    tauri::async_runtime::spawn_blocking(move || {
        let entries = ProfileStore::new(dir.clone())
            .list()
            .map_err(|e| e.to_report())?;
        Ok(ProfileList {
            dir: dir.display().to_string(),
            profiles: entries.into_iter().map(ProfileSummary::from).collect(),
        })
    })
    .await
    .map_err(|e| {
        ErrorReport::new(
            ErrorCode::Internal,
            format!("listing the profiles failed: {e}"),
        )
    })?
}
