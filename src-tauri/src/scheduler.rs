//! The scheduler task: every few seconds it asks the engine's `Scheduler`
//! which profiles are due and starts them in the background.
//!
//! Due times are wall-clock times, and the tick is short, so after the
//! machine sleeps through one or more due times the profile runs once soon
//! after waking (a catch-up), not once per missed interval. The engine's
//! `SyncRunner` makes sure a run never overlaps another run of the same profile.
//! Saving a profile or finishing a run wakes the task at once, so the
//! dashboard shows the next due time without waiting for a tick.

use std::time::Duration;

use onramp_engine::error::ToReport;
use tauri::{AppHandle, Manager, Runtime};

use crate::engine::{self, now_unix};
use crate::events::{self, HEALTH_CHANGED};
use crate::runs;
use crate::state::AppState;
use onramp_engine::expiring::recheck::WatchSources;
use onramp_engine::sync::store::FILE_NAME;

/// How often the due times are looked at.
const TICK: Duration = Duration::from_secs(20);
/// How often the expiring credentials and the update check are looked at
/// (both are daily; this is how soon after a due time they happen).
const WATCH_EVERY: Duration = Duration::from_secs(600);

/// Starts the scheduler task for the app's lifetime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut watched: Option<std::time::Instant> = None;
        loop {
            if watched.is_none_or(|at| at.elapsed() >= WATCH_EVERY) {
                watched = Some(std::time::Instant::now());
                tauri::async_runtime::spawn(watch_credentials(app.clone()));
                tauri::async_runtime::spawn(check_updates(app.clone()));
            }
            let woken = async { app.state::<AppState>().scheduler_wake.notified().await };
            let woken = tokio::select! {
                _ = ticker.tick() => false,
                () = woken => true,
            };
            let due = {
                let app = app.clone();
                engine::run_blocking(move || due_now(&app)).await
            };
            match due {
                Ok(names) => {
                    for name in names {
                        tracing::info!(profile = %name, "scheduled sync is due");
                        runs::spawn_run(&app, name);
                    }
                }
                Err(e) => tracing::warn!("scheduler: {}", e.message),
            }
            if woken {
                // The next due times changed: the dashboard shows them.
                events::emit(&app, HEALTH_CHANGED, ());
            } else {
                // Time passing alone turns an overdue profile red.
                let app = app.clone();
                tauri::async_runtime::spawn_blocking(move || crate::tray::refresh(&app));
            }
        }
    });
}

/// The daily re-checks and the expiry reminders (`onramp_engine::expiring`);
/// the dashboard reloads when they changed something.
async fn watch_credentials<R: Runtime>(app: AppHandle<R>) {
    let worker = app.clone();
    let changed = engine::run(move || async move {
        let state = worker.state::<AppState>();
        // A tick still busy with a slow re-check: this one is skipped.
        let Ok(mut watch) = state.watch.try_lock() else {
            return Ok(false);
        };
        let paths = state.paths()?;
        let profiles = state.profiles()?;
        let sources = WatchSources {
            registry: &state.registry,
            profiles: &profiles,
            secrets: state.secrets.as_ref(),
            data_dir: &paths.data_dir,
            notifier: state.notifier.as_ref(),
        };
        let report = watch
            .tick(&sources, now_unix())
            .await
            .map_err(|e| onramp_engine::ErrorReport::new(onramp_engine::ErrorCode::Io, e.to_string()))?;
        for sent in &report.sent {
            tracing::info!(profile = %sent.profile, item = %sent.item, threshold = sent.threshold, shown = sent.shown, "expiry reminder sent");
        }
        Ok(!report.sent.is_empty() || !report.rechecked.is_empty())
    })
    .await;
    match changed {
        Ok(true) => events::emit(&app, HEALTH_CHANGED, ()),
        Ok(false) => {}
        Err(e) => tracing::warn!("expiring credentials: {}", e.message),
    }
}

/// The automatic update check, on start and daily (`crate::updates`); the
/// window hears of its outcome.
async fn check_updates<R: Runtime>(app: AppHandle<R>) {
    let Ok(paths) = app.state::<AppState>().paths() else {
        return;
    };
    let updates = app.state::<crate::updates::Updates>();
    if let Some(status) = updates
        .check_if_due(&app, &paths.config_dir, now_unix())
        .await
    {
        events::emit(&app, events::UPDATE_CHANGED, status);
    }
}

/// The profiles due now (blocking: reads the profile files and the run history).
fn due_now<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<String>, onramp_engine::ErrorReport> {
    let state = app.state::<AppState>();
    let store = state.paths()?.data_dir.join(FILE_NAME);
    let profiles = state.profiles()?;
    onramp_engine::schedule::due_now(&profiles, &store, &mut state.scheduler(), now_unix())
        .map_err(|e| e.to_report())
}
