//! The profiles folder: listing, resolving `--profile NAME_OR_PATH`, creating.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{
    IntegrationKind, Profile, ProfileError, SettingError, parse_profile, template,
    validate_profile_name,
};
use crate::parse::locate_key;

/// What a profile's connector validates beyond the parser (DN and filter
/// syntax, tenant forms), applied to every profile the store loads or
/// saves, so `profile validate`, `check` and `sync` refuse the same files.
pub type Validation = Arc<dyn Fn(&Profile) -> Result<(), SettingError> + Send + Sync>;

/// One file found in the profiles folder, parsed or not.
#[derive(Debug)]
pub struct ProfileEntry {
    /// The profile's name (the file stem).
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The parsed profile, or why it does not validate.
    pub profile: Result<Profile, ProfileError>,
}

/// The folder of profile files.
#[derive(Clone)]
pub struct ProfileStore {
    dir: PathBuf,
    validation: Option<Validation>,
}

impl std::fmt::Debug for ProfileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileStore")
            .field("dir", &self.dir)
            .field("validation", &self.validation.is_some())
            .finish()
    }
}

impl ProfileStore {
    /// A store over `dir` (usually `AppPaths::profiles_dir`) that checks
    /// what the parser checks; the engine adds its connectors' validation
    /// with [`with_validation`](Self::with_validation).
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            validation: None,
        }
    }

    /// The same store, also running `validation` on every profile.
    pub fn with_validation(self, validation: Validation) -> Self {
        Self {
            validation: Some(validation),
            ..self
        }
    }

    /// Parses `text` as profile `name` at `path` and runs the validation.
    pub fn parse(&self, name: &str, path: &Path, text: &str) -> Result<Profile, ProfileError> {
        let profile = parse_profile(name, path, text)?;
        if let Some(validate) = &self.validation
            && let Err(e) = validate(&profile)
        {
            return Err(ProfileError::Invalid {
                path: path.to_owned(),
                line: locate_key(text, &e.field),
                key: e.field,
                message: e.reason,
            });
        }
        Ok(profile)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every `*.toml` file in the folder, sorted by name; a missing folder is empty.
    pub fn list(&self) -> Result<Vec<ProfileEntry>, ProfileError> {
        let read_dir = match std::fs::read_dir(&self.dir) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(ProfileError::Read {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let mut entries = Vec::new();
        for item in read_dir {
            let item = item.map_err(|source| ProfileError::Read {
                path: self.dir.clone(),
                source,
            })?;
            let path = item.path();
            if path.extension().and_then(|e| e.to_str()) != Some("toml") {
                continue;
            }
            let Some(name) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else {
                continue;
            };
            let profile = self.load_file(&name, &path);
            entries.push(ProfileEntry {
                name,
                path,
                profile,
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    /// Resolves a `--profile` argument: a path to a file (anything with a
    /// path separator or a `.toml` ending) or the name of a file in the folder.
    pub fn resolve(&self, name_or_path: &str) -> Result<PathBuf, ProfileError> {
        let looks_like_path = name_or_path.contains(['/', '\\']) || name_or_path.ends_with(".toml");
        if looks_like_path {
            let path = PathBuf::from(name_or_path);
            if path.is_file() {
                return Ok(path);
            }
            return Err(ProfileError::Read {
                path,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        validate_profile_name(name_or_path)?;
        let path = self.dir.join(format!("{name_or_path}.toml"));
        if path.is_file() {
            Ok(path)
        } else {
            Err(ProfileError::NotFound {
                name: name_or_path.to_owned(),
                dir: self.dir.clone(),
            })
        }
    }

    /// Resolves and loads a profile.
    pub fn load(&self, name_or_path: &str) -> Result<Profile, ProfileError> {
        let path = self.resolve(name_or_path)?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or(name_or_path)
            .to_owned();
        self.load_file(&name, &path)
    }

    /// Writes a new, commented profile of the given kind; never overwrites.
    pub fn create(&self, name: &str, kind: IntegrationKind) -> Result<PathBuf, ProfileError> {
        validate_profile_name(name)?;
        let path = self.dir.join(format!("{name}.toml"));
        let write_err = |source| ProfileError::Write {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(write_err)?;
        let text = template(kind, name);
        // create_new: an existing profile is never replaced.
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(ProfileError::Exists { path });
            }
            Err(e) => return Err(write_err(e)),
        };
        if let Err(e) = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
        {
            drop(file);
            // Leave nothing half-written behind.
            let _ = std::fs::remove_file(&path);
            return Err(write_err(e));
        }
        Ok(path)
    }
    /// Writes `text` as profile `name` (what the desktop wizard saves).
    ///
    /// The text must parse as a profile first, so a file that would not load
    /// is never written. An existing profile is replaced only with
    /// `overwrite`; the new file is written next to it and renamed over it,
    /// so a crash leaves either the old file or the new one, never half of one.
    pub fn save(&self, name: &str, text: &str, overwrite: bool) -> Result<Profile, ProfileError> {
        validate_profile_name(name)?;
        let path = self.dir.join(format!("{name}.toml"));
        let profile = self.parse(name, &path, text)?;
        let write_err = |source| ProfileError::Write {
            path: path.clone(),
            source,
        };
        if !overwrite && path.exists() {
            return Err(ProfileError::Exists { path });
        }
        std::fs::create_dir_all(&self.dir).map_err(write_err)?;
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir).map_err(write_err)?;
        temp.write_all(text.as_bytes())
            .and_then(|()| temp.as_file().sync_all())
            .map_err(write_err)?;
        if overwrite {
            temp.persist(&path).map_err(|e| write_err(e.error))?;
        } else {
            // persist_noclobber: a profile created meanwhile is not replaced.
            temp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    ProfileError::Exists { path: path.clone() }
                } else {
                    write_err(e.error)
                }
            })?;
        }
        Ok(profile)
    }
}

impl ProfileStore {
    fn load_file(&self, name: &str, path: &Path) -> Result<Profile, ProfileError> {
        let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Read {
            path: path.to_owned(),
            source,
        })?;
        self.parse(name, path, &text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_validates_refuses_to_clobber_and_replaces_on_request() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("profiles"));
        let text = template(IntegrationKind::Ad, "corp");
        store.save("corp", &text, false).unwrap();
        assert_eq!(store.load("corp").unwrap().kind, IntegrationKind::Ad);
        assert!(matches!(
            store.save("corp", &text, false),
            Err(ProfileError::Exists { .. })
        ));
        let renamed = text.replace(
            "display_name = \"Active Directory\"",
            "display_name = \"HQ\"",
        );
        store.save("corp", &renamed, true).unwrap();
        assert_eq!(store.load("corp").unwrap().display_name, "HQ");
        // Invalid text is refused and the saved file is untouched.
        assert!(matches!(
            store.save("corp", "kind = 1", true),
            Err(ProfileError::Invalid { ref key, .. }) if key == "kind"
        ));
        assert_eq!(store.load("corp").unwrap().display_name, "HQ");
        assert!(matches!(
            store.save("../evil", &text, true),
            Err(ProfileError::InvalidName { ref name }) if name == "../evil"
        ));
        let files: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(files.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn create_list_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("profiles"));
        assert!(store.list().unwrap().is_empty());
        let path = store.create("corp-ad", IntegrationKind::Ad).unwrap();
        assert!(matches!(
            store.create("corp-ad", IntegrationKind::Ad),
            Err(ProfileError::Exists { .. })
        ));
        std::fs::write(store.dir().join("broken.toml"), "kind = 1").unwrap();
        std::fs::write(store.dir().join("notes.txt"), "ignored").unwrap();
        let list = store.list().unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "broken");
        assert!(matches!(
            list[0].profile,
            Err(ProfileError::Invalid { ref key, .. }) if key == "kind"
        ));
        assert_eq!(list[1].profile.as_ref().unwrap().kind, IntegrationKind::Ad);
        assert_eq!(store.resolve("corp-ad").unwrap(), path);
        assert_eq!(store.resolve(path.to_str().unwrap()).unwrap(), path);
        assert!(matches!(
            store.resolve("nope"),
            Err(ProfileError::NotFound { .. })
        ));
        assert!(matches!(
            store.resolve("../x"),
            Err(ProfileError::Read { .. })
        ));
        assert!(matches!(
            store.create("../x", IntegrationKind::Ad),
            Err(ProfileError::InvalidName { .. })
        ));
    }

    #[test]
    fn every_template_validates() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().to_owned());
        for kind in IntegrationKind::ALL {
            let name = format!("new-{kind}");
            store.create(&name, kind).unwrap();
            let profile = store.load(&name).unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert_eq!(profile.kind, kind);
        }
    }
}
