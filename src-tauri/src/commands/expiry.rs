//! `expiry_list` and `recheck_credential`: the dashboard's "Expiring soon"
//! and the rotation view a reminder opens.

use tauri::{AppHandle, Manager, Runtime};

use onramp_engine::check::CheckResult;
use onramp_engine::error::{ErrorReport, ToReport};
use onramp_engine::expiring::list::{self, ExpiryList, ExpiryRow};
use onramp_engine::expiring::recheck::{Rechecked, recheck_item};
use onramp_engine::expiry::ExpiryStore;
use serde::Serialize;
use ts_rs::TS;

use crate::engine::{self, now_unix};
use crate::state::AppState;

/// Every expiring credential the checks have seen, soonest first.
#[tauri::command(rename_all = "snake_case")]
pub async fn expiry_list<R: Runtime>(app: AppHandle<R>) -> Result<ExpiryList, ErrorReport> {
    engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let store = ExpiryStore::new(&state.paths()?.data_dir);
        list::load(&store, &state.profiles()?, now_unix()).map_err(|e| e.to_report())
    })
    .await
}

/// The answer of `recheck_credential`.
#[derive(Debug, Serialize, TS)]
pub struct Recheck {
    /// The check's results.
    pub results: Vec<CheckResult>,
    /// The credential as the check left it; none when it no longer sees one.
    pub credential: Option<ExpiryRow>,
}

/// Runs the check that sees `profile`'s credential `item` now, records what
/// it saw (`expiring::recheck::recheck_item`, as the daily re-check does),
/// and answers with the results and the credential's new state (a renewed
/// certificate's new end ends its reminders; none when it is gone).
#[tauri::command(rename_all = "snake_case")]
pub async fn recheck_credential<R: Runtime>(
    app: AppHandle<R>,
    profile: String,
    item: String,
) -> Result<Recheck, ErrorReport> {
    let emitter = app.clone();
    let answer = engine::run(move || async move {
        let state = app.state::<AppState>();
        let profiles = state.profiles()?;
        let store = ExpiryStore::new(&state.paths()?.data_dir);
        let now = now_unix();
        let (results, outcome) = recheck_item(
            &state.registry,
            &profiles,
            state.secrets.as_ref(),
            &store,
            (&profile, &item),
            now,
        )
        .await?;
        let credential = match outcome {
            Rechecked::Forgotten => None,
            _ => list::load(&store, &profiles, now)
                .map_err(|e| e.to_report())?
                .items
                .into_iter()
                .find(|r| r.profile == profile && r.item == item),
        };
        Ok(Recheck {
            results,
            credential,
        })
    })
    .await?;
    crate::events::emit(&emitter, crate::events::HEALTH_CHANGED, ());
    Ok(answer)
}
