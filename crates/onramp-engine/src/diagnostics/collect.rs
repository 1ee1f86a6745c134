//! Collecting the bundle's files and writing the zip.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::log_file::DailyLogFile;
use onramp_base::paths::AppPaths;
use onramp_connector::expiry::ExpiryStore;
use onramp_profile::ProfileStore;
use onramp_secrets::{SecretName, SecretStore};
use onramp_sync::store::{FILE_NAME, Outcome, StateStore};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use super::redact::{Counts, Redactor};
use super::{FAILED_RUNS, HISTORY_RUNS, LOG_DAYS, LOG_TAIL_BYTES};
use crate::expiring::{list, utc};
use crate::ops::CheckSet;

/// What a bundle is collected from.
pub struct Sources<'a> {
    /// Where the files are.
    pub paths: &'a AppPaths,
    /// The profiles.
    pub profiles: &'a ProfileStore,
    /// The secret store, to search for every secret's value.
    pub secrets: &'a dyn SecretStore,
    /// Which front end made it (`cli`, `desktop`).
    pub made_by: &'a str,
    /// The clock, Unix seconds.
    pub now_unix: i64,
}

/// One file of the bundle, already redacted.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BundleFile {
    /// Its path inside the zip.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// What was removed from it, by kind (counts, never values).
    pub redacted: std::collections::BTreeMap<String, usize>,
    #[serde(skip)]
    #[ts(skip)]
    content: Vec<u8>,
}

/// A collected bundle, ready to be saved.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Bundle {
    /// The files, the manifest first.
    pub files: Vec<BundleFile>,
    /// What could not be included, and why.
    pub notes: Vec<String>,
    /// The file name support will recognise: `onramp-diagnostics-YYYYMMDD-HHMMSS.zip`.
    pub suggested_name: String,
}

/// Why a bundle could not be collected or written.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    /// The zip could not be written.
    #[error("cannot write the diagnostic bundle {path}: {message}")]
    Write {
        /// Where.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The profiles folder could not be listed.
    #[error(transparent)]
    Profiles(#[from] onramp_profile::ProfileError),
}

impl ToReport for DiagnosticsError {
    fn to_report(&self) -> ErrorReport {
        match self {
            DiagnosticsError::Write { .. } => ErrorReport::new(ErrorCode::Io, self.to_string()),
            DiagnosticsError::Profiles(e) => e.to_report(),
        }
    }
}

/// Files before redaction, with their bundle paths.
struct Raw {
    files: Vec<(String, String)>,
    notes: Vec<String>,
}

impl Raw {
    fn add(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.push((path.into(), text.into()));
    }

    fn json(&mut self, path: &str, value: &impl Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.add(path, text),
            Err(e) => self.notes.push(format!("{path}: cannot encode: {e}")),
        }
    }
}

/// Collects and redacts the bundle.
pub fn collect(from: &Sources<'_>) -> Result<Bundle, DiagnosticsError> {
    let mut raw = Raw {
        files: Vec::new(),
        notes: Vec::new(),
    };
    let entries = from.profiles.list()?;
    let redactor = redactor(from, &entries, &mut raw.notes);

    // Profiles: the files as written, and whether each validates.
    let mut validation = Vec::new();
    for e in &entries {
        match std::fs::read_to_string(&e.path) {
            Ok(text) => raw.add(format!("profiles/{}.toml", e.name), text),
            Err(err) => raw
                .notes
                .push(format!("profile {}: cannot read: {err}", e.name)),
        }
        validation.push(match &e.profile {
            Ok(p) => json!({"profile": e.name, "valid": true, "kind": p.kind.id(),
                "schedule": {"enabled": p.schedule.enabled, "interval_minutes": p.schedule.interval_minutes}}),
            Err(err) => json!({"profile": e.name, "valid": false, "error": err.to_report()}),
        });
    }
    raw.json("profiles/validation.json", &validation);

    // The last check results of each profile.
    for e in &entries {
        for (set, suffix) in [(CheckSet::Setup, ""), (CheckSet::Target, ".target")] {
            let path = crate::ops::checks_file(from.paths, &e.name, set);
            if let Ok(text) = std::fs::read_to_string(&path) {
                raw.add(format!("checks/{}{suffix}.json", e.name), text);
            }
        }
    }

    // History, failed objects and schedules, from the state store.
    let store_path = from.paths.data_dir.join(FILE_NAME);
    let mut schedules = Vec::new();
    if store_path.exists() {
        match StateStore::open(&store_path) {
            Ok(store) => history(&store, &mut raw, &entries, &mut schedules),
            Err(e) => raw
                .notes
                .push(format!("the state store could not be read: {e}")),
        }
    } else {
        raw.notes
            .push("no state store yet: nothing has synced on this machine".to_owned());
    }
    raw.json("schedule.json", &schedules);

    match list::load(
        &ExpiryStore::new(&from.paths.data_dir),
        from.profiles,
        from.now_unix,
    ) {
        Ok(l) => raw.json("expiry.json", &l),
        Err(e) => raw
            .notes
            .push(format!("the expiry records could not be read: {e}")),
    }
    raw.notes.push(
        "posture summaries: the device posture probes are not supported yet; none are included"
            .to_owned(),
    );
    logs(from, &mut raw);

    let mut files: Vec<BundleFile> = raw
        .files
        .into_iter()
        .map(|(path, text)| {
            let (clean, redacted) = redactor.redact(&text);
            BundleFile {
                bytes: clean.len() as u64,
                path,
                redacted,
                content: clean.into_bytes(),
            }
        })
        .collect();
    let manifest = manifest(from, &files, &raw.notes);
    let (manifest, _) = redactor.redact(&manifest);
    files.insert(
        0,
        BundleFile {
            path: "manifest.json".to_owned(),
            bytes: manifest.len() as u64,
            redacted: Counts::new(),
            content: manifest.into_bytes(),
        },
    );
    Ok(Bundle {
        files,
        notes: raw.notes,
        suggested_name: format!("onramp-diagnostics-{}.zip", stamp(from.now_unix)),
    })
}

