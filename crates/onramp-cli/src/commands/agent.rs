//! `onramp agent`: the schedule, the re-checks and the reminders without
//! the desktop app (`onramp_engine::agent` has the loop; this wires the
//! signals, the notifier and the output).
//!
//! Each event is one line on standard output (JSON with `--json`), which
//! systemd puts in the journal. SIGTERM and SIGINT stop the agent: at once
//! between runs, after the object being applied during one.

use std::sync::Arc;
use std::time::Duration;

use onramp_engine::agent::{Agent, AgentEvent, AgentPace};
use onramp_engine::notify::{DesktopNotifier, Notification};
use onramp_engine::sync::stop::StopSignal;

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::outln;

/// `agent` (`--service`: as a Windows service, `agent_service.rs`).
pub fn agent(
    ctx: &Context,
    tick_seconds: u64,
    watch_minutes: u32,
    service: bool,
) -> Result<Exit, Failure> {
    let pace = AgentPace {
        tick: Duration::from_secs(tick_seconds),
        watch_every: i64::from(watch_minutes) * 60,
    };
    if service {
        return as_service(ctx, pace);
    }
    run(ctx, pace, StopSignal::new(), true)
}

#[cfg(windows)]
fn as_service(ctx: &Context, pace: AgentPace) -> Result<Exit, Failure> {
    super::agent_service::run(ctx, pace)
}

#[cfg(not(windows))]
fn as_service(_ctx: &Context, _pace: AgentPace) -> Result<Exit, Failure> {
    Err(Failure::new(
        onramp_engine::ErrorCode::NotSupported,
        "--service runs the agent under the Windows service manager; on Linux run `onramp agent` under systemd (packaging/linux/onramp-agent.service, docs/agent.md)",
    ))
}

/// Runs the agent until `stop` is raised (or, with `signals`, SIGTERM,
/// SIGINT or Ctrl-C arrives).
pub(crate) fn run(
    ctx: &Context,
    pace: AgentPace,
    stop: StopSignal,
    signals: bool,
) -> Result<Exit, Failure> {
    let notifier = Arc::new(DesktopNotifier::new(Arc::new(|n: &Notification| {
        tracing::info!(profile = %n.profile, summary = %n.summary, "notification clicked; open the Onramp app to act on it");
    })));
    let mut agent = Agent::new(
        ctx.paths.clone(),
        ctx.registry.clone(),
        ctx.secrets.clone(),
        notifier,
        seed(),
        stop.clone(),
        pace,
    );
    let json = ctx.json;
    let print = move |event: AgentEvent| print_event(&event, json);
    let now = || time::OffsetDateTime::now_utc().unix_timestamp();
    tracing::info!("agent started");
    crate::runtime::block_on(async {
        // The handlers are in place before the agent does anything, so a
        // SIGTERM right after its first event is a clean stop, not a kill.
        let signals = match signals.then(Shutdown::listen) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(e)) => {
                tracing::warn!(
                    "cannot listen for SIGTERM/SIGINT ({e}); Ctrl-C ends the agent at once"
                );
                None
            }
        };
        let work = agent.run(&now, &print);
        tokio::pin!(work);
        let Some(mut signals) = signals else {
            return work.await;
        };
        tokio::select! {
            () = &mut work => {}
            name = signals.recv() => {
                tracing::info!("{name} received: stopping");
                stop.request();
                work.await;
            }
        }
    })?;
    tracing::info!("agent stopped");
    Ok(Exit::Ok)
}

/// SIGTERM and SIGINT, listened for.
#[cfg(unix)]
struct Shutdown {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Shutdown {
    /// Installs the handlers (inside the runtime).
    fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for either; its name.
    async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

/// Ctrl-C (the service wrapper stops the agent the same way).
#[cfg(not(unix))]
struct Shutdown;

#[cfg(not(unix))]
impl Shutdown {
    fn listen() -> std::io::Result<Self> {
        Ok(Self)
    }

    async fn recv(&mut self) -> &'static str {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// A seed for the schedule's jitter: different per start and per machine.
fn seed() -> u64 {
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
    (nanos as u64) ^ (u64::from(std::process::id()) << 32)
}

fn print_event(event: &AgentEvent, json: bool) {
    if json {
        match serde_json::to_string(event) {
            Ok(line) => outln!("{line}"),
            Err(e) => tracing::warn!("cannot encode an agent event: {e}"),
        }
        return;
    }
    match event {
        AgentEvent::Started { profiles_dir } => {
            outln!("agent started: watching the profiles in {profiles_dir}")
        }
        AgentEvent::Ran {
            profile,
            run,
            status,
            message,
        } => match message {
            Some(m) => outln!("{profile}: run {run} {status}: {m}"),
            None => outln!("{profile}: run {run} {status}"),
        },
        AgentEvent::Skipped {
            profile, message, ..
        } => outln!("{profile}: scheduled run skipped: {message}"),
        AgentEvent::Rechecked {
            profile,
            item,
            outcome,
        } => outln!("{profile}: {item} checked again: {outcome}"),
        AgentEvent::Reminded {
            profile,
            item,
            threshold,
            shown,
        } => outln!(
            "{profile}: {item}: {threshold}-day expiry reminder {}",
            if *shown {
                "shown"
            } else {
                "logged (no desktop notifications here)"
            }
        ),
        AgentEvent::Watched { credentials } => {
            tracing::debug!(credentials, "expiring credentials looked at");
        }
        AgentEvent::Problem { message } => outln!("problem: {message}"),
        AgentEvent::Stopped => outln!("agent stopped"),
    }
}
