//! Applying a plan to the platform over SCIM, one recorded step at a time.
//!
//! Every change is recorded in the state store only after the platform
//! confirmed it, each in its own transaction. A run killed at any moment
//! therefore leaves the store behind the platform, never ahead of it, and the
//! next run converges: a user created but not recorded is found again by its
//! `externalId` (or its `userName`) and adopted instead of created twice; a
//! group likewise by its `externalId`. One object's failure (a 409, a 400) is
//! recorded for that object and the run goes on.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use ts_rs::TS;

use super::model::{DesiredGroup, DesiredUser};
use super::plan::{DeprovisionAction, GroupChange, Plan, UserUpdate};
use super::progress::{PhaseCounter, ProgressSink, SyncPhase, no_progress};
use super::scim_map::{keep_platform_values, merged, platform_edits, to_scim_user};
use super::stop::StopSignal;
use super::store::{AppliedState, RunId, StateStore, StoreError};
use onramp_platform::scim::{
    Member, Provisioned, ScimClient, ScimError, ScimGroup, for_each_concurrent,
};
use onramp_profile::ConflictPolicy;

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
    /// The clock, Unix seconds: when each object is recorded.
    pub clock: &'a dyn Fn() -> i64,
    /// What wins when the platform's copy was edited.
    pub conflict: ConflictPolicy,
    /// With `PlatformWins`: the attributes whose platform edits are kept.
    pub platform_wins: &'a [String],
    /// Asked to stop, no further change is started.
    pub stop: &'a StopSignal,
}

