use std::sync::Arc;

use super::*;
use crate::model::DesiredUser;
use crate::plan::{Deprovision, DeprovisionAction, GroupChange, UserUpdate};

fn threshold(count: u32, percent: f64) -> DeprovisionThreshold {
    DeprovisionThreshold { count, percent }
}

fn user(anchor: &str, tags: &[&str], admin: bool) -> DesiredUser {
    DesiredUser {
        anchor: anchor.into(),
        user_name: format!("{anchor}@x.com"),
        email: format!("{anchor}@x.com"),
        given_name: None,
        family_name: None,
        display_name: None,
        phone: None,
        department: None,
        active: true,
        admin,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn deprovisions(n: usize) -> Vec<Deprovision> {
    (0..n)
        .map(|i| Deprovision {
            anchor: format!("d{i}"),
            target_id: None,
            user_name: format!("d{i}@x.com"),
            action: DeprovisionAction::Deactivate,
        })
        .collect()
}

fn removal(group: &str, removed: usize, added: usize) -> GroupChange {
    GroupChange {
        anchor: group.to_owned(),
        target_id: Some(format!("id-{group}")),
        display_name: group.to_owned(),
        add: (0..added).map(|i| format!("new{i}")).collect(),
        remove: (0..removed).map(|i| format!("m{i}")).collect(),
    }
}

fn base<'a>(
    synced: usize,
    groups: &'a BTreeMap<String, usize>,
    t: &'a DeprovisionThreshold,
) -> GuardBase<'a> {
    GuardBase {
        synced,
        group_members: groups,
        empty_read: false,
        threshold: t,
    }
}

fn held(a: &Assessment) -> bool {
    matches!(a.decision, GuardDecision::Hold { .. })
}

#[test]
fn the_allowance_is_the_larger_of_count_and_percent() {
    let t = DeprovisionThreshold::default();
    assert_eq!(allowance(&t, 100), 10);
    assert_eq!(allowance(&t, 1000), 50);
    assert_eq!(allowance(&threshold(0, 5.0), 1629), 81);
}

#[test]
fn deprovisions_just_under_the_limit_apply_and_just_over_hold() {
    let t = DeprovisionThreshold::default();
    let groups = BTreeMap::new();
    for (n, synced, want_held) in [
        (10, 100, false),
        (11, 100, true),
        (50, 1000, false),
        (51, 1000, true),
    ] {
        let plan = Plan {
            deprovisions: deprovisions(n),
            ..Plan::default()
        };
        let a = assess(&plan, &base(synced, &groups, &t));
        assert_eq!(held(&a), want_held, "{n} of {synced}: {a:?}");
    }
}

