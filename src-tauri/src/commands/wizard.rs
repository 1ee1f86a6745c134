//! The wizard's commands: definitions, draft validation, staged secrets,
//! the step checks, discovery, the preview and saving.
//!
//! A draft is the values the wizard collected, keyed by field key. Every
//! command turns it into a real `Profile` through the engine's strict
//! profile parser (`onramp_engine::wizard::draft_profile`), so the wizard can
//! never save or check something the CLI would reject.

use onramp_engine::connector::{Discovery, DiscoveryKind};
use onramp_engine::drafts::{self, Upto};
use onramp_engine::error::{ErrorCode, ErrorReport, ToReport};
use onramp_engine::ops;
use onramp_engine::secret::Secret;
use onramp_engine::secrets::Layered;
use onramp_engine::step_checks::run_step_checks;
use onramp_engine::sync::progress::no_progress;
use onramp_engine::sync::run::SyncReport;
use onramp_engine::wizard::{self, DraftProfile, FieldType, Wizard};
use serde_json::{Map, Value};
use tauri::{AppHandle, Manager, Runtime};

use crate::dto::{DraftValidation, DraftValues, ProfileSummary, WizardSummary};
use crate::engine::{self, now_unix};
use crate::state::{AppState, open_store};
use crate::status;

/// The draft values as the UI sends them.
pub type Values = Map<String, Value>;

/// The wizards built into the app.
#[tauri::command(rename_all = "snake_case")]
pub async fn list_wizards<R: Runtime>(
    app: AppHandle<R>,
) -> Result<Vec<WizardSummary>, ErrorReport> {
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
#[tauri::command(rename_all = "snake_case")]
pub async fn get_wizard<R: Runtime>(app: AppHandle<R>, id: String) -> Result<Wizard, ErrorReport> {
    app.state::<AppState>().wizard(&id).cloned()
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
    let draft =
        drafts::build(wizard, values, &dir, &state.registry, upto).map_err(|e| e.to_report())?;
    let secrets = drafts::secrets_of(wizard, &draft, &state.staged, state.secrets.clone())
        .map_err(|e| e.to_report())?;
    Ok((draft, secrets))
}

/// Validates the draft: what is wrong, by field, and the file name it will get.
#[tauri::command(rename_all = "snake_case")]
pub async fn validate_draft<R: Runtime>(
    app: AppHandle<R>,
    wizard: String,
    values: DraftValues,
) -> Result<DraftValidation, ErrorReport> {
    let values = values.0;
    engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let w = state.wizard(&wizard)?;
        let dir = state.paths()?.profiles_dir();
        Ok(
            match wizard::draft_profile(w, &values, &dir, &state.registry) {
                Ok(d) => DraftValidation {
                    errors: Vec::new(),
                    profile_name: d.name,
                },
                Err(e) => DraftValidation {
                    profile_name: wizard::draft_name(w, &values),
                    errors: e.errors,
                },
            },
        )
    })
    .await
}

/// Keeps a secret field's value in memory until the profile is saved.
#[tauri::command(rename_all = "snake_case")]
pub async fn stage_secret<R: Runtime>(
    app: AppHandle<R>,
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
#[tauri::command(rename_all = "snake_case")]
pub async fn run_checks<R: Runtime>(
    app: AppHandle<R>,
    wizard: String,
    values: DraftValues,
    ids: Vec<String>,
) -> Result<Vec<onramp_engine::check::CheckResult>, ErrorReport> {
    let values = values.0;
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
        let ran = run_step_checks(&state.registry, &draft.profile, &secrets, &ids, now_unix())
            .await
            .map_err(|e| e.to_report())?;
        if let Ok(paths) = state.paths() {
            ops::record_credentials(&paths, ran.credentials);
        }
        Ok(ran.results)
    })
    .await
}

/// Reads the OU tree, the groups or the email survey for the draft, through
/// its connector.
#[tauri::command(rename_all = "snake_case")]
pub async fn discover<R: Runtime>(
    app: AppHandle<R>,
    wizard: String,
    values: DraftValues,
    what: String,
) -> Result<Discovery, ErrorReport> {
    let values = values.0;
    engine::run(move || async move {
        let state = app.state::<AppState>();
        let kind = DiscoveryKind::parse(&what).ok_or_else(|| {
            ErrorReport::new(
                ErrorCode::InvalidInput,
                format!("what: expected 'ous', 'groups' or 'email', got '{what}'"),
            )
        })?;
        let step = drafts::discovery_step(state.wizard(&wizard)?, kind)
            .map(|s| s.id.clone())
            .ok_or_else(|| {
                ErrorReport::new(
                    ErrorCode::InvalidInput,
                    format!("the {wizard} wizard has no step that discovers {what}"),
                )
            })?;
        let (draft, secrets) = draft(&state, &wizard, &values, Upto::Step(&step))?;
        ops::discover(&state.registry, &draft.profile, &secrets, kind)
            .await
            .map_err(|e| e.to_report())
    })
    .await
}

/// The plan a first sync of the draft would apply; changes nothing on the platform.
#[tauri::command(rename_all = "snake_case")]
pub async fn preview_draft<R: Runtime>(
    app: AppHandle<R>,
    wizard: String,
    values: DraftValues,
) -> Result<SyncReport, ErrorReport> {
    let values = values.0;
    engine::run(move || async move {
        let state = app.state::<AppState>();
        let (draft, secrets) = draft(&state, &wizard, &values, Upto::All)?;
        let store = open_store(&state.paths()?)?;
        let job = ops::Sync {
            registry: &state.registry,
            profile: &draft.profile,
            secrets: &secrets,
            store: &store,
            preview: true,
            now_unix: now_unix(),
            progress: &no_progress,
            stop: onramp_engine::sync::stop::StopSignal::new(),
        };
        // The draft's secrets may be staged only: a missing one fails the
        // preview's read, with its reason, rather than refusing it.
        ops::sync(job, false).await.map_err(|e| e.to_report())
    })
    .await
}

/// Saves the draft as a profile, with its staged secrets in the secret
/// store (`onramp_engine::drafts::save` says in which order, and why).
#[tauri::command(rename_all = "snake_case")]
pub async fn save_profile<R: Runtime>(
    app: AppHandle<R>,
    wizard: String,
    values: DraftValues,
    overwrite: bool,
) -> Result<ProfileSummary, ErrorReport> {
    let values = values.0;
    let emitter = app.clone();
    let summary = engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let w = state.wizard(&wizard)?;
        let profiles = state.profiles()?;
        let saved = drafts::save(
            w,
            &values,
            &profiles,
            &state.registry,
            &state.staged,
            state.secrets.as_ref(),
            overwrite,
        )
        .map_err(|e| e.to_report())?;
        let list = status::profile_list(&state)?;
        list.profiles
            .into_iter()
            .find(|p| p.name == saved.name)
            .ok_or_else(|| ErrorReport::new(ErrorCode::Internal, "the saved profile is not listed"))
    })
    .await?;
    emitter.state::<AppState>().scheduler_wake.notify_one();
    crate::events::emit(&emitter, crate::events::HEALTH_CHANGED, ());
    Ok(summary)
}
