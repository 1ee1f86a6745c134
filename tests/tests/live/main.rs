//! The `live` test binary: every integration test against real servers.
//!
//! One binary (libtest-mimic, `harness = false`) so the servers are started
//! once per run and shared: `main` builds the [`Fixtures`], collects the
//! trials of every module, runs them with cargo-test-style output and
//! filtering, then drops the fixtures, which stops every server.
//!
//! To add tests: create `tests/live/<area>.rs` with
//! `pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial>` returning
//! `onramp_tests::trial(fx, "<area>::<test>", <test fn>)` items (a test fn is
//! `fn(&Fixtures) -> Result<(), String>`; panics fail it too), add
//! `mod <area>;` below and one line in `main`.

use std::process::ExitCode;
use std::sync::Arc;

use libtest_mimic::Arguments;
use onramp_tests::Fixtures;

mod agent;
mod cli_directory;
mod cli_foundation;
mod desktop_e2e;
mod diagnostics;
mod hardening;
mod notifications;
mod package;
mod scim_client;
mod servers;
mod sync_e2e;
mod sync_export;
mod sync_platform;
mod sync_source;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let fx = Arc::new(Fixtures::new());

    let mut trials = Vec::new();
    trials.extend(servers::trials(&fx));
    trials.extend(scim_client::trials(&fx));
    trials.extend(cli_foundation::trials(&fx));
    trials.extend(cli_directory::trials(&fx));
    trials.extend(sync_e2e::trials(&fx));
    trials.extend(sync_export::trials(&fx));
    trials.extend(sync_platform::trials(&fx));
    trials.extend(sync_source::trials(&fx));
    trials.extend(notifications::trials(&fx));
    trials.extend(agent::trials(&fx));
    trials.extend(diagnostics::trials(&fx));
    trials.extend(hardening::trials(&fx));
    trials.extend(desktop_e2e::trials(&fx));
    trials.extend(package::trials(&fx));

    let conclusion = libtest_mimic::run(&args, trials);
    // The trials (and their clones of `fx`) are gone: this stops the servers.
    match Arc::try_unwrap(fx) {
        Ok(fx) => drop(fx),
        Err(_) => eprintln!("warning: fixtures still referenced; the watchdogs stop the servers"),
    }
    conclusion.exit_code()
}
