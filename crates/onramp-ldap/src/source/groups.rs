//! The group search of a read. It runs at the same time as the user
//! search, so member values cannot be looked up as they arrive: they are
//! normalised and kept ([`Members`]) on the search's sink thread, groups
//! whose `member` came back in ranges (AD, past `MaxValRange`) are read to
//! the end once the search is done, and [`GroupsRead::resolve`] maps the
//! values to user anchors, then to group anchors (nesting), once the users
//! are in.

use std::collections::{BTreeSet, HashMap};

use ldap3::Ldap;

use super::entry::{anchor, anchor_attribute, normalize_dn_into, rdn_value};
use super::members::Members;
use super::str_index::StrIndex;
use super::users::Users;
use super::{ReadReport, SourceError, member_attributes};
use crate::directory::DirectoryTarget;
use crate::ldap::entry::Entry;
use crate::ldap::search::{EntrySink, RangeEnd, all_values, attribute_values, paged_search_to};
use onramp_base::parallel;
use onramp_connector::SourceGroup;

/// A group read, its members not yet resolved.
pub(super) struct PendingGroup {
    pub(super) group: SourceGroup,
    pub(super) members: Members,
}

/// Assembles groups on the search's sink thread.
struct GroupSink {
    ad: bool,
    pending: Vec<PendingGroup>,
    by_dn: StrIndex,
    /// Groups whose members came back in ranges: the index, the first entry
    /// (with the first chunk) and the attributes to continue.
    ranged: Vec<(usize, Entry, Vec<&'static str>)>,
    report: ReadReport,
    scratch: String,
}

impl EntrySink for GroupSink {
    fn take(&mut self, mut e: Entry) {
        let report = &mut self.report;
        report.groups_read += 1;
        report.saw_timestamp(&e);
        let anchor = match anchor(&e, self.ad) {
            Ok(a) => a,
            Err(problem) => {
                report.groups_without_anchor += 1;
                report.skipped(&e.dn, problem);
                return;
            }
        };
        let name = e
            .take_text("cn")
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
            members: Members::default(),
        };
        let mut more = Vec::new();
        for attr in member_attributes(self.ad) {
            match attribute_values(&e, attr) {
                None => {}
                Some((values, RangeEnd::Complete)) => {
                    for v in values {
                        match std::str::from_utf8(v) {
                            Ok(v) => group.members.add(attr, v, &mut self.scratch),
                            Err(_) => report.ignored_members += 1,
                        }
                    }
                }
                Some((_, RangeEnd::More { .. } | RangeEnd::Malformed)) => more.push(*attr),
            }
        }
        let index = self.pending.len();
        normalize_dn_into(&e.dn, &mut self.scratch);
        self.by_dn.insert(&self.scratch, index);
        self.pending.push(group);
        if !more.is_empty() {
            self.ranged.push((index, e, more));
        }
    }
}

/// The groups of one search, with their member values as read.
pub(super) struct GroupsRead {
    pending: Vec<PendingGroup>,
    /// Normalised DN → index in `pending`.
    by_dn: StrIndex,
    /// What the search counted.
    report: ReadReport,
}

/// Reads the groups matching `filter` under `base_dn`, ranged members
/// included.
pub(super) async fn search_groups(
    target: &DirectoryTarget,
    ldap: &mut Ldap,
    base_dn: &str,
    ad: bool,
    filter: &str,
) -> Result<GroupsRead, SourceError> {
    let mut attrs = vec![anchor_attribute(ad), "cn"];
    if !ad {
        attrs.push("modifyTimestamp");
    }
    attrs.extend_from_slice(member_attributes(ad));
    let sink = GroupSink {
        ad,
        pending: Vec::new(),
        by_dn: StrIndex::default(),
        ranged: Vec::new(),
        report: ReadReport::default(),
        scratch: String::new(),
    };
    ldap.with_timeout(target.timeout);
    let GroupSink {
        mut pending,
        by_dn,
        ranged,
        mut report,
        mut scratch,
        ..
    } = paged_search_to(ldap, base_dn, filter, &attrs, sink)
        .await
        .map_err(|e| SourceError::search("groups", base_dn, e))?;

    report.ranged_groups = ranged.len();
    for (index, first, attributes) in ranged {
        for attribute in attributes {
            ldap.with_timeout(target.timeout);
            let values = all_values(ldap, &first.dn, attribute, Some(&first), target.timeout)
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
                pending[index].members.add(attribute, v, &mut scratch);
            }
        }
    }
    Ok(GroupsRead {
        pending,
        by_dn,
        report,
    })
}

