//! When each profile's scheduled sync is due.
//!
//! Pure bookkeeping: the caller owns the timer and the clock (every method
//! takes `now_unix`, seconds since the epoch) and starts the runs; this only
//! answers "which profiles are due now?". The desktop shell asks every few
//! seconds.
//!
//! * A profile is due `interval_minutes` after its last run *started*, plus
//!   a jitter of its own: up to 10 % of the interval and at most 60 s, fixed
//!   per profile and per `Scheduler` seed. Profiles set up together, and
//!   machines started together, therefore drift apart instead of hitting the
//!   directory and the platform in the same second.
//! * Due times are wall-clock times. A machine that slept through one due
//!   time or twenty finds the profile due exactly once when it wakes; the
//!   interval then counts from that run.
//! * A profile never seen running is due `jitter` seconds after the
//!   scheduler first sees it; one whose last run (from the state store,
//!   [`Scheduler::remember_last_run`]) is older than the interval is due at
//!   once.
//! * A profile is never due while it runs ([`Scheduler::started`] until
//!   [`Scheduler::finished`]), so runs of one profile never overlap. A run
//!   that takes longer than the interval is followed by the next one as soon
//!   as it finishes.
//! * Disabled schedules are never due ("Sync Now" still works); profiles
//!   that are no longer listed are forgotten.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use onramp_profile::Schedule;

/// The largest jitter, whatever the interval.
pub const MAX_JITTER_SECS: i64 = 60;

/// The due times of the scheduled profiles.
#[derive(Debug, Clone)]
pub struct Scheduler {
    seed: u64,
    profiles: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Default)]
struct Entry {
    /// The schedule the last `plan` listed; `None` until then.
    schedule: Option<Schedule>,
    /// When `plan` first listed the profile.
    first_seen: Option<i64>,
    /// When its last run started (or `plan` last returned it).
    last_start: Option<i64>,
    /// Between `started` and `finished`.
    running: bool,
}

impl Scheduler {
    /// A scheduler whose jitter derives from `seed`: pass a random value
    /// (different per machine and per start) in production, a constant in
    /// tests.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            profiles: HashMap::new(),
        }
    }

    /// The profiles of `profiles` (name and schedule, as listed now) that
    /// are due at `now_unix`, in the order given.
    ///
    /// A profile returned here is not returned again for one interval, even
    /// if the caller never calls [`Self::started`] for it (a run that could
    /// not start is retried at the next due time, not at every call).
    /// Profiles missing from `profiles` are forgotten.
    pub fn plan(&mut self, profiles: &[(String, Schedule)], now_unix: i64) -> Vec<String> {
        self.profiles
            .retain(|name, _| profiles.iter().any(|(listed, _)| listed == name));
        let mut due = Vec::new();
        for (name, schedule) in profiles {
            let jitter = self.jitter(name, schedule.interval_minutes);
            let entry = self.profiles.entry(name.clone()).or_default();
            entry.schedule = Some(*schedule);
            entry.first_seen.get_or_insert(now_unix);
            if entry.running {
                continue;
            }
            if entry.due_at(jitter).is_some_and(|at| at <= now_unix) {
                entry.last_start = Some(now_unix);
                due.push(name.clone());
            }
        }
        due
    }

    /// A run of `name` started at `now_unix` (scheduled or not): it is not
    /// due again until [`Self::finished`], and its interval counts from now.
    pub fn started(&mut self, name: &str, now_unix: i64) {
        let entry = self.profiles.entry(name.to_owned()).or_default();
        entry.running = true;
        entry.last_start = Some(now_unix);
    }

    /// The run of `name` ended at `now_unix`. (If its start was never
    /// reported, the interval counts from now.)
    pub fn finished(&mut self, name: &str, now_unix: i64) {
        if let Some(entry) = self.profiles.get_mut(name) {
            entry.running = false;
            entry.last_start.get_or_insert(now_unix);
        }
    }

    /// The last run of `name` started at `started_at` according to the
    /// state store (a run before this start, or by the CLI). Later starts
    /// the scheduler already knows win.
    pub fn remember_last_run(&mut self, name: &str, started_at: i64) {
        let entry = self.profiles.entry(name.to_owned()).or_default();
        entry.last_start = Some(entry.last_start.map_or(started_at, |s| s.max(started_at)));
    }

    /// When `name` is next due (Unix seconds), for the dashboard; `None` for
    /// a disabled schedule or a profile [`Self::plan`] has not listed.
    pub fn next_due(&self, name: &str) -> Option<i64> {
        let entry = self.profiles.get(name)?;
        let schedule = entry.schedule?;
        entry.due_at(self.jitter(name, schedule.interval_minutes))
    }

    /// Whether a run of `name` is going on (between `started` and `finished`).
    pub fn is_running(&self, name: &str) -> bool {
        self.profiles.get(name).is_some_and(|e| e.running)
    }

    /// The fixed delay of `name` with an interval of `interval_minutes`:
    /// 0 to 10 % of the interval, at most [`MAX_JITTER_SECS`].
    fn jitter(&self, name: &str, interval_minutes: u32) -> i64 {
        let max = (i64::from(interval_minutes) * 60 / 10).min(MAX_JITTER_SECS);
        // DefaultHasher::new() has fixed keys: the same seed and name give
        // the same jitter for the life of the process.
        let mut hasher = DefaultHasher::new();
        self.seed.hash(&mut hasher);
        name.hash(&mut hasher);
        (hasher.finish() % (max as u64 + 1)) as i64
    }
}

