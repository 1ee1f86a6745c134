//! Whether a wizard's field key is a real profile key, asked of the real
//! profile parser.
//!
//! There is no second list of profile keys to drift out of step: a key is
//! probed by writing a value of the field's shape into a valid profile of the
//! wizard's kind (the `onramp profile new` template) and parsing it. The
//! parser's own answer decides: "not a known key" means a typo such as
//! `connection.binddn`, "invalid type" means the field type does not fit the
//! key (a toggle on a text key). The same probe checks each option of a
//! select field against the parser's enums.

use std::path::Path;

use onramp_profile::{IntegrationKind, ProfileError, parse_profile, template};

use super::model::{Field, ValueShape};

/// The meta key naming the profile file rather than a key inside it.
pub const PROFILE_NAME_KEY: &str = "profile.name";

/// Why a value could not be written at a dotted key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum DottedKeyError {
    /// A part of the key is empty (`a..c`, `.a`).
    #[error("'{0}' is not a dotted key such as connection.url")]
    Malformed(String),
    /// A part of the path holds a plain value, not a table.
    #[error("'{part}' in '{key}' is a value, not a table")]
    NotATable {
        /// The part that is a value.
        part: String,
        /// The whole key.
        key: String,
    },
}

/// Writes `value` at the dotted `key`, creating the tables on the way.
/// Fails when a part of the path is already a plain value.
pub(super) fn insert_dotted(
    table: &mut toml::Table,
    key: &str,
    value: toml::Value,
) -> Result<(), DottedKeyError> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(DottedKeyError::Malformed(key.to_owned()));
    }
    let (leaf, path) = parts.split_last().expect("split yields at least one part");
    let mut current = table;
    for part in path {
        let entry = current
            .entry((*part).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(t) => t,
            _ => {
                return Err(DottedKeyError::NotATable {
                    part: (*part).to_owned(),
                    key: key.to_owned(),
                });
            }
        };
    }
    current.insert((*leaf).to_owned(), value);
    Ok(())
}

/// What the parser said about a probed key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Probe {
    /// The parser accepted the key (the value may still be wrong elsewhere).
    Known,
    /// The parser does not know the key.
    Unknown(String),
    /// The key exists but holds another type of value.
    WrongType(String),
    /// The key exists and refused this value.
    Refused(String),
}

/// Probes `key` of a `kind` profile with `value`.
pub(super) fn probe(kind: IntegrationKind, key: &str, value: toml::Value) -> Probe {
    let mut table: toml::Table = template(kind, "probe")
        .parse()
        .expect("every profile template parses (profile::store tests)");
    remove_dotted(&mut table, key);
    if let Err(e) = insert_dotted(&mut table, key, value) {
        return Probe::Unknown(e.to_string());
    }
    let text = match toml::to_string(&table) {
        Ok(t) => t,
        Err(e) => return Probe::Unknown(e.to_string()),
    };
    match parse_profile("probe", Path::new("probe.toml"), &text) {
        Err(ProfileError::Invalid {
            key: at, message, ..
        }) if concerns(key, &at) => {
            if message.starts_with("not a known key") {
                Probe::Unknown(format!("{at}: {message}"))
            } else if message.contains("invalid type") {
                Probe::WrongType(message)
            } else {
                Probe::Refused(message)
            }
        }
        _ => Probe::Known,
    }
}

/// A value of the field's shape, for probing its key.
pub(super) fn probe_value(field: &Field) -> toml::Value {
    match field.field_type.value_shape() {
        ValueShape::Text => toml::Value::String(match field.options.first() {
            Some(o) => o.value.clone(),
            None => "probe-value".to_owned(),
        }),
        ValueShape::Number => toml::Value::Integer(field.min.unwrap_or(1)),
        ValueShape::Toggle => toml::Value::Boolean(false),
        ValueShape::List => toml::Value::Array(Vec::new()),
    }
}

/// Whether an error reported at `at` is about `key`: the key itself, an
/// element or key below it, or a table above it.
pub(super) fn concerns(key: &str, at: &str) -> bool {
    at == key
        || at
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(['.', '[']))
        || key
            .strip_prefix(at)
            .is_some_and(|rest| rest.starts_with('.'))
}

fn remove_dotted(table: &mut toml::Table, key: &str) {
    match key.split_once('.') {
        None => {
            table.remove(key);
        }
        Some((head, rest)) => {
            if let Some(toml::Value::Table(t)) = table.get_mut(head) {
                remove_dotted(t, rest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> toml::Value {
        toml::Value::String(v.to_owned())
    }

    #[test]
    fn real_keys_are_known() {
        for key in [
            "display_name",
            "connection.url",
            "connection.bind_dn",
            "connection.base_dn",
            "connection.ca_file",
            "sync.team",
            "sync.user_filter",
            "target.url",
            "target.ca_file",
        ] {
            // A real key: at most the value "x" is refused (a URL must parse).
            let answer = probe(IntegrationKind::Ad, key, s("x"));
            assert!(
                matches!(answer, Probe::Known | Probe::Refused(_)),
                "{key}: {answer:?}"
            );
        }
        let key = "sync.excluded_ous";
        let list = toml::Value::Array(vec![]);
        assert_eq!(probe(IntegrationKind::Ad, key, list), Probe::Known);
    }

    #[test]
    fn typos_and_other_kinds_keys_are_unknown() {
        for (kind, key) in [
            (IntegrationKind::Ad, "connection.binddn"),
            (IntegrationKind::Ad, "sync.excluded_ou"),
            (IntegrationKind::Ad, "synk.team"),
            (IntegrationKind::Ad, "connection.tenant"),
            (IntegrationKind::Entra, "connection.bind_dn"),
            (IntegrationKind::Ad, "display_name.x"),
        ] {
            assert!(
                matches!(probe(kind, key, s("x")), Probe::Unknown(_)),
                "{kind} {key}"
            );
        }
    }

    #[test]
    fn wrong_shapes_and_refused_options() {
        let b = toml::Value::Boolean(true);
        assert!(matches!(
            probe(IntegrationKind::Ad, "sync.team", b),
            Probe::WrongType(_)
        ));
        assert!(matches!(
            probe(IntegrationKind::Ad, "sync.attributes", s("x")),
            Probe::WrongType(_)
        ));
        assert_eq!(
            probe(IntegrationKind::Ad, "sync.deprovision", s("delete")),
            Probe::Known
        );
        assert!(matches!(
            probe(IntegrationKind::Ad, "sync.deprovision", s("archive")),
            Probe::Refused(_)
        ));
    }

    #[test]
    fn dotted_insert() {
        let mut t = toml::Table::new();
        insert_dotted(&mut t, "a.b.c", s("v")).unwrap();
        assert_eq!(t["a"]["b"]["c"].as_str(), Some("v"));
        assert_eq!(
            insert_dotted(&mut t, "a.b.c.d", s("v")),
            Err(DottedKeyError::NotATable {
                part: "c".into(),
                key: "a.b.c.d".into()
            })
        );
        assert_eq!(
            insert_dotted(&mut t, "a..c", s("v")),
            Err(DottedKeyError::Malformed("a..c".into()))
        );
        assert!(concerns("sync.groups", "sync.groups[2]"));
        assert!(concerns("synk.team", "synk"));
        assert!(!concerns("sync.group", "sync.groups"));
    }
}
