//! Where the desktop app looks for updates, and when.
//!
//! The key updates must be signed with is compiled into the app (the
//! updater's `pubkey` in `tauri.conf.json`) and cannot be changed here: a
//! file the user can write must not decide what code the app trusts. What
//! an organisation does change is *where* the releases come from (its own
//! mirror, behind its own CA) and whether the app looks on its own, so
//! those live in `<config>/updates.toml`:
//!
//! ```toml
//! url = "https://updates.example.com/onramp/{{target}}/{{arch}}/{{current_version}}"
//! ca_file = "/etc/ssl/certs/corp-root.pem"
//! automatic = true
//! ```
//!
//! A missing file means the built-in server and daily checks. A file that
//! does not parse is an error that names the field: the app shows it and
//! checks nothing until it is fixed, rather than quietly going back to a
//! server the admin meant to replace.

use std::path::{Path, PathBuf};

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use serde::Deserialize;
use url::Url;

/// The settings file, in the configuration folder.
pub const FILE_NAME: &str = "updates.toml";

/// How long after a check the next automatic one is due.
pub const CHECK_EVERY_SECONDS: i64 = 24 * 60 * 60;

/// How long after a failed automatic check it is tried again.
pub const RETRY_AFTER_SECONDS: i64 = 60 * 60;

/// The admin's update settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSettings {
    /// The release manifest's URL, instead of the one built into the app.
    pub url: Option<Url>,
    /// A CA certificate (PEM) trusted for the update server, beside the OS store.
    pub ca_file: Option<PathBuf>,
    /// Whether the app checks on start and daily (a manual check always works).
    pub automatic: bool,
}

impl Default for UpdateSettings {
    fn default() -> Self {
        Self {
            url: None,
            ca_file: None,
            automatic: true,
        }
    }
}

/// Why `updates.toml` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UpdateSettingsError {
    /// The file exists but cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not TOML, has an unknown key, or a value of the wrong type.
    #[error("{path} is not valid: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (it names the line and the key).
        message: String,
    },
    /// A value has the right type but cannot be used.
    #[error("{path}: `{field}` {expected}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The key.
        field: &'static str,
        /// What it must be instead.
        expected: String,
    },
}

impl ToReport for UpdateSettingsError {
    fn to_report(&self) -> ErrorReport {
        let path = match self {
            Self::Read { path, .. } | Self::Syntax { path, .. } | Self::Field { path, .. } => path,
        };
        ErrorReport::new(ErrorCode::InvalidInput, self.to_string()).with_remediation(vec![format!(
            "Fix or remove {}: it may set `url` (an https:// address), `ca_file` (a PEM file) and `automatic` (true or false).",
            path.display()
        )])
    }
}

/// The file's keys, as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    url: Option<String>,
    ca_file: Option<PathBuf>,
    automatic: Option<bool>,
}

impl UpdateSettings {
    /// Reads `<config_dir>/updates.toml`; the defaults when it does not exist.
    pub fn load(config_dir: &Path) -> Result<Self, UpdateSettingsError> {
        let path = config_dir.join(FILE_NAME);
        match std::fs::read(&path) {
            Ok(bytes) => Self::parse(&bytes, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(UpdateSettingsError::Read { path, source }),
        }
    }

    /// Parses the contents of the file at `path` (named in the errors).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self, UpdateSettingsError> {
        let syntax = |message: String| UpdateSettingsError::Syntax {
            path: path.to_path_buf(),
            message,
        };
        let field = |field: &'static str, expected: String| UpdateSettingsError::Field {
            path: path.to_path_buf(),
            field,
            expected,
        };
        let text = std::str::from_utf8(bytes)
            .map_err(|e| syntax(format!("it is not UTF-8 text (byte {})", e.valid_up_to())))?;
        let raw: RawSettings = toml::from_str(text).map_err(|e| syntax(e.to_string()))?;
        let url = match raw.url {
            None => None,
            Some(text) => Some(server_url(&text).map_err(|expected| field("url", expected))?),
        };
        let ca_file = match raw.ca_file {
            Some(p) if p.as_os_str().is_empty() => {
                return Err(field(
                    "ca_file",
                    "must be the path of a PEM file, not empty".into(),
                ));
            }
            Some(p) if !p.is_absolute() => {
                return Err(field(
                    "ca_file",
                    format!("must be an absolute path (got {})", p.display()),
                ));
            }
            other => other,
        };
        Ok(Self {
            url,
            ca_file,
            automatic: raw.automatic.unwrap_or(true),
        })
    }
}

