//! The SCIM ServiceProviderConfig (RFC 7643 §5): what the platform supports.

use serde::{Deserialize, Serialize};

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

/// What the platform's SCIM service supports, as the sync engine needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// PATCH is supported (else updates use PUT).
    pub patch: bool,
    /// Bulk is supported.
    pub bulk: bool,
    /// Bulk's maximum operations per request.
    pub bulk_max_operations: Option<u64>,
    /// Bulk's maximum payload in bytes.
    pub bulk_max_payload_size: Option<u64>,
    /// Filtering is supported.
    pub filter: bool,
    /// The most results a filtered query returns.
    pub filter_max_results: Option<u64>,
    /// ETags are supported.
    pub etag: bool,
    /// Sorting is supported.
    pub sort: bool,
    /// The authentication schemes the platform lists.
    pub authentication_schemes: Vec<String>,
}

/// The answer is not a usable ServiceProviderConfig.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpcError {
    /// Not JSON at all.
    #[error("the answer is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not a ServiceProviderConfig.
    #[error("the answer is JSON but not a SCIM ServiceProviderConfig: {0}")]
    NotScim(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpc {
    #[serde(default)]
    schemas: Vec<String>,
    patch: Option<Supported>,
    bulk: Option<RawBulk>,
    filter: Option<RawFilter>,
    etag: Option<Supported>,
    sort: Option<Supported>,
    #[serde(default)]
    authentication_schemes: Vec<RawScheme>,
}

#[derive(Deserialize)]
struct Supported {
    #[serde(deserialize_with = "lenient_bool")]
    supported: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBulk {
    #[serde(deserialize_with = "lenient_bool")]
    supported: bool,
    max_operations: Option<u64>,
    max_payload_size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawFilter {
    #[serde(deserialize_with = "lenient_bool")]
    supported: bool,
    max_results: Option<u64>,
}

#[derive(Deserialize)]
struct RawScheme {
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
}

/// Some SCIM services send `"true"` as a string; accept both forms.
fn lenient_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    match B::deserialize(d)? {
        B::Bool(b) => Ok(b),
        B::Text(t) if t.eq_ignore_ascii_case("true") => Ok(true),
        B::Text(t) if t.eq_ignore_ascii_case("false") => Ok(false),
        B::Text(t) => Err(serde::de::Error::custom(format!(
            "expected true or false, found \"{t}\""
        ))),
    }
}

/// Parses a ServiceProviderConfig body.
pub fn parse_service_provider_config(body: &[u8]) -> Result<Capabilities, SpcError> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| SpcError::NotJson(e.to_string()))?;
    if !value.is_object() {
        return Err(SpcError::NotScim("expected a JSON object".to_owned()));
    }
    let raw: RawSpc = serde_path_to_error::deserialize(&value)
        .map_err(|e| SpcError::NotScim(format!("field `{}`: {}", e.path(), e.inner())))?;
    let declares_schema = raw.schemas.iter().any(|s| s == SPC_SCHEMA);
    if !declares_schema && raw.patch.is_none() && raw.filter.is_none() {
        return Err(SpcError::NotScim(format!(
            "it neither declares the schema {SPC_SCHEMA} nor describes patch or filter support"
        )));
    }
    Ok(Capabilities {
        patch: raw.patch.is_some_and(|p| p.supported),
        bulk: raw.bulk.as_ref().is_some_and(|b| b.supported),
        bulk_max_operations: raw.bulk.as_ref().and_then(|b| b.max_operations),
        bulk_max_payload_size: raw.bulk.as_ref().and_then(|b| b.max_payload_size),
        filter: raw.filter.as_ref().is_some_and(|f| f.supported),
        filter_max_results: raw.filter.as_ref().and_then(|f| f.max_results),
        etag: raw.etag.is_some_and(|e| e.supported),
        sort: raw.sort.is_some_and(|s| s.supported),
        authentication_schemes: raw
            .authentication_schemes
            .into_iter()
            .filter_map(|s| s.kind.or(s.name))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let body = br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch":{"supported":true},"bulk":{"supported":true,"maxOperations":1000,"maxPayloadSize":1048576},
            "filter":{"supported":true,"maxResults":1000},"changePassword":{"supported":false},
            "sort":{"supported":"true"},"etag":{"supported":true},
            "authenticationSchemes":[{"type":"oauthbearertoken","name":"OAuth Bearer Token"}]}"#;
        let c = parse_service_provider_config(body).unwrap();
        assert!(c.patch && c.bulk && c.filter && c.etag && c.sort);
        assert_eq!(c.bulk_max_operations, Some(1000));
        assert_eq!(c.filter_max_results, Some(1000));
        assert_eq!(c.authentication_schemes, vec!["oauthbearertoken"]);
    }

    #[test]
    fn minimal_config_defaults_to_unsupported() {
        let c = parse_service_provider_config(
            br#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"]}"#,
        )
        .unwrap();
        assert!(!c.patch && !c.bulk && !c.etag);
    }

    #[test]
    fn rejects_what_is_not_a_config() {
        let cases: [&[u8]; 6] = [
            b"<html>login</html>",
            b"",
            b"[1,2]",
            br#"{"status":"ok"}"#,
            br#"{"patch":{"supported":"maybe"}}"#,
            br#"{"patch":{"supported":true},"bulk":{"supported":true,"maxOperations":-1}}"#,
        ];
        for body in cases {
            assert!(
                parse_service_provider_config(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let e = parse_service_provider_config(br#"{"patch":{"supported":"maybe"}}"#).unwrap_err();
        assert!(e.to_string().contains("patch.supported"), "{e}");
    }
}
