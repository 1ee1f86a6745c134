//! The wizards shipped with Onramp, compiled in so an installed app has them
//! without any file next to it.
//!
//! Every file in the repository's `wizards/` folder must be listed here; the
//! engine's test reads the folder from disk and fails on a file that is
//! missing from this list or does not load against the real registry.

use super::model::Wizard;
use super::parse::parse;

/// The built-in wizard files: (file name, text).
pub const BUILTIN_FILES: [(&str, &str); 2] = [
    ("ad.toml", include_str!("../../../wizards/ad.toml")),
    ("ldap.toml", include_str!("../../../wizards/ldap.toml")),
];

/// The built-in wizards, in the order the UI lists them, validated against
/// `checks`, the check ids of the engine's registry.
///
/// The files are validated by the engine's tests on every build, so a
/// definition that does not load is a defect of the build itself; it panics
/// with the loader's message rather than leaving a wizard silently missing.
pub fn builtin(checks: &[&str]) -> Vec<Wizard> {
    BUILTIN_FILES
        .iter()
        .map(|(file, text)| {
            parse(text, &format!("wizards/{file}"), checks)
                .unwrap_or_else(|e| panic!("built-in wizard does not load: {e}"))
        })
        .collect()
}
