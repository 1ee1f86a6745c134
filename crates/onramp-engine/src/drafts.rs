//! A wizard's draft as the desktop app works with it: built into a profile
//! (whole, or up to the step whose checks or discovery run), read through
//! the secrets staged for it, and saved.
//!
//! These are the rules of the wizard flow, kept out of the desktop shell so
//! a test (and a later front end) gets the same behaviour: a draft is
//! validated by the same parser and connector as a hand-written profile;
//! the staged secrets are written before the profile, so a saved profile
//! never names a secret that is missing; an existing profile is replaced
//! only when asked.

use std::path::Path;
use std::sync::Arc;

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_connector::{DiscoveryKind, Registry};
use onramp_profile::{Profile, ProfileError, ProfileStore};
use onramp_secrets::{SecretError, SecretName, SecretStore};
use onramp_wizard::{DraftError, DraftProfile, FieldType, Step, Wizard};
use serde_json::{Map, Value};

use crate::secrets::{Layered, Staged};

/// How much of the draft must be complete.
#[derive(Debug, Clone, Copy)]
pub enum Upto<'a> {
    /// Everything (validate, preview, save).
    All,
    /// The steps up to and including this one (a step's checks and
    /// discovery run before the later steps are filled in).
    Step(&'a str),
}

/// The draft cannot become a profile yet.
#[derive(Debug, thiserror::Error)]
#[error("the setup is not complete: {}", lines(&.0.errors))]
pub struct Incomplete(pub DraftError);

