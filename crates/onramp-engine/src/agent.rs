//! The headless agent: the desktop app's schedule without a window.
//!
//! `onramp agent` (and the systemd unit that starts it) runs every enabled
//! profile every `interval_minutes`, with the same jitter and catch-up rules
//! as the app ([`crate::schedule`]), and looks at the expiring credentials
//! every few minutes ([`crate::expiring`]: the daily re-checks and the
//! reminders). The runs go through a [`SyncRunner`], so a run of a profile
//! the app (or a CLI `onramp sync`) is running is skipped, not doubled: the
//! run lock of `onramp_sync::lock` is shared by every process. The app shows
//! the agent's runs, as they are in the same state store.
//!
//! Profiles are run one after another. A stop ([`StopSignal`], raised by
//! SIGTERM or SIGINT) ends the wait between ticks at once; a run in
//! progress finishes the object it is applying and stops
//! (`onramp_sync::stop`). The clock and the events' destination are passed
//! in, so the loop is the same in the CLI and in tests.

use std::sync::Arc;
use std::time::Duration;

use onramp_base::error::ToReport;
use onramp_base::paths::AppPaths;
use onramp_connector::Registry;
use onramp_profile::ProfileStore;
use onramp_secrets::SecretStore;
use onramp_sync::progress::no_progress;
use onramp_sync::stop::StopSignal;
use onramp_sync::store::{FILE_NAME, RunStatus};
use serde::Serialize;

use crate::expiring::recheck::{CredentialWatch, Rechecked, WatchSources};
use crate::notify::Notifier;
use crate::runner::SyncRunner;
use crate::schedule::{Scheduler, due_now};

/// How the agent paces itself.
#[derive(Debug, Clone, Copy)]
pub struct AgentPace {
    /// How often the schedule is looked at.
    pub tick: Duration,
    /// How often the expiring credentials are looked at, seconds.
    pub watch_every: i64,
}

impl Default for AgentPace {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(20),
            watch_every: 600,
        }
    }
}

/// What the agent did, as it happens (the CLI prints each one).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum AgentEvent {
    /// The agent is running.
    Started {
        /// The profiles folder it watches.
        profiles_dir: String,
    },
    /// A scheduled run finished (in any status).
    Ran {
        /// The profile.
        profile: String,
        /// Its run id.
        run: i64,
        /// How it ended.
        status: RunStatus,
        /// Why, when it did not simply work.
        message: Option<String>,
    },
    /// A scheduled run did not happen.
    Skipped {
        /// The profile.
        profile: String,
        /// The error code (`already_running` when another process runs it).
        code: &'static str,
        /// Why.
        message: String,
    },
    /// A credential was checked again.
    Rechecked {
        /// The profile.
        profile: String,
        /// The item.
        item: String,
        /// `confirmed`, `forgotten` or `failed`.
        outcome: &'static str,
    },
    /// An expiry reminder was sent.
    Reminded {
        /// The profile.
        profile: String,
        /// The item.
        item: String,
        /// The threshold, in days.
        threshold: u32,
        /// Whether the desktop showed it (otherwise it is in the log).
        shown: bool,
    },
    /// The expiring credentials were looked at (after their re-checks and
    /// reminders, which have events of their own).
    Watched {
        /// How many are recorded.
        credentials: usize,
    },
    /// Looking at the schedule or the credentials failed; the agent goes on.
    Problem {
        /// What went wrong.
        message: String,
    },
    /// The agent stopped, as asked.
    Stopped,
}

/// The agent's parts.
pub struct Agent {
    paths: AppPaths,
    registry: Arc<Registry>,
    secrets: Arc<dyn SecretStore>,
    notifier: Arc<dyn Notifier>,
    runner: SyncRunner,
    scheduler: Scheduler,
    watch: CredentialWatch,
    stop: StopSignal,
    pace: AgentPace,
}

