//! Test-only reading of `ui/src/types.ts`, the front end's mirror of the
//! IPC types: the unit tests that keep the two in step find declarations
//! there with these helpers instead of each slicing the file its own way.

/// The text of `ui/src/types.ts` after `head`, the start of a declaration.
fn after(head: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/src/types.ts");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let start = text
        .find(head)
        .unwrap_or_else(|| panic!("ui/src/types.ts declares `{head}`"));
    text[start + head.len()..].to_owned()
}

/// What follows `export type NAME =` up to the `;` that ends it (a line end
/// after it when `multiline`, for unions whose members hold `;` themselves).
pub fn type_body(name: &str, multiline: bool) -> String {
    let head = format!("export type {name} =");
    let body = after(&head);
    let end = if multiline {
        body.find(";\n")
    } else {
        body.find(';')
    };
    body[..end.unwrap_or_else(|| panic!("`{head}` ends with ';'"))].to_owned()
}

/// The members of `export type NAME = 'a' | 'b' …;`.
pub fn union(name: &str) -> Vec<String> {
    type_body(name, false)
        .split('|')
        .map(|s| s.trim().trim_matches('\'').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The fields of `export interface NAME { … }`, each with whether it is
/// optional (`name?:`), in the order declared.
pub fn interface_fields(name: &str) -> Vec<(String, bool)> {
    let body = after(&format!("export interface {name} {{"));
    body[..body.find('}').expect("the interface ends with '}'")]
        .lines()
        .filter_map(|line| line.trim().split_once(':'))
        .map(|(field, _)| (field.trim_end_matches('?').to_owned(), field.ends_with('?')))
        .collect()
}
