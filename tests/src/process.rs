//! Server processes that cannot outlive the tests.
//!
//! Every server is started in a process group of its own, so stopping it
//! reaches whatever it forked too (Samba and slapd may spawn helpers), and so a
//! Ctrl-C in the terminal, which goes to the foreground group, does not kill it
//! behind the harness's back. Stopping sends SIGTERM to the group, then SIGKILL
//! if it is still there after a grace period, and waits until the group is
//! empty.
//!
//! Drop does not run when the test process is killed or aborts, so each server
//! also gets a watchdog: a tiny `sh` loop in yet another group that polls the
//! test process once a second and kills the server's group once the test
//! process is gone (or a zombie), then deletes the server's temp folder. A normal stop kills the watchdog as well.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// A running server process (and its process group); stopped on drop.
#[derive(Debug)]
pub struct ServerProcess {
    name: String,
    child: Child,
    watchdog: Option<Child>,
    log: PathBuf,
    stopped: bool,
}

impl ServerProcess {
    /// Starts `cmd` in a new process group with stdin closed and stdout and
    /// stderr appended to `log`. `scratch` is the server's temp folder: the
    /// watchdog deletes it if the test process dies without cleaning up.
    pub fn spawn(name: &str, mut cmd: Command, log: &Path, scratch: &Path) -> Result<Self, String> {
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {name} ({:?}): {e}", cmd.get_program()))?;
        let watchdog = spawn_watchdog(child.id(), scratch);
        Ok(Self {
            name: name.to_owned(),
            child,
            watchdog,
            log: log.to_owned(),
            stopped: false,
        })
    }

    /// The process id, which is also the process group id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The file holding the server's stdout and stderr.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The last lines of the log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// `Err` with the exit status and the log tail if the process has exited.
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited ({status}); last lines of {}:\n{}",
                self.name,
                self.log.display(),
                self.log_tail()
            )),
            Err(e) => Err(format!("cannot wait for {}: {e}", self.name)),
        }
    }

    /// Stops the whole process group: SIGTERM, then SIGKILL after 5 s, then
    /// waits (up to 5 s more) until no process of the group is left.
    pub fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let pgid = Pid::from_raw(self.child.id() as i32);
        let _ = killpg(pgid, Signal::SIGTERM);
        if !wait_child(&mut self.child, Duration::from_secs(5)) {
            let _ = killpg(pgid, Signal::SIGKILL);
            let _ = self.child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        // Signal 0 only checks whether any process of the group exists.
        while killpg(pgid, None) != Err(Errno::ESRCH) {
            if Instant::now() > deadline {
                eprintln!(
                    "warning: processes of {} (group {pgid}) are still running",
                    self.name
                );
                break;
            }
            let _ = killpg(pgid, Signal::SIGKILL);
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(mut w) = self.watchdog.take() {
            let _ = w.kill();
            let _ = w.wait();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wait_child(child: &mut Child, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return true,
            Ok(None) if Instant::now() > deadline => return false,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Kills group `pgid` and deletes `scratch` once this test process has gone
/// (see the module docs).
fn spawn_watchdog(pgid: u32, scratch: &Path) -> Option<Child> {
    // Alive = /proc/PID exists and is not a zombie (state Z: killed but not
    // yet reaped by its parent).
    let script = r#"alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
while alive "$1"; do sleep 1; done
kill -TERM "-$2" 2>/dev/null; sleep 2; kill -KILL "-$2" 2>/dev/null; rm -rf -- "$3""#;
    Command::new("sh")
        .args(["-c", script, "onramp-test-watchdog"])
        .arg(std::process::id().to_string())
        .arg(pgid.to_string())
        .arg(scratch)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .ok()
}
