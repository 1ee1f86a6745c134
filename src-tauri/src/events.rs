//! The app-wide events the shell emits to the window (docs/desktop-ipc.md).

use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime};
use ts_rs::TS;

/// A run started or finished: the dashboard reloads.
pub const HEALTH_CHANGED: &str = "onramp://health-changed";
/// A notification or the tray asked to show a run.
pub const OPEN_RUN: &str = "onramp://open-run";
/// A reminder was clicked: show the credential's rotation view.
pub const OPEN_CREDENTIAL: &str = "onramp://open-credential";
/// An update check or install ended: the payload is the new `UpdateStatus`.
pub const UPDATE_CHANGED: &str = "onramp://update-changed";
/// The tray's "Open".
pub const OPEN_DASHBOARD: &str = "onramp://open-dashboard";

/// The payload of [`OPEN_RUN`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct OpenRun {
    /// The profile the run belongs to.
    pub profile: String,
    /// The run to show.
    pub run_id: i64,
}

/// The payload of [`OPEN_CREDENTIAL`].
#[derive(Debug, Clone, Serialize, TS)]
pub struct OpenCredential {
    /// The profile the credential belongs to.
    pub profile: String,
    /// The credential's item id (the check that sees it).
    pub item: String,
}

/// Emits an event to every window; a window that is gone is not an error worth more than a log line.
pub fn emit<P: Serialize + Clone, R: Runtime>(app: &AppHandle<R>, event: &str, payload: P) {
    if let Err(e) = app.emit(event, payload) {
        tracing::warn!("cannot emit {event}: {e}");
    }
}
