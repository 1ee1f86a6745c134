//! One sync run, from the directory read to the recorded result.
//!
//! A run is read → plan → guard → deliver (to the platform, or to an export
//! folder) → record, each stage a function of its own below. Every stage
//! ends in an [`Outcome`], and [`finish`] is the one place that records it,
//! so a failed read, a held plan, an unreachable platform and a finished
//! apply all end as a recorded run with a status the dashboard and
//! `onramp history` can show. The source comes through the connector
//! contract and the platform through [`Platform`], so nothing here knows
//! which directory or which platform it talks to.

use std::collections::{BTreeMap, BTreeSet};

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_connector::{
    DirectorySource, ReadContext, ReadError, ReadKind, ReadSummary, Snapshot, StateError,
};
use onramp_profile::Profile;
use onramp_secrets::SecretStore;
use serde::Serialize;
use ts_rs::TS;

use super::apply::ApplyCounts;
use super::export::{ExportSummary, export_run};
use super::guard::{Assessment, GuardBase, GuardDecision, assess, digest};
use super::lock::{LockError, RunLock};
use super::map::desired_state;
use super::model::DesiredState;
use super::plan::{KnownGroup, KnownUser, Plan, plan};
use super::platform::{ApplyJob, Platform, ScimPlatform};
use super::progress::{PhaseCounter, ProgressSink, SyncPhase, SyncProgress, no_progress};
use super::stop::StopSignal;
use super::store::{
    AppliedState, Approval, ProfileSourceState, RunId, RunMode, RunStatus, RunSummary, StateStore,
    StoreError,
};

/// Why a run could not even start, or could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The source's cursor or mirror could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The profile has no `[target]`.
    #[error("profile '{0}' has no [target]: add the platform's SCIM URL and credential")]
    NoTarget(String),
    /// Another process is running a sync of the profile.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The run was asked to stop before it applied anything; it left no
    /// record (`crate::stop` says why).
    #[error(
        "the sync of profile '{0}' stopped before applying anything, as asked; nothing was changed"
    )]
    Stopped(String),
}

