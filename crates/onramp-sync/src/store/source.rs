//! The source mirror: the last snapshot of the directory, per profile.
//!
//! A delta read returns only what changed since the cursor; merged into this
//! mirror it gives the whole directory again, so mapping and planning work on
//! a complete picture without reading every entry. The mirror follows the
//! directory, not the platform: it is written after every successful read,
//! whether or not the run then applies, and a full read replaces it.

use std::collections::BTreeSet;

use rusqlite::params;

use onramp_connector::{SourceState, StateError};

use super::{At, StateStore, StoreError};
use crate::model::{Snapshot, SourceGroup, SourceUser};

/// One profile's view of the store, as its directory source sees it: the
/// cursor and the mirror, nothing else.
pub struct ProfileSourceState<'a> {
    store: &'a StateStore,
    profile: &'a str,
}

impl<'a> ProfileSourceState<'a> {
    /// `profile`'s state in `store`.
    pub fn new(store: &'a StateStore, profile: &'a str) -> Self {
        Self { store, profile }
    }
}

fn state(e: StoreError) -> StateError {
    StateError(Box::new(e))
}

impl SourceState for ProfileSourceState<'_> {
    fn cursor(&self, key: &str) -> Result<Option<String>, StateError> {
        self.store.cursor(self.profile, key).map_err(state)
    }

    fn set_cursor(&self, key: &str, value: &str) -> Result<(), StateError> {
        self.store
            .set_cursor(self.profile, key, value)
            .map_err(state)
    }

    fn load_mirror(&self) -> Result<Snapshot, StateError> {
        self.store.load_source(self.profile).map_err(state)
    }

    fn replace_mirror(&self, snapshot: &Snapshot) -> Result<(), StateError> {
        self.store
            .save_source(self.profile, snapshot)
            .map_err(state)
    }

    fn update_mirror(
        &self,
        users: &[SourceUser],
        groups: &[SourceGroup],
        removed: &BTreeSet<String>,
    ) -> Result<(), StateError> {
        self.store
            .update_source(self.profile, users, groups, removed)
            .map_err(state)
    }
}

impl StateStore {
    /// The mirrored snapshot of `profile` (empty when none was saved).
    pub fn load_source(&self, profile: &str) -> Result<Snapshot, StoreError> {
        let p = self.path.as_path();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT anchor, kind, json FROM source_objects WHERE profile = ?1")
            .at(p)?;
        let mut rows = stmt.query([profile]).at(p)?;
        let mut snapshot = Snapshot {
            complete: true,
            ..Snapshot::default()
        };
        while let Some(row) = rows.next().at(p)? {
            let anchor: String = row.get(0).at(p)?;
            let kind: String = row.get(1).at(p)?;
            let json: String = row.get(2).at(p)?;
            let invalid = |e: serde_json::Error| StoreError::Invalid {
                path: self.path.clone(),
                what: format!("source object {anchor} of {profile}"),
                detail: e.to_string(),
            };
            if kind == "user" {
                snapshot
                    .users
                    .push(serde_json::from_str(&json).map_err(invalid)?);
            } else {
                snapshot
                    .groups
                    .push(serde_json::from_str(&json).map_err(invalid)?);
            }
        }
        Ok(snapshot)
    }

    /// Replaces the mirror of `profile` with a full snapshot, in one transaction.
    pub fn save_source(&self, profile: &str, snapshot: &Snapshot) -> Result<(), StoreError> {
        let tx = self.write()?;
        self.conn
            .execute("DELETE FROM source_objects WHERE profile = ?1", [profile])
            .at(&self.path)?;
        self.upsert_source(profile, &snapshot.users, &snapshot.groups)?;
        tx.commit().at(&self.path)
    }

    /// Merges a delta into the mirror of `profile`, in one transaction:
    /// changed users and groups replace their rows, `removed` anchors go.
    pub fn update_source(
        &self,
        profile: &str,
        users: &[SourceUser],
        groups: &[SourceGroup],
        removed: &BTreeSet<String>,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        {
            let mut delete = self
                .conn
                .prepare_cached("DELETE FROM source_objects WHERE profile = ?1 AND anchor = ?2")
                .at(&self.path)?;
            for anchor in removed {
                delete.execute(params![profile, anchor]).at(&self.path)?;
            }
        }
        self.upsert_source(profile, users, groups)?;
        tx.commit().at(&self.path)
    }

    fn upsert_source(
        &self,
        profile: &str,
        users: &[SourceUser],
        groups: &[SourceGroup],
    ) -> Result<(), StoreError> {
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO source_objects (profile, anchor, kind, json) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (profile, anchor) DO UPDATE SET kind = excluded.kind, json = excluded.json",
            )
            .at(&self.path)?;
        let serialize = |anchor: &str, e: serde_json::Error| StoreError::Serialize {
            anchor: anchor.to_owned(),
            source: e,
        };
        for u in users {
            let json = serde_json::to_string(u).map_err(|e| serialize(&u.anchor, e))?;
            insert
                .execute(params![profile, u.anchor, "user", json])
                .at(&self.path)?;
        }
        for g in groups {
            let json = serde_json::to_string(g).map_err(|e| serialize(&g.anchor, e))?;
            insert
                .execute(params![profile, g.anchor, "group", json])
                .at(&self.path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;
    use super::*;

    fn user(anchor: &str, name: &str) -> SourceUser {
        SourceUser {
            anchor: anchor.into(),
            dn: format!("CN={name},DC=x"),
            login: Some(name.into()),
            given_name: None,
            family_name: None,
            display_name: Some(name.into()),
            mail: None,
            user_principal_name: None,
            phone: None,
            department: None,
            enabled: true,
        }
    }

    #[test]
    fn save_update_load() {
        let (_dir, store) = temp_store();
        assert!(store.load_source("p").unwrap().users.is_empty());
        let snapshot = Snapshot {
            users: vec![user("a", "Ann"), user("b", "Ben")],
            groups: vec![SourceGroup {
                anchor: "g".into(),
                dn: "CN=G,DC=x".into(),
                name: "G".into(),
                member_users: ["a".to_owned()].into(),
                member_groups: BTreeSet::new(),
            }],
            complete: true,
        };
        store.save_source("p", &snapshot).unwrap();
        store.save_source("other", &snapshot).unwrap();
        store
            .update_source(
                "p",
                &[user("a", "Ann Archer"), user("c", "Cy")],
                &[],
                &["b".to_owned()].into(),
            )
            .unwrap();
        let mut loaded = store.load_source("p").unwrap();
        loaded.users.sort_by(|x, y| x.anchor.cmp(&y.anchor));
        let names: Vec<&str> = loaded
            .users
            .iter()
            .map(|u| u.display_name.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["Ann Archer", "Cy"]);
        assert_eq!(loaded.groups.len(), 1);
        assert_eq!(store.load_source("other").unwrap().users.len(), 2);
        // A full save replaces everything.
        store.save_source("p", &Snapshot::default()).unwrap();
        assert!(store.load_source("p").unwrap().users.is_empty());
    }
}
