//! The plan: what must change on the platform so that it matches the
//! desired state, given what Onramp applied before.
//!
//! The diff is against the state store's record of what was last applied,
//! not against a fresh read of the platform, so a preview costs no platform
//! calls and a no-change run does no work. Three rules protect people's
//! access: roles are only ever upgraded (an admin stays admin), a delta
//! read never deprovisions anyone (absence means nothing in it), and the
//! `preserve` policy (the default) lists users who left the scope without
//! touching them. An empty or shrunken read is planned as it is; the guard
//! (`guard.rs`) holds what it would take away.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{DesiredGroup, DesiredState, DesiredUser, SkippedUser};
use onramp_profile::DeprovisionPolicy;

/// What Onramp last applied for a user, from the state store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownUser {
    /// The platform's id, once created.
    pub target_id: Option<String>,
    /// The state last applied.
    pub applied: DesiredUser,
    /// Whether Onramp deactivated it when it left the scope.
    pub deprovisioned: bool,
}

/// What Onramp last applied for a group, from the state store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownGroup {
    /// The platform's id, once created.
    pub target_id: Option<String>,
    /// The state last applied.
    pub applied: DesiredGroup,
}

/// One attribute that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct Change {
    /// The attribute, as the admin knows it (`email`, `active`, `tags`, …).
    pub attribute: String,
    /// The value before, as text (empty when absent).
    pub from: String,
    /// The value after, as text (empty when absent).
    pub to: String,
}

/// An update of an existing platform user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct UserUpdate {
    /// The user's anchor.
    pub anchor: String,
    /// The platform's id, when known.
    pub target_id: Option<String>,
    /// What changes.
    pub changes: Vec<Change>,
    /// The user as it will be.
    pub desired: DesiredUser,
    /// The user as Onramp last wrote it (to tell the platform's own edits apart).
    pub applied: DesiredUser,
}

/// What happens to a user who left the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeprovisionAction {
    /// Set inactive.
    Deactivate,
    /// Delete.
    Delete,
}

/// A user who left the scope and will be deprovisioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct Deprovision {
    /// The user's anchor.
    pub anchor: String,
    /// The platform's id, when known.
    pub target_id: Option<String>,
    /// The platform login, for the admin.
    pub user_name: String,
    /// Deactivate or delete.
    pub action: DeprovisionAction,
}

/// A membership change of a platform group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize)]
pub struct GroupChange {
    /// The group's anchor.
    pub anchor: String,
    /// The platform's id, when known.
    pub target_id: Option<String>,
    /// The group's name.
    pub display_name: String,
    /// Anchors of users to add.
    pub add: Vec<String>,
    /// Anchors of users to remove.
    pub remove: Vec<String>,
}

/// Everything a run would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Deserialize, Default)]
pub struct Plan {
    /// Users to create.
    pub creates: Vec<Arc<DesiredUser>>,
    /// Users to update, with the changed attributes.
    pub updates: Vec<UserUpdate>,
    /// Users to deactivate or delete.
    pub deprovisions: Vec<Deprovision>,
    /// Users who left the scope but are kept (policy `preserve`), by user name.
    pub preserved: Vec<String>,
    /// Groups to create (with their first members).
    pub group_creates: Vec<Arc<DesiredGroup>>,
    /// Membership changes of existing groups.
    pub group_changes: Vec<GroupChange>,
    /// Users left out, with the reason.
    pub skipped: Vec<SkippedUser>,
    /// Things the admin should know.
    pub notices: Vec<String>,
}

