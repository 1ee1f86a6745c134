//! The commands the front end may call (each also needs a capability grant;
//! `build.rs` lists them and `capabilities/default.json` grants them).
//!
//! Every command is `async` and thin: it takes what it needs from the managed
//! state, runs the engine's work on the blocking pool (see `crate::engine`),
//! and maps engine errors to the `ErrorReport` the UI renders. The contract
//! is docs/desktop-ipc.md and ui/src/types.ts.

pub mod app;
pub mod profiles;
pub mod sync;
pub mod wizard;

#[cfg(test)]
mod tests {
    /// Every command name, as `build.rs` declares them and the capability grants them.
    const NAMES: [&str; 16] = [
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
    ];

    fn read(rel: &str) -> String {
        std::fs::read_to_string(format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    /// The webview may call our commands and Tauri's core, and nothing else:
    /// no fs, http, shell or any plugin permission.
    #[test]
    fn the_capability_grants_exactly_our_commands() {
        let cap: serde_json::Value =
            serde_json::from_str(&read("capabilities/default.json")).unwrap();
        let granted: Vec<&str> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("permissions are plain identifiers"))
            .collect();
        let mut want = vec!["core:default".to_owned()];
        want.extend(
            NAMES
                .iter()
                .map(|n| format!("allow-{}", n.replace('_', "-"))),
        );
        assert_eq!(granted, want);
        for p in &granted {
            for forbidden in [
                "fs:",
                "http:",
                "shell:",
                "autostart:",
                "notification:",
                "process:",
            ] {
                assert!(!p.starts_with(forbidden), "{p} must not be granted");
            }
        }
    }

    /// build.rs declares every command (so each needs a grant) and no others.
    #[test]
    fn build_script_declares_every_command() {
        let build = read("build.rs");
        let declared: Vec<&str> = build
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .collect();
        assert_eq!(declared, NAMES.to_vec());
        let main = read("src/main.rs");
        for name in NAMES {
            assert!(
                main.contains(&format!("::{name},")),
                "{name} is not in generate_handler!"
            );
        }
    }
}
