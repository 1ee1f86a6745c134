//! Run history: one row per sync run (preview or apply) with its status and
//! counts, and one row per object the run touched with its outcome.
//!
//! A run begins as `running`. A process killed with SIGKILL never finishes
//! its run, so beginning a run first marks every earlier run of the same
//! profile that is still `running` as `interrupted`: it cannot still be
//! going (one profile syncs one run at a time), and a run that was
//! interrupted can no longer record anything, which keeps a stray old
//! process from writing into the history of the new one.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{At, StateStore, StoreError, sql_limit};

/// The id of a run (its row id; increases with every run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS, Deserialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

impl std::fmt::Display for RunId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether a run only previews the plan or applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunMode {
    /// The pipeline stopped before Apply.
    Preview,
    /// The full pipeline.
    Apply,
}

text_enum!(RunMode { Preview => "preview", Apply => "apply" });

/// How a run ended (what [`StateStore::finish_run`] records).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Every change applied.
    Ok,
    /// The run completed but some objects failed.
    Partial,
    /// The run failed (source unreadable, target unreachable, …).
    Failed,
    /// A guard held the plan; nothing was applied.
    Held,
    /// A preview run that produced its plan.
    Preview,
    /// Stopped as asked (a shutdown) partway through applying; the next
    /// run makes the changes it did not start.
    Interrupted,
}

text_enum!(RunStatus {
    Ok => "ok",
    Partial => "partial",
    Failed => "failed",
    Held => "held",
    Preview => "preview",
    Interrupted => "interrupted",
});

/// Where a run stands: still running, finished with a [`RunStatus`], or
/// interrupted (its process died before finishing it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunState {
    /// Begun and not finished.
    Running,
    /// See [`RunStatus::Ok`].
    Ok,
    /// See [`RunStatus::Partial`].
    Partial,
    /// See [`RunStatus::Failed`].
    Failed,
    /// See [`RunStatus::Held`].
    Held,
    /// See [`RunStatus::Preview`].
    Preview,
    /// Never finished: a later run of the profile began while it was still
    /// marked running.
    Interrupted,
}

text_enum!(RunState {
    Running => "running",
    Ok => "ok",
    Partial => "partial",
    Failed => "failed",
    Held => "held",
    Preview => "preview",
    Interrupted => "interrupted",
});

impl From<RunStatus> for RunState {
    fn from(status: RunStatus) -> Self {
        match status {
            RunStatus::Ok => RunState::Ok,
            RunStatus::Partial => RunState::Partial,
            RunStatus::Failed => RunState::Failed,
            RunStatus::Held => RunState::Held,
            RunStatus::Preview => RunState::Preview,
            RunStatus::Interrupted => RunState::Interrupted,
        }
    }
}

/// What a run did, in counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS, Deserialize)]
pub struct RunSummary {
    /// Users created.
    pub created: u32,
    /// Users updated.
    pub updated: u32,
    /// Users deactivated or deleted.
    pub deprovisioned: u32,
    /// Groups created, changed or deleted.
    pub groups_changed: u32,
    /// Objects whose change failed.
    pub failed: u32,
    /// Users left out by the profile's rules.
    pub skipped: u32,
}

/// One run as the history has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct RunRecord {
    /// Its id.
    pub id: RunId,
    /// The profile it synced.
    pub profile: String,
    /// Preview or apply.
    pub mode: RunMode,
    /// Where it stands.
    pub state: RunState,
    /// When it began (Unix seconds).
    pub started_at: i64,
    /// When it finished (Unix seconds); `None` while running or if
    /// interrupted.
    pub finished_at: Option<i64>,
    /// Its counts (zero until finished).
    pub summary: RunSummary,
    /// A message for the admin (why it failed or was held).
    pub message: Option<String>,
}

/// Whether one object's change went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Applied and recorded.
    Ok,
    /// The target refused it or could not be reached.
    Failed,
}

text_enum!(Outcome { Ok => "ok", Failed => "failed" });

/// One object's result within a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct ObjectResult {
    /// The object's anchor.
    pub anchor: String,
    /// What was attempted (`create`, `update`, `deactivate`, …).
    pub action: String,
    /// Whether it went through.
    pub outcome: Outcome,
    /// The error, for a failure.
    pub message: Option<String>,
    /// When (Unix seconds).
    pub at: i64,
}

