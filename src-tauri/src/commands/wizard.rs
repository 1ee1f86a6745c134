//! The wizard's commands: definitions, draft validation, staged secrets,
//! the step checks, discovery, the preview and saving.
//!
//! A draft is the values the wizard collected, keyed by field key. Every
//! command turns it into a real `Profile` through the engine's strict
//! profile parser (`onramp_core::wizard::draft_profile`), so the wizard can
//! never save or check something the CLI would reject.

use std::sync::Arc;

use onramp_core::directory::{DirectoryTarget, discover_email, discover_groups, discover_ous};
use onramp_core::error::{ErrorCode, ErrorReport, ToReport};
use onramp_core::secret::{Secret, SecretStore};
use onramp_core::sync::run::{SyncReport, run_sync};
use onramp_core::wizard::{self, DraftProfile, FieldType, Wizard};
use serde_json::{Map, Value};
use tauri::{AppHandle, Manager};

use crate::dto::{Discovery, DraftValidation, ProfileSummary, WizardSummary};
use crate::engine::{self, now_unix};
use crate::secrets::Layered;
use crate::state::{AppState, open_store};
use crate::status;

/// The draft values as the UI sends them.
pub type Values = Map<String, Value>;

/// The wizards built into the app.
#[tauri::command]
pub async fn list_wizards(app: AppHandle) -> Result<Vec<WizardSummary>, ErrorReport> {
    Ok(app
        .state::<AppState>()
        .wizards
        .iter()
        .map(|w| WizardSummary {
            id: w.id.clone(),
            kind: w.kind.id(),
            title: w.title.clone(),
            summary: w.summary.clone(),
        })
        .collect())
}

/// One wizard's definition.
#[tauri::command]
pub async fn get_wizard(app: AppHandle, id: String) -> Result<Wizard, ErrorReport> {
    app.state::<AppState>().wizard(&id).cloned()
}

/// How much of the draft must be complete.
enum Upto<'a> {
    /// Everything (validate, preview, save).
    All,
    /// The steps up to and including this one (a step's checks and discovery
    /// run before the later steps are filled in).
    Step(&'a str),
}

/// Builds the draft's profile and the secret view its checks read through.
fn draft(
    state: &AppState,
    wizard_id: &str,
    values: &Values,
    upto: Upto<'_>,
) -> Result<(DraftProfile, Layered), ErrorReport> {
    let wizard = state.wizard(wizard_id)?;
    let dir = state.paths()?.profiles_dir();
    let built = match upto {
        Upto::All => wizard::draft_profile(wizard, values, &dir),
        Upto::Step(step) => wizard::draft_profile_through(wizard, values, &dir, step),
    };
    let draft = built.map_err(|e| {
        let lines: Vec<String> = e
            .errors
            .iter()
            .map(|f| {
                if f.key.is_empty() {
                    f.message.clone()
                } else {
                    format!("{}: {}", f.key, f.message)
                }
            })
            .collect();
        ErrorReport::new(
            ErrorCode::InvalidInput,
            format!("the setup is not complete: {}", lines.join("; ")),
        )
        .with_remediation(vec![
            "Go back to the step that names the field and correct it.".to_owned(),
        ])
    })?;
    let names = wizard::secret_names(wizard, &draft.name);
    let secrets = Layered::new(&state.staged, wizard_id, &names, state.secrets.clone())
        .map_err(|e| e.to_report())?;
    Ok((draft, secrets))
}

/// Validates the draft: what is wrong, by field, and the file name it will get.
#[tauri::command]
pub async fn validate_draft(
    app: AppHandle,
    wizard: String,
    values: Values,
) -> Result<DraftValidation, ErrorReport> {
    engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let w = state.wizard(&wizard)?;
        let dir = state.paths()?.profiles_dir();
        Ok(match wizard::draft_profile(w, &values, &dir) {
            Ok(d) => DraftValidation {
                errors: Vec::new(),
                profile_name: d.name,
            },
            Err(e) => DraftValidation {
                profile_name: wizard::draft_name(w, &values),
                errors: e.errors,
            },
        })
    })
    .await
}

/// Keeps a secret field's value in memory until the profile is saved.
#[tauri::command]
pub async fn stage_secret(
    app: AppHandle,
    wizard: String,
    key: String,
    value: String,
) -> Result<(), ErrorReport> {
    let value = Secret::new(value);
    let state = app.state::<AppState>();
    let w = state.wizard(&wizard)?;
    let is_secret_field = w
        .steps
        .iter()
        .flat_map(|s| &s.fields)
        .any(|f| f.key == key && f.field_type == FieldType::Secret);
    if !is_secret_field {
        return Err(ErrorReport::new(
            ErrorCode::InvalidInput,
            format!("'{key}' is not a secret field of the {} wizard", w.title),
        ));
    }
    if value.is_empty() {
        return Err(ErrorReport::new(
            ErrorCode::InvalidInput,
            format!("{key}: the value is empty"),
        ));
    }
    state.staged.stage(&wizard, &key, value);
    Ok(())
}

/// Runs the step's checks against the draft.
#[tauri::command]
pub async fn run_checks(
    app: AppHandle,
    wizard: String,
    values: Values,
    ids: Vec<String>,
) -> Result<Vec<onramp_core::check::CheckResult>, ErrorReport> {
    engine::run(move || async move {
        let state = app.state::<AppState>();
        let step = state
            .wizard(&wizard)?
            .step_running(&ids)
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                ErrorReport::new(
                    ErrorCode::InvalidInput,
                    format!(
                        "ids: no step of the {wizard} wizard runs {}",
                        ids.join(", ")
                    ),
                )
            })?;
        let (draft, secrets) = draft(&state, &wizard, &values, Upto::Step(&step))?;
        let results = wizard::run_step_checks(&draft.profile, &secrets, &ids, now_unix())
            .await
            .map_err(|e| e.to_report())?;
        record_expiry(&state, &draft.profile.name, &results);
        Ok(results)
    })
    .await
}

