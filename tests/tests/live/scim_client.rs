//! The SCIM client (`onramp_engine::scim`) against the real scim2-server, and
//! against it behind the fault proxy: what the sync engine relies on is
//! that objects end up on the platform exactly once, whatever the platform
//! or the network does in between.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtest_mimic::Trial;
use onramp_engine::http::http_client;
use onramp_engine::platform::Capabilities;
use onramp_engine::platform::scim::{
    EnterpriseUser, MultiValue, Name, Provisioned, Resource, RetryPolicy, ScimClient, ScimError,
    ScimGroup, ScimOptions, ScimUser, TokioClock, for_each_concurrent,
};
use onramp_engine::secret::Secret;
use onramp_tests::fault_proxy::{Fault, FaultProxy};
use onramp_tests::{Fixtures, ScimServer, random_hex, trial};
use serde_json::json;
use url::Url;

/// The tests of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "scim_client::discover_reads_capabilities",
            discover_reads_capabilities,
        ),
        trial(
            fx,
            "scim_client::create_find_and_adopt_user",
            create_find_and_adopt_user,
        ),
        trial(
            fx,
            "scim_client::duplicate_user_name_fails_only_that_user",
            duplicate_user_name_fails_only_that_user,
        ),
        trial(
            fx,
            "scim_client::patch_replace_read_back_and_deactivate",
            patch_replace_read_back_and_deactivate,
        ),
        trial(
            fx,
            "scim_client::put_when_patch_is_unsupported",
            put_when_patch_is_unsupported,
        ),
        trial(fx, "scim_client::stale_etag_is_412", stale_etag_is_412),
        trial(
            fx,
            "scim_client::group_members_in_batches",
            group_members_in_batches,
        ),
        trial(
            fx,
            "scim_client::paging_lists_every_user",
            paging_lists_every_user,
        ),
        trial(
            fx,
            "scim_client::throttling_and_5xx_are_retried_and_create_once",
            throttling_and_5xx_are_retried_and_create_once,
        ),
        trial(
            fx,
            "scim_client::retry_after_is_honoured",
            retry_after_is_honoured,
        ),
        trial(
            fx,
            "scim_client::reset_connections_are_retried",
            reset_connections_are_retried,
        ),
        trial(
            fx,
            "scim_client::lost_create_answer_adopts_instead_of_duplicating",
            lost_create_answer_adopts_instead_of_duplicating,
        ),
        trial(fx, "scim_client::retries_exhausted", retries_exhausted),
        trial(
            fx,
            "scim_client::lost_group_create_answer_is_found_not_duplicated",
            lost_group_create_answer_is_found_not_duplicated,
        ),
    ]
}

fn lost_group_create_answer_is_found_not_duplicated(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(5)).await?;
        let name = format!("Lost {}", random_hex(4));
        let group = ScimGroup {
            external_id: Some(format!("ext-{}", random_hex(8))),
            display_name: name.clone(),
            ..ScimGroup::default()
        };
        // The platform creates the group but the answer is lost; then it throttles.
        proxy.inject(Fault::ForwardThenReset, 1, Some("POST"));
        let created = c.ensure_group(&group).await.map_err(|e| e.to_string())?;
        check(created.external_id == group.external_id, || {
            format!("{created:?}")
        })?;
        check(proxy.count("POST", "/v2/Groups") == 1, || {
            format!("{:?}", proxy.requests())
        })?;
        check(count_groups(server, &name)? == 1, || {
            "not exactly once".into()
        })?;
        // Throttled, then created: still one group.
        let other = ScimGroup {
            external_id: Some(format!("ext-{}", random_hex(8))),
            display_name: format!("{name} 2"),
            ..ScimGroup::default()
        };
        proxy.inject(Fault::too_many_requests(0), 1, Some("POST"));
        c.ensure_group(&other).await.map_err(|e| e.to_string())?;
        check(count_groups(server, &format!("{name} 2"))? == 1, || {
            "throttled group".into()
        })
    })
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}

fn block_on<F: Future<Output = Result<(), String>>>(f: F) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(f)
}

/// Short delays so the fault tests stay fast.
fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_secs(2),
        jitter: 0.5,
    }
}

