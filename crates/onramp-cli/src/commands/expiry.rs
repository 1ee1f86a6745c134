//! `onramp expiry list` and `onramp expiry check`: every expiring
//! credential the checks have seen, and a verdict for monitoring systems.

use onramp_engine::expiring::list::{self, ExpiryList, ExpiryRow, ExpiryState};
use onramp_engine::expiry::ExpiryStore;
use serde::Serialize;

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_json};

fn load(ctx: &Context, now_unix: i64) -> Result<ExpiryList, Failure> {
    Ok(list::load(
        &ExpiryStore::new(&ctx.paths.data_dir),
        &ctx.profiles,
        now_unix,
    )?)
}

fn days(row: &ExpiryRow) -> String {
    match (row.state, row.days_left) {
        (ExpiryState::Expired, _) => "expired".to_owned(),
        (_, Some(d)) => d.to_string(),
        (_, None) => "unknown".to_owned(),
    }
}

fn print_rows<'a>(rows: impl IntoIterator<Item = &'a ExpiryRow>) {
    outln!(
        "{:<20} {:<16} {:>7}  {:<20}  {:<11}  WHAT",
        "PROFILE",
        "ITEM",
        "DAYS",
        "ENDS",
        "SOURCE"
    );
    for row in rows {
        let source = serde_json::to_value(row.date_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        outln!(
            "{:<20} {:<16} {:>7}  {:<20}  {:<11}  {}",
            row.profile,
            row.item,
            days(row),
            row.not_after.as_deref().unwrap_or("unknown"),
            source,
            row.label
        );
    }
}

/// `expiry list`
pub fn list(ctx: &Context, now_unix: i64) -> Result<Exit, Failure> {
    let list = load(ctx, now_unix)?;
    if ctx.json {
        print_json(&list);
    } else if list.items.is_empty() {
        outln!(
            "No expiring credentials recorded yet; `onramp check` and `onramp target check` record the certificates and secrets they see."
        );
    } else {
        print_rows(&list.items);
    }
    Ok(Exit::Ok)
}

#[derive(Serialize)]
struct CheckOutput<'a> {
    within_days: i64,
    ok: bool,
    expiring: Vec<&'a ExpiryRow>,
}

/// `expiry check --within DAYS`: exit 3 when something ends within that
/// many days (or has ended), 0 otherwise.
pub fn check(ctx: &Context, within_days: i64, now_unix: i64) -> Result<Exit, Failure> {
    let list = load(ctx, now_unix)?;
    let expiring: Vec<&ExpiryRow> = list.within(within_days).collect();
    let ok = expiring.is_empty();
    if ctx.json {
        print_json(&CheckOutput {
            within_days,
            ok,
            expiring,
        });
    } else if ok {
        outln!(
            "OK: nothing expires within {within_days} days ({} credentials recorded).",
            list.items.len()
        );
    } else {
        outln!(
            "EXPIRING: {} credentials end within {within_days} days:",
            expiring.len()
        );
        print_rows(expiring);
    }
    Ok(if ok { Exit::Ok } else { Exit::CheckFailed })
}
