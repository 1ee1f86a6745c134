//! One draft value, as the UI sent it, checked against its field and turned
//! into the TOML value the profile will hold.
//!
//! The UI sends JSON (`string | number | boolean | string[]`); the field's
//! type says which of those it may be and what the text must look like. A
//! value of the wrong form is the field's error here, before the profile
//! parser sees it, so the message speaks of the field rather than of TOML.

use serde_json::Value;
use url::Url;

use super::model::{Field, FieldType, ValueShape};
use onramp_profile::syntax::validate_dn;

/// The field's value as TOML; `Ok(None)` when the admin left it empty.
pub(super) fn to_toml(field: &Field, value: &Value) -> Result<Option<toml::Value>, String> {
    let shape = field.field_type.value_shape();
    let wrong = || {
        format!(
            "expected {}, found {}",
            shape.describe(),
            describe_json(value)
        )
    };
    match (shape, value) {
        (_, Value::Null) => Ok(None),
        (ValueShape::Text, Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            check_text(field, s)?;
            Ok(Some(toml::Value::String(s.to_owned())))
        }
        (ValueShape::Number, Value::Number(n)) => {
            let n = n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| format!("expected a whole number, found {n}"))?;
            let (min, max) = (field.min.unwrap_or(i64::MIN), field.max.unwrap_or(i64::MAX));
            if n < min || n > max {
                return Err(match (field.min, field.max) {
                    (Some(a), Some(b)) => format!("expected a value from {a} to {b}, found {n}"),
                    (Some(a), None) => format!("expected at least {a}, found {n}"),
                    _ => format!("expected at most {max}, found {n}"),
                });
            }
            Ok(Some(toml::Value::Integer(n)))
        }
        (ValueShape::Toggle, Value::Bool(b)) => Ok(Some(toml::Value::Boolean(*b))),
        (ValueShape::List, Value::Array(items)) => {
            let mut out: Vec<String> = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let Value::String(s) = item else {
                    return Err(format!(
                        "entry {}: expected text, found {}",
                        i + 1,
                        describe_json(item)
                    ));
                };
                let s = s.trim();
                if s.is_empty() {
                    return Err(format!("entry {}: empty", i + 1));
                }
                if field.field_type == FieldType::OuTree {
                    validate_dn(&field.key, s)
                        .map_err(|e| format!("entry {}: {}", i + 1, e.reason))?;
                }
                if out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
                    return Err(format!("'{s}' is listed twice"));
                }
                out.push(s.to_owned());
            }
            if out.is_empty() {
                return Ok(None);
            }
            Ok(Some(toml::Value::Array(
                out.into_iter().map(toml::Value::String).collect(),
            )))
        }
        _ => Err(wrong()),
    }
}

/// What a text value must look like for its field type.
fn check_text(field: &Field, s: &str) -> Result<(), String> {
    match field.field_type {
        FieldType::Url => Url::parse(s).map(drop).map_err(|e| {
            let example = field
                .placeholder
                .as_deref()
                .unwrap_or("https://host.example.com");
            format!("'{s}' is not a URL ({e}); expected something like {example}")
        }),
        FieldType::Dn => validate_dn(&field.key, s).map(drop).map_err(|e| e.reason),
        FieldType::Select | FieldType::EmailAttribute => {
            if field.options.iter().any(|o| o.value == s) {
                Ok(())
            } else {
                let values: Vec<&str> = field.options.iter().map(|o| o.value.as_str()).collect();
                Err(format!(
                    "'{s}' is not one of the choices: {}",
                    values.join(", ")
                ))
            }
        }
        _ => Ok(()),
    }
}

/// Whether a JSON value counts as "nothing entered".
pub(super) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
