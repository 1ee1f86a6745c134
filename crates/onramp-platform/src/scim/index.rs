//! The platform's users and groups, indexed the way adopt-or-create asks.
//!
//! Built from a complete [`super::listing::Listing`], an index answers the
//! questions the per-object look-ups used to ask the server: is there a user
//! with this `externalId`, else one with this `userName` (compared
//! case-insensitively, as SCIM compares `userName`), is there a group with
//! this `externalId`, and what does the platform hold for this id. Several
//! matches are [`ScimError::Ambiguous`], exactly as a look-up finding two
//! would be.

use std::collections::HashMap;

use super::error::ScimError;
use super::filter;
use super::model::{ScimGroup, ScimUser};

/// The platform's users by `externalId`, lower-cased `userName` and id.
#[derive(Debug, Default)]
pub struct UserIndex {
    users: Vec<ScimUser>,
    by_external_id: HashMap<String, Vec<usize>>,
    by_user_name: HashMap<String, Vec<usize>>,
    by_id: HashMap<String, usize>,
}

impl UserIndex {
    /// Indexes `users` (as read by a complete listing).
    pub fn new(users: Vec<ScimUser>) -> Self {
        let mut index = Self::default();
        for (i, u) in users.iter().enumerate() {
            if let Some(e) = u.external_id.as_deref().filter(|e| !e.is_empty()) {
                index
                    .by_external_id
                    .entry(e.to_owned())
                    .or_default()
                    .push(i);
            }
            index
                .by_user_name
                .entry(u.user_name.to_lowercase())
                .or_default()
                .push(i);
            if let Some(id) = u.id.as_deref() {
                index.by_id.insert(id.to_owned(), i);
            }
        }
        index.users = users;
        index
    }

    /// The platform user this one would be: by `externalId`, else by
    /// `userName`; what [`super::ScimClient::ensure_user`]'s look-ups find.
    pub fn find(
        &self,
        external_id: Option<&str>,
        user_name: &str,
    ) -> Result<Option<&ScimUser>, ScimError> {
        if let Some(e) = external_id
            && let Some(found) = one(&self.users, &self.by_external_id, e, "externalId")?
        {
            return Ok(Some(found));
        }
        one(
            &self.users,
            &self.by_user_name,
            &user_name.to_lowercase(),
            "userName",
        )
    }

    /// The platform user with this id.
    pub fn get(&self, id: &str) -> Option<&ScimUser> {
        self.by_id.get(id).map(|&i| &self.users[i])
    }
}

/// The platform's groups by `externalId`.
#[derive(Debug, Default)]
pub struct GroupIndex {
    groups: Vec<ScimGroup>,
    by_external_id: HashMap<String, Vec<usize>>,
}

impl GroupIndex {
    /// Indexes `groups` (as read by a complete listing).
    pub fn new(groups: Vec<ScimGroup>) -> Self {
        let mut by_external_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, g) in groups.iter().enumerate() {
            if let Some(e) = g.external_id.as_deref().filter(|e| !e.is_empty()) {
                by_external_id.entry(e.to_owned()).or_default().push(i);
            }
        }
        Self {
            groups,
            by_external_id,
        }
    }

    /// The group with this `externalId`.
    pub fn find(&self, external_id: &str) -> Result<Option<&ScimGroup>, ScimError> {
        one(
            &self.groups,
            &self.by_external_id,
            external_id,
            "externalId",
        )
    }
}

fn one<'a, T>(
    items: &'a [T],
    map: &HashMap<String, Vec<usize>>,
    key: &str,
    attribute: &str,
) -> Result<Option<&'a T>, ScimError> {
    match map.get(key).map(Vec::as_slice) {
        None | Some([]) => Ok(None),
        Some([i]) => Ok(Some(&items[*i])),
        Some(many) => Err(ScimError::Ambiguous {
            filter: filter::eq(attribute, key),
            matches: many.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, external_id: Option<&str>, user_name: &str) -> ScimUser {
        ScimUser {
            id: Some(id.into()),
            external_id: external_id.map(Into::into),
            user_name: user_name.into(),
            ..ScimUser::default()
        }
    }

    #[test]
    fn finds_by_external_id_then_case_insensitive_user_name() {
        let index = UserIndex::new(vec![
            user("1", Some("guid-a"), "ann@x"),
            user("2", None, "Bob@X"),
        ]);
        let id = |u: Option<&ScimUser>| u.and_then(|u| u.id.clone());
        assert_eq!(
            id(index.find(Some("guid-a"), "other@x").unwrap()),
            Some("1".into())
        );
        assert_eq!(
            id(index.find(Some("guid-b"), "bob@x").unwrap()),
            Some("2".into())
        );
        assert_eq!(id(index.find(None, "BOB@x").unwrap()), Some("2".into()));
        assert_eq!(index.find(Some("guid-c"), "carl@x").unwrap(), None);
        assert_eq!(index.get("2").map(|u| u.user_name.as_str()), Some("Bob@X"));
        assert!(index.get("3").is_none());
    }

    #[test]
    fn two_matches_are_ambiguous_as_a_look_up_would_be() {
        let index = UserIndex::new(vec![
            user("1", Some("guid"), "a@x"),
            user("2", Some("guid"), "b@x"),
            user("3", None, "C@x"),
            user("4", None, "c@X"),
        ]);
        let e = index.find(Some("guid"), "a@x").unwrap_err();
        assert!(matches!(e, ScimError::Ambiguous { matches: 2, .. }), "{e}");
        let e = index.find(None, "c@x").unwrap_err();
        assert!(e.to_string().contains("userName eq \"c@x\""), "{e}");
        let groups = GroupIndex::new(vec![
            ScimGroup {
                id: Some("g".into()),
                external_id: Some("e".into()),
                ..ScimGroup::default()
            },
            ScimGroup {
                id: Some("h".into()),
                ..ScimGroup::default()
            },
        ]);
        assert_eq!(
            groups.find("e").unwrap().and_then(|g| g.id.as_deref()),
            Some("g")
        );
        assert!(groups.find("f").unwrap().is_none());
    }
}
