//! `ldap.rootdse`: what the server is, read anonymously, and the proposed base DN.

use super::Run;
use crate::directory::remedies::connect_failure;
use crate::ldap::endpoint::Transport;
use crate::ldap::rootdse::{RootDse, ServerKind};
use crate::ldap::session::connect;
use crate::ldap::syntax::dn_is_within;
use onramp_base::check::{CheckResult, CheckStatus};
use onramp_profile::IntegrationKind;

pub(super) const ID: &str = "ldap.rootdse";

pub(super) async fn run(run: &Run) -> CheckResult {
    if let Some(skipped) = run.needs_tls(ID) {
        return skipped;
    }
    let endpoint = &run.target.endpoint;
    // The RootDSE is public; read it over the profile's own transport so a
    // TLS problem shows up here too when the profile uses LDAPS only.
    let transport = endpoint.configured;
    let Some(url) = endpoint.url(transport) else {
        return CheckResult::skipped(ID, "no port to read the RootDSE from");
    };
    let mut session = match connect(&url, transport, &run.tls, run.target.timeout).await {
        Ok(s) => s,
        Err(e) => return connect_failure(ID, &url, endpoint, &e, transport),
    };
    let dse = match RootDse::read(&mut session.ldap).await {
        Ok(d) => d,
        Err(e) => {
            session.close().await;
            return CheckResult::fail(ID, format!("the server did not return its RootDSE: {e}"))
                .remediation(["Check that connection.url points at an LDAP server (a domain controller for AD).".to_owned()])
                .evidence("url", &url);
        }
    };
    session.close().await;
    result_for(run, &dse, transport)
}

fn result_for(run: &Run, dse: &RootDse, transport: Transport) -> CheckResult {
    let kind = dse.kind();
    let mut r = CheckResult::pass(ID, "")
        .evidence(
            "server.kind",
            serde_json::to_value(kind)
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .unwrap_or_default(),
        )
        .evidence("transport", transport.label());
    let mut notes: Vec<String> = Vec::new();
    let mut steps: Vec<String> = Vec::new();
    if let Some(v) = &dse.vendor_name {
        r = r.evidence("server.vendor", v);
    }
    if let Some(n) = &dse.dns_host_name {
        r = r.evidence("server.dns_host_name", n);
    }
    if let Some(level) = dse.functional_level() {
        r = r.evidence("domain.functional_level", level);
    }
    if let Some(nc) = &dse.default_naming_context {
        r = r.evidence("default_naming_context", nc);
    }
    if !dse.naming_contexts.is_empty() {
        r = r.evidence("naming_contexts", dse.naming_contexts.join("; "));
    }
    r = r
        .evidence("supports.paged_results", dse.supports_paging())
        .evidence(
            "supports.range_retrieval",
            dse.supports_range_retrieval() || kind.is_ad(),
        );
    if let Some(usn) = dse.highest_committed_usn {
        r = r.evidence("highest_committed_usn", usn);
    }

    let proposed = dse.proposed_base_dn();
    if let Some(p) = &proposed {
        r = r.evidence("proposed_base_dn", p);
    }
    match (&run.target.base_dn, &proposed) {
        (Some(base), _) => {
            let inside = dse.naming_contexts.iter().any(|nc| dn_is_within(base, nc));
            if !inside && !dse.naming_contexts.is_empty() {
                notes.push(format!(
                    "the base DN {base} is not inside any naming context of this server"
                ));
                steps.push(format!(
                    "Set connection.base_dn to {} or an OU below it.",
                    proposed.as_deref().unwrap_or("one of the naming contexts")
                ));
            }
        }
        (None, Some(p)) => {
            notes.push(format!("no base DN is set; {p} will be used"));
        }
        (None, None) => {
            notes.push("no base DN is set and the server does not name a default one".to_owned());
            steps.push("Set connection.base_dn in the profile.".to_owned());
        }
    }
    match (run.target.kind, kind) {
        (IntegrationKind::Ad, ServerKind::OpenLdap | ServerKind::Other) => {
            notes.push(format!(
                "the profile says Active Directory, but the server is {}",
                kind.label()
            ));
            steps.push("Set kind = \"ldap\" in the profile.".to_owned());
        }
        (IntegrationKind::Ldap, ServerKind::ActiveDirectory | ServerKind::SambaAd) => {
            notes.push(format!(
                "the server is {}, but the profile says generic LDAP",
                kind.label()
            ));
            steps.push("Set kind = \"ad\" in the profile to use objectGUID, userAccountControl and AD's checks.".to_owned());
        }
        _ => {}
    }
    if !dse.supports_paging() {
        notes.push("the server does not advertise paged results, so large directories may be truncated at the server's size limit".to_owned());
    }
    let level = dse
        .functional_level()
        .map(|l| format!(", functional level {l}"))
        .unwrap_or_default();
    r.summary = format!("{}{level}", kind.label());
    if !notes.is_empty() {
        let fail = steps
            .iter()
            .any(|s| s.starts_with("Set connection.base_dn"));
        r.status = if fail {
            CheckStatus::Fail
        } else {
            CheckStatus::Warn
        };
        // A missing base DN that the server proposes is information, not a problem.
        if steps.is_empty() && notes.iter().all(|n| n.starts_with("no base DN is set;")) {
            r.status = CheckStatus::Pass;
        }
        r.details = format!("{}.", notes.join("; "));
        r.remediation = steps;
    }
    r
}
