//! Reading the small files a profile points at (CA certificates, key files,
//! metadata) without trusting them: a regular file only, at most a stated
//! size, and the file named in every error. `ca_file = "/dev/zero"` is then
//! a clear error instead of a process that grows until it is killed.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The most a certificate, key or metadata file may hold: 1 MiB, far more
/// than any real one (a CA bundle is a few hundred KiB).
pub const MAX_SMALL_FILE: u64 = 1024 * 1024;

/// Why a small file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SmallFileError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// It is a directory, a device, a pipe or a socket.
    #[error("{path} is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// It is larger than the limit.
    #[error(
        "{path} is larger than {limit} bytes ({size} bytes); expected a certificate, key or metadata file"
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// How large it is (at least), in bytes.
        size: u64,
        /// The limit, in bytes.
        limit: u64,
    },
}

/// Reads `path`, a regular file of at most `limit` bytes.
pub fn read_small_file(path: &Path, limit: u64) -> Result<Vec<u8>, SmallFileError> {
    let io = |source| SmallFileError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(SmallFileError::NotAFile {
            path: path.to_owned(),
        });
    }
    if meta.len() > limit {
        return Err(SmallFileError::TooLarge {
            path: path.to_owned(),
            size: meta.len(),
            limit,
        });
    }
    // The file may grow between the size check and the read: read one byte
    // more than the limit at most, and refuse if it is there.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(SmallFileError::TooLarge {
            path: path.to_owned(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, b"-----BEGIN CERTIFICATE-----").unwrap();
        assert_eq!(
            read_small_file(&path, MAX_SMALL_FILE).unwrap(),
            b"-----BEGIN CERTIFICATE-----"
        );
    }

    #[test]
    fn a_large_file_is_refused_with_its_size_and_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.pem");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        match read_small_file(&path, 1024) {
            Err(e @ SmallFileError::TooLarge { .. }) => {
                let m = e.to_string();
                assert!(
                    m.contains("big.pem") && m.contains("1024 bytes") && m.contains("2048"),
                    "{m}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_small_file(dir.path(), MAX_SMALL_FILE),
            Err(SmallFileError::NotAFile { .. })
        ));
        #[cfg(unix)]
        match read_small_file(Path::new("/dev/zero"), MAX_SMALL_FILE) {
            Err(e @ SmallFileError::NotAFile { .. }) => {
                assert!(e.to_string().contains("/dev/zero"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_small_file(&dir.path().join("missing.pem"), MAX_SMALL_FILE),
            Err(SmallFileError::Io { .. })
        ));
    }
}
