//! Free loopback ports, and free loopback addresses for Samba.
//!
//! Most servers take any free port on 127.0.0.1: the kernel picks one when we
//! bind port 0, we close it and hand the number to the server. Another process
//! may grab it in between, so the callers retry when a server fails to bind.
//!
//! A Samba DC cannot move its ports (LDAP 389, LDAPS 636, GC 3268/3269), so
//! each DC gets its own address instead. Linux routes all of 127.0.0.0/8 to
//! `lo`, so any 127.0.0.X can be bound without `ip addr add`; Samba only has to
//! be told `interfaces = 127.0.0.X/8` (with the prefix length it does not look
//! the address up among the configured interfaces). Several test processes can
//! run at once (two engineers, two `cargo test`), so an address is reserved by
//! an exclusive lock on a file in the temp folder, held for as long as the
//! [`LoopbackIp`] lives, and probed by binding its ports before it is handed
//! out, which also skips addresses held by a DC that outlived a killed run.

use std::fs::{File, OpenOptions, TryLockError};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("cannot bind a loopback port")
}

/// The ports a Samba DC listens on, probed before an address is reserved.
const SAMBA_PORTS: [u16; 4] = [389, 636, 3268, 3269];

/// The first and last host parts handed out (127.0.0.10 … 127.0.0.250).
const FIRST: u8 = 10;
const LAST: u8 = 250;

/// A reserved loopback address; released on drop.
#[derive(Debug)]
pub struct LoopbackIp {
    ip: Ipv4Addr,
    _lock: File,
}

impl LoopbackIp {
    /// The address, for example `127.0.0.10`.
    pub fn ip(&self) -> Ipv4Addr {
        self.ip
    }
}

/// Reserves a 127.0.0.X address whose Samba ports are all free, for this
/// process only (other processes skip it while the returned value lives).
pub fn allocate_loopback_ip() -> Result<LoopbackIp, String> {
    let dir = lock_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for x in FIRST..=LAST {
        let ip = Ipv4Addr::new(127, 0, 0, x);
        let path = dir.join(format!("{ip}.lock"));
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => continue,
            Err(TryLockError::Error(e)) => {
                return Err(format!("cannot lock {}: {e}", path.display()));
            }
        }
        if ports_free(ip)? {
            return Ok(LoopbackIp { ip, _lock: file });
        }
    }
    Err(format!(
        "no free address in 127.0.0.{FIRST}-{LAST}: every one is locked under {} or has a Samba port in use",
        dir.display()
    ))
}

fn ports_free(ip: Ipv4Addr) -> Result<bool, String> {
    for port in SAMBA_PORTS {
        match TcpListener::bind(SocketAddr::from((ip, port))) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(format!(
                    "cannot bind {ip}:{port} ({e}): a Samba DC needs root (or CAP_NET_BIND_SERVICE)"
                ));
            }
            Err(_) => return Ok(false),
        }
    }
    Ok(true)
}

fn lock_dir() -> PathBuf {
    std::env::temp_dir().join("onramp-tests-loopback-ips")
}
