//! The commands through Tauri's IPC, on the mock runtime (`tauri::test`):
//! what the window sends, as JSON, reaches the engine and comes back in the
//! shape `ui/src/types.ts` reads, through the capability grants of
//! `capabilities/default.json`. The state is real (a temporary data folder,
//! the built-in wizards, the registry) except the secret store, which is the
//! tests' own memory store.

use std::sync::Arc;

use onramp_engine::notify::{Notification, Notifier, NotifyError};
use onramp_engine::paths::AppPaths;
use onramp_engine::secret::{MemoryStore, SecretName, SecretStore};
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

use crate::state::AppState;

/// A notifier the commands here never reach.
struct Silent;

impl Notifier for Silent {
    fn notify(&self, _n: &Notification) -> Result<(), NotifyError> {
        Ok(())
    }
}

struct App {
    _dir: tempfile::TempDir,
    paths: AppPaths,
    secrets: Arc<MemoryStore>,
    window: WebviewWindow<MockRuntime>,
    _app: tauri::App<MockRuntime>,
}

fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let paths = AppPaths::under(dir.path());
    let secrets = Arc::new(MemoryStore::default());
    let app = mock_builder()
        .invoke_handler(super::handler())
        // The app's real context (test = true: no embedded assets), so the
        // calls pass through the capability grants as in the app.
        .build(tauri::generate_context!(test = true))
        .unwrap();
    app.manage(crate::window::WindowState::default());
    app.manage(AppState::with_secrets(
        Ok(paths.clone()),
        secrets.clone(),
        Arc::new(Silent),
    ));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    App {
        _dir: dir,
        paths,
        secrets,
        window,
        _app: app,
    }
}

impl App {
    /// Calls `cmd` with `args` as the window does; the answer or the error.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.window, request).map(|b| b.deserialize::<Value>().unwrap())
    }
}

/// What the AD wizard collects when every step is filled in.
fn ad_values() -> Value {
    json!({
        "profile.name": "corp-ad",
        "display_name": "Corp AD",
        "connection.url": "ldaps://dc1.corp.example.com",
        "connection.bind_dn": "svc-onramp@corp.example.com",
        "target.url": "https://platform.example.com/scim/v2",
    })
}

#[test]
fn the_wizards_are_listed_and_read() {
    let app = app();
    let list = app.call("list_wizards", json!({})).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["ad", "ldap"]);
    let ad = app.call("get_wizard", json!({"id": "ad"})).unwrap();
    assert_eq!(ad["kind"], "ad");
    assert!(ad["steps"].as_array().is_some_and(|s| !s.is_empty()));
    let err = app.call("get_wizard", json!({"id": "nope"})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(err["message"].as_str().unwrap().contains("'nope'"), "{err}");
}

