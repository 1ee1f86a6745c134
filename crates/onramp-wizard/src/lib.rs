//! Setup wizards: declarative definitions, the checks their steps run, and
//! drafts that become profiles.
//!
//! A wizard (`wizards/<id>.toml`, see `docs/wizards.md`) is data, not code:
//! its steps, the fields each asks for, the items an admin ticks, help text
//! and links, and the ids of the checks a step runs. The desktop UI renders
//! any wizard from its JSON form, and the shell calls this module to check
//! and save what the admin entered. Loading is strict (unknown keys, step
//! kinds, field types, check ids and profile keys are errors that name the
//! file, step and field), and a draft is turned into a profile by the same
//! parser the CLI uses, so nothing a wizard produces can differ from a
//! hand-written profile.

mod builtin;
mod draft;
mod error;
mod keys;
mod model;
mod parse;
mod validate;
mod values;

pub use builtin::{BUILTIN_FILES, builtin};
pub use draft::{
    DraftError, DraftProfile, FieldError, draft_name, draft_profile, draft_profile_through,
    secret_names,
};
pub use error::WizardError;
pub use keys::PROFILE_NAME_KEY;
pub use model::{
    ChecklistItem, DraftValue, Field, FieldType, HelpLink, Propose, SelectOption, Step, StepKind,
    ValueShape, Wizard,
};
pub use parse::parse;

/// The check ids of the engine's registry, as the unit tests here use
/// them (the engine's own tests load the built-in wizards against the real
/// registry).
#[cfg(test)]
const TEST_CHECKS: [&str; 9] = [
    "ldap.reachability",
    "ldap.rootdse",
    "ldap.signing",
    "ldap.tls",
    "ldap.bind",
    "ldap.read_access",
    "target.connect",
    "target.auth",
    "target.scim",
];

#[cfg(test)]
mod draft_tests;
#[cfg(test)]
mod parse_tests;