fn lines(errors: &[onramp_wizard::FieldError]) -> String {
    errors
        .iter()
        .map(|f| {
            if f.key.is_empty() {
                f.message.clone()
            } else {
                format!("{}: {}", f.key, f.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl ToReport for Incomplete {
    fn to_report(&self) -> ErrorReport {
        ErrorReport::new(ErrorCode::InvalidInput, self.to_string()).with_remediation(vec![
            "Go back to the step that names the field and correct it.".to_owned(),
        ])
    }
}

/// Builds the draft's profile.
pub fn build(
    wizard: &Wizard,
    values: &Map<String, Value>,
    profiles_dir: &Path,
    registry: &Registry,
    upto: Upto<'_>,
) -> Result<DraftProfile, Incomplete> {
    match upto {
        Upto::All => onramp_wizard::draft_profile(wizard, values, profiles_dir, registry),
        Upto::Step(step) => {
            onramp_wizard::draft_profile_through(wizard, values, profiles_dir, registry, step)
        }
    }
    .map_err(Incomplete)
}

/// The secrets the draft's checks read: what was staged for `wizard`,
/// under the names the saved profile will use, then `store`.
pub fn secrets_of(
    wizard: &Wizard,
    draft: &DraftProfile,
    staged: &Staged,
    store: Arc<dyn SecretStore>,
) -> Result<Layered, SecretError> {
    let names = onramp_wizard::secret_names(wizard, &draft.name);
    Layered::new(staged, &wizard.id, &names, store)
}

/// The step whose fields a discovery fills (the OU tree, the group
/// picker, the email attribute).
pub fn discovery_step(wizard: &Wizard, kind: DiscoveryKind) -> Option<&Step> {
    let field_type = match kind {
        DiscoveryKind::Ous => FieldType::OuTree,
        DiscoveryKind::Groups => FieldType::GroupPicker,
        DiscoveryKind::Email => FieldType::EmailAttribute,
    };
    wizard.step_with_field(field_type)
}

/// Why a draft could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The draft is not complete.
    #[error(transparent)]
    Incomplete(#[from] Incomplete),
    /// A profile of that name exists and replacing it was not asked for.
    #[error("a profile named '{0}' exists already")]
    Exists(String),
    /// A secret field has nothing staged and nothing in the store.
    #[error("{key}: no value was entered and '{name}' is not in the {store}")]
    MissingSecret {
        /// The field.
        key: String,
        /// The secret's name.
        name: SecretName,
        /// The store that was asked.
        store: String,
    },
    /// Writing a secret failed.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// Writing the profile failed.
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

impl ToReport for SaveError {
    fn to_report(&self) -> ErrorReport {
        match self {
            SaveError::Incomplete(e) => e.to_report(),
            SaveError::Exists(_) => ErrorReport::new(ErrorCode::ProfileExists, self.to_string())
                .with_remediation(vec![
                    "Choose another profile name, or replace the existing profile.".to_owned(),
                ]),
            SaveError::MissingSecret { .. } => {
                ErrorReport::new(ErrorCode::SecretNotFound, self.to_string())
            }
            SaveError::Secret(e) => e.to_report(),
            SaveError::Profile(e) => e.to_report(),
        }
    }
}

/// Saves the complete draft of `wizard` as a profile in `profiles`, its
/// staged secrets first into `store`; a secret field with nothing staged
/// must already be in the store (re-running a wizard over a profile).
/// The staged values are forgotten once the profile is written.
pub fn save(
    wizard: &Wizard,
    values: &Map<String, Value>,
    profiles: &ProfileStore,
    registry: &Registry,
    staged: &Staged,
    store: &dyn SecretStore,
    overwrite: bool,
) -> Result<Profile, SaveError> {
    let draft = build(wizard, values, profiles.dir(), registry, Upto::All)?;
    if !overwrite && profiles.dir().join(format!("{}.toml", draft.name)).exists() {
        return Err(SaveError::Exists(draft.name));
    }
    for (key, name) in onramp_wizard::secret_names(wizard, &draft.name) {
        match staged.get(&wizard.id, &key) {
            Some(value) => store.set(&name, &value)?,
            None => match store.get(&name) {
                Ok(_) => {}
                Err(SecretError::NotFound { .. }) => {
                    return Err(SaveError::MissingSecret {
                        key,
                        name,
                        store: store.describe(),
                    });
                }
                Err(e) => return Err(e.into()),
            },
        }
    }
    let profile = profiles.save(&draft.name, &draft.toml, overwrite)?;
    staged.clear(&wizard.id);
    tracing::info!(profile = %draft.name, "profile saved from the wizard");
    Ok(profile)
}

#[cfg(test)]
mod tests {
    use onramp_secrets::{MemoryStore, Secret};
    use serde_json::json;

    use super::*;

    fn ad_wizard(registry: &Registry) -> Wizard {
        onramp_wizard::builtin(&registry.check_ids())
            .into_iter()
            .find(|w| w.id == "ad")
            .unwrap()
    }

    fn values() -> Map<String, Value> {
        match json!({
            "profile.name": "corp-ad",
            "display_name": "Corp AD",
            "connection.url": "ldaps://dc1.corp.example.com",
            "connection.bind_dn": "svc-onramp@corp.example.com",
            "target.url": "https://platform.example.com/scim/v2",
        }) {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        profiles: ProfileStore,
        registry: Arc<Registry>,
    }

    impl Fixture {
        /// Saves `values` through the AD wizard.
        fn save(
            &self,
            values: &Map<String, Value>,
            staged: &Staged,
            store: &dyn SecretStore,
            overwrite: bool,
        ) -> Result<Profile, SaveError> {
            let w = ad_wizard(&self.registry);
            save(
                &w,
                values,
                &self.profiles,
                &self.registry,
                staged,
                store,
                overwrite,
            )
        }
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let registry = Arc::new(crate::registry());
        let paths = onramp_base::paths::AppPaths::under(dir.path());
        Fixture {
            profiles: crate::profiles::store(&paths, registry.clone()),
            registry,
            _dir: dir,
        }
    }

    #[test]
    fn saving_writes_the_staged_secrets_first_then_the_profile_and_forgets_them() {
        let fx = fixture();
        let w = ad_wizard(&fx.registry);
        let staged = Staged::default();
        let store = MemoryStore::default();
        let names = onramp_wizard::secret_names(&w, "corp-ad");
        for (key, _) in &names {
            staged.stage("ad", key, Secret::new(format!("canary-{key}")));
        }
        let profile = fx.save(&values(), &staged, &store, false).unwrap();
        assert_eq!(profile.name, "corp-ad");
        for (key, name) in &names {
            assert_eq!(store.get(name).unwrap().expose(), format!("canary-{key}"));
            assert!(staged.get("ad", key).is_none());
        }
        let text = std::fs::read_to_string(fx.profiles.dir().join("corp-ad.toml")).unwrap();
        assert!(!text.contains("canary"), "{text}");
    }

    #[test]
    fn an_existing_profile_is_kept_unless_replacing_was_asked() {
        let fx = fixture();
        let w = ad_wizard(&fx.registry);
        let store = MemoryStore::default();
        let staged = Staged::default();
        for (key, _) in onramp_wizard::secret_names(&w, "corp-ad") {
            staged.stage("ad", &key, Secret::new("v".into()));
        }
        fx.save(&values(), &staged, &store, false).unwrap();
        match fx.save(&values(), &staged, &store, false) {
            Err(SaveError::Exists(name)) => assert_eq!(name, "corp-ad"),
            other => panic!("{other:?}"),
        }
        // Nothing staged now, but the secrets are in the store: replacing works.
        fx.save(&values(), &staged, &store, true).unwrap();
    }

    #[test]
    fn a_secret_neither_staged_nor_stored_saves_nothing() {
        let fx = fixture();
        let store = MemoryStore::default();
        match fx.save(&values(), &Staged::default(), &store, false) {
            Err(SaveError::MissingSecret { key, name, .. }) => {
                assert!(key.ends_with("_secret"), "{key}");
                assert!(name.as_str().starts_with("corp-ad-"), "{name}");
            }
            other => panic!("{other:?}"),
        }
        assert!(!fx.profiles.dir().join("corp-ad.toml").exists());
    }

    #[test]
    fn an_incomplete_draft_names_the_fields() {
        let fx = fixture();
        let mut v = values();
        v.insert("connection.bind_dn".into(), json!("not a dn or upn"));
        match fx.save(&v, &Staged::default(), &MemoryStore::default(), false) {
            Err(SaveError::Incomplete(e)) => {
                let m = e.to_string();
                assert!(m.contains("connection.bind_dn"), "{m}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_discovery_has_its_step_in_the_ad_wizard() {
        let registry = crate::registry();
        let w = ad_wizard(&registry);
        for kind in DiscoveryKind::ALL {
            assert!(discovery_step(&w, kind).is_some(), "{kind:?}");
        }
    }
}
