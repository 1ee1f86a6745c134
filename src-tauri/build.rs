//! Build script: lets Tauri read `tauri.conf.json` and the capabilities, and
//! declares the app's own commands so each must be granted by a capability
//! (nothing the front end may call is allowed implicitly).

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&["list_profiles"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri-build failed");
}
