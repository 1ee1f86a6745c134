//! Applying with single requests: one POST, PATCH or DELETE per change, at
//! the configured concurrency. The way for platforms without SCIM Bulk, and
//! the fallback for the few objects a bulk answer leaves unresolved.

use std::collections::BTreeSet;

use futures_util::StreamExt;
use onramp_platform::scim::{
    GroupIndex, Member, Provisioned, ScimClient, ScimError, ScimGroup, ScimUser, UserIndex,
    for_each_concurrent,
};

use super::decide::{
    Decision, Policy, Write, decide_create, decide_update, look_up_user, read_user,
};
use super::view::PlatformView;
use super::{ADOPTED, Applier, ApplyCounts, GroupStep, Step, group_details};
use crate::model::{DesiredGroup, DesiredUser};
use crate::plan::{Deprovision, DeprovisionAction, GroupChange, Plan, UserUpdate};
use crate::progress::PhaseCounter;
use crate::scim_map::merged;
use crate::store::StoreError;

/// The most answers recorded in one commit.
const RECORD_BATCH: usize = 500;

/// Applies the whole plan with single requests.
pub(super) async fn apply(
    a: &mut Applier<'_>,
    plan: &Plan,
    view: &PlatformView,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
) -> Result<(), StoreError> {
    let (client, stop, concurrency) = (a.client, a.stop, a.concurrency);
    let platform_wins: Vec<&str> = a.platform_wins.iter().map(String::as_str).collect();
    let policy = &Policy {
        admin_role: a.admin_role,
        conflict: a.conflict,
        platform_wins: &platform_wins,
    };
    let users = view.users.as_ref();

    let store = a.store;
    let created = futures_util::stream::iter(plan.creates.iter())
        .map(|user| async move {
            if stop.requested() {
                return Step::Stopped;
            }
            let step = create_user(client, user, policy.admin_role, users).await;
            counter.step();
            step
        })
        .buffered(concurrency.max(1));
    record_as_answered(a, created, counts).await?;
    let updated = futures_util::stream::iter(plan.updates.iter())
        .map(|update| async move {
            if stop.requested() {
                return Step::Stopped;
            }
            let step = update_user(client, update, policy, users).await;
            counter.step();
            step
        })
        .buffered(concurrency.max(1));
    record_as_answered(a, updated, counts).await?;

    for (i, d) in plan.deprovisions.iter().enumerate() {
        if stop.requested() {
            counts.stopped += (plan.deprovisions.len() - i) as u32;
            break;
        }
        counter.step();
        if d.target_id.is_some() {
            let result = deprovision(client, d).await.map_err(|e| e.to_string());
            a.record_deprovision(d, result, counts)?;
        }
    }

    let groups = view.groups.as_ref();
    let applier = &*a;
    let created = for_each_concurrent(plan.group_creates.iter(), concurrency, |group| async move {
        if stop.requested() {
            return GroupStep::Stopped;
        }
        let step = create_group(applier, group, groups).await;
        counter.step();
        step
    })
    .await;
    let changed = for_each_concurrent(
        plan.group_changes.iter(),
        concurrency,
        |change| async move {
            if stop.requested() {
                return Some(GroupStep::Stopped);
            }
            let step = change_group(applier, change).await;
            counter.step();
            step
        },
    )
    .await;
    store.batch(|| {
        created
            .into_iter()
            .chain(changed.into_iter().flatten())
            .try_for_each(|step| a.record_group(step, counts))
    })
}

/// Records the answers 500 at a time (one commit each: every commit waits
/// for the disk), while the requests after them are in flight.
async fn record_as_answered(
    a: &mut Applier<'_>,
    steps: impl futures_util::Stream<Item = Step>,
    counts: &mut ApplyCounts,
) -> Result<(), StoreError> {
    let store = a.store;
    let mut batches = std::pin::pin!(steps.chunks(RECORD_BATCH));
    while let Some(batch) = batches.next().await {
        store.batch(|| {
            batch
                .into_iter()
                .try_for_each(|step| a.record(step, counts))
        })?;
    }
    Ok(())
}