#[test]
fn a_draft_is_validated_by_field() {
    let app = app();
    let mut values = ad_values();
    values["connection.bind_dn"] = json!("not a DN or a UPN");
    let answer = app
        .call("validate_draft", json!({"wizard": "ad", "values": values}))
        .unwrap();
    assert_eq!(answer["profile_name"], "corp-ad");
    let keys: Vec<&str> = answer["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"connection.bind_dn"), "{answer}");
}

#[test]
fn only_secret_fields_take_staged_values() {
    let app = app();
    let err = app
        .call(
            "stage_secret",
            json!({"wizard": "ad", "key": "connection.url", "value": "x"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let err = app
        .call(
            "stage_secret",
            json!({"wizard": "ad", "key": "connection.bind_password_secret", "value": ""}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn saving_stores_the_staged_secrets_and_lists_the_profile() {
    let app = app();
    for (key, value) in [
        ("connection.bind_password_secret", "canary-bind"),
        ("target.token_secret", "canary-token"),
    ] {
        app.call(
            "stage_secret",
            json!({"wizard": "ad", "key": key, "value": value}),
        )
        .unwrap();
    }
    let saved = app
        .call(
            "save_profile",
            json!({"wizard": "ad", "values": ad_values(), "overwrite": false}),
        )
        .unwrap();
    assert_eq!(saved["name"], "corp-ad");
    assert_eq!(saved["health"]["state"], "unknown");
    let stored = app
        .secrets
        .get(&SecretName::new("corp-ad-bind-password").unwrap())
        .unwrap();
    assert_eq!(stored.expose(), "canary-bind");
    let text = std::fs::read_to_string(app.paths.profiles_dir().join("corp-ad.toml")).unwrap();
    assert!(!text.contains("canary"), "{text}");

    // Saving again without replacing is refused, with a remedy.
    let err = app
        .call(
            "save_profile",
            json!({"wizard": "ad", "values": ad_values(), "overwrite": false}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "profile_exists");
    assert!(
        err["remediation"].as_array().is_some_and(|r| !r.is_empty()),
        "{err}"
    );

    let list = app.call("list_profiles", json!({})).unwrap();
    let names: Vec<&str> = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["corp-ad"]);
    assert_eq!(list["profiles"][0]["kind_label"], "Active Directory");
}

/// Arguments are snake_case like every field on the IPC (ui/src/api.ts sends
/// `run_id`); Tauri's default camelCase is not accepted.
#[test]
fn arguments_are_snake_case() {
    let app = app();
    let err = app
        .call("run_detail", json!({"run_id": 999_999}))
        .unwrap_err();
    assert_ne!(
        err["code"],
        Value::Null,
        "an engine error, not a missing argument: {err}"
    );
    let err = app.call("run_detail", json!({"runId": 1})).unwrap_err();
    assert!(
        err.as_str()
            .is_some_and(|m| m.contains("missing required key run_id")),
        "{err}"
    );
}

#[test]
fn discovery_names_what_it_takes() {
    let app = app();
    let err = app
        .call(
            "discover",
            json!({"wizard": "ad", "values": ad_values(), "what": "printers"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("'ous', 'groups' or 'email'"),
        "{err}"
    );
}

#[test]
fn the_window_cannot_call_what_is_not_granted() {
    let app = app();
    // The autostart plugin is registered in the app, but only the shell
    // calls it; the window has no grant for it, nor for a made-up command.
    for cmd in [
        "plugin:autostart|enable",
        "plugin:fs|read_file",
        "delete_everything",
    ] {
        let err = app.call(cmd, json!({})).unwrap_err();
        assert!(
            err.as_str().is_some_and(|m| m.contains("not allowed")),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn the_expiry_list_and_a_recheck_through_the_ipc() {
    let app = app();
    let empty = app.call("expiry_list", json!({})).unwrap();
    assert_eq!(empty["items"], json!([]));
    assert!(empty["now_unix"].as_i64().is_some_and(|n| n > 0));

    // A profile whose certificate was recorded by a check.
    let profiles =
        onramp_engine::profiles::store(&app.paths, std::sync::Arc::new(onramp_engine::registry()));
    profiles
        .create("corp", onramp_engine::profile::IntegrationKind::Ldap)
        .unwrap();
    let records = json!({"version": 2, "items": [{
        "profile": "corp", "item": "ldap.tls", "label": "server certificate CN=dc1",
        "credential": {"type": "tls_certificate", "subject": "CN=dc1", "sha256": "AA"},
        "not_after_unix": 4_000_000_000i64, "date_source": "certificate", "confirmed_unix": 1
    }]});
    std::fs::create_dir_all(&app.paths.data_dir).unwrap();
    std::fs::write(app.paths.data_dir.join("expiry.json"), records.to_string()).unwrap();
    let list = app.call("expiry_list", json!({})).unwrap();
    assert_eq!(list["items"][0]["item"], "ldap.tls");
    assert_eq!(list["items"][0]["state"], "ok");
    assert_eq!(list["items"][0]["display_name"], "LDAP directory");
    assert!(list["items"][0].get("fingerprint").is_none());

    // Rechecking names what is wrong: no such profile, or its missing secret.
    let err = app
        .call(
            "recheck_credential",
            json!({"profile": "nope", "item": "ldap.tls"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "profile_not_found", "{err}");
    let err = app
        .call(
            "recheck_credential",
            json!({"profile": "corp", "item": "ldap.tls"}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "secret_not_found", "{err}");

    // A damaged record file is an error that names it.
    std::fs::write(app.paths.data_dir.join("expiry.json"), "{").unwrap();
    let err = app.call("expiry_list", json!({})).unwrap_err();
    assert!(
        err["message"].as_str().unwrap().contains("expiry.json"),
        "{err}"
    );
}

#[test]
fn a_diagnostic_bundle_is_previewed_then_saved_exactly_once() {
    let app = app();
    app.secrets
        .set(
            &SecretName::new("corp-bind-password").unwrap(),
            &onramp_engine::secret::Secret::new("ipc-canary-value".to_owned()),
        )
        .unwrap();
    std::fs::create_dir_all(app.paths.log_dir()).unwrap();
    std::fs::write(
        app.paths.log_dir().join("onramp.2099-01-01.log"),
        "old line\n",
    )
    .unwrap();
    let profiles =
        onramp_engine::profiles::store(&app.paths, std::sync::Arc::new(onramp_engine::registry()));
    profiles
        .create("corp", onramp_engine::profile::IntegrationKind::Ldap)
        .unwrap();
    let path = app.paths.config_dir.join("profiles/corp.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("# ipc-canary-value\n{text}")).unwrap();

    let preview = app.call("diagnostics_preview", json!({})).unwrap();
    let files: Vec<&str> = preview["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(files[0], "manifest.json");
    assert!(files.contains(&"profiles/corp.toml"), "{files:?}");
    let corp = preview["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "profiles/corp.toml")
        .unwrap();
    assert_eq!(corp["redacted"]["secret corp-bind-password"], 1, "{corp}");
    assert!(!preview.to_string().contains("ipc-canary-value"));
    assert!(
        preview["destination"]
            .as_str()
            .unwrap()
            .contains("diagnostics/onramp-diagnostics-")
    );

    let err = app
        .call(
            "diagnostics_save",
            json!({"id": preview["id"].as_u64().unwrap() + 1}),
        )
        .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
    let saved = app
        .call("diagnostics_save", json!({"id": preview["id"]}))
        .unwrap();
    let zip = std::fs::read(saved["path"].as_str().unwrap()).unwrap();
    assert_eq!(zip.len() as u64, saved["bytes"].as_u64().unwrap());
    assert!(!zip.windows(16).any(|w| w == b"ipc-canary-value"));
    // The preview is used up: saving it again is refused.
    let again = app
        .call("diagnostics_save", json!({"id": preview["id"]}))
        .unwrap_err();
    assert_eq!(again["code"], "invalid_input");
}
