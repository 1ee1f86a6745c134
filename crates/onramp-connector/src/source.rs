//! A directory source: the first stage of a sync run, behind one trait.
//!
//! A connector that syncs people (AD/LDAP today; Entra ID, Google
//! Workspace and Okta next) offers a [`DirectorySource`]. The sync pipeline
//! asks it for a [`SourceRead`] and knows nothing else about it: how the
//! read is paged, whether it is a delta, what its cursor means, and which
//! group a rule's name refers to are the source's business.
//!
//! What a source keeps between runs (its cursor and, for delta reads, the
//! mirror of what it read) lives in the state store, reached through
//! [`SourceState`]: the store keeps the cursor as an opaque string and the
//! mirror as a [`Snapshot`], so a source never depends on the store's crate.

use futures_util::future::LocalBoxFuture;
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_secrets::SecretStore;
use serde::Serialize;
use ts_rs::TS;

use crate::connector::ConnectorError;
use crate::snapshot::{Snapshot, SourceGroup, SourceUser};

/// Reading or writing what a source keeps between runs failed.
#[derive(Debug, thiserror::Error)]
#[error("the state store failed: {0}")]
pub struct StateError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// What a source keeps between runs of one profile, in the state store.
///
/// A sync run hands the source its profile's view of the store; the source
/// decides what the cursor holds and when the mirror is replaced or merged.
pub trait SourceState {
    /// The cursor stored under `key`, if any.
    fn cursor(&self, key: &str) -> Result<Option<String>, StateError>;
    /// Stores `value` as the cursor under `key`.
    fn set_cursor(&self, key: &str, value: &str) -> Result<(), StateError>;
    /// The mirror of the last reads (empty before the first).
    fn load_mirror(&self) -> Result<Snapshot, StateError>;
    /// Replaces the mirror with a full read.
    fn replace_mirror(&self, snapshot: &Snapshot) -> Result<(), StateError>;
    /// Merges a delta into the mirror: changed or new users and groups, and
    /// the anchors that were deleted or left the scope.
    fn update_mirror(
        &self,
        users: &[SourceUser],
        groups: &[SourceGroup],
        removed: &std::collections::BTreeSet<String>,
    ) -> Result<(), StateError>;
}

/// How the snapshot was obtained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadKind {
    /// Every object was read.
    Full {
        /// Why not a delta.
        reason: String,
    },
    /// Only changes since the cursor were read.
    Delta {
        /// Users changed or added.
        changed_users: usize,
        /// Groups changed or added.
        changed_groups: usize,
        /// Objects deleted or out of scope.
        removed: usize,
    },
}

/// What one read saw besides the snapshot.
///
/// The counts every source has are fields; what only one kind of source
/// counts (AD's ranged groups, an LDAP base DN, a Graph delta link's age)
/// travels in `details`, flattened into the same JSON object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct ReadSummary {
    /// User objects the source returned.
    pub users_read: usize,
    /// Group objects the source returned.
    pub groups_read: usize,
    /// The source's own counts, by name.
    #[serde(flatten)]
    pub details: serde_json::Map<String, serde_json::Value>,
}

/// A finished read: the snapshot for the pipeline, and what it saw.
#[derive(Debug, Clone)]
pub struct SourceRead {
    /// The users and groups in scope (the whole mirror after a delta).
    pub snapshot: Snapshot,
    /// Counts of what the read saw and left out.
    pub summary: ReadSummary,
    /// Full or delta, and why.
    pub kind: ReadKind,
}

/// Why a read failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The source could not be read (connection, credential, a bad answer).
    #[error(transparent)]
    Source(#[from] ConnectorError),
    /// The state store failed while the source read or wrote its cursor.
    #[error(transparent)]
    State(#[from] StateError),
}

impl ToReport for ReadError {
    fn to_report(&self) -> ErrorReport {
        match self {
            ReadError::Source(e) => e.to_report(),
            ReadError::State(e) => ErrorReport::new(ErrorCode::Io, e.to_string()),
        }
    }
}

/// What a read needs besides the source's own settings.
pub struct ReadContext<'a> {
    /// Where the source's credential is.
    pub secrets: &'a dyn SecretStore,
    /// The profile's cursor and mirror.
    pub state: &'a dyn SourceState,
    /// How often a full read replaces the deltas, in hours.
    pub full_read_hours: u32,
    /// The run's clock.
    pub now_unix: i64,
}

/// A directory a profile syncs from.
pub trait DirectorySource {
    /// Reads the snapshot for a sync run: a delta merged into the mirror
    /// when the cursor allows, else a full read that replaces it. A read
    /// that cannot be completed is an error, never a partial snapshot.
    fn read<'a>(&'a self, cx: ReadContext<'a>)
    -> LocalBoxFuture<'a, Result<SourceRead, ReadError>>;

    /// The team every synced user joins when the profile names none
    /// (e.g. "AD Users").
    fn default_team(&self) -> String;

    /// Whether a profile rule's `reference` (in `sync.groups` or
    /// `sync.admin_groups`) names `group`. The default compares the name
    /// case-insensitively and the anchor exactly; a source whose groups
    /// have paths (LDAP DNs) also matches those.
    fn names_group(&self, group: &SourceGroup, reference: &str) -> bool {
        group.name.eq_ignore_ascii_case(reference) || group.anchor == reference
    }
}
