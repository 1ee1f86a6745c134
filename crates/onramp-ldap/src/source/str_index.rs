//! An index from strings to numbers, packed: the keys back to back in one
//! buffer, and a hash table of where each one lies.
//!
//! A read indexes every user by normalised DN (100,000 keys for 100,000
//! users) to look the groups' member values up once, and then drops the
//! index. As a `HashMap<String, usize>` that is a heap string per key,
//! allocated one by one on the user search's sink thread and freed one by
//! one when the read returns (tens of milliseconds at 100k, on the read's
//! critical path). Packed, it is two allocations whatever the count, and
//! building it copies each key once into the buffer. A lookup touches what
//! the `HashMap` would: the table's slot, then the key's bytes.

use std::hash::BuildHasher;

use hashbrown::HashTable;

/// Where one key lies in the buffer, and the number it maps to.
struct Slot {
    start: usize,
    end: usize,
    value: usize,
}

impl Slot {
    fn key<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    fn is(&self, text: &str, key: &str) -> bool {
        text.as_bytes()[self.start..self.end] == *key.as_bytes()
    }
}

/// Strings mapped to numbers; a key inserted again takes the new number.
#[derive(Default)]
pub(super) struct StrIndex {
    /// Every key, back to back.
    text: String,
    table: HashTable<Slot>,
    hasher: foldhash::fast::RandomState,
}

impl StrIndex {
    /// Maps `key` to `value`, replacing what it mapped to before.
    pub(super) fn insert(&mut self, key: &str, value: usize) {
        let hash = self.hasher.hash_one(key);
        let Self {
            text,
            table,
            hasher,
        } = self;
        if let Some(slot) = table.find_mut(hash, |slot| slot.is(text, key)) {
            slot.value = value;
            return;
        }
        let start = text.len();
        text.push_str(key);
        let slot = Slot {
            start,
            end: text.len(),
            value,
        };
        table.insert_unique(hash, slot, |slot| hasher.hash_one(slot.key(text)));
    }

    /// The number `key` maps to.
    pub(super) fn get(&self, key: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table
            .find(hash, |slot| slot.is(&self.text, key))
            .map(|slot| slot.value)
    }

    /// How many keys there are.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.table.len()
    }

    /// Gives back the room the index grew into but does not use.
    pub(super) fn shrink_to_fit(&mut self) {
        let Self {
            text,
            table,
            hasher,
        } = self;
        text.shrink_to_fit();
        table.shrink_to_fit(|slot| hasher.hash_one(slot.key(text)));
    }
}

impl<K: AsRef<str>> FromIterator<(K, usize)> for StrIndex {
    fn from_iter<I: IntoIterator<Item = (K, usize)>>(pairs: I) -> Self {
        let mut index = StrIndex::default();
        for (k, v) in pairs {
            index.insert(k.as_ref(), v);
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_and_nothing_else() {
        let index: StrIndex = [("cn=a,dc=x", 0), ("", 1), ("cn=ä,dc=x", 2), ("cn=a", 3)]
            .into_iter()
            .collect();
        assert_eq!(index.get("cn=a,dc=x"), Some(0));
        assert_eq!(index.get(""), Some(1), "the empty key is a key");
        assert_eq!(index.get("cn=ä,dc=x"), Some(2));
        assert_eq!(index.get("cn=a"), Some(3), "a prefix of another key");
        assert_eq!(index.get("cn=a,dc=x,dc=y"), None);
        assert_eq!(index.get("CN=A,DC=X"), None, "exact, not case-folded");
        assert_eq!(StrIndex::default().get(""), None);
    }

    #[test]
    fn a_key_inserted_again_takes_the_new_number() {
        let mut index = StrIndex::default();
        index.insert("uid=bo", 4);
        index.insert("uid=cy", 5);
        index.insert("uid=bo", 9);
        assert_eq!(
            (index.get("uid=bo"), index.get("uid=cy")),
            (Some(9), Some(5))
        );
        assert_eq!(index.len(), 2, "stored once");
    }

    #[test]
    fn many_keys_survive_the_table_growing_and_shrinking() {
        let mut index = StrIndex::default();
        for i in 0..20_000 {
            index.insert(&format!("uid=u{i},ou=people,dc=example,dc=org"), i * 3);
        }
        index.shrink_to_fit();
        for i in 0..20_000 {
            let k = format!("uid=u{i},ou=people,dc=example,dc=org");
            assert_eq!(index.get(&k), Some(i * 3), "{k}");
        }
        assert_eq!(index.get("uid=u20000,ou=people,dc=example,dc=org"), None);
        assert_eq!(index.len(), 20_000);
    }
}
