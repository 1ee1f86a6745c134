//! The tray icon: the worst health of all profiles as its colour, and the
//! menu "Sync Now", "Open Onramp", "Quit".
//!
//! Closing the window keeps Onramp in the tray, because the scheduler lives
//! in this process; "Quit" is the way out. The icon follows the
//! `onramp://health-changed` event ([`follow_health`]), so the code that
//! starts runs and saves profiles never calls into the tray.

use tauri::image::Image;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Listener, Manager, Runtime};

use crate::events::HEALTH_CHANGED;
use crate::state::AppState;
use crate::status::{self, Overall};

const TRAY_ID: &str = "onramp";

fn icon(overall: Overall) -> tauri::Result<Image<'static>> {
    let bytes: &'static [u8] = match overall {
        Overall::Neutral => include_bytes!("../../icons/tray/neutral.png"),
        Overall::Green => include_bytes!("../../icons/tray/green.png"),
        Overall::Yellow => include_bytes!("../../icons/tray/yellow.png"),
        Overall::Red => include_bytes!("../../icons/tray/red.png"),
    };
    Image::from_bytes(bytes)
}

/// Creates the tray icon and its menu.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let sync = MenuItem::with_id(app, "sync_now", "Sync Now", true, None::<&str>)?;
    let open = MenuItem::with_id(app, "open", "Open Onramp", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&sync, &open, &quit])?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(Overall::Neutral)?)
        .tooltip(Overall::Neutral.label())
        .menu(&menu)
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "sync_now" => crate::runs::sync_all(app),
            "open" => crate::window::open(app, Some(crate::window::OpenTarget::Dashboard)),
            "quit" => app.exit(0),
            _ => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::window::open(tray.app_handle(), None);
            }
        })
        .build(app)?;
    Ok(())
}

/// Recolours the tray whenever the profiles' health may have changed (the
/// `onramp://health-changed` event: a run started or ended, a profile was
/// saved, a held run approved), off the async threads (reading the health
/// reads the state store). Whoever changes the health only emits the event.
pub fn follow_health<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    app.listen_any(HEALTH_CHANGED, move |_| {
        let app = handle.clone();
        tauri::async_runtime::spawn_blocking(move || refresh(&app));
    });
}

/// Recolours the tray from the profiles' health (blocking: reads the store).
pub fn refresh<R: Runtime>(app: &AppHandle<R>) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let state = app.state::<AppState>();
    let overall = match status::profile_list(&state) {
        Ok(list) => Overall::of(&list),
        Err(e) => {
            tracing::warn!("cannot compute the tray health: {}", e.message);
            Overall::Red
        }
    };
    match icon(overall) {
        Ok(image) => {
            if let Err(e) = tray.set_icon(Some(image)) {
                tracing::warn!("cannot set the tray icon: {e}");
            }
        }
        Err(e) => tracing::warn!("cannot load the tray icon: {e}"),
    }
    let _ = tray.set_tooltip(Some(overall.label()));
}
