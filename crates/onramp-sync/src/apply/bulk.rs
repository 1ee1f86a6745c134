//! Applying with SCIM Bulk (RFC 7644 §3.7).
//!
//! The same decisions as single requests ([`super::decide`]), sent as bulk
//! operations within the platform's `maxOperations` and `maxPayloadSize`:
//! first the users (creates, updates, deprovisioning), then the groups. The
//! last request of users is held back and sent together with the first
//! groups, whose members reference the users created in it by `bulkId`; the
//! other requests go out at the configured concurrency. Each operation's
//! answer is recorded for its object exactly as a single request's would
//! be.
//!
//! A request whose answer is lost may have been applied in part. Its
//! creates are read back (by `externalId`, then `userName`): what is found
//! was created and is recorded; only what is missing is sent again, with
//! references to the found users by id. Updates, deprovisioning and
//! membership changes are idempotent and are simply sent again. The few
//! objects a bulk answer cannot settle (a 409 on create, a 412 on update,
//! a group whose `bulkId` reference failed, an operation larger than a bulk
//! request may be) finish with single requests.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use futures_util::StreamExt;

use onramp_platform::scim::bulk::{BulkLimits, BulkOperation, BulkOutcome, chunk_operations};
use onramp_platform::scim::{
    Member, PatchOp, ScimClient, ScimError, ScimGroup, ScimUser, for_each_concurrent,
    membership_patches, user_patch,
};
use serde_json::json;

use super::decide::{
    Decision, Policy, Write, decide_create, decide_update, look_up_user, read_user,
};
use super::single;
use super::view::PlatformView;
use super::{ADOPTED, Applier, ApplyCounts, GroupStep, Step, group_details};
use crate::model::{DesiredGroup, DesiredUser};
use crate::plan::{Deprovision, DeprovisionAction, GroupChange, Plan};
use crate::progress::PhaseCounter;
use crate::store::StoreError;

