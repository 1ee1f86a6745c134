//! The directory sync: source → snapshot → desired state → plan → guards →
//! apply → record, as DESIGN.md describes.
//!
//! Each stage is its own module with its own tests. The read is the
//! connector's ([`onramp_connector::DirectorySource`]); from its snapshot
//! on, this crate knows no directory: `map` turns the snapshot into the
//! desired state with the profile's rules (`model`), `plan` diffs that
//! against what the state store says the platform has, `guard` holds plans
//! that would deprovision too much, `platform` and `apply` deliver the plan
//! over SCIM (or `export` writes it to a folder), `run` strings the stages
//! together, and `store` keeps state, run history and the audit log in
//! SQLite.

pub mod apply;
pub mod export;
pub mod guard;
pub mod lock;
pub mod map;
pub mod model;
pub mod plan;
pub mod platform;
pub mod progress;
pub mod run;
pub mod scim_map;
pub mod stop;
pub mod store;

pub use progress::{SyncPhase, SyncProgress};
