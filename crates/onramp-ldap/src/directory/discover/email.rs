//! How the email attribute is filled in, and who will be skipped.

use super::{first, open, search_error};
use crate::directory::{DirectoryError, DirectoryTarget};
use crate::ldap::search::paged_search;
use crate::ldap::syntax::dn_is_within;
use onramp_connector::discovery::{EmailReport, SkippedUser};
use onramp_connector::snapshot::is_email;
use onramp_profile::EmailAttribute;
use onramp_secrets::SecretStore;

/// Reads every user's name and email attributes under the base DN.
pub async fn discover_email(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
    attribute: EmailAttribute,
) -> Result<EmailReport, DirectoryError> {
    let mut opened = open(target, secrets).await?;
    let attrs = [
        "mail",
        "userPrincipalName",
        "displayName",
        "givenName",
        "sn",
    ];
    let attribute_name = attribute.ldap_name();
    let mut report = EmailReport {
        attribute: attribute_name,
        users: 0,
        mail_only: 0,
        upn_only: 0,
        both_same: 0,
        both_different: 0,
        neither: 0,
        eligible: 0,
        skipped: Vec::new(),
    };
    paged_search(
        &mut opened.session.ldap,
        &opened.base,
        &target.users_filter(opened.ad),
        &attrs,
        |e| {
            // The same scope as the sync: a user under an excluded OU is
            // not one the sync takes or skips.
            if target.excluded_ous.iter().any(|ou| dn_is_within(&e.dn, ou)) {
                return;
            }
            report.users += 1;
            let mail = first(&e, "mail");
            let upn = first(&e, "userPrincipalName");
            match (mail, upn) {
                (Some(m), Some(u)) if m.eq_ignore_ascii_case(u) => report.both_same += 1,
                (Some(_), Some(_)) => report.both_different += 1,
                (Some(_), None) => report.mail_only += 1,
                (None, Some(_)) => report.upn_only += 1,
                (None, None) => report.neither += 1,
            }
            let email = match attribute {
                EmailAttribute::Mail => mail,
                EmailAttribute::UserPrincipalName => upn,
            };
            let has_name = first(&e, "displayName").is_some()
                || (first(&e, "givenName").is_some() && first(&e, "sn").is_some());
            let reason = match (has_name, email) {
                (false, _) => {
                    Some("no name: neither displayName nor givenName and sn are set".to_owned())
                }
                (true, None) => Some(format!("no email: the {attribute_name} attribute is empty")),
                (true, Some(v)) if !is_email(v) => {
                    Some(format!("{attribute_name} '{v}' is not an email address"))
                }
                _ => None,
            };
            match reason {
                Some(reason) => report.skipped.push(SkippedUser { dn: e.dn, reason }),
                None => report.eligible += 1,
            }
        },
    )
    .await
    .map_err(|e| search_error("users", e))?;
    opened.session.close().await;
    report.skipped.sort_by(|a, b| a.dn.cmp(&b.dn));
    Ok(report)
}
