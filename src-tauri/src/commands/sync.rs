//! Sync Now, approving a held run, and the run history.

use onramp_engine::error::{ErrorCode, ErrorReport};
use onramp_engine::sync::SyncProgress;
use onramp_engine::sync::run::SyncReport;
use onramp_engine::sync::store::{RunId, RunRecord};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};

use crate::dto::RunDetail;
use crate::engine::{self, now_unix};
use crate::runs;
use crate::state::{AppState, open_store};

fn store_error(e: impl std::fmt::Display) -> ErrorReport {
    ErrorReport::new(ErrorCode::Io, format!("the state store failed: {e}"))
}

/// Runs `profile` now, streaming `SyncEvent`s to `on_event`.
#[tauri::command(rename_all = "snake_case")]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    profile: String,
    on_event: Channel<SyncProgress>,
) -> Result<SyncReport, ErrorReport> {
    runs::run_profile(app, profile, move |event| {
        if let Err(e) = on_event.send(event) {
            tracing::debug!("the window stopped listening to the progress: {e}");
        }
    })
    .await
}

/// Approves a held run: the next run of its profile applies the plan once.
#[tauri::command(rename_all = "snake_case")]
pub async fn approve_run<R: Runtime>(app: AppHandle<R>, run_id: i64) -> Result<(), ErrorReport> {
    let emitter = app.clone();
    engine::run_blocking(move || {
        let store = open_store(&app.state::<AppState>().paths()?)?;
        store.approve(RunId(run_id), now_unix()).map_err(|e| {
            ErrorReport::new(
                ErrorCode::InvalidInput,
                format!("cannot approve run {run_id}: {e}"),
            )
        })?;
        tracing::info!(run = run_id, "held run approved in the app");
        Ok(())
    })
    .await?;
    crate::events::emit(&emitter, crate::events::HEALTH_CHANGED, ());
    Ok(())
}

/// The newest runs of `profile`.
#[tauri::command(rename_all = "snake_case")]
pub async fn run_history<R: Runtime>(
    app: AppHandle<R>,
    profile: String,
    limit: usize,
) -> Result<Vec<RunRecord>, ErrorReport> {
    engine::run_blocking(move || {
        let store = open_store(&app.state::<AppState>().paths()?)?;
        store
            .runs(Some(&profile), limit.clamp(1, 1000))
            .map_err(store_error)
    })
    .await
}

/// One run with its per-object results.
#[tauri::command(rename_all = "snake_case")]
pub async fn run_detail<R: Runtime>(
    app: AppHandle<R>,
    run_id: i64,
) -> Result<RunDetail, ErrorReport> {
    engine::run_blocking(move || {
        let store = open_store(&app.state::<AppState>().paths()?)?;
        let run = store
            .run(RunId(run_id))
            .map_err(store_error)?
            .ok_or_else(|| {
                ErrorReport::new(ErrorCode::InvalidInput, format!("there is no run {run_id}"))
            })?;
        let results = store.results(RunId(run_id)).map_err(store_error)?;
        Ok(RunDetail { run, results })
    })
    .await
}