impl Plan {
    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.creates.is_empty()
            && self.updates.is_empty()
            && self.deprovisions.is_empty()
            && self.group_creates.is_empty()
            && self.group_changes.is_empty()
    }
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// The attributes that differ between what was applied and what is desired.
pub fn changes(applied: &DesiredUser, desired: &DesiredUser) -> Vec<Change> {
    let mut out = Vec::new();
    let mut diff = |attribute: &str, from: String, to: String| {
        if from != to {
            out.push(Change {
                attribute: attribute.to_owned(),
                from,
                to,
            });
        }
    };
    diff(
        "userName",
        applied.user_name.clone(),
        desired.user_name.clone(),
    );
    diff("email", applied.email.clone(), desired.email.clone());
    diff(
        "givenName",
        text(&applied.given_name),
        text(&desired.given_name),
    );
    diff(
        "familyName",
        text(&applied.family_name),
        text(&desired.family_name),
    );
    diff(
        "displayName",
        text(&applied.display_name),
        text(&desired.display_name),
    );
    diff("phone", text(&applied.phone), text(&desired.phone));
    diff(
        "department",
        text(&applied.department),
        text(&desired.department),
    );
    diff(
        "active",
        applied.active.to_string(),
        desired.active.to_string(),
    );
    diff(
        "admin",
        applied.admin.to_string(),
        desired.admin.to_string(),
    );
    diff("tags", applied.tags.join(", "), desired.tags.join(", "));
    out
}

