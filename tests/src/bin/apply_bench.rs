//! `apply-bench`: the write side of a sync, measured. A benchmark command,
//! not a test (docs/benchmarks.md).
//!
//! ```sh
//! cargo run --release -p onramp-tests --bin apply-bench -- --users 10000
//! ```
//!
//! For each target (`fast`: the tests' own in-memory SCIM server, so the
//! client's own cost shows; `scim2-server`: the Python reference server)
//! and each mode (`bulk`: the server offers SCIM Bulk; `single`: it does
//! not), on a fresh empty server:
//!
//! 1. a first sync of N users and N/10 groups of 30 members (plus the
//!    integration's team group of everyone), through the engine's
//!    `Applier` with a SQLite state store, as `onramp sync` applies;
//! 2. a 1 % change run (the family name of every 100th user) and a
//!    no-change run, planned against what the first run recorded;
//! 3. on another fresh server, a plain HTTP client (reqwest, no state
//!    store, no look-ups, no retries) sending the same creates at the same
//!    concurrency: one POST per user and per group, or the same bulk
//!    bodies.
//!
//! It prints requests per created user, per changed user and per group,
//! the wall time of each apply, the plain client's, and their ratio.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use onramp_engine::http::http_client;
use onramp_engine::platform::scim::bulk::{BulkLimits, BulkOperation, chunk_operations};
use onramp_engine::platform::scim::{
    Member, RetryPolicy, ScimClient, ScimGroup, TokioClock, for_each_concurrent,
};
use onramp_engine::profile::{ConflictPolicy, DeprovisionPolicy};
use onramp_engine::secret::Secret;
use onramp_engine::sync::apply::{Applier, ApplyCounts};
use onramp_engine::sync::model::{DesiredGroup, DesiredState, DesiredUser};
use onramp_engine::sync::plan::{Plan, plan};
use onramp_engine::sync::run::known_state;
use onramp_engine::sync::scim_map::to_scim_user;
use onramp_engine::sync::stop::StopSignal;
use onramp_engine::sync::store::{RunMode, RunStatus, RunSummary, StateStore};
use onramp_tests::fast_scim::{FastScim, FastScimConfig};
use onramp_tests::scim::ScimServer;

const PROFILE: &str = "bench";
const ADMIN_ROLE: &str = "admin";

struct Options {
    users: usize,
    concurrency: usize,
    targets: Vec<String>,
    modes: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        users: 10_000,
        concurrency: 4,
        targets: vec!["fast".into(), "scim2-server".into()],
        modes: vec!["single".into(), "bulk".into()],
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--users" => o.users = value()?.parse().map_err(|e| format!("--users: {e}"))?,
            "--concurrency" => {
                o.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?;
            }
            "--targets" => o.targets = value()?.split(',').map(str::to_owned).collect(),
            "--modes" => o.modes = value()?.split(',').map(str::to_owned).collect(),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(o)
}

/// A fresh server of `target`, with or without Bulk.
enum Server {
    Fast(FastScim),
    Python(ScimServer),
}

impl Server {
    fn start(target: &str, bulk: bool, token: &str) -> Result<Self, String> {
        match target {
            "fast" => {
                let config = FastScimConfig {
                    bulk: bulk.then_some((1000, 1024 * 1024)),
                    ..FastScimConfig::default()
                };
                FastScim::start(config, token).map(Server::Fast)
            }
            "scim2-server" => ScimServer::start_with_bulk(bulk).map(Server::Python),
            other => Err(format!("unknown target {other}")),
        }
    }

    fn base_url(&self) -> String {
        match self {
            Server::Fast(f) => f.base_url(),
            Server::Python(p) => p.base_url(),
        }
    }

    fn token(&self, fast_token: &str) -> String {
        match self {
            Server::Fast(_) => fast_token.to_owned(),
            Server::Python(p) => p.token().to_owned(),
        }
    }
}

