//! The Onramp desktop app.
//!
//! This crate is the shell only: it builds the engine's pieces (paths,
//! secret store, sync runner, scheduler, notifier) into Tauri's managed
//! state, exposes thin `async` commands to the web front end (`ui/`), and
//! owns the window, the tray, the scheduler task and the single-instance and
//! autostart plugins. Everything those do is done by `onramp-engine`, so the
//! CLI and the app behave the same and the engine builds and tests without
//! Tauri or WebKit.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// mimalloc, not the system allocator (onramp_engine::ldap::allocator says why).
#[global_allocator]
static ALLOCATOR: onramp_engine::ldap::allocator::Allocator =
    onramp_engine::ldap::allocator::Allocator {};

mod commands;
mod dto;
mod engine;
mod events;
#[cfg(test)]
mod ipc;
mod runs;
mod scheduler;
mod state;
mod status;
mod tray;
mod updates;
mod window;

use std::sync::Arc;

use onramp_engine::notify::{DesktopNotifier, Notification, Opens};
use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_autostart::MacosLauncher;

use crate::events::{OpenCredential, OpenRun};

/// Given by the autostart entry: start in the tray without showing the window.
const MINIMIZED_FLAG: &str = "--minimized";

fn main() {
    onramp_engine::ldap::allocator::configure();
    let paths = state::resolve_paths();
    let _log = paths
        .as_ref()
        .ok()
        .map(|p| onramp_engine::logging::init(&p.log_dir(), false));

    let result = tauri::Builder::default()
        // First: a second start only brings the running instance's window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            window::open(app, None);
        }))
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_autostart::init(
            MacosLauncher::LaunchAgent,
            Some(vec![MINIMIZED_FLAG]),
        ))
        .setup(move |app| {
            let handle = app.handle().clone();
            let notifier = Arc::new(DesktopNotifier::new(Arc::new(move |n: &Notification| {
                open_run(&handle, n);
            })));
            app.manage(state::AppState::new(paths.clone(), notifier));
            app.manage(window::WindowState::default());
            let version = app.package_info().version.to_string();
            app.manage(updates::Updates::new(version, None));
            if let Err(e) = tray::build(app.handle()) {
                // A desktop without a tray area still gets the window and the scheduler.
                tracing::warn!("no tray icon: {e}");
            }
            tray::follow_health(app.handle());
            let refresh = app.handle().clone();
            tauri::async_runtime::spawn_blocking(move || tray::refresh(&refresh));
            scheduler::spawn(app.handle().clone());
            // Started at login: only the tray, no webview until it is opened
            // (the window is not created from the configuration: window.rs).
            let minimized = std::env::args().any(|a| a == MINIMIZED_FLAG);
            if !(minimized && app.tray_by_id("onramp").is_some()) {
                window::open(app.handle(), None);
            }
            tracing::info!("Onramp desktop started");
            Ok(())
        })
        .on_window_event(|window, event| {
            // Closing the window keeps the scheduler running in the tray:
            // the webview goes (window.rs says why), unless a setup is open.
            if let WindowEvent::CloseRequested { api, .. } = event
                && window.app_handle().tray_by_id("onramp").is_some()
            {
                if window.app_handle().state::<window::WindowState>().keep() {
                    api.prevent_close();
                    let _ = window.hide();
                } else {
                    tracing::info!("window closed to the tray");
                }
            }
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!());
    let app = match result {
        Ok(app) => app,
        Err(error) => {
            eprintln!("onramp-desktop: cannot start: {error}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        // The last window closing is not the end while the tray is there;
        // "Quit" (an exit with a code) is.
        if let tauri::RunEvent::ExitRequested {
            code: None, api, ..
        } = event
            && app.tray_by_id("onramp").is_some()
        {
            api.prevent_exit();
        }
    });
}

/// A clicked notification: bring the window forward on its run, or on the
/// rotation view of the credential a reminder is about.
fn open_run<R: Runtime>(app: &AppHandle<R>, n: &Notification) {
    tracing::info!(profile = %n.profile, opens = ?n.opens, "notification clicked");
    let target = match &n.opens {
        Opens::Run(run) => window::OpenTarget::Run(OpenRun {
            profile: n.profile.clone(),
            run_id: run.0,
        }),
        Opens::Credential { item } => window::OpenTarget::Credential(OpenCredential {
            profile: n.profile.clone(),
            item: item.clone(),
        }),
    };
    window::open(app, Some(target));
}
