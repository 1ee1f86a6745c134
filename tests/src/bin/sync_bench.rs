//! `sync-bench`: how fast the directory sync reads and plans a large LDAP
//! directory, compared with `ldapsearch` reading the same entries from the
//! same server. A benchmark command, not a test (docs/benchmarks.md).
//!
//! ```sh
//! cargo run --release -p onramp-tests --bin sync-bench -- --users 100000
//! ```
//!
//! What it does:
//!
//! 1. Generates one LDIF file (N inetOrgPerson users, M groupOfNames with K
//!    member DNs each), loads it with `slapadd -q` into a fresh mdb database
//!    (offline, much faster than `ldapadd`), and starts its own `slapd` on a
//!    free loopback port. The harness's [`onramp_tests::Slapd`] is not used:
//!    its database is capped at 100 MB (`maxsize`) and carries the memberof
//!    overlay, which makes bulk loads slow; this one has a 4 GiB `maxsize`
//!    and the same schema and indexes, without memberof (the engine does
//!    not read `memberOf`). The process handling ([`ServerProcess`]: own
//!    process group, watchdog, stop on drop) is the harness's.
//! 2. Measures, each `--runs` times (median reported):
//!    * full read+plan: `read_directory` + `desired_state` + `plan` against
//!      an empty state store (a first sync's preview);
//!    * `ldapsearch`: the same two paged searches (filters, attributes, page
//!      size 1000) the engine sends, output to `/dev/null`;
//!    * their ratio;
//!    * the second run with no change, and after 1 % of the users changed,
//!      each two ways: (1) `read_directory` (always a FULL read) + map +
//!      plan against a known state built in memory from the first run's
//!      desired state (what a completed first apply would have recorded);
//!      (2) `run_sync` (preview) in a fresh process against a SQLite state
//!      store filled with that state, the CLI's path: it reads a DELTA
//!      (`modifyTimestamp>=` cursor, merged into the store's source mirror)
//!      once an earlier run left a cursor, else everything. The read kind of
//!      every run is printed;
//!    * the peak RSS: VmHWM of fresh processes doing one engine run each,
//!      and VmHWM (reset through /proc/self/clear_refs) in this process.
//!
//! The entries carry past `createTimestamp`/`modifyTimestamp` values one
//! second apart, as a directory that grew over time would (see
//! [`timestamp`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use onramp_engine::connector::{DirectorySource, ReadKind, Registry};
use onramp_engine::ldap::LdapSource;
use onramp_engine::ldap::directory::DirectoryTarget;
use onramp_engine::ldap::source::read_directory;
use onramp_engine::ops;
use onramp_engine::profile::{Profile, parse_profile};
use onramp_engine::secret::{MemoryStore, Secret, SecretName, SecretStore};
use onramp_engine::sync::map::desired_state;
use onramp_engine::sync::model::{DesiredGroup, DesiredState, DesiredUser};
use onramp_engine::sync::plan::{KnownGroup, KnownUser, Plan, plan};
use onramp_engine::sync::progress::no_progress;
use onramp_engine::sync::store::{AppliedState, RunMode, RunStatus, RunSummary, StateStore};
use onramp_tests::ports::free_port;
use onramp_tests::process::ServerProcess;

/// The allocator the `onramp` binary uses (onramp_engine::ldap::allocator).
#[global_allocator]
static ALLOCATOR: onramp_engine::ldap::allocator::Allocator =
    onramp_engine::ldap::allocator::Allocator {};

const BASE_DN: &str = "dc=example,dc=org";
const ROOT_DN: &str = "cn=admin,dc=example,dc=org";
const PEOPLE: &str = "ou=people,dc=example,dc=org";
const GROUPS: &str = "ou=groups,dc=example,dc=org";
const PROFILE: &str = "bench";

/// The engine's LDAP (non-AD) user search: `DirectoryTarget::users_filter`
/// and `user_attributes(false)` in crates/onramp-core/src/sync/source/.
const USER_FILTER: &str =
    "(|(objectClass=inetOrgPerson)(objectClass=organizationalPerson)(objectClass=person))";
const USER_ATTRS: &[&str] = &[
    "entryUUID",
    "uid",
    "givenName",
    "sn",
    "displayName",
    "mail",
    "telephoneNumber",
    "department",
    "departmentNumber",
    "modifyTimestamp",
];
/// The engine's LDAP group search: `groups_filter`, and the anchor, `cn`
/// and `member_attributes(false)`.
const GROUP_FILTER: &str =
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))";
const GROUP_ATTRS: &[&str] = &[
    "entryUUID",
    "cn",
    "modifyTimestamp",
    "member",
    "uniqueMember",
    "memberUid",
];
/// `onramp_engine::ldap::ldap::search::PAGE_SIZE`.
const PAGE_SIZE: u32 = 1000;

const USAGE: &str = "\
usage: sync-bench --users N [--groups M] [--members-per-group K] [--synced-groups S] [--runs R] [--ratio-only]

  --users N              users to load (inetOrgPerson)
  --groups M             groupOfNames to load (default N/10)
  --members-per-group K  member DNs per group (default 30)
  --synced-groups S      groups the profile's sync.groups lists, so they
                         become platform groups and tags (default 100, at
                         most M); every group is read either way
  --runs R               measured runs per figure (default 3; median shown)
  --ratio-only           only the ratio, from fresh-process full reads,
                         each between two ldapsearch dumps: a quick check
                         of a change to the read path";

