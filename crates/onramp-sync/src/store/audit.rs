//! The audit log: one row for every change applied to the platform, written
//! in the same transaction as the change's record (see `objects`), so the
//! log and the state never disagree. Failures are not changes; they are in
//! the run's per-object results.
//!
//! Entries are ordered by the order they were written, not by their
//! timestamp: the clock may step back (NTP, a laptop resuming), the write
//! order cannot.

use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::runs::RunId;
use super::{At, StateStore, StoreError, sql_limit};

/// One change applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When it was recorded (Unix seconds).
    pub at: i64,
    /// The profile.
    pub profile: String,
    /// The run that applied it.
    pub run: RunId,
    /// The object's anchor.
    pub anchor: String,
    /// What was done (`create`, `update`, `deactivate`, `delete`, …).
    pub action: String,
    /// What changed, for the admin.
    pub details: String,
}

impl StateStore {
    /// The latest `limit` audit entries, newest first, of one profile or of
    /// all.
    pub fn audit(
        &self,
        profile: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let p = self.path.as_path();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at_unix, profile, run, anchor, action, details FROM audit
                 WHERE ?1 IS NULL OR profile = ?1 ORDER BY id DESC LIMIT ?2",
            )
            .at(p)?;
        let rows = stmt
            .query_map(params![profile, sql_limit(limit)], |row| {
                Ok(AuditEntry {
                    at: row.get(0)?,
                    profile: row.get(1)?,
                    run: RunId(row.get(2)?),
                    anchor: row.get(3)?,
                    action: row.get(4)?,
                    details: row.get(5)?,
                })
            })
            .at(p)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().at(p)
    }

    /// Appends an audit row, inside the caller's transaction.
    pub(super) fn append_audit(
        &self,
        profile: &str,
        run: RunId,
        anchor: &str,
        action: &str,
        details: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO audit (at_unix, profile, run, anchor, action, details)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| s.execute(params![now_unix, profile, run.0, anchor, action, details]))
            .at(&self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::RunMode;
    use super::super::testing::{temp_store, user};
    use super::*;

    #[test]
    fn newest_first_by_write_order_filtered_by_profile() {
        let (_dir, store) = temp_store();
        let a = store.begin_run("a", RunMode::Apply, 100).unwrap();
        let b = store.begin_run("b", RunMode::Apply, 100).unwrap();
        store
            .record_applied(
                a,
                Some("1"),
                &user("u1", "1@x.test"),
                "create",
                "first",
                105,
            )
            .unwrap();
        store
            .record_applied(
                b,
                Some("2"),
                &user("u2", "2@x.test"),
                "create",
                "second",
                106,
            )
            .unwrap();
        // The clock stepped back: still the newest entry.
        store
            .record_deprovisioned(a, "u1", "deactivate", "third", 90)
            .unwrap();

        let all = store.audit(None, 10).unwrap();
        let details: Vec<&str> = all.iter().map(|e| e.details.as_str()).collect();
        assert_eq!(details, ["third", "second", "first"]);
        assert_eq!(
            all[0],
            AuditEntry {
                at: 90,
                profile: "a".into(),
                run: a,
                anchor: "u1".into(),
                action: "deactivate".into(),
                details: "third".into(),
            }
        );

        let only_a: Vec<String> = store
            .audit(Some("a"), 10)
            .unwrap()
            .into_iter()
            .map(|e| e.details)
            .collect();
        assert_eq!(only_a, ["third", "first"]);
        assert_eq!(store.audit(None, 1).unwrap().len(), 1);
        assert!(store.audit(Some("c"), 10).unwrap().is_empty());
    }

    #[test]
    fn failures_are_not_audited() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 1).unwrap();
        store.record_failure(run, "u1", "create", "409", 2).unwrap();
        assert!(store.audit(Some("p"), 10).unwrap().is_empty());
    }
}
