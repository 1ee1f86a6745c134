//! The diagnostic bundle support asks for: one zip of what Onramp knows
//! about this machine's integrations, with every secret removed first.
//!
//! [`collect`] reads everything into memory and redacts it ([`redact`]):
//! the manifest (version and build, OS and desktop, the state store's schema
//! version, the file list, and the REDACTIONS section: what was removed
//! where, as counts), the profile files (they hold secret *names*; a value
//! pasted into one by mistake is redacted like any other), the last check
//! results of each profile, the run history and the failed objects of
//! recent runs, the last 7 days of logs (each file's newest 2 MiB), the
//! expiry list and the schedules. The admin sees [`Bundle::files`] before
//! [`Bundle::write`] saves the zip (mode 0600, written to a temporary file
//! and renamed, so a failed export leaves nothing half-written).

mod collect;
pub mod redact;

pub use collect::{Bundle, BundleFile, DiagnosticsError, Sources, collect};

/// The most of one log file a bundle holds: its newest part.
pub const LOG_TAIL_BYTES: usize = 2 * 1024 * 1024;

/// How many days of logs a bundle holds (today and the six before).
pub const LOG_DAYS: i64 = 7;

/// How many runs of the history a bundle holds.
pub const HISTORY_RUNS: usize = 200;

/// Of how many recent runs the failed objects are included.
pub const FAILED_RUNS: usize = 20;

#[cfg(test)]
mod tests;