/// A client for `base` (e.g. the server's or a proxy's `/v2`), after
/// reading its ServiceProviderConfig.
async fn client(
    server: &ScimServer,
    base: &str,
    policy: RetryPolicy,
) -> Result<ScimClient, String> {
    let http = http_client(None, Duration::from_secs(10)).map_err(|e| e.to_string())?;
    let base = Url::parse(base).map_err(|e| e.to_string())?;
    let auth = Secret::new(format!("Bearer {}", server.token()));
    ScimClient::discover(http, base, auth, policy, Arc::new(TokioClock))
        .await
        .map(|c| c.with_jitter_seed(42))
        .map_err(|e| format!("discover: {e}"))
}

/// Runs blocking code (the fixtures' blocking HTTP client, the proxy's own
/// runtime) on a thread of its own, out of the test's async runtime.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().expect("helper thread panicked"))
}

fn proxied(server: &ScimServer) -> Result<(FaultProxy, String), String> {
    let upstream = server.addr();
    let proxy = off_runtime(|| FaultProxy::start(upstream))?;
    let base = format!("{}/v2", proxy.url());
    Ok((proxy, base))
}

fn new_user(tag: &str) -> ScimUser {
    ScimUser {
        external_id: Some(format!("guid-{tag}")),
        user_name: format!("{tag}@example.test"),
        name: Some(Name {
            given_name: Some("Given".into()),
            family_name: Some(tag.into()),
            ..Name::default()
        }),
        display_name: Some(format!("User {tag}")),
        emails: vec![MultiValue {
            value: format!("{tag}@example.test"),
            kind: Some("work".into()),
            primary: Some(true),
            ..MultiValue::default()
        }],
        active: Some(true),
        ..ScimUser::default()
    }
}

/// How many users on the server have this userName (raw, not via the client).
fn count_users(server: &ScimServer, user_name: &str) -> Result<usize, String> {
    Ok(off_runtime(|| server.list_all("Users"))?
        .iter()
        .filter(|u| {
            u["userName"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(user_name))
        })
        .count())
}

fn count_groups(server: &ScimServer, display_name: &str) -> Result<usize, String> {
    Ok(off_runtime(|| server.list_all("Groups"))?
        .iter()
        .filter(|g| g["displayName"] == display_name)
        .count())
}

fn discover_reads_capabilities(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let c = client(server, &server.base_url(), RetryPolicy::default()).await?;
        let caps = c.capabilities();
        check(caps.patch && caps.etag && caps.filter, || {
            format!("{caps:?}")
        })
    })
}

fn create_find_and_adopt_user(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let c = client(server, &server.base_url(), RetryPolicy::default()).await?;
        let tag = random_hex(6);
        // A userName with a quote and a backslash: the filter must escape them.
        let mut user = new_user(&tag);
        user.user_name = format!(r#"o"brien\{tag}@example.test"#);
        user.enterprise = Some(EnterpriseUser {
            department: Some("Tour Operations".into()),
            ..EnterpriseUser::default()
        });
        let created = c.create_user(&user).await.map_err(|e| e.to_string())?;
        let id = created.id.clone().unwrap_or_default();
        check(created.etag().is_some(), || "no meta.version".into())?;

        let by_ext = c
            .find_user_by_external_id(&format!("guid-{tag}"))
            .await
            .map_err(|e| e.to_string())?;
        check(
            by_ext.as_ref().and_then(|u| u.id.clone()) == Some(id.clone()),
            || format!("by externalId: {by_ext:?}"),
        )?;
        let by_name = c
            .find_user_by_user_name(&user.user_name.to_uppercase())
            .await
            .map_err(|e| e.to_string())?;
        let by_name = by_name.ok_or("not found by userName")?;
        check(by_name.id.as_deref() == Some(id.as_str()), || {
            format!("{by_name:?}")
        })?;
        check(by_name.user_name == user.user_name, || {
            by_name.user_name.clone()
        })?;
        check(
            by_name
                .enterprise
                .as_ref()
                .and_then(|e| e.department.as_deref())
                == Some("Tour Operations"),
            || format!("{:?}", by_name.enterprise),
        )?;
        let none = c
            .find_user_by_user_name(&format!("nobody-{tag}"))
            .await
            .map_err(|e| e.to_string())?;
        check(none.is_none(), || format!("{none:?}"))?;

        // ensure_user: the same externalId is the existing user ...
        match c.ensure_user(&user).await.map_err(|e| e.to_string())? {
            Provisioned::Existing(u) if u.id.as_deref() == Some(id.as_str()) => {}
            other => return Err(format!("expected Existing: {other:?}")),
        }
        // ... a new externalId with a taken userName adopts it ...
        let mut other_source = user.clone();
        other_source.external_id = Some(format!("other-{tag}"));
        match c
            .ensure_user(&other_source)
            .await
            .map_err(|e| e.to_string())?
        {
            Provisioned::Adopted(u) if u.id.as_deref() == Some(id.as_str()) => {}
            other => return Err(format!("expected Adopted: {other:?}")),
        }
        // ... and a new user is created.
        let fresh = new_user(&format!("{tag}-fresh"));
        let made = c.ensure_user(&fresh).await.map_err(|e| e.to_string())?;
        check(matches!(made, Provisioned::Created(_)), || {
            format!("{made:?}")
        })?;
        check(count_users(server, &user.user_name)? == 1, || {
            "duplicated".into()
        })
    })
}

