//! The async runtime that engine futures run on: a current-thread tokio
//! runtime on the caller's thread.
//!
//! The engine's futures hold the SQLite state store and LDAP sessions
//! across awaits, so they are not `Send`; the CLI drives them on its main
//! thread, the desktop shell on a thread of the blocking pool.
//!
//! One thread, not a pool: an LDAP search hands every message it receives
//! from ldap3's connection task (which decodes it) to the search's loop.
//! When both are tasks of one thread, that is a push onto the thread's run
//! queue; with the connection task on a worker of a multi-threaded runtime,
//! it is a cross-thread wake-up per message (at 100,000 users, tens of
//! thousands of context switches, and slower reads in A/B runs of the sync
//! benchmark, docs/benchmarks.md). The work that does need a core of its own
//! gets one explicitly: entries are consumed on the blocking pool
//! ([`onramp_ldap::ldap::search::paged_search_to`]), and the CPU-bound stages
//! after the read split across the cores ([`crate::parallel`]).

use std::future::Future;

/// A runtime for engine futures: current-thread, with I/O and timers.
pub fn engine_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Runs `future` to completion on a fresh [`engine_runtime`] on this thread.
///
/// Blocks the thread: call it from `main`, a thread of its own or the
/// blocking pool, never from inside an async task.
pub fn block_on<F: Future>(future: F) -> std::io::Result<F::Output> {
    Ok(engine_runtime()?.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn futures_run_on_the_calling_thread_with_timers_and_the_blocking_pool() {
        let caller = std::thread::current().id();
        let (ran_on, blocking_on) = block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            let ran_on = std::thread::current().id();
            let blocking_on = tokio::task::spawn_blocking(|| std::thread::current().id())
                .await
                .unwrap();
            (ran_on, blocking_on)
        })
        .unwrap();
        assert_eq!(ran_on, caller, "current-thread: the future stays here");
        assert_ne!(blocking_on, caller, "blocking work goes elsewhere");
    }

    #[test]
    fn spawned_tasks_share_the_thread() {
        let caller = std::thread::current().id();
        let spawned = block_on(async {
            tokio::spawn(async { std::thread::current().id() })
                .await
                .unwrap()
        })
        .unwrap();
        assert_eq!(spawned, caller, "a connection task runs beside its search");
    }
}
