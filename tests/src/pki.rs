//! A throwaway certificate authority for the test servers, made with `rcgen`.
//!
//! Onramp verifies every TLS peer with rustls and never turns verification
//! off, so each TLS endpoint the tests start must present a chain rustls
//! accepts: an X.509 v3 leaf with the host name or IP in subjectAltName
//! (rustls ignores the CN), signed by a CA certificate with
//! `basicConstraints CA:TRUE`. Samba's auto-generated leaf has no
//! subjectAltName (see `samba.rs`), so the DCs, slapd's LDAPS listener and the TLS proxy
//! all get leaves from a [`TestCa`]. Keys are ECDSA P-256 (what `ring` can
//! generate; GnuTLS in Samba and slapd load them fine).

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// Whether a leaf is valid now or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Valid from 2020 to 2100.
    Current,
    /// Valid only during 2020, so expired now.
    Expired,
    /// Valid since 2020 and for this many more days from now.
    ExpiresInDays(i64),
}

/// A self-signed test CA that issues server certificates.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
    cert_der: CertificateDer<'static>,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

/// A server certificate and its key, issued by a [`TestCa`].
#[derive(Debug)]
pub struct LeafCert {
    /// The leaf certificate, PEM.
    pub cert_pem: String,
    /// The private key, PKCS#8 PEM.
    pub key_pem: String,
    cert_der: CertificateDer<'static>,
    key_der: Vec<u8>,
}

impl TestCa {
    /// A new CA whose subject CN is `common_name`.
    pub fn new(common_name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params
            .distinguished_name
            .push(DnType::OrganizationName, "Onramp tests");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2100, 1, 1);
        let key = KeyPair::generate().expect("CA key");
        let cert = params.self_signed(&key).expect("self-sign the CA");
        Self {
            cert_pem: cert.pem(),
            cert_der: cert.der().clone(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Writes the CA certificate to `path` (PEM).
    pub fn write_cert(&self, path: &Path) -> Result<(), String> {
        std::fs::write(path, &self.cert_pem).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Issues a server certificate for `names`: DNS names and IP addresses
    /// (written as text, for example `127.0.0.1`), all put in subjectAltName;
    /// the first one is also the CN.
    pub fn issue(&self, names: &[&str], validity: Validity) -> LeafCert {
        let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(sans).expect("leaf params");
        if let Some(first) = names.first() {
            params.distinguished_name.push(DnType::CommonName, *first);
        }
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        match validity {
            Validity::Current => {
                params.not_before = date_time_ymd(2020, 1, 1);
                params.not_after = date_time_ymd(2100, 1, 1);
            }
            Validity::Expired => {
                params.not_before = date_time_ymd(2020, 1, 1);
                params.not_after = date_time_ymd(2021, 1, 1);
            }
            Validity::ExpiresInDays(days) => {
                params.not_before = date_time_ymd(2020, 1, 1);
                params.not_after = time::OffsetDateTime::now_utc() + time::Duration::days(days);
            }
        }
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &self.issuer).expect("sign the leaf");
        LeafCert {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            cert_der: cert.der().clone(),
            key_der: key.serialize_der(),
        }
    }

    /// A rustls client configuration that trusts this CA only.
    pub fn client_config(&self) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots.add(self.cert_der.clone()).expect("add the test CA");
        client_config_with_roots(roots)
    }
}

impl LeafCert {
    /// Writes the certificate and the key (mode 0600, which GnuTLS in Samba
    /// insists on) into `dir` as `cert.pem` and `key.pem`.
    pub fn write(&self, dir: &Path) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        std::fs::write(&cert, &self.cert_pem).map_err(|e| format!("{}: {e}", cert.display()))?;
        std::fs::write(&key, &self.key_pem).map_err(|e| format!("{}: {e}", key.display()))?;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", key.display()))
    }

    /// A rustls server configuration presenting this certificate.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        let key = PrivateKeyDer::Pkcs8(self.key_der.clone().into());
        let config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.cert_der.clone()], key)
            .expect("server certificate");
        Arc::new(config)
    }
}

/// The crypto provider the tests use (ring, as the app does).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A rustls client configuration trusting exactly the PEM certificates in
/// `ca_pem`.
pub fn client_config_trusting(ca_pem: &Path) -> Result<Arc<ClientConfig>, String> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca_pem)
        .map_err(|e| format!("cannot read {}: {e}", ca_pem.display()))?
    {
        let cert = cert.map_err(|e| format!("bad PEM in {}: {e}", ca_pem.display()))?;
        roots
            .add(cert)
            .map_err(|e| format!("{} is not a usable CA: {e}", ca_pem.display()))?;
    }
    Ok(client_config_with_roots(roots))
}

/// A rustls client configuration trusting the system's CA bundle only, as
/// a client that was given no CA file would: test servers are "unknown
/// issuer" to it.
pub fn client_config_system_roots() -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    client_config_with_roots(roots)
}

fn client_config_with_roots(roots: RootCertStore) -> Arc<ClientConfig> {
    let config = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    Arc::new(config)
}
