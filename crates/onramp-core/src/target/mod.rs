//! The customer's platform, reached over SCIM 2.0.
//!
//! `http` builds the verified HTTP client and turns transport failures into
//! admin-readable check results, `auth` obtains the `Authorization` header
//! (bearer token or OAuth 2.0 client credentials), `spc` reads the
//! ServiceProviderConfig, and `check` strings them together into
//! `onramp target check`.

mod auth;
mod check;
mod http;
mod spc;

pub use auth::{AuthError, authorization};
pub use check::{CHECK_IDS, check_target};
pub use http::{HttpClient, error_chain, http_client};
pub use spc::{Capabilities, SpcError, parse_service_provider_config};
