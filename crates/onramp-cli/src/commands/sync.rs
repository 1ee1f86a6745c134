//! `onramp sync`, `onramp history` and `onramp approve`.

use onramp_engine::ErrorCode;
use onramp_engine::ops;
use onramp_engine::sync::plan::Plan;
use onramp_engine::sync::progress::no_progress;
use onramp_engine::sync::run::SyncReport;
use onramp_engine::sync::store::{RunId, RunStatus, StateStore};

use crate::context::Context;
use crate::failure::{Exit, Failure};
use crate::output::{outln, print_json};
use crate::runtime::block_on;

fn open_store(ctx: &Context) -> Result<StateStore, Failure> {
    StateStore::open(&ctx.paths.data_dir.join("state.sqlite"))
        .map_err(|e| Failure::new(ErrorCode::Io, e.to_string()))
}

/// `onramp sync`
pub fn sync(ctx: &Context, profile: &str, preview: bool, now_unix: i64) -> Result<Exit, Failure> {
    let profile = ctx.profiles.load(profile)?;
    let store = open_store(ctx)?;
    let report = block_on(ops::sync(
        ops::Sync {
            registry: &ctx.registry,
            profile: &profile,
            secrets: ctx.secrets.as_ref(),
            store: &store,
            preview,
            now_unix,
            progress: &no_progress,
            stop: onramp_engine::sync::stop::StopSignal::new(),
        },
        true,
    ))??;
    tracing::info!(profile = %profile.name, run = report.run.0, status = ?report.status, "sync finished");
    if ctx.json {
        print_json(&report);
    } else {
        print_report(&report);
    }
    Ok(match report.status {
        RunStatus::Ok | RunStatus::Preview => Exit::Ok,
        RunStatus::Held => Exit::CheckFailed,
        RunStatus::Partial | RunStatus::Failed | RunStatus::Interrupted => Exit::Failed,
    })
}

fn print_plan(plan: &Plan) {
    outln!("Create {} users:", plan.creates.len());
    for u in &plan.creates {
        outln!(
            "  + {}  {}{}",
            u.user_name,
            u.display_name.as_deref().unwrap_or(""),
            if u.admin { "  [admin]" } else { "" }
        );
    }
    outln!("Update {} users:", plan.updates.len());
    for u in &plan.updates {
        let changes: Vec<String> = u
            .changes
            .iter()
            .map(|c| format!("{}: '{}' → '{}'", c.attribute, c.from, c.to))
            .collect();
        outln!("  ~ {}  {}", u.desired.user_name, changes.join("; "));
    }
    outln!("Deprovision {} users:", plan.deprovisions.len());
    for d in &plan.deprovisions {
        outln!("  - {}  ({:?})", d.user_name, d.action);
    }
    if !plan.preserved.is_empty() {
        outln!(
            "Left the scope, kept as they are (deprovision = \"preserve\"): {}",
            plan.preserved.len()
        );
        for p in &plan.preserved {
            outln!("  = {p}");
        }
    }
    outln!(
        "Groups: {} to create, {} to change",
        plan.group_creates.len(),
        plan.group_changes.len()
    );
    for g in &plan.group_creates {
        outln!("  + {} ({} members)", g.display_name, g.members.len());
    }
    for g in &plan.group_changes {
        outln!(
            "  ~ {} (+{} -{})",
            g.display_name,
            g.add.len(),
            g.remove.len()
        );
    }
    outln!("Skipped {} users:", plan.skipped.len());
    for s in &plan.skipped {
        outln!("  ! {}: {}", s.dn, s.reason);
    }
    for n in &plan.notices {
        outln!("Note: {n}");
    }
}

fn print_report(report: &SyncReport) {
    match report.status {
        RunStatus::Preview => outln!("Preview (run {}); nothing was changed.", report.run.0),
        status => outln!("Run {}: {}", report.run.0, status.as_str()),
    }
    if let Some(m) = &report.message {
        outln!("{m}");
    }
    print_plan(&report.plan);
    if !report.guard.is_empty() {
        outln!("Access the plan takes away (the guard):");
        for line in &report.guard {
            outln!("  {line}");
        }
    }
    if report.status != RunStatus::Preview && report.status != RunStatus::Held {
        let a = &report.applied;
        outln!(
            "Applied: {} created, {} updated, {} deprovisioned, {} groups changed, {} failed",
            a.created,
            a.updated,
            a.deprovisioned,
            a.groups_changed,
            a.failed
        );
    }
}

