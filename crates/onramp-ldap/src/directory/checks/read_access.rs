//! `ldap.read_access`: the service account can list users and groups under the base DN.

use super::Run;
use crate::directory::bound::open_bound;
use crate::ldap::guid::object_guid_to_string;
use crate::ldap::rootdse::RootDse;
use crate::ldap::search::paged_search;
use onramp_base::check::CheckResult;

pub(super) const ID: &str = "ldap.read_access";

pub(super) async fn run(run: &Run) -> CheckResult {
    if let Some(skipped) = run.needs_tls(ID) {
        return skipped;
    }
    let password = match run.password_or_fail(ID) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let target = &run.target;
    let mut session = match open_bound(target, &run.tls, password).await {
        Ok(s) => s,
        Err(e) => return CheckResult::fail(ID, format!("cannot bind: {e}")),
    };
    let dse = RootDse::read(&mut session.ldap).await.ok();
    let ad = dse.as_ref().is_some_and(|d| d.kind().is_ad());
    let Some(base) = target
        .base_dn
        .clone()
        .or_else(|| dse.as_ref().and_then(RootDse::proposed_base_dn))
    else {
        session.close().await;
        return CheckResult::fail(
            ID,
            "no base DN: the profile sets none and the server proposes none",
        )
        .remediation(["Set connection.base_dn in the profile.".to_owned()]);
    };
    let users_filter = target.users_filter(ad);
    let groups_filter = target.groups_filter(ad);
    let mut users = 0u64;
    let mut groups = 0u64;
    // The anchor is the immutable id the sync keys users by: objectGUID on
    // AD, entryUUID (an operational attribute, so asked for by name) elsewhere.
    let anchor = if ad { "objectGUID" } else { "entryUUID" };
    let mut without_anchor = 0u64;
    let mut example_anchor: Option<String> = None;
    let users_result = paged_search(&mut session.ldap, &base, &users_filter, &[anchor], |e| {
        users += 1;
        let value = if ad {
            e.binary(anchor).and_then(object_guid_to_string)
        } else {
            e.text(anchor).map(str::to_owned)
        };
        match value {
            Some(v) => {
                example_anchor.get_or_insert(v);
            }
            None => without_anchor += 1,
        }
    })
    .await;
    let groups_result = paged_search(&mut session.ldap, &base, &groups_filter, &["1.1"], |_| {
        groups += 1
    })
    .await;
    session.close().await;
    let r = CheckResult::pass(ID, "")
        .evidence("base_dn", &base)
        .evidence("users.filter", &users_filter)
        .evidence("groups.filter", &groups_filter);
    match (users_result, groups_result) {
        (Err(e), _) | (_, Err(e)) => {
            let mut r = r;
            r.status = onramp_base::check::CheckStatus::Fail;
            r.summary = format!("searching under {base} failed: {e}");
            r.remediation = vec![
                format!("Check that connection.base_dn ({base}) exists."),
                "Check that sync.user_filter and sync.group_filter are valid for this server."
                    .to_owned(),
            ];
            r
        }
        (Ok(()), Ok(())) if users == 0 => {
            let mut r = r
                .evidence("users.count", 0)
                .evidence("groups.count", groups);
            r.status = onramp_base::check::CheckStatus::Fail;
            r.summary = format!("the service account sees no users under {base}");
            r.details = "The search worked but returned no user objects.".to_owned();
            r.remediation = vec![
                format!("Check that the base DN covers the container where users are (often CN=Users,… or an OU); it is {base}."),
                "Check that the service account may read user objects (a member of Domain Users can; a denied \"List Contents\" permission hides them).".to_owned(),
                format!("Check sync.user_filter; the filter used was {users_filter}."),
            ];
            r
        }
        (Ok(()), Ok(())) => {
            let mut r = r
                .evidence("users.count", users)
                .evidence("groups.count", groups)
                .evidence("anchor.attribute", anchor);
            if let Some(example) = &example_anchor {
                r = r.evidence("anchor.example", example);
            }
            r.summary =
                format!("the service account sees {users} users and {groups} groups under {base}");
            if without_anchor > 0 {
                r.status = onramp_base::check::CheckStatus::Warn;
                r.details = format!(
                    "{without_anchor} users have no readable {anchor}; the sync keys users by it and will skip them."
                );
                r.remediation = vec![format!(
                    "Allow the service account to read {anchor} on user objects."
                )];
            }
            r
        }
    }
}
