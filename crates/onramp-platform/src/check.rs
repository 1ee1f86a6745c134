//! `onramp target check`: can Onramp provision into this platform?
//!
//! Three checks in order, each skipped when the one before failed:
//! `target.connect` (DNS, TCP, TLS with a verified certificate),
//! `target.auth` (the credential is accepted), and `target.scim` (the URL is a
//! SCIM 2.0 service, and what it supports).

use std::time::Duration;

use reqwest::StatusCode;
use url::Url;

use super::auth::{AuthError, authorization};
use super::spc::parse_service_provider_config;
use onramp_base::check::{CheckReport, CheckResult, CheckStatus};
use onramp_base::http::{HttpClient, http_client, resolve, transport_failure};
use onramp_profile::{Target, TargetAuth};
use onramp_secrets::{SecretError, SecretStore};

pub(crate) const CONNECT: &str = "target.connect";
pub(crate) const AUTH: &str = "target.auth";
pub(crate) const SCIM: &str = "target.scim";
/// Every target check id, in the order [`check_target`] runs them.
pub const CHECK_IDS: [&str; 3] = [CONNECT, AUTH, SCIM];
const CA_KEY: &str = "target.ca_file";
/// A certificate expiring sooner than this is a warning.
const EXPIRY_WARNING: Duration = Duration::from_secs(30 * 24 * 3600);

/// Runs the target checks. `now_unix` is the current time, passed in so the
/// expiry warning is testable.
pub async fn check_target(
    target: &Target,
    secrets: &dyn SecretStore,
    now_unix: i64,
) -> CheckReport {
    let mut checks = Vec::new();
    let spc_url = spc_url(&target.url);
    let http = match http_client(target.ca_file.as_deref(), Duration::from_secs(15)) {
        Ok(h) => h,
        Err(e) => {
            checks.push(
                CheckResult::fail(CONNECT, format!("cannot set up TLS: {e}"))
                    .remediation([format!("Fix or remove {CA_KEY} in the profile.")]),
            );
            return skip_rest(checks);
        }
    };
    let connect = connect(&http, &spc_url, now_unix).await;
    let connected = connect.status != CheckStatus::Fail;
    checks.push(connect);
    if !connected {
        return skip_rest(checks);
    }

    let header = match authorization(target, secrets, &http).await {
        Ok(h) => h,
        Err(e) => {
            checks.push(auth_failure(target, &e, &http));
            return skip_rest(checks);
        }
    };
    // The ServiceProviderConfig may be public (RFC 7644 lets it be), so the
    // credential is tested on /Users, which always needs it.
    let users_url = users_probe_url(&target.url);
    let answer = match get(&http, &users_url, Some(header.expose())).await {
        Ok(a) => a,
        Err(e) => {
            checks.push(transport_failure(AUTH, &users_url, &e, &http.peer, CA_KEY));
            return skip_rest(checks);
        }
    };
    match answer.status {
        s if s.is_success() => checks.push(
            CheckResult::pass(AUTH, "the platform accepted the API credential")
                .evidence("http_status", s.as_u16())
                .evidence("url", &users_url),
        ),
        StatusCode::UNAUTHORIZED => {
            let mut r = CheckResult::fail(
                AUTH,
                "the platform rejected the API credential (401 Unauthorized)",
            )
            .details(match &target.auth {
                TargetAuth::Bearer { .. } => "The bearer token is wrong, expired or revoked.",
                TargetAuth::Oauth2 { .. } => "The token endpoint issued an access token, but the SCIM API did not accept it: the token may be for another audience or scope.",
            })
            .remediation(credential_remedy(target))
            .evidence("http_status", 401)
            .evidence("url", &users_url);
            if let Some(w) = answer.www_authenticate {
                r = r.evidence("www_authenticate", w);
            }
            if let Some(d) = answer.detail {
                r = r.evidence("scim.detail", d);
            }
            checks.push(r);
            return skip_rest(checks);
        }
        StatusCode::FORBIDDEN => {
            let mut r = CheckResult::fail(
                AUTH,
                "the credential is valid but not allowed to use the SCIM API (403 Forbidden)",
            )
            .remediation([
                "In the platform's console, give the API credential the user-provisioning (SCIM) permission, or create one that has it.".to_owned(),
                "Store the new credential with onramp secret set and run the check again.".to_owned(),
            ])
            .evidence("http_status", 403)
            .evidence("url", &users_url);
            if let Some(d) = answer.detail {
                r = r.evidence("scim.detail", d);
            }
            checks.push(r);
            return skip_rest(checks);
        }
        StatusCode::NOT_FOUND => {
            checks.push(
                CheckResult::skipped(AUTH, "not decided: the URL has no SCIM /Users resource")
                    .evidence("http_status", 404),
            );
            checks.push(not_scim_base(target, &users_url));
            return CheckReport { checks };
        }
        s => {
            let mut r = CheckResult::fail(
                AUTH,
                format!("the platform answered {s} to an authenticated request"),
            )
            .remediation(if s.is_server_error() {
                vec!["The platform had an internal error; try again later, and contact its support if it persists.".to_owned()]
            } else {
                vec![format!("Check target.url in the profile; the server answered {s}.")]
            })
            .evidence("http_status", s.as_u16())
            .evidence("url", &users_url);
            if let Some(d) = answer.detail {
                r = r.evidence("scim.detail", d);
            }
            checks.push(r);
            return skip_rest(checks);
        }
    }

    let answer = match get(&http, &spc_url, Some(header.expose())).await {
        Ok(a) => a,
        Err(e) => {
            checks.push(transport_failure(SCIM, &spc_url, &e, &http.peer, CA_KEY));
            return CheckReport { checks };
        }
    };
    drop(header);
    if answer.status == StatusCode::NOT_FOUND {
        checks.push(not_scim_base(target, &spc_url));
    } else if !answer.status.is_success() {
        checks.push(
            CheckResult::fail(
                SCIM,
                format!("the ServiceProviderConfig answered {}", answer.status),
            )
            .evidence("url", &spc_url)
            .evidence("http_status", answer.status.as_u16()),
        );
    } else {
        checks.push(scim_result(&target.url, &answer.content_type, &answer.body));
    }
    CheckReport { checks }
}

