//! The commands the front end may call (each also needs a capability grant;
//! `build.rs` lists them and `capabilities/default.json` grants them).
//!
//! Every command is `async` and thin: it takes what it needs from the managed
//! state, runs the engine's work on the blocking pool (see `crate::engine`),
//! and maps engine errors to the `ErrorReport` the UI renders. The contract
//! is docs/desktop-ipc.md and ui/src/types.ts.

pub mod app;
pub mod diagnostics;
pub mod expiry;
pub mod profiles;
pub mod sync;
pub mod updates;
pub mod window;
pub mod wizard;

/// Turns the command list into the names and the handler that registers them.
macro_rules! commands {
    ($($module:ident::$command:ident),* $(,)?) => {
        /// Every command the window may call, by name (what the tests hold
        /// the capability file and the front end to).
        #[cfg(test)]
        pub const NAMES: &[&str] = &[$(stringify!($command)),*];

        /// The handler that dispatches the window's calls to them.
        pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }
    };
}

include!("list.rs");

#[cfg(test)]
mod ipc_tests;

#[cfg(test)]
mod tests {
    use super::NAMES;

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

    /// The front end calls only commands of the list, and each of them.
    #[test]
    fn the_front_end_calls_exactly_the_listed_commands() {
        let api = read("../ui/src/api.ts");
        let called: std::collections::BTreeSet<&str> = api
            .split("call('")
            .skip(1)
            .filter_map(|rest| rest.split('\'').next())
            .collect();
        let listed: std::collections::BTreeSet<&str> = NAMES.iter().copied().collect();
        assert_eq!(
            called, listed,
            "ui/src/api.ts and src/commands/list.rs differ"
        );
    }
}
