//! Running the real `onramp` binary the way an admin or an agent would.
//!
//! Each [`OnrampCli`] has its own config and data folders, so tests can run in
//! parallel and inspect exactly the files one run wrote (profiles, logs,
//! secrets).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Where `cargo build -p onramp-cli` put the binary, next to this test binary.
pub fn onramp_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/debug/deps/live-HASH -> target/debug/onramp
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir layout");
    let bin = dir.join(format!("onramp{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p onramp-cli` before the tests (scripts/test.sh does)",
        bin.display()
    );
    if let Err(stale) = crate::fresh::ensure_fresh(&bin, "onramp-cli") {
        panic!("{stale}");
    }
    bin
}

/// The outcome of one run.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    fn from(out: Output) -> Self {
        Self {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

/// A run's exit code and output, for a failing test's message.
pub fn describe(run: &Run) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        run.code, run.stdout, run.stderr
    )
}

/// An isolated installation of the CLI: its own folders and environment.
pub struct OnrampCli {
    root: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Default for OnrampCli {
    fn default() -> Self {
        Self::new()
    }
}

impl OnrampCli {
    /// A fresh installation using the file secret store.
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("tempdir");
        let env = vec![
            (
                "ONRAMP_CONFIG_DIR".to_owned(),
                root.path().join("config").display().to_string(),
            ),
            (
                "ONRAMP_DATA_DIR".to_owned(),
                root.path().join("data").display().to_string(),
            ),
            ("ONRAMP_SECRET_STORE".to_owned(), "file".to_owned()),
        ];
        Self { root, env }
    }

    /// Adds or replaces an environment variable for every later run.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// The config folder (profiles/, secrets/).
    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join("config")
    }

    /// The data folder (logs/).
    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// The root folder holding both.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Writes a profile file and returns its path.
    pub fn write_profile(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.config_dir().join("profiles");
        std::fs::create_dir_all(&dir).expect("profiles dir");
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, text).expect("write profile");
        path
    }

    /// Runs `onramp ARGS` with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, "")
    }

    /// Runs `onramp ARGS` with `stdin` piped in.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        let mut child = Command::new(onramp_bin())
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn onramp");
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.as_bytes()).expect("write stdin");
        }
        Run::from(child.wait_with_output().expect("wait for onramp"))
    }

    /// Runs `onramp ARGS` with standard output a pipe whose reader is
    /// already gone (`onramp … | head -0`); returns the exit code (-1 when
    /// killed by a signal) and standard error.
    pub fn run_into_closed_pipe(&self, args: &[&str]) -> (i32, String) {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(onramp_bin())
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run onramp");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `onramp ARGS` with this installation's environment and nothing on
    /// its standard streams, for a test to adjust and start.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(onramp_bin());
        command
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env_remove("CREDENTIALS_DIRECTORY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    }

    /// Starts `onramp ARGS` without waiting, for tests that kill it midway.
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        self.command(args).spawn().expect("spawn onramp")
    }

    /// Every file under the root with its content, for leak checks.
    pub fn all_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.path().to_owned()];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(bytes) = std::fs::read(&p) {
                    out.push((p, bytes));
                }
            }
        }
        out
    }
}
