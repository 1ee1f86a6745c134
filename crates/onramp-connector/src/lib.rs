//! The contract every integration plugs into.
//!
//! A connector is one integration kind (AD/LDAP today; Entra ID, Google
//! Workspace, Okta, SAML and the endpoint-protection consoles next). This
//! crate says what a connector offers ([`Connector`]), what a directory
//! source reads ([`Snapshot`], through [`DirectorySource`]), what the
//! wizard's pickers get back ([`Discovery`]) and what expires
//! ([`expiry::CredentialItem`]). It knows no LDAP, no SCIM and no sync:
//! connectors depend on it, and the sync pipeline, the wizard and the
//! engine take connectors through it.

pub mod connector;
pub mod discovery;
pub mod expiry;
pub mod registry;
pub mod snapshot;
pub mod source;

pub use connector::{
    CheckSession, CheckSpec, Connector, ConnectorError, Failure, Need, SettingError,
};
pub use discovery::{Discovery, DiscoveryKind, EmailReport, GroupInfo, OuNode, SkippedUser};
pub use registry::{NotSupported, Operation, Registry, UnknownCheck};
pub use snapshot::{GroupIndex, Snapshot, SourceGroup, SourceUser, is_email};
pub use source::{
    DirectorySource, ReadContext, ReadError, ReadKind, ReadSummary, SourceRead, SourceState,
    StateError,
};
