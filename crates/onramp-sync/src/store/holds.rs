//! Plans held by the guard, and their approval.
//!
//! A plan that would deprovision more than the profile's threshold is not
//! applied: the run records the hold here ([`StateStore::hold`]) and ends
//! `held`, with the digest of the plan. `onramp approve` approves it
//! ([`StateStore::approve`]), and the next apply run of the profile that the
//! guard holds takes the approval ([`StateStore::take_approval`]) and may
//! proceed, once, if its plan has the same digest: the approval is for the
//! plan the admin saw, and a different plan is held again.
//!
//! An approval is for the plan the admin saw. So only the latest held run
//! of a profile can be approved, and a held run is superseded — can no
//! longer be approved, nor its approval taken — as soon as a later run of
//! the profile is held, or a later apply run completes (`ok` or `partial`:
//! the situation that caused the hold has changed). Otherwise an old
//! approval could let a future run deactivate objects nobody looked at.

use rusqlite::{OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use super::runs::{RunId, RunMode};
use super::{At, StateStore, StoreError};

/// A plan the guard held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldPlan {
    /// The run that was held.
    pub run: RunId,
    /// Its profile.
    pub profile: String,
    /// Why it was held, for the admin.
    pub reason: String,
    /// When it was held (Unix seconds).
    pub held_at: i64,
    /// When it was approved.
    pub approved_at: Option<i64>,
    /// When an apply run took the approval.
    pub consumed_at: Option<i64>,
    /// The run that took it.
    pub consumed_by: Option<RunId>,
    /// The digest of the held plan (`guard::digest`); none for holds
    /// recorded before digests were kept.
    pub plan_digest: Option<String>,
}

const HOLD_COLUMNS: &str =
    "run, profile, reason, held_unix, approved_unix, consumed_unix, consumed_by, plan_digest";

/// What [`StateStore::take_approval`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    /// No usable approval: nothing approved, or already taken, or superseded.
    None,
    /// The approval of this held run was taken: the plan may proceed.
    Taken(RunId),
    /// This held run was approved, but for another plan; it was not taken.
    Differs(RunId),
}

fn hold_from_row(row: &Row<'_>) -> rusqlite::Result<HeldPlan> {
    Ok(HeldPlan {
        run: RunId(row.get(0)?),
        profile: row.get(1)?,
        reason: row.get(2)?,
        held_at: row.get(3)?,
        approved_at: row.get(4)?,
        consumed_at: row.get(5)?,
        consumed_by: row.get::<_, Option<i64>>(6)?.map(RunId),
        plan_digest: row.get(7)?,
    })
}

impl StateStore {
    /// Records the running apply `run` as held, with the reason. Holding
    /// the same run again replaces the reason.
    ///
    /// The caller then finishes the run as [`RunStatus::Held`](super::RunStatus::Held).
    pub fn hold(
        &self,
        run: RunId,
        reason: &str,
        plan_digest: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        let profile = match self.active_run(run)? {
            (profile, RunMode::Apply) => profile,
            (_, mode) => {
                return Err(StoreError::WrongMode {
                    run,
                    mode: mode.to_string(),
                    what: "hold a plan".to_owned(),
                });
            }
        };
        self.conn
            .execute(
                "INSERT INTO holds (run, profile, reason, held_unix, plan_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (run) DO UPDATE SET
                     reason = excluded.reason, held_unix = excluded.held_unix,
                     plan_digest = excluded.plan_digest",
                params![run.0, profile, reason, now_unix, plan_digest],
            )
            .at(&self.path)?;
        tx.commit().at(&self.path)
    }

    /// The held plan of `run`, if it was held.
    pub fn held_plan(&self, run: RunId) -> Result<Option<HeldPlan>, StoreError> {
        let sql = format!("SELECT {HOLD_COLUMNS} FROM holds WHERE run = ?1");
        self.conn
            .query_row(&sql, [run.0], hold_from_row)
            .optional()
            .at(&self.path)
    }

    /// The held plan of `profile` awaiting approval: its latest held run,
    /// if that is neither approved nor superseded.
    pub fn pending_hold(&self, profile: &str) -> Result<Option<HeldPlan>, StoreError> {
        let Some(latest) = self.latest_hold(profile)? else {
            return Ok(None);
        };
        if latest.approved_at.is_some() || self.superseded_by(profile, latest.run)?.is_some() {
            return Ok(None);
        }
        Ok(Some(latest))
    }

    /// Approves the held `run`, so the next apply run of its profile may
    /// exceed the guard once.
    ///
    /// Errors: [`StoreError::NotFound`] (no such run),
    /// [`StoreError::NotHeld`] (the run was not held),
    /// [`StoreError::AlreadyApproved`], [`StoreError::Superseded`] (a later
    /// run of the profile was held or completed).
    pub fn approve(&self, run: RunId, now_unix: i64) -> Result<(), StoreError> {
        let tx = self.write()?;
        let Some(held) = self.held_plan(run)? else {
            return Err(match self.run(run)? {
                Some(_) => StoreError::NotHeld(run),
                None => StoreError::NotFound(run),
            });
        };
        if held.approved_at.is_some() {
            return Err(StoreError::AlreadyApproved(run));
        }
        if let Some(by) = self.superseded_by(&held.profile, run)? {
            return Err(StoreError::Superseded { run, by });
        }
        self.conn
            .execute(
                "UPDATE holds SET approved_unix = ?2 WHERE run = ?1",
                params![run.0, now_unix],
            )
            .at(&self.path)?;
        tx.commit().at(&self.path)
    }