impl ToReport for SyncError {
    fn to_report(&self) -> ErrorReport {
        match self {
            SyncError::Store(e) => ErrorReport::new(ErrorCode::Io, e.to_string()),
            SyncError::State(e) => ErrorReport::new(ErrorCode::Io, e.to_string()),
            SyncError::NoTarget(_) => ErrorReport::new(ErrorCode::ProfileInvalid, self.to_string()),
            SyncError::Lock(LockError::Busy { .. }) => {
                ErrorReport::new(ErrorCode::AlreadyRunning, self.to_string())
            }
            SyncError::Lock(LockError::Io { .. }) => {
                ErrorReport::new(ErrorCode::Io, self.to_string())
            }
            SyncError::Stopped(_) => ErrorReport::new(ErrorCode::Stopped, self.to_string()),
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SyncReport {
    /// The run's id in the history.
    pub run: RunId,
    /// How it ended.
    pub status: RunStatus,
    /// Why it failed or was held, when it did.
    pub message: Option<String>,
    /// What the read saw.
    pub read: Option<ReadSummary>,
    /// Whether the read was full or a delta, and why.
    pub read_kind: Option<ReadKind>,
    /// With `[target] kind = "export"`: where the run was written.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub export: Option<ExportSummary>,
    /// The plan (what a preview shows; what an apply run did or tried).
    pub plan: Plan,
    /// What the guard counted: each loss of access the plan holds, with its
    /// limit ("would remove 12 memberships from VPN Users (held: over the
    /// limit of 10)"). Empty when the plan takes nothing away.
    pub guard: Vec<String>,
    /// Counts of what was applied.
    pub applied: ApplyCounts,
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

/// What one sync run works with.
pub struct SyncJob<'a> {
    /// The profile being synced.
    pub profile: &'a Profile,
    /// Its directory, from the profile's connector.
    pub source: &'a dyn DirectorySource,
    /// Where the source's and the platform's credentials are.
    pub secrets: &'a dyn SecretStore,
    /// The state store.
    pub store: &'a StateStore,
    /// A preview changes nothing on the platform.
    pub preview: bool,
    /// The run's clock, Unix seconds.
    pub now_unix: i64,
    /// Where progress goes.
    pub progress: ProgressSink<'a>,
    /// Raised, the run stops early (`crate::stop`).
    pub stop: StopSignal,
    /// When the job was made: the run's clock is `now_unix` plus the time
    /// since, so each object's result, the audit and the run's end carry
    /// when they happened.
    started: std::time::Instant,
}

impl<'a> SyncJob<'a> {
    /// A job that reports no progress.
    pub fn new(
        profile: &'a Profile,
        source: &'a dyn DirectorySource,
        secrets: &'a dyn SecretStore,
        store: &'a StateStore,
        preview: bool,
        now_unix: i64,
    ) -> Self {
        Self {
            profile,
            source,
            secrets,
            store,
            preview,
            now_unix,
            progress: &no_progress,
            stop: StopSignal::new(),
            started: std::time::Instant::now(),
        }
    }

    /// The run's clock now: `now_unix` plus the seconds since the job was made.
    pub fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_secs()).unwrap_or(i64::MAX);
        self.now_unix.saturating_add(elapsed)
    }

    /// The same job, stopping early when `stop` is raised.
    pub fn with_stop(self, stop: StopSignal) -> Self {
        Self { stop, ..self }
    }

    /// The same job, reporting to `progress`.
    pub fn with_progress(self, progress: ProgressSink<'a>) -> Self {
        Self { progress, ..self }
    }
}

/// Runs a sync: a preview changes nothing on the platform; otherwise the
/// plan is guarded and delivered to the profile's platform (over SCIM) or
/// export folder. Progress goes to the job's sink: `Started` once the run
/// is recorded, the phases, and `Finished` with the outcome. A run that
/// ends in an `Err` (the state store failed) sends no `Finished`.
pub async fn run_sync(job: SyncJob<'_>) -> Result<SyncReport, SyncError> {
    let platform = job.profile.target.as_ref().map(|target| ScimPlatform {
        target,
        secrets: job.secrets,
    });
    run_sync_through(job, platform.as_ref().map(|p| p as &dyn Platform)).await
}

/// [`run_sync`], delivering an apply run's plan to `platform` (the
/// profile's export folder, when it has one, takes precedence).
pub async fn run_sync_through(
    job: SyncJob<'_>,
    platform: Option<&dyn Platform>,
) -> Result<SyncReport, SyncError> {
    let profile = job.profile;
    if profile.export.is_none() && (profile.target.is_none() || platform.is_none()) {
        return Err(SyncError::NoTarget(profile.name.clone()));
    }
    // Held until the run ends (dropped with this frame): one run of a
    // profile at a time, whichever process starts it.
    let _lock = RunLock::for_store(job.store, &profile.name)?;
    let mode = if job.preview {
        RunMode::Preview
    } else {
        RunMode::Apply
    };
    let run = job.store.begin_run(&profile.name, mode, job.now_unix)?;
    (job.progress)(SyncProgress::Started {
        profile: profile.name.clone(),
    });
    match stages(&job, run, platform).await? {
        Some(outcome) => finish(&job, run, outcome),
        None => {
            job.store.discard_run(run)?;
            tracing::info!(profile = %profile.name, run = run.0, "stopped before applying; the run is not kept");
            Err(SyncError::Stopped(profile.name.clone()))
        }
    }
}

/// How a run ended, before it is recorded.
struct Outcome {
    status: RunStatus,
    /// What the history records.
    message: Option<String>,
    /// What the report adds to it: what the admin can do next.
    hint: Option<String>,
    summary: RunSummary,
    read: Option<(ReadSummary, ReadKind)>,
    plan: Plan,
    /// The guard's lines.
    guard: Vec<String>,
    applied: ApplyCounts,
    export: Option<ExportSummary>,
}

impl Outcome {
    /// A run that failed with `message`, nothing applied.
    fn failed(message: String, plan: Plan, read: Option<(ReadSummary, ReadKind)>) -> Self {
        Outcome {
            status: RunStatus::Failed,
            message: Some(message),
            hint: None,
            summary: RunSummary::default(),
            read,
            plan,
            guard: Vec::new(),
            applied: ApplyCounts::default(),
            export: None,
        }
    }

