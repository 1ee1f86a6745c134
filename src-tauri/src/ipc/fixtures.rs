//! `ui/tests/fixtures.json`: what the browser tests' fake backend answers,
//! built from the real Rust types so it has exactly their JSON shape.
//!
//! The wizards are the shipped ones and `ui/tests/test-wizard.toml`, loaded
//! by the engine's wizard loader against the real registry, so the browser
//! walks the definitions the app sends. The other values are typed samples
//! the tests copy and vary (a name, a count), never reshape.

use std::sync::Arc;

use serde::Serialize;

use onramp_engine::check::CheckResult;
use onramp_engine::connector::discovery::{EmailReport, GroupInfo, OuNode, SkippedUser};
use onramp_engine::connector::source::{ReadKind, ReadSummary};
use onramp_engine::expiring::list::{self, ExpiryList};
use onramp_engine::expiry::{Credential, CredentialItem, DateSource};
use onramp_engine::status::{Health, ProfileSummary, ScheduleInfo};
use onramp_engine::sync::apply::ApplyCounts;
use onramp_engine::sync::model::{DesiredGroup, DesiredUser};
use onramp_engine::sync::plan::{Change, Deprovision, DeprovisionAction, Plan, UserUpdate};
use onramp_engine::sync::run::SyncReport;
use onramp_engine::sync::store::{RunId, RunMode, RunRecord, RunState, RunStatus, RunSummary};
use onramp_engine::wizard::{self, Wizard};

use crate::commands::diagnostics::BundlePreview;
use crate::dto::WizardSummary;
use crate::updates::{UpdateOffer, UpdatePhase, UpdateStatus};
use onramp_engine::diagnostics::BundleFile;

/// The base DN of the sample directory.
const BASE_DN: &str = "DC=corp,DC=example";

/// Everything the file holds.
#[derive(Serialize)]
struct Fixtures {
    base_dn: &'static str,
    /// The wizards the app ships, as `get_wizard` sends them.
    builtin_wizards: Vec<Wizard>,
    /// The test wizard: every step kind and field type.
    test_wizard: Wizard,
    /// What `list_wizards` answers in the tests.
    wizard_list: Vec<WizardSummary>,
    /// Check results: a plain pass, the root DSE with its evidence, a failure with remediation.
    check_pass: CheckResult,
    check_rootdse: CheckResult,
    check_signing_fail: CheckResult,
    ous: Vec<OuNode>,
    groups: Vec<GroupInfo>,
    email_report: EmailReport,
    plan: Plan,
    /// What `preview_draft` answers: a preview of [`Fixtures::plan`].
    preview: SyncReport,
    run: RunRecord,
    profile: ProfileSummary,
    /// What `expiry_list` answers: a certificate ending in six days and one
    /// good for three months, counted from `now_unix`.
    expiry: ExpiryList,
    /// What `diagnostics_preview` answers.
    bundle_preview: BundlePreview,
    /// What `update_status` answers before any check.
    update_not_checked: UpdateStatus,
    /// What `update_check` answers when 0.2.0 is offered.
    update_available: UpdateStatus,
}

