//! The operations both front ends run on a profile: its setup checks, a
//! discovery, a sync. Each finds the profile's connector in the registry
//! (a kind without one gets the registry's "not supported yet"), and the
//! CLI's and the runner's refuse a missing secret before anything connects
//! (a configuration error, exit code 2), instead of a failed check or a
//! failed run.

use onramp_base::check::CheckResult;
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::paths::AppPaths;
use onramp_connector::expiry::{CredentialItem, ExpiryStore};
use onramp_connector::registry::{
    ChecksError, DiscoverError, discover as run_discovery, run_checks,
};
use onramp_connector::{
    ConnectorError, Discovery, DiscoveryKind, NotSupported, Operation, Registry, SettingError,
};
use onramp_profile::Profile;
use onramp_secrets::{SecretError, SecretStore};
use onramp_sync::progress::ProgressSink;
use onramp_sync::run::{SyncError, SyncJob, SyncReport, run_sync};
use onramp_sync::stop::StopSignal;
use onramp_sync::store::StateStore;

/// Why an operation could not run (a check that ran and failed is a result,
/// a run that ran and failed is a report).
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    /// The profile's kind has no connector for it yet.
    #[error(transparent)]
    NotSupported(#[from] NotSupported),
    /// A setting the connector cannot use.
    #[error(transparent)]
    Setting(#[from] SettingError),
    /// A secret the profile names is missing or unreadable.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The checks could not run.
    #[error(transparent)]
    Checks(#[from] ChecksError),
    /// The discovery could not run.
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// The connector failed before the run began.
    #[error(transparent)]
    Connector(#[from] ConnectorError),
    /// The run could not start or be recorded.
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl ToReport for OpError {
    fn to_report(&self) -> ErrorReport {
        match self {
            OpError::NotSupported(e) => e.to_report(),
            OpError::Setting(e) => e.to_report(),
            OpError::Secret(e) => e.to_report(),
            OpError::Checks(e) => e.to_report(),
            OpError::Discover(e) => e.to_report(),
            OpError::Connector(e) => e.to_report(),
            OpError::Sync(e) => e.to_report(),
        }
    }
}

impl OpError {
    /// The stable code, for the CLI's exit status.
    pub fn code(&self) -> ErrorCode {
        self.to_report().code
    }
}

/// Which of a profile's secrets an operation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// The connection's (the setup checks, discovery).
    Connection,
    /// The platform's (`onramp target check`).
    Target,
    /// The connection's and the platform's (a sync).
    All,
}

/// Every secret of `profile` that `needed` names is in `secrets`; the
/// first one missing or unreadable is the error.
pub fn require_secrets(
    profile: &Profile,
    secrets: &dyn SecretStore,
    needed: Needed,
) -> Result<(), SecretError> {
    let connection = match needed {
        Needed::Target => Vec::new(),
        Needed::Connection | Needed::All => profile.connection.secret_names(),
    };
    let target = profile
        .target
        .iter()
        .filter(|_| needed != Needed::Connection)
        .flat_map(|t| t.secret_names());
    for name in connection.into_iter().chain(target) {
        secrets.get(name)?;
    }
    Ok(())
}

/// What a profile's checks found.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The results, in wizard order.
    pub results: Vec<CheckResult>,
    /// The expiring credentials they showed, for the reminders.
    pub credentials: Vec<CredentialItem>,
}

/// Runs `profile`'s setup checks (all of them, or only `only`).
pub async fn check(
    registry: &Registry,
    profile: &Profile,
    secrets: &dyn SecretStore,
    only: Option<&str>,
    now_unix: i64,
) -> Result<Checked, OpError> {
    let connector = registry.for_profile(profile, Operation::Checks)?;
    connector.validate(profile)?;
    require_secrets(profile, secrets, Needed::Connection)?;
    let only = only.map(|id| [id]);
    let results = run_checks(
        connector,
        profile,
        secrets,
        only.as_ref().map(|ids| &ids[..]),
        now_unix,
    )
    .await?;
    let credentials = connector.credentials(profile, &results, now_unix);
    Ok(Checked {
        results,
        credentials,
    })
}

/// Runs again the check that saw `profile`'s expiring credential `item`
/// (the daily re-check): a target check (`target.…`) through the platform
/// client, any other through the profile's connector.
pub async fn recheck(
    registry: &Registry,
    profile: &Profile,
    secrets: &dyn SecretStore,
    item: &str,
    now_unix: i64,
) -> Result<Checked, OpError> {
    if item.starts_with("target.") {
        let Some(target) = &profile.target else {
            return Err(OpError::Setting(SettingError {
                field: "target".to_owned(),
                reason: format!(
                    "profile '{}' has no [target] table to check {item} with",
                    profile.name
                ),
            }));
        };
        require_secrets(profile, secrets, Needed::Target)?;
        let report = onramp_platform::check_target(target, secrets, now_unix).await;
        let results: Vec<CheckResult> =
            report.checks.into_iter().filter(|c| c.id == item).collect();
        let credentials = onramp_connector::expiry::certificate_items(profile, &results, now_unix);
        return Ok(Checked {
            results,
            credentials,
        });
    }
    check(registry, profile, secrets, Some(item), now_unix).await
}

/// Runs one discovery of `profile`'s connector.
pub async fn discover(
    registry: &Registry,
    profile: &Profile,
    secrets: &dyn SecretStore,
    kind: DiscoveryKind,
) -> Result<Discovery, OpError> {
    Ok(run_discovery(registry, profile, secrets, kind).await?)
}

/// A sync of `profile` through its connector's directory source.
pub struct Sync<'a> {
    /// The connectors.
    pub registry: &'a Registry,
    /// The profile.
    pub profile: &'a Profile,
    /// Where its credentials are.
    pub secrets: &'a dyn SecretStore,
    /// The state store.
    pub store: &'a StateStore,
    /// A preview changes nothing on the platform.
    pub preview: bool,
    /// The run's clock.
    pub now_unix: i64,
    /// Where progress goes.
    pub progress: ProgressSink<'a>,
    /// Raised, the run stops early (`onramp_sync::stop`).
    pub stop: StopSignal,
}

/// Runs the sync. With `require_secrets`, a missing secret is refused
/// before the run begins (the CLI and the runner); without, it fails the
/// read and the run (the wizard's preview, whose secrets may be staged).
pub async fn sync(job: Sync<'_>, require: bool) -> Result<SyncReport, OpError> {
    let connector = job.registry.for_profile(job.profile, Operation::Sync)?;
    connector.validate(job.profile)?;
    if require {
        require_secrets(job.profile, job.secrets, Needed::All)?;
    }
    let source = connector.directory_source(job.profile)?;
    let run = SyncJob::new(
        job.profile,
        source.as_ref(),
        job.secrets,
        job.store,
        job.preview,
        job.now_unix,
    )
    .with_progress(job.progress)
    .with_stop(job.stop);
    Ok(run_sync(run).await?)
}

/// Records the expiring credentials the checks showed; a failure to record
/// is logged, never a reason to fail the checks that produced them.
pub fn record_credentials(paths: &AppPaths, items: Vec<CredentialItem>) {
    match ExpiryStore::new(&paths.data_dir).record(items) {
        Ok(0) => {}
        Ok(count) => tracing::info!(count, "recorded expiring credentials"),
        Err(e) => tracing::warn!("cannot record the expiring credentials: {e}"),
    }
}

/// Which checks a results file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckSet {
    /// The connector's setup checks (`onramp check`).
    Setup,
    /// The platform target's (`onramp target check`).
    Target,
}

/// Where the last check results of profile `name` are kept (for the
/// diagnostic bundle): `<data>/checks/<name>.json` and `<name>.target.json`.
pub fn checks_file(paths: &AppPaths, name: &str, set: CheckSet) -> std::path::PathBuf {
    let file = match set {
        CheckSet::Setup => format!("{name}.json"),
        CheckSet::Target => format!("{name}.target.json"),
    };
    paths.data_dir.join("checks").join(file)
}

/// Keeps `results` as the last check results of `profile_name`, replacing
/// the file atomically; a failure is logged, never a failed check.
pub fn record_checks(
    paths: &AppPaths,
    profile_name: &str,
    set: CheckSet,
    results: &[CheckResult],
    now_unix: i64,
) {
    let path = checks_file(paths, profile_name, set);
    let write = || -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(&paths.data_dir);
        std::fs::create_dir_all(dir)?;
        let text = serde_json::to_string_pretty(&serde_json::json!({
            "profile": profile_name,
            "checked": crate::expiring::utc(now_unix),
            "results": results,
        }))
        .map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    if let Err(e) = write() {
        tracing::warn!("cannot keep the check results in {}: {e}", path.display());
    }
}
