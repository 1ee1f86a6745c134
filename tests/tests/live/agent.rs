//! `onramp agent`, the real binary: its schedule against slapd and
//! scim2-server, the shared run lock, SIGTERM between runs and in the middle
//! of an apply, and the expiry reminders through a fake notification server
//! on a private session bus, across a restart.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use libtest_mimic::Trial;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::fake_notifications::FakeNotifications;
use onramp_tests::onramp_cli::{OnrampCli, describe};
use onramp_tests::session_bus::SessionBus;
use onramp_tests::{Fixtures, ensure, trial};
use serde_json::{Value, json};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "agent::runs_on_schedule_skips_a_locked_profile_and_stops_on_sigterm",
            runs_on_schedule_skips_a_locked_profile_and_stops_on_sigterm,
        ),
        trial(
            fx,
            "agent::sigterm_during_an_apply_finishes_the_object_and_the_next_run_converges",
            sigterm_during_an_apply_finishes_the_object_and_the_next_run_converges,
        ),
        trial(
            fx,
            "agent::reminders_once_across_a_restart_and_the_daily_recheck",
            reminders_once_across_a_restart_and_the_daily_recheck,
        ),
        trial(
            fx,
            "agent::the_systemd_unit_verifies_and_its_credentials_reach_the_agent",
            the_systemd_unit_verifies_and_its_credentials_reach_the_agent,
        ),
    ]
}

const DAY: i64 = 86_400;

/// A running `onramp --json agent`, killed on drop.
struct AgentProcess {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<Value>,
}

impl AgentProcess {
    fn start(cli: &OnrampCli, env: &[(String, String)]) -> Result<Self, String> {
        let mut command = cli.command(&["--json", "agent", "--tick-seconds", "1"]);
        command
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start the agent: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            child,
            lines,
            seen: Vec::new(),
        })
    }

    /// Waits up to `timeout` for an event matching `wanted`, and takes it.
    fn expect(
        &mut self,
        what: &str,
        wanted: impl Fn(&Value) -> bool,
        timeout: Duration,
    ) -> Result<Value, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.seen.iter().position(&wanted) {
                return Ok(self.seen.remove(i));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let value: Value = serde_json::from_str(&line)
                        .map_err(|e| format!("the agent printed {line:?}: {e}"))?;
                    self.seen.push(value);
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "no {what} within {timeout:?}; the agent printed {:?}",
                        self.seen
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the agent exited while {what} was awaited; it printed {:?}",
                        self.seen
                    ));
                }
            }
        }
    }

    /// The events not taken yet.
    fn rest(&mut self) -> Vec<Value> {
        while let Ok(line) = self.lines.try_recv() {
            if let Ok(v) = serde_json::from_str(&line) {
                self.seen.push(v);
            }
        }
        std::mem::take(&mut self.seen)
    }

    /// Sends SIGTERM and waits for the exit; returns the time it took.
    fn terminate(&mut self) -> Result<Duration, String> {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).map_err(|e| e.to_string())?);
        let sent = Instant::now();
        kill(pid, Signal::SIGTERM).map_err(|e| e.to_string())?;
        loop {
            match self.child.try_wait().map_err(|e| e.to_string())? {
                Some(status) => {
                    let took = sent.elapsed();
                    ensure(status.success(), || format!("the agent exited {status}"))?;
                    return Ok(took);
                }
                None if sent.elapsed() > Duration::from_secs(60) => {
                    return Err("the agent did not exit within 60 s of SIGTERM".to_owned());
                }
                None => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }
}

impl Drop for AgentProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A profile of `dir` reading `ou` into `scim`, scheduled every minute.
fn scheduled_profile(dir: &dyn SyncDirectory, ou: &str, scim_url: &str, enabled: bool) -> String {
    format!(
        "{}\n[schedule]\nenabled = {enabled}\ninterval_minutes = 1\n\n[target]\nurl = \"{scim_url}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
        dir.connection_profile(ou),
    )
}