/// The object an operation is for, and how its answer is recorded.
enum Subject<'p> {
    /// POST of a user the platform does not have.
    CreateUser {
        user: &'p DesiredUser,
        action: &'static str,
        details: String,
    },
    /// PATCH of a user the platform has (adopt or update).
    WriteUser {
        user: &'p DesiredUser,
        write: Box<Write>,
        details: String,
    },
    Deprovision(&'p Deprovision),
    /// POST of a group with its members.
    CreateGroup(&'p DesiredGroup),
    /// PATCH of the members of a group a killed run had created
    /// (`current`: its member values).
    AdoptGroup {
        group: &'p DesiredGroup,
        id: String,
        current: BTreeSet<String>,
    },
    /// PATCH of a provisioned group's members.
    ChangeGroup(&'p GroupChange),
}

/// One operation to send, with its subject.
struct Pending<'p> {
    subject: Subject<'p>,
    /// Fixed operations; `None` for a group's, rendered per attempt so its
    /// members reference the users of the same request by `bulkId`.
    op: Option<BulkOperation>,
    /// Whether the last rendering referenced a `bulkId`.
    referenced: bool,
    /// Rendered, a membership change turned out empty (its new members'
    /// creation failed): nothing to send.
    nothing: bool,
}

impl<'p> Pending<'p> {
    fn new(subject: Subject<'p>, op: BulkOperation) -> Self {
        Self {
            subject,
            op: Some(op),
            referenced: false,
            nothing: false,
        }
    }

    fn rendered(subject: Subject<'p>) -> Self {
        Self {
            subject,
            op: None,
            referenced: false,
            nothing: false,
        }
    }

    fn anchor(&self) -> &str {
        subject_anchor(&self.subject)
    }

    fn is_group(&self) -> bool {
        matches!(
            self.subject,
            Subject::CreateGroup(_) | Subject::AdoptGroup { .. } | Subject::ChangeGroup(_)
        )
    }
}

/// An operation's answer: the platform's, or why there is none.
type Answer = Result<BulkOutcome, String>;

/// Applies the whole plan with bulk requests.
pub(super) async fn apply(
    a: &mut Applier<'_>,
    plan: &Plan,
    view: &PlatformView,
    limits: BulkLimits,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
) -> Result<(), StoreError> {
    let mut fallback = Fallback::default();
    let users = user_operations(a, plan, view, counter, counts).await?;
    let mut chunks = chunked(users, limits, &mut fallback);
    let has_groups = !plan.group_creates.is_empty() || !plan.group_changes.is_empty();
    let held = if has_groups { chunks.pop() } else { None };
    send_and_record(a, chunks, counter, counts, &mut fallback).await?;

    let held_users: BTreeSet<String> = held
        .iter()
        .flatten()
        .filter_map(|p| match &p.subject {
            Subject::CreateUser { user, .. } | Subject::WriteUser { user, .. } => {
                Some(user.anchor.clone())
            }
            _ => None,
        })
        .collect();
    let groups = group_operations(a, plan, view, &held_users, counter, counts).await?;
    let mut first = held.unwrap_or_default();
    let mut rest = Vec::new();
    if !groups.is_empty() {
        // The held users and as many groups as fit: one request, so the
        // groups can reference the users it creates by bulkId.
        // (The held users were one request, so they all stay in the
        // first; groups that do not fit are rendered again with the ids
        // once it is answered.)
        first.extend(groups);
        render_groups(&a.user_ids, &mut first, &HashMap::new());
        let mut runs = chunked(first, limits, &mut fallback).into_iter();
        first = runs.next().unwrap_or_default();
        rest = runs.flatten().collect();
    }
    if !first.is_empty() {
        send_and_record(a, vec![first], counter, counts, &mut fallback).await?;
    }
    if !rest.is_empty() {
        render_groups(&a.user_ids, &mut rest, &HashMap::new());
        let chunks = chunked(rest, limits, &mut fallback);
        send_and_record(a, chunks, counter, counts, &mut fallback).await?;
    }
    fallback.finish(a, counter, counts).await
}

/// The users' operations; users needing no request (an adopted user that
/// already agrees, a conflict under review, a failed look-up) are recorded
/// right away.
async fn user_operations<'p>(
    a: &mut Applier<'_>,
    plan: &'p Plan,
    view: &PlatformView,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
) -> Result<Vec<Pending<'p>>, StoreError> {
    let (client, stop) = (a.client, a.stop);
    let platform_wins: Vec<&str> = a.platform_wins.iter().map(String::as_str).collect();
    let policy = &Policy {
        admin_role: a.admin_role,
        conflict: a.conflict,
        platform_wins: &platform_wins,
    };
    let index = view.users.as_ref();
    // The platform's copies, from the listing or asked for.
    let creates = for_each_concurrent(plan.creates.iter(), a.concurrency, |user| async move {
        if stop.requested() {
            return None;
        }
        let found = match index {
            Some(ix) => ix
                .find(Some(&user.anchor), &user.user_name)
                .map(|u| u.cloned()),
            None => look_up_user(client, user).await,
        };
        Some(found.map(|f| decide_create(user, f, policy.admin_role)))
    })
    .await;
    let updates = for_each_concurrent(plan.updates.iter(), a.concurrency, |update| async move {
        if stop.requested() {
            return None;
        }
        let Some(id) = update.target_id.as_deref() else {
            return Some(Err(ScimError::Unsupported("update without a platform id")));
        };
        let current = match index {
            Some(ix) => Ok(ix.get(id).cloned()),
            None => read_user(client, id).await,
        };
        Some(current.map(|c| decide_update(update, c, policy)))
    })
    .await;

    let mut pending = Vec::new();
    let etag = client.capabilities().etag;
    let decided = plan
        .creates
        .iter()
        .zip(creates)
        .map(|(u, d)| (&**u, d, "create", String::new()))
        .chain(
            plan.updates
                .iter()
                .zip(updates)
                .map(|(u, d)| (&u.desired, d, "update", single::change_details(u))),
        );
    for (i, (user, decision, action, details)) in decided.enumerate() {
        let step = match decision {
            None => Some(Step::Stopped),
            Some(Err(e)) => Some(single::failed(&user.anchor, action, &e)),
            Some(Ok(Decision::Review(edited))) => Some(Step::Review {
                anchor: user.anchor.clone(),
                edited,
            }),
            Some(Ok(Decision::Create(scim))) => {
                let op = BulkOperation::create(&format!("u{i}"), &*scim);
                let subject = Subject::CreateUser {
                    user,
                    action,
                    details,
                };
                queue(&mut pending, subject, op)
            }
            Some(Ok(Decision::Write(write))) => {
                let action = write.action;
                let details = if action == "adopt" {
                    ADOPTED.to_owned()
                } else {
                    details
                };
                let id = write.current.id.clone().unwrap_or_default();
                let patch = user_patch(&write.current, &write.desired);
                match patch {
                    Ok(p) if p.is_empty() => Some(Step::Done {
                        target_id: id,
                        user: Box::new(write.recorded),
                        action,
                        details,
                    }),
                    Ok(p) => {
                        let version = write
                            .current
                            .meta
                            .as_ref()
                            .and_then(|m| m.version.as_deref());
                        let op =
                            BulkOperation::patch::<ScimUser>(&id, &p, version.filter(|_| etag));
                        let subject = Subject::WriteUser {
                            user,
                            write,
                            details,
                        };
                        queue(&mut pending, subject, op)
                    }
                    Err(e) => Some(single::failed(&user.anchor, action, &e)),
                }
            }
        };
        if let Some(step) = step {
            if !matches!(step, Step::Stopped) {
                counter.step();
            }
            a.record(step, counts)?;
        }
    }
    for d in &plan.deprovisions {
        let Some(id) = d.target_id.as_deref() else {
            counter.step();
            continue;
        };
        let op = match d.action {
            DeprovisionAction::Deactivate => BulkOperation::patch::<ScimUser>(
                id,
                &PatchOp::new().replace("active", json!(false)),
                None,
            ),
            DeprovisionAction::Delete => BulkOperation::delete::<ScimUser>(id),
        };
        match op {
            Ok(op) => pending.push(Pending::new(Subject::Deprovision(d), op)),
            Err(e) => a.record_deprovision(d, Err(e.to_string()), counts)?,
        }
    }
    Ok(pending)
}

