//! The directory sync end to end: `onramp sync` from a real Samba AD DC and
//! a real OpenLDAP slapd into a real scim2-server, checked against the SCIM
//! server's own state. The scenarios every directory must pass are written
//! once against [`SyncDirectory`] and run on both.

use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::Fixtures;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::onramp_cli::{OnrampCli, Run, describe};
use onramp_tests::samba::{DNS_DOMAIN, UserSpec};
use onramp_tests::scim::ScimServer;
use onramp_tests::{ensure, trial};
use serde_json::Value;

/// A scenario every directory must pass.
type Scenario = fn(&Fixtures, &dyn SyncDirectory) -> Result<(), String>;

/// The scenarios run on Samba AD (`sync::ad_NAME`) and on slapd (`sync::ldap_NAME`).
const SCENARIOS: [(&str, Scenario); 8] = [
    (
        "first_sync_updates_and_no_change",
        first_sync_updates_and_no_change,
    ),
    (
        "guard_holds_and_approve_releases",
        guard_holds_and_approve_releases,
    ),
    (
        "faults_between_onramp_and_the_platform",
        faults_between_onramp_and_the_platform,
    ),
    (
        "sigkill_during_apply_then_converges",
        sigkill_during_apply_then_converges,
    ),
    (
        "deprovision_policies_and_empty_read",
        deprovision_policies_and_empty_read,
    ),
    (
        "nested_circular_and_large_groups",
        nested_circular_and_large_groups,
    ),
    ("the_guard_protects_access", the_guard_protects_access),
    (
        "sigkill_during_bulk_apply_then_converges",
        sigkill_during_bulk_apply_then_converges,
    ),
];

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    let mut trials = Vec::new();
    for (name, scenario) in SCENARIOS {
        trials.push(trial(fx, &format!("sync::ad_{name}"), move |fx| {
            scenario(fx, fx.samba())
        }));
        trials.push(trial(fx, &format!("sync::ldap_{name}"), move |fx| {
            scenario(fx, fx.slapd())
        }));
    }
    trials.extend([
        trial(fx, "sync::ldap_slapd_sync", ldap_slapd_sync),
        trial(
            fx,
            "sync::one_run_of_a_profile_at_a_time_across_processes",
            |fx| one_run_of_a_profile_at_a_time_across_processes(fx, fx.slapd()),
        ),
        trial(
            fx,
            "sync::platform_edits_follow_the_conflict_policy",
            platform_edits_follow_the_conflict_policy,
        ),
        trial(fx, "sync::ad_delta_reads", ad_delta_reads),
        trial(fx, "sync::attribute_mapping", attribute_mapping),
    ]);
    trials
}

pub(crate) struct Setup {
    pub(crate) cli: OnrampCli,
    pub(crate) scim: ScimServer,
    pub(crate) ou: String,
    pub(crate) tag: String,
}

fn setup(fx: &Fixtures, dir: &dyn SyncDirectory, extra_sync: &str) -> Result<Setup, String> {
    let scim = fx.start_scim();
    let url = scim.base_url();
    setup_with(dir, extra_sync, scim, &url)
}

