//! Issue 20 through the real binary: malformed profiles refused alike by
//! `profile validate` and `check` (the same key, exit 2), a non-UTF-8
//! profile, a secret file refused for its mode or owner, private log files,
//! run durations in the history, and a huge value cut in the error.

use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::onramp_cli::{OnrampCli, describe};
use onramp_tests::{Fixtures, ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "hardening::malformed_profiles_are_refused_alike_by_validate_and_check",
            malformed_profiles_are_refused_alike_by_validate_and_check,
        ),
        trial(
            fx,
            "hardening::a_refused_secret_file_is_a_configuration_error_with_the_fix",
            a_refused_secret_file_is_a_configuration_error_with_the_fix,
        ),
        trial(
            fx,
            "hardening::logs_are_private_and_the_history_shows_durations",
            logs_are_private_and_the_history_shows_durations,
        ),
    ]
}

const GOOD: &str = "kind = \"ldap\"\n[connection]\nurl = \"ldaps://dc1.corp.test\"\nbind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\nbase_dn = \"dc=corp,dc=test\"\n";

fn malformed_profiles_are_refused_alike_by_validate_and_check(
    _fx: &Fixtures,
) -> Result<(), String> {
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "bind"], "not-used-secret");
    let huge = "x".repeat(1 << 20);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "creds",
            GOOD.replace("ldaps://dc1", "ldaps://user:pass@dc1"),
            "connection.url",
        ),
        (
            "query",
            GOOD.replace("dc1.corp.test\"", "dc1.corp.test?a=b\""),
            "connection.url",
        ),
        (
            "fragment",
            GOOD.replace("dc1.corp.test\"", "dc1.corp.test#top\""),
            "connection.url",
        ),
        (
            "port0",
            GOOD.replace("dc1.corp.test\"", "dc1.corp.test:0\""),
            "connection.url",
        ),
        (
            "dot",
            GOOD.replace("ldaps://dc1.corp.test", "ldaps://."),
            "connection.url",
        ),
        (
            "longhost",
            GOOD.replace("dc1.corp.test\"", &format!("{}.test\"", "h".repeat(260))),
            "connection.url",
        ),
        (
            "nul",
            GOOD.replace("cn=svc,", "cn=s\\u0000vc,"),
            "connection.bind_dn",
        ),
        (
            "newline",
            GOOD.replace("dc=corp,dc=test\"\n", "dc=corp,\\ndc=test\"\n"),
            "connection.base_dn",
        ),
        (
            "hugedn",
            GOOD.replace(
                "cn=svc,dc=corp,dc=test\"\nbind_password",
                &format!("cn=svc,,{huge}\"\nbind_password"),
            ),
            "connection.bind_dn",
        ),
        (
            "syntax",
            "kind = \"ldap\"\n[connection\n".to_owned(),
            "not valid TOML",
        ),
        ("badkind", "kind = 7\n".to_owned(), "kind"),
    ];
    for (name, text, key) in &cases {
        cli.write_profile(name, text);
        let validate = cli.run(&["--json", "profile", "validate", name]);
        let check = cli.run(&["--json", "check", "--profile", name]);
        for (what, run) in [("validate", &validate), ("check", &check)] {
            ensure(run.code == 2, || {
                format!("{name} {what}: {}", describe(run))
            })?;
            ensure(run.stdout.contains(key), || {
                format!("{name} {what} does not name {key}: {}", describe(run))
            })?;
            ensure(run.stdout.len() < 4096, || {
                format!("{name} {what}: a {} byte answer", run.stdout.len())
            })?;
        }
        ensure(!check.stdout.contains("not-used-secret"), || {
            "secret".to_owned()
        })?;
    }
    // The huge value is cut, with its size.
    let check = cli.run(&["check", "--profile", "hugedn"]);
    ensure(check.stderr.contains("bytes in all"), || describe(&check))?;
    // Not UTF-8: exit 2 for check too, naming the file.
    let path = cli.write_profile("latin1", "");
    std::fs::write(&path, b"kind = \"ldap\"\n# caf\xe9\n").map_err(|e| e.to_string())?;
    for args in [
        &["profile", "validate", "latin1"][..],
        &["check", "--profile", "latin1"][..],
    ] {
        let run = cli.run(args);
        ensure(run.code == 2 && run.stderr.contains("latin1.toml"), || {
            format!("{args:?}: {}", describe(&run))
        })?;
    }
    Ok(())
}

