//! Every expiring credential with its days left: what `onramp expiry list`
//! prints, what `onramp expiry check` judges and what the dashboard's
//! "Expiring soon" shows.
//!
//! Items of a profile that no longer exists are left out: the profile's
//! file is the admin's statement that the integration is in use.

use onramp_connector::expiry::{Credential, CredentialItem, DateSource, ExpiryError, ExpiryStore};
use onramp_profile::ProfileStore;
use serde::Serialize;
use ts_rs::TS;

use super::{days_left, reminders::THRESHOLDS, utc, what_to_do};

/// How close an item is to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryState {
    /// More than 30 days left.
    Ok,
    /// Within the reminders' first threshold (30 days or fewer left).
    Soon,
    /// Its end has passed.
    Expired,
    /// Its end is not known.
    Unknown,
}

/// One expiring credential, as the admin sees it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExpiryRow {
    /// The profile's name.
    pub profile: String,
    /// The profile's label (its name when the file does not validate).
    pub display_name: String,
    /// The item's id (the check that sees it).
    pub item: String,
    /// What it is, for people.
    pub label: String,
    /// Its kind: `tls_certificate`, `client_secret`, `api_token`,
    /// `service_account_key`.
    pub kind: &'static str,
    /// Its end, Unix seconds.
    pub not_after_unix: Option<i64>,
    /// Its end, RFC 3339 UTC.
    pub not_after: Option<String>,
    /// Whole days left (0 on the last day, negative once ended).
    pub days_left: Option<i64>,
    /// How close it is to its end.
    pub state: ExpiryState,
    /// Where the end date came from.
    pub date_source: DateSource,
    /// When a check last confirmed it, Unix seconds.
    pub confirmed_unix: i64,
    /// What to do before it ends.
    pub what_to_do: &'static str,
    /// This instance's identity, for the reminders ([`super::fingerprint`]).
    #[serde(skip)]
    pub fingerprint: String,
}

/// Every expiring credential, soonest first.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ExpiryList {
    /// The time the days were counted from, Unix seconds.
    pub now_unix: i64,
    /// The items; those without a known end last.
    pub items: Vec<ExpiryRow>,
}

impl ExpiryList {
    /// The items with at most `days` left (ended ones included).
    pub fn within(&self, days: i64) -> impl Iterator<Item = &ExpiryRow> {
        self.items
            .iter()
            .filter(move |r| r.days_left.is_some_and(|d| d <= days))
    }
}

