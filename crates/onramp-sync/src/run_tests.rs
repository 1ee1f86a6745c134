//! The orchestrator's paths without a server: a source and a platform of
//! the tests' own, a real SQLite state store. The live suite runs the same
//! paths against Samba, slapd and scim2-server.

use std::cell::Cell;
use std::path::Path;
use std::sync::Mutex;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::tls::TlsSetupError;
use onramp_connector::{ConnectorError, SourceGroup, SourceUser};
use onramp_profile::parse_profile;
use onramp_secrets::MemoryStore;

use super::*;
use crate::platform::PlatformError;
use crate::store::{AppliedState, FILE_NAME, RunState};

/// A directory that answers with a fixed snapshot, or fails.
struct FakeSource {
    users: Vec<SourceUser>,
    fail: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("the test directory is down")]
struct Down;

impl ToReport for Down {
    fn to_report(&self) -> ErrorReport {
        ErrorReport::new(ErrorCode::Internal, self.to_string())
    }
}

impl DirectorySource for FakeSource {
    fn read<'a>(
        &'a self,
        _cx: ReadContext<'a>,
    ) -> LocalBoxFuture<'a, Result<onramp_connector::SourceRead, ReadError>> {
        async move {
            if self.fail {
                return Err(ReadError::Source(ConnectorError::new(Down)));
            }
            Ok(onramp_connector::SourceRead {
                summary: ReadSummary {
                    users_read: self.users.len(),
                    groups_read: 0,
                    details: serde_json::Map::new(),
                },
                snapshot: Snapshot {
                    users: self.users.clone(),
                    groups: Vec::<SourceGroup>::new(),
                    complete: true,
                },
                kind: ReadKind::Full {
                    reason: "test".into(),
                },
            })
        }
        .boxed_local()
    }

    fn default_team(&self) -> String {
        "Test Users".into()
    }
}

/// A platform that confirms every user change (recording it as the real
/// one does) except the creates of the anchors in `fail`, or is
/// unreachable.
#[derive(Default)]
struct FakePlatform {
    fail: Vec<String>,
    unreachable: bool,
    calls: Cell<usize>,
    /// Raises the job's stop signal after this many creates, and then
    /// starts no more, as the real applier does.
    stop_after: Option<usize>,
    /// How long each create takes.
    pause: Option<std::time::Duration>,
}

impl Platform for FakePlatform {
    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        job: ApplyJob<'a>,
    ) -> LocalBoxFuture<'a, Result<ApplyCounts, PlatformError>> {
        async move {
            self.calls.set(self.calls.get() + 1);
            if self.unreachable {
                return Err(PlatformError::Tls(TlsSetupError::NoRoots));
            }
            let mut counts = ApplyCounts::default();
            for (i, user) in plan.creates.iter().enumerate() {
                if self.stop_after == Some(i) {
                    job.stop.request();
                }
                if job.stop.requested() {
                    counts.stopped += 1;
                    continue;
                }
                if let Some(pause) = self.pause {
                    std::thread::sleep(pause);
                }
                if self.fail.contains(&user.anchor) {
                    job.store.record_failure(
                        job.run,
                        &user.anchor,
                        "create",
                        "409 uniqueness",
                        (job.clock)(),
                    )?;
                    counts.failed += 1;
                } else {
                    job.store.record_applied(
                        job.run,
                        Some(&format!("id-{}", user.anchor)),
                        &AppliedState::User((**user).clone()),
                        "create",
                        "",
                        (job.clock)(),
                    )?;
                    counts.created += 1;
                }
            }
            for u in &plan.updates {
                job.store.record_applied(
                    job.run,
                    None,
                    &AppliedState::User(u.desired.clone()),
                    "update",
                    "",
                    (job.clock)(),
                )?;
                counts.updated += 1;
            }
            for d in &plan.deprovisions {
                job.store.record_deprovisioned(
                    job.run,
                    &d.anchor,
                    "deactivate",
                    "",
                    (job.clock)(),
                )?;
                counts.deprovisioned += 1;
            }
            Ok(counts)
        }
        .boxed_local()
    }
}

fn user(i: usize) -> SourceUser {
    SourceUser {
        anchor: format!("u{i:03}"),
        dn: format!("uid=u{i},dc=x"),
        login: Some(format!("u{i}")),
        given_name: Some("Given".into()),
        family_name: Some(format!("Family{i}")),
        display_name: None,
        mail: Some(format!("u{i}@example.com")),
        user_principal_name: None,
        phone: None,
        department: None,
        enabled: true,
    }
}

fn users(n: usize) -> Vec<SourceUser> {
    (0..n).map(user).collect()
}

/// A directory that answers with `n` users.
fn source(n: usize) -> FakeSource {
    FakeSource {
        users: users(n),
        fail: false,
    }
}