fn a_refused_secret_file_is_a_configuration_error_with_the_fix(
    _fx: &Fixtures,
) -> Result<(), String> {
    let cli = OnrampCli::new();
    cli.write_profile("p", GOOD);
    cli.run_with_stdin(&["secret", "set", "bind"], "a-secret-value");
    let file = cli.config_dir().join("secrets/bind");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644))
        .map_err(|e| e.to_string())?;
    let run = cli.run(&["--json", "check", "--profile", "p"]);
    ensure(run.code == 2, || describe(&run))?;
    let error = &run.json()["error"];
    ensure(error["code"] == "secret_store", || describe(&run))?;
    let fix = error["remediation"].to_string();
    ensure(
        fix.contains(&format!("chmod 600 {}", file.display())) && fix.contains("chown"),
        || describe(&run),
    )?;
    ensure(!run.stdout.contains("a-secret-value"), || "leak".to_owned())
}

fn logs_are_private_and_the_history_shows_durations(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let scim = fx.start_scim();
    let ou = dir.unique_ou("hard")?;
    dir.add_bulk_users(&ou, &format!("h{}x", onramp_tests::random_hex(3)), 3)?;
    let cli = OnrampCli::new();
    // What an older version left behind: a readable log folder.
    std::fs::create_dir_all(cli.data_dir().join("logs")).map_err(|e| e.to_string())?;
    std::fs::set_permissions(
        cli.data_dir().join("logs"),
        std::fs::Permissions::from_mode(0o755),
    )
    .map_err(|e| e.to_string())?;
    cli.write_profile(
        "p",
        &format!(
            "{}\n[target]\nurl = \"{}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
            dir.connection_profile(&ou),
            scim.base_url()
        ),
    );
    cli.run_with_stdin(&["secret", "set", "bind"], dir.bind_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    let sync = cli.run(&["--verbose", "sync", "--profile", "p"]);
    ensure(sync.code == 0, || describe(&sync))?;
    let logs = cli.data_dir().join("logs");
    let mode = |p: &std::path::Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    };
    ensure(mode(&logs) == 0o700, || {
        format!("logs folder {:o}", mode(&logs))
    })?;
    let files: Vec<_> = std::fs::read_dir(&logs)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    ensure(!files.is_empty(), || "no log file".to_owned())?;
    for f in &files {
        ensure(mode(f) == 0o600, || {
            format!("{} is {:o}", f.display(), mode(f))
        })?;
    }
    let history = cli.run(&["history", "--profile", "p"]);
    ensure(
        history.code == 0 && history.stdout.contains("DURATION") && history.stdout.contains("s  "),
        || describe(&history),
    )?;
    let runs = cli.run(&["--json", "history", "--profile", "p"]).json();
    let run = &runs[0];
    ensure(
        run["finished_at"].as_i64().unwrap_or(0) >= run["started_at"].as_i64().unwrap_or(i64::MAX),
        || run.to_string(),
    )?;
    let detail = cli
        .run(&["--json", "history", "--run", &run["id"].to_string()])
        .json();
    let results = detail["results"].as_array().cloned().unwrap_or_default();
    ensure(
        !results.is_empty()
            && results
                .iter()
                .all(|r| r["at"].as_i64().unwrap_or(0) >= run["started_at"].as_i64().unwrap_or(0)),
        || detail.to_string(),
    )
}
