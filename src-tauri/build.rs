//! Build script: lets Tauri read `tauri.conf.json` and the capabilities, and
//! declares the app's own commands (from `src/commands/list.rs`, the one
//! list) so each must be granted by a capability: nothing the front end may
//! call is allowed implicitly.

/// Turns the command list into the names Tauri's manifest takes.
macro_rules! commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}

include!("src/commands/list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