fn profile(target: &str) -> onramp_profile::Profile {
    let text = format!(
        "kind = \"ldap\"\n\
         [connection]\n\
         url = \"ldaps://ldap.example.com\"\n\
         bind_dn = \"cn=svc,dc=example,dc=com\"\n\
         bind_password_secret = \"t-bind\"\n\
         [sync]\n\
         deprovision = \"deactivate\"\n\
         {target}"
    );
    parse_profile("t", Path::new("t.toml"), &text).unwrap()
}

fn scim_profile() -> onramp_profile::Profile {
    profile(
        "[target]\nurl = \"https://platform.example.com/scim/v2\"\nauth = \"bearer\"\ntoken_secret = \"t-token\"\n",
    )
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: StateStore,
    secrets: MemoryStore,
    events: Mutex<Vec<SyncProgress>>,
    stop: crate::stop::StopSignal,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join(FILE_NAME)).unwrap();
        Self {
            _dir: dir,
            store,
            secrets: MemoryStore::default(),
            events: Mutex::new(Vec::new()),
            stop: crate::stop::StopSignal::new(),
        }
    }

    fn run(
        &self,
        profile: &onramp_profile::Profile,
        source: &FakeSource,
        platform: &FakePlatform,
        preview: bool,
        now: i64,
    ) -> SyncReport {
        self.try_run(profile, source, Some(platform), preview, now)
            .unwrap()
    }

    fn try_run(
        &self,
        profile: &onramp_profile::Profile,
        source: &FakeSource,
        platform: Option<&FakePlatform>,
        preview: bool,
        now: i64,
    ) -> Result<SyncReport, SyncError> {
        let events = &self.events;
        let sink = |e: SyncProgress| events.lock().unwrap().push(e);
        let job = SyncJob::new(profile, source, &self.secrets, &self.store, preview, now)
            .with_progress(&sink)
            .with_stop(self.stop.clone());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(run_sync_through(job, platform.map(|p| p as &dyn Platform)))
    }

    fn finished(&self) -> Vec<RunStatus> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                SyncProgress::Finished { status, .. } => Some(*status),
                _ => None,
            })
            .collect()
    }

    fn recorded(&self, run: RunId) -> (RunState, Option<String>) {
        let r = self.store.run(run).unwrap().unwrap();
        (r.state, r.message)
    }
}

#[test]
fn a_failed_read_is_a_failed_run_recorded_once() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    let source = FakeSource {
        users: Vec::new(),
        fail: true,
    };
    let report = fx.run(&scim_profile(), &source, &platform, false, 100);
    assert_eq!(report.status, RunStatus::Failed);
    assert_eq!(
        report.message.as_deref(),
        Some("reading the directory failed: the test directory is down")
    );
    assert!(report.read.is_none());
    assert_eq!(platform.calls.get(), 0);
    assert_eq!(
        fx.recorded(report.run),
        (RunState::Failed, report.message.clone())
    );
    assert_eq!(fx.finished(), [RunStatus::Failed]);
}

#[test]
fn a_preview_plans_and_applies_nothing() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    let source = source(3);
    let report = fx.run(&scim_profile(), &source, &platform, true, 100);
    assert_eq!(report.status, RunStatus::Preview);
    assert_eq!(report.plan.creates.len(), 3);
    assert_eq!(report.read.as_ref().unwrap().users_read, 3);
    assert_eq!(platform.calls.get(), 0);
    assert!(fx.store.objects("t").unwrap().is_empty());
    let run = fx.store.run(report.run).unwrap().unwrap();
    assert_eq!(run.summary.created, 3);
}

#[test]
fn an_apply_records_and_a_failed_object_makes_it_partial() {
    let fx = Fixture::new();
    let platform = FakePlatform {
        fail: vec!["u001".into()],
        ..FakePlatform::default()
    };
    let source = source(3);
    let report = fx.run(&scim_profile(), &source, &platform, false, 100);
    assert_eq!(report.status, RunStatus::Partial);
    assert_eq!(report.applied.created, 2);
    assert_eq!(report.applied.failed, 1);
    let want = format!(
        "1 changes failed; see onramp history --run {}",
        report.run.0
    );
    assert_eq!(report.message.as_deref(), Some(want.as_str()));
    assert_eq!(fx.recorded(report.run), (RunState::Partial, Some(want)));
    // The two confirmed users are known now; the failed one is not.
    let anchors: Vec<String> = fx
        .store
        .objects("t")
        .unwrap()
        .into_iter()
        .map(|o| o.anchor)
        .collect();
    assert_eq!(anchors, ["u000", "u002"]);
}

