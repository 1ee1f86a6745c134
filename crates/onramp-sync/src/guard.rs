//! The guard: a run that would take access away from more people than the
//! profile allows is held, not applied.
//!
//! The platform grants sites and remote access by group membership, so an
//! emptied group revokes its members' access as surely as deactivating them.
//! The guard therefore counts every loss of access a plan holds, not only
//! deprovisions: users deactivated or deleted, memberships removed (the team
//! is a group too), tags removed and admin roles taken away. A plan is held
//! when
//! - the read returned no users while Onramp keeps users on the platform,
//! - a synced group would lose all its platform members,
//! - a group would lose more memberships than its limit (the larger of
//!   `deprovision_threshold.count` and `.percent` of its platform members),
//! - more users would be deprovisioned, or lose any access, than the limit
//!   over all synced users.
//!
//! Held means nothing is applied; `onramp approve` lets the next run apply
//! the same plan once (`run.rs` binds the approval to the plan's digest).
//! A misconfigured filter or a renamed OU then costs a notification instead
//! of everyone's access.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::plan::Plan;
use onramp_profile::DeprovisionThreshold;

/// Whether a plan may be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum GuardDecision {
    /// Apply it.
    Proceed,
    /// Hold it for approval.
    Hold {
        /// Why, in words: the lines that are over their limit.
        reason: String,
    },
}

/// What the guard weighs a plan against.
#[derive(Debug, Clone, Copy)]
pub struct GuardBase<'a> {
    /// Users Onramp keeps active on the platform now.
    pub synced: usize,
    /// Platform members of each group Onramp provisioned, by group anchor.
    pub group_members: &'a BTreeMap<String, usize>,
    /// Whether the read returned no users at all (nor skipped any).
    pub empty_read: bool,
    /// The profile's limits.
    pub threshold: &'a DeprovisionThreshold,
}

/// The guard's view of a plan: one line per kind of loss, and the decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// Each loss of access with its limit, e.g. "would remove 1,629
    /// memberships from AD Users (held: over the limit of 81)".
    pub lines: Vec<String>,
    /// Apply, or hold (with the lines over their limit).
    pub decision: GuardDecision,
}

/// The most losses allowed without approval, out of `base` people.
pub fn allowance(threshold: &DeprovisionThreshold, base: usize) -> usize {
    let by_percent = (base as f64 * threshold.percent / 100.0).floor() as usize;
    (threshold.count as usize).max(by_percent)
}

/// Weighs `plan` against `base`. An approval the admin gave is the caller's
/// to take.
pub fn assess(plan: &Plan, base: &GuardBase<'_>) -> Assessment {
    let mut lines = Vec::new();
    let mut over = Vec::new();
    let mut line = |text: String, held: Option<String>| {
        match held {
            Some(why) => {
                let text = format!("{text} (held: {why})");
                over.push(text.clone());
                lines.push(text);
            }
            None => lines.push(text),
        };
    };

    if base.empty_read && base.synced > 0 {
        line(
            format!(
                "the directory returned no users while {} are synced",
                count(base.synced)
            ),
            Some("an empty read changes nothing without approval".to_owned()),
        );
    }

    // Everyone who loses something, for the overall limit.
    let mut losing: BTreeSet<&str> = BTreeSet::new();
    for d in &plan.deprovisions {
        losing.insert(&d.anchor);
    }
    for change in &plan.group_changes {
        if change.remove.is_empty() {
            continue;
        }
        losing.extend(change.remove.iter().map(String::as_str));
        let members = base
            .group_members
            .get(&change.anchor)
            .copied()
            .unwrap_or(change.remove.len());
        let removed = change.remove.len();
        let limit = allowance(base.threshold, members);
        let text = format!(
            "would remove {} from {}",
            plural(removed, "membership"),
            change.display_name
        );
        let held = if removed >= members && change.add.is_empty() {
            Some(format!(
                "the group would lose all {} of its members",
                count(members)
            ))
        } else if removed > limit {
            Some(format!("over the limit of {}", count(limit)))
        } else {
            None
        };
        line(text, held);
    }
    let mut tags_lost = 0;
    let mut roles_lost = 0;
    for update in &plan.updates {
        let lost_tags = update
            .applied
            .tags
            .iter()
            .filter(|t| !update.desired.tags.contains(t))
            .count();
        let lost_role = update.applied.admin && !update.desired.admin;
        if lost_tags > 0 || lost_role {
            losing.insert(&update.anchor);
        }
        tags_lost += lost_tags;
        roles_lost += usize::from(lost_role);
    }
    if tags_lost > 0 {
        line(format!("would remove {}", plural(tags_lost, "tag")), None);
    }
    if roles_lost > 0 {
        line(
            format!(
                "would take the admin role from {}",
                plural(roles_lost, "user")
            ),
            None,
        );
    }

    let limit = allowance(base.threshold, base.synced);
    if !plan.deprovisions.is_empty() {
        let n = plan.deprovisions.len();
        let text = format!(
            "would deprovision {} of {} synced",
            plural(n, "user"),
            count(base.synced)
        );
        line(
            text,
            (n > limit).then(|| format!("over the limit of {}", count(limit))),
        );
    }
    // Said on its own only when more people lose something than are deprovisioned.
    if losing.len() > plan.deprovisions.len() {
        let n = losing.len();
        let text = format!(
            "would take access away from {} of {} synced",
            plural(n, "user"),
            count(base.synced)
        );
        line(
            text,
            (n > limit).then(|| format!("over the limit of {}", count(limit))),
        );
    }

    let decision = if over.is_empty() {
        GuardDecision::Proceed
    } else {
        GuardDecision::Hold {
            reason: format!(
                "{}; the limit is the larger of {} and {} % (deprovision_threshold)",
                over.join("; "),
                plural(base.threshold.count as usize, "user"),
                base.threshold.percent
            ),
        }
    };
    Assessment { lines, decision }
}

/// A digest of what `plan` would change, so an approval applies the plan
/// the admin saw and no other.
pub fn digest(plan: &Plan) -> String {
    let changes = (
        &plan.creates,
        &plan.updates,
        &plan.deprovisions,
        &plan.group_creates,
        &plan.group_changes,
    );
    let json = serde_json::to_vec(&changes).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `1,629`.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 membership`, `1,629 memberships`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{} {noun}s", count(n))
    }
}

#[cfg(test)]
#[path = "guard_tests.rs"]
mod tests;
