//! The real desktop app under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, for the end-to-end tests.
//!
//! [`DesktopApp::start`] starts, each on its own: an X server (Xvfb) on a
//! free display, a private D-Bus session bus with an unlocked Secret Service
//! (the app keeps the wizard's secrets in the OS keyring, as on a laptop)
//! with a fake tray host on it (the panel the tray icon registers with),
//! and `tauri-driver` on free ports, which launches `onramp-desktop` with
//! fresh config and data folders. The WebDriver client is `fantoccini`.
//! Everything stops when the value is dropped (the app ends with its
//! WebDriver session; the processes are in their own groups with watchdogs).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::fake_notifications::FakeNotifications;
use crate::fake_tray_host::FakeTrayHost;
use crate::ports::free_port;
use crate::process::ServerProcess;
use crate::session_bus::SessionBus;

/// The longest one WebDriver command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(150);

/// Where `cargo build -p onramp-desktop` put the app, next to this test binary.
pub fn app_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/debug/deps/live-HASH -> target/debug/onramp-desktop
    let dir = exe.parent().and_then(Path::parent).ok_or("no target dir")?;
    let bin = dir.join("onramp-desktop");
    if bin.exists() {
        crate::fresh::ensure_fresh(&bin, "onramp-desktop")?;
        Ok(bin)
    } else {
        Err(format!(
            "{} is missing: run `cargo build -p onramp-desktop` before the tests (scripts/test.sh does)",
            bin.display()
        ))
    }
}

/// `tauri-driver`, installed by scripts/install-test-tools.sh.
fn tauri_driver() -> Result<PathBuf, String> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        return Ok(cargo_bin);
    }
    Err(format!(
        "{} is missing: run scripts/install-test-tools.sh (cargo install tauri-driver)",
        cargo_bin.display()
    ))
}

/// An X server on a display of its own.
pub struct Xvfb {
    /// The display, `:N`.
    pub display: String,
    _process: ServerProcess,
}

impl Xvfb {
    /// Starts Xvfb on a free display, its log in `scratch`.
    pub fn start(scratch: &Path) -> Result<Self, String> {
        let number = (90..200)
            .find(|n| {
                !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
                    && !Path::new(&format!("/tmp/.X{n}-lock")).exists()
            })
            .ok_or("no free X display between :90 and :199")?;
        let display = format!(":{number}");
        let mut cmd = Command::new("Xvfb");
        // -noreset: no server reset when the last client leaves (a new
        // client in that moment would fail to connect).
        cmd.args([
            &display,
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ]);
        let mut process = ServerProcess::spawn("Xvfb", cmd, &scratch.join("xvfb.log"), scratch)?;
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
        let deadline = Instant::now() + Duration::from_secs(15);
        while !socket.exists() {
            process.check_running()?;
            if Instant::now() > deadline {
                return Err(format!(
                    "Xvfb did not open {display}: {}",
                    process.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            display,
            _process: process,
        })
    }
}

/// The running app and the WebDriver session that drives it.
pub struct DesktopApp {
    client: Option<Client>,
    display: String,
    app_env: Vec<(String, String)>,
    runtime: tokio::runtime::Runtime,
    driver: ServerProcess,
    _xvfb: Xvfb,
    tray_host: FakeTrayHost,
    notifications: Option<FakeNotifications>,
    bus: SessionBus,
    scratch: tempfile::TempDir,
}

/// What a test sets up before the app starts.
#[derive(Default)]
pub struct Prepare<'a> {
    /// Serve a fake notification server on the bus, there before the app.
    pub notifications: bool,
    /// Writes files into the app's config and data folders.
    #[allow(clippy::type_complexity)]
    pub files: Option<Box<dyn FnOnce(&Path, &Path) -> Result<(), String> + 'a>>,
}

impl DesktopApp {
    /// Starts the app with empty config and data folders; `env` is added to its environment.
    pub fn start(env: &[(String, String)]) -> Result<Self, String> {
        Self::start_with(env, Prepare::default())
    }

