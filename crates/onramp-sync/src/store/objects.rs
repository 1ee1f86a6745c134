//! The objects Onramp provisioned, per profile: what the platform has, as
//! far as Onramp knows, which the plan diffs the desired state against.
//!
//! Each row is keyed by (profile, anchor) and holds the platform's SCIM id
//! and the last desired object that was successfully applied. Every write
//! here is one transaction that also appends the run's per-object result
//! and, for a change, the audit row: a change is either fully recorded or
//! not at all, which is what makes a killed run resumable — the next plan
//! re-issues exactly what was not recorded.

use rusqlite::{Row, params};
use serde::{Deserialize, Serialize};

use super::runs::{Outcome, RunId, RunMode};
use super::{At, StateStore, StoreError};
use crate::model::{DesiredGroup, DesiredUser};

/// Whether an object is a user or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// A SCIM User.
    User,
    /// A SCIM Group.
    Group,
}

text_enum!(ObjectKind { User => "user", Group => "group" });

/// The last state of an object that was applied to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AppliedState {
    /// A user.
    User(DesiredUser),
    /// A group.
    Group(DesiredGroup),
}

impl AppliedState {
    /// User or group.
    pub fn kind(&self) -> ObjectKind {
        match self {
            AppliedState::User(_) => ObjectKind::User,
            AppliedState::Group(_) => ObjectKind::Group,
        }
    }

    /// The object's anchor.
    pub fn anchor(&self) -> &str {
        match self {
            AppliedState::User(u) => &u.anchor,
            AppliedState::Group(g) => &g.anchor,
        }
    }

    fn to_json(&self) -> Result<String, serde_json::Error> {
        match self {
            AppliedState::User(u) => serde_json::to_string(u),
            AppliedState::Group(g) => serde_json::to_string(g),
        }
    }

    fn from_json(kind: ObjectKind, json: &str) -> Result<Self, serde_json::Error> {
        Ok(match kind {
            ObjectKind::User => AppliedState::User(serde_json::from_str(json)?),
            ObjectKind::Group => AppliedState::Group(serde_json::from_str(json)?),
        })
    }
}

/// One provisioned object as the store has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredObject {
    /// The source anchor.
    pub anchor: String,
    /// User or group.
    pub kind: ObjectKind,
    /// The platform's SCIM id; `None` until the target confirmed a create.
    pub target_id: Option<String>,
    /// The last desired state successfully applied.
    pub applied: AppliedState,
    /// Whether Onramp deactivated it (it left the source or scope).
    pub deprovisioned: bool,
    /// When the row last changed (Unix seconds).
    pub updated_at: i64,
}

const OBJECT_COLUMNS: &str = "anchor, kind, target_id, desired, deprovisioned, updated_unix";

impl StateStore {
    /// Every object Onramp provisioned for `profile` (deprovisioned ones
    /// included), ordered by anchor.
    pub fn objects(&self, profile: &str) -> Result<Vec<StoredObject>, StoreError> {
        let p = self.path.as_path();
        let sql =
            format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE profile = ?1 ORDER BY anchor");
        let mut stmt = self.conn.prepare_cached(&sql).at(p)?;
        let mut rows = stmt.query([profile]).at(p)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().at(p)? {
            out.push(self.object_from_row(profile, row)?);
        }
        Ok(out)
    }

    /// One provisioned object, if the store has it.
    pub fn object(&self, profile: &str, anchor: &str) -> Result<Option<StoredObject>, StoreError> {
        let p = self.path.as_path();
        let sql =
            format!("SELECT {OBJECT_COLUMNS} FROM objects WHERE profile = ?1 AND anchor = ?2");
        let mut stmt = self.conn.prepare_cached(&sql).at(p)?;
        let mut rows = stmt.query([profile, anchor]).at(p)?;
        match rows.next().at(p)? {
            Some(row) => Ok(Some(self.object_from_row(profile, row)?)),
            None => Ok(None),
        }
    }

