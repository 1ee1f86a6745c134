//! `onramp check` and `onramp discover`, through the profile's connector.

use onramp_engine::check::{CheckReport, CheckResult, CheckStatus};
use onramp_engine::connector::{Discovery, DiscoveryKind, OuNode};
use onramp_engine::ops;
use serde::Serialize;

use crate::cli::DiscoverWhat;
use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_checks, print_json};
use crate::runtime::block_on;

/// What `check --json` prints (docs/cli.md).
#[derive(Serialize)]
struct CheckOutput<'a> {
    profile: &'a str,
    kind: &'a str,
    overall: CheckStatus,
    checks: &'a [CheckResult],
}

/// `onramp check`
pub fn check(
    ctx: &Context,
    profile: &str,
    only: Option<&str>,
    now_unix: i64,
) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(profile)?;
    let checked = block_on(ops::check(
        &ctx.registry,
        &profile,
        ctx.secrets.as_ref(),
        only,
        now_unix,
    ))??;
    for c in &checked.results {
        tracing::info!(check = %c.id, status = ?c.status, summary = %c.summary, "setup check");
    }
    ops::record_credentials(&ctx.paths, checked.credentials);
    ops::record_checks(
        &ctx.paths,
        &profile.name,
        ops::CheckSet::Setup,
        &checked.results,
        now_unix,
    );
    let report = CheckReport {
        checks: checked.results,
    };
    let overall = report.overall();
    if ctx.json {
        print_json(&CheckOutput {
            profile: &profile.name,
            kind: profile.kind.id(),
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

/// `onramp discover`
pub fn discover(ctx: &Context, profile: &str, what: DiscoverWhat) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(profile)?;
    let kind = match what {
        DiscoverWhat::Ous => DiscoveryKind::Ous,
        DiscoverWhat::Groups => DiscoveryKind::Groups,
        DiscoverWhat::Email => DiscoveryKind::Email,
    };
    let found = block_on(ops::discover(
        &ctx.registry,
        &profile,
        ctx.secrets.as_ref(),
        kind,
    ))??;
    match found {
        Discovery::Ous { ous } => {
            if ctx.json {
                // One tree, as `discover ous --json` has always printed it.
                match ous.first() {
                    Some(root) => print_json(root),
                    None => print_json(&ous),
                }
            } else {
                for root in &ous {
                    print_tree(root, 0);
                }
            }
        }
        Discovery::Groups { groups } => {
            if ctx.json {
                print_json(&groups);
            } else {
                outln!("{:>8}  GROUP", "MEMBERS");
                for g in &groups {
                    let note = if g.name_too_long_for_tag {
                        format!(
                            "   (name longer than {} characters: too long for a tag)",
                            profile.sync.max_tag_length
                        )
                    } else {
                        String::new()
                    };
                    outln!("{:>8}  {}{note}", g.member_count, g.name);
                }
            }
        }
        Discovery::Email { email: report } => {
            if ctx.json {
                print_json(&report);
            } else {
                outln!(
                    "{} users; email attribute: {}",
                    report.users,
                    report.attribute
                );
                outln!("  mail only:                 {}", report.mail_only);
                outln!("  userPrincipalName only:    {}", report.upn_only);
                outln!("  both, the same:            {}", report.both_same);
                outln!("  both, different:           {}", report.both_different);
                outln!("  neither:                   {}", report.neither);
                outln!("  will be synced:            {}", report.eligible);
                outln!("  will be skipped:           {}", report.skipped.len());
                for s in &report.skipped {
                    outln!("    {}: {}", s.dn, s.reason);
                }
            }
        }
    }
    Ok(Exit::Ok)
}

fn print_tree(node: &OuNode, depth: usize) {
    outln!(
        "{}{} ({} users{}){}",
        "  ".repeat(depth),
        node.name,
        node.total_users,
        if node.direct_users != node.total_users {
            format!(", {} directly", node.direct_users)
        } else {
            String::new()
        },
        if node.excluded { "  [excluded]" } else { "" }
    );
    for child in &node.children {
        print_tree(child, depth + 1);
    }
}
