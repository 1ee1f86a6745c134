//! The updater against a real HTTPS update server on loopback.
//!
//! The server is rustls behind a throwaway CA the settings' `ca_file` names,
//! so the plugin's requests go through the same verified TLS as in the app.
//! Releases are signed as Tauri's signer signs them (minisign, prehashed,
//! the version in the trusted comment) with a key made here; the mock app
//! trusts that key in place of the release key. "Installing" writes over a
//! stand-in AppImage in a temporary folder, so every step of the real path
//! runs and what landed on disk can be compared.

use std::collections::HashMap;
use std::io::Cursor;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use onramp_engine::error::ErrorCode;
use onramp_engine::notify::{Notification, Notifier, NotifyError};
use onramp_engine::paths::AppPaths;
use onramp_engine::runner::SyncRunner;
use onramp_engine::secret::MemoryStore;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use tauri::test::{MockRuntime, mock_builder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{UpdatePhase, UpdateStatus, Updates};

/// What the server answers for one path: a status and a body.
type Routes = Arc<Mutex<HashMap<String, (u16, Vec<u8>)>>>;

/// A loopback HTTPS server with a certificate for 127.0.0.1 from its own CA.
struct UpdateServer {
    addr: SocketAddr,
    routes: Routes,
    ca_pem: String,
    _runtime: tokio::runtime::Runtime,
}

/// A CA named `name`: its issuer and its certificate (PEM).
fn ca(name: &str) -> (Issuer<'static, KeyPair>, String) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let pem = params.self_signed(&key).unwrap().pem();
    (Issuer::new(params, key), pem)
}

impl UpdateServer {
    fn start() -> Self {
        let (issuer, ca_pem) = ca("Onramp update test CA");
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.der().to_vec())],
            PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
        )
        .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let routes: Routes = Arc::default();
        let served = routes.clone();
        runtime.spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let (acceptor, routes) = (acceptor.clone(), served.clone());
                tokio::spawn(async move {
                    // A client that refuses our certificate hangs up here.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let line = String::from_utf8_lossy(&request);
                    let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
                    let (status, body) = routes
                        .lock()
                        .unwrap()
                        .get(&path)
                        .cloned()
                        .unwrap_or((404, b"not found".to_vec()));
                    let head = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(&body).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        Self {
            addr,
            routes,
            ca_pem,
            _runtime: runtime,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("https://{}{path}", self.addr)
    }

    fn serve(&self, path: &str, status: u16, body: impl Into<Vec<u8>>) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_owned(), (status, body.into()));
    }
}

/// A release key, as `tauri signer generate` makes one.
struct ReleaseKey(minisign::KeyPair);

impl ReleaseKey {
    fn new() -> Self {
        Self(minisign::KeyPair::generate_unencrypted_keypair().unwrap())
    }

    /// The public key as `tauri.conf.json` holds it.
    fn public(&self) -> String {
        STANDARD.encode(self.0.pk.to_box().unwrap().into_string())
    }

    /// The signature of `bytes` for `version`, as the manifest holds it.
    fn sign(&self, bytes: &[u8], version: &str) -> String {
        let trusted = format!("timestamp:1767225600\tfile:Onramp.AppImage\tversion:{version}");
        let signature = minisign::sign(
            Some(&self.0.pk),
            &self.0.sk,
            Cursor::new(bytes),
            Some(&trusted),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        STANDARD.encode(signature.into_string())
    }
}

/// The release manifest for `version`, its linux-x86_64 build at `url`.
fn manifest(version: &str, url: &str, signature: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "version": version,
        "notes": "Faster directory reads.\nFixes the tray on GNOME.",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": url, "signature": signature },
            "windows-x86_64": { "url": url, "signature": signature },
            "darwin-aarch64": { "url": url, "signature": signature },
        }
    }))
    .unwrap()
}

/// An ELF file: what an AppImage is.
fn elf(marker: &str) -> Vec<u8> {
    let mut bytes = std::fs::read("/bin/true").unwrap();
    bytes.extend_from_slice(marker.as_bytes());
    bytes
}

/// A notifier nothing here reaches.
struct Silent;

impl Notifier for Silent {
    fn notify(&self, _n: &Notification) -> Result<(), NotifyError> {
        Ok(())
    }
}

/// The mock app trusting `pubkey`, and an updater installing to a stand-in AppImage.
struct Setup {
    dir: tempfile::TempDir,
    app: tauri::App<MockRuntime>,
    updates: Updates,
    runner: SyncRunner,
    appimage: PathBuf,
}

