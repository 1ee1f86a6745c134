//! Progress of a sync run, as the desktop app streams it to the window.
//!
//! A run reports `Started` once its run id exists, then `progress` events per
//! phase (reading, planning, applying, recording) and `Finished` with the
//! recorded status. The JSON form is the `SyncEvent` union of
//! `ui/src/types.ts`, so the shell forwards these values unchanged; a test
//! here pins that shape.
//!
//! Applying reports one step per object of the plan, which for a first sync
//! of a large directory is tens of thousands of steps: [`Throttle`] lets
//! through at most one event per [`MIN_INTERVAL`] (plus the first and the
//! last of a phase), so the IPC channel and the UI are never flooded.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use super::store::{RunId, RunStatus};

/// The phases of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncPhase {
    /// Reading the directory (done/total: objects read; total unknown, 0, until the end).
    Reading,
    /// Mapping and diffing (one step: 0 of 1, then 1 of 1).
    Planning,
    /// Applying the plan to the platform (done/total: the plan's operations).
    Applying,
    /// Recording the run's result in the history (one step).
    Recording,
}

/// One progress event of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
#[ts(rename = "SyncEvent")]
pub enum SyncProgress {
    /// The run began (its id is recorded).
    Started {
        /// The profile being synced.
        profile: String,
    },
    /// How far a phase is (`{"event":"progress",…}` on the wire).
    #[serde(rename = "progress")]
    Phase {
        /// The phase.
        phase: SyncPhase,
        /// Steps done.
        done: u64,
        /// Steps in the phase; 0 while unknown.
        total: u64,
    },
    /// The run ended and is recorded with `status`.
    Finished {
        /// The run's id in the history.
        run: RunId,
        /// How it ended.
        status: RunStatus,
    },
}

/// Where a run sends its progress.
pub type ProgressSink<'a> = &'a (dyn Fn(SyncProgress) + Send + Sync);

/// A sink that drops every event (what `run_sync` passes).
pub fn no_progress(_: SyncProgress) {}

/// The shortest time between two events of one phase (20 a second).
pub const MIN_INTERVAL: Duration = Duration::from_millis(50);

/// Decides which steps of a phase are worth an event.
#[derive(Debug, Default)]
pub struct Throttle {
    last: Option<Instant>,
}

impl Throttle {
    /// Whether step `done` of `total`, reached at `now`, gets an event: the
    /// first and the last always do, the others when [`MIN_INTERVAL`] has
    /// passed since the previous event.
    pub fn admit(&mut self, done: u64, total: u64, now: Instant) -> bool {
        let due = match self.last {
            None => true,
            Some(last) => done >= total || now.saturating_duration_since(last) >= MIN_INTERVAL,
        };
        if due {
            self.last = Some(now);
        }
        due
    }
}

/// Counts the steps of one phase and reports them, throttled.
///
/// `step` takes `&self` so the concurrent futures of the apply stage can
/// share one counter.
pub struct PhaseCounter<'a> {
    sink: ProgressSink<'a>,
    phase: SyncPhase,
    total: u64,
    state: Mutex<(u64, Throttle)>,
}

impl<'a> PhaseCounter<'a> {
    /// Starts a phase of `total` steps and reports `done = 0`.
    pub fn start(sink: ProgressSink<'a>, phase: SyncPhase, total: u64) -> Self {
        let counter = Self {
            sink,
            phase,
            total,
            state: Mutex::new((0, Throttle::default())),
        };
        counter.report(0);
        counter
    }

    /// One more step done.
    pub fn step(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 = (state.0 + 1).min(self.total);
        let done = state.0;
        let admit = state.1.admit(done, self.total, Instant::now());
        drop(state);
        if admit {
            self.emit(done);
        }
    }

    fn report(&self, done: u64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 = done;
        state.1.admit(done, self.total, Instant::now());
        drop(state);
        self.emit(done);
    }

    fn emit(&self, done: u64) {
        (self.sink)(SyncProgress::Phase {
            phase: self.phase,
            done,
            total: self.total,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_to_the_ui_sync_event_union() {
        let started = SyncProgress::Started {
            profile: "corp".into(),
        };
        assert_eq!(
            serde_json::to_value(&started).unwrap(),
            json!({"event": "started", "profile": "corp"})
        );
        for (phase, name) in [
            (SyncPhase::Reading, "reading"),
            (SyncPhase::Planning, "planning"),
            (SyncPhase::Applying, "applying"),
            (SyncPhase::Recording, "recording"),
        ] {
            let event = SyncProgress::Phase {
                phase,
                done: 3,
                total: 10,
            };
            assert_eq!(
                serde_json::to_value(&event).unwrap(),
                json!({"event": "progress", "phase": name, "done": 3, "total": 10})
            );
        }
        let finished = SyncProgress::Finished {
            run: RunId(42),
            status: RunStatus::Partial,
        };
        assert_eq!(
            serde_json::to_value(&finished).unwrap(),
            json!({"event": "finished", "run": 42, "status": "partial"})
        );
    }

    #[test]
    fn throttle_admits_first_last_and_one_per_interval() {
        let t0 = Instant::now();
        let mut t = Throttle::default();
        assert!(t.admit(0, 100, t0), "first");
        assert!(!t.admit(1, 100, t0 + Duration::from_millis(10)));
        assert!(!t.admit(2, 100, t0 + Duration::from_millis(49)));
        assert!(t.admit(3, 100, t0 + Duration::from_millis(50)));
        assert!(!t.admit(4, 100, t0 + Duration::from_millis(60)));
        assert!(t.admit(100, 100, t0 + Duration::from_millis(61)), "last");
    }

    #[test]
    fn a_burst_of_steps_yields_few_events_and_always_the_last() {
        let events = Mutex::new(Vec::new());
        let sink = |p: SyncProgress| events.lock().unwrap().push(p);
        let counter = PhaseCounter::start(&sink, SyncPhase::Applying, 10_000);
        for _ in 0..10_000 {
            counter.step();
        }
        let events = events.into_inner().unwrap();
        // 10 000 steps in far less than a second: the start, the end, and
        // at most one event per 50 ms in between.
        assert!(events.len() <= 20, "{} events", events.len());
        assert_eq!(
            events.first(),
            Some(&SyncProgress::Phase {
                phase: SyncPhase::Applying,
                done: 0,
                total: 10_000
            })
        );
        assert_eq!(
            events.last(),
            Some(&SyncProgress::Phase {
                phase: SyncPhase::Applying,
                done: 10_000,
                total: 10_000
            })
        );
    }

    #[test]
    fn steps_past_the_total_do_not_overflow_it() {
        let events = Mutex::new(Vec::new());
        let sink = |p: SyncProgress| events.lock().unwrap().push(p);
        let counter = PhaseCounter::start(&sink, SyncPhase::Applying, 1);
        counter.step();
        counter.step();
        let events = events.into_inner().unwrap();
        assert!(events.iter().all(|e| matches!(
            e,
            SyncProgress::Phase { done, total: 1, .. } if *done <= 1
        )));
    }
}
