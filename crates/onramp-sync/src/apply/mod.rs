//! Applying a plan to the platform over SCIM, one recorded step at a time.
//!
//! Every change is recorded in the state store only after the platform
//! confirmed it, each in its own transaction. A run killed at any moment
//! therefore leaves the store behind the platform, never ahead of it, and the
//! next run converges: a user created but not recorded is found again by its
//! `externalId` (or its `userName`) and adopted instead of created twice; a
//! group likewise by its `externalId`. One object's failure (a 409, a 400) is
//! recorded for that object and the run goes on.
//!
//! Where the platform's objects come from: a [`view::PlatformView`] (one
//! listing) when that is cheaper than asking per object, else look-ups.
//! How the writes travel: as bulk requests ([`bulk`]) when the platform
//! offers SCIM Bulk and PATCH, else as single requests ([`single`]) at the
//! configured concurrency. Both make the same decisions ([`decide`]) and
//! record the same results.

mod bulk;
mod decide;
mod single;
pub mod view;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use super::model::{DesiredGroup, DesiredUser};
use super::plan::{Deprovision, DeprovisionAction, Plan};
use super::progress::{PhaseCounter, ProgressSink, SyncPhase, no_progress};
use super::stop::StopSignal;
use super::store::{AppliedState, RunId, StateStore, StoreError};
use onramp_platform::scim::ScimClient;
use onramp_profile::ConflictPolicy;
use view::PlatformView;

/// What applying did, in counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, TS)]
pub struct ApplyCounts {
    /// Users created (or adopted: found on the platform already).
    pub created: u32,
    /// Users updated.
    pub updated: u32,
    /// Users deactivated or deleted.
    pub deprovisioned: u32,
    /// Groups created or whose membership changed.
    pub groups_changed: u32,
    /// Objects whose change failed.
    pub failed: u32,
    /// Users not updated because the platform's copy was edited (manual review).
    pub review: u32,
    /// Changes not made because the run was asked to stop.
    pub stopped: u32,
}

/// The platform side of one apply: client, role value, concurrency.
pub struct Applier<'a> {
    /// The SCIM client.
    pub client: &'a ScimClient,
    /// The state store.
    pub store: &'a StateStore,
    /// The run being applied.
    pub run: RunId,
    /// The SCIM `roles` value of an admin.
    pub admin_role: &'a str,
    /// How many requests at once.
    pub concurrency: usize,
    /// The platform ids of users already provisioned, by anchor.
    pub user_ids: BTreeMap<String, String>,
    /// The members (anchors) Onramp last wrote to each provisioned group.
    pub group_members: BTreeMap<String, BTreeSet<String>>,
    /// The clock, Unix seconds: when each object is recorded.
    pub clock: &'a dyn Fn() -> i64,
    /// What wins when the platform's copy was edited.
    pub conflict: ConflictPolicy,
    /// With `PlatformWins`: the attributes whose platform edits are kept.
    pub platform_wins: &'a [String],
    /// Asked to stop, no further change is started.
    pub stop: &'a StopSignal,
}

/// One user's outcome, to be recorded.
enum Step {
    Done {
        target_id: String,
        user: Box<DesiredUser>,
        action: &'static str,
        details: String,
    },
    Failed {
        anchor: String,
        action: &'static str,
        error: String,
    },
    Review {
        anchor: String,
        edited: Vec<&'static str>,
    },
    /// Not started: the run was asked to stop.
    Stopped,
}

/// One group's outcome, to be recorded.
enum GroupStep {
    Done {
        target_id: String,
        applied: DesiredGroup,
        action: &'static str,
        details: String,
    },
    Failed {
        anchor: String,
        action: &'static str,
        error: String,
    },
    Stopped,
}

const ADOPTED: &str = "found on the platform by externalId or userName";