fn history(cli: &OnrampCli, profile: &str) -> Result<Vec<Value>, String> {
    let run = cli.run(&["--json", "history", "--profile", profile]);
    ensure(run.code == 0, || describe(&run))?;
    run.json().as_array().cloned().ok_or_else(|| describe(&run))
}

/// Two profiles every minute; "q" is locked by this process (as if the
/// desktop app were running it). The agent runs "p" twice, a minute apart,
/// skips "q" as already running, and stops on SIGTERM at once, leaving no
/// run behind.
fn runs_on_schedule_skips_a_locked_profile_and_stops_on_sigterm(
    fx: &Fixtures,
) -> Result<(), String> {
    let dir = fx.slapd();
    let scim = fx.start_scim();
    let ou = dir.unique_ou("agent")?;
    dir.add_bulk_users(&ou, &format!("a{}x", onramp_tests::random_hex(3)), 3)?;
    let cli = OnrampCli::new();
    cli.write_profile("p", &scheduled_profile(dir, &ou, &scim.base_url(), true));
    cli.write_profile("q", &scheduled_profile(dir, &ou, &scim.base_url(), true));
    cli.run_with_stdin(&["secret", "set", "bind"], dir.bind_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());
    let store = cli.data_dir().join("state.sqlite");
    std::fs::create_dir_all(cli.data_dir()).map_err(|e| e.to_string())?;
    let lock =
        onramp_engine::sync::lock::RunLock::acquire(&store, "q").map_err(|e| e.to_string())?;

    let mut agent = AgentProcess::start(&cli, &[])?;
    agent.expect(
        "the start",
        |v| v["event"] == "started",
        Duration::from_secs(10),
    )?;
    // The first run within the jitter (at most 6 s of a minute), the second
    // a minute after the first started.
    let ran = |v: &Value| v["event"] == "ran" && v["profile"] == "p";
    let first = agent.expect("p's first run", ran, Duration::from_secs(40))?;
    ensure(first["status"] == "ok", || first.to_string())?;
    let skipped = agent.expect(
        "q skipped",
        |v| v["event"] == "skipped" && v["profile"] == "q",
        Duration::from_secs(40),
    )?;
    ensure(skipped["code"] == "already_running", || skipped.to_string())?;
    let second = agent.expect("p's second run", ran, Duration::from_secs(100))?;
    ensure(second["status"] == "ok", || second.to_string())?;
    ensure(second["run"] != first["run"], || {
        format!("{first} {second}")
    })?;

    let took = agent.terminate()?;
    eprintln!("agent: exited {} ms after SIGTERM (idle)", took.as_millis());
    ensure(took < Duration::from_secs(1), || {
        format!("the idle agent took {took:?} to stop")
    })?;
    let rest = agent.rest();
    ensure(rest.last().is_some_and(|v| v["event"] == "stopped"), || {
        format!("{rest:?}")
    })?;
    drop(lock);
    let runs = history(&cli, "p")?;
    ensure(
        runs.len() >= 2 && runs.iter().all(|r| r["state"] == "ok"),
        || format!("{runs:?}"),
    )?;
    // The skipped profile's run never began: nothing in its history.
    ensure(history(&cli, "q")?.is_empty(), || "q has runs".to_owned())?;
    // The scheduled runs are the app's runs: on the platform once.
    ensure(scim.list_all("Users")?.len() == 3, || "users".to_owned())
}