impl Setup {
    fn new(pubkey: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let app = mock_builder()
            .plugin(tauri_plugin_updater::Builder::new().pubkey(pubkey).build())
            .build(tauri::generate_context!(test = true))
            .unwrap();
        let appimage = dir.path().join("Onramp.AppImage");
        std::fs::write(&appimage, elf("installed 0.1.0")).unwrap();
        let paths = AppPaths::under(dir.path());
        std::fs::create_dir_all(&paths.config_dir).unwrap();
        let runner = SyncRunner::new(
            paths,
            Arc::new(onramp_engine::registry()),
            Arc::new(MemoryStore::default()),
            Arc::new(Silent),
        );
        let version = app.package_info().version.to_string();
        Self {
            updates: Updates::new(version, Some(appimage.clone())),
            app,
            runner,
            appimage,
            dir,
        }
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Points the settings at `url`, trusting `ca_pem`.
    fn settings(&self, url: &str, ca_pem: &str) {
        let ca = self.dir.path().join("update-ca.pem");
        std::fs::write(&ca, ca_pem).unwrap();
        std::fs::write(
            self.config_dir().join("updates.toml"),
            format!("url = \"{url}\"\nca_file = \"{}\"\n", ca.display()),
        )
        .unwrap();
    }

    fn check(&self) -> UpdateStatus {
        tauri::async_runtime::block_on(self.updates.check(
            self.app.handle(),
            &self.config_dir(),
            NOW,
        ))
    }

    fn install(&self) -> Result<UpdateStatus, onramp_engine::ErrorReport> {
        tauri::async_runtime::block_on(self.updates.install(&self.runner))
    }

    fn installed(&self) -> Vec<u8> {
        std::fs::read(&self.appimage).unwrap()
    }
}

const NOW: i64 = 1_796_000_000;

/// A release key, a server, and the app trusting both, checking that server.
fn served() -> (ReleaseKey, UpdateServer, Setup) {
    let key = ReleaseKey::new();
    let server = UpdateServer::start();
    let s = Setup::new(&key.public());
    s.settings(&server.url("/latest.json"), &server.ca_pem);
    (key, server, s)
}

/// Asserts the install was refused as untrusted, saying `why`, with nothing written.
fn refused(s: &Setup, why: &str) {
    let error = s.install().unwrap_err();
    assert_eq!(error.code, ErrorCode::Untrusted, "{error:?}");
    assert!(error.message.contains(why), "{}", error.message);
    assert_eq!(s.installed(), elf("installed 0.1.0"));
}

/// A server offering `version` of `artifact`, signed by `key` for `signed_as`.
fn offering(
    server: &UpdateServer,
    key: &ReleaseKey,
    version: &str,
    artifact: &[u8],
    signed_as: &str,
) {
    let signature = key.sign(artifact, signed_as);
    server.serve("/Onramp.AppImage", 200, artifact.to_vec());
    server.serve(
        "/latest.json",
        200,
        manifest(version, &server.url("/Onramp.AppImage"), &signature),
    );
}

#[test]
fn a_signed_newer_release_is_offered_and_installed() {
    let (key, server, s) = served();
    let artifact = elf("release 0.2.0");
    offering(&server, &key, "0.2.0", &artifact, "0.2.0");

    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::Available, "{status:?}");
    assert_eq!(status.current_version, "0.1.0");
    let offer = status.offer.unwrap();
    assert_eq!(offer.version, "0.2.0");
    assert!(offer.notes.unwrap().contains("Fixes the tray"));
    assert_eq!(offer.published_at, Some(1_796_119_200));
    assert_eq!(status.checked_at, Some(NOW));

    let installed = s.install().unwrap();
    assert_eq!(installed.phase, UpdatePhase::Installed);
    assert_eq!(s.installed(), artifact);
    // Installed: no second check or install until the restart.
    assert_eq!(s.check().phase, UpdatePhase::Installed);
    assert_eq!(s.install().unwrap_err().code, ErrorCode::InvalidInput);
}

#[test]
fn a_tampered_artifact_is_refused_and_nothing_is_written() {
    let (key, server, s) = served();
    let artifact = elf("release 0.2.0");
    offering(&server, &key, "0.2.0", &artifact, "0.2.0");
    assert_eq!(s.check().phase, UpdatePhase::Available);
    // The file is swapped after the manifest was signed.
    server.serve("/Onramp.AppImage", 200, elf("release 0.2.0, altered"));

    let error = s.install().unwrap_err();
    assert_eq!(error.code, ErrorCode::Untrusted, "{error:?}");
    assert!(
        error
            .message
            .contains("Onramp 0.2.0 was refused and nothing was installed")
            && error
                .message
                .contains("does not verify with Onramp's release key"),
        "{}",
        error.message
    );
    assert_eq!(s.installed(), elf("installed 0.1.0"));
    let status = s.updates.status();
    assert_eq!(status.phase, UpdatePhase::Failed);
    assert_eq!(status.error.unwrap().code, ErrorCode::Untrusted);
    assert_eq!(status.offer.unwrap().version, "0.2.0", "can be tried again");

    // The server is fixed: the same offer installs.
    server.serve("/Onramp.AppImage", 200, artifact.clone());
    s.install().unwrap();
    assert_eq!(s.installed(), artifact);
}

