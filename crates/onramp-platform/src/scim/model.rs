//! The SCIM resources Onramp provisions (RFC 7643) and the messages around
//! them (RFC 7644): users, groups, list responses and PATCH requests.
//!
//! The types model what the sync engine sets and reads; every attribute they
//! do not name is kept in `extra` (serde `flatten`), so reading a user and
//! writing it back with PUT does not silently erase attributes someone else
//! set on the platform. Parsing names the field that is wrong
//! (`User.emails[0].primary`), and a resource without an `id` is an error,
//! because an object the client cannot address cannot be updated.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::ScimError;

/// The core User schema URN.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema URN.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension URN.
pub const ENTERPRISE_USER_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The PATCH request message URN.
pub const PATCH_OP_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// The list response message URN.
pub const LIST_RESPONSE_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// A SCIM User.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimUser {
    /// The schema URNs; filled in when the client writes the user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// The platform's id; `None` before creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Onramp's key for the user: the source's immutable id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The unique sign-in name.
    #[serde(default)]
    pub user_name: String,
    /// The name parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Email addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<MultiValue>,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone_numbers: Vec<MultiValue>,
    /// Whether the user may sign in.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt_bool"
    )]
    pub active: Option<bool>,
    /// The enterprise extension.
    #[serde(
        default,
        rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        skip_serializing_if = "Option::is_none"
    )]
    pub enterprise: Option<EnterpriseUser>,
    /// Server-maintained metadata, including the ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Every other attribute, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user's name parts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    /// The full name as displayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// The family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// The given name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Other name parts (middleName, honorificPrefix, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One value of a multi-valued attribute such as `emails`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MultiValue {
    /// The value (an address, a number).
    #[serde(default)]
    pub value: String,
    /// The label, e.g. `work`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether this is the primary value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient_opt_bool"
    )]
    pub primary: Option<bool>,
    /// Other sub-attributes (display, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The enterprise User extension.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseUser {
    /// The department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The employee number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    /// Other attributes (manager, organization, costCenter, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A SCIM Group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimGroup {
    /// The schema URNs; filled in when the client writes the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<String>,
    /// The platform's id; `None` before creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Onramp's key for the group: the source's immutable id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The group's name.
    #[serde(default)]
    pub display_name: String,
    /// The members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
    /// Server-maintained metadata, including the ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// Every other attribute, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A group member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The member's platform id.
    pub value: String,
    /// The member's display name, if the platform sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// Server-maintained metadata (RFC 7643 §3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// `User` or `Group`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// When the resource was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Its ETag, e.g. `W/"3694e05e9dff591"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// `true`/`false`, or the strings `"True"`/`"false"` some peers send.
fn lenient_opt_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Text(t)) if t.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(B::Text(t)) if t.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(B::Text(t)) => Err(serde::de::Error::custom(format!(
            "expected true or false, found \"{t}\""
        ))),
    }
}

/// A resource type the client reads and writes.
pub trait Resource: DeserializeOwned + Serialize + Clone + Send {
    /// The resource type, `User` or `Group`, for error messages.
    const KIND: &'static str;
    /// The endpoint below the base URL, `Users` or `Groups`.
    const ENDPOINT: &'static str;
    /// The core schema URN.
    const SCHEMA: &'static str;
    /// The platform's id.
    fn id(&self) -> Option<&str>;
    /// The ETag, from `meta.version`.
    fn etag(&self) -> Option<&str>;
    /// Rejects a resource the client cannot work with, naming the field.
    fn validate(&self) -> Result<(), ScimError>;
}

fn require(kind: &str, field: &str, value: Option<&str>) -> Result<(), ScimError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(()),
        _ => Err(ScimError::Decode {
            what: format!("{kind}.{field}"),
            message: "missing or empty".to_owned(),
        }),
    }
}

impl Resource for ScimUser {
    const KIND: &'static str = "User";
    const ENDPOINT: &'static str = "Users";
    const SCHEMA: &'static str = USER_SCHEMA;
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn etag(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.version.as_deref())
    }
    fn validate(&self) -> Result<(), ScimError> {
        require(Self::KIND, "id", self.id.as_deref())?;
        require(Self::KIND, "userName", Some(&self.user_name))
    }
}

