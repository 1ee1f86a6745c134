//! Desktop notifications over a real D-Bus: the real `DesktopNotifier`,
//! driven by the real `SyncRunner`, talking to a fake
//! `org.freedesktop.Notifications` server on a private `dbus-daemon`.
//!
//! The notifying side runs in the `notify-probe` helper process (see
//! `src/bin/notify_probe.rs`), because the notifier finds the session bus
//! through the environment and this process must not change its own. Each
//! test has its own bus, server and probe, all stopped when it ends.
//!
//! The notifier subscribes to the server's signals before it shows a
//! notification, so a test clicks or closes once, right after the `Notify`
//! call, as the fastest user could. Where a test says something did *not*
//! happen, it says so after something that happens later in the same
//! order (the run's own line, a later click that does land), not after a
//! pause.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use libtest_mimic::Trial;
use onramp_tests::UserSpec;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::fake_notifications::{FakeNotifications, NAME, PATH};
use onramp_tests::session_bus::SessionBus;
use onramp_tests::{Fixtures, ensure, trial};
use serde_json::Value;

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "notifications::failed_runs_notify_once_and_a_click_opens_the_run",
            failed_runs_notify_once_and_a_click_opens_the_run,
        ),
        trial(
            fx,
            "notifications::a_held_run_notifies_once_with_how_to_approve",
            a_held_run_notifies_once_with_how_to_approve,
        ),
        trial(
            fx,
            "notifications::closing_a_notification_ends_its_waiting_thread",
            closing_a_notification_ends_its_waiting_thread,
        ),
        trial(
            fx,
            "notifications::no_server_is_a_typed_error_and_the_run_still_fails",
            no_server_is_a_typed_error_and_the_run_still_fails,
        ),
        trial(
            fx,
            "notifications::no_session_bus_is_a_typed_error",
            no_session_bus_is_a_typed_error,
        ),
        trial(
            fx,
            "notifications::recovery_is_notified_once_and_progress_streams",
            recovery_is_notified_once_and_progress_streams,
        ),
    ]
}

/// The probe's secret value (`notify_probe.rs`): must never be shown.
const PROBE_SECRET: &str = "probe-secret-value";
const T0: i64 = 1_700_000_000;
const RUN_TIMEOUT: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_secs(10);

/// The `notify-probe` helper process, killed on drop.
struct Probe {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    seen: Vec<Value>,
    stderr: std::path::PathBuf,
}

