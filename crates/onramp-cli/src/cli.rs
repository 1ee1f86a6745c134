//! The command line, as clap parses it.
//!
//! Global options (`--verbose`, `--json`, where files live, which secret
//! store) come first so every subcommand shares them; each also reads an
//! `ONRAMP_*` environment variable so an agent's unit file can set them once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Onramp: set up, check and run your security platform's integrations.
#[derive(Debug, Parser)]
#[command(name = "onramp", version, about, propagate_version = true)]
pub struct Cli {
    /// Options every command shares.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Log debug detail to stderr and the log file.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print results as JSON on stdout (for scripts and the UI).
    #[arg(long, global = true)]
    pub json: bool,
    /// Folder of profiles/ and the file secret store [default: the OS config dir].
    #[arg(long, global = true, env = "ONRAMP_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Folder of logs and state [default: the OS data dir].
    #[arg(long, global = true, env = "ONRAMP_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Where secret values are kept.
    #[arg(long, global = true, env = "ONRAMP_SECRET_STORE", value_enum, default_value_t = SecretStoreKind::Keyring)]
    pub secret_store: SecretStoreKind,
    /// Folder of the file secret store [default: <config dir>/secrets].
    #[arg(long, global = true, env = "ONRAMP_SECRETS_DIR", value_name = "DIR")]
    pub secrets_dir: Option<PathBuf>,
}

/// The secret stores a user can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretStoreKind {
    /// The OS keyring (Secret Service, Windows Credential Manager, macOS Keychain).
    Keyring,
    /// One private file per secret, for headless agents; also reads $CREDENTIALS_DIRECTORY.
    File,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, show and validate integration profiles.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Store and remove the secrets profiles refer to.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Check the platform target (SCIM 2.0) of a profile.
    #[command(subcommand)]
    Target(TargetCommand),
    /// Run an integration's setup checks (all of them in order, or one).
    Check {
        /// A profile name or the path of a profile file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        profile: String,
        /// Run only this check (e.g. ldap.signing).
        #[arg(long, value_name = "ID")]
        only: Option<String>,
    },
    /// Sync a directory profile into the platform (or preview what would change).
    Sync {
        /// A profile name or the path of a profile file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        profile: String,
        /// Show what would change and change nothing.
        #[arg(long)]
        preview: bool,
    },
    /// The run history, newest first.
    History {
        /// Only this profile's runs.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// How many runs.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Show the per-object results of this run.
        #[arg(long, value_name = "RUN_ID")]
        run: Option<i64>,
    },
    /// The audit log: every change applied to the platform, newest first.
    Audit {
        /// Only this profile's changes.
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Approve a run the deprovisioning guard held; the next sync applies it.
    Approve {
        /// The held run's id (from `onramp sync` or `onramp history`).
        run_id: i64,
    },
    /// Run the schedule, the daily credential re-checks and the expiry reminders without the app.
    Agent {
        /// How often the schedule is looked at, in seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=600))]
        tick_seconds: u64,
        /// How often the expiring credentials are looked at, in minutes.
        #[arg(long, value_name = "MINUTES", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1440))]
        watch_minutes: u32,
        /// Run under the Windows service manager (the service's command line; docs/agent.md).
        #[arg(long)]
        service: bool,
    },
    /// Export a diagnostic bundle for support (every secret removed first).
    #[command(subcommand)]
    Diagnostics(DiagnosticsCommand),
    /// The expiring credentials (certificates, secrets, tokens, keys) the checks have seen.
    #[command(subcommand)]
    Expiry(ExpiryCommand),
    /// Explore the directory to choose what to sync.
    Discover {
        /// What to discover.
        #[arg(value_enum)]
        what: DiscoverWhat,
        /// A profile name or the path of a profile file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        profile: String,
    },
}

/// What `onramp discover` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiscoverWhat {
    /// The OU tree with user counts, to choose exclusions.
    Ous,
    /// Groups with member counts, to choose synced and admin groups.
    Groups,
    /// How the email attributes are filled in, and who will be skipped.
    Email,
}

/// `onramp diagnostics …`
#[derive(Debug, Subcommand)]
pub enum DiagnosticsCommand {
    /// Write the bundle: profiles, last checks, run history, failed objects, 7 days of logs, expiry list.
    Export {
        /// Where to write the zip [default: ./onramp-diagnostics-YYYYMMDD-HHMMSS.zip].
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `onramp expiry …`
#[derive(Debug, Subcommand)]
pub enum ExpiryCommand {
    /// List every expiring credential with its days left and where the date came from.
    List,
    /// Exit 3 when a credential ends within DAYS days (or has ended), for monitoring.
    Check {
        /// How many days ahead counts as expiring.
        #[arg(long, value_name = "DAYS", default_value_t = 14, value_parser = clap::value_parser!(i64).range(0..=3650))]
        within: i64,
    },
}

/// `onramp profile …`
#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles and whether each one is valid.
    List,
    /// Show one profile with its defaults filled in.
    Show {
        /// A profile name or the path of a profile file.
        #[arg(value_name = "NAME_OR_PATH")]
        profile: String,
    },
    /// Write a new, commented profile to edit.
    New {
        /// The new profile's name (letters, digits, '.', '_', '-').
        name: String,
        /// The integration.
        #[arg(long, value_parser = parse_kind)]
        kind: onramp_engine::profile::IntegrationKind,
    },
    /// Validate profiles (all of them when none is named).
    Validate {
        /// Profile names or paths.
        #[arg(value_name = "NAME_OR_PATH")]
        profiles: Vec<String>,
    },
}

/// `onramp secret …`
#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a secret; the value is read from standard input, never from the command line.
    Set {
        /// The secret's name, as the profile refers to it.
        name: String,
    },
    /// Remove a secret.
    Delete {
        /// The secret's name.
        name: String,
    },
}

/// `onramp target …`
#[derive(Debug, Subcommand)]
pub enum TargetCommand {
    /// Connect to the platform, authenticate and read its SCIM ServiceProviderConfig.
    Check {
        /// A profile name or the path of a profile file.
        #[arg(long, value_name = "NAME_OR_PATH")]
        profile: String,
    },
}

fn parse_kind(s: &str) -> Result<onramp_engine::profile::IntegrationKind, String> {
    onramp_engine::profile::IntegrationKind::from_id(s).ok_or_else(|| {
        let all: Vec<&str> = onramp_engine::profile::IntegrationKind::ALL
            .iter()
            .map(|k| k.id())
            .collect();
        format!("expected one of {}", all.join(", "))
    })
}
