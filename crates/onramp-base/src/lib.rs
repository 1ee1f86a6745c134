//! The base every Onramp crate builds on.
//!
//! What is here is shared by every connector and by the front ends, and
//! depends on nothing of Onramp's own: the error contract at the boundary
//! (`error`), the structured check result (`check`), verified TLS (`tls`)
//! and the verified HTTP client every cloud API needs (`http`), where files
//! live (`paths`), logging, and the runtimes the engine's work runs on.

pub mod check;
pub mod error;
pub mod files;
pub mod http;
pub mod log_file;
pub mod logging;
pub mod parallel;
pub mod paths;
pub mod runtime;
pub mod tls;

pub use error::{ErrorCode, ErrorReport, ToReport};