impl Probe {
    /// Starts the probe on the profiles under `root`, with the session bus
    /// at `bus_address`.
    fn start(root: &Path, bus_address: &str) -> Result<Self, String> {
        let stderr = root.join("probe.stderr");
        let err = std::fs::File::create(&stderr).map_err(|e| e.to_string())?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_notify-probe"))
            .arg(root)
            .env("DBUS_SESSION_BUS_ADDRESS", bus_address)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start notify-probe: {e}"))?;
        let stdin = child.stdin.take().ok_or("no stdin")?;
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
            stdin,
            lines,
            seen: Vec::new(),
            stderr,
        })
    }

    fn send(&mut self, command: &str) -> Result<(), String> {
        writeln!(self.stdin, "{command}")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| {
                format!(
                    "cannot send '{command}' to the probe: {e}{}",
                    self.stderr_tail()
                )
            })
    }

    /// The first not yet taken line whose `event` is `event`, waiting up to
    /// `timeout` for it; `None` if none came.
    fn take(&mut self, event: &str, timeout: Duration) -> Result<Option<Value>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.seen.iter().position(|v| v["event"] == event) {
                return Ok(Some(self.seen.remove(i)));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let value: Value = serde_json::from_str(&line)
                        .map_err(|e| format!("the probe printed {line:?}: {e}"))?;
                    self.seen.push(value);
                }
                Err(RecvTimeoutError::Timeout) => return Ok(None),
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the probe exited while a '{event}' was awaited{}",
                        self.stderr_tail()
                    ));
                }
            }
        }
    }

    /// Stores each `(name, value)` in the probe's secret store.
    fn store_secrets(&mut self, secrets: &[(&str, &str)]) -> Result<(), String> {
        for (name, value) in secrets {
            self.send(&format!("secret {name} {value}"))?;
            let stored = self.expect("secret", SHORT)?;
            ensure(stored["ok"] == true, || format!("secret {name}: {stored}"))?;
        }
        Ok(())
    }

    /// Like [`Self::take`], but a missing line is an error.
    fn expect(&mut self, event: &str, timeout: Duration) -> Result<Value, String> {
        self.take(event, timeout)?.ok_or_else(|| {
            format!(
                "no '{event}' from the probe within {timeout:?}; it printed {:?}{}",
                self.seen,
                self.stderr_tail()
            )
        })
    }

    /// How many notifications wait for a click in the probe.
    fn waiting(&mut self) -> Result<u64, String> {
        self.send("waiting")?;
        let answer = self.expect("waiting", SHORT)?;
        answer["count"]
            .as_u64()
            .ok_or_else(|| format!("bad answer {answer}"))
    }

    /// Runs profile `name` at `now` and returns the `run` line.
    fn run(&mut self, name: &str, now: i64) -> Result<Value, String> {
        self.send(&format!("run {name} {now}"))?;
        self.expect("run", RUN_TIMEOUT)
    }

    /// Ends the probe and checks it exited cleanly.
    fn quit(mut self) -> Result<(), String> {
        self.send("quit")?;
        let deadline = Instant::now() + SHORT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(format!("the probe exited {status}{}", self.stderr_tail()));
                }
                Ok(None) if Instant::now() > deadline => {
                    return Err("the probe did not exit after 'quit'".to_owned());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    fn stderr_tail(&self) -> String {
        match std::fs::read_to_string(&self.stderr) {
            Ok(text) if !text.trim().is_empty() => format!("; its stderr:\n{text}"),
            _ => String::new(),
        }
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    onramp_tests::ports::free_port()
}

/// Writes profile `corp` ("Corp Directory") under `root`: an LDAP directory
/// on a closed port, so every run fails reading it.
fn write_profile(root: &Path) -> Result<(), String> {
    let text = format!(
        "kind = \"ldap\"\ndisplay_name = \"Corp Directory\"\n\n[connection]\n\
         url = \"ldap://127.0.0.1:{}\"\nbase_dn = \"dc=corp,dc=test\"\n\
         bind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n\
         timeout_seconds = 5\n\n[target]\nurl = \"http://127.0.0.1:{}/scim/v2\"\n\
         auth = \"bearer\"\ntoken_secret = \"platform\"\n",
        closed_port(),
        closed_port()
    );
    write_profile_text(root, &text)
}

/// Writes `text` as profile `corp` under `root`.
fn write_profile_text(root: &Path, text: &str) -> Result<(), String> {
    let dir = root.join("config").join("profiles");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("corp.toml"), text).map_err(|e| e.to_string())
}

fn failed_runs_notify_once_and_a_click_opens_the_run(_fx: &Fixtures) -> Result<(), String> {
    let bus = SessionBus::start_bare()?;
    let server = FakeNotifications::serve(bus.address())?;
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    write_profile(root.path())?;
    let mut probe = Probe::start(root.path(), bus.address())?;

    let first = probe.run("corp", T0)?;
    ensure(first["status"] == "failed", || {
        format!("first run: {first}")
    })?;
    let message = first["message"].as_str().unwrap_or_default().to_owned();
    ensure(message.starts_with("reading the directory failed"), || {
        format!("first run's message: {first}")
    })?;
    let notified = probe.expect("notify", SHORT)?;
    ensure(notified["ok"] == true, || {
        format!("the notifier said {notified}")
    })?;

    let calls = server.wait_for_calls(1, SHORT)?;
    ensure(calls.len() == 1, || format!("Notify calls: {calls:?}"))?;
    let call = &calls[0];
    ensure(call.app_name == "Onramp", || format!("{call:?}"))?;
    ensure(call.summary == "Sync failed: Corp Directory", || {
        format!("summary {:?}", call.summary)
    })?;
    ensure(call.body == message, || {
        format!("body {:?}, run message {message:?}", call.body)
    })?;
    ensure(call.actions == ["default", "Open run"], || {
        format!("actions {:?}", call.actions)
    })?;
    ensure(call.urgency == Some(2), || {
        format!("urgency {:?}", call.urgency)
    })?;
    ensure(call.replaces_id == 0 && call.expire_timeout == -1, || {
        format!("{call:?}")
    })?;
    ensure(!format!("{call:?}").contains(PROBE_SECRET), || {
        "the notification holds the secret value".to_owned()
    })?;

    // Fifteen minutes later, still failing: the same incident, no new call.
    let second = probe.run("corp", T0 + 900)?;
    ensure(second["status"] == "failed", || {
        format!("second run: {second}")
    })?;
    ensure(second["run"] != first["run"], || {
        format!("{first} then {second}")
    })?;
    ensure(probe.take("notify", Duration::ZERO)?.is_none(), || {
        "the second failure was notified again".to_owned()
    })?;
    let calls = server.calls();
    ensure(calls.len() == 1, || format!("Notify calls: {calls:?}"))?;

    // A click on it, at once, calls on_click with the run it is about.
    let id = calls[0].id;
    server.invoke_action(id, "default")?;
    let clicked = probe.expect("clicked", SHORT)?;
    ensure(clicked["run"] == first["run"], || {
        format!("clicked {clicked}, first run {first}")
    })?;
    ensure(clicked["profile"] == "corp", || {
        format!("clicked {clicked}")
    })?;
    ensure(clicked["summary"] == "Sync failed: Corp Directory", || {
        format!("clicked {clicked}")
    })?;
    // The click ended the notification's waiting thread, so a second click
    // does nothing: a later notification's click is the next one the probe
    // reports.
    wait_for_waiting(&mut probe, 0)?;
    server.invoke_action(id, "default")?;
    probe.send("notify corp 99")?;
    probe.expect("notify", SHORT)?;
    let later = server.wait_for_calls(2, SHORT)?[1].id;
    server.invoke_action(later, "default")?;
    let next = probe.expect("clicked", SHORT)?;
    ensure(next["run"] == 99, || {
        format!("after a second click on the first notification, the probe reported {next}")
    })?;
    probe.quit()
}

