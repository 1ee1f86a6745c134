//! `onramp check` and `onramp discover` for AD and LDAP profiles.

use onramp_core::ErrorCode;
use onramp_core::check::{CheckReport, CheckStatus};
use onramp_core::directory::{
    DirectoryTarget, OuNode, discover_email, discover_groups, discover_ous, run_checks,
};
use onramp_core::profile::Profile;
use serde::Serialize;

use crate::cli::DiscoverWhat;
use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{print_checks, print_json};
use crate::runtime::block_on;

fn directory_target(profile: &Profile) -> Result<DirectoryTarget, Failure> {
    if !matches!(
        profile.kind,
        onramp_core::profile::IntegrationKind::Ad | onramp_core::profile::IntegrationKind::Ldap
    ) {
        return Err(Failure::new(
            ErrorCode::NotSupported,
            format!(
                "setup checks for {} profiles are not supported yet; AD and LDAP profiles have them",
                profile.kind.label()
            ),
        ));
    }
    Ok(DirectoryTarget::from_profile(profile)?)
}

#[derive(Serialize)]
struct CheckOutput<'a> {
    profile: &'a str,
    kind: &'a str,
    overall: CheckStatus,
    checks: &'a CheckReport,
}

/// `onramp check`
pub fn check(
    ctx: &Context,
    profile: &str,
    only: Option<&str>,
    now_unix: i64,
) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(profile)?;
    let target = directory_target(&profile)?;
    let report = block_on(run_checks(&target, ctx.secrets.as_ref(), only, now_unix))??;
    for c in &report.checks {
        tracing::info!(check = %c.id, status = ?c.status, summary = %c.summary, "directory check");
    }
    crate::expiry::record(ctx, &profile.name, &report.checks, now_unix);
    let overall = report.overall();
    if ctx.json {
        print_json(&CheckOutput {
            profile: &profile.name,
            kind: profile.kind.id(),
            overall,
            checks: &report,
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
    let target = directory_target(&profile)?;
    let secrets = ctx.secrets.as_ref();
    match what {
        DiscoverWhat::Ous => {
            let tree = block_on(discover_ous(&target, secrets))??;
            if ctx.json {
                print_json(&tree);
            } else {
                print_tree(&tree, 0);
            }
        }
        DiscoverWhat::Groups => {
            let groups = block_on(discover_groups(
                &target,
                secrets,
                profile.sync.max_tag_length,
            ))??;
            if ctx.json {
                print_json(&groups);
            } else {
                println!("{:>8}  GROUP", "MEMBERS");
                for g in &groups {
                    let note = if g.name_too_long_for_tag {
                        format!(
                            "   (name longer than {} characters: too long for a tag)",
                            profile.sync.max_tag_length
                        )
                    } else {
                        String::new()
                    };
                    println!("{:>8}  {}{note}", g.member_count, g.name);
                }
            }
        }
        DiscoverWhat::Email => {
            let report = block_on(discover_email(
                &target,
                secrets,
                profile.sync.email_attribute,
            ))??;
            if ctx.json {
                print_json(&report);
            } else {
                println!(
                    "{} users; email attribute: {}",
                    report.users, report.attribute
                );
                println!("  mail only:                 {}", report.mail_only);
                println!("  userPrincipalName only:    {}", report.upn_only);
                println!("  both, the same:            {}", report.both_same);
                println!("  both, different:           {}", report.both_different);
                println!("  neither:                   {}", report.neither);
                println!("  will be synced:            {}", report.eligible);
                println!("  will be skipped:           {}", report.skipped.len());
                for s in &report.skipped {
                    println!("    {}: {}", s.dn, s.reason);
                }
            }
        }
    }
    Ok(Exit::Ok)
}

fn print_tree(node: &OuNode, depth: usize) {
    println!(
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
