//! A TLS-terminating TCP proxy in front of a loopback port.
//!
//! Why: scim2-server (and the fake HTTP servers) speak plain HTTP, but Onramp
//! talks HTTPS to platforms and must verify them. The proxy presents a leaf
//! for `localhost` and `127.0.0.1` from its own [`TestCa`], so a test can
//! show both sides: with the CA file configured the connection is trusted,
//! without it rustls fails with "unknown issuer"; an [`Validity::Expired`]
//! leaf gives the "certificate expired" case.
//!
//! How: tokio + tokio-rustls on its own one-thread runtime, accepting on
//! `127.0.0.1:0` (no port race) and piping bytes both ways to the upstream
//! address; a failed handshake just closes that connection. The upstream
//! sees plain HTTP with the `Host` the client sent, so absolute URLs it
//! generates (SCIM `meta.location`, `Location`) say `http://`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustls::ClientConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::pki::TestCa;
pub use crate::pki::Validity;

/// A running proxy; stops accepting and drops its connections on drop.
pub struct TlsProxy {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    upstream: SocketAddr,
    ca_path: PathBuf,
    ca: TestCa,
    handshakes_failed: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

impl std::fmt::Debug for TlsProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

impl TlsProxy {
    /// Starts a proxy to `upstream` whose leaf has the given validity.
    pub fn start(upstream: SocketAddr, validity: Validity) -> Result<Self, String> {
        let dir = tempfile::Builder::new()
            .prefix("onramp-tls-proxy-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp folder: {e}"))?;
        let ca = TestCa::new("Onramp test CA for the TLS proxy");
        let leaf = ca.issue(&["localhost", "127.0.0.1"], validity);
        let ca_path = dir.path().join("ca.pem");
        ca.write_cert(&ca_path)?;
        let acceptor = TlsAcceptor::from(leaf.server_config());
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("tls-proxy")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .map_err(|e| format!("cannot bind the proxy: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let handshakes_failed = Arc::new(AtomicU64::new(0));
        let failed = handshakes_failed.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let failed = failed.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(client).await else {
                        failed.fetch_add(1, Ordering::SeqCst);
                        return;
                    };
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut server).await;
                });
            }
        });
        Ok(Self {
            runtime: Some(runtime),
            addr,
            upstream,
            ca_path,
            ca,
            handshakes_failed,
            _dir: dir,
        })
    }

    /// The proxy's address on 127.0.0.1.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `https://localhost:PORT` (the leaf names `localhost` and `127.0.0.1`).
    pub fn url(&self) -> String {
        format!("https://localhost:{}", self.addr.port())
    }

    /// The CA certificate (PEM file) that issued the proxy's leaf.
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> &str {
        self.ca.cert_pem()
    }

    /// A rustls client configuration trusting the proxy's CA only.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        self.ca.client_config()
    }

    /// How many TLS handshakes failed (for example clients that rejected
    /// the certificate).
    pub fn handshakes_failed(&self) -> u64 {
        self.handshakes_failed.load(Ordering::SeqCst)
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
