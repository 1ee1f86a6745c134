//! One module per command group; each function returns the exit code.

pub mod agent;
pub mod diagnostics;
pub mod directory;
pub mod expiry;
pub mod profile;
pub mod secret;
pub mod sync;
pub mod target;
