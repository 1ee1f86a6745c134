//! What the dashboard and the tray show: every profile with its health,
//! last run, next scheduled run and whether it is running, and the worst
//! health of all (the tray's colour).
//!
//! The rules live here, not in a front end: a profile that never ran is
//! `unknown` (never a state without evidence), an invalid file is `invalid`
//! with its error, and the overall colour is the worst of them. Blocking
//! (reads the profile files and the state store): call it from the
//! blocking pool.

use std::path::Path;

use onramp_base::error::{ErrorReport, ToReport};
use onramp_profile::{Profile, ProfileEntry, ProfileStore, Schedule};
use onramp_sync::store::{Health as StoreHealth, RunRecord, StateStore};
use serde::Serialize;
use ts_rs::TS;

use crate::schedule::Scheduler;

/// What the status is read from besides the files.
pub struct StatusSources<'a> {
    /// The state store's file (absent before the first run).
    pub store_path: &'a Path,
    /// The scheduler, for the next due times.
    pub scheduler: &'a Scheduler,
    /// Whether a run of a profile is in progress.
    pub running: &'a dyn Fn(&str) -> bool,
    /// The clock, Unix seconds.
    pub now_unix: i64,
}

/// Why the status could not be read.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    /// The profiles folder could not be listed.
    #[error(transparent)]
    Profiles(#[from] onramp_profile::ProfileError),
    /// The state store could not be opened.
    #[error("cannot open the state store: {0}")]
    Store(#[from] onramp_sync::store::StoreError),
}

impl ToReport for StatusError {
    fn to_report(&self) -> ErrorReport {
        match self {
            StatusError::Profiles(e) => e.to_report(),
            StatusError::Store(_) => {
                ErrorReport::new(onramp_base::error::ErrorCode::Io, self.to_string())
            }
        }
    }
}

/// Lists the profiles in `profiles` with their status.
pub fn profile_list(
    profiles: &ProfileStore,
    from: &StatusSources<'_>,
) -> Result<ProfileList, StatusError> {
    let entries = profiles.list()?;
    // No state store yet means nothing ever ran: every profile is unknown.
    let store = if from.store_path.exists() {
        Some(StateStore::open(from.store_path)?)
    } else {
        None
    };
    let rows = entries
        .into_iter()
        .map(|e| ProfileSummary::new(e, |p| status_of(from, store.as_ref(), p)))
        .collect();
    Ok(ProfileList {
        dir: profiles.dir().display().to_string(),
        profiles: rows,
    })
}

fn status_of(from: &StatusSources<'_>, store: Option<&StateStore>, p: &Profile) -> ProfileStatus {
    let (colour, last_run) = match store {
        None => (StoreHealth::Unknown, None),
        Some(s) => (
            s.health(&p.name, p.schedule.interval_minutes, from.now_unix)
                .unwrap_or(StoreHealth::Unknown),
            s.runs(Some(&p.name), 1)
                .ok()
                .and_then(|r| r.into_iter().next()),
        ),
    };
    ProfileStatus {
        health: Health::from_store(colour, last_run.as_ref()),
        last_run,
        next_run_at: if p.schedule.enabled {
            from.scheduler.next_due(&p.name)
        } else {
            None
        },
        running: (from.running)(&p.name),
    }
}

/// The answer of `list_profiles`.
#[derive(Debug, Serialize, TS)]
pub struct ProfileList {
    /// The folder the profiles were read from, for the empty state.
    pub dir: String,
    /// One entry per profile file, sorted by name.
    pub profiles: Vec<ProfileSummary>,
}

/// One row of the profile list.
#[derive(Debug, Serialize, TS)]
pub struct ProfileSummary {
    /// The file stem.
    pub name: String,
    /// The file.
    pub path: String,
    /// The profile's label; the file stem when the file does not validate.
    pub display_name: String,
    /// The kind's identifier (`ad`, `entra`, …), if the file validates.
    pub kind: Option<&'static str>,
    /// The kind's product name, if the file validates.
    pub kind_label: Option<&'static str>,
    /// When it syncs, if the file validates.
    pub schedule: Option<ScheduleInfo>,
    /// How the profile is doing.
    pub health: Health,
    /// The latest run, if any.
    pub last_run: Option<RunRecord>,
    /// Unix seconds of the next scheduled run; none when not scheduled.
    pub next_run_at: Option<i64>,
    /// Whether a run of this profile is in progress.
    pub running: bool,
}

/// A profile's schedule.
#[derive(Debug, Serialize, TS)]
pub struct ScheduleInfo {
    /// Whether scheduled runs happen.
    pub enabled: bool,
    /// Minutes between runs.
    pub interval_minutes: u32,
}

/// A profile's health, from the state store's run history (DESIGN.md,
/// "Health"). The app never shows a state it has no evidence for: a profile
/// that never ran is `unknown`.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Health {
    /// The profile is valid but has never been synced.
    Unknown {
        /// One line for the UI.
        summary: String,
    },
    /// The last run applied everything.
    Green {
        /// One line for the UI.
        summary: String,
    },
    /// Some objects failed, or a guard held the plan.
    Yellow {
        /// One line for the UI.
        summary: String,
    },
    /// The last run failed, or none succeeded for two intervals.
    Red {
        /// One line for the UI.
        summary: String,
    },
    /// The profile file does not validate.
    Invalid {
        /// One line for the UI.
        summary: String,
        /// What is wrong and how to fix it.
        error: ErrorReport,
    },
}