#[test]
fn memberships_count_per_group_against_that_groups_size() {
    let t = threshold(2, 5.0);
    let groups = BTreeMap::from([("Staff".to_owned(), 100), ("VPN".to_owned(), 40)]);
    // 5 of Staff's 100 is its limit; 3 of VPN's 40 is over its limit of 2.
    let plan = Plan {
        group_changes: vec![removal("Staff", 5, 0)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(1000, &groups, &t));
    assert!(!held(&a), "{a:?}");
    assert_eq!(a.lines[0], "would remove 5 memberships from Staff");
    let plan = Plan {
        group_changes: vec![removal("Staff", 6, 0), removal("VPN", 3, 0)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(1000, &groups, &t));
    let GuardDecision::Hold { reason } = &a.decision else {
        panic!("{a:?}")
    };
    assert!(
        reason.contains("would remove 6 memberships from Staff (held: over the limit of 5)"),
        "{reason}"
    );
    assert!(
        reason.contains("would remove 3 memberships from VPN (held: over the limit of 2)"),
        "{reason}"
    );
}

#[test]
fn the_sentence_of_the_issue_reads_as_promised() {
    let t = threshold(10, 5.0);
    let groups = BTreeMap::from([("AD Users".to_owned(), 1629)]);
    let plan = Plan {
        group_changes: vec![removal("AD Users", 1629, 0)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(1629, &groups, &t));
    assert_eq!(
        a.lines[0],
        "would remove 1,629 memberships from AD Users (held: the group would lose all 1,629 of its members)"
    );
    let plan = Plan {
        group_changes: vec![removal("AD Users", 1629, 1)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(1629, &groups, &t));
    assert_eq!(
        a.lines[0],
        "would remove 1,629 memberships from AD Users (held: over the limit of 81)"
    );
}

#[test]
fn a_small_group_emptied_is_held_though_within_the_count() {
    let t = DeprovisionThreshold::default();
    let groups = BTreeMap::from([("IT-Admins".to_owned(), 2)]);
    let plan = Plan {
        group_changes: vec![removal("IT-Admins", 2, 0)],
        ..Plan::default()
    };
    assert!(held(&assess(&plan, &base(100, &groups, &t))));
    // One of two leaving is within the limit.
    let plan = Plan {
        group_changes: vec![removal("IT-Admins", 1, 0)],
        ..Plan::default()
    };
    assert!(!held(&assess(&plan, &base(100, &groups, &t))));
}

#[test]
fn an_empty_read_is_held_whenever_users_are_synced() {
    let t = DeprovisionThreshold::default();
    let groups = BTreeMap::new();
    let mut b = base(3, &groups, &t);
    b.empty_read = true;
    let a = assess(&Plan::default(), &b);
    assert!(held(&a), "{a:?}");
    assert!(a.lines[0].starts_with("the directory returned no users while 3 are synced"));
    // Nothing synced yet: an empty directory is just empty.
    b.synced = 0;
    assert!(!held(&assess(&Plan::default(), &b)));
}

#[test]
fn tags_and_roles_lost_count_towards_the_overall_limit() {
    let t = threshold(2, 0.0);
    let groups = BTreeMap::new();
    let update = |anchor: &str, lose_role: bool| UserUpdate {
        anchor: anchor.to_owned(),
        target_id: Some(format!("id-{anchor}")),
        changes: vec![],
        desired: user(anchor, &[], false),
        applied: user(anchor, &["Sales"], lose_role),
    };
    let plan = Plan {
        updates: vec![update("a", false), update("b", true)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(100, &groups, &t));
    assert!(!held(&a), "{a:?}");
    assert!(a.lines.contains(&"would remove 2 tags".to_owned()), "{a:?}");
    assert!(
        a.lines
            .contains(&"would take the admin role from 1 user".to_owned())
    );
    let plan = Plan {
        updates: vec![update("a", false), update("b", false), update("c", false)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(100, &groups, &t));
    let GuardDecision::Hold { reason } = &a.decision else {
        panic!("{a:?}")
    };
    assert!(
        reason.contains(
            "would take access away from 3 users of 100 synced (held: over the limit of 2)"
        ),
        "{reason}"
    );
}

#[test]
fn gains_alone_pass_and_the_digest_follows_the_changes() {
    let t = DeprovisionThreshold::default();
    let groups = BTreeMap::from([("Staff".to_owned(), 1)]);
    let plan = Plan {
        creates: vec![Arc::new(user("n", &["Staff"], false))],
        group_changes: vec![removal("Staff", 0, 1)],
        ..Plan::default()
    };
    let a = assess(&plan, &base(1, &groups, &t));
    assert_eq!(a.decision, GuardDecision::Proceed);
    assert!(a.lines.is_empty(), "{a:?}");
    let same = plan.clone();
    assert_eq!(digest(&plan), digest(&same));
    let mut other = plan.clone();
    other.group_changes[0].remove.push("m0".to_owned());
    assert_ne!(digest(&plan), digest(&other));
    // Notices are not changes: they do not alter the digest.
    let mut noted = plan.clone();
    noted.notices.push("a notice".to_owned());
    assert_eq!(digest(&plan), digest(&noted));
}

#[test]
fn counts_read_with_thousands_separators() {
    assert_eq!(count(0), "0");
    assert_eq!(count(999), "999");
    assert_eq!(count(1629), "1,629");
    assert_eq!(count(1_000_000), "1,000,000");
}