/// A profile of `dir`'s kind reading a fresh OU of its own, syncing into
/// `target_url` (scim2-server, or a proxy in front of it).
pub(crate) fn setup_with(
    dir: &dyn SyncDirectory,
    extra_sync: &str,
    scim: ScimServer,
    target_url: &str,
) -> Result<Setup, String> {
    let ou = dir.unique_ou("sync")?;
    let tag = onramp_tests::random_hex(3);
    let cli = OnrampCli::new();
    let profile = format!(
        "{}\n[sync]\n{extra_sync}\n\n[target]\nurl = \"{target_url}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
        dir.connection_profile(&ou),
    );
    cli.write_profile("p", &profile);
    cli.run_with_stdin(&["secret", "set", "bind"], dir.bind_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    Ok(Setup { cli, scim, ou, tag })
}

fn users_by_external_id(scim: &ScimServer) -> Result<Vec<Value>, String> {
    scim.list_all("Users")
}

fn first_sync_updates_and_no_change(fx: &Fixtures, dir: &dyn SyncDirectory) -> Result<(), String> {
    let d = dir.mail_domain();
    let s = setup(
        fx,
        dir,
        "groups = [\"VPN %TAG%\"]\nadmin_groups = [\"Admins %TAG%\"]\n",
    )?;
    // The profile names groups with the tag; rewrite it now that we know it.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())?
        .replace("%TAG%", &s.tag);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let t = &s.tag;
    let ann = dir.add_user(
        &s.ou,
        &UserSpec::new(&format!("ann{t}"))
            .name("Ann", "Able")
            .mail(&format!("ann{t}@{d}")),
    )?;
    let ben = dir.add_user(
        &s.ou,
        &UserSpec::new(&format!("ben{t}"))
            .name("Ben", "Baker")
            .mail(&format!("ben{t}@{d}")),
    )?;
    let _nomail = dir.add_user(&s.ou, &UserSpec::new(&format!("cy{t}")).name("Cy", "Cole"))?;
    let vpn = dir.add_group(&s.ou, &format!("VPN {t}"), std::slice::from_ref(&ann))?;
    dir.add_group(&s.ou, &format!("Admins {t}"), std::slice::from_ref(&ben))?;

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
        .find(|u| u["userName"] == format!("ann{t}@{d}"))
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
        .find(|u| u["userName"] == format!("ben{t}@{d}"))
        .cloned()
        .unwrap_or_default();
    ensure(ben_scim["roles"].to_string().contains("admin"), || {
        format!("{ben_scim}")
    })?;
    let groups = s.scim.list_all("Groups")?;
    let team = groups
        .iter()
        .find(|g| g["displayName"] == dir.team())
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

    // A rename, a disabled account (AD only: generic LDAP has no such
    // flag), and the admin group dropped from the profile: Ben keeps the
    // admin role (roles are never downgraded).
    dir.replace_attr(&ann, "displayName", &["Ann Archer"])?;
    dir.replace_attr(&ann, "sn", &["Archer"])?;
    let disabled = match dir.disable(&ben) {
        Some(done) => {
            done?;
            true
        }
        None => false,
    };
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let no_admin_groups: String = text
        .lines()
        .filter(|l| !l.starts_with("admin_groups"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&path, no_admin_groups).map_err(|e| e.to_string())?;
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let r = run.json();
    let updated = if disabled { 2 } else { 1 };
    ensure(
        run.code == 0 && r["applied"]["updated"] == updated && r["applied"]["created"] == 0,
        || describe(&run),
    )?;
    // The attributes that change, over every update of the plan.
    let changed: Vec<String> = r["plan"]["updates"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|u| u["changes"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["attribute"].as_str().map(str::to_owned))
        .collect();
    let has = |a: &str| changed.iter().any(|c| c == a);
    ensure(
        has("displayName") && has("familyName") && has("active") == disabled && !has("roles"),
        || format!("{changed:?}: {}", r["plan"]["updates"]),
    )?;
    ensure(
        r["plan"]["updates"].to_string().contains("Ann Archer"),
        || describe(&run),
    )?;
    let users = users_by_external_id(&s.scim)?;
    ensure(users.len() == 2, || format!("{users:?}"))?;
    let ann_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ann{t}@{d}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        ann_scim["displayName"] == "Ann Archer" && ann_scim["name"]["familyName"] == "Archer",
        || format!("{ann_scim}"),
    )?;
    let ben_scim = users
        .iter()
        .find(|u| u["userName"] == format!("ben{t}@{d}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        (ben_scim["active"] == false) == disabled
            && ben_scim["roles"].to_string().contains("admin"),
        || format!("{ben_scim}"),
    )?;

    // A move between OUs is the same user (same anchor): nothing to create,
    // deprovision or preserve, and the platform's user keeps its id.
    let moved_ou = dir.add_ou(&s.ou, "Moved")?;
    let ann_id = ann_scim["id"].clone();
    dir.move_to(&ann, &moved_ou)?;
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let r = run.json();
    ensure(run.code == 0 && r["status"] == "ok", || describe(&run))?;
    for list in ["creates", "deprovisions", "preserved", "updates"] {
        ensure(r["plan"][list].as_array().map(Vec::len) == Some(0), || {
            format!("{list} after a move: {}", describe(&run))
        })?;
    }
    let users = users_by_external_id(&s.scim)?;
    ensure(
        users.len() == 2 && users.iter().any(|u| u["id"] == ann_id),
        || format!("{users:?}"),
    )?;

    // History records each run with per-object results.
    let run = s.cli.run(&["--json", "history", "--profile", "p"]);
    let history = run.json();
    ensure(history.as_array().map(Vec::len) == Some(5), || {
        describe(&run)
    })?;
    let first_apply = history
        .as_array()
        .and_then(|h| h.iter().rev().find(|r| r["mode"] == "apply"))
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
    // The audit log lists every change applied, newest first.
    let run = s.cli.run(&["--json", "audit", "--profile", "p"]);
    let audit = run.json();
    ensure(
        run.code == 0 && audit.as_array().is_some_and(|a| a.len() >= 4),
        || describe(&run),
    )?;
    ensure(
        audit[0]["action"] == "update" && audit.to_string().contains("create_group"),
        || describe(&run),
    )?;
    let _ = vpn;
    Ok(())
}

fn guard_holds_and_approve_releases(fx: &Fixtures, dir: &dyn SyncDirectory) -> Result<(), String> {
    let d = dir.mail_domain();
    let s = setup(
        fx,
        dir,
        "deprovision = \"deactivate\"\ndeprovision_threshold = { count = 2, percent = 5.0 }\n",
    )?;
    let leaving = dir.add_ou(&s.ou, "Leaving")?;
    let t = &s.tag;
    for i in 0..2 {
        dir.add_user(
            &s.ou,
            &UserSpec::new(&format!("st{i}{t}"))
                .name("Stay", &format!("{i}"))
                .mail(&format!("st{i}{t}@{d}")),
        )?;
    }
    for i in 0..4 {
        dir.add_user(
            &leaving,
            &UserSpec::new(&format!("lv{i}{t}"))
                .name("Leave", &format!("{i}"))
                .mail(&format!("lv{i}{t}@{d}")),
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

pub(crate) fn sync_json(s: &Setup) -> Result<(Run, Value), String> {
    let run = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let json = serde_json::from_str(&run.stdout).map_err(|e| format!("{e}: {}", describe(&run)))?;
    Ok((run, json))
}

/// Every user exactly once: no two SCIM users share an externalId.
pub(crate) fn unique_users(scim: &ScimServer) -> Result<Vec<Value>, String> {
    let users = scim.list_all("Users")?;
    let mut ids: Vec<String> = users
        .iter()
        .filter_map(|u| u["externalId"].as_str().map(str::to_owned))
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    ensure(ids.len() == n && n == users.len(), || {
        format!("duplicates or users without externalId: {users:?}")
    })?;
    Ok(users)
}

pub(crate) fn group_members(scim: &ScimServer, name: &str) -> Result<usize, String> {
    let groups = scim.list_all("Groups")?;
    let matching: Vec<&Value> = groups.iter().filter(|g| g["displayName"] == name).collect();
    ensure(matching.len() == 1, || {
        format!("{} groups named {name}", matching.len())
    })?;
    Ok(matching[0]["members"].as_array().map(Vec::len).unwrap_or(0))
}

fn faults_between_onramp_and_the_platform(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
) -> Result<(), String> {
    let d = dir.mail_domain();
    use onramp_tests::fault_proxy::{Fault, FaultProxy};
    let scim = fx.start_scim();
    let proxy = FaultProxy::start(scim.addr())?;
    let url = format!("{}/v2", proxy.url());
    let s = setup_with(dir, "", scim, &url)?;
    let t = &s.tag;
    for i in 0..5 {
        dir.add_user(
            &s.ou,
            &UserSpec::new(&format!("f{i}{t}"))
                .name("Fault", &format!("{i}"))
                .mail(&format!("f{i}{t}@{d}")),
        )?;
    }
    // A platform that keeps failing: the run gives up after the retry
    // budget and says so; nothing is recorded as applied.
    proxy.inject(Fault::status(503), 5, None);
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 1 && json["status"] == "failed", || {
        describe(&run)
    })?;
    ensure(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("gave up after 5 attempts"),
        || describe(&run),
    )?;
    proxy.clear();
    // The first POST is performed but its answer lost; then throttling,
    // server errors and dropped connections, each within the retry budget.
    proxy.inject(Fault::ForwardThenReset, 1, Some("POST"));
    proxy.inject(Fault::too_many_requests(0), 1, None);
    proxy.inject(Fault::status(500), 1, None);
    proxy.inject(Fault::Reset, 1, None);
    proxy.inject(Fault::too_many_requests(1), 1, Some("POST"));
    proxy.inject(Fault::status(503), 1, Some("PATCH"));
    proxy.inject(Fault::Reset, 1, Some("POST"));
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let users = unique_users(&s.scim)?;
    ensure(users.len() == 5, || format!("{users:?}"))?;
    ensure(group_members(&s.scim, dir.team())? == 5, || {
        "team members".to_owned()
    })?;
    ensure(proxy.count("GET", "/v2/Users") > 0, || {
        "the proxy saw no traffic".to_owned()
    })?;
    Ok(())
}

/// Waits up to a minute until the platform holds at least `n` users: a
/// sync started in the background is applying.
fn wait_for_users(scim: &ScimServer, n: usize) -> Result<(), String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match scim.list_all("Users").map(|u| u.len()) {
            Ok(have) if have >= n => return Ok(()),
            Err(e) => return Err(e),
            Ok(_) if std::time::Instant::now() > deadline => {
                return Err("the sync never started creating users".to_owned());
            }
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// A platform without SCIM Bulk: single requests.
fn sigkill_during_apply_then_converges(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
) -> Result<(), String> {
    sigkill_then_converges(fx, dir, false)
}

/// A platform with SCIM Bulk of 10 operations a request, each answered
/// slowly: the kill lands between (and during) bulk requests.
fn sigkill_during_bulk_apply_then_converges(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
) -> Result<(), String> {
    sigkill_then_converges(fx, dir, true)
}

/// A proxy in front of a fresh scim2-server: with `bulk`, Bulk of at most
/// `max_operations` operations; without, Bulk taken out of the
/// ServiceProviderConfig.
pub(crate) fn platform_proxy(
    fx: &Fixtures,
    bulk: bool,
    max_operations: u64,
) -> Result<(ScimServer, onramp_tests::fault_proxy::FaultProxy, String), String> {
    let scim = fx.start_scim();
    let proxy = onramp_tests::fault_proxy::FaultProxy::start(scim.addr())?;
    proxy.edit_service_provider_config(move |spc| {
        if bulk {
            spc["bulk"]["maxOperations"] = max_operations.into();
        } else {
            spc["bulk"] =
                serde_json::json!({"supported": false, "maxOperations": 0, "maxPayloadSize": 0});
        }
    });
    let url = format!("{}/v2", proxy.url());
    Ok((scim, proxy, url))
}

fn sigkill_then_converges(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
    bulk: bool,
) -> Result<(), String> {
    let (scim, proxy, url) = platform_proxy(fx, bulk, 10)?;
    if bulk {
        proxy.inject(
            onramp_tests::fault_proxy::Fault::Delay(150),
            1000,
            Some("POST"),
        );
    }
    let s = setup_with(dir, "", scim, &url)?;
    let users = dir.add_bulk_users(&s.ou, &format!("k{}x", s.tag), 150)?;
    dir.add_group(&s.ou, &format!("Killed {}", s.tag), &users)?;
    let mut child = s.cli.spawn(&["sync", "--profile", "p"]);
    let started = wait_for_users(&s.scim, 10);
    // SIGKILL: no cleanup, no last record.
    let killed = child.kill();
    let _ = child.wait();
    started?;
    killed.map_err(|e| e.to_string())?;
    proxy.clear();
    if bulk {
        ensure(
            proxy.count("POST", "/v2/Bulk") > 0 && proxy.count("POST", "/v2/Users") == 0,
            || format!("{:?}", proxy.requests()),
        )?;
    } else {
        ensure(proxy.count("POST", "/v2/Bulk") == 0, || {
            format!("{:?}", proxy.requests())
        })?;
    }
    let created_before = s.scim.list_all("Users")?.len();
    ensure(created_before < 150, || {
        "the run finished before the kill; nothing was tested".to_owned()
    })?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let users = unique_users(&s.scim)?;
    ensure(users.len() == 150, || format!("{} users", users.len()))?;
    ensure(group_members(&s.scim, dir.team())? == 150, || {
        "team members".to_owned()
    })?;
    // The killed run is in the history as interrupted.
    let history = s.cli.run(&["--json", "history", "--profile", "p"]).json();
    ensure(history.to_string().contains("\"interrupted\""), || {
        history.to_string()
    })?;
    // And a third run has nothing to do.
    let (_, json) = sync_json(&s)?;
    ensure(
        json["plan"]["creates"].as_array().map(Vec::len) == Some(0)
            && json["plan"]["updates"].as_array().map(Vec::len) == Some(0),
        || json.to_string(),
    )
}

/// A second `onramp sync` of a profile while one runs (another process: a
/// cron job next to the desktop app) is refused with `already_running` and
/// changes nothing; the first finishes, and the next run has nothing to do.
fn one_run_of_a_profile_at_a_time_across_processes(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
) -> Result<(), String> {
    // Single requests (no Bulk), so the first run takes a while.
    let (scim, _proxy, url) = platform_proxy(fx, false, 0)?;
    let s = setup_with(dir, "", scim, &url)?;
    dir.add_bulk_users(&s.ou, &format!("l{}x", s.tag), 300)?;
    let mut first = s.cli.spawn(&["sync", "--profile", "p"]);
    let started = wait_for_users(&s.scim, 5);
    let second = s.cli.run(&["--json", "sync", "--profile", "p"]);
    let first_status = first.wait().map_err(|e| e.to_string());
    started?;
    ensure(
        second.code == 1
            && second.stdout.contains("already_running")
            && second
                .stdout
                .contains("another Onramp process is running a sync"),
        || describe(&second),
    )?;
    ensure(first_status?.success(), || {
        "the first sync failed".to_owned()
    })?;
    let users = unique_users(&s.scim)?;
    ensure(users.len() == 300, || format!("{} users", users.len()))?;
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["plan"]["creates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;
    // The refused run left no run record: two runs, both applied ok.
    let history = s.cli.run(&["--json", "history", "--profile", "p"]).json();
    ensure(history.as_array().map(Vec::len) == Some(2), || {
        history.to_string()
    })
}

fn deprovision_policies_and_empty_read(
    fx: &Fixtures,
    dir: &dyn SyncDirectory,
) -> Result<(), String> {
    let d = dir.mail_domain();
    let s = setup(fx, dir, "")?;
    let t = &s.tag;
    let out = dir.unique_ou("outside")?;
    let mut dns = Vec::new();
    for i in 0..3 {
        dns.push(
            dir.add_user(
                &s.ou,
                &UserSpec::new(&format!("d{i}{t}"))
                    .name("Dep", &format!("{i}"))
                    .mail(&format!("d{i}{t}@{d}")),
            )?,
        );
    }
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    // Preserve (the default): a user moved out of the base DN is listed, not touched.
    dir.move_to(&dns[0], &out)?;
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["plan"]["preserved"].as_array().map(Vec::len) == Some(1),
        || describe(&run),
    )?;
    ensure(
        s.scim
            .list_all("Users")?
            .iter()
            .all(|u| u["active"] == true),
        || "preserve changed a user".to_owned(),
    )?;
    // An empty read (a filter that matches nobody) deprovisions nobody, whatever the policy.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(
        &path,
        text.replace(
            "[sync]\n",
            "[sync]\ndeprovision = \"delete\"\nuser_filter = \"(sn=NoSuchPerson)\"\n",
        ),
    )
    .map_err(|e| e.to_string())?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 3 && json["status"] == "held", || describe(&run))?;
    ensure(json["guard"].to_string().contains("no users"), || {
        describe(&run)
    })?;
    ensure(s.scim.list_all("Users")?.len() == 3, || {
        "an empty read deleted users".to_owned()
    })?;
    // Delete: the user outside the base is deleted on the platform.
    std::fs::write(
        &path,
        text.replace("[sync]\n", "[sync]\ndeprovision = \"delete\"\n"),
    )
    .map_err(|e| e.to_string())?;
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["applied"]["deprovisioned"] == 1,
        || describe(&run),
    )?;
    let left = s.scim.list_all("Users")?;
    ensure(
        left.len() == 2 && !left.iter().any(|u| u["userName"] == format!("d0{t}@{d}")),
        || format!("{left:?}"),
    )?;
    ensure(group_members(&s.scim, dir.team())? == 2, || {
        "team members after delete".to_owned()
    })
}

/// The platform's users and groups, sorted by id.
type PlatformState = (Vec<Value>, Vec<Value>);

/// The platform's users and groups, for comparing before and after a run.
fn platform_state(scim: &ScimServer) -> Result<PlatformState, String> {
    let sorted = |mut items: Vec<Value>| {
        items.sort_by_key(|v| v["id"].as_str().unwrap_or_default().to_owned());
        items
    };
    Ok((
        sorted(scim.list_all("Users")?),
        sorted(scim.list_all("Groups")?),
    ))
}

/// Issue 19: a read that is empty or shrunken, and a group emptied, are
/// held with the platform unchanged (users and groups alike); approving
/// applies exactly the held plan once; just under the membership limit
/// applies, just over it holds.
fn the_guard_protects_access(fx: &Fixtures, dir: &dyn SyncDirectory) -> Result<(), String> {
    let d = dir.mail_domain();
    let s = setup(
        fx,
        dir,
        "deprovision = \"deactivate\"\ndeprovision_threshold = { count = 2, percent = 5.0 }\ngroups = [\"VPN %TAG%\"]\n",
    )?;
    let t = s.tag.clone();
    let path = s.cli.config_dir().join("profiles/p.toml");
    let original = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())?
        .replace("%TAG%", &t);
    std::fs::write(&path, &original).map_err(|e| e.to_string())?;
    let mut dns = Vec::new();
    for i in 0..12 {
        for (sn, prefix) in [("Keep", "k"), ("Other", "o")] {
            dns.push(
                dir.add_user(
                    &s.ou,
                    &UserSpec::new(&format!("{prefix}{i}{t}"))
                        .name(&format!("Guard{i}"), sn)
                        .mail(&format!("{prefix}{i}{t}@{d}")),
                )?,
            );
        }
    }
    let vpn = dir.add_group(&s.ou, &format!("VPN {t}"), &dns[..12])?;
    let empty_ou = dir.unique_ou("empty")?;
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    ensure(group_members(&s.scim, &format!("VPN {t}"))? == 12, || {
        "first sync".to_owned()
    })?;
    let before = platform_state(&s.scim)?;

    let edited = |sync: &str, from: &str, to: &str| -> Result<(), String> {
        let text = original
            .replace("[sync]\n", &format!("[sync]\n{sync}"))
            .replace(from, to);
        std::fs::write(&path, text).map_err(|e| e.to_string())
    };
    // A held run: exit 3, `needle` among the guard's lines, the platform still `unchanged`.
    let held = |what: &str, needle: &str, unchanged: &PlatformState| -> Result<Value, String> {
        let (run, json) = sync_json(&s)?;
        ensure(run.code == 3 && json["status"] == "held", || {
            format!("{what}: {}", describe(&run))
        })?;
        ensure(json["guard"].to_string().contains(needle), || {
            format!("{what}: no `{needle}` in {}", json["guard"])
        })?;
        ensure(platform_state(&s.scim)? == *unchanged, || {
            format!("{what}: a held run changed the platform")
        })?;
        Ok(json)
    };
    edited("user_filter = \"(sn=NoSuchPerson)\"\n", "", "")?;
    held("a filter matching nobody", "returned no users", &before)?;
    edited("", &s.ou, &empty_ou)?;
    held(
        "a base DN moved to an empty OU",
        "returned no users",
        &before,
    )?;
    edited("user_filter = \"(sn=Keep)\"\n", "", "")?;
    held(
        "half the users by filter",
        "(held: over the limit of 2)",
        &before,
    )?;
    edited("user_filter = \"(mail=k0*)\"\n", "", "")?;
    held("a read of one user", "memberships from", &before)?;
    std::fs::write(&path, &original).map_err(|e| e.to_string())?;

    // Memberships: 2 of VPN's 12 leaving is within the limit of 2, 3 more is over it.
    dir.replace_attr(
        &vpn,
        "member",
        &dns[2..12].iter().map(String::as_str).collect::<Vec<_>>(),
    )?;
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    ensure(group_members(&s.scim, &format!("VPN {t}"))? == 10, || {
        "just under the limit applies".to_owned()
    })?;
    let before_shrink = platform_state(&s.scim)?;
    dir.replace_attr(&vpn, "member", &[dns[11].as_str()])?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 3 && json["status"] == "held", || describe(&run))?;
    ensure(
        json["guard"].to_string().contains(&format!(
            "would remove 9 memberships from VPN {t} (held: over the limit of 2)"
        )),
        || json["guard"].to_string(),
    )?;
    ensure(platform_state(&s.scim)? == before_shrink, || {
        "a held group change changed the platform".to_owned()
    })?;

    // Approved, the held plan is applied once, and only it.
    let id = json["run"].as_i64().unwrap_or_default().to_string();
    let approve = s.cli.run(&["approve", &id]);
    ensure(approve.code == 0, || describe(&approve))?;
    let (run, applied) = sync_json(&s)?;
    ensure(run.code == 0 && applied["status"] == "ok", || {
        describe(&run)
    })?;
    ensure(applied["plan"] == json["plan"], || {
        format!("applied {} but held {}", applied["plan"], json["plan"])
    })?;
    ensure(group_members(&s.scim, &format!("VPN {t}"))? == 1, || {
        "the approved plan".to_owned()
    })?;
    let (users, _) = platform_state(&s.scim)?;
    ensure(
        users.len() == 24 && users.iter().all(|u| u["active"] == true),
        || "a group plan deactivated users".to_owned(),
    )?;
    let (run, again) = sync_json(&s)?;
    ensure(
        run.code == 0 && again["applied"]["groups_changed"] == 0,
        || describe(&run),
    )?;

    // A group emptied in the directory is held, however small. (AD only:
    // OpenLDAP's groupOfNames must keep a member.)
    if dir.kind() == "ad" {
        let before_empty = platform_state(&s.scim)?;
        dir.replace_attr(&vpn, "member", &[])?;
        held(
            "a group emptied",
            "the group would lose all 1 of its members",
            &before_empty,
        )?;
    }

    // A group deleted in the directory keeps its platform members, with a
    // notice. The no-op filter changes the scope, so the read is a full one:
    // OpenLDAP's delta reads cannot see a deletion.
    dir.delete(&vpn)?;
    edited("user_filter = \"(objectClass=*)\"\n", "", "")?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    ensure(
        json["plan"]["notices"]
            .to_string()
            .contains(&format!("'VPN {t}' is missing from the read")),
        || describe(&run),
    )?;
    ensure(group_members(&s.scim, &format!("VPN {t}"))? == 1, || {
        "a group missing from the read lost its members".to_owned()
    })?;
    Ok(())
}

fn nested_circular_and_large_groups(fx: &Fixtures, dir: &dyn SyncDirectory) -> Result<(), String> {
    use onramp_tests::fault_proxy::FaultProxy;
    let d = dir.mail_domain();
    let scim = fx.start_scim();
    // A proxy in front only to count the requests.
    let proxy = FaultProxy::start(scim.addr())?;
    let url = format!("{}/v2", proxy.url());
    let s = setup_with(
        dir,
        "groups = [\"Outer %TAG%\", \"Big %TAG%\"]\n",
        scim,
        &url,
    )?;
    let t = s.tag.clone();
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())?
        .replace("%TAG%", &t);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let a = dir.add_user(
        &s.ou,
        &UserSpec::new(&format!("na{t}"))
            .name("Nest", "A")
            .mail(&format!("na{t}@{d}")),
    )?;
    let b = dir.add_user(
        &s.ou,
        &UserSpec::new(&format!("nb{t}"))
            .name("Nest", "B")
            .mail(&format!("nb{t}@{d}")),
    )?;
    let outer = dir.add_group(&s.ou, &format!("Outer {t}"), std::slice::from_ref(&a))?;
    let inner = dir.add_group(&s.ou, &format!("Inner {t}"), &[b, outer.clone()])?;
    dir.add_members(&outer, &[inner])?; // Outer ⊃ Inner ⊃ Outer
    let big = dir.add_bulk_users(&s.ou, &format!("g{t}x"), 1600)?;
    dir.add_group(&s.ou, &format!("Big {t}"), &big)?;
    let started = std::time::Instant::now();
    let (run, json) = sync_json(&s)?;
    let took = started.elapsed();
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let created = json["applied"]["created"].as_u64().unwrap_or_default();
    let requests = proxy.requests().len();
    eprintln!(
        "first sync of {created} users and 4 groups: {took:.2?}, {requests} requests to the platform ({:.3} per created user)",
        requests as f64 / created.max(1) as f64
    );
    ensure(created == 1602, || describe(&run))?;
    ensure(group_members(&s.scim, &format!("Outer {t}"))? == 2, || {
        "nested members".to_owned()
    })?;
    ensure(group_members(&s.scim, &format!("Big {t}"))? == 1600, || {
        "big group".to_owned()
    })?;
    let users = unique_users(&s.scim)?;
    let nb = users
        .iter()
        .find(|u| u["userName"] == format!("nb{t}@{d}"))
        .cloned()
        .unwrap_or_default();
    ensure(
        nb["entitlements"]
            .to_string()
            .contains(&format!("Outer {t}")),
        || format!("{nb}"),
    )?;
    Ok(())
}