    /// [`Self::start`], with the folders and the bus prepared as `prepare` says.
    pub fn start_with(env: &[(String, String)], prepare: Prepare<'_>) -> Result<Self, String> {
        let app = app_binary()?;
        let driver_bin = tauri_driver()?;
        let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
        for dir in ["config", "data"] {
            std::fs::create_dir_all(scratch.path().join(dir)).map_err(|e| e.to_string())?;
        }
        if let Some(files) = prepare.files {
            files(&scratch.path().join("config"), &scratch.path().join("data"))?;
        }
        let xvfb = Xvfb::start(scratch.path())?;
        let bus = SessionBus::start()?;
        // The panel the tray icon registers with, there before the app.
        let tray_host = FakeTrayHost::serve(bus.address())?;
        let notifications = if prepare.notifications {
            Some(FakeNotifications::serve(bus.address())?)
        } else {
            None
        };
        let port = free_port();
        let native_port = free_port();
        let mut app_env = bus.env();
        app_env.extend([
            ("DISPLAY".to_owned(), xvfb.display.clone()),
            (
                "ONRAMP_CONFIG_DIR".to_owned(),
                scratch.path().join("config").display().to_string(),
            ),
            (
                "ONRAMP_DATA_DIR".to_owned(),
                scratch.path().join("data").display().to_string(),
            ),
            // Software rendering: Xvfb has no GPU.
            ("WEBKIT_DISABLE_COMPOSITING_MODE".to_owned(), "1".to_owned()),
            ("LIBGL_ALWAYS_SOFTWARE".to_owned(), "1".to_owned()),
            ("GDK_BACKEND".to_owned(), "x11".to_owned()),
            ("NO_AT_BRIDGE".to_owned(), "1".to_owned()),
        ]);
        app_env.extend(env.iter().cloned());
        let mut cmd = Command::new(driver_bin);
        cmd.args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .envs(app_env.iter().cloned());
        let mut driver = ServerProcess::spawn(
            "tauri-driver",
            cmd,
            &scratch.path().join("tauri-driver.log"),
            scratch.path(),
        )?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        // tauri-driver starts WebKitWebDriver and listens at once, but only
        // proxies a new session once WebKitWebDriver listens too, which on a
        // cold machine takes a while: wait for both ports.
        let deadline = Instant::now() + Duration::from_secs(60);
        for (listener, what) in [(port, "tauri-driver"), (native_port, "WebKitWebDriver")] {
            while std::net::TcpStream::connect(("127.0.0.1", listener)).is_err() {
                driver.check_running()?;
                if Instant::now() > deadline {
                    return Err(format!("{what} did not listen: {}", driver.log_tail()));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app.display().to_string() }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = runtime
            .block_on(
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(&format!("http://127.0.0.1:{port}")),
            )
            .map_err(|e| {
                format!(
                    "cannot start the app through tauri-driver: {e}\n{}",
                    driver.log_tail()
                )
            })?;
        Ok(Self {
            client: Some(client),
            display: xvfb.display.clone(),
            app_env,
            runtime,
            driver,
            _xvfb: xvfb,
            tray_host,
            notifications,
            bus,
            scratch,
        })
    }

    /// The fake notification server, when [`Prepare::notifications`] asked for one.
    pub fn notifications(&self) -> Option<&FakeNotifications> {
        self.notifications.as_ref()
    }

    /// The fake panel the app's tray icon registered with.
    pub fn tray_host(&self) -> &FakeTrayHost {
        &self.tray_host
    }

    /// The WebDriver client.
    pub fn client(&self) -> &Client {
        self.client
            .as_ref()
            .expect("the session is open until drop")
    }

    /// Runs WebDriver steps to completion.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Bounds one WebDriver command, so a hung driver fails the test
    /// instead of stalling the suite.
    async fn bounded<T, E: std::fmt::Display>(
        what: &str,
        f: impl Future<Output = Result<T, E>>,
    ) -> Result<T, String> {
        match tokio::time::timeout(COMMAND_TIMEOUT, f).await {
            Ok(r) => r.map_err(|e| format!("{what}: {e}")),
            Err(_) => Err(format!(
                "{what}: no answer from the WebDriver within {COMMAND_TIMEOUT:?}"
            )),
        }
    }

    /// The app's config folder (ONRAMP_CONFIG_DIR).
    pub fn config_dir(&self) -> PathBuf {
        self.scratch.path().join("config")
    }

    /// The app's data folder (ONRAMP_DATA_DIR).
    pub fn data_dir(&self) -> PathBuf {
        self.scratch.path().join("data")
    }

    /// The environment of the private session bus (for `secret-tool` and fakes).
    pub fn bus_env(&self) -> Vec<(String, String)> {
        self.bus.env()
    }

    /// The environment the app runs with (display, bus, folders).
    pub fn app_env(&self) -> Vec<(String, String)> {
        self.app_env.clone()
    }

    /// The last lines tauri-driver, WebKitWebDriver and the app printed.
    pub fn log_tail(&self) -> String {
        self.driver.log_tail()
    }

    /// Waits up to `secs` for an element matching the CSS selector.
    pub async fn wait_css(&self, css: &str, secs: u64) -> Result<Element, String> {
        Self::bounded(
            &format!("no element '{css}' within {secs} s"),
            self.client()
                .wait()
                .at_most(Duration::from_secs(secs))
                .for_element(Locator::Css(css)),
        )
        .await
    }

    /// Clicks the first enabled button whose visible text is `text`.
    pub async fn click_button(&self, text: &str, secs: u64) -> Result<(), String> {
        let xpath = format!("//button[normalize-space(.)='{text}' and not(@disabled)]");
        let button = Self::bounded(
            &format!("no enabled button '{text}' within {secs} s"),
            self.client()
                .wait()
                .at_most(Duration::from_secs(secs))
                .for_element(Locator::XPath(&xpath)),
        )
        .await?;
        Self::bounded(&format!("cannot click '{text}'"), button.click()).await
    }

    /// Waits up to `secs` for the element matching `css`, then clicks it.
    pub async fn click_css(&self, css: &str, secs: u64) -> Result<(), String> {
        let element = self.wait_css(css, secs).await?;
        Self::bounded(&format!("cannot click {css}"), element.click()).await
    }

    /// Replaces the value of the input with `id` by typing `value`.
    pub async fn fill(&self, id: &str, value: &str) -> Result<(), String> {
        let input = self.wait_css(&format!("#{id}"), 10).await?;
        input
            .clear()
            .await
            .map_err(|e| format!("cannot clear #{id}: {e}"))?;
        input
            .send_keys(value)
            .await
            .map_err(|e| format!("cannot type into #{id}: {e}"))
    }

    /// Runs a script in the page and returns its value.
    pub async fn script(&self, js: &str) -> Result<Value, String> {
        Self::bounded("script failed", self.client().execute(js, Vec::new())).await
    }

    /// Saves a PNG of the window to `path`.
    ///
    /// Captured from the X server (ImageMagick's `import`), cropped to the
    /// window: WebKitWebDriver's own screenshot command hangs or crashes
    /// after a few calls under Xvfb.
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let (x, y, w, h) = self
            .client()
            .get_window_rect()
            .await
            .map_err(|e| format!("cannot read the window position: {e}"))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let out = Command::new("import")
            .args(["-display", &self.display, "-window", "root"])
            .args(["-crop", &format!("{w}x{h}+{x}+{y}"), "+repage"])
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run import (imagemagick): {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "import failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for DesktopApp {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Ending the session quits the app.
            let _ = self.runtime.block_on(client.close());
        }
        self.driver.stop();
    }
}
