//! The light-tray benchmark: how fast the desktop app shows its window, and
//! how much memory its process tree holds with the window open and idle and
//! closed to the tray. Figures only, no pass/fail (`scripts/bench-tray.sh`
//! builds the release app and runs this).
//!
//! Each start is the real binary under Xvfb, with a private session bus and
//! a fake tray host (the panel the icon registers with). "Window shown" is
//! the time from spawning the process to its window being mapped; the first
//! start in a fresh WebKit cache is "cold", the later ones "warm". PSS is the
//! sum of `/proc/PID/smaps_rollup` over the app and all its descendants
//! (WebKit's web and network processes), 10 s after the window showed, then
//! 10 s after the window was closed (as a window manager's close button
//! does), and for a start in the tray (`--minimized`, the autostart case).
//!
//! Usage: `tray-bench APP_BINARY [--runs N]`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use onramp_tests::desktop::Xvfb;
use onramp_tests::fake_tray_host::FakeTrayHost;
use onramp_tests::session_bus::SessionBus;
use onramp_tests::x11_app::{
    close_window, environment, spawn, tree, tree_pss_kib, wait_for_web_process, wait_mapped,
};

const IDLE: Duration = Duration::from_secs(10);

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tray-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn names(pid: u32) -> Vec<String> {
    tree(pid).into_iter().map(|(_, n)| n).collect()
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let app = PathBuf::from(
        args.next()
            .ok_or("usage: tray-bench APP_BINARY [--runs N]")?,
    );
    let mut runs = 4;
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args
                .next()
                .and_then(|n| n.parse().ok())
                .ok_or("--runs takes a number")?;
        }
    }
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let xvfb = Xvfb::start(scratch.path())?;
    let bus = SessionBus::start_bare()?;
    let tray = FakeTrayHost::serve(bus.address())?;
    let env = environment(scratch.path(), &xvfb.display, bus.address());
    onramp_tests::x11_app::wait_display(&xvfb.display)?;

    let mut shown = Vec::new();
    let mut open_pss = Vec::new();
    let mut closed_pss = Vec::new();
    for i in 0..runs {
        let mut child = spawn(&app, &env, false)?;
        let started = Instant::now();
        let window = wait_mapped(&xvfb.display, "Onramp", &mut child, Duration::from_secs(60))?;
        let took = started.elapsed();
        std::thread::sleep(IDLE);
        let open = tree_pss_kib(child.id());
        let open_names = names(child.id());
        close_window(&xvfb.display, &window)?;
        wait_for_web_process(child.id(), false)?;
        std::thread::sleep(IDLE);
        let closed = tree_pss_kib(child.id());
        eprintln!(
            "start {}: window shown after {} ms; PSS open and idle {:.1} MiB {open_names:?}; closed to the tray {:.1} MiB {:?}",
            i + 1,
            took.as_millis(),
            mib(open),
            mib(closed),
            names(child.id())
        );
        shown.push(took.as_millis());
        open_pss.push(open);
        closed_pss.push(closed);
        let _ = child.kill();
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(500));
    }
    let mut child = spawn(&app, &env, true)?;
    tray.wait_for_item(Duration::from_secs(60))?;
    std::thread::sleep(IDLE);
    let tray_only = tree_pss_kib(child.id());
    let tray_names = names(child.id());
    let _ = child.kill();
    let _ = child.wait();

    let median = |v: &[u64]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let warm: Vec<u64> = shown.iter().skip(1).map(|m| *m as u64).collect();
    println!("app:                                 {}", app.display());
    println!("window shown, cold:                  {} ms", shown[0]);
    println!(
        "window shown, warm (median):         {} ms  (of {warm:?})",
        median(&warm)
    );
    println!(
        "PSS open and idle (median):          {:.1} MiB",
        mib(median(&open_pss))
    );
    println!(
        "PSS after closing to the tray (med): {:.1} MiB",
        mib(median(&closed_pss))
    );
    println!(
        "PSS started in the tray:             {:.1} MiB  {tray_names:?}",
        mib(tray_only)
    );
    Ok(())
}
