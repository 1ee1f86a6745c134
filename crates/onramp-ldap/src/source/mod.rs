//! Reading a full [`Snapshot`] from Active Directory or a generic LDAP
//! directory: the first stage of a sync run (DESIGN.md, "Data flow of a sync
//! run").
//!
//! Two paged subtree searches under the base DN, users and groups, run at
//! the same time (a read is mostly waiting for the server and decoding its
//! answers; side by side the two searches keep both the server and the
//! client busy):
//!
//! * **Users** match [`DirectoryTarget::users_filter`]. Each entry is turned
//!   into a [`SourceUser`] as it streams in, so only the strings a snapshot
//!   keeps are held (the raw entries are dropped page by page). Users under
//!   one of the profile's `excluded_ous` are left out.
//! * **Groups** match [`DirectoryTarget::groups_filter`]. Member values are
//!   DNs (`member`, and on LDAP also `uniqueMember`) or uids (`memberUid` of
//!   `posixGroup`); once both searches are done they are mapped to user
//!   anchors, then to group anchors (nesting), by normalised DN. Members
//!   that are neither (outside the base DN, excluded, computers, foreign
//!   principals, placeholders) are ignored and counted in the
//!   [`ReadReport`]. A group whose `member` came back in ranges (AD answers
//!   `member;range=0-1499` past `MaxValRange`) is read to the end with
//!   [`all_values`](crate::ldap::search::all_values) once the group search
//!   is done.
//! * **Connections**: on AD both searches share the one connection (AD
//!   serves several paged searches per connection, and one connection keeps
//!   both on the domain controller whose USN the delta cursor records). On
//!   generic LDAP a full read takes the groups over a second connection,
//!   since slapd keeps one paged search per connection ("paged results
//!   cookie is invalid" otherwise), on a thread of its own
//!   ([`groups_thread`]) so that its answers are decoded on the other core.
//!
//! Decisions, so the later stages can rely on them:
//!
//! * **Anchor**: AD `objectGUID` in Microsoft's text form (36 characters),
//!   LDAP `entryUUID` (lower-case). An entry without a usable anchor is
//!   skipped, counted and logged, never an error: it cannot be tracked across
//!   runs, and failing the whole sync for it would stop everyone else's.
//! * **Enabled**: on AD, `userAccountControl` bit 0x2 (ACCOUNTDISABLE) clear.
//!   A missing or malformed value is an **error** naming the attribute and
//!   the DN: treating it as enabled could re-activate a disabled account on
//!   the platform, and the value is system-maintained, so a bad one means
//!   something is wrong with the read (permissions, a proxy), not the user.
//!   Generic LDAP has no standard flag: every user is enabled.
//! * **Completeness**: any failed search or ranged read is an error; a
//!   `Snapshot` is only returned whole, with `complete = true`.

mod delta;
mod entry;
mod groups;
mod groups_thread;
mod members;
mod str_index;
mod users;

pub use delta::{SyncReadError, read_for_sync};

use std::collections::HashMap;

use ldap3::{Ldap, LdapError};

use crate::directory::{BoundError, DirectoryError, DirectoryTarget, open_bound};
use crate::ldap::entry::Entry;
use crate::ldap::rootdse::RootDse;
use crate::ldap::session::Session;
use crate::ldap::syntax::dn_is_within;
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::tls::{TlsClient, client_config};
use onramp_connector::{ReadSummary, Snapshot};
use onramp_profile::AttributeMap;
use onramp_secrets::{Secret, SecretStore};

use groups::search_groups;
use groups_thread::GroupsThread;
use users::{Users, read_users};