/// What one GET returned.
struct Answer {
    status: StatusCode,
    content_type: String,
    www_authenticate: Option<String>,
    body: Vec<u8>,
    detail: Option<String>,
}

/// The most of a response body read: a ServiceProviderConfig or one user is small.
const MAX_BODY: usize = 1 << 20;

async fn get(
    http: &HttpClient,
    url: &Url,
    authorization: Option<&str>,
) -> Result<Answer, reqwest::Error> {
    let mut request = http.client.get(url.clone()).header(
        reqwest::header::ACCEPT,
        "application/scim+json, application/json",
    );
    if let Some(a) = authorization {
        request = request.header(reqwest::header::AUTHORIZATION, sensitive(a));
    }
    let mut response = request.send().await?;
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
    let www_authenticate = header(reqwest::header::WWW_AUTHENTICATE);
    let status = response.status();
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            body.truncate(MAX_BODY);
            break;
        }
    }
    let detail = scim_error_detail(&body);
    Ok(Answer {
        status,
        content_type,
        www_authenticate,
        body,
        detail,
    })
}

fn users_probe_url(base: &Url) -> Url {
    let mut url = base.clone();
    let path = format!("{}/Users", base.path().trim_end_matches('/'));
    url.set_path(&path);
    url.set_query(Some("startIndex=1&count=1"));
    url
}

