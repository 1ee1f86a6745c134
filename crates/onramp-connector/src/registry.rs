//! The one index over every connector, and the rules every connector's
//! checks follow when they run.
//!
//! The engine builds the registry with one line per connector; the wizard,
//! the CLI and the desktop ask it which connector serves a profile, which
//! checks exist and what to do with a kind that has no connector yet (the
//! one "not supported yet" error, from [`NotSupported`]).

use onramp_base::check::{CheckResult, CheckStatus};
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_profile::{IntegrationKind, Profile};
use onramp_secrets::SecretStore;

use crate::connector::{CheckSpec, Connector, ConnectorError, SettingError};
use crate::discovery::{Discovery, DiscoveryKind};

/// What was asked of a kind that has no connector for it yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Setup checks (`onramp check`, a wizard step).
    Checks,
    /// A discovery (`onramp discover`, a wizard picker).
    Discovery(DiscoveryKind),
    /// A directory sync.
    Sync,
}

impl Operation {
    fn describe(self) -> String {
        match self {
            Operation::Checks => "running setup checks on".to_owned(),
            Operation::Discovery(k) => format!("discovering {} in", k.id()),
            Operation::Sync => "syncing".to_owned(),
        }
    }
}

/// The kind has no connector for the operation yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {} profiles is not supported yet{}", .operation.describe(), .kind.label(), supported_list(.supported))]
pub struct NotSupported {
    /// The profile's kind.
    pub kind: IntegrationKind,
    /// What was asked.
    pub operation: Operation,
    /// The kinds that have it, for the message.
    pub supported: Vec<IntegrationKind>,
}

fn supported_list(kinds: &[IntegrationKind]) -> String {
    if kinds.is_empty() {
        return String::new();
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.id()).collect();
    format!("; the kinds that have it: {}", names.join(", "))
}

impl ToReport for NotSupported {
    fn to_report(&self) -> ErrorReport {
        ErrorReport::new(ErrorCode::NotSupported, self.to_string())
    }
}

/// `ids` named a check the connector does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown check '{id}'; the checks are: {known}")]
pub struct UnknownCheck {
    /// The id asked for.
    pub id: String,
    /// Every id there is, comma-separated.
    pub known: String,
}

impl ToReport for UnknownCheck {
    fn to_report(&self) -> ErrorReport {
        ErrorReport::new(ErrorCode::InvalidInput, self.to_string())
    }
}

/// Every connector the engine has.
pub struct Registry {
    connectors: Vec<Box<dyn Connector>>,
}

impl Registry {
    /// A registry of `connectors`; a kind served by two is a bug, caught by
    /// the engine's tests.
    pub fn new(connectors: Vec<Box<dyn Connector>>) -> Self {
        Self { connectors }
    }

    /// The connector serving `kind`, if there is one.
    pub fn find(&self, kind: IntegrationKind) -> Option<&dyn Connector> {
        self.connectors
            .iter()
            .find(|c| c.kinds().contains(&kind))
            .map(|c| c.as_ref())
    }

    /// The connector serving `profile` for `operation`, or the one
    /// "not supported yet" error.
    pub fn for_profile(
        &self,
        profile: &Profile,
        operation: Operation,
    ) -> Result<&dyn Connector, NotSupported> {
        let offers = |c: &dyn Connector| match operation {
            Operation::Checks => !c.checks().is_empty(),
            Operation::Discovery(kind) => c.discoveries().contains(&kind),
            Operation::Sync => c.syncs(),
        };
        match self.find(profile.kind) {
            Some(c) if offers(c) => Ok(c),
            _ => Err(NotSupported {
                kind: profile.kind,
                operation,
                supported: self
                    .connectors
                    .iter()
                    .filter(|c| offers(c.as_ref()))
                    .flat_map(|c| c.kinds().iter().copied())
                    .collect(),
            }),
        }
    }

    /// Every check of every connector, each connector's in wizard order.
    pub fn checks(&self) -> impl Iterator<Item = &'static CheckSpec> + '_ {
        self.connectors.iter().flat_map(|c| c.checks().iter())
    }

