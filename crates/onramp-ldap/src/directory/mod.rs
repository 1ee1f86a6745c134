//! Active Directory and LDAP: the setup checks, discovery, and the bound
//! sessions the sync reads through.
//!
//! [`DirectoryTarget`] is a profile's connection, validated once (bind name,
//! base DN, filters) so the checks, discovery and sync never send malformed
//! input to the server. The checks run in the order the wizard shows them:
//! reachability, RootDSE, signing, TLS, bind, read access; each returns the
//! structured result of DESIGN.md and never a secret.

mod bound;
mod checks;
mod discover;
mod remedies;
mod target;

pub use bound::{BoundError, open_bound};
pub use checks::CHECKS;
pub(crate) use checks::Run as CheckRun;
pub use discover::{discover_email, discover_groups, discover_ous};
pub use target::{DirectoryError, DirectoryTarget};