    /// Takes the approval of the profile of the running apply `run` for the
    /// plan with `plan_digest`: if the profile's latest held run is
    /// approved, not yet taken, not superseded and held that same plan,
    /// marks it taken by `run` ([`Approval::Taken`]). An approved hold of
    /// another plan is left as it is ([`Approval::Differs`]). An approval is
    /// taken once.
    pub fn take_approval(
        &self,
        run: RunId,
        plan_digest: &str,
        now_unix: i64,
    ) -> Result<Approval, StoreError> {
        let tx = self.write()?;
        let profile = match self.active_run(run)? {
            (profile, RunMode::Apply) => profile,
            (_, mode) => {
                return Err(StoreError::WrongMode {
                    run,
                    mode: mode.to_string(),
                    what: "take an approval".to_owned(),
                });
            }
        };
        let Some(latest) = self.latest_hold(&profile)? else {
            return Ok(Approval::None);
        };
        let usable = latest.run != run
            && latest.approved_at.is_some()
            && latest.consumed_at.is_none()
            && self.superseded_by(&profile, latest.run)?.is_none();
        if !usable {
            return Ok(Approval::None);
        }
        if latest.plan_digest.as_deref() != Some(plan_digest) {
            return Ok(Approval::Differs(latest.run));
        }
        self.conn
            .execute(
                "UPDATE holds SET consumed_unix = ?2, consumed_by = ?3 WHERE run = ?1",
                params![latest.run.0, now_unix, run.0],
            )
            .at(&self.path)?;
        tx.commit().at(&self.path)?;
        Ok(Approval::Taken(latest.run))
    }

    /// The latest held run of `profile`.
    fn latest_hold(&self, profile: &str) -> Result<Option<HeldPlan>, StoreError> {
        let sql = format!(
            "SELECT {HOLD_COLUMNS} FROM holds WHERE profile = ?1 ORDER BY run DESC LIMIT 1"
        );
        self.conn
            .query_row(&sql, [profile], hold_from_row)
            .optional()
            .at(&self.path)
    }

    /// The first later run of `profile` that supersedes the hold of `run`:
    /// a later held run, or a later apply run that completed.
    fn superseded_by(&self, profile: &str, run: RunId) -> Result<Option<RunId>, StoreError> {
        let by: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(id) FROM (
                     SELECT run AS id FROM holds WHERE profile = ?1 AND run > ?2
                     UNION ALL
                     SELECT id FROM runs WHERE profile = ?1 AND id > ?2 AND mode = 'apply'
                         AND status IN ('ok', 'partial', 'held')
                 )",
                params![profile, run.0],
                |r| r.get(0),
            )
            .at(&self.path)?;
        Ok(by.map(RunId))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;
    use super::super::{RunStatus, RunSummary};
    use super::*;

    /// The digest of the plan every test holds.
    const DIGEST: &str = "d1";

    /// Begins an apply run, holds it and finishes it held.
    fn held_run(store: &StateStore, profile: &str, now: i64) -> RunId {
        let run = store.begin_run(profile, RunMode::Apply, now).unwrap();
        store
            .hold(run, "would deactivate 40 of 50", DIGEST, now)
            .unwrap();
        store
            .finish_run(
                run,
                RunStatus::Held,
                &RunSummary::default(),
                Some("held"),
                now,
            )
            .unwrap();
        run
    }

    fn finished(store: &StateStore, profile: &str, status: RunStatus, now: i64) -> RunId {
        let run = store.begin_run(profile, RunMode::Apply, now).unwrap();
        store
            .finish_run(run, status, &RunSummary::default(), None, now)
            .unwrap();
        run
    }

    /// An approval is for the plan that was held: a run with another plan
    /// does not take it, and the approval stays for the plan it was given.
    #[test]
    fn an_approval_is_taken_only_for_the_held_plan() {
        let (_dir, store) = temp_store();
        let held = held_run(&store, "p", 100);
        store.approve(held, 110).unwrap();
        let other = store.begin_run("p", RunMode::Apply, 120).unwrap();
        assert_eq!(
            store.take_approval(other, "d2", 120).unwrap(),
            Approval::Differs(held)
        );
        assert_eq!(store.held_plan(held).unwrap().unwrap().consumed_at, None);
        assert_eq!(
            store.take_approval(other, DIGEST, 121).unwrap(),
            Approval::Taken(held)
        );
    }

