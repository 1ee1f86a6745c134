//! The Onramp desktop app.
//!
//! This crate is the shell only: it resolves where Onramp's files live, keeps
//! that in Tauri's managed state, and exposes a few thin `async` commands to
//! the web front end (`ui/`). Everything those commands do is done by
//! `onramp-core`, so the CLI and the app behave the same and the engine
//! builds and tests without Tauri or WebKit.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod dto;
mod state;

fn main() {
    let result = tauri::Builder::default()
        .manage(state::AppState::from_env())
        .invoke_handler(tauri::generate_handler![commands::list_profiles])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("onramp-desktop: cannot start: {error}");
        std::process::exit(1);
    }
}
