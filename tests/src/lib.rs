//! Test harness: real servers on loopback, started by the tests themselves.
//!
//! The integration tests (the `live` test binary, `tests/live/`) run against
//! a real Samba AD DC, a real OpenLDAP slapd and the real `scim2-server`, not
//! mocks, because the behaviour Onramp must get right (AD's bind rules,
//! paging and ranged attributes, SCIM conformance, TLS verification) is
//! exactly what mocks get wrong. Each server lives in its own module:
//!
//! * [`samba`]: Samba AD DC on its own 127.0.0.X ([`ports`]), LDAPS with a
//!   test CA, seeded users and groups.
//! * [`slapd`]: OpenLDAP on free ports, LDAP and LDAPS, seeded from LDIF.
//! * [`scim`]: scim2-server from the test venv.
//! * [`tls_proxy`]: HTTPS in front of any loopback port, with its own CA.
//! * [`fake_http`], [`session_bus`], [`onramp_cli`]: fakes for cloud APIs,
//!   a private D-Bus + Secret Service, and driving the `onramp` binary.
//! * [`fake_notifications`]: a desktop notification server on a private bus.
//!
//! [`Fixtures`] starts each shared server on first use and stops them all
//! when dropped; every server process is also in its own process group with a
//! watchdog ([`process`]), so nothing outlives the test binary.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub mod desktop;
pub mod directory;
pub mod fake_ad;
pub mod fake_http;
pub mod fake_notifications;
pub mod fake_tray_host;
pub mod fast_scim;
pub mod fault_proxy;
pub mod fresh;
pub mod ldap;
pub mod onramp_cli;
pub mod pki;
pub mod ports;
pub mod process;
pub mod samba;
pub mod scim;
pub mod session_bus;
pub mod slapd;
pub mod tls_proxy;
pub mod x11_app;

pub use samba::{SambaConfig, SambaDc, SambaTls, StrongAuth, UserSpec};
pub use scim::ScimServer;
pub use slapd::Slapd;
pub use tls_proxy::{TlsProxy, Validity};

/// The servers shared by the tests of one test binary.
///
/// `main` creates it, hands an `Arc` of it to each module's `trials`, and
/// drops it after the run, which stops every server it started. Each shared
/// server starts on first use (so running a filtered subset of tests starts
/// only what that subset needs) and is started once even when several tests
/// ask at the same time; if it fails to start, every test using it fails
/// with the same error. Tests that need a server of their own (a special
/// config, an empty SCIM store) use the `start_*` methods and drop the
/// server when they are done.
#[derive(Debug, Default)]
pub struct Fixtures {
    // Declaration order is drop order: the proxy before the server behind it.
    scim_tls: OnceLock<Result<TlsProxy, String>>,
    scim: OnceLock<Result<ScimServer, String>>,
    samba: OnceLock<Result<SambaDc, String>>,
    samba_no_strong_auth: OnceLock<Result<SambaDc, String>>,
    slapd: OnceLock<Result<Slapd, String>>,
}

impl Fixtures {
    /// No server is started yet.
    pub fn new() -> Self {
        ensure_crypto_provider();
        Self::default()
    }

    /// The shared Samba DC: default config (`ldap server require strong
    /// auth = yes`, test CA), seeded with [`samba::seed`]. Add your own data
    /// under [`SambaDc::unique_ou`] so tests do not see each other's.
    pub fn samba(&self) -> &SambaDc {
        get(&self.samba, "Samba DC", || {
            SambaDc::start(SambaConfig::default())
        })
    }

    /// A second shared DC, seeded the same way, with `ldap server require
    /// strong auth = no` (simple binds accepted on cleartext 389).
    pub fn samba_no_strong_auth(&self) -> &SambaDc {
        get(
            &self.samba_no_strong_auth,
            "Samba DC (no strong auth)",
            || {
                SambaDc::start(SambaConfig {
                    require_strong_auth: StrongAuth::No,
                    ..SambaConfig::default()
                })
            },
        )
    }

    /// The shared slapd, seeded with [`slapd::seed`].
    pub fn slapd(&self) -> &Slapd {
        get(&self.slapd, "slapd", Slapd::start)
    }

    /// The shared scim2-server. Other tests write to it too: use unique
    /// userNames, or [`Self::start_scim`] for an empty server of your own.
    pub fn scim(&self) -> &ScimServer {
        get(&self.scim, "scim2-server", ScimServer::start)
    }

    /// An HTTPS proxy in front of [`Self::scim`]; the SCIM base URL over
    /// HTTPS is `format!("{}/v2", proxy.url())`.
    pub fn scim_tls(&self) -> &TlsProxy {
        let upstream = self.scim().addr();
        get(&self.scim_tls, "TLS proxy for scim2-server", || {
            TlsProxy::start(upstream, Validity::Current)
        })
    }

    /// A DC of the test's own with a special configuration (about 4 s).
    pub fn start_samba(&self, config: SambaConfig) -> SambaDc {
        SambaDc::start(config).unwrap_or_else(|e| panic!("cannot start a Samba DC: {e}"))
    }

    /// An empty scim2-server of the test's own.
    pub fn start_scim(&self) -> ScimServer {
        ScimServer::start().unwrap_or_else(|e| panic!("cannot start scim2-server: {e}"))
    }

    /// A TLS proxy of the test's own in front of `upstream`.
    pub fn start_tls_proxy(&self, upstream: std::net::SocketAddr, validity: Validity) -> TlsProxy {
        TlsProxy::start(upstream, validity)
            .unwrap_or_else(|e| panic!("cannot start a TLS proxy: {e}"))
    }
}

fn get<'a, T>(
    cell: &'a OnceLock<Result<T, String>>,
    what: &str,
    start: impl FnOnce() -> Result<T, String>,
) -> &'a T {
    match cell.get_or_init(start) {
        Ok(server) => server,
        Err(e) => panic!("{what} did not start: {e}"),
    }
}

/// Installs ring as rustls's process-wide crypto provider (for clients
/// built without an explicit one, such as reqwest's); harmless if already
/// done.
pub fn ensure_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// `bytes` random bytes as lower-case hex, for passwords and tokens.
pub fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom;
    let mut buf = vec![0u8; bytes];
    ring::rand::SystemRandom::new()
        .fill(&mut buf)
        .expect("system randomness");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The workspace root (where `.test-venv` and `target/` live).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// `Ok` when `cond` holds, else the message `what` builds (only then).
pub fn ensure(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}

/// A test of the `live` binary: a plain function of the fixtures; `Err` or a
/// panic fails it.
pub type TestFn = fn(&Fixtures) -> Result<(), String>;

/// Wraps a test (a [`TestFn`], or a closure over one, e.g. a scenario run
/// against one directory) as a libtest-mimic trial named `name` (use
/// `module::test_name`, which is what `cargo test -- FILTER` matches).
pub fn trial(
    fx: &std::sync::Arc<Fixtures>,
    name: &str,
    test: impl FnOnce(&Fixtures) -> Result<(), String> + Send + 'static,
) -> libtest_mimic::Trial {
    let fx = fx.clone();
    libtest_mimic::Trial::test(name, move || test(&fx).map_err(Into::into))
}
