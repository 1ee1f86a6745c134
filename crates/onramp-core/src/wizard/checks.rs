//! The check registry: every check id a wizard step may name, and running a
//! step's checks against a draft profile.
//!
//! The checks themselves live with what they test (`directory::checks`,
//! `target::check`); this is only the index over them, so a wizard file is
//! validated against the checks that really exist, and a step runs exactly
//! the checks it names, in the order it names them.

use crate::check::CheckResult;
use crate::directory::{self, DirectoryTarget, run_selected_checks};
use crate::profile::Profile;
use crate::secret::SecretStore;
use crate::target::{self, check_target};

use super::WizardError;

/// Which part of the engine runs a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckGroup {
    /// The directory checks (`ldap.*`), against the profile's `[connection]`.
    Directory,
    /// The platform checks (`target.*`), against the profile's `[target]`.
    Target,
}

/// Every check id the engine can run, directory checks first.
pub fn check_ids() -> impl Iterator<Item = &'static str> {
    directory::CHECK_IDS.into_iter().chain(target::CHECK_IDS)
}

/// Which group runs check `id`; `None` for an unknown id.
pub fn check_group(id: &str) -> Option<CheckGroup> {
    if directory::CHECK_IDS.contains(&id) {
        Some(CheckGroup::Directory)
    } else if target::CHECK_IDS.contains(&id) {
        Some(CheckGroup::Target)
    } else {
        None
    }
}

/// Whether `id` names a check the engine has.
pub fn is_known_check(id: &str) -> bool {
    check_group(id).is_some()
}

fn unknown(id: &str) -> WizardError {
    WizardError::UnknownCheck {
        id: id.to_owned(),
        known: check_ids().collect::<Vec<_>>().join(", "),
    }
}

/// Runs the checks `ids` against `profile` and returns their results in the
/// order of `ids`. Only the checks asked for run (the platform checks depend
/// on each other and run as one sequence, of which only the asked-for results
/// are returned). An unknown id is an error before anything runs. `now_unix`
/// dates certificate expiry.
pub async fn run_step_checks(
    profile: &Profile,
    secrets: &dyn SecretStore,
    ids: &[String],
    now_unix: i64,
) -> Result<Vec<CheckResult>, WizardError> {
    let mut directory_ids: Vec<&str> = Vec::new();
    let mut target_wanted = false;
    for id in ids {
        match check_group(id).ok_or_else(|| unknown(id))? {
            CheckGroup::Directory => directory_ids.push(id),
            CheckGroup::Target => target_wanted = true,
        }
    }
    let mut results: Vec<CheckResult> = Vec::new();
    if !directory_ids.is_empty() {
        let target = DirectoryTarget::from_profile(profile)?;
        let report = run_selected_checks(&target, secrets, &directory_ids, now_unix).await?;
        results.extend(report.checks);
    }
    if target_wanted {
        match (&profile.target, &profile.export) {
            (Some(t), _) => results.extend(check_target(t, secrets, now_unix).await.checks),
            (None, Some(_)) => results.extend(target::CHECK_IDS.into_iter().map(|id| {
                CheckResult::skipped(
                    id,
                    "does not apply: this profile exports to a folder instead of a platform",
                )
            })),
            (None, None) => results.extend(target::CHECK_IDS.into_iter().map(|id| {
                CheckResult::skipped(id, "not run: the profile has no [target] platform yet")
            })),
        }
    }
    ids.iter()
        .map(|id| {
            results
                .iter()
                .find(|r| &r.id == id)
                .cloned()
                .ok_or_else(|| unknown(id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::path::Path;

    use super::*;
    use crate::check::CheckStatus;
    use crate::profile::parse_profile;
    use crate::secret::MemoryStore;

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

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn registry_lists_every_directory_and_target_check() {
        let all: Vec<_> = check_ids().collect();
        assert_eq!(
            all,
            [
                "ldap.reachability",
                "ldap.rootdse",
                "ldap.signing",
                "ldap.tls",
                "ldap.bind",
                "ldap.read_access",
                "target.connect",
                "target.auth",
                "target.scim"
            ]
        );
        assert!(is_known_check("target.scim"));
        assert!(!is_known_check("ldap.sigining"));
    }

    #[test]
    fn results_come_in_the_order_asked_and_only_those_run() {
        let port = closed_port();
        let p = profile(&format!(
            "[target]\nurl = \"http://127.0.0.1:{port}/scim/v2\"\nauth = \"bearer\"\ntoken_secret = \"t-token\"\n"
        ));
        let secrets = MemoryStore::default();
        let asked = ids(&["target.auth", "ldap.rootdse", "ldap.reachability"]);
        let results = runtime()
            .block_on(run_step_checks(&p, &secrets, &asked, 0))
            .unwrap();
        let got: Vec<_> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(got, ["target.auth", "ldap.rootdse", "ldap.reachability"]);
        // Nothing listens: reachability fails, the RootDSE read after it is
        // skipped, and the platform's auth is skipped behind its failed connect.
        assert_eq!(results[2].status, CheckStatus::Fail, "{:?}", results[2]);
        assert_eq!(results[1].status, CheckStatus::Skipped);
        assert_eq!(results[0].status, CheckStatus::Skipped);
    }

    #[test]
    fn one_directory_check_runs_alone() {
        let p = profile("");
        let secrets = MemoryStore::default();
        let results = runtime()
            .block_on(run_step_checks(&p, &secrets, &ids(&["ldap.bind"]), 0))
            .unwrap();
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
        let p = profile("");
        let results = runtime()
            .block_on(run_step_checks(
                &p,
                &MemoryStore::default(),
                &ids(&["target.connect"]),
                0,
            ))
            .unwrap();
        assert_eq!(results[0].status, CheckStatus::Skipped);
        assert!(results[0].summary.contains("[target]"));
    }

    #[test]
    fn unknown_check_id_is_a_typed_error() {
        let p = profile("");
        let err = runtime()
            .block_on(run_step_checks(
                &p,
                &MemoryStore::default(),
                &ids(&["ldap.reachability", "ldap.colour"]),
                0,
            ))
            .unwrap_err();
        match &err {
            WizardError::UnknownCheck { id, known } => {
                assert_eq!(id, "ldap.colour");
                assert!(known.contains("target.scim"));
            }
            other => panic!("{other:?}"),
        }
    }
}
