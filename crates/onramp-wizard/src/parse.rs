//! Reading a wizard file: TOML into the typed definition, then the rules.
//!
//! Serde does the typing (unknown keys, step kinds and field types are
//! refused by the types themselves); this file turns serde's key path
//! (`steps[2].fields[1].type`) back into the step id and field key an author
//! recognises, so every message says where to look.

use serde_path_to_error::Segment;

use super::WizardError;
use super::model::Wizard;
use super::validate::validate;

/// Parses and validates a wizard definition. `source_name` (usually the file
/// path) names the definition in messages; `checks` are the check ids the
/// engine's registry has, the only ones a step may name.
pub fn parse(text: &str, source_name: &str, checks: &[&str]) -> Result<Wizard, WizardError> {
    let syntax = |e: toml::de::Error| {
        let (line, column) = e
            .span()
            .map(|s| line_and_column(text, s.start))
            .unwrap_or((1, 1));
        WizardError::Syntax {
            file: source_name.to_owned(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    };
    // The plain table names the step and field an error sits in.
    let table: toml::Table = text.parse().map_err(syntax)?;
    let deserializer = toml::Deserializer::parse(text).map_err(syntax)?;
    let wizard: Wizard = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let segments: Vec<&Segment> = e.path().iter().collect();
        let (step, field) = context(&table, &segments);
        let line = e.inner().span().map(|s| line_and_column(text, s.start).0);
        let leaf = match segments.last() {
            Some(Segment::Map { key }) => format!("`{key}`: "),
            _ => String::new(),
        };
        WizardError::Invalid {
            file: source_name.to_owned(),
            line,
            step,
            field,
            message: format!("{leaf}{}", e.inner().message().trim()),
        }
    })?;
    validate(&wizard, source_name, checks)?;
    Ok(wizard)
}

/// The step id and field key a serde path points into, read from the table.
fn context(table: &toml::Table, path: &[&Segment]) -> (Option<String>, Option<String>) {
    let index = |i: usize| match path.get(i) {
        Some(Segment::Seq { index }) => Some(*index),
        _ => None,
    };
    let is_key =
        |i: usize, name: &str| matches!(path.get(i), Some(Segment::Map { key }) if key == name);
    if !is_key(0, "steps") {
        return (None, None);
    }
    let Some(step_table) = index(1).and_then(|i| table.get("steps")?.as_array()?.get(i)) else {
        return (None, None);
    };
    let name = |t: &toml::Value, key: &str, n: usize| {
        Some(
            t.get(key)
                .and_then(toml::Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("#{}", n + 1)),
        )
    };
    let step = name(step_table, "id", index(1).unwrap_or(0));
    if !is_key(2, "fields") {
        return (step, None);
    }
    let field = index(3).and_then(|j| {
        let f = step_table.get("fields")?.as_array()?.get(j)?;
        name(f, "key", j)
    });
    (step, field)
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}