fn not_scim_base(target: &Target, url: &Url) -> CheckResult {
    CheckResult::fail(SCIM, format!("no SCIM service at {} (404 Not Found)", target.url))
        .details("The server has no SCIM resource under this URL, so the URL is not the SCIM base.")
        .remediation([
            "Copy the SCIM base URL from the platform's console: the folder that holds /Users and /Groups, often ending in /scim/v2.".to_owned(),
            "Set it as target.url in the profile and run the check again.".to_owned(),
        ])
        .evidence("url", url)
        .evidence("http_status", 404)
}

fn spc_url(base: &Url) -> Url {
    let mut url = base.clone();
    let path = format!(
        "{}/ServiceProviderConfig",
        base.path().trim_end_matches('/')
    );
    url.set_path(&path);
    url.set_query(None);
    url
}

fn sensitive(value: &str) -> reqwest::header::HeaderValue {
    match reqwest::header::HeaderValue::from_str(value) {
        Ok(mut v) => {
            v.set_sensitive(true);
            v
        }
        // A token with characters not allowed in a header fails at the server
        // as a 401, with the remedy of storing it again.
        Err(_) => reqwest::header::HeaderValue::from_static("invalid"),
    }
}

async fn connect(http: &HttpClient, spc_url: &Url, now_unix: i64) -> CheckResult {
    if let Err(r) = resolve(CONNECT, spc_url).await {
        return r;
    }
    let response = match http
        .client
        .get(spc_url.clone())
        .header(
            reqwest::header::ACCEPT,
            "application/scim+json, application/json",
        )
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => return transport_failure(CONNECT, spc_url, &e, &http.peer, CA_KEY),
    };
    let host = spc_url.host_str().unwrap_or_default();
    if response.status().is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)")
            .to_owned();
        return CheckResult::fail(
            CONNECT,
            format!(
                "{host} redirects the SCIM URL elsewhere ({})",
                response.status()
            ),
        )
        .details(
            "Onramp does not follow redirects with credentials; put the final URL in the profile.",
        )
        .remediation([format!(
            "Set target.url to the SCIM base under {location} and run the check again."
        )])
        .evidence("location", location)
        .evidence("http_status", response.status().as_u16());
    }
    if spc_url.scheme() == "http" {
        return CheckResult::new(CONNECT, CheckStatus::Warn, format!("reached {host} over plain HTTP"))
            .details("Plain HTTP is accepted only on this machine (loopback). Use https:// for any other host.")
            .evidence("url", spc_url);
    }
    let mut result = CheckResult::pass(
        CONNECT,
        format!("reached {host} over HTTPS; its certificate is trusted"),
    )
    .evidence("url", spc_url);
    if let Some(info) = http.peer.info() {
        let left = info.not_after_unix - now_unix;
        if left < EXPIRY_WARNING.as_secs() as i64 {
            result.status = CheckStatus::Warn;
            result.summary = format!(
                "reached {host} over HTTPS, but its certificate expires in {} days",
                left.max(0) / 86_400
            );
            result.remediation = vec![format!(
                "Ask the platform's operator to renew the certificate of {host}."
            )];
        }
        result = result.evidence_all(info.evidence()).certificate(info);
    }
    result
}

fn credential_remedy(target: &Target) -> Vec<String> {
    match &target.auth {
        TargetAuth::Bearer { token_secret } => vec![
            "Create a new API token in the platform's console.".to_owned(),
            format!(
                "Store it with: onramp secret set {token_secret}   (paste it on standard input)"
            ),
            "Run the check again.".to_owned(),
        ],
        TargetAuth::Oauth2 { .. } => vec![
            "Check that the API credential is meant for the SCIM API (scope and audience)."
                .to_owned(),
            "Set target.scope in the profile if the platform documents one.".to_owned(),
        ],
    }
}

