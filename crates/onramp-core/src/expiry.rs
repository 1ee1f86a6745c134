//! Expiry records: the credentials and certificates whose end Onramp has seen.
//!
//! Every check that verifies a server certificate attaches it to its result;
//! the front ends record its notAfter here, per profile and check, so that
//! the reminders (desktop notifications, the dashboard) can warn before an
//! LDAPS or platform certificate expires without connecting again. The file
//! is small JSON in the data dir, replaced atomically; a damaged file is
//! reported, never silently overwritten.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::check::CheckResult;

/// One credential or certificate with an end date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiryRecord {
    /// The profile it belongs to.
    pub profile: String,
    /// What it is: the id of the check that saw it, e.g. `ldap.tls`.
    pub item: String,
    /// The certificate's subject.
    pub subject: String,
    /// The certificate's SHA-256 fingerprint.
    pub sha256: String,
    /// The end of validity, RFC 3339.
    pub not_after: String,
    /// The end of validity, Unix seconds.
    pub not_after_unix: i64,
    /// When Onramp last saw it, Unix seconds.
    pub seen_unix: i64,
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
    /// The file is not what this version writes.
    #[error("expiry records {path} are damaged ({message}); move the file away to start afresh")]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
}

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

    /// Every record; none when the file does not exist yet.
    pub fn load(&self) -> Result<Vec<ExpiryRecord>, ExpiryError> {
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
        serde_json::from_str(&text).map_err(|e| ExpiryError::Damaged {
            path: self.path.clone(),
            message: e.to_string(),
        })
    }

    /// Records the certificates the results carry, replacing earlier records
    /// of the same profile and check.
    pub fn record_results(
        &self,
        profile: &str,
        results: &[CheckResult],
        now_unix: i64,
    ) -> Result<usize, ExpiryError> {
        let fresh: Vec<ExpiryRecord> = results
            .iter()
            .filter_map(|r| {
                let c = r.certificate.as_ref()?;
                Some(ExpiryRecord {
                    profile: profile.to_owned(),
                    item: r.id.clone(),
                    subject: c.subject.clone(),
                    sha256: c.sha256.clone(),
                    not_after: c.not_after.clone(),
                    not_after_unix: c.not_after_unix,
                    seen_unix: now_unix,
                })
            })
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let mut records = self.load()?;
        records.retain(|old| {
            !fresh
                .iter()
                .any(|new| new.profile == old.profile && new.item == old.item)
        });
        let count = fresh.len();
        records.extend(fresh);
        records.sort_by(|a, b| (&a.profile, &a.item).cmp(&(&b.profile, &b.item)));
        self.write(&records)?;
        Ok(count)
    }

    fn write(&self, records: &[ExpiryRecord]) -> Result<(), ExpiryError> {
        let io = |source| ExpiryError::Io {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let text = serde_json::to_string_pretty(records).map_err(|e| ExpiryError::Damaged {
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
    use crate::tls::CertificateInfo;

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

    #[test]
    fn records_replace_per_profile_and_item() {
        let dir = tempfile::tempdir().unwrap();
        let store = ExpiryStore::new(dir.path());
        assert!(store.load().unwrap().is_empty());
        let r1 = vec![
            CheckResult::pass("ldap.tls", "ok").certificate(cert(100)),
            CheckResult::pass("ldap.bind", "ok"),
        ];
        assert_eq!(store.record_results("corp", &r1, 1).unwrap(), 1);
        assert_eq!(store.record_results("other", &r1, 1).unwrap(), 1);
        let r2 = vec![CheckResult::pass("ldap.tls", "ok").certificate(cert(200))];
        store.record_results("corp", &r2, 2).unwrap();
        let all = store.load().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].profile, "corp");
        assert_eq!(all[0].not_after_unix, 200);
        assert_eq!(all[0].seen_unix, 2);
    }

    #[test]
    fn a_damaged_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("expiry.json");
        std::fs::write(&path, "{not json").unwrap();
        let store = ExpiryStore::new(dir.path());
        let r = vec![CheckResult::pass("ldap.tls", "ok").certificate(cert(1))];
        let e = store.record_results("corp", &r, 1).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
    }
}