/// The message an interrupted run gets.
const INTERRUPTED: &str = "did not finish (its process stopped); a later run took over";

const RUN_COLUMNS: &str = "id, profile, mode, status, started_unix, finished_unix, created, \
     updated, deprovisioned, groups_changed, failed, skipped, message";

fn run_from_row(row: &Row<'_>) -> rusqlite::Result<RunRecord> {
    Ok(RunRecord {
        id: RunId(row.get(0)?),
        profile: row.get(1)?,
        mode: row.get(2)?,
        state: row.get(3)?,
        started_at: row.get(4)?,
        finished_at: row.get(5)?,
        summary: RunSummary {
            created: row.get(6)?,
            updated: row.get(7)?,
            deprovisioned: row.get(8)?,
            groups_changed: row.get(9)?,
            failed: row.get(10)?,
            skipped: row.get(11)?,
        },
        message: row.get(12)?,
    })
}

impl StateStore {
    /// Begins a run of `profile`, first marking any earlier run of it that
    /// is still running as interrupted.
    pub fn begin_run(
        &self,
        profile: &str,
        mode: RunMode,
        now_unix: i64,
    ) -> Result<RunId, StoreError> {
        let p = self.path.as_path();
        let tx = self.write()?;
        tx.execute(
            "UPDATE runs SET status = 'interrupted', message = coalesce(message, ?2)
             WHERE profile = ?1 AND status = 'running'",
            params![profile, INTERRUPTED],
        )
        .at(p)?;
        tx.execute(
            "INSERT INTO runs (profile, mode, status, started_unix) VALUES (?1, ?2, 'running', ?3)",
            params![profile, mode, now_unix],
        )
        .at(p)?;
        let id = RunId(tx.last_insert_rowid());
        tx.commit().at(p)?;
        Ok(id)
    }

    /// Removes run `run`, which must still be running and have recorded
    /// nothing (a run stopped before it applied anything leaves no trace).
    pub fn discard_run(&self, run: RunId) -> Result<(), StoreError> {
        let p = self.path.as_path();
        let tx = self.write()?;
        let removed = tx
            .execute(
                "DELETE FROM runs WHERE id = ?1 AND status = 'running'
                   AND NOT EXISTS (SELECT 1 FROM results WHERE run = ?1)
                   AND NOT EXISTS (SELECT 1 FROM audit WHERE run = ?1)
                   AND NOT EXISTS (SELECT 1 FROM holds WHERE run = ?1)",
                [run.0],
            )
            .at(p)?;
        if removed != 1 {
            return Err(StoreError::Invalid {
                path: self.path.clone(),
                what: "run".to_owned(),
                detail: format!(
                    "run {} is finished or has records; it cannot be discarded",
                    run.0
                ),
            });
        }
        tx.commit().at(p)?;
        Ok(())
    }

    /// Finishes a running run with its status, counts and message.
    ///
    /// A preview run finishes as [`RunStatus::Preview`] or
    /// [`RunStatus::Failed`]; an apply run as anything but `Preview`.
    pub fn finish_run(
        &self,
        run: RunId,
        status: RunStatus,
        summary: &RunSummary,
        message: Option<&str>,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        let p = self.path.as_path();
        let tx = self.write()?;
        let (_, mode) = self.active_run(run)?;
        let fits = match mode {
            RunMode::Preview => matches!(status, RunStatus::Preview | RunStatus::Failed),
            RunMode::Apply => status != RunStatus::Preview,
        };
        if !fits {
            return Err(StoreError::WrongMode {
                run,
                mode: mode.to_string(),
                what: format!("finish as {status}"),
            });
        }
        tx.execute(
            "UPDATE runs SET status = ?2, finished_unix = ?3, created = ?4, updated = ?5,
                 deprovisioned = ?6, groups_changed = ?7, failed = ?8, skipped = ?9, message = ?10
             WHERE id = ?1",
            params![
                run.0,
                status,
                now_unix,
                summary.created,
                summary.updated,
                summary.deprovisioned,
                summary.groups_changed,
                summary.failed,
                summary.skipped,
                message,
            ],
        )
        .at(p)?;
        tx.commit().at(p)
    }

