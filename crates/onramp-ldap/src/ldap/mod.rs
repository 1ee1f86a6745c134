//! LDAP plumbing shared by the directory checks, discovery and the sync.
//!
//! Everything that talks LDAP goes through here, so the checks and the sync
//! engine open connections, bind, page and read ranged attributes the same
//! way: `endpoint` says where and how (plain, StartTLS, LDAPS), `session`
//! connects with the shared verified TLS configuration, `bind` classifies
//! what the server answered to a bind, `rootdse` reads what the server is,
//! `entry` decodes search results without copying them, `search` pages and
//! follows attribute ranges, and `syntax` validates and escapes the DNs and
//! filters that come from profiles and the UI.

pub mod bind;
pub mod endpoint;
pub mod entry;
pub mod guid;
pub mod rootdse;
pub mod search;
pub mod session;
pub use onramp_profile::syntax;
