//! `onramp`: the Onramp engine without the desktop app.
//!
//! Parses the command line, starts logging, builds the context (paths,
//! profiles, secret store) once, and runs one command. Every failure is
//! printed in the same `{code, message, remediation}` form the desktop app
//! shows, and mapped to the exit codes of DESIGN.md.

/// mimalloc, not the system allocator (onramp_engine::ldap::allocator says why).
#[global_allocator]
static ALLOCATOR: onramp_engine::ldap::allocator::Allocator =
    onramp_engine::ldap::allocator::Allocator {};

mod cli;
mod commands;
mod context;
mod failure;
mod output;
mod runtime;

use std::process::ExitCode;

use clap::Parser;

use cli::{
    Cli, Command, DiagnosticsCommand, ExpiryCommand, ProfileCommand, SecretCommand, TargetCommand,
};
use context::Context;
use failure::{Exit, Failure};

fn main() -> ExitCode {
    onramp_engine::ldap::allocator::configure();
    let cli = Cli::parse();
    let credentials_dir = std::env::var_os("CREDENTIALS_DIRECTORY").map(Into::into);
    let ctx = match Context::new(&cli.global, credentials_dir) {
        Ok(c) => c,
        Err(f) => {
            output::print_error(&f.report, cli.global.json);
            return f.exit().into();
        }
    };
    let _log = onramp_engine::logging::init(&ctx.paths.log_dir(), cli.global.verbose);
    tracing::debug!(command = ?cli.command, "starting");
    match run(&ctx, &cli.command) {
        Ok(exit) => exit.into(),
        Err(f) => {
            tracing::info!(code = ?f.report.code, "command failed: {}", f.report.message);
            output::print_error(&f.report, ctx.json);
            f.exit().into()
        }
    }
}

fn run(ctx: &Context, command: &Command) -> Result<Exit, Failure> {
    match command {
        Command::Profile(p) => match p {
            ProfileCommand::List => commands::profile::list(ctx),
            ProfileCommand::Show { profile } => commands::profile::show(ctx, profile),
            ProfileCommand::New { name, kind } => commands::profile::new(ctx, name, *kind),
            ProfileCommand::Validate { profiles } => commands::profile::validate(ctx, profiles),
        },
        Command::Secret(s) => match s {
            SecretCommand::Set { name } => commands::secret::set(ctx, name),
            SecretCommand::Delete { name } => commands::secret::delete(ctx, name),
        },
        Command::Check { profile, only } => {
            commands::directory::check(ctx, profile, only.as_deref(), unix_now())
        }
        Command::Sync { profile, preview } => {
            commands::sync::sync(ctx, profile, *preview, unix_now())
        }
        Command::History {
            profile,
            limit,
            run,
        } => commands::sync::history(ctx, profile.as_deref(), *limit, *run),
        Command::Audit { profile, limit } => commands::sync::audit(ctx, profile.as_deref(), *limit),
        Command::Approve { run_id } => commands::sync::approve(ctx, *run_id, unix_now()),
        Command::Agent {
            tick_seconds,
            watch_minutes,
            service,
        } => commands::agent::agent(ctx, *tick_seconds, *watch_minutes, *service),
        Command::Diagnostics(DiagnosticsCommand::Export { out }) => {
            commands::diagnostics::export(ctx, out.as_deref(), unix_now())
        }
        Command::Expiry(e) => match e {
            ExpiryCommand::List => commands::expiry::list(ctx, unix_now()),
            ExpiryCommand::Check { within } => commands::expiry::check(ctx, *within, unix_now()),
        },
        Command::Discover { what, profile } => commands::directory::discover(ctx, profile, *what),
        Command::Target(t) => match t {
            TargetCommand::Check { profile } => commands::target::check(ctx, profile, unix_now()),
        },
    }
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