impl From<&Schedule> for ScheduleInfo {
    fn from(s: &Schedule) -> Self {
        Self {
            enabled: s.enabled,
            interval_minutes: s.interval_minutes,
        }
    }
}

impl Health {
    /// The health the state store reports, with the last run in words.
    pub fn from_store(health: StoreHealth, last_run: Option<&RunRecord>) -> Self {
        let last = last_run
            .map(|r| {
                let s = &r.summary;
                format!(
                    "Last run {}: {} created, {} updated, {} deprovisioned, {} failed",
                    r.state.as_str(),
                    s.created,
                    s.updated,
                    s.deprovisioned,
                    s.failed
                )
            })
            .unwrap_or_else(|| "Never synced".to_owned());
        match health {
            StoreHealth::Unknown => Health::Unknown { summary: last },
            StoreHealth::Green => Health::Green { summary: last },
            StoreHealth::Yellow => Health::Yellow { summary: last },
            StoreHealth::Red => Health::Red { summary: last },
        }
    }
}

/// What the state store and the scheduler know about a valid profile.
#[derive(Debug)]
pub struct ProfileStatus {
    /// The health colour with the last run in words.
    pub health: Health,
    /// The latest run.
    pub last_run: Option<RunRecord>,
    /// The next scheduled run.
    pub next_run_at: Option<i64>,
    /// Whether it runs now.
    pub running: bool,
}

impl ProfileSummary {
    /// A row for a profile file; `status` is asked only for a valid profile.
    pub fn new(entry: ProfileEntry, status: impl FnOnce(&Profile) -> ProfileStatus) -> Self {
        let path = entry.path.display().to_string();
        match entry.profile {
            Ok(p) => {
                let status = status(&p);
                Self {
                    health: status.health,
                    last_run: status.last_run,
                    next_run_at: status.next_run_at,
                    running: status.running,
                    name: entry.name,
                    path,
                    display_name: p.display_name,
                    kind: Some(p.kind.id()),
                    kind_label: Some(p.kind.label()),
                    schedule: Some((&p.schedule).into()),
                }
            }
            Err(e) => Self {
                last_run: None,
                next_run_at: None,
                running: false,
                display_name: entry.name.clone(),
                name: entry.name,
                path,
                kind: None,
                kind_label: None,
                schedule: None,
                health: Health::Invalid {
                    summary: "The profile file does not validate".to_owned(),
                    error: e.to_report(),
                },
            },
        }
    }
}

/// The tray's colour: the worst health of any profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Overall {
    /// No profile has run yet (or there are none).
    Neutral,
    /// Every profile that ran is green.
    Green,
    /// Some objects failed or a guard holds a run.
    Yellow,
    /// A run failed, a profile is overdue, or a profile file is invalid.
    Red,
}

impl Overall {
    /// The worst state in `list`.
    pub fn of(list: &ProfileList) -> Self {
        Self::worst(list.profiles.iter().map(|p| &p.health))
    }

