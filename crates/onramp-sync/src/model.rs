//! The objects a sync run moves through: what the source has (the
//! snapshot), and what the platform should have (the desired state).
//!
//! Every object is keyed by its anchor: the source's immutable id (AD
//! objectGUID in its text form, OpenLDAP entryUUID, Graph id, …), never a DN
//! or an email address, so a rename or a move between OUs is an update.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use onramp_connector::snapshot::{GroupIndex, Snapshot, SourceGroup, SourceUser};

/// A user as the platform should have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct DesiredGroup {
    /// The source anchor, or `team:<name>` for the integration's team.
    pub anchor: String,
    /// The platform group's name.
    pub display_name: String,
    /// Anchors of the member users.
    pub members: BTreeSet<String>,
}

/// A user the sync leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
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
