//! Opening an LDAP connection with the shared, always-verified TLS configuration.

use std::time::Duration;

use ldap3::{Ldap, LdapConnAsync, LdapConnSettings, LdapError};

use super::endpoint::Transport;
use onramp_base::tls::{CertificateInfo, CertificateProblem, PeerCertificate, TlsClient};

/// An open connection.
pub struct Session {
    /// The ldap3 handle; its driver task runs until the connection closes.
    pub ldap: Ldap,
    /// How it is protected.
    pub transport: Transport,
    /// The URL connected to.
    pub url: String,
    /// The server certificate seen in the TLS handshake, if any.
    pub peer: PeerCertificate,
}

/// Why a connection could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Nothing listens on the port.
    #[error("connection refused")]
    Refused,
    /// No answer in time.
    #[error("timed out")]
    TimedOut,
    /// The host name does not resolve.
    #[error("the host name does not resolve: {0}")]
    UnknownHost(String),
    /// The server's certificate was rejected.
    #[error("certificate rejected: {problem:?}")]
    Certificate {
        /// Why.
        problem: CertificateProblem,
        /// What the server presented.
        certificate: Option<Box<CertificateInfo>>,
        /// The full error text.
        detail: String,
    },
    /// The server refused the StartTLS request or closed the connection.
    #[error("the TLS handshake failed: {0}")]
    Handshake(String),
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl ConnectError {
    fn classify(e: LdapError, peer: &PeerCertificate) -> Self {
        if let Some(problem) = CertificateProblem::find(&e) {
            return ConnectError::Certificate {
                problem,
                certificate: peer.info().map(Box::new),
                detail: error_text(&e),
            };
        }
        match &e {
            LdapError::Timeout { .. } => ConnectError::TimedOut,
            LdapError::Io { source } => match source.kind() {
                std::io::ErrorKind::ConnectionRefused => ConnectError::Refused,
                std::io::ErrorKind::TimedOut => ConnectError::TimedOut,
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::InvalidData => ConnectError::Handshake(error_text(&e)),
                _ if source.to_string().contains("failed to lookup address")
                    || source.to_string().contains("Name or service not known") =>
                {
                    ConnectError::UnknownHost(source.to_string())
                }
                _ => ConnectError::Other(error_text(&e)),
            },
            LdapError::LdapResult { result } => ConnectError::Handshake(format!(
                "the server refused StartTLS (result code {}: {})",
                result.rc, result.text
            )),
            _ => ConnectError::Other(error_text(&e)),
        }
    }
}

fn error_text(e: &(dyn std::error::Error + 'static)) -> String {
    onramp_base::http::error_chain(e)
}

/// Connects to `url` (`ldap://` or `ldaps://`) with the given transport.
pub async fn connect(
    url: &str,
    transport: Transport,
    tls: &TlsClient,
    timeout: Duration,
) -> Result<Session, ConnectError> {
    let settings = LdapConnSettings::new()
        .set_conn_timeout(timeout)
        .set_config(tls.config.clone())
        .set_starttls(transport == Transport::StartTls);
    let connected = tokio::time::timeout(timeout * 2, LdapConnAsync::with_settings(settings, url))
        .await
        .map_err(|_| ConnectError::TimedOut)?;
    let (conn, mut ldap) = connected.map_err(|e| ConnectError::classify(e, &tls.peer))?;
    tokio::spawn(async move {
        if let Err(e) = conn.drive().await {
            tracing::debug!("LDAP connection ended: {e}");
        }
    });
    ldap.with_timeout(timeout);
    Ok(Session {
        ldap,
        transport,
        url: url.to_owned(),
        peer: tls.peer.clone(),
    })
}

impl Session {
    /// Ends the session politely; errors are irrelevant at that point.
    pub async fn close(mut self) {
        let _ = self.ldap.unbind().await;
    }
}