fn ldap_slapd_sync(fx: &Fixtures) -> Result<(), String> {
    let server = fx.slapd();
    let scim = fx.start_scim();
    let cli = OnrampCli::new();
    let profile = format!(
        "kind = \"ldap\"\n[connection]\nurl = \"{}\"\nstarttls = true\nbind_dn = \"{}\"\nbind_password_secret = \"bind\"\nca_file = \"{}\"\n\n[sync]\ngroups = [\"engineering\"]\n# Only the seeded users: other tests add theirs to the same slapd.\nuser_filter = \"(|(uid=alice)(uid=bob)(uid=carol))\"\n\n[target]\nurl = \"{}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
        server.url(),
        server.root_dn(),
        server.ca_path().display(),
        scim.base_url()
    );
    cli.write_profile("p", &profile);
    cli.run_with_stdin(&["secret", "set", "bind"], server.root_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    let run = cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let json = run.json();
    ensure(
        json["plan"]["skipped"].to_string().contains("no email"),
        || describe(&run),
    )?;
    let users = unique_users(&scim)?;
    ensure(
        !users.is_empty()
            && users
                .iter()
                .all(|u| u["externalId"].as_str().is_some_and(|g| g.len() == 36)),
        || format!("{users:?}"),
    )?;
    ensure(group_members(&scim, "LDAP Users")? == users.len(), || {
        "team".to_owned()
    })?;
    ensure(group_members(&scim, "engineering")? >= 1, || {
        "engineering".to_owned()
    })?;
    let run = cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(
        run.json()["plan"]["creates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )
}

fn platform_edits_follow_the_conflict_policy(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let s = setup(fx, fx.samba(), "conflict = \"manual_review\"\n")?;
    let t = &s.tag;
    let ann = dc.add_user(
        &s.ou,
        &UserSpec::new(&format!("cf{t}"))
            .name("Ann", "Able")
            .mail(&format!("cf{t}@{DNS_DOMAIN}")),
    )?;
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    let user = |scim: &ScimServer| -> Result<Value, String> {
        scim.list_all("Users")?
            .into_iter()
            .next()
            .ok_or_else(|| "no user".to_owned())
    };
    let id = user(&s.scim)?["id"].as_str().unwrap_or_default().to_owned();
    // Someone edits the platform's copy; the directory changes too.
    let patch = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "Ann (Platform)"}]
    });
    let (status, _) = s
        .scim
        .request("PATCH", &format!("/Users/{id}"), Some(&patch))?;
    ensure(status == 200 || status == 204, || {
        format!("PATCH answered {status}")
    })?;
    dc.replace_attr(&ann, "sn", &["Archer"])?;
    dc.replace_attr(&ann, "displayName", &["Ann Archer"])?;

    // Manual review: the edited user is not touched and is listed.
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 1 && json["status"] == "partial" && json["applied"]["review"] == 1,
        || describe(&run),
    )?;
    ensure(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("need review"),
        || describe(&run),
    )?;
    let u = user(&s.scim)?;
    ensure(
        u["displayName"] == "Ann (Platform)" && u["name"]["familyName"] == "Able",
        || format!("{u}"),
    )?;
    let run_id = json["run"].as_i64().unwrap_or_default().to_string();
    let results = s.cli.run(&["--json", "history", "--run", &run_id]).json();
    ensure(
        results["results"].to_string().contains("needs review")
            && results["results"].to_string().contains("displayName"),
        || results.to_string(),
    )?;

    // Platform wins for displayName: the edit stays, the rest follows the directory.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let platform_wins = text.replace(
        "conflict = \"manual_review\"",
        "conflict = \"platform_wins\"\nplatform_wins_attributes = [\"displayName\"]",
    );
    std::fs::write(&path, &platform_wins).map_err(|e| e.to_string())?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let u = user(&s.scim)?;
    ensure(
        u["displayName"] == "Ann (Platform)" && u["name"]["familyName"] == "Archer",
        || format!("{u}"),
    )?;

    // Directory wins (the default): the directory's value replaces the edit.
    let directory_wins = text.replace("conflict = \"manual_review\"\n", "");
    std::fs::write(&path, &directory_wins).map_err(|e| e.to_string())?;
    dc.replace_attr(&ann, "displayName", &["Ann A. Archer"])?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let u = user(&s.scim)?;
    ensure(u["displayName"] == "Ann A. Archer", || format!("{u}"))
}

