//! The Active Directory / LDAP connector.
//!
//! Everything that speaks LDAP is here: the protocol plumbing (`ldap`:
//! endpoints, sessions over verified TLS, binds, paging, ranged values),
//! the setup checks and discovery (`directory`), and the sync's directory
//! source (`source`: full and delta reads into the common snapshot), with
//! the performance work the read needs to run at the speed of `ldapsearch`
//! (`allocator`, the packed DN index, the group search on its own thread).
//! [`LdapConnector`] is what the engine's registry holds; nothing outside
//! this crate asks whether a profile is AD or LDAP.

pub mod allocator;
mod connector;
pub mod directory;
pub mod ldap;
pub mod source;

pub use connector::{LdapConnector, LdapSource};
