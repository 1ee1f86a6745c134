//! From the directory's snapshot to what the platform should have.
//!
//! The profile's rules decide: who is eligible (a name and a valid email, as
//! the seeds' platforms require), which attribute is the email, which groups
//! become platform groups and tags, and who is promoted to admin. Everything
//! left out is reported with the reason, never dropped silently.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::model::{
    DesiredGroup, DesiredState, DesiredUser, GroupIndex, SkippedUser, Snapshot, SourceGroup,
};
use onramp_base::parallel;
use onramp_connector::is_email;
use onramp_profile::{EmailAttribute, SyncRules};

/// The anchor of the integration's team group.
pub fn team_anchor(team: &str) -> String {
    format!("team:{team}")
}

/// The value trimmed, or `None` when blank; moved, not copied, when it
/// needs no trimming (the reader already trims).
fn non_empty(v: Option<String>) -> Option<String> {
    let s = v?;
    let trimmed = s.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == s.len() {
        Some(s)
    } else {
        Some(trimmed.to_owned())
    }
}

/// Whether a rule's reference names a group: the source's business (by
/// name, by DN, by id), see `DirectorySource::names_group`.
pub type GroupNames<'a> = dyn Fn(&SourceGroup, &str) -> bool + 'a;

/// Finds the groups a rule names.
fn resolve_groups<'a>(
    groups: &'a [SourceGroup],
    names: &[String],
    is_named: &GroupNames<'_>,
    rule: &str,
    notices: &mut Vec<String>,
) -> Vec<&'a SourceGroup> {
    let mut found = Vec::new();
    for name in names {
        let hit = groups.iter().find(|g| is_named(g, name));
        match hit {
            Some(g) => found.push(g),
            None => notices.push(format!(
                "{rule}: no group named '{name}' under the base DN; it is ignored"
            )),
        }
    }
    found
}

