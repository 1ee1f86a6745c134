//! The explanations and fixes the directory checks share.

use crate::ldap::bind::{BindOutcome, SigningFlavor};
use crate::ldap::endpoint::{Endpoint, Transport};
use crate::ldap::session::ConnectError;
use onramp_base::check::CheckResult;

/// Where the DC signing policy lives, step by step.
pub(crate) const SIGNING_GPO_PATH: &str = "Group Policy Management (gpmc.msc) › Forest › Domains › <your domain> › Domain Controllers › right-click \"Default Domain Controllers Policy\" › Edit › Computer Configuration › Policies › Windows Settings › Security Settings › Local Policies › Security Options › \"Domain controller: LDAP server signing requirements\"";

/// What the signing requirement is, for the details of a result.
pub(crate) fn signing_explanation(flavor: SigningFlavor) -> String {
    let server = match flavor {
        SigningFlavor::ActiveDirectory => {
            "The domain controller's policy \"Domain controller: LDAP server signing requirements\" is set to Require signing (registry LDAPServerIntegrity = 2). It refuses simple binds on a connection without TLS; it answered this only after accepting the password."
        }
        SigningFlavor::Samba => {
            "The Samba domain controller has \"ldap server require strong auth = yes\" (its default). It refuses simple binds on a connection without TLS, before checking the password, so this result says nothing about the password."
        }
        SigningFlavor::Other => {
            "The server requires a protected connection (result code 8, strongerAuthRequired) for simple binds."
        }
    };
    format!(
        "{server} New domains created on Windows Server 2025 domain controllers require signing by default. Simple binds over LDAPS (636) or after StartTLS are not affected, which is why the fix is to encrypt the connection, not to weaken the policy."
    )
}

/// How to move the profile to an encrypted transport.
pub(crate) fn use_tls_steps(endpoint: &Endpoint) -> Vec<String> {
    vec![
        format!(
            "Use LDAPS: set connection.url = \"ldaps://{}\" in the profile (port 636), or keep ldap:// and set connection.starttls = true.",
            endpoint.host
        ),
        "The domain controller needs a certificate for Server Authentication whose subjectAltName contains the name you connect to (AD CS: the \"Domain Controller Authentication\" or \"Kerberos Authentication\" template, auto-enrolled).".to_owned(),
        "Run the checks again.".to_owned(),
    ]
}

/// The signing-required failure of a bind on plain LDAP.
pub(crate) fn signing_required_steps(endpoint: &Endpoint) -> Vec<String> {
    let mut steps = use_tls_steps(endpoint);
    steps.push(format!(
        "Only if LDAPS and StartTLS are impossible: {SIGNING_GPO_PATH} = None. This is not recommended: passwords then cross the network in clear text."
    ));
    steps
}

/// A failed connection as a failed check.
pub(crate) fn connect_failure(
    id: &str,
    url: &str,
    endpoint: &Endpoint,
    error: &ConnectError,
    transport: Transport,
) -> CheckResult {
    let host = &endpoint.host;
    let base = CheckResult::fail(
        id,
        format!("{} to {url} failed: {error}", transport.label()),
    )
    .evidence("url", url);
    match error {
        ConnectError::Refused => base.remediation(port_closed_steps(endpoint)),
        ConnectError::TimedOut => base.remediation(timeout_steps(endpoint)),
        ConnectError::UnknownHost(_) => base.remediation(dns_steps(host)),
        ConnectError::Certificate {
            problem,
            certificate,
            detail,
        } => {
            let mut r = CheckResult::fail(
                id,
                format!("{} to {host}: {}", transport.label(), problem.explain(host)),
            )
            .details(detail.clone())
            .remediation(problem.remediation(host, "connection.ca_file"))
            .evidence("url", url)
            .evidence("tls.problem", problem.code());
            if let Some(info) = certificate {
                r = r.evidence_all(info.evidence());
            }
            r
        }
        ConnectError::Handshake(d) => base
            .details(d.clone())
            .remediation([
                "The server closed or refused the TLS handshake: check that it has a certificate installed for LDAPS (a DC without one accepts TCP on 636 and then drops the connection).".to_owned(),
            ]),
        ConnectError::Other(d) => base.details(d.clone()),
    }
}

pub(crate) fn dns_steps(host: &str) -> Vec<String> {
    vec![
        format!("Check the host name in connection.url for typos: nslookup {host}"),
        "Use a DNS server that knows the domain (the domain controllers themselves usually are).".to_owned(),
        "Over a VPN, use the domain controller's internal IP address instead of a name that may resolve to several addresses.".to_owned(),
    ]
}

pub(crate) fn port_closed_steps(endpoint: &Endpoint) -> Vec<String> {
    vec![
        "On the domain controller, check that Active Directory Domain Services runs: Get-Service NTDS".to_owned(),
        "Check that LDAP is listening: netstat -an | findstr \":389 :636\"".to_owned(),
        format!("Check the port in connection.url ({}).", endpoint.host),
    ]
}

pub(crate) fn timeout_steps(endpoint: &Endpoint) -> Vec<String> {
    let ports: Vec<String> = [endpoint.plain_port, endpoint.tls_port]
        .iter()
        .flatten()
        .map(u16::to_string)
        .collect();
    vec![
        format!(
            "Allow inbound TCP {} on the domain controller's firewall: New-NetFirewallRule -DisplayName \"LDAP\" -Direction Inbound -Protocol TCP -LocalPort {} -Action Allow",
            ports.join("/"),
            ports.join(",")
        ),
        "Check that a network firewall between this machine and the DC allows the same ports."
            .to_owned(),
        "Over a VPN, use the domain controller's internal IP address directly.".to_owned(),
    ]
}

/// Summary and evidence of a bind outcome, shared by the signing and bind checks.
pub(crate) fn bind_evidence(result: CheckResult, rc: u32, text: &str) -> CheckResult {
    let mut r = result.evidence("ldap.result_code", rc);
    if !text.is_empty() {
        r = r.evidence("ldap.diagnostic_message", text);
    }
    r
}

/// The outcome in words.
pub(crate) fn outcome_summary(outcome: &BindOutcome) -> String {
    match outcome {
        BindOutcome::Success => "bind accepted".to_owned(),
        BindOutcome::SigningRequired { .. } => "the server requires signing or TLS for simple binds (result code 8, strongerAuthRequired)".to_owned(),
        BindOutcome::InvalidCredentials { ad_code: Some(c), .. } => c.explain(),
        BindOutcome::InvalidCredentials { ad_code: None, .. } => "the server refused the bind name or password (result code 49, invalidCredentials)".to_owned(),
        BindOutcome::Other { rc, text } => format!("the bind failed with result code {rc}: {text}"),
    }
}
