//! Starting sync runs: from "Sync Now" (window or tray) and from the
//! scheduler, all through the engine's `SyncRunner`, which never runs one
//! profile twice at once.
//!
//! Every start and end is an `onramp://health-changed` event, which the
//! dashboard and the tray icon follow, so they show scheduled runs too.

use onramp_engine::error::{ErrorCode, ErrorReport, ToReport};
use onramp_engine::sync::SyncProgress;
use onramp_engine::sync::run::SyncReport;
use tauri::{AppHandle, Manager, Runtime};

use crate::engine::{self, now_unix};
use crate::events::{self, HEALTH_CHANGED};
use crate::state::AppState;

/// Runs `profile` now, streaming progress to `progress`; returns the report.
pub async fn run_profile<P, R: Runtime>(
    app: AppHandle<R>,
    profile: String,
    progress: P,
) -> Result<SyncReport, ErrorReport>
where
    P: Fn(SyncProgress) + Send + Sync + 'static,
{
    let runner = app.state::<AppState>().runner()?;
    if runner.is_running(&profile) {
        return Err(onramp_engine::runner::RunnerError::AlreadyRunning(profile).to_report());
    }
    let started = now_unix();
    app.state::<AppState>()
        .scheduler()
        .started(&profile, started);
    let done_app = app.clone();
    let name = profile.clone();
    let result = engine::run(move || {
        let app = app.clone();
        async move {
            events::emit(&app, HEALTH_CHANGED, ());
            runner
                .run(&profile, now_unix(), &progress)
                .await
                .map_err(|e| e.to_report())
        }
    })
    .await;
    // Lost a race with another start of the same profile between the check
    // above and the runner's claim: that run is still going, and its own end
    // reports to the scheduler.
    let refused = matches!(&result, Err(e) if e.code == ErrorCode::AlreadyRunning);
    if !refused {
        app_finished(&done_app, &name);
    }
    result
}

fn app_finished<R: Runtime>(app: &AppHandle<R>, profile: &str) {
    app.state::<AppState>()
        .scheduler()
        .finished(profile, now_unix());
    app.state::<AppState>().scheduler_wake.notify_one();
    events::emit(app, HEALTH_CHANGED, ());
}

/// Starts a run of `profile` in the background (scheduler, tray); its
/// outcome reaches the user through the history, health and notifications.
pub fn spawn_run<R: Runtime>(app: &AppHandle<R>, profile: String) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        match run_profile(app, profile.clone(), |_| {}).await {
            Ok(report) => {
                tracing::info!(profile = %profile, run = report.run.0, status = ?report.status, "background sync finished")
            }
            Err(e) => {
                tracing::warn!(profile = %profile, "background sync did not run: {}", e.message)
            }
        }
    });
}

/// The tray's "Sync Now": every valid profile that is not running already.
pub fn sync_all<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let names = {
            let app = app.clone();
            engine::run_blocking(move || {
                let state = app.state::<AppState>();
                let entries = state.profiles()?.list().map_err(|e| e.to_report())?;
                Ok(entries
                    .into_iter()
                    .filter(|e| e.profile.is_ok())
                    .map(|e| e.name)
                    .collect::<Vec<_>>())
            })
            .await
        };
        match names {
            Ok(names) => {
                for name in names {
                    spawn_run(&app, name);
                }
            }
            Err(e) => tracing::warn!("Sync Now from the tray: {}", e.message),
        }
    });
}
