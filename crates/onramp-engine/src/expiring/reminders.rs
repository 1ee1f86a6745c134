//! The reminders: one notification per threshold per credential.
//!
//! An item at 5 days left is at the 7-day threshold; if Onramp first saw it
//! then (installed late, or the machine was off), the admin gets that one
//! reminder, not the 30- and 14-day ones as well. Each threshold is claimed
//! in the state store before the notification is shown
//! ([`StateStore::claim_reminder`]), so the desktop app and the agent never
//! both send it and a restart never repeats it. A reminder that cannot be
//! shown (no notification server: a headless agent) is logged in full
//! instead and counts as sent: the log is where a headless admin looks.

use onramp_sync::store::{ReminderKey, StateStore, StoreError};

use super::list::{ExpiryList, ExpiryRow};
use super::utc;
use crate::notify::{Notification, Notifier, Opens, Urgency};

/// The days before the end at which a reminder is sent, largest first.
pub const THRESHOLDS: [u32; 6] = [30, 14, 7, 3, 1, 0];

/// The threshold an item with `days_left` is at: the smallest one not
/// below it; 0 on the last day and after; none beyond 30 days.
pub fn threshold(days_left: i64) -> Option<u32> {
    THRESHOLDS
        .iter()
        .rev()
        .copied()
        .find(|t| days_left <= i64::from(*t))
}

/// The reminder for `row` at `threshold`.
pub fn notification(row: &ExpiryRow, threshold: u32, now_unix: i64) -> Notification {
    let noun = match row.kind {
        "tls_certificate" => "Certificate",
        "client_secret" => "Client secret",
        "api_token" => "API token",
        "service_account_key" => "Service-account key",
        _ => "Credential",
    };
    let end = row.not_after_unix.unwrap_or(now_unix);
    let when = row.not_after.clone().unwrap_or_else(|| utc(end));
    let expired = end <= now_unix;
    let days = row.days_left.unwrap_or(0);
    let headline = if expired {
        format!("{noun} has expired")
    } else {
        match days {
            0 => format!("{noun} expires within a day"),
            1 => format!("{noun} expires in 1 day"),
            d => format!("{noun} expires in {d} days"),
        }
    };
    let body = if expired {
        format!(
            "{} ended {when}. What needs it fails until it is replaced. {}",
            row.label, row.what_to_do
        )
    } else {
        format!("{} ends {when}. {}", row.label, row.what_to_do)
    };
    Notification {
        summary: format!("{headline}: {}", row.display_name),
        body,
        profile: row.profile.clone(),
        opens: Opens::Credential {
            item: row.item.clone(),
        },
        urgency: if threshold >= 14 {
            Urgency::Normal
        } else {
            Urgency::Critical
        },
    }
}

/// A reminder this call sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The profile.
    pub profile: String,
    /// The item.
    pub item: String,
    /// The threshold it was for.
    pub threshold: u32,
    /// Whether the desktop showed it (otherwise it was logged).
    pub shown: bool,
}

