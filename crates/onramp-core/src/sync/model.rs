//! The objects a sync run moves through: what the source has (the
//! snapshot), and what the platform should have (the desired state).
//!
//! Every object is keyed by its anchor: the source's immutable id (AD
//! objectGUID in its text form, OpenLDAP entryUUID, Graph id, …), never a DN
//! or an email address, so a rename or a move between OUs is an update.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A user as the directory has it, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceUser {
    /// The immutable id (AD objectGUID text form, entryUUID, …).
    pub anchor: String,
    /// Where the user is now (for exclusions and messages; not an identity).
    pub dn: String,
    /// The logon name: sAMAccountName on AD, uid on LDAP.
    pub login: Option<String>,
    /// givenName.
    pub given_name: Option<String>,
    /// sn.
    pub family_name: Option<String>,
    /// displayName.
    pub display_name: Option<String>,
    /// The `mail` attribute.
    pub mail: Option<String>,
    /// The `userPrincipalName` attribute (AD).
    pub user_principal_name: Option<String>,
    /// telephoneNumber.
    pub phone: Option<String>,
    /// department.
    pub department: Option<String>,
    /// False when the account is disabled (AD userAccountControl bit 2).
    pub enabled: bool,
}

/// A group as the directory has it, with its direct members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceGroup {
    /// The immutable id.
    pub anchor: String,
    /// Where the group is now.
    pub dn: String,
    /// Its name (cn).
    pub name: String,
    /// Anchors of the users that are direct members.
    pub member_users: BTreeSet<String>,
    /// Anchors of the groups that are direct members (nesting).
    pub member_groups: BTreeSet<String>,
}

/// Everything one read of the source produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Snapshot {
    /// Users in scope (after base DN, filter and OU exclusions).
    pub users: Vec<SourceUser>,
    /// Every group under the base DN that passes the group filter.
    pub groups: Vec<SourceGroup>,
    /// Whether this is a full read (a delta read lists only what changed).
    pub complete: bool,
}

impl Snapshot {
    /// The anchors of every user reachable from `group`, through nested
    /// groups, each group visited once (cycles are harmless).
    pub fn transitive_users(&self, group: &str) -> BTreeSet<String> {
        GroupIndex::new(self).transitive_users(group)
    }
}

/// The snapshot's groups by anchor, built once for many lookups.
pub struct GroupIndex<'a> {
    by_anchor: BTreeMap<&'a str, &'a SourceGroup>,
}

impl<'a> GroupIndex<'a> {
    /// Indexes the snapshot's groups.
    pub fn new(snapshot: &'a Snapshot) -> Self {
        Self::of(&snapshot.groups)
    }

    /// Indexes `groups`.
    pub fn of(groups: &'a [SourceGroup]) -> Self {
        Self {
            by_anchor: groups.iter().map(|g| (g.anchor.as_str(), g)).collect(),
        }
    }

    /// The anchors of every user reachable from `group`, through nested
    /// groups, each group visited once (cycles are harmless).
    pub fn transitive_users(&self, group: &str) -> BTreeSet<String> {
        let mut users = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![group];
        while let Some(anchor) = stack.pop() {
            if !seen.insert(anchor) {
                continue;
            }
            if let Some(g) = self.by_anchor.get(anchor) {
                users.extend(g.member_users.iter().cloned());
                stack.extend(g.member_groups.iter().map(String::as_str));
            }
        }
        users
    }
}

/// A user as the platform should have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredUser {
    /// The source anchor, sent as SCIM `externalId`.
    pub anchor: String,
    /// The platform login (SCIM `userName`): the email address.
    pub user_name: String,
    /// The email address.
    pub email: String,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Whether the account is active.
    pub active: bool,
    /// Whether the user gets the platform's admin role.
    pub admin: bool,
    /// The names of the synced groups the user is in, sorted.
    pub tags: Vec<String>,
}

/// A group as the platform should have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredGroup {
    /// The source anchor, or `team:<name>` for the integration's team.
    pub anchor: String,
    /// The platform group's name.
    pub display_name: String,
    /// Anchors of the member users.
    pub members: BTreeSet<String>,
}

/// A user the sync leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedUser {
    /// The anchor.
    pub anchor: String,
    /// The DN, for the admin.
    pub dn: String,
    /// Why.
    pub reason: String,
}

/// What the platform should look like after the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DesiredState {
    /// Users, by anchor. Shared with the plan (`Arc`), so a first sync's
    /// plan of 100,000 creates does not hold a second copy of every user.
    pub users: BTreeMap<String, Arc<DesiredUser>>,
    /// Groups (the team first), by anchor.
    pub groups: BTreeMap<String, Arc<DesiredGroup>>,
    /// Users left out, with the reason.
    pub skipped: Vec<SkippedUser>,
    /// Things the admin should know (tag names too long, groups not found).
    pub notices: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(anchor: &str, users: &[&str], groups: &[&str]) -> SourceGroup {
        SourceGroup {
            anchor: anchor.into(),
            dn: format!("CN={anchor}"),
            name: anchor.into(),
            member_users: users.iter().map(|s| (*s).to_owned()).collect(),
            member_groups: groups.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn nested_and_circular_groups() {
        let snap = Snapshot {
            users: vec![],
            groups: vec![
                group("a", &["u1"], &["b"]),
                group("b", &["u2"], &["c"]),
                group("c", &["u3"], &["a"]),
                group("d", &["u4"], &[]),
            ],
            complete: true,
        };
        let all: Vec<String> = snap.transitive_users("a").into_iter().collect();
        assert_eq!(all, ["u1", "u2", "u3"]);
        assert_eq!(snap.transitive_users("d").len(), 1);
        assert!(snap.transitive_users("missing").is_empty());
    }
}