impl Applier<'_> {
    /// Applies the plan: users first (so groups can reference them), then
    /// deprovisioning, then groups.
    pub async fn apply(&mut self, plan: &Plan) -> Result<ApplyCounts, StoreError> {
        self.apply_with_progress(plan, &no_progress).await
    }

    /// [`Self::apply`], reporting one `Applying` step per operation of the
    /// plan to `progress` (throttled).
    pub async fn apply_with_progress(
        &mut self,
        plan: &Plan,
        progress: ProgressSink<'_>,
    ) -> Result<ApplyCounts, StoreError> {
        let total = plan.creates.len()
            + plan.updates.len()
            + plan.deprovisions.len()
            + plan.group_creates.len()
            + plan.group_changes.len();
        let counter = PhaseCounter::start(progress, SyncPhase::Applying, total as u64);
        let mut counts = ApplyCounts::default();
        if total == 0 {
            return Ok(counts);
        }
        let view = PlatformView::read(self.client, plan).await;
        match self.client.bulk_limits() {
            Some(limits) if self.client.capabilities().patch => {
                bulk::apply(self, plan, &view, limits, &counter, &mut counts).await?;
            }
            _ => single::apply(self, plan, &view, &counter, &mut counts).await?,
        }
        Ok(counts)
    }

    fn record(&mut self, step: Step, counts: &mut ApplyCounts) -> Result<(), StoreError> {
        match step {
            Step::Done {
                target_id,
                user,
                action,
                details,
            } => {
                self.user_ids.insert(user.anchor.clone(), target_id.clone());
                self.store.record_applied(
                    self.run,
                    Some(&target_id),
                    &AppliedState::User(*user),
                    action,
                    &details,
                    (self.clock)(),
                )?;
                if action == "update" {
                    counts.updated += 1;
                } else {
                    counts.created += 1;
                }
            }
            Step::Failed {
                anchor,
                action,
                error,
            } => {
                self.store
                    .record_failure(self.run, &anchor, action, &error, (self.clock)())?;
                counts.failed += 1;
            }
            Step::Review { anchor, edited } => {
                let message = format!(
                    "needs review: the platform's copy was edited ({}) since Onramp last wrote it; not changed (conflict = \"manual_review\")",
                    edited.join(", ")
                );
                self.store
                    .record_failure(self.run, &anchor, "review", &message, (self.clock)())?;
                counts.review += 1;
            }
            Step::Stopped => counts.stopped += 1,
        }
        Ok(())
    }

    fn record_group(
        &mut self,
        step: GroupStep,
        counts: &mut ApplyCounts,
    ) -> Result<(), StoreError> {
        match step {
            GroupStep::Done {
                target_id,
                applied,
                action,
                details,
            } => {
                self.group_members
                    .insert(applied.anchor.clone(), applied.members.clone());
                self.store.record_applied(
                    self.run,
                    Some(&target_id),
                    &AppliedState::Group(applied),
                    action,
                    &details,
                    (self.clock)(),
                )?;
                counts.groups_changed += 1;
            }
            GroupStep::Failed {
                anchor,
                action,
                error,
            } => {
                self.store
                    .record_failure(self.run, &anchor, action, &error, (self.clock)())?;
                counts.failed += 1;
            }
            GroupStep::Stopped => counts.stopped += 1,
        }
        Ok(())
    }

    /// Records a deactivation or deletion the platform confirmed, or its
    /// failure.
    fn record_deprovision(
        &mut self,
        d: &Deprovision,
        result: Result<(), String>,
        counts: &mut ApplyCounts,
    ) -> Result<(), StoreError> {
        let now = (self.clock)();
        match (result, d.action) {
            (Ok(()), DeprovisionAction::Deactivate) => {
                self.store.record_deprovisioned(
                    self.run,
                    &d.anchor,
                    "deactivate",
                    &d.user_name,
                    now,
                )?;
                counts.deprovisioned += 1;
            }
            (Ok(()), DeprovisionAction::Delete) => {
                self.store
                    .forget(self.run, &d.anchor, "delete", &d.user_name, now)?;
                self.user_ids.remove(&d.anchor);
                counts.deprovisioned += 1;
            }
            (Err(e), _) => {
                self.store
                    .record_failure(self.run, &d.anchor, "deprovision", &e, now)?;
                counts.failed += 1;
            }
        }
        Ok(())
    }

    /// The platform ids of the anchors that have one, and those anchors.
    fn ids<'s>(
        &self,
        anchors: impl IntoIterator<Item = &'s String>,
    ) -> (Vec<String>, BTreeSet<String>) {
        let mut ids = Vec::new();
        let mut have = BTreeSet::new();
        for a in anchors {
            if let Some(id) = self.user_ids.get(a) {
                ids.push(id.clone());
                have.insert(a.clone());
            }
        }
        (ids, have)
    }

    /// A group's members as recorded after a change: what Onramp last wrote,
    /// plus the additions that were sent, minus the removals.
    fn members_after(
        &self,
        anchor: &str,
        added: &BTreeSet<String>,
        removed: &[String],
    ) -> BTreeSet<String> {
        let mut members = self.group_members.get(anchor).cloned().unwrap_or_default();
        members.extend(added.iter().cloned());
        for r in removed {
            members.remove(r);
        }
        members
    }
}

fn group_details(group: &DesiredGroup) -> String {
    format!("{} ({} members)", group.display_name, group.members.len())
}
