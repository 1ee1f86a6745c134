//! Expiring credentials: one model for everything that ends, and the file
//! that remembers what Onramp has seen.
//!
//! A TLS certificate (LDAPS, the platform's SCIM endpoint, a SAML signing
//! certificate), a client secret (Entra: at most 730 days), an API token
//! (SentinelOne: 30 days; Okta: 30 days without use) and a service-account
//! key all become a [`CredentialItem`]: which profile, what it is (never
//! the value), when it ends or that this is unknown, where that date came
//! from, and when it was last confirmed. Connectors produce them from their
//! check results ([`crate::Connector::credentials`]); the reminders read
//! them. The file is small JSON in the data dir, replaced atomically; the
//! certificate-only records of earlier versions are read and migrated, and
//! a damaged file is reported, never silently overwritten.

use std::path::{Path, PathBuf};

use onramp_base::check::CheckResult;
use onramp_profile::Profile;
use serde::{Deserialize, Serialize};

/// What kind of credential an item is, with what identifies it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Credential {
    /// A server certificate a check verified.
    TlsCertificate {
        /// Its subject.
        subject: String,
        /// Its SHA-256 fingerprint.
        sha256: String,
    },
    /// An OAuth client secret (Entra ID), by its key id.
    ClientSecret {
        /// The secret's id as the API lists it (not the value).
        key_id: Option<String>,
    },
    /// An API token (SentinelOne, Okta).
    ApiToken,
    /// A service-account key (Google), by its key id.
    ServiceAccountKey {
        /// The key's id (`private_key_id`).
        key_id: String,
    },
}

/// Where an item's end date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// The certificate's notAfter.
    Certificate,
    /// Read from the service's API.
    Api,
    /// Entered by the admin.
    Admin,
    /// Derived from the last successful use (a token that dies unused).
    LastUse,
}

/// One credential with an end, as Onramp last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialItem {
    /// The profile it belongs to.
    pub profile: String,
    /// Its id within the profile: the id of the check that saw it, e.g.
    /// `ldap.tls` or `target.connect`.
    pub item: String,
    /// What it is, for people: "server certificate of ldaps://dc1…".
    pub label: String,
    /// Its kind and identity.
    pub credential: Credential,
    /// The end of validity, Unix seconds; `None` when it is not known.
    pub not_after_unix: Option<i64>,
    /// Where that date came from.
    pub date_source: DateSource,
    /// When a check last confirmed it, Unix seconds.
    pub confirmed_unix: i64,
}

/// The items for the server certificates a set of check results verified.
pub fn certificate_items(
    profile: &Profile,
    results: &[CheckResult],
    now_unix: i64,
) -> Vec<CredentialItem> {
    results
        .iter()
        .filter_map(|r| {
            let c = r.certificate.as_ref()?;
            Some(CredentialItem {
                profile: profile.name.clone(),
                item: r.id.clone(),
                label: format!("server certificate {} (seen by {})", c.subject, r.id),
                credential: Credential::TlsCertificate {
                    subject: c.subject.clone(),
                    sha256: c.sha256.clone(),
                },
                not_after_unix: Some(c.not_after_unix),
                date_source: DateSource::Certificate,
                confirmed_unix: now_unix,
            })
        })
        .collect()
}

/// Reading or writing the records failed.
#[derive(Debug, thiserror::Error)]
pub enum ExpiryError {
    /// The file could not be read or written.
    #[error("expiry records {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not what this version writes or migrates.
    #[error("expiry records {path} are damaged ({message}); move the file away to start afresh")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
}

/// The file's current form.
#[derive(Debug, Serialize, Deserialize)]
struct FileV2 {
    version: u32,
    items: Vec<CredentialItem>,
}

/// A record of the first version: a certificate seen by a check.
#[derive(Debug, Deserialize)]
struct RecordV1 {
    profile: String,
    item: String,
    subject: String,
    sha256: String,
    not_after_unix: i64,
    seen_unix: i64,
}

impl From<RecordV1> for CredentialItem {
    fn from(r: RecordV1) -> Self {
        CredentialItem {
            label: format!("server certificate {} (seen by {})", r.subject, r.item),
            profile: r.profile,
            item: r.item,
            credential: Credential::TlsCertificate {
                subject: r.subject,
                sha256: r.sha256,
            },
            not_after_unix: Some(r.not_after_unix),
            date_source: DateSource::Certificate,
            confirmed_unix: r.seen_unix,
        }
    }
}

