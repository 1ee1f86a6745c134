//! The export target end to end: `onramp sync` from a real Samba AD DC into
//! a folder (`[target] kind = "export"`), checked on the files it writes.
//!
//! NOTE: this module only drives the CLI and reads files, so it compiles on
//! its own; it passes once `run_sync` calls
//! `onramp_engine::sync::export::export_run` for a profile with
//! `Profile::export` set and reports the summary as `"export": {"dir",
//! "files"}` in `onramp --json sync`. Until then the sync fails with
//! "profile 'p' has no [target]".

use std::path::{Path, PathBuf};
use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::Fixtures;
use onramp_tests::onramp_cli::{OnrampCli, describe};
use onramp_tests::samba::{ADMIN_UPN, DNS_DOMAIN, UserSpec};
use onramp_tests::{ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![trial(
        fx,
        "sync_export::ad_sync_exports_plan_and_state",
        ad_sync_exports_plan_and_state,
    )]
}

const FILES: [&str; 5] = [
    "plan.json",
    "plan.csv",
    "state.json",
    "users.csv",
    "groups.csv",
];

/// Records of a CSV file (RFC 4180: quoted fields may hold `,`, `""` and
/// line breaks), header first. Small on purpose: the test crate has no CSV
/// dependency, and reading the files independently of the writer is the point.
fn read_csv(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

fn files_in(dir: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Every folder under `root` (recursively), for "nothing was written" checks.
fn tree(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            out.push(entry.path());
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    out
}

fn ad_sync_exports_plan_and_state(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let ou = dc.unique_ou("export")?;
    let t = onramp_tests::random_hex(3);
    let exports = tempfile::tempdir().map_err(|e| e.to_string())?;
    let cli = OnrampCli::new();
    // TOML literal strings: the folder path is written as is.
    let profile = format!(
        "kind = \"ad\"\n[connection]\nurl = \"ldaps://{}\"\nbind_dn = \"{ADMIN_UPN}\"\nbind_password_secret = \"bind\"\nbase_dn = \"{ou}\"\nca_file = '{}'\n\n[target]\nkind = \"export\"\nfolder = '{}'\n",
        dc.host_name(),
        dc.ca_path().display(),
        exports.path().display(),
    );
    cli.write_profile("p", &profile);
    let secret = cli.run_with_stdin(&["secret", "set", "bind"], dc.admin_password());
    ensure(secret.code == 0, || describe(&secret))?;

    let mut emails = Vec::new();
    for (sam, given, family) in [
        ("ann", "Ann", "Able"),
        ("ben", "Ben", "Baker"),
        ("cat", "Cat", "Cole"),
    ] {
        let mail = format!("{sam}{t}@{DNS_DOMAIN}");
        dc.add_user(
            &ou,
            &UserSpec::new(&format!("{sam}{t}"))
                .name(given, family)
                .mail(&mail),
        )?;
        emails.push(mail);
    }
    // No email address: not eligible, listed as skipped in the plan only.
    dc.add_user(&ou, &UserSpec::new(&format!("dee{t}")).name("Dee", "Dunn"))?;

    // A preview stops before the target: nothing is exported.
    let run = cli.run(&["--json", "sync", "--profile", "p", "--preview"]);
    ensure(run.code == 0, || describe(&run))?;
    ensure(run.json()["status"] == "preview", || describe(&run))?;
    let written = tree(exports.path());
    ensure(written.is_empty(), || {
        format!("the preview wrote {written:?}")
    })?;

    let run = cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let report = run.json();
    ensure(report["status"] == "ok", || describe(&run))?;
    let dir = report["export"]["dir"]
        .as_str()
        .map(PathBuf::from)
        .ok_or_else(|| format!("no export.dir in the report\n{}", describe(&run)))?;
    ensure(dir.parent() == Some(&exports.path().join("p")), || {
        format!("export dir {} is not under <folder>/p", dir.display())
    })?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    ensure(
        name.as_deref()
            .is_some_and(|n| n.starts_with("run-") && n.ends_with('Z')),
        || format!("export dir name {name:?}"),
    )?;
    let reported: Vec<PathBuf> = report["export"]["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(PathBuf::from))
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<PathBuf> = FILES.iter().map(|f| dir.join(f)).collect();
    ensure(reported == expected, || {
        format!("export.files {reported:?}, expected {expected:?}")
    })?;
    let mut want: Vec<String> = FILES.iter().map(|f| (*f).to_owned()).collect();
    want.sort();
    let found = files_in(&dir)?;
    ensure(found == want, || {
        format!("the export folder holds {found:?}")
    })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode();
        ensure(mode & 0o077 == 0, || {
            format!("the export folder is mode {:o}", mode & 0o777)
        })?;
    }

    // users.csv: a header and one row per eligible user.
    let users = read_csv(&dir.join("users.csv"))?;
    ensure(
        users
            .first()
            .is_some_and(|h| h.get(1).map(String::as_str) == Some("userName")),
        || format!("users.csv header {:?}", users.first()),
    )?;
    ensure(users.len() == 1 + emails.len(), || {
        format!("users.csv: {users:?}")
    })?;
    for mail in &emails {
        let rows = users[1..].iter().filter(|r| r.get(1) == Some(mail)).count();
        ensure(rows == 1, || {
            format!("{mail} in {rows} rows of users.csv: {users:?}")
        })?;
    }
    ensure(
        !users
            .iter()
            .flatten()
            .any(|cell| cell.contains(&format!("dee{t}"))),
        || format!("the user without email is in users.csv: {users:?}"),
    )?;

    // plan.csv: the three creates, and the skipped user with the reason.
    let plan = read_csv(&dir.join("plan.csv"))?;
    let creates: Vec<&Vec<String>> = plan.iter().filter(|r| r[0] == "create").collect();
    ensure(creates.len() == 3, || format!("plan.csv: {plan:?}"))?;
    for mail in &emails {
        ensure(creates.iter().any(|r| r.get(2) == Some(mail)), || {
            format!("no create row for {mail}: {plan:?}")
        })?;
    }
    ensure(
        plan.iter()
            .any(|r| r[0] == "skip" && r.get(3).is_some_and(|d| d.contains("no email"))),
        || format!("no skip row for the user without email: {plan:?}"),
    )?;

    // The JSON files parse, and match the report.
    let read_json = |file: &str| -> Result<serde_json::Value, String> {
        let bytes = std::fs::read(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{file}: {e}"))
    };
    let plan_json = read_json("plan.json")?;
    ensure(plan_json == report["plan"], || {
        format!("plan.json differs from the report's plan:\n{plan_json}")
    })?;
    let state = read_json("state.json")?;
    ensure(state["users"].as_array().map(Vec::len) == Some(3), || {
        format!("state.json: {state}")
    })?;
    let groups = read_csv(&dir.join("groups.csv"))?;
    ensure(
        groups.iter().any(|r| {
            r.get(1).map(String::as_str) == Some("AD Users")
                && r.get(2).map(String::as_str) == Some("3")
        }),
        || format!("groups.csv has no 'AD Users' team of 3: {groups:?}"),
    )?;
    Ok(())
}
