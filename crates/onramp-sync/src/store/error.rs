//! What can go wrong with the state store.
//!
//! Every failure that comes from the database file names that file, so the
//! admin (or support, reading a diagnostic bundle) knows which file is
//! damaged, locked or too new without guessing where the app data dir is.
//! The rest are misuse the sync engine can act on (an approval that does
//! not apply any more, a run that is no longer running).

use std::path::PathBuf;

use super::RunId;

/// An error from the state store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The directory that should hold the file could not be created.
    #[error("cannot create the directory {dir} for the state store: {source}")]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store's file could not be made private to this account.
    #[error("cannot make the state store {path} private (mode 0600): {source}")]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a SQLite database, or SQLite reports it corrupt.
    #[error(
        "the state store {path} is damaged or is not an Onramp state store ({source}); \
         move it aside and Onramp starts a new one (the next run re-reads the directory)"
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer Onramp with a schema this one does
    /// not know.
    #[error(
        "the state store {path} has schema version {found}, newer than this Onramp \
         understands (version {supported}); upgrade Onramp"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// Any other SQLite failure (locked for longer than the busy timeout,
    /// disk full, read-only, …).
    #[error("state store {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored value does not parse: a row was written by something else
    /// or damaged.
    #[error("the state store {path} holds an invalid {what}: {detail}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Which value (table, column, key).
        what: String,
        /// Why it does not parse.
        detail: String,
    },
    /// A desired object could not be serialised to JSON.
    #[error("cannot serialise the applied state of {anchor}: {source}")]
    Serialize {
        /// The object's anchor.
        anchor: String,
        /// Why.
        source: serde_json::Error,
    },
    /// No run has this id.
    #[error("run {0} not found")]
    NotFound(RunId),
    /// The run exists but no plan of it was held.
    #[error("run {0} was not held; there is nothing to approve")]
    NotHeld(RunId),
    /// The held run was approved already.
    #[error("run {0} is already approved")]
    AlreadyApproved(RunId),
    /// A later run of the same profile replaced the held plan: approving an
    /// old plan would let the next run exceed the guard for changes the admin
    /// never saw.
    #[error(
        "run {run} is superseded by run {by}; approve the latest held run of the profile instead"
    )]
    Superseded {
        /// The run whose approval was asked.
        run: RunId,
        /// The later run that replaced it.
        by: RunId,
    },
    /// The run is not running any more (finished, or marked interrupted
    /// because a later run of its profile began), so it cannot record.
    #[error("run {run} is {status}, not running; it cannot record anything more")]
    RunNotActive {
        /// The run.
        run: RunId,
        /// Its status.
        status: String,
    },
    /// A preview run tried to record an applied change, or a run was
    /// finished with a status that does not fit its mode.
    #[error("run {run} is a {mode} run and cannot {what}")]
    WrongMode {
        /// The run.
        run: RunId,
        /// Its mode.
        mode: String,
        /// What was attempted.
        what: String,
    },
    /// The profile has no record of this object.
    #[error("profile {profile:?} has no provisioned object {anchor:?}")]
    UnknownObject {
        /// The profile.
        profile: String,
        /// The anchor.
        anchor: String,
    },
}