#[derive(Debug, Clone)]
struct Args {
    users: usize,
    groups: usize,
    members: usize,
    synced: usize,
    runs: usize,
    ratio_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut users = None;
    let mut groups = None;
    let mut members = 30;
    let mut synced = 100;
    let mut runs = 3;
    let mut ratio_only = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        if flag == "--ratio-only" {
            ratio_only = true;
            continue;
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .replace('_', "");
        let n: usize = value
            .parse()
            .map_err(|_| format!("{flag}: '{value}' is not a number"))?;
        match flag.as_str() {
            "--users" => users = Some(n),
            "--groups" => groups = Some(n),
            "--members-per-group" => members = n,
            "--synced-groups" => synced = n,
            "--runs" => runs = n,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let users = users.ok_or("--users is required")?;
    if users < 100 {
        return Err("--users must be at least 100 (1 % of them are changed)".into());
    }
    let groups = groups.unwrap_or(users / 10);
    if runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(Args {
        users,
        groups,
        members: members.min(users),
        synced: synced.min(groups),
        runs,
        ratio_only,
    })
}

fn main() -> ExitCode {
    onramp_engine::ldap::allocator::configure();
    if std::env::args().nth(1).as_deref() == Some(CHILD_FLAG) {
        onramp_tests::ensure_crypto_provider();
        return match child() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error (child): {e}");
                ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    onramp_tests::ensure_crypto_provider();
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------- machine

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let slapd = Command::new("slapd")
        .arg("-VV")
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .find(|l| l.contains("slapd"))
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_default();
    format!(
        "machine: {nproc} CPUs (nproc), {model}, {:.1} GiB RAM\nslapd:   {slapd}\n{}",
        mem_kb as f64 / 1024.0 / 1024.0,
        load_average()
    )
}

/// The 1/5/15-minute load averages: other work on the machine skews the
/// figures (a 2-core machine with a load of 2 is already full).
fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let v: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("load:    {} (1, 5, 15 min averages)", v.join(" "))
}

// ---------------------------------------------------------------- memory

/// (VmHWM, VmRSS) of this process, in KiB.
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|l| l.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// Resets VmHWM to the current RSS (`echo 5 > /proc/self/clear_refs`, Linux
/// 4.0+). Returns whether the kernel allowed it.
fn reset_peak() -> bool {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
        .and_then(|mut f| f.write_all(b"5"))
        .is_ok()
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// The peak RSS of a measured phase.
#[derive(Debug, Clone, Copy, Default)]
struct Peak {
    /// VmHWM after the phase (KiB).
    hwm: u64,
    /// VmRSS when the phase started (KiB), i.e. what the peak includes
    /// besides the phase's own memory.
    base: u64,
}

/// Runs `f` with VmHWM reset before it.
fn with_peak<T>(reset_ok: bool, f: impl FnOnce() -> T) -> (T, Peak) {
    if reset_ok {
        reset_peak();
    }
    let (_, base) = memory_kb();
    let out = f();
    let (hwm, _) = memory_kb();
    (out, Peak { hwm, base })
}

// ---------------------------------------------------------------- CPU time

/// CPU time (user + system, all threads) used so far, in seconds: by this
/// process, by its waited-for children (ldapsearch), and by slapd.
#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    own: f64,
    children: f64,
    slapd: f64,
}

/// (utime + stime, cutime + cstime) of a process, in seconds, from
/// /proc/PID/stat (clock ticks of 1/100 s, USER_HZ on Linux).
fn proc_cpu(pid: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses; field 3
    // (state) is index 0 here, so utime (14) is 11, cutime (16) is 13.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let get = |i: usize| f.get(i).copied().unwrap_or(0.0) / 100.0;
    (get(11) + get(12), get(13) + get(14))
}

impl Cpu {
    fn now(slapd_pid: u32) -> Self {
        let (own, children) = proc_cpu("self");
        let (slapd, _) = proc_cpu(&slapd_pid.to_string());
        Self {
            own,
            children,
            slapd,
        }
    }

    fn since(self, before: Cpu) -> Cpu {
        Cpu {
            own: self.own - before.own,
            children: self.children - before.children,
            slapd: self.slapd - before.slapd,
        }
    }
}

// ---------------------------------------------------------------- data

/// splitmix64: a cheap, well-mixed, deterministic hash for memberships.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn user_uid(i: usize) -> String {
    format!("user{i:06}")
}

fn group_cn(g: usize) -> String {
    format!("group-{g:05}")
}

/// The members of group `g`: `k` distinct users, spread pseudo-randomly, so
/// each user is in about M·K/N groups.
fn group_members(g: usize, k: usize, users: usize) -> BTreeSet<usize> {
    let mut set = BTreeSet::new();
    let mut j = 0u64;
    while set.len() < k {
        set.insert((mix(((g as u64) << 20) ^ j) % users as u64) as usize);
        j += 1;
    }
    set
}

/// The create and modify time of the `k`th entry: one second apart from
/// 2024-01-01T00:00:00Z on, as in a directory that grew over time. (Left
/// to slapadd, every entry would get the load's second or two, and a
/// `modifyTimestamp>=` delta read would return most of the directory.)
fn timestamp(k: usize) -> String {
    let t = 1_704_067_200 + k as i64;
    let (days, rem) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn write_ldif(path: &Path, a: &Args) -> Result<(usize, u64), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut memberships = 0usize;
    let mut out = || -> std::io::Result<()> {
        write!(
            w,
            "dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n\n\
             dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n\n\
             dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n\n"
        )?;
        for i in 0..a.users {
            let uid = user_uid(i);
            let ts = timestamp(i);
            write!(
                w,
                "dn: uid={uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {uid}\n\
                 createTimestamp: {ts}\nmodifyTimestamp: {ts}\n\
                 cn: Given{i} Family{i}\nsn: Family{i}\ngivenName: Given{i}\n\
                 displayName: Given{i} Family{i}\nmail: {uid}@example.org\n\
                 telephoneNumber: +1 555 {:07}\ndepartmentNumber: Dept {}\n\n",
                i % 10_000_000,
                i % 50
            )?;
        }
        for g in 0..a.groups {
            let cn = group_cn(g);
            let ts = timestamp(a.users + g);
            write!(
                w,
                "dn: cn={cn},{GROUPS}\nobjectClass: groupOfNames\ncn: {cn}\n\
                 createTimestamp: {ts}\nmodifyTimestamp: {ts}\n"
            )?;
            for m in group_members(g, a.members, a.users) {
                writeln!(w, "member: uid={},{PEOPLE}", user_uid(m))?;
                memberships += 1;
            }
            writeln!(w)?;
        }
        w.flush()
    };
    out().map_err(|e| format!("writing {}: {e}", path.display()))?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    Ok((memberships, size))
}

// ---------------------------------------------------------------- slapd

fn slapd_conf(d: &Path, root_password: &str) -> String {
    let d = d.display();
    format!(
        "\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {d}/slapd.pid
argsfile {d}/slapd.args

database mdb
maxsize 4294967296
suffix \"{BASE_DN}\"
rootdn \"{ROOT_DN}\"
rootpw {root_password}
directory {d}/data
index objectClass eq
index uid,cn,mail eq
index entryUUID eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
"
    )
}

struct Server {
    process: ServerProcess,
    port: u16,
    password: String,
}

impl Server {
    fn url(&self) -> String {
        format!("ldap://127.0.0.1:{}", self.port)
    }
}

fn run_checked(mut cmd: Command, what: &str) -> Result<(), String> {
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start_slapd(d: &Path, conf: &Path, password: &str) -> Result<Server, String> {
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port();
        let mut cmd = Command::new("slapd");
        cmd.arg("-f")
            .arg(conf)
            .arg("-h")
            .arg(format!("ldap://127.0.0.1:{port}/"))
            .args(["-d", "0"]);
        let mut process = ServerProcess::spawn("slapd", cmd, &d.join("slapd.log"), d)?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(60);
        let ready = loop {
            if let Err(e) = process.check_running() {
                break Err(e);
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                break Ok(());
            }
            if Instant::now() > deadline {
                break Err(format!("slapd did not listen on {addr} within 60 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        match ready {
            Ok(()) => {
                return Ok(Server {
                    process,
                    port,
                    password: password.to_owned(),
                });
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

// ---------------------------------------------------------------- ldapsearch

fn ldapsearch_args(server: &Server, filter: &str, attrs: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "-x",
        "-LLL",
        "-H",
        &server.url(),
        "-D",
        ROOT_DN,
        "-w",
        &server.password,
        "-b",
        BASE_DN,
        "-E",
        &format!("pr={PAGE_SIZE}/noprompt"),
        filter,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.extend(attrs.iter().map(|a| (*a).to_owned()));
    v
}

/// Both searches, one after the other, as separate `ldapsearch` processes
/// (process start and bind included, as the engine's figure includes its
/// connect, bind and RootDSE read). Returns the total and the two parts.
fn ldapsearch_dump(server: &Server) -> Result<(Duration, Duration, Duration), String> {
    let mut parts = Vec::new();
    for (filter, attrs) in [(USER_FILTER, USER_ATTRS), (GROUP_FILTER, GROUP_ATTRS)] {
        let start = Instant::now();
        let status = Command::new("ldapsearch")
            .args(ldapsearch_args(server, filter, attrs))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| format!("cannot run ldapsearch (ldap-utils): {e}"))?;
        parts.push(start.elapsed());
        if !status.success() {
            return Err(format!("ldapsearch {filter} failed: {status}"));
        }
    }
    Ok((parts[0] + parts[1], parts[0], parts[1]))
}

fn ldapsearch_command_line(server: &Server, filter: &str, attrs: &[&str]) -> String {
    ldapsearch_args(server, filter, attrs)
        .into_iter()
        .map(|a| {
            if a == server.password {
                "\"$PW\"".to_owned()
            } else if a.contains(['(', ' ', '|', '&']) {
                format!("'{a}'")
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- engine

struct Engine {
    profile: Profile,
    target: DirectoryTarget,
    /// The profile's source, as the sync takes it through the contract.
    source: LdapSource,
    registry: Registry,
    secrets: MemoryStore,
    team: String,
    runtime: tokio::runtime::Runtime,
}

/// What the state store says Onramp provisioned: users and groups by anchor.
type Known = (BTreeMap<String, KnownUser>, BTreeMap<String, KnownGroup>);

/// One engine pass, phase by phase.
#[derive(Debug, Clone, Copy, Default)]
struct Pass {
    read: Duration,
    map: Duration,
    known: Duration,
    plan: Duration,
    total: Duration,
}

fn profile_text(url: &str, synced: usize) -> String {
    let groups: Vec<String> = (0..synced)
        .map(|g| format!("\"{}\"", group_cn(g)))
        .collect();
    let admin = if synced > 0 {
        format!("admin_groups = [\"{}\"]\n", group_cn(0))
    } else {
        String::new()
    };
    format!(
        "kind = \"ldap\"\n\
         [connection]\n\
         url = \"{url}\"\n\
         base_dn = \"{BASE_DN}\"\n\
         bind_dn = \"{ROOT_DN}\"\n\
         bind_password_secret = \"bind\"\n\
         timeout_seconds = 60\n\
         [sync]\n\
         groups = [{}]\n\
         {admin}\
         [target]\n\
         url = \"https://platform.invalid/scim/v2\"\n\
         auth = \"bearer\"\n\
         token_secret = \"platform\"\n",
        groups.join(", ")
    )
}

impl Engine {
    fn new(url: &str, password: &str, synced: usize) -> Result<Self, String> {
        let text = profile_text(url, synced);
        let profile = parse_profile(PROFILE, Path::new("bench.toml"), &text)
            .map_err(|e| format!("the bench profile does not parse: {e}"))?;
        let target = DirectoryTarget::from_profile(&profile).map_err(|e| e.to_string())?;
        let secrets = MemoryStore::new();
        let name = |n: &str| SecretName::new(n).map_err(|e| e.to_string());
        secrets
            .set(&name("bind")?, &Secret::new(password.to_owned()))
            .map_err(|e| e.to_string())?;
        secrets
            .set(&name("platform")?, &Secret::new("unused".into()))
            .map_err(|e| e.to_string())?;
        let source = LdapSource::new(target.clone());
        let team = profile
            .sync
            .team
            .clone()
            .unwrap_or_else(|| source.default_team());
        // The runtime the `onramp` CLI and the desktop shell use.
        let runtime = onramp_engine::runtime::engine_runtime().map_err(|e| e.to_string())?;
        Ok(Self {
            profile,
            target,
            source,
            registry: onramp_engine::registry(),
            secrets,
            team,
            runtime,
        })
    }

    /// read → map → plan against `known` (or, with `None`, against what the
    /// empty state store `store` holds, loaded the way run_sync loads it).
    fn pass(
        &self,
        known: Option<&Known>,
        store: &StateStore,
    ) -> Result<(Pass, DesiredState, Plan), String> {
        let t0 = Instant::now();
        let (snapshot, _report) = self
            .runtime
            .block_on(read_directory(&self.target, &self.secrets))
            .map_err(|e| format!("read_directory failed: {e}"))?;
        let t1 = Instant::now();
        let complete = snapshot.complete;
        let names = |g: &_, r: &str| self.source.names_group(g, r);
        let desired = desired_state(snapshot, &self.profile.sync, &self.team, &names);
        let t2 = Instant::now();
        let loaded;
        let (users, groups) = match known {
            Some(k) => k,
            None => {
                loaded = known_from_store(store)?;
                &loaded
            }
        };
        let t3 = Instant::now();
        let p = plan(
            &desired,
            users,
            groups,
            self.profile.sync.deprovision,
            complete,
        );
        let t4 = Instant::now();
        Ok((
            Pass {
                read: t1 - t0,
                map: t2 - t1,
                known: t3 - t2,
                plan: t4 - t3,
                total: t4 - t0,
            },
            desired,
            p,
        ))
    }

    /// The real entry point, `run_sync` in preview mode.
    fn run_sync_preview(&self, store: &StateStore) -> Result<(Duration, Plan, String), String> {
        let start = Instant::now();
        let report = self
            .runtime
            .block_on(ops::sync(
                ops::Sync {
                    registry: &self.registry,
                    profile: &self.profile,
                    secrets: &self.secrets,
                    store,
                    preview: true,
                    now_unix: now_unix(),
                    progress: &no_progress,
                    stop: onramp_engine::sync::stop::StopSignal::new(),
                },
                true,
            ))
            .map_err(|e| format!("run_sync failed: {e}"))?;
        let elapsed = start.elapsed();
        if report.status != RunStatus::Preview {
            return Err(format!(
                "run_sync ended {:?}: {}",
                report.status,
                report.message.unwrap_or_default()
            ));
        }
        let kind = match report.read_kind {
            Some(ReadKind::Full { reason }) => format!("FULL read ({reason})"),
            Some(ReadKind::Delta {
                changed_users,
                changed_groups,
                removed,
            }) => format!(
                "DELTA read ({changed_users} users, {changed_groups} groups changed, {removed} removed)"
            ),
            None => "unknown read".to_owned(),
        };
        Ok((elapsed, report.plan, kind))
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The known state as `run_sync` loads it.
fn known_from_store(store: &StateStore) -> Result<Known, String> {
    onramp_engine::sync::run::known_state(store, PROFILE).map_err(|e| e.to_string())
}

/// What a completed first apply would have recorded: every desired object,
/// applied as desired, with a platform id.
fn known_from_desired(desired: &DesiredState) -> Known {
    let users = desired
        .users
        .iter()
        .map(|(a, u)| {
            (
                a.clone(),
                KnownUser {
                    target_id: Some(format!("id-{a}")),
                    applied: DesiredUser::clone(u),
                    deprovisioned: false,
                },
            )
        })
        .collect();
    let groups = desired
        .groups
        .iter()
        .map(|(a, g)| {
            (
                a.clone(),
                KnownGroup {
                    target_id: Some(format!("id-{a}")),
                    applied: DesiredGroup::clone(g),
                },
            )
        })
        .collect();
    (users, groups)
}

/// Records every desired object as applied, the way the apply step does
/// (`record_applied`, one transaction per object), in one apply run.
fn fill_store(store: &StateStore, desired: &DesiredState) -> Result<usize, String> {
    let e = |e: onramp_engine::sync::store::StoreError| e.to_string();
    let now = now_unix();
    let run = store.begin_run(PROFILE, RunMode::Apply, now).map_err(e)?;
    let mut n = 0;
    for u in desired.users.values() {
        let id = format!("id-{}", u.anchor);
        store
            .record_applied(
                run,
                Some(&id),
                &AppliedState::User(DesiredUser::clone(u)),
                "create",
                "",
                now,
            )
            .map_err(e)?;
        n += 1;
    }
    for g in desired.groups.values() {
        let id = format!("id-{}", g.anchor);
        store
            .record_applied(
                run,
                Some(&id),
                &AppliedState::Group(DesiredGroup::clone(g)),
                "create",
                "",
                now,
            )
            .map_err(e)?;
        n += 1;
    }
    store
        .finish_run(run, RunStatus::Ok, &RunSummary::default(), None, now)
        .map_err(e)?;
    Ok(n)
}

fn plan_size(p: &Plan) -> String {
    let memberships: usize = p
        .group_changes
        .iter()
        .map(|c| c.add.len() + c.remove.len())
        .sum::<usize>()
        + p.group_creates
            .iter()
            .map(|g| g.members.len())
            .sum::<usize>();
    format!(
        "{} creates, {} updates, {} deprovisions, {} group creates, {} group changes ({} memberships), {} skipped",
        p.creates.len(),
        p.updates.len(),
        p.deprovisions.len(),
        p.group_creates.len(),
        p.group_changes.len(),
        memberships,
        p.skipped.len()
    )
}

// ---------------------------------------------------------------- fresh process

const CHILD_FLAG: &str = "--child";
const CHILD_PASSWORD_ENV: &str = "ONRAMP_SYNC_BENCH_BIND_PASSWORD";

/// What one engine run in a fresh process measured.
#[derive(Debug, Clone)]
struct ChildRun {
    elapsed: Duration,
    /// VmHWM of the whole child process (KiB).
    hwm: u64,
    /// Creates, updates, group creates + changes.
    counts: [usize; 3],
    plan: String,
    /// How run_sync read (full or delta, and why); empty for `full`.
    read: String,
    /// CPU seconds of the child and of slapd during the run.
    cpu: Cpu,
}

/// `sync-bench --child full|sync URL SYNCED STORE`: one engine run in this
/// fresh process, then three lines on stdout: `elapsed_secs hwm_kb creates
/// updates group_changes`, the plan, the read kind. `full` is
/// read+map+plan against the (empty) store, `sync` is `run_sync` preview
/// against it. The bind password comes in the environment, not on the
/// command line.
fn child() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let [mode, url, synced, store] = args.as_slice() else {
        return Err(format!(
            "usage: sync-bench {CHILD_FLAG} full|sync URL SYNCED STORE"
        ));
    };
    let synced: usize = synced.parse().map_err(|_| "SYNCED is not a number")?;
    let password = std::env::var(CHILD_PASSWORD_ENV)
        .map_err(|_| format!("{CHILD_PASSWORD_ENV} is not set"))?;
    let engine = Engine::new(url, &password, synced)?;
    let store = StateStore::open(Path::new(store)).map_err(|e| e.to_string())?;
    let (elapsed, p, read) = match mode.as_str() {
        "full" => {
            let (pass, _, p) = engine.pass(None, &store)?;
            (pass.total, p, String::new())
        }
        "sync" => engine.run_sync_preview(&store)?,
        other => return Err(format!("unknown child mode {other}")),
    };
    let (hwm, _) = memory_kb();
    println!(
        "{} {hwm} {} {} {}\n{}\n{read}",
        elapsed.as_secs_f64(),
        p.creates.len(),
        p.updates.len(),
        p.group_changes.len() + p.group_creates.len(),
        plan_size(&p)
    );
    Ok(())
}

/// Runs one engine run in a fresh `sync-bench --child` process.
fn run_child(server: &Server, mode: &str, synced: usize, store: &Path) -> Result<ChildRun, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let cpu0 = Cpu::now(server.process.pid());
    let out = Command::new(exe)
        .arg(CHILD_FLAG)
        .arg(mode)
        .arg(server.url())
        .arg(synced.to_string())
        .arg(store)
        .env(CHILD_PASSWORD_ENV, &server.password)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot start the child run: {e}"))?;
    let cpu = Cpu::now(server.process.pid()).since(cpu0);
    if !out.status.success() {
        return Err(format!("the {mode} child run failed ({})", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let bad = || format!("bad child output: {text}");
    let mut lines = text.lines();
    let numbers: Vec<f64> = lines
        .next()
        .ok_or_else(bad)?
        .split_whitespace()
        .map(|n| n.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [elapsed, hwm, creates, updates, groups] = numbers[..] else {
        return Err(bad());
    };
    Ok(ChildRun {
        elapsed: Duration::from_secs_f64(elapsed),
        hwm: hwm as u64,
        counts: [creates as usize, updates as usize, groups as usize],
        plan: lines.next().unwrap_or_default().to_owned(),
        read: lines.next().unwrap_or_default().to_owned(),
        cpu,
    })
}

/// `--ratio-only`: fresh-process full read+plan runs, each between two
/// `ldapsearch` dumps (R engine runs, R + 1 dumps), and two estimates of
/// the ratio: of the medians, and the median of each run's own ratio to the
/// mean of the dumps right before and after it. The second is the steadier
/// on a machine whose speed drifts within a run: a run and its neighbours
/// see the same machine.
fn ratio_only(a: &Args, server: &Server, store_dir: &Path) -> Result<(), String> {
    println!("## ratio only: fresh-process full read+plan, each between two ldapsearch dumps");
    let (mut before, _, _) = ldapsearch_dump(server)?;
    let (mut engine, mut dumps, mut paired) = (Vec::new(), vec![before], Vec::new());
    for i in 1..=a.runs {
        let run = run_child(
            server,
            "full",
            a.synced,
            &store_dir.join(format!("ratio-{i}.sqlite")),
        )?;
        if run.counts[0] != a.users {
            return Err(format!("the fresh-process first plan: {}", run.plan));
        }
        let (after, _, _) = ldapsearch_dump(server)?;
        let ratio = secs(run.elapsed) / ((secs(before) + secs(after)) / 2.0);
        println!(
            "  run {i}: engine {:.3} s (CPU {:.2} s incl. start-up, slapd {:.2} s; peak RSS {:.0} MiB), ldapsearch before {:.3} s, after {:.3} s: ratio {ratio:.2}",
            secs(run.elapsed),
            run.cpu.children,
            run.cpu.slapd,
            mib(run.hwm),
            secs(before),
            secs(after)
        );
        engine.push(run.elapsed);
        dumps.push(after);
        before = after;
        paired.push(Duration::from_secs_f64(ratio));
    }
    let (e, d) = (median(engine), median(dumps));
    println!(
        "  median engine {:.3} s / median ldapsearch {:.3} s = {:.2}",
        secs(e),
        secs(d),
        secs(e) / secs(d)
    );
    println!(
        "  median of the runs' own ratios (each to the mean of its two neighbouring dumps) = {:.2}",
        secs(median(paired))
    );
    Ok(())
}

// ---------------------------------------------------------------- report

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn runs_list(v: &[Duration]) -> String {
    v.iter()
        .map(|d| format!("{:.3}", secs(*d)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn pass_line(i: usize, p: &Pass, peak: &Peak, cpu: &Cpu) -> String {
    format!(
        "  run {i}: {:.3} s (read {:.3}, map {:.3}, known state {:.3}, plan {:.3}); CPU engine {:.2} s, slapd {:.2} s; peak RSS {:.0} MiB (from {:.0} MiB)",
        secs(p.total),
        secs(p.read),
        secs(p.map),
        secs(p.known),
        secs(p.plan),
        cpu.own,
        cpu.slapd,
        mib(peak.hwm),
        mib(peak.base)
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

// ---------------------------------------------------------------- bench

fn bench(a: &Args) -> Result<(), String> {
    let command: Vec<String> = std::env::args().collect();
    println!("# onramp sync-bench");
    println!("command: {}", command.join(" "));
    println!("{}", machine());
    println!(
        "data:    {} users, {} groups x {} members, {} of the groups synced (sync.groups), 1 admin group; {} measured runs per figure",
        a.users, a.groups, a.members, a.synced, a.runs
    );
    let reset_ok = reset_peak();
    let (_, rss0) = memory_kb();
    println!(
        "peak RSS: VmHWM of this process, {} before each measured phase; the process holds {:.0} MiB before any engine work",
        if reset_ok {
            "reset through /proc/self/clear_refs"
        } else {
            "NOT resettable here (clear_refs refused), so every figure is the process peak so far"
        },
        mib(rss0)
    );
    println!();

    // ---- load
    let dir = tempfile::Builder::new()
        .prefix("onramp-sync-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temp folder: {e}"))?;
    let d = dir.path();
    std::fs::create_dir_all(d.join("data")).map_err(|e| e.to_string())?;
    let password = onramp_tests::random_hex(12);
    let conf = d.join("slapd.conf");
    std::fs::write(&conf, slapd_conf(d, &password)).map_err(|e| e.to_string())?;
    let ldif = d.join("bulk.ldif");
    let t = Instant::now();
    let (memberships, ldif_size) = write_ldif(&ldif, a)?;
    let generated = t.elapsed();
    let t = Instant::now();
    let mut slapadd = Command::new("slapadd");
    slapadd.arg("-q").arg("-f").arg(&conf).arg("-l").arg(&ldif);
    run_checked(slapadd, "slapadd")?;
    let loaded = t.elapsed();
    let _ = std::fs::remove_file(&ldif);
    let t = Instant::now();
    let server = start_slapd(d, &conf, &password)?;
    let started = t.elapsed();
    // Allocated blocks: the file's length is the whole (sparse) maxsize.
    let db_size = std::fs::metadata(d.join("data/data.mdb")).map_or(0, |m| m.blocks() * 512);
    println!("## load (not part of the figures)");
    println!(
        "  LDIF generated in {:.1} s ({:.0} MiB, {} memberships); slapadd -q {:.1} s; slapd up in {:.1} s on {}; data.mdb {:.0} MiB",
        secs(generated),
        ldif_size as f64 / 1048576.0,
        memberships,
        secs(loaded),
        secs(started),
        server.url(),
        db_size as f64 / 1048576.0
    );
    println!();

    let engine = Engine::new(&server.url(), &server.password, a.synced)?;
    let store_dir = store_dir()?;
    let empty_store =
        StateStore::open(&store_dir.path().join("empty.sqlite")).map_err(|e| e.to_string())?;

    println!("## baseline: ldapsearch (the engine's two searches)");
    println!(
        "  PW=<root password> ldapsearch {}",
        ldapsearch_command_line(&server, USER_FILTER, USER_ATTRS)
    );
    println!(
        "  PW=<root password> ldapsearch {}",
        ldapsearch_command_line(&server, GROUP_FILTER, GROUP_ATTRS)
    );
    let (w, _, _) = ldapsearch_dump(&server)?;
    println!(
        "  warm-up (not counted): {:.3} s; the engine's runs are interleaved with the ldapsearch runs",
        secs(w)
    );
    println!();
    if a.ratio_only {
        return ratio_only(a, &server, &store_dir.path());
    }

    // ---- (a) + (b): full read+plan against an empty store, interleaved.
    let mut full = Vec::new();
    let mut dumps = Vec::new();
    let mut desired0 = None;
    let mut inproc_peak = 0u64;
    let mut lines_a = Vec::new();
    let mut lines_b = Vec::new();
    let mut first_plan = String::new();
    for i in 1..=a.runs {
        let cpu0 = Cpu::now(server.process.pid());
        let (r, peak) = with_peak(reset_ok, || engine.pass(None, &empty_store));
        let cpu = Cpu::now(server.process.pid()).since(cpu0);
        let (pass, desired, p) = r?;
        inproc_peak = inproc_peak.max(peak.hwm);
        lines_a.push(pass_line(i, &pass, &peak, &cpu));
        full.push(pass.total);
        if p.creates.len() != desired.users.len() || desired.users.len() != a.users {
            return Err(format!(
                "the first plan should create all {} users: {}",
                a.users,
                plan_size(&p)
            ));
        }
        first_plan = plan_size(&p);
        drop(p);
        desired0.get_or_insert(desired);
        let cpu0 = Cpu::now(server.process.pid());
        let (total, users, groups) = ldapsearch_dump(&server)?;
        let cpu = Cpu::now(server.process.pid()).since(cpu0);
        lines_b.push(format!(
            "  run {i}: {:.3} s (users {:.3}, groups {:.3}); CPU ldapsearch {:.2} s, slapd {:.2} s",
            secs(total),
            secs(users),
            secs(groups),
            cpu.children,
            cpu.slapd
        ));
        dumps.push(total);
    }
    let desired0 = desired0.ok_or("no run")?;
    println!(
        "## (a) engine full read+plan (read_directory + desired_state + plan, empty state store), in this process"
    );
    for l in &lines_a {
        println!("{l}");
    }
    println!("  plan: {first_plan}");
    println!("## (b) ldapsearch paged dump of the same entries and attributes");
    for l in &lines_b {
        println!("{l}");
    }
    let full_m = median(full.clone());
    let dump_m = median(dumps.clone());
    let ratio = secs(full_m) / secs(dump_m);
    println!("## (c) ratio");
    println!(
        "  median full read+plan {:.3} s / median ldapsearch {:.3} s = {ratio:.2}",
        secs(full_m),
        secs(dump_m)
    );
    let mut fresh_full = Vec::new();
    for i in 1..=a.runs {
        let path = store_dir.path().join(format!("empty-{i}.sqlite"));
        let run = run_child(&server, "full", a.synced, &path)?;
        let [creates, _, _] = run.counts;
        println!(
            "  same in a fresh process, run {i}: {:.3} s; CPU process {:.2} s (incl. start-up), slapd {:.2} s; process peak RSS {:.0} MiB",
            secs(run.elapsed),
            run.cpu.children,
            run.cpu.slapd,
            mib(run.hwm)
        );
        if creates != a.users {
            return Err(format!("the fresh-process first plan: {}", run.plan));
        }
        fresh_full.push(run);
    }
    println!();

    // ---- (d) no change: known state = what the first apply would have recorded.
    println!("## (d) second run, no change in the directory");
    println!(
        "  (1) read_directory: always a FULL read (not a delta) + map + plan, diffed against the known state"
    );
    let known = known_from_desired(&desired0);
    println!(
        "  known state built in memory from the first run's desired state: {} users, {} groups, each with a platform id",
        known.0.len(),
        known.1.len()
    );
    let mut nochange = Vec::new();
    for i in 1..=a.runs {
        let cpu0 = Cpu::now(server.process.pid());
        let (r, peak) = with_peak(reset_ok, || engine.pass(Some(&known), &empty_store));
        let cpu = Cpu::now(server.process.pid()).since(cpu0);
        let (pass, _, p) = r?;
        inproc_peak = inproc_peak.max(peak.hwm);
        println!(
            "{}; plan: {}",
            pass_line(i, &pass, &peak, &cpu),
            plan_size(&p)
        );
        if !p.is_empty() {
            return Err(format!(
                "the no-change plan is not empty: {}",
                plan_size(&p)
            ));
        }
        nochange.push(pass.total);
    }
    let nochange_m = median(nochange.clone());
    println!("  median {:.3} s", secs(nochange_m));

    // The same through run_sync, with the known state in a SQLite store.
    let store_path = store_dir.path().join("state.sqlite");
    let store = StateStore::open(&store_path).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let recorded = fill_store(&store, &desired0)?;
    drop(known);
    drop(desired0);
    println!(
        "  state store filled with {recorded} objects (record_applied, one transaction each) in {:.1} s ({}); not part of the figures",
        secs(t.elapsed()),
        store_dir.kind
    );
    // The store has no read cursor yet: this run reads everything, writes
    // the source mirror and the cursor; later runs may read a delta.
    let first = run_child(&server, "sync", a.synced, &store_path)?;
    println!(
        "  run_sync preview in a fresh process, known state from SQLite, first run on this store (not counted): {:.3} s, {}; CPU process {:.2} s (incl. start-up), slapd {:.2} s; process peak RSS {:.0} MiB; plan: {}",
        secs(first.elapsed),
        first.read,
        first.cpu.children,
        first.cpu.slapd,
        mib(first.hwm),
        first.plan
    );
    if first.counts != [0, 0, 0] {
        return Err(format!("the no-change plan is not empty: {}", first.plan));
    }
    let mut sync_nochange = Vec::new();
    for i in 1..=a.runs {
        let run = run_child(&server, "sync", a.synced, &store_path)?;
        println!(
            "  run_sync preview in a fresh process, known state from SQLite, run {i}: {:.3} s, {}; CPU process {:.2} s (incl. start-up), slapd {:.2} s; process peak RSS {:.0} MiB; plan: {}",
            secs(run.elapsed),
            run.read,
            run.cpu.children,
            run.cpu.slapd,
            mib(run.hwm),
            run.plan
        );
        if run.counts != [0, 0, 0] {
            return Err(format!("the no-change plan is not empty: {}", run.plan));
        }
        sync_nochange.push(run);
    }
    let sync_nochange_m = median(sync_nochange.iter().map(|r| r.elapsed).collect());
    println!(
        "  median (run_sync, fresh process) {:.3} s",
        secs(sync_nochange_m)
    );
    println!();

    // ---- (e) 1 % of the users change their displayName.
    let step = 100;
    let changed: Vec<usize> = (0..a.users).step_by(step).collect();
    let mut mods = String::new();
    for &i in &changed {
        let _ = write!(
            mods,
            "dn: uid={},{PEOPLE}\nchangetype: modify\nreplace: displayName\ndisplayName: Renamed{i} Family{i}\n-\n\n",
            user_uid(i)
        );
    }
    let mods_path = d.join("modify.ldif");
    std::fs::write(&mods_path, mods).map_err(|e| e.to_string())?;
    let t = Instant::now();
    let mut ldapmodify = Command::new("ldapmodify");
    ldapmodify
        .args([
            "-x",
            "-H",
            &server.url(),
            "-D",
            ROOT_DN,
            "-w",
            &server.password,
            "-f",
        ])
        .arg(&mods_path);
    run_checked(ldapmodify, "ldapmodify")?;
    println!("## (e) second run after 1 % of the users changed");
    println!(
        "  ldapmodify: displayName of {} users (every {step}th) replaced in {:.1} s (not part of the figures)",
        changed.len(),
        secs(t.elapsed())
    );
    println!("  (1) read_directory: a FULL read (not a delta) + map + plan");
    let known = known_from_store(&store)?;
    println!("  known state: as in (d), loaded once from the filled store");
    let mut onepct = Vec::new();
    for i in 1..=a.runs {
        let cpu0 = Cpu::now(server.process.pid());
        let (r, peak) = with_peak(reset_ok, || engine.pass(Some(&known), &empty_store));
        let cpu = Cpu::now(server.process.pid()).since(cpu0);
        let (pass, _, p) = r?;
        inproc_peak = inproc_peak.max(peak.hwm);
        println!(
            "{}; plan: {}",
            pass_line(i, &pass, &peak, &cpu),
            plan_size(&p)
        );
        check_one_percent(&p, changed.len())?;
        onepct.push(pass.total);
    }
    drop(known);
    let onepct_m = median(onepct.clone());
    println!("  median {:.3} s", secs(onepct_m));
    let mut sync_onepct = Vec::new();
    for i in 1..=a.runs {
        let run = run_child(&server, "sync", a.synced, &store_path)?;
        let [creates, updates, groups] = run.counts;
        println!(
            "  run_sync preview in a fresh process, known state from SQLite, run {i}: {:.3} s, {}; CPU process {:.2} s (incl. start-up), slapd {:.2} s; process peak RSS {:.0} MiB; plan: {}",
            secs(run.elapsed),
            run.read,
            run.cpu.children,
            run.cpu.slapd,
            mib(run.hwm),
            run.plan
        );
        if creates != 0 || updates != changed.len() || groups != 0 {
            return Err(format!(
                "the 1 % plan should update exactly the {} changed users: {}",
                changed.len(),
                run.plan
            ));
        }
        sync_onepct.push(run);
    }
    let sync_onepct_m = median(sync_onepct.iter().map(|r| r.elapsed).collect());
    println!(
        "  median (run_sync, fresh process) {:.3} s",
        secs(sync_onepct_m)
    );
    println!();

    // ---- (f) peak RSS
    let peak_of = |runs: &[ChildRun]| runs.iter().map(|r| r.hwm).max().unwrap_or(0);
    let fresh_full_peak = peak_of(&fresh_full);
    let fresh_sync_peak = peak_of(&sync_nochange)
        .max(peak_of(&sync_onepct))
        .max(first.hwm);
    let fresh_peak = fresh_full_peak.max(fresh_sync_peak);
    println!("## (f) peak RSS");
    println!(
        "  fresh process (VmHWM of a process that does one engine run, runtime and all): first sync {:.0} MiB, second sync via run_sync {:.0} MiB",
        mib(fresh_full_peak),
        mib(fresh_sync_peak)
    );
    println!(
        "  in this process (VmHWM reset before each run, so it includes what the allocator kept from earlier runs and, in (d)/(e), the known state): up to {:.0} MiB",
        mib(inproc_peak)
    );
    println!();

    // ---- summary
    let fresh_full_m = median(fresh_full.iter().map(|r| r.elapsed).collect());
    println!(
        "## summary: N = {} users, {} groups, {} memberships, {} groups synced",
        a.users, a.groups, memberships, a.synced
    );
    println!(
        "  full read+plan (empty store)            {:>7.3} s   runs {}   (fresh process: {:.3} s)",
        secs(full_m),
        runs_list(&full),
        secs(fresh_full_m)
    );
    println!(
        "  ldapsearch paged dump (2 searches)      {:>7.3} s   runs {}",
        secs(dump_m),
        runs_list(&dumps)
    );
    println!(
        "  ratio                                   {ratio:>7.2}     target <= 1.3: {}",
        verdict(ratio <= 1.3)
    );
    println!(
        "  no change, FULL read (read_directory)   {:>7.3} s   runs {}",
        secs(nochange_m),
        runs_list(&nochange)
    );
    let sync_nochange_runs: Vec<Duration> = sync_nochange.iter().map(|r| r.elapsed).collect();
    println!(
        "  no change, run_sync (fresh process)     {:>7.3} s   runs {}   target <= 2 s (at 100k): {}; {}",
        secs(sync_nochange_m),
        runs_list(&sync_nochange_runs),
        verdict(secs(sync_nochange_m) <= 2.0),
        read_kinds(&sync_nochange)
    );
    println!(
        "  1 % change, FULL read (read_directory)  {:>7.3} s   runs {}   ({} updates)",
        secs(onepct_m),
        runs_list(&onepct),
        changed.len()
    );
    let sync_onepct_runs: Vec<Duration> = sync_onepct.iter().map(|r| r.elapsed).collect();
    println!(
        "  1 % change, run_sync (fresh process)    {:>7.3} s   runs {}   {}",
        secs(sync_onepct_m),
        runs_list(&sync_onepct_runs),
        read_kinds(&sync_onepct)
    );
    println!(
        "  peak RSS (fresh process)                {:>7.0} MiB (first sync {:.0}, run_sync {:.0})   target <= 250 MB: {}",
        mib(fresh_peak),
        mib(fresh_full_peak),
        mib(fresh_sync_peak),
        verdict(fresh_peak * 1024 <= 250_000_000)
    );
    println!(
        "  note: read_directory always reads everything; run_sync (the CLI's path, preview, known state and source mirror loaded from SQLite) reads a delta when the store holds a cursor, see the read kinds"
    );
    println!("  at the end, {}", load_average());
    Ok(())
}

/// The distinct read kinds of some runs.
fn read_kinds(runs: &[ChildRun]) -> String {
    let kinds: BTreeSet<&str> = runs.iter().map(|r| r.read.as_str()).collect();
    kinds.into_iter().collect::<Vec<_>>().join(" / ")
}

fn check_one_percent(p: &Plan, changed: usize) -> Result<(), String> {
    let display_only = p
        .updates
        .iter()
        .all(|u| u.changes.len() == 1 && u.changes[0].attribute == "displayName");
    if p.updates.len() != changed
        || !display_only
        || !p.creates.is_empty()
        || !p.group_creates.is_empty()
        || !p.group_changes.is_empty()
        || !p.deprovisions.is_empty()
    {
        return Err(format!(
            "the 1 % plan should update exactly the {changed} changed displayNames: {}",
            plan_size(p)
        ));
    }
    Ok(())
}

/// Where the SQLite state stores go: /dev/shm when it exists (filling a
/// store is one fsync'd transaction per object, which on a disk would take
/// minutes and is not what is measured), else the temp folder.
struct StoreDir {
    dir: tempfile::TempDir,
    kind: &'static str,
}

impl StoreDir {
    fn path(&self) -> PathBuf {
        self.dir.path().to_owned()
    }
}

fn store_dir() -> Result<StoreDir, String> {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("onramp-sync-bench-")
            .tempdir_in(shm)
    {
        return Ok(StoreDir {
            dir,
            kind: "on /dev/shm (tmpfs)",
        });
    }
    let dir = tempfile::Builder::new()
        .prefix("onramp-sync-bench-store-")
        .tempdir()
        .map_err(|e| format!("cannot create a temp folder: {e}"))?;
    Ok(StoreDir {
        dir,
        kind: "in the temp folder",
    })
}