/// Why a snapshot could not be read. Never carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// A search failed or was cut short (size limit, timeout, connection lost).
    #[error("reading the {what} under {base} failed: {source}")]
    Search {
        /// `users` or `groups`.
        what: &'static str,
        /// The base DN searched.
        base: String,
        /// What the server or the connection said.
        #[source]
        source: Box<LdapError>,
    },
    /// Reading the remaining members of a large group failed.
    #[error("reading the {attribute} values of {group} failed: {source}")]
    Members {
        /// The group's DN.
        group: String,
        /// The attribute being read (`member`, …).
        attribute: &'static str,
        /// What the server or the connection said.
        #[source]
        source: Box<crate::ldap::search::RangeReadError>,
    },
    /// A user's userAccountControl is missing or not a number, so whether
    /// the account is enabled is unknown.
    #[error("userAccountControl of {dn} {problem}; cannot tell whether the account is enabled")]
    AccountControl {
        /// The user's DN.
        dn: String,
        /// What is wrong with the value.
        problem: String,
    },
    /// The profile, its secret or its CA file is unusable.
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    /// Connecting or binding failed.
    #[error("{0}; run `onramp check --profile …` to find out why")]
    Bind(#[from] BoundError),
    /// The RootDSE could not be read.
    #[error("cannot read the RootDSE: {0}")]
    RootDse(#[source] Box<LdapError>),
    /// No base DN configured and the RootDSE proposes none.
    #[error("no base DN: set connection.base_dn in the profile")]
    NoBaseDn,
    /// The thread of the group search could not start, or stopped early.
    #[error("the group search's thread failed: {0}")]
    GroupsThread(#[source] std::io::Error),
}

impl SourceError {
    /// A failed search of `what` under `base`.
    pub(super) fn search(what: &'static str, base: &str, source: LdapError) -> Self {
        SourceError::Search {
            what,
            base: base.to_owned(),
            source: Box::new(source),
        }
    }
}

impl ToReport for SourceError {
    fn to_report(&self) -> ErrorReport {
        match self {
            SourceError::Directory(e) => e.to_report(),
            SourceError::NoBaseDn => ErrorReport::new(ErrorCode::InvalidInput, self.to_string()),
            _ => ErrorReport::new(ErrorCode::Internal, self.to_string()),
        }
    }
}

/// What one read saw besides the snapshot: counts of what was left out, so
/// the run record and the preview can say why a user is not there.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadReport {
    /// The base DN read under.
    pub base_dn: String,
    /// Whether the AD dialect was used (objectGUID, userAccountControl).
    pub ad: bool,
    /// User entries the user search returned.
    pub users_read: usize,
    /// …of which under an excluded OU (left out).
    pub users_excluded: usize,
    /// …of which without a usable anchor (left out).
    pub users_without_anchor: usize,
    /// Group entries the group search returned.
    pub groups_read: usize,
    /// …of which without a usable anchor (left out).
    pub groups_without_anchor: usize,
    /// Groups whose members needed ranged retrieval (AD, > MaxValRange).
    pub ranged_groups: usize,
    /// Member values that are neither a user nor a group of the snapshot
    /// (outside the base DN, excluded, computers, unknown uids, placeholders).
    pub ignored_members: usize,
    /// The first few entries left out for having no anchor, as "DN: why".
    pub examples: Vec<String>,
    /// LDAP: the latest modifyTimestamp seen, the next delta read's cursor.
    pub latest_modify_timestamp: Option<String>,
}

const MAX_EXAMPLES: usize = 10;

impl ReadReport {
    /// The report as every source gives it: the counts of users and groups
    /// read, with the rest (base DN, dialect, what was left out) as the
    /// source's own details.
    pub fn summary(&self) -> ReadSummary {
        let mut details = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        details.remove("users_read");
        details.remove("groups_read");
        ReadSummary {
            users_read: self.users_read,
            groups_read: self.groups_read,
            details,
        }
    }

    fn saw_timestamp(&mut self, entry: &Entry) {
        if let Some(t) = entry.text("modifyTimestamp")
            && self
                .latest_modify_timestamp
                .as_deref()
                .is_none_or(|latest| t > latest)
        {
            self.latest_modify_timestamp = Some(t.to_owned());
        }
    }

    /// Adds what a search's sink counted on its own thread.
    fn absorb(&mut self, other: ReadReport) {
        self.users_read += other.users_read;
        self.users_excluded += other.users_excluded;
        self.users_without_anchor += other.users_without_anchor;
        self.groups_read += other.groups_read;
        self.groups_without_anchor += other.groups_without_anchor;
        self.ranged_groups += other.ranged_groups;
        self.ignored_members += other.ignored_members;
        for example in other.examples {
            if self.examples.len() < MAX_EXAMPLES {
                self.examples.push(example);
            }
        }
        if let Some(t) = other.latest_modify_timestamp
            && self
                .latest_modify_timestamp
                .as_deref()
                .is_none_or(|latest| t.as_str() > latest)
        {
            self.latest_modify_timestamp = Some(t);
        }
    }

    fn skipped(&mut self, dn: &str, why: impl std::fmt::Display) {
        tracing::warn!("left out {dn}: {why}");
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(format!("{dn}: {why}"));
        }
    }
}

