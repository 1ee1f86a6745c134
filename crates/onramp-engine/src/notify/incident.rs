//! Which runs are worth a notification: one per incident, not one per run.
//!
//! A run is compared with the previous *applying* run of its profile that
//! finished (previews are not syncs, and a run that never finished says
//! nothing about the directory or the platform):
//!
//! | previous        | current         | notification                      |
//! |-----------------|-----------------|-----------------------------------|
//! | not failed      | failed          | "Sync failed: NAME" (critical)    |
//! | failed          | failed          | none: the same incident goes on   |
//! | not held        | held            | "Sync held for approval: NAME"    |
//! | held            | held            | none: still waiting for approval  |
//! | failed or held  | ok or partial   | "Sync recovered: NAME" (low)      |
//! | anything else   | ok or partial   | none                              |
//!
//! `partial` (the run went through, some objects failed) is not an incident
//! by itself: the objects that failed are retried by the next run and shown
//! in the history and as a yellow health; a notification every 15 minutes for
//! one user the platform keeps refusing would teach the admin to ignore them.
//! After a failed or held run, though, a partial run is a recovery: the
//! directory and the platform are reachable again and changes flow.

use super::{Notification, Opens, Urgency};
use onramp_sync::store::{RunMode, RunRecord, RunState, StateStore, StoreError};

/// How many runs back [`previous_apply_run`] looks (previews and interrupted
/// runs in between are skipped).
const LOOK_BACK: usize = 200;

/// The notification `current` (a finished run of the profile shown as
/// `display_name`) deserves after `previous`, the profile's previous
/// finished applying run; `None` when it deserves none (see the module docs).
pub fn incident_notification(
    display_name: &str,
    previous: Option<&RunRecord>,
    current: &RunRecord,
) -> Option<Notification> {
    if current.mode != RunMode::Apply {
        return None;
    }
    let before = previous.and_then(verdict);
    let notification = |summary: String, body: String, urgency| Notification {
        summary,
        body,
        profile: current.profile.clone(),
        opens: Opens::Run(current.id),
        urgency,
    };
    match current.state {
        RunState::Failed if before != Some(RunState::Failed) => Some(notification(
            format!("Sync failed: {display_name}"),
            current.message.clone().unwrap_or_else(|| {
                format!("Run {} failed; its history has the details.", current.id)
            }),
            Urgency::Critical,
        )),
        RunState::Held if before != Some(RunState::Held) => {
            let reason = current
                .message
                .as_deref()
                .unwrap_or("the plan would deprovision more users than the profile allows")
                .trim_end_matches('.');
            let id = current.id;
            // The guard's message already names the command; say it once.
            let how = if reason.contains("onramp approve") {
                format!("Review run {id} in Onramp and approve it there.")
            } else {
                format!(
                    "Review run {id} in Onramp and approve it there, or run: onramp approve {id}"
                )
            };
            Some(notification(
                format!("Sync held for approval: {display_name}"),
                format!("{reason}. Nothing was changed. {how}"),
                Urgency::Normal,
            ))
        }
        RunState::Ok | RunState::Partial
            if matches!(before, Some(RunState::Failed | RunState::Held)) =>
        {
            let body = match (&current.state, &current.message) {
                (RunState::Partial, Some(m)) => {
                    format!("Run {} went through, but: {m}", current.id)
                }
                (RunState::Partial, None) => {
                    format!("Run {} went through; some changes failed.", current.id)
                }
                _ => format!("Run {} applied every change.", current.id),
            };
            Some(notification(
                format!("Sync recovered: {display_name}"),
                body,
                Urgency::Low,
            ))
        }
        _ => None,
    }
}

/// What a previous run says about the profile: its state if it is a
/// finished applying run, else nothing.
fn verdict(run: &RunRecord) -> Option<RunState> {
    match (run.mode, run.state) {
        (
            RunMode::Apply,
            state @ (RunState::Ok | RunState::Partial | RunState::Failed | RunState::Held),
        ) => Some(state),
        _ => None,
    }
}

