//! Build script: lets Tauri read `tauri.conf.json` and the capabilities, and
//! declares the app's own commands so each must be granted by a capability
//! (nothing the front end may call is allowed implicitly). Keep the list in
//! step with `src/commands/mod.rs` (`NAMES`); a test checks both against the
//! capability file.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "list_profiles",
        "list_wizards",
        "get_wizard",
        "validate_draft",
        "stage_secret",
        "run_checks",
        "discover",
        "preview_draft",
        "save_profile",
        "sync_now",
        "approve_run",
        "run_history",
        "run_detail",
        "read_logs",
        "get_settings",
        "set_autostart",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