/// The version [`ExpiryStore`] writes.
const VERSION: u32 = 2;

/// The records of one installation.
#[derive(Debug, Clone)]
pub struct ExpiryStore {
    path: PathBuf,
}

impl ExpiryStore {
    /// The store in `data_dir` (the file `expiry.json`).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("expiry.json"),
        }
    }

    /// Every item; none when the file does not exist yet. A first-version
    /// file (a list of certificate records) is read as items.
    pub fn load(&self) -> Result<Vec<CredentialItem>, ExpiryError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(ExpiryError::Io {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        let damaged = |message: String| ExpiryError::Damaged {
            path: self.path.clone(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?;
        if value.is_array() {
            let v1: Vec<RecordV1> = serde_json::from_value(value)
                .map_err(|e| damaged(format!("a first-version record: {e}")))?;
            return Ok(v1.into_iter().map(Into::into).collect());
        }
        let file: FileV2 = serde_json::from_value(value).map_err(|e| damaged(e.to_string()))?;
        if file.version != VERSION {
            return Err(damaged(format!(
                "version {} is not one this Onramp reads (it reads 1 and {VERSION})",
                file.version
            )));
        }
        Ok(file.items)
    }

    /// Records `fresh`, replacing earlier items of the same profile and
    /// item id; returns how many were recorded.
    pub fn record(&self, fresh: Vec<CredentialItem>) -> Result<usize, ExpiryError> {
        if fresh.is_empty() {
            return Ok(0);
        }
        let mut items = self.load()?;
        items.retain(|old| {
            !fresh
                .iter()
                .any(|new| new.profile == old.profile && new.item == old.item)
        });
        let count = fresh.len();
        items.extend(fresh);
        items.sort_by(|a, b| (&a.profile, &a.item).cmp(&(&b.profile, &b.item)));
        self.write(items)?;
        Ok(count)
    }

    /// Forgets the item `item` of `profile` (a check that passed no longer
    /// sees it); whether there was one.
    pub fn forget(&self, profile: &str, item: &str) -> Result<bool, ExpiryError> {
        let mut items = self.load()?;
        let before = items.len();
        items.retain(|old| !(old.profile == profile && old.item == item));
        if items.len() == before {
            return Ok(false);
        }
        self.write(items)?;
        Ok(true)
    }

    fn write(&self, items: Vec<CredentialItem>) -> Result<(), ExpiryError> {
        let io = |source| ExpiryError::Io {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let file = FileV2 {
            version: VERSION,
            items,
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| ExpiryError::Damaged {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&self.path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onramp_base::tls::CertificateInfo;

    fn cert(not_after_unix: i64) -> CertificateInfo {
        CertificateInfo {
            subject: "CN=dc1".into(),
            issuer: "CN=ca".into(),
            sans: vec!["DNS:dc1".into()],
            not_before: "2020-01-01T00:00:00Z".into(),
            not_after: "2030-01-01T00:00:00Z".into(),
            not_after_unix,
            sha256: "AA".into(),
        }
    }

    fn profile(name: &str) -> Profile {
        let text = "kind = \"ldap\"\n[connection]\nurl = \"ldaps://dc1.example.com\"\nbind_dn = \"cn=svc,dc=example,dc=com\"\nbind_password_secret = \"p\"\n";
        onramp_profile::parse_profile(name, Path::new("p.toml"), text).unwrap()
    }

    fn items(name: &str, results: &[CheckResult], now: i64) -> Vec<CredentialItem> {
        certificate_items(&profile(name), results, now)
    }

    #[test]
    fn records_replace_per_profile_and_item() {
        let dir = tempfile::tempdir().unwrap();
        let store = ExpiryStore::new(dir.path());
        assert!(store.load().unwrap().is_empty());
        let r1 = vec![
            CheckResult::pass("ldap.tls", "ok").certificate(cert(100)),
            CheckResult::pass("ldap.bind", "ok"),
        ];
        assert_eq!(store.record(items("corp", &r1, 1)).unwrap(), 1);
        assert_eq!(store.record(items("other", &r1, 1)).unwrap(), 1);
        let r2 = vec![CheckResult::pass("ldap.tls", "ok").certificate(cert(200))];
        store.record(items("corp", &r2, 2)).unwrap();
        let all = store.load().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].profile, "corp");
        assert_eq!(all[0].not_after_unix, Some(200));
        assert_eq!(all[0].confirmed_unix, 2);
        assert_eq!(all[0].date_source, DateSource::Certificate);
        assert_eq!(
            all[0].credential,
            Credential::TlsCertificate {
                subject: "CN=dc1".into(),
                sha256: "AA".into()
            }
        );
    }

    #[test]
    fn forget_removes_one_item() {
        let dir = tempfile::tempdir().unwrap();
        let store = ExpiryStore::new(dir.path());
        let r = vec![CheckResult::pass("ldap.tls", "ok").certificate(cert(100))];
        store.record(items("corp", &r, 1)).unwrap();
        store.record(items("other", &r, 1)).unwrap();
        assert!(!store.forget("corp", "target.connect").unwrap());
        assert!(store.forget("corp", "ldap.tls").unwrap());
        let left: Vec<_> = store
            .load()
            .unwrap()
            .into_iter()
            .map(|i| i.profile)
            .collect();
        assert_eq!(left, ["other"]);
    }

    #[test]
    fn every_kind_of_credential_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = ExpiryStore::new(dir.path());
        let item = |item: &str, credential, not_after_unix, date_source| CredentialItem {
            profile: "p".into(),
            item: item.into(),
            label: format!("the {item}"),
            credential,
            not_after_unix,
            date_source,
            confirmed_unix: 5,
        };
        let all = vec![
            item(
                "entra.secret",
                Credential::ClientSecret {
                    key_id: Some("k1".into()),
                },
                Some(10),
                DateSource::Api,
            ),
            item(
                "okta.token",
                Credential::ApiToken,
                None,
                DateSource::LastUse,
            ),
            item(
                "google.key",
                Credential::ServiceAccountKey {
                    key_id: "abc".into(),
                },
                Some(20),
                DateSource::Admin,
            ),
        ];
        store.record(all.clone()).unwrap();
        let mut loaded = store.load().unwrap();
        loaded.sort_by(|a, b| a.item.cmp(&b.item));
        let mut want = all;
        want.sort_by(|a, b| a.item.cmp(&b.item));
        assert_eq!(loaded, want);
    }

    #[test]
    fn a_first_version_file_is_migrated_on_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("expiry.json");
        std::fs::write(
            &path,
            r#"[{"profile":"corp","item":"ldap.tls","subject":"CN=dc1","sha256":"AA",
                "not_after":"2030-01-01T00:00:00Z","not_after_unix":1893456000,"seen_unix":7}]"#,
        )
        .unwrap();
        let store = ExpiryStore::new(dir.path());
        let old = store.load().unwrap();
        assert_eq!(old.len(), 1);
        assert_eq!(old[0].not_after_unix, Some(1_893_456_000));
        assert_eq!(old[0].confirmed_unix, 7);
        assert_eq!(old[0].date_source, DateSource::Certificate);
        let r = vec![CheckResult::pass("target.connect", "ok").certificate(cert(9))];
        store.record(items("corp", &r, 8)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 2);
        let ids: Vec<_> = store.load().unwrap().into_iter().map(|i| i.item).collect();
        assert_eq!(ids, ["ldap.tls", "target.connect"]);
    }

    #[test]
    fn a_damaged_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("expiry.json");
        let store = ExpiryStore::new(dir.path());
        let r = vec![CheckResult::pass("ldap.tls", "ok").certificate(cert(1))];
        for bad in [
            "{not json",
            "[{\"profile\":\"corp\"}]",
            "{\"version\":3,\"items\":[]}",
            "{\"version\":2,\"items\":[{\"profile\":1}]}",
            "42",
        ] {
            std::fs::write(&path, bad).unwrap();
            match store.record(items("corp", &r, 1)) {
                Err(ExpiryError::Damaged { path: p, message }) => {
                    assert_eq!(p, path);
                    assert!(!message.is_empty(), "{bad}");
                }
                other => panic!("{bad}: {other:?}"),
            }
            assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
        }
    }
}
