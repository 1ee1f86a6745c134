//! Printing results: aligned text for people, JSON for scripts and the UI.

use onramp_engine::ErrorReport;
use onramp_engine::check::{CheckReport, CheckStatus};
use serde::Serialize;

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
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
        println!(
            "[{}] {:<16} {}",
            status_label(check.status),
            check.id,
            check.summary
        );
        if check.status == CheckStatus::Skipped {
            continue;
        }
        if !check.details.is_empty() {
            println!("       {}", check.details);
        }
        for e in &check.evidence {
            println!("       {}: {}", e.key, e.value);
        }
        if !check.remediation.is_empty() {
            println!("       How to fix:");
            for (i, step) in check.remediation.iter().enumerate() {
                println!("         {}. {}", i + 1, step);
            }
        }
    }
}
