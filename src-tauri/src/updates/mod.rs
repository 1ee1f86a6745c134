//! Signed updates, through `tauri-plugin-updater`.
//!
//! The plugin does the protocol: it fetches the release manifest, compares
//! versions, downloads the artifact and verifies its minisign signature
//! against the public key compiled into the app (`plugins.updater.pubkey` in
//! `tauri.conf.json`), with the signature bound to the announced version
//! (`requireSignedVersion`). This module decides *when* and *whether*:
//!
//! - where from: the built-in endpoint, or `url` in `updates.toml`
//!   (`onramp_engine::updates`), fetched over our own rustls configuration
//!   (the OS trust store plus that file's `ca_file`; never unverified);
//! - when: a check on start and daily (`automatic = false` turns that off),
//!   and on the admin's "Check for updates";
//! - what the admin sees: one [`UpdateStatus`], with the offer's notes, or
//!   why there is none, in words (`errors.rs`);
//! - installing only on the admin's click, never while a sync runs: the
//!   runner's hold turns new runs away until the install is done, and an
//!   install is refused while one is in progress.
//!
//! A failure of any step leaves the app as it was: the status says what
//! happened and the scheduler goes on.

mod errors;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use onramp_engine::error::{ErrorCode, ErrorReport, ToReport};
use onramp_engine::runner::SyncRunner;
use onramp_engine::updates::{UpdateSettings, check_due};
use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};
use ts_rs::TS;

/// How long one request to the update server may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the update process is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UpdatePhase {
    /// No check has been made since the app started.
    NotChecked,
    /// A check is in progress.
    Checking,
    /// This build has no update server, and `updates.toml` names none.
    NotConfigured,
    /// The server's newest release is not newer than this one.
    UpToDate,
    /// A newer release is offered.
    Available,
    /// The offered release is being downloaded, verified and installed.
    Installing,
    /// It is installed; it runs after a restart.
    Installed,
    /// The last check or install failed (`error` says why).
    Failed,
}

/// A release newer than this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UpdateOffer {
    /// Its version.
    pub version: String,
    /// The release notes the server sent.
    pub notes: Option<String>,
    /// When it was published (Unix seconds), if the server said.
    pub published_at: Option<i64>,
}

/// What the Settings view and the update banner show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct UpdateStatus {
    /// This build's version.
    pub current_version: String,
    /// Where things are.
    pub phase: UpdatePhase,
    /// The release offered, while there is one (also while installing and
    /// after a failed install, which can be tried again).
    pub offer: Option<UpdateOffer>,
    /// The server's newest version when it is not newer than this one (an
    /// older one is a downgrade, never offered).
    pub newest: Option<String>,
    /// When the last check ended (Unix seconds).
    pub checked_at: Option<i64>,
    /// Why the last check or install failed.
    pub error: Option<ErrorReport>,
    /// Whether the app checks on start and daily.
    pub automatic: bool,
}

/// The app's updater: the status shown, and the release offered.
pub struct Updates {
    inner: Mutex<Inner>,
    /// Where an update is written on Linux and Windows; `None`: where the
    /// plugin finds the app (the running executable or AppImage). Tests
    /// point it at a file of their own.
    install_to: Option<PathBuf>,
}

struct Inner {
    status: UpdateStatus,
    offered: Option<Update>,
    /// The last automatic check: when, and whether it got an answer.
    last_automatic: Option<(i64, bool)>,
}

