//! `ldap.tls`: LDAPS and StartTLS, each tried with full certificate verification.

use super::Run;
use crate::directory::remedies::connect_failure;
use crate::ldap::endpoint::Transport;
use crate::ldap::session::connect;
use onramp_base::check::{CheckResult, CheckStatus, Evidence};
use onramp_base::tls::CertificateInfo;

pub(super) const ID: &str = "ldap.tls";
/// A certificate expiring sooner than this is a warning.
const EXPIRY_WARNING_SECS: i64 = 30 * 24 * 3600;

struct Attempt {
    transport: Transport,
    outcome: Result<Option<CertificateInfo>, CheckResult>,
}

async fn attempt(run: &Run, transport: Transport) -> Option<Attempt> {
    let url = run.target.endpoint.url(transport)?;
    let outcome = match connect(&url, transport, &run.tls, run.target.timeout).await {
        Ok(session) => {
            let cert = session.peer.info();
            session.close().await;
            Ok(cert)
        }
        Err(e) => Err(connect_failure(
            ID,
            &url,
            &run.target.endpoint,
            &e,
            transport,
        )),
    };
    Some(Attempt { transport, outcome })
}

pub(super) async fn run(run: &Run) -> CheckResult {
    let endpoint = &run.target.endpoint;
    let mut attempts = Vec::new();
    for t in [Transport::Ldaps, Transport::StartTls] {
        if let Some(a) = attempt(run, t).await {
            attempts.push(a);
        }
    }
    let configured = endpoint.configured;
    let ok: Vec<&Attempt> = attempts.iter().filter(|a| a.outcome.is_ok()).collect();
    let failed: Vec<&Attempt> = attempts.iter().filter(|a| a.outcome.is_err()).collect();
    let mut evidence: Vec<Evidence> = attempts
        .iter()
        .map(|a| Evidence {
            key: format!("{}.status", a.transport.label().to_ascii_lowercase()),
            value: match &a.outcome {
                Ok(_) => "verified".to_owned(),
                Err(r) => r.summary.clone(),
            },
        })
        .collect();

    if let Some(problem) = &run.tls_problem {
        return unusable_ca_file(problem, attempts, evidence);
    }
    let configured_failure = failed.iter().find(|a| a.transport == configured);
    if let Some(a) =
        configured_failure.or_else(|| (ok.is_empty()).then(|| failed.first()).flatten())
    {
        // The transport the profile uses (or every transport) failed: show that failure.
        let mut r = a
            .outcome
            .as_ref()
            .err()
            .cloned()
            .unwrap_or_else(|| CheckResult::fail(ID, "TLS failed"));
        r.evidence.extend(evidence);
        return r;
    }
    let Some(good) = ok.iter().find(|a| a.transport == configured).or(ok.first()) else {
        return CheckResult::skipped(
            ID,
            "the profile's endpoint has no port for LDAPS or StartTLS",
        );
    };
    let cert = good.outcome.as_ref().ok().cloned().flatten();
    let working: Vec<&str> = ok.iter().map(|a| a.transport.label()).collect();
    let mut r = CheckResult::pass(
        ID,
        format!(
            "{} {} and the certificate is trusted",
            working.join(" and "),
            if working.len() > 1 { "work" } else { "works" }
        ),
    );
    if !failed.is_empty() {
        r.status = CheckStatus::Warn;
        r.details = failed
            .iter()
            .filter_map(|a| a.outcome.as_ref().err().map(|e| e.summary.clone()))
            .collect::<Vec<_>>()
            .join("; ");
    }
    if configured == Transport::Plain {
        r.status = CheckStatus::Warn;
        r.summary = format!(
            "{} works, but the profile uses plain LDAP",
            good.transport.label()
        );
        r.remediation = vec![format!(
            "Switch the profile to {}: set connection.url = \"ldaps://{}\", or connection.starttls = true.",
            good.transport.label(),
            endpoint.host
        )];
    }
    if let Some(info) = cert {
        let left = info.not_after_unix - run.now_unix;
        if left < EXPIRY_WARNING_SECS {
            r.status = CheckStatus::Warn;
            r.summary = format!(
                "the domain controller's certificate expires in {} days ({})",
                left.max(0) / 86_400,
                info.not_after
            );
            r.remediation.push("Renew the domain controller's certificate (AD CS auto-enrollment renews it when the template allows).".to_owned());
        }
        evidence.push(Evidence {
            key: "certificate.not_after_unix".to_owned(),
            value: info.not_after_unix.to_string(),
        });
        evidence.extend(info.evidence());
        r.certificate = Some(info);
    }
    r.evidence.extend(evidence);
    r
}

/// The profile's CA file cannot be used: that is the failure, whatever the
/// server presents. The attempts were made with the OS trust store alone,
/// so the evidence still shows the server's certificate.
fn unusable_ca_file(
    problem: &onramp_base::tls::TlsSetupError,
    attempts: Vec<Attempt>,
    mut evidence: Vec<Evidence>,
) -> CheckResult {
    let mut certificate = None;
    for a in attempts {
        match a.outcome {
            Ok(Some(info)) => certificate = Some(info),
            Ok(None) => {}
            Err(r) => evidence.extend(
                r.evidence
                    .into_iter()
                    .filter(|e| e.key.starts_with("certificate.")),
            ),
        }
    }
    if let Some(info) = &certificate {
        evidence.extend(info.evidence());
    }
    let mut r = CheckResult::fail(ID, format!("the profile's CA file cannot be used: {problem}"))
        .details("The other checks that connect over TLS are skipped until this is fixed; the certificate below is what the server presents, checked against the OS trust store alone.")
        .remediation([
            "Export the issuing CA's certificate (the AD CS root, and any intermediate) as PEM (Base-64 encoded X.509).".to_owned(),
            "Point connection.ca_file at that file (an absolute path Onramp can read), or remove ca_file when the OS trust store already has the CA.".to_owned(),
            "Run the checks again.".to_owned(),
        ])
        .evidence_all(evidence);
    r.certificate = certificate;
    r
}