/// Polls the probe until `count` notifications wait for a click.
fn wait_for_waiting(probe: &mut Probe, count: u64) -> Result<(), String> {
    let deadline = Instant::now() + SHORT;
    loop {
        let now = probe.waiting()?;
        if now == count {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{now} notifications still wait, expected {count}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn closing_a_notification_ends_its_waiting_thread(_fx: &Fixtures) -> Result<(), String> {
    let bus = SessionBus::start_bare()?;
    let server = FakeNotifications::serve(bus.address())?;
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut probe = Probe::start(root.path(), bus.address())?;

    probe.send("notify corp 7")?;
    let notified = probe.expect("notify", SHORT)?;
    ensure(notified["ok"] == true, || {
        format!("the notifier said {notified}")
    })?;
    let calls = server.wait_for_calls(1, SHORT)?;
    ensure(probe.waiting()? == 1, || {
        "no thread waits for the click".to_owned()
    })?;

    // Another client closes it through the server (CloseNotification), which
    // announces NotificationClosed(id, 3): the waiting thread ends.
    let client = zbus::blocking::connection::Builder::address(bus.address())
        .and_then(|b| b.build())
        .map_err(|e| format!("cannot connect to the test bus: {e}"))?;
    let id = calls[0].id;
    client
        .call_method(Some(NAME), PATH, Some(NAME), "CloseNotification", &(id,))
        .map_err(|e| format!("CloseNotification failed: {e}"))?;
    wait_for_waiting(&mut probe, 0)?;
    // A closed notification can no longer be clicked: a later one's click
    // is the next the probe reports.
    server.invoke_action(id, "default")?;
    probe.send("notify corp 8")?;
    probe.expect("notify", SHORT)?;
    let later = server.wait_for_calls(2, SHORT)?[1].id;
    server.invoke_action(later, "default")?;
    let next = probe.expect("clicked", SHORT)?;
    ensure(next["run"] == 8, || {
        format!("after a click on the closed notification, the probe reported {next}")
    })?;
    probe.quit()
}

fn no_server_is_a_typed_error_and_the_run_still_fails(_fx: &Fixtures) -> Result<(), String> {
    // A bus on which nobody owns org.freedesktop.Notifications.
    let bus = SessionBus::start_bare()?;
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    write_profile(root.path())?;
    let mut probe = Probe::start(root.path(), bus.address())?;

    let run = probe.run("corp", T0)?;
    ensure(run["status"] == "failed", || format!("run: {run}"))?;
    ensure(run["run"].as_i64().is_some(), || format!("run: {run}"))?;
    let notified = probe.expect("notify", SHORT)?;
    ensure(
        notified["ok"] == false && notified["kind"] == "no_server",
        || format!("the notifier said {notified}"),
    )?;
    let message = notified["message"].as_str().unwrap_or_default();
    ensure(
        message.contains("org.freedesktop.DBus.Error.ServiceUnknown"),
        || format!("the error says {message:?}"),
    )?;

    probe.send("notify corp 1")?;
    let direct = probe.expect("notify", SHORT)?;
    ensure(direct["kind"] == "no_server", || format!("{direct}"))?;
    ensure(probe.waiting()? == 0, || {
        "a thread waits for nothing".to_owned()
    })?;
    probe.quit()
}

fn no_session_bus_is_a_typed_error(_fx: &Fixtures) -> Result<(), String> {
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    write_profile(root.path())?;
    let address = format!("unix:path={}", root.path().join("no-bus-here").display());
    let mut probe = Probe::start(root.path(), &address)?;

    let run = probe.run("corp", T0)?;
    ensure(run["status"] == "failed", || format!("run: {run}"))?;
    let notified = probe.expect("notify", SHORT)?;
    ensure(
        notified["ok"] == false && notified["kind"] == "no_bus",
        || format!("the notifier said {notified}"),
    )?;
    probe.quit()
}

/// A failing profile fixed by the admin: the run that works again is
/// notified as a recovery, once; its progress reaches the caller in the
/// UI's `SyncEvent` shape, with one `applying` step per change.
fn recovery_is_notified_once_and_progress_streams(fx: &Fixtures) -> Result<(), String> {
    let slapd = fx.slapd();
    let scim = fx.start_scim();
    let bus = SessionBus::start_bare()?;
    let server = FakeNotifications::serve(bus.address())?;
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    write_profile(root.path())?;
    let mut probe = Probe::start(root.path(), bus.address())?;

    let failed = probe.run("corp", T0)?;
    ensure(failed["status"] == "failed", || {
        format!("first run: {failed}")
    })?;
    server.wait_for_calls(1, SHORT)?;

    // The admin points the profile at the working directory and platform.
    write_profile_text(
        root.path(),
        &format!(
            "kind = \"ldap\"\ndisplay_name = \"Corp Directory\"\n\n[connection]\n\
             url = \"{}\"\nstarttls = true\nbind_dn = \"{}\"\n\
             bind_password_secret = \"bind\"\nca_file = \"{}\"\n\n\
             [sync]\ngroups = [\"engineering\"]\n\n[target]\nurl = \"{}\"\n\
             auth = \"bearer\"\ntoken_secret = \"platform\"\n",
            slapd.url(),
            slapd.root_dn(),
            slapd.ca_path().display(),
            scim.base_url()
        ),
    )?;
    probe.store_secrets(&[("bind", slapd.root_password()), ("platform", scim.token())])?;

    let ok = probe.run("corp", T0 + 900)?;
    ensure(ok["status"] == "ok", || format!("fixed run: {ok}"))?;
    let calls = server.wait_for_calls(2, SHORT)?;
    ensure(calls.len() == 2, || format!("Notify calls: {calls:?}"))?;
    let recovered = &calls[1];
    ensure(
        recovered.summary == "Sync recovered: Corp Directory",
        || format!("{recovered:?}"),
    )?;
    ensure(
        recovered.body == format!("Run {} applied every change.", ok["run"]),
        || format!("{recovered:?}"),
    )?;
    ensure(recovered.urgency == Some(0), || format!("{recovered:?}"))?;
    for call in &calls {
        ensure(
            !call.body.contains(slapd.root_password()) && !call.body.contains(scim.token()),
            || "a notification holds a secret value".to_owned(),
        )?;
    }
    check_progress(&ok)?;

    // Working again and again: nothing more to say.
    let again = probe.run("corp", T0 + 1800)?;
    ensure(again["status"] == "ok", || format!("third run: {again}"))?;
    ensure(server.calls().len() == 2, || {
        format!("Notify calls: {:?}", server.calls())
    })?;
    probe.quit()
}

/// A run the deprovisioning guard holds raises one notification that says
/// why and how to approve; the next run, still held, raises none.
fn a_held_run_notifies_once_with_how_to_approve(fx: &Fixtures) -> Result<(), String> {
    let slapd = fx.slapd();
    let scim = fx.start_scim();
    let ou = slapd.unique_ou("held")?;
    let leaving = slapd.add_ou(&ou, "Leaving")?;
    for (i, parent) in [&ou, &leaving, &leaving].into_iter().enumerate() {
        slapd.add_user(
            parent,
            &UserSpec::new(&format!("held{i}-{}", onramp_tests::random_hex(2)))
                .name("Held", &format!("{i}"))
                .mail(&format!(
                    "held{i}-{}@example.org",
                    onramp_tests::random_hex(2)
                )),
        )?;
    }
    let bus = SessionBus::start_bare()?;
    let server = FakeNotifications::serve(bus.address())?;
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    // `display_name` is a top-level key: it goes before [connection].
    let text = |extra: &str| {
        let connection = slapd.connection_profile(&ou);
        let (kind, rest) = connection
            .split_once('\n')
            .unwrap_or((connection.as_str(), ""));
        format!(
            "{kind}\ndisplay_name = \"Corp Directory\"\n{rest}\n[sync]\ndeprovision = \"deactivate\"\n\
             deprovision_threshold = {{ count = 1, percent = 5.0 }}\n{extra}\n[target]\n\
             url = \"{}\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n",
            scim.base_url()
        )
    };
    write_profile_text(root.path(), &text(""))?;
    let mut probe = Probe::start(root.path(), bus.address())?;
    probe.store_secrets(&[("bind", slapd.root_password()), ("platform", scim.token())])?;
    let first = probe.run("corp", T0)?;
    ensure(first["status"] == "ok", || format!("first run: {first}"))?;

    // The OU with two of the three users is excluded: two deprovisions,
    // more than the one the profile allows.
    write_profile_text(
        root.path(),
        &text(&format!("excluded_ous = [\"{leaving}\"]\n")),
    )?;
    let held = probe.run("corp", T0 + 900)?;
    ensure(held["status"] == "held", || format!("second run: {held}"))?;
    probe.expect("notify", SHORT)?;
    let calls = server.wait_for_calls(1, SHORT)?;
    ensure(calls.len() == 1, || format!("Notify calls: {calls:?}"))?;
    let call = &calls[0];
    let id = &held["run"];
    ensure(
        call.summary == "Sync held for approval: Corp Directory",
        || format!("{call:?}"),
    )?;
    ensure(
        call.body.contains("Nothing was changed")
            && call.body.contains(&format!("onramp approve {id}"))
            && call.body.contains(&format!("Review run {id} in Onramp"))
            && !call.body.contains(".."),
        || format!("{call:?}"),
    )?;
    ensure(call.urgency == Some(1), || format!("{call:?}"))?;
    ensure(
        scim.list_all("Users")?.iter().all(|u| u["active"] == true),
        || "a held run changed the platform".to_owned(),
    )?;

    // Still held: the same incident, no second notification.
    let again = probe.run("corp", T0 + 1800)?;
    ensure(again["status"] == "held", || format!("third run: {again}"))?;
    // The runner notifies before it answers, and the server records a call
    // before it replies: by the run's line, a second call would be there.
    ensure(probe.take("notify", Duration::ZERO)?.is_none(), || {
        "the second hold was notified again".to_owned()
    })?;
    ensure(server.calls().len() == 1, || {
        format!("Notify calls: {:?}", server.calls())
    })?;
    probe.quit()
}

/// The progress of a run that applied changes: started, the four phases in
/// order with `done` never decreasing and each ending at its total, one
/// applying step per change, and finished with the run's id and status.
fn check_progress(run: &Value) -> Result<(), String> {
    let events = run["progress"].as_array().cloned().unwrap_or_default();
    let describe = || format!("progress of {run}");
    ensure(
        events.first() == Some(&serde_json::json!({"event": "started", "profile": "corp"})),
        describe,
    )?;
    ensure(
        events.last()
            == Some(&serde_json::json!({"event": "finished", "run": run["run"], "status": "ok"})),
        describe,
    )?;
    let phases: Vec<&Value> = events[1..events.len() - 1].iter().collect();
    ensure(
        phases.iter().all(|e| {
            e["event"] == "progress"
                && e.as_object().is_some_and(|o| o.len() == 4)
                && matches!(
                    (e["done"].as_u64(), e["total"].as_u64()),
                    (Some(done), Some(total)) if done <= total
                )
        }),
        describe,
    )?;
    let mut order = Vec::new();
    for e in &phases {
        let phase = e["phase"].as_str().unwrap_or_default();
        if order.last() != Some(&phase) {
            order.push(phase);
        }
    }
    ensure(
        order == ["reading", "planning", "applying", "recording"],
        || format!("phases {order:?} in {run}"),
    )?;
    for phase in order {
        let steps: Vec<(u64, u64)> = phases
            .iter()
            .filter(|e| e["phase"] == phase)
            .map(|e| {
                (
                    e["done"].as_u64().unwrap_or(0),
                    e["total"].as_u64().unwrap_or(0),
                )
            })
            .collect();
        let (last_done, last_total) = steps[steps.len() - 1];
        ensure(last_done == last_total, || {
            format!("{phase} ends at {steps:?}")
        })?;
        ensure(steps.windows(2).all(|w| w[0].0 <= w[1].0), || {
            format!("{phase} goes back: {steps:?}")
        })?;
        if phase == "applying" {
            ensure(steps[0] == (0, last_total) && last_total > 0, || {
                format!("applying {steps:?}")
            })?;
        }
    }
    Ok(())
}
