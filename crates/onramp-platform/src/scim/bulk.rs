//! SCIM Bulk (RFC 7644 §3.7): many writes in one request.
//!
//! Where the platform's ServiceProviderConfig says `bulk.supported`, the
//! sync sends its creates, updates, deactivations and membership changes as
//! bulk requests of at most `maxOperations` operations and `maxPayloadSize`
//! bytes ([`chunk_operations`]), with `failOnErrors` unset so that one
//! operation's failure (a 409) is that object's only. Each operation's
//! answer is matched back to it ([`ScimClient::bulk`]), so the engine
//! records every object exactly as it does for single requests.
//!
//! A bulk request is not idempotent as a whole: when its answer is lost
//! (a reset after sending, a timeout, a 5xx), part of it may have been
//! applied. [`ScimClient::bulk`] therefore retries only what certainly did
//! not reach the platform (a 429, a refused connection) and otherwise
//! returns [`ScimError::AnswerLost`]; the caller reads back what it created
//! and sends only what is still missing.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use super::client::{ScimClient, create_body};
use super::error::ScimError;
use super::model::{PatchOp, Resource};
use super::retry::{Failure, is_retryable_status, with_retry};

/// The BulkRequest message schema.
pub const BULK_REQUEST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

/// Used when the platform announces Bulk without `maxOperations`.
const DEFAULT_MAX_OPERATIONS: u64 = 100;
/// Used when the platform announces Bulk without `maxPayloadSize`.
const DEFAULT_MAX_PAYLOAD: u64 = 1024 * 1024;

/// The HTTP method of one bulk operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkMethod {
    /// Create.
    Post,
    /// Replace.
    Put,
    /// Modify.
    Patch,
    /// Delete.
    Delete,
}

impl BulkMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// One operation of a bulk request, serialised once (its size counts
/// against `maxPayloadSize`).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOperation {
    /// The method.
    pub method: BulkMethod,
    /// The resource path, `/Users` or `/Groups/{id}`.
    pub path: String,
    /// The `bulkId` of a POST, which later operations of the same request
    /// reference as `bulkId:{id}`.
    pub bulk_id: Option<String>,
    json: Vec<u8>,
}

impl BulkOperation {
    /// POST of `resource` under `bulk_id`.
    pub fn create<T: Resource>(bulk_id: &str, resource: &T) -> Result<Self, ScimError> {
        Self::build(
            BulkMethod::Post,
            format!("/{}", T::ENDPOINT),
            Some(bulk_id.to_owned()),
            None,
            Some(create_body(resource)?),
        )
    }

    /// PATCH of the resource `id` (with the `version` as `If-Match`).
    pub fn patch<T: Resource>(
        id: &str,
        patch: &PatchOp,
        version: Option<&str>,
    ) -> Result<Self, ScimError> {
        let data = serde_json::to_value(patch).map_err(|e| ScimError::Decode {
            what: "PatchOp".to_owned(),
            message: e.to_string(),
        })?;
        Self::build(
            BulkMethod::Patch,
            format!("/{}/{id}", T::ENDPOINT),
            None,
            version,
            Some(data),
        )
    }

    /// DELETE of the resource `id`.
    pub fn delete<T: Resource>(id: &str) -> Result<Self, ScimError> {
        Self::build(
            BulkMethod::Delete,
            format!("/{}/{id}", T::ENDPOINT),
            None,
            None,
            None,
        )
    }

    fn build(
        method: BulkMethod,
        path: String,
        bulk_id: Option<String>,
        version: Option<&str>,
        data: Option<Value>,
    ) -> Result<Self, ScimError> {
        let mut op = serde_json::Map::new();
        op.insert("method".to_owned(), json!(method.as_str()));
        op.insert("path".to_owned(), json!(path));
        if let Some(b) = &bulk_id {
            op.insert("bulkId".to_owned(), json!(b));
        }
        if let Some(v) = version {
            op.insert("version".to_owned(), json!(v));
        }
        if let Some(d) = data {
            op.insert("data".to_owned(), d);
        }
        let json = serde_json::to_vec(&Value::Object(op)).map_err(|e| ScimError::Decode {
            what: "bulk operation".to_owned(),
            message: e.to_string(),
        })?;
        Ok(Self {
            method,
            path,
            bulk_id,
            json,
        })
    }

