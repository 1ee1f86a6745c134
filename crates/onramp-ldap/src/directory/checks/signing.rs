//! `ldap.signing`: does the server accept a simple bind on plain LDAP?
//!
//! A bind on plain 389 answered with result code 8 means the DC requires
//! signing (or TLS) for simple binds. The check sends the real credentials,
//! because Windows AD only reveals the requirement after accepting the
//! password; a bind that succeeds is reported as a warning, since the
//! password just crossed the network in clear text.

use super::Run;
use crate::directory::remedies::{
    SIGNING_GPO_PATH, bind_evidence, connect_failure, outcome_summary, signing_explanation,
    signing_required_steps, use_tls_steps,
};
use crate::ldap::bind::{BindOutcome, SigningFlavor};
use crate::ldap::endpoint::Transport;
use crate::ldap::session::connect;
use onramp_base::check::{CheckResult, CheckStatus};

pub(super) const ID: &str = "ldap.signing";

pub(super) async fn run(run: &Run) -> CheckResult {
    let endpoint = &run.target.endpoint;
    let Some(url) = endpoint.url(Transport::Plain) else {
        return CheckResult::skipped(
            ID,
            "the profile uses a non-standard LDAPS port only; there is no plain LDAP port to test",
        );
    };
    let password = match run.password_or_fail(ID) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let mut session = match connect(&url, Transport::Plain, &run.tls, run.target.timeout).await {
        Ok(s) => s,
        Err(e) => return connect_failure(ID, &url, endpoint, &e, Transport::Plain),
    };
    let result = session
        .ldap
        .simple_bind(run.target.identity.as_str(), password.expose())
        .await;
    session.close().await;
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            return CheckResult::fail(ID, format!("the bind on plain LDAP failed: {e}"))
                .evidence("url", &url);
        }
    };
    let outcome = BindOutcome::classify(result.rc, &result.text);
    let uses_tls = endpoint.configured != Transport::Plain;
    let r = match &outcome {
        BindOutcome::SigningRequired { flavor, .. } => {
            let base = if uses_tls {
                CheckResult::pass(
                    ID,
                    format!(
                        "the server requires signing for simple binds, and this profile uses {}, which satisfies it",
                        endpoint.configured.label()
                    ),
                )
            } else {
                CheckResult::fail(
                    ID,
                    "the server requires LDAP signing: simple binds on plain LDAP (port 389) are refused",
                )
                .remediation(signing_required_steps(endpoint))
            };
            base.details(signing_explanation(*flavor))
                .evidence("signing.required", true)
                .evidence("server.flavor", match flavor {
                    SigningFlavor::ActiveDirectory => "Windows Active Directory",
                    SigningFlavor::Samba => "Samba",
                    SigningFlavor::Other => "other",
                })
        }
        BindOutcome::Success => {
            let steps = if uses_tls {
                vec![format!("Require signing on the domain controllers: {SIGNING_GPO_PATH} = Require signing (after checking that no other application still binds in clear text: Directory Service event 2887/2889).")]
            } else {
                let mut s = use_tls_steps(endpoint);
                s.push(format!("Then require signing on the domain controllers: {SIGNING_GPO_PATH} = Require signing."));
                s
            };
            CheckResult::new(
                ID,
                CheckStatus::Warn,
                "the server accepts simple binds on plain LDAP: the password crossed the network in clear text",
            )
            .details("The domain controller does not require LDAP signing, so anyone on the network path could read the service account's password. Windows Server 2025 requires signing by default on new domains.")
            .remediation(steps)
            .evidence("signing.required", false)
        }
        BindOutcome::InvalidCredentials { .. } => CheckResult::new(
            ID,
            CheckStatus::Warn,
            format!("could not tell whether signing is required: {}", outcome_summary(&outcome)),
        )
        .details("Active Directory checks the password before the signing requirement, so the requirement only shows with valid credentials. See ldap.bind.")
        .remediation(["Fix the credentials (see ldap.bind), then run this check again.".to_owned()]),
        BindOutcome::Other { .. } => CheckResult::new(ID, CheckStatus::Warn, format!("could not tell whether signing is required: {}", outcome_summary(&outcome))),
    };
    bind_evidence(r.evidence("url", &url), result.rc, &result.text)
}