impl Entry {
    /// When this profile is due, given its jitter; `None` if disabled or
    /// never listed.
    fn due_at(&self, jitter: i64) -> Option<i64> {
        let schedule = self.schedule.filter(|s| s.enabled)?;
        let interval = i64::from(schedule.interval_minutes) * 60;
        match self.last_start {
            Some(start) => Some(start.saturating_add(interval).saturating_add(jitter)),
            None => self.first_seen.map(|seen| seen.saturating_add(jitter)),
        }
    }
}

/// The profiles in `profiles` due now: reads the profile files and, from
/// the state store at `store_path` (when it exists), when each last started
/// an applying run, so a restart does not forget that a profile is overdue
/// or has just run. The headless agent and the desktop shell both ask this.
pub fn due_now(
    profiles: &onramp_profile::ProfileStore,
    store_path: &std::path::Path,
    scheduler: &mut Scheduler,
    now_unix: i64,
) -> Result<Vec<String>, onramp_profile::ProfileError> {
    let scheduled: Vec<(String, Schedule)> = profiles
        .list()?
        .into_iter()
        .filter_map(|e| e.profile.ok())
        .map(|p| (p.name, p.schedule))
        .collect();
    for (name, at) in last_run_times(store_path, &scheduled) {
        scheduler.remember_last_run(&name, at);
    }
    Ok(scheduler.plan(&scheduled, now_unix))
}