/// Queues a user's operation, or returns the failure of building it.
fn queue<'p>(
    pending: &mut Vec<Pending<'p>>,
    subject: Subject<'p>,
    op: Result<BulkOperation, ScimError>,
) -> Option<Step> {
    match op {
        Ok(op) => {
            pending.push(Pending::new(subject, op));
            None
        }
        Err(e) => {
            let action = match &subject {
                Subject::CreateUser { action, .. } => *action,
                Subject::WriteUser { write, .. } => write.action,
                _ => "update",
            };
            Some(single::failed(subject_anchor(&subject), action, &e))
        }
    }
}

fn subject_anchor<'s>(subject: &'s Subject<'_>) -> &'s str {
    match subject {
        Subject::CreateUser { user, .. } | Subject::WriteUser { user, .. } => &user.anchor,
        Subject::Deprovision(d) => &d.anchor,
        Subject::CreateGroup(g) | Subject::AdoptGroup { group: g, .. } => &g.anchor,
        Subject::ChangeGroup(change) => &change.anchor,
    }
}

/// The groups' operations; groups needing no request are recorded.
async fn group_operations<'p>(
    a: &mut Applier<'_>,
    plan: &'p Plan,
    view: &PlatformView,
    held: &BTreeSet<String>,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
) -> Result<Vec<Pending<'p>>, StoreError> {
    let (client, stop) = (a.client, a.stop);
    let index = view.groups.as_ref();
    let found = for_each_concurrent(
        plan.group_creates.iter(),
        a.concurrency,
        |group| async move {
            if stop.requested() {
                return None;
            }
            Some(match index {
                Some(ix) => ix.find(&group.anchor).map(|g| g.cloned()),
                None => client.find_group_by_external_id(&group.anchor).await,
            })
        },
    )
    .await;
    let mut pending = Vec::new();
    for (group, found) in plan.group_creates.iter().zip(found) {
        let step = match found {
            None => Some(GroupStep::Stopped),
            Some(Err(e)) => Some(group_failed(&group.anchor, "create_group", &e)),
            Some(Ok(None)) => {
                pending.push(Pending::rendered(Subject::CreateGroup(group)));
                None
            }
            Some(Ok(Some(existing))) => {
                let id = existing.id.clone().unwrap_or_default();
                let (ids, members) = a.ids(&group.members);
                let (add, remove) = single::member_diff(&existing, &ids);
                let waiting = group.members.iter().any(|m| held.contains(m));
                if add.is_empty() && remove.is_empty() && !waiting {
                    Some(GroupStep::Done {
                        target_id: id,
                        applied: DesiredGroup {
                            members,
                            ..(**group).clone()
                        },
                        action: "create_group",
                        details: group_details(group),
                    })
                } else {
                    let current = existing.members.iter().map(|m| m.value.clone()).collect();
                    pending.push(Pending::rendered(Subject::AdoptGroup {
                        group,
                        id,
                        current,
                    }));
                    None
                }
            }
        };
        if let Some(step) = step {
            if !matches!(step, GroupStep::Stopped) {
                counter.step();
            }
            a.record_group(step, counts)?;
        }
    }
    for change in &plan.group_changes {
        let adds = change
            .add
            .iter()
            .any(|m| a.user_ids.contains_key(m) || held.contains(m));
        if change.target_id.is_none() || (!adds && change.remove.is_empty()) {
            counter.step();
            continue;
        }
        pending.push(Pending::rendered(Subject::ChangeGroup(change)));
    }
    Ok(pending)
}

