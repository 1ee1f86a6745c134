//! The `scim2-server` SCIM 2.0 server (python-scim, from PyPI) on a loopback
//! port.
//!
//! Why: it is a real, RFC-conformant SCIM service provider (discovery,
//! CRUD, filters, paging, PATCH, ETags, uniqueness, bearer tokens) used to
//! test SCIM clients, so Onramp's provisioning runs against the same kind of
//! peer as in production instead of a mock of our own understanding.
//!
//! How: `scripts/install-test-servers.sh` installs a pinned version into the
//! venv `<repo>/.test-venv` (override the venv with `ONRAMP_TEST_VENV`). Each
//! server is `scim2-server --bearer-token <random> --hostname 127.0.0.1
//! --port <free>`, in memory, so a fresh server is empty; it is ready when
//! `GET /v2/ServiceProviderConfig` answers 200. It speaks plain HTTP; put a
//! [`crate::tls_proxy::TlsProxy`] in front for HTTPS.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::ports::free_port;
use crate::process::ServerProcess;

/// `application/scim+json`
pub const SCIM_JSON: &str = "application/scim+json";
/// The core User schema URN.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The core Group schema URN.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";

/// A running scim2-server; stopped on drop.
pub struct ScimServer {
    process: Mutex<ServerProcess>,
    _dir: tempfile::TempDir,
    port: u16,
    token: String,
    http: reqwest::blocking::Client,
}

impl std::fmt::Debug for ScimServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The scim2-server executable in the test venv.
pub fn scim2_server_bin() -> PathBuf {
    let venv = std::env::var_os("ONRAMP_TEST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::repo_root().join(".test-venv"));
    venv.join("bin").join("scim2-server")
}

impl ScimServer {
    /// Starts an empty server with a random bearer token.
    pub fn start() -> Result<Self, String> {
        Self::start_with(None)
    }

    /// Starts an empty server that offers SCIM Bulk (its default: 1000
    /// operations, 1 MiB) or, with `bulk` false, announces and serves none.
    pub fn start_with_bulk(bulk: bool) -> Result<Self, String> {
        if bulk {
            return Self::start();
        }
        let config = serde_json::json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "patch": {"supported": true},
            "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
            "filter": {"supported": true, "maxResults": 1000},
            "changePassword": {"supported": true},
            "sort": {"supported": true},
            "etag": {"supported": true}
        });
        Self::start_with(Some(&config))
    }

    fn start_with(config: Option<&Value>) -> Result<Self, String> {
        let bin = scim2_server_bin();
        if !bin.is_file() {
            return Err(format!(
                "{} is missing: run scripts/install-test-servers.sh",
                bin.display()
            ));
        }
        crate::ensure_crypto_provider();
        let dir = tempfile::Builder::new()
            .prefix("onramp-scim-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp folder: {e}"))?;
        let token = crate::random_hex(16);
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let mut cmd = Command::new(&bin);
            if let Some(config) = config {
                let file = dir.path().join("service-provider-config.json");
                std::fs::write(&file, config.to_string())
                    .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
                cmd.arg("--service-provider-config").arg(&file);
            }
            cmd.args(["--bearer-token", &token, "--hostname", "127.0.0.1"])
                .args(["--port", &port.to_string()])
                .env("PYTHONUNBUFFERED", "1");
            let mut process = ServerProcess::spawn(
                "scim2-server",
                cmd,
                &dir.path().join("scim2-server.log"),
                dir.path(),
            )?;
            match wait_ready(&http, &mut process, port) {
                Ok(()) => {
                    return Ok(Self {
                        process: Mutex::new(process),
                        _dir: dir,
                        port,
                        token,
                        http,
                    });
                }
                // Most likely the port was taken in the meantime.
                Err(e) => last_error = e,
            }
        }
        Err(last_error)
    }

    /// `http://127.0.0.1:PORT/v2`
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    /// The listening address (for a TLS proxy in front).
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Sends `method base_url+path` (path like `/Users?filter=...`) with the
    /// right token and an optional JSON body; returns the status and the
    /// JSON body (`Null` when empty).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        self.request_with_token(Some(&self.token), method, path, body)
    }

    /// Like [`Self::request`] with any token, or none.
    pub fn request_with_token(
        &self,
        token: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<(u16, Value), String> {
        let url = format!("{}{path}", self.base_url());
        let method: reqwest::Method = method.parse().map_err(|e| format!("{method}: {e}"))?;
        let mut req = self.http.request(method, &url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, SCIM_JSON)
                .body(b.to_string());
        }
        let resp = req.send().map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status().as_u16();
        let text = resp.text().map_err(|e| format!("{url}: {e}"))?;
        let json = if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).map_err(|e| format!("{url}: not JSON ({e}): {text}"))?
        };
        Ok((status, json))
    }

    /// Every resource of a type (`"Users"`, `"Groups"`), paging through the
    /// list with startIndex/count.
    pub fn list_all(&self, resource: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        let mut start = 1;
        loop {
            let (status, page) = self.request(
                "GET",
                &format!("/{resource}?startIndex={start}&count=500"),
                None,
            )?;
            if status != 200 {
                return Err(format!("listing {resource}: HTTP {status}: {page}"));
            }
            let items = page["Resources"].as_array().cloned().unwrap_or_default();
            let total = page["totalResults"].as_u64().unwrap_or(0) as usize;
            let n = items.len();
            out.extend(items);
            if n == 0 || out.len() >= total {
                return Ok(out);
            }
            start += n;
        }
    }

    /// The last lines of the server's log (one line per request).
    pub fn log_tail(&self) -> String {
        self.process.lock().expect("lock").log_tail()
    }
}

fn wait_ready(
    http: &reqwest::blocking::Client,
    process: &mut ServerProcess,
    port: u16,
) -> Result<(), String> {
    let url = format!("http://127.0.0.1:{port}/v2/ServiceProviderConfig");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        process.check_running()?;
        if let Ok(resp) = http.get(&url).timeout(Duration::from_secs(2)).send()
            && resp.status().as_u16() == 200
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "scim2-server did not answer {url} within 30 s; log:\n{}",
                process.log_tail()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