#[test]
fn an_unreachable_platform_fails_the_run_with_the_reason() {
    let fx = Fixture::new();
    let platform = FakePlatform {
        unreachable: true,
        ..FakePlatform::default()
    };
    let source = source(2);
    let report = fx.run(&scim_profile(), &source, &platform, false, 100);
    assert_eq!(report.status, RunStatus::Failed);
    let message = report.message.clone().unwrap();
    assert!(
        message.starts_with("cannot set up TLS for the platform: no trusted certificate"),
        "{message}"
    );
    // The plan and the read are in the report, for the admin to see.
    assert_eq!(report.plan.creates.len(), 2);
    assert!(report.read.is_some());
    assert_eq!(fx.recorded(report.run), (RunState::Failed, Some(message)));
}

#[test]
fn a_plan_over_the_threshold_is_held_until_approved_then_applied_once() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    let p = scim_profile();
    let all = source(30);
    assert_eq!(
        fx.run(&p, &all, &platform, false, 100).status,
        RunStatus::Ok
    );
    // 12 of 30 leave: more than the larger of 10 and 5 %.
    let fewer = source(18);
    let held = fx.run(&p, &fewer, &platform, false, 200);
    assert_eq!(held.status, RunStatus::Held);
    assert_eq!(held.plan.deprovisions.len(), 12);
    assert_eq!(held.applied, ApplyCounts::default());
    assert_eq!(platform.calls.get(), 1, "a held run delivers nothing");
    let message = held.message.clone().unwrap();
    assert!(
        message.ends_with(&format!("; approve it with: onramp approve {}", held.run.0)),
        "{message}"
    );
    // The history keeps the reason alone (the notification adds its hint).
    let (status, recorded) = fx.recorded(held.run);
    assert_eq!(status, RunState::Held);
    let reason = recorded.unwrap();
    assert!(
        reason.starts_with("would deprovision 12 users of 30 synced (held: over the limit of 10)"),
        "{reason}"
    );
    assert!(!reason.contains("approve it with"), "{reason}");
    assert_eq!(
        fx.store.held_plan(held.run).unwrap().unwrap().reason,
        reason
    );
    assert!(
        fx.store
            .objects("t")
            .unwrap()
            .iter()
            .all(|o| !o.deprovisioned),
        "held means nothing was applied"
    );

    fx.store.approve(held.run, 250).unwrap();
    let applied = fx.run(&p, &fewer, &platform, false, 300);
    assert_eq!(applied.status, RunStatus::Ok);
    assert_eq!(applied.applied.deprovisioned, 12);
    // The approval was used up: the same situation again is held again.
    let back = source(30);
    assert_eq!(fx.run(&p, &back, &platform, false, 400).applied.updated, 12);
    let again = fx.run(&p, &fewer, &platform, false, 500);
    assert_eq!(again.status, RunStatus::Held);
}

/// A read that returns nobody changes nothing until the admin approves it;
/// the approval is for that plan, and a different plan is held again.
#[test]
fn an_empty_read_is_held_and_an_approval_covers_only_the_plan_it_saw() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    let p = scim_profile();
    let all = source(30);
    assert_eq!(
        fx.run(&p, &all, &platform, false, 100).status,
        RunStatus::Ok
    );
    let nobody = source(0);
    let held = fx.run(&p, &nobody, &platform, false, 200);
    assert_eq!(held.status, RunStatus::Held);
    assert_eq!(platform.calls.get(), 1, "a held run delivers nothing");
    assert!(
        held.guard[0].starts_with("the directory returned no users while 30 are synced (held:"),
        "{:?}",
        held.guard
    );
    // Approved, but the directory changed before the next run: held again.
    fx.store.approve(held.run, 250).unwrap();
    let one = source(18);
    let again = fx.run(&p, &one, &platform, false, 300);
    assert_eq!(again.status, RunStatus::Held, "{:?}", again.message);
    assert!(
        again
            .message
            .as_deref()
            .unwrap_or_default()
            .contains(&format!("is not the one approved in run {}", held.run.0)),
        "{:?}",
        again.message
    );
    assert_eq!(platform.calls.get(), 1);
    // The plan the admin approves is the one applied, once.
    fx.store.approve(again.run, 350).unwrap();
    let applied = fx.run(&p, &one, &platform, false, 400);
    assert_eq!(applied.status, RunStatus::Ok);
    assert_eq!(applied.applied.deprovisioned, 12);
    assert_eq!(platform.calls.get(), 2);
}

#[test]
fn a_preview_shows_what_the_guard_would_hold() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    let p = scim_profile();
    let all = source(30);
    fx.run(&p, &all, &platform, false, 100);
    let fewer = source(18);
    let preview = fx.run(&p, &fewer, &platform, true, 200);
    assert_eq!(preview.status, RunStatus::Preview);
    assert_eq!(
        preview.guard,
        ["would deprovision 12 users of 30 synced (held: over the limit of 10)"]
    );
}

