//! Delta cursors: where the last complete read of a source ended, so the
//! next read asks only for what changed.
//!
//! The store does not interpret them; each source picks its keys. Active
//! Directory keeps the invocationId and highestCommittedUSN per domain
//! controller (a changed invocationId means the DC was restored, and the
//! USN no longer means anything: read everything again); OpenLDAP keeps
//! contextCSN or the latest modifyTimestamp; Graph keeps its deltaLink.
//! The sync engine sets them only after a run applied everything up to
//! them, so a killed run reads the same changes again.

use rusqlite::{OptionalExtension, params};

use super::{At, StateStore, StoreError};

impl StateStore {
    /// The cursor `key` of `profile`, if one was set.
    pub fn cursor(&self, profile: &str, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM cursors WHERE profile = ?1 AND key = ?2",
                [profile, key],
                |r| r.get(0),
            )
            .optional()
            .at(&self.path)
    }

    /// Sets (or replaces) the cursor `key` of `profile`.
    pub fn set_cursor(&self, profile: &str, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO cursors (profile, key, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (profile, key) DO UPDATE SET value = excluded.value",
                params![profile, key, value],
            )
            .at(&self.path)?;
        Ok(())
    }

    /// Forgets every cursor of `profile`, so its next read is a full one
    /// (after a DC restore, a changed base DN or filter).
    pub fn clear_cursors(&self, profile: &str) -> Result<(), StoreError> {
        self.conn
            .execute("DELETE FROM cursors WHERE profile = ?1", [profile])
            .at(&self.path)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::temp_store;

    #[test]
    fn set_replace_and_clear() {
        let (_dir, store) = temp_store();
        assert_eq!(store.cursor("p", "dc1.usn").unwrap(), None);
        store.set_cursor("p", "dc1.invocation_id", "3f2c…").unwrap();
        store.set_cursor("p", "dc1.usn", "1000").unwrap();
        store.set_cursor("p", "dc1.usn", "1200").unwrap();
        store.set_cursor("q", "dc1.usn", "7").unwrap();
        assert_eq!(
            store.cursor("p", "dc1.usn").unwrap().as_deref(),
            Some("1200")
        );
        assert_eq!(
            store.cursor("p", "dc1.invocation_id").unwrap().as_deref(),
            Some("3f2c…")
        );
        store.clear_cursors("p").unwrap();
        assert_eq!(store.cursor("p", "dc1.usn").unwrap(), None);
        assert_eq!(store.cursor("p", "dc1.invocation_id").unwrap(), None);
        assert_eq!(store.cursor("q", "dc1.usn").unwrap().as_deref(), Some("7"));
    }

    #[test]
    fn cursors_survive_reopening() {
        let (_dir, store) = temp_store();
        store
            .set_cursor(
                "p",
                "contextCSN",
                "20250101000000.000000Z#000000#000#000000",
            )
            .unwrap();
        let path = store.path().to_owned();
        drop(store);
        let store = super::StateStore::open(&path).unwrap();
        assert!(store.cursor("p", "contextCSN").unwrap().is_some());
    }
}
