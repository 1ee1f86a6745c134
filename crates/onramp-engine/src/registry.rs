//! The one list of connectors. Adding an integration is one line here
//! (and its crate and its wizard file).

use onramp_connector::Registry;
use onramp_ldap::LdapConnector;
use onramp_platform::PlatformChecks;

/// Every connector the engine has.
pub fn registry() -> Registry {
    Registry::new(vec![Box::new(LdapConnector), Box::new(PlatformChecks)])
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use onramp_profile::IntegrationKind;
    use onramp_wizard::{BUILTIN_FILES, builtin, parse};

    use super::*;

    #[test]
    fn every_kind_has_at_most_one_connector_and_check_ids_are_unique() {
        let r = registry();
        for kind in IntegrationKind::ALL {
            let serving = r.connectors().filter(|c| c.kinds().contains(&kind)).count();
            assert!(serving <= 1, "{kind:?} is served by {serving} connectors");
        }
        let ids = r.check_ids();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        assert_eq!(
            ids,
            [
                "ldap.reachability",
                "ldap.rootdse",
                "ldap.signing",
                "ldap.tls",
                "ldap.bind",
                "ldap.read_access",
                "target.connect",
                "target.auth",
                "target.scim"
            ]
        );
        // Every prerequisite is a check of the same connector, listed before.
        for c in r.connectors() {
            for (i, spec) in c.checks().iter().enumerate() {
                for p in spec.prerequisites() {
                    assert!(
                        c.checks()[..i].iter().any(|s| s.id == p),
                        "{} needs {p}, which does not come before it",
                        spec.id
                    );
                }
            }
        }
    }

    fn wizards_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../wizards")
    }

    /// Every `*.toml` in `wizards/` loads against the registry's checks, is
    /// named after its id, is built in, and its kind has a connector.
    #[test]
    fn every_wizard_file_loads_against_the_registry_and_is_built_in() {
        let r = registry();
        let checks = r.check_ids();
        let mut seen = Vec::new();
        for entry in std::fs::read_dir(wizards_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let file = path.file_name().unwrap().to_str().unwrap().to_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let wizard =
                parse(&text, &format!("wizards/{file}"), &checks).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                format!("{}.toml", wizard.id),
                file,
                "a wizard's id is its file stem"
            );
            assert!(
                r.find(wizard.kind).is_some(),
                "{file}: no connector serves kind {:?}",
                wizard.kind
            );
            let built_in = BUILTIN_FILES.iter().find(|(f, _)| *f == file);
            assert!(
                built_in.is_some(),
                "wizards/{file} is not in BUILTIN_FILES (crates/onramp-wizard/src/builtin.rs)"
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
        let ids: Vec<_> = builtin(&checks).into_iter().map(|w| w.id).collect();
        assert_eq!(ids, ["ad", "ldap"]);
    }

    #[test]
    fn a_wizard_naming_an_unknown_check_does_not_load() {
        let r = registry();
        let text = BUILTIN_FILES[0]
            .1
            .replacen("\"ldap.bind\"", "\"ldap.bnid\"", 1);
        let e = parse(&text, "wizards/ad.toml", &r.check_ids()).unwrap_err();
        let m = e.to_string();
        assert!(m.contains("ldap.bnid") && m.contains("target.scim"), "{m}");
    }

    /// A kind without a connector gets the one "not supported yet" error,
    /// naming the kinds that have the operation.
    #[test]
    fn a_kind_without_a_connector_is_not_supported_yet() {
        use onramp_base::error::{ErrorCode, ToReport};
        use onramp_connector::{DiscoveryKind, Operation};

        let r = registry();
        let text = onramp_profile::template(IntegrationKind::Okta, "okta");
        let okta = onramp_profile::parse_profile("okta", std::path::Path::new("okta.toml"), &text)
            .unwrap();
        for (operation, words) in [
            (
                Operation::Sync,
                "syncing Okta profiles is not supported yet",
            ),
            (
                Operation::Checks,
                "running setup checks on Okta profiles is not supported yet",
            ),
            (
                Operation::Discovery(DiscoveryKind::Groups),
                "discovering groups in Okta profiles is not supported yet",
            ),
        ] {
            let e = r.for_profile(&okta, operation).err().unwrap();
            assert_eq!(
                e.to_string(),
                format!("{words}; the kinds that have it: ad, ldap")
            );
            assert_eq!(e.to_report().code, ErrorCode::NotSupported);
        }
        let ad = onramp_profile::parse_profile(
            "ad",
            std::path::Path::new("ad.toml"),
            &onramp_profile::template(IntegrationKind::Ad, "ad"),
        )
        .unwrap();
        assert!(r.for_profile(&ad, Operation::Sync).is_ok());
    }
}
