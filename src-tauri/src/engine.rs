//! Running engine work from async commands.
//!
//! The engine's futures hold the SQLite state store and LDAP sessions across
//! awaits, so they are not `Send` and cannot be spawned on Tauri's
//! multi-threaded runtime as they are. Each one runs instead on a thread of
//! the blocking pool, driven there by an engine runtime of its own
//! (current-thread, [`onramp_engine::runtime`], so an LDAP read's connection
//! tasks run beside their searches); the command awaits the result, so the
//! UI thread and the async workers never block on the disk or the network.

use std::future::Future;

use onramp_engine::error::{ErrorCode, ErrorReport};

/// Runs `work` (a closure making an engine future) on the blocking pool.
pub async fn run<T, F, Fut>(work: F) -> Result<T, ErrorReport>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Result<T, ErrorReport>>,
{
    run_blocking(move || {
        onramp_engine::runtime::block_on(work()).map_err(|e| {
            ErrorReport::new(
                ErrorCode::Internal,
                format!("cannot start the engine's async runtime: {e}"),
            )
        })?
    })
    .await
}

/// Runs blocking, non-async engine work (file and SQLite access) on the blocking pool.
pub async fn run_blocking<T, F>(work: F) -> Result<T, ErrorReport>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, ErrorReport> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| {
            ErrorReport::new(
                ErrorCode::Internal,
                format!("the engine task ended unexpectedly: {e}"),
            )
        })?
}

/// The current time as Unix seconds (the engine takes the clock as an argument).
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