fn duplicate_user_name_fails_only_that_user(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let c = client(server, &server.base_url(), RetryPolicy::default()).await?;
        let tag = random_hex(6);
        let taken = new_user(&format!("{tag}-taken"));
        c.create_user(&taken).await.map_err(|e| e.to_string())?;
        let mut batch: Vec<ScimUser> = (0..6).map(|i| new_user(&format!("{tag}-{i}"))).collect();
        batch[3].user_name = taken.user_name.clone();
        let results = for_each_concurrent(batch.iter(), 4, |u| c.create_user(u)).await;
        for (i, r) in results.iter().enumerate() {
            match (i, r) {
                (3, Err(e)) => check(e.is_uniqueness_conflict(), || format!("user 3: {e:?}"))?,
                (3, Ok(u)) => return Err(format!("duplicate created: {u:?}")),
                (_, Err(e)) => return Err(format!("user {i} failed: {e}")),
                (_, Ok(u)) => check(u.user_name == batch[i].user_name, || {
                    format!("order: {i} {u:?}")
                })?,
            }
        }
        check(count_users(server, &taken.user_name)? == 1, || {
            "duplicated".into()
        })
    })
}

fn patch_replace_read_back_and_deactivate(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let c = client(server, &server.base_url(), RetryPolicy::default()).await?;
        let tag = random_hex(6);
        let current = c
            .create_user(&new_user(&tag))
            .await
            .map_err(|e| e.to_string())?;
        let id = current.id.clone().unwrap_or_default();
        let mut desired = current.clone();
        desired.display_name = None;
        if let Some(n) = desired.name.as_mut() {
            n.given_name = Some("Renamed".into());
        }
        desired.emails[0].value = format!("new-{tag}@example.test");
        desired.enterprise = Some(EnterpriseUser {
            department: Some("Finance".into()),
            ..EnterpriseUser::default()
        });
        let updated = c
            .update_user(&current, &desired)
            .await
            .map_err(|e| e.to_string())?;
        check(
            updated.etag.is_some() && updated.etag.as_deref() != current.etag(),
            || format!("{updated:?}"),
        )?;
        let read = c.get_user(&id).await.map_err(|e| e.to_string())?;
        check(read.display_name.is_none(), || {
            format!("displayName: {:?}", read.display_name)
        })?;
        check(
            read.name.as_ref().and_then(|n| n.given_name.as_deref()) == Some("Renamed")
                && read.name.as_ref().and_then(|n| n.family_name.as_deref()) == Some(tag.as_str()),
            || format!("name: {:?}", read.name),
        )?;
        check(
            read.emails.len() == 1 && read.emails[0].value == desired.emails[0].value,
            || format!("{:?}", read.emails),
        )?;
        check(
            read.enterprise
                .as_ref()
                .and_then(|e| e.department.as_deref())
                == Some("Finance"),
            || format!("{:?}", read.enterprise),
        )?;
        // Nothing to change: no request, same resource.
        let same = c
            .update_user(&read, &read)
            .await
            .map_err(|e| e.to_string())?;
        check(same.etag.as_deref() == read.etag(), || format!("{same:?}"))?;

        c.set_active(&id, false).await.map_err(|e| e.to_string())?;
        let read = c.get_user(&id).await.map_err(|e| e.to_string())?;
        check(read.active == Some(false), || {
            format!("active: {:?}", read.active)
        })?;
        c.delete_user(&id).await.map_err(|e| e.to_string())?;
        match c.get_user(&id).await {
            Err(e) if e.status() == Some(404) => Ok(()),
            other => Err(format!("after delete: {other:?}")),
        }
    })
}

