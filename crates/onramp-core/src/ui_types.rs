//! Test-only reading of `ui/src/types.ts`, the front end's mirror of the
//! IPC types: the unit tests that keep the two in step find declarations
//! there with these helpers instead of each slicing the file its own way.

/// The text of `ui/src/types.ts`.
fn source() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/types.ts");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// What follows `export type NAME =` up to the `;` that ends it (a line end
/// after it when `multiline`, for unions whose members hold `;` themselves).
pub(crate) fn type_body(name: &str, multiline: bool) -> String {
    let text = source();
    let head = format!("export type {name} =");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("ui/src/types.ts declares `{head}`"))
        + head.len();
    let body = &text[start..];
    let end = if multiline {
        body.find(";\n")
    } else {
        body.find(';')
    };
    body[..end.unwrap_or_else(|| panic!("`{head}` ends with ';'"))].to_owned()
}

/// The members of `export type NAME = 'a' | 'b' …;`.
pub(crate) fn union(name: &str) -> Vec<String> {
    type_body(name, false)
        .split('|')
        .map(|s| s.trim().trim_matches('\'').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The fields of `export interface NAME { … }`, each with whether it is
/// optional (`name?:`), in the order declared.
pub(crate) fn interface_fields(name: &str) -> Vec<(String, bool)> {
    let text = source();
    let head = format!("export interface {name} {{");
    let start = text
        .find(&head)
        .unwrap_or_else(|| panic!("ui/src/types.ts declares `{head}`"))
        + head.len();
    let body = &text[start..];
    body[..body.find('}').expect("the interface ends with '}'")]
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(field, _)| (field.trim_end_matches('?').to_owned(), field.ends_with('?')))
        .collect()
}
