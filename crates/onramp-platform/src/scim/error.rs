//! What can go wrong talking SCIM, as data the sync engine can branch on.
//!
//! The sync engine needs to tell apart "this one user is a duplicate" (409
//! `uniqueness`: adopt it), "someone else changed it" (412: read and retry),
//! "the platform is down" (retries exhausted: fail the run, keep the state)
//! and "the platform sent garbage" (a decode error naming the field). A
//! transport error keeps the `reqwest::Error` as its source so the TLS
//! classification of [`onramp_base::tls::CertificateProblem::find`] still works on
//! it.

use serde::Deserialize;

/// The most of a non-JSON error body kept as its `detail`.
const MAX_DETAIL_CHARS: usize = 300;

/// A failed SCIM call.
#[derive(Debug, thiserror::Error)]
pub enum ScimError {
    /// The request did not get an HTTP answer (DNS, TCP, TLS, timeout,
    /// connection reset).
    #[error("SCIM request failed: {0}")]
    Transport(#[source] reqwest::Error),
    /// The platform answered with an error status.
    #[error("the platform answered HTTP {status}{}{}",
        scim_type.as_ref().map(|t| format!(" ({t})")).unwrap_or_default(),
        detail.as_ref().map(|d| format!(": {d}")).unwrap_or_default())]
    Http {
        /// The HTTP status.
        status: u16,
        /// The RFC 7644 §3.12 `scimType`, e.g. `uniqueness`.
        scim_type: Option<String>,
        /// The error's `detail`, or the start of a non-JSON body.
        detail: Option<String>,
    },
    /// The platform's answer is not the SCIM payload expected.
    #[error("the platform's answer is not valid SCIM: {what}: {message}")]
    Decode {
        /// Which payload or field, e.g. `User.emails[0].primary`.
        what: String,
        /// What is wrong with it.
        message: String,
    },
    /// `If-Match` did not match: the resource changed since it was read (412).
    #[error("the resource changed on the platform since it was read (412 Precondition Failed)")]
    PreconditionFailed,
    /// Every attempt failed with an error worth retrying.
    #[error("gave up after {attempts} attempts: {last}")]
    RetriesExhausted {
        /// How many requests were sent.
        attempts: u32,
        /// The last attempt's error.
        #[source]
        last: Box<ScimError>,
    },
    /// The answer was larger than the client accepts.
    #[error("the platform's answer exceeds {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A lookup that must match at most one resource matched several.
    #[error("{matches} resources match {filter}; expected at most one")]
    Ambiguous {
        /// The SCIM filter.
        filter: String,
        /// How many matched.
        matches: usize,
    },
    /// The server kept returning pages past the client's page cap.
    #[error("the list did not end after {pages} pages")]
    TooManyPages {
        /// The cap that was reached.
        pages: u32,
    },
    /// The API credential cannot be sent as an HTTP header (it contains
    /// characters such as a line break).
    #[error("the API credential contains characters not allowed in an HTTP header; store it again")]
    InvalidCredential,
    /// The operation needs a feature the platform does not offer.
    #[error("the platform does not support {0}")]
    Unsupported(&'static str),
    /// A bulk request was sent but its answer is unknown (a reset, a
    /// timeout, a 5xx): some of its operations may have been applied.
    /// Resolve by reading back, never by sending it again blindly.
    #[error("the bulk request's answer was lost; the platform may have applied part of it: {0}")]
    AnswerLost(#[source] Box<ScimError>),
    /// The base URL cannot have SCIM paths appended.
    #[error("{url} cannot be used as a SCIM base URL: {reason}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
}

impl ScimError {
    /// The HTTP status, if the platform answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Http { status, .. } => Some(*status),
            Self::PreconditionFailed => Some(412),
            Self::RetriesExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// Whether this is a 409 `uniqueness` conflict (the object already
    /// exists on the platform: adopt it instead of creating it).
    pub fn is_uniqueness_conflict(&self) -> bool {
        matches!(self, Self::Http { status: 409, scim_type, .. }
            if scim_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case("uniqueness")))
    }

    /// Builds the error for a non-2xx answer from its status and body.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        if status == 412 {
            return Self::PreconditionFailed;
        }
        let (scim_type, detail) = parse_error_body(body);
        Self::Http {
            status,
            scim_type,
            detail,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawError {
    scim_type: Option<serde_json::Value>,
    detail: Option<serde_json::Value>,
}

/// `scimType` and `detail` of an RFC 7644 §3.12 error body. A non-JSON body
/// (a proxy's HTML page) gives its first characters as the detail; `status`
/// in the body is ignored (the HTTP status is authoritative, and servers
/// send it as a string or a number).
fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    match serde_json::from_slice::<RawError>(body) {
        Ok(raw) => (text(raw.scim_type), text(raw.detail)),
        Err(_) => {
            let s = String::from_utf8_lossy(body);
            let s = s.trim();
            if s.is_empty() {
                (None, None)
            } else {
                let short: String = s
                    .chars()
                    .take(MAX_DETAIL_CHARS)
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                (None, Some(short))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rfc_error_with_string_status() {
        let e = ScimError::from_response(
            409,
            br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"taken"}"#,
        );
        assert!(e.is_uniqueness_conflict());
        match e {
            ScimError::Http {
                status,
                scim_type,
                detail,
            } => {
                assert_eq!(status, 409);
                assert_eq!(scim_type.as_deref(), Some("uniqueness"));
                assert_eq!(detail.as_deref(), Some("taken"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tolerates_numeric_status_and_odd_types() {
        let e = ScimError::from_response(
            400,
            br#"{"status":400,"scimType":"invalidFilter","detail":7}"#,
        );
        match e {
            ScimError::Http {
                status: 400,
                scim_type,
                detail,
            } => {
                assert_eq!(scim_type.as_deref(), Some("invalidFilter"));
                assert_eq!(detail.as_deref(), Some("7"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tolerates_non_json_and_empty_bodies() {
        let e = ScimError::from_response(502, b"<html>\n<h1>502 Bad Gateway</h1></html>");
        match &e {
            ScimError::Http {
                status: 502,
                scim_type: None,
                detail: Some(d),
            } => assert!(d.contains("502 Bad Gateway") && !d.contains('\n'), "{d}"),
            other => panic!("{other:?}"),
        }
        assert!(!e.is_uniqueness_conflict());
        let e = ScimError::from_response(500, b"");
        assert!(matches!(
            e,
            ScimError::Http {
                status: 500,
                scim_type: None,
                detail: None
            }
        ));
        let long = vec![b'x'; 10_000];
        match ScimError::from_response(500, &long) {
            ScimError::Http {
                detail: Some(d), ..
            } => assert_eq!(d.len(), MAX_DETAIL_CHARS),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn precondition_failed_is_its_own_variant() {
        let e = ScimError::from_response(412, br#"{"status":"412","detail":"changed"}"#);
        assert!(matches!(e, ScimError::PreconditionFailed));
        assert_eq!(e.status(), Some(412));
    }

    #[test]
    fn conflict_of_another_kind_is_not_uniqueness() {
        let e = ScimError::from_response(409, br#"{"status":"409","scimType":"mutability"}"#);
        assert!(!e.is_uniqueness_conflict());
    }
}
