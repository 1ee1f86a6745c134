//! Loading malformed wizard definitions: each error names the file, the step
//! and the field.

use super::*;

const MINI: &str = r#"
id = "mini"
kind = "ad"
title = "Mini"
summary = "A small wizard for tests."

[[steps]]
id = "before"
kind = "checklist"
title = "Before"
[[steps.items]]
id = "account"
label = "A service account"

[[steps]]
id = "connection"
kind = "form"
title = "Connection"
checks = ["ldap.reachability", "ldap.rootdse"]
[[steps.fields]]
key = "connection.url"
type = "url"
label = "URL"
required = true
[[steps.fields]]
key = "connection.bind_password_secret"
type = "secret"
label = "Password"
secret_suffix = "bind-password"
[[steps.fields]]
key = "sync.deprovision"
type = "select"
label = "Leavers"
default = "preserve"
options = [{ value = "preserve", label = "Preserve" }, { value = "delete", label = "Delete" }]
[[steps.fields]]
key = "connection.base_dn"
type = "dn"
label = "Base DN"
propose = { check = "ldap.rootdse", evidence = "default_naming_context" }

[[steps]]
id = "preview"
kind = "preview"
title = "Preview"

[[steps]]
id = "save"
kind = "save"
title = "Save"
"#;

const FILE: &str = "wizards/mini.toml";

/// The message of loading MINI with `from` replaced by `to`.
fn error(from: &str, to: &str) -> (String, WizardError) {
    assert!(MINI.contains(from), "test input: {from}");
    let text = MINI.replacen(from, to, 1);
    let err = parse(&text, FILE, &TEST_CHECKS).expect_err(to);
    (err.to_string(), err)
}

fn assert_names(message: &str, parts: &[&str]) {
    for p in parts {
        assert!(message.contains(p), "'{p}' missing from: {message}");
    }
}

#[test]
fn the_minimal_wizard_loads() {
    let w = parse(MINI, FILE, &TEST_CHECKS).unwrap();
    assert_eq!(w.steps.len(), 4);
    assert_eq!(w.steps[1].fields[1].field_type, FieldType::Secret);
    assert_eq!(
        w.steps[1].fields[2].default,
        Some(DraftValue::Text("preserve".into()))
    );
}

#[test]
fn unknown_step_kind_names_file_and_step() {
    let (m, err) = error("kind = \"form\"", "kind = \"wizardry\"");
    assert_names(&m, &[FILE, "step `connection`", "`kind`", "wizardry"]);
    assert!(
        matches!(err, WizardError::Invalid { line: Some(17), .. }),
        "{err:?}"
    );
}

#[test]
fn unknown_field_type_names_file_step_and_field() {
    let (m, _) = error("type = \"dn\"", "type = \"distinguished\"");
    assert_names(
        &m,
        &[
            FILE,
            "step `connection`",
            "field `connection.base_dn`",
            "`type`",
            "distinguished",
        ],
    );
}

#[test]
fn unknown_format_key_names_its_field() {
    let (m, _) = error(
        "label = \"Base DN\"",
        "label = \"Base DN\"\ncolour = \"red\"",
    );
    assert_names(&m, &[FILE, "field `connection.base_dn`", "colour"]);
    let (m, _) = error("title = \"Mini\"", "title = \"Mini\"\nversion = 2");
    assert_names(&m, &[FILE, "version"]);
}

#[test]
fn unknown_check_id_names_the_step() {
    let (m, _) = error("\"ldap.rootdse\"]", "\"ldap.rootdse\", \"ldap.colour\"]");
    assert_names(&m, &[FILE, "step `connection`", "ldap.colour", "ldap.bind"]);
    let (m, _) = error("check = \"ldap.rootdse\"", "check = \"ldap.rootdsee\"");
    assert_names(&m, &["field `connection.base_dn`", "ldap.rootdsee"]);
}

#[test]
fn proposing_needs_a_check_that_has_run() {
    let (m, _) = error("check = \"ldap.rootdse\"", "check = \"ldap.bind\"");
    assert_names(&m, &["field `connection.base_dn`", "not run by this step"]);
}

#[test]
fn unknown_profile_key_names_the_field() {
    let (m, _) = error(
        "key = \"connection.base_dn\"",
        "key = \"connection.basedn\"",
    );
    assert_names(
        &m,
        &[
            FILE,
            "step `connection`",
            "field `connection.basedn`",
            "not a key",
        ],
    );
    let (m, _) = error("key = \"connection.url\"", "key = \"connection.tenant\"");
    assert_names(
        &m,
        &[
            "field `connection.tenant`",
            "not a key of a profile of kind `ad`",
        ],
    );
}

#[test]
fn field_type_must_fit_the_key() {
    let (m, _) = error(
        "key = \"connection.base_dn\"\ntype = \"dn\"",
        "key = \"connection.base_dn\"\ntype = \"toggle\"",
    );
    assert_names(&m, &["field `connection.base_dn`", "does not fit"]);
}

#[test]
fn duplicate_ids_and_keys() {
    let (m, _) = error("id = \"preview\"", "id = \"connection\"");
    assert_names(&m, &[FILE, "step `connection`", "duplicate step id"]);
    let (m, _) = error("key = \"connection.base_dn\"", "key = \"connection.url\"");
    assert_names(&m, &["field `connection.url`", "duplicate field key"]);
}

