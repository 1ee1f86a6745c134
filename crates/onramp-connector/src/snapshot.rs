//! What a directory source reads: the normalised snapshot every connector
//! produces and the sync pipeline maps.
//!
//! Every object is keyed by its anchor: the source's immutable id (AD
//! objectGUID in its text form, OpenLDAP entryUUID, Graph id, …), never a DN
//! or an email address, so a rename or a move between OUs is an update.

use std::collections::{BTreeMap, BTreeSet};

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

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !value.chars().any(char::is_whitespace)
}
