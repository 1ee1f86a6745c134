//! A wizard step's checks: any mix of the registry's check ids, each run
//! by the connector that declares it, answered in the order asked.

use onramp_base::check::CheckResult;
use onramp_base::error::{ErrorReport, ToReport};
use onramp_connector::expiry::CredentialItem;
use onramp_connector::registry::{ChecksError, run_checks};
use onramp_connector::{Registry, UnknownCheck};
use onramp_profile::Profile;
use onramp_secrets::SecretStore;

/// Why a step's checks could not run.
#[derive(Debug, thiserror::Error)]
pub enum StepChecksError {
    /// An id no connector has.
    #[error(transparent)]
    Unknown(#[from] UnknownCheck),
    /// A connector's checks could not run.
    #[error(transparent)]
    Checks(#[from] ChecksError),
}

impl ToReport for StepChecksError {
    fn to_report(&self) -> ErrorReport {
        match self {
            StepChecksError::Unknown(e) => e.to_report(),
            StepChecksError::Checks(e) => e.to_report(),
        }
    }
}

/// What a step's checks found.
#[derive(Debug, Clone)]
pub struct StepResults {
    /// One result per id asked, in the order asked.
    pub results: Vec<CheckResult>,
    /// The expiring credentials they showed.
    pub credentials: Vec<CredentialItem>,
}

/// Runs the checks `ids` against `profile`: only those asked for run, each
/// connector's in its own order (its prerequisites skip what follows a
/// failure); an unknown id is an error before anything runs.
pub async fn run_step_checks(
    registry: &Registry,
    profile: &Profile,
    secrets: &dyn SecretStore,
    ids: &[String],
    now_unix: i64,
) -> Result<StepResults, StepChecksError> {
    let unknown = |id: &str| UnknownCheck {
        id: id.to_owned(),
        known: registry.check_ids().join(", "),
    };
    // The connectors involved, each with its ids, in the order first asked.
    let mut groups: Vec<(usize, &dyn onramp_connector::Connector, Vec<&str>)> = Vec::new();
    for id in ids {
        let (place, connector) = registry.connector_of_check(id).ok_or_else(|| unknown(id))?;
        match groups.iter_mut().find(|(p, _, _)| *p == place) {
            Some((_, _, group)) => group.push(id),
            None => groups.push((place, connector, vec![id])),
        }
    }
    let mut results: Vec<CheckResult> = Vec::new();
    let mut credentials = Vec::new();
    for (_, connector, group) in groups {
        let ran = run_checks(connector, profile, secrets, Some(&group), now_unix).await?;
        credentials.extend(connector.credentials(profile, &ran, now_unix));
        results.extend(ran);
    }
    let results = ids
        .iter()
        .map(|id| {
            results
                .iter()
                .find(|r| &r.id == id)
                .cloned()
                .ok_or_else(|| unknown(id))
        })
        .collect::<Result<_, _>>()?;
    Ok(StepResults {
        results,
        credentials,
    })
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::path::Path;

    use onramp_base::check::CheckStatus;
    use onramp_profile::parse_profile;
    use onramp_secrets::MemoryStore;

    use super::*;

    /// A local port with nothing listening on it.
    fn closed_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }

    fn profile(target: &str) -> Profile {
        let port = closed_port();
        let text = format!(
            "kind = \"ldap\"\n\
             [connection]\n\
             url = \"ldap://127.0.0.1:{port}\"\n\
             bind_dn = \"cn=svc,dc=example,dc=com\"\n\
             bind_password_secret = \"t-bind\"\n\
             timeout_seconds = 2\n\
             {target}"
        );
        parse_profile("t", Path::new("t.toml"), &text).unwrap()
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn run(p: &Profile, asked: &[&str]) -> Result<StepResults, StepChecksError> {
        onramp_base::runtime::block_on(run_step_checks(
            &crate::registry(),
            p,
            &MemoryStore::default(),
            &ids(asked),
            0,
        ))
        .unwrap()
    }

    #[test]
    fn results_come_in_the_order_asked_and_only_those_run() {
        let port = closed_port();
        let p = profile(&format!(
            "[target]\nurl = \"http://127.0.0.1:{port}/scim/v2\"\nauth = \"bearer\"\ntoken_secret = \"t-token\"\n"
        ));
        let results = run(&p, &["target.auth", "ldap.rootdse", "ldap.reachability"])
            .unwrap()
            .results;
        let got: Vec<_> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(got, ["target.auth", "ldap.rootdse", "ldap.reachability"]);
        // Nothing listens: reachability fails, the RootDSE read after it is
        // skipped naming it, and the platform's auth is skipped behind its
        // failed connect.
        assert_eq!(results[2].status, CheckStatus::Fail, "{:?}", results[2]);
        assert_eq!(results[1].status, CheckStatus::Skipped);
        assert_eq!(
            results[1].summary,
            "not run: needs ldap.reachability, which failed"
        );
        assert_eq!(results[0].status, CheckStatus::Skipped);
    }

    #[test]
    fn one_directory_check_runs_alone() {
        let results = run(&profile(""), &["ldap.bind"]).unwrap().results;
        assert_eq!(results.len(), 1);
        assert_eq!(results[0].id, "ldap.bind");
        // The password was never stored: the check says so, without a value.
        assert_eq!(results[0].status, CheckStatus::Fail);
        assert!(
            results[0].summary.contains("bind password"),
            "{}",
            results[0].summary
        );
    }

    #[test]
    fn target_checks_without_a_target_are_skipped() {
        let results = run(&profile(""), &["target.connect"]).unwrap().results;
        assert_eq!(results[0].status, CheckStatus::Skipped);
        assert!(results[0].summary.contains("[target]"));
    }

    #[test]
    fn unknown_check_id_is_a_typed_error() {
        match run(&profile(""), &["ldap.reachability", "ldap.colour"]) {
            Err(StepChecksError::Unknown(UnknownCheck { id, known })) => {
                assert_eq!(id, "ldap.colour");
                assert!(known.contains("target.scim"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_check_of_another_kind_is_refused_by_its_connector() {
        let text = "kind = \"entra\"\n[connection]\ntenant = \"contoso.onmicrosoft.com\"\nclient_id = \"00000000-0000-0000-0000-000000000000\"\nclient_credential_secret = \"e\"\n";
        let p = parse_profile("e", Path::new("e.toml"), text).unwrap();
        match run(&p, &["ldap.bind"]) {
            Err(StepChecksError::Checks(ChecksError::Setting(e))) => {
                assert_eq!(e.field, "connection");
                assert!(
                    e.reason.contains("entra") || e.reason.contains("Entra"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
