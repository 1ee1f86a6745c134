//! One run of a profile at a time, across processes.
//!
//! The desktop app's `SyncRunner` keeps its own scheduler and Sync Now from
//! overlapping, but the `onramp` CLI (a cron job, an admin in a terminal)
//! is another process. Two runs of one profile would read, plan and apply
//! against the same state store at once: applying is idempotent, so they
//! would not corrupt anything, but their plans and guards would see each
//! other's half-applied changes. So every run takes an exclusive lock on
//! `locks/<profile>.lock` next to the state store first. The operating
//! system releases it when the holder ends in any way, SIGKILL included, so
//! a killed run never leaves the profile locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Why a run could not take its profile's lock.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it: a run of the profile is going on.
    #[error(
        "another Onramp process is running a sync of profile '{profile}' (it holds {}); this run did not start: wait for that one to finish",
        path.display()
    )]
    Busy {
        /// The profile.
        profile: String,
        /// The lock file.
        path: PathBuf,
    },
    /// The lock file could not be created or locked.
    #[error("cannot lock {}: {source}", path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
}

/// The lock of one profile's runs; released when dropped.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

impl RunLock {
    /// Takes the lock of `profile`'s runs for `store`; none is needed for a
    /// store in memory (tests), which no other process can see.
    pub fn for_store(
        store: &crate::store::StateStore,
        profile: &str,
    ) -> Result<Option<Self>, LockError> {
        if store.path() == Path::new(":memory:") {
            return Ok(None);
        }
        Self::acquire(store.path(), profile).map(Some)
    }

    /// Takes the lock of `profile`'s runs, kept in the folder of the state
    /// store at `store_path`, without waiting.
    pub fn acquire(store_path: &Path, profile: &str) -> Result<Self, LockError> {
        let dir = store_path
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join("locks");
        let path = dir.join(format!("{profile}.lock"));
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&dir).map_err(io)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(LockError::Busy {
                profile: profile.to_owned(),
                path,
            }),
            Err(TryLockError::Error(e)) => Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("state.sqlite");
        let first = RunLock::acquire(&store, "corp").unwrap();
        let err = RunLock::acquire(&store, "corp").unwrap_err();
        assert!(matches!(err, LockError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("profile 'corp'"), "{err}");
        // Another profile is independent.
        let other = RunLock::acquire(&store, "hr").unwrap();
        drop(first);
        let again = RunLock::acquire(&store, "corp").unwrap();
        drop((again, other));
    }
}
