//! Drafts of the built-in wizards becoming profiles, and the field errors
//! when they cannot.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::*;
use onramp_profile::{Connection, DeprovisionPolicy, EmailAttribute, TargetAuth, parse_profile};

/// The registry the drafts validate against: the LDAP connector's DN and
/// filter rules, as the engine's has them.
fn registry() -> onramp_connector::Registry {
    onramp_connector::Registry::new(vec![Box::new(onramp_ldap::LdapConnector)])
}

fn wizard(id: &str) -> Wizard {
    builtin(&TEST_CHECKS)
        .into_iter()
        .find(|w| w.id == id)
        .unwrap()
}

fn values(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("test values are objects"),
    }
}

/// What the AD wizard collects when every step is filled in.
fn complete_ad() -> Map<String, Value> {
    values(json!({
        "profile.name": "corp-ad",
        "display_name": "Corp AD",
        "connection.url": "ldaps://dc1.corp.example.com",
        "connection.starttls": false,
        "connection.bind_dn": "svc-onramp@corp.example.com",
        "connection.ca_file": "",
        "connection.base_dn": "DC=corp,DC=example,DC=com",
        "sync.email_attribute": "userPrincipalName",
        "sync.excluded_ous": ["OU=Service Accounts,DC=corp,DC=example,DC=com"],
        "sync.user_filter": "",
        "sync.groups": ["VPN Users", "Finance"],
        "sync.admin_groups": ["Platform Admins"],
        "sync.team": "AD Users",
        "sync.max_tag_length": 29,
        "sync.deprovision": "deactivate",
        "target.url": "https://platform.example.com/scim/v2",
        "target.ca_file": "",
        "schedule.enabled": true,
        "schedule.interval_minutes": 30
    }))
}

fn dir() -> &'static Path {
    Path::new("/cfg/profiles")
}

fn errors(w: &Wizard, v: &Map<String, Value>) -> Vec<FieldError> {
    draft_profile(w, v, dir(), &registry())
        .expect_err("draft should be refused")
        .errors
}

/// The one error on `key`.
fn error_on(w: &Wizard, v: &Map<String, Value>, key: &str) -> String {
    let errs = errors(w, v);
    let on: Vec<_> = errs.iter().filter(|e| e.key == key).collect();
    assert_eq!(on.len(), 1, "one error on {key}: {errs:?}");
    on[0].message.clone()
}

#[test]
fn a_complete_ad_draft_is_a_valid_profile_that_round_trips() {
    let w = wizard("ad");
    let d = draft_profile(&w, &complete_ad(), dir(), &registry()).unwrap();
    assert_eq!(d.name, "corp-ad");
    let p = &d.profile;
    assert_eq!(p.path, dir().join("corp-ad.toml"));
    assert_eq!(p.display_name, "Corp AD");
    let Connection::Directory(c) = &p.connection else {
        panic!("{:?}", p.connection)
    };
    assert_eq!(c.url.as_str(), "ldaps://dc1.corp.example.com");
    assert_eq!(c.bind_password_secret.as_str(), "corp-ad-bind-password");
    assert_eq!(c.base_dn.as_deref(), Some("DC=corp,DC=example,DC=com"));
    assert_eq!(c.ca_file, None, "an empty optional field is left out");
    assert_eq!(p.sync.email_attribute, EmailAttribute::UserPrincipalName);
    assert_eq!(p.sync.groups, ["VPN Users", "Finance"]);
    assert_eq!(p.sync.deprovision, DeprovisionPolicy::Deactivate);
    assert_eq!(p.schedule.interval_minutes, 30);
    let t = p.target.as_ref().unwrap();
    match &t.auth {
        TargetAuth::Bearer { token_secret } => {
            assert_eq!(token_secret.as_str(), "corp-ad-platform-token")
        }
        other => panic!("{other:?}"),
    }
    // The text is what gets saved: it parses into the same profile.
    let again = parse_profile("corp-ad", &dir().join("corp-ad.toml"), &d.toml).unwrap();
    assert_eq!(&again, p);
    assert!(d.toml.contains("auth = \"bearer\""), "{}", d.toml);

    let names = secret_names(&w, &d.name);
    let names: Vec<_> = names
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("connection.bind_password_secret", "corp-ad-bind-password"),
            ("target.token_secret", "corp-ad-platform-token")
        ]
    );
}

