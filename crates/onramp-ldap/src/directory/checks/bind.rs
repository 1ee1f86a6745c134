//! `ldap.bind`: the service account binds, and is not an administrator.

use super::Run;
use crate::directory::bound::{BoundError, open_bound};
use crate::directory::remedies::{
    bind_evidence, connect_failure, outcome_summary, signing_explanation, signing_required_steps,
};
use crate::ldap::bind::{BindIdentity, BindOutcome};
use crate::ldap::search::read_entry;
use crate::ldap::syntax::escape_filter_value;
use onramp_base::check::{CheckResult, CheckStatus};

pub(super) const ID: &str = "ldap.bind";

/// Well-known RIDs and SIDs of the groups a sync account must not be in.
const ADMIN_GROUPS: [(&str, &str); 4] = [
    ("-512", "Domain Admins"),
    ("-519", "Enterprise Admins"),
    ("-518", "Schema Admins"),
    ("S-1-5-32-544", "Administrators"),
];

pub(super) async fn run(run: &Run) -> CheckResult {
    if let Some(skipped) = run.needs_tls(ID) {
        return skipped;
    }
    let password = match run.password_or_fail(ID) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let target = &run.target;
    let identity = target.identity.as_str();
    let mut session = match open_bound(target, &run.tls, password).await {
        Ok(s) => s,
        Err(BoundError::Connect { url, error }) => {
            return connect_failure(
                ID,
                &url,
                &target.endpoint,
                &error,
                target.endpoint.configured,
            );
        }
        Err(BoundError::Bind { outcome }) => return bind_failure(run, &outcome),
        Err(e) => return CheckResult::fail(ID, e.to_string()),
    };
    let mut r = CheckResult::pass(
        ID,
        format!(
            "bound as {identity} over {}",
            target.endpoint.configured.label()
        ),
    )
    .evidence("bind.identity", identity)
    .evidence(
        "bind.form",
        match target.identity {
            BindIdentity::Dn(_) => "distinguished name",
            BindIdentity::Upn(_) => "user principal name",
            BindIdentity::DownLevel(_) => "DOMAIN\\user",
        },
    );
    if target.kind == onramp_profile::IntegrationKind::Ad {
        match admin_groups(&mut session, run).await {
            Ok((dn, groups)) => {
                if let Some(dn) = dn {
                    r = r.evidence("bind.dn", dn);
                }
                if !groups.is_empty() {
                    r.status = CheckStatus::Warn;
                    r.summary = format!(
                        "bound as {identity} over {}, but it is a member of {}",
                        target.endpoint.configured.label(),
                        groups.join(", ")
                    );
                    r.details = "Onramp only reads the directory. An administrator account is a needless risk: its password sits on this machine.".to_owned();
                    r.remediation = vec![
                        "Create a dedicated service account (e.g. svc-onramp) that is a member of Domain Users only, with a strong password and \"Password never expires\".".to_owned(),
                        "Set connection.bind_dn to it and store its password with onramp secret set.".to_owned(),
                    ];
                }
            }
            Err(e) => {
                r.details = format!("Could not read the account's group memberships: {e}");
            }
        }
    }
    session.close().await;
    r
}

fn bind_failure(run: &Run, outcome: &BindOutcome) -> CheckResult {
    let endpoint = &run.target.endpoint;
    let (rc, text) = match outcome {
        BindOutcome::SigningRequired { text, .. }
        | BindOutcome::InvalidCredentials { text, .. } => (
            if matches!(outcome, BindOutcome::SigningRequired { .. }) {
                8
            } else {
                49
            },
            text.as_str(),
        ),
        BindOutcome::Other { rc, text } => (*rc, text.as_str()),
        BindOutcome::Success => (0, ""),
    };
    let r = CheckResult::fail(
        ID,
        format!(
            "{} refused the bind: {}",
            run.target.identity.as_str(),
            outcome_summary(outcome)
        ),
    );
    let r = match outcome {
        BindOutcome::SigningRequired { flavor, .. } => r
            .details(signing_explanation(*flavor))
            .remediation(signing_required_steps(endpoint)),
        BindOutcome::InvalidCredentials { ad_code: Some(code), .. } => r.remediation(code.remediation(&run.secret_name)),
        BindOutcome::InvalidCredentials { ad_code: None, .. } => r.remediation([
            "Check connection.bind_dn: try both forms, svc@example.local and CN=svc,CN=Users,DC=example,DC=local (generic LDAP servers accept only the DN).".to_owned(),
            format!("Store the correct password with: onramp secret set {}", run.secret_name),
            "Check that the account is neither locked nor disabled.".to_owned(),
        ]),
        _ => r,
    };
    bind_evidence(r, rc, text)
}