impl Resource for ScimGroup {
    const KIND: &'static str = "Group";
    const ENDPOINT: &'static str = "Groups";
    const SCHEMA: &'static str = GROUP_SCHEMA;
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn etag(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.version.as_deref())
    }
    fn validate(&self) -> Result<(), ScimError> {
        require(Self::KIND, "id", self.id.as_deref())?;
        for (i, m) in self.members.iter().enumerate() {
            require(Self::KIND, &format!("members[{i}].value"), Some(&m.value))?;
        }
        Ok(())
    }
}

fn decode_value<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, ScimError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ScimError::Decode {
            what: if path == "." {
                what.to_owned()
            } else {
                format!("{what}.{path}")
            },
            message: e.inner().to_string(),
        }
    })
}

fn json(what: &str, body: &[u8]) -> Result<Value, ScimError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| ScimError::Decode {
        what: what.to_owned(),
        message: format!("not JSON: {e}"),
    })?;
    if !value.is_object() {
        return Err(ScimError::Decode {
            what: what.to_owned(),
            message: "expected a JSON object".to_owned(),
        });
    }
    Ok(value)
}

/// Parses one resource sent by the platform (a GET, POST or PUT answer).
pub fn parse_resource<T: Resource>(body: &[u8]) -> Result<T, ScimError> {
    let value = json(T::KIND, body)?;
    let resource: T = decode_value(T::KIND, value)?;
    resource.validate()?;
    Ok(resource)
}

/// One page of a list or search answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    /// Matches in all pages (`totalResults`), if the platform said.
    pub total_results: Option<u64>,
    /// The 1-based index of the first resource on this page.
    pub start_index: u64,
    /// The resources on this page.
    pub resources: Vec<T>,
}

impl<T> ListPage<T> {
    /// The `startIndex` of the next page, or `None` when this was the last:
    /// the page was empty, or `startIndex + itemsPerPage > totalResults`.
    /// The next index counts the resources actually received, so a server
    /// that returns fewer than asked is not skipped over.
    pub fn next_start_index(&self) -> Option<u64> {
        if self.resources.is_empty() {
            return None;
        }
        let next = self.start_index.saturating_add(self.resources.len() as u64);
        match self.total_results {
            Some(total) if next > total => None,
            _ => Some(next),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawList {
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    total_results: Option<u64>,
    #[serde(default, deserialize_with = "lenient_opt_u64")]
    start_index: Option<u64>,
    #[serde(default, rename = "Resources")]
    resources: Option<Vec<Value>>,
}

/// A count as a number, or as a numeric string.
fn lenient_opt_u64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        Num(u64),
        Text(String),
    }
    match Option::<N>::deserialize(d)? {
        None => Ok(None),
        Some(N::Num(n)) => Ok(Some(n)),
        Some(N::Text(t)) => t.trim().parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!("expected a non-negative integer, found \"{t}\""))
        }),
    }
}

/// Parses a ListResponse page; `requested_start` is the `startIndex` the
/// client asked for, used when the platform leaves it out.
pub fn parse_list_page<T: Resource>(
    body: &[u8],
    requested_start: u64,
) -> Result<ListPage<T>, ScimError> {
    let what = "ListResponse";
    let raw: RawList = decode_value(what, json(what, body)?)?;
    let mut resources = Vec::new();
    for (i, item) in raw.resources.unwrap_or_default().into_iter().enumerate() {
        let what = format!("{what}.Resources[{i}]");
        let resource: T = decode_value(&what, item)?;
        resource.validate().map_err(|e| match e {
            ScimError::Decode { what: w, message } => ScimError::Decode {
                what: format!("{what} ({w})"),
                message,
            },
            other => other,
        })?;
        resources.push(resource);
    }
    Ok(ListPage {
        total_results: raw.total_results,
        start_index: raw
            .start_index
            .filter(|s| *s >= 1)
            .unwrap_or(requested_start),
        resources,
    })
}

/// The operation of one PATCH step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchKind {
    /// Add values (to a multi-valued attribute) or set an unset one.
    Add,
    /// Remove the values the path selects.
    Remove,
    /// Replace the value.
    Replace,
}

/// One step of a PATCH request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchOperation {
    /// What to do.
    pub op: PatchKind,
    /// The attribute path, e.g. `members[value eq "…"]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value to add or replace with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// A PATCH request body (RFC 7644 §3.5.2), built step by step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatchOp {
    schemas: [&'static str; 1],
    #[serde(rename = "Operations")]
    operations: Vec<PatchOperation>,
}

impl Default for PatchOp {
    fn default() -> Self {
        Self::new()
    }
}

