//! What the commands send to the front end.
//!
//! These types are the IPC contract, mirrored in `ui/src/types.ts`; they are
//! shaped for display (camelCase, labels resolved) and hold no logic beyond
//! copying fields out of the engine's types.

use onramp_engine::error::{ErrorReport, ToReport};
use onramp_engine::profile::{Profile, ProfileEntry, Schedule};
use onramp_engine::sync::store::{Health as StoreHealth, RunRecord};
use serde::Serialize;

/// The answer of `list_profiles`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileList {
    /// The folder the profiles were read from, for the empty state.
    pub dir: String,
    /// One entry per profile file, sorted by name.
    pub profiles: Vec<ProfileSummary>,
}

/// One row of the profile list.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInfo {
    /// Whether scheduled runs happen.
    pub enabled: bool,
    /// Minutes between runs.
    pub interval_minutes: u32,
}

/// A profile's health, from the state store's run history (DESIGN.md,
/// "Health"). The app never shows a state it has no evidence for: a profile
/// that never ran is `unknown`.
#[derive(Debug, Serialize)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_engine::profile::{IntegrationKind, ProfileStore};

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
        assert_eq!(json[1]["kindLabel"], "Active Directory");
        assert_eq!(json[1]["schedule"]["intervalMinutes"], 15);
        assert_eq!(json[1]["health"]["state"], "unknown");
        assert_eq!(json[1]["health"]["summary"], "Never synced");
        assert_eq!(json[1]["nextRunAt"], 1_800_000_000);
        assert_eq!(json[1]["running"], false);
        assert!(json[1]["lastRun"].is_null());
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
}

/// One entry of `list_wizards`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WizardSummary {
    /// The wizard's id (its file stem).
    pub id: String,
    /// The profile kind it produces.
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// One paragraph on what it sets up.
    pub summary: String,
}

/// The answer of `validate_draft`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftValidation {
    /// What is wrong, by field.
    pub errors: Vec<onramp_engine::wizard::FieldError>,
    /// The file name the draft will be saved as.
    pub profile_name: String,
}

/// The answer of `run_detail`.
#[derive(Debug, Serialize)]
pub struct RunDetail {
    /// The run.
    pub run: RunRecord,
    /// Its per-object results.
    pub results: Vec<onramp_engine::sync::store::ObjectResult>,
}

/// The answer of `read_logs`.
#[derive(Debug, Serialize)]
pub struct LogTail {
    /// The file read, if there is one yet.
    pub file: Option<String>,
    /// Its newest lines, oldest first.
    pub lines: Vec<String>,
}

/// The app's own settings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Start Onramp in the tray at login.
    pub autostart: bool,
}