    /// Every check id, in registry order.
    pub fn check_ids(&self) -> Vec<&'static str> {
        self.checks().map(|c| c.id).collect()
    }

    /// The connector that runs check `id`, with its place in the registry
    /// (what tells two connectors apart), if any.
    pub fn connector_of_check(&self, id: &str) -> Option<(usize, &dyn Connector)> {
        self.connectors
            .iter()
            .enumerate()
            .find(|(_, c)| c.checks().iter().any(|s| s.id == id))
            .map(|(i, c)| (i, c.as_ref()))
    }

    /// Every connector, in registry order.
    pub fn connectors(&self) -> impl Iterator<Item = &dyn Connector> + '_ {
        self.connectors.iter().map(|c| c.as_ref())
    }

    /// Validates what `profile` gives its connector; a kind without a
    /// connector has nothing more to validate.
    pub fn validate(&self, profile: &Profile) -> Result<(), SettingError> {
        match self.find(profile.kind) {
            Some(c) => c.validate(profile),
            None => Ok(()),
        }
    }
}

/// Runs `connector`'s checks named in `ids` (all of them when `ids` is
/// `None`) against `profile`, in the connector's order. A check whose
/// prerequisite ran in this call and failed is skipped and names it; an
/// unknown id is an error before anything runs.
pub async fn run_checks(
    connector: &dyn Connector,
    profile: &Profile,
    secrets: &dyn SecretStore,
    ids: Option<&[&str]>,
    now_unix: i64,
) -> Result<Vec<CheckResult>, ChecksError> {
    let specs = connector.checks();
    if let Some(ids) = ids
        && let Some(id) = ids.iter().find(|id| !specs.iter().any(|s| s.id == **id))
    {
        return Err(ChecksError::Unknown(UnknownCheck {
            id: (*id).to_owned(),
            known: specs.iter().map(|s| s.id).collect::<Vec<_>>().join(", "),
        }));
    }
    connector.validate(profile).map_err(ChecksError::Setting)?;
    let mut session = connector
        .check_session(profile, secrets, now_unix)
        .map_err(ChecksError::Connector)?;
    let mut results: Vec<CheckResult> = Vec::new();
    for spec in specs {
        if ids.is_some_and(|ids| !ids.contains(&spec.id)) {
            continue;
        }
        let failed = spec.prerequisites().find(|p| {
            results
                .iter()
                .any(|r| r.id == *p && r.status == CheckStatus::Fail)
        });
        let result = match failed {
            Some(p) => CheckResult::skipped(spec.id, format!("not run: needs {p}, which failed")),
            None => session.run(spec.id).await,
        };
        results.push(result);
    }
    Ok(results)
}

/// Why a connector's checks could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum ChecksError {
    /// An id that is not one of the connector's checks.
    #[error(transparent)]
    Unknown(UnknownCheck),
    /// The profile's settings do not validate.
    #[error(transparent)]
    Setting(SettingError),
    /// The connector could not prepare its checks.
    #[error(transparent)]
    Connector(ConnectorError),
}

impl ToReport for ChecksError {
    fn to_report(&self) -> ErrorReport {
        match self {
            ChecksError::Unknown(e) => e.to_report(),
            ChecksError::Setting(e) => e.to_report(),
            ChecksError::Connector(e) => e.to_report(),
        }
    }
}

/// Runs one discovery of `profile`'s connector.
pub async fn discover(
    registry: &Registry,
    profile: &Profile,
    secrets: &dyn SecretStore,
    kind: DiscoveryKind,
) -> Result<Discovery, DiscoverError> {
    let connector = registry
        .for_profile(profile, Operation::Discovery(kind))
        .map_err(DiscoverError::NotSupported)?;
    connector
        .validate(profile)
        .map_err(DiscoverError::Setting)?;
    connector
        .discover(profile, secrets, kind)
        .await
        .map_err(DiscoverError::Connector)
}

/// Why a discovery could not run.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The kind has no connector offering it.
    #[error(transparent)]
    NotSupported(NotSupported),
    /// The profile's settings do not validate.
    #[error(transparent)]
    Setting(SettingError),
    /// The connector failed.
    #[error(transparent)]
    Connector(ConnectorError),
}

impl ToReport for DiscoverError {
    fn to_report(&self) -> ErrorReport {
        match self {
            DiscoverError::NotSupported(e) => e.to_report(),
            DiscoverError::Setting(e) => e.to_report(),
            DiscoverError::Connector(e) => e.to_report(),
        }
    }
}