/// Every secret the profiles name, and every one in the file store's folder.
fn redactor(
    from: &Sources<'_>,
    entries: &[onramp_profile::ProfileEntry],
    notes: &mut Vec<String>,
) -> Redactor {
    let mut names: Vec<SecretName> = Vec::new();
    for e in entries {
        if let Ok(p) = &e.profile {
            let target = p.target.iter().flat_map(|t| t.secret_names());
            for n in p.connection.secret_names().into_iter().chain(target) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
    }
    let dirs = [
        Some(from.paths.secrets_dir()),
        std::env::var_os("CREDENTIALS_DIRECTORY").map(PathBuf::from),
    ];
    for dir in dirs.into_iter().flatten() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.flatten() {
            if let Some(n) = entry
                .file_name()
                .to_str()
                .and_then(|s| SecretName::new(s).ok())
                && !names.contains(&n)
            {
                names.push(n);
            }
        }
    }
    let mut values = Vec::new();
    for name in &names {
        match from.secrets.get(name) {
            Ok(secret) => values.push((name.to_string(), secret.expose().to_owned())),
            Err(onramp_secrets::SecretError::NotFound { .. }) => {}
            Err(e) => notes.push(format!(
                "secret {name} could not be read to search for it ({e}); the patterns for tokens, keys and passwords still applied"
            )),
        }
    }
    Redactor::new(values.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

fn history(
    store: &StateStore,
    raw: &mut Raw,
    entries: &[onramp_profile::ProfileEntry],
    schedules: &mut Vec<serde_json::Value>,
) {
    match store.runs(None, HISTORY_RUNS) {
        Ok(runs) => {
            let mut failed = Vec::new();
            for run in runs
                .iter()
                .filter(|r| r.summary.failed > 0 || r.message.is_some())
                .take(FAILED_RUNS)
            {
                match store.results(run.id) {
                    Ok(results) => {
                        let bad: Vec<_> = results
                            .into_iter()
                            .filter(|r| r.outcome == Outcome::Failed)
                            .collect();
                        failed.push(json!({"run": run.id, "profile": run.profile,
                            "state": run.state, "message": run.message, "failed": bad}));
                    }
                    Err(e) => raw.notes.push(format!("results of run {}: {e}", run.id.0)),
                }
            }
            raw.json("history/runs.json", &runs);
            raw.json("history/failed-objects.json", &failed);
        }
        Err(e) => raw
            .notes
            .push(format!("the run history could not be read: {e}")),
    }
    for e in entries {
        let Ok(p) = &e.profile else { continue };
        let last = store
            .runs(Some(&p.name), 1)
            .ok()
            .and_then(|r| r.into_iter().next())
            .map(|r| r.started_at);
        schedules.push(json!({"profile": p.name, "enabled": p.schedule.enabled,
            "interval_minutes": p.schedule.interval_minutes,
            "last_run_started": last.map(utc)}));
    }
}

/// The log files of the last [`LOG_DAYS`] days, each its newest part.
fn logs(from: &Sources<'_>, raw: &mut Raw) {
    let dir = from.paths.log_dir();
    let Ok(read) = std::fs::read_dir(&dir) else {
        raw.notes
            .push(format!("no log folder at {}", dir.display()));
        return;
    };
    // The daily files' names sort by date: compare them with the name of
    // the oldest day kept.
    let oldest = DailyLogFile::file_name(from.now_unix - (LOG_DAYS - 1) * crate::expiring::DAY);
    let mut names: Vec<String> = read
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n.len() == oldest.len()
                && n.starts_with(onramp_base::logging::LOG_FILE_PREFIX)
                && n.ends_with(".log")
                && n.as_str() >= oldest.as_str()
        })
        .collect();
    names.sort();
    for name in names {
        let path = dir.join(&name);
        match read_tail(&path, LOG_TAIL_BYTES) {
            Ok((text, cut)) => {
                if cut > 0 {
                    raw.notes.push(format!(
                        "logs/{name}: only its newest {} MiB (of {} bytes)",
                        LOG_TAIL_BYTES / (1024 * 1024),
                        cut + text.len() as u64
                    ));
                }
                raw.add(format!("logs/{name}"), text);
            }
            Err(e) => raw.notes.push(format!("logs/{name}: cannot read: {e}")),
        }
    }
}

