//! The SCIM 2.0 client the directory sync provisions the platform with.
//!
//! The sync engine decides *what* to change; this module does the talking:
//! [`ScimClient`] reads the ServiceProviderConfig and then finds, creates,
//! updates, deactivates and deletes users and groups the way the platform
//! supports (PATCH or PUT, ETags or not, filters or not), retrying what is
//! worth retrying ([`retry`]) and reporting every failure as a [`ScimError`]
//! the engine can record per object. [`for_each_concurrent`] runs many such
//! calls with a bound on how many are in flight.
//!
//! * [`error`]: [`ScimError`], including the RFC 7644 error body.
//! * [`retry`]: [`RetryPolicy`], `Retry-After`, backoff with jitter, [`Clock`].
//! * [`model`]: [`ScimUser`], [`ScimGroup`], list pages, [`PatchOp`].
//! * [`filter`]: filter strings with the value escaped.
//! * [`client`]: the requests.
//! * [`listing`]: reading every user or group once, within a budget.
//! * [`index`]: the listing, indexed for adopt-or-create.
//! * [`bulk`]: RFC 7644 §3.7 bulk requests.
//! * [`concurrency`]: bounded concurrency with per-item results.

pub mod bulk;
pub mod client;
pub mod concurrency;
pub mod error;
pub mod filter;
pub mod index;
pub mod listing;
pub mod model;
pub mod retry;

pub use client::{
    Provisioned, SCIM_JSON, ScimClient, ScimOptions, Updated, membership_patches, user_patch,
};
pub use concurrency::for_each_concurrent;
pub use error::ScimError;
pub use index::{GroupIndex, UserIndex};
pub use listing::Listing;
pub use model::{
    EnterpriseUser, ListPage, Member, Meta, MultiValue, Name, PatchKind, PatchOp, PatchOperation,
    Resource, ScimGroup, ScimUser,
};
pub use retry::{Clock, Jitter, RetryPolicy, TokioClock};