    #[test]
    fn hold_approve_take_once() {
        let (_dir, store) = temp_store();
        let held = held_run(&store, "p", 100);
        let plan = store.held_plan(held).unwrap().unwrap();
        assert_eq!(plan.profile, "p");
        assert_eq!(plan.reason, "would deactivate 40 of 50");
        assert_eq!(plan.approved_at, None);
        assert_eq!(store.pending_hold("p").unwrap().unwrap().run, held);

        // Nothing to take before approval.
        let early = store.begin_run("p", RunMode::Apply, 110).unwrap();
        assert_eq!(
            store.take_approval(early, DIGEST, 110).unwrap(),
            Approval::None
        );
        store
            .finish_run(early, RunStatus::Failed, &RunSummary::default(), None, 111)
            .unwrap();

        store.approve(held, 120).unwrap();
        assert_eq!(store.pending_hold("p").unwrap(), None);
        assert_eq!(
            store.held_plan(held).unwrap().unwrap().approved_at,
            Some(120)
        );

        // Another profile cannot take it.
        let other = store.begin_run("q", RunMode::Apply, 125).unwrap();
        assert_eq!(
            store.take_approval(other, DIGEST, 125).unwrap(),
            Approval::None
        );

        let next = store.begin_run("p", RunMode::Apply, 130).unwrap();
        assert_eq!(
            store.take_approval(next, DIGEST, 131).unwrap(),
            Approval::Taken(held)
        );
        assert_eq!(
            store.take_approval(next, DIGEST, 132).unwrap(),
            Approval::None,
            "taken once"
        );
        let plan = store.held_plan(held).unwrap().unwrap();
        assert_eq!(plan.consumed_at, Some(131));
        assert_eq!(plan.consumed_by, Some(next));

        // A killed run does not give the approval back.
        let after = store.begin_run("p", RunMode::Apply, 140).unwrap();
        assert_eq!(
            store.take_approval(after, DIGEST, 140).unwrap(),
            Approval::None
        );
    }

    #[test]
    fn approve_errors() {
        let (_dir, store) = temp_store();
        // NotFound.
        let err = store.approve(RunId(42), 1).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(RunId(42))), "{err:?}");

        // NotHeld.
        let plain = finished(&store, "p", RunStatus::Ok, 10);
        let err = store.approve(plain, 11).unwrap_err();
        assert!(
            matches!(err, StoreError::NotHeld(r) if r == plain),
            "{err:?}"
        );

        // AlreadyApproved.
        let held = held_run(&store, "p", 20);
        store.approve(held, 21).unwrap();
        let err = store.approve(held, 22).unwrap_err();
        assert!(
            matches!(err, StoreError::AlreadyApproved(r) if r == held),
            "{err:?}"
        );

        // Superseded by a later hold.
        let old = held_run(&store, "p", 30);
        let new = held_run(&store, "p", 40);
        let err = store.approve(old, 41).unwrap_err();
        assert!(
            matches!(err, StoreError::Superseded { run, by } if run == old && by == new),
            "{err:?}"
        );
        assert!(err.to_string().contains("superseded"), "{err}");
        // A later hold of another profile supersedes nothing here.
        held_run(&store, "q", 45);
        store.approve(new, 46).unwrap();
    }

    #[test]
    fn a_later_completed_run_supersedes_the_hold() {
        let (_dir, store) = temp_store();
        let held = held_run(&store, "p", 10);
        // A failed or preview run changes nothing.
        finished(&store, "p", RunStatus::Failed, 20);
        let preview = store.begin_run("p", RunMode::Preview, 25).unwrap();
        store
            .finish_run(
                preview,
                RunStatus::Preview,
                &RunSummary::default(),
                None,
                26,
            )
            .unwrap();
        assert_eq!(store.pending_hold("p").unwrap().unwrap().run, held);
        // The directory recovered and a run went through: the old plan is stale.
        let ok = finished(&store, "p", RunStatus::Partial, 30);
        assert_eq!(store.pending_hold("p").unwrap(), None);
        let err = store.approve(held, 31).unwrap_err();
        assert!(
            matches!(err, StoreError::Superseded { by, .. } if by == ok),
            "{err:?}"
        );
    }

    #[test]
    fn an_approval_unused_before_a_completed_run_lapses() {
        let (_dir, store) = temp_store();
        let held = held_run(&store, "p", 10);
        store.approve(held, 11).unwrap();
        // The next run stayed within the guard and did not take it.
        finished(&store, "p", RunStatus::Ok, 20);
        // A later run that exceeds the guard may not use the old approval.
        let later = store.begin_run("p", RunMode::Apply, 30).unwrap();
        assert_eq!(
            store.take_approval(later, DIGEST, 30).unwrap(),
            Approval::None
        );
    }

    #[test]
    fn preview_runs_cannot_hold_or_take() {
        let (_dir, store) = temp_store();
        let preview = store.begin_run("p", RunMode::Preview, 1).unwrap();
        assert!(matches!(
            store.hold(preview, "x", DIGEST, 1).unwrap_err(),
            StoreError::WrongMode { .. }
        ));
        assert!(matches!(
            store.take_approval(preview, DIGEST, 1).unwrap_err(),
            StoreError::WrongMode { .. }
        ));
        assert_eq!(store.held_plan(preview).unwrap(), None);
    }
}
