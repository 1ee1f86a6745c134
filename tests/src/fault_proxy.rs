//! An HTTP proxy on loopback that misbehaves on request.
//!
//! Why: retry logic is only believable when the failures are real: a 429
//! with `Retry-After`, a 503 from a "gateway", a connection closed with no
//! answer, or one closed *after* the upstream did the work (the case where a
//! retried POST must not create a duplicate). scim2-server never does any of
//! these, so the proxy sits in front of it and does them on demand, then
//! forwards normally, and logs every request so tests can count them.
//!
//! How: tokio on its own one-thread runtime, accepting on `127.0.0.1:0` (no
//! port race). Each client connection carries one request (the proxy
//! answers with `Connection: close`); the request is read whole (headers,
//! then `Content-Length` bytes), matched against the queued faults, and
//! either answered by the proxy, dropped, or sent to the upstream on a new
//! connection whose whole answer (read until the upstream closes, as
//! scim2-server's HTTP/1.0 does) is passed back.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does instead of forwarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status, a SCIM error body, and `Retry-After` if
    /// given (`"0"`, `"1"`, an HTTP-date).
    Status {
        /// The HTTP status, e.g. 429, 500, 503.
        status: u16,
        /// The `Retry-After` header value.
        retry_after: Option<String>,
    },
    /// Close the connection without forwarding or answering.
    Reset,
    /// Forward the request (the upstream performs it), then close the
    /// connection without passing the answer back.
    ForwardThenReset,
    /// Wait this many milliseconds, then forward normally (a slow
    /// platform: long enough to kill a client in the middle).
    Delay(u64),
}

impl Fault {
    /// `429 Too Many Requests` with `Retry-After: <secs>`.
    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        Self::Status {
            status: 429,
            retry_after: Some(retry_after_secs.to_string()),
        }
    }

    /// A bare status without `Retry-After`.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            retry_after: None,
        }
    }
}

#[derive(Debug)]
struct Rule {
    fault: Fault,
    remaining: usize,
    method: Option<String>,
}

/// Rewrites the body of an upstream answer.
pub type Rewriter = Arc<dyn Fn(&str, &[u8]) -> Vec<u8> + Send + Sync>;

#[derive(Default)]
struct State {
    rules: VecDeque<Rule>,
    log: Vec<String>,
    /// Answers to requests whose path starts with the prefix are rewritten.
    rewrites: Vec<(String, Rewriter)>,
}

