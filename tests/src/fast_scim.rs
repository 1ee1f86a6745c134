//! A fast in-memory SCIM 2.0 service provider on loopback, for benchmarks.
//!
//! Why: scim2-server is a real, conformant server, but it is Python; in a
//! benchmark of the sync's write side its own cost hides the client's. This
//! one answers in microseconds (hyper, HTTP/1.1 keep-alive, hash maps) so
//! what is measured is Onramp. It is still strict where real services are:
//! the bearer token, `userName` uniqueness (case-insensitive, 409
//! `uniqueness`), `If-Match` against `meta.version` (412), group members
//! that must be existing users (400 `invalidValue`), `count` capped at
//! `filter.maxResults`, and Bulk's `maxOperations` and `maxPayloadSize`
//! (413), with `bulkId` references resolved within one request (409 when
//! the referenced POST failed), per RFC 7644 §3.7.
//!
//! Filters supported: `externalId eq "…"`, `userName eq "…"`,
//! `displayName eq "…"`.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};

const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// What the fake announces and enforces.
#[derive(Debug, Clone)]
pub struct FastScimConfig {
    /// Bulk's `maxOperations` and `maxPayloadSize`; `None`: no Bulk.
    pub bulk: Option<(u64, u64)>,
    /// `filter.maxResults`: the most resources per page.
    pub max_results: u64,
}

impl Default for FastScimConfig {
    fn default() -> Self {
        Self {
            bulk: Some((1000, 1024 * 1024)),
            max_results: 1000,
        }
    }
}

#[derive(Default)]
struct Kind {
    by_id: HashMap<String, Value>,
    order: Vec<String>,
}

#[derive(Default)]
struct Store {
    users: Kind,
    groups: Kind,
    user_names: HashMap<String, String>,
    next: u64,
    version: u64,
}

struct Shared {
    config: FastScimConfig,
    token: String,
    store: Mutex<Store>,
}

