//! The front end's side of the IPC contract, generated from the Rust types.
//!
//! The window and the shell agree on JSON shapes; the Rust types' serde
//! derives are those shapes, and their `TS` derives (ts-rs reads the same
//! serde attributes) describe them in TypeScript. The tests here write
//! `ui/src/types.ts` from every type a command takes or returns or an event
//! carries, and `ui/tests/fixtures.json` from values of those types, and fail
//! when the committed files differ: a DTO change that forgets the front end
//! breaks the build instead of the window. `ONRAMP_WRITE_IPC=1 cargo test -p
//! onramp-desktop ipc::` rewrites both.
//!
//! One naming convention crosses the IPC: snake_case, the engine's and the
//! CLI's `--json`, for fields, command arguments and event payloads alike.

mod fixtures;
mod types;

use std::path::{Path, PathBuf};

/// The environment variable that makes the tests rewrite the committed files.
const WRITE_VAR: &str = "ONRAMP_WRITE_IPC";

/// A path from the repository's root.
fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Rewrites `relative` with `generated` under [`WRITE_VAR`]; otherwise fails
/// unless the committed file holds exactly `generated`.
fn check_committed(relative: &str, generated: &str) {
    let path = repo_file(relative);
    if std::env::var_os(WRITE_VAR).is_some_and(|v| v == "1") {
        std::fs::write(&path, generated).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()))
            + 1;
        panic!(
            "{relative} is not what the Rust types generate (first difference at line {line}); \
             run `{WRITE_VAR}=1 cargo test -p onramp-desktop ipc::` and commit the result"
        );
    }
}
