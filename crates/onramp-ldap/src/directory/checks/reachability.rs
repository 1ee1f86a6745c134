//! `ldap.reachability`: DNS, then TCP to the plain and TLS ports.

use std::net::SocketAddr;

use tokio::net::TcpStream;

use super::Run;
use crate::directory::remedies::{dns_steps, port_closed_steps, timeout_steps};
use crate::ldap::endpoint::Transport;
use onramp_base::check::{CheckResult, CheckStatus};

pub(super) const ID: &str = "ldap.reachability";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortState {
    Open,
    Refused,
    TimedOut,
    Error,
}

impl PortState {
    fn label(self) -> &'static str {
        match self {
            PortState::Open => "open",
            PortState::Refused => "refused",
            PortState::TimedOut => "timed out",
            PortState::Error => "unreachable",
        }
    }
}

async fn probe(addrs: &[SocketAddr], port: u16, timeout: std::time::Duration) -> PortState {
    let mut state = PortState::Error;
    for addr in addrs {
        let addr = SocketAddr::new(addr.ip(), port);
        state = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(_)) => return PortState::Open,
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => PortState::Refused,
            Ok(Err(_)) => PortState::Error,
            Err(_) => PortState::TimedOut,
        };
    }
    state
}

pub(super) async fn run(run: &Run) -> CheckResult {
    let endpoint = &run.target.endpoint;
    let host = endpoint.host.as_str();
    let addrs: Vec<SocketAddr> = match tokio::net::lookup_host((host, 0)).await {
        Ok(a) => a.collect(),
        Err(_) => Vec::new(),
    };
    if addrs.is_empty() {
        return CheckResult::fail(ID, format!("cannot resolve {host}"))
            .details("DNS returned no address for the host in connection.url.")
            .remediation(dns_steps(host))
            .evidence("host", host);
    }
    let mut result = CheckResult::pass(ID, "").evidence("host", host).evidence(
        "addresses",
        addrs
            .iter()
            .map(|a| a.ip().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let needed = endpoint.configured;
    let mut needed_state = PortState::Open;
    let mut other_closed = Vec::new();
    for (transport, port) in [
        (Transport::Plain, endpoint.plain_port),
        (Transport::Ldaps, endpoint.tls_port),
    ] {
        let Some(port) = port else { continue };
        let state = probe(&addrs, port, run.target.timeout).await;
        result = result.evidence(&format!("tcp.{port}"), state.label());
        let is_needed = match needed {
            Transport::Plain | Transport::StartTls => transport == Transport::Plain,
            Transport::Ldaps => transport == Transport::Ldaps,
        };
        if is_needed {
            needed_state = state;
        } else if state != PortState::Open {
            other_closed.push(port);
        }
    }
    let port = endpoint.port(needed).unwrap_or_default();
    match needed_state {
        PortState::Open if other_closed.is_empty() => {
            result.summary = format!("{host} answers on the LDAP ports");
        }
        PortState::Open => {
            result.status = CheckStatus::Warn;
            result.summary = format!(
                "{host} answers on port {port}, but not on {}",
                other_closed
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            result.details = "The profile's port works; the other one is closed, so switching between LDAPS and StartTLS later will need a firewall change.".to_owned();
        }
        PortState::Refused => {
            result.status = CheckStatus::Fail;
            result.summary = format!("{host} refused connections on port {port}");
            result.remediation = port_closed_steps(endpoint);
        }
        PortState::TimedOut | PortState::Error => {
            result.status = CheckStatus::Fail;
            result.summary = format!(
                "no answer from {host} on port {port} ({})",
                needed_state.label()
            );
            result.remediation = timeout_steps(endpoint);
        }
    }
    result
}
