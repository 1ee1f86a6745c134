//! A group's member values as read, kept until every user is known.
//!
//! The group search runs while the user search is still going, so a member
//! DN cannot be looked up when it arrives. The values are normalised on the
//! group search's sink thread (the costly part) and packed back to back in
//! one string per group: 300,000 member DNs take their bytes plus an offset
//! each, not 300,000 heap strings. [`super::groups::GroupsRead::resolve`]
//! looks them up once the users are in.

use super::entry::{lowercase_uid_into, normalize_dn_into, strip_optional_uid};

/// Strings packed into one buffer.
#[derive(Debug, Default)]
struct Packed {
    text: String,
    ends: Vec<usize>,
}

impl Packed {
    fn push(&mut self, value: &str) {
        self.text.push_str(value);
        self.ends.push(self.text.len());
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let value = &self.text[start..end];
            start = end;
            value
        })
    }
}

/// The member values of one group: normalised DNs (`member`,
/// `uniqueMember`) and lower-cased uids (`memberUid`).
#[derive(Debug, Default)]
pub(super) struct Members {
    dns: Packed,
    uids: Packed,
}

impl Members {
    /// Adds one value of `attribute`. `scratch` is a buffer the caller
    /// keeps across calls.
    pub(super) fn add(&mut self, attribute: &str, value: &str, scratch: &mut String) {
        if attribute.eq_ignore_ascii_case("memberUid") {
            lowercase_uid_into(value.trim(), scratch);
            self.uids.push(scratch);
        } else {
            normalize_dn_into(strip_optional_uid(value), scratch);
            self.dns.push(scratch);
        }
    }

    /// The normalised member DNs, in the order read.
    pub(super) fn dns(&self) -> impl Iterator<Item = &str> {
        self.dns.iter()
    }

    /// The lower-cased member uids, in the order read.
    pub(super) fn uids(&self) -> impl Iterator<Item = &str> {
        self.uids.iter()
    }

    /// Whether there are `memberUid` values.
    pub(super) fn has_uids(&self) -> bool {
        !self.uids.ends.is_empty()
    }

    /// How many values there are, DNs and uids.
    pub(super) fn len(&self) -> usize {
        self.dns.ends.len() + self.uids.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::entry::normalize_dn;
    use super::*;

    #[test]
    fn values_come_back_normalised_in_order() {
        let mut m = Members::default();
        let mut scratch = String::new();
        m.add("member", "cn=Ann, ou=STAFF,dc=x,dc=y", &mut scratch);
        m.add(
            "uniqueMember",
            "UID=bo,ou=people,dc=x,dc=y#'01'B",
            &mut scratch,
        );
        m.add("memberUid", " BO ", &mut scratch);
        m.add("memberUID", "Ärger", &mut scratch);
        m.add("member", "", &mut scratch);
        m.add("member", "CN=Sales\\2C EMEA,DC=x,DC=y", &mut scratch);
        assert_eq!(
            m.dns().collect::<Vec<_>>(),
            [
                normalize_dn("cn=ann,ou=staff,dc=x,dc=y").as_str(),
                "uid=bo,ou=people,dc=x,dc=y",
                "",
                normalize_dn("cn=sales\\, emea,dc=x,dc=y").as_str(),
            ]
        );
        assert_eq!(m.uids().collect::<Vec<_>>(), ["bo", "ärger"]);
    }

    #[test]
    fn an_empty_list_yields_nothing() {
        let m = Members::default();
        assert_eq!(m.dns().count() + m.uids().count(), 0);
    }
}
