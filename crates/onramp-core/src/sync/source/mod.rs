//! Reading a full [`Snapshot`] from Active Directory or a generic LDAP
//! directory: the first stage of a sync run (DESIGN.md, "Data flow of a sync
//! run").
//!
//! Two paged subtree searches under the base DN, users first, then groups:
//!
//! * **Users** match [`DirectoryTarget::users_filter`]. Each entry is turned
//!   into a [`SourceUser`] as it streams in, so only the strings a snapshot
//!   keeps are held (the raw entries are dropped page by page). Users under
//!   one of the profile's `excluded_ous` are left out.
//! * **Groups** match [`DirectoryTarget::groups_filter`]. Member values are
//!   DNs (`member`, and on LDAP also `uniqueMember`) or uids (`memberUid` of
//!   `posixGroup`); they are mapped to user anchors, then to group anchors
//!   (nesting), by normalised DN. Members that are neither (outside the base
//!   DN, excluded, computers, foreign principals, placeholders) are ignored
//!   and counted in the [`ReadReport`]. A group whose `member` came back in
//!   ranges (AD answers `member;range=0-1499` past `MaxValRange`) is read to
//!   the end with [`all_values`] once the group search is done.
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

pub use delta::{ReadKind, SyncReadError, read_for_sync};

use std::collections::{BTreeSet, HashMap};

use ldap3::{LdapError, SearchEntry};

use super::model::{Snapshot, SourceGroup, SourceUser};
use crate::directory::{BoundError, DirectoryError, DirectoryTarget, open_bound};
use crate::error::{ErrorCode, ErrorReport, ToReport};
use crate::ldap::rootdse::RootDse;
use crate::ldap::search::{RangeEnd, all_values, attribute_values, paged_search};
use crate::ldap::session::Session;
use crate::ldap::syntax::dn_is_within;
use crate::profile::AttributeMap;
use crate::secret::SecretStore;
use crate::tls::client_config;

use entry::{
    anchor, anchor_attribute, enabled_from_uac, first_text, normalize_dn, owned, rdn_value,
    strip_optional_uid,
};

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
    fn saw_timestamp(&mut self, entry: &SearchEntry) {
        if let Some(t) = first_text(entry, "modifyTimestamp")
            && self
                .latest_modify_timestamp
                .as_deref()
                .is_none_or(|latest| t > latest)
        {
            self.latest_modify_timestamp = Some(t.to_owned());
        }
    }

    fn skipped(&mut self, dn: &str, why: impl std::fmt::Display) {
        tracing::warn!("left out {dn}: {why}");
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(format!("{dn}: {why}"));
        }
    }
}

/// Reads users and groups under `base_dn` through an already bound session.
/// `ad` selects the dialect (usually `RootDse::kind().is_ad()`). The counts
/// of what was left out are logged; [`read_snapshot_with_report`] returns them.
pub async fn read_snapshot(
    target: &DirectoryTarget,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
) -> Result<Snapshot, SourceError> {
    read_snapshot_with_report(target, session, base_dn, ad)
        .await
        .map(|(snapshot, _)| snapshot)
}

