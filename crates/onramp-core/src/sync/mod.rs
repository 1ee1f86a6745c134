//! The directory sync: source → snapshot → desired state → plan → guards →
//! apply → record, as DESIGN.md describes.
//!
//! Each stage is its own module with its own tests: `model` defines the
//! objects, `source` reads a snapshot from the directory, `map` turns it into
//! the desired state with the profile's rules, `plan` diffs that against
//! what the state store says the platform has, `guard` holds plans that would
//! deprovision too much, and `store` keeps state, run history and the audit
//! log in SQLite.

pub mod apply;
pub mod export;
pub mod guard;
pub mod lock;
pub mod map;
pub mod model;
pub mod plan;
pub mod progress;
pub mod run;
pub mod scim_map;
pub mod source;
pub mod store;

pub use progress::{SyncPhase, SyncProgress};