#[test]
fn select_needs_options_that_the_profile_accepts() {
    let (m, _) = error(
        "options = [{ value = \"preserve\", label = \"Preserve\" }, { value = \"delete\", label = \"Delete\" }]",
        "",
    );
    assert_names(&m, &["field `sync.deprovision`", "needs `options`"]);
    let (m, _) = error("value = \"delete\"", "value = \"archive\"");
    assert_names(&m, &["field `sync.deprovision`", "archive"]);
    let (m, _) = error("default = \"preserve\"", "default = \"keep\"");
    assert_names(&m, &["field `sync.deprovision`", "not one of the options"]);
    let (m, _) = error("default = \"preserve\"", "default = true");
    assert_names(&m, &["field `sync.deprovision`", "`default`"]);
}

#[test]
fn secrets_need_a_suffix_and_a_secret_key() {
    let (m, _) = error("secret_suffix = \"bind-password\"", "");
    assert_names(
        &m,
        &["field `connection.bind_password_secret`", "secret_suffix"],
    );
    let (m, _) = error(
        "secret_suffix = \"bind-password\"",
        "secret_suffix = \"../x\"",
    );
    assert_names(&m, &["secret_suffix", "not usable"]);
    let (m, _) = error(
        "key = \"connection.url\"\ntype = \"url\"",
        "key = \"connection.url\"\ntype = \"secret\"\nsecret_suffix = \"u\"",
    );
    assert_names(&m, &["field `connection.url`", "_secret"]);
    let (m, _) = error("type = \"secret\"", "type = \"text\"");
    assert_names(
        &m,
        &[
            "field `connection.bind_password_secret`",
            "only used by secret fields",
        ],
    );
    let (m, _) = error(
        "type = \"secret\"\nlabel = \"Password\"\nsecret_suffix = \"bind-password\"",
        "type = \"text\"\nlabel = \"Password\"",
    );
    assert_names(
        &m,
        &["field `connection.bind_password_secret`", "`secret` field"],
    );
}

#[test]
fn preview_and_save_come_once_and_last() {
    let (m, _) = error("kind = \"preview\"", "kind = \"save\"");
    assert_names(&m, &["step `preview`", "last step"]);
    let (m, _) = error(
        "kind = \"save\"",
        "kind = \"form\"\nchecks = [\"ldap.bind\"]",
    );
    assert_names(&m, &["step `preview`", "a `save` step"]);
    let tail = MINI.find("[[steps]]\nid = \"preview\"").unwrap();
    let text = format!(
        "{}[[steps]]\nid = \"save\"\nkind = \"save\"\ntitle = \"Save\"\n\n[[steps]]\nid = \"more\"\nkind = \"form\"\ntitle = \"More\"\nchecks = [\"ldap.bind\"]\n",
        &MINI[..tail]
    );
    let m = parse(&text, FILE, &TEST_CHECKS).unwrap_err().to_string();
    assert_names(&m, &["step `save`", "must be the last step"]);
    let (m, _) = error("kind = \"checklist\"", "kind = \"preview\"");
    assert_names(&m, &["step `before`", "preview"]);
}

#[test]
fn steps_hold_what_their_kind_allows() {
    let (m, _) = error(
        "[[steps.items]]",
        "checks = [\"ldap.bind\"]\n[[steps.items]]",
    );
    assert_names(&m, &["step `before`", "has no `checks`"]);
    let (m, _) = error(
        "[[steps.items]]\nid = \"account\"\nlabel = \"A service account\"\n",
        "",
    );
    assert_names(&m, &["step `before`", "at least one item"]);
}

#[test]
fn syntax_errors_give_the_line() {
    let err = parse("id = \"x\"\n[[steps]\n", FILE, &TEST_CHECKS).unwrap_err();
    match err {
        WizardError::Syntax { file, line, .. } => {
            assert_eq!(file, FILE);
            assert_eq!(line, 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_is_camel_case_without_secret_names() {
    let w = builtin(&TEST_CHECKS)
        .into_iter()
        .find(|w| w.id == "ad")
        .unwrap();
    let json = serde_json::to_value(&w).unwrap();
    assert_eq!(json["kind"], "ad");
    let connection = &json["steps"][1];
    assert_eq!(connection["id"], "connection");
    assert!(connection["items"].as_array().unwrap().is_empty());
    let fields = connection["fields"].as_array().unwrap();
    let secret = fields
        .iter()
        .find(|f| f["key"] == "connection.bind_password_secret")
        .unwrap();
    assert_eq!(secret["type"], "secret");
    assert_eq!(secret["required"], true);
    assert!(secret.get("secretSuffix").is_none() && secret.get("secret_suffix").is_none());
    let base = fields
        .iter()
        .find(|f| f["key"] == "connection.base_dn")
        .unwrap();
    assert_eq!(base["propose"]["check"], "ldap.rootdse");
    assert!(base["options"].as_array().unwrap().is_empty());
    let interval = &json["steps"][8]["fields"][1];
    assert_eq!(interval["key"], "schedule.interval_minutes");
    assert_eq!(interval["default"], 15);
    assert_eq!(interval["min"], 5);
    assert_eq!(interval["max"], 1440);
}

/// Each enum's text form is the one serde writes (the UI's declarations are
/// generated from the serde form, src-tauri/src/ipc/types.rs).
#[test]
fn enum_text_forms_match_serde() {
    for t in FieldType::ALL {
        assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
    }
    for k in StepKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
}