/// Builds the desired state. `team` is the team every synced user joins;
/// `is_named` says whether a rule's group reference names a group.
/// The snapshot is consumed: its users' strings move into the desired
/// state instead of being copied (100,000 users are a million strings).
pub fn desired_state(
    snapshot: Snapshot,
    rules: &SyncRules,
    team: &str,
    is_named: &GroupNames<'_>,
) -> DesiredState {
    let Snapshot { users, groups, .. } = snapshot;
    let mut state = DesiredState::default();
    let synced = resolve_groups(
        &groups,
        &rules.groups,
        is_named,
        "sync.groups",
        &mut state.notices,
    );
    let admin_groups = resolve_groups(
        &groups,
        &rules.admin_groups,
        is_named,
        "sync.admin_groups",
        &mut state.notices,
    );
    let max_tag = rules.max_tag_length as usize;

    let index = GroupIndex::of(&groups);
    let admins: BTreeSet<String> = admin_groups
        .iter()
        .flat_map(|g| index.transitive_users(&g.anchor))
        .collect();
    let memberships: Vec<(&SourceGroup, BTreeSet<String>)> = synced
        .iter()
        .map(|g| (*g, index.transitive_users(&g.anchor)))
        .collect();
    for (g, _) in &memberships {
        let len = g.name.chars().count();
        if len > max_tag {
            state.notices.push(format!(
                "group '{}' has {len} characters, more than the platform's tag limit of {max_tag}: it is synced as a group but not used as a tag (rename it, or raise sync.max_tag_length if the platform allows)",
                g.name
            ));
        }
    }

    // Each user's tags, from one pass over every synced group's members
    // (not one check per user and group).
    let mut tags_by_user: HashMap<&str, Vec<String>> = HashMap::new();
    for (g, members) in &memberships {
        if g.name.chars().count() <= max_tag {
            for m in members {
                tags_by_user
                    .entry(m.as_str())
                    .or_default()
                    .push(g.name.clone());
            }
        }
    }
    let attribute = rules.email_attribute.ldap_name();
    // Each user on its own, so the users are shared out among the cores.
    let mapped = parallel::map_chunks(users, 4096, |user| {
        let email = match rules.email_attribute {
            EmailAttribute::Mail => non_empty(user.mail),
            EmailAttribute::UserPrincipalName => non_empty(user.user_principal_name),
        };
        let display = non_empty(user.display_name);
        let given = non_empty(user.given_name);
        let family = non_empty(user.family_name);
        let has_name = display.is_some() || (given.is_some() && family.is_some());
        let reason = match (&email, has_name) {
            (_, false) => {
                Some("no name: neither displayName nor givenName and sn are set".to_owned())
            }
            (None, true) => Some(format!("no email: the {attribute} attribute is empty")),
            (Some(e), true) if !is_email(e) => {
                Some(format!("{attribute} '{e}' is not an email address"))
            }
            _ => None,
        };
        if let Some(reason) = reason {
            return Err(SkippedUser {
                anchor: user.anchor,
                dn: user.dn,
                reason,
            });
        }
        let email = email.unwrap_or_default();
        let mut tags: Vec<String> = tags_by_user
            .get(user.anchor.as_str())
            .cloned()
            .unwrap_or_default();
        tags.sort();
        tags.dedup();
        let admin = admins.contains(&user.anchor);
        Ok((
            user.anchor.clone(),
            Arc::new(DesiredUser {
                anchor: user.anchor,
                user_name: email.to_lowercase(),
                email,
                given_name: given,
                family_name: family,
                display_name: display,
                phone: non_empty(user.phone),
                department: non_empty(user.department),
                active: user.enabled,
                admin,
                tags,
            }),
        ))
    });
    // Collected, then sorted into the map in one go: a BTreeMap built from
    // a sorted run is a fraction of 100,000 single inserts at random keys.
    let mut desired_users = Vec::with_capacity(mapped.len());
    for m in mapped {
        match m {
            Ok(user) => desired_users.push(user),
            Err(skipped) => state.skipped.push(skipped),
        }
    }
    // Equal anchors keep the last, as inserting one by one did.
    state.users = desired_users.into_iter().collect();

    state.groups.insert(
        team_anchor(team),
        Arc::new(DesiredGroup {
            anchor: team_anchor(team),
            display_name: team.to_owned(),
            members: state.users.keys().cloned().collect(),
        }),
    );
    for (g, members) in memberships {
        let members = members
            .into_iter()
            .filter(|m| state.users.contains_key(m))
            .collect();
        state.groups.insert(
            g.anchor.clone(),
            Arc::new(DesiredGroup {
                anchor: g.anchor.clone(),
                display_name: g.name.clone(),
                members,
            }),
        );
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceUser;
    use onramp_profile::syntax::dn_is_within;

    /// Names a group as an LDAP source does: by name, or by DN.
    fn by_name(g: &SourceGroup, reference: &str) -> bool {
        g.name.eq_ignore_ascii_case(reference)
            || (reference.contains('=')
                && dn_is_within(&g.dn, reference)
                && dn_is_within(reference, &g.dn))
    }

    fn user(
        anchor: &str,
        mail: Option<&str>,
        name: Option<(&str, &str)>,
        enabled: bool,
    ) -> SourceUser {
        SourceUser {
            anchor: anchor.into(),
            dn: format!("CN={anchor},OU=Staff,DC=x"),
            login: Some(anchor.into()),
            given_name: name.map(|n| n.0.into()),
            family_name: name.map(|n| n.1.into()),
            display_name: name.map(|n| format!("{} {}", n.0, n.1)),
            mail: mail.map(Into::into),
            user_principal_name: Some(format!("{anchor}@x.local")),
            phone: None,
            department: Some("  ".into()),
            enabled,
        }
    }

    fn group(anchor: &str, name: &str, users: &[&str], groups: &[&str]) -> SourceGroup {
        SourceGroup {
            anchor: anchor.into(),
            dn: format!("CN={name},OU=Groups,DC=x"),
            name: name.into(),
            member_users: users.iter().map(|s| (*s).to_owned()).collect(),
            member_groups: groups.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            users: vec![
                user("u1", Some("Ann@x.com"), Some(("Ann", "Able")), true),
                user("u2", None, Some(("Ben", "Baker")), true),
                user("u3", Some("cy@x.com"), None, true),
                user("u4", Some("dee@x.com"), Some(("Dee", "Dunn")), false),
                user("u5", Some("not-an-email"), Some(("Eve", "Ek")), true),
            ],
            groups: vec![
                group("g1", "VPN Users", &["u1"], &["g2"]),
                group("g2", "Finance", &["u4", "u2"], &["g1"]),
                group("g3", "Platform Admins With A Very Long Name", &["u4"], &[]),
            ],
            complete: true,
        }
    }

    fn rules() -> SyncRules {
        SyncRules {
            groups: vec![
                "vpn users".into(),
                "CN=Finance,OU=Groups,DC=x".into(),
                "Platform Admins With A Very Long Name".into(),
                "Nope".into(),
            ],
            admin_groups: vec!["Platform Admins With A Very Long Name".into()],
            ..SyncRules::default()
        }
    }

    #[test]
    fn eligibility_tags_admins_and_team() {
        let s = desired_state(snapshot(), &rules(), "AD Users", &by_name);
        assert_eq!(s.users.keys().collect::<Vec<_>>(), ["u1", "u4"]);
        let reasons: Vec<(&str, &str)> = s
            .skipped
            .iter()
            .map(|k| (k.anchor.as_str(), k.reason.as_str()))
            .collect();
        assert_eq!(reasons[0], ("u2", "no email: the mail attribute is empty"));
        assert!(reasons[1].1.starts_with("no name"));
        assert!(reasons[2].1.contains("not an email address"));
        let u1 = &s.users["u1"];
        assert_eq!(u1.user_name, "ann@x.com");
        assert_eq!(u1.email, "Ann@x.com");
        assert_eq!(u1.department, None, "blank values are absent");
        // Nested and circular: VPN Users contains Finance contains VPN Users.
        assert_eq!(u1.tags, ["Finance", "VPN Users"]);
        let u4 = &s.users["u4"];
        assert!(!u4.active && u4.admin);
        assert_eq!(
            u4.tags,
            ["Finance", "VPN Users"],
            "the long name is not a tag"
        );
        assert!(
            s.notices
                .iter()
                .any(|n| n.contains("more than the platform's tag limit of 29"))
        );
        assert!(s.notices.iter().any(|n| n.contains("'Nope'")));
        let team = &s.groups["team:AD Users"];
        assert_eq!(team.members.len(), 2);
        assert_eq!(
            s.groups["g1"].members.iter().collect::<Vec<_>>(),
            ["u1", "u4"]
        );
        assert_eq!(s.groups.len(), 4);
    }

    /// Enough users that the mapping is split among the cores (chunks of at
    /// least 4,096): the result is the one a single pass gives.
    #[test]
    fn a_large_directory_maps_as_one_pass_would() {
        let n = 10_000;
        let users: Vec<SourceUser> = (0..n)
            .map(|i| {
                let anchor = format!("u{i:05}");
                // Every 7th user has no email, in input order.
                let mail = (i % 7 != 0).then(|| format!("{anchor}@x.com"));
                user(&anchor, mail.as_deref(), Some(("A", "B")), true)
            })
            .collect();
        let members: Vec<String> = (0..n).step_by(1000).map(|i| format!("u{i:05}")).collect();
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        let snapshot = Snapshot {
            users,
            groups: vec![group("g1", "VPN Users", &members, &[])],
            complete: true,
        };
        let s = desired_state(snapshot, &rules(), "AD Users", &by_name);
        let skipped: Vec<String> = (0..n)
            .filter(|i| i % 7 == 0)
            .map(|i| format!("u{i:05}"))
            .collect();
        assert_eq!(
            s.skipped
                .iter()
                .map(|k| k.anchor.clone())
                .collect::<Vec<_>>(),
            skipped
        );
        assert_eq!(s.users.len(), n - skipped.len());
        assert_eq!(s.groups["team:AD Users"].members.len(), s.users.len());
        // u09000 is in the last chunk; u07000 was skipped (no email).
        assert_eq!(s.users["u09000"].tags, ["VPN Users"]);
        assert!(s.users["u09001"].tags.is_empty());
        assert_eq!(
            s.groups["g1"].members.len(),
            10 - 2,
            "u00000 and u07000 skipped"
        );
    }

    #[test]
    fn upn_as_email() {
        let mut r = rules();
        r.email_attribute = EmailAttribute::UserPrincipalName;
        let s = desired_state(snapshot(), &r, "AD Users", &by_name);
        assert_eq!(s.users["u2"].email, "u2@x.local");
    }

    #[test]
    fn emails() {
        assert!(is_email("ann@example.com"));
        for bad in [
            "ann",
            "@example.com",
            "ann@local",
            "ann@.com",
            "a b@x.com",
            "a@b@c.com",
            "ann@x.",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