/// The latest finished applying run of `current`'s profile before it (what
/// [`incident_notification`] compares with), skipping previews and runs that
/// never finished.
pub fn previous_apply_run(
    store: &StateStore,
    current: &RunRecord,
) -> Result<Option<RunRecord>, StoreError> {
    Ok(store
        .runs(Some(&current.profile), LOOK_BACK)?
        .into_iter()
        .filter(|r| r.id < current.id)
        .find(|r| verdict(r).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_sync::store::{RunId, RunStatus, RunSummary};

    fn record(id: i64, mode: RunMode, state: RunState, message: Option<&str>) -> RunRecord {
        RunRecord {
            id: RunId(id),
            profile: "corp".into(),
            mode,
            state,
            started_at: id * 900,
            finished_at: Some(id * 900 + 10),
            summary: RunSummary::default(),
            message: message.map(str::to_owned),
        }
    }

    fn apply(state: RunState) -> RunRecord {
        record(1, RunMode::Apply, state, Some("earlier"))
    }

    const FAILED: &str = "reading the directory failed: connection refused";
    const HELD: &str = "the plan would deprovision 40 of 100 users (threshold 10)";

    fn current(state: RunState) -> RunRecord {
        let message = match state {
            RunState::Failed => Some(FAILED),
            RunState::Held => Some(HELD),
            RunState::Partial => Some("2 changes failed; see onramp history --run 2"),
            _ => None,
        };
        record(2, RunMode::Apply, state, message)
    }

    /// What kind of notification, by its summary's prefix.
    fn kind(n: Option<Notification>) -> Option<&'static str> {
        let n = n?;
        assert_eq!(n.profile, "corp");
        assert_eq!(n.opens, Opens::Run(RunId(2)));
        for (prefix, kind, urgency) in [
            ("Sync failed: ", "failed", Urgency::Critical),
            ("Sync held for approval: ", "held", Urgency::Normal),
            ("Sync recovered: ", "recovered", Urgency::Low),
        ] {
            if let Some(name) = n.summary.strip_prefix(prefix) {
                assert_eq!(name, "Corp Directory");
                assert_eq!(n.urgency, urgency, "{n:?}");
                return Some(kind);
            }
        }
        panic!("unexpected summary {:?}", n.summary)
    }

    /// Every (previous, current) pair, against the table of the module docs.
    #[test]
    fn every_transition() {
        let finished = [
            RunState::Ok,
            RunState::Partial,
            RunState::Failed,
            RunState::Held,
        ];
        // Previous runs that say nothing: none, unfinished, interrupted,
        // previews (even failed ones).
        let mut silent_previous = vec![
            None,
            Some(apply(RunState::Running)),
            Some(apply(RunState::Interrupted)),
            Some(record(1, RunMode::Preview, RunState::Preview, None)),
            Some(record(1, RunMode::Preview, RunState::Failed, Some("x"))),
        ];
        for prev in silent_previous.drain(..) {
            for cur in finished {
                let expected = match cur {
                    RunState::Failed => Some("failed"),
                    RunState::Held => Some("held"),
                    _ => None,
                };
                assert_eq!(
                    kind(incident_notification(
                        "Corp Directory",
                        prev.as_ref(),
                        &current(cur)
                    )),
                    expected,
                    "previous {prev:?}, current {cur:?}"
                );
            }
        }
        for prev in finished {
            for cur in finished {
                let expected = match (prev, cur) {
                    (RunState::Failed, RunState::Failed) => None,
                    (_, RunState::Failed) => Some("failed"),
                    (RunState::Held, RunState::Held) => None,
                    (_, RunState::Held) => Some("held"),
                    (RunState::Failed | RunState::Held, RunState::Ok | RunState::Partial) => {
                        Some("recovered")
                    }
                    _ => None,
                };
                assert_eq!(
                    kind(incident_notification(
                        "Corp Directory",
                        Some(&apply(prev)),
                        &current(cur)
                    )),
                    expected,
                    "previous {prev:?}, current {cur:?}"
                );
            }
        }
    }

    #[test]
    fn unfinished_runs_and_previews_never_notify() {
        for prev in [
            None,
            Some(apply(RunState::Ok)),
            Some(apply(RunState::Failed)),
        ] {
            for cur in [
                record(2, RunMode::Apply, RunState::Running, None),
                record(2, RunMode::Apply, RunState::Interrupted, Some("x")),
                record(2, RunMode::Preview, RunState::Preview, None),
                record(2, RunMode::Preview, RunState::Failed, Some(FAILED)),
            ] {
                assert_eq!(
                    incident_notification("Corp Directory", prev.as_ref(), &cur),
                    None,
                    "{prev:?} then {cur:?}"
                );
            }
        }
    }

    #[test]
    fn bodies_say_why_and_what_to_do() {
        let failed = incident_notification("Corp Directory", None, &current(RunState::Failed))
            .expect("a failure notifies");
        assert_eq!(failed.body, FAILED);

        let held = incident_notification("Corp Directory", None, &current(RunState::Held))
            .expect("a hold notifies");
        assert!(held.body.starts_with(HELD), "{}", held.body);
        assert!(held.body.contains("onramp approve 2"), "{}", held.body);
        assert!(held.body.contains("Nothing was changed"), "{}", held.body);
        // The guard's own message ends with the command: not said twice,
        // and no double full stop.
        let mut guarded = current(RunState::Held);
        guarded.message = Some("4 of 6 users would go; approve it with: onramp approve 2.".into());
        let held = incident_notification("Corp Directory", None, &guarded).expect("notifies");
        assert_eq!(
            held.body.matches("onramp approve 2").count(),
            1,
            "{}",
            held.body
        );
        assert!(!held.body.contains(".."), "{}", held.body);

        let recovered = incident_notification(
            "Corp Directory",
            Some(&apply(RunState::Failed)),
            &current(RunState::Ok),
        )
        .expect("a recovery notifies");
        assert_eq!(recovered.body, "Run 2 applied every change.");
        let partial = incident_notification(
            "Corp Directory",
            Some(&apply(RunState::Held)),
            &current(RunState::Partial),
        )
        .expect("a partial recovery notifies");
        assert!(
            partial.body.contains("2 changes failed"),
            "{}",
            partial.body
        );

        // A failed run without a message still says where to look.
        let bare = record(2, RunMode::Apply, RunState::Failed, None);
        let n = incident_notification("Corp Directory", None, &bare).unwrap();
        assert!(n.body.contains("Run 2 failed"), "{}", n.body);
    }

    fn finish(store: &StateStore, mode: RunMode, status: RunStatus, at: i64) -> RunRecord {
        let run = store.begin_run("corp", mode, at).unwrap();
        let message = match status {
            RunStatus::Failed => Some(FAILED),
            RunStatus::Held => Some(HELD),
            _ => None,
        };
        store
            .finish_run(run, status, &RunSummary::default(), message, at + 5)
            .unwrap();
        store.run(run).unwrap().unwrap()
    }

    /// A day of 15-minute runs through a real state store: one notification
    /// per incident, previews and interrupted runs in between ignored.
    #[test]
    fn a_sequence_of_runs_notifies_once_per_incident() {
        use RunStatus::*;
        let store = StateStore::open_in_memory().unwrap();
        let mut seen = Vec::new();
        let mut at = 0;
        let steps: &[(RunMode, Option<RunStatus>)] = &[
            (RunMode::Apply, Some(Ok)),
            (RunMode::Apply, Some(Failed)), // failed
            (RunMode::Apply, Some(Failed)),
            (RunMode::Preview, Some(Preview)),
            (RunMode::Apply, None), // interrupted by the next run
            (RunMode::Apply, Some(Failed)),
            (RunMode::Apply, Some(Partial)), // recovered
            (RunMode::Apply, Some(Partial)),
            (RunMode::Apply, Some(Held)), // held
            (RunMode::Preview, Some(Failed)),
            (RunMode::Apply, Some(Held)),
            (RunMode::Apply, Some(Ok)), // recovered
            (RunMode::Apply, Some(Ok)),
            (RunMode::Apply, Some(Failed)), // failed
        ];
        for (mode, status) in steps {
            at += 900;
            let Some(status) = status else {
                store.begin_run("corp", *mode, at).unwrap();
                continue;
            };
            let cur = finish(&store, *mode, *status, at);
            let prev = previous_apply_run(&store, &cur).unwrap();
            if let Some(n) = incident_notification("Corp Directory", prev.as_ref(), &cur) {
                seen.push((n.summary, n.opens));
            }
        }
        let summaries: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Sync failed: Corp Directory",
                "Sync recovered: Corp Directory",
                "Sync held for approval: Corp Directory",
                "Sync recovered: Corp Directory",
                "Sync failed: Corp Directory",
            ]
        );
        let runs: Vec<i64> = seen
            .iter()
            .map(|(_, opens)| match opens {
                Opens::Run(r) => r.0,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(runs, [2, 7, 9, 12, 14]);
    }

    #[test]
    fn previous_apply_run_skips_previews_unfinished_and_other_profiles() {
        let store = StateStore::open_in_memory().unwrap();
        let first = finish(&store, RunMode::Apply, RunStatus::Failed, 0);
        assert_eq!(previous_apply_run(&store, &first).unwrap(), None);
        let other = store.begin_run("other", RunMode::Apply, 1).unwrap();
        store
            .finish_run(other, RunStatus::Ok, &RunSummary::default(), None, 2)
            .unwrap();
        finish(&store, RunMode::Preview, RunStatus::Preview, 3);
        store.begin_run("corp", RunMode::Apply, 4).unwrap();
        let cur = finish(&store, RunMode::Apply, RunStatus::Ok, 5);
        assert_eq!(previous_apply_run(&store, &cur).unwrap(), Some(first));
    }
}
