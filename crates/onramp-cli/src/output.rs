//! Printing results: aligned text for people, JSON for scripts and the UI.
//!
//! Everything for standard output goes through [`write_line`] (the
//! `outln!` macro): when the reader has gone (`onramp history | head -1`),
//! the process ends quietly with status 141, as a Unix tool that the pipe
//! closed on does (128 + SIGPIPE), instead of panicking.

use onramp_engine::ErrorReport;
use onramp_engine::check::{CheckReport, CheckStatus};
use serde::Serialize;

/// The status of a process whose output pipe was closed (128 + SIGPIPE).
pub const CLOSED_PIPE: i32 = 141;

/// Writes one line to standard output; a closed pipe ends the process
/// quietly with [`CLOSED_PIPE`], any other write error with status 1.
pub fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = out
        .write_fmt(line)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(CLOSED_PIPE);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` for the CLI's standard output, through [`write_line`].
macro_rules! outln {
    () => {
        $crate::output::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => outln!("{text}"),
        // Our types serialise infallibly (no maps with non-string keys).
        Err(e) => eprintln!("error: cannot encode the result as JSON: {e}"),
    }
}

/// Prints an error: JSON `{"error": …}` on stdout with `--json`, else text on stderr.
pub fn print_error(report: &ErrorReport, json: bool) {
    if json {
        #[derive(Serialize)]
        struct Wrapper<'a> {
            error: &'a ErrorReport,
        }
        print_json(&Wrapper { error: report });
    } else {
        eprintln!("error: {report}");
    }
}

fn status_label(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Pass => "PASS",
        CheckStatus::Warn => "WARN",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Skipped => "SKIP",
    }
}

/// Prints a check report as text.
pub fn print_checks(report: &CheckReport) {
    for check in &report.checks {
        outln!(
            "[{}] {:<16} {}",
            status_label(check.status),
            check.id,
            check.summary
        );
        if check.status == CheckStatus::Skipped {
            continue;
        }
        if !check.details.is_empty() {
            outln!("       {}", check.details);
        }
        for e in &check.evidence {
            outln!("       {}: {}", e.key, e.value);
        }
        if !check.remediation.is_empty() {
            outln!("       How to fix:");
            for (i, step) in check.remediation.iter().enumerate() {
                outln!("         {}. {}", i + 1, step);
            }
        }
    }
}
