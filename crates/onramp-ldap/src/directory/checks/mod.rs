//! The directory setup checks, in the order the wizard runs them.

mod bind;
mod reachability;
mod read_access;
mod rootdse;
mod signing;
mod tls;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use onramp_base::check::CheckResult;
use onramp_base::tls::{TlsClient, TlsSetupError, client_config};
use onramp_connector::{CheckSession, CheckSpec, Need};
use onramp_secrets::{Secret, SecretStore};

use super::{DirectoryError, DirectoryTarget};
use crate::ldap::endpoint::Transport;

/// Every check, in wizard order, with what each needs.
pub const CHECKS: [CheckSpec; 6] = [
    CheckSpec {
        id: reachability::ID,
        title: "The server answers",
        needs: &[Need::Connection],
    },
    CheckSpec {
        id: rootdse::ID,
        title: "What the server is",
        needs: &[Need::Connection, Need::Check(reachability::ID)],
    },
    CheckSpec {
        id: signing::ID,
        title: "LDAP signing",
        needs: &[
            Need::Connection,
            Need::Credential,
            Need::Check(reachability::ID),
        ],
    },
    CheckSpec {
        id: tls::ID,
        title: "LDAPS and StartTLS",
        needs: &[Need::Connection, Need::Check(reachability::ID)],
    },
    CheckSpec {
        id: bind::ID,
        title: "The service account binds",
        needs: &[
            Need::Connection,
            Need::Credential,
            Need::Check(reachability::ID),
        ],
    },
    CheckSpec {
        id: read_access::ID,
        title: "The account reads users and groups",
        needs: &[
            Need::Connection,
            Need::Credential,
            Need::Check(reachability::ID),
            Need::Check(bind::ID),
        ],
    },
];

/// What the checks of one call share.
pub(crate) struct Run {
    pub target: DirectoryTarget,
    /// The profile's TLS settings, or the OS trust store alone when the
    /// profile's CA file cannot be used (see `tls_problem`).
    pub tls: TlsClient,
    /// Why the profile's CA file cannot be used, when it cannot.
    pub tls_problem: Option<TlsSetupError>,
    pub password: Result<Secret, String>,
    pub secret_name: String,
    pub now_unix: i64,
}

impl Run {
    /// Prepares the checks of `target`. An unusable CA file is not an
    /// error here: `ldap.tls` reports it once, and the checks that would
    /// connect over TLS are skipped.
    pub fn new(
        target: DirectoryTarget,
        secrets: &dyn SecretStore,
        now_unix: i64,
    ) -> Result<Self, DirectoryError> {
        let ca_file = target.connection.ca_file.clone();
        let (tls, tls_problem) = match client_config(ca_file.as_deref()) {
            Ok(tls) => (tls, None),
            Err(problem) if ca_file.is_some() => (client_config(None)?, Some(problem)),
            Err(e) => return Err(e.into()),
        };
        let secret_name = target.connection.bind_password_secret.clone();
        Ok(Self {
            password: secrets.get(&secret_name).map_err(|e| e.to_string()),
            secret_name: secret_name.to_string(),
            target,
            tls,
            tls_problem,
            now_unix,
        })
    }

    /// The password, or the failed result that says why it is missing.
    pub fn password_or_fail(&self, id: &str) -> Result<&Secret, Box<CheckResult>> {
        self.password.as_ref().map_err(|message| {
            Box::new(CheckResult::fail(id, format!("cannot read the bind password: {message}")).remediation([
                format!(
                    "Store it with: onramp secret set {}   (the value is read from standard input)",
                    self.secret_name
                ),
            ]))
        })
    }

    /// For a check that connects over the profile's transport: skipped,
    /// naming `ldap.tls`, when that transport is TLS and the CA file is
    /// unusable (one root cause, reported once).
    pub fn needs_tls(&self, id: &str) -> Option<CheckResult> {
        let problem = self.tls_problem.as_ref()?;
        (self.target.endpoint.configured != Transport::Plain).then(|| {
            CheckResult::skipped(
                id,
                format!(
                    "not run: needs ldap.tls (the profile's CA file cannot be used: {problem})"
                ),
            )
        })
    }
}

impl CheckSession for Run {
    fn run<'a>(&'a mut self, id: &'static str) -> LocalBoxFuture<'a, CheckResult> {
        async move {
            match id {
                reachability::ID => reachability::run(self).await,
                rootdse::ID => rootdse::run(self).await,
                signing::ID => signing::run(self).await,
                tls::ID => tls::run(self).await,
                bind::ID => bind::run(self).await,
                read_access::ID => read_access::run(self).await,
                other => CheckResult::skipped(other, "not an LDAP check"),
            }
        }
        .boxed_local()
    }
}