    /// Records that the target confirmed `applied` (a create or an update of
    /// a user or group) for the profile of `run`: in one transaction, upserts
    /// the object (clearing its deprovisioned flag; a `None` target id keeps
    /// the one already known), appends an `ok` result and an audit row with
    /// `action` and `details`.
    ///
    /// The anchor and kind come from `applied`, the profile from the run,
    /// which must be a running apply run.
    pub fn record_applied(
        &self,
        run: RunId,
        target_id: Option<&str>,
        applied: &AppliedState,
        action: &str,
        details: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        let anchor = applied.anchor();
        let json = applied.to_json().map_err(|source| StoreError::Serialize {
            anchor: anchor.to_owned(),
            source,
        })?;
        let tx = self.write()?;
        let profile = self.applying_run(run, "record an applied change")?;
        self.append_result(run, anchor, action, Outcome::Ok, None, now_unix)?;
        self.conn
            .prepare_cached(
                "INSERT INTO objects
                     (profile, anchor, kind, target_id, desired, deprovisioned, updated_unix)
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)
                 ON CONFLICT (profile, anchor) DO UPDATE SET
                     kind = excluded.kind,
                     target_id = coalesce(excluded.target_id, objects.target_id),
                     desired = excluded.desired,
                     deprovisioned = 0,
                     updated_unix = excluded.updated_unix",
            )
            .and_then(|mut s| {
                s.execute(params![
                    profile,
                    anchor,
                    applied.kind(),
                    target_id,
                    json,
                    now_unix
                ])
            })
            .at(&self.path)?;
        self.append_audit(&profile, run, anchor, action, details, now_unix)?;
        tx.commit().at(&self.path)
    }

    /// Records that the target confirmed the deactivation of `anchor`: in
    /// one transaction, sets its deprovisioned flag (the last applied state
    /// is kept, so a return to scope is an update), appends an `ok` result
    /// and an audit row. Fails with [`StoreError::UnknownObject`] if the
    /// profile has no such object.
    pub fn record_deprovisioned(
        &self,
        run: RunId,
        anchor: &str,
        action: &str,
        details: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        self.change_object(
            run,
            anchor,
            action,
            details,
            now_unix,
            "record a deprovisioning",
            "UPDATE objects SET deprovisioned = 1, updated_unix = ?3
             WHERE profile = ?1 AND anchor = ?2",
        )
    }

    /// Records that the target confirmed the deletion of `anchor`: in one
    /// transaction, removes the object, appends an `ok` result and an audit
    /// row. Fails with [`StoreError::UnknownObject`] if the profile has no
    /// such object.
    pub fn forget(
        &self,
        run: RunId,
        anchor: &str,
        action: &str,
        details: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        self.change_object(
            run,
            anchor,
            action,
            details,
            now_unix,
            "record a deletion",
            "DELETE FROM objects WHERE profile = ?1 AND anchor = ?2",
        )
    }

    /// One confirmed change of an existing object, in one transaction: an
    /// `ok` result, the `statement` on the object (parameters ?1 profile,
    /// ?2 anchor, ?3 time, as many as it uses), and an audit row; [`StoreError::UnknownObject`] when
    /// the statement touched nothing.
    #[allow(clippy::too_many_arguments)]
    fn change_object(
        &self,
        run: RunId,
        anchor: &str,
        action: &str,
        details: &str,
        now_unix: i64,
        what: &str,
        statement: &str,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        let profile = self.applying_run(run, what)?;
        self.append_result(run, anchor, action, Outcome::Ok, None, now_unix)?;
        let mut stmt = self.conn.prepare_cached(statement).at(&self.path)?;
        let values: [&dyn rusqlite::ToSql; 3] = [&profile, &anchor, &now_unix];
        // A statement uses the first one, two or three of them.
        let used = stmt.parameter_count().min(values.len());
        let changed = stmt
            .execute(rusqlite::params_from_iter(&values[..used]))
            .at(&self.path)?;
        drop(stmt);
        if changed == 0 {
            return Err(StoreError::UnknownObject {
                profile,
                anchor: anchor.to_owned(),
            });
        }
        self.append_audit(&profile, run, anchor, action, details, now_unix)?;
        tx.commit().at(&self.path)
    }

    /// Records that `action` on `anchor` failed with `error_message`: a
    /// `failed` result of the running `run`, and nothing else (the object's
    /// state is what it was, so the next plan tries again).
    pub fn record_failure(
        &self,
        run: RunId,
        anchor: &str,
        action: &str,
        error_message: &str,
        now_unix: i64,
    ) -> Result<(), StoreError> {
        let tx = self.write()?;
        self.active_run(run)?;
        self.append_result(
            run,
            anchor,
            action,
            Outcome::Failed,
            Some(error_message),
            now_unix,
        )?;
        tx.commit().at(&self.path)
    }

    /// The profile of `run`, which must be a running apply run.
    fn applying_run(&self, run: RunId, what: &str) -> Result<String, StoreError> {
        match self.active_run(run)? {
            (profile, RunMode::Apply) => Ok(profile),
            (_, mode) => Err(StoreError::WrongMode {
                run,
                mode: mode.to_string(),
                what: what.to_owned(),
            }),
        }
    }

    fn object_from_row(&self, profile: &str, row: &Row<'_>) -> Result<StoredObject, StoreError> {
        let p = self.path.as_path();
        let anchor: String = row.get(0).at(p)?;
        let kind: ObjectKind = row.get(1).at(p)?;
        let json: String = row.get(3).at(p)?;
        let applied = AppliedState::from_json(kind, &json).map_err(|e| {
            self.invalid(
                format!("applied state of {kind} {anchor:?} in profile {profile:?}"),
                e.to_string(),
            )
        })?;
        Ok(StoredObject {
            kind,
            target_id: row.get(2).at(p)?,
            applied,
            deprovisioned: row.get(4).at(p)?,
            updated_at: row.get(5).at(p)?,
            anchor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{group, temp_store, user};
    use super::*;

    fn count(store: &StateStore, table: &str) -> i64 {
        store
            .conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn record_applied_upserts_and_round_trips() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        let alice = user("u1", "alice@x.test");
        let team = group("team:eng", "Engineering", &["u1"]);
        store
            .record_applied(run, Some("scim-u1"), &alice, "create", "created alice", 11)
            .unwrap();
        store
            .record_applied(run, Some("scim-g1"), &team, "create", "created group", 12)
            .unwrap();

        let objects = store.objects("p").unwrap();
        assert_eq!(objects.len(), 2);
        assert_eq!(objects[0].anchor, "team:eng");
        assert_eq!(objects[0].kind, ObjectKind::Group);
        assert_eq!(objects[0].applied, team);
        assert_eq!(objects[1].anchor, "u1");
        assert_eq!(objects[1].kind, ObjectKind::User);
        assert_eq!(objects[1].target_id.as_deref(), Some("scim-u1"));
        assert_eq!(objects[1].applied, alice);
        assert!(!objects[1].deprovisioned);
        assert_eq!(objects[1].updated_at, 11);
        assert!(store.objects("other").unwrap().is_empty());

        // An update without a target id keeps the known one.
        let AppliedState::User(mut renamed) = alice.clone() else {
            unreachable!()
        };
        renamed.display_name = Some("Alice Renamed".into());
        let renamed = AppliedState::User(renamed);
        store
            .record_applied(run, None, &renamed, "update", "displayName", 13)
            .unwrap();
        let again = store.object("p", "u1").unwrap().unwrap();
        assert_eq!(again.target_id.as_deref(), Some("scim-u1"));
        assert_eq!(again.applied, renamed);
        assert_eq!(again.updated_at, 13);
        assert_eq!(store.objects("p").unwrap().len(), 2, "no duplicate");

        let results = store.results(run).unwrap();
        assert_eq!(results.len(), 3);
        assert!(results.iter().all(|r| r.outcome == Outcome::Ok));
        assert_eq!(count(&store, "audit"), 3);
    }

    #[test]
    fn record_applied_is_all_or_nothing() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        store
            .record_applied(
                run,
                Some("scim-u1"),
                &user("u1", "a@x.test"),
                "create",
                "",
                11,
            )
            .unwrap();
        // Make the last statement of the transaction (the audit insert) fail.
        store
            .conn
            .execute_batch(
                "CREATE TEMP TRIGGER fail_audit BEFORE INSERT ON main.audit
                 BEGIN SELECT RAISE(ABORT, 'simulated failure'); END;",
            )
            .unwrap();
        let err = store
            .record_applied(
                run,
                Some("scim-u2"),
                &user("u2", "b@x.test"),
                "create",
                "",
                12,
            )
            .unwrap_err();
        assert!(err.to_string().contains("simulated failure"), "{err}");
        let err = store
            .record_applied(
                run,
                Some("scim-u1"),
                &user("u1", "new@x.test"),
                "update",
                "",
                13,
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");
        let err = store.forget(run, "u1", "delete", "", 14).unwrap_err();
        assert!(matches!(err, StoreError::Sqlite { .. }), "{err:?}");

        // Nothing of the failed writes is left: no object, no result.
        assert!(store.object("p", "u2").unwrap().is_none());
        let u1 = store.object("p", "u1").unwrap().unwrap();
        assert_eq!(u1.applied, user("u1", "a@x.test"));
        assert_eq!(u1.updated_at, 11);
        assert_eq!(store.results(run).unwrap().len(), 1);
        assert_eq!(count(&store, "audit"), 1);

        // And the store is usable again once the cause is gone.
        store
            .conn
            .execute_batch("DROP TRIGGER temp.fail_audit")
            .unwrap();
        store
            .record_applied(
                run,
                Some("scim-u2"),
                &user("u2", "b@x.test"),
                "create",
                "",
                15,
            )
            .unwrap();
        assert_eq!(store.objects("p").unwrap().len(), 2);
    }

    #[test]
    fn deprovision_then_return_to_scope() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        let alice = user("u1", "alice@x.test");
        store
            .record_applied(run, Some("scim-u1"), &alice, "create", "", 11)
            .unwrap();
        store
            .record_deprovisioned(run, "u1", "deactivate", "left the OU", 12)
            .unwrap();
        let obj = store.object("p", "u1").unwrap().unwrap();
        assert!(obj.deprovisioned);
        assert_eq!(obj.applied, alice, "the last applied state is kept");
        // Deprovisioning again (a resumed run) is harmless.
        store
            .record_deprovisioned(run, "u1", "deactivate", "again", 13)
            .unwrap();

        store
            .record_applied(run, None, &alice, "reactivate", "", 14)
            .unwrap();
        let obj = store.object("p", "u1").unwrap().unwrap();
        assert!(!obj.deprovisioned);
        assert_eq!(obj.target_id.as_deref(), Some("scim-u1"));

        let err = store
            .record_deprovisioned(run, "ghost", "deactivate", "", 15)
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownObject { .. }), "{err:?}");
        assert_eq!(
            store.results(run).unwrap().len(),
            4,
            "the failed call left no result"
        );
    }

    #[test]
    fn forget_removes_the_object() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        store
            .record_applied(run, Some("g"), &group("g1", "Sales", &[]), "create", "", 11)
            .unwrap();
        store.forget(run, "g1", "delete", "group gone", 12).unwrap();
        assert!(store.objects("p").unwrap().is_empty());
        let err = store.forget(run, "g1", "delete", "", 13).unwrap_err();
        assert!(matches!(err, StoreError::UnknownObject { .. }), "{err:?}");
        assert_eq!(count(&store, "audit"), 2);
    }

    #[test]
    fn record_failure_changes_no_object() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        store
            .record_failure(run, "u1", "create", "400 invalid email", 11)
            .unwrap();
        assert!(store.objects("p").unwrap().is_empty());
        assert_eq!(count(&store, "audit"), 0);
        let results = store.results(run).unwrap();
        assert_eq!(results[0].outcome, Outcome::Failed);
        assert_eq!(results[0].message.as_deref(), Some("400 invalid email"));
    }

    #[test]
    fn a_preview_run_cannot_record_changes() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Preview, 10).unwrap();
        let err = store
            .record_applied(run, Some("x"), &user("u1", "a@x.test"), "create", "", 11)
            .unwrap_err();
        assert!(matches!(err, StoreError::WrongMode { .. }), "{err:?}");
        assert!(store.objects("p").unwrap().is_empty());
        assert!(store.results(run).unwrap().is_empty());
    }

    #[test]
    fn records_go_to_the_runs_profile() {
        let (_dir, store) = temp_store();
        let a = store.begin_run("a", RunMode::Apply, 10).unwrap();
        let b = store.begin_run("b", RunMode::Apply, 10).unwrap();
        store
            .record_applied(a, Some("1"), &user("u1", "a@x.test"), "create", "", 11)
            .unwrap();
        store
            .record_applied(b, Some("2"), &user("u1", "b@x.test"), "create", "", 11)
            .unwrap();
        assert_eq!(
            store
                .object("a", "u1")
                .unwrap()
                .unwrap()
                .target_id
                .as_deref(),
            Some("1")
        );
        assert_eq!(
            store
                .object("b", "u1")
                .unwrap()
                .unwrap()
                .target_id
                .as_deref(),
            Some("2")
        );
    }

    #[test]
    fn damaged_json_is_an_error_naming_file_and_object() {
        let (_dir, store) = temp_store();
        let run = store.begin_run("p", RunMode::Apply, 10).unwrap();
        store
            .record_applied(run, Some("1"), &user("u1", "a@x.test"), "create", "", 11)
            .unwrap();
        store
            .conn
            .execute("UPDATE objects SET desired = '{broken'", [])
            .unwrap();
        let err = store.objects("p").unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
        assert!(text.contains(&store.path().display().to_string()), "{text}");
        assert!(text.contains("\"u1\""), "{text}");
    }

    #[test]
    fn the_same_object_applied_twice_is_one_row() {
        // A resumed run re-applies what it had not recorded, and may record
        // the same change twice if killed between recording and finishing.
        let (_dir, store) = temp_store();
        let first = store.begin_run("p", RunMode::Apply, 10).unwrap();
        store
            .record_applied(first, Some("s1"), &user("u1", "a@x.test"), "create", "", 11)
            .unwrap();
        let second = store.begin_run("p", RunMode::Apply, 20).unwrap();
        store
            .record_applied(
                second,
                Some("s1"),
                &user("u1", "a@x.test"),
                "create",
                "",
                21,
            )
            .unwrap();
        assert_eq!(store.objects("p").unwrap().len(), 1);
        assert_eq!(count(&store, "objects"), 1);
        assert_eq!(count(&store, "audit"), 2, "each run audits what it applied");
    }
}