/// A running proxy; stops on drop.
pub struct FaultProxy {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The longest request head the proxy reads.
const MAX_HEAD: usize = 64 * 1024;

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (plain HTTP).
    pub fn start(upstream: SocketAddr) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fault-proxy")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| format!("cannot bind the proxy: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(client, upstream, state).await;
                });
            }
        });
        Ok(Self {
            runtime: Some(runtime),
            addr,
            state,
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next `times` requests (of `method` only, if given) with
    /// `fault`. Queued faults apply in order.
    pub fn inject(&self, fault: Fault, times: usize, method: Option<&str>) {
        self.lock().rules.push_back(Rule {
            fault,
            remaining: times,
            method: method.map(str::to_ascii_uppercase),
        });
    }

    /// Drops every queued fault.
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// From now on, passes the upstream's answers to requests whose path
    /// starts with `path_prefix` through `rewrite(request line, body)` (the
    /// body only; the `Content-Length` is set to match): a platform that
    /// announces other capabilities, or pages differently, than the
    /// upstream.
    pub fn rewrite(
        &self,
        path_prefix: &str,
        rewrite: impl Fn(&str, &[u8]) -> Vec<u8> + Send + Sync + 'static,
    ) {
        self.lock()
            .rewrites
            .push((path_prefix.to_owned(), Arc::new(rewrite)));
    }

    /// Rewrites `/ServiceProviderConfig` answers with `edit` applied to
    /// the JSON (e.g. to turn Bulk off or lower `maxOperations`).
    pub fn edit_service_provider_config(
        &self,
        edit: impl Fn(&mut serde_json::Value) + Send + Sync + 'static,
    ) {
        self.rewrite(
            "/v2/ServiceProviderConfig",
            move |_, body| match serde_json::from_slice::<serde_json::Value>(body) {
                Ok(mut v) => {
                    edit(&mut v);
                    serde_json::to_vec(&v).unwrap_or_default()
                }
                Err(_) => body.to_vec(),
            },
        );
    }

    /// The request lines seen so far (`"POST /v2/Users"`), faulted or not.
    pub fn requests(&self) -> Vec<String> {
        self.lock().log.clone()
    }

    /// How many requests `method` were seen with a path starting with
    /// `path_prefix`.
    pub fn count(&self, method: &str, path_prefix: &str) -> usize {
        let want = format!("{method} {path_prefix}");
        self.lock()
            .log
            .iter()
            .filter(|l| l.starts_with(&want))
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Reads one request: the head up to `\r\n\r\n`, then `Content-Length`
/// bytes of body. Returns the raw bytes and the request line.
async fn read_request(client: &mut TcpStream) -> std::io::Result<(Vec<u8>, String)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too long"));
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let content_length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + content_length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = head.lines().next().unwrap_or_default();
    let mut parts = line.split_whitespace();
    let request_line = format!(
        "{} {}",
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default()
    );
    Ok((buf, request_line))
}

fn take_fault(state: &Mutex<State>, request_line: &str) -> Option<Fault> {
    let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
    state.log.push(request_line.to_owned());
    let method = request_line.split(' ').next().unwrap_or_default();
    let index = state
        .rules
        .iter()
        .position(|r| r.remaining > 0 && r.method.as_deref().is_none_or(|m| m == method))?;
    let rule = &mut state.rules[index];
    rule.remaining -= 1;
    let fault = rule.fault.clone();
    if rule.remaining == 0 {
        state.rules.remove(index);
    }
    Some(fault)
}

async fn forward(upstream: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(request).await?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).await?;
    Ok(response)
}

/// The answer with its body rewritten and `Content-Length` to match.
fn rewrite_body(response: &[u8], rewrite: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return response.to_vec();
    };
    let head = String::from_utf8_lossy(&response[..end]);
    let body = rewrite(&response[end + 4..]);
    let mut out: Vec<u8> = head
        .split("\r\n")
        .filter(|l| {
            !l.to_ascii_lowercase().starts_with("content-length:")
                && !l.to_ascii_lowercase().starts_with("transfer-encoding:")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes();
    out.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
    out.extend_from_slice(&body);
    out
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    state: Arc<Mutex<State>>,
) -> std::io::Result<()> {
    let (request, request_line) = read_request(&mut client).await?;
    let fault = match take_fault(&state, &request_line) {
        Some(Fault::Delay(ms)) => {
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            None
        }
        other => other,
    };
    match fault {
        Some(Fault::Delay(_)) | None => {
            let mut response = forward(upstream, &request).await?;
            let path = request_line.split(' ').nth(1).unwrap_or_default();
            let rewriters: Vec<Rewriter> = state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .rewrites
                .iter()
                .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
                .map(|(_, r)| r.clone())
                .collect();
            for r in rewriters {
                response = rewrite_body(&response, |body| r(&request_line, body));
            }
            client.write_all(&response).await?;
            client.shutdown().await
        }
        Some(Fault::Reset) => Ok(()),
        Some(Fault::ForwardThenReset) => {
            forward(upstream, &request).await?;
            Ok(())
        }
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let body = format!(
                r#"{{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"{status}","detail":"injected by the fault proxy"}}"#
            );
            let mut head = format!(
                "HTTP/1.1 {status} Injected\r\nContent-Type: application/scim+json\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            if let Some(r) = retry_after {
                head.push_str(&format!("Retry-After: {r}\r\n"));
            }
            head.push_str("\r\n");
            client.write_all(head.as_bytes()).await?;
            client.write_all(body.as_bytes()).await?;
            client.shutdown().await
        }
    }
}
