//! Search result entries, decoded once and without copies.
//!
//! ldap3's `SearchEntry::construct` copies every value into a new `String`,
//! files each attribute in one of two `HashMap`s (text or binary, decided
//! per value by whether it happens to be UTF-8), and panics on an entry
//! that does not have the shape RFC 4511 gives it. A sync reads every user
//! and every group membership of the directory — 100,000 users and 300,000
//! member values are ordinary — so those copies and hashes are most of what
//! a read costs, and a panic would take the whole run down for one bad
//! answer.
//!
//! [`Entry::decode`] instead moves the values out of the BER tree ldap3 has
//! already decoded (no copy), keeps the handful of attributes an entry has in
//! the order the server sent them (found by a short linear scan, names
//! compared without regard to case), leaves every value as bytes until a
//! caller asks for text or binary, and answers a malformed entry with a
//! [`MalformedEntry`] error.

use ldap3::ResultEntry;
use ldap3::asn1::{PL, StructureTag, TagClass};

/// The protocol op tag of a SearchResultEntry (`[APPLICATION 4]`).
const SEARCH_RESULT_ENTRY: u64 = 4;

/// A search result entry whose BER structure is not what RFC 4511 says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the server sent a malformed search result entry: {0}")]
pub struct MalformedEntry(&'static str);

/// One attribute of an entry: its description as the server sent it
/// (`member`, or `member;range=0-1499` on AD) and its values as bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute description, options included.
    pub description: String,
    /// The values, in the server's order.
    pub values: Vec<Vec<u8>>,
}

impl Attribute {
    /// The description without options (`member` of `member;range=0-*`).
    pub fn name(&self) -> &str {
        self.description
            .split_once(';')
            .map_or(self.description.as_str(), |(name, _)| name)
    }

    /// The values that are UTF-8 text, in order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.values
            .iter()
            .filter_map(|v| std::str::from_utf8(v).ok())
    }
}

/// A search result entry: its DN and attributes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// The entry's DN as the server spelled it.
    pub dn: String,
    /// The attributes, in the server's order.
    pub attributes: Vec<Attribute>,
}

impl Entry {
    /// Takes a SearchResultEntry apart, moving its DN and values out of the
    /// decoded BER tree.
    pub fn decode(entry: ResultEntry) -> Result<Self, MalformedEntry> {
        Self::from_op(entry.0)
    }

    /// [`Entry::decode`] from the protocol op itself.
    fn from_op(op: StructureTag) -> Result<Self, MalformedEntry> {
        if op.class != TagClass::Application || op.id != SEARCH_RESULT_ENTRY {
            return Err(MalformedEntry("not a SearchResultEntry"));
        }
        let mut parts = constructed(op, "the entry is not a sequence")?.into_iter();
        let dn = parts
            .next()
            .ok_or(MalformedEntry("the entry has no DN"))
            .and_then(|t| primitive(t, "the DN is not an octet string"))
            .and_then(|b| utf8(b, "the DN is not UTF-8"))?;
        let list = parts
            .next()
            .ok_or(MalformedEntry("the entry has no attribute list"))
            .and_then(|t| constructed(t, "the attribute list is not a sequence"))?;
        let mut attributes = Vec::with_capacity(list.len());
        for partial in list {
            let mut pieces = constructed(partial, "an attribute is not a sequence")?.into_iter();
            let description = pieces
                .next()
                .ok_or(MalformedEntry("an attribute has no type"))
                .and_then(|t| primitive(t, "an attribute type is not an octet string"))
                .and_then(|b| utf8(b, "an attribute type is not UTF-8"))?;
            let values = pieces
                .next()
                .ok_or(MalformedEntry("an attribute has no value set"))
                .and_then(|t| constructed(t, "an attribute's values are not a set"))?
                .into_iter()
                .map(|v| primitive(v, "an attribute value is not an octet string"))
                .collect::<Result<Vec<_>, _>>()?;
            attributes.push(Attribute {
                description,
                values,
            });
        }
        Ok(Self { dn, attributes })
    }