fn build() -> Fixtures {
    let registry = onramp_engine::registry();
    let checks = registry.check_ids();
    let text = std::fs::read_to_string(super::repo_file("ui/tests/test-wizard.toml"))
        .expect("ui/tests/test-wizard.toml");
    let test_wizard = wizard::parse(&text, "ui/tests/test-wizard.toml", &checks)
        .unwrap_or_else(|e| panic!("the test wizard does not load: {e}"));
    Fixtures {
        base_dn: BASE_DN,
        builtin_wizards: wizard::builtin(&checks),
        wizard_list: vec![
            WizardSummary {
                id: test_wizard.id.clone(),
                kind: test_wizard.kind.id(),
                title: test_wizard.title.clone(),
                summary: test_wizard.summary.clone(),
            },
            WizardSummary {
                id: "test-ldap".to_owned(),
                kind: "ldap",
                title: "OpenLDAP to the platform".to_owned(),
                summary: "Sync from any LDAP server.".to_owned(),
            },
        ],
        test_wizard,
        check_pass: CheckResult::pass("ldap.reachability", "ldap.reachability pass"),
        check_rootdse: CheckResult::pass("ldap.rootdse", "ldap.rootdse pass")
            .evidence("default_naming_context", BASE_DN)
            .evidence("dns_host_name", "dc1.corp.example"),
        check_signing_fail: CheckResult::fail(
            "ldap.signing",
            "The server does not require LDAP signing",
        )
        .details("A simple bind without signing was accepted.")
        .evidence("result_code", "0 (success)")
        .remediation([
            "Open Group Policy Management on a domain controller.",
            "Set \"Domain controller: LDAP server signing requirements\" to \"Require signing\".",
        ]),
        ous: ous(),
        groups: groups(),
        email_report: EmailReport {
            attribute: "mail",
            users: 45,
            mail_only: 3,
            upn_only: 4,
            both_same: 30,
            both_different: 6,
            neither: 2,
            eligible: 39,
            skipped: vec![SkippedUser {
                dn: "CN=Svc Backup,OU=Service,DC=corp,DC=example".to_owned(),
                reason: "no mail".to_owned(),
            }],
        },
        plan: plan(),
        preview: SyncReport {
            run: RunId(0),
            status: RunStatus::Preview,
            message: None,
            read: Some(ReadSummary {
                users_read: 45,
                groups_read: 3,
                details: serde_json::Map::new(),
            }),
            read_kind: Some(ReadKind::Full {
                reason: "the first run of a profile reads everything".to_owned(),
            }),
            export: None,
            plan: plan(),
            guard: vec!["would deprovision 1 user of 40 synced".to_owned()],
            applied: ApplyCounts::default(),
        },
        run: RunRecord {
            id: RunId(41),
            profile: "corp-ad".to_owned(),
            mode: RunMode::Apply,
            state: RunState::Ok,
            started_at: 1_764_633_600,
            finished_at: Some(1_764_633_660),
            summary: RunSummary::default(),
            message: None,
        },
        expiry: expiry(),
        bundle_preview: BundlePreview {
            id: 7,
            files: vec![
                BundleFile::new("manifest.json", vec![b' '; 2048], Default::default()),
                BundleFile::new(
                    "profiles/corp-ad.toml",
                    vec![b' '; 900],
                    [("secret corp-ad-bind-password".to_owned(), 1)].into(),
                ),
                BundleFile::new(
                    "logs/onramp.2025-12-02.log",
                    vec![b' '; 40_000],
                    [("bearer_token".to_owned(), 2), ("jwt".to_owned(), 1)].into(),
                ),
            ],
            notes: vec![
                "posture summaries: the device posture probes are not supported yet; none are included".to_owned(),
            ],
            destination: "/home/admin/.local/share/onramp/diagnostics/onramp-diagnostics-20251202-000000.zip".to_owned(),
        },
        profile: ProfileSummary {
            name: "corp-ad".to_owned(),
            path: "/profiles/corp-ad.toml".to_owned(),
            display_name: "corp-ad display".to_owned(),
            kind: Some("ad"),
            kind_label: Some("Active Directory"),
            schedule: Some(ScheduleInfo {
                enabled: true,
                interval_minutes: 15,
            }),
            health: Health::Unknown {
                summary: "Not run yet".to_owned(),
            },
            last_run: None,
            next_run_at: None,
            running: false,
        },
        update_not_checked: UpdateStatus {
            current_version: "0.1.0".into(),
            phase: UpdatePhase::NotChecked,
            offer: None,
            newest: None,
            checked_at: None,
            error: None,
            automatic: true,
        },
        update_available: UpdateStatus {
            current_version: "0.1.0".into(),
            phase: UpdatePhase::Available,
            offer: Some(UpdateOffer {
                version: "0.2.0".into(),
                notes: Some("Faster directory reads.\nFixes the tray on GNOME.".into()),
                published_at: Some(1_796_119_200),
            }),
            newest: None,
            checked_at: Some(1_796_200_000),
            error: None,
            automatic: true,
        },
    }
}

/// The time the expiry sample counts from.
const NOW: i64 = 1_764_633_600;