    /// The body of a bulk request carrying `ops` (`failOnErrors` unset).
    pub fn request_body(ops: &[BulkOperation]) -> Vec<u8> {
        let parts: Vec<&[u8]> = ops.iter().map(|o| o.json.as_slice()).collect();
        envelope(&parts)
    }

    /// Its size in the request body, in bytes.
    pub fn encoded_len(&self) -> usize {
        self.json.len()
    }
}

/// The answer to one operation.
#[derive(Debug)]
pub struct BulkOutcome {
    /// The operation's HTTP status.
    pub status: u16,
    /// The id of the resource (the last segment of `location`).
    pub id: Option<String>,
    /// Its new version, when the platform said.
    pub version: Option<String>,
    /// The error, for a status of 400 or more.
    pub error: Option<ScimError>,
}

/// How large a bulk request may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkLimits {
    /// Operations per request.
    pub max_operations: usize,
    /// Bytes per request body.
    pub max_payload_bytes: usize,
}

/// The bytes of a request body besides its operations.
fn envelope(ops: &[&[u8]]) -> Vec<u8> {
    let mut body =
        format!("{{\"schemas\":[\"{BULK_REQUEST_SCHEMA}\"],\"Operations\":[").into_bytes();
    for (i, op) in ops.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(op);
    }
    body.extend_from_slice(b"]}");
    body
}

/// Splits `sizes` (each operation's [`BulkOperation::encoded_len`]) into
/// consecutive runs that fit `limits`; returns each run's length. An
/// operation too large for any request gets a run of its own (the platform
/// answers it with a 413, recorded for that object).
pub fn chunk_operations(sizes: &[usize], limits: BulkLimits) -> Vec<usize> {
    let overhead = envelope(&[]).len();
    let mut runs = Vec::new();
    let (mut n, mut bytes) = (0usize, overhead);
    for &size in sizes {
        let extra = size + usize::from(n > 0);
        if n > 0 && (n >= limits.max_operations.max(1) || bytes + extra > limits.max_payload_bytes)
        {
            runs.push(n);
            n = 0;
            bytes = overhead;
        }
        bytes += size + usize::from(n > 0);
        n += 1;
    }
    if n > 0 {
        runs.push(n);
    }
    runs
}

impl ScimClient {
    /// The platform's bulk limits; `None` when it does not offer Bulk.
    pub fn bulk_limits(&self) -> Option<BulkLimits> {
        let c = self.capabilities();
        if !c.bulk {
            return None;
        }
        let ops = c.bulk_max_operations.unwrap_or(DEFAULT_MAX_OPERATIONS);
        let bytes = c.bulk_max_payload_size.unwrap_or(DEFAULT_MAX_PAYLOAD);
        if ops == 0 || bytes == 0 {
            return None;
        }
        Some(BulkLimits {
            max_operations: usize::try_from(ops).unwrap_or(usize::MAX),
            max_payload_bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
        })
    }

    /// Sends `ops` as one bulk request (`failOnErrors` unset) and returns
    /// each operation's answer, in the order of `ops`; `None` for an
    /// operation the answer does not mention. A 429 or a refused connection
    /// is retried per the policy; any other failure after sending is
    /// [`ScimError::AnswerLost`]; an error status for the whole request
    /// (400, 401, 413) is returned as is: nothing was applied.
    pub async fn bulk(&self, ops: &[BulkOperation]) -> Result<Vec<Option<BulkOutcome>>, ScimError> {
        let url = self.url(&["Bulk"], &[])?;
        let body = BulkOperation::request_body(ops);
        let (url, body) = (&url, &body);
        let reply = with_retry(
            &self.policy,
            self.clock.as_ref(),
            &self.jitter,
            || async move {
                match self
                    .attempt(Method::POST, url, Some(body.clone()), None)
                    .await
                {
                    Ok(reply) => Ok(reply),
                    Err(f) if not_sent(&f.error) => Err(f),
                    Err(f) if lost(&f.error) => {
                        Err(Failure::from(ScimError::AnswerLost(Box::new(f.error))))
                    }
                    Err(f) => Err(f),
                }
            },
        )
        .await?;
        parse_bulk_response(&reply.body, ops)
    }
}

/// Certainly not applied: throttled, or the connection never opened.
fn not_sent(e: &ScimError) -> bool {
    match e {
        ScimError::Http { status, .. } => *status == 429,
        ScimError::Transport(t) => t.is_connect(),
        _ => false,
    }
}

