//! The state store of the directory sync: one SQLite file per installation
//! (`state.sqlite` in the app data dir) holding, for each profile, the
//! objects Onramp provisioned, the run history with per-object results, held
//! plans awaiting approval, delta cursors, and the audit log.
//!
//! Why SQLite, and why this shape: applying must be idempotent and
//! resumable. A run killed with SIGKILL at any point must converge on the
//! next run without duplicates. So every applied change is recorded in one
//! transaction — the object's new state, the run's per-object result and the
//! audit row — right after the target confirmed it: a change is either fully
//! recorded or not at all, and the next run's plan (a diff against
//! [`StateStore::objects`]) re-issues exactly the changes that were not
//! recorded. (A create the target confirmed but the process did not live to
//! record is found again by the apply step through its `externalId`; that is
//! the apply step's job, not the store's.)
//!
//! The file is opened in WAL mode with a 5 s busy timeout, so the desktop
//! app and the `onramp` CLI can use it at once; writes take the lock up
//! front (`BEGIN IMMEDIATE`) so they queue instead of failing halfway.
//! `synchronous` stays at SQLite's default (FULL): a recorded change must
//! survive a power cut, or the next run would create it twice. Since every
//! FULL commit waits for the disk, the apply step records the changes one
//! answer confirmed (a bulk response, a wave of single requests) in one
//! [`StateStore::batch`]: each change is still whole or absent, and the
//! store is still never ahead of the platform.
//!
//! Nothing here reads the clock: every time is a `now_unix` argument
//! (seconds since the epoch), so tests and replays decide what "now" is.
//! Every failure that comes from the file names the file
//! ([`StoreError`]); a damaged file is an error, never a panic.
//!
//! One job per file: [`objects`](StateStore::objects) (what Onramp
//! provisioned), runs (history and per-object results), holds (plans held
//! by the guard and their approval), cursors (delta-read positions), audit
//! (every change applied), health (the colour DESIGN.md shows in the tray),
//! reminders (which expiry reminders were sent).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};

/// Implements the text encoding of a small enum: `as_str`, `Display`, and
/// the SQLite conversions, from one table of variant ⇄ text.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The text stored in the database and shown to the admin.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok(Self::$variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {other:?}", stringify!($ty)).into(),
                    )),
                }
            }
        }
    };
}

mod audit;
mod cursors;
mod error;
mod health;
mod holds;
mod objects;
mod reminders;
mod runs;
mod schema;
mod source;
#[cfg(test)]
mod testing;

pub use audit::AuditEntry;
pub use error::StoreError;
pub use health::Health;
pub use holds::{Approval, HeldPlan};
pub use objects::{AppliedState, ObjectKind, StoredObject};
pub use reminders::ReminderKey;
pub use runs::{ObjectResult, Outcome, RunId, RunMode, RunRecord, RunState, RunStatus, RunSummary};
pub use source::ProfileSourceState;

/// The file name of the state store inside the app data dir.
pub const FILE_NAME: &str = "state.sqlite";

/// `PRAGMA application_id` of an Onramp state store ("OnRp"), so a SQLite
/// file of another application is refused instead of migrated.
const APPLICATION_ID: i64 = 0x4F6E_5270;

/// An open state store. Not `Sync`: share it behind a mutex, or open one per
/// thread (SQLite serialises writers between connections and processes).
#[derive(Debug)]
pub struct StateStore {
    conn: Connection,
    path: PathBuf,
}