    /// A run that stopped with the plan unapplied (a preview, a hold).
    fn unapplied(status: RunStatus, planned: Planned) -> Self {
        Outcome {
            status,
            message: None,
            hint: None,
            summary: planned_summary(&planned.plan),
            read: Some(planned.read),
            plan: planned.plan,
            guard: planned.guard.lines,
            applied: ApplyCounts::default(),
            export: None,
        }
    }
}

/// The plan and what it was made from.
struct Planned {
    desired: DesiredState,
    plan: Plan,
    read: (ReadSummary, ReadKind),
    /// What the guard makes of the plan.
    guard: Assessment,
    /// Their platform ids, by anchor.
    user_ids: BTreeMap<String, String>,
    /// The members Onramp last wrote to each provisioned group.
    group_members: BTreeMap<String, BTreeSet<String>>,
}

/// Read, plan, guard, deliver: the stages after the run was begun. `None`
/// when the run was asked to stop before it applied anything.
async fn stages(
    job: &SyncJob<'_>,
    run: RunId,
    platform: Option<&dyn Platform>,
) -> Result<Option<Outcome>, SyncError> {
    let read = match read(job).await {
        Ok(read) => read,
        Err(ReadError::State(e)) => return Err(e.into()),
        Err(ReadError::Source(e)) => {
            return Ok(Some(Outcome::failed(
                format!("reading the directory failed: {e}"),
                Plan::default(),
                None,
            )));
        }
    };
    let (snapshot, read) = read;
    if job.stop.requested() {
        return Ok(None);
    }
    let planned = plan_run(job, snapshot, read)?;
    if job.preview {
        return Ok(Some(Outcome::unapplied(RunStatus::Preview, planned)));
    }
    if job.stop.requested() {
        return Ok(None);
    }
    if let Some(reason) = guard(job, run, &planned)? {
        return Ok(Some(Outcome {
            message: Some(reason),
            hint: Some(format!("approve it with: onramp approve {}", run.0)),
            ..Outcome::unapplied(RunStatus::Held, planned)
        }));
    }
    deliver(job, run, platform, planned).await.map(Some)
}

/// Reads the source through the contract.
async fn read(job: &SyncJob<'_>) -> Result<(Snapshot, (ReadSummary, ReadKind)), ReadError> {
    (job.progress)(SyncProgress::Phase {
        phase: SyncPhase::Reading,
        done: 0,
        total: 0,
    });
    let state = ProfileSourceState::new(job.store, &job.profile.name);
    let read = job
        .source
        .read(ReadContext {
            secrets: job.secrets,
            state: &state,
            full_read_hours: job.profile.sync.full_read_hours,
            now_unix: job.now_unix,
        })
        .await?;
    tracing::info!(profile = %job.profile.name, read = ?read.kind, "directory read");
    let objects = (read.summary.users_read + read.summary.groups_read) as u64;
    (job.progress)(SyncProgress::Phase {
        phase: SyncPhase::Reading,
        done: objects,
        total: objects,
    });
    Ok((read.snapshot, (read.summary, read.kind)))
}

/// Maps the snapshot with the profile's rules and diffs it against what
/// the state store says the platform has.
fn plan_run(
    job: &SyncJob<'_>,
    snapshot: Snapshot,
    read: (ReadSummary, ReadKind),
) -> Result<Planned, SyncError> {
    let planning = PhaseCounter::start(job.progress, SyncPhase::Planning, 1);
    let profile = job.profile;
    let team = profile
        .sync
        .team
        .clone()
        .unwrap_or_else(|| job.source.default_team());
    let complete = snapshot.complete;
    let empty_read = complete && snapshot.users.is_empty();
    // The desired state holds what the rest of the run needs; the snapshot
    // is consumed building it.
    let names = |group: &_, reference: &str| job.source.names_group(group, reference);
    let desired = desired_state(snapshot, &profile.sync, &team, &names);
    let (known_users, known_groups) = known_state(job.store, &profile.name)?;
    let plan = plan(
        &desired,
        &known_users,
        &known_groups,
        profile.sync.deprovision,
        complete,
    );
    planning.step();
    let synced = known_users
        .values()
        .filter(|k| k.target_id.is_some() && !k.deprovisioned)
        .count();
    let group_members: BTreeMap<String, usize> = known_groups
        .iter()
        .filter(|(_, k)| k.target_id.is_some())
        .map(|(anchor, k)| (anchor.clone(), k.applied.members.len()))
        .collect();
    let guard = assess(
        &plan,
        &GuardBase {
            synced,
            group_members: &group_members,
            empty_read,
            threshold: &profile.sync.deprovision_threshold,
        },
    );
    let user_ids = known_users
        .into_iter()
        .filter_map(|(anchor, k)| k.target_id.map(|id| (anchor, id)))
        .collect();
    let group_members = known_groups
        .into_iter()
        .filter(|(_, k)| k.target_id.is_some())
        .map(|(anchor, k)| (anchor, k.applied.members))
        .collect();
    Ok(Planned {
        desired,
        plan,
        read,
        guard,
        user_ids,
        group_members,
    })
}

/// The guard: `None` when the plan may be applied (it takes away nothing
/// over its limits, or the admin approved this very plan, by its digest,
/// and the approval is taken here once). Otherwise records the hold with
/// the plan's digest and returns why.
fn guard(job: &SyncJob<'_>, run: RunId, planned: &Planned) -> Result<Option<String>, SyncError> {
    let GuardDecision::Hold { reason } = &planned.guard.decision else {
        return Ok(None);
    };
    let digest = digest(&planned.plan);
    let reason = match job.store.take_approval(run, &digest, job.now_unix)? {
        Approval::Taken(approved) => {
            tracing::info!(profile = %job.profile.name, approved_run = approved.0, "applying a held plan the admin approved");
            return Ok(None);
        }
        Approval::Differs(approved) => format!(
            "{reason}; the plan is not the one approved in run {} (the directory changed since), so it is held again",
            approved.0
        ),
        Approval::None => reason.clone(),
    };
    job.store.hold(run, &reason, &digest, job.now_unix)?;
    Ok(Some(reason))
}

/// Delivers the plan: into the export folder, or to the platform.
async fn deliver(
    job: &SyncJob<'_>,
    run: RunId,
    platform: Option<&dyn Platform>,
    planned: Planned,
) -> Result<Outcome, SyncError> {
    let profile = job.profile;
    if let Some(export) = &profile.export {
        // An export run records no applied state, so every export's plan is
        // relative to what is really on the platform.
        let written = match export_run(
            &export.folder,
            &profile.name,
            run.0,
            &planned.plan,
            &planned.desired,
            job.now_unix,
        ) {
            Ok(w) => w,
            Err(e) => {
                return Ok(Outcome::failed(
                    format!("exporting the run failed: {e}"),
                    planned.plan,
                    Some(planned.read),
                ));
            }
        };
        return Ok(Outcome {
            status: RunStatus::Ok,
            message: Some(format!("exported to {}", written.dir.display())),
            hint: None,
            summary: RunSummary {
                skipped: planned.plan.skipped.len() as u32,
                ..RunSummary::default()
            },
            read: Some(planned.read),
            plan: planned.plan,
            guard: planned.guard.lines,
            applied: ApplyCounts::default(),
            export: Some(written),
        });
    }
    let Some(platform) = platform else {
        return Err(SyncError::NoTarget(profile.name.clone()));
    };
    let applied = platform
        .apply(
            &planned.plan,
            ApplyJob {
                store: job.store,
                run,
                user_ids: planned.user_ids,
                group_members: planned.group_members,
                clock: &|| job.now(),
                conflict: profile.sync.conflict,
                platform_wins: &profile.sync.platform_wins_attributes,
                progress: job.progress,
                stop: &job.stop,
            },
        )
        .await;
    let applied = match applied {
        Ok(counts) => counts,
        Err(e) => match e.into_store_error() {
            Ok(store) => return Err(store.into()),
            Err(message) => {
                return Ok(Outcome::failed(message, planned.plan, Some(planned.read)));
            }
        },
    };
    let status = if applied.stopped > 0 {
        RunStatus::Interrupted
    } else if applied.failed == 0 && applied.review == 0 {
        RunStatus::Ok
    } else {
        RunStatus::Partial
    };
    let mut problems = Vec::new();
    if applied.stopped > 0 {
        problems.push(format!(
            "stopped as asked with {} changes not started (the next run makes them)",
            applied.stopped
        ));
    }
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
    Ok(Outcome {
        status,
        message,
        hint: None,
        summary: applied_summary(&planned.plan, &applied),
        read: Some(planned.read),
        plan: planned.plan,
        guard: planned.guard.lines,
        applied,
        export: None,
    })
}

/// Records the outcome: the one place a run is finished.
fn finish(job: &SyncJob<'_>, run: RunId, outcome: Outcome) -> Result<SyncReport, SyncError> {
    let recording = PhaseCounter::start(job.progress, SyncPhase::Recording, 1);
    job.store.finish_run(
        run,
        outcome.status,
        &outcome.summary,
        outcome.message.as_deref(),
        job.now(),
    )?;
    recording.step();
    (job.progress)(SyncProgress::Finished {
        run,
        status: outcome.status,
    });
    let (read, read_kind) = outcome.read.unzip();
    let message = match (outcome.message, outcome.hint) {
        (Some(m), Some(hint)) => Some(format!("{m}; {hint}")),
        (m, hint) => m.or(hint),
    };
    Ok(SyncReport {
        run,
        status: outcome.status,
        message,
        read,
        read_kind,
        export: outcome.export,
        plan: outcome.plan,
        guard: outcome.guard,
        applied: outcome.applied,
    })
}

fn applied_summary(plan: &Plan, applied: &ApplyCounts) -> RunSummary {
    RunSummary {
        created: applied.created,
        updated: applied.updated,
        deprovisioned: applied.deprovisioned,
        groups_changed: applied.groups_changed,
        failed: applied.failed,
        skipped: plan.skipped.len() as u32,
    }
}

/// What a plan would do, for a preview or a held run.
fn planned_summary(plan: &Plan) -> RunSummary {
    RunSummary {
        created: plan.creates.len() as u32,
        updated: plan.updates.len() as u32,
        deprovisioned: plan.deprovisions.len() as u32,
        groups_changed: (plan.group_creates.len() + plan.group_changes.len()) as u32,
        failed: 0,
        skipped: plan.skipped.len() as u32,
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