/// Creates or adopts one planned user, asking `users` (a complete listing)
/// or else the platform whether it is there already.
pub(super) async fn create_user(
    client: &ScimClient,
    user: &DesiredUser,
    admin_role: &str,
    users: Option<&UserIndex>,
) -> Step {
    let found = match users {
        Some(index) => index
            .find(Some(&user.anchor), &user.user_name)
            .map(|u| u.cloned()),
        None => look_up_user(client, user).await,
    };
    match found {
        Ok(found) => {
            let decision = decide_create(user, found, admin_role);
            execute(client, user, decision, admin_role, "create", String::new()).await
        }
        Err(e) => failed(&user.anchor, "create", &e),
    }
}

/// Updates one planned user, reading the platform's copy from `users` (a
/// complete listing) or else from the platform.
async fn update_user(
    client: &ScimClient,
    update: &UserUpdate,
    policy: &Policy<'_>,
    users: Option<&UserIndex>,
) -> Step {
    let Some(id) = update.target_id.as_deref() else {
        return failed(
            &update.anchor,
            "update",
            &ScimError::Unsupported("update without a platform id"),
        );
    };
    let current = match users {
        Some(index) => Ok(index.get(id).cloned()),
        None => read_user(client, id).await,
    };
    match current {
        Ok(current) => {
            let decision = decide_update(update, current, policy);
            execute(
                client,
                &update.desired,
                decision,
                policy.admin_role,
                "update",
                change_details(update),
            )
            .await
        }
        Err(e) => failed(&update.anchor, "update", &e),
    }
}

