//! Running a profile's sync the way the desktop app does: one run per
//! profile at a time, progress reported, incidents notified.
//!
//! The desktop shell holds one [`SyncRunner`] and starts every run through
//! it, scheduled or "Sync Now", so two runs of one profile never overlap
//! (the state store would mark the first as interrupted). The slot a run
//! takes is released by a guard when the run ends, however it ends: a
//! result, an error, or a panic.
//!
//! After the run is recorded, it is compared with the profile's previous
//! applying run ([`crate::notify::incident_notification`]); a new incident
//! is sent to the [`Notifier`]. A notification that cannot be shown is
//! logged and does not change the run's outcome.
//!
//! [`SyncRunner::run`] works on the SQLite state store and the profile files
//! directly, and its future holds the store across awaits (it is not
//! `Send`): drive it with [`onramp_base::runtime::block_on`] on a thread of its
//! own or of the blocking pool, as the CLI and the desktop shell do, never
//! on an async worker thread.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::paths::AppPaths;
use onramp_connector::Registry;
use onramp_profile::{Profile, ProfileError, validate_profile_name};
use onramp_secrets::SecretStore;
use onramp_sync::progress::ProgressSink;
use onramp_sync::run::SyncReport;
use onramp_sync::stop::StopSignal;
use onramp_sync::store::{FILE_NAME, RunId, StateStore, StoreError};

use crate::notify::{Notifier, incident_notification, previous_apply_run};
use crate::ops::{self, OpError};