/// N users, N/10 groups of 30 members each (member i of group g is user
/// (g * 30 + i) mod N), and the team group of everyone.
fn desired(n: usize) -> DesiredState {
    let mut state = DesiredState::default();
    let groups = (n / 10).max(1);
    for i in 0..n {
        let anchor = format!("{:08x}-0000-4000-8000-{:012x}", i, i);
        let mail = format!("user{i}@bench.example");
        state.users.insert(
            anchor.clone(),
            Arc::new(DesiredUser {
                anchor,
                user_name: mail.clone(),
                email: mail,
                given_name: Some("Bench".into()),
                family_name: Some(format!("User {i}")),
                display_name: Some(format!("Bench User {i}")),
                phone: None,
                department: Some(format!("Dept {}", i % 50)),
                active: true,
                admin: false,
                tags: Vec::new(),
            }),
        );
    }
    let anchors: Vec<String> = state.users.keys().cloned().collect();
    state.groups.insert(
        "team:Bench".into(),
        Arc::new(DesiredGroup {
            anchor: "team:Bench".into(),
            display_name: "Bench".into(),
            members: anchors.iter().cloned().collect(),
        }),
    );
    for g in 0..groups {
        let members: BTreeSet<String> = (0..30)
            .map(|i| anchors[(g * 30 + i) % anchors.len()].clone())
            .collect();
        let anchor = format!("group-{g:08}");
        state.groups.insert(
            anchor.clone(),
            Arc::new(DesiredGroup {
                anchor,
                display_name: format!("Bench group {g}"),
                members,
            }),
        );
    }
    state
}

async fn client(base: &str, token: &str) -> Result<ScimClient, String> {
    let http = http_client(None, Duration::from_secs(120)).map_err(|e| e.to_string())?;
    let url = url::Url::parse(base).map_err(|e| e.to_string())?;
    ScimClient::discover(
        http,
        url,
        Secret::new(format!("Bearer {token}")),
        RetryPolicy::default(),
        Arc::new(TokioClock),
    )
    .await
    .map_err(|e| format!("discover: {e}"))
}

struct Applied {
    counts: ApplyCounts,
    requests: u64,
    took: Duration,
}

