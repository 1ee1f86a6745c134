//! The health colour of a profile, as DESIGN.md defines it for the tray
//! icon and the UI, computed from the run history.
//!
//! Only apply runs count: a preview changes nothing on the platform, so it
//! says nothing about whether the platform is in sync. Runs still going and
//! runs that were interrupted (the laptop slept, the service restarted) are
//! not a verdict either; they are covered by the staleness rule instead: a
//! profile with no successful run within two intervals is red however its
//! runs ended.
//!
//! * unknown — no apply run yet (or none has finished, and it is not late);
//! * red — the latest finished apply run failed, or no apply run completed
//!   (`ok` or `partial`) within two intervals of now (counting from the
//!   first run if none ever completed);
//! * yellow — the latest finished apply run was `partial` (some objects
//!   failed) or `held` by a guard;
//! * green — the latest finished apply run was `ok`.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::runs::RunState;
use super::{At, StateStore, StoreError};

/// The health colour of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Never ran.
    Unknown,
    /// The last run applied everything.
    Green,
    /// Some objects failed, or a guard held the plan.
    Yellow,
    /// The last run failed, or none succeeded for two intervals.
    Red,
}

impl Health {
    /// The lower-case name (`unknown`, `green`, `yellow`, `red`).
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Unknown => "unknown",
            Health::Green => "green",
            Health::Yellow => "yellow",
            Health::Red => "red",
        }
    }
}

impl std::fmt::Display for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StateStore {
    /// The health of `profile`, which syncs every `interval_minutes`, at
    /// `now_unix`.
    pub fn health(
        &self,
        profile: &str,
        interval_minutes: u32,
        now_unix: i64,
    ) -> Result<Health, StoreError> {
        let p = self.path.as_path();
        let first_start: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(started_unix) FROM runs WHERE profile = ?1 AND mode = 'apply'",
                [profile],
                |r| r.get(0),
            )
            .at(p)?;
        let Some(first_start) = first_start else {
            return Ok(Health::Unknown);
        };
        let last: Option<RunState> = self
            .conn
            .query_row(
                "SELECT status FROM runs WHERE profile = ?1 AND mode = 'apply'
                     AND status NOT IN ('running', 'interrupted')
                 ORDER BY id DESC LIMIT 1",
                [profile],
                |r| r.get(0),
            )
            .optional()
            .at(p)?;
        let last_success: Option<i64> = self
            .conn
            .query_row(
                "SELECT max(finished_unix) FROM runs WHERE profile = ?1 AND mode = 'apply'
                     AND status IN ('ok', 'partial')",
                [profile],
                |r| r.get(0),
            )
            .at(p)?;
        let since = last_success.unwrap_or(first_start);
        let window = 2 * i64::from(interval_minutes) * 60;
        let stale = now_unix.saturating_sub(since) > window;
        Ok(match last {
            Some(RunState::Failed) => Health::Red,
            _ if stale => Health::Red,
            Some(RunState::Ok) => Health::Green,
            Some(RunState::Partial | RunState::Held) => Health::Yellow,
            // Nothing finished yet; `Preview` cannot end an apply run.
            Some(RunState::Running | RunState::Interrupted | RunState::Preview) | None => {
                Health::Unknown
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;
    use super::super::{RunMode, RunStatus, RunSummary};
    use super::*;

    const MIN: i64 = 60;
    const INTERVAL: u32 = 15;

    fn apply(store: &StateStore, status: RunStatus, start: i64, end: i64) {
        let run = store.begin_run("p", RunMode::Apply, start).unwrap();
        store
            .finish_run(run, status, &RunSummary::default(), None, end)
            .unwrap();
    }

    fn health(store: &StateStore, now: i64) -> Health {
        store.health("p", INTERVAL, now).unwrap()
    }

    #[test]
    fn unknown_when_never_ran() {
        let (_dir, store) = temp_store();
        assert_eq!(health(&store, 1_000), Health::Unknown);
        // A preview is not a sync.
        let run = store.begin_run("p", RunMode::Preview, 0).unwrap();
        store
            .finish_run(run, RunStatus::Preview, &RunSummary::default(), None, 10)
            .unwrap();
        assert_eq!(health(&store, 20), Health::Unknown);
        // Neither is a first run still going, while it is not late.
        store.begin_run("p", RunMode::Apply, 100).unwrap();
        assert_eq!(health(&store, 200), Health::Unknown);
        assert_eq!(
            health(&store, 100 + 31 * MIN),
            Health::Red,
            "stuck for 2 intervals"
        );
    }

    #[test]
    fn green_after_an_ok_run() {
        let (_dir, store) = temp_store();
        apply(&store, RunStatus::Ok, 0, 60);
        assert_eq!(health(&store, 120), Health::Green);
        assert_eq!(
            health(&store, 60 + 30 * MIN),
            Health::Green,
            "exactly 2 intervals"
        );
    }

    #[test]
    fn yellow_after_a_partial_run() {
        let (_dir, store) = temp_store();
        apply(&store, RunStatus::Ok, 0, 60);
        apply(&store, RunStatus::Partial, 15 * MIN, 15 * MIN + 60);
        assert_eq!(health(&store, 16 * MIN), Health::Yellow);
    }

    #[test]
    fn yellow_when_held_then_red_when_held_too_long() {
        let (_dir, store) = temp_store();
        apply(&store, RunStatus::Ok, 0, 60);
        apply(&store, RunStatus::Held, 15 * MIN, 15 * MIN + 10);
        assert_eq!(health(&store, 16 * MIN), Health::Yellow);
        // Still held, and nothing succeeded for more than 2 intervals.
        assert_eq!(health(&store, 60 + 31 * MIN), Health::Red);
    }

    #[test]
    fn red_when_the_last_run_failed() {
        let (_dir, store) = temp_store();
        apply(&store, RunStatus::Ok, 0, 60);
        apply(&store, RunStatus::Failed, 15 * MIN, 15 * MIN + 5);
        assert_eq!(health(&store, 15 * MIN + 10), Health::Red);
        // A later ok run turns it green again.
        apply(&store, RunStatus::Ok, 30 * MIN, 30 * MIN + 60);
        assert_eq!(health(&store, 31 * MIN), Health::Green);
    }

    #[test]
    fn red_when_no_success_for_two_intervals() {
        let (_dir, store) = temp_store();
        apply(&store, RunStatus::Ok, 0, 60);
        assert_eq!(health(&store, 60 + 31 * MIN), Health::Red);
        // Interrupted runs do not count as success, nor as a verdict.
        store.begin_run("p", RunMode::Apply, 20 * MIN).unwrap();
        store.begin_run("p", RunMode::Apply, 35 * MIN).unwrap();
        assert_eq!(health(&store, 36 * MIN), Health::Red);
        assert_eq!(health(&store, 20 * MIN), Health::Green, "not yet late");
    }

    #[test]
    fn other_profiles_do_not_count() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("q", RunMode::Apply, 0).unwrap();
        store
            .finish_run(run, RunStatus::Failed, &RunSummary::default(), None, 1)
            .unwrap();
        assert_eq!(health(&store, 2), Health::Unknown);
    }

    #[test]
    fn serialises_lower_case() {
        let json =
            serde_json::to_string(&[Health::Unknown, Health::Green, Health::Yellow, Health::Red])
                .unwrap();
        assert_eq!(json, r#"["unknown","green","yellow","red"]"#);
        assert_eq!(Health::Yellow.to_string(), "yellow");
    }
}
