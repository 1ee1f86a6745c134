//! The dashboard's and the tray's view of the profiles, read through the
//! engine (`onramp_engine::status`) with the app's scheduler and runner.
//!
//! Blocking (reads the profile files and the state store): call it from the
//! blocking pool.

use onramp_engine::error::{ErrorReport, ToReport};
use onramp_engine::status::StatusSources;
use onramp_engine::sync::store::FILE_NAME;

pub use onramp_engine::status::Overall;

use crate::dto::ProfileList;
use crate::engine::now_unix;
use crate::state::AppState;

/// Lists the profiles with their status.
pub fn profile_list(state: &AppState) -> Result<ProfileList, ErrorReport> {
    let store_path = state.paths()?.data_dir.join(FILE_NAME);
    let profiles = state.profiles()?;
    let scheduler = state.scheduler();
    let running = |name: &str| state.runner.as_ref().is_some_and(|r| r.is_running(name));
    onramp_engine::status::profile_list(
        &profiles,
        &StatusSources {
            store_path: &store_path,
            scheduler: &scheduler,
            running: &running,
            now_unix: now_unix(),
        },
    )
    .map_err(|e| e.to_report())
}
