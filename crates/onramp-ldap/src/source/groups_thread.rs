//! The group search of a full generic-LDAP read, on a connection and a
//! thread of its own.
//!
//! slapd keeps one paged search per connection, so the groups of an LDAP
//! read need a second connection anyway. Giving that connection its own
//! thread, with its own current-thread runtime ([`onramp_base::runtime`]), puts
//! the decoding of its answers (ldap3's connection task, the costly part of
//! a read on the client) on the other core, instead of taking turns with
//! the user search's decoding on the caller's thread. Its bind also happens
//! while the user search starts. In A/B runs of the sync benchmark this
//! took about 5 % off a full read at 10,000 and at 100,000 users
//! (docs/benchmarks.md).
//!
//! The thread only reads: the member values are resolved on the caller's
//! side once both searches are in. Dropping the [`GroupsThread`] before it
//! is finished (the user search failed) stops the search and closes its
//! connection.

use tokio::sync::oneshot;

use super::groups::{GroupsRead, search_groups};
use super::{BindCredentials, SourceError};
use crate::directory::DirectoryTarget;

/// A group search running on a thread of its own.
pub(super) struct GroupsThread {
    result: oneshot::Receiver<Result<GroupsRead, SourceError>>,
}

impl GroupsThread {
    /// Starts the search of the groups under `base_dn` (generic LDAP) over a
    /// new connection bound with `credentials`.
    pub(super) fn start(
        target: &DirectoryTarget,
        credentials: BindCredentials,
        base_dn: &str,
    ) -> Result<Self, SourceError> {
        let (target, base_dn) = (target.clone(), base_dn.to_owned());
        let (mut tx, result) = oneshot::channel();
        std::thread::Builder::new()
            .name("onramp-groups-read".to_owned())
            .spawn(move || {
                let runtime = match onramp_base::runtime::engine_runtime() {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = tx.send(Err(SourceError::GroupsThread(e)));
                        return;
                    }
                };
                let read = async {
                    let mut session = credentials.open(&target).await?;
                    drop(credentials);
                    let filter = target.groups_filter(false);
                    let groups =
                        search_groups(&target, &mut session.ldap, &base_dn, false, &filter).await;
                    session.close().await;
                    groups
                };
                // Given up on (the receiver dropped): stop reading.
                let outcome = runtime.block_on(async {
                    tokio::select! {
                        groups = read => Some(groups),
                        () = tx.closed() => None,
                    }
                });
                if let Some(groups) = outcome {
                    let _ = tx.send(groups);
                }
            })
            .map_err(SourceError::GroupsThread)?;
        Ok(Self { result })
    }

    /// Waits for the search to end.
    pub(super) async fn finish(self) -> Result<GroupsRead, SourceError> {
        self.result.await.unwrap_or_else(|_| {
            Err(SourceError::GroupsThread(std::io::Error::other(
                "it stopped before the search ended",
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::net::TcpListener;
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use onramp_profile::parse_profile;
    use onramp_secrets::{MemoryStore, Secret, SecretName, SecretStore};

    fn target(port: u16) -> DirectoryTarget {
        let text = format!(
            "kind = \"ldap\"\n[connection]\nurl = \"ldap://127.0.0.1:{port}\"\n\
             base_dn = \"dc=x\"\nbind_dn = \"cn=svc,dc=x\"\nbind_password_secret = \"bind\"\n\
             timeout_seconds = 60\n[target]\nurl = \"https://platform.invalid/scim/v2\"\n\
             auth = \"bearer\"\ntoken_secret = \"platform\"\n"
        );
        let profile = parse_profile("t", Path::new("t.toml"), &text).unwrap();
        DirectoryTarget::from_profile(&profile).unwrap()
    }

    fn credentials(target: &DirectoryTarget) -> BindCredentials {
        let store = MemoryStore::new();
        let name = SecretName::new("bind").unwrap();
        store
            .set(&name, &Secret::new("canary-7f3a".into()))
            .unwrap();
        BindCredentials::of(target, &store).unwrap()
    }

    fn closed_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    #[test]
    fn a_search_that_cannot_connect_reports_why() {
        let target = target(closed_port());
        let thread = GroupsThread::start(&target, credentials(&target), "dc=x").unwrap();
        let result = onramp_base::runtime::block_on(thread.finish()).unwrap();
        let e = result.err().expect("nothing listens there");
        assert!(matches!(e, SourceError::Bind(_)), "{e:?}");
        assert!(!format!("{e} {e:?}").contains("canary-7f3a"));
    }

    #[test]
    fn a_missing_password_fails_before_any_connection() {
        let e = BindCredentials::of(&target(closed_port()), &MemoryStore::new())
            .err()
            .expect("no secret");
        assert!(matches!(e, SourceError::Directory(_)), "{e:?}");
    }

    #[test]
    fn dropping_it_closes_the_connection() {
        // A server that takes the bind and never answers: the search would
        // wait for the profile's 60 s timeout.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let target = target(port);
        let thread = GroupsThread::start(&target, credentials(&target), "dc=x").unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut buf = [0u8; 512];
        assert!(conn.read(&mut buf).unwrap() > 0, "the bind request");
        drop(thread);
        // Whatever else arrives (an unbind at most), the end of the stream
        // follows, long before the profile's timeout (the read would fail
        // after 30 s).
        while conn.read(&mut buf).expect("closed, not left waiting") > 0 {}
    }
}
