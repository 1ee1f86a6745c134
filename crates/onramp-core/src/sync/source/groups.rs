//! The group search of a read: member values are resolved to user anchors
//! as the entries arrive (on the search's sink thread), members that are
//! not users wait until every group is known (nesting), and groups whose
//! `member` came back in ranges (AD, past `MaxValRange`) are read to the end
//! once the search is done.

use std::collections::{BTreeSet, HashMap};

use super::entry::{anchor, anchor_attribute, normalize_dn, rdn_value};
use super::users::Users;
use super::{ReadReport, SourceError, member_attributes};
use crate::directory::DirectoryTarget;
use crate::ldap::entry::Entry;
use crate::ldap::search::{EntrySink, RangeEnd, all_values, attribute_values, paged_search_to};
use crate::ldap::session::Session;
use crate::sync::model::SourceGroup;

/// A group being assembled: member DNs that are not users wait until every
/// group is known.
pub(super) struct PendingGroup {
    pub(super) group: SourceGroup,
    pub(super) unresolved: Vec<String>,
}

/// Assembles groups on the search's sink thread.
struct GroupSink {
    ad: bool,
    users: Users,
    pending: Vec<PendingGroup>,
    by_dn: HashMap<String, usize>,
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
            unresolved: Vec::new(),
        };
        let mut more = Vec::new();
        for attr in member_attributes(self.ad) {
            match attribute_values(&e, attr) {
                None => {}
                Some((values, RangeEnd::Complete)) => {
                    for v in values {
                        match std::str::from_utf8(v) {
                            Ok(v) => self.users.add_member(
                                &mut group,
                                attr,
                                v,
                                &mut self.scratch,
                                report,
                            ),
                            Err(_) => report.ignored_members += 1,
                        }
                    }
                }
                Some((_, RangeEnd::More { .. } | RangeEnd::Malformed)) => more.push(*attr),
            }
        }
        let index = self.pending.len();
        self.by_dn.insert(normalize_dn(&e.dn), index);
        self.pending.push(group);
        if !more.is_empty() {
            self.ranged.push((index, e, more));
        }
    }
}

/// Reads the groups matching `filter`; member DNs are resolved against
/// `users` and the groups of this read, then `known_groups` (normalised DN →
/// anchor, for a delta read whose unchanged groups are not read again).
/// `users` is handed back with the groups.
#[allow(clippy::too_many_arguments)]
pub(super) async fn read_groups(
    target: &DirectoryTarget,
    session: &mut Session,
    base_dn: &str,
    ad: bool,
    filter: &str,
    users: Users,
    known_groups: &HashMap<String, String>,
    report: &mut ReadReport,
) -> Result<(Vec<SourceGroup>, Users), SourceError> {
    let mut attrs = vec![anchor_attribute(ad), "cn"];
    if !ad {
        attrs.push("modifyTimestamp");
    }
    attrs.extend_from_slice(member_attributes(ad));
    let sink = GroupSink {
        ad,
        users,
        pending: Vec::new(),
        by_dn: HashMap::new(),
        ranged: Vec::new(),
        report: ReadReport::default(),
        scratch: String::new(),
    };
    session.ldap.with_timeout(target.timeout);
    let GroupSink {
        users,
        mut pending,
        by_dn,
        ranged,
        report: read,
        mut scratch,
        ..
    } = paged_search_to(&mut session.ldap, base_dn, filter, &attrs, sink)
        .await
        .map_err(|source| SourceError::Search {
            what: "groups",
            base: base_dn.to_owned(),
            source: Box::new(source),
        })?;
    report.absorb(read);

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
                users.add_member(&mut pending[index], attribute, v, &mut scratch, report);
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
    Ok((groups, users))
}
