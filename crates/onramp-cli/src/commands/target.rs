//! `onramp target check`.

use onramp_engine::ErrorCode;
use onramp_engine::check::CheckStatus;
use onramp_engine::expiry::certificate_items;
use onramp_engine::ops;
use onramp_engine::platform::check_target;
use serde::Serialize;

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_checks, print_json};

#[derive(Serialize)]
struct TargetCheckOutput<'a> {
    profile: &'a str,
    overall: CheckStatus,
    checks: &'a [onramp_engine::check::CheckResult],
}

/// `target check`
pub fn check(ctx: &Context, profile: &str, now_unix: i64) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(profile)?;
    if let Some(export) = &profile.export {
        let message = format!(
            "profile '{}' exports to {}; there is no platform to check",
            profile.name,
            export.folder.display()
        );
        if ctx.json {
            print_json(
                &serde_json::json!({ "profile": profile.name, "export": export.folder, "message": message }),
            );
        } else {
            outln!("{message}");
        }
        return Ok(Exit::Ok);
    }
    let Some(target) = &profile.target else {
        return Err(Failure::new(
            ErrorCode::ProfileInvalid,
            format!(
                "profile '{}' has no [target] table; add the platform's SCIM URL and credential",
                profile.name
            ),
        ));
    };
    ops::require_secrets(&profile, ctx.secrets.as_ref(), ops::Needed::Target)?;
    let report = crate::runtime::block_on(check_target(target, ctx.secrets.as_ref(), now_unix))?;
    for c in &report.checks {
        tracing::info!(check = %c.id, status = ?c.status, summary = %c.summary, "target check");
    }
    ops::record_checks(
        &ctx.paths,
        &profile.name,
        ops::CheckSet::Target,
        &report.checks,
        now_unix,
    );
    ops::record_credentials(
        &ctx.paths,
        certificate_items(&profile, &report.checks, now_unix),
    );
    let overall = report.overall();
    if ctx.json {
        print_json(&TargetCheckOutput {
            profile: &profile.name,
            overall,
            checks: &report.checks,
        });
    } else {
        print_checks(&report);
    }
    Ok(if overall == CheckStatus::Fail {
        Exit::CheckFailed
    } else {
        Exit::Ok
    })
}