fn group_failed(anchor: &str, action: &'static str, e: &ScimError) -> GroupStep {
    GroupStep::Failed {
        anchor: anchor.to_owned(),
        action,
        error: e.to_string(),
    }
}

/// Renders the group operations of `items`: each member by its platform
/// id (recorded, or `resolved` by reading back an earlier attempt), else
/// by the `bulkId` of its POST in `items`; members whose creation failed
/// are left out.
fn render_groups(
    user_ids: &BTreeMap<String, String>,
    items: &mut [Pending<'_>],
    resolved: &HashMap<String, String>,
) {
    // The users POSTed in the same request, by anchor: their bulkIds; and
    // those adopted or updated in it: their ids.
    let posted: HashMap<String, String> = items
        .iter()
        .filter_map(|p| match (&p.subject, &p.op) {
            (Subject::CreateUser { user, .. }, Some(op)) => op
                .bulk_id
                .as_ref()
                .map(|b| (user.anchor.clone(), format!("bulkId:{b}"))),
            (Subject::WriteUser { user, write, .. }, _) => {
                write.current.id.clone().map(|id| (user.anchor.clone(), id))
            }
            _ => None,
        })
        .collect();
    for (i, item) in items.iter_mut().enumerate() {
        let mut referenced = false;
        let mut value = |anchor: &String| -> Option<String> {
            if let Some(id) = user_ids.get(anchor).or_else(|| resolved.get(anchor)) {
                return Some(id.clone());
            }
            let value = posted.get(anchor)?;
            referenced |= value.starts_with("bulkId:");
            Some(value.clone())
        };
        let (op, nothing) = match &item.subject {
            Subject::CreateGroup(group) => {
                let members: Vec<Member> = group
                    .members
                    .iter()
                    .filter_map(&mut value)
                    .map(|value| Member {
                        value,
                        ..Member::default()
                    })
                    .collect();
                let scim = ScimGroup {
                    external_id: Some(group.anchor.clone()),
                    display_name: group.display_name.clone(),
                    members,
                    ..ScimGroup::default()
                };
                (BulkOperation::create(&format!("g{i}"), &scim).ok(), false)
            }
            Subject::AdoptGroup { group, id, current } => {
                let want: BTreeSet<String> = group.members.iter().filter_map(&mut value).collect();
                let add: Vec<String> = want.difference(current).cloned().collect();
                let remove: Vec<String> = current.difference(&want).cloned().collect();
                members_op(id, &add, &remove)
            }
            Subject::ChangeGroup(change) => {
                let add: Vec<String> = change.add.iter().filter_map(&mut value).collect();
                let remove: Vec<String> = change
                    .remove
                    .iter()
                    .filter_map(|r| user_ids.get(r).cloned())
                    .collect();
                members_op(
                    change.target_id.as_deref().unwrap_or_default(),
                    &add,
                    &remove,
                )
            }
            _ => continue,
        };
        item.referenced = referenced;
        item.op = op;
        item.nothing = nothing;
    }
}

/// One PATCH with all of a group's membership changes; `(None, true)`
/// when there are none.
fn members_op(id: &str, add: &[String], remove: &[String]) -> (Option<BulkOperation>, bool) {
    match membership_patches(add, remove, usize::MAX)
        .into_iter()
        .next()
    {
        Some(patch) => (
            BulkOperation::patch::<ScimGroup>(id, &patch, None).ok(),
            false,
        ),
        None => (None, true),
    }
}

/// Splits `items` into requests within `limits`; an operation larger than
/// a request may be goes to the single requests of `fallback`.
fn chunked<'p>(
    items: Vec<Pending<'p>>,
    limits: BulkLimits,
    fallback: &mut Fallback<'p>,
) -> Vec<Vec<Pending<'p>>> {
    let mut fitting = Vec::new();
    for item in items {
        let size = item.op.as_ref().map_or(0, BulkOperation::encoded_len);
        if size + 100 > limits.max_payload_bytes {
            fallback.items.push(item);
        } else {
            fitting.push(item);
        }
    }
    let sizes: Vec<usize> = fitting
        .iter()
        .map(|p| p.op.as_ref().map_or(0, BulkOperation::encoded_len))
        .collect();
    let mut runs = chunk_operations(&sizes, limits).into_iter();
    let mut out = Vec::new();
    let mut rest = fitting.into_iter();
    for n in runs.by_ref() {
        out.push(rest.by_ref().take(n).collect());
    }
    out
}