/// Sends the reminders `list` is due, each claimed in `store` first.
pub fn send_due(
    store: &StateStore,
    list: &ExpiryList,
    notifier: &dyn Notifier,
) -> Result<Vec<Sent>, StoreError> {
    let mut sent = Vec::new();
    for row in &list.items {
        let Some(threshold) = row.days_left.and_then(threshold) else {
            continue;
        };
        let key = ReminderKey {
            profile: &row.profile,
            item: &row.item,
            fingerprint: &row.fingerprint,
        };
        if !store.claim_reminder(&key, threshold, list.now_unix)? {
            continue;
        }
        let n = notification(row, threshold, list.now_unix);
        tracing::info!(profile = %row.profile, item = %row.item, threshold, summary = %n.summary, body = %n.body, "expiry reminder");
        let shown = match notifier.notify(&n) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(profile = %row.profile, item = %row.item, "expiry reminder not shown on the desktop (it is in this log): {e}");
                false
            }
        };
        sent.push(Sent {
            profile: row.profile.clone(),
            item: row.item.clone(),
            threshold,
            shown,
        });
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::expiring::{DAY, list::rows};
    use crate::notify::NotifyError;
    use onramp_connector::expiry::{Credential, CredentialItem, DateSource};

    const T0: i64 = 1_800_000_000;
    const END: i64 = T0 + 45 * DAY;

    #[derive(Default)]
    struct Capture {
        seen: Mutex<Vec<Notification>>,
        fail: bool,
    }

    impl Notifier for Capture {
        fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
            self.seen.lock().unwrap().push(n.clone());
            if self.fail {
                return Err(NotifyError::NoBus {
                    detail: "none".into(),
                });
            }
            Ok(())
        }
    }

    fn cert(sha256: &str, end: i64) -> CredentialItem {
        CredentialItem {
            profile: "corp".into(),
            item: "ldap.tls".into(),
            label: "server certificate CN=dc1 (seen by ldap.tls)".into(),
            credential: Credential::TlsCertificate {
                subject: "CN=dc1".into(),
                sha256: sha256.into(),
            },
            not_after_unix: Some(end),
            date_source: DateSource::Certificate,
            confirmed_unix: T0,
        }
    }

    fn list(items: Vec<CredentialItem>, now: i64) -> ExpiryList {
        rows(items, |_| Some("Corp Directory".to_owned()), now)
    }

    #[test]
    fn thresholds() {
        assert_eq!(threshold(31), None);
        assert_eq!(threshold(30), Some(30));
        assert_eq!(threshold(15), Some(30));
        assert_eq!(threshold(14), Some(14));
        assert_eq!(threshold(8), Some(14));
        assert_eq!(threshold(5), Some(7));
        assert_eq!(threshold(3), Some(3));
        assert_eq!(threshold(2), Some(3));
        assert_eq!(threshold(1), Some(1));
        assert_eq!(threshold(0), Some(0));
        assert_eq!(threshold(-40), Some(0));
    }

    /// Hourly for 50 days, across "restarts" (a new connection to the same
    /// file each day): exactly one reminder per threshold, on the day it
    /// is reached, with the words the admin reads.
    #[test]
    fn each_threshold_is_reminded_once_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let notifier = Capture::default();
        let mut sent = Vec::new();
        for hour in 0..(50 * 24) {
            let now = T0 + hour * 3600;
            let store = StateStore::open(&path).unwrap();
            for s in send_due(&store, &list(vec![cert("AA", END)], now), &notifier).unwrap() {
                sent.push((s.threshold, (now - T0) / 3600));
            }
        }
        // 45 days (1,080 hours) ahead: "30 days" once fewer than 31 days
        // are left (hour 337), and so on; "within a day" in the last 24 hours.
        assert_eq!(
            sent,
            [
                (30, 337),
                (14, 721),
                (7, 889),
                (3, 985),
                (1, 1033),
                (0, 1057)
            ]
        );
        let seen = notifier.seen.lock().unwrap();
        let summaries: Vec<&str> = seen.iter().map(|n| n.summary.as_str()).collect();
        assert_eq!(
            summaries,
            [
                "Certificate expires in 30 days: Corp Directory",
                "Certificate expires in 14 days: Corp Directory",
                "Certificate expires in 7 days: Corp Directory",
                "Certificate expires in 3 days: Corp Directory",
                "Certificate expires in 1 day: Corp Directory",
                "Certificate expires within a day: Corp Directory",
            ]
        );
        let body = &seen[2].body;
        assert!(
            body.starts_with("server certificate CN=dc1 (seen by ldap.tls) ends 2027-03-01T08:00:00Z. Renew the certificate"),
            "{body}"
        );
        assert_eq!(
            seen[2].opens,
            Opens::Credential {
                item: "ldap.tls".into()
            }
        );
        assert_eq!(seen[0].urgency, Urgency::Normal);
        assert_eq!(seen[2].urgency, Urgency::Critical);
    }

    #[test]
    fn a_late_first_look_sends_only_the_threshold_reached() {
        let store = StateStore::open_in_memory().unwrap();
        let notifier = Capture::default();
        let now = END - 5 * DAY;
        let sent = send_due(&store, &list(vec![cert("AA", END)], now), &notifier).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].threshold, 7);
        assert!(
            send_due(&store, &list(vec![cert("AA", END)], now + 3600), &notifier)
                .unwrap()
                .is_empty()
        );
        // Expired and never seen before: one "has expired".
        let later = END + 3 * DAY;
        let store = StateStore::open_in_memory().unwrap();
        send_due(&store, &list(vec![cert("AA", END)], later), &notifier).unwrap();
        let seen = notifier.seen.lock().unwrap();
        let last = seen.last().unwrap();
        assert_eq!(last.summary, "Certificate has expired: Corp Directory");
        assert!(
            last.body.contains("ended 2027-03-01T08:00:00Z"),
            "{}",
            last.body
        );
    }

    #[test]
    fn a_renewed_certificate_ends_the_reminders() {
        let store = StateStore::open_in_memory().unwrap();
        let notifier = Capture::default();
        let now = END - 10 * DAY;
        assert_eq!(
            send_due(&store, &list(vec![cert("AA", END)], now), &notifier)
                .unwrap()
                .len(),
            1
        );
        // The daily re-check saw the renewed certificate: a year more.
        let renewed = cert("BB", END + 365 * DAY);
        for day in 0..20 {
            let at = now + day * DAY;
            assert!(
                send_due(&store, &list(vec![renewed.clone()], at), &notifier)
                    .unwrap()
                    .is_empty()
            );
        }
        assert_eq!(notifier.seen.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_reminder_the_desktop_cannot_show_is_logged_and_not_repeated() {
        let store = StateStore::open_in_memory().unwrap();
        let notifier = Capture {
            fail: true,
            ..Capture::default()
        };
        let now = END - 2 * DAY - 3600;
        let sent = send_due(&store, &list(vec![cert("AA", END)], now), &notifier).unwrap();
        assert_eq!(sent.len(), 1);
        assert!(!sent[0].shown);
        assert!(
            send_due(&store, &list(vec![cert("AA", END)], now + 60), &notifier)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn items_without_an_end_get_no_reminder() {
        let store = StateStore::open_in_memory().unwrap();
        let mut item = cert("AA", END);
        item.not_after_unix = None;
        let notifier = Capture::default();
        assert!(
            send_due(&store, &list(vec![item], END), &notifier)
                .unwrap()
                .is_empty()
        );
    }
}
