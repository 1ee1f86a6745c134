//! The rules a parsed wizard must follow beyond its types: unique ids, known
//! checks, real profile keys, options where options are needed, secrets
//! that are stored under a name, and the preview and save steps at the end.

use std::collections::HashSet;

use url::Url;

use super::WizardError;
use super::keys::{PROFILE_NAME_KEY, Probe, probe, probe_value};
use super::model::{DraftValue, Field, FieldType, Step, StepKind, Wizard};
use onramp_profile::validate_profile_name;
use onramp_secrets::SecretName;

/// Longest `secret_suffix`: a 64-character profile name, `-`, and the suffix
/// must fit the 128 characters of a secret name.
const MAX_SUFFIX: usize = 63;

/// Where a rule was broken, for the message.
struct At<'a> {
    file: &'a str,
    step: Option<&'a str>,
    field: Option<&'a str>,
}

impl At<'_> {
    fn err(&self, message: impl Into<String>) -> WizardError {
        WizardError::Invalid {
            file: self.file.to_owned(),
            line: None,
            step: self.step.map(str::to_owned),
            field: self.field.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// Checks every rule of the format; the first broken one is the error.
/// Validates `wizard` (from `file`) against the check ids the engine has.
pub(super) fn validate(wizard: &Wizard, file: &str, checks: &[&str]) -> Result<(), WizardError> {
    let top = At {
        file,
        step: None,
        field: None,
    };
    if validate_profile_name(&wizard.id).is_err() {
        return Err(top.err(format!(
            "`id`: '{}' is not usable as a wizard id; expected letters, digits, '.', '_' or '-'",
            wizard.id
        )));
    }
    non_empty(&top, "title", &wizard.title)?;
    non_empty(&top, "summary", &wizard.summary)?;
    if wizard.steps.is_empty() {
        return Err(top.err("`steps`: a wizard needs at least one step"));
    }
    let mut step_ids = HashSet::new();
    let mut field_keys = HashSet::new();
    let mut suffixes = HashSet::new();
    let mut checks_so_far: HashSet<&str> = HashSet::new();
    let last = wizard.steps.len() - 1;
    for (i, step) in wizard.steps.iter().enumerate() {
        let at = At {
            file,
            step: Some(&step.id),
            field: None,
        };
        if step.id.trim().is_empty() {
            return Err(top.err(format!("step #{}: `id` is empty", i + 1)));
        }
        if !step_ids.insert(step.id.as_str()) {
            return Err(at.err("duplicate step id; every step needs its own id"));
        }
        non_empty(&at, "title", &step.title)?;
        validate_placement(&at, step, i, last, wizard)?;
        validate_contents(&at, step)?;
        let mut step_checks = HashSet::new();
        for id in &step.checks {
            if !checks.contains(&id.as_str()) {
                return Err(at.err(format!(
                    "`checks`: unknown check id '{id}'; the checks are: {}",
                    checks.join(", ")
                )));
            }
            if !step_checks.insert(id.as_str()) {
                return Err(at.err(format!("`checks`: '{id}' is listed twice")));
            }
        }
        checks_so_far.extend(step.checks.iter().map(String::as_str));
        for link in &step.links {
            non_empty(&at, "links.label", &link.label)?;
            match Url::parse(&link.url) {
                Ok(u) if u.scheme() == "https" => {}
                _ => {
                    return Err(at.err(format!("`links`: '{}' is not an https:// URL", link.url)));
                }
            }
        }
        for field in &step.fields {
            let at = At {
                file,
                step: Some(&step.id),
                field: Some(&field.key),
            };
            if !field_keys.insert(field.key.as_str()) {
                return Err(at.err("duplicate field key; each key is asked once per wizard"));
            }
            validate_field(&at, wizard, field, &checks_so_far, checks)?;
            if let Some(suffix) = &field.secret_suffix
                && !suffixes.insert(suffix.as_str())
            {
                return Err(at.err(format!(
                    "`secret_suffix`: '{suffix}' is used by another secret field"
                )));
            }
        }
    }
    Ok(())
}

fn non_empty(at: &At<'_>, key: &str, value: &str) -> Result<(), WizardError> {
    if value.trim().is_empty() {
        Err(at.err(format!("`{key}`: expected a non-empty value")))
    } else {
        Ok(())
    }
}

/// `preview` and `save` appear once each, at the end: save last, preview
/// (when there is one) just before it.
fn validate_placement(
    at: &At<'_>,
    step: &Step,
    index: usize,
    last: usize,
    wizard: &Wizard,
) -> Result<(), WizardError> {
    match step.kind {
        StepKind::Save if index != last => Err(at.err("a `save` step must be the last step")),
        StepKind::Preview if index + 1 != last || wizard.steps[last].kind != StepKind::Save => {
            Err(at.err("a `preview` step must come just before the last step, a `save` step"))
        }
        _ if index == last && step.kind != StepKind::Save => {
            Err(at.err("the last step must be a `save` step, which writes the profile"))
        }
        _ => Ok(()),
    }
}

/// What each kind of step may hold.
fn validate_contents(at: &At<'_>, step: &Step) -> Result<(), WizardError> {
    let refuse = |what: &str, present: bool| {
        if present {
            Err(at.err(format!("a `{}` step has no `{what}`", step.kind.as_str())))
        } else {
            Ok(())
        }
    };
    match step.kind {
        StepKind::Checklist => {
            refuse("fields", !step.fields.is_empty())?;
            refuse("checks", !step.checks.is_empty())?;
            if step.items.is_empty() {
                return Err(at.err("a `checklist` step needs at least one item"));
            }
            let mut ids = HashSet::new();
            for item in &step.items {
                non_empty(at, "items.id", &item.id)?;
                non_empty(at, "items.label", &item.label)?;
                if !ids.insert(item.id.as_str()) {
                    return Err(at.err(format!("`items`: duplicate item id '{}'", item.id)));
                }
            }
            Ok(())
        }
        StepKind::Form => {
            refuse("items", !step.items.is_empty())?;
            if step.fields.is_empty() && step.checks.is_empty() {
                return Err(at.err("a `form` step needs fields, checks or both"));
            }
            Ok(())
        }
        StepKind::Preview => {
            refuse("items", !step.items.is_empty())?;
            refuse("fields", !step.fields.is_empty())?;
            refuse("checks", !step.checks.is_empty())
        }
        StepKind::Save => {
            refuse("items", !step.items.is_empty())?;
            refuse("checks", !step.checks.is_empty())
        }
    }
}

fn validate_field(
    at: &At<'_>,
    wizard: &Wizard,
    field: &Field,
    checks_so_far: &HashSet<&str>,
    checks: &[&str],
) -> Result<(), WizardError> {
    let ty = field.field_type;
    non_empty(at, "label", &field.label)?;
    validate_key(at, wizard, field)?;
    if ty.has_options() {
        if field.options.is_empty() {
            return Err(at.err(format!(
                "a `{}` field needs `options` to choose from",
                ty.as_str()
            )));
        }
        let mut values = HashSet::new();
        for o in &field.options {
            non_empty(at, "options.value", &o.value)?;
            non_empty(at, "options.label", &o.label)?;
            if !values.insert(o.value.as_str()) {
                return Err(at.err(format!("`options`: '{}' is listed twice", o.value)));
            }
            if let Probe::Refused(m) | Probe::WrongType(m) | Probe::Unknown(m) = probe(
                wizard.kind,
                &field.key,
                toml::Value::String(o.value.clone()),
            ) {
                return Err(at.err(format!(
                    "`options`: the profile does not accept '{}': {m}",
                    o.value
                )));
            }
        }
    } else if !field.options.is_empty() {
        return Err(at.err(format!(
            "`options` are only used by select and email_attribute fields, not `{}`",
            ty.as_str()
        )));
    }
    validate_number(at, field)?;
    validate_default(at, field)?;
    validate_secret(at, field)?;
    if let Some(p) = &field.propose {
        if !checks.contains(&p.check.as_str()) {
            return Err(at.err(format!("`propose.check`: unknown check id '{}'", p.check)));
        }
        if !checks_so_far.contains(p.check.as_str()) {
            return Err(at.err(format!(
                "`propose.check`: '{}' is not run by this step or an earlier one, so there is no evidence to propose from",
                p.check
            )));
        }
        non_empty(at, "propose.evidence", &p.evidence)?;
    }
    Ok(())
}

/// The key must be `profile.name` or a key the profile parser knows, holding
/// a value of the field's shape.
fn validate_key(at: &At<'_>, wizard: &Wizard, field: &Field) -> Result<(), WizardError> {
    if field.key == PROFILE_NAME_KEY {
        if field.field_type != FieldType::Text {
            return Err(at.err("`profile.name` is asked with a `text` field"));
        }
        return Ok(());
    }
    if field.key == "kind" || field.key.starts_with("kind.") {
        return Err(
            at.err("`kind` is not a field: the wizard's own `kind` decides the profile kind")
        );
    }
    match probe(wizard.kind, &field.key, probe_value(field)) {
        Probe::Unknown(m) => Err(at.err(format!(
            "not a key of a profile of kind `{}` ({m}); see docs/profiles.md",
            wizard.kind.id()
        ))),
        Probe::WrongType(m) => Err(at.err(format!(
            "a `{}` field does not fit this profile key: {m}",
            field.field_type.as_str()
        ))),
        Probe::Known | Probe::Refused(_) => Ok(()),
    }
}

fn validate_number(at: &At<'_>, field: &Field) -> Result<(), WizardError> {
    let is_number = field.field_type == FieldType::Number;
    if !is_number && (field.min.is_some() || field.max.is_some()) {
        return Err(at.err("`min` and `max` are only used by number fields"));
    }
    if let (Some(min), Some(max)) = (field.min, field.max)
        && min > max
    {
        return Err(at.err(format!("`min` ({min}) is larger than `max` ({max})")));
    }
    Ok(())
}

fn validate_default(at: &At<'_>, field: &Field) -> Result<(), WizardError> {
    let Some(default) = &field.default else {
        return Ok(());
    };
    let ty = field.field_type;
    if ty == FieldType::Secret {
        return Err(at.err("a secret field has no `default`: secrets never live in files"));
    }
    if default.shape() != ty.value_shape() {
        return Err(at.err(format!(
            "`default`: a `{}` field expects {}",
            ty.as_str(),
            ty.value_shape().describe()
        )));
    }
    match default {
        DraftValue::Text(v) if ty.has_options() && !field.options.iter().any(|o| &o.value == v) => {
            Err(at.err(format!("`default`: '{v}' is not one of the options")))
        }
        DraftValue::Number(n)
            if field.min.is_some_and(|m| *n < m) || field.max.is_some_and(|m| *n > m) =>
        {
            Err(at.err(format!("`default`: {n} is outside `min`..`max`")))
        }
        _ => Ok(()),
    }
}

fn validate_secret(at: &At<'_>, field: &Field) -> Result<(), WizardError> {
    let is_secret = field.field_type == FieldType::Secret;
    let ends_secret = field.key.ends_with("_secret");
    match (&field.secret_suffix, is_secret) {
        (None, true) => Err(at.err(
            "a secret field needs `secret_suffix`: the secret is stored as <profile name>-<suffix>",
        )),
        (Some(_), false) => Err(at.err("`secret_suffix` is only used by secret fields")),
        (Some(_), true) if !ends_secret => Err(at.err(
            "a secret field's key must end in `_secret` (the profile holds the secret's name)",
        )),
        (Some(suffix), true) => {
            if suffix.len() > MAX_SUFFIX || SecretName::new(&format!("p-{suffix}")).is_err() {
                return Err(at.err(format!(
                    "`secret_suffix`: '{suffix}' is not usable in a secret name; expected up to {MAX_SUFFIX} letters, digits, '.', '_' or '-'"
                )));
            }
            Ok(())
        }
        (None, false) if ends_secret => Err(at.err(format!(
            "a `_secret` key names a stored secret; ask for it with a `secret` field, not `{}`",
            field.field_type.as_str()
        ))),
        (None, false) => Ok(()),
    }
}