fn put_when_patch_is_unsupported(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let discovered = client(server, &base, RetryPolicy::default()).await?;
        let caps = Capabilities {
            patch: false,
            ..discovered.capabilities().clone()
        };
        let http = http_client(None, Duration::from_secs(10)).map_err(|e| e.to_string())?;
        let c = ScimClient::new(
            http,
            Url::parse(&base).map_err(|e| e.to_string())?,
            Secret::new(format!("Bearer {}", server.token())),
            caps,
            RetryPolicy::default(),
            Arc::new(TokioClock),
        )
        .map_err(|e| e.to_string())?;
        let tag = random_hex(6);
        let mut user = new_user(&tag);
        user.extra.insert("nickName".into(), json!("Nick"));
        let current = c.create_user(&user).await.map_err(|e| e.to_string())?;
        let id = current.id.clone().unwrap_or_default();
        let mut desired = current.clone();
        desired.display_name = Some("Put Name".into());
        c.update_user(&current, &desired)
            .await
            .map_err(|e| e.to_string())?;
        c.set_active(&id, false).await.map_err(|e| e.to_string())?;
        let read = c.get_user(&id).await.map_err(|e| e.to_string())?;
        check(read.display_name.as_deref() == Some("Put Name"), || {
            format!("{read:?}")
        })?;
        check(read.active == Some(false), || format!("{read:?}"))?;
        // PUT replaced the resource, but kept what Onramp does not manage.
        check(read.extra.get("nickName") == Some(&json!("Nick")), || {
            format!("{read:?}")
        })?;
        check(proxy.count("PATCH", "/") == 0, || {
            format!("{:?}", proxy.requests())
        })?;
        check(proxy.count("PUT", "/v2/Users/") == 2, || {
            format!("{:?}", proxy.requests())
        })
    })
}

fn stale_etag_is_412(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let c = client(server, &server.base_url(), RetryPolicy::default()).await?;
        let current = c
            .create_user(&new_user(&random_hex(6)))
            .await
            .map_err(|e| e.to_string())?;
        let mut first = current.clone();
        first.display_name = Some("First".into());
        c.update_user(&current, &first)
            .await
            .map_err(|e| e.to_string())?;
        // `current` is now stale: its meta.version is the old one.
        let mut second = current.clone();
        second.display_name = Some("Second".into());
        match c.update_user(&current, &second).await {
            Err(ScimError::PreconditionFailed) => {}
            other => return Err(format!("expected 412: {other:?}")),
        }
        let read = c
            .get_user(current.id.as_deref().unwrap_or_default())
            .await
            .map_err(|e| e.to_string())?;
        check(read.display_name.as_deref() == Some("First"), || {
            format!("{read:?}")
        })
    })
}

