//! Where an LDAP server is and how to reach it.

use serde::Serialize;

use onramp_profile::DirectoryConnection;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// Clear text (port 389 / 3268).
    Plain,
    /// Clear text upgraded with the StartTLS extended operation.
    StartTls,
    /// TLS from the first byte (port 636 / 3269).
    Ldaps,
}

impl Transport {
    /// The URL scheme for this transport.
    pub fn scheme(self) -> &'static str {
        match self {
            Transport::Plain | Transport::StartTls => "ldap",
            Transport::Ldaps => "ldaps",
        }
    }

    /// How an admin would name it.
    pub fn label(self) -> &'static str {
        match self {
            Transport::Plain => "plain LDAP",
            Transport::StartTls => "StartTLS",
            Transport::Ldaps => "LDAPS",
        }
    }
}

/// A host and the plain and TLS ports that go together on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Endpoint {
    /// Host name or IP address as written in the profile.
    pub host: String,
    /// The clear-text port (389, or 3268 for a Global Catalog); `None` when
    /// the profile names a non-standard LDAPS port alone.
    pub plain_port: Option<u16>,
    /// The LDAPS port (636, or 3269 for a Global Catalog); `None` when the
    /// profile names a non-standard clear-text port alone.
    pub tls_port: Option<u16>,
    /// What the profile asks for.
    pub configured: Transport,
    /// Whether the ports are the Global Catalog's.
    pub global_catalog: bool,
}

impl Endpoint {
    /// Derives the endpoint from a profile's connection.
    pub fn from_connection(c: &DirectoryConnection) -> Self {
        let host = c
            .url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_owned();
        let ldaps = c.url.scheme() == "ldaps";
        let port = c.url.port();
        let (plain_port, tls_port, gc) = match (ldaps, port) {
            (_, Some(3268)) | (_, Some(3269)) => (Some(3268), Some(3269), true),
            (false, None) | (false, Some(389)) => (Some(389), Some(636), false),
            (true, None) | (true, Some(636)) => (Some(389), Some(636), false),
            (false, Some(p)) => (Some(p), None, false),
            (true, Some(p)) => (None, Some(p), false),
        };
        let configured = match (ldaps, c.starttls) {
            (true, _) => Transport::Ldaps,
            (false, true) => Transport::StartTls,
            (false, false) => Transport::Plain,
        };
        Self {
            host,
            plain_port,
            tls_port,
            configured,
            global_catalog: gc,
        }
    }

    /// The port a transport uses, if this endpoint has one for it.
    pub fn port(&self, transport: Transport) -> Option<u16> {
        match transport {
            Transport::Plain | Transport::StartTls => self.plain_port,
            Transport::Ldaps => self.tls_port,
        }
    }

    /// The URL for a transport, if this endpoint has a port for it.
    pub fn url(&self, transport: Transport) -> Option<String> {
        let port = self.port(transport)?;
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        Some(format!("{}://{host}:{port}", transport.scheme()))
    }

    /// Whether the profile names the server by IP address.
    pub fn is_ip(&self) -> bool {
        self.host.parse::<std::net::IpAddr>().is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str, starttls: bool) -> Endpoint {
        let c = DirectoryConnection {
            url: url::Url::parse(url).unwrap(),
            starttls,
            base_dn: None,
            bind_dn: "x".into(),
            bind_password_secret: onramp_secrets::SecretName::new("s").unwrap(),
            ca_file: None,
            timeout_seconds: 5,
        };
        Endpoint::from_connection(&c)
    }

    #[test]
    fn standard_and_global_catalog_ports() {
        let e = endpoint("ldaps://dc1.example.local", false);
        assert_eq!(
            (e.plain_port, e.tls_port, e.configured),
            (Some(389), Some(636), Transport::Ldaps)
        );
        let e = endpoint("ldap://dc1.example.local:3268", true);
        assert!(e.global_catalog);
        assert_eq!(
            e.url(Transport::Ldaps).unwrap(),
            "ldaps://dc1.example.local:3269"
        );
        assert_eq!(e.configured, Transport::StartTls);
        let e = endpoint("ldap://127.0.0.1:10389", false);
        assert_eq!((e.plain_port, e.tls_port), (Some(10389), None));
        assert!(e.is_ip());
        let e = endpoint("ldaps://[::1]:1636", false);
        assert_eq!(e.url(Transport::Ldaps).unwrap(), "ldaps://[::1]:1636");
    }
}
