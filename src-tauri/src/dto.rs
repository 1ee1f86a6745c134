//! What the commands send to the front end.
//!
//! These types are the IPC contract, mirrored in `ui/src/types.ts`; they are
//! shaped for display (camelCase, labels resolved) and hold no logic beyond
//! copying fields out of the engine's types.

use onramp_core::error::{ErrorReport, ToReport};
use onramp_core::profile::{ProfileEntry, Schedule};
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

/// A profile's health.
///
/// Only `unknown` and `invalid` exist until the sync engine records runs;
/// `green`, `yellow` and `red` join then (see DESIGN.md, "Health"). The app
/// never shows a state it has no evidence for.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Health {
    /// The profile is valid but has never been synced.
    Unknown {
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

impl From<ProfileEntry> for ProfileSummary {
    fn from(entry: ProfileEntry) -> Self {
        let path = entry.path.display().to_string();
        match entry.profile {
            Ok(p) => Self {
                name: entry.name,
                path,
                display_name: p.display_name,
                kind: Some(p.kind.id()),
                kind_label: Some(p.kind.label()),
                schedule: Some((&p.schedule).into()),
                health: Health::Unknown {
                    summary: "Never synced".to_owned(),
                },
            },
            Err(e) => Self {
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
    use onramp_core::profile::{IntegrationKind, ProfileStore};

    #[test]
    fn valid_and_invalid_profiles_serialise_for_the_ui() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().to_owned());
        store.create("corp-ad", IntegrationKind::Ad).unwrap();
        std::fs::write(dir.path().join("broken.toml"), "kind = 1").unwrap();

        let rows: Vec<ProfileSummary> = store.list().unwrap().into_iter().map(Into::into).collect();
        let json = serde_json::to_value(&rows).unwrap();

        assert_eq!(json[0]["name"], "broken");
        assert_eq!(json[0]["health"]["state"], "invalid");
        assert_eq!(json[0]["health"]["error"]["code"], "profile_invalid");
        assert_eq!(json[1]["kindLabel"], "Active Directory");
        assert_eq!(json[1]["schedule"]["intervalMinutes"], 15);
        assert_eq!(json[1]["health"]["state"], "unknown");
    }
}
