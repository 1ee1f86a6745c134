//! Helpers for the store's tests: a real SQLite file in a temporary
//! directory, and small desired objects.

use std::collections::BTreeSet;

use super::{AppliedState, FILE_NAME, StateStore};
use crate::model::{DesiredGroup, DesiredUser};

/// A store in a fresh temporary directory (in a subdirectory that does not
/// exist yet, so `open` has to create it). Keep the `TempDir` alive.
pub(super) fn temp_store() -> (tempfile::TempDir, StateStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = StateStore::open(&dir.path().join("data").join(FILE_NAME)).expect("open store");
    (dir, store)
}

/// A desired user.
pub(super) fn user(anchor: &str, email: &str) -> AppliedState {
    AppliedState::User(DesiredUser {
        anchor: anchor.into(),
        user_name: email.into(),
        email: email.into(),
        given_name: Some("Given".into()),
        family_name: None,
        display_name: Some(format!("User {anchor}")),
        phone: None,
        department: Some("IT".into()),
        active: true,
        admin: false,
        tags: vec!["eng".into()],
    })
}

/// A desired group.
pub(super) fn group(anchor: &str, name: &str, members: &[&str]) -> AppliedState {
    AppliedState::Group(DesiredGroup {
        anchor: anchor.into(),
        display_name: name.into(),
        members: members
            .iter()
            .map(|m| (*m).to_owned())
            .collect::<BTreeSet<_>>(),
    })
}
