//! The contract every integration implements.
//!
//! A [`Connector`] declares what the wizard, the CLI and the sync may ask of
//! one kind of integration: its checks in wizard order (with what each
//! needs), its discoveries, optionally a [`DirectorySource`], and the
//! expiring credentials it can see. Nothing outside a connector tests
//! which kind a profile is; the registry finds the connector and the rest
//! goes through this trait.

use futures_util::future::LocalBoxFuture;
use onramp_base::check::CheckResult;
use onramp_base::error::{ErrorReport, ToReport};
use onramp_profile::{IntegrationKind, Profile};
use onramp_secrets::SecretStore;

use crate::discovery::{Discovery, DiscoveryKind};
use crate::expiry::{CredentialItem, certificate_items};
use crate::registry::{NotSupported, Operation};
use crate::source::DirectorySource;

/// What a check needs before it can say anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The profile's connection settings (host, URL, tenant).
    Connection,
    /// The credential in the secret store.
    Credential,
    /// An earlier check of the same connector: when it ran in the same call
    /// and failed, this one is skipped and says so.
    Check(&'static str),
}

/// One check a connector offers, as the registry lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSpec {
    /// The registry id, e.g. `ldap.bind`.
    pub id: &'static str,
    /// A short title for lists.
    pub title: &'static str,
    /// What it needs.
    pub needs: &'static [Need],
}

impl CheckSpec {
    /// The earlier checks this one waits for.
    pub fn prerequisites(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.needs.iter().filter_map(|n| match n {
            Need::Check(id) => Some(*id),
            _ => None,
        })
    }
}

/// A connector's failure, kept whole: its message, its source chain and its
/// boundary report (code and remedies).
pub struct ConnectorError(Box<dyn Failure>);

/// An error a connector can return: typed, with a report.
pub trait Failure: std::error::Error + ToReport + Send + Sync {}

impl<T: std::error::Error + ToReport + Send + Sync> Failure for T {}

impl ConnectorError {
    /// Wraps a connector's own error.
    pub fn new(e: impl Failure + 'static) -> Self {
        Self(Box::new(e))
    }
}

impl std::fmt::Debug for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl std::fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for ConnectorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl ToReport for ConnectorError {
    fn to_report(&self) -> ErrorReport {
        self.0.to_report()
    }
}

pub use onramp_profile::SettingError;

/// The checks of one call, sharing what they need (a TLS setup, the
/// credential read once).
pub trait CheckSession {
    /// Runs the check `id` (one of the connector's).
    fn run<'a>(&'a mut self, id: &'static str) -> LocalBoxFuture<'a, CheckResult>;
}

/// One integration.
pub trait Connector: Send + Sync {
    /// The profile kinds it serves.
    fn kinds(&self) -> &'static [IntegrationKind];

    /// Its checks, in the order the wizard shows them.
    fn checks(&self) -> &'static [CheckSpec];

    /// Validates what the profile gives this connector beyond what the
    /// profile parser checks (DN and filter syntax, tenant forms). The same
    /// validation runs in `profile validate`, the wizard's drafts, `check`
    /// and `sync`.
    fn validate(&self, profile: &Profile) -> Result<(), SettingError>;

    /// Prepares a call's checks against `profile`. Runs after
    /// [`validate`](Self::validate) passed.
    fn check_session<'a>(
        &'a self,
        profile: &'a Profile,
        secrets: &'a dyn SecretStore,
        now_unix: i64,
    ) -> Result<Box<dyn CheckSession + 'a>, ConnectorError>;

    /// The discoveries its wizard's pickers use.
    fn discoveries(&self) -> &'static [DiscoveryKind] {
        &[]
    }

    /// Runs one of [`discoveries`](Self::discoveries); the default, for a
    /// connector with none, says so.
    fn discover<'a>(
        &'a self,
        profile: &'a Profile,
        secrets: &'a dyn SecretStore,
        kind: DiscoveryKind,
    ) -> LocalBoxFuture<'a, Result<Discovery, ConnectorError>> {
        let _ = secrets;
        let e = NotSupported {
            kind: profile.kind,
            operation: Operation::Discovery(kind),
            supported: Vec::new(),
        };
        Box::pin(async move { Err(ConnectorError::new(e)) })
    }

    /// Whether it syncs people into the platform (a
    /// [`directory_source`](Self::directory_source)).
    fn syncs(&self) -> bool {
        false
    }

    /// The directory `profile` syncs from. Called only when
    /// [`syncs`](Self::syncs) is true, after [`validate`](Self::validate).
    fn directory_source(
        &self,
        profile: &Profile,
    ) -> Result<Box<dyn DirectorySource>, ConnectorError> {
        Err(ConnectorError::new(NotSupported {
            kind: profile.kind,
            operation: Operation::Sync,
            supported: Vec::new(),
        }))
    }

    /// The expiring credentials its check results show. The default takes
    /// the server certificates the checks verified; a connector that reads
    /// a secret's or a token's end date from its API adds those.
    fn credentials(
        &self,
        profile: &Profile,
        results: &[CheckResult],
        now_unix: i64,
    ) -> Vec<CredentialItem> {
        certificate_items(profile, results, now_unix)
    }
}
