//! Where an apply run's plan goes: the platform, behind a trait.
//!
//! [`ScimPlatform`] is the real one: it builds the verified HTTP client,
//! obtains the `Authorization` header, reads the ServiceProviderConfig and
//! applies the plan through [`Applier`]. The orchestrator only sees
//! [`Platform`], so its held, failed, partial and export paths are unit
//! tested with a platform of the tests' own, without a server.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use onramp_base::http::http_client;
use onramp_base::tls::TlsSetupError;
use onramp_platform::scim::{RetryPolicy, ScimClient, ScimError, TokioClock};
use onramp_platform::{AuthError, authorization};
use onramp_profile::{ConflictPolicy, Target};
use onramp_secrets::SecretStore;

use super::apply::{Applier, ApplyCounts};
use super::plan::Plan;
use super::progress::ProgressSink;
use super::stop::StopSignal;
use super::store::{RunId, StateStore, StoreError};

/// What applying a plan needs besides the plan.
pub struct ApplyJob<'a> {
    /// The state store every applied object is recorded in.
    pub store: &'a StateStore,
    /// The run being applied.
    pub run: RunId,
    /// The platform ids of users already provisioned, by anchor.
    pub user_ids: BTreeMap<String, String>,
    /// The members (anchors) Onramp last wrote to each provisioned group.
    pub group_members: BTreeMap<String, BTreeSet<String>>,
    /// The run's clock, Unix seconds: when each object is recorded.
    pub clock: &'a dyn Fn() -> i64,
    /// What wins when the platform's copy was edited.
    pub conflict: ConflictPolicy,
    /// With `PlatformWins`: the attributes whose platform edits are kept.
    pub platform_wins: &'a [String],
    /// Where progress goes.
    pub progress: ProgressSink<'a>,
    /// Asked to stop, the apply finishes the current object and goes no further.
    pub stop: &'a StopSignal,
}

/// Why the plan could not be delivered at all (one object's failure is
/// recorded for that object and is not an error here).
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    /// The TLS settings for the platform are unusable.
    #[error("cannot set up TLS for the platform: {0}")]
    Tls(#[source] TlsSetupError),
    /// No `Authorization` header could be obtained.
    #[error("cannot authenticate to the platform: {0}")]
    Auth(#[source] AuthError),
    /// The SCIM service did not answer as SCIM.
    #[error("the platform's SCIM service failed: {0}")]
    Scim(#[source] ScimError),
    /// Recording a result failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PlatformError {
    /// A state-store failure (which ends the run unrecorded), or the
    /// message of a failed delivery (which ends it `failed`).
    pub fn into_store_error(self) -> Result<StoreError, String> {
        match self {
            PlatformError::Store(e) => Ok(e),
            other => Err(other.to_string()),
        }
    }
}

/// The platform a run applies its plan to.
pub trait Platform {
    /// Applies `plan`, recording each object's result in the job's store.
    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        job: ApplyJob<'a>,
    ) -> LocalBoxFuture<'a, Result<ApplyCounts, PlatformError>>;
}

/// The profile's platform, over SCIM 2.0.
pub struct ScimPlatform<'a> {
    /// The profile's `[target]`.
    pub target: &'a Target,
    /// Where its credential is.
    pub secrets: &'a dyn SecretStore,
}

impl Platform for ScimPlatform<'_> {
    fn apply<'a>(
        &'a self,
        plan: &'a Plan,
        job: ApplyJob<'a>,
    ) -> LocalBoxFuture<'a, Result<ApplyCounts, PlatformError>> {
        async move {
            let target = self.target;
            let http = http_client(target.ca_file.as_deref(), Duration::from_secs(30))
                .map_err(PlatformError::Tls)?;
            let header = authorization(target, self.secrets, &http)
                .await
                .map_err(PlatformError::Auth)?;
            let client = ScimClient::discover(
                http,
                target.url.clone(),
                header,
                RetryPolicy::default(),
                Arc::new(TokioClock),
            )
            .await
            .map_err(PlatformError::Scim)?;
            let mut applier = Applier {
                client: &client,
                store: job.store,
                run: job.run,
                admin_role: &target.admin_role,
                concurrency: target.concurrency as usize,
                user_ids: job.user_ids,
                group_members: job.group_members,
                clock: job.clock,
                conflict: job.conflict,
                platform_wins: job.platform_wins,
                stop: job.stop,
            };
            Ok(applier.apply_with_progress(plan, job.progress).await?)
        }
        .boxed_local()
    }
}