fn group_members_in_batches(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, RetryPolicy::default()).await?;
        let tag = random_hex(6);
        let users = (0..250).map(|i| new_user(&format!("{tag}-m{i}")));
        // 4 in flight, not more: scim2-server runs wsgiref's single-threaded
        // server, whose listen backlog is 5; beyond it connections wait for
        // SYN retransmits and the test slows down tenfold.
        let created = for_each_concurrent(users, 4, |u| {
            let c = &c;
            async move { c.create_user(&u).await }
        })
        .await;
        let ids: Vec<String> = created
            .into_iter()
            .map(|r| {
                r.map(|u| u.id.unwrap_or_default())
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<_, _>>()?;
        let group = c
            .create_group(&ScimGroup {
                display_name: format!("Group {tag}"),
                external_id: Some(format!("gguid-{tag}")),
                ..ScimGroup::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        let gid = group.id.clone().unwrap_or_default();
        // All 250 adds in one PATCH (the default batch is 1000 values).
        c.patch_group_members(&gid, &ids, &[])
            .await
            .map_err(|e| e.to_string())?;
        check(proxy.count("PATCH", "/v2/Groups/") == 1, || {
            format!(
                "{} PATCHes for 250 adds",
                proxy.count("PATCH", "/v2/Groups/")
            )
        })?;
        // Adds and removes travel together, at most 100 values a PATCH:
        // 16 adds + 84 removes is one PATCH, 50 + 84 are two. (Adds come
        // before removes in a PATCH, so the overlap ends removed.)
        let batched = client(server, &base, RetryPolicy::default())
            .await?
            .with_options(ScimOptions {
                patch_batch_size: 100,
                ..ScimOptions::default()
            });
        let remove: Vec<String> = ids.iter().step_by(3).cloned().collect(); // 84
        batched
            .patch_group_members(&gid, &ids[..16], &remove)
            .await
            .map_err(|e| e.to_string())?;
        check(proxy.count("PATCH", "/v2/Groups/") == 2, || {
            format!(
                "{} PATCHes after 16 adds and 84 removes",
                proxy.count("PATCH", "/v2/Groups/")
            )
        })?;
        batched
            .patch_group_members(&gid, &ids[..50], &remove)
            .await
            .map_err(|e| e.to_string())?;
        check(proxy.count("PATCH", "/v2/Groups/") == 4, || {
            format!(
                "{} PATCHes after 50 adds and 84 removes in batches of 100",
                proxy.count("PATCH", "/v2/Groups/")
            )
        })?;

        let read = c.get_group(&gid).await.map_err(|e| e.to_string())?;
        let got: BTreeSet<&str> = read.members.iter().map(|m| m.value.as_str()).collect();
        let want: BTreeSet<&str> = ids
            .iter()
            .filter(|i| !remove.contains(i))
            .map(String::as_str)
            .collect();
        check(got == want, || {
            format!("members: got {} want {}", got.len(), want.len())
        })?;
        let by_name = c
            .find_group_by_display_name(&format!("Group {tag}"))
            .await
            .map_err(|e| e.to_string())?;
        check(by_name.and_then(|g| g.id) == Some(gid.clone()), || {
            "group not found by displayName".into()
        })?;
        let by_ext = c
            .find_group_by_external_id(&format!("gguid-{tag}"))
            .await
            .map_err(|e| e.to_string())?;
        check(by_ext.and_then(|g| g.id) == Some(gid), || {
            "group not found by externalId".into()
        })
    })
}

fn paging_lists_every_user(fx: &Fixtures) -> Result<(), String> {
    let server = fx.start_scim();
    block_on(async {
        let (proxy, base) = proxied(&server)?;
        let c = client(&server, &base, RetryPolicy::default())
            .await?
            .with_options(ScimOptions {
                page_size: 10,
                ..ScimOptions::default()
            });
        let tag = random_hex(4);
        let users = (0..25).map(|i| new_user(&format!("{tag}-p{i}")));
        for r in for_each_concurrent(users, 4, |u| {
            let c = &c;
            async move { c.create_user(&u).await }
        })
        .await
        {
            r.map_err(|e| e.to_string())?;
        }
        let all = c.list_users().await.map_err(|e| e.to_string())?;
        let ids: BTreeSet<String> = all.iter().filter_map(|u| u.id.clone()).collect();
        check(all.len() == 25 && ids.len() == 25, || {
            format!("{} users, {} ids", all.len(), ids.len())
        })?;
        let pages = proxy
            .requests()
            .iter()
            .filter(|r| r.starts_with("GET /v2/Users?startIndex="))
            .count();
        check(pages == 3, || {
            format!("{pages} pages: {:?}", proxy.requests())
        })?;
        let groups = c.list_groups().await.map_err(|e| e.to_string())?;
        check(groups.is_empty(), || format!("{groups:?}"))
    })
}

fn throttling_and_5xx_are_retried_and_create_once(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(5)).await?;
        let user = new_user(&random_hex(6));
        proxy.inject(Fault::too_many_requests(0), 1, Some("POST"));
        proxy.inject(Fault::status(503), 1, Some("POST"));
        proxy.inject(Fault::status(500), 1, Some("POST"));
        let created = c.create_user(&user).await.map_err(|e| e.to_string())?;
        check(proxy.count("POST", "/v2/Users") == 4, || {
            format!("{:?}", proxy.requests())
        })?;
        check(count_users(server, &user.user_name)? == 1, || {
            "not exactly once".into()
        })?;

        // A retried PATCH lands too.
        proxy.inject(Fault::status(502), 2, Some("PATCH"));
        c.set_active(created.id.as_deref().unwrap_or_default(), false)
            .await
            .map_err(|e| e.to_string())?;
        let read = c
            .get_user(created.id.as_deref().unwrap_or_default())
            .await
            .map_err(|e| e.to_string())?;
        check(read.active == Some(false), || format!("{read:?}"))?;

        // A 4xx other than 429 is not retried.
        let before = proxy.count("POST", "/v2/Users");
        let err = c
            .create_user(&user)
            .await
            .err()
            .ok_or("duplicate accepted")?;
        check(err.is_uniqueness_conflict(), || format!("{err:?}"))?;
        check(proxy.count("POST", "/v2/Users") == before + 1, || {
            "409 was retried".into()
        })
    })
}