/// The account's DN and the administrative groups it belongs to, nested
/// memberships included (tokenGroups).
async fn admin_groups(
    session: &mut crate::ldap::session::Session,
    run: &Run,
) -> Result<(Option<String>, Vec<String>), ldap3::LdapError> {
    let target = &run.target;
    // AD accepts `sAMAccountName@dns.domain` as an implicit UPN even when the
    // account's userPrincipalName is empty or different, so a UPN that matches
    // no userPrincipalName is looked up by its user part.
    let filters: Vec<String> = match &target.identity {
        BindIdentity::Dn(_) => Vec::new(),
        BindIdentity::Upn(upn) => {
            let user = upn.split_once('@').map(|(u, _)| u).unwrap_or(upn);
            vec![
                format!("(userPrincipalName={})", escape_filter_value(upn)),
                format!("(sAMAccountName={})", escape_filter_value(user)),
            ]
        }
        BindIdentity::DownLevel(d) => {
            let user = d.split_once('\\').map(|(_, u)| u).unwrap_or(d);
            vec![format!("(sAMAccountName={})", escape_filter_value(user))]
        }
    };
    let dn = if let BindIdentity::Dn(dn) = &target.identity {
        Some(dn.clone())
    } else {
        let base = match &target.base_dn {
            Some(b) => b.clone(),
            None => crate::ldap::rootdse::RootDse::read(&mut session.ldap)
                .await?
                .proposed_base_dn()
                .unwrap_or_default(),
        };
        let mut found = None;
        for filter in &filters {
            crate::ldap::search::paged_search(&mut session.ldap, &base, filter, &["1.1"], |e| {
                found.get_or_insert(e.dn);
            })
            .await?;
            if found.is_some() {
                break;
            }
        }
        found
    };
    let Some(dn) = dn else {
        return Ok((None, Vec::new()));
    };
    let entry = read_entry(&mut session.ldap, &dn, &["tokenGroups"]).await?;
    let sids: Vec<String> = entry
        .map(|e| {
            e.values("tokenGroups")
                .iter()
                .filter_map(|b| sid_to_string(b))
                .collect()
        })
        .unwrap_or_default();
    let mut groups = Vec::new();
    for (suffix, name) in ADMIN_GROUPS {
        let hit = if suffix.starts_with("S-") {
            sids.iter().any(|s| s == suffix)
        } else {
            sids.iter()
                .any(|s| s.starts_with("S-1-5-21-") && s.ends_with(suffix))
        };
        if hit {
            groups.push(name.to_owned());
        }
    }
    Ok((Some(dn), groups))
}

/// A binary SID in its `S-1-5-21-…` text form.
pub(crate) fn sid_to_string(b: &[u8]) -> Option<String> {
    if b.len() < 8 {
        return None;
    }
    let count = b[1] as usize;
    if b.len() != 8 + 4 * count {
        return None;
    }
    let authority = b[2..8]
        .iter()
        .fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
    let mut s = format!("S-{}-{authority}", b[0]);
    for i in 0..count {
        let o = 8 + 4 * i;
        let sub = u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        s.push_str(&format!("-{sub}"));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sids() {
        // S-1-5-32-544
        let b = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0];
        assert_eq!(sid_to_string(&b).unwrap(), "S-1-5-32-544");
        assert!(sid_to_string(&b[..10]).is_none());
        assert!(sid_to_string(&[]).is_none());
    }
}