/// What binding as the profile's service account takes, gathered once per
/// read: the TLS settings and the password.
pub(super) struct BindCredentials {
    tls: TlsClient,
    password: Secret,
}

impl BindCredentials {
    /// The TLS settings (OS roots plus the profile's CA file) and the bind
    /// password from `secrets`.
    pub(super) fn of(
        target: &DirectoryTarget,
        secrets: &dyn SecretStore,
    ) -> Result<Self, SourceError> {
        let tls =
            client_config(target.connection.ca_file.as_deref()).map_err(DirectoryError::from)?;
        let password = secrets
            .get(&target.connection.bind_password_secret)
            .map_err(DirectoryError::from)?;
        Ok(Self { tls, password })
    }

    /// The same, for a second connection of the read (its own record of the
    /// server's certificate; the roots are not read again).
    fn for_another_connection(&self) -> Result<Self, SourceError> {
        Ok(Self {
            tls: self.tls.another().map_err(DirectoryError::from)?,
            password: self.password.clone(),
        })
    }

    /// Opens a session bound as the profile's service account.
    pub(super) async fn open(&self, target: &DirectoryTarget) -> Result<Session, SourceError> {
        Ok(open_bound(target, &self.tls, &self.password).await?)
    }
}

/// Reads the RootDSE: the dialect (AD or not) and, without a configured
/// base DN, the naming context to read under.
pub(super) async fn dialect_and_base(
    target: &DirectoryTarget,
    session: &mut Session,
) -> Result<(RootDse, String, bool), SourceError> {
    session.ldap.with_timeout(target.timeout);
    let dse = RootDse::read(&mut session.ldap)
        .await
        .map_err(|e| SourceError::RootDse(Box::new(e)))?;
    let base = target
        .base_dn
        .clone()
        .or_else(|| dse.proposed_base_dn())
        .ok_or(SourceError::NoBaseDn)?;
    let ad = dse.kind().is_ad();
    Ok((dse, base, ad))
}

/// Opens a session from the profile's connection and secret, reads the
/// RootDSE (for the dialect and, without a configured base DN, the naming
/// context), reads the snapshot and closes the session.
pub async fn read_directory(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
) -> Result<(Snapshot, ReadReport), SourceError> {
    let credentials = BindCredentials::of(target, secrets)?;
    let mut session = credentials.open(target).await?;
    let result = async {
        let (_, base, ad) = dialect_and_base(target, &mut session).await?;
        read_full(target, &credentials, &mut session, &base, ad).await
    }
    .await;
    session.close().await;
    result
}

/// A full read through `session` (opened with `credentials`), with the
/// second connection generic LDAP needs to read users and groups at once
/// opened (and closed) on the group search's thread.
pub(super) async fn read_full(
    target: &DirectoryTarget,
    credentials: &BindCredentials,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
) -> Result<(Snapshot, ReadReport), SourceError> {
    let groups = if ad {
        GroupSearch::Shared(session.ldap.clone())
    } else {
        GroupSearch::Thread(GroupsThread::start(
            target,
            credentials.for_another_connection()?,
            base_dn,
        )?)
    };
    read_snapshot_with_report(target, session, groups, base_dn, ad).await
}

/// The user attributes asked for: the anchor, the login, both email
/// attributes, the profile's mapped attributes, and the dialect's extras.
fn user_attributes(map: &AttributeMap, ad: bool) -> Vec<String> {
    let mut attrs: Vec<String> = if ad {
        [
            "objectGUID",
            "sAMAccountName",
            "mail",
            "userPrincipalName",
            "userAccountControl",
        ]
        .map(str::to_owned)
        .to_vec()
    } else {
        // entryUUID and modifyTimestamp are operational: returned only when asked for by name.
        ["entryUUID", "uid", "mail", "modifyTimestamp"]
            .map(str::to_owned)
            .to_vec()
    };
    for mapped in [
        &map.given_name,
        &map.family_name,
        &map.display_name,
        &map.phone,
        &map.department,
    ] {
        if !attrs.iter().any(|a| a.eq_ignore_ascii_case(mapped)) {
            attrs.push(mapped.clone());
        }
    }
    if !ad && map.department == "department" {
        attrs.push("departmentNumber".to_owned());
    }
    attrs
}