/// What sending needs, apart from the applier that records.
struct Sender<'a> {
    client: &'a ScimClient,
    /// The platform ids known when the requests were built.
    user_ids: BTreeMap<String, String>,
}

/// Sends each request (at the configured concurrency) and records every
/// answer as it arrives, while the next requests are in flight.
async fn send_and_record<'p>(
    a: &mut Applier<'_>,
    chunks: Vec<Vec<Pending<'p>>>,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
    fallback: &mut Fallback<'p>,
) -> Result<(), StoreError> {
    let stop = a.stop;
    let has_groups = chunks.iter().flatten().any(Pending::is_group);
    let sender = Sender {
        client: a.client,
        // Only group operations are rendered with ids.
        user_ids: if has_groups {
            a.user_ids.clone()
        } else {
            BTreeMap::new()
        },
    };
    let sender = &sender;
    let mut answers = futures_util::stream::iter(chunks)
        .map(|chunk| async move {
            if stop.requested() {
                return chunk.into_iter().map(|p| (p, None)).collect::<Vec<_>>();
            }
            send_chunk(sender, chunk).await
        })
        .buffered(a.concurrency.max(1));
    while let Some(answered) = answers.next().await {
        record_all(a, answered, counter, counts, fallback)?;
    }
    Ok(())
}

