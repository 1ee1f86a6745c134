//! The platform's checks behind the connector contract.
//!
//! The platform is not an integration kind (every kind provisions into it),
//! but its checks are steps of every wizard and of `onramp target check`.
//! As a connector without kinds it lists them in the registry with the
//! others, so a wizard is validated against one list of check ids and a
//! step runs any mix of them through one runner.

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use onramp_base::check::CheckResult;
use onramp_connector::{CheckSession, CheckSpec, Connector, ConnectorError, Need, SettingError};
use onramp_profile::{IntegrationKind, Profile};
use onramp_secrets::SecretStore;

use crate::check::{AUTH, CONNECT, SCIM, check_target};

/// The platform's checks: `target.connect`, `target.auth`, `target.scim`.
#[derive(Debug, Default)]
pub struct PlatformChecks;

const CHECKS: [CheckSpec; 3] = [
    CheckSpec {
        id: CONNECT,
        title: "The platform answers over verified TLS",
        needs: &[Need::Connection],
    },
    CheckSpec {
        id: AUTH,
        title: "The platform accepts the credential",
        needs: &[Need::Credential, Need::Check(CONNECT)],
    },
    CheckSpec {
        id: SCIM,
        title: "The platform speaks SCIM 2.0",
        needs: &[Need::Check(AUTH)],
    },
];

impl Connector for PlatformChecks {
    fn kinds(&self) -> &'static [IntegrationKind] {
        &[]
    }

    fn checks(&self) -> &'static [CheckSpec] {
        &CHECKS
    }

    fn validate(&self, _profile: &Profile) -> Result<(), SettingError> {
        // The profile parser validates `[target]` whole.
        Ok(())
    }

    fn check_session<'a>(
        &'a self,
        profile: &'a Profile,
        secrets: &'a dyn SecretStore,
        now_unix: i64,
    ) -> Result<Box<dyn CheckSession + 'a>, ConnectorError> {
        Ok(Box::new(Session {
            profile,
            secrets,
            now_unix,
            results: None,
        }))
    }
}

/// The platform checks run as one sequence (each needs the one before);
/// the first one asked for runs them all, the rest are answered from it.
struct Session<'a> {
    profile: &'a Profile,
    secrets: &'a dyn SecretStore,
    now_unix: i64,
    results: Option<Vec<CheckResult>>,
}

impl Session<'_> {
    async fn all(&mut self) -> &[CheckResult] {
        if self.results.is_none() {
            let results = match (&self.profile.target, &self.profile.export) {
                (Some(t), _) => check_target(t, self.secrets, self.now_unix).await.checks,
                (None, Some(_)) => skip_all(
                    "does not apply: this profile exports to a folder instead of a platform",
                ),
                (None, None) => skip_all("not run: the profile has no [target] platform yet"),
            };
            self.results = Some(results);
        }
        self.results.as_deref().unwrap_or_default()
    }
}

fn skip_all(reason: &str) -> Vec<CheckResult> {
    CHECKS
        .iter()
        .map(|c| CheckResult::skipped(c.id, reason))
        .collect()
}

impl CheckSession for Session<'_> {
    fn run<'a>(&'a mut self, id: &'static str) -> LocalBoxFuture<'a, CheckResult> {
        async move {
            self.all()
                .await
                .iter()
                .find(|r| r.id == id)
                .cloned()
                .unwrap_or_else(|| CheckResult::skipped(id, "not a platform check"))
        }
        .boxed_local()
    }
}