enum Step {
    Done {
        target_id: String,
        user: DesiredUser,
        action: &'static str,
        details: String,
    },
    Failed {
        anchor: String,
        action: &'static str,
        error: ScimError,
    },
    Review {
        anchor: String,
        edited: Vec<&'static str>,
    },
    /// Not started: the run was asked to stop.
    Stopped,
}

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
        let counter = &counter;
        let mut counts = ApplyCounts::default();
        let client = self.client;
        let admin_role = self.admin_role;
        let stop = self.stop;

        let created =
            for_each_concurrent(plan.creates.iter(), self.concurrency, |user| async move {
                if stop.requested() {
                    return Step::Stopped;
                }
                let step = create_user(client, user, admin_role).await;
                counter.step();
                step
            })
            .await;
        for step in created {
            self.record(step, &mut counts)?;
        }
        let conflict = self.conflict;
        let platform_wins: Vec<&str> = self.platform_wins.iter().map(String::as_str).collect();
        let platform_wins = &platform_wins;
        let updated =
            for_each_concurrent(plan.updates.iter(), self.concurrency, |update| async move {
                if stop.requested() {
                    return Step::Stopped;
                }
                let step = update_user(client, update, admin_role, conflict, platform_wins).await;
                counter.step();
                step
            })
            .await;
        for step in updated {
            self.record(step, &mut counts)?;
        }

        for (i, d) in plan.deprovisions.iter().enumerate() {
            if stop.requested() {
                counts.stopped += (plan.deprovisions.len() - i) as u32;
                break;
            }
            counter.step();
            let Some(id) = d.target_id.as_deref() else {
                continue;
            };
            let result = match d.action {
                DeprovisionAction::Deactivate => client.set_active(id, false).await.map(|_| ()),
                DeprovisionAction::Delete => match client.delete_user(id).await {
                    Err(e) if e.status() == Some(404) => Ok(()),
                    other => other,
                },
            };
            match (result, d.action) {
                (Ok(()), DeprovisionAction::Deactivate) => {
                    self.store.record_deprovisioned(
                        self.run,
                        &d.anchor,
                        "deactivate",
                        &d.user_name,
                        (self.clock)(),
                    )?;
                    counts.deprovisioned += 1;
                }
                (Ok(()), DeprovisionAction::Delete) => {
                    self.store.forget(
                        self.run,
                        &d.anchor,
                        "delete",
                        &d.user_name,
                        (self.clock)(),
                    )?;
                    self.user_ids.remove(&d.anchor);
                    counts.deprovisioned += 1;
                }
                (Err(e), _) => {
                    self.store.record_failure(
                        self.run,
                        &d.anchor,
                        "deprovision",
                        &e.to_string(),
                        (self.clock)(),
                    )?;
                    counts.failed += 1;
                }
            }
        }

        for (i, group) in plan.group_creates.iter().enumerate() {
            if stop.requested() {
                counts.stopped += (plan.group_creates.len() - i) as u32;
                break;
            }
            let created = self.create_group(group).await;
            counter.step();
            match created {
                Ok((id, applied)) => {
                    let details =
                        format!("{} ({} members)", group.display_name, applied.members.len());
                    self.store.record_applied(
                        self.run,
                        Some(&id),
                        &AppliedState::Group(applied),
                        "create_group",
                        &details,
                        (self.clock)(),
                    )?;
                    counts.groups_changed += 1;
                }
                Err(e) => {
                    self.store.record_failure(
                        self.run,
                        &group.anchor,
                        "create_group",
                        &e.to_string(),
                        (self.clock)(),
                    )?;
                    counts.failed += 1;
                }
            }
        }
        for (i, change) in plan.group_changes.iter().enumerate() {
            if stop.requested() {
                counts.stopped += (plan.group_changes.len() - i) as u32;
                break;
            }
            let changed = self.change_group(change).await;
            counter.step();
            match changed {
                Ok(Some(applied)) => {
                    let details = format!(
                        "{}: +{} -{}",
                        change.display_name,
                        change.add.len(),
                        change.remove.len()
                    );
                    self.store.record_applied(
                        self.run,
                        change.target_id.as_deref(),
                        &AppliedState::Group(applied),
                        "change_members",
                        &details,
                        (self.clock)(),
                    )?;
                    counts.groups_changed += 1;
                }
                Ok(None) => {}
                Err(e) => {
                    self.store.record_failure(
                        self.run,
                        &change.anchor,
                        "change_members",
                        &e.to_string(),
                        (self.clock)(),
                    )?;
                    counts.failed += 1;
                }
            }
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
                    &AppliedState::User(user),
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
                self.store.record_failure(
                    self.run,
                    &anchor,
                    action,
                    &error.to_string(),
                    (self.clock)(),
                )?;
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

    /// The platform ids of the anchors that have one, and the anchors that do.
    fn ids(&self, anchors: &BTreeSet<String>) -> (Vec<String>, BTreeSet<String>) {
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

    async fn create_group(
        &self,
        group: &DesiredGroup,
    ) -> Result<(String, DesiredGroup), ScimError> {
        let (ids, members) = self.ids(&group.members);
        let existing = self.client.find_group_by_external_id(&group.anchor).await?;
        let applied = DesiredGroup {
            members: members.clone(),
            ..group.clone()
        };
        match existing {
            Some(found) => {
                // Created by a run that was killed before recording it: bring
                // its members to the desired set.
                let id = found.id.clone().unwrap_or_default();
                let current: BTreeSet<String> =
                    found.members.iter().map(|m| m.value.clone()).collect();
                let want: BTreeSet<String> = ids.iter().cloned().collect();
                let add: Vec<String> = want.difference(&current).cloned().collect();
                let remove: Vec<String> = current.difference(&want).cloned().collect();
                if !add.is_empty() || !remove.is_empty() {
                    self.client.patch_group_members(&id, &add, &remove).await?;
                }
                Ok((id, applied))
            }
            None => {
                let scim = ScimGroup {
                    external_id: Some(group.anchor.clone()),
                    display_name: group.display_name.clone(),
                    members: ids
                        .into_iter()
                        .map(|value| Member {
                            value,
                            ..Member::default()
                        })
                        .collect(),
                    ..ScimGroup::default()
                };
                let created = self.client.ensure_group(&scim).await?;
                Ok((created.id.unwrap_or_default(), applied))
            }
        }
    }

    async fn change_group(&self, change: &GroupChange) -> Result<Option<DesiredGroup>, ScimError> {
        let Some(id) = change.target_id.as_deref() else {
            return Ok(None);
        };
        let add_set: BTreeSet<String> = change.add.iter().cloned().collect();
        let (add_ids, added) = self.ids(&add_set);
        let remove_set: BTreeSet<String> = change.remove.iter().cloned().collect();
        let (remove_ids, _) = self.ids(&remove_set);
        if add_ids.is_empty() && remove_ids.is_empty() && change.remove.is_empty() {
            return Ok(None);
        }
        self.client
            .patch_group_members(id, &add_ids, &remove_ids)
            .await?;
        let group = self.client.get_group(id).await?;
        let by_id: BTreeMap<&String, &String> = self.user_ids.iter().map(|(a, i)| (i, a)).collect();
        let members: BTreeSet<String> = group
            .members
            .iter()
            .filter_map(|m| by_id.get(&m.value).map(|a| (*a).clone()))
            .collect();
        let _ = added;
        Ok(Some(DesiredGroup {
            anchor: change.anchor.clone(),
            display_name: change.display_name.clone(),
            members,
        }))
    }
}

async fn create_user(client: &ScimClient, user: &DesiredUser, admin_role: &str) -> Step {
    let scim = to_scim_user(user, admin_role);
    let result = async {
        match client.ensure_user(&scim).await? {
            Provisioned::Created(u) => Ok((u, "create", String::new())),
            Provisioned::Existing(u) | Provisioned::Adopted(u) => {
                // On the platform already (a run killed before recording, or
                // an account created by hand): adopt it and bring it in line.
                let desired = merged(&u, user, admin_role);
                let updated = client.update_user(&u, &desired).await?;
                let u = updated.resource.unwrap_or(desired);
                Ok((
                    u,
                    "adopt",
                    "found on the platform by externalId or userName".to_owned(),
                ))
            }
        }
    }
    .await;
    match result {
        Ok((u, action, details)) => Step::Done {
            target_id: u.id.unwrap_or_default(),
            user: user.clone(),
            action,
            details,
        },
        Err(error) => Step::Failed {
            anchor: user.anchor.clone(),
            action: "create",
            error,
        },
    }
}

async fn update_user(
    client: &ScimClient,
    update: &UserUpdate,
    admin_role: &str,
    conflict: ConflictPolicy,
    platform_wins: &[&str],
) -> Step {
    let details = update
        .changes
        .iter()
        .map(|c| format!("{}: '{}' → '{}'", c.attribute, c.from, c.to))
        .collect::<Vec<_>>()
        .join("; ");
    let result = async {
        let Some(id) = update.target_id.as_deref() else {
            return Err(ScimError::Unsupported("update without a platform id"));
        };
        let current = match client.get_user(id).await {
            Ok(c) => c,
            // Deleted on the platform: provision it again.
            Err(e) if e.status() == Some(404) => {
                return match create_user(client, &update.desired, admin_role).await {
                    Step::Done { target_id, .. } => Ok(Ok((target_id, update.desired.clone()))),
                    Step::Failed { error, .. } => Err(error),
                    Step::Review { edited, .. } => Ok(Err(edited)),
                    Step::Stopped => Err(ScimError::Unsupported("stopped")),
                };
            }
            Err(e) => return Err(e),
        };
        let edited = platform_edits(&current, &update.applied);
        let wanted = match conflict {
            ConflictPolicy::DirectoryWins => update.desired.clone(),
            ConflictPolicy::PlatformWins => {
                let keep: Vec<&str> = edited
                    .iter()
                    .copied()
                    .filter(|a| platform_wins.contains(a))
                    .collect();
                keep_platform_values(&update.desired, &current, &keep)
            }
            ConflictPolicy::ManualReview if !edited.is_empty() => return Ok(Err(edited)),
            ConflictPolicy::ManualReview => update.desired.clone(),
        };
        let desired = merged(&current, &wanted, admin_role);
        match client.update_user(&current, &desired).await {
            Err(ScimError::PreconditionFailed) => {
                // Someone changed it meanwhile: read again and retry once.
                let current = client.get_user(id).await?;
                let desired = merged(&current, &wanted, admin_role);
                client.update_user(&current, &desired).await?;
            }
            other => {
                other?;
            }
        }
        Ok(Ok((id.to_owned(), wanted)))
    }
    .await;
    match result {
        Ok(Ok((target_id, wanted))) => Step::Done {
            target_id,
            user: wanted,
            action: "update",
            details,
        },
        Ok(Err(edited)) => Step::Review {
            anchor: update.anchor.clone(),
            edited,
        },
        Err(error) => Step::Failed {
            anchor: update.anchor.clone(),
            action: "update",
            error,
        },
    }
}