/// One request, its lost answers settled by reading back.
async fn send_chunk<'p>(
    sender: &Sender<'_>,
    mut items: Vec<Pending<'p>>,
) -> Vec<(Pending<'p>, Option<Answer>)> {
    let client = sender.client;
    let mut done: Vec<(Pending<'p>, Option<Answer>)> = Vec::new();
    let mut resolved: HashMap<String, String> = HashMap::new();
    let attempts = client.policy().max_attempts.max(1);
    let mut last = String::new();
    for attempt in 1..=attempts {
        if attempt > 1 {
            render_groups(&sender.user_ids, &mut items, &resolved);
        }
        // Membership changes left empty need no request; a group
        // operation that could not be built is that group's failure.
        let (ready, other): (Vec<_>, Vec<_>) = items.into_iter().partition(|p| p.op.is_some());
        items = ready;
        for p in other {
            let answer = if p.nothing {
                Ok(BulkOutcome {
                    status: 200,
                    id: None,
                    version: None,
                    error: None,
                })
            } else {
                Err("the request for it cannot be built".to_owned())
            };
            done.push((p, Some(answer)));
        }
        if items.is_empty() {
            return done;
        }
        let ops: Vec<BulkOperation> = items.iter().filter_map(|p| p.op.clone()).collect();
        let outcomes = match client.bulk(&ops).await {
            Ok(outcomes) => outcomes,
            Err(ScimError::AnswerLost(e)) => {
                last = e.to_string();
                ops.iter().map(|_| None).collect()
            }
            Err(e) => {
                let message = e.to_string();
                done.extend(items.into_iter().map(|p| (p, Some(Err(message.clone())))));
                return done;
            }
        };
        let mut unsettled = Vec::new();
        for (item, outcome) in items.into_iter().zip(outcomes) {
            match outcome {
                Some(o) => {
                    if let (Subject::CreateUser { user, .. }, Some(id)) = (&item.subject, &o.id)
                        && o.status < 300
                    {
                        resolved.insert(user.anchor.clone(), id.clone());
                    }
                    done.push((item, Some(Ok(o))));
                }
                None => unsettled.push(item),
            }
        }
        if unsettled.is_empty() {
            return done;
        }
        if last.is_empty() {
            last = "the platform's answer did not mention every operation".to_owned();
        }
        // Read back what the lost request may have created.
        items = Vec::new();
        for item in unsettled {
            let found = match &item.subject {
                Subject::CreateUser { user, .. } => look_up_user(client, user)
                    .await
                    .map(|u| u.and_then(|u| u.id)),
                Subject::CreateGroup(group) => client
                    .find_group_by_external_id(&group.anchor)
                    .await
                    .map(|g| g.and_then(|g| g.id)),
                _ => Ok(None),
            };
            match found {
                Ok(Some(id)) => {
                    if let Subject::CreateUser { user, .. } = &item.subject {
                        resolved.insert(user.anchor.clone(), id.clone());
                    }
                    let outcome = BulkOutcome {
                        status: 201,
                        id: Some(id),
                        version: None,
                        error: None,
                    };
                    done.push((item, Some(Ok(outcome))));
                }
                Ok(None) => items.push(item),
                Err(e) => done.push((
                    item,
                    Some(Err(format!("cannot tell whether it was applied: {e}"))),
                )),
            }
        }
        if items.is_empty() {
            return done;
        }
        tracing::info!(
            attempt,
            resend = items.len(),
            "bulk answer lost; sending what is missing again"
        );
    }
    let message = format!("gave up after {attempts} bulk requests whose answers were lost: {last}");
    done.extend(items.into_iter().map(|p| (p, Some(Err(message.clone())))));
    done
}

/// Records every answer (users before groups), collecting what single
/// requests must finish.
fn record_all<'p>(
    a: &mut Applier<'_>,
    answered: Vec<(Pending<'p>, Option<Answer>)>,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
    fallback: &mut Fallback<'p>,
) -> Result<(), StoreError> {
    // One commit for everything these answers confirmed.
    let store = a.store;
    store.batch(|| record_answers(a, answered, counter, counts, fallback))
}

fn record_answers<'p>(
    a: &mut Applier<'_>,
    answered: Vec<(Pending<'p>, Option<Answer>)>,
    counter: &PhaseCounter<'_>,
    counts: &mut ApplyCounts,
    fallback: &mut Fallback<'p>,
) -> Result<(), StoreError> {
    let (users, groups): (Vec<_>, Vec<_>) = answered.into_iter().partition(|(p, _)| !p.is_group());
    for (item, answer) in users.into_iter().chain(groups) {
        let Some(answer) = answer else {
            // Not sent: the run was asked to stop.
            counts.stopped += 1;
            continue;
        };
        let error = match &answer {
            Ok(o) => o.error.as_ref(),
            Err(_) => None,
        };
        let settle_alone = match (&item.subject, error) {
            (Subject::CreateUser { .. }, Some(e)) => e.is_uniqueness_conflict(),
            (Subject::WriteUser { .. }, Some(e)) => matches!(e, ScimError::PreconditionFailed),
            (
                Subject::CreateGroup(_) | Subject::AdoptGroup { .. } | Subject::ChangeGroup(_),
                Some(e),
            ) => item.referenced && e.status() == Some(409),
            _ => false,
        };
        if settle_alone {
            fallback.items.push(item);
            continue;
        }
        counter.step();
        let failure = match answer {
            Ok(o) => match o.error {
                Some(e)
                    if !(matches!(item.subject, Subject::Deprovision(d) if d.action == DeprovisionAction::Delete)
                        && o.status == 404) =>
                {
                    Err(e.to_string())
                }
                _ => Ok(o),
            },
            Err(message) => Err(message),
        };
        let anchor = item.anchor().to_owned();
        match item.subject {
            Subject::CreateUser {
                user,
                action,
                details,
            } => {
                let step = match created_id(failure, "user") {
                    Ok(id) => Step::Done {
                        target_id: id,
                        user: Box::new(user.clone()),
                        action,
                        details,
                    },
                    Err(error) => Step::Failed {
                        anchor,
                        action,
                        error,
                    },
                };
                a.record(step, counts)?;
            }
            Subject::WriteUser { write, details, .. } => {
                let Write {
                    current,
                    recorded,
                    action,
                    ..
                } = *write;
                let step = match failure {
                    Ok(_) => Step::Done {
                        target_id: current.id.unwrap_or_default(),
                        user: Box::new(recorded),
                        action,
                        details,
                    },
                    Err(error) => Step::Failed {
                        anchor,
                        action,
                        error,
                    },
                };
                a.record(step, counts)?;
            }
            Subject::Deprovision(d) => a.record_deprovision(d, failure.map(|_| ()), counts)?,
            Subject::CreateGroup(group) => {
                let step = match created_id(failure, "group") {
                    Ok(id) => created_group(a, group, id),
                    Err(error) => GroupStep::Failed {
                        anchor,
                        action: "create_group",
                        error,
                    },
                };
                a.record_group(step, counts)?;
            }
            Subject::AdoptGroup { group, id, .. } => {
                let step = match failure {
                    Ok(_) => created_group(a, group, id),
                    Err(error) => GroupStep::Failed {
                        anchor,
                        action: "create_group",
                        error,
                    },
                };
                a.record_group(step, counts)?;
            }
            Subject::ChangeGroup(change) => {
                let (_, added) = a.ids(&change.add);
                let step = match failure {
                    Ok(_) => single::changed(a, change, &added),
                    Err(error) => GroupStep::Failed {
                        anchor,
                        action: "change_members",
                        error,
                    },
                };
                a.record_group(step, counts)?;
            }
        }
    }
    Ok(())
}

/// The platform id of what a successful POST created.
fn created_id(answer: Result<BulkOutcome, String>, what: &str) -> Result<String, String> {
    answer?
        .id
        .ok_or_else(|| format!("the platform's answer gives no location for the new {what}"))
}

/// The record of a group created (or adopted) with the members that have
/// platform ids.
fn created_group(a: &Applier<'_>, group: &DesiredGroup, id: String) -> GroupStep {
    let (_, members) = a.ids(&group.members);
    let applied = DesiredGroup {
        members,
        ..group.clone()
    };
    GroupStep::Done {
        target_id: id,
        details: group_details(&applied),
        applied,
        action: "create_group",
    }
}

/// What the bulk answers left to single requests.
#[derive(Default)]
struct Fallback<'p> {
    items: Vec<Pending<'p>>,
}