impl StateStore {
    /// Opens (creating if needed, with its parent directory) the state store
    /// at `path` and brings its schema up to date.
    ///
    /// Fails with [`StoreError::Damaged`] when the file is not a SQLite
    /// database, [`StoreError::TooNew`] when a newer Onramp wrote it, and
    /// [`StoreError::Invalid`] when it is another application's database.
    pub fn open(path: &Path) -> Result<StateStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                dir: dir.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).at(path)?;
        // The store holds names and email addresses: private to the account
        // Onramp runs as. SQLite gives its -wal and -shm files the same mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
                |source| StoreError::Permissions {
                    path: path.to_owned(),
                    source,
                },
            )?;
        }
        Self::init(conn, path.to_owned(), true)
    }

    /// A fresh store in memory, for tests.
    pub fn open_in_memory() -> Result<StateStore, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().at(&path)?;
        Self::init(conn, path, false)
    }

    /// The schema version this build writes (what a diagnostic bundle reports).
    pub fn schema_version() -> i64 {
        schema::current_version()
    }

    /// The file this store reads and writes (`:memory:` for an in-memory one).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn init(conn: Connection, path: PathBuf, wal: bool) -> Result<StateStore, StoreError> {
        let store = StateStore { conn, path };
        let p = store.path.as_path();
        store.conn.busy_timeout(Duration::from_secs(5)).at(p)?;
        if wal {
            // Reads the header: this is where a garbage file shows up.
            let mode: String = store
                .conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .at(p)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(store.invalid("journal mode", format!("SQLite kept {mode:?}, not WAL")));
            }
        }
        store.conn.pragma_update(None, "foreign_keys", true).at(p)?;
        store.migrate()?;
        Ok(store)
    }

    /// Applies the missing migrations in one transaction.
    fn migrate(&self) -> Result<(), StoreError> {
        let p = self.path.as_path();
        let tx = self.write()?;
        let version: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .at(p)?;
        let app_id: i64 = tx
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .at(p)?;
        if app_id != 0 && app_id != APPLICATION_ID {
            return Err(self.invalid(
                "application id",
                format!("{app_id:#x}: this is another application's database"),
            ));
        }
        let supported = schema::current_version();
        if version > supported {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found: version,
                supported,
            });
        }
        let done = usize::try_from(version)
            .map_err(|_| self.invalid("schema version", format!("{version} is negative")))?;
        if done == 0 {
            let tables: i64 = tx
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
                .at(p)?;
            if tables > 0 {
                return Err(self.invalid(
                    "schema",
                    "the file already has tables but is not an Onramp state store".to_owned(),
                ));
            }
        }
        for migration in &schema::MIGRATIONS[done..] {
            tx.execute_batch(migration).at(p)?;
        }
        if version < supported {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .at(p)?;
            tx.pragma_update(None, "user_version", supported).at(p)?;
        }
        tx.commit().at(p)
    }

    /// Begins a write transaction that takes the write lock at once, so two
    /// writers queue (up to the busy timeout) instead of one failing on
    /// upgrade from a read lock.
    /// One write: its own `BEGIN IMMEDIATE` transaction, or inside a
    /// [`Self::batch`] a savepoint of the batch's.
    fn write(&self) -> Result<Write<'_>, StoreError> {
        if self.conn.is_autocommit() {
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
                .at(&self.path)?;
            return Ok(Write {
                conn: &self.conn,
                own: Some(tx),
                released: false,
            });
        }
        self.conn
            .prepare_cached("SAVEPOINT onramp_write")
            .and_then(|mut s| s.execute([]))
            .at(&self.path)?;
        Ok(Write {
            conn: &self.conn,
            own: None,
            released: false,
        })
    }

    /// Runs `f` with every write it makes committed together, once, at the
    /// end (rolled back when `f` fails). Each write inside keeps its own
    /// all-or-nothing savepoint. Inside another batch, just runs `f`.
    pub fn batch<T>(&self, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
        if !self.conn.is_autocommit() {
            return f();
        }
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).at(&self.path)?;
        let value = f()?;
        tx.commit().at(&self.path)?;
        Ok(value)
    }

    /// An [`StoreError::Invalid`] naming this store's file.
    fn invalid(&self, what: impl Into<String>, detail: String) -> StoreError {
        StoreError::Invalid {
            path: self.path.clone(),
            what: what.into(),
            detail,
        }
    }
}

/// A write in progress: committed by [`Write::commit`], rolled back when
/// dropped without.
struct Write<'a> {
    conn: &'a Connection,
    /// Its own transaction; `None` for a savepoint inside a batch.
    own: Option<Transaction<'a>>,
    released: bool,
}

impl Write<'_> {
    fn commit(mut self) -> rusqlite::Result<()> {
        match self.own.take() {
            Some(tx) => tx.commit(),
            None => {
                self.released = true;
                self.conn
                    .prepare_cached("RELEASE onramp_write")
                    .and_then(|mut s| s.execute([]))
                    .map(|_| ())
            }
        }
    }
}

impl std::ops::Deref for Write<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Write<'_> {
    fn drop(&mut self) {
        if self.own.is_none() && !self.released {
            // Undo this write only; the batch goes on (or fails) as a whole.
            let _ = self
                .conn
                .execute_batch("ROLLBACK TO onramp_write; RELEASE onramp_write");
        }
    }
}

/// Attaches the file name to a SQLite result, and tells a damaged file from
/// other failures.
trait At<T> {
    fn at(self, path: &Path) -> Result<T, StoreError>;
}

impl<T> At<T> for rusqlite::Result<T> {
    fn at(self, path: &Path) -> Result<T, StoreError> {
        self.map_err(|source| {
            let path = path.to_owned();
            match source.sqlite_error_code() {
                Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                    StoreError::Damaged { path, source }
                }
                _ => StoreError::Sqlite { path, source },
            }
        })
    }
}