/// The attributes holding a group's members.
fn member_attributes(ad: bool) -> &'static [&'static str] {
    if ad {
        &["member"]
    } else {
        &["member", "uniqueMember", "memberUid"]
    }
}

/// Whether `dn` lies in (or is) one of the excluded OUs.
fn is_excluded(excluded_ous: &[String], dn: &str) -> bool {
    excluded_ous.iter().any(|ou| dn_is_within(dn, ou))
}

/// Where the group search of a read runs (see the module docs).
enum GroupSearch {
    /// On the users' connection, at the same time, through this second
    /// handle on it (AD).
    Shared(Ldap),
    /// On a connection and a thread of its own (generic LDAP's full reads).
    Thread(GroupsThread),
}

/// Reads users and groups under `base_dn` through `session`, with the
/// groups searched as `groups` says, and counts what was left out. `ad`
/// selects the dialect (usually `RootDse::kind().is_ad()`).
async fn read_snapshot_with_report(
    target: &DirectoryTarget,
    session: &mut Session,
    groups: GroupSearch,
    base_dn: &str,
    ad: bool,
) -> Result<(Snapshot, ReadReport), SourceError> {
    let mut report = ReadReport {
        base_dn: base_dn.to_owned(),
        ad,
        ..ReadReport::default()
    };
    let (users_filter, groups_filter) = (target.users_filter(ad), target.groups_filter(ad));
    let users = read_users(
        target,
        &mut session.ldap,
        base_dn,
        ad,
        &users_filter,
        &mut report,
    );
    let (users, groups) = match groups {
        GroupSearch::Shared(mut shared) => tokio::join!(
            users,
            search_groups(target, &mut shared, base_dn, ad, &groups_filter)
        ),
        GroupSearch::Thread(thread) => {
            // The users first: should their search fail, the group search is
            // given up on when `thread` is dropped.
            let users = users.await?;
            (Ok(users), thread.finish().await)
        }
    };
    let users = users?;
    let groups = groups?.resolve(&users, &HashMap::new(), &mut report);
    tracing::info!(
        base_dn,
        users = users.list.len(),
        groups = groups.len(),
        users_excluded = report.users_excluded,
        users_without_anchor = report.users_without_anchor,
        groups_without_anchor = report.groups_without_anchor,
        ranged_groups = report.ranged_groups,
        ignored_members = report.ignored_members,
        "read the directory snapshot"
    );
    Ok((
        Snapshot {
            users: users.list,
            groups,
            complete: true,
        },
        report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_ask_for_their_anchor() {
        let map = AttributeMap::default();
        let has = |ad: bool, a: &str| user_attributes(&map, ad).iter().any(|x| x == a);
        assert!(
            has(true, "objectGUID")
                && has(true, "userAccountControl")
                && has(true, "telephoneNumber")
        );
        assert!(has(false, "entryUUID") && has(false, "departmentNumber"));
        let mapped = AttributeMap {
            phone: "mobile".to_owned(),
            department: "ou".to_owned(),
            ..AttributeMap::default()
        };
        let attrs = user_attributes(&mapped, false);
        assert!(
            attrs.iter().any(|a| a == "mobile") && !attrs.iter().any(|a| a == "telephoneNumber")
        );
        assert!(!attrs.iter().any(|a| a == "departmentNumber"));
        assert_eq!(member_attributes(true), ["member"]);
        assert!(member_attributes(false).contains(&"memberUid"));
    }

    #[test]
    fn exclusions_use_dn_containment() {
        let ous = [
            "OU=Contractors,DC=x,DC=y".to_owned(),
            "OU=Sales\\, EMEA,DC=x,DC=y".to_owned(),
        ];
        let excluded = |dn: &str| is_excluded(&ous, dn);
        assert!(excluded("CN=A,OU=Contractors,DC=x,DC=y"));
        assert!(excluded("CN=A,OU=Sub,ou=contractors,dc=X,dc=Y"));
        assert!(!excluded("CN=A,OU=Contractors2,DC=x,DC=y"));
        assert!(!excluded("CN=Contractors,OU=Staff,DC=x,DC=y"));
        assert!(excluded("CN=B,OU=Sales\\2C EMEA,DC=x,DC=y"));
        assert!(!excluded("CN=B,OU=Sales,DC=x,DC=y"));
        assert!(!is_excluded(&[], "CN=A,OU=Contractors,DC=x,DC=y"));
    }
}
