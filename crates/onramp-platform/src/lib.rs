//! The customer's platform, reached over SCIM 2.0.
//!
//! `auth` obtains the `Authorization` header
//! (bearer token or OAuth 2.0 client credentials), `spc` reads the
//! ServiceProviderConfig, and `check` strings them together into
//! `onramp target check`; `scim` is the retrying client a sync applies its
//! plan through. The verified HTTP client itself is `onramp_base::http`,
//! shared with every cloud connector.

mod auth;
mod check;
mod connector;
pub mod scim;
mod spc;

pub use auth::{AuthError, authorization};
pub use check::{CHECK_IDS, check_target};
pub use connector::PlatformChecks;
pub use spc::{Capabilities, SpcError, parse_service_provider_config};
