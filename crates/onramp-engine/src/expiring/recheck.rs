//! The daily re-check, and the tick that runs it and the reminders.
//!
//! An item whose check last confirmed it more than a day ago is checked
//! again: a renewed certificate or a rotated secret replaces the item (its
//! reminders end: it has a new fingerprint), a check that passes without
//! seeing it any more forgets it (the profile moved to another server, say).
//! A re-check that cannot run or fails is tried again an hour later, not on
//! every tick; the attempts are the [`CredentialWatch`]'s own state, one per
//! process, which is all they need to be.

use std::collections::HashMap;
use std::path::Path;

use onramp_base::check::{CheckResult, CheckStatus};
use onramp_base::error::{ErrorReport, ToReport};
use onramp_connector::Registry;
use onramp_connector::expiry::{CredentialItem, ExpiryStore};
use onramp_profile::ProfileStore;
use onramp_secrets::SecretStore;
use onramp_sync::store::{FILE_NAME, StateStore};

use super::DAY;
use super::list::{self, ListError};
use super::reminders::{self, Sent};
use crate::notify::Notifier;
use crate::ops;

/// How old a confirmation may be before the item is checked again.
pub const RECHECK_AFTER: i64 = DAY;
/// How long a failed re-check waits before the next attempt.
pub const RETRY_AFTER: i64 = 3600;

/// What a tick reads and where it sends.
pub struct WatchSources<'a> {
    /// The connectors, for the re-checks.
    pub registry: &'a Registry,
    /// The profiles.
    pub profiles: &'a ProfileStore,
    /// The credentials the re-checks use.
    pub secrets: &'a dyn SecretStore,
    /// The data folder: the expiry records and the state store.
    pub data_dir: &'a Path,
    /// Where the reminders go.
    pub notifier: &'a dyn Notifier,
}

/// What one re-check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rechecked {
    /// The check saw the credential again (renewed or not).
    Confirmed,
    /// The check passed without seeing it: it was forgotten.
    Forgotten,
    /// The check could not run or failed; tried again after [`RETRY_AFTER`].
    Failed(String),
}

/// What a tick did.
#[derive(Debug, Default)]
pub struct TickReport {
    /// How many credentials are recorded (of existing profiles).
    pub credentials: usize,
    /// The items checked again, with what came of it.
    pub rechecked: Vec<(String, String, Rechecked)>,
    /// The reminders sent.
    pub sent: Vec<Sent>,
}

/// Why a tick could not look at the credentials at all.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The records or the profiles could not be read.
    #[error(transparent)]
    List(#[from] ListError),
    /// The state store could not be opened or written.
    #[error("cannot record the reminders in the state store: {0}")]
    Store(#[from] onramp_sync::store::StoreError),
}

/// The re-checks' memory of their attempts, and the tick.
#[derive(Debug, Default)]
pub struct CredentialWatch {
    attempted: HashMap<(String, String), i64>,
}

impl CredentialWatch {
    /// A watch that has attempted nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The items due for a re-check at `now_unix`.
    pub fn due<'a>(&self, items: &'a [CredentialItem], now_unix: i64) -> Vec<&'a CredentialItem> {
        items
            .iter()
            .filter(|i| now_unix - i.confirmed_unix >= RECHECK_AFTER)
            .filter(|i| {
                self.attempted
                    .get(&(i.profile.clone(), i.item.clone()))
                    .is_none_or(|at| now_unix - at >= RETRY_AFTER)
            })
            .collect()
    }

    /// Re-checks what is due, then sends the reminders that are due.
    pub async fn tick(
        &mut self,
        from: &WatchSources<'_>,
        now_unix: i64,
    ) -> Result<TickReport, WatchError> {
        let records = ExpiryStore::new(from.data_dir);
        let items = records.load().map_err(ListError::from)?;
        let mut report = TickReport::default();
        for item in self.due(&items, now_unix) {
            let outcome = recheck_one(from, &records, item, now_unix).await;
            let key = (item.profile.clone(), item.item.clone());
            match &outcome {
                Rechecked::Failed(why) => {
                    tracing::warn!(profile = %item.profile, item = %item.item, "daily re-check failed: {why}");
                    self.attempted.insert(key, now_unix);
                }
                _ => {
                    tracing::info!(profile = %item.profile, item = %item.item, ?outcome, "daily re-check");
                    self.attempted.remove(&key);
                }
            }
            report
                .rechecked
                .push((item.profile.clone(), item.item.clone(), outcome));
        }
        let list = list::load(&records, from.profiles, now_unix)?;
        report.credentials = list.items.len();
        if list
            .items
            .iter()
            .any(|r| r.days_left.and_then(reminders::threshold).is_some())
        {
            let store = StateStore::open(&from.data_dir.join(FILE_NAME))?;
            report.sent = reminders::send_due(&store, &list, from.notifier)?;
        }
        Ok(report)
    }
}

async fn recheck_one(
    from: &WatchSources<'_>,
    records: &ExpiryStore,
    item: &CredentialItem,
    now_unix: i64,
) -> Rechecked {
    match recheck_item(
        from.registry,
        from.profiles,
        from.secrets,
        records,
        (&item.profile, &item.item),
        now_unix,
    )
    .await
    {
        Ok((_, outcome)) => outcome,
        Err(e) => Rechecked::Failed(e.message),
    }
}

/// Runs the check that sees `profile`'s credential `item` and records what
/// it found: the new credential (renewed or not), or, when the check passed
/// without seeing one, that it is gone. The results and what came of them;
/// an error when the check could not run at all (no such profile, a
/// missing secret).
pub async fn recheck_item(
    registry: &Registry,
    profiles: &ProfileStore,
    secrets: &dyn SecretStore,
    records: &ExpiryStore,
    (profile, item): (&str, &str),
    now_unix: i64,
) -> Result<(Vec<CheckResult>, Rechecked), ErrorReport> {
    let loaded = profiles.load(profile).map_err(|e| e.to_report())?;
    let checked = ops::recheck(registry, &loaded, secrets, item, now_unix)
        .await
        .map_err(|e| e.to_report())?;
    let seen = checked.credentials.iter().any(|c| c.item == item);
    let passed = !checked.results.is_empty()
        && checked
            .results
            .iter()
            .all(|r| matches!(r.status, CheckStatus::Pass | CheckStatus::Warn));
    let outcome = if seen {
        match records.record(checked.credentials) {
            Ok(_) => Rechecked::Confirmed,
            Err(e) => Rechecked::Failed(e.to_string()),
        }
    } else if passed {
        match records.forget(profile, item) {
            Ok(_) => Rechecked::Forgotten,
            Err(e) => Rechecked::Failed(e.to_string()),
        }
    } else {
        Rechecked::Failed(
            checked
                .results
                .iter()
                .find(|r| r.status == CheckStatus::Fail)
                .map(|r| format!("{}: {}", r.id, r.summary))
                .unwrap_or_else(|| format!("{item} did not run")),
        )
    };
    Ok((checked.results, outcome))
}