/// The update server's URL, or what it must be instead.
fn server_url(text: &str) -> Result<Url, String> {
    // The value itself is not echoed: it may carry a password.
    let url = Url::parse(text.trim()).map_err(|e| format!("must be an https:// URL ({e})"))?;
    if url.scheme() != "https" {
        return Err(format!(
            "must be an https:// URL; {}:// is not accepted (updates travel over verified TLS only)",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry a user name or password".into());
    }
    if url.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    Ok(url)
}

/// Whether an automatic check is due at `now`, given when the last one was
/// made and whether it failed. The first is due at once.
pub fn check_due(last: Option<(i64, bool)>, now: i64) -> bool {
    match last {
        None => true,
        Some((at, true)) => now - at >= CHECK_EVERY_SECONDS,
        Some((at, false)) => now - at >= RETRY_AFTER_SECONDS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<UpdateSettings, UpdateSettingsError> {
        UpdateSettings::parse(text.as_bytes(), Path::new("/c/updates.toml"))
    }

    #[test]
    fn a_missing_file_is_the_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            UpdateSettings::load(dir.path()).unwrap(),
            UpdateSettings::default()
        );
        assert!(UpdateSettings::default().automatic);
    }

    #[test]
    fn every_key_is_read() {
        let s = parse(
            "url = \"https://u.example.com/onramp/{{target}}/{{arch}}/{{current_version}}\"\n\
             ca_file = \"/etc/ssl/corp.pem\"\nautomatic = false\n",
        )
        .unwrap();
        assert_eq!(s.url.unwrap().host_str(), Some("u.example.com"));
        assert_eq!(s.ca_file.unwrap(), PathBuf::from("/etc/ssl/corp.pem"));
        assert!(!s.automatic);
    }

    #[test]
    fn a_file_on_disk_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "automatic = false\n").unwrap();
        assert!(!UpdateSettings::load(dir.path()).unwrap().automatic);
    }

    #[test]
    fn malformed_files_name_what_is_wrong() {
        let cases: &[(&str, &str)] = &[
            ("url = ", "not valid"),
            ("url = 5", "url"),
            ("automatic = \"yes\"", "automatic"),
            ("pubkey = \"RW...\"", "pubkey"),
            (
                "url = \"http://u.example.com/latest.json\"",
                "`url` must be an https:// URL; http://",
            ),
            ("url = \"not a url\"", "`url` must be an https:// URL"),
            (
                "url = \"https://me:pw@u.example.com/\"",
                "user name or password",
            ),
            ("url = \"https://u.example.com/x#y\"", "#fragment"),
            ("ca_file = \"\"", "`ca_file` must be the path"),
            (
                "ca_file = \"corp.pem\"",
                "`ca_file` must be an absolute path",
            ),
        ];
        for (text, expected) in cases {
            let error = parse(text).unwrap_err().to_string();
            assert!(error.contains(expected), "{text:?}: {error}");
            assert!(error.contains("/c/updates.toml"), "{text:?}: {error}");
        }
    }

    #[test]
    fn bytes_that_are_not_text_are_refused() {
        let error =
            UpdateSettings::parse(b"url = \"\xff\"", Path::new("/c/updates.toml")).unwrap_err();
        assert!(error.to_string().contains("not UTF-8"), "{error}");
    }

    #[test]
    fn a_password_in_the_url_is_not_echoed() {
        for text in [
            "url = \"https://me:canary-pw@u.example.com/\"",
            "url = \"https://me:canary-pw@[bad/\"",
        ] {
            let error = parse(text).unwrap_err().to_string();
            assert!(!error.contains("canary-pw"), "{error}");
        }
    }

    #[test]
    fn checks_are_daily_and_failures_retried_hourly() {
        assert!(check_due(None, 0));
        assert!(!check_due(Some((0, true)), CHECK_EVERY_SECONDS - 1));
        assert!(check_due(Some((0, true)), CHECK_EVERY_SECONDS));
        assert!(!check_due(Some((0, false)), RETRY_AFTER_SECONDS - 1));
        assert!(check_due(Some((0, false)), RETRY_AFTER_SECONDS));
    }
}
