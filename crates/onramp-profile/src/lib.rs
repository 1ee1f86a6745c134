//! Integration profiles: one TOML file per integration.
//!
//! A profile says which system to talk to (`kind` and `[connection]`), what
//! to sync (`[sync]`), when (`[schedule]`) and where to (`[target]`). It holds
//! references to secrets, never their values. Parsing is strict: an unknown
//! key is an error, and every error names the file, the key and what was
//! expected, because a typo silently ignored is a sync that silently does the
//! wrong thing. The parsed [`Profile`] is already validated and typed, so the
//! rest of the engine never re-checks it.

mod connection;
mod error;
mod kind;
mod parse;
mod rules;
mod store;
pub mod syntax;
mod target;
mod template;
mod validate;

pub use connection::{
    BitdefenderConnection, Connection, DefenderConnection, DirectoryConnection, EntraConnection,
    GoogleConnection, HeimdalConnection, OktaConnection, SamlConnection, SentinelOneConnection,
};
pub use error::ProfileError;
pub use kind::IntegrationKind;
pub use parse::parse_profile;
pub use rules::{
    AttributeMap, ConflictPolicy, DeprovisionPolicy, DeprovisionThreshold, EmailAttribute,
    SYNCED_ATTRIBUTES, Schedule, SyncRules,
};
pub use store::{ProfileEntry, ProfileStore, Validation};
pub use target::{ExportTarget, Target, TargetAuth};
pub use template::template;
pub use validate::SettingError;

use std::path::PathBuf;

use serde::Serialize;

/// A validated integration profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// The profile's name: its file name without `.toml`.
    pub name: String,
    /// The file it was read from.
    pub path: PathBuf,
    /// Which system this profile integrates.
    pub kind: IntegrationKind,
    /// A label for the UI; defaults to the name.
    pub display_name: String,
    /// How to reach the source system.
    pub connection: Connection,
    /// What to sync and how.
    pub sync: SyncRules,
    /// When to sync.
    pub schedule: Schedule,
    /// The platform to provision into over SCIM (`[target]` with
    /// `kind = "scim"`, the default). At most one of `target` and `export`
    /// is set.
    pub target: Option<Target>,
    /// The folder to export runs into instead (`[target]` with
    /// `kind = "export"`): nothing is sent to the platform.
    pub export: Option<ExportTarget>,
}

/// Checks that a profile name is usable as a file name on every OS.
pub fn validate_profile_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['.', '-'])
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(ProfileError::InvalidName {
            name: name.chars().take(80).collect(),
        })
    }
}
