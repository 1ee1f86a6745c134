//! How the sync writes to the platform: one listing instead of look-ups,
//! SCIM Bulk where offered, lost bulk answers, and the request counts that
//! prove it. Against a real scim2-server (Bulk on by default), through the
//! fault proxy, which counts every request and can take Bulk out of the
//! ServiceProviderConfig, cap listings, or lose answers.

use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::Fixtures;
use onramp_tests::directory::SyncDirectory;
use onramp_tests::fault_proxy::{Fault, FaultProxy};
use onramp_tests::onramp_cli::describe;
use onramp_tests::samba::UserSpec;
use onramp_tests::{ensure, trial};
use serde_json::{Value, json};

use super::sync_e2e::{Setup, group_members, platform_proxy, setup_with, sync_json, unique_users};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "platform::adopt_from_the_listing",
            adopt_from_the_listing,
        ),
        trial(
            fx,
            "platform::capped_listing_falls_back_to_lookups",
            capped_listing_falls_back_to_lookups,
        ),
        trial(fx, "platform::single_requests_without_bulk", |fx| {
            request_counts(fx, false)
        }),
        trial(fx, "platform::bulk_requests_with_bulk", |fx| {
            request_counts(fx, true)
        }),
        trial(
            fx,
            "platform::bulk_with_one_failing_operation",
            bulk_with_one_failing_operation,
        ),
        trial(
            fx,
            "platform::lost_bulk_answers_converge",
            lost_bulk_answers_converge,
        ),
    ]
}

/// Requests that looked an object up by filter.
fn lookups(proxy: &FaultProxy) -> usize {
    proxy
        .requests()
        .iter()
        .filter(|l| l.starts_with("GET ") && l.contains("filter="))
        .count()
}

/// Forgets everything the state store knew (as on a new machine).
fn forget_state(s: &Setup) -> Result<(), String> {
    for suffix in ["", "-wal", "-shm"] {
        let path = s.cli.data_dir().join(format!("state.sqlite{suffix}"));
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn users(
    dir: &dyn SyncDirectory,
    s: &Setup,
    prefix: &str,
    n: usize,
) -> Result<Vec<String>, String> {
    let d = dir.mail_domain();
    (0..n)
        .map(|i| {
            dir.add_user(
                &s.ou,
                &UserSpec::new(&format!("{prefix}{i}{}", s.tag))
                    .name("Listed", &format!("{i}"))
                    .mail(&format!("{prefix}{i}{}@{d}", s.tag)),
            )
        })
        .collect()
}

/// A user made by hand on the platform beforehand is adopted by userName
/// (compared case-insensitively) from the listing; after the state store
/// is lost, every user and group is adopted by externalId from the
/// listing. No look-up by filter, no duplicate.
fn adopt_from_the_listing(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let d = dir.mail_domain();
    let (scim, proxy, url) = platform_proxy(fx, true, 1000)?;
    let tag = onramp_tests::random_hex(3);
    let hand = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": format!("HAND{tag}@{d}").to_uppercase(),
        "displayName": "Made by hand"
    });
    let (status, made) = scim.request("POST", "/Users", Some(&hand))?;
    ensure(status == 201, || format!("{status} {made}"))?;
    let hand_id = made["id"].as_str().unwrap_or_default().to_owned();
    let mut s = setup_with(dir, "groups = [\"Listed %TAG%\"]\n", scim, &url)?;
    s.tag = tag.clone();
    retag(&s)?;
    dir.add_user(
        &s.ou,
        &UserSpec::new(&format!("hand{tag}"))
            .name("Hand", "Made")
            .mail(&format!("hand{tag}@{d}")),
    )?;
    let listed = users(dir, &s, "l", 20)?;
    dir.add_group(&s.ou, &format!("Listed {tag}"), &listed)?;

    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    ensure(lookups(&proxy) == 0, || format!("{:?}", proxy.requests()))?;
    let all = unique_users(&s.scim)?;
    ensure(all.len() == 21, || format!("{} users", all.len()))?;
    let adopted = all
        .iter()
        .find(|u| u["id"] == hand_id.as_str())
        .cloned()
        .unwrap_or_default();
    ensure(
        adopted["externalId"]
            .as_str()
            .is_some_and(|e| !e.is_empty())
            && adopted["name"]["familyName"] == "Made",
        || format!("the hand-made user was not adopted: {adopted}"),
    )?;
    let group_id = platform_group_id(&s, &format!("Listed {tag}"))?;

    // A new machine: nothing known, everything found by externalId.
    forget_state(&s)?;
    let before = proxy.requests().len();
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    ensure(json["applied"]["created"] == 21, || describe(&run))?;
    ensure(lookups(&proxy) == 0, || format!("{:?}", proxy.requests()))?;
    ensure(unique_users(&s.scim)?.len() == 21, || {
        "duplicates".to_owned()
    })?;
    ensure(
        platform_group_id(&s, &format!("Listed {tag}"))? == group_id,
        || "the group was not adopted".to_owned(),
    )?;
    ensure(
        group_members(&s.scim, &format!("Listed {tag}"))? == 20,
        || "members".to_owned(),
    )?;
    // The platform already agreed: the listing and nothing else was needed
    // (SPC, one page of users, one of groups).
    let sent = proxy.requests().len() - before;
    ensure(sent == 3 && proxy.count("POST", "/v2/Bulk") == 1, || {
        format!("{sent} requests: {:?}", proxy.requests())
    })?;
    let run_id = json["run"].as_i64().unwrap_or_default().to_string();
    let results = s.cli.run(&["--json", "history", "--run", &run_id]).json();
    ensure(results["results"].to_string().contains("\"adopt\""), || {
        results.to_string()
    })
}

