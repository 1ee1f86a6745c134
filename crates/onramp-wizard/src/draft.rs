//! Drafts: what the admin entered so far, turned into a real profile.
//!
//! The draft is never validated by rules of its own. Each value is checked
//! against its field (shape, choices, DN and URL syntax), written into a TOML
//! table at its dotted key, and the table is read back by the same strict
//! profile parser the CLI uses, so the wizard can neither save nor check a
//! profile that `onramp profile validate` would refuse. The parser's errors
//! name a dotted key; they are mapped back to the field that asked for it.

use std::path::Path;

use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;

use super::keys::{PROFILE_NAME_KEY, concerns, insert_dotted};
use super::model::{DraftValue, Field, FieldType, Wizard};
use super::values::{is_empty, to_toml};
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_connector::Registry;
use onramp_profile::{Profile, ProfileError, parse_profile, validate_profile_name};
use onramp_secrets::SecretName;

/// The top-level key holding the profile's label.
const DISPLAY_NAME_KEY: &str = "display_name";

/// A draft that is a valid profile.
#[derive(Debug, Clone)]
pub struct DraftProfile {
    /// The profile name (its file name without `.toml`).
    pub name: String,
    /// The parsed, validated profile.
    pub profile: Profile,
    /// The profile file's text, as it would be saved.
    pub toml: String,
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldError {
    /// The field key, or empty when the problem is not tied to one field.
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl FieldError {
    fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Why a draft is not a valid profile yet: every problem found, by field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the draft is not a valid profile: {}", summary(errors))]
pub struct DraftError {
    /// The problems, in the order of the wizard's fields.
    pub errors: Vec<FieldError>,
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            if e.key.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.key, e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl ToReport for DraftError {
    fn to_report(&self) -> ErrorReport {
        ErrorReport::new(ErrorCode::InvalidInput, self.to_string())
    }
}

/// The value a field has in the draft: what the UI sent, else its default.
fn effective(field: &Field, values: &Map<String, Value>) -> Option<Value> {
    match values.get(&field.key) {
        Some(v) if !v.is_null() => Some(v.clone()),
        _ => field.default.as_ref().map(default_json),
    }
}

fn default_json(d: &DraftValue) -> Value {
    match d {
        DraftValue::Toggle(b) => Value::Bool(*b),
        DraftValue::Number(n) => Value::from(*n),
        DraftValue::Text(s) => Value::String(s.clone()),
        DraftValue::List(l) => Value::from(l.clone()),
    }
}

fn text_of(wizard: &Wizard, key: &str, values: &Map<String, Value>) -> Option<String> {
    let value = match wizard.field(key) {
        Some(f) => effective(f, values),
        None => values.get(key).cloned(),
    };
    match value {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// The profile name the draft will be saved as: the `profile.name` value,
/// else a slug of the display name, else the wizard's id. Not validated;
/// [`draft_profile`] reports an unusable name against `profile.name`.
pub fn draft_name(wizard: &Wizard, values: &Map<String, Value>) -> String {
    if let Some(name) = text_of(wizard, PROFILE_NAME_KEY, values) {
        return name;
    }
    text_of(wizard, DISPLAY_NAME_KEY, values)
        .map(|d| slug(&d))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| wizard.id.clone())
}

/// Lower-case ASCII letters and digits, other runs of characters as one `-`,
/// at most 64 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(64);
    out.trim_end_matches('-').to_owned()
}

/// The secret each secret field is stored under for a profile named
/// `profile_name`: `(field key, <profile name>-<secret_suffix>)`. A name that
/// cannot form a valid secret name yields nothing (such a profile name is
/// refused by [`draft_profile`]).
pub fn secret_names(wizard: &Wizard, profile_name: &str) -> Vec<(String, SecretName)> {
    wizard
        .fields()
        .filter(|f| f.field_type == FieldType::Secret)
        .filter_map(|f| {
            let suffix = f.secret_suffix.as_deref()?;
            let name = SecretName::new(&format!("{profile_name}-{suffix}")).ok()?;
            Some((f.key.clone(), name))
        })
        .collect()
}

/// Builds the profile the draft describes. `values` are keyed by field key;
/// a field without a value takes its default; secret fields have no value
/// (their secrets are staged apart) and are set to their secret names.
/// `profiles_dir` is where the profile would be saved. This is the whole
/// wizard, as it will be saved; see [`draft_profile_through`] for the part
/// a step's checks or a discovery need.
pub fn draft_profile(
    wizard: &Wizard,
    values: &Map<String, Value>,
    profiles_dir: &Path,
    registry: &Registry,
) -> Result<DraftProfile, DraftError> {
    build(wizard, values, profiles_dir, registry, wizard.steps.len())
}

/// Like [`draft_profile`], but only the fields of the steps up to and
/// including `step_id` are used: the profile a step's checks or a discovery
/// run against before the later steps (the platform, say) are filled in.
/// Values of later fields are ignored, and their `required` does not apply
/// yet; the profile name and display name are taken as in the full draft.
pub fn draft_profile_through(
    wizard: &Wizard,
    values: &Map<String, Value>,
    profiles_dir: &Path,
    registry: &Registry,
    step_id: &str,
) -> Result<DraftProfile, DraftError> {
    match wizard.steps.iter().position(|s| s.id == step_id) {
        Some(i) => build(wizard, values, profiles_dir, registry, i + 1),
        None => Err(DraftError {
            errors: vec![FieldError::new(
                "",
                format!(
                    "the {} wizard has no step '{}'",
                    wizard.title,
                    step_id.chars().take(80).collect::<String>()
                ),
            )],
        }),
    }
}

/// The draft built from the fields of the first `steps` steps.
fn build(
    wizard: &Wizard,
    values: &Map<String, Value>,
    profiles_dir: &Path,
    registry: &Registry,
    steps: usize,
) -> Result<DraftProfile, DraftError> {
    let mut errors: Vec<FieldError> = Vec::new();
    for key in values.keys() {
        match wizard.field(key) {
            None => errors.push(FieldError::new(
                key.chars().take(80).collect::<String>(),
                "not a field of this wizard",
            )),
            Some(f) if f.field_type == FieldType::Secret && !values[key].is_null() => {
                errors.push(FieldError::new(
                    key.as_str(),
                    "a secret's value is not part of the draft; it is handed over once, with stage_secret",
                ));
            }
            Some(_) => {}
        }
    }

    let name = draft_name(wizard, values);
    if let Err(e) = validate_profile_name(&name) {
        errors.push(FieldError::new(PROFILE_NAME_KEY, e.to_string()));
    }

    let mut table = toml::Table::new();
    table.insert(
        "kind".to_owned(),
        toml::Value::String(wizard.kind.id().to_owned()),
    );
    let display = text_of(wizard, DISPLAY_NAME_KEY, values).unwrap_or_else(|| wizard.title.clone());
    table.insert(DISPLAY_NAME_KEY.to_owned(), toml::Value::String(display));

    for field in wizard.steps[..steps].iter().flat_map(|s| &s.fields) {
        if field.key == PROFILE_NAME_KEY || field.key == DISPLAY_NAME_KEY {
            continue;
        }
        if errors.iter().any(|e| e.key == field.key) {
            continue;
        }
        let value = if field.field_type == FieldType::Secret {
            secret_names(wizard, &name)
                .into_iter()
                .find(|(k, _)| k == &field.key)
                .map(|(_, n)| toml::Value::String(n.to_string()))
        } else {
            let Some(v) = effective(field, values) else {
                if field.required {
                    errors.push(FieldError::new(&field.key, "required"));
                }
                continue;
            };
            if field.required && is_empty(&v) {
                errors.push(FieldError::new(&field.key, "required"));
                continue;
            }
            match to_toml(field, &v) {
                Ok(v) => v,
                Err(message) => {
                    errors.push(FieldError::new(&field.key, message));
                    continue;
                }
            }
        };
        if let Some(value) = value
            && let Err(e) = insert_dotted(&mut table, &field.key, value)
        {
            errors.push(FieldError::new(&field.key, e.to_string()));
        }
    }
    default_target_auth(&mut table);

    // The strict parser has the last word, also while fields are wrong: it
    // may know of more problems. It stops at its first one.
    let file_name = if validate_profile_name(&name).is_ok() {
        name.clone()
    } else {
        wizard.id.clone()
    };
    let path = profiles_dir.join(format!("{file_name}.toml"));
    let text = match toml::to_string(&table) {
        Ok(t) => t,
        Err(e) => {
            errors.push(FieldError::new(
                "",
                format!("cannot write the profile: {e}"),
            ));
            return Err(DraftError { errors });
        }
    };
    match parse_profile(&file_name, &path, &text) {
        Ok(profile) => {
            // What the profile's connector checks beyond the parser (DN
            // and filter syntax), as `check` and `sync` will.
            if let Err(e) = registry.validate(&profile) {
                add_mapped(&mut errors, wizard, &e.field, &e.reason);
            }
            if errors.is_empty() {
                return Ok(DraftProfile {
                    name,
                    profile,
                    toml: text,
                });
            }
        }
        Err(ProfileError::Invalid { key, message, .. }) => {
            add_mapped(&mut errors, wizard, &key, &message);
        }
        Err(other) => errors.push(FieldError::new("", other.to_string())),
    }
    Err(DraftError {
        errors: in_field_order(wizard, errors),
    })
}

/// Sorts errors into the order the wizard asks its fields, so the UI can
/// show the first problem first; errors on no field come last.
fn in_field_order(wizard: &Wizard, mut errors: Vec<FieldError>) -> Vec<FieldError> {
    let position = |key: &str| {
        wizard
            .fields()
            .position(|f| f.key == key)
            .unwrap_or(usize::MAX)
    };
    errors.sort_by_key(|e| position(&e.key));
    errors
}

/// A `[target]` that names its credential but not `auth` gets the method the
/// credential belongs to: a token means bearer, a client secret OAuth 2.0.
fn default_target_auth(table: &mut toml::Table) {
    let Some(toml::Value::Table(target)) = table.get_mut("target") else {
        return;
    };
    if target.contains_key("auth") || target.contains_key("kind") {
        return;
    }
    let method = if target.contains_key("token_secret") {
        "bearer"
    } else if target.contains_key("client_credential_secret") {
        "oauth2"
    } else {
        return;
    };
    target.insert("auth".to_owned(), toml::Value::String(method.to_owned()));
}

/// Adds the parser's error at dotted key `at` to the field that asked for
/// it, unless that field has an error already; a key no field asks for is
/// reported with an empty key.
fn add_mapped(errors: &mut Vec<FieldError>, wizard: &Wizard, at: &str, message: &str) {
    let field = wizard
        .fields()
        .filter(|f| concerns(&f.key, at))
        .max_by_key(|f| f.key.len());
    match field {
        Some(f) => {
            if errors.iter().any(|e| e.key == f.key) {
                return;
            }
            let message = match at.strip_prefix(f.key.as_str()).and_then(entry_index) {
                Some(i) => format!("entry {}: {message}", i + 1),
                None => message.to_owned(),
            };
            errors.push(FieldError::new(&f.key, message));
        }
        None => errors.push(FieldError::new("", format!("{at}: {message}"))),
    }
}

/// `[3]` → 3.
fn entry_index(rest: &str) -> Option<usize> {
    rest.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}
