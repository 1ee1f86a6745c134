//! Which expiry reminders were sent: one row per threshold per credential.
//!
//! The desktop app and the headless agent may both be running; each
//! *claims* a reminder before it shows it, with one `INSERT` that only one
//! of them can win, so the admin gets it once, also after a restart.

use rusqlite::params;

use super::{At, StateStore, StoreError};

/// One credential as the reminders know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderKey<'a> {
    /// The profile it belongs to.
    pub profile: &'a str,
    /// Its item id within the profile.
    pub item: &'a str,
    /// What identifies this instance of it (a certificate's digest and end
    /// date): a rotated credential has a new one.
    pub fingerprint: &'a str,
}

impl StateStore {
    /// Claims the reminder of `key` at `threshold_days`: `true` when this
    /// caller is the first (it shows the reminder), `false` when it was
    /// sent before, by this process or another.
    pub fn claim_reminder(
        &self,
        key: &ReminderKey<'_>,
        threshold_days: u32,
        now_unix: i64,
    ) -> Result<bool, StoreError> {
        let inserted = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO reminders
                     (profile, item, fingerprint, threshold_days, sent_unix)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    key.profile,
                    key.item,
                    key.fingerprint,
                    threshold_days,
                    now_unix
                ],
            )
            .at(&self.path)?;
        Ok(inserted == 1)
    }

    /// The thresholds already sent for `key`, smallest first.
    pub fn reminders_sent(&self, key: &ReminderKey<'_>) -> Result<Vec<u32>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT threshold_days FROM reminders
                 WHERE profile = ?1 AND item = ?2 AND fingerprint = ?3
                 ORDER BY threshold_days",
            )
            .at(&self.path)?;
        let rows = statement
            .query_map(params![key.profile, key.item, key.fingerprint], |r| {
                r.get(0)
            })
            .at(&self.path)?;
        rows.collect::<Result<Vec<u32>, _>>().at(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;
    use super::*;

    #[test]
    fn a_reminder_is_claimed_once_per_threshold_and_fingerprint() {
        let (dir, store) = temp_store();
        let key = ReminderKey {
            profile: "corp",
            item: "ldap.tls",
            fingerprint: "AA@100",
        };
        assert!(store.claim_reminder(&key, 30, 1).unwrap());
        assert!(!store.claim_reminder(&key, 30, 2).unwrap());
        assert!(store.claim_reminder(&key, 14, 3).unwrap());
        // Another process (a second connection to the same file) sees the claims.
        let other = StateStore::open(store.path()).unwrap();
        assert!(!other.claim_reminder(&key, 14, 4).unwrap());
        assert_eq!(other.reminders_sent(&key).unwrap(), [14, 30]);
        // A rotated credential has a fingerprint of its own.
        let rotated = ReminderKey {
            fingerprint: "BB@900",
            ..key.clone()
        };
        assert!(other.reminders_sent(&rotated).unwrap().is_empty());
        assert!(other.claim_reminder(&rotated, 30, 5).unwrap());
        drop(dir);
    }
}