impl PatchOp {
    /// An empty request.
    pub fn new() -> Self {
        Self {
            schemas: [PATCH_OP_SCHEMA],
            operations: Vec::new(),
        }
    }

    /// Adds `value` at `path`.
    pub fn add(mut self, path: impl Into<String>, value: Value) -> Self {
        self.operations.push(PatchOperation {
            op: PatchKind::Add,
            path: Some(path.into()),
            value: Some(value),
        });
        self
    }

    /// Replaces the value at `path` with `value`.
    pub fn replace(mut self, path: impl Into<String>, value: Value) -> Self {
        self.operations.push(PatchOperation {
            op: PatchKind::Replace,
            path: Some(path.into()),
            value: Some(value),
        });
        self
    }

    /// Removes what `path` selects.
    pub fn remove(mut self, path: impl Into<String>) -> Self {
        self.operations.push(PatchOperation {
            op: PatchKind::Remove,
            path: Some(path.into()),
            value: None,
        });
        self
    }

    /// The steps so far.
    pub fn operations(&self) -> &[PatchOperation] {
        &self.operations
    }

    /// Whether there are no steps.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: &[u8] = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id":"2819c223","externalId":"guid-1","userName":"bjensen@example.com",
        "name":{"givenName":"Barbara","familyName":"Jensen","formatted":"Ms. Barbara J Jensen","middleName":"J"},
        "displayName":"Babs","emails":[{"value":"bjensen@example.com","type":"work","primary":true}],
        "phoneNumbers":[{"value":"555-555-8377","type":"work"}],"active":"False","nickName":"Babs",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations","manager":{"value":"26118915"}},
        "meta":{"resourceType":"User","version":"W/\"3694e05e9dff591\"","location":"https://x/Users/2819c223"}}"#;

    #[test]
    fn parses_a_full_user_and_keeps_unknown_attributes() {
        let u: ScimUser = parse_resource(USER).unwrap();
        assert_eq!(u.id.as_deref(), Some("2819c223"));
        assert_eq!(u.external_id.as_deref(), Some("guid-1"));
        assert_eq!(u.user_name, "bjensen@example.com");
        let name = u.name.as_ref().unwrap();
        assert_eq!(name.given_name.as_deref(), Some("Barbara"));
        assert_eq!(name.extra["middleName"], "J");
        assert_eq!(u.emails[0].primary, Some(true));
        assert_eq!(u.emails[0].kind.as_deref(), Some("work"));
        assert_eq!(u.phone_numbers[0].value, "555-555-8377");
        assert_eq!(u.active, Some(false));
        let ent = u.enterprise.as_ref().unwrap();
        assert_eq!(ent.department.as_deref(), Some("Tour Operations"));
        assert_eq!(ent.extra["manager"]["value"], "26118915");
        assert_eq!(u.etag(), Some("W/\"3694e05e9dff591\""));
        assert_eq!(u.extra["nickName"], "Babs");
        // Written back, the unknown attributes are still there.
        let back = serde_json::to_value(&u).unwrap();
        assert_eq!(back["nickName"], "Babs");
        assert_eq!(back["name"]["middleName"], "J");
        assert_eq!(
            back["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"],
            "26118915"
        );
    }

    fn decode_err<T: Resource + std::fmt::Debug>(body: &[u8]) -> (String, String) {
        match parse_resource::<T>(body) {
            Err(ScimError::Decode { what, message }) => (what, message),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_users_name_the_field() {
        let (what, _) = decode_err::<ScimUser>(br#"{"userName":"x"}"#);
        assert_eq!(what, "User.id");
        let (what, _) = decode_err::<ScimUser>(br#"{"id":"","userName":"x"}"#);
        assert_eq!(what, "User.id");
        let (what, _) = decode_err::<ScimUser>(br#"{"id":"1"}"#);
        assert_eq!(what, "User.userName");
        let (what, msg) = decode_err::<ScimUser>(br#"{"id":"1","userName":"x","active":"maybe"}"#);
        assert_eq!(what, "User.active", "{msg}");
        let (what, _) = decode_err::<ScimUser>(
            br#"{"id":"1","userName":"x","emails":[{"value":"a","primary":3}]}"#,
        );
        assert_eq!(what, "User.emails[0].primary");
        let (what, _) = decode_err::<ScimUser>(br#"{"id":1,"userName":"x"}"#);
        assert_eq!(what, "User.id");
        let (what, _) = decode_err::<ScimUser>(br#"{"id":"1","userName":"x","emails":"a@b"}"#);
        assert_eq!(what, "User.emails");
        let (what, msg) = decode_err::<ScimUser>(b"<html>oops</html>");
        assert_eq!(what, "User");
        assert!(msg.contains("not JSON"), "{msg}");
        let (what, _) = decode_err::<ScimUser>(b"[]");
        assert_eq!(what, "User");
    }

    #[test]
    fn parses_groups_and_rejects_bad_members() {
        let g: ScimGroup = parse_resource(
            br#"{"id":"g1","displayName":"Eng","externalId":"e","members":[{"value":"u1","display":"A","$ref":"https://x/Users/u1"},{"value":"u2"}],"meta":{"version":"W/\"2\""}}"#,
        )
        .unwrap();
        assert_eq!(g.members.len(), 2);
        assert_eq!(g.members[0].display.as_deref(), Some("A"));
        assert_eq!(g.etag(), Some("W/\"2\""));
        let (what, _) = decode_err::<ScimGroup>(
            br#"{"id":"g1","displayName":"x","members":[{"display":"A"}]}"#,
        );
        assert_eq!(what, "Group.members[0]");
        let (what, _) =
            decode_err::<ScimGroup>(br#"{"id":"g1","displayName":"x","members":[{"value":""}]}"#);
        assert_eq!(what, "Group.members[0].value");
    }

    #[test]
    fn list_pages_and_their_end() {
        let p: ListPage<ScimUser> = parse_list_page(
            br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,"startIndex":1,"itemsPerPage":2,
                "Resources":[{"id":"1","userName":"a"},{"id":"2","userName":"b"}]}"#,
            1,
        )
        .unwrap();
        assert_eq!(p.resources.len(), 2);
        assert_eq!(p.next_start_index(), Some(3));
        let last: ListPage<ScimUser> = parse_list_page(
            br#"{"totalResults":"5","startIndex":5,"itemsPerPage":1,"Resources":[{"id":"5","userName":"e"}]}"#,
            5,
        )
        .unwrap();
        assert_eq!(last.next_start_index(), None);
        // No Resources at all (count=0 or no match): done.
        let empty: ListPage<ScimUser> = parse_list_page(br#"{"totalResults":0}"#, 1).unwrap();
        assert!(empty.resources.is_empty());
        assert_eq!(empty.next_start_index(), None);
        // A server lying about the total still ends on an empty page.
        let lying: ListPage<ScimUser> =
            parse_list_page(br#"{"totalResults":1000000,"Resources":[]}"#, 7).unwrap();
        assert_eq!(lying.next_start_index(), None);
        // Missing startIndex: the one asked for.
        let p: ListPage<ScimUser> =
            parse_list_page(br#"{"Resources":[{"id":"9","userName":"z"}]}"#, 9).unwrap();
        assert_eq!((p.start_index, p.next_start_index()), (9, Some(10)));
    }

    #[test]
    fn malformed_list_pages_name_the_field() {
        let err = |body: &[u8]| match parse_list_page::<ScimUser>(body, 1) {
            Err(ScimError::Decode { what, .. }) => what,
            other => panic!("{other:?}"),
        };
        assert_eq!(err(br#"{"totalResults":-1}"#), "ListResponse.totalResults");
        assert_eq!(
            err(br#"{"Resources":{"id":"1"}}"#),
            "ListResponse.Resources"
        );
        assert_eq!(
            err(br#"{"Resources":[{"id":"1","userName":"a"},{"id":"2","userName":"b","active":7}]}"#),
            "ListResponse.Resources[1].active"
        );
        assert_eq!(
            err(br#"{"Resources":[{"userName":"a"}]}"#),
            "ListResponse.Resources[0] (User.id)"
        );
        assert_eq!(err(b"null"), "ListResponse");
    }

    #[test]
    fn patch_op_serialises_per_rfc() {
        let op = PatchOp::new()
            .add("members", json!([{"value": "u1"}]))
            .remove(r#"members[value eq "u2"]"#)
            .replace("active", json!(false));
        assert_eq!(
            serde_json::to_value(&op).unwrap(),
            json!({"schemas": [PATCH_OP_SCHEMA], "Operations": [
                {"op": "add", "path": "members", "value": [{"value": "u1"}]},
                {"op": "remove", "path": "members[value eq \"u2\"]"},
                {"op": "replace", "path": "active", "value": false}]})
        );
        assert_eq!(op.operations().len(), 3);
        assert!(PatchOp::new().is_empty());
    }
}