/// Diffs the desired state against what was applied.
///
/// `read_complete` is false for a delta read (absence means nothing). A
/// read that returned no users is complete but almost always broken: the
/// plan says what it would mean, and the guard holds it.
pub fn plan(
    desired: &DesiredState,
    known_users: &BTreeMap<String, KnownUser>,
    known_groups: &BTreeMap<String, KnownGroup>,
    policy: DeprovisionPolicy,
    read_complete: bool,
) -> Plan {
    let mut plan = Plan {
        skipped: desired.skipped.clone(),
        notices: desired.notices.clone(),
        ..Plan::default()
    };
    for (anchor, want) in &desired.users {
        match known_users.get(anchor) {
            None => plan.creates.push(want.clone()),
            Some(known) if known.target_id.is_none() => plan.creates.push(want.clone()),
            Some(known) => {
                let mut want = DesiredUser::clone(want);
                // Roles are upgraded, never downgraded.
                want.admin |= known.applied.admin;
                let mut applied = known.applied.clone();
                if known.deprovisioned {
                    applied.active = false;
                }
                let changes = changes(&applied, &want);
                if !changes.is_empty() {
                    plan.updates.push(UserUpdate {
                        anchor: anchor.clone(),
                        target_id: known.target_id.clone(),
                        changes,
                        desired: want,
                        applied: known.applied.clone(),
                    });
                }
            }
        }
    }

    // An empty read is planned like any other (so an admin who really
    // emptied the directory can approve it); the guard holds it.
    if read_complete {
        for (anchor, known) in known_users {
            if desired.users.contains_key(anchor)
                || known.deprovisioned
                || known.target_id.is_none()
            {
                continue;
            }
            match policy {
                DeprovisionPolicy::Preserve => plan.preserved.push(known.applied.user_name.clone()),
                DeprovisionPolicy::Deactivate | DeprovisionPolicy::Delete => {
                    plan.deprovisions.push(Deprovision {
                        anchor: anchor.clone(),
                        target_id: known.target_id.clone(),
                        user_name: known.applied.user_name.clone(),
                        action: if policy == DeprovisionPolicy::Delete {
                            DeprovisionAction::Delete
                        } else {
                            DeprovisionAction::Deactivate
                        },
                    })
                }
            }
        }
    }

    let deleted: BTreeSet<&str> = plan
        .deprovisions
        .iter()
        .filter(|d| d.action == DeprovisionAction::Delete)
        .map(|d| d.anchor.as_str())
        .collect();
    for (anchor, want) in &desired.groups {
        match known_groups.get(anchor) {
            Some(known) if known.target_id.is_some() => {
                let add: Vec<String> = want
                    .members
                    .difference(&known.applied.members)
                    .cloned()
                    .collect();
                let remove: Vec<String> = known
                    .applied
                    .members
                    .difference(&want.members)
                    .filter(|a| !deleted.contains(a.as_str()))
                    .cloned()
                    .collect();
                if !add.is_empty() || !remove.is_empty() {
                    plan.group_changes.push(GroupChange {
                        anchor: anchor.clone(),
                        target_id: known.target_id.clone(),
                        display_name: want.display_name.clone(),
                        add,
                        remove,
                    });
                }
            }
            _ => plan.group_creates.push(want.clone()),
        }
    }
    // A group missing from the read (renamed, deleted, outside the base DN)
    // keeps its platform members until the admin acts.
    for (anchor, known) in known_groups {
        if known.target_id.is_some()
            && !known.applied.members.is_empty()
            && !desired.groups.contains_key(anchor)
        {
            plan.notices.push(format!(
                "the group '{}' is missing from the read (renamed, deleted or outside the base DN); its platform members ({}) are kept until you remove the group or bring it back",
                known.applied.display_name,
                known.applied.members.len()
            ));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(anchor: &str, email: &str) -> DesiredUser {
        DesiredUser {
            anchor: anchor.into(),
            user_name: email.into(),
            email: email.into(),
            given_name: Some("A".into()),
            family_name: Some("B".into()),
            display_name: Some("A B".into()),
            phone: None,
            department: None,
            active: true,
            admin: false,
            tags: vec![],
        }
    }

    fn known(u: &DesiredUser) -> KnownUser {
        KnownUser {
            target_id: Some(format!("id-{}", u.anchor)),
            applied: u.clone(),
            deprovisioned: false,
        }
    }

    fn desired(users: &[DesiredUser]) -> DesiredState {
        let mut d = DesiredState::default();
        for u in users {
            d.users.insert(u.anchor.clone(), Arc::new(u.clone()));
        }
        d.groups.insert(
            "team:T".into(),
            Arc::new(DesiredGroup {
                anchor: "team:T".into(),
                display_name: "T".into(),
                members: users.iter().map(|u| u.anchor.clone()).collect(),
            }),
        );
        d
    }

    #[test]
    fn first_run_creates_everything() {
        let p = plan(
            &desired(&[user("a", "a@x.com")]),
            &BTreeMap::new(),
            &BTreeMap::new(),
            DeprovisionPolicy::Preserve,
            true,
        );
        assert_eq!(p.creates.len(), 1);
        assert_eq!(p.group_creates.len(), 1);
        assert!(p.updates.is_empty() && p.deprovisions.is_empty());
    }

    #[test]
    fn rename_is_an_update_with_changed_attributes_and_no_change_is_empty() {
        let old = user("a", "a@x.com");
        let mut new = old.clone();
        new.display_name = Some("A C".into());
        new.family_name = Some("C".into());
        let known_users = BTreeMap::from([("a".to_owned(), known(&old))]);
        let d = desired(&[new]);
        let known_groups = BTreeMap::from([(
            "team:T".to_owned(),
            KnownGroup {
                target_id: Some("g".into()),
                applied: DesiredGroup::clone(&d.groups["team:T"]),
            },
        )]);
        let p = plan(
            &d,
            &known_users,
            &known_groups,
            DeprovisionPolicy::Preserve,
            true,
        );
        assert!(p.creates.is_empty());
        let attrs: Vec<&str> = p.updates[0]
            .changes
            .iter()
            .map(|c| c.attribute.as_str())
            .collect();
        assert_eq!(attrs, ["familyName", "displayName"]);
        assert_eq!(p.updates[0].changes[1].from, "A B");
        let unchanged = plan(
            &desired(&[old]),
            &known_users,
            &known_groups,
            DeprovisionPolicy::Preserve,
            true,
        );
        assert!(unchanged.is_empty(), "{unchanged:?}");
    }

    #[test]
    fn admins_are_never_downgraded() {
        let mut old = user("a", "a@x.com");
        old.admin = true;
        let known_users = BTreeMap::from([("a".to_owned(), known(&old))]);
        let p = plan(
            &desired(&[user("a", "a@x.com")]),
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Preserve,
            true,
        );
        assert!(p.updates.is_empty(), "{:?}", p.updates);
        let mut promoted = user("b", "b@x.com");
        promoted.admin = true;
        let known_users = BTreeMap::from([("b".to_owned(), known(&user("b", "b@x.com")))]);
        let p = plan(
            &desired(&[promoted]),
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Preserve,
            true,
        );
        assert_eq!(p.updates[0].changes[0].attribute, "admin");
    }

    #[test]
    fn leaving_scope_follows_the_policy() {
        let stay = user("a", "a@x.com");
        let gone = user("b", "b@x.com");
        let known_users = BTreeMap::from([
            ("a".to_owned(), known(&stay)),
            ("b".to_owned(), known(&gone)),
        ]);
        let d = desired(std::slice::from_ref(&stay));
        let p = plan(
            &d,
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Preserve,
            true,
        );
        assert_eq!(p.preserved, ["b@x.com"]);
        assert!(p.deprovisions.is_empty());
        let p = plan(
            &d,
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Deactivate,
            true,
        );
        assert_eq!(p.deprovisions[0].action, DeprovisionAction::Deactivate);
        let p = plan(
            &d,
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Delete,
            true,
        );
        assert_eq!(p.deprovisions[0].action, DeprovisionAction::Delete);
        // A delta read says nothing about absence.
        let p = plan(
            &d,
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Delete,
            false,
        );
        assert!(p.deprovisions.is_empty());
    }

    /// An empty read is planned as what it would mean (the guard holds it),
    /// so an admin who really emptied the directory can approve it.
    #[test]
    fn an_empty_read_is_planned_as_it_is() {
        let known_users = BTreeMap::from([("a".to_owned(), known(&user("a", "a@x.com")))]);
        let p = plan(
            &desired(&[]),
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Delete,
            true,
        );
        assert_eq!(p.deprovisions.len(), 1);
        assert_eq!(p.deprovisions[0].action, DeprovisionAction::Delete);
    }

    #[test]
    fn a_group_missing_from_the_read_keeps_its_members_with_a_notice() {
        let a = user("a", "a@x.com");
        let d = desired(std::slice::from_ref(&a));
        let known_groups = BTreeMap::from([(
            "g:vpn".to_owned(),
            KnownGroup {
                target_id: Some("g".into()),
                applied: DesiredGroup {
                    anchor: "g:vpn".into(),
                    display_name: "VPN Users".into(),
                    members: BTreeSet::from(["a".to_owned()]),
                },
            },
        )]);
        let known_users = BTreeMap::from([("a".to_owned(), known(&a))]);
        let p = plan(
            &d,
            &known_users,
            &known_groups,
            DeprovisionPolicy::Deactivate,
            true,
        );
        assert!(p.group_changes.iter().all(|c| c.anchor != "g:vpn"), "{p:?}");
        assert!(
            p.notices
                .iter()
                .any(|n| n.contains("'VPN Users' is missing from the read")
                    && n.contains("its platform members (1) are kept")),
            "{:?}",
            p.notices
        );
    }

    #[test]
    fn a_deactivated_user_back_in_scope_is_reactivated() {
        let u = user("a", "a@x.com");
        let mut k = known(&u);
        k.deprovisioned = true;
        let known_users = BTreeMap::from([("a".to_owned(), k)]);
        let p = plan(
            &desired(&[u]),
            &known_users,
            &BTreeMap::new(),
            DeprovisionPolicy::Deactivate,
            true,
        );
        assert_eq!(p.updates[0].changes[0].attribute, "active");
        assert_eq!(p.updates[0].changes[0].to, "true");
    }

    #[test]
    fn group_membership_changes() {
        let a = user("a", "a@x.com");
        let b = user("b", "b@x.com");
        let d = desired(&[a.clone(), b.clone()]);
        let mut applied = DesiredGroup::clone(&d.groups["team:T"]);
        applied.members = BTreeSet::from(["a".to_owned(), "c".to_owned()]);
        let known_groups = BTreeMap::from([(
            "team:T".to_owned(),
            KnownGroup {
                target_id: Some("g".into()),
                applied,
            },
        )]);
        let p = plan(
            &d,
            &BTreeMap::new(),
            &known_groups,
            DeprovisionPolicy::Preserve,
            true,
        );
        assert_eq!(p.group_changes[0].add, ["b"]);
        assert_eq!(p.group_changes[0].remove, ["c"]);
    }
}