/// The rows for `items`; `display_name` gives a profile's label, or `None`
/// when the profile no longer exists (its items are left out).
pub fn rows(
    items: Vec<CredentialItem>,
    display_name: impl Fn(&str) -> Option<String>,
    now_unix: i64,
) -> ExpiryList {
    let mut rows: Vec<ExpiryRow> = items
        .into_iter()
        .filter_map(|item| {
            let display_name = display_name(&item.profile)?;
            let fingerprint = super::fingerprint(&item);
            let days = item.not_after_unix.map(|end| days_left(end, now_unix));
            let state = match (item.not_after_unix, days) {
                (Some(end), _) if end <= now_unix => ExpiryState::Expired,
                (_, Some(d)) if d <= i64::from(THRESHOLDS[0]) => ExpiryState::Soon,
                (_, Some(_)) => ExpiryState::Ok,
                _ => ExpiryState::Unknown,
            };
            Some(ExpiryRow {
                display_name,
                kind: kind(&item.credential),
                not_after: item.not_after_unix.map(utc),
                days_left: days,
                state,
                date_source: item.date_source,
                confirmed_unix: item.confirmed_unix,
                what_to_do: what_to_do(&item.credential),
                fingerprint,
                not_after_unix: item.not_after_unix,
                profile: item.profile,
                item: item.item,
                label: item.label,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.not_after_unix.is_none(),
            a.not_after_unix,
            &a.profile,
            &a.item,
        )
            .cmp(&(
                b.not_after_unix.is_none(),
                b.not_after_unix,
                &b.profile,
                &b.item,
            ))
    });
    ExpiryList {
        now_unix,
        items: rows,
    }
}

/// The list from the expiry records and the profiles folder.
pub fn load(
    store: &ExpiryStore,
    profiles: &ProfileStore,
    now_unix: i64,
) -> Result<ExpiryList, ListError> {
    let items = store.load()?;
    let entries = profiles.list()?;
    let name_of = |profile: &str| {
        entries
            .iter()
            .find(|e| e.name == profile)
            .map(|e| match &e.profile {
                Ok(p) => p.display_name.clone(),
                Err(_) => e.name.clone(),
            })
    };
    Ok(rows(items, name_of, now_unix))
}

/// Why the list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    /// The expiry records could not be read.
    #[error(transparent)]
    Records(#[from] ExpiryError),
    /// The profiles folder could not be listed.
    #[error(transparent)]
    Profiles(#[from] onramp_profile::ProfileError),
}

impl onramp_base::error::ToReport for ListError {
    fn to_report(&self) -> onramp_base::error::ErrorReport {
        match self {
            ListError::Records(e) => onramp_base::error::ErrorReport::new(
                onramp_base::error::ErrorCode::Io,
                e.to_string(),
            ),
            ListError::Profiles(e) => e.to_report(),
        }
    }
}

fn kind(credential: &Credential) -> &'static str {
    match credential {
        Credential::TlsCertificate { .. } => "tls_certificate",
        Credential::ClientSecret { .. } => "client_secret",
        Credential::ApiToken => "api_token",
        Credential::ServiceAccountKey { .. } => "service_account_key",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expiring::DAY;

    const NOW: i64 = 1_800_000_000;

    fn item(profile: &str, id: &str, end: Option<i64>) -> CredentialItem {
        CredentialItem {
            profile: profile.into(),
            item: id.into(),
            label: format!("{id} of {profile}"),
            credential: Credential::ClientSecret {
                key_id: Some("k".into()),
            },
            not_after_unix: end,
            date_source: DateSource::Api,
            confirmed_unix: NOW - 10,
        }
    }

    #[test]
    fn rows_are_soonest_first_with_their_state_and_deleted_profiles_left_out() {
        let items = vec![
            item("corp", "a", Some(NOW + 90 * DAY)),
            item("corp", "b", None),
            item("corp", "c", Some(NOW - 1)),
            item("gone", "d", Some(NOW + DAY)),
            item("corp", "e", Some(NOW + 29 * DAY + 5)),
            item("corp", "f", Some(NOW + 30 * DAY)),
        ];
        let list = rows(items, |p| (p == "corp").then(|| "Corp".to_owned()), NOW);
        let got: Vec<_> = list
            .items
            .iter()
            .map(|r| (r.item.as_str(), r.state, r.days_left))
            .collect();
        assert_eq!(
            got,
            [
                ("c", ExpiryState::Expired, Some(-1)),
                ("e", ExpiryState::Soon, Some(29)),
                ("f", ExpiryState::Soon, Some(30)),
                ("a", ExpiryState::Ok, Some(90)),
                ("b", ExpiryState::Unknown, None),
            ]
        );
        assert_eq!(list.items[0].display_name, "Corp");
        assert_eq!(list.items[0].kind, "client_secret");
        assert_eq!(
            list.items[0].not_after.as_deref(),
            Some("2027-01-15T07:59:59Z")
        );
        let within: Vec<_> = list.within(29).map(|r| r.item.as_str()).collect();
        assert_eq!(within, ["c", "e"]);
        assert_eq!(list.within(-2).count(), 0);
    }

    #[test]
    fn load_reads_the_records_and_the_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = ProfileStore::new(dir.path().join("profiles"));
        profiles
            .create("corp", onramp_profile::IntegrationKind::Ad)
            .unwrap();
        let store = ExpiryStore::new(dir.path());
        store
            .record(vec![
                item("corp", "x", Some(NOW + DAY)),
                item("old", "y", Some(NOW)),
            ])
            .unwrap();
        let list = load(&store, &profiles, NOW).unwrap();
        assert_eq!(list.items.len(), 1);
        assert_eq!(list.items[0].profile, "corp");
        assert_eq!(list.items[0].days_left, Some(1));
        // A damaged record file is an error that names it, not an empty list.
        std::fs::write(dir.path().join("expiry.json"), "{").unwrap();
        let err = load(&store, &profiles, NOW).unwrap_err();
        assert!(err.to_string().contains("expiry.json"), "{err}");
    }
}
