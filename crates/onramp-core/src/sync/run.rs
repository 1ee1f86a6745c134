//! One sync run, from the directory read to the recorded result.
//!
//! The stages are the ones of DESIGN.md, each its own module; this file
//! strings them together and makes sure every outcome, including a failed
//! read or an unreachable platform, ends as a recorded run with a status the
//! dashboard and `onramp history` can show.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::apply::{Applier, ApplyCounts};
use super::export::{ExportSummary, export_run};
use super::guard::{GuardDecision, check};
use super::lock::{LockError, RunLock};
use super::map::desired_state;
use super::plan::{KnownGroup, KnownUser, Plan, plan};
use super::progress::{PhaseCounter, ProgressSink, SyncPhase, SyncProgress, no_progress};
use super::source::{ReadKind, ReadReport, SyncReadError, read_for_sync};
use super::store::{AppliedState, RunId, RunMode, RunStatus, RunSummary, StateStore, StoreError};
use crate::directory::{DirectoryError, DirectoryTarget};
use crate::error::{ErrorCode, ErrorReport, ToReport};
use crate::profile::{IntegrationKind, Profile};
use crate::scim::{RetryPolicy, ScimClient, TokioClock};
use crate::secret::SecretStore;
use crate::target::{authorization, http_client};

/// Why a run could not even start.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The profile cannot be synced by this engine (yet).
    #[error("{0}")]
    NotSupported(String),
    /// The profile's directory settings are invalid.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The profile has no `[target]`.
    #[error("profile '{0}' has no [target]: add the platform's SCIM URL and credential")]
    NoTarget(String),
    /// Another process is running a sync of the profile.
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl ToReport for SyncError {
    fn to_report(&self) -> ErrorReport {
        match self {
            SyncError::NotSupported(m) => ErrorReport::new(ErrorCode::NotSupported, m.clone()),
            SyncError::Directory(e) => e.to_report(),
            SyncError::Store(e) => ErrorReport::new(ErrorCode::Io, e.to_string()),
            SyncError::NoTarget(_) => ErrorReport::new(ErrorCode::ProfileInvalid, self.to_string()),
            SyncError::Lock(LockError::Busy { .. }) => {
                ErrorReport::new(ErrorCode::AlreadyRunning, self.to_string())
            }
            SyncError::Lock(LockError::Io { .. }) => {
                ErrorReport::new(ErrorCode::Io, self.to_string())
            }
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    /// The run's id in the history.
    pub run: RunId,
    /// How it ended.
    pub status: RunStatus,
    /// Why it failed or was held, when it did.
    pub message: Option<String>,
    /// What the read saw.
    pub read: Option<ReadReport>,
    /// Whether the read was full or a delta, and why.
    pub read_kind: Option<ReadKind>,
    /// With `[target] kind = "export"`: where the run was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<ExportSummary>,
    /// The plan (what a preview shows; what an apply run did or tried).
    pub plan: Plan,
    /// Counts of what was applied.
    pub applied: ApplyCounts,
}

/// The team every user of a directory integration joins, unless the profile names one.
pub fn default_team(kind: IntegrationKind) -> String {
    match kind {
        IntegrationKind::Ad => "AD Users".to_owned(),
        IntegrationKind::Ldap => "LDAP Users".to_owned(),
        other => format!("{} Users", other.label()),
    }
}

/// What the state store says Onramp provisioned, users and groups by anchor.
pub type KnownState = (BTreeMap<String, KnownUser>, BTreeMap<String, KnownGroup>);

/// Loads what Onramp provisioned for `profile`, as the planner takes it.
pub fn known_state(store: &StateStore, profile: &str) -> Result<KnownState, StoreError> {
    let mut users = BTreeMap::new();
    let mut groups = BTreeMap::new();
    for object in store.objects(profile)? {
        match object.applied {
            AppliedState::User(applied) => {
                users.insert(
                    object.anchor,
                    KnownUser {
                        target_id: object.target_id,
                        applied,
                        deprovisioned: object.deprovisioned,
                    },
                );
            }
            AppliedState::Group(applied) => {
                groups.insert(
                    object.anchor,
                    KnownGroup {
                        target_id: object.target_id,
                        applied,
                    },
                );
            }
        }
    }
    Ok((users, groups))
}

fn summary(plan: &Plan, applied: &ApplyCounts) -> RunSummary {
    RunSummary {
        created: applied.created,
        updated: applied.updated,
        deprovisioned: applied.deprovisioned,
        groups_changed: applied.groups_changed,
        failed: applied.failed,
        skipped: plan.skipped.len() as u32,
    }
}

fn preview_summary(plan: &Plan) -> RunSummary {
    RunSummary {
        created: plan.creates.len() as u32,
        updated: plan.updates.len() as u32,
        deprovisioned: plan.deprovisions.len() as u32,
        groups_changed: (plan.group_creates.len() + plan.group_changes.len()) as u32,
        failed: 0,
        skipped: plan.skipped.len() as u32,
    }
}

/// Runs a sync of `profile`: a preview (`preview = true`) changes nothing on
/// the platform; otherwise the plan is guarded and applied.
pub async fn run_sync(
    profile: &Profile,
    secrets: &dyn SecretStore,
    store: &StateStore,
    preview: bool,
    now_unix: i64,
) -> Result<SyncReport, SyncError> {
    run_sync_with_progress(profile, secrets, store, preview, now_unix, &no_progress).await
}

/// [`run_sync`], reporting its progress to `progress`: `Started` once the
/// run is recorded, the phases, and `Finished` when it ended with a report.
/// A run that ends in an `Err` (the state store failed) sends no `Finished`;
/// the caller has the error.
pub async fn run_sync_with_progress(
    profile: &Profile,
    secrets: &dyn SecretStore,
    store: &StateStore,
    preview: bool,
    now_unix: i64,
    progress: ProgressSink<'_>,
) -> Result<SyncReport, SyncError> {
    if !matches!(profile.kind, IntegrationKind::Ad | IntegrationKind::Ldap) {
        return Err(SyncError::NotSupported(format!(
            "syncing {} is not supported yet; AD and LDAP profiles can be synced",
            profile.kind.label()
        )));
    }
    if profile.target.is_none() && profile.export.is_none() {
        return Err(SyncError::NoTarget(profile.name.clone()));
    }
    let directory = DirectoryTarget::from_profile(profile)?;
    // Held until the run ends (dropped with this frame): one run of a
    // profile at a time, whichever process starts it.
    let _lock = RunLock::for_store(store, &profile.name)?;
    let mode = if preview {
        RunMode::Preview
    } else {
        RunMode::Apply
    };
    let run = store.begin_run(&profile.name, mode, now_unix)?;
    progress(SyncProgress::Started {
        profile: profile.name.clone(),
    });
    let report = run_begun(
        profile, secrets, store, preview, now_unix, &directory, run, progress,
    )
    .await?;
    progress(SyncProgress::Finished {
        run: report.run,
        status: report.status,
    });
    Ok(report)
}

/// The run `run`, begun: read, plan, guard, apply, record.
#[allow(clippy::too_many_arguments)]
async fn run_begun(
    profile: &Profile,
    secrets: &dyn SecretStore,
    store: &StateStore,
    preview: bool,
    now_unix: i64,
    directory: &DirectoryTarget,
    run: RunId,
    progress: ProgressSink<'_>,
) -> Result<SyncReport, SyncError> {
    let fail =
        |message: String, plan: Plan, read: Option<ReadReport>| -> Result<SyncReport, SyncError> {
            store.finish_run(
                run,
                RunStatus::Failed,
                &RunSummary::default(),
                Some(&message),
                now_unix,
            )?;
            Ok(SyncReport {
                run,
                status: RunStatus::Failed,
                message: Some(message),
                read,
                read_kind: None,
                plan,
                applied: ApplyCounts::default(),
                export: None,
            })
        };

    progress(SyncProgress::Phase {
        phase: SyncPhase::Reading,
        done: 0,
        total: 0,
    });
    let (snapshot, read, read_kind) = match read_for_sync(
        directory,
        secrets,
        store,
        &profile.name,
        profile.sync.full_read_hours,
        now_unix,
    )
    .await
    {
        Ok(r) => r,
        Err(SyncReadError::Store(e)) => return Err(e.into()),
        Err(SyncReadError::Source(e)) => {
            return fail(
                format!("reading the directory failed: {e}"),
                Plan::default(),
                None,
            );
        }
    };
    tracing::info!(profile = %profile.name, read = ?read_kind, "directory read");
    let objects_read = (read.users_read + read.groups_read) as u64;
    progress(SyncProgress::Phase {
        phase: SyncPhase::Reading,
        done: objects_read,
        total: objects_read,
    });
    let planning = PhaseCounter::start(progress, SyncPhase::Planning, 1);
    let team = profile
        .sync
        .team
        .clone()
        .unwrap_or_else(|| default_team(profile.kind));
    let read_complete = snapshot.complete;
    // The desired state holds what the rest of the run needs; the snapshot
    // is consumed building it.
    let desired = desired_state(snapshot, &profile.sync, &team);
    let (known_users, known_groups) = known_state(store, &profile.name)?;
    let plan = plan(
        &desired,
        &known_users,
        &known_groups,
        profile.sync.deprovision,
        read_complete,
    );
    planning.step();

    if preview {
        let recording = PhaseCounter::start(progress, SyncPhase::Recording, 1);
        store.finish_run(
            run,
            RunStatus::Preview,
            &preview_summary(&plan),
            None,
            now_unix,
        )?;
        recording.step();
        return Ok(SyncReport {
            run,
            status: RunStatus::Preview,
            message: None,
            read: Some(read),
            read_kind: Some(read_kind.clone()),
            plan,
            applied: ApplyCounts::default(),
            export: None,
        });
    }

    let synced = known_users
        .values()
        .filter(|k| k.target_id.is_some() && !k.deprovisioned)
        .count();
    if let GuardDecision::Hold { reason } =
        check(&plan, synced, &profile.sync.deprovision_threshold, false)
    {
        match store.take_approval(run, now_unix)? {
            Some(approved) => {
                tracing::info!(profile = %profile.name, approved_run = approved.0, "applying a held plan the admin approved");
            }
            None => {
                let plan_json = serde_json::to_string(&plan).unwrap_or_default();
                store.hold(run, &plan_json, &reason, now_unix)?;
                store.finish_run(
                    run,
                    RunStatus::Held,
                    &preview_summary(&plan),
                    Some(&reason),
                    now_unix,
                )?;
                return Ok(SyncReport {
                    run,
                    status: RunStatus::Held,
                    message: Some(format!(
                        "{reason}; approve it with: onramp approve {}",
                        run.0
                    )),
                    read: Some(read),
                    read_kind: Some(read_kind.clone()),
                    plan,
                    applied: ApplyCounts::default(),
                    export: None,
                });
            }
        }
    }

    if let Some(export) = &profile.export {
        // An export run records no applied state, so every export's plan is
        // relative to what is really on the platform.
        let written = match export_run(
            &export.folder,
            &profile.name,
            run.0,
            &plan,
            &desired,
            now_unix,
        ) {
            Ok(w) => w,
            Err(e) => return fail(format!("exporting the run failed: {e}"), plan, Some(read)),
        };
        let note = format!("exported to {}", written.dir.display());
        let summary = RunSummary {
            skipped: plan.skipped.len() as u32,
            ..RunSummary::default()
        };
        store.finish_run(run, RunStatus::Ok, &summary, Some(&note), now_unix)?;
        return Ok(SyncReport {
            run,
            status: RunStatus::Ok,
            message: Some(note),
            read: Some(read),
            read_kind: Some(read_kind),
            plan,
            applied: ApplyCounts::default(),
            export: Some(written),
        });
    }
    let Some(target) = profile.target.clone() else {
        return Err(SyncError::NoTarget(profile.name.clone()));
    };
    let http = match http_client(target.ca_file.as_deref(), Duration::from_secs(30)) {
        Ok(h) => h,
        Err(e) => {
            return fail(
                format!("cannot set up TLS for the platform: {e}"),
                plan,
                Some(read),
            );
        }
    };
    let header = match authorization(&target, secrets, &http).await {
        Ok(h) => h,
        Err(e) => {
            return fail(
                format!("cannot authenticate to the platform: {e}"),
                plan,
                Some(read),
            );
        }
    };
    let client = match ScimClient::discover(
        http,
        target.url.clone(),
        header,
        RetryPolicy::default(),
        Arc::new(TokioClock),
    )
    .await
    {
        Ok(c) => c,
        Err(e) => {
            return fail(
                format!("the platform's SCIM service failed: {e}"),
                plan,
                Some(read),
            );
        }
    };
    let user_ids = known_users
        .iter()
        .filter_map(|(a, k)| k.target_id.clone().map(|id| (a.clone(), id)))
        .collect();
    let mut applier = Applier {
        client: &client,
        store,
        run,
        admin_role: &target.admin_role,
        concurrency: target.concurrency as usize,
        user_ids,
        now_unix,
        conflict: profile.sync.conflict,
        platform_wins: &profile.sync.platform_wins_attributes,
    };
    let applied = applier.apply_with_progress(&plan, progress).await?;
    let status = if applied.failed == 0 && applied.review == 0 {
        RunStatus::Ok
    } else {
        RunStatus::Partial
    };
    let mut problems = Vec::new();
    if applied.failed > 0 {
        problems.push(format!("{} changes failed", applied.failed));
    }
    if applied.review > 0 {
        problems.push(format!(
            "{} users edited on the platform need review",
            applied.review
        ));
    }
    let message = (!problems.is_empty()).then(|| {
        format!(
            "{}; see onramp history --run {}",
            problems.join("; "),
            run.0
        )
    });
    let recording = PhaseCounter::start(progress, SyncPhase::Recording, 1);
    store.finish_run(
        run,
        status,
        &summary(&plan, &applied),
        message.as_deref(),
        now_unix,
    )?;
    recording.step();
    Ok(SyncReport {
        run,
        status,
        message,
        read: Some(read),
        read_kind: Some(read_kind.clone()),
        plan,
        applied,
        export: None,
    })
}
