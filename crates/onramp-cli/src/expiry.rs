//! Recording the certificates a check verified, for expiry reminders.

use onramp_core::check::CheckResult;
use onramp_core::expiry::ExpiryStore;

use crate::context::Context;

/// Records the certificates in `results`; a failure to record is a warning,
/// never a reason to fail the check that produced them.
pub fn record(ctx: &Context, profile: &str, results: &[CheckResult], now_unix: i64) {
    let store = ExpiryStore::new(&ctx.paths.data_dir);
    match store.record_results(profile, results, now_unix) {
        Ok(0) => {}
        Ok(count) => tracing::info!(profile, count, "recorded certificate expiry dates"),
        Err(e) => tracing::warn!("{e}"),
    }
}