impl Agent {
    /// An agent over the profiles and state under `paths`; `seed` makes
    /// the schedule's jitter (random in production), `stop` ends it.
    pub fn new(
        paths: AppPaths,
        registry: Arc<Registry>,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
        seed: u64,
        stop: StopSignal,
        pace: AgentPace,
    ) -> Self {
        let runner = SyncRunner::new(
            paths.clone(),
            registry.clone(),
            secrets.clone(),
            notifier.clone(),
        )
        .with_stop(stop.clone());
        Self {
            paths,
            registry,
            secrets,
            notifier,
            runner,
            scheduler: Scheduler::new(seed),
            watch: CredentialWatch::new(),
            stop,
            pace,
        }
    }

    /// Runs until the stop signal is raised; `now` is the clock, `events`
    /// gets what happens.
    pub async fn run(&mut self, now: &dyn Fn() -> i64, events: &dyn Fn(AgentEvent)) {
        let profiles = crate::profiles::store(&self.paths, self.registry.clone());
        events(AgentEvent::Started {
            profiles_dir: profiles.dir().display().to_string(),
        });
        let mut watched_at: Option<i64> = None;
        while !self.stop.requested() {
            self.run_due(&profiles, now, events).await;
            if self.stop.requested() {
                break;
            }
            let at = now();
            if watched_at.is_none_or(|w| at - w >= self.pace.watch_every) {
                watched_at = Some(at);
                self.watch_credentials(&profiles, at, events).await;
            }
            tokio::select! {
                () = tokio::time::sleep(self.pace.tick) => {}
                () = self.stop.wait() => {}
            }
        }
        events(AgentEvent::Stopped);
    }

    async fn run_due(
        &mut self,
        profiles: &ProfileStore,
        now: &dyn Fn() -> i64,
        events: &dyn Fn(AgentEvent),
    ) {
        let store_path = self.paths.data_dir.join(FILE_NAME);
        let due = match due_now(profiles, &store_path, &mut self.scheduler, now()) {
            Ok(due) => due,
            Err(e) => {
                events(AgentEvent::Problem {
                    message: e.to_report().message,
                });
                return;
            }
        };
        for name in due {
            if self.stop.requested() {
                return;
            }
            self.scheduler.started(&name, now());
            let result = self.runner.run(&name, now(), &no_progress).await;
            self.scheduler.finished(&name, now());
            match result {
                Ok(report) => events(AgentEvent::Ran {
                    profile: name,
                    run: report.run.0,
                    status: report.status,
                    message: report.message,
                }),
                Err(e) => {
                    let report = e.to_report();
                    tracing::info!(profile = %name, code = report.code.as_str(), "scheduled run skipped: {}", report.message);
                    events(AgentEvent::Skipped {
                        profile: name,
                        code: report.code.as_str(),
                        message: report.message,
                    });
                }
            }
        }
    }

    async fn watch_credentials(
        &mut self,
        profiles: &ProfileStore,
        now_unix: i64,
        events: &dyn Fn(AgentEvent),
    ) {
        let sources = WatchSources {
            registry: &self.registry,
            profiles,
            secrets: self.secrets.as_ref(),
            data_dir: &self.paths.data_dir,
            notifier: self.notifier.as_ref(),
        };
        match self.watch.tick(&sources, now_unix).await {
            Ok(report) => {
                for (profile, item, outcome) in report.rechecked {
                    let outcome = match outcome {
                        Rechecked::Confirmed => "confirmed",
                        Rechecked::Forgotten => "forgotten",
                        Rechecked::Failed(_) => "failed",
                    };
                    events(AgentEvent::Rechecked {
                        profile,
                        item,
                        outcome,
                    });
                }
                for sent in report.sent {
                    events(AgentEvent::Reminded {
                        profile: sent.profile,
                        item: sent.item,
                        threshold: sent.threshold,
                        shown: sent.shown,
                    });
                }
                events(AgentEvent::Watched {
                    credentials: report.credentials,
                });
            }
            Err(e) => events(AgentEvent::Problem {
                message: format!("expiring credentials: {e}"),
            }),
        }
    }
}
