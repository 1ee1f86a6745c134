//! The HTTP client every platform and cloud API call goes through.

use std::path::Path;
use std::time::Duration;

use url::Url;

use crate::check::CheckResult;
use crate::tls::{CertificateProblem, PeerCertificate, TlsSetupError, client_config};

/// A reqwest client on the shared TLS configuration, and the certificate slot
/// its handshakes fill.
#[derive(Clone)]
pub struct HttpClient {
    /// The client. Redirects are not followed: a redirect is reported, so the
    /// admin can put the right URL in the profile instead of sending
    /// credentials on to wherever the server points.
    pub client: reqwest::Client,
    /// The certificate the server presented.
    pub peer: PeerCertificate,
}

/// Builds the client with the OS trust store plus `ca_file`.
pub fn http_client(ca_file: Option<&Path>, timeout: Duration) -> Result<HttpClient, TlsSetupError> {
    let tls = client_config(ca_file)?;
    let mut config = (*tls.config).clone();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("onramp/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| TlsSetupError::Rustls(rustls::Error::General(e.to_string())))?;
    Ok(HttpClient {
        client,
        peer: tls.peer,
    })
}

/// The error and its sources, joined, for the `details` of a result.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut current = error.source();
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn io_kind(error: &(dyn std::error::Error + 'static)) -> Option<std::io::ErrorKind> {
    crate::tls::error_sources(error)
        .into_iter()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .map(std::io::Error::kind)
        .find(|k| *k != std::io::ErrorKind::Other)
}

/// Resolves the URL's host, so an unknown name gets its own answer.
pub async fn resolve(id: &str, url: &Url) -> Result<(), CheckResult> {
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let found = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map(|mut addrs| addrs.next().is_some())
        .unwrap_or(false);
    match found {
        true => Ok(()),
        false => Err(
            CheckResult::fail(id, format!("cannot resolve the host name {host}"))
                .details("DNS returned no address for the host in the URL.")
                .remediation([
                    "Check the host name in the URL for typos.".to_owned(),
                    format!("Check that this machine's DNS can resolve it: nslookup {host}"),
                    "If the name only resolves inside the company network, connect the VPN first."
                        .to_owned(),
                ])
                .evidence("url", url),
        ),
    }
}

/// Turns a failed request into a failed check that says what went wrong.
pub fn transport_failure(
    id: &str,
    url: &Url,
    error: &reqwest::Error,
    peer: &PeerCertificate,
    ca_key: &str,
) -> CheckResult {
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(443);
    let chain = error_chain(error);
    if let Some(problem) = CertificateProblem::find(error) {
        let mut result = CheckResult::fail(
            id,
            format!(
                "TLS certificate of {host} rejected: {}",
                problem.explain(host)
            ),
        )
        .details(chain)
        .remediation(problem.remediation(host, ca_key))
        .evidence("url", url)
        .evidence("tls.problem", problem.code());
        if let Some(info) = peer.info() {
            result = result.evidence_all(info.evidence());
        }
        return result;
    }
    if error.is_timeout() {
        return CheckResult::fail(id, format!("no answer from {host}:{port} (timed out)"))
            .details(chain)
            .remediation([
                format!("Check that a firewall or proxy allows outbound HTTPS from this machine to {host}:{port}."),
                "Check that the URL's port is right.".to_owned(),
            ])
            .evidence("url", url);
    }
    match io_kind(error) {
        Some(std::io::ErrorKind::ConnectionRefused) => {
            CheckResult::fail(id, format!("{host}:{port} refused the connection"))
                .details(chain)
                .remediation([
                    format!("Check the port in the URL; nothing is listening on {port}."),
                    "Check that the service is running.".to_owned(),
                ])
                .evidence("url", url)
        }
        Some(std::io::ErrorKind::ConnectionReset) | Some(std::io::ErrorKind::UnexpectedEof) => {
            CheckResult::fail(id, format!("{host}:{port} closed the connection"))
                .details(chain)
                .remediation([
                    "Check that the URL uses the right scheme (https:// for a TLS port)."
                        .to_owned(),
                    "A proxy or firewall may be intercepting the connection.".to_owned(),
                ])
                .evidence("url", url)
        }
        _ => CheckResult::fail(id, format!("could not talk to {host}:{port}"))
            .details(chain)
            .evidence("url", url),
    }
}