fn ad_delta_reads(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let s = setup(fx, fx.samba(), "deprovision = \"deactivate\"\n")?;
    let t = &s.tag;
    let mut dns = Vec::new();
    for i in 0..3 {
        dns.push(
            dc.add_user(
                &s.ou,
                &UserSpec::new(&format!("dl{i}{t}"))
                    .name("Delta", &format!("{i}"))
                    .mail(&format!("dl{i}{t}@{DNS_DOMAIN}")),
            )?,
        );
    }
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["read_kind"]["kind"] == "full", || {
        describe(&run)
    })?;
    // Nothing changed: a delta with nothing in it, and an empty plan.
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["read_kind"]["kind"] == "delta",
        || describe(&run),
    )?;
    ensure(
        json["read_kind"]["changed_users"] == 0 && json["read_kind"]["removed"] == 0,
        || describe(&run),
    )?;
    ensure(
        json["plan"]["updates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;
    // A rename and a deletion: read as a delta, the deletion from its tombstone.
    dc.replace_attr(&dns[0], "displayName", &["Delta Renamed"])?;
    dc.delete(&dns[1])?;
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["read_kind"]["kind"] == "delta",
        || describe(&run),
    )?;
    ensure(
        json["read_kind"]["changed_users"] == 1 && json["read_kind"]["removed"] == 1,
        || describe(&run),
    )?;
    ensure(
        json["applied"]["updated"] == 1 && json["applied"]["deprovisioned"] == 1,
        || describe(&run),
    )?;
    let users = s.scim.list_all("Users")?;
    let renamed = users
        .iter()
        .find(|u| u["userName"] == format!("dl0{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(renamed["displayName"] == "Delta Renamed", || {
        format!("{renamed}")
    })?;
    let deleted = users
        .iter()
        .find(|u| u["userName"] == format!("dl1{t}@{DNS_DOMAIN}"))
        .cloned()
        .unwrap_or_default();
    ensure(deleted["active"] == false, || format!("{deleted}"))?;
    // A changed scope means a full read again.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(
        &path,
        text.replace("[sync]\n", "[sync]\nuser_filter = \"(sn=*)\"\n"),
    )
    .map_err(|e| e.to_string())?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["read_kind"]["kind"] == "full", || {
        describe(&run)
    })?;
    ensure(
        json["read_kind"]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("changed"),
        || describe(&run),
    )?;
    ensure(
        json["plan"]["updates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )
}

fn attribute_mapping(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let s = setup(
        fx,
        dc,
        "[sync.attributes]\nphone = \"mobile\"\ndisplay_name = \"description\"\n",
    )?;
    let t = &s.tag;
    dc.add_user(
        &s.ou,
        &UserSpec::new(&format!("am{t}"))
            .name("Ann", "Map")
            .mail(&format!("am{t}@{DNS_DOMAIN}"))
            .attr("mobile", &["+1 555 0100"])
            .attr("telephoneNumber", &["+1 555 0199"])
            .attr("description", &["Ann from Mapping"]),
    )?;
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    let users = s.scim.list_all("Users")?;
    let u = users.first().cloned().unwrap_or_default();
    ensure(u["phoneNumbers"][0]["value"] == "+1 555 0100", || {
        format!("{u}")
    })?;
    ensure(u["displayName"] == "Ann from Mapping", || format!("{u}"))?;
    // A mapping that is not an attribute name is refused, naming the key.
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    std::fs::write(
        &path,
        text.replace("phone = \"mobile\"", "phone = \"mobile phone\""),
    )
    .map_err(|e| e.to_string())?;
    let run = s.cli.run(&["sync", "--profile", "p"]);
    ensure(
        run.code == 2 && run.stderr.contains("sync.attributes.phone"),
        || describe(&run),
    )
}