/// A running fake; stops on drop.
pub struct FastScim {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FastScim {
    /// Starts an empty fake that accepts `Bearer {token}`.
    pub fn start(config: FastScimConfig, token: &str) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fast-scim")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        // Bound here (a caller may itself run inside a runtime), served there.
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        std_listener
            .set_nonblocking(true)
            .map_err(|e| e.to_string())?;
        let addr = std_listener.local_addr().map_err(|e| e.to_string())?;
        let shared = Arc::new(Shared {
            config,
            token: token.to_owned(),
            store: Mutex::new(Store::default()),
        });
        let s = shared.clone();
        runtime.spawn(async move {
            let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else {
                return;
            };
            while let Ok((stream, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let s = s.clone();
                        async move { Ok::<_, Infallible>(handle(&s, req).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Self {
            runtime: Some(runtime),
            addr,
            shared,
        })
    }

    /// `http://127.0.0.1:PORT/v2`
    pub fn base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// How many users and groups it holds.
    pub fn sizes(&self) -> (usize, usize) {
        let store = self.lock();
        (store.users.order.len(), store.groups.order.len())
    }

    /// The group members of every group, summed.
    pub fn memberships(&self) -> usize {
        let store = self.lock();
        store
            .groups
            .by_id
            .values()
            .map(|g| g["members"].as_array().map_or(0, Vec::len))
            .sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.shared.store.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for FastScim {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

type Answer = (u16, Value);

fn error(status: u16, scim_type: Option<&str>, detail: &str) -> Answer {
    let mut body = json!({"schemas": [ERROR], "status": status.to_string(), "detail": detail});
    if let Some(t) = scim_type {
        body["scimType"] = json!(t);
    }
    (status, body)
}

async fn handle(s: &Shared, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let authorized = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {}", s.token));
    let if_match = req
        .headers()
        .get("if-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let (status, value) = if !authorized {
        error(401, None, "missing or wrong bearer token")
    } else {
        let mut store = s.store.lock().unwrap_or_else(|p| p.into_inner());
        route(
            s,
            &mut store,
            &method,
            &path,
            &query,
            &body,
            if_match.as_deref(),
        )
    };
    let bytes = if status == 204 {
        Vec::new()
    } else {
        serde_json::to_vec(&value).unwrap_or_default()
    };
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/scim+json")
        .body(Full::new(Bytes::from(bytes)))
        .unwrap_or_default()
}

fn route(
    s: &Shared,
    store: &mut Store,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
    if_match: Option<&str>,
) -> Answer {
    let rest = path.strip_prefix("/v2").unwrap_or(path);
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        ("GET", ["ServiceProviderConfig"]) => (200, spc(&s.config)),
        ("POST", ["Bulk"]) => bulk(s, store, body),
        (_, [kind @ ("Users" | "Groups"), rest @ ..]) => {
            let group = *kind == "Groups";
            let data = if body.is_empty() {
                Value::Null
            } else {
                match serde_json::from_slice(body) {
                    Ok(v) => v,
                    Err(e) => return error(400, Some("invalidSyntax"), &e.to_string()),
                }
            };
            match (method, rest) {
                ("GET", []) => list(s, store, group, query),
                ("POST", []) => create(store, group, data),
                ("GET", [id]) => get(store, group, id),
                ("PATCH", [id]) => patch(store, group, id, &data, if_match),
                ("DELETE", [id]) => delete(store, group, id),
                _ => error(405, None, "not supported by the fake"),
            }
        }
        _ => error(404, None, "no such endpoint"),
    }
}

fn spc(c: &FastScimConfig) -> Value {
    let (supported, ops, bytes) = match c.bulk {
        Some((o, b)) => (true, o, b),
        None => (false, 0, 0),
    };
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": true},
        "bulk": {"supported": supported, "maxOperations": ops, "maxPayloadSize": bytes},
        "filter": {"supported": true, "maxResults": c.max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer"}]
    })
}

fn kind(store: &mut Store, group: bool) -> &mut Kind {
    if group {
        &mut store.groups
    } else {
        &mut store.users
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn list(s: &Shared, store: &mut Store, group: bool, query: &str) -> Answer {
    let start: usize = query_param(query, "startIndex")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let count: u64 = query_param(query, "count")
        .and_then(|v| v.parse().ok())
        .unwrap_or(s.config.max_results)
        .min(s.config.max_results);
    let filter = query_param(query, "filter");
    let k = kind(store, group);
    let matching: Vec<&Value> = match filter.as_deref() {
        None => k.order.iter().filter_map(|id| k.by_id.get(id)).collect(),
        Some(f) => {
            let Some((attr, value)) = parse_eq(f) else {
                return error(
                    400,
                    Some("invalidFilter"),
                    "only `attr eq \"value\"` is supported",
                );
            };
            k.order
                .iter()
                .filter_map(|id| k.by_id.get(id))
                .filter(|r| {
                    let v = r[attr.as_str()].as_str().unwrap_or_default();
                    if attr == "externalId" {
                        v == value
                    } else {
                        v.eq_ignore_ascii_case(&value)
                    }
                })
                .collect()
        }
    };
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip(start - 1)
        .take(count as usize)
        .cloned()
        .collect();
    (
        200,
        json!({"schemas": [LIST], "totalResults": total, "startIndex": start, "itemsPerPage": page.len(), "Resources": page}),
    )
}

fn parse_eq(filter: &str) -> Option<(String, String)> {
    let (attr, rest) = filter.split_once(" eq ")?;
    let value = rest.trim().strip_prefix('"')?.strip_suffix('"')?;
    let attr = attr.trim();
    matches!(attr, "externalId" | "userName" | "displayName").then(|| {
        (
            attr.to_owned(),
            value.replace("\\\"", "\"").replace("\\\\", "\\"),
        )
    })
}

fn version(store: &mut Store) -> String {
    store.version += 1;
    format!("W/\"{}\"", store.version)
}

fn create(store: &mut Store, group: bool, mut data: Value) -> Answer {
    if !data.is_object() {
        return error(400, Some("invalidSyntax"), "expected a JSON object");
    }
    if group {
        if data["displayName"].as_str().is_none_or(str::is_empty) {
            return error(400, Some("invalidValue"), "displayName is required");
        }
        if let Err(e) = check_members(store, &data["members"]) {
            return e;
        }
    } else {
        let Some(name) = data["userName"].as_str().filter(|n| !n.is_empty()) else {
            return error(400, Some("invalidValue"), "userName is required");
        };
        if store.user_names.contains_key(&name.to_lowercase()) {
            return error(409, Some("uniqueness"), "userName is taken");
        }
    }
    store.next += 1;
    let id = format!("{:032x}", store.next);
    let v = version(store);
    let endpoint = if group { "Groups" } else { "Users" };
    data["id"] = json!(id);
    data["meta"] = json!({"resourceType": if group {"Group"} else {"User"}, "version": v, "location": format!("/v2/{endpoint}/{id}")});
    if !group {
        let name = data["userName"].as_str().unwrap_or_default().to_lowercase();
        store.user_names.insert(name, id.clone());
    }
    let k = kind(store, group);
    k.order.push(id.clone());
    k.by_id.insert(id, data.clone());
    (201, data)
}

fn check_members(store: &Store, members: &Value) -> Result<(), Answer> {
    for m in members.as_array().into_iter().flatten() {
        let value = m["value"].as_str().unwrap_or_default();
        if !store.users.by_id.contains_key(value) {
            return Err(error(
                400,
                Some("invalidValue"),
                &format!("member {value} is not a user"),
            ));
        }
    }
    Ok(())
}

fn get(store: &mut Store, group: bool, id: &str) -> Answer {
    match kind(store, group).by_id.get(id) {
        Some(r) => (200, r.clone()),
        None => error(404, None, "not found"),
    }
}

fn delete(store: &mut Store, group: bool, id: &str) -> Answer {
    let k = kind(store, group);
    match k.by_id.remove(id) {
        Some(r) => {
            k.order.retain(|x| x != id);
            if !group {
                let name = r["userName"].as_str().unwrap_or_default().to_lowercase();
                store.user_names.remove(&name);
            }
            (204, Value::Null)
        }
        None => error(404, None, "not found"),
    }
}

fn patch(store: &mut Store, group: bool, id: &str, data: &Value, if_match: Option<&str>) -> Answer {
    let Some(mut resource) = kind(store, group).by_id.get(id).cloned() else {
        return error(404, None, "not found");
    };
    if let Some(tag) = if_match
        && resource["meta"]["version"].as_str() != Some(tag)
    {
        return (
            412,
            json!({"schemas": [ERROR], "status": "412", "detail": "version mismatch"}),
        );
    }
    let Some(ops) = data["Operations"].as_array() else {
        return error(400, Some("invalidSyntax"), "Operations is required");
    };
    for op in ops {
        let kind_of = op["op"].as_str().unwrap_or_default().to_ascii_lowercase();
        let path = op["path"].as_str().unwrap_or_default();
        let value = op["value"].clone();
        match (kind_of.as_str(), path) {
            ("add", "members") => {
                if let Err(e) = check_members(store, &value) {
                    return e;
                }
                let members = resource["members"].as_array().cloned().unwrap_or_default();
                let mut members = members;
                for m in value.as_array().into_iter().flatten() {
                    if !members.iter().any(|x| x["value"] == m["value"]) {
                        members.push(json!({"value": m["value"]}));
                    }
                }
                resource["members"] = Value::Array(members);
            }
            ("remove", p) if p.starts_with("members[") => {
                let inner = p.trim_start_matches("members[").trim_end_matches(']');
                let Some(v) = inner
                    .strip_prefix("value eq \"")
                    .and_then(|v| v.strip_suffix('"'))
                    .map(str::to_owned)
                else {
                    return error(400, Some("invalidPath"), p);
                };
                if let Some(members) = resource["members"].as_array_mut() {
                    members.retain(|m| m["value"].as_str() != Some(v.as_str()));
                }
            }
            ("replace" | "add", p) if !p.is_empty() => set_path(&mut resource, p, value),
            ("remove", p) if !p.is_empty() => remove_path(&mut resource, p),
            _ => return error(400, Some("invalidPath"), &format!("{kind_of} {path}")),
        }
    }
    if !group {
        let old = kind(store, false).by_id[id]["userName"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        let new = resource["userName"]
            .as_str()
            .unwrap_or_default()
            .to_lowercase();
        if old != new {
            if store.user_names.contains_key(&new) {
                return error(409, Some("uniqueness"), "userName is taken");
            }
            store.user_names.remove(&old);
            store.user_names.insert(new, id.to_owned());
        }
    }
    resource["meta"]["version"] = json!(version(store));
    kind(store, group)
        .by_id
        .insert(id.to_owned(), resource.clone());
    (200, resource)
}

/// `name.givenName`, `urn:…:User:department`, or a top-level attribute.
fn split_path(path: &str) -> Vec<String> {
    if let Some(i) = path.rfind(':')
        && path.starts_with("urn:")
    {
        return vec![path[..i].to_owned(), path[i + 1..].to_owned()];
    }
    path.split('.').map(str::to_owned).collect()
}

fn set_path(resource: &mut Value, path: &str, value: Value) {
    let parts = split_path(path);
    let mut at = resource;
    for p in &parts[..parts.len() - 1] {
        if !at[p.as_str()].is_object() {
            at[p.as_str()] = json!({});
        }
        at = &mut at[p.as_str()];
    }
    at[parts[parts.len() - 1].as_str()] = value;
}

fn remove_path(resource: &mut Value, path: &str) {
    let parts = split_path(path);
    let mut at = resource;
    for p in &parts[..parts.len() - 1] {
        at = &mut at[p.as_str()];
    }
    if let Some(obj) = at.as_object_mut() {
        obj.remove(parts[parts.len() - 1].as_str());
    }
}

fn bulk(s: &Shared, store: &mut Store, body: &[u8]) -> Answer {
    let Some((max_ops, max_bytes)) = s.config.bulk else {
        return error(501, None, "Bulk is not supported");
    };
    if body.len() as u64 > max_bytes {
        return error(
            413,
            None,
            &format!("the request exceeds maxPayloadSize {max_bytes}"),
        );
    }
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error(400, Some("invalidSyntax"), &e.to_string()),
    };
    let Some(ops) = request["Operations"].as_array() else {
        return error(400, Some("invalidSyntax"), "Operations is required");
    };
    if ops.len() as u64 > max_ops {
        return error(
            413,
            None,
            &format!("more than maxOperations {max_ops} operations"),
        );
    }
    let mut created: HashMap<String, Option<String>> = HashMap::new();
    let mut answers = Vec::new();
    for op in ops {
        let method = op["method"]
            .as_str()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let path = op["path"].as_str().unwrap_or_default();
        let bulk_id = op["bulkId"].as_str().map(str::to_owned);
        let mut data = op["data"].clone();
        // bulkId references in member values.
        let mut unresolved = None;
        if let Some(members) = data["members"].as_array_mut() {
            for m in members.iter_mut() {
                if let Some(r) = m["value"].as_str().and_then(|v| v.strip_prefix("bulkId:")) {
                    match created.get(r) {
                        Some(Some(id)) => m["value"] = json!(id),
                        _ => unresolved = Some(r.to_owned()),
                    }
                }
            }
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (status, value) = if let Some(r) = unresolved {
            error(
                409,
                None,
                &format!("no resource was created with the bulkId {r}"),
            )
        } else {
            let version = op["version"].as_str();
            match (method.as_str(), segments.as_slice()) {
                ("POST", [k @ ("Users" | "Groups")]) => create(store, *k == "Groups", data),
                ("PATCH", [k @ ("Users" | "Groups"), id]) => {
                    patch(store, *k == "Groups", id, &data, version)
                }
                ("DELETE", [k @ ("Users" | "Groups"), id]) => delete(store, *k == "Groups", id),
                _ => error(400, Some("invalidPath"), path),
            }
        };
        let id = value["id"].as_str().map(str::to_owned);
        if let Some(b) = &bulk_id {
            created.insert(b.clone(), if status == 201 { id.clone() } else { None });
        }
        let mut answer = json!({"method": method, "status": status.to_string()});
        if let Some(b) = bulk_id {
            answer["bulkId"] = json!(b);
        }
        if status < 300 {
            let location = match (&id, segments.as_slice()) {
                (Some(id), [k, ..]) => format!("/v2/{k}/{id}"),
                _ => format!("/v2/{}", path.trim_start_matches('/')),
            };
            answer["location"] = json!(location);
            if let Some(v) = value["meta"]["version"].as_str() {
                answer["version"] = json!(v);
            }
        } else {
            answer["response"] = value;
        }
        answers.push(answer);
    }
    (
        200,
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkResponse"], "Operations": answers}),
    )
}