#[test]
fn an_export_run_writes_the_folder_and_records_no_state() {
    let fx = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let p = profile(&format!(
        "[target]\nkind = \"export\"\nfolder = \"{}\"\n",
        out.path().display()
    ));
    let source = source(4);
    let report = fx.try_run(&p, &source, None, false, 100).unwrap();
    assert_eq!(report.status, RunStatus::Ok);
    let export = report.export.as_ref().unwrap();
    assert!(export.dir.starts_with(out.path()));
    assert!(!export.files.is_empty());
    for f in &export.files {
        assert!(f.is_file(), "{}", f.display());
    }
    let (_, message) = fx.recorded(report.run);
    assert_eq!(
        message,
        Some(format!("exported to {}", export.dir.display()))
    );
    assert!(fx.store.objects("t").unwrap().is_empty());
    assert_eq!(
        fx.store.run(report.run).unwrap().unwrap().summary.skipped,
        0
    );
}

#[test]
fn a_profile_without_a_target_is_refused_before_a_run_begins() {
    let fx = Fixture::new();
    let source = source(1);
    match fx.try_run(&profile(""), &source, None, false, 100) {
        Err(SyncError::NoTarget(name)) => assert_eq!(name, "t"),
        other => panic!("{other:?}"),
    }
    assert!(fx.store.runs(Some("t"), 10).unwrap().is_empty());
}

#[test]
fn a_run_asked_to_stop_before_applying_leaves_no_record() {
    let fx = Fixture::new();
    let platform = FakePlatform::default();
    fx.stop.request();
    let err = fx
        .try_run(&scim_profile(), &source(3), Some(&platform), false, 100)
        .unwrap_err();
    assert!(
        matches!(err, SyncError::Stopped(ref p) if p == "t"),
        "{err}"
    );
    assert_eq!(err.to_report().code, ErrorCode::Stopped);
    assert_eq!(platform.calls.get(), 0);
    assert!(fx.store.runs(None, 10).unwrap().is_empty());
    assert!(fx.finished().is_empty());
    // The lock is released and the next process's run goes ahead.
    let next = Fixture {
        stop: crate::stop::StopSignal::new(),
        ..fx
    };
    let report = next.run(&scim_profile(), &source(3), &platform, false, 200);
    assert_eq!(report.status, RunStatus::Ok);
    assert_eq!(report.applied.created, 3);
}

#[test]
fn a_run_stopped_while_applying_is_interrupted_and_the_next_makes_the_rest() {
    let fx = Fixture::new();
    let stopping = FakePlatform {
        stop_after: Some(2),
        ..FakePlatform::default()
    };
    let report = fx.run(&scim_profile(), &source(5), &stopping, false, 100);
    assert_eq!(report.status, RunStatus::Interrupted);
    assert_eq!(report.applied.created, 2);
    assert_eq!(report.applied.stopped, 3);
    let (state, message) = fx.recorded(report.run);
    assert_eq!(state, RunState::Interrupted);
    let message = message.unwrap();
    assert!(message.contains("3 changes not started"), "{message}");
    assert_eq!(fx.finished(), [RunStatus::Interrupted]);

    let next = Fixture {
        stop: crate::stop::StopSignal::new(),
        ..fx
    };
    let platform = FakePlatform::default();
    let report = next.run(&scim_profile(), &source(5), &platform, false, 200);
    assert_eq!(report.status, RunStatus::Ok);
    assert_eq!(report.plan.creates.len(), 3);
    assert_eq!(report.applied.created, 3);
}

/// Issue 20: a run's end and each object's result carry when they
/// happened, not the run's start.
#[test]
fn a_runs_end_and_its_objects_carry_their_own_times() {
    let fx = Fixture::new();
    let slow = FakePlatform {
        pause: Some(std::time::Duration::from_millis(1100)),
        ..FakePlatform::default()
    };
    let report = fx.run(&scim_profile(), &source(2), &slow, false, 100);
    assert_eq!(report.status, RunStatus::Ok);
    let run = fx.store.run(report.run).unwrap().unwrap();
    assert_eq!(run.started_at, 100);
    let results = fx.store.results(report.run).unwrap();
    assert_eq!(results.len(), 2);
    assert!(results[0].at >= 101, "{results:?}");
    assert!(results[1].at > results[0].at, "{results:?}");
    let finished = run.finished_at.unwrap();
    assert!(finished >= results[1].at, "{run:?}");
    let audit = fx.store.audit(Some("t"), 10).unwrap();
    assert!(audit.iter().all(|a| a.at > 100), "{audit:?}");
}
