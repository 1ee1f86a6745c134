//! The directory setup checks, in the order the wizard runs them.

mod bind;
mod reachability;
mod read_access;
mod rootdse;
mod signing;
mod tls;

use crate::check::{CheckReport, CheckResult, CheckStatus};
use crate::secret::{Secret, SecretStore};
use crate::tls::{TlsClient, client_config};

use super::{DirectoryError, DirectoryTarget};

/// Every check id, in order.
pub const CHECK_IDS: [&str; 6] = [
    reachability::ID,
    rootdse::ID,
    signing::ID,
    tls::ID,
    bind::ID,
    read_access::ID,
];

/// What the checks share during one run.
pub(crate) struct Run<'a> {
    pub target: &'a DirectoryTarget,
    pub tls: TlsClient,
    pub password: Result<Secret, String>,
    pub secret_name: String,
    pub now_unix: i64,
}

impl Run<'_> {
    /// The password, or the failed result that says why it is missing.
    pub fn password_or_fail(&self, id: &str) -> Result<&Secret, Box<CheckResult>> {
        self.password.as_ref().map_err(|message| {
            Box::new(CheckResult::fail(id, format!("cannot read the bind password: {message}")).remediation([
                format!(
                    "Store it with: onramp secret set {}   (the value is read from standard input)",
                    self.secret_name
                ),
            ]))
        })
    }
}

/// Runs all checks, or only `only` (the CLI's `--only`). `now_unix` dates
/// certificate expiry.
pub async fn run_checks(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
    only: Option<&str>,
    now_unix: i64,
) -> Result<CheckReport, DirectoryError> {
    match only {
        Some(id) => run_selected_checks(target, secrets, &[id], now_unix).await,
        None => run_selected_checks(target, secrets, &CHECK_IDS, now_unix).await,
    }
}

/// Runs the checks named in `ids`, in the order of [`CHECK_IDS`] (a wizard
/// step asks for a few of them). A check whose prerequisite ran in this call
/// and failed is reported as skipped: nothing after a failed reachability
/// check, no read access after a failed bind. An unknown id is an error
/// before anything runs.
pub async fn run_selected_checks(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
    ids: &[&str],
    now_unix: i64,
) -> Result<CheckReport, DirectoryError> {
    if let Some(id) = ids.iter().find(|id| !CHECK_IDS.contains(id)) {
        return Err(DirectoryError::UnknownCheck(
            (*id).to_owned(),
            CHECK_IDS.join(", "),
        ));
    }
    let secret_name = target.connection.bind_password_secret.clone();
    let run = Run {
        target,
        tls: client_config(target.connection.ca_file.as_deref())?,
        password: secrets.get(&secret_name).map_err(|e| e.to_string()),
        secret_name: secret_name.to_string(),
        now_unix,
    };
    let mut checks: Vec<CheckResult> = Vec::new();
    let wanted = |id: &str| ids.contains(&id);
    // Only a prerequisite that ran here (and failed) blocks a later check.
    let blocked = |checks: &[CheckResult], prerequisite: &str| {
        checks
            .iter()
            .any(|c| c.id == prerequisite && c.status == CheckStatus::Fail)
    };

    if wanted(reachability::ID) {
        checks.push(reachability::run(&run).await);
    }
    if blocked(&checks, reachability::ID) {
        for id in CHECK_IDS[1..].iter().filter(|id| wanted(id)) {
            checks.push(CheckResult::skipped(
                id,
                "not run: the server is not reachable",
            ));
        }
        return Ok(CheckReport { checks });
    }
    if wanted(rootdse::ID) {
        checks.push(rootdse::run(&run).await);
    }
    if wanted(signing::ID) {
        checks.push(signing::run(&run).await);
    }
    if wanted(tls::ID) {
        checks.push(tls::run(&run).await);
    }
    if wanted(bind::ID) {
        checks.push(bind::run(&run).await);
    }
    if wanted(read_access::ID) {
        if blocked(&checks, bind::ID) {
            checks.push(CheckResult::skipped(
                read_access::ID,
                "not run: the bind failed",
            ));
        } else {
            checks.push(read_access::run(&run).await);
        }
    }
    Ok(CheckReport { checks })
}