/// When each of `profiles` last started an applying run; none known when
/// the store does not exist yet or cannot be read (the schedule then counts
/// from now, which is what a first start should do).
fn last_run_times(
    store_path: &std::path::Path,
    profiles: &[(String, Schedule)],
) -> Vec<(String, i64)> {
    if !store_path.exists() {
        return Vec::new();
    }
    let store = match onramp_sync::store::StateStore::open(store_path) {
        Ok(store) => store,
        Err(e) => {
            tracing::warn!("scheduler: cannot read the run history: {e}");
            return Vec::new();
        }
    };
    profiles
        .iter()
        .filter_map(|(name, _)| {
            let runs = store.runs(Some(name), 20).ok()?;
            runs.into_iter()
                .find(|r| r.mode == onramp_sync::store::RunMode::Apply)
                .map(|r| (name.clone(), r.started_at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60;
    const T0: i64 = 1_700_000_000;

    fn every(minutes: u32) -> Schedule {
        Schedule {
            enabled: true,
            interval_minutes: minutes,
        }
    }

    fn list(items: &[(&str, Schedule)]) -> Vec<(String, Schedule)> {
        items.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect()
    }

    /// Calls `plan` every `step` seconds from `from` to `to` (inclusive) and
    /// returns when `name` was due.
    fn due_times(
        s: &mut Scheduler,
        profiles: &[(String, Schedule)],
        name: &str,
        from: i64,
        to: i64,
        step: i64,
    ) -> Vec<i64> {
        let mut times = Vec::new();
        let mut now = from;
        while now <= to {
            if s.plan(profiles, now).iter().any(|n| n == name) {
                times.push(now);
            }
            now += step;
        }
        times
    }

    #[test]
    fn first_run_is_due_within_the_jitter_of_being_listed() {
        let mut s = Scheduler::new(7);
        let p = list(&[("corp", every(15))]);
        let j = s.jitter("corp", 15);
        let times = due_times(&mut s, &p, "corp", T0, T0 + 2 * MIN, 1);
        assert_eq!(times, [T0 + j]);
        assert_eq!(s.next_due("corp"), Some(T0 + j + 15 * MIN + j));
    }

    #[test]
    fn due_every_interval_plus_the_jitter_after_each_start() {
        let mut s = Scheduler::new(7);
        let p = list(&[("corp", every(15))]);
        let j = s.jitter("corp", 15);
        s.remember_last_run("corp", T0);
        assert!(
            s.plan(&p, T0 + 15 * MIN + j - 1).is_empty(),
            "one second early"
        );
        assert_eq!(s.plan(&p, T0 + 15 * MIN + j), ["corp"]);
        // Runs started and finished by the caller move the next due time.
        s.started("corp", T0 + 15 * MIN + j + 2);
        s.finished("corp", T0 + 15 * MIN + j + 40);
        assert_eq!(s.next_due("corp"), Some(T0 + 30 * MIN + 2 * j + 2));
        // A day of polling every 20 s: one run per interval, none missed.
        let end = T0 + 24 * 60 * MIN;
        let times = due_times(&mut s, &p, "corp", T0 + 16 * MIN, end, 1);
        assert_eq!(times[0], T0 + 30 * MIN + 2 * j + 2);
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], 15 * MIN + j);
        }
        assert!(
            times[times.len() - 1] + 15 * MIN + j > end,
            "none missed at the end"
        );
    }

    #[test]
    fn jitter_stays_within_ten_percent_and_a_minute() {
        let names: Vec<String> = (0..200).map(|i| format!("profile-{i}")).collect();
        for seed in [0, 1, 42, u64::MAX] {
            let s = Scheduler::new(seed);
            for (minutes, max) in [(5, 30), (10, 60), (15, 60), (1440, 60)] {
                let jitters: Vec<i64> = names.iter().map(|n| s.jitter(n, minutes)).collect();
                assert!(jitters.iter().all(|j| (0..=max).contains(j)), "{jitters:?}");
                // Spread out, not one value for all.
                let distinct: std::collections::BTreeSet<_> = jitters.iter().collect();
                assert!(distinct.len() > 10, "{minutes} min: {distinct:?}");
            }
            // Stable for a name and seed.
            assert_eq!(s.jitter("corp", 15), s.jitter("corp", 15));
        }
        // Two machines (seeds) do not share every profile's second.
        let a = Scheduler::new(1);
        let b = Scheduler::new(2);
        assert!(names.iter().any(|n| a.jitter(n, 15) != b.jitter(n, 15)));
    }

    #[test]
    fn disabled_schedules_never_fire() {
        let mut s = Scheduler::new(7);
        let off = Schedule {
            enabled: false,
            interval_minutes: 15,
        };
        let p = list(&[("off", off), ("on", every(15))]);
        s.remember_last_run("off", T0 - 24 * 60 * MIN);
        let times = due_times(&mut s, &p, "off", T0, T0 + 6 * 60 * MIN, 20);
        assert!(times.is_empty(), "{times:?}");
        assert_eq!(s.next_due("off"), None);
        assert!(s.next_due("on").is_some());
    }

    #[test]
    fn never_due_while_running() {
        let mut s = Scheduler::new(7);
        let p = list(&[("corp", every(15))]);
        s.remember_last_run("corp", T0 - 60 * MIN);
        s.started("corp", T0);
        assert!(s.is_running("corp"));
        let times = due_times(&mut s, &p, "corp", T0, T0 + 3 * 60 * MIN, 20);
        assert!(times.is_empty(), "{times:?}");
        // Finished after three hours: overdue, so due at the next look.
        s.finished("corp", T0 + 3 * 60 * MIN);
        assert!(!s.is_running("corp"));
        assert_eq!(s.plan(&p, T0 + 3 * 60 * MIN + 20), ["corp"]);
    }

    #[test]
    fn a_returned_profile_is_not_returned_again_before_its_interval() {
        let mut s = Scheduler::new(7);
        let p = list(&[("corp", every(15))]);
        let j = s.jitter("corp", 15);
        s.remember_last_run("corp", T0 - 60 * MIN);
        assert_eq!(s.plan(&p, T0), ["corp"]);
        // The caller never reported the start (the run could not begin).
        assert!(s.plan(&p, T0 + 20).is_empty());
        assert_eq!(s.plan(&p, T0 + 15 * MIN + j), ["corp"]);
    }

    #[test]
    fn three_hours_of_sleep_give_one_catch_up_run() {
        let mut s = Scheduler::new(7);
        let p = list(&[("corp", every(15))]);
        let j = s.jitter("corp", 15);
        s.remember_last_run("corp", T0);
        s.finished("corp", T0 + 30);
        // The machine sleeps from T0 + 1 min to T0 + 3 h: no calls meanwhile.
        let wake = T0 + 3 * 60 * MIN;
        let times = due_times(&mut s, &p, "corp", wake, wake + 10 * MIN, 20);
        assert_eq!(times, [wake], "exactly one catch-up run on waking");
        s.started("corp", wake + 1);
        s.finished("corp", wake + 50);
        // Then the regular interval, counted from the catch-up run.
        assert_eq!(s.next_due("corp"), Some(wake + 1 + 15 * MIN + j));
        let times = due_times(&mut s, &p, "corp", wake + 60, wake + 31 * MIN + 2 * j, 1);
        assert_eq!(
            times,
            [wake + 1 + 15 * MIN + j, wake + 1 + 30 * MIN + 2 * j]
        );
    }

    #[test]
    fn an_edited_interval_takes_effect() {
        let mut s = Scheduler::new(7);
        s.remember_last_run("corp", T0);
        let j15 = s.jitter("corp", 15);
        let j60 = s.jitter("corp", 60);
        let j5 = s.jitter("corp", 5);
        assert!(s.plan(&list(&[("corp", every(15))]), T0 + 1).is_empty());
        assert_eq!(s.next_due("corp"), Some(T0 + 15 * MIN + j15));
        // Longer: not due at the old time any more.
        let hourly = list(&[("corp", every(60))]);
        assert!(s.plan(&hourly, T0 + 15 * MIN + j15).is_empty());
        assert_eq!(s.next_due("corp"), Some(T0 + 60 * MIN + j60));
        // Shorter: already overdue, so due now.
        let five = list(&[("corp", every(5))]);
        assert_eq!(s.plan(&five, T0 + 20 * MIN), ["corp"]);
        assert_eq!(s.next_due("corp"), Some(T0 + 25 * MIN + j5));
    }

    #[test]
    fn a_removed_profile_is_forgotten() {
        let mut s = Scheduler::new(7);
        let both = list(&[("a", every(15)), ("b", every(15))]);
        s.remember_last_run("a", T0);
        s.started("b", T0);
        s.plan(&both, T0 + 1);
        assert!(s.next_due("b").is_some());
        s.plan(&list(&[("a", every(15))]), T0 + 2);
        assert_eq!(s.next_due("b"), None);
        assert!(!s.is_running("b"));
        // Listed again, it starts over as a new profile.
        let jb = s.jitter("b", 15);
        let due = s.plan(&both, T0 + 100);
        let expected = if jb == 0 {
            assert_eq!(due, ["b"]);
            T0 + 100 + 15 * MIN
        } else {
            T0 + 100 + jb
        };
        assert_eq!(s.next_due("b"), Some(expected));
        // Finishing a forgotten run changes nothing.
        s.finished("c", T0 + 101);
        assert_eq!(s.next_due("c"), None);
    }

    #[test]
    fn a_last_run_long_ago_is_due_at_start_up() {
        let mut s = Scheduler::new(7);
        let p = list(&[
            ("old", every(15)),
            ("recent", every(15)),
            ("new", every(15)),
        ]);
        s.remember_last_run("old", T0 - 2 * 24 * 60 * MIN);
        s.remember_last_run("recent", T0 - 5 * MIN);
        let due = s.plan(&p, T0);
        assert!(due.contains(&"old".to_owned()), "{due:?}");
        assert!(!due.contains(&"recent".to_owned()), "{due:?}");
        // An older start from the store does not undo a newer one.
        s.remember_last_run("recent", T0 - 60 * MIN);
        assert_eq!(
            s.next_due("recent"),
            Some(T0 - 5 * MIN + 15 * MIN + s.jitter("recent", 15))
        );
    }

    #[test]
    fn several_profiles_come_back_in_the_order_given() {
        let mut s = Scheduler::new(7);
        let p = list(&[("z", every(15)), ("a", every(15)), ("m", every(15))]);
        for name in ["z", "a", "m"] {
            s.remember_last_run(name, T0 - 60 * MIN);
        }
        assert_eq!(s.plan(&p, T0), ["z", "a", "m"]);
    }

    /// `due_now` reads the profiles and the last applying runs from disk.
    #[test]
    fn due_now_remembers_the_last_run_from_the_state_store() {
        use onramp_sync::store::{FILE_NAME, RunMode, RunStatus, RunSummary, StateStore};

        let dir = tempfile::tempdir().unwrap();
        let profiles = onramp_profile::ProfileStore::new(dir.path().join("profiles"));
        let text = |name: &str| {
            format!(
                "kind = \"ldap\"\n[connection]\nurl = \"ldaps://ldap.example.com\"\n\
                 bind_dn = \"cn=svc,dc=example,dc=com\"\nbind_password_secret = \"{name}-bind\"\n\
                 [schedule]\nenabled = true\ninterval_minutes = 15\n"
            )
        };
        profiles.save("stale", &text("stale"), false).unwrap();
        profiles.save("fresh", &text("fresh"), false).unwrap();
        let store_path = dir.path().join(FILE_NAME);
        let now = 1_000_000;
        // No store yet: nothing ran, nothing is known, nobody is overdue.
        let mut scheduler = Scheduler::new(7);
        assert!(
            due_now(&profiles, &store_path, &mut scheduler, now)
                .unwrap()
                .is_empty()
        );

        let store = StateStore::open(&store_path).unwrap();
        for (name, started) in [("stale", now - 20 * 60), ("fresh", now - 60)] {
            let run = store.begin_run(name, RunMode::Apply, started).unwrap();
            store
                .finish_run(
                    run,
                    RunStatus::Ok,
                    &RunSummary::default(),
                    None,
                    started + 5,
                )
                .unwrap();
        }
        let mut scheduler = Scheduler::new(7);
        assert_eq!(
            due_now(&profiles, &store_path, &mut scheduler, now).unwrap(),
            ["stale"]
        );
    }
}
