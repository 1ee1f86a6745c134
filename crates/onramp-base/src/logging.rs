//! Logging: tracing to stderr and to a daily rolling file in the data dir.
//!
//! The CLI and the desktop app write the same files
//! (`<data>/logs/onramp.YYYY-MM-DD.log`, private: `crate::log_file`), so support reads one place and the
//! app's logs view shows what headless runs did too.
//!
//! The file always gets `info` (with `--verbose`, `debug`) so support can read
//! what happened after the fact; stderr gets warnings only unless `--verbose`,
//! so it does not drown the command's own output. Nothing logged here may
//! carry a secret: secret values are `Secret`s, which print as `<redacted>`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// How many daily log files are kept.
pub const KEEP_LOG_FILES: usize = 14;

/// The prefix and suffix of the daily log files: `onramp.YYYY-MM-DD.log`.
pub const LOG_FILE_PREFIX: &str = "onramp";

/// Keeps the file writer flushing until dropped at the end of `main`.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// The tracing targets of Onramp's own crates and binaries.
const OUR_TARGETS: [&str; 12] = [
    "onramp",
    "onramp_base",
    "onramp_secrets",
    "onramp_profile",
    "onramp_connector",
    "onramp_platform",
    "onramp_ldap",
    "onramp_sync",
    "onramp_wizard",
    "onramp_engine",
    "onramp_cli",
    "onramp_desktop",
];

/// Warnings from everything, and `level` from Onramp's own crates.
fn ours_at(level: &str) -> EnvFilter {
    let mut directives = vec!["warn".to_owned()];
    directives.extend(OUR_TARGETS.iter().map(|t| format!("{t}={level}")));
    EnvFilter::new(directives.join(","))
}

/// Starts logging. A log folder that cannot be created costs the file log
/// only, with a warning on stderr.
pub fn init(log_dir: &Path, verbose: bool) -> LogGuard {
    let file_filter = ours_at(if verbose { "debug" } else { "info" });
    let stderr_filter = if verbose {
        ours_at("debug")
    } else {
        EnvFilter::new("warn")
    };
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(verbose)
        .with_filter(stderr_filter);

    let appender = crate::log_file::DailyLogFile::new(log_dir, now_unix);
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file_layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(file_filter);
            tracing_subscriber::registry()
                .with(stderr_layer)
                .with(file_layer)
                .init();
            LogGuard { _file: Some(guard) }
        }
        Err(e) => {
            tracing_subscriber::registry().with(stderr_layer).init();
            tracing::warn!("no log file: cannot use {}: {e}", log_dir.display());
            LogGuard { _file: None }
        }
    }
}

/// The system clock, for the log file's date.
fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The newest log file in `log_dir` (the daily files sort by date), if any.
pub fn latest_log_file(log_dir: &Path) -> std::io::Result<Option<std::path::PathBuf>> {
    let prefix = format!("{LOG_FILE_PREFIX}.");
    let mut newest: Option<std::path::PathBuf> = None;
    let entries = match std::fs::read_dir(log_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        let is_log = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".log"));
        if is_log && newest.as_ref().is_none_or(|n| path > *n) {
            newest = Some(path);
        }
    }
    Ok(newest)
}

/// At most how many bytes of a log file [`tail`] reads.
const TAIL_BYTES: u64 = 512 * 1024;

/// The last `lines` lines of `path` (read from its last 512 KiB, so a huge
/// file costs no more than a small one).
pub fn tail(path: &Path, lines: usize) -> std::io::Result<Vec<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::with_capacity((len - start) as usize);
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut all: Vec<&str> = text.lines().collect();
    // A read that starts mid-file starts mid-line: drop the partial line.
    if start > 0 && !all.is_empty() {
        all.remove(0);
    }
    let from = all.len().saturating_sub(lines);
    Ok(all[from..].iter().map(|l| (*l).to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_returns_the_last_lines_of_the_newest_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(latest_log_file(dir.path()).unwrap(), None);
        std::fs::write(dir.path().join("onramp.2026-11-20.log"), "old\n").unwrap();
        let body: String = (1..=10).map(|i| format!("line {i}\n")).collect();
        std::fs::write(dir.path().join("onramp.2026-11-21.log"), body).unwrap();
        std::fs::write(dir.path().join("other.log"), "no\n").unwrap();
        let newest = latest_log_file(dir.path()).unwrap().unwrap();
        assert!(newest.ends_with("onramp.2026-11-21.log"));
        assert_eq!(tail(&newest, 3).unwrap(), ["line 8", "line 9", "line 10"]);
        assert_eq!(tail(&newest, 100).unwrap().len(), 10);
    }

    #[test]
    fn tail_of_a_large_file_drops_the_partial_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("onramp.2026-11-21.log");
        let line = "x".repeat(999);
        let body: String = (0..1000).map(|i| format!("{i:04}{line}\n")).collect();
        std::fs::write(&path, body).unwrap();
        let lines = tail(&path, 5000).unwrap();
        assert!(lines.len() < 1000);
        assert!(lines.iter().all(|l| l.len() == 1003), "no partial line");
        assert!(lines.last().unwrap().starts_with("0999"));
    }
}