/// Keeps the certificate expiry the TLS checks saw, for the reminders.
fn record_expiry(state: &AppState, profile: &str, results: &[onramp_core::check::CheckResult]) {
    let Ok(paths) = state.paths() else { return };
    let store = onramp_core::expiry::ExpiryStore::new(&paths.data_dir);
    if let Err(e) = store.record_results(profile, results, now_unix()) {
        tracing::warn!("cannot record the certificate expiry: {e}");
    }
}

/// Reads the OU tree, the groups or the email survey for the draft.
#[tauri::command]
pub async fn discover(
    app: AppHandle,
    wizard: String,
    values: Values,
    what: String,
) -> Result<Discovery, ErrorReport> {
    engine::run(move || async move {
        let state = app.state::<AppState>();
        let field_type = match what.as_str() {
            "ous" => FieldType::OuTree,
            "groups" => FieldType::GroupPicker,
            "email" => FieldType::EmailAttribute,
            other => {
                return Err(ErrorReport::new(
                    ErrorCode::InvalidInput,
                    format!("what: expected 'ous', 'groups' or 'email', got '{other}'"),
                ));
            }
        };
        let step = state
            .wizard(&wizard)?
            .step_with_field(field_type)
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                ErrorReport::new(
                    ErrorCode::InvalidInput,
                    format!("the {wizard} wizard has no step that discovers {what}"),
                )
            })?;
        let (draft, secrets) = draft(&state, &wizard, &values, Upto::Step(&step))?;
        let profile = &draft.profile;
        let target = DirectoryTarget::from_profile(profile).map_err(|e| e.to_report())?;
        let secrets: &dyn SecretStore = &secrets;
        let report = |e: onramp_core::directory::DirectoryError| e.to_report();
        match what.as_str() {
            "ous" => Ok(Discovery::Ous {
                ous: vec![discover_ous(&target, secrets).await.map_err(report)?],
            }),
            "groups" => Ok(Discovery::Groups {
                groups: discover_groups(&target, secrets, profile.sync.max_tag_length)
                    .await
                    .map_err(report)?,
            }),
            "email" => Ok(Discovery::Email {
                email: discover_email(&target, secrets, profile.sync.email_attribute)
                    .await
                    .map_err(report)?,
            }),
            _ => Err(ErrorReport::new(
                ErrorCode::InvalidInput,
                format!("what: expected 'ous', 'groups' or 'email', got '{what}'"),
            )),
        }
    })
    .await
}

/// The plan a first sync of the draft would apply; changes nothing on the platform.
#[tauri::command]
pub async fn preview_draft(
    app: AppHandle,
    wizard: String,
    values: Values,
) -> Result<SyncReport, ErrorReport> {
    engine::run(move || async move {
        let state = app.state::<AppState>();
        let (draft, secrets) = draft(&state, &wizard, &values, Upto::All)?;
        let store = open_store(&state.paths()?)?;
        run_sync(&draft.profile, &secrets, &store, true, now_unix())
            .await
            .map_err(|e| e.to_report())
    })
    .await
}

/// Saves the draft as a profile, with its staged secrets in the secret store.
///
/// The secrets are written first, so a saved profile never refers to a
/// secret that is missing; a secret field with nothing staged must already
/// be in the store (re-running a wizard over an existing profile).
#[tauri::command]
pub async fn save_profile(
    app: AppHandle,
    wizard: String,
    values: Values,
    overwrite: bool,
) -> Result<ProfileSummary, ErrorReport> {
    let emitter = app.clone();
    let summary = engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let (draft, _) = draft(&state, &wizard, &values, Upto::All)?;
        let w = state.wizard(&wizard)?;
        let profiles = state.profiles()?;
        if !overwrite && profiles.dir().join(format!("{}.toml", draft.name)).exists() {
            return Err(ErrorReport::new(
                ErrorCode::ProfileExists,
                format!("a profile named '{}' exists already", draft.name),
            )
            .with_remediation(vec![
                "Choose another profile name, or replace the existing profile.".to_owned(),
            ]));
        }
        let store: Arc<dyn SecretStore> = state.secrets.clone();
        for (key, name) in wizard::secret_names(w, &draft.name) {
            match state.staged.get(&wizard, &key) {
                Some(value) => store.set(&name, &value).map_err(|e| e.to_report())?,
                None => {
                    store.get(&name).map_err(|_| {
                        ErrorReport::new(
                            ErrorCode::SecretNotFound,
                            format!(
                                "{key}: no value was entered and '{name}' is not in the {}",
                                store.describe()
                            ),
                        )
                    })?;
                }
            }
        }
        profiles
            .save(&draft.name, &draft.toml, overwrite)
            .map_err(|e| e.to_report())?;
        state.staged.clear(&wizard);
        tracing::info!(profile = %draft.name, "profile saved from the wizard");
        let list = status::profile_list(&state)?;
        list.profiles
            .into_iter()
            .find(|p| p.name == draft.name)
            .ok_or_else(|| ErrorReport::new(ErrorCode::Internal, "the saved profile is not listed"))
    })
    .await?;
    emitter.state::<AppState>().scheduler_wake.notify_one();
    crate::tray::health_changed(&emitter);
    Ok(summary)
}