/// Plans `desired` against the store and applies it as `onramp sync` does.
async fn apply(
    base: &str,
    token: &str,
    store: &StateStore,
    desired: &DesiredState,
    concurrency: usize,
) -> Result<(Plan, Applied), String> {
    let (users, groups) = known_state(store, PROFILE).map_err(|e| e.to_string())?;
    let plan = plan(
        desired,
        &users,
        &groups,
        DeprovisionPolicy::Deactivate,
        true,
    );
    let user_ids = users
        .iter()
        .filter_map(|(a, k)| k.target_id.clone().map(|id| (a.clone(), id)))
        .collect();
    let group_members = groups
        .iter()
        .filter(|(_, k)| k.target_id.is_some())
        .map(|(a, k)| (a.clone(), k.applied.members.clone()))
        .collect();
    let started = Instant::now();
    let client = client(base, token).await?;
    let now = now_unix();
    let run = store
        .begin_run(PROFILE, RunMode::Apply, now)
        .map_err(|e| e.to_string())?;
    let stop = StopSignal::new();
    let mut applier = Applier {
        client: &client,
        store,
        run,
        admin_role: ADMIN_ROLE,
        concurrency,
        user_ids,
        group_members,
        clock: &now_unix,
        conflict: ConflictPolicy::DirectoryWins,
        platform_wins: &[],
        stop: &stop,
    };
    let counts = applier.apply(&plan).await.map_err(|e| e.to_string())?;
    let took = started.elapsed();
    store
        .finish_run(run, RunStatus::Ok, &RunSummary::default(), None, now_unix())
        .map_err(|e| e.to_string())?;
    Ok((
        plan,
        Applied {
            counts,
            requests: client.requests_sent(),
            took,
        },
    ))
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The plain client: the same creates, nothing else.
async fn plain(
    base: &str,
    token: &str,
    desired: &DesiredState,
    bulk: Option<BulkLimits>,
    concurrency: usize,
) -> Result<(u64, Duration), String> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .map_err(|e| e.to_string())?;
    let auth = format!("Bearer {token}");
    let started = Instant::now();
    let post = |path: String, body: Vec<u8>| {
        let (http, auth) = (&http, &auth);
        async move {
            let r = http
                .post(format!("{base}{path}"))
                .header("authorization", auth)
                .header("content-type", "application/scim+json")
                .body(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = r.status();
            let text = r.bytes().await.map_err(|e| e.to_string())?;
            if !status.is_success() {
                return Err(format!(
                    "{path}: {status}: {}",
                    String::from_utf8_lossy(&text)
                ));
            }
            serde_json::from_slice::<serde_json::Value>(&text).map_err(|e| e.to_string())
        }
    };
    let mut requests = 0u64;
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let users: Vec<&Arc<DesiredUser>> = desired.users.values().collect();
    let groups: Vec<&Arc<DesiredGroup>> = desired.groups.values().collect();
    let group_of = |g: &DesiredGroup, ids: &BTreeMap<String, String>| ScimGroup {
        external_id: Some(g.anchor.clone()),
        display_name: g.display_name.clone(),
        members: g
            .members
            .iter()
            .filter_map(|a| ids.get(a))
            .map(|v| Member {
                value: v.clone(),
                ..Member::default()
            })
            .collect(),
        ..ScimGroup::default()
    };
    match bulk {
        None => {
            let answers = for_each_concurrent(users.iter(), concurrency, |u| {
                let body = serde_json::to_vec(&to_scim_user(u, ADMIN_ROLE)).unwrap_or_default();
                post("/Users".into(), body)
            })
            .await;
            for (u, a) in users.iter().zip(answers) {
                ids.insert(
                    u.anchor.clone(),
                    a?["id"].as_str().unwrap_or_default().to_owned(),
                );
            }
            requests += users.len() as u64;
            let ids = &ids;
            let answers = for_each_concurrent(groups.iter(), concurrency, |g| {
                let body = serde_json::to_vec(&group_of(g, ids)).unwrap_or_default();
                post("/Groups".into(), body)
            })
            .await;
            for a in answers {
                a?;
            }
            requests += groups.len() as u64;
        }
        Some(limits) => {
            let ops: Vec<BulkOperation> = users
                .iter()
                .enumerate()
                .map(|(i, u)| BulkOperation::create(&format!("u{i}"), &to_scim_user(u, ADMIN_ROLE)))
                .collect::<Result<_, _>>()
                .map_err(|e| e.to_string())?;
            let bodies = bulk_bodies(&ops, limits);
            requests += bodies.len() as u64;
            let answers =
                for_each_concurrent(bodies, concurrency, |b| post("/Bulk".into(), b)).await;
            let mut i = 0;
            for a in answers {
                for op in a?["Operations"].as_array().into_iter().flatten() {
                    let id = op["location"]
                        .as_str()
                        .and_then(|l| l.rsplit('/').next())
                        .unwrap_or_default();
                    ids.insert(users[i].anchor.clone(), id.to_owned());
                    i += 1;
                }
            }
            // A group too large for any bulk request (the team group of a
            // large directory) is a POST of its own, as the engine sends it.
            let mut ops = Vec::new();
            for (i, g) in groups.iter().enumerate() {
                let group = group_of(g, &ids);
                let op =
                    BulkOperation::create(&format!("g{i}"), &group).map_err(|e| e.to_string())?;
                if op.encoded_len() + 100 > limits.max_payload_bytes {
                    post(
                        "/Groups".into(),
                        serde_json::to_vec(&group).unwrap_or_default(),
                    )
                    .await?;
                    requests += 1;
                } else {
                    ops.push(op);
                }
            }
            let bodies = bulk_bodies(&ops, limits);
            requests += bodies.len() as u64;
            for a in for_each_concurrent(bodies, concurrency, |b| post("/Bulk".into(), b)).await {
                a?;
            }
        }
    }
    Ok((requests, started.elapsed()))
}

fn bulk_bodies(ops: &[BulkOperation], limits: BulkLimits) -> Vec<Vec<u8>> {
    let sizes: Vec<usize> = ops.iter().map(BulkOperation::encoded_len).collect();
    let mut out = Vec::new();
    let mut at = 0;
    for n in chunk_operations(&sizes, limits) {
        out.push(BulkOperation::request_body(&ops[at..at + n]));
        at += n;
    }
    out
}

async fn bench(o: &Options, target: &str, mode: &str) -> Result<(), String> {
    let bulk = mode == "bulk";
    let fast_token = onramp_tests::random_hex(16);
    let n = o.users;
    let mut state = desired(n);
    let groups = state.groups.len();
    println!(
        "\n---- {target}, {mode}: {n} users, {groups} groups (the team group of all, {} of 30), concurrency {}",
        groups - 1,
        o.concurrency
    );

    let server = Server::start(target, bulk, &fast_token)?;
    let (base, token) = (server.base_url(), server.token(&fast_token));
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = StateStore::open(&dir.path().join("state.sqlite")).map_err(|e| e.to_string())?;

    let (_, first) = apply(&base, &token, &store, &state, o.concurrency).await?;
    let c = first.counts;
    if c.created as usize != n || c.groups_changed as usize != groups || c.failed > 0 {
        return Err(format!("the first sync did not apply everything: {c:?}"));
    }
    if let Server::Fast(f) = &server {
        let (u, g) = f.sizes();
        if u != n || g != groups || f.memberships() != n + (groups - 1) * 30 {
            return Err(format!(
                "the fake holds {u} users, {g} groups, {} memberships",
                f.memberships()
            ));
        }
    }
    // Without Bulk each group costs its one POST; the rest is the users'.
    let group_requests = if bulk { 0 } else { groups as u64 };
    println!(
        "  first sync: {:.2} s, {} requests: {:.4} per created user{}, {:.3} per group",
        first.took.as_secs_f64(),
        first.requests,
        (first.requests - group_requests) as f64 / n as f64,
        if bulk {
            ""
        } else {
            " (besides one POST per group)"
        },
        if bulk {
            first.requests as f64 / groups as f64
        } else {
            1.0
        },
    );

    // 1 %: every 100th user's family name.
    let changed: Vec<String> = state.users.keys().step_by(100).cloned().collect();
    for a in &changed {
        if let Some(u) = state.users.get_mut(a) {
            let mut u2 = DesiredUser::clone(u);
            u2.family_name = Some(format!("{} (changed)", u2.family_name.unwrap_or_default()));
            *u = Arc::new(u2);
        }
    }
    let (plan, change) = apply(&base, &token, &store, &state, o.concurrency).await?;
    if change.counts.updated as usize != changed.len() || plan.updates.len() != changed.len() {
        return Err(format!("the change run updated {:?}", change.counts));
    }
    println!(
        "  1 % change run ({} users): {:.2} s, {} requests: {:.3} per changed user",
        changed.len(),
        change.took.as_secs_f64(),
        change.requests,
        change.requests as f64 / changed.len() as f64
    );
    let (plan, idle) = apply(&base, &token, &store, &state, o.concurrency).await?;
    let writes = plan.creates.len()
        + plan.updates.len()
        + plan.group_creates.len()
        + plan.group_changes.len();
    println!(
        "  no-change run: {:.3} s, {} requests, {writes} writes",
        idle.took.as_secs_f64(),
        idle.requests
    );
    drop(server);

    let server = Server::start(target, bulk, &fast_token)?;
    let (base, token) = (server.base_url(), server.token(&fast_token));
    let limits = bulk.then_some(BulkLimits {
        max_operations: 1000,
        max_payload_bytes: 1024 * 1024,
    });
    let (requests, took) = plain(&base, &token, &state, limits, o.concurrency).await?;
    println!(
        "  plain client, same creates: {:.2} s, {requests} requests; Onramp's first sync / plain = {:.2}",
        took.as_secs_f64(),
        first.took.as_secs_f64() / took.as_secs_f64()
    );
    Ok(())
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    onramp_tests::ensure_crypto_provider();
    let mut failed = false;
    for target in &o.targets {
        for mode in &o.modes {
            if let Err(e) = runtime.block_on(bench(&o, target, mode)) {
                eprintln!("error: {target}, {mode}: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
