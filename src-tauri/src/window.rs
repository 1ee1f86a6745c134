//! The window, light in the tray: closing it destroys its webview (WebKit's
//! web and network processes go with it), and "Open Onramp", a second start
//! or a clicked notification build it again.
//!
//! Most of the day Onramp lives in the tray, where only the shell is needed.
//! A window that is rebuilt starts where the admin left it (the page keeps
//! its view in local storage) unless it was opened *for* something: a run, a
//! credential or the dashboard. That target waits here until the new page
//! asks for it (`take_open_request`), because events sent before the page
//! listens would be lost. While a setup wizard is open the page asks the
//! shell to keep it (`keep_window`): closing then only hides the window, so
//! nothing typed is lost.

use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, WebviewWindowBuilder};
use ts_rs::TS;

use crate::events::{self, OPEN_CREDENTIAL, OPEN_DASHBOARD, OPEN_RUN, OpenCredential, OpenRun};

/// The window's label, as in `tauri.conf.json`.
pub const MAIN: &str = "main";

/// What a newly built page opens on.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum OpenTarget {
    /// The dashboard.
    Dashboard,
    /// A run's detail.
    Run(OpenRun),
    /// A credential's Renew view.
    Credential(OpenCredential),
}

/// The window's state in the shell.
#[derive(Debug, Default)]
pub struct WindowState {
    pending: Mutex<Option<OpenTarget>>,
    keep: Mutex<bool>,
}

impl WindowState {
    fn pending(&self) -> std::sync::MutexGuard<'_, Option<OpenTarget>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether closing should only hide the window (a setup is open).
    pub fn keep(&self) -> bool {
        *self.keep.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets whether closing only hides the window.
    pub fn set_keep(&self, keep: bool) {
        *self.keep.lock().unwrap_or_else(|p| p.into_inner()) = keep;
    }

    /// What the page should open on, once.
    pub fn take_pending(&self) -> Option<OpenTarget> {
        self.pending().take()
    }
}

/// Shows the window, building it if it was closed; `target`, if any, is
/// what it opens on.
pub fn open<R: Runtime>(app: &AppHandle<R>, target: Option<OpenTarget>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        // The page is alive and listening.
        match target {
            Some(OpenTarget::Dashboard) => events::emit(app, OPEN_DASHBOARD, ()),
            Some(OpenTarget::Run(run)) => events::emit(app, OPEN_RUN, run),
            Some(OpenTarget::Credential(c)) => events::emit(app, OPEN_CREDENTIAL, c),
            None => {}
        }
        return;
    }
    let state = app.state::<WindowState>();
    *state.pending() = target;
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == MAIN) else {
        tracing::warn!("no window '{MAIN}' in the configuration");
        return;
    };
    match WebviewWindowBuilder::from_config(app, config).and_then(|b| b.build()) {
        Ok(window) => {
            let _ = window.set_focus();
            tracing::info!("window opened");
        }
        Err(e) => tracing::warn!("cannot open the window: {e}"),
    }
}