fn retry_after_is_honoured(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(3)).await?;
        proxy.inject(Fault::too_many_requests(1), 1, Some("GET"));
        let started = Instant::now();
        let found = c
            .find_user_by_user_name("nobody-retry-after@example.test")
            .await
            .map_err(|e| e.to_string())?;
        let waited = started.elapsed();
        check(found.is_none(), || format!("{found:?}"))?;
        // Backoff alone would have waited at most 20 ms.
        check(
            waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
            || format!("waited {waited:?}"),
        )
    })
}

fn reset_connections_are_retried(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(5)).await?;
        let name = format!("Reset group {}", random_hex(6));
        proxy.inject(Fault::Reset, 2, Some("POST"));
        let group = c
            .create_group(&ScimGroup {
                display_name: name.clone(),
                ..ScimGroup::default()
            })
            .await
            .map_err(|e| e.to_string())?;
        check(group.display_name == name, || format!("{group:?}"))?;
        check(proxy.count("POST", "/v2/Groups") == 3, || {
            format!("{:?}", proxy.requests())
        })?;
        check(count_groups(server, &name)? == 1, || {
            "group not there exactly once".into()
        })
    })
}

fn lost_create_answer_adopts_instead_of_duplicating(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(5)).await?;
        let user = new_user(&random_hex(6));
        // The platform creates the user, but the answer never arrives; the
        // retried POST meets the user it created.
        proxy.inject(Fault::ForwardThenReset, 1, Some("POST"));
        let outcome = c.ensure_user(&user).await.map_err(|e| e.to_string())?;
        match &outcome {
            Provisioned::Existing(u) if u.external_id == user.external_id => {}
            other => return Err(format!("expected the user to be found: {other:?}")),
        }
        check(proxy.count("POST", "/v2/Users") == 2, || {
            format!("{:?}", proxy.requests())
        })?;
        check(count_users(server, &user.user_name)? == 1, || {
            "not exactly once".into()
        })
    })
}

fn retries_exhausted(fx: &Fixtures) -> Result<(), String> {
    let server = fx.scim();
    block_on(async {
        let (proxy, base) = proxied(server)?;
        let c = client(server, &base, fast_policy(3)).await?;
        let user = new_user(&random_hex(6));
        proxy.inject(Fault::status(503), 10, Some("POST"));
        match c.create_user(&user).await {
            Err(ScimError::RetriesExhausted { attempts: 3, last }) => {
                check(last.status() == Some(503), || format!("{last:?}"))?
            }
            other => return Err(format!("expected RetriesExhausted: {other:?}")),
        }
        check(proxy.count("POST", "/v2/Users") == 3, || {
            format!("{:?}", proxy.requests())
        })?;
        proxy.clear();
        proxy.inject(Fault::Reset, 10, Some("GET"));
        match c.get_user("whoever").await {
            Err(ScimError::RetriesExhausted { attempts: 3, last }) => {
                check(matches!(*last, ScimError::Transport(_)), || {
                    format!("{last:?}")
                })?
            }
            other => return Err(format!("expected RetriesExhausted: {other:?}")),
        }
        check(count_users(server, &user.user_name)? == 0, || {
            "created despite 503s".into()
        })
    })
}
