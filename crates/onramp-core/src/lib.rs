//! The Onramp engine.
//!
//! Everything the desktop app and the `onramp` CLI do lives here, so both front
//! ends behave the same and the engine's tests build without Tauri or WebKit.
//! The modules follow the data flow of `DESIGN.md`: profiles say what to talk
//! to, secrets hold the credentials they reference, `tls` and `target` make the
//! verified connections, and `check` is the structured result every check
//! returns.

pub mod allocator;
pub mod check;
pub mod directory;
pub mod error;
pub mod expiry;
pub mod ldap;
pub mod logging;
pub mod notify;
pub mod parallel;
pub mod paths;
pub mod profile;
pub mod runner;
pub mod runtime;
pub mod schedule;
pub mod scim;
pub mod secret;
pub mod sync;
pub mod target;
pub mod tls;
#[cfg(test)]
mod ui_types;
pub mod wizard;

pub use error::{ErrorCode, ErrorReport};