#[test]
fn defaults_fill_what_the_draft_leaves_out() {
    let w = wizard("ad");
    let v = values(json!({
        "connection.url": "ldap://dc1.corp.example.com",
        "connection.starttls": true,
        "connection.bind_dn": "CORP\\svc-onramp",
        "target.url": "https://platform.example.com/scim/v2"
    }));
    let d = draft_profile(&w, &v, dir(), &registry()).unwrap();
    assert_eq!(d.name, "ad", "no name and no display name: the wizard id");
    assert_eq!(d.profile.display_name, "Active Directory");
    assert_eq!(d.profile.schedule.interval_minutes, 15);
    assert!(d.profile.schedule.enabled);
    assert_eq!(d.profile.sync.max_tag_length, 29);
    assert_eq!(d.profile.sync.deprovision, DeprovisionPolicy::Preserve);
    assert_eq!(d.profile.sync.email_attribute, EmailAttribute::Mail);
    assert_eq!(d.profile.sync.team, None);
}

#[test]
fn the_profile_name_comes_from_the_display_name() {
    let w = wizard("ad");
    let mut v = complete_ad();
    v.remove("profile.name");
    v.insert(
        "display_name".into(),
        json!("  Zürich HQ / Active Directory "),
    );
    assert_eq!(draft_name(&w, &v), "z-rich-hq-active-directory");
    assert_eq!(
        draft_profile(&w, &v, dir(), &registry()).unwrap().name,
        "z-rich-hq-active-directory"
    );
    v.insert("profile.name".into(), json!("../etc/passwd"));
    let m = error_on(&w, &v, "profile.name");
    assert!(m.contains("invalid profile name"), "{m}");
}

#[test]
fn a_bad_url_scheme_is_an_error_on_the_url_field() {
    let w = wizard("ad");
    let mut v = complete_ad();
    v.insert(
        "connection.url".into(),
        json!("https://dc1.corp.example.com"),
    );
    let m = error_on(&w, &v, "connection.url");
    assert!(m.contains("ldaps://") && m.contains("https"), "{m}");
    v.insert("connection.url".into(), json!("dc1 corp"));
    let m = error_on(&w, &v, "connection.url");
    assert!(m.contains("not a URL"), "{m}");
}

#[test]
fn required_fields_must_be_filled() {
    let w = wizard("ad");
    let mut v = complete_ad();
    v.remove("connection.url");
    v.insert("connection.bind_dn".into(), json!("   "));
    let errs = errors(&w, &v);
    for key in ["connection.url", "connection.bind_dn"] {
        let e = errs
            .iter()
            .find(|e| e.key == key)
            .unwrap_or_else(|| panic!("{errs:?}"));
        assert_eq!(e.message, "required");
    }
}

#[test]
fn values_of_the_wrong_type_are_field_errors() {
    let w = wizard("ad");
    let cases = [
        (
            "connection.url",
            json!(["ldaps://a"]),
            "expected text, found a list",
        ),
        (
            "schedule.interval_minutes",
            json!("15"),
            "expected a whole number, found text",
        ),
        ("schedule.interval_minutes", json!(7.5), "whole number"),
        (
            "connection.starttls",
            json!("yes"),
            "expected true or false",
        ),
        ("sync.groups", json!("VPN Users"), "expected a list"),
        (
            "sync.groups",
            json!(["VPN Users", 3]),
            "entry 2: expected text",
        ),
        (
            "sync.max_tag_length",
            json!(300),
            "from 1 to 255, found 300",
        ),
        (
            "sync.deprovision",
            json!("archive"),
            "not one of the choices",
        ),
    ];
    for (key, value, want) in cases {
        let mut v = complete_ad();
        v.insert(key.into(), value);
        let m = error_on(&w, &v, key);
        assert!(m.contains(want), "{key}: {m}");
    }
}

#[test]
fn a_bad_dn_in_excluded_ous_names_the_entry() {
    let w = wizard("ad");
    let mut v = complete_ad();
    v.insert(
        "sync.excluded_ous".into(),
        json!([
            "OU=Service Accounts,DC=corp,DC=example,DC=com",
            "Service Accounts"
        ]),
    );
    let m = error_on(&w, &v, "sync.excluded_ous");
    assert!(m.starts_with("entry 2:"), "{m}");
    v.insert("connection.base_dn".into(), json!("DC=corp,DC"));
    error_on(&w, &v, "connection.base_dn");
}

#[test]
fn the_profile_parser_and_directory_rules_map_to_fields() {
    let w = wizard("ad");
    // StartTLS on an ldaps:// URL: refused by the profile parser.
    let mut v = complete_ad();
    v.insert("connection.starttls".into(), json!(true));
    let m = error_on(&w, &v, "connection.starttls");
    assert!(m.contains("ldap:// URLs only"), "{m}");
    // A bind name of no known form: refused by the directory rules.
    let mut v = complete_ad();
    v.insert("connection.bind_dn".into(), json!("svc-onramp"));
    let m = error_on(&w, &v, "connection.bind_dn");
    assert!(m.contains("not a bind name"), "{m}");
    // A malformed filter.
    let mut v = complete_ad();
    v.insert("sync.user_filter".into(), json!("(department=Sales"));
    error_on(&w, &v, "sync.user_filter");
    // Plain http to another machine: the platform URL is refused.
    let mut v = complete_ad();
    v.insert(
        "target.url".into(),
        json!("http://platform.example.com/scim/v2"),
    );
    let m = error_on(&w, &v, "target.url");
    assert!(m.contains("https://"), "{m}");
}