    /// The latest `limit` runs, newest first, of one profile or of all.
    pub fn runs(&self, profile: Option<&str>, limit: usize) -> Result<Vec<RunRecord>, StoreError> {
        let p = self.path.as_path();
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs WHERE ?1 IS NULL OR profile = ?1 ORDER BY id DESC LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql).at(p)?;
        let rows = stmt
            .query_map(params![profile, sql_limit(limit)], run_from_row)
            .at(p)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().at(p)
    }

    /// One run, if it exists.
    pub fn run(&self, run: RunId) -> Result<Option<RunRecord>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1");
        self.conn
            .query_row(&sql, [run.0], run_from_row)
            .optional()
            .at(&self.path)
    }

    /// The per-object results of a run, in the order they were recorded
    /// (empty for an unknown run).
    pub fn results(&self, run: RunId) -> Result<Vec<ObjectResult>, StoreError> {
        let p = self.path.as_path();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT anchor, action, outcome, message, at_unix FROM results
                 WHERE run = ?1 ORDER BY id",
            )
            .at(p)?;
        let rows = stmt
            .query_map([run.0], |row| {
                Ok(ObjectResult {
                    anchor: row.get(0)?,
                    action: row.get(1)?,
                    outcome: row.get(2)?,
                    message: row.get(3)?,
                    at: row.get(4)?,
                })
            })
            .at(p)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().at(p)
    }

    /// The profile and mode of `run`, which must exist and be running.
    /// Called inside the caller's transaction (it is on the same connection).
    pub(super) fn active_run(&self, run: RunId) -> Result<(String, RunMode), StoreError> {
        let found: Option<(String, RunMode, RunState)> = self
            .conn
            .prepare_cached("SELECT profile, mode, status FROM runs WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([run.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })
            .at(&self.path)?;
        match found {
            None => Err(StoreError::NotFound(run)),
            Some((profile, mode, RunState::Running)) => Ok((profile, mode)),
            Some((_, _, state)) => Err(StoreError::RunNotActive {
                run,
                status: state.to_string(),
            }),
        }
    }

    /// Appends one per-object result of `run`, inside the caller's
    /// transaction.
    pub(super) fn append_result(
        &self,
        run: RunId,
        anchor: &str,
        action: &str,
        outcome: Outcome,
        message: Option<&str>,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO results (run, anchor, action, outcome, message, at_unix)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| s.execute(params![run.0, anchor, action, outcome, message, now_unix]))
            .at(&self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;
    use super::*;

    #[test]
    fn begin_and_finish_a_run() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 100).unwrap();
        let summary = RunSummary {
            created: 3,
            updated: 2,
            deprovisioned: 1,
            groups_changed: 4,
            failed: 0,
            skipped: 7,
        };
        store
            .finish_run(run, RunStatus::Ok, &summary, None, 160)
            .unwrap();
        let rec = store.run(run).unwrap().unwrap();
        assert_eq!(rec.profile, "p");
        assert_eq!(rec.mode, RunMode::Apply);
        assert_eq!(rec.state, RunState::Ok);
        assert_eq!(rec.started_at, 100);
        assert_eq!(rec.finished_at, Some(160));
        assert_eq!(rec.summary, summary);
        assert_eq!(rec.message, None);
        // Finishing twice is refused.
        let err = store
            .finish_run(run, RunStatus::Failed, &summary, None, 170)
            .unwrap_err();
        assert!(matches!(err, StoreError::RunNotActive { .. }), "{err:?}");
    }

    #[test]
    fn a_killed_run_is_marked_interrupted_by_the_next() {
        let (_dir, store) = temp_store();
        let killed = store.begin_run("p", RunMode::Apply, 100).unwrap();
        let other_profile = store.begin_run("q", RunMode::Apply, 100).unwrap();
        let next = store.begin_run("p", RunMode::Apply, 200).unwrap();

        let rec = store.run(killed).unwrap().unwrap();
        assert_eq!(rec.state, RunState::Interrupted);
        assert_eq!(rec.finished_at, None);
        assert!(rec.message.unwrap().contains("did not finish"));
        // Another profile's run is left alone, and the new one runs.
        assert_eq!(
            store.run(other_profile).unwrap().unwrap().state,
            RunState::Running
        );
        assert_eq!(store.run(next).unwrap().unwrap().state, RunState::Running);
        // The interrupted run can record nothing more.
        let err = store
            .record_failure(killed, "u1", "create", "boom", 201)
            .unwrap_err();
        assert!(
            matches!(err, StoreError::RunNotActive { ref status, .. } if status == "interrupted")
        );
        let err = store
            .finish_run(killed, RunStatus::Ok, &RunSummary::default(), None, 201)
            .unwrap_err();
        assert!(matches!(err, StoreError::RunNotActive { .. }));
    }

    #[test]
    fn finish_status_must_fit_the_mode() {
        let (_dir, store) = temp_store();
        let preview = store.begin_run("p", RunMode::Preview, 1).unwrap();
        let err = store
            .finish_run(preview, RunStatus::Ok, &RunSummary::default(), None, 2)
            .unwrap_err();
        assert!(matches!(err, StoreError::WrongMode { .. }), "{err:?}");
        store
            .finish_run(preview, RunStatus::Preview, &RunSummary::default(), None, 2)
            .unwrap();

        let apply = store.begin_run("p", RunMode::Apply, 3).unwrap();
        let err = store
            .finish_run(apply, RunStatus::Preview, &RunSummary::default(), None, 4)
            .unwrap_err();
        assert!(matches!(err, StoreError::WrongMode { .. }), "{err:?}");
        store
            .finish_run(
                apply,
                RunStatus::Failed,
                &RunSummary::default(),
                Some("LDAP down"),
                4,
            )
            .unwrap();
        assert_eq!(
            store.run(apply).unwrap().unwrap().message.as_deref(),
            Some("LDAP down")
        );
    }

    #[test]
    fn unknown_run() {
        let (_dir, store) = temp_store();
        assert!(store.run(RunId(99)).unwrap().is_none());
        assert!(store.results(RunId(99)).unwrap().is_empty());
        let err = store
            .finish_run(RunId(99), RunStatus::Ok, &RunSummary::default(), None, 1)
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(RunId(99))));
    }

    #[test]
    fn runs_are_listed_newest_first_per_profile() {
        let (_dir, store) = temp_store();
        let a1 = store.begin_run("a", RunMode::Preview, 1).unwrap();
        let b1 = store.begin_run("b", RunMode::Apply, 2).unwrap();
        let a2 = store.begin_run("a", RunMode::Apply, 3).unwrap();
        let ids = |v: Vec<RunRecord>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(store.runs(Some("a"), 10).unwrap()), [a2, a1]);
        assert_eq!(ids(store.runs(None, 10).unwrap()), [a2, b1, a1]);
        assert_eq!(ids(store.runs(None, 2).unwrap()), [a2, b1]);
        assert!(store.runs(Some("none"), 10).unwrap().is_empty());
    }

    #[test]
    fn results_in_recorded_order() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 1).unwrap();
        store
            .record_failure(run, "u2", "create", "409 conflict", 5)
            .unwrap();
        store.record_failure(run, "u1", "update", "500", 6).unwrap();
        let results = store.results(run).unwrap();
        assert_eq!(
            results,
            [
                ObjectResult {
                    anchor: "u2".into(),
                    action: "create".into(),
                    outcome: Outcome::Failed,
                    message: Some("409 conflict".into()),
                    at: 5,
                },
                ObjectResult {
                    anchor: "u1".into(),
                    action: "update".into(),
                    outcome: Outcome::Failed,
                    message: Some("500".into()),
                    at: 6,
                },
            ]
        );
    }

    #[test]
    fn unknown_status_text_is_an_error_not_a_panic() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 1).unwrap();
        // Something else wrote a mode this build does not know (bypassing the
        // CHECK constraint, as a damaged or hand-edited file might).
        store
            .conn
            .execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE runs SET mode = 'warp';")
            .unwrap();
        let err = store.run(run).unwrap_err();
        assert!(
            err.to_string()
                .contains(&store.path().display().to_string()),
            "{err}"
        );
    }
}
