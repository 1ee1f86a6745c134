//! `take_open_request` and `keep_window`: the page's side of the light
//! tray (`crate::window` says how the window comes and goes).

use tauri::{AppHandle, Manager, Runtime};

use crate::window::{OpenTarget, WindowState};

/// What a newly built page should open on, once (none: where it was).
#[tauri::command(rename_all = "snake_case")]
pub async fn take_open_request<R: Runtime>(app: AppHandle<R>) -> Option<OpenTarget> {
    app.state::<WindowState>().take_pending()
}

/// `keep`: closing the window only hides it (a setup wizard is open).
#[tauri::command(rename_all = "snake_case")]
pub async fn keep_window<R: Runtime>(app: AppHandle<R>, keep: bool) {
    app.state::<WindowState>().set_keep(keep);
}
