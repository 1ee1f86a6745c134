//! What a connector's discoveries return: the typed results behind the
//! wizard's pickers (the OU tree to exclude from, the groups to sync, the
//! email attribute survey), the same shapes for every directory so the UI
//! renders any of them without knowing which connector answered.

use serde::Serialize;
use ts_rs::TS;

/// A discovery a connector offers, as the wizard's field types ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryKind {
    /// The tree of containers users sit in (AD/LDAP OUs; Google org units).
    Ous,
    /// The groups with member counts.
    Groups,
    /// How the email attribute is filled in and who would be skipped.
    Email,
}

impl DiscoveryKind {
    /// Every kind, in the order the wizard's steps use them.
    pub const ALL: [DiscoveryKind; 3] = [Self::Ous, Self::Groups, Self::Email];

    /// The id the CLI and the IPC use (`ous`, `groups`, `email`).
    pub fn id(self) -> &'static str {
        match self {
            Self::Ous => "ous",
            Self::Groups => "groups",
            Self::Email => "email",
        }
    }

    /// The kind with `id`, if there is one.
    pub fn parse(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

/// One discovery's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Discovery {
    /// The container tree under the base (one root).
    Ous {
        /// The root node.
        ous: Vec<OuNode>,
    },
    /// The groups with their member counts.
    Groups {
        /// Every group in scope.
        groups: Vec<GroupInfo>,
    },
    /// The email attribute survey.
    Email {
        /// Counts and the users that would be skipped.
        email: EmailReport,
    },
}

/// One node of the tree: the base, an OU, or a container that holds users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OuNode {
    /// The node's DN.
    pub dn: String,
    /// Its name (the value of its first RDN).
    pub name: String,
    /// `domain`, `ou` or `container`.
    pub kind: &'static str,
    /// Users directly in this node.
    pub direct_users: u64,
    /// Users in this node and below.
    pub total_users: u64,
    /// Whether the profile excludes it (or an OU above it).
    pub excluded: bool,
    /// Child nodes, sorted by name.
    pub children: Vec<OuNode>,
}

/// A group as the admin chooses among them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct GroupInfo {
    /// The group's DN.
    pub dn: String,
    /// Its name (cn).
    pub name: String,
    /// Direct members, all of them (ranged retrieval past 1500 on AD).
    pub member_count: u64,
    /// The group's description, if any.
    pub description: Option<String>,
    /// Whether the name is longer than the platform's maximum tag length.
    pub name_too_long_for_tag: bool,
}

/// A user the sync will skip, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(rename = "SurveySkippedUser")]
pub struct SkippedUser {
    /// The user's DN.
    pub dn: String,
    /// Why: a missing name or a missing or invalid email.
    pub reason: String,
}

/// The email attribute survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EmailReport {
    /// The attribute the profile uses.
    pub attribute: &'static str,
    /// Users seen.
    pub users: u64,
    /// Users with `mail` only.
    pub mail_only: u64,
    /// Users with `userPrincipalName` only.
    pub upn_only: u64,
    /// Users with both, equal (case-insensitively).
    pub both_same: u64,
    /// Users with both, different.
    pub both_different: u64,
    /// Users with neither.
    pub neither: u64,
    /// Users the sync will take.
    pub eligible: u64,
    /// Users the sync will skip, with the reason.
    pub skipped: Vec<SkippedUser>,
}
