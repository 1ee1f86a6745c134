//! The daily log file, private to the account Onramp runs as.
//!
//! With `--verbose` the log holds every synced user's e-mail address, so the
//! folder is 0700 and each file 0600, like the state store, whatever the
//! umask; a file or folder an older version left readable is tightened when
//! it is opened. One file per UTC day (`onramp.YYYY-MM-DD.log`); when a new
//! day's file is opened, all but the newest [`KEEP_LOG_FILES`] are removed.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::logging::{KEEP_LOG_FILES, LOG_FILE_PREFIX};

/// A writer appending to today's log file in a folder.
#[derive(Debug)]
pub struct DailyLogFile {
    dir: PathBuf,
    today: Option<(String, File)>,
    clock: fn() -> i64,
}

impl DailyLogFile {
    /// A writer into `dir` (created 0700 if missing, tightened if not),
    /// dating its files by `clock` (Unix seconds).
    pub fn new(dir: &Path, clock: fn() -> i64) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        private(dir, 0o700)?;
        Ok(Self {
            dir: dir.to_owned(),
            today: None,
            clock,
        })
    }

    /// The file name for `unix`'s UTC day.
    pub fn file_name(unix: i64) -> String {
        let date = time::OffsetDateTime::from_unix_timestamp(unix)
            .map(|t| t.date())
            .unwrap_or(time::Date::MIN);
        format!(
            "{LOG_FILE_PREFIX}.{:04}-{:02}-{:02}.log",
            date.year(),
            u8::from(date.month()),
            date.day()
        )
    }

    fn file(&mut self) -> std::io::Result<&mut File> {
        let name = Self::file_name((self.clock)());
        if self.today.as_ref().is_none_or(|(n, _)| *n != name) {
            let path = self.dir.join(&name);
            let mut options = OpenOptions::new();
            options.create(true).append(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options.open(&path)?;
            private(&path, 0o600)?;
            self.prune(&name);
            self.today = Some((name, file));
        }
        match &mut self.today {
            Some((_, file)) => Ok(file),
            None => Err(std::io::Error::other("no log file open")),
        }
    }

    /// Removes all but the newest [`KEEP_LOG_FILES`] daily files.
    fn prune(&self, newest: &str) {
        let Ok(read) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let prefix = format!("{LOG_FILE_PREFIX}.");
        let mut names: Vec<String> = read
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.starts_with(&prefix) && n.ends_with(".log") && n.as_str() <= newest)
            .collect();
        names.sort();
        let excess = names.len().saturating_sub(KEEP_LOG_FILES);
        for old in &names[..excess] {
            let _ = std::fs::remove_file(self.dir.join(old));
        }
    }
}

impl Write for DailyLogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file()?.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.today {
            Some((_, file)) => file.flush(),
            None => Ok(()),
        }
    }
}

/// Sets `path`'s mode on Unix (a no-op elsewhere, where the folder's ACL
/// in the user's profile already keeps other accounts out).
fn private(path: &Path, mode: u32) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    static NOW: AtomicI64 = AtomicI64::new(1_800_000_000);

    fn clock() -> i64 {
        NOW.load(Ordering::SeqCst)
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn files_are_private_daily_and_only_fourteen_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        // What an older version left: a readable folder and file.
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::set_permissions(&logs, std::fs::Permissions::from_mode(0o755)).unwrap();
        let today = logs.join(DailyLogFile::file_name(clock()));
        std::fs::write(&today, "old\n").unwrap();
        std::fs::set_permissions(&today, std::fs::Permissions::from_mode(0o644)).unwrap();

        let mut w = DailyLogFile::new(&logs, clock).unwrap();
        assert_eq!(mode(&logs), 0o700);
        w.write_all(b"line one\n").unwrap();
        w.flush().unwrap();
        assert_eq!(mode(&today), 0o600);
        assert_eq!(std::fs::read_to_string(&today).unwrap(), "old\nline one\n");
        for _ in 0..20 {
            NOW.fetch_add(86_400, Ordering::SeqCst);
            w.write_all(b"a new day\n").unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(&logs)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names.len(), KEEP_LOG_FILES);
        assert_eq!(names.last().unwrap(), &DailyLogFile::file_name(clock()));
        for n in &names {
            assert_eq!(mode(&logs.join(n)), 0o600, "{n}");
        }
    }
}
