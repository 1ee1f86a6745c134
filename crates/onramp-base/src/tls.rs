//! TLS client configuration and certificate diagnostics.
//!
//! One rustls configuration is used for every connection: the OS trust store
//! (so an internal AD CS root installed on the machine is trusted) plus an
//! optional CA file from the profile. There is deliberately no way to turn
//! verification off. The verifier records the certificate the server
//! presented, so a failed handshake can still show the admin the subject,
//! issuer, SANs, validity and fingerprint of what was offered.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::check::Evidence;

/// Building the TLS configuration failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// The CA file could not be read: missing, not a regular file, or
    /// larger than any CA file ([`crate::files::MAX_SMALL_FILE`]).
    #[error("CA file: {0}")]
    ReadCaFile(#[source] crate::files::SmallFileError),
    /// The CA file holds no usable certificate.
    #[error("CA file {path} contains no PEM certificate")]
    EmptyCaFile {
        /// The file.
        path: PathBuf,
    },
    /// A certificate in the CA file is malformed.
    #[error("CA file {path}: {reason}")]
    BadCaFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// No trusted root at all (no OS store and no CA file).
    #[error(
        "no trusted certificate authorities: the OS trust store is empty or unreadable and no CA file was given"
    )]
    NoRoots,
    /// rustls refused the configuration.
    #[error("TLS configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The certificate the server presented in the last handshake.