#[test]
fn a_release_signed_by_another_key_is_refused() {
    let key = ReleaseKey::new();
    let other = ReleaseKey::new();
    let server = UpdateServer::start();
    let s = Setup::new(&key.public());
    s.settings(&server.url("/latest.json"), &server.ca_pem);
    offering(&server, &other, "0.2.0", &elf("release 0.2.0"), "0.2.0");
    assert_eq!(s.check().phase, UpdatePhase::Available);

    refused(&s, "does not verify");
}

#[test]
fn a_manifest_announcing_another_version_than_signed_is_refused() {
    let (key, server, s) = served();
    // A validly signed 0.2.0, announced as 9.0.0.
    offering(&server, &key, "9.0.0", &elf("release 0.2.0"), "0.2.0");
    assert_eq!(s.check().offer.unwrap().version, "9.0.0");

    refused(
        &s,
        "signed as version 0.2.0, but the server announced 9.0.0",
    );
}

#[test]
fn a_downgrade_or_the_same_version_is_never_offered() {
    let (key, server, s) = served();
    for older in ["0.0.9", "0.1.0"] {
        offering(&server, &key, older, &elf("old"), older);
        let status = s.check();
        assert_eq!(status.phase, UpdatePhase::UpToDate, "{status:?}");
        assert_eq!(status.newest.as_deref(), Some(older));
        assert!(status.offer.is_none());
        assert_eq!(s.install().unwrap_err().code, ErrorCode::InvalidInput);
    }
    // A 204 is "nothing newer" too.
    server.serve("/latest.json", 204, Vec::new());
    assert_eq!(s.check().phase, UpdatePhase::UpToDate);
    assert_eq!(s.installed(), elf("installed 0.1.0"));
}

#[test]
fn an_unreachable_server_is_reported_and_the_next_check_works() {
    let key = ReleaseKey::new();
    let server = UpdateServer::start();
    let s = Setup::new(&key.public());
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    s.settings(
        &format!("https://127.0.0.1:{closed}/latest.json"),
        &server.ca_pem,
    );
    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::Failed);
    let error = status.error.unwrap();
    assert_eq!(error.code, ErrorCode::Io);
    assert!(
        error
            .message
            .starts_with("cannot reach the update server 127.0.0.1"),
        "{}",
        error.message
    );
    assert!(!error.remediation.is_empty());

    s.settings(&server.url("/latest.json"), &server.ca_pem);
    offering(&server, &key, "0.2.0", &elf("release 0.2.0"), "0.2.0");
    assert_eq!(s.check().phase, UpdatePhase::Available);
}

#[test]
fn a_server_this_machine_does_not_trust_is_not_used() {
    let key = ReleaseKey::new();
    let server = UpdateServer::start();
    let s = Setup::new(&key.public());
    offering(&server, &key, "0.2.0", &elf("release 0.2.0"), "0.2.0");
    // Another CA than the server's.
    s.settings(&server.url("/latest.json"), &ca("Another test CA").1);
    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::Failed);
    let error = status.error.unwrap();
    assert!(
        error
            .message
            .contains("TLS certificate was rejected: the certificate is not signed by a certificate authority this machine trusts"),
        "{}",
        error.message
    );
    assert!(error.remediation[0].contains("ca_file"));
}

#[test]
fn bad_answers_are_named() {
    let (_, server, s) = served();
    let cases: &[(u16, &[u8], &str)] = &[
        (404, b"not found", "did not send a release manifest"),
        (500, b"oops", "did not send a release manifest"),
        (200, b"{\"version\": \"0.2.0\"", "not JSON"),
        (200, b"{\"notes\": \"no version\"}", "not a valid release manifest"),
        (
            200,
            b"{\"version\": \"0.2.0\", \"platforms\": {\"plan9-mips\": {\"url\": \"https://x.example/a\", \"signature\": \"c2ln\"}}}",
            "has no build for linux-x86_64",
        ),
    ];
    for (status, body, expected) in cases {
        server.serve("/latest.json", *status, body.to_vec());
        let answer = s.check();
        assert_eq!(answer.phase, UpdatePhase::Failed, "{status} {expected}");
        let message = answer.error.unwrap().message;
        assert!(message.contains(expected), "{status}: {message}");
    }
}

#[test]
fn settings_decide_whether_and_where_to_look() {
    let key = ReleaseKey::new();
    let s = Setup::new(&key.public());
    // This build names no server and there is no updates.toml.
    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::NotConfigured, "{status:?}");

    std::fs::write(
        s.config_dir().join("updates.toml"),
        "url = \"http://updates.example.com/latest.json\"\n",
    )
    .unwrap();
    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::Failed);
    assert!(
        status
            .error
            .unwrap()
            .message
            .contains("`url` must be an https:// URL"),
    );
}

