//! The live tests run the real `onramp` and `onramp-desktop` binaries; one
//! built before the latest change to the sources, or from another checkout
//! sharing the build folder, would test other code. Cargo writes the files
//! a binary was built from next to it (`onramp.d`); a binary built from
//! another checkout, or older than one of those files, is refused with the
//! command that rebuilds it.

use std::path::{Path, PathBuf};

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The files a Makefile-style dep-info line names after its colon
/// (spaces in paths are escaped as `\ `).
fn dep_info_files(text: &str) -> Vec<PathBuf> {
    let Some((_, deps)) = text.split_once(": ") else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let mut current = String::new();
    let mut chars = deps.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                current.push(' ');
                chars.next();
            }
            ' ' | '\n' => {
                if !current.is_empty() {
                    files.push(PathBuf::from(std::mem::take(&mut current)));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        files.push(PathBuf::from(current));
    }
    files
}

/// Refuses `bin` (built by `cargo build -p PACKAGE`) when it was built
/// from another checkout or a file it was built from changed since.
pub fn ensure_fresh(bin: &Path, package: &str) -> Result<(), String> {
    let rebuild = format!("run `cargo build -p {package}` before the tests (scripts/test.sh does)");
    let built = std::fs::metadata(bin)
        .and_then(|m| m.modified())
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let dep_info = bin.with_extension("d");
    let text = std::fs::read_to_string(&dep_info)
        .map_err(|e| format!("{}: {e}; {rebuild}", dep_info.display()))?;
    let root = root();
    let ours: Vec<PathBuf> = dep_info_files(&text)
        .into_iter()
        .filter(|f| f.starts_with(&root))
        .collect();
    if ours.is_empty() {
        return Err(format!(
            "{} was built from another checkout than {}: {rebuild}",
            bin.display(),
            root.display()
        ));
    }
    for file in ours {
        let modified = std::fs::metadata(&file).and_then(|m| m.modified());
        match modified {
            Ok(changed) if changed <= built => {}
            Ok(_) => {
                return Err(format!(
                    "{} is older than {}: {rebuild}",
                    bin.display(),
                    file.display()
                ));
            }
            Err(_) => {
                return Err(format!(
                    "{} was built from {}, which is gone: {rebuild}",
                    bin.display(),
                    file.display()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dep_info_lists_the_files_after_the_colon() {
        let files = dep_info_files("/t/debug/onramp: /w/a.rs /w/my\\ dir/b.rs\n/w/c.toml\n");
        assert_eq!(
            files,
            [
                PathBuf::from("/w/a.rs"),
                PathBuf::from("/w/my dir/b.rs"),
                PathBuf::from("/w/c.toml")
            ]
        );
        assert!(dep_info_files("no colon here").is_empty());
    }

    #[test]
    fn a_binary_older_than_its_sources_or_from_elsewhere_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("onramp");
        std::fs::write(&bin, "").unwrap();
        // Built from files outside this checkout only.
        std::fs::write(
            dir.path().join("onramp.d"),
            format!("{}: /elsewhere/src/main.rs\n", bin.display()),
        )
        .unwrap();
        let e = ensure_fresh(&bin, "onramp-cli").unwrap_err();
        assert!(e.contains("another checkout"), "{e}");
        // Built from this file, which is newer than the binary.
        let source = root().join("tests/src/fresh.rs");
        let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1);
        std::fs::File::options()
            .write(true)
            .open(&bin)
            .unwrap()
            .set_modified(old)
            .unwrap();
        std::fs::write(
            dir.path().join("onramp.d"),
            format!("{}: {}\n", bin.display(), source.display()),
        )
        .unwrap();
        let e = ensure_fresh(&bin, "onramp-cli").unwrap_err();
        assert!(
            e.contains("is older than") && e.contains("cargo build -p onramp-cli"),
            "{e}"
        );
        // Rebuilt: fresh.
        std::fs::File::options()
            .write(true)
            .open(&bin)
            .unwrap()
            .set_modified(std::time::SystemTime::now())
            .unwrap();
        ensure_fresh(&bin, "onramp-cli").unwrap();
    }
}