#[derive(Debug, Clone, Default)]
pub struct PeerCertificate(Arc<Mutex<Option<CertificateDer<'static>>>>);

impl PeerCertificate {
    fn store(&self, cert: &CertificateDer<'_>) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some(cert.clone().into_owned());
    }

    /// The parsed certificate, if a server presented one.
    pub fn info(&self) -> Option<CertificateInfo> {
        let slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .and_then(|der| CertificateInfo::from_der(der).ok())
    }
}

/// A rustls client configuration plus the slot its verifier fills.
pub struct TlsClient {
    /// The configuration to hand to reqwest, tokio-rustls or ldap3.
    pub config: Arc<rustls::ClientConfig>,
    /// The server certificate seen during the handshake.
    pub peer: PeerCertificate,
    /// The WebPKI verifier over the roots, kept for [`TlsClient::another`].
    roots: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
}

impl TlsClient {
    /// The same roots and settings, with a slot of its own for the peer
    /// certificate: for a second connection opened beside the first.
    /// Cheaper than [`client_config`] again, which reads and parses the OS
    /// store (milliseconds each time).
    pub fn another(&self) -> Result<TlsClient, TlsSetupError> {
        assemble(self.roots.clone(), self.provider.clone())
    }
}

/// Builds the client configuration: OS roots plus `ca_file`, verification always on.
pub fn client_config(ca_file: Option<&Path>) -> Result<TlsClient, TlsSetupError> {
    let mut roots = RootCertStore::empty();
    // Certificates the OS store cannot parse are skipped; the remaining ones
    // still make a working store.
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = ca_file {
        add_ca_file(&mut roots, path)?;
    }
    if roots.is_empty() {
        return Err(TlsSetupError::NoRoots);
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| TlsSetupError::Rustls(rustls::Error::General(e.to_string())))?;
    assemble(roots, provider)
}

/// A client configuration verifying through `roots`, with a fresh peer slot.
fn assemble(
    roots: Arc<WebPkiServerVerifier>,
    provider: Arc<CryptoProvider>,
) -> Result<TlsClient, TlsSetupError> {
    let peer = PeerCertificate::default();
    let verifier = Arc::new(RecordingVerifier {
        inner: roots.clone(),
        peer: peer.clone(),
    });
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous() // only to install a verifier that delegates to WebPKI
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(TlsClient {
        config: Arc::new(config),
        peer,
        roots,
        provider,
    })
}

fn add_ca_file(roots: &mut RootCertStore, path: &Path) -> Result<(), TlsSetupError> {
    let pem = crate::files::read_small_file(path, crate::files::MAX_SMALL_FILE)
        .map_err(TlsSetupError::ReadCaFile)?;
    let mut added = 0;
    for item in rustls_pki_types::pem::PemObject::pem_slice_iter(&pem) {
        let cert: CertificateDer<'static> = item.map_err(|e| TlsSetupError::BadCaFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        roots.add(cert).map_err(|e| TlsSetupError::BadCaFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        added += 1;
    }
    if added == 0 {
        return Err(TlsSetupError::EmptyCaFile {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Delegates every decision to WebPKI and remembers the end-entity certificate.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    peer: PeerCertificate,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.peer.store(end_entity);
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What an admin needs to see of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CertificateInfo {
    /// The subject DN.
    pub subject: String,
    /// The issuer DN.
    pub issuer: String,
    /// DNS names and IP addresses of the subjectAltName extension.
    pub sans: Vec<String>,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// End of validity as Unix seconds, for expiry reminders.
    pub not_after_unix: i64,
    /// SHA-256 of the DER encoding, colon-separated upper-case hex.
    pub sha256: String,
}

impl CertificateInfo {
    /// Parses a DER certificate.
    pub fn from_der(
        der: &[u8],
    ) -> Result<Self, x509_parser::nom::Err<x509_parser::error::X509Error>> {
        let (_, cert) = x509_parser::parse_x509_certificate(der)?;
        let mut sans = Vec::new();
        if let Ok(Some(ext)) = cert.subject_alternative_name() {
            for name in &ext.value.general_names {
                match name {
                    x509_parser::extensions::GeneralName::DNSName(d) => {
                        sans.push(format!("DNS:{d}"))
                    }
                    x509_parser::extensions::GeneralName::IPAddress(ip) => {
                        sans.push(format!("IP:{}", format_ip(ip)))
                    }
                    _ => {}
                }
            }
        }
        let validity = cert.validity();
        let rfc3339 = |t: &x509_parser::time::ASN1Time| {
            t.to_datetime()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| t.to_string())
        };
        let digest = Sha256::digest(der);
        Ok(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            sans,
            not_before: rfc3339(&validity.not_before),
            not_after: rfc3339(&validity.not_after),
            not_after_unix: validity.not_after.timestamp(),
            sha256: digest
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<Vec<_>>()
                .join(":"),
        })
    }

    /// The certificate as evidence lines, prefixed `certificate.`.
    pub fn evidence(&self) -> Vec<Evidence> {
        let item = |key: &str, value: String| Evidence {
            key: format!("certificate.{key}"),
            value,
        };
        vec![
            item("subject", self.subject.clone()),
            item("issuer", self.issuer.clone()),
            item("sans", self.sans.join(", ")),
            item("not_before", self.not_before.clone()),
            item("not_after", self.not_after.clone()),
            item("sha256", self.sha256.clone()),
        ]
    }
}

fn format_ip(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// Every error in a chain, including the ones `std::io::Error` wraps: its
/// `source()` skips the wrapped error itself, and TLS failures arrive as an
/// `io::Error` inside an `io::Error` around the `rustls::Error`.
pub fn error_sources<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        out.push(e);
        current = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
        if out.len() > 32 {
            break;
        }
    }
    out
}

/// Why certificate verification failed, in the admin's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateProblem {
    /// Not signed by a trusted CA.
    UnknownIssuer,
    /// Past its notAfter.
    Expired,
    /// Before its notBefore.
    NotYetValid,
    /// The name connected to is not in the certificate.
    NameMismatch,
    /// Revoked by its CA.
    Revoked,
    /// Not valid for server authentication.
    WrongUsage,
    /// A CA certificate (typically self-signed) presented as the server's own.
    SelfSignedCa,
    /// Something else.
    Other(String),
}

impl CertificateProblem {
    /// Finds the certificate error in an error's source chain.
    pub fn find(error: &(dyn std::error::Error + 'static)) -> Option<Self> {
        error_sources(error)
            .into_iter()
            .find_map(|e| match e.downcast_ref::<rustls::Error>() {
                Some(rustls::Error::InvalidCertificate(c)) => Some(Self::from_rustls(c)),
                _ => None,
            })
    }

    fn from_rustls(e: &CertificateError) -> Self {
        match e {
            CertificateError::UnknownIssuer => Self::UnknownIssuer,
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Self::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Self::NotYetValid
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Self::NameMismatch
            }
            CertificateError::Revoked => Self::Revoked,
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                Self::WrongUsage
            }
            other => {
                let text = format!("{other:?}");
                if text.contains("CaUsedAsEndEntity") {
                    Self::SelfSignedCa
                } else {
                    Self::Other(text)
                }
            }
        }
    }

    /// A stable, machine-readable name of the problem.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownIssuer => "unknown_issuer",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::NameMismatch => "name_mismatch",
            Self::Revoked => "revoked",
            Self::WrongUsage => "wrong_usage",
            Self::SelfSignedCa => "self_signed_ca",
            Self::Other(_) => "other",
        }
    }

    /// One sentence for the admin. `host` is what was connected to.
    pub fn explain(&self, host: &str) -> String {
        let by_ip = host.parse::<std::net::IpAddr>().is_ok();
        match self {
            Self::UnknownIssuer => "the certificate is not signed by a certificate authority this machine trusts (unknown issuer)".to_owned(),
            Self::Expired => "the certificate has expired".to_owned(),
            Self::NotYetValid => "the certificate is not valid yet (check the clocks of both machines)".to_owned(),
            Self::NameMismatch if by_ip => format!("the certificate does not name {host}: you connected by IP address, and the certificate names host names only"),
            Self::NameMismatch => format!("the certificate does not name {host} (name mismatch)"),
            Self::Revoked => "the certificate has been revoked by its issuer".to_owned(),
            Self::WrongUsage => "the certificate is not valid for server authentication (Extended Key Usage)".to_owned(),
            Self::SelfSignedCa => "the server presents a CA certificate as its own certificate (a self-signed certificate)".to_owned(),
            Self::Other(s) => format!("the certificate was rejected: {s}"),
        }
    }

    /// Ordered steps that fix it.
    pub fn remediation(&self, host: &str, ca_key: &str) -> Vec<String> {
        match self {
            Self::UnknownIssuer => vec![
                "Export the issuing CA's certificate (for AD CS: the root CA certificate, Base-64 encoded) as a PEM file.".to_owned(),
                format!("Either install it in this machine's trust store, or set {ca_key} in the profile to that file."),
                "Run the check again.".to_owned(),
            ],
            Self::Expired | Self::NotYetValid => vec![
                "Renew or re-issue the server's certificate (or fix the clock if it is wrong).".to_owned(),
                "Run the check again.".to_owned(),
            ],
            Self::NameMismatch => vec![
                format!("Connect with a host name listed in the certificate's SANs (shown in the evidence) instead of {host}, or"),
                "re-issue the certificate with that name or IP address in its subjectAltName.".to_owned(),
            ],
            Self::SelfSignedCa => vec![
                "Issue the server a certificate for Server Authentication from your CA (for AD: AD CS), instead of a self-signed one.".to_owned(),
                format!("Then trust that CA: install it in this machine's trust store, or set {ca_key} to its PEM file."),
            ],
            Self::Revoked | Self::WrongUsage | Self::Other(_) => vec![
                "Issue the server a certificate for Server Authentication from a trusted CA.".to_owned(),
            ],
        }
    }
}

#[cfg(test)]
mod tests {

    #[cfg(unix)]
    #[test]
    fn a_ca_file_that_is_a_device_is_refused_and_named() {
        match client_config(Some(Path::new("/dev/zero"))) {
            Err(e @ TlsSetupError::ReadCaFile(crate::files::SmallFileError::NotAFile { .. })) => {
                assert_eq!(e.to_string(), "CA file: /dev/zero is not a regular file");
            }
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("/dev/zero was taken as a CA file"),
        }
    }
    use super::*;

    #[test]
    fn another_client_shares_the_roots_but_not_the_peer_slot() {
        let first = client_config(None).unwrap();
        let second = first.another().unwrap();
        assert!(Arc::ptr_eq(&first.roots, &second.roots), "verified alike");
        first.peer.store(&CertificateDer::from(vec![0x30, 0x00]));
        let seen = |c: &TlsClient| c.peer.0.lock().unwrap().is_some();
        assert!(seen(&first));
        assert!(!seen(&second), "each connection records its own server");
    }
}
