//! The desktop app started directly under Xvfb (no WebDriver), for the
//! light-tray test and benchmark: its window found and closed as a window
//! manager would (a `WM_DELETE_WINDOW` message, through libX11 from Python's
//! ctypes: Debian has no X tool that sends one), and its process tree read
//! from `/proc`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The environment the app needs on `display` and the bus at `bus`, with
/// every folder under `root`.
pub fn environment(root: &Path, display: &str, bus: &str) -> Vec<(String, String)> {
    let dir = |d: &str| root.join(d).display().to_string();
    vec![
        ("DISPLAY".into(), display.into()),
        ("DBUS_SESSION_BUS_ADDRESS".into(), bus.into()),
        ("ONRAMP_CONFIG_DIR".into(), dir("config")),
        ("ONRAMP_DATA_DIR".into(), dir("data")),
        ("ONRAMP_SECRET_STORE".into(), "file".into()),
        ("HOME".into(), dir("home")),
        ("XDG_DATA_HOME".into(), dir("home/.local/share")),
        ("XDG_CACHE_HOME".into(), dir("home/.cache")),
        ("XDG_CONFIG_HOME".into(), dir("home/.config")),
        ("WEBKIT_DISABLE_COMPOSITING_MODE".into(), "1".into()),
        ("LIBGL_ALWAYS_SOFTWARE".into(), "1".into()),
        ("GDK_BACKEND".into(), "x11".into()),
        ("NO_AT_BRIDGE".into(), "1".into()),
    ]
}

/// Waits until the X server on `display` answers (its socket can exist a
/// moment before it accepts clients, and GTK gives up at once).
pub fn wait_display(display: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let ok = Command::new("xwininfo")
            .args(["-display", display, "-root"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run xwininfo: {e}"))?
            .success();
        if ok {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the X server on {display} does not answer"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Starts `app` (with `--minimized` when asked) in `env` only.
pub fn spawn(app: &Path, env: &[(String, String)], minimized: bool) -> Result<Child, String> {
    let mut cmd = Command::new(app);
    if minimized {
        cmd.arg("--minimized");
    }
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", app.display()))
}

/// The id of the mapped window named `name` on `display`, if there is one.
pub fn mapped_window(display: &str, name: &str) -> Result<Option<String>, String> {
    let out = Command::new("xwininfo")
        .args(["-display", display, "-name", name])
        .output()
        .map_err(|e| format!("cannot run xwininfo: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.contains("Map State: IsViewable") {
        return Ok(None);
    }
    Ok(text
        .lines()
        .find_map(|l| l.split("Window id: ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned))
}

/// Waits up to `timeout` for the window `name` to be mapped; its id.
pub fn wait_mapped(
    display: &str,
    name: &str,
    child: &mut Child,
    timeout: Duration,
) -> Result<String, String> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the app exited {status} before showing its window"));
        }
        if let Some(id) = mapped_window(display, name)? {
            return Ok(id);
        }
        if Instant::now() > deadline {
            return Err(format!("the window did not show within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

const CLOSE: &str = r#"
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
d = x.XOpenDisplay(sys.argv[1].encode())
if not d:
    sys.exit("cannot open the display")
win = int(sys.argv[2], 0)
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
ev = Event()
ev.xclient.type = 33
ev.xclient.window = win
ev.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
ev.xclient.format = 32
ev.xclient.l[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(Event)]
x.XSendEvent(d, win, 0, 0, ctypes.byref(ev))
x.XFlush.argtypes = [ctypes.c_void_p]
x.XFlush(d)
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
x.XCloseDisplay(d)
"#;

/// Asks window `id` on `display` to close, as a window manager's close
/// button does.
pub fn close_window(display: &str, id: &str) -> Result<(), String> {
    let out = Command::new("python3")
        .args(["-c", CLOSE, display, id])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "closing window {id}: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Every process under `root` (itself first), with its name.
pub fn tree(root: u32) -> Vec<(u32, String)> {
    let mut all: Vec<(u32, u32)> = Vec::new();
    if let Ok(read) = std::fs::read_dir("/proc") {
        for e in read.flatten() {
            let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            all.push((pid, ppid));
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(all.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    out.into_iter()
        .filter_map(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .ok()
                .map(|c| (pid, c.trim().to_owned()))
        })
        .collect()
}

/// The PSS of `root` and its descendants, KiB.
pub fn tree_pss_kib(root: u32) -> u64 {
    tree(root)
        .into_iter()
        .filter_map(|(pid, _)| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .sum()
}

/// Waits up to 30 s until `root`'s tree has (or has not) a WebKit web process.
pub fn wait_for_web_process(root: u32, present: bool) -> Result<Vec<String>, String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let names: Vec<String> = tree(root).into_iter().map(|(_, n)| n).collect();
        if names.iter().any(|n| n.starts_with("WebKitWebProces")) == present {
            return Ok(names);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "after 30 s the app's processes are {names:?} (a web process expected: {present})"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
