//! The profiles folder as the front ends use it: every profile loaded or
//! saved is validated by its connector too, so `profile validate`, the
//! wizard, `check` and `sync` accept and refuse the same files, with the
//! file, key and line.

use std::sync::Arc;

use onramp_base::paths::AppPaths;
use onramp_connector::Registry;
use onramp_profile::ProfileStore;

/// The profiles folder under `paths`, validating with `registry`'s connectors.
pub fn store(paths: &AppPaths, registry: Arc<Registry>) -> ProfileStore {
    ProfileStore::new(paths.profiles_dir())
        .with_validation(Arc::new(move |profile| registry.validate(profile)))
}

#[cfg(test)]
mod tests {
    use onramp_profile::ProfileError;

    use super::*;

    const AD: &str = "kind = \"ad\"\n\
        [connection]\n\
        url = \"ldaps://dc1.corp.example.com\"\n\
        bind_dn = \"svc@corp.example.com\"\n\
        bind_password_secret = \"corp-bind\"\n\
        [sync]\n\
        excluded_ous = [\n  \"OU=Contractors,DC=corp,DC=example,DC=com\",\n  \"Contractors\",\n]\n";

    #[test]
    fn a_setting_the_connector_refuses_fails_validation_with_file_key_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let paths = AppPaths::under(dir.path());
        std::fs::create_dir_all(paths.profiles_dir()).unwrap();
        let file = paths.profiles_dir().join("corp.toml");
        std::fs::write(&file, AD).unwrap();
        let store = store(&paths, Arc::new(crate::registry()));
        match store.load("corp") {
            Err(ProfileError::Invalid {
                path,
                key,
                message,
                line,
            }) => {
                assert_eq!(path, file);
                assert_eq!(key, "sync.excluded_ous[1]");
                assert!(message.contains("Contractors"), "{message}");
                assert_eq!(line, Some(7));
            }
            other => panic!("{other:?}"),
        }
        // The parser alone accepts it: the connector's rule is what refuses.
        assert!(ProfileStore::new(paths.profiles_dir()).load("corp").is_ok());
        // Listing says the same.
        let listed = store.list().unwrap();
        assert!(matches!(
            listed[0].profile,
            Err(ProfileError::Invalid { .. })
        ));
    }
}
