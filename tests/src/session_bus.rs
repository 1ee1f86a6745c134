//! A private D-Bus session bus with an unlocked gnome-keyring on it.
//!
//! The OS keyring store talks to the Secret Service over the session bus. The
//! tests give it a real one of their own: a `dbus-daemon` on a socket in a
//! temporary folder and `gnome-keyring-daemon` unlocked with a throwaway
//! password and a throwaway `HOME`, so nothing touches the developer's own
//! keyring. Processes that should use it get [`SessionBus::env`].
//!
//! [`SessionBus::start_bare`] is the same bus without the keyring and
//! without service activation (its own config names no service folder), so
//! a name nobody owns, such as `org.freedesktop.Notifications` before a test
//! serves it, answers `ServiceUnknown` instead of starting a daemon the
//! machine happens to have installed.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running session bus and Secret Service; both stop on drop.
pub struct SessionBus {
    address: String,
    home: tempfile::TempDir,
    bus: Child,
    keyring: Option<Child>,
}

/// A session bus config that allows everything on the private socket and
/// activates no services.
const BARE_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=@SOCKET@</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

/// Starts `dbus-daemon` with `config_args` and returns it with its address.
fn start_daemon(config_args: &[String]) -> Result<(Child, String), String> {
    let mut bus = Command::new("dbus-daemon")
        .args(["--nofork", "--nopidfile", "--print-address=1"])
        .args(config_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start dbus-daemon: {e}"))?;
    let mut line = String::new();
    BufReader::new(bus.stdout.take().ok_or("no stdout")?)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let address = line.trim().to_owned();
    if address.is_empty() {
        let _ = bus.kill();
        let _ = bus.wait();
        return Err("dbus-daemon printed no address".to_owned());
    }
    Ok((bus, address))
}

impl SessionBus {
    /// Starts a bus alone: no keyring, no service activation.
    pub fn start_bare() -> Result<Self, String> {
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config = home.path().join("bus.conf");
        let socket = home.path().join("bus");
        std::fs::write(
            &config,
            BARE_CONFIG.replace("@SOCKET@", &socket.display().to_string()),
        )
        .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        let (bus, address) = start_daemon(&[format!("--config-file={}", config.display())])?;
        Ok(Self {
            address,
            home,
            bus,
            keyring: None,
        })
    }

    /// Starts the bus and the keyring daemon and waits until the Secret
    /// Service name is owned.
    pub fn start() -> Result<Self, String> {
        let home = tempfile::tempdir().map_err(|e| e.to_string())?;
        let socket = home.path().join("bus");
        let (mut bus, address) = start_daemon(&[
            "--session".to_owned(),
            format!("--address=unix:path={}", socket.display()),
        ])?;
        let runtime = home.path().join("runtime");
        std::fs::create_dir_all(&runtime).map_err(|e| e.to_string())?;
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--components=secrets", "--unlock"])
            .envs(env_for(&address, home.path()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                let _ = bus.kill();
                let _ = bus.wait();
                format!("cannot start gnome-keyring-daemon: {e}")
            })?;
        if let Some(mut stdin) = keyring.stdin.take() {
            stdin
                .write_all(b"keyring-test-password")
                .map_err(|e| e.to_string())?;
        }
        let me = Self {
            address,
            home,
            bus,
            keyring: Some(keyring),
        };
        me.wait_for_secret_service()?;
        Ok(me)
    }

    fn wait_for_secret_service(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            let out = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .envs(self.env())
                .output()
                .map_err(|e| format!("cannot run dbus-send: {e}"))?;
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("gnome-keyring-daemon did not register org.freedesktop.secrets within 15 s".to_owned())
    }

    /// The environment a process needs to use this bus and keyring.
    pub fn env(&self) -> Vec<(String, String)> {
        env_for(&self.address, self.home.path())
    }

    /// The bus address (`unix:path=…,guid=…`), for connecting to it directly.
    pub fn address(&self) -> &str {
        &self.address
    }
}

fn env_for(address: &str, home: &Path) -> Vec<(String, String)> {
    vec![
        ("DBUS_SESSION_BUS_ADDRESS".to_owned(), address.to_owned()),
        ("HOME".to_owned(), home.display().to_string()),
        (
            "XDG_RUNTIME_DIR".to_owned(),
            home.join("runtime").display().to_string(),
        ),
        (
            "XDG_DATA_HOME".to_owned(),
            home.join("data").display().to_string(),
        ),
    ]
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        if let Some(keyring) = &mut self.keyring {
            let _ = keyring.kill();
            let _ = keyring.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
