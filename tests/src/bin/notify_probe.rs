//! Test helper, not a tool: runs the real `SyncRunner` and `DesktopNotifier`
//! in a process of its own, for the `notifications` tests of the `live`
//! binary.
//!
//! `notify-rust` finds the session bus only through the
//! `DBUS_SESSION_BUS_ADDRESS` environment variable, and the test process
//! (many test threads) must not change its own environment. So the test
//! starts this program with the variable pointing at its private bus and
//! drives it over stdin, one command a line; every answer and event is one
//! JSON line on stdout:
//!
//! * `secret NAME VALUE`: stores a secret (a test's throwaway value);
//! * `run NAME NOW_UNIX`: a sync of profile NAME through the runner →
//!   `{"event":"run","run":N,"status":"failed","message":"…","progress":[…]}`
//!   with every progress event of the run as the UI receives it (or
//!   `{"event":"run_error","code":…,"message":…}`);
//! * `notify NAME RUN`: one notification straight through the notifier;
//! * `waiting`: `{"event":"waiting","count":N}`, the notifications still
//!   waiting for a click;
//! * `quit`.
//!
//! Every notifier call also prints `{"event":"notify","ok":true}` or
//! `{"event":"notify","ok":false,"kind":"no_server"|…,"message":…}`, and a
//! click on a notification prints `{"event":"clicked","profile":…,"run":N,
//! "summary":…}`.
//!
//! Usage: `notify-probe ROOT` where ROOT holds `config/profiles/` (the
//! profiles) and `data/` (the state store). The secrets `bind` and
//! `platform` start in memory with a throwaway value.

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use onramp_engine::error::ToReport;
use onramp_engine::notify::{DesktopNotifier, Notification, Notifier, NotifyError, Opens, Urgency};
use onramp_engine::paths::AppPaths;
use onramp_engine::runner::SyncRunner;
use onramp_engine::secret::{MemoryStore, Secret, SecretName, SecretStore};
use onramp_engine::sync::SyncProgress;
use onramp_engine::sync::store::RunId;
use serde_json::json;

/// The value of the probe's secrets: never a real credential.
const SECRET_VALUE: &str = "probe-secret-value";

fn say(value: serde_json::Value) {
    println!("{value}");
}

/// Passes each notification on to the desktop notifier and prints the outcome.
struct Reporting(Arc<DesktopNotifier>);

impl Notifier for Reporting {
    fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
        let result = self.0.notify(n);
        match &result {
            Ok(()) => say(
                json!({"event": "notify", "ok": true, "run": n.opens.run().map(|r| r.0), "item": n.opens.item()}),
            ),
            Err(e) => {
                let kind = match e {
                    NotifyError::NoServer { .. } => "no_server",
                    NotifyError::NoBus { .. } => "no_bus",
                    NotifyError::Refused { .. } => "refused",
                    NotifyError::Unsupported { .. } => "unsupported",
                };
                say(
                    json!({"event": "notify", "ok": false, "kind": kind, "message": e.to_string()}),
                );
            }
        }
        result
    }
}

fn main() -> std::process::ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: notify-probe ROOT (a test helper of the live tests)");
        return std::process::ExitCode::from(2);
    };
    let paths = AppPaths::under(&root);
    let secrets = MemoryStore::new();
    for name in ["bind", "platform"] {
        let name = SecretName::new(name).expect("a valid secret name");
        secrets
            .set(&name, &Secret::new(SECRET_VALUE.to_owned()))
            .expect("the memory store accepts it");
    }
    let desktop = Arc::new(DesktopNotifier::new(Arc::new(|n: &Notification| {
        say(
            json!({"event": "clicked", "profile": n.profile, "run": n.opens.run().map(|r| r.0), "item": n.opens.item(), "summary": n.summary}),
        );
    })));
    let notifier = Arc::new(Reporting(desktop.clone()));
    let secrets = Arc::new(secrets);
    let runner = SyncRunner::new(
        paths,
        Arc::new(onramp_engine::registry()),
        secrets.clone(),
        notifier.clone(),
    );
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };

    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["secret", name, value] => match SecretName::new(name) {
                Ok(name) => {
                    let stored = secrets.set(&name, &Secret::new((*value).to_owned()));
                    say(json!({"event": "secret", "ok": stored.is_ok()}));
                }
                Err(e) => say(json!({"event": "secret", "ok": false, "message": e.to_string()})),
            },
            ["run", name, now] => {
                let now: i64 = now.parse().unwrap_or(0);
                let progress = Mutex::new(Vec::new());
                let sink = |event: SyncProgress| {
                    if let Ok(value) = serde_json::to_value(&event)
                        && let Ok(mut events) = progress.lock()
                    {
                        events.push(value);
                    }
                };
                let result = runtime.block_on(runner.run(name, now, &sink));
                let progress = progress.into_inner().unwrap_or_default();
                match result {
                    Ok(report) => say(json!({
                        "event": "run",
                        "run": report.run.0,
                        "status": report.status,
                        "message": report.message,
                        "progress": progress,
                    })),
                    Err(e) => {
                        let report = e.to_report();
                        say(
                            json!({"event": "run_error", "code": report.code, "message": report.message}),
                        );
                    }
                }
            }
            ["notify", name, run] => {
                let n = Notification {
                    summary: format!("Probe notification for {name}"),
                    body: "sent by the notify probe".to_owned(),
                    profile: (*name).to_owned(),
                    opens: Opens::Run(RunId(run.parse().unwrap_or(0))),
                    urgency: Urgency::Normal,
                };
                let _ = notifier.notify(&n);
            }
            ["waiting"] => say(json!({"event": "waiting", "count": desktop.waiting()})),
            ["quit"] => break,
            other => say(json!({"event": "unknown_command", "words": other})),
        }
    }
    std::process::ExitCode::SUCCESS
}
