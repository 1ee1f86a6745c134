//! The directory sync end to end: `onramp sync` from a real Samba AD DC into
//! a real scim2-server, checked against the SCIM server's own state.

use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::Fixtures;
use onramp_tests::onramp_cli::{OnrampCli, Run};
use onramp_tests::samba::{ADMIN_UPN, DNS_DOMAIN, SambaDc, UserSpec};
use onramp_tests::scim::ScimServer;
use onramp_tests::trial;
use serde_json::Value;

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "sync::ad_first_sync_updates_and_no_change",
            ad_first_sync_updates_and_no_change,
        ),
        trial(
            fx,
            "sync::ad_guard_holds_and_approve_releases",
            ad_guard_holds_and_approve_releases,
        ),
    ]
}

fn ensure(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}

fn describe(run: &Run) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        run.code, run.stdout, run.stderr
    )
}

struct Setup {
    cli: OnrampCli,
    scim: ScimServer,
    ou: String,
    tag: String,
}

fn setup(fx: &Fixtures, extra_sync: &str) -> Result<Setup, String> {
    let dc: &SambaDc = fx.samba();
    let scim = fx.start_scim();
    let ou = dc.unique_ou("sync")?;
    let tag = onramp_tests::random_hex(3);
    let cli = OnrampCli::new();
    let profile = format!(
        "kind = \"ad\"\n[connection]\nurl = \"ldaps://{}\"\nbind_dn = \"{ADMIN_UPN}\"\nbind_password_secret = \"bind\"\nbase_dn = \"{ou}\"\nca_file = \"{}\"\n\n[sync]\n{extra_sync}\n\n[target]\nurl = \"{}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
        dc.host_name(),
        dc.ca_path().display(),
        scim.base_url(),
    );
    cli.write_profile("p", &profile);
    cli.run_with_stdin(&["secret", "set", "bind"], dc.admin_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    Ok(Setup { cli, scim, ou, tag })
}

fn users_by_external_id(scim: &ScimServer) -> Result<Vec<Value>, String> {
    scim.list_all("Users")
}

fn ad_first_sync_updates_and_no_change(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let s = setup(
        fx,
        "groups = [\"VPN %TAG%\"]\nadmin_groups = [\"Admins %TAG%\"]\n",
    )?;
    // The profile names groups with the tag; rewrite it now that we know it.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())?
        .replace("%TAG%", &s.tag);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let t = &s.tag;
    let ann = dc.add_user(
        &s.ou,
        &UserSpec::new(&format!("ann{t}"))
            .name("Ann", "Able")
            .mail(&format!("ann{t}@{DNS_DOMAIN}")),
    )?;
    let ben = dc.add_user(
        &s.ou,
        &UserSpec::new(&format!("ben{t}"))
            .name("Ben", "Baker")
            .mail(&format!("ben{t}@{DNS_DOMAIN}")),
    )?;
    let _nomail = dc.add_user(&s.ou, &UserSpec::new(&format!("cy{t}")).name("Cy", "Cole"))?;
    let vpn = dc.add_group(&s.ou, &format!("VPN {t}"), std::slice::from_ref(&ann))?;
    dc.add_group(&s.ou, &format!("Admins {t}"), std::slice::from_ref(&ben))?;

    // Preview changes nothing.
    let run = s
        .cli
        .run(&["--json", "sync", "--profile", "p", "--preview"]);
    ensure(run.code == 0, || describe(&run))?;
    let preview = run.json();
    ensure(preview["status"] == "preview", || describe(&run))?;
    ensure(
        preview["plan"]["creates"].as_array().map(Vec::len) == Some(2),
        || describe(&run),
    )?;
    ensure(
        preview["plan"]["skipped"].to_string().contains("no email"),
        || describe(&run),
    )?;
    ensure(users_by_external_id(&s.scim)?.is_empty(), || {
        "preview created users".to_owned()
    })?;

    // The first sync.
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let report = run.json();
    ensure(
        report["status"] == "ok" && report["applied"]["created"] == 2,
        || describe(&run),
    )?;
    let users = users_by_external_id(&s.scim)?;
    ensure(users.len() == 2, || format!("{users:?}"))?;
    let ann_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ann{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        ann_scim["externalId"]
            .as_str()
            .is_some_and(|g| g.len() == 36),
        || format!("{ann_scim}"),
    )?;
    ensure(
        ann_scim["entitlements"]
            .to_string()
            .contains(&format!("VPN {t}")),
        || format!("{ann_scim}"),
    )?;
    let ben_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ben{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(ben_scim["roles"].to_string().contains("admin"), || {
        format!("{ben_scim}")
    })?;
    let groups = s.scim.list_all("Groups")?;
    let team = groups
        .iter()
        .find(|g| g["displayName"] == "AD Users")
        .cloned()
        .unwrap_or_default();
    ensure(team["members"].as_array().map(Vec::len) == Some(2), || {
        format!("{groups:?}")
    })?;
    let vpn_group = groups
        .iter()
        .find(|g| g["displayName"] == format!("VPN {t}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        vpn_group["members"].as_array().map(Vec::len) == Some(1),
        || format!("{groups:?}"),
    )?;

    // Nothing changed: an empty plan.
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let again = run.json();
    ensure(
        run.code == 0 && again["plan"]["creates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;
    ensure(
        again["plan"]["updates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;
    ensure(
        again["plan"]["group_changes"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;

    // A rename, a disabled account, and a user leaving the admin group (no downgrade).
    dc.replace_attr(&ann, "displayName", &["Ann Archer"])?;
    dc.replace_attr(&ann, "sn", &["Archer"])?;
    dc.replace_attr(&ben, "userAccountControl", &["514"])?;
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let r = run.json();
    ensure(
        run.code == 0 && r["applied"]["updated"] == 2 && r["applied"]["created"] == 0,
        || describe(&run),
    )?;
    let changes = r["plan"]["updates"].to_string();
    ensure(
        changes.contains("displayName")
            && changes.contains("Ann Archer")
            && changes.contains("\"active\""),
        || changes.clone(),
    )?;
    let users = users_by_external_id(&s.scim)?;
    ensure(users.len() == 2, || format!("{users:?}"))?;
    let ann_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ann{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        ann_scim["displayName"] == "Ann Archer" && ann_scim["name"]["familyName"] == "Archer",
        || format!("{ann_scim}"),
    )?;
    let ben_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ben{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        ben_scim["active"] == false && ben_scim["roles"].to_string().contains("admin"),
        || format!("{ben_scim}"),
    )?;

    // History records each run with per-object results.
    let run = s.cli.run(&["--json", "history", "--profile", "p"]);
    let history = run.json();
    ensure(history.as_array().map(Vec::len) == Some(4), || {
        describe(&run)
    })?;
    let first_apply = history
        .as_array()
        .and_then(|h| h.iter().find(|r| r["mode"] == "apply"))
        .cloned()
        .unwrap_or_default();
    let id = first_apply["id"].as_i64().unwrap_or_default().to_string();
    let run = s.cli.run(&["--json", "history", "--run", &id]);
    ensure(
        run.code == 0
            && run.json()["results"]
                .as_array()
                .is_some_and(|r| !r.is_empty()),
        || describe(&run),
    )?;
    let _ = vpn;
    Ok(())
}

fn ad_guard_holds_and_approve_releases(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let s = setup(
        fx,
        "deprovision = \"deactivate\"\ndeprovision_threshold = { count = 2, percent = 5.0 }\n",
    )?;
    let leaving = dc.add_ou(Some(&s.ou), "Leaving")?;
    let t = &s.tag;
    for i in 0..2 {
        dc.add_user(
            &s.ou,
            &UserSpec::new(&format!("st{i}{t}"))
                .name("Stay", &format!("{i}"))
                .mail(&format!("st{i}{t}@{DNS_DOMAIN}")),
        )?;
    }
    for i in 0..4 {
        dc.add_user(
            &leaving,
            &UserSpec::new(&format!("lv{i}{t}"))
                .name("Leave", &format!("{i}"))
                .mail(&format!("lv{i}{t}@{DNS_DOMAIN}")),
        )?;
    }
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(
        run.code == 0 && run.json()["applied"]["created"] == 6,
        || describe(&run),
    )?;
    // Excluding the OU takes 4 users out of scope: more than the 2 allowed.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(
        &path,
        text.replace(
            "[sync]\n",
            &format!("[sync]\nexcluded_ous = [\"{leaving}\"]\n"),
        ),
    )
    .map_err(|e| e.to_string())?;
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(run.code == 3, || describe(&run))?;
    let held = run.json();
    ensure(
        held["status"] == "held"
            && held["message"]
                .as_str()
                .unwrap_or_default()
                .contains("onramp approve"),
        || describe(&run),
    )?;
    let active = |scim: &ScimServer| -> Result<usize, String> {
        Ok(scim
            .list_all("Users")?
            .iter()
            .filter(|u| u["active"] == true)
            .count())
    };
    ensure(active(&s.scim)? == 6, || {
        "a held run changed the platform".to_owned()
    })?;
    let id = held["run"].as_i64().unwrap_or_default().to_string();
    let run = s.cli.run(&["approve", &id]);
    ensure(run.code == 0, || describe(&run))?;
    let run = s.cli.run(&["approve", &id]);
    ensure(run.code == 2 && run.stderr.contains("already"), || {
        describe(&run)
    })?;
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(
        run.code == 0 && run.json()["applied"]["deprovisioned"] == 4,
        || describe(&run),
    )?;
    ensure(active(&s.scim)? == 2, || {
        "the approved run did not deactivate".to_owned()
    })?;
    Ok(())
}