/// Why a run did not happen (a run that happened and failed is a
/// [`SyncReport`] with status `failed`).
#[derive(Debug, thiserror::Error)]
pub enum RunnerError {
    /// A run of this profile is in progress.
    #[error("a sync of profile '{0}' is already running; wait for it to finish")]
    AlreadyRunning(String),
    /// The profile does not exist or does not validate.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The state store cannot be opened.
    #[error("cannot open the state store: {0}")]
    Store(#[from] StoreError),
    /// The sync could not start or record its run.
    #[error(transparent)]
    Sync(#[from] OpError),
    /// Runs are held off for a while (an update is being installed).
    #[error("syncs are held while {0}; the run starts at its next due time")]
    Held(&'static str),
    /// Something that must not overlap a sync was asked for while one runs.
    #[error("a sync of {} is running; try again when it has finished", .0.join(", "))]
    Busy(Vec<String>),
}

impl ToReport for RunnerError {
    fn to_report(&self) -> ErrorReport {
        match self {
            RunnerError::AlreadyRunning(_) | RunnerError::Held(_) | RunnerError::Busy(_) => {
                ErrorReport::new(ErrorCode::AlreadyRunning, self.to_string())
            }
            RunnerError::Profile(e) => e.to_report(),
            RunnerError::Store(_) => ErrorReport::new(ErrorCode::Io, self.to_string()),
            RunnerError::Sync(e) => e.to_report(),
        }
    }
}

/// Runs syncs of the profiles under one [`AppPaths`], one at a time per
/// profile.
pub struct SyncRunner {
    paths: AppPaths,
    registry: Arc<Registry>,
    secrets: Arc<dyn SecretStore>,
    notifier: Arc<dyn Notifier>,
    slots: Mutex<Slots>,
    stop: StopSignal,
}

/// The runs in progress, and whether new ones are held off.
#[derive(Default)]
struct Slots {
    running: HashSet<String>,
    held: Option<&'static str>,
}

impl SyncRunner {
    /// A runner for the profiles and state store under `paths`, syncing
    /// through `registry`'s connectors, reading credentials from `secrets`
    /// and telling the admin about incidents through `notifier`.
    pub fn new(
        paths: AppPaths,
        registry: Arc<Registry>,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
    ) -> Self {
        Self {
            paths,
            registry,
            secrets,
            notifier,
            slots: Mutex::new(Slots::default()),
            stop: StopSignal::new(),
        }
    }

    /// The same runner, its runs stopping early when `stop` is raised (a
    /// shutdown): the current object is finished, nothing more is started.
    pub fn with_stop(self, stop: StopSignal) -> Self {
        Self { stop, ..self }
    }

    /// Whether a run of `profile_name` is in progress.
    pub fn is_running(&self, profile_name: &str) -> bool {
        self.lock().running.contains(profile_name)
    }

    /// Holds off every new run while the returned guard lives, `why` saying
    /// what for (shown to a run that is turned away). Fails with
    /// [`RunnerError::Busy`] when runs are in progress: the caller waits for
    /// them rather than cutting one short.
    pub fn hold(&self, why: &'static str) -> Result<RunHold<'_>, RunnerError> {
        let mut slots = self.lock();
        if !slots.running.is_empty() {
            let mut names: Vec<String> = slots.running.iter().cloned().collect();
            names.sort();
            return Err(RunnerError::Busy(names));
        }
        if let Some(other) = slots.held {
            return Err(RunnerError::Held(other));
        }
        slots.held = Some(why);
        Ok(RunHold { runner: self })
    }

    /// Syncs profile `profile_name` (applying, not a preview) at `now_unix`,
    /// reporting progress to `progress`, and notifies a new incident.
    ///
    /// Fails with [`RunnerError::AlreadyRunning`] at once if a run of the
    /// profile is in progress. `profile_name` is a name in the profiles
    /// folder, not a path.
    pub async fn run(
        &self,
        profile_name: &str,
        now_unix: i64,
        progress: ProgressSink<'_>,
    ) -> Result<SyncReport, RunnerError> {
        validate_profile_name(profile_name)?;
        let _slot = self.claim(profile_name)?;
        let profile =
            crate::profiles::store(&self.paths, self.registry.clone()).load(profile_name)?;
        let store = StateStore::open(&self.paths.data_dir.join(FILE_NAME))?;
        let report = ops::sync(
            ops::Sync {
                registry: &self.registry,
                profile: &profile,
                secrets: self.secrets.as_ref(),
                store: &store,
                preview: false,
                now_unix,
                progress,
                stop: self.stop.clone(),
            },
            true,
        )
        .await?;
        self.notify_incident(&profile, &store, report.run);
        Ok(report)
    }

    /// Sends the notification run `run` deserves, if any. Nothing here can
    /// fail the run: it is recorded already.
    fn notify_incident(&self, profile: &Profile, store: &StateStore, run: RunId) {
        let looked_up = store.run(run).and_then(|current| match current {
            Some(current) => {
                let previous = previous_apply_run(store, &current)?;
                Ok(Some((current, previous)))
            }
            None => Ok(None),
        });
        let (current, previous) = match looked_up {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(profile = %profile.name, run = run.0, "cannot decide on a notification: {e}");
                return;
            }
        };
        let Some(notification) =
            incident_notification(&profile.display_name, previous.as_ref(), &current)
        else {
            return;
        };
        match self.notifier.notify(&notification) {
            Ok(()) => {
                tracing::info!(profile = %profile.name, run = run.0, summary = %notification.summary, "notified")
            }
            Err(e) => {
                tracing::warn!(profile = %profile.name, run = run.0, "notification not shown: {e}")
            }
        }
    }

    fn claim(&self, profile_name: &str) -> Result<Slot<'_>, RunnerError> {
        let mut slots = self.lock();
        if let Some(why) = slots.held {
            return Err(RunnerError::Held(why));
        }
        if !slots.running.insert(profile_name.to_owned()) {
            return Err(RunnerError::AlreadyRunning(profile_name.to_owned()));
        }
        Ok(Slot {
            runner: self,
            name: profile_name.to_owned(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // The set stays consistent even if a holder panicked.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// New runs held off; released on drop.
pub struct RunHold<'a> {
    runner: &'a SyncRunner,
}

impl Drop for RunHold<'_> {
    fn drop(&mut self) {
        self.runner.lock().held = None;
    }
}

/// A profile's running slot; released on drop, also when unwinding.
struct Slot<'a> {
    runner: &'a SyncRunner,
    name: String,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.runner.lock().running.remove(&self.name);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;

    use super::*;
    use crate::notify::{Notification, NotifyError, Opens};
    use onramp_secrets::{MemoryStore, Secret, SecretName};
    use onramp_sync::progress::{SyncPhase, SyncProgress};
    use onramp_sync::store::RunStatus;

    const T0: i64 = 1_700_000_000;

    /// Keeps every notification; fails them all when `fail` is set.
    #[derive(Default)]
    struct Capture {
        seen: Mutex<Vec<Notification>>,
        fail: bool,
    }

    impl Notifier for Capture {
        fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
            self.seen.lock().unwrap().push(n.clone());
            if self.fail {
                return Err(NotifyError::NoServer {
                    detail: "org.freedesktop.DBus.Error.ServiceUnknown: test".into(),
                });
            }
            Ok(())
        }
    }

    impl Capture {
        fn seen(&self) -> Vec<Notification> {
            self.seen.lock().unwrap().clone()
        }
    }

    /// A port on loopback nothing listens on (bound, then released).
    fn closed_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    struct Setup {
        _dir: tempfile::TempDir,
        runner: Arc<SyncRunner>,
        notifier: Arc<Capture>,
    }

    /// A runner with profile `corp`: an LDAP directory on a closed port, so
    /// every run fails reading it.
    fn setup(fail_notifications: bool) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(dir.path());
        let profile = format!(
            "kind = \"ldap\"\ndisplay_name = \"Corp Directory\"\n\n[connection]\n\
             url = \"ldap://127.0.0.1:{}\"\nbase_dn = \"dc=corp,dc=test\"\n\
             bind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n\
             timeout_seconds = 5\n\n[target]\nurl = \"http://127.0.0.1:{}/scim/v2\"\n\
             auth = \"bearer\"\ntoken_secret = \"platform\"\n",
            closed_port(),
            closed_port()
        );
        onramp_profile::ProfileStore::new(paths.profiles_dir())
            .save("corp", &profile, false)
            .unwrap();
        let secrets = MemoryStore::new();
        for name in ["bind", "platform"] {
            secrets
                .set(
                    &SecretName::new(name).unwrap(),
                    &Secret::new("not-a-real-secret".to_owned()),
                )
                .unwrap();
        }
        let notifier = Arc::new(Capture {
            fail: fail_notifications,
            ..Capture::default()
        });
        let runner = Arc::new(SyncRunner::new(
            paths,
            Arc::new(crate::registry()),
            Arc::new(secrets),
            notifier.clone(),
        ));
        Setup {
            _dir: dir,
            runner,
            notifier,
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_failing_profile_notifies_once_per_incident() {
        let s = setup(false);
        let rt = runtime();
        let events = Mutex::new(Vec::new());
        let sink = |e: SyncProgress| events.lock().unwrap().push(e);
        let first = rt.block_on(s.runner.run("corp", T0, &sink)).unwrap();
        assert_eq!(first.status, RunStatus::Failed);
        let message = first.message.clone().unwrap();
        assert!(
            message.starts_with("reading the directory failed"),
            "{message}"
        );
        let seen = s.notifier.seen();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert_eq!(seen[0].summary, "Sync failed: Corp Directory");
        assert_eq!(seen[0].body, message);
        assert_eq!(seen[0].profile, "corp");
        assert_eq!(seen[0].opens, Opens::Run(first.run));
        assert!(!seen[0].body.contains("not-a-real-secret"));

        let events = events.into_inner().unwrap();
        assert_eq!(
            events.first(),
            Some(&SyncProgress::Started {
                profile: "corp".into()
            })
        );
        assert!(events.contains(&SyncProgress::Phase {
            phase: SyncPhase::Reading,
            done: 0,
            total: 0
        }));
        assert_eq!(
            events.last(),
            Some(&SyncProgress::Finished {
                run: first.run,
                status: RunStatus::Failed
            })
        );

        // Fifteen minutes later, still failing: the same incident.
        let second = rt
            .block_on(s.runner.run("corp", T0 + 900, &|_| {}))
            .unwrap();
        assert_eq!(second.status, RunStatus::Failed);
        assert!(second.run > first.run);
        assert_eq!(s.notifier.seen().len(), 1);
        assert!(!s.runner.is_running("corp"));
    }

    /// Starts a run of `corp` on a thread of its own and returns once it
    /// has started; it goes on when the returned barrier is passed.
    fn run_paused_at_start(
        runner: &Arc<SyncRunner>,
    ) -> (
        std::thread::JoinHandle<Result<onramp_sync::run::SyncReport, RunnerError>>,
        Arc<Barrier>,
    ) {
        let in_run = Arc::new(Barrier::new(2));
        let tried = Arc::new(Barrier::new(2));
        let first = {
            let runner = runner.clone();
            let (in_run, tried) = (in_run.clone(), tried.clone());
            std::thread::spawn(move || {
                let hold = move |e: SyncProgress| {
                    if matches!(e, SyncProgress::Started { .. }) {
                        in_run.wait();
                        tried.wait();
                    }
                };
                runtime().block_on(runner.run("corp", T0, &hold))
            })
        };
        in_run.wait();
        (first, tried)
    }

    #[test]
    fn a_second_run_of_a_running_profile_is_refused() {
        let s = setup(false);
        let (first, tried) = run_paused_at_start(&s.runner);
        assert!(s.runner.is_running("corp"));
        let second = runtime().block_on(s.runner.run("corp", T0, &|_| {}));
        tried.wait();
        let err = second.unwrap_err();
        assert!(
            matches!(err, RunnerError::AlreadyRunning(ref name) if name == "corp"),
            "{err:?}"
        );
        assert_eq!(err.to_report().code, ErrorCode::AlreadyRunning);
        let first = first.join().unwrap().unwrap();
        assert_eq!(first.status, RunStatus::Failed);
        // The slot is free again, and the refused run recorded nothing.
        assert!(!s.runner.is_running("corp"));
        let again = runtime()
            .block_on(s.runner.run("corp", T0 + 900, &|_| {}))
            .unwrap();
        assert_eq!(again.run.0, first.run.0 + 1);
    }

    #[test]
    fn a_hold_waits_for_running_syncs_and_turns_new_ones_away() {
        let s = setup(false);
        let (first, tried) = run_paused_at_start(&s.runner);
        let busy = s.runner.hold("an update is installed").err().unwrap();
        assert!(
            matches!(busy, RunnerError::Busy(ref names) if names == &["corp"]),
            "{busy:?}"
        );
        tried.wait();
        first.join().unwrap().unwrap();

        let hold = s.runner.hold("an update is installed").unwrap();
        let refused = runtime()
            .block_on(s.runner.run("corp", T0 + 900, &|_| {}))
            .unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("held while an update is installed"),
            "{refused}"
        );
        assert!(matches!(
            s.runner.hold("another"),
            Err(RunnerError::Held("an update is installed"))
        ));
        drop(hold);
        let report = runtime()
            .block_on(s.runner.run("corp", T0 + 1800, &|_| {}))
            .unwrap();
        assert_eq!(report.status, RunStatus::Failed);
    }

    #[test]
    fn the_slot_is_released_after_a_panic_and_an_error() {
        let s = setup(false);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime().block_on(s.runner.run("corp", T0, &|_| panic!("progress sink broke")))
        }));
        assert!(panicked.is_err());
        assert!(!s.runner.is_running("corp"));

        let err = runtime()
            .block_on(s.runner.run("nope", T0, &|_| {}))
            .unwrap_err();
        assert_eq!(err.to_report().code, ErrorCode::ProfileNotFound, "{err}");
        assert!(!s.runner.is_running("nope"));
        let err = runtime()
            .block_on(s.runner.run("../corp", T0, &|_| {}))
            .unwrap_err();
        assert!(matches!(err, RunnerError::Profile(_)), "{err:?}");

        let report = runtime()
            .block_on(s.runner.run("corp", T0 + 900, &|_| {}))
            .unwrap();
        assert_eq!(report.status, RunStatus::Failed);
    }

    #[test]
    fn a_notifier_error_does_not_change_the_run() {
        let s = setup(true);
        let report = runtime()
            .block_on(s.runner.run("corp", T0, &|_| {}))
            .unwrap();
        assert_eq!(report.status, RunStatus::Failed);
        assert_eq!(s.notifier.seen().len(), 1, "it was tried");
    }
}