impl Fallback<'_> {
    async fn finish(
        self,
        a: &mut Applier<'_>,
        counter: &PhaseCounter<'_>,
        counts: &mut ApplyCounts,
    ) -> Result<(), StoreError> {
        let (users, groups): (Vec<_>, Vec<_>) = self.items.into_iter().partition(|p| !p.is_group());
        for item in users.into_iter().chain(groups) {
            if a.stop.requested() {
                counts.stopped += 1;
                continue;
            }
            let client: &ScimClient = a.client;
            match item.subject {
                Subject::CreateUser { user, .. } => {
                    let step = single::create_user(client, user, a.admin_role, None).await;
                    a.record(step, counts)?;
                }
                Subject::WriteUser {
                    user,
                    write,
                    details,
                } => {
                    let Write {
                        current,
                        desired,
                        recorded,
                        action,
                    } = *write;
                    let step = match single::write(
                        client,
                        current,
                        desired,
                        &recorded,
                        a.admin_role,
                    )
                    .await
                    {
                        Ok(u) => Step::Done {
                            target_id: u.id.unwrap_or_default(),
                            user: Box::new(recorded),
                            action,
                            details,
                        },
                        Err(e) => single::failed(&user.anchor, action, &e),
                    };
                    a.record(step, counts)?;
                }
                Subject::Deprovision(d) => {
                    let result = single::deprovision(client, d).await;
                    a.record_deprovision(d, result.map_err(|e| e.to_string()), counts)?;
                }
                Subject::CreateGroup(group) | Subject::AdoptGroup { group, .. } => {
                    let step = single::create_group(a, group, None).await;
                    a.record_group(step, counts)?;
                }
                Subject::ChangeGroup(change) => {
                    if let Some(step) = single::change_group(a, change).await {
                        a.record_group(step, counts)?;
                    }
                }
            }
            counter.step();
        }
        Ok(())
    }
}
