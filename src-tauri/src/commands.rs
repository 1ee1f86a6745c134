//! The commands the front end may call (each also needs a capability grant).
//!
//! Every command is `async` and thin: it takes what it needs from the
//! managed state, runs the engine's blocking work on the blocking pool so the
//! UI thread never waits on the disk, and maps engine errors to the
//! `ErrorReport` the UI renders.

use onramp_core::error::{ErrorCode, ErrorReport, ToReport};
use onramp_core::profile::{Profile, ProfileStore};
use onramp_core::sync::store::{FILE_NAME, Health as StoreHealth, StateStore};
use tauri::State;

use crate::dto::{Health, ProfileList, ProfileSummary};
use crate::state::AppState;

/// Lists every profile file with its kind, schedule and health.
#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<ProfileList, ErrorReport> {
    let paths = state.paths.as_ref().map_err(Clone::clone)?.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let dir = paths.profiles_dir();
        let entries = ProfileStore::new(dir.clone())
            .list()
            .map_err(|e| e.to_report())?;
        // No state store yet means nothing ever ran: every profile is unknown.
        let db = paths.data_dir.join(FILE_NAME);
        let store = if db.exists() {
            Some(
                StateStore::open(&db)
                    .map_err(|e| ErrorReport::new(ErrorCode::Io, e.to_string()))?,
            )
        } else {
            None
        };
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let health = |p: &Profile| match &store {
            None => Health::from_store(StoreHealth::Unknown, None),
            Some(s) => {
                let colour = s
                    .health(&p.name, p.schedule.interval_minutes, now)
                    .unwrap_or(StoreHealth::Unknown);
                let last = s
                    .runs(Some(&p.name), 1)
                    .ok()
                    .and_then(|r| r.into_iter().next());
                Health::from_store(colour, last.as_ref())
            }
        };
        Ok(ProfileList {
            dir: dir.display().to_string(),
            profiles: entries
                .into_iter()
                .map(|e| ProfileSummary::new(e, health))
                .collect(),
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