/// Replaces `%TAG%` in the profile with the setup's tag.
fn retag(s: &Setup) -> Result<(), String> {
    let path = s.cli.config_dir().join("profiles/p.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())?
        .replace("%TAG%", &s.tag);
    std::fs::write(&path, text).map_err(|e| e.to_string())
}

fn platform_group_id(s: &Setup, name: &str) -> Result<String, String> {
    let groups = s.scim.list_all("Groups")?;
    groups
        .iter()
        .find(|g| g["displayName"] == name)
        .and_then(|g| g["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| format!("no group {name}"))
}

/// The server stops returning users after the first page while its
/// `totalResults` says more exist: the listing is not trusted, and users
/// renamed in the directory (new userName, same externalId) are found by
/// look-ups and adopted, not duplicated.
fn capped_listing_falls_back_to_lookups(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let d = dir.mail_domain();
    let (scim, proxy, url) = platform_proxy(fx, true, 1000)?;
    let s = setup_with(dir, "", scim, &url)?;
    let dns = users(dir, &s, "c", 6)?;
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    // Renamed in the directory; the state store lost.
    for (i, dn) in dns.iter().enumerate() {
        dir.replace_attr(dn, "mail", &[&format!("renamed{i}{}@{d}", s.tag)])?;
    }
    forget_state(&s)?;
    // Pages past the first come back empty, totalResults unchanged.
    proxy.rewrite("/v2/Users?", |line, body| {
        if line.contains("filter=") || line.contains("startIndex=1&") {
            let Ok(mut page) = serde_json::from_slice::<Value>(body) else {
                return body.to_vec();
            };
            if !line.contains("filter=")
                && let Some(r) = page["Resources"].as_array_mut()
            {
                r.truncate(2);
                page["itemsPerPage"] = 2.into();
            }
            serde_json::to_vec(&page).unwrap_or_default()
        } else {
            br#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":7,"itemsPerPage":0,"startIndex":3,"Resources":[]}"#.to_vec()
        }
    });
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || {
        let id = json["run"].as_i64().unwrap_or_default().to_string();
        let history = s.cli.run(&["--json", "history", "--run", &id]).json();
        format!("{}\n{history}", describe(&run))
    })?;
    ensure(lookups(&proxy) >= 6, || format!("{:?}", proxy.requests()))?;
    let all = unique_users(&s.scim)?;
    ensure(all.len() == 6, || {
        format!("duplicated: {} users", all.len())
    })?;
    ensure(
        all.iter().all(|u| {
            u["userName"]
                .as_str()
                .unwrap_or_default()
                .starts_with("renamed")
        }),
        || format!("{all:?}"),
    )
}

/// The requests of a first sync, a 1 % (here: 3-user) change run and a
/// no-change run, with and without Bulk, counted at the proxy.
fn request_counts(fx: &Fixtures, bulk: bool) -> Result<(), String> {
    let dir = fx.slapd();
    let (scim, proxy, url) = platform_proxy(fx, bulk, 1000)?;
    let s = setup_with(dir, "groups = [\"Counted %TAG%\"]\n", scim, &url)?;
    retag(&s)?;
    let dns = users(dir, &s, "n", 30)?;
    dir.add_group(&s.ou, &format!("Counted {}", s.tag), &dns)?;

    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    ensure(json["applied"]["created"] == 30, || describe(&run))?;
    ensure(
        group_members(&s.scim, &format!("Counted {}", s.tag))? == 30,
        || "members".to_owned(),
    )?;
    let first = proxy.requests();
    let bulk_posts = proxy.count("POST", "/v2/Bulk");
    let user_posts = proxy.count("POST", "/v2/Users");
    // SPC, one page of users, one of groups, then the writes (30 users,
    // the group and the integration's team group).
    if bulk {
        ensure(
            first.len() == 4 && bulk_posts == 1 && user_posts == 0,
            || format!("{first:?}"),
        )?;
    } else {
        ensure(
            first.len() == 3 + 30 + 2 && bulk_posts == 0 && user_posts == 30,
            || format!("{first:?}"),
        )?;
    }

    // Three users change: each is read (updates alone never list), then
    // three PATCHes (or one bulk request).
    for dn in &dns[..3] {
        dir.replace_attr(dn, "sn", &["Changed"])?;
    }
    let before = proxy.requests().len();
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["applied"]["updated"] == 3, || {
        describe(&run)
    })?;
    let change: Vec<String> = proxy.requests()[before..].to_vec();
    let writes = change.iter().filter(|l| !l.starts_with("GET ")).count();
    ensure(
        change.len() == if bulk { 5 } else { 7 } && writes == if bulk { 1 } else { 3 },
        || format!("{change:?}"),
    )?;

    // Nothing changed: the ServiceProviderConfig, nothing else.
    let before = proxy.requests().len();
    let (run, json) = sync_json(&s)?;
    ensure(
        run.code == 0 && json["plan"]["updates"].as_array().map(Vec::len) == Some(0),
        || describe(&run),
    )?;
    let idle: Vec<String> = proxy.requests()[before..].to_vec();
    ensure(idle == ["GET /v2/ServiceProviderConfig"], || {
        format!("{idle:?}")
    })
}

/// One operation of a bulk request fails (a group deleted on the platform
/// by hand): that group is recorded as failed, everything else in the
/// same request is applied.
fn bulk_with_one_failing_operation(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let (scim, proxy, url) = platform_proxy(fx, true, 1000)?;
    let s = setup_with(
        dir,
        "groups = [\"Keep %TAG%\", \"Gone %TAG%\"]\n",
        scim,
        &url,
    )?;
    retag(&s)?;
    let t = s.tag.clone();
    let first = users(dir, &s, "o", 3)?;
    let keep = dir.add_group(&s.ou, &format!("Keep {t}"), &first)?;
    let gone = dir.add_group(&s.ou, &format!("Gone {t}"), &first)?;
    let (run, _) = sync_json(&s)?;
    ensure(run.code == 0, || describe(&run))?;
    let gone_id = platform_group_id(&s, &format!("Gone {t}"))?;
    let (status, body) = s
        .scim
        .request("DELETE", &format!("/Groups/{gone_id}"), None)?;
    ensure(status == 204, || format!("{status} {body}"))?;
    let new = users(dir, &s, "p", 2)?;
    dir.add_members(&keep, &new)?;
    dir.add_members(&gone, &new)?;

    let bulks = proxy.count("POST", "/v2/Bulk");
    let (run, json) = sync_json(&s)?;
    ensure(proxy.count("POST", "/v2/Bulk") == bulks + 1, || {
        format!("{:?}", proxy.requests())
    })?;
    ensure(
        run.code == 1
            && json["status"] == "partial"
            && json["applied"]["failed"] == 1
            && json["applied"]["created"] == 2,
        || describe(&run),
    )?;
    ensure(group_members(&s.scim, &format!("Keep {t}"))? == 5, || {
        "the other group's change was not applied".to_owned()
    })?;
    ensure(unique_users(&s.scim)?.len() == 5, || "users".to_owned())?;
    let run_id = json["run"].as_i64().unwrap_or_default().to_string();
    let results = s.cli.run(&["--json", "history", "--run", &run_id]).json();
    let text = results["results"].to_string();
    ensure(
        text.contains("change_members") && text.contains("404"),
        || text.clone(),
    )
}

/// A bulk request that never reached the platform (reset before
/// forwarding) and one whose answer was lost after the platform applied it:
/// the sync reads back what it created, sends only what is missing, and
/// ends with every user once and the group complete.
fn lost_bulk_answers_converge(fx: &Fixtures) -> Result<(), String> {
    let dir = fx.slapd();
    let (scim, proxy, url) = platform_proxy(fx, true, 1000)?;
    let s = setup_with(dir, "groups = [\"Lost %TAG%\"]\n", scim, &url)?;
    retag(&s)?;
    let dns = users(dir, &s, "x", 12)?;
    dir.add_group(&s.ou, &format!("Lost {}", s.tag), &dns)?;
    proxy.inject(Fault::Reset, 1, Some("POST"));
    proxy.inject(Fault::ForwardThenReset, 1, Some("POST"));
    let (run, json) = sync_json(&s)?;
    ensure(run.code == 0 && json["status"] == "ok", || describe(&run))?;
    ensure(json["applied"]["created"] == 12, || describe(&run))?;
    let all = unique_users(&s.scim)?;
    ensure(all.len() == 12, || format!("{} users", all.len()))?;
    ensure(
        group_members(&s.scim, &format!("Lost {}", s.tag))? == 12,
        || "members".to_owned(),
    )?;
    // The group and the integration's team group, once each.
    let groups = s.scim.list_all("Groups")?;
    ensure(groups.len() == 2, || format!("{} groups", groups.len()))?;
    // Two bulk requests (the second was applied, its answer lost), each
    // followed by reading back the 12 users and the group: no third.
    ensure(
        proxy.count("POST", "/v2/Bulk") == 2 && proxy.count("POST", "/v2/Users") == 0,
        || format!("{:?}", proxy.requests()),
    )?;
    ensure(lookups(&proxy) >= 13, || format!("{:?}", proxy.requests()))?;
    // And the next run has nothing to do.
    let (_, json) = sync_json(&s)?;
    ensure(
        json["plan"]["creates"].as_array().map(Vec::len) == Some(0)
            && json["plan"]["group_creates"].as_array().map(Vec::len) == Some(0),
        || json.to_string(),
    )
}
