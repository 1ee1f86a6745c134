//! The guard against mass deprovisioning.
//!
//! A plan that would deactivate or delete more users than the profile's
//! threshold (by default the larger of 10 users or 5 % of those synced) is
//! not applied: the run ends "held" and the admin approves it once. A
//! misconfigured filter or a renamed OU then costs a notification instead of
//! everyone's access.

use serde::Serialize;

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
        /// Why, in words.
        reason: String,
    },
}

/// The most users a run may deprovision without approval, out of `synced`.
pub fn allowance(threshold: &DeprovisionThreshold, synced: usize) -> usize {
    let by_percent = (synced as f64 * threshold.percent / 100.0).floor() as usize;
    (threshold.count as usize).max(by_percent)
}

/// Decides on a plan. `synced` is how many users Onramp currently keeps on
/// the platform. An approval the admin gave is the caller's to take.
pub fn check(plan: &Plan, synced: usize, threshold: &DeprovisionThreshold) -> GuardDecision {
    let count = plan.deprovisions.len();
    let allowed = allowance(threshold, synced);
    if count <= allowed {
        return GuardDecision::Proceed;
    }
    GuardDecision::Hold {
        reason: format!(
            "the run would deprovision {count} of {synced} users, more than the {allowed} allowed without approval (the larger of {} users and {} %)",
            threshold.count, threshold.percent
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Deprovision, DeprovisionAction};

    fn plan_with(n: usize) -> Plan {
        Plan {
            deprovisions: (0..n)
                .map(|i| Deprovision {
                    anchor: i.to_string(),
                    target_id: None,
                    user_name: format!("u{i}@x.com"),
                    action: DeprovisionAction::Deactivate,
                })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn larger_of_count_and_percent() {
        let t = DeprovisionThreshold::default();
        assert_eq!(allowance(&t, 100), 10);
        assert_eq!(allowance(&t, 1000), 50);
        assert_eq!(check(&plan_with(10), 100, &t), GuardDecision::Proceed);
        assert!(matches!(
            check(&plan_with(11), 100, &t),
            GuardDecision::Hold { .. }
        ));
        assert_eq!(check(&plan_with(50), 1000, &t), GuardDecision::Proceed);
        assert!(matches!(
            check(&plan_with(51), 1000, &t),
            GuardDecision::Hold { .. }
        ));
    }
}