/// SIGTERM while the agent applies 400 creates: the objects in flight are
/// finished and recorded, no more are started, the run is `interrupted`
/// with what was left, and the next sync creates exactly the rest.
fn sigterm_during_an_apply_finishes_the_object_and_the_next_run_converges(
    fx: &Fixtures,
) -> Result<(), String> {
    let dir = fx.slapd();
    // Single requests (Bulk taken out), so the apply takes long enough to
    // be stopped in the middle.
    let (scim, _proxy, url) = super::sync_e2e::platform_proxy(fx, false, 0)?;
    let ou = dir.unique_ou("agentstop")?;
    dir.add_bulk_users(&ou, &format!("s{}x", onramp_tests::random_hex(3)), 400)?;
    let cli = OnrampCli::new();
    cli.write_profile("p", &scheduled_profile(dir, &ou, &url, true));
    cli.run_with_stdin(&["secret", "set", "bind"], dir.bind_password());
    cli.run_with_stdin(&["secret", "set", "platform"], scim.token());

    let mut agent = AgentProcess::start(&cli, &[])?;
    let deadline = Instant::now() + Duration::from_secs(40);
    while scim.list_all("Users")?.len() < 10 {
        ensure(Instant::now() < deadline, || {
            format!("the agent created no users; it printed {:?}", agent.rest())
        })?;
        std::thread::sleep(Duration::from_millis(20));
    }
    let took = agent.terminate()?;
    eprintln!(
        "agent: exited {} ms after SIGTERM (mid-apply)",
        took.as_millis()
    );
    let ran = agent.expect(
        "the stopped run",
        |v| v["event"] == "ran",
        Duration::from_secs(5),
    )?;
    ensure(ran["status"] == "interrupted", || ran.to_string())?;
    let message = ran["message"].as_str().unwrap_or_default();
    ensure(message.contains("changes not started"), || ran.to_string())?;
    let on_platform = scim.list_all("Users")?.len();
    ensure(on_platform < 400, || {
        "the run finished before the signal; nothing was tested".to_owned()
    })?;
    let runs = history(&cli, "p")?;
    ensure(runs.len() == 1 && runs[0]["state"] == "interrupted", || {
        format!("{runs:?}")
    })?;
    // Every user the platform has was recorded: the next run creates
    // exactly the rest, with no duplicate.
    let next = cli.run(&["--json", "sync", "--profile", "p"]);
    ensure(next.code == 0, || describe(&next))?;
    let json = next.json();
    let creates = json["plan"]["creates"].as_array().map(Vec::len);
    ensure(creates == Some(400 - on_platform), || {
        format!("{on_platform} on the platform, then {creates:?} planned: {json}")
    })?;
    let users = scim.list_all("Users")?;
    let mut ids: Vec<&str> = users
        .iter()
        .filter_map(|u| u["externalId"].as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ensure(users.len() == 400 && ids.len() == 400, || {
        format!("{} users, {} distinct", users.len(), ids.len())
    })
}

/// The expiry records hold two certificates: one of "corp" confirmed just
/// now, ending in six and a half days, and the platform's of "plat",
/// confirmed two days ago with an end in five days. The agent re-checks the
/// stale one against the real TLS proxy (whose certificate is good for
/// long: no reminder) and shows the 7-day reminder of the other once, with
/// its words, through the desktop's notification server; started again, it
/// sends nothing.
fn reminders_once_across_a_restart_and_the_daily_recheck(fx: &Fixtures) -> Result<(), String> {
    let bus = SessionBus::start_bare()?;
    let server = FakeNotifications::serve(bus.address())?;
    let proxy = fx.scim_tls();
    let cli = OnrampCli::new();
    cli.write_profile(
        "corp",
        "kind = \"ldap\"\ndisplay_name = \"Corp Directory\"\n[connection]\nurl = \"ldaps://dc1.corp.test\"\nbind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n[schedule]\nenabled = false\n",
    );
    cli.write_profile(
        "plat",
        &format!(
            "kind = \"ldap\"\ndisplay_name = \"Platform\"\n[connection]\nurl = \"ldaps://dc1.corp.test\"\nbind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n[schedule]\nenabled = false\n[target]\nurl = \"{}/v2\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\nca_file = \"{}\"\n",
            proxy.url(),
            proxy.ca_path().display()
        ),
    );
    cli.run_with_stdin(&["secret", "set", "platform"], fx.scim().token());
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let ends = now + 6 * DAY + DAY / 2;
    let records = json!({
        "version": 2,
        "items": [
            {
                "profile": "corp", "item": "ldap.tls",
                "label": "server certificate CN=dc1.corp.test (seen by ldap.tls)",
                "credential": {"type": "tls_certificate", "subject": "CN=dc1.corp.test", "sha256": "AA:BB"},
                "not_after_unix": ends, "date_source": "certificate", "confirmed_unix": now
            },
            {
                "profile": "plat", "item": "target.connect",
                "label": "server certificate CN=old (seen by target.connect)",
                "credential": {"type": "tls_certificate", "subject": "CN=old", "sha256": "00:11"},
                "not_after_unix": now + 5 * DAY, "date_source": "certificate",
                "confirmed_unix": now - 2 * DAY
            }
        ]
    });
    std::fs::create_dir_all(cli.data_dir()).map_err(|e| e.to_string())?;
    std::fs::write(cli.data_dir().join("expiry.json"), records.to_string())
        .map_err(|e| e.to_string())?;

    let listed = cli.run(&["--json", "expiry", "list"]);
    ensure(listed.code == 0, || describe(&listed))?;
    let check = cli.run(&["expiry", "check", "--within", "7"]);
    ensure(
        check.code == 3 && check.stdout.contains("EXPIRING: 2 credentials"),
        || describe(&check),
    )?;

    let mut agent = AgentProcess::start(&cli, &bus.env())?;
    let rechecked = agent.expect(
        "the re-check",
        |v| v["event"] == "rechecked",
        Duration::from_secs(30),
    )?;
    ensure(
        rechecked["profile"] == "plat" && rechecked["outcome"] == "confirmed",
        || rechecked.to_string(),
    )?;
    let reminded = agent.expect(
        "the reminder",
        |v| v["event"] == "reminded",
        Duration::from_secs(30),
    )?;
    ensure(
        reminded["profile"] == "corp"
            && reminded["item"] == "ldap.tls"
            && reminded["threshold"] == 7
            && reminded["shown"] == true,
        || reminded.to_string(),
    )?;
    agent.expect(
        "the watch",
        |v| v["event"] == "watched",
        Duration::from_secs(10),
    )?;
    let calls = server.wait_for_calls(1, Duration::from_secs(10))?;
    ensure(calls.len() == 1, || format!("{calls:?}"))?;
    let call = &calls[0];
    ensure(
        call.summary == "Certificate expires in 6 days: Corp Directory",
        || format!("{call:?}"),
    )?;
    ensure(
        call.body
            .starts_with("server certificate CN=dc1.corp.test (seen by ldap.tls) ends ")
            && call.body.contains("Renew the certificate on the server"),
        || format!("{call:?}"),
    )?;
    ensure(call.urgency == Some(2), || format!("{call:?}"))?;
    agent.terminate()?;

    // The re-check replaced the stale record with the proxy's certificate.
    let listed = cli.run(&["--json", "expiry", "list"]).json();
    let plat = listed["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["profile"] == "plat"))
        .cloned()
        .unwrap_or_default();
    ensure(
        plat["days_left"].as_i64().is_some_and(|d| d > 30) && plat["state"] == "ok",
        || listed.to_string(),
    )?;
    ensure(!plat["label"].to_string().contains("CN=old"), || {
        listed.to_string()
    })?;
    let check = cli.run(&["expiry", "check", "--within", "7"]);
    ensure(
        check.code == 3 && check.stdout.contains("EXPIRING: 1 credentials"),
        || describe(&check),
    )?;

    // Started again: the reminder was recorded, nothing is repeated.
    let mut again = AgentProcess::start(&cli, &bus.env())?;
    again.expect(
        "the watch",
        |v| v["event"] == "watched",
        Duration::from_secs(30),
    )?;
    again.terminate()?;
    let rest = again.rest();
    ensure(!rest.iter().any(|v| v["event"] == "reminded"), || {
        format!("{rest:?}")
    })?;
    ensure(server.calls().len() == 1, || {
        format!("{:?}", server.calls())
    })
}

/// `packaging/linux/onramp-agent.service` passes `systemd-analyze verify`,
/// and the agent started with the unit's environment (its folders under a
/// scratch root) and the secrets where `LoadCredential=` puts them
/// (`$CREDENTIALS_DIRECTORY`, no secret store otherwise) syncs a profile.
fn the_systemd_unit_verifies_and_its_credentials_reach_the_agent(
    fx: &Fixtures,
) -> Result<(), String> {
    let unit_path = onramp_tests::repo_root().join("packaging/linux/onramp-agent.service");
    let unit = std::fs::read_to_string(&unit_path).map_err(|e| e.to_string())?;
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let bin = onramp_tests::onramp_cli::onramp_bin();
    let exec = unit
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .ok_or("the unit has no ExecStart")?;
    ensure(exec == "/usr/bin/onramp agent", || exec.to_owned())?;
    let local = scratch.path().join("onramp-agent.service");
    std::fs::write(
        &local,
        unit.replace("/usr/bin/onramp", &bin.display().to_string()),
    )
    .map_err(|e| e.to_string())?;
    let verify = std::process::Command::new("systemd-analyze")
        .args(["verify", &local.display().to_string()])
        .output()
        .map_err(|e| format!("cannot run systemd-analyze: {e}"))?;
    let complaints = String::from_utf8_lossy(&verify.stderr).into_owned();
    ensure(
        verify.status.success() && complaints.trim().is_empty(),
        || format!("systemd-analyze verify: {} {complaints}", verify.status),
    )?;

    // The unit's environment, with %E and %S under the scratch root.
    let etc = scratch.path().join("etc");
    let state = scratch.path().join("var/lib");
    let mut env: Vec<(String, String)> = unit
        .lines()
        .filter_map(|l| l.strip_prefix("Environment="))
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let v = v
                .replace("%E", &etc.display().to_string())
                .replace("%S", &state.display().to_string());
            (k.to_owned(), v)
        })
        .collect();
    ensure(env.len() == 3, || format!("{env:?}"))?;
    let credentials = scratch.path().join("credentials");
    std::fs::create_dir_all(&credentials).map_err(|e| e.to_string())?;
    let dir = fx.slapd();
    let scim = fx.start_scim();
    for (name, value) in [("bind", dir.bind_password()), ("platform", scim.token())] {
        let path = credentials.join(name);
        std::fs::write(&path, value).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| e.to_string())?;
    }
    env.push((
        "CREDENTIALS_DIRECTORY".to_owned(),
        credentials.display().to_string(),
    ));
    let ou = dir.unique_ou("unit")?;
    dir.add_bulk_users(&ou, &format!("u{}x", onramp_tests::random_hex(3)), 2)?;
    let profiles = etc.join("onramp/profiles");
    std::fs::create_dir_all(&profiles).map_err(|e| e.to_string())?;
    std::fs::write(
        profiles.join("p.toml"),
        scheduled_profile(dir, &ou, &scim.base_url(), true),
    )
    .map_err(|e| e.to_string())?;

    let cli = OnrampCli::new();
    let mut agent = AgentProcess::start(&cli, &env)?;
    let ran = agent.expect(
        "the run",
        |v| v["event"] == "ran" || v["event"] == "skipped",
        Duration::from_secs(40),
    )?;
    ensure(ran["event"] == "ran" && ran["status"] == "ok", || {
        ran.to_string()
    })?;
    agent.terminate()?;
    ensure(state.join("onramp/state.sqlite").is_file(), || {
        "no state store in the unit's StateDirectory".to_owned()
    })?;
    ensure(scim.list_all("Users")?.len() == 2, || "users".to_owned())
}