/// `onramp history`
pub fn history(
    ctx: &Context,
    profile: Option<&str>,
    limit: usize,
    run: Option<i64>,
) -> Result<Exit, Failure> {
    let store = open_store(ctx)?;
    let io = |e: onramp_engine::sync::store::StoreError| Failure::new(ErrorCode::Io, e.to_string());
    if let Some(id) = run {
        let record = store
            .run(RunId(id))
            .map_err(io)?
            .ok_or_else(|| Failure::new(ErrorCode::InvalidInput, format!("no run {id}")))?;
        let results = store.results(RunId(id)).map_err(io)?;
        if ctx.json {
            print_json(&serde_json::json!({ "run": record, "results": results }));
        } else {
            outln!(
                "Run {} of {}: {:?}, started {}, took {}",
                id,
                record.profile,
                record.state,
                onramp_engine::expiring::utc(record.started_at),
                duration(record.started_at, record.finished_at)
            );
            for r in &results {
                outln!(
                    "  {}  {:?} {} {} {}",
                    onramp_engine::expiring::utc(r.at),
                    r.outcome,
                    r.action,
                    r.anchor,
                    r.message.as_deref().unwrap_or("")
                );
            }
        }
        return Ok(Exit::Ok);
    }
    let runs = store.runs(profile, limit).map_err(io)?;
    if ctx.json {
        print_json(&runs);
    } else if runs.is_empty() {
        outln!("No runs yet.");
    } else {
        outln!(
            "{:>6}  {:<20}  {:<20} {:>8}  {:<8} {:<12} RESULT",
            "RUN",
            "STARTED",
            "PROFILE",
            "DURATION",
            "MODE",
            "STATE"
        );
        for r in &runs {
            let s = &r.summary;
            outln!(
                "{:>6}  {:<20}  {:<20} {:>8}  {:<8} {:<12} {} created, {} updated, {} deprovisioned, {} groups, {} failed, {} skipped{}",
                r.id.0,
                onramp_engine::expiring::utc(r.started_at),
                r.profile,
                duration(r.started_at, r.finished_at),
                format!("{:?}", r.mode).to_lowercase(),
                format!("{:?}", r.state).to_lowercase(),
                s.created,
                s.updated,
                s.deprovisioned,
                s.groups_changed,
                s.failed,
                s.skipped,
                r.message
                    .as_deref()
                    .map(|m| format!(" — {m}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(Exit::Ok)
}

/// `onramp approve`
pub fn approve(ctx: &Context, run_id: i64, now_unix: i64) -> Result<Exit, Failure> {
    let store = open_store(ctx)?;
    store
        .approve(RunId(run_id), now_unix)
        .map_err(|e| Failure::new(ErrorCode::InvalidInput, e.to_string()))?;
    tracing::info!(run = run_id, "held run approved");
    if ctx.json {
        print_json(&serde_json::json!({ "approved": run_id }));
    } else {
        outln!("Approved run {run_id}; the next sync of its profile applies the plan once.");
    }
    Ok(Exit::Ok)
}

/// `onramp audit`
pub fn audit(ctx: &Context, profile: Option<&str>, limit: usize) -> Result<Exit, Failure> {
    let store = open_store(ctx)?;
    let entries = store
        .audit(profile, limit)
        .map_err(|e| Failure::new(ErrorCode::Io, e.to_string()))?;
    if ctx.json {
        print_json(&entries);
    } else if entries.is_empty() {
        outln!("No changes applied yet.");
    } else {
        for e in &entries {
            let at = time::OffsetDateTime::from_unix_timestamp(e.at)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| e.at.to_string());
            outln!(
                "{at}  {}  run {}  {:<15} {}  {}",
                e.profile,
                e.run.0,
                e.action,
                e.anchor,
                e.details
            );
        }
    }
    Ok(Exit::Ok)
}

/// "42s", "12m 5s", "1h 2m"; "–" for a run that did not finish.
fn duration(started: i64, finished: Option<i64>) -> String {
    let Some(finished) = finished else {
        return "–".to_owned();
    };
    let secs = (finished - started).max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {}s", s / 60, s % 60),
        s => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(super::duration(100, Some(142)), "42s");
        assert_eq!(super::duration(100, Some(166)), "1m 6s");
        assert_eq!(super::duration(100, Some(100 + 12 * 60 + 5)), "12m 5s");
        assert_eq!(super::duration(0, Some(3720)), "1h 2m");
        assert_eq!(super::duration(5, None), "–");
        assert_eq!(super::duration(5, Some(4)), "0s");
    }
}
