//! `onramp diagnostics export` after a real sync from slapd into
//! scim2-server with `--verbose` logs: the zip holds the profile, the last
//! check results, the history and the logs, and not the platform token in any
//! form, nor the bind password.

use std::io::Read as _;
use std::sync::Arc;

use base64::Engine as _;
use libtest_mimic::Trial;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::onramp_cli::{OnrampCli, describe};
use onramp_tests::{Fixtures, ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![trial(
        fx,
        "diagnostics::the_bundle_after_a_sync_holds_no_secret",
        the_bundle_after_a_sync_holds_no_secret,
    )]
}

fn the_bundle_after_a_sync_holds_no_secret(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let scim = fx.start_scim();
    let ou = dir.unique_ou("diag")?;
    dir.add_bulk_users(&ou, &format!("d{}x", onramp_tests::random_hex(3)), 5)?;
    let cli = OnrampCli::new();
    // A canary pasted into the profile as a comment, as an admin might.
    let canary = format!("canary-{}", onramp_tests::random_hex(12));
    cli.write_profile(
        "p",
        &format!(
            "{}\n# token was {canary}\n[target]\nurl = \"{}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
            dir.connection_profile(&ou),
            scim.base_url()
        ),
    );
    cli.run_with_stdin(&["secret", "set", "bind"], dir.bind_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    cli.run_with_stdin(&["secret", "set", "unused"], &canary);
    let checked = cli.run(&["--verbose", "check", "--profile", "p"]);
    ensure(checked.code == 0 || checked.code == 3, || {
        describe(&checked)
    })?;
    let synced = cli.run(&["--verbose", "sync", "--profile", "p"]);
    ensure(synced.code == 0, || describe(&synced))?;

    let out = cli.root().join("bundle.zip");
    let export = cli.run(&[
        "--json",
        "diagnostics",
        "export",
        "--out",
        &out.display().to_string(),
    ]);
    ensure(export.code == 0, || describe(&export))?;
    let answer = export.json();
    ensure(answer["bytes"].as_u64().is_some_and(|b| b > 0), || {
        describe(&export)
    })?;

    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| e.to_string())?;
        let mut text = String::new();
        f.read_to_string(&mut text).map_err(|e| e.to_string())?;
        files.push((f.name().map_err(|e| e.to_string())?.into_owned(), text));
    }
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "manifest.json",
        "profiles/p.toml",
        "checks/p.json",
        "history/runs.json",
        "expiry.json",
    ] {
        ensure(names.contains(&want), || {
            format!("{want} missing: {names:?}")
        })?;
    }
    ensure(names.iter().any(|n| n.starts_with("logs/onramp.")), || {
        format!("no log: {names:?}")
    })?;
    let mut forms = Vec::new();
    for secret in [scim.token(), dir.bind_password(), canary.as_str()] {
        forms.push(secret.to_owned());
        forms.push(base64::engine::general_purpose::STANDARD.encode(secret));
        forms.push(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret));
    }
    for (name, text) in &files {
        for form in &forms {
            ensure(!text.contains(form.as_str()), || {
                format!("{name} holds a secret ({} chars)", form.len())
            })?;
        }
    }
    let manifest = &files
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .ok_or("no manifest")?
        .1;
    ensure(
        manifest.contains("\"kind\": \"secret unused\"") && manifest.contains("profiles/p.toml"),
        || manifest.clone(),
    )?;
    // The verbose log holds the sync's detail, redacted, not dropped.
    let log = files
        .iter()
        .filter(|(n, _)| n.starts_with("logs/"))
        .map(|(_, t)| t.as_str())
        .collect::<String>();
    ensure(log.contains("sync finished"), || {
        "the log lost its content".to_owned()
    })
}
