//! Logging: tracing to stderr and to a daily rolling file in the data dir.
//!
//! The file always gets `info` (with `--verbose`, `debug`) so support can read
//! what happened after the fact; stderr gets warnings only unless `--verbose`,
//! so it does not drown the command's own output. Nothing logged here may
//! carry a secret: secret values are `Secret`s, which print as `<redacted>`.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// How many daily log files are kept.
const KEEP_LOG_FILES: usize = 14;

/// Keeps the file writer flushing until dropped at the end of `main`.
pub struct LogGuard {
    _file: Option<WorkerGuard>,
}

/// Starts logging. A log folder that cannot be created costs the file log
/// only, with a warning on stderr.
pub fn init(log_dir: &Path, verbose: bool) -> LogGuard {
    let ours = if verbose { "debug" } else { "info" };
    let file_filter = EnvFilter::new(format!(
        "warn,onramp={ours},onramp_core={ours},onramp_cli={ours}"
    ));
    let stderr_filter = if verbose {
        EnvFilter::new("warn,onramp=debug,onramp_core=debug,onramp_cli=debug")
    } else {
        EnvFilter::new("warn")
    };
    let stderr_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(verbose)
        .with_filter(stderr_filter);

    let appender = std::fs::create_dir_all(log_dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            RollingFileAppender::builder()
                .rotation(Rotation::DAILY)
                .filename_prefix("onramp")
                .filename_suffix("log")
                .max_log_files(KEEP_LOG_FILES)
                .build(log_dir)
                .map_err(|e| e.to_string())
        });
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

use tracing_subscriber::Layer as _;