impl GroupsRead {
    /// Maps every member value to a user of `users`, else a group of this
    /// read, else one of `known_groups` (normalised DN → anchor, for a delta
    /// read whose unchanged groups are not read again); values that are
    /// none of these are counted as ignored. Adds the search's counts to
    /// `report`.
    pub(super) fn resolve(
        self,
        users: &Users,
        known_groups: &HashMap<String, String>,
        report: &mut ReadReport,
    ) -> Vec<SourceGroup> {
        let GroupsRead {
            pending,
            by_dn,
            report: read,
        } = self;
        report.absorb(read);
        let anchors: Vec<String> = pending.iter().map(|g| g.group.anchor.clone()).collect();
        let logins = pending
            .iter()
            .any(|g| g.members.has_uids())
            .then(|| users.login_index());
        // Each group on its own, so the groups are shared out among the
        // cores (a 10,000-group directory has 300,000 values to look up).
        let resolved = parallel::map_chunks(pending, 256, |PendingGroup { mut group, members }| {
            let mut ignored = 0;
            let mut member_users = Vec::with_capacity(members.len());
            for dn in members.dns() {
                if let Some(user) = users.anchor_by_dn(dn) {
                    member_users.push(user);
                } else if let Some(i) = by_dn.get(dn) {
                    group.member_groups.insert(anchors[i].clone());
                } else if let Some(known) = known_groups.get(dn) {
                    group.member_groups.insert(known.clone());
                } else {
                    ignored += 1;
                }
            }
            for uid in members.uids() {
                match logins.as_ref().and_then(|l| l.anchor(uid)) {
                    Some(user) => member_users.push(user),
                    None => ignored += 1,
                }
            }
            // Collected then built in one go (`collect` sorts once and builds
            // the set from the sorted run), not one insert per member.
            group.member_users = member_users.into_iter().map(str::to_owned).collect();
            (group, ignored)
        });
        resolved
            .into_iter()
            .map(|(group, ignored)| {
                report.ignored_members += ignored;
                group
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::entry::normalize_dn;
    use crate::source::users::tests::user;

    fn pending(anchor: &str, dn: &str, values: &[(&str, &str)]) -> PendingGroup {
        let mut members = Members::default();
        let mut scratch = String::new();
        for (attribute, value) in values {
            members.add(attribute, value, &mut scratch);
        }
        PendingGroup {
            group: SourceGroup {
                anchor: anchor.into(),
                dn: dn.into(),
                name: anchor.into(),
                member_users: BTreeSet::new(),
                member_groups: BTreeSet::new(),
            },
            members,
        }
    }

    /// Enough groups that resolving is split among the cores (chunks of at
    /// least 256): every group gets its own members, in the read's order,
    /// and the ignored values of every chunk are counted.
    #[test]
    fn many_groups_resolve_as_one_pass_would() {
        let users = Users::from_list(
            (0..100)
                .map(|i| {
                    user(
                        &format!("u{i}"),
                        &format!("uid=u{i},ou=people,dc=x"),
                        &format!("u{i}"),
                    )
                })
                .collect(),
        );
        let pending: Vec<PendingGroup> = (0..1000)
            .map(|g| {
                pending(
                    &format!("g{g}"),
                    &format!("cn=g{g},ou=groups,dc=x"),
                    &[
                        ("member", &format!("uid=u{},ou=people,dc=x", g % 100)),
                        ("memberUid", &format!("U{}", (g + 1) % 100)),
                        ("member", "cn=printer,dc=x"),
                    ],
                )
            })
            .collect();
        let read = GroupsRead {
            pending,
            by_dn: StrIndex::default(),
            report: ReadReport::default(),
        };
        let mut report = ReadReport::default();
        let groups = read.resolve(&users, &HashMap::new(), &mut report);
        assert_eq!(groups.len(), 1000);
        for (g, group) in groups.iter().enumerate() {
            assert_eq!(group.anchor, format!("g{g}"));
            let mut expected = vec![format!("u{}", g % 100), format!("u{}", (g + 1) % 100)];
            expected.sort();
            assert_eq!(
                group.member_users.iter().cloned().collect::<Vec<_>>(),
                expected
            );
        }
        assert_eq!(report.ignored_members, 1000, "one printer per group");
    }

    #[test]
    fn members_resolve_to_users_then_groups_then_known_groups() {
        let users = Users::from_list(vec![
            user("u-ann", "CN=Ann,OU=Staff,DC=x,DC=y", "ann"),
            user("u-bo", "uid=Bo,ou=people,dc=x,dc=y", "Bo"),
        ]);
        let read = GroupsRead {
            pending: vec![
                pending(
                    "g-outer",
                    "CN=Outer,DC=x,DC=y",
                    &[
                        ("member", "cn=ann, ou=STAFF,dc=x,dc=y"),
                        ("member", "CN=Inner,DC=x,DC=y"),
                        ("member", "cn=Unchanged,dc=x,dc=y"),
                        ("member", "CN=Printer,OU=Computers,DC=x,DC=y"),
                        ("memberUid", "BO"),
                        ("memberUid", "nobody"),
                    ],
                ),
                pending(
                    "g-inner",
                    "CN=Inner,DC=x,DC=y",
                    &[
                        ("uniqueMember", "UID=bo,ou=people,dc=x,dc=y#'01'B"),
                        ("member", "cn=outer,dc=x,dc=y"),
                    ],
                ),
            ],
            by_dn: [
                (normalize_dn("CN=Outer,DC=x,DC=y"), 0),
                (normalize_dn("CN=Inner,DC=x,DC=y"), 1),
            ]
            .into_iter()
            .collect(),
            report: ReadReport {
                groups_read: 2,
                ranged_groups: 1,
                ignored_members: 3,
                ..ReadReport::default()
            },
        };
        let known = [(normalize_dn("CN=Unchanged,DC=x,DC=y"), "g-known".to_owned())].into();
        let mut report = ReadReport {
            users_read: 2,
            ..ReadReport::default()
        };
        let groups = read.resolve(&users, &known, &mut report);
        let set = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();
        assert_eq!(set(&groups[0].member_users), ["u-ann", "u-bo"]);
        assert_eq!(set(&groups[0].member_groups), ["g-inner", "g-known"]);
        assert_eq!(set(&groups[1].member_users), ["u-bo"]);
        assert_eq!(
            set(&groups[1].member_groups),
            ["g-outer"],
            "cycles are kept for the map to break"
        );
        assert_eq!(
            (
                report.users_read,
                report.groups_read,
                report.ranged_groups,
                report.ignored_members
            ),
            (2, 2, 1, 3 + 2),
            "the search's counts are added, with the printer and the unknown uid"
        );
    }
}
