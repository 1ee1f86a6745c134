//! One module per command group; each function returns the exit code.

pub mod agent;
#[cfg(windows)]
pub mod agent_service;
pub mod diagnostics;
pub mod directory;
pub mod expiry;
pub mod profile;
pub mod secret;
pub mod sync;
pub mod target;