/// Maybe applied: a failure after the request may have reached the platform.
fn lost(e: &ScimError) -> bool {
    match e {
        ScimError::Http { status, .. } => is_retryable_status(*status),
        ScimError::Transport(_) => true,
        _ => false,
    }
}

#[derive(Deserialize)]
struct RawResponse {
    #[serde(rename = "Operations", default)]
    operations: Vec<RawOperation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOperation {
    method: Option<String>,
    bulk_id: Option<String>,
    version: Option<String>,
    location: Option<String>,
    status: Option<Value>,
    response: Option<Value>,
}

/// `"201"`, `201`, or the older `{"code": 201}`.
fn status_of(value: Option<&Value>) -> Option<u16> {
    match value? {
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        Value::String(s) => s
            .trim()
            .get(..3)
            .and_then(|d| d.parse().ok())
            .filter(|_| s.trim().len() == 3 || !s.trim().as_bytes()[3].is_ascii_digit()),
        Value::Object(o) => status_of(o.get("code")),
        _ => None,
    }
}

fn last_segment(location: &str) -> Option<String> {
    let path = location.split(['?', '#']).next()?;
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Matches each answered operation to the request's: by `bulkId` for a
/// POST, else by method and the resource id of `location`, else by method
/// in order.
fn parse_bulk_response(
    body: &[u8],
    ops: &[BulkOperation],
) -> Result<Vec<Option<BulkOutcome>>, ScimError> {
    let what = "BulkResponse";
    let value: Value = serde_json::from_slice(body).map_err(|e| ScimError::Decode {
        what: what.to_owned(),
        message: format!("not JSON: {e}"),
    })?;
    let raw: RawResponse =
        serde_path_to_error::deserialize(&value).map_err(|e| ScimError::Decode {
            what: format!("{what}.{}", e.path()),
            message: e.inner().to_string(),
        })?;
    let mut out: Vec<Option<BulkOutcome>> = ops.iter().map(|_| None).collect();
    for (i, answer) in raw.operations.into_iter().enumerate() {
        let status = status_of(answer.status.as_ref()).ok_or_else(|| ScimError::Decode {
            what: format!("{what}.Operations[{i}].status"),
            message: "missing or not an HTTP status".to_owned(),
        })?;
        let id = answer.location.as_deref().and_then(last_segment);
        let method = answer.method.as_deref().map(str::to_ascii_uppercase);
        let free = |j: usize| out[j].is_none();
        let same_method = |j: usize| {
            method
                .as_deref()
                .is_none_or(|m| m == ops[j].method.as_str())
        };
        let slot = match answer.bulk_id.as_deref() {
            Some(b) => (0..ops.len()).find(|&j| free(j) && ops[j].bulk_id.as_deref() == Some(b)),
            None => (0..ops.len())
                .find(|&j| {
                    free(j)
                        && same_method(j)
                        && ops[j].bulk_id.is_none()
                        && id
                            .as_deref()
                            .is_some_and(|id| last_segment(&ops[j].path).as_deref() == Some(id))
                })
                .or_else(|| {
                    (0..ops.len()).find(|&j| free(j) && same_method(j) && ops[j].bulk_id.is_none())
                }),
        };
        let Some(slot) = slot else {
            tracing::warn!(
                index = i,
                "a bulk answer matches no operation sent; ignored"
            );
            continue;
        };
        let error = (status >= 400).then(|| {
            let body = answer
                .response
                .as_ref()
                .map(|r| serde_json::to_vec(r).unwrap_or_default())
                .unwrap_or_default();
            ScimError::from_response(status, &body)
        });
        out[slot] = Some(BulkOutcome {
            status,
            id,
            version: answer.version,
            error,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::model::ScimUser;

    fn ops() -> Vec<BulkOperation> {
        let user = ScimUser {
            user_name: "a@x".into(),
            ..ScimUser::default()
        };
        vec![
            BulkOperation::create("u1", &user).unwrap(),
            BulkOperation::patch::<ScimUser>(
                "id-2",
                &PatchOp::new().replace("active", json!(false)),
                Some("W/\"3\""),
            )
            .unwrap(),
            BulkOperation::delete::<ScimUser>("id-3").unwrap(),
            BulkOperation::create("u4", &user).unwrap(),
        ]
    }

    #[test]
    fn operations_serialise_as_rfc_7644_says() {
        let ops = ops();
        let v: Value = serde_json::from_slice(&ops[1].json).unwrap();
        assert_eq!(v["method"], "PATCH");
        assert_eq!(v["path"], "/Users/id-2");
        assert_eq!(v["version"], "W/\"3\"");
        assert_eq!(
            v["data"]["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:PatchOp"
        );
        let v: Value = serde_json::from_slice(&ops[0].json).unwrap();
        assert_eq!(
            (v["method"].as_str(), v["bulkId"].as_str()),
            (Some("POST"), Some("u1"))
        );
        assert!(v["data"].get("id").is_none());
        let body: Value = serde_json::from_slice(&envelope(&[&ops[0].json, &ops[2].json])).unwrap();
        assert_eq!(body["schemas"][0], BULK_REQUEST_SCHEMA);
        assert_eq!(body["Operations"].as_array().map(Vec::len), Some(2));
        assert!(body.get("failOnErrors").is_none());
    }

    #[test]
    fn chunks_respect_both_limits_exactly() {
        let overhead = envelope(&[]).len();
        let limits = BulkLimits {
            max_operations: 3,
            max_payload_bytes: overhead + 100 + 1 + 100,
        };
        // Two 100-byte ops fit with their comma; a third would not.
        assert_eq!(
            chunk_operations(&[100, 100, 100, 100, 100], limits),
            vec![2, 2, 1]
        );
        let small = BulkLimits {
            max_operations: 3,
            max_payload_bytes: 1 << 20,
        };
        assert_eq!(chunk_operations(&[1; 7], small), vec![3, 3, 1]);
        // Too large for any request: alone.
        assert_eq!(chunk_operations(&[10, 5000, 10], limits), vec![1, 1, 1]);
        assert!(chunk_operations(&[], small).is_empty());
        // The body of a chunk is exactly within the payload limit.
        let ops = ops();
        let sizes: Vec<usize> = ops.iter().map(BulkOperation::encoded_len).collect();
        let tight = BulkLimits {
            max_operations: 10,
            max_payload_bytes: overhead + sizes[0] + 1 + sizes[1],
        };
        let runs = chunk_operations(&sizes, tight);
        assert_eq!(runs[0], 2);
        let parts: Vec<&[u8]> = ops[..2].iter().map(|o| o.json.as_slice()).collect();
        assert_eq!(envelope(&parts).len(), tight.max_payload_bytes);
    }

    #[test]
    fn answers_are_matched_by_bulk_id_location_and_order() {
        let body = br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[
            {"method":"POST","bulkId":"u4","status":"409","response":{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"taken"}},
            {"method":"DELETE","location":"https://p/v2/Users/id-3","status":204},
            {"method":"post","bulkId":"u1","location":"https://p/v2/Users/new-1","version":"W/\"1\"","status":"201"},
            {"method":"PATCH","status":{"code":200}}
        ]}"#;
        let out = parse_bulk_response(body, &ops()).unwrap();
        let first = out[0].as_ref().unwrap();
        assert_eq!((first.status, first.id.as_deref()), (201, Some("new-1")));
        assert_eq!(first.version.as_deref(), Some("W/\"1\""));
        assert_eq!(out[1].as_ref().unwrap().status, 200);
        assert_eq!(out[2].as_ref().unwrap().status, 204);
        let conflict = out[3].as_ref().unwrap().error.as_ref().unwrap();
        assert!(conflict.is_uniqueness_conflict(), "{conflict}");
    }

    #[test]
    fn unanswered_operations_and_malformed_answers() {
        let out = parse_bulk_response(br#"{"Operations":[{"method":"POST","bulkId":"u1","status":"201","location":"/v2/Users/x"}]}"#, &ops()).unwrap();
        assert!(out[0].is_some() && out[1].is_none() && out[2].is_none() && out[3].is_none());
        for (body, needle) in [
            (&b"<html>"[..], "not JSON"),
            (
                br#"{"Operations":[{"method":"POST","bulkId":"u1"}]}"#,
                "Operations[0].status",
            ),
            (
                br#"{"Operations":[{"status":"created"}]}"#,
                "Operations[0].status",
            ),
            (br#"{"Operations":{"a":1}}"#, "Operations"),
        ] {
            let e = parse_bulk_response(body, &ops()).unwrap_err();
            assert!(e.to_string().contains(needle), "{e}");
        }
        assert_eq!(status_of(Some(&json!("200 OK"))), Some(200));
        assert_eq!(status_of(Some(&json!("2000"))), None);
    }
}