fn auth_failure(target: &Target, error: &AuthError, http: &HttpClient) -> CheckResult {
    match error {
        AuthError::Secret(SecretError::NotFound { name, store }) => CheckResult::fail(
            AUTH,
            format!("the API credential '{name}' is not in the {store}"),
        )
        .remediation([format!(
            "Store it with: onramp secret set {name}   (paste it on standard input)"
        )]),
        AuthError::Secret(e) => {
            CheckResult::fail(AUTH, format!("cannot read the API credential: {e}"))
        }
        AuthError::Transport(e) => {
            let url = match &target.auth {
                TargetAuth::Oauth2 { token_url, .. } => token_url.clone(),
                TargetAuth::Bearer { .. } => target.url.clone(),
            };
            let mut r = transport_failure(AUTH, &url, e, &http.peer, CA_KEY);
            r.summary = format!("token endpoint: {}", r.summary);
            r
        }
        AuthError::Refused { error, description } => {
            let mut r = CheckResult::fail(
                AUTH,
                format!("the token endpoint refused the client credentials ({error})"),
            )
            .remediation(match error.as_str() {
                "invalid_client" | "unauthorized_client" => vec![
                    "Check target.client_id in the profile.".to_owned(),
                    "Store the client secret again with onramp secret set; it may be wrong or expired.".to_owned(),
                ],
                "invalid_scope" => vec!["Fix or remove target.scope in the profile.".to_owned()],
                _ => vec!["Check the API credential in the platform's console.".to_owned()],
            })
            .evidence("oauth2.error", error);
            if let Some(d) = description {
                r = r.evidence("oauth2.error_description", d);
            }
            r
        }
        AuthError::BadResponse(m) => CheckResult::fail(
            AUTH,
            "the token URL did not answer like an OAuth 2.0 token endpoint",
        )
        .details(m.clone())
        .remediation(["Check target.token_url in the profile.".to_owned()]),
    }
}

fn scim_error_detail(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value
        .get("detail")
        .and_then(|d| d.as_str())
        .map(|d| d.chars().take(300).collect())
}

fn scim_result(base: &Url, content_type: &str, body: &[u8]) -> CheckResult {
    let json = content_type.contains("json");
    match parse_service_provider_config(body) {
        Ok(c) => {
            let mut r = CheckResult::pass(SCIM, format!("{base} is a SCIM 2.0 service"))
                .evidence("patch", c.patch)
                .evidence("bulk", c.bulk)
                .evidence("filter", c.filter)
                .evidence("etag", c.etag)
                .evidence("sort", c.sort)
                .evidence("authentication_schemes", c.authentication_schemes.join(", "));
            if let Some(n) = c.bulk_max_operations {
                r = r.evidence("bulk.max_operations", n);
            }
            if let Some(n) = c.bulk_max_payload_size {
                r = r.evidence("bulk.max_payload_size", n);
            }
            if let Some(n) = c.filter_max_results {
                r = r.evidence("filter.max_results", n);
            }
            let mut notes = Vec::new();
            if !c.filter {
                notes.push("it does not support filtering, so existing users cannot be looked up by userName before creating them");
            }
            if !c.patch {
                notes.push("it does not support PATCH, so updates will replace whole users with PUT");
            }
            if !notes.is_empty() {
                r.status = CheckStatus::Warn;
                r.details = format!("The service works, but {}.", notes.join("; and "));
            }
            r
        }
        Err(e) => CheckResult::fail(SCIM, format!("{base} answered, but not as a SCIM 2.0 service"))
            .details(e.to_string())
            .remediation([
                if json {
                    "Check that target.url is the SCIM base URL (the folder holding /Users and /Groups).".to_owned()
                } else {
                    "The server answered with a web page, not SCIM JSON: target.url probably points at the console or a login page. Use the SCIM base URL.".to_owned()
                },
            ])
            .evidence("content_type", if content_type.is_empty() { "(none)" } else { content_type }),
    }
}

fn skip_rest(mut checks: Vec<CheckResult>) -> CheckReport {
    for id in [CONNECT, AUTH, SCIM] {
        if !checks.iter().any(|c| c.id == id) {
            checks.push(CheckResult::skipped(id, "not run: an earlier check failed"));
        }
    }
    CheckReport { checks }
}
