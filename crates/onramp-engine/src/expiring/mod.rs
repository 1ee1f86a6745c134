//! Everything that expires, and the reminders about it.
//!
//! The connectors record each expiring credential they see as a
//! [`CredentialItem`] (`onramp_connector::expiry`); this module is what
//! Onramp does with them, the same in the desktop app, the headless agent
//! and the CLI:
//!
//! * [`list`]: every item with its days left, for `onramp expiry list`,
//!   `onramp expiry check` and the dashboard's "Expiring soon";
//! * [`reminders`]: a notification at 30, 14, 7, 3 and 1 days before the
//!   end and on the day, once per threshold per credential. What was sent
//!   lives in the state store, claimed before it is shown, so a restart or
//!   a second process (the app beside the agent) never repeats one;
//! * [`recheck`]: once a day each item's check runs again, so a renewed
//!   certificate or a rotated secret is seen and its reminders end.
//!
//! Nothing here reads the clock: `now_unix` is an argument everywhere.

pub mod list;
pub mod recheck;
pub mod reminders;

use onramp_connector::expiry::{Credential, CredentialItem};

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Whole days from `now_unix` to `not_after_unix`, rounded down: 0 on the
/// last day, negative once it has ended.
pub fn days_left(not_after_unix: i64, now_unix: i64) -> i64 {
    (not_after_unix - now_unix).div_euclid(DAY)
}

/// What identifies this instance of a credential: a renewed certificate or
/// a new secret has another, so its reminders start afresh.
pub fn fingerprint(item: &CredentialItem) -> String {
    let identity = match &item.credential {
        Credential::TlsCertificate { sha256, .. } => sha256.clone(),
        Credential::ClientSecret { key_id } => key_id.clone().unwrap_or_default(),
        Credential::ApiToken => String::new(),
        Credential::ServiceAccountKey { key_id } => key_id.clone(),
    };
    match item.not_after_unix {
        Some(end) => format!("{identity}@{end}"),
        None => identity,
    }
}

/// What the admin does about a credential of this kind before it ends.
pub fn what_to_do(credential: &Credential) -> &'static str {
    match credential {
        Credential::TlsCertificate { .. } => {
            "Renew the certificate on the server before then. Onramp checks it again every day and stops reminding you once it sees the new one."
        }
        Credential::ClientSecret { .. } => {
            "Create a new client secret, then paste its value in Onramp's rotation step, where it is checked and stored."
        }
        Credential::ApiToken => {
            "Create a new API token, then paste it in Onramp's rotation step, where it is checked and stored."
        }
        Credential::ServiceAccountKey { .. } => {
            "Create a new key for the service account, then choose its file in Onramp's rotation step, where it is checked and stored; delete the old key afterwards."
        }
    }
}

/// `unix` as an RFC 3339 UTC time; the number itself if it is out of range.
pub fn utc(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_connector::expiry::DateSource;

    #[test]
    fn days_left_rounds_down_and_goes_negative() {
        let now = 1_000_000;
        assert_eq!(days_left(now + 30 * DAY, now), 30);
        assert_eq!(days_left(now + 30 * DAY - 1, now), 29);
        assert_eq!(days_left(now + 1, now), 0);
        assert_eq!(days_left(now, now), 0);
        assert_eq!(days_left(now - 1, now), -1);
        assert_eq!(days_left(now - DAY - 1, now), -2);
    }

    #[test]
    fn the_fingerprint_changes_with_the_credential_and_its_end() {
        let item = |sha256: &str, end| CredentialItem {
            profile: "p".into(),
            item: "ldap.tls".into(),
            label: "cert".into(),
            credential: Credential::TlsCertificate {
                subject: "CN=dc".into(),
                sha256: sha256.into(),
            },
            not_after_unix: end,
            date_source: DateSource::Certificate,
            confirmed_unix: 0,
        };
        assert_eq!(fingerprint(&item("AA", Some(5))), "AA@5");
        assert_ne!(
            fingerprint(&item("AA", Some(5))),
            fingerprint(&item("BB", Some(5)))
        );
        assert_ne!(
            fingerprint(&item("AA", Some(5))),
            fingerprint(&item("AA", Some(6)))
        );
        assert_eq!(fingerprint(&item("AA", None)), "AA");
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(i64::MAX), i64::MAX.to_string());
    }
}
