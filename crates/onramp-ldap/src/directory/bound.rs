//! A session bound as the service account, for reads.

use crate::ldap::bind::BindOutcome;
use crate::ldap::endpoint::Transport;
use crate::ldap::session::{ConnectError, Session, connect};
use onramp_base::tls::TlsClient;
use onramp_secrets::Secret;

use super::DirectoryTarget;

/// Why a bound session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum BoundError {
    /// The profile's transport has no port on this endpoint.
    #[error("no port for {0:?}")]
    NoPort(Transport),
    /// The connection failed.
    #[error("cannot connect to {url}: {error}")]
    Connect {
        /// The URL.
        url: String,
        /// Why.
        error: ConnectError,
    },
    /// The bind failed.
    #[error("bind refused: {outcome:?}")]
    Bind {
        /// What the server said.
        outcome: BindOutcome,
    },
    /// The bind request itself failed.
    #[error("bind failed: {0}")]
    Protocol(String),
}

/// Connects with the profile's transport and binds as the service account.
pub async fn open_bound(
    target: &DirectoryTarget,
    tls: &TlsClient,
    password: &Secret,
) -> Result<Session, BoundError> {
    let transport = target.endpoint.configured;
    let url = target
        .endpoint
        .url(transport)
        .ok_or(BoundError::NoPort(transport))?;
    let mut session = connect(&url, transport, tls, target.timeout)
        .await
        .map_err(|error| BoundError::Connect { url, error })?;
    let result = session
        .ldap
        .simple_bind(target.identity.as_str(), password.expose())
        .await
        .map_err(|e| BoundError::Protocol(e.to_string()))?;
    match BindOutcome::classify(result.rc, &result.text) {
        BindOutcome::Success => Ok(session),
        outcome => {
            session.close().await;
            Err(BoundError::Bind { outcome })
        }
    }
}