/// What an update changes, for the run's history.
pub(super) fn change_details(update: &UserUpdate) -> String {
    update
        .changes
        .iter()
        .map(|c| format!("{}: '{}' → '{}'", c.attribute, c.from, c.to))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Carries out a decision with single requests. `action` names a create
/// (`create`, or `update` for a user provisioned again after it was
/// deleted on the platform) in the history.
pub(super) async fn execute(
    client: &ScimClient,
    user: &DesiredUser,
    decision: Decision,
    admin_role: &str,
    action: &'static str,
    details: String,
) -> Step {
    let result = match decision {
        Decision::Review(edited) => {
            return Step::Review {
                anchor: user.anchor.clone(),
                edited,
            };
        }
        Decision::Create(scim) => match client.create_user_absent(&scim).await {
            Ok(Provisioned::Created(u)) => Ok((u, user.clone(), action, details)),
            // Created meanwhile, or a lost answer's POST had arrived.
            Ok(Provisioned::Existing(u) | Provisioned::Adopted(u)) => {
                let desired = merged(&u, user, admin_role);
                write(client, u, desired, user, admin_role)
                    .await
                    .map(|u| (u, user.clone(), "adopt", ADOPTED.to_owned()))
            }
            Err(e) => Err(e),
        },
        Decision::Write(w) => {
            let Write {
                current,
                desired,
                recorded,
                action,
            } = *w;
            let details = if action == "adopt" {
                ADOPTED.to_owned()
            } else {
                details
            };
            write(client, current, desired, &recorded, admin_role)
                .await
                .map(|u| (u, recorded, action, details))
        }
    };
    match result {
        Ok((platform, recorded, action, details)) => Step::Done {
            target_id: platform.id.unwrap_or_default(),
            user: Box::new(recorded),
            action,
            details,
        },
        Err(e) => failed(&user.anchor, action, &e),
    }
}

/// Brings `current` to `desired`; when it changed meanwhile (412), reads it
/// again and retries once with `recorded` merged into the fresh copy.
pub(super) async fn write(
    client: &ScimClient,
    current: ScimUser,
    desired: ScimUser,
    recorded: &DesiredUser,
    admin_role: &str,
) -> Result<ScimUser, ScimError> {
    match client.update_user(&current, &desired).await {
        Ok(updated) => Ok(updated.resource.unwrap_or(desired)),
        Err(ScimError::PreconditionFailed) => {
            let id = current.id.clone().unwrap_or_default();
            let fresh = client.get_user(&id).await?;
            let desired = merged(&fresh, recorded, admin_role);
            let updated = client.update_user(&fresh, &desired).await?;
            Ok(updated.resource.unwrap_or(desired))
        }
        Err(e) => Err(e),
    }
}

pub(super) fn failed(anchor: &str, action: &'static str, error: &ScimError) -> Step {
    Step::Failed {
        anchor: anchor.to_owned(),
        action,
        error: error.to_string(),
    }
}

/// Deactivates or deletes one user (a user already gone counts as deleted).
pub(super) async fn deprovision(client: &ScimClient, d: &Deprovision) -> Result<(), ScimError> {
    let Some(id) = d.target_id.as_deref() else {
        return Ok(());
    };
    match d.action {
        DeprovisionAction::Deactivate => client.set_active(id, false).await.map(|_| ()),
        DeprovisionAction::Delete => match client.delete_user(id).await {
            Err(e) if e.status() == Some(404) => Ok(()),
            other => other,
        },
    }
}

/// Creates one group with its members, or adopts the group a killed run
/// created and brings its members to the desired set.
pub(super) async fn create_group(
    a: &Applier<'_>,
    group: &DesiredGroup,
    groups: Option<&GroupIndex>,
) -> GroupStep {
    let (ids, members) = a.ids(&group.members);
    let applied = DesiredGroup {
        members,
        ..group.clone()
    };
    let result: Result<String, ScimError> = async {
        let found = match groups {
            Some(index) => index.find(&group.anchor)?.cloned(),
            None => a.client.find_group_by_external_id(&group.anchor).await?,
        };
        match found {
            Some(found) => {
                // Created by a run that was killed before recording it.
                let id = found.id.clone().unwrap_or_default();
                let (add, remove) = member_diff(&found, &ids);
                if !add.is_empty() || !remove.is_empty() {
                    a.client.patch_group_members(&id, &add, &remove).await?;
                }
                Ok(id)
            }
            None => {
                let scim = ScimGroup {
                    external_id: Some(group.anchor.clone()),
                    display_name: group.display_name.clone(),
                    members: ids
                        .iter()
                        .map(|value| Member {
                            value: value.clone(),
                            ..Member::default()
                        })
                        .collect(),
                    ..ScimGroup::default()
                };
                let created = a.client.create_group_absent(&scim).await?;
                Ok(created.id.unwrap_or_default())
            }
        }
    }
    .await;
    match result {
        Ok(target_id) => GroupStep::Done {
            target_id,
            details: group_details(&applied),
            applied,
            action: "create_group",
        },
        Err(e) => GroupStep::Failed {
            anchor: group.anchor.clone(),
            action: "create_group",
            error: e.to_string(),
        },
    }
}

/// The member values to add to and remove from `found` to make it `want`.
pub(super) fn member_diff(found: &ScimGroup, want: &[String]) -> (Vec<String>, Vec<String>) {
    let current: BTreeSet<&String> = found.members.iter().map(|m| &m.value).collect();
    let want: BTreeSet<&String> = want.iter().collect();
    (
        want.difference(&current).map(|s| (*s).clone()).collect(),
        current.difference(&want).map(|s| (*s).clone()).collect(),
    )
}

/// One membership PATCH for the group (`None`: nothing to send).
pub(super) async fn change_group(a: &Applier<'_>, change: &GroupChange) -> Option<GroupStep> {
    let id = change.target_id.as_deref()?;
    let (add_ids, added) = a.ids(&change.add);
    let (remove_ids, _) = a.ids(&change.remove);
    if add_ids.is_empty() && remove_ids.is_empty() && change.remove.is_empty() {
        return None;
    }
    Some(
        match a
            .client
            .patch_group_members(id, &add_ids, &remove_ids)
            .await
        {
            Ok(()) => changed(a, change, &added),
            Err(e) => GroupStep::Failed {
                anchor: change.anchor.clone(),
                action: "change_members",
                error: e.to_string(),
            },
        },
    )
}

/// The record of a membership change the platform confirmed.
pub(super) fn changed(
    a: &Applier<'_>,
    change: &GroupChange,
    added: &BTreeSet<String>,
) -> GroupStep {
    GroupStep::Done {
        target_id: change.target_id.clone().unwrap_or_default(),
        applied: DesiredGroup {
            anchor: change.anchor.clone(),
            display_name: change.display_name.clone(),
            members: a.members_after(&change.anchor, added, &change.remove),
        },
        action: "change_members",
        details: format!(
            "{}: +{} -{}",
            change.display_name,
            change.add.len(),
            change.remove.len()
        ),
    }
}