/// `YYYYMMDD-HHMMSS` of `unix`, UTC.
fn stamp(unix: i64) -> String {
    let t = utc(unix);
    let digits: String = t.chars().take(19).filter(char::is_ascii_digit).collect();
    if digits.len() == 14 {
        format!("{}-{}", &digits[..8], &digits[8..])
    } else {
        unix.to_string()
    }
}

/// The last `max` bytes of `path` (from a line start) and how many were left out.
fn read_tail(path: &Path, max: usize) -> std::io::Result<(String, u64)> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let skip = len.saturating_sub(max as u64);
    file.seek(SeekFrom::Start(skip))?;
    let mut bytes = Vec::with_capacity(max.min(len as usize));
    file.take(max as u64).read_to_end(&mut bytes)?;
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    let mut cut = skip;
    if skip > 0
        && let Some(nl) = text.find('\n')
    {
        cut += nl as u64 + 1;
        text.drain(..=nl);
    }
    Ok((text, cut))
}

fn manifest(from: &Sources<'_>, files: &[BundleFile], notes: &[String]) -> String {
    let redactions: Vec<_> = files
        .iter()
        .flat_map(|f| {
            f.redacted
                .iter()
                .map(move |(kind, count)| json!({"file": f.path, "kind": kind, "count": count}))
        })
        .collect();
    let manifest = json!({
        "bundle": "onramp-diagnostics",
        "format": 1,
        "created": utc(from.now_unix),
        "made_by": from.made_by,
        "onramp": {
            "version": env!("CARGO_PKG_VERSION"),
            "build": if cfg!(debug_assertions) { "debug" } else { "release" },
            "target": format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS),
        },
        "system": system(),
        "state_store_schema": StateStore::schema_version(),
        "files": files.iter().map(|f| json!({"path": f.path, "bytes": f.bytes})).collect::<Vec<_>>(),
        "REDACTIONS": redactions,
        "notes": notes,
    });
    serde_json::to_string_pretty(&manifest).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The OS and the desktop session, as far as they can be seen.
fn system() -> serde_json::Value {
    let os_release = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        });
    let env = |k: &str| std::env::var(k).ok();
    json!({
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "release": os_release,
        "desktop": env("XDG_CURRENT_DESKTOP").or_else(|| env("DESKTOP_SESSION")),
        "session_type": env("XDG_SESSION_TYPE"),
        "session_bus": env("DBUS_SESSION_BUS_ADDRESS").is_some(),
    })
}

impl BundleFile {
    /// A file of `content` (already redacted) at `path`, with what was removed.
    pub fn new(path: impl Into<String>, content: Vec<u8>, redacted: Counts) -> Self {
        Self {
            path: path.into(),
            bytes: content.len() as u64,
            redacted,
            content,
        }
    }
}

impl Bundle {
    /// The content of the file at `path`, for tests and the CLI's listing.
    pub fn content(&self, path: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.content.as_slice())
    }

    /// Writes the zip to `out` (replacing it), mode 0600, through a
    /// temporary file in the same folder; returns its size.
    pub fn write(&self, out: &Path) -> Result<u64, DiagnosticsError> {
        let fail = |message: String| DiagnosticsError::Write {
            path: out.to_owned(),
            message,
        };
        let dir = out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
        let tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(e.to_string()))?;
        let mut zip = zip::ZipWriter::new(tmp);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(0o600);
        for f in &self.files {
            zip.start_file(f.path.as_str(), options)
                .map_err(|e| fail(e.to_string()))?;
            zip.write_all(&f.content).map_err(|e| fail(e.to_string()))?;
        }
        let tmp = zip.finish().map_err(|e| fail(e.to_string()))?;
        tmp.as_file().sync_all().map_err(|e| fail(e.to_string()))?;
        let file = tmp.persist(out).map_err(|e| fail(e.error.to_string()))?;
        // NamedTempFile creates the file 0600 on Unix; keep it so.
        let size = file.metadata().map_err(|e| fail(e.to_string()))?.len();
        Ok(size)
    }
}
