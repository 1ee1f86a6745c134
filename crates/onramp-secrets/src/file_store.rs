//! Secrets as files, for headless agents and services.
//!
//! One file per secret, named after the secret, in a folder only the service
//! account can read. A file that others could read (or that another account
//! owns) is refused rather than used: a leaked world-readable token is worse
//! than a sync that stops with a clear message. When the agent runs as a
//! systemd unit with `LoadCredential=`/`SetCredential=`, the files in
//! `$CREDENTIALS_DIRECTORY` are read first and the store's own folder second;
//! systemd's folder is read-only, so writes always go to the store's folder.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::{Secret, SecretError, SecretName, SecretStore};

/// Secrets stored one per file in a private folder.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
    credentials_dir: Option<PathBuf>,
}

impl FileStore {
    /// A store writing to `dir` and reading systemd credentials from
    /// `credentials_dir` (the value of `$CREDENTIALS_DIRECTORY`) first.
    pub fn new(dir: PathBuf, credentials_dir: Option<PathBuf>) -> Self {
        Self {
            dir,
            credentials_dir,
        }
    }

    /// The folder secrets are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn read_file(&self, name: &SecretName, path: &Path) -> Result<Option<Secret>, SecretError> {
        let mut file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(SecretError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        // Check the opened handle, not the path, so a swapped file cannot slip by.
        let meta = file.metadata().map_err(|source| SecretError::Io {
            path: path.to_owned(),
            source,
        })?;
        ensure_private(path, &meta)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .map_err(|source| SecretError::Io {
                path: path.to_owned(),
                source,
            })?;
        let mut text = String::from_utf8(bytes).map_err(|_| SecretError::InvalidValue {
            name: name.clone(),
            reason: "the file is not UTF-8 text",
        })?;
        // Files written with `echo value > file` end in a newline that is not
        // part of the secret.
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        if text.is_empty() {
            return Err(SecretError::InvalidValue {
                name: name.clone(),
                reason: "the file is empty",
            });
        }
        Ok(Some(Secret::new(text)))
    }

    fn create_dir(&self) -> Result<(), SecretError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(&self.dir).map_err(|source| SecretError::Io {
            path: self.dir.clone(),
            source,
        })
    }
}

#[cfg(unix)]
fn ensure_private(path: &Path, meta: &std::fs::Metadata) -> Result<(), SecretError> {
    use std::os::unix::fs::MetadataExt;
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretError::Insecure {
            path: path.to_owned(),
            reason: format!(
                "its mode is {mode:04o}, so other accounts can read or change it (expected 0600 or 0400)"
            ),
        });
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(SecretError::Insecure {
            path: path.to_owned(),
            reason: format!(
                "it is owned by uid {}, but Onramp runs as uid {me}",
                meta.uid()
            ),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn ensure_private(_path: &Path, _meta: &std::fs::Metadata) -> Result<(), SecretError> {
    // On Windows the folder's ACL (inherited from the user profile) is what
    // protects the files; there is no mode to check.
    Ok(())
}

impl SecretStore for FileStore {
    fn describe(&self) -> String {
        format!("file store at {}", self.dir.display())
    }

    fn get(&self, name: &SecretName) -> Result<Secret, SecretError> {
        if let Some(creds) = &self.credentials_dir
            && let Some(secret) = self.read_file(name, &creds.join(name.as_str()))?
        {
            return Ok(secret);
        }
        self.read_file(name, &self.dir.join(name.as_str()))?
            .ok_or_else(|| SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            })
    }

    fn set(&self, name: &SecretName, value: &Secret) -> Result<(), SecretError> {
        self.create_dir()?;
        let target = self.dir.join(name.as_str());
        let io = |source| SecretError::Io {
            path: target.clone(),
            source,
        };
        // Write a private temporary file next to the target, then rename it
        // over the target: a crash leaves either the old or the new value.
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(&self.dir)
            .map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io)?;
        }
        tmp.write_all(value.expose().as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(&target).map_err(|e| io(e.error))?;
        Ok(())
    }

    fn delete(&self, name: &SecretName) -> Result<(), SecretError> {
        let path = self.dir.join(name.as_str());
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SecretError::NotFound {
                name: name.clone(),
                store: self.describe(),
            }),
            Err(source) => Err(SecretError::Io { path, source }),
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn name(n: &str) -> SecretName {
        SecretName::new(n).unwrap()
    }

    #[test]
    fn round_trip_writes_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("secrets"), None);
        store.set(&name("tok"), &Secret::new("v1".into())).unwrap();
        store.set(&name("tok"), &Secret::new("v2".into())).unwrap();
        assert_eq!(store.get(&name("tok")).unwrap().expose(), "v2");
        let mode = std::fs::metadata(dir.path().join("secrets/tok"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(dir.path().join("secrets"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        // No temporary files left behind.
        assert_eq!(
            std::fs::read_dir(dir.path().join("secrets"))
                .unwrap()
                .count(),
            1
        );
        store.delete(&name("tok")).unwrap();
        assert!(matches!(
            store.get(&name("tok")),
            Err(SecretError::NotFound { .. })
        ));
    }

    #[test]
    fn refuses_a_file_readable_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tok");
        std::fs::write(&path, "value").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = FileStore::new(dir.path().to_owned(), None);
        let err = store.get(&name("tok")).unwrap_err();
        assert!(matches!(err, SecretError::Insecure { .. }), "{err}");
        assert!(err.to_string().contains("0644"), "{err}");
        assert!(!err.to_string().contains("value"));
    }

    #[test]
    fn reads_systemd_credentials_first_and_strips_one_newline() {
        let creds = tempfile::tempdir().unwrap();
        let own = tempfile::tempdir().unwrap();
        let path = creds.path().join("tok");
        std::fs::write(&path, "from-systemd\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o400)).unwrap();
        let store = FileStore::new(own.path().to_owned(), Some(creds.path().to_owned()));
        store.set(&name("tok"), &Secret::new("own".into())).unwrap();
        assert_eq!(store.get(&name("tok")).unwrap().expose(), "from-systemd");
        assert_eq!(
            store
                .get(&name("missing"))
                .map(|_| ())
                .unwrap_err()
                .to_string(),
            format!(
                "secret 'missing' is not in the file store at {}",
                own.path().display()
            )
        );
    }

    #[test]
    fn rejects_empty_and_binary_files() {
        let dir = tempfile::tempdir().unwrap();
        for (n, bytes) in [("empty", &b"\n"[..]), ("binary", &[0xff, 0xfe, 0x00][..])] {
            let path = dir.path().join(n);
            std::fs::write(&path, bytes).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let store = FileStore::new(dir.path().to_owned(), None);
        assert!(matches!(
            store.get(&name("empty")),
            Err(SecretError::InvalidValue { .. })
        ));
        assert!(matches!(
            store.get(&name("binary")),
            Err(SecretError::InvalidValue { .. })
        ));
    }
}