#[test]
fn automatic_checks_are_daily_and_can_be_turned_off() {
    let (key, server, s) = served();
    offering(&server, &key, "0.2.0", &elf("release 0.2.0"), "0.2.0");
    let due = |now| {
        tauri::async_runtime::block_on(s.updates.check_if_due(s.app.handle(), &s.config_dir(), now))
    };
    assert_eq!(due(NOW).unwrap().phase, UpdatePhase::Available);
    assert!(due(NOW + 3600).is_none(), "not again the same day");
    assert!(due(NOW + 86_400).is_some());

    let toml = std::fs::read_to_string(s.config_dir().join("updates.toml")).unwrap();
    std::fs::write(
        s.config_dir().join("updates.toml"),
        format!("{toml}automatic = false\n"),
    )
    .unwrap();
    assert!(due(NOW + 3 * 86_400).is_none());
    assert!(!s.updates.status().automatic);
    // A check the admin asks for still works.
    assert_eq!(s.check().phase, UpdatePhase::Available);
}

#[test]
fn no_install_while_syncs_are_held() {
    let (key, server, s) = served();
    offering(&server, &key, "0.2.0", &elf("release 0.2.0"), "0.2.0");
    assert_eq!(s.check().phase, UpdatePhase::Available);
    let held = s.runner.hold("the test holds runs").unwrap();
    let error = s.install().unwrap_err();
    assert_eq!(error.code, ErrorCode::AlreadyRunning, "{error:?}");
    assert_eq!(s.installed(), elf("installed 0.1.0"));
    drop(held);
    s.install().unwrap();
}

#[test]
fn the_release_key_in_the_configuration_is_a_minisign_public_key() {
    let conf: serde_json::Value =
        serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
    let updater = &conf["plugins"]["updater"];
    let decoded = STANDARD
        .decode(updater["pubkey"].as_str().unwrap())
        .unwrap();
    let text = String::from_utf8(decoded).unwrap();
    minisign::PublicKeyBox::from_string(&text)
        .unwrap()
        .into_public_key()
        .unwrap();
    assert_eq!(updater["requireSignedVersion"], true);
    assert!(updater.get("dangerousInsecureTransportProtocol").is_none());
    assert!(updater.get("dangerousAcceptInvalidCerts").is_none());
    assert!(updater.get("dangerousAcceptInvalidHostnames").is_none());
}

#[test]
fn what_the_release_script_signs_the_updater_installs() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let tauri = repo.join("ui/node_modules/.bin/tauri");
    assert!(
        tauri.exists(),
        "the Tauri CLI is missing: run `npm ci` in ui/ (scripts/test.sh does)"
    );
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("release.key");
    let generated = std::process::Command::new(&tauri)
        .args(["signer", "generate", "--ci", "-p", "", "-w"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(generated.status.success(), "{generated:?}");
    let artifact = work.path().join("Onramp_0.2.0_amd64.AppImage");
    std::fs::write(&artifact, elf("release 0.2.0 from the script")).unwrap();
    std::fs::write(
        work.path().join("notes.md"),
        "Signed by scripts/sign-release.sh.\n",
    )
    .unwrap();

    let server = UpdateServer::start();
    let signed = std::process::Command::new(repo.join("scripts/sign-release.sh"))
        .args(["--version", "0.2.0", "--base-url", &server.url("/0.2.0")])
        .arg("--notes")
        .arg(work.path().join("notes.md"))
        .arg("--out")
        .arg(work.path().join("out"))
        .arg(&artifact)
        .env("TAURI_SIGNING_PRIVATE_KEY_PATH", &key)
        .env("TAURI_SIGNING_PRIVATE_KEY_PASSWORD", "")
        .output()
        .unwrap();
    assert!(signed.status.success(), "{signed:?}");
    server.serve(
        "/latest.json",
        200,
        std::fs::read(work.path().join("out/latest.json")).unwrap(),
    );
    server.serve(
        "/0.2.0/Onramp_0.2.0_amd64.AppImage",
        200,
        std::fs::read(&artifact).unwrap(),
    );

    let pubkey = std::fs::read_to_string(work.path().join("release.key.pub")).unwrap();
    let s = Setup::new(pubkey.trim());
    s.settings(&server.url("/latest.json"), &server.ca_pem);
    let status = s.check();
    assert_eq!(status.phase, UpdatePhase::Available, "{status:?}");
    assert_eq!(
        status.offer.unwrap().notes.as_deref(),
        Some("Signed by scripts/sign-release.sh.")
    );
    s.install().unwrap();
    assert_eq!(s.installed(), std::fs::read(&artifact).unwrap());
}
