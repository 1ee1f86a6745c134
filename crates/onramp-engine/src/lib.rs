//! The Onramp engine: what the `onramp` CLI and the desktop app call.
//!
//! The engine is split into crates along the data flow of `DESIGN.md`
//! (`ARCHITECTURE.md` draws them): `onramp-base` (errors, checks, TLS and
//! HTTP, paths, logging, runtimes), `onramp-secrets`, `onramp-profile`,
//! `onramp-connector` (the contract every integration implements), the
//! connectors (`onramp-ldap`; the platform's checks in `onramp-platform`),
//! `onramp-sync` (map, plan, guard, apply, store) and `onramp-wizard`. This
//! crate holds the one [`registry`] of connectors and the operations both
//! front ends share ([`ops`]): checks, discovery and sync through the
//! registry, profiles validated by their connector, the secret stores, the
//! runner, the schedule and the notifications. The crates are re-exported
//! under their short names so a front end depends on this one crate.

pub mod agent;
pub mod diagnostics;
pub mod drafts;
pub mod expiring;
pub mod notify;
pub mod ops;
pub mod profiles;
mod registry;
pub mod runner;
pub mod schedule;
pub mod secrets;
pub mod status;
pub mod step_checks;
pub mod updates;

pub use onramp_base::{ErrorCode, ErrorReport, ToReport};
pub use onramp_base::{check, error, http, logging, parallel, paths, runtime, tls};
pub use onramp_connector as connector;
pub use onramp_connector::expiry;
pub use onramp_ldap as ldap;
pub use onramp_platform as platform;
pub use onramp_profile as profile;
pub use onramp_secrets as secret;
pub use onramp_sync as sync;
pub use onramp_wizard as wizard;
pub use registry::registry;