    /// The attribute whose description is exactly `description` (options
    /// included), compared without regard to case.
    pub fn attribute(&self, description: &str) -> Option<&Attribute> {
        self.position(description).map(|i| &self.attributes[i])
    }

    fn position(&self, description: &str) -> Option<usize> {
        self.attributes
            .iter()
            .position(|a| a.description.eq_ignore_ascii_case(description))
    }

    /// The values of `description`; none when the entry lacks it.
    pub fn values(&self, description: &str) -> &[Vec<u8>] {
        self.attribute(description)
            .map_or(&[], |a| a.values.as_slice())
    }

    /// The text values of `description`, in order (values that are not
    /// UTF-8 are left out).
    pub fn texts(&self, description: &str) -> Vec<String> {
        self.attribute(description)
            .map(|a| a.texts().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// The first value of `description` that is non-blank UTF-8 text, trimmed.
    pub fn text(&self, description: &str) -> Option<&str> {
        self.attribute(description)?
            .texts()
            .map(str::trim)
            .find(|s| !s.is_empty())
    }

    /// [`Entry::text`], moved out of the entry (no copy unless trimming
    /// is needed); the attribute is left without values.
    pub fn take_text(&mut self, description: &str) -> Option<String> {
        let i = self.position(description)?;
        std::mem::take(&mut self.attributes[i].values)
            .into_iter()
            .filter_map(|v| String::from_utf8(v).ok())
            .find(|s| !s.trim().is_empty())
            .map(|s| {
                if s.len() == s.trim().len() {
                    s
                } else {
                    s.trim().to_owned()
                }
            })
    }

    /// The first value of `description` as bytes, text or not (objectGUID,
    /// objectSid: binary values that may happen to be valid UTF-8).
    pub fn binary(&self, description: &str) -> Option<&[u8]> {
        self.values(description).first().map(Vec::as_slice)
    }

    /// Whether the entry carries an attribute named `name`, with or without
    /// options (`member`, `member;range=0-1499`).
    pub fn has_named(&self, name: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.name().eq_ignore_ascii_case(name))
    }
}

fn constructed(tag: StructureTag, what: &'static str) -> Result<Vec<StructureTag>, MalformedEntry> {
    match tag.payload {
        PL::C(inner) => Ok(inner),
        PL::P(_) => Err(MalformedEntry(what)),
    }
}

fn primitive(tag: StructureTag, what: &'static str) -> Result<Vec<u8>, MalformedEntry> {
    match tag.payload {
        PL::P(bytes) => Ok(bytes),
        PL::C(_) => Err(MalformedEntry(what)),
    }
}

fn utf8(bytes: Vec<u8>, what: &'static str) -> Result<String, MalformedEntry> {
    String::from_utf8(bytes).map_err(|_| MalformedEntry(what))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Entries built by hand, for the unit tests of the code that reads them.
    use super::{Attribute, Entry};

    /// An entry with text attributes.
    pub(crate) fn entry(dn: &str, attrs: &[(&str, &[&str])]) -> Entry {
        Entry {
            dn: dn.to_owned(),
            attributes: attrs
                .iter()
                .map(|(name, values)| Attribute {
                    description: (*name).to_owned(),
                    values: values.iter().map(|v| v.as_bytes().to_vec()).collect(),
                })
                .collect(),
        }
    }

    /// Adds a binary attribute.
    pub(crate) fn with_binary(mut entry: Entry, name: &str, value: &[u8]) -> Entry {
        entry.attributes.push(Attribute {
            description: name.to_owned(),
            values: vec![value.to_vec()],
        });
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::testing::entry;
    use super::*;

    fn octets(bytes: &[u8]) -> StructureTag {
        StructureTag {
            class: TagClass::Universal,
            id: 4,
            payload: PL::P(bytes.to_vec()),
        }
    }

    fn seq(class: TagClass, id: u64, inner: Vec<StructureTag>) -> StructureTag {
        StructureTag {
            class,
            id,
            payload: PL::C(inner),
        }
    }

    fn wire_entry(dn: &[u8], attrs: Vec<StructureTag>) -> StructureTag {
        seq(
            TagClass::Application,
            4,
            vec![octets(dn), seq(TagClass::Universal, 16, attrs)],
        )
    }

    fn partial(name: &str, values: &[&[u8]]) -> StructureTag {
        seq(
            TagClass::Universal,
            16,
            vec![
                octets(name.as_bytes()),
                seq(
                    TagClass::Universal,
                    17,
                    values.iter().map(|v| octets(v)).collect(),
                ),
            ],
        )
    }

    #[test]
    fn decodes_text_and_binary_values_in_order() {
        let guid: &[u8] = &[
            0x90, 0x39, 0x5F, 0x19, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        ];
        let e = Entry::from_op(wire_entry(
            b"CN=Ann,DC=x",
            vec![
                partial("mail", &[b"  ", b" ann@x.y "]),
                partial("objectGUID", &[guid]),
                partial("member;range=0-1499", &[b"CN=A", b"CN=B"]),
            ],
        ))
        .unwrap();
        assert_eq!(e.dn, "CN=Ann,DC=x");
        assert_eq!(e.text("MAIL"), Some("ann@x.y"));
        assert_eq!(e.binary("objectguid"), Some(guid));
        assert_eq!(e.text("objectGUID"), None, "not UTF-8");
        assert!(e.has_named("member") && e.attribute("member").is_none());
        assert_eq!(e.values("member;range=0-1499").len(), 2);
        assert_eq!(e.texts("member;RANGE=0-1499"), ["CN=A", "CN=B"]);
        assert!(e.values("sn").is_empty());
    }

    #[test]
    fn take_text_moves_the_first_non_blank_value() {
        let mut e = entry("CN=X", &[("sn", &["", " Able "]), ("cn", &["Ann"])]);
        assert_eq!(e.take_text("sn").as_deref(), Some("Able"));
        assert_eq!(e.take_text("sn"), None, "taken");
        assert_eq!(e.take_text("CN").as_deref(), Some("Ann"));
        assert_eq!(e.take_text("mail"), None);
    }

    #[test]
    fn malformed_entries_are_errors_not_panics() {
        let not_entry = seq(TagClass::Application, 5, vec![]);
        assert!(Entry::from_op(not_entry).is_err());
        let primitive_op = StructureTag {
            class: TagClass::Application,
            id: 4,
            payload: PL::P(vec![1]),
        };
        assert!(Entry::from_op(primitive_op).is_err());
        let no_attrs = seq(TagClass::Application, 4, vec![octets(b"CN=X")]);
        assert!(Entry::from_op(no_attrs).is_err());
        assert!(
            Entry::from_op(wire_entry(&[0xFF, 0xFE], vec![])).is_err(),
            "DN not UTF-8"
        );
        let bad_attr = wire_entry(b"CN=X", vec![octets(b"mail")]);
        assert!(Entry::from_op(bad_attr).is_err());
        let no_values = wire_entry(
            b"CN=X",
            vec![seq(TagClass::Universal, 16, vec![octets(b"mail")])],
        );
        assert!(Entry::from_op(no_values).is_err());
        let nested_value = wire_entry(
            b"CN=X",
            vec![seq(
                TagClass::Universal,
                16,
                vec![
                    octets(b"mail"),
                    seq(
                        TagClass::Universal,
                        17,
                        vec![seq(TagClass::Universal, 16, vec![])],
                    ),
                ],
            )],
        );
        let err = Entry::from_op(nested_value).unwrap_err();
        assert!(err.to_string().contains("value is not an octet string"));
    }

    #[test]
    fn an_entry_without_attributes_is_fine() {
        let e = Entry::from_op(wire_entry(b"CN=X", vec![])).unwrap();
        assert!(e.attributes.is_empty());
        assert_eq!(e.text("cn"), None);
    }
}
