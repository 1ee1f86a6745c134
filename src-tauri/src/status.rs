//! What the dashboard and the tray show: every profile with its health, last
//! run, next scheduled run and whether it is running.
//!
//! Blocking (reads the profile files and the state store): call it from the
//! blocking pool.

use onramp_engine::error::{ErrorReport, ToReport};
use onramp_engine::profile::Profile;
use onramp_engine::sync::store::{FILE_NAME, Health as StoreHealth, StateStore};

use crate::dto::{Health, ProfileList, ProfileStatus, ProfileSummary};
use crate::engine::now_unix;
use crate::state::AppState;

/// Lists the profiles with their status.
pub fn profile_list(state: &AppState) -> Result<ProfileList, ErrorReport> {
    let paths = state.paths()?;
    let profiles = state.profiles()?;
    let entries = profiles.list().map_err(|e| e.to_report())?;
    // No state store yet means nothing ever ran: every profile is unknown.
    let db = paths.data_dir.join(FILE_NAME);
    let store = if db.exists() {
        Some(crate::state::open_store(&paths)?)
    } else {
        None
    };
    let now = now_unix();
    let rows = entries
        .into_iter()
        .map(|e| ProfileSummary::new(e, |p| status_of(state, store.as_ref(), p, now)))
        .collect();
    Ok(ProfileList {
        dir: profiles.dir().display().to_string(),
        profiles: rows,
    })
}

fn status_of(state: &AppState, store: Option<&StateStore>, p: &Profile, now: i64) -> ProfileStatus {
    let (colour, last_run) = match store {
        None => (StoreHealth::Unknown, None),
        Some(s) => (
            s.health(&p.name, p.schedule.interval_minutes, now)
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
            state.scheduler().next_due(&p.name)
        } else {
            None
        },
        running: state.runner.as_ref().is_some_and(|r| r.is_running(&p.name)),
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

    fn health(kind: &str) -> Health {
        let summary = kind.to_owned();
        match kind {
            "unknown" => Health::Unknown { summary },
            "green" => Health::Green { summary },
            "yellow" => Health::Yellow { summary },
            "red" => Health::Red { summary },
            _ => Health::Invalid {
                summary,
                error: ErrorReport::new(onramp_engine::error::ErrorCode::InvalidInput, "bad"),
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
}