impl Updates {
    /// The updater of a build at `current_version`, installing to the app's
    /// own location or to `install_to`.
    pub fn new(current_version: String, install_to: Option<PathBuf>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                status: UpdateStatus {
                    current_version,
                    phase: UpdatePhase::NotChecked,
                    offer: None,
                    newest: None,
                    checked_at: None,
                    error: None,
                    automatic: true,
                },
                offered: None,
                last_automatic: None,
            }),
            install_to,
        }
    }

    /// What to show now.
    pub fn status(&self) -> UpdateStatus {
        self.lock().status.clone()
    }

    /// Checks for an update if an automatic check is due at `now` and the
    /// settings allow it; the new status when a check was made.
    pub async fn check_if_due<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        config_dir: &Path,
        now: i64,
    ) -> Option<UpdateStatus> {
        let settings = UpdateSettings::load(config_dir);
        if let Ok(s) = &settings {
            let mut inner = self.lock();
            inner.status.automatic = s.automatic;
            if !s.automatic || !check_due(inner.last_automatic, now) {
                return None;
            }
        }
        let status = self.check_with(app, settings, now).await;
        let answered = !matches!(status.phase, UpdatePhase::Failed);
        self.lock().last_automatic = Some((now, answered));
        Some(status)
    }

    /// Checks for an update now (the admin asked).
    pub async fn check<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        config_dir: &Path,
        now: i64,
    ) -> UpdateStatus {
        self.check_with(app, UpdateSettings::load(config_dir), now)
            .await
    }

    async fn check_with<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        settings: Result<UpdateSettings, onramp_engine::updates::UpdateSettingsError>,
        now: i64,
    ) -> UpdateStatus {
        {
            let mut inner = self.lock();
            if matches!(
                inner.status.phase,
                UpdatePhase::Checking | UpdatePhase::Installing | UpdatePhase::Installed
            ) {
                return inner.status.clone();
            }
            inner.status.phase = UpdatePhase::Checking;
        }
        let settings = match settings {
            Ok(s) => s,
            Err(e) => return self.failed(e.to_report(), now),
        };
        self.lock().status.automatic = settings.automatic;
        let newest = Arc::new(Mutex::new(None::<String>));
        let updater = match self.updater(app, &settings, newest.clone()) {
            Ok(Some(u)) => u,
            Ok(None) => {
                let mut inner = self.lock();
                inner.offered = None;
                inner.status = UpdateStatus {
                    phase: UpdatePhase::NotConfigured,
                    offer: None,
                    newest: None,
                    checked_at: Some(now),
                    error: None,
                    ..inner.status.clone()
                };
                return inner.status.clone();
            }
            Err(report) => return self.failed(report, now),
        };
        let server = settings.url.as_ref();
        match updater.check().await {
            Ok(Some(update)) => {
                tracing::info!(version = %update.version, "update available");
                let offer = offer_of(&update);
                let mut inner = self.lock();
                inner.offered = Some(update);
                inner.status = UpdateStatus {
                    phase: UpdatePhase::Available,
                    offer: Some(offer),
                    newest: None,
                    checked_at: Some(now),
                    error: None,
                    ..inner.status.clone()
                };
                inner.status.clone()
            }
            Ok(None) => {
                let newest = newest.lock().unwrap_or_else(|p| p.into_inner()).clone();
                tracing::info!(newest = ?newest, "no newer release");
                let mut inner = self.lock();
                inner.offered = None;
                inner.status = UpdateStatus {
                    phase: UpdatePhase::UpToDate,
                    offer: None,
                    newest,
                    checked_at: Some(now),
                    error: None,
                    ..inner.status.clone()
                };
                inner.status.clone()
            }
            Err(e) => {
                let report = errors::check_failed(&e, server);
                tracing::warn!("update check failed: {}", report.message);
                self.failed(report, now)
            }
        }
    }

    /// Downloads, verifies and installs the offered release. Refused while
    /// a sync runs; new runs are held off until it is done. Nothing is
    /// written unless the signature verifies.
    pub async fn install(&self, runner: &SyncRunner) -> Result<UpdateStatus, ErrorReport> {
        let update = {
            let inner = self.lock();
            let Some(update) = inner.offered.clone() else {
                return Err(ErrorReport::new(
                    ErrorCode::InvalidInput,
                    "no update is offered; check for updates first",
                ));
            };
            if inner.status.phase == UpdatePhase::Installing {
                return Err(ErrorReport::new(
                    ErrorCode::AlreadyRunning,
                    "the update is being installed already",
                ));
            }
            update
        };
        let _hold = runner
            .hold("an update is installed")
            .map_err(|e| e.to_report())?;
        self.lock().status.phase = UpdatePhase::Installing;
        tracing::info!(version = %update.version, "installing update");
        let bytes = match update.download(|_, _| {}, || {}).await {
            Ok(bytes) => bytes,
            Err(e) => {
                let report = errors::download_failed(&e, &update);
                tracing::warn!("update not installed: {}", report.message);
                return Err(self.install_failed(report));
            }
        };
        let installer = update.clone();
        let installed = tauri::async_runtime::spawn_blocking(move || installer.install(bytes))
            .await
            .map_err(|e| {
                ErrorReport::new(ErrorCode::Internal, format!("the install task ended: {e}"))
            })
            .and_then(|r| r.map_err(|e| errors::install_failed(&e)));
        match installed {
            Ok(()) => {
                tracing::info!(version = %update.version, "update installed");
                let mut inner = self.lock();
                inner.offered = None;
                inner.status.phase = UpdatePhase::Installed;
                inner.status.error = None;
                Ok(inner.status.clone())
            }
            Err(report) => {
                tracing::warn!("update not installed: {}", report.message);
                Err(self.install_failed(report))
            }
        }
    }

    /// The plugin's updater for `settings`; `None` when there is no server.
    fn updater<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        settings: &UpdateSettings,
        newest: Arc<Mutex<Option<String>>>,
    ) -> Result<Option<Updater>, ErrorReport> {
        let tls = onramp_engine::tls::client_config(settings.ca_file.as_deref()).map_err(|e| {
            ErrorReport::new(ErrorCode::InvalidInput, format!("updates.toml: {e}"))
                .with_remediation(vec![
                    "Set `ca_file` in updates.toml to a readable PEM certificate, or remove it."
                        .to_owned(),
                ])
        })?;
        let mut config = (*tls.config).clone();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let mut builder = app
            .updater_builder()
            .timeout(REQUEST_TIMEOUT)
            .configure_client(move |client| client.tls_backend_preconfigured(config.clone()))
            .version_comparator(move |current, release| {
                *newest.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some(release.version.to_string());
                release.version > current
            });
        if let Some(url) = &settings.url {
            builder = builder
                .endpoints(vec![url.clone()])
                .map_err(|e| errors::check_failed(&e, Some(url)))?;
        }
        if let Some(path) = &self.install_to {
            builder = builder.executable_path(path);
        }
        match builder.build() {
            Ok(updater) => Ok(Some(updater)),
            Err(tauri_plugin_updater::Error::EmptyEndpoints) => Ok(None),
            Err(e) => Err(errors::check_failed(&e, settings.url.as_ref())),
        }
    }

    fn failed(&self, report: ErrorReport, now: i64) -> UpdateStatus {
        let mut inner = self.lock();
        inner.offered = None;
        inner.status = UpdateStatus {
            phase: UpdatePhase::Failed,
            offer: None,
            newest: None,
            checked_at: Some(now),
            error: Some(report),
            ..inner.status.clone()
        };
        inner.status.clone()
    }

    /// An install that did not happen: the offer stays, to be tried again.
    fn install_failed(&self, report: ErrorReport) -> ErrorReport {
        let mut inner = self.lock();
        inner.status.phase = UpdatePhase::Failed;
        inner.status.error = Some(report.clone());
        report
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn offer_of(update: &Update) -> UpdateOffer {
    UpdateOffer {
        version: update.version.clone(),
        notes: update.body.clone().filter(|n| !n.trim().is_empty()),
        published_at: update.date.map(|d| d.unix_timestamp()),
    }
}