fn expiry() -> ExpiryList {
    let certificate = |item: &str, subject: &str, days: i64| CredentialItem {
        profile: "corp-ad".to_owned(),
        item: item.to_owned(),
        label: format!("server certificate {subject} (seen by {item})"),
        credential: Credential::TlsCertificate {
            subject: subject.to_owned(),
            sha256: "AB:CD".to_owned(),
        },
        not_after_unix: Some(NOW + days * 86_400 + 3_600),
        date_source: DateSource::Certificate,
        confirmed_unix: NOW - 3_600,
    };
    list::rows(
        vec![
            certificate("ldap.tls", "CN=dc1.corp.example", 6),
            certificate("target.connect", "CN=platform.example.com", 90),
        ],
        |_| Some("corp-ad display".to_owned()),
        NOW,
    )
}

fn ou(dn: &str, direct: u64, total: u64, children: Vec<OuNode>) -> OuNode {
    let name = dn.split(',').next().unwrap_or(dn).trim_start_matches("OU=");
    OuNode {
        dn: dn.to_owned(),
        name: name.to_owned(),
        kind: "ou",
        direct_users: direct,
        total_users: total,
        excluded: false,
        children,
    }
}

fn ous() -> Vec<OuNode> {
    vec![
        ou(
            "OU=Staff,DC=corp,DC=example",
            2,
            40,
            vec![
                ou("OU=Sales,OU=Staff,DC=corp,DC=example", 12, 12, vec![]),
                ou("OU=Contractors,OU=Staff,DC=corp,DC=example", 26, 26, vec![]),
            ],
        ),
        ou("OU=Service,DC=corp,DC=example", 5, 5, vec![]),
    ]
}

fn group(name: &str, members: u64, description: Option<&str>, too_long: bool) -> GroupInfo {
    GroupInfo {
        dn: format!("CN={name},OU=Groups,DC=corp,DC=example"),
        name: name.to_owned(),
        member_count: members,
        description: description.map(str::to_owned),
        name_too_long_for_tag: too_long,
    }
}

fn groups() -> Vec<GroupInfo> {
    vec![
        group("Sales", 12, Some("Everyone in sales"), false),
        group("IT Admins", 3, None, false),
        group(
            "Regional Sales Operations Europe Middle East Africa",
            7,
            Some("EMEA"),
            true,
        ),
    ]
}

fn user(anchor: &str, name: &str, admin: bool, tags: &[&str]) -> DesiredUser {
    DesiredUser {
        anchor: anchor.to_owned(),
        user_name: name.to_owned(),
        email: format!("{name}@corp.example"),
        given_name: None,
        family_name: None,
        display_name: Some(name.to_uppercase()),
        phone: None,
        department: None,
        active: true,
        admin,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    }
}

fn plan() -> Plan {
    let carol = user("a3", "carol", false, &[]);
    let carol_before = DesiredUser {
        email: "carol@old.example".to_owned(),
        ..carol.clone()
    };
    Plan {
        creates: vec![
            Arc::new(user("a1", "alice", true, &["Sales"])),
            Arc::new(user("a2", "bob", false, &[])),
        ],
        updates: vec![UserUpdate {
            anchor: "a3".to_owned(),
            target_id: Some("t3".to_owned()),
            changes: vec![Change {
                attribute: "email".to_owned(),
                from: carol_before.email.clone(),
                to: carol.email.clone(),
            }],
            desired: carol,
            applied: carol_before,
        }],
        deprovisions: vec![Deprovision {
            anchor: "a4".to_owned(),
            target_id: Some("t4".to_owned()),
            user_name: "dave".to_owned(),
            action: DeprovisionAction::Deactivate,
        }],
        preserved: vec![],
        group_creates: vec![Arc::new(DesiredGroup {
            anchor: "g1".to_owned(),
            display_name: "Sales".to_owned(),
            members: ["a1".to_owned()].into(),
        })],
        group_changes: vec![],
        skipped: vec![onramp_engine::sync::model::SkippedUser {
            anchor: "a5".to_owned(),
            dn: "CN=Eve,OU=Staff,DC=corp,DC=example".to_owned(),
            reason: "no mail attribute".to_owned(),
        }],
        notices: vec!["2 users have the same e-mail address; the first one is synced.".to_owned()],
    }
}

#[test]
fn the_committed_fixtures_are_what_the_rust_types_serialize() {
    let mut json = serde_json::to_string_pretty(&build()).expect("fixtures serialize");
    json.push('\n');
    super::check_committed("ui/tests/fixtures.json", &json);
}
