//! A store that keeps secrets in memory, for tests and dry runs.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Secret, SecretError, SecretName, SecretStore};

/// Secrets held in process memory; gone when the process exits.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<SecretName, Secret>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SecretName, Secret>> {
        // A poisoned lock only means another thread panicked mid-operation on
        // a HashMap, which leaves it consistent; keep going.
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn describe(&self) -> String {
        "in-memory store".to_owned()
    }

    fn get(&self, name: &SecretName) -> Result<Secret, SecretError> {
        self.lock()
            .get(name)
            .cloned()
            .ok_or_else(|| SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            })
    }

    fn set(&self, name: &SecretName, value: &Secret) -> Result<(), SecretError> {
        self.lock().insert(name.clone(), value.clone());
        Ok(())
    }

    fn delete(&self, name: &SecretName) -> Result<(), SecretError> {
        self.lock()
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete() {
        let store = MemoryStore::new();
        let name = SecretName::new("k").unwrap();
        assert!(matches!(
            store.get(&name),
            Err(SecretError::NotFound { .. })
        ));
        store.set(&name, &Secret::new("v".into())).unwrap();
        assert_eq!(store.get(&name).unwrap().expose(), "v");
        store.delete(&name).unwrap();
        assert!(matches!(
            store.delete(&name),
            Err(SecretError::NotFound { .. })
        ));
    }
}