/// Converts a `usize` limit to SQLite's integer, saturating.
fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::testing::{temp_store, user};
    use super::*;

    #[test]
    fn a_batch_commits_its_writes_together_or_not_at_all() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 100).unwrap();
        let record = |anchor: &str| {
            store.record_applied(
                run,
                Some(anchor),
                &user(anchor, "a@x.test"),
                "create",
                "",
                101,
            )
        };
        store
            .batch(|| {
                record("u1")?;
                // A write that fails inside the batch undoes only itself.
                let unknown = store.record_deprovisioned(run, "nobody", "deactivate", "", 102);
                assert!(matches!(unknown, Err(StoreError::UnknownObject { .. })));
                record("u2")
            })
            .unwrap();
        assert_eq!(store.objects("p").unwrap().len(), 2);
        // A batch that fails leaves nothing behind.
        let failed = store.batch(|| {
            record("u3")?;
            Err::<(), _>(StoreError::NotFound(RunId(999)))
        });
        assert!(failed.is_err());
        assert_eq!(store.objects("p").unwrap().len(), 2);
        // And the store takes single writes again afterwards.
        record("u4").unwrap();
        assert_eq!(store.objects("p").unwrap().len(), 3);
    }

    #[test]
    fn open_twice_migrates_once_and_keeps_data() {
        let (dir, store) = temp_store();
        let path = store.path().to_owned();
        assert!(
            path.exists(),
            "open creates the parent directory and the file"
        );
        let run = store.begin_run("p", RunMode::Apply, 100).unwrap();
        store
            .record_applied(
                run,
                Some("scim-1"),
                &user("u1", "a@x.test"),
                "create",
                "",
                101,
            )
            .unwrap();
        store.set_cursor("p", "usn", "42").unwrap();
        drop(store);

        let again = StateStore::open(&path).unwrap();
        let version: i64 = again
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::current_version());
        assert_eq!(again.objects("p").unwrap().len(), 1);
        assert_eq!(again.cursor("p", "usn").unwrap().as_deref(), Some("42"));
        assert_eq!(again.run(run).unwrap().unwrap().state, RunState::Running);
        drop(again);
        // A third open is as uneventful as the second.
        StateStore::open(&path).unwrap();
        drop(dir);
    }

    #[test]
    fn wal_mode_and_foreign_keys_are_on() {
        let (_dir, store) = temp_store();
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn garbage_file_is_a_clear_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, vec![0xA5_u8; 8192]).unwrap();
        let err = StateStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(text.contains("damaged"), "{text}");
    }

    #[test]
    fn short_garbage_file_is_a_clear_error_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, b"not a database at all").unwrap();
        let err = StateStore::open(&path).unwrap_err();
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn newer_schema_is_refused() {
        let (_dir, store) = temp_store();
        let path = store.path().to_owned();
        store
            .conn
            .pragma_update(None, "user_version", schema::current_version() + 1)
            .unwrap();
        drop(store);
        let err = StateStore::open(&path).unwrap_err();
        match &err {
            StoreError::TooNew {
                found, supported, ..
            } => {
                assert_eq!(*found, schema::current_version() + 1);
                assert_eq!(*supported, schema::current_version());
            }
            other => panic!("expected TooNew, got {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("newer") && text.contains(&path.display().to_string()),
            "{text}"
        );
    }

    #[test]
    fn another_applications_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE t (x)").unwrap();
        drop(other);
        let err = StateStore::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains(&path.display().to_string()));
    }

    #[test]
    fn two_connections_share_the_file() {
        // The desktop app and the CLI open the same file at once.
        let (_dir, app) = temp_store();
        let cli = StateStore::open(app.path()).unwrap();
        let run = cli.begin_run("p", RunMode::Apply, 1).unwrap();
        cli.record_applied(run, Some("s1"), &user("u1", "a@x.test"), "create", "", 2)
            .unwrap();
        assert_eq!(app.objects("p").unwrap().len(), 1);
        let next = app.begin_run("p", RunMode::Apply, 3).unwrap();
        assert_eq!(cli.run(run).unwrap().unwrap().state, RunState::Interrupted);
        assert_eq!(cli.runs(Some("p"), 10).unwrap()[0].id, next);
    }

    #[test]
    fn in_memory_store_works() {
        let store = StateStore::open_in_memory().unwrap();
        assert_eq!(store.path(), Path::new(":memory:"));
        let run = store.begin_run("p", RunMode::Preview, 1).unwrap();
        assert_eq!(store.run(run).unwrap().unwrap().mode, RunMode::Preview);
    }
}