    /// The worst of some profiles' health; `Neutral` for none.
    fn worst<'a>(healths: impl IntoIterator<Item = &'a Health>) -> Self {
        healths
            .into_iter()
            .map(|health| match health {
                Health::Unknown { .. } => Overall::Neutral,
                Health::Green { .. } => Overall::Green,
                Health::Yellow { .. } => Overall::Yellow,
                Health::Red { .. } | Health::Invalid { .. } => Overall::Red,
            })
            .max()
            .unwrap_or(Overall::Neutral)
    }

    /// The tooltip line.
    pub fn label(self) -> &'static str {
        match self {
            Overall::Neutral => "Onramp: no sync has run yet",
            Overall::Green => "Onramp: all syncs healthy",
            Overall::Yellow => "Onramp: a sync needs attention",
            Overall::Red => "Onramp: a sync is failing",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_profile::{IntegrationKind, ProfileStore};

    #[test]
    fn valid_and_invalid_profiles_serialise_for_the_ui() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().to_owned());
        store.create("corp-ad", IntegrationKind::Ad).unwrap();
        std::fs::write(dir.path().join("broken.toml"), "kind = 1").unwrap();

        let rows: Vec<ProfileSummary> = store
            .list()
            .unwrap()
            .into_iter()
            .map(|e| {
                ProfileSummary::new(e, |_| ProfileStatus {
                    health: Health::from_store(StoreHealth::Unknown, None),
                    last_run: None,
                    next_run_at: Some(1_800_000_000),
                    running: false,
                })
            })
            .collect();
        let json = serde_json::to_value(&rows).unwrap();

        assert_eq!(json[0]["name"], "broken");
        assert_eq!(json[0]["health"]["state"], "invalid");
        assert_eq!(json[0]["health"]["error"]["code"], "profile_invalid");
        assert_eq!(json[1]["kind_label"], "Active Directory");
        assert_eq!(json[1]["schedule"]["interval_minutes"], 15);
        assert_eq!(json[1]["health"]["state"], "unknown");
        assert_eq!(json[1]["health"]["summary"], "Never synced");
        assert_eq!(json[1]["next_run_at"], 1_800_000_000);
        assert_eq!(json[1]["running"], false);
        assert!(json[1]["last_run"].is_null());
    }

    #[test]
    fn store_health_maps_to_the_ui_states() {
        for (h, want) in [
            (StoreHealth::Green, "green"),
            (StoreHealth::Yellow, "yellow"),
            (StoreHealth::Red, "red"),
            (StoreHealth::Unknown, "unknown"),
        ] {
            let json = serde_json::to_value(Health::from_store(h, None)).unwrap();
            assert_eq!(json["state"], want);
        }
    }

    fn health(kind: &str) -> Health {
        let summary = kind.to_owned();
        match kind {
            "unknown" => Health::Unknown { summary },
            "green" => Health::Green { summary },
            "yellow" => Health::Yellow { summary },
            "red" => Health::Red { summary },
            _ => Health::Invalid {
                summary,
                error: ErrorReport::new(onramp_base::error::ErrorCode::InvalidInput, "bad"),
            },
        }
    }

    fn worst(kinds: &[&str]) -> Overall {
        let healths: Vec<Health> = kinds.iter().map(|k| health(k)).collect();
        Overall::worst(&healths)
    }

    #[test]
    fn the_tray_shows_the_worst_health() {
        assert_eq!(worst(&[]), Overall::Neutral);
        assert_eq!(worst(&["unknown"]), Overall::Neutral);
        assert_eq!(worst(&["unknown", "green"]), Overall::Green);
        assert_eq!(worst(&["green", "yellow", "green"]), Overall::Yellow);
        assert_eq!(worst(&["yellow", "red", "green"]), Overall::Red);
        assert_eq!(worst(&["green", "invalid"]), Overall::Red);
        assert_ne!(Overall::Red.label(), Overall::Green.label());
    }

    /// The list reads the health from the state store, the next due time
    /// from the scheduler and the running flag from the caller.
    #[test]
    fn profile_list_reads_the_store_the_scheduler_and_the_runner() {
        use onramp_sync::store::{FILE_NAME, RunMode, RunStatus, RunSummary};

        let dir = tempfile::tempdir().unwrap();
        let profiles = ProfileStore::new(dir.path().join("profiles"));
        profiles.create("corp-ad", IntegrationKind::Ad).unwrap();
        profiles.create("hq-ldap", IntegrationKind::Ldap).unwrap();
        let store_path = dir.path().join(FILE_NAME);
        let mut scheduler = Scheduler::new(1);
        let running = |name: &str| name == "hq-ldap";
        fn sources<'a>(
            store_path: &'a Path,
            scheduler: &'a Scheduler,
            running: &'a dyn Fn(&str) -> bool,
        ) -> StatusSources<'a> {
            StatusSources {
                store_path,
                scheduler,
                running,
                now_unix: 10_000,
            }
        }
        // Before any run: no store, both unknown.
        let list = profile_list(&profiles, &sources(&store_path, &scheduler, &running)).unwrap();
        assert!(
            list.profiles
                .iter()
                .all(|p| matches!(p.health, Health::Unknown { .. }))
        );
        assert_eq!(Overall::of(&list), Overall::Neutral);

        let store = StateStore::open(&store_path).unwrap();
        let run = store.begin_run("corp-ad", RunMode::Apply, 9_000).unwrap();
        store
            .finish_run(
                run,
                RunStatus::Failed,
                &RunSummary::default(),
                Some("down"),
                9_010,
            )
            .unwrap();
        let schedules: Vec<_> = profiles
            .list()
            .unwrap()
            .into_iter()
            .filter_map(|e| e.profile.ok())
            .map(|p| (p.name, p.schedule))
            .collect();
        scheduler.plan(&schedules, 10_000);
        let list = profile_list(&profiles, &sources(&store_path, &scheduler, &running)).unwrap();
        let corp = &list.profiles[0];
        assert_eq!(corp.name, "corp-ad");
        assert!(
            matches!(corp.health, Health::Red { .. }),
            "{:?}",
            corp.health
        );
        assert_eq!(corp.last_run.as_ref().map(|r| r.id), Some(run));
        assert!(!corp.running);
        assert!(list.profiles[1].running);
        assert_eq!(Overall::of(&list), Overall::Red);
    }
}
