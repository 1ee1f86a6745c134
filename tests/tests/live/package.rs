//! The `.deb` installed on this machine: `scripts/package.sh --debug
//! --bundles deb` (scripts/test.sh runs it before the tests) made it from
//! the binaries the other tests drive; here it is installed with apt, its
//! files are checked (the app, the CLI, the desktop entry, the icons, the
//! agent's systemd unit), the installed app starts and shows its window
//! under Xvfb, and the package is removed again, leaving nothing behind.
//!
//! It refuses to touch a machine that has the `onramp` package installed
//! already: the test installs and removes its own copy only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::Trial;
use onramp_tests::{Fixtures, ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![trial(
        fx,
        "package::the_deb_installs_the_app_the_cli_its_entry_icons_and_unit_and_it_starts",
        the_deb_installs_the_app_the_cli_its_entry_icons_and_unit_and_it_starts,
    )]
}

const PACKAGE: &str = "onramp";

/// The package scripts/test.sh made, refused when older than the app binary.
fn built_package() -> Result<PathBuf, String> {
    let app = onramp_tests::desktop::app_binary()?;
    let target = app.parent().and_then(Path::parent).ok_or("no target dir")?;
    let deb = target.join(format!(
        "packages/Onramp_{}_amd64.deb",
        env!("CARGO_PKG_VERSION")
    ));
    let remake = "run `scripts/package.sh --debug --bundles deb --out \"$CARGO_TARGET_DIR/packages\"` before the tests (scripts/test.sh does)";
    let modified = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .map_err(|e| format!("{}: {e}; {remake}", p.display()))
    };
    ensure(modified(&deb)? >= modified(&app)?, || {
        format!(
            "{} is older than {}; {remake}",
            deb.display(),
            app.display()
        )
    })?;
    Ok(deb)
}

/// Runs a command as root (this process, or through `sudo -n`).
fn as_root(args: &[&str]) -> Result<String, String> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.trim_ascii() == b"0")
        .unwrap_or(false);
    let mut cmd = if root {
        Command::new(args[0])
    } else {
        let mut c = Command::new("sudo");
        c.arg("-n").arg(args[0]);
        c
    };
    cmd.args(&args[1..])
        .env("DEBIAN_FRONTEND", "noninteractive");
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", args[0]))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    ensure(out.status.success(), || {
        format!("{} failed ({}): {text}", args.join(" "), out.status)
    })?;
    Ok(text)
}

fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", PACKAGE])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

/// Removes the package when the test ends, however it ends.
struct Purge;

impl Drop for Purge {
    fn drop(&mut self) {
        if let Err(e) = as_root(&["dpkg", "--purge", PACKAGE]) {
            eprintln!("package: could not remove the test's package: {e}");
        }
    }
}

/// The width and height of a PNG file.
fn png_size(path: &Path) -> Result<(u32, u32), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let info = reader.info();
    Ok((info.width, info.height))
}

fn the_deb_installs_the_app_the_cli_its_entry_icons_and_unit_and_it_starts(
    _fx: &Fixtures,
) -> Result<(), String> {
    let deb = built_package()?;
    ensure(!installed(), || {
        format!(
            "the {PACKAGE} package is installed on this machine already; the test installs and removes its own: remove it first (sudo dpkg --purge {PACKAGE})"
        )
    })?;

    let fields = Command::new("dpkg-deb")
        .args(["-f", &deb.display().to_string()])
        .output()
        .map_err(|e| e.to_string())?;
    let fields = String::from_utf8_lossy(&fields.stdout).into_owned();
    for want in [
        "Package: onramp",
        "Maintainer: Onramp",
        "Section: admin",
        "libwebkit2gtk-4.1-0",
        "libdbus-1-3",
    ] {
        ensure(fields.contains(want), || {
            format!("no {want:?} in:\n{fields}")
        })?;
    }

    let purge = Purge;
    as_root(&[
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        &deb.display().to_string(),
    ])?;
    ensure(installed(), || "dpkg does not list the package".to_owned())?;

    // The files, where a Debian package puts them.
    let app = Path::new("/usr/bin/onramp-desktop");
    let cli = Path::new("/usr/bin/onramp");
    let version = Command::new(cli)
        .arg("--version")
        .output()
        .map_err(|e| format!("{}: {e}", cli.display()))?;
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    ensure(version.contains(env!("CARGO_PKG_VERSION")), || {
        format!("onramp --version: {version}")
    })?;
    let entry = Path::new("/usr/share/applications/Onramp.desktop");
    let text = std::fs::read_to_string(entry).map_err(|e| format!("{}: {e}", entry.display()))?;
    for line in [
        "Name=Onramp",
        "Exec=onramp-desktop",
        "Icon=onramp-desktop",
        "Type=Application",
    ] {
        ensure(text.lines().any(|l| l == line), || {
            format!("no {line} in {}:\n{text}", entry.display())
        })?;
    }
    let validate = Command::new("desktop-file-validate")
        .arg(entry)
        .output()
        .map_err(|e| format!("desktop-file-validate: {e}"))?;
    ensure(validate.status.success(), || {
        format!(
            "desktop-file-validate: {}",
            String::from_utf8_lossy(&validate.stdout)
        )
    })?;
    for size in [32, 128, 512] {
        let icon = PathBuf::from(format!(
            "/usr/share/icons/hicolor/{size}x{size}/apps/onramp-desktop.png"
        ));
        let (w, h) = png_size(&icon)?;
        ensure((w, h) == (size, size), || {
            format!("{} is {w}x{h}", icon.display())
        })?;
    }
    let unit = Path::new("/usr/lib/systemd/system/onramp-agent.service");
    let unit_text =
        std::fs::read_to_string(unit).map_err(|e| format!("{}: {e}", unit.display()))?;
    ensure(
        unit_text.contains("ExecStart=/usr/bin/onramp agent"),
        || unit_text.clone(),
    )?;

    // The installed app starts and shows its window.
    use onramp_tests::x11_app::{environment, spawn, wait_display, wait_mapped};
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let xvfb = onramp_tests::desktop::Xvfb::start(scratch.path())?;
    let bus = onramp_tests::session_bus::SessionBus::start_bare()?;
    let env = environment(scratch.path(), &xvfb.display, bus.address());
    wait_display(&xvfb.display)?;
    let mut child = spawn(app, &env, false)?;
    let shown = wait_mapped(&xvfb.display, "Onramp", &mut child, Duration::from_secs(60));
    let _ = child.kill();
    let _ = child.wait();
    shown?;

    drop(purge);
    ensure(!installed() && !app.exists() && !cli.exists(), || {
        "the package left files behind after --purge".to_owned()
    })
}
