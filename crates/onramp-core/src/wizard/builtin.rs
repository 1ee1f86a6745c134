//! The wizards shipped with Onramp, compiled in so an installed app has them
//! without any file next to it.
//!
//! Every file in the repository's `wizards/` folder must be listed here; a
//! test reads the folder from disk and fails on a file that is missing from
//! this list or does not load.

use super::model::Wizard;
use super::parse::parse;

/// The built-in wizard files: (file name, text).
pub const BUILTIN_FILES: [(&str, &str); 2] = [
    ("ad.toml", include_str!("../../../../wizards/ad.toml")),
    ("ldap.toml", include_str!("../../../../wizards/ldap.toml")),
];

/// The built-in wizards, in the order the UI lists them.
///
/// The files are validated by this module's tests on every build, so a
/// definition that does not load is a defect of the build itself; it panics
/// with the loader's message rather than leaving a wizard silently missing.
pub fn builtin() -> Vec<Wizard> {
    BUILTIN_FILES
        .iter()
        .map(|(file, text)| {
            parse(text, &format!("wizards/{file}"))
                .unwrap_or_else(|e| panic!("built-in wizard does not load: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn wizards_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wizards")
    }

    /// Every `*.toml` in `wizards/` loads, is named after its id, and is built in.
    #[test]
    fn every_wizard_file_loads_and_is_built_in() {
        let mut seen = Vec::new();
        for entry in std::fs::read_dir(wizards_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let file = path.file_name().unwrap().to_str().unwrap().to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let wizard = parse(&text, &format!("wizards/{file}")).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                format!("{}.toml", wizard.id),
                file,
                "a wizard's id is its file stem"
            );
            let built_in = BUILTIN_FILES.iter().find(|(f, _)| *f == file);
            assert!(
                built_in.is_some(),
                "wizards/{file} is not in BUILTIN_FILES (crates/onramp-core/src/wizard/builtin.rs)"
            );
            assert_eq!(
                built_in.unwrap().1,
                text,
                "{file}: the built-in copy is stale"
            );
            seen.push(file);
        }
        seen.sort();
        let mut listed: Vec<_> = BUILTIN_FILES.iter().map(|(f, _)| f.to_string()).collect();
        listed.sort();
        assert_eq!(
            seen, listed,
            "BUILTIN_FILES lists a file that is not in wizards/"
        );
        let ids: Vec<_> = builtin().into_iter().map(|w| w.id).collect();
        assert_eq!(ids, ["ad", "ldap"]);
    }
}