#[test]
fn secrets_and_unknown_keys_are_not_part_of_a_draft() {
    let w = wizard("ad");
    let mut v = complete_ad();
    v.insert("connection.bind_password_secret".into(), json!("hunter2"));
    v.insert("connection.binddn".into(), json!("x"));
    let errs = errors(&w, &v);
    let secret = errs
        .iter()
        .find(|e| e.key == "connection.bind_password_secret")
        .unwrap();
    assert!(secret.message.contains("stage_secret"));
    assert!(!secret.message.contains("hunter2"));
    let unknown = errs.iter().find(|e| e.key == "connection.binddn").unwrap();
    assert!(unknown.message.contains("not a field"));
    let json = serde_json::to_value(&errs[0]).unwrap();
    assert!(json.get("key").is_some() && json.get("message").is_some());
}

#[test]
fn several_problems_are_reported_together() {
    let w = wizard("ad");
    let mut v = complete_ad();
    // The URL's error comes from the profile parser, after the others were
    // found; the list is still in the order of the wizard's fields.
    v.insert(
        "connection.url".into(),
        json!("https://dc1.corp.example.com"),
    );
    v.insert("sync.max_tag_length".into(), json!(0));
    v.insert("target.url".into(), json!(5));
    let keys: Vec<_> = errors(&w, &v).into_iter().map(|e| e.key).collect();
    assert_eq!(
        keys,
        ["connection.url", "sync.max_tag_length", "target.url"]
    );
}

#[test]
fn an_ldap_draft_is_a_valid_profile() {
    let w = wizard("ldap");
    let v = values(json!({
        "display_name": "Corp LDAP",
        "connection.url": "ldaps://ldap.example.com",
        "connection.bind_dn": "cn=onramp,ou=services,dc=example,dc=com",
        "sync.excluded_ous": ["ou=robots,dc=example,dc=com"],
        "target.url": "https://platform.example.com/scim/v2"
    }));
    let d = draft_profile(&w, &v, dir(), &registry()).unwrap();
    assert_eq!(d.name, "corp-ldap");
    assert_eq!(d.profile.kind, onramp_profile::IntegrationKind::Ldap);
    let again = parse_profile(&d.name, &d.profile.path, &d.toml).unwrap();
    assert_eq!(again, d.profile);
}

#[test]
fn a_draft_through_a_step_needs_only_that_far() {
    let w = wizard("ad");
    // What the admin has entered when the connection step's checks run.
    let v = values(json!({
        "connection.url": "ldaps://dc1.corp.example.com",
        "connection.starttls": false,
        "connection.bind_dn": "svc-onramp@corp.example.com",
        "sync.max_tag_length": 29,
        "schedule.interval_minutes": 15
    }));
    let full = errors(&w, &v);
    assert!(full.iter().any(|e| e.key == "target.url"), "{full:?}");
    let step = w.step_running(&["ldap.reachability"]).unwrap();
    assert_eq!(step.id, "connection");
    let d = draft_profile_through(&w, &v, dir(), &registry(), &step.id).unwrap();
    assert_eq!(d.profile.target, None);
    let Connection::Directory(c) = &d.profile.connection else {
        panic!()
    };
    assert_eq!(c.bind_password_secret.as_str(), "ad-bind-password");
    // Later values are ignored, even wrong ones; earlier ones still count.
    let mut later = v.clone();
    later.insert("target.url".into(), json!(5));
    assert!(draft_profile_through(&w, &later, dir(), &registry(), "connection").is_ok());
    let mut earlier = v.clone();
    earlier.remove("connection.url");
    let errs = draft_profile_through(&w, &earlier, dir(), &registry(), "security")
        .unwrap_err()
        .errors;
    assert_eq!(errs[0].key, "connection.url");
    // Discovery of the OU tree needs the steps up to the scope step.
    let scope = w.step_with_field(FieldType::OuTree).unwrap();
    assert_eq!(scope.id, "scope");
    assert!(draft_profile_through(&w, &v, dir(), &registry(), &scope.id).is_ok());
    // The platform step's checks need it filled in.
    let target = w.step_running(&["target.auth".to_owned()]).unwrap();
    let errs = draft_profile_through(&w, &v, dir(), &registry(), &target.id)
        .unwrap_err()
        .errors;
    assert_eq!(errs[0].key, "target.url");
    let errs = draft_profile_through(&w, &v, dir(), &registry(), "nope")
        .unwrap_err()
        .errors;
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].key, "");
    assert!(
        errs[0].message.contains("no step 'nope'"),
        "{}",
        errs[0].message
    );
}