/// Opens a session bound as the profile's service account.
pub(super) async fn open_session(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
) -> Result<Session, SourceError> {
    let tls = client_config(target.connection.ca_file.as_deref()).map_err(DirectoryError::from)?;
    let password = secrets
        .get(&target.connection.bind_password_secret)
        .map_err(DirectoryError::from)?;
    Ok(open_bound(target, &tls, &password).await?)
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
    let mut session = open_session(target, secrets).await?;
    let result = async {
        let (_, base, ad) = dialect_and_base(target, &mut session).await?;
        read_snapshot_with_report(target, &mut session, &base, ad).await
    }
    .await;
    session.close().await;
    result
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

/// The users read so far, and how to find them by DN (and uid on LDAP).
#[derive(Default)]
pub(super) struct Users {
    pub(super) list: Vec<SourceUser>,
    by_dn: HashMap<String, usize>,
    by_login: HashMap<String, usize>,
}

/// A group being assembled: member DNs that are not users wait until every
/// group is known.
struct PendingGroup {
    group: SourceGroup,
    unresolved: Vec<String>,
}

impl Users {
    /// Indexes a list of users (a delta read's merged view).
    pub(super) fn from_list(list: Vec<SourceUser>, ad: bool) -> Self {
        let mut users = Users::default();
        for (i, u) in list.iter().enumerate() {
            users.by_dn.insert(normalize_dn(&u.dn), i);
            if !ad && let Some(login) = &u.login {
                users.by_login.insert(login.to_lowercase(), i);
            }
        }
        users.list = list;
        users
    }

    /// Adds one member value of `attribute` to `group`.
    fn add_member(
        &self,
        group: &mut PendingGroup,
        attribute: &str,
        value: &str,
        report: &mut ReadReport,
    ) {
        if attribute.eq_ignore_ascii_case("memberUid") {
            match self.by_login.get(&value.trim().to_lowercase()) {
                Some(&i) => {
                    group.group.member_users.insert(self.list[i].anchor.clone());
                }
                None => report.ignored_members += 1,
            }
            return;
        }
        let dn = normalize_dn(strip_optional_uid(value));
        match self.by_dn.get(&dn) {
            Some(&i) => {
                group.group.member_users.insert(self.list[i].anchor.clone());
            }
            None => group.unresolved.push(dn),
        }
    }
}

/// [`read_snapshot`], also returning what was left out.
pub async fn read_snapshot_with_report(
    target: &DirectoryTarget,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
) -> Result<(Snapshot, ReadReport), SourceError> {
    let mut report = ReadReport {
        base_dn: base_dn.to_owned(),
        ad,
        ..ReadReport::default()
    };
    let users = read_users(
        target,
        session,
        base_dn,
        ad,
        &target.users_filter(ad),
        &mut report,
    )
    .await?;
    let groups = read_groups(
        target,
        session,
        base_dn,
        ad,
        &target.groups_filter(ad),
        &users,
        &HashMap::new(),
        &mut report,
    )
    .await?;
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

pub(super) async fn read_users(
    target: &DirectoryTarget,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
    filter: &str,
    report: &mut ReadReport,
) -> Result<Users, SourceError> {
    let map = &target.attributes;
    let user_attrs = user_attributes(map, ad);
    let user_attrs: Vec<&str> = user_attrs.iter().map(String::as_str).collect();
    let mut users = Users::default();
    let mut failed: Option<SourceError> = None;
    session.ldap.with_timeout(target.timeout);
    paged_search(
        &mut session.ldap,
        base_dn,
        filter,
        &user_attrs,
        |e: SearchEntry| {
            if failed.is_some() {
                return;
            }
            report.users_read += 1;
            report.saw_timestamp(&e);
            if is_excluded(&target.excluded_ous, &e.dn) {
                report.users_excluded += 1;
                return;
            }
            let anchor = match anchor(&e, ad) {
                Ok(a) => a,
                Err(problem) => {
                    report.users_without_anchor += 1;
                    report.skipped(&e.dn, problem);
                    return;
                }
            };
            let enabled = if ad {
                match enabled_from_uac(first_text(&e, "userAccountControl")) {
                    Ok(enabled) => enabled,
                    Err(problem) => {
                        failed = Some(SourceError::AccountControl {
                            dn: e.dn.clone(),
                            problem,
                        });
                        return;
                    }
                }
            } else {
                true
            };
            let login = owned(&e, if ad { "sAMAccountName" } else { "uid" });
            let index = users.list.len();
            users.by_dn.insert(normalize_dn(&e.dn), index);
            if !ad && let Some(login) = &login {
                users.by_login.insert(login.to_lowercase(), index);
            }
            users.list.push(SourceUser {
                anchor,
                login,
                given_name: owned(&e, &map.given_name),
                family_name: owned(&e, &map.family_name),
                display_name: owned(&e, &map.display_name),
                mail: owned(&e, "mail"),
                user_principal_name: if ad {
                    owned(&e, "userPrincipalName")
                } else {
                    None
                },
                phone: owned(&e, &map.phone),
                department: owned(&e, &map.department).or_else(|| {
                    if ad || map.department != "department" {
                        None
                    } else {
                        owned(&e, "departmentNumber")
                    }
                }),
                enabled,
                dn: e.dn,
            });
        },
    )
    .await
    .map_err(|source| SourceError::Search {
        what: "users",
        base: base_dn.to_owned(),
        source: Box::new(source),
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    users.by_dn.shrink_to_fit();
    users.by_login.shrink_to_fit();
    users.list.shrink_to_fit();
    Ok(users)
}

/// Reads the groups matching `filter`; member DNs are resolved against
/// `users` and the groups of this read, then `known_groups` (normalised DN →
/// anchor, for a delta read whose unchanged groups are not read again).
#[allow(clippy::too_many_arguments)]
pub(super) async fn read_groups(
    target: &DirectoryTarget,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
    filter: &str,
    users: &Users,
    known_groups: &HashMap<String, String>,
    report: &mut ReadReport,
) -> Result<Vec<SourceGroup>, SourceError> {
    let member_attrs = member_attributes(ad);
    let mut attrs = vec![anchor_attribute(ad), "cn"];
    if !ad {
        attrs.push("modifyTimestamp");
    }
    attrs.extend_from_slice(member_attrs);
    let mut pending: Vec<PendingGroup> = Vec::new();
    let mut by_dn: HashMap<String, usize> = HashMap::new();
    // Groups whose members came back in ranges: the first entry (with the
    // first chunk) and the attributes to continue.
    let mut ranged: Vec<(usize, SearchEntry, Vec<&'static str>)> = Vec::new();
    session.ldap.with_timeout(target.timeout);
    paged_search(
        &mut session.ldap,
        base_dn,
        filter,
        &attrs,
        |e: SearchEntry| {
            report.groups_read += 1;
            report.saw_timestamp(&e);
            let anchor = match anchor(&e, ad) {
                Ok(a) => a,
                Err(problem) => {
                    report.groups_without_anchor += 1;
                    report.skipped(&e.dn, problem);
                    return;
                }
            };
            let name = owned(&e, "cn")
                .or_else(|| rdn_value(&e.dn))
                .unwrap_or_else(|| e.dn.clone());
            let mut group = PendingGroup {
                group: SourceGroup {
                    anchor,
                    dn: e.dn.clone(),
                    name,
                    member_users: BTreeSet::new(),
                    member_groups: BTreeSet::new(),
                },
                unresolved: Vec::new(),
            };
            let mut more = Vec::new();
            for attr in member_attrs {
                match attribute_values(&e, attr) {
                    None => {}
                    Some((values, RangeEnd::Complete)) => {
                        for v in values {
                            users.add_member(&mut group, attr, v, report);
                        }
                    }
                    Some((_, RangeEnd::More { .. } | RangeEnd::Malformed)) => more.push(*attr),
                }
            }
            let index = pending.len();
            by_dn.insert(normalize_dn(&e.dn), index);
            pending.push(group);
            if !more.is_empty() {
                ranged.push((index, e, more));
            }
        },
    )
    .await
    .map_err(|source| SourceError::Search {
        what: "groups",
        base: base_dn.to_owned(),
        source: Box::new(source),
    })?;

    report.ranged_groups = ranged.len();
    for (index, first, attributes) in ranged {
        for attribute in attributes {
            session.ldap.with_timeout(target.timeout);
            let values = all_values(
                &mut session.ldap,
                &first.dn,
                attribute,
                Some(&first),
                target.timeout,
            )
            .await
            .map_err(|source| SourceError::Members {
                group: first.dn.clone(),
                attribute,
                source: Box::new(source),
            })?;
            tracing::debug!(
                group = %first.dn,
                attribute,
                values = values.len(),
                "read ranged members"
            );
            for v in &values {
                users.add_member(&mut pending[index], attribute, v, report);
            }
        }
    }

    // Every group is known now: the member DNs that were not users.
    let anchors: Vec<String> = pending.iter().map(|g| g.group.anchor.clone()).collect();
    let groups = pending
        .into_iter()
        .map(|mut g| {
            for dn in std::mem::take(&mut g.unresolved) {
                match by_dn.get(&dn) {
                    Some(&i) => {
                        g.group.member_groups.insert(anchors[i].clone());
                    }
                    None => match known_groups.get(&dn) {
                        Some(anchor) => {
                            g.group.member_groups.insert(anchor.clone());
                        }
                        None => report.ignored_members += 1,
                    },
                }
            }
            g.group
        })
        .collect();
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(anchor: &str, dn: &str, login: &str) -> SourceUser {
        SourceUser {
            anchor: anchor.into(),
            dn: dn.into(),
            login: Some(login.into()),
            given_name: None,
            family_name: None,
            display_name: None,
            mail: None,
            user_principal_name: None,
            phone: None,
            department: None,
            enabled: true,
        }
    }

    fn users() -> Users {
        let mut u = Users::default();
        for (i, (a, dn, login)) in [
            ("u-ann", "CN=Ann,OU=Staff,DC=x,DC=y", "ann"),
            ("u-bo", "uid=Bo,ou=people,dc=x,dc=y", "Bo"),
        ]
        .into_iter()
        .enumerate()
        {
            u.list.push(user(a, dn, login));
            u.by_dn.insert(normalize_dn(dn), i);
            u.by_login.insert(login.to_lowercase(), i);
        }
        u
    }

    fn pending() -> PendingGroup {
        PendingGroup {
            group: SourceGroup {
                anchor: "g".into(),
                dn: "CN=G,DC=x,DC=y".into(),
                name: "G".into(),
                member_users: BTreeSet::new(),
                member_groups: BTreeSet::new(),
            },
            unresolved: Vec::new(),
        }
    }

    #[test]
    fn members_map_to_user_anchors_by_normalised_dn() {
        let u = users();
        let mut g = pending();
        let mut report = ReadReport::default();
        u.add_member(&mut g, "member", "cn=ann, ou=STAFF,dc=x,dc=y", &mut report);
        u.add_member(
            &mut g,
            "uniqueMember",
            "UID=bo,ou=people,dc=x,dc=y#'01'B",
            &mut report,
        );
        u.add_member(&mut g, "memberUid", "BO", &mut report);
        u.add_member(&mut g, "memberUid", "nobody", &mut report);
        u.add_member(&mut g, "member", "CN=Other Group,DC=x,DC=y", &mut report);
        assert_eq!(
            g.group.member_users.iter().collect::<Vec<_>>(),
            ["u-ann", "u-bo"]
        );
        assert_eq!(g.unresolved, [normalize_dn("cn=other group,dc=x,dc=y")]);
        assert_eq!(report.ignored_members, 1);
    }

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
