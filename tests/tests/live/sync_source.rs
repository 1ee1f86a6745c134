//! The sync's source stage, live: `onramp_engine::sync::source` reading a full
//! snapshot from a real Samba AD DC, a real slapd, and a fake Windows-like AD
//! that answers `member` in ranges (which Samba never does).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use libtest_mimic::Trial;
use onramp_engine::ldap::directory::DirectoryTarget;
use onramp_engine::ldap::ldap::guid::object_guid_to_string;
use onramp_engine::ldap::source::{ReadReport, SourceError, read_directory};
use onramp_engine::profile::parse_profile;
use onramp_engine::secret::{MemoryStore, Secret, SecretName, SecretStore};
use onramp_engine::sync::model::{Snapshot, SourceGroup, SourceUser};
use onramp_tests::fake_ad::{FakeAd, FakeAdConfig};
use onramp_tests::samba::{ADMIN_UPN, UserSpec};
use onramp_tests::{Fixtures, ensure, random_hex, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "sync_source::ad_anchors_survive_rename_and_move",
            ad_anchors_survive_rename_and_move,
        ),
        trial(
            fx,
            "sync_source::ad_nested_circular_and_large_groups",
            ad_nested_circular_and_large_groups,
        ),
        trial(
            fx,
            "sync_source::ldap_entry_uuid_and_group_members",
            ldap_entry_uuid_and_group_members,
        ),
        trial(
            fx,
            "sync_source::fake_ad_ranged_members_and_paging",
            fake_ad_ranged_members_and_paging,
        ),
        trial(
            fx,
            "sync_source::fake_ad_bad_user_account_control_fails_the_read",
            fake_ad_bad_user_account_control_fails_the_read,
        ),
        trial(
            fx,
            "sync_source::fake_ad_failed_page_or_range_fails_the_read",
            fake_ad_failed_page_or_range_fails_the_read,
        ),
    ]
}

/// A directory profile, validated, and a secret store holding its password.
struct Source {
    target: DirectoryTarget,
    secrets: MemoryStore,
}

impl Source {
    fn new(kind: &str, url: &str, bind_dn: &str, password: &str, extra: &str) -> Self {
        let text = format!(
            "kind = \"{kind}\"\n[connection]\nurl = \"{url}\"\nbind_dn = \"{bind_dn}\"\nbind_password_secret = \"bind\"\ntimeout_seconds = 20\n{extra}"
        );
        let profile = parse_profile("p", Path::new("p.toml"), &text)
            .unwrap_or_else(|e| panic!("profile does not parse: {e}\n{text}"));
        let target = DirectoryTarget::from_profile(&profile).expect("valid directory profile");
        let secrets = MemoryStore::new();
        secrets
            .set(
                &SecretName::new("bind").expect("name"),
                &Secret::new(password.to_owned()),
            )
            .expect("memory store");
        Self { target, secrets }
    }

    fn read(&self) -> Result<(Snapshot, ReadReport), SourceError> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(read_directory(&self.target, &self.secrets))
    }

    fn read_ok(&self) -> Result<(Snapshot, ReadReport), String> {
        self.read()
            .map_err(|e| format!("read_directory failed: {e}"))
    }
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn user_by_login<'a>(snap: &'a Snapshot, login: &str) -> Result<&'a SourceUser, String> {
    snap.users
        .iter()
        .find(|u| u.login.as_deref() == Some(login))
        .ok_or_else(|| format!("user {login} not in the snapshot: {:?}", logins(snap)))
}

fn group_by_name<'a>(snap: &'a Snapshot, name: &str) -> Result<&'a SourceGroup, String> {
    snap.groups
        .iter()
        .find(|g| g.name == name)
        .ok_or_else(|| format!("group {name} not in the snapshot"))
}

fn logins(snap: &Snapshot) -> Vec<String> {
    snap.users.iter().filter_map(|u| u.login.clone()).collect()
}

fn is_guid_text(s: &str) -> bool {
    s.len() == 36 && uuid_like(s)
}

fn uuid_like(s: &str) -> bool {
    s.char_indices().all(|(i, c)| {
        if [8, 13, 18, 23].contains(&i) {
            c == '-'
        } else {
            c.is_ascii_hexdigit() && !c.is_ascii_uppercase()
        }
    })
}

/// objectGUID of `dn` as the administrator reads it, in text form.
fn samba_guid(dc: &onramp_tests::SambaDc, sam: &str) -> Result<String, String> {
    let entries = dc.search(&format!("(sAMAccountName={sam})"), &["objectGUID"])?;
    let e = entries.first().ok_or_else(|| format!("{sam} not found"))?;
    let bytes = e
        .bin_attrs
        .get("objectGUID")
        .and_then(|v| v.first().cloned())
        .or_else(|| {
            e.attrs
                .get("objectGUID")
                .and_then(|v| v.first())
                .map(|s| s.as_bytes().to_vec())
        })
        .ok_or("no objectGUID")?;
    object_guid_to_string(&bytes).ok_or_else(|| "objectGUID is not 16 bytes".to_owned())
}

fn samba_source(dc: &onramp_tests::SambaDc, base: &str, extra: &str) -> Source {
    Source::new(
        "ad",
        &dc.ldaps_url(),
        ADMIN_UPN,
        dc.admin_password(),
        &format!(
            "base_dn = {}\nca_file = {}\n{extra}",
            toml_str(base),
            toml_str(&dc.ca_path().display().to_string())
        ),
    )
}

fn ad_anchors_survive_rename_and_move(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let ou = dc.unique_ou("src-anchor")?;
    let ou_a = dc.add_ou(Some(&ou), "A")?;
    let ou_b = dc.add_ou(Some(&ou), "B")?;
    let ou_x = dc.add_ou(Some(&ou), "Excluded")?;
    let tag = random_hex(3);
    let (ann, dis, ext) = (format!("an{tag}"), format!("di{tag}"), format!("ex{tag}"));
    let ann_dn = dc.add_user(
        &ou_a,
        &UserSpec::new(&ann)
            .name("Ann", "Able")
            .mail(&format!("{ann}@onramp.test")),
    )?;
    dc.add_user(
        &ou_a,
        &UserSpec {
            disabled: true,
            ..UserSpec::new(&dis).name("Dee", "Disabled")
        },
    )?;
    dc.add_user(&ou_x, &UserSpec::new(&ext).name("Ex", "Cluded"))?;
    let group_name = format!("gr{tag}");
    dc.add_group(&ou_b, &group_name, std::slice::from_ref(&ann_dn))?;

    let source = samba_source(
        dc,
        &ou,
        &format!("[sync]\nexcluded_ous = [{}]\n", toml_str(&ou_x)),
    );
    let started = Instant::now();
    let (snap, report) = source.read_ok()?;
    eprintln!(
        "  read {} users in {:?}",
        snap.users.len(),
        started.elapsed()
    );
    ensure(snap.complete, || "snapshot not complete".into())?;
    ensure(snap.users.len() == 2, || {
        format!("expected Ann and Dee only: {:?}", logins(&snap))
    })?;
    ensure(report.users_read == 3 && report.users_excluded == 1, || {
        format!("{report:?}")
    })?;
    ensure(user_by_login(&snap, &ext).is_err(), || {
        "the excluded OU's user is in the snapshot".into()
    })?;
    let a = user_by_login(&snap, &ann)?;
    ensure(is_guid_text(&a.anchor), || {
        format!("anchor {} is not GUID text", a.anchor)
    })?;
    ensure(a.anchor == samba_guid(dc, &ann)?, || {
        format!("anchor {} is not the objectGUID", a.anchor)
    })?;
    ensure(a.enabled, || "Ann is enabled".into())?;
    ensure(a.given_name.as_deref() == Some("Ann"), || format!("{a:?}"))?;
    ensure(a.family_name.as_deref() == Some("Able"), || {
        format!("{a:?}")
    })?;
    ensure(a.display_name.as_deref() == Some("Ann Able"), || {
        format!("{a:?}")
    })?;
    ensure(
        a.mail.as_deref() == Some(format!("{ann}@onramp.test").as_str())
            && a.user_principal_name.as_deref() == Some(format!("{ann}@onramp.test").as_str()),
        || format!("{a:?}"),
    )?;
    let d = user_by_login(&snap, &dis)?;
    ensure(!d.enabled, || {
        format!("the disabled user reads enabled: {d:?}")
    })?;
    let g = group_by_name(&snap, &group_name)?;
    ensure(
        g.member_users.len() == 1 && g.member_users.contains(&a.anchor),
        || format!("{g:?}"),
    )?;
    ensure(is_guid_text(&g.anchor), || format!("{g:?}"))?;
    let anchor = a.anchor.clone();

    // Rename (displayName) and move to another OU: the same anchor.
    dc.replace_attr(&ann_dn, "displayName", &["Ann Renamed"])?;
    let mut admin = dc.admin_ldap()?;
    admin
        .modifydn(&ann_dn, "CN=Ann Moved", true, Some(&ou_b))
        .and_then(|r| r.success())
        .map_err(|e| format!("modifydn {ann_dn}: {e}"))?;
    let _ = admin.unbind();
    let (snap, _) = source.read_ok()?;
    let a = user_by_login(&snap, &ann)?;
    ensure(a.anchor == anchor, || {
        format!("anchor changed from {anchor} to {}", a.anchor)
    })?;
    ensure(a.display_name.as_deref() == Some("Ann Renamed"), || {
        format!("{a:?}")
    })?;
    ensure(
        a.dn.to_lowercase() == format!("cn=ann moved,{}", ou_b.to_lowercase()),
        || format!("moved user's DN is {}", a.dn),
    )?;
    // The group still lists the moved user (member values follow the move).
    let g = group_by_name(&snap, &group_name)?;
    ensure(g.member_users.contains(&anchor), || format!("{g:?}"))?;
    Ok(())
}

fn ad_nested_circular_and_large_groups(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let ou = dc.unique_ou("src-groups")?;
    let tag = random_hex(3);
    let started = Instant::now();
    let dns = dc.add_bulk_users(&ou, &format!("b{tag}-"), 1600)?;
    eprintln!("  added 1600 users in {:?}", started.elapsed());
    let started = Instant::now();
    let big_name = format!("big{tag}");
    let big = dc.add_group(&ou, &big_name, &dns[..800])?;
    dc.add_members(&big, &dns[800..])?;
    let (a_name, b_name, c_name) = (format!("ga{tag}"), format!("gb{tag}"), format!("gc{tag}"));
    let a = dc.add_group(&ou, &a_name, &dns[..1])?;
    let b = dc.add_group(&ou, &b_name, &[dns[1].clone(), a.clone()])?;
    dc.add_members(&a, std::slice::from_ref(&b))?;
    // C contains B (so A through B) and a user outside the base DN.
    dc.add_group(
        &ou,
        &c_name,
        &[
            b.clone(),
            onramp_tests::samba::seed::ALICE.to_owned(),
            dns[2].clone(),
        ],
    )?;
    eprintln!("  added the groups in {:?}", started.elapsed());

    let source = samba_source(dc, &ou, "");
    let started = Instant::now();
    let (snap, report) = source.read_ok()?;
    eprintln!(
        "  read {} users, {} groups in {:?}",
        snap.users.len(),
        snap.groups.len(),
        started.elapsed()
    );
    ensure(snap.users.len() == 1600, || {
        format!("expected 1600 users (paged), got {}", snap.users.len())
    })?;
    let big = group_by_name(&snap, &big_name)?;
    ensure(big.member_users.len() == 1600, || {
        format!("big group has {} member users", big.member_users.len())
    })?;
    let anchor_of = |dn: &str| {
        snap.users
            .iter()
            .find(|u| u.dn.eq_ignore_ascii_case(dn))
            .map(|u| u.anchor.clone())
            .ok_or_else(|| format!("{dn} not in the snapshot"))
    };
    let (u0, u1, u2) = (
        anchor_of(&dns[0])?,
        anchor_of(&dns[1])?,
        anchor_of(&dns[2])?,
    );
    let ga = group_by_name(&snap, &a_name)?;
    let gb = group_by_name(&snap, &b_name)?;
    let gc = group_by_name(&snap, &c_name)?;
    ensure(
        ga.member_groups.len() == 1 && ga.member_groups.contains(&gb.anchor),
        || format!("A: {ga:?}"),
    )?;
    ensure(
        gb.member_groups.len() == 1 && gb.member_groups.contains(&ga.anchor),
        || format!("B: {gb:?}"),
    )?;
    let ab: Vec<String> = [u0.clone(), u1.clone()].into_iter().collect();
    let mut ab_sorted = ab.clone();
    ab_sorted.sort();
    let ta: Vec<String> = snap.transitive_users(&ga.anchor).into_iter().collect();
    let tb: Vec<String> = snap.transitive_users(&gb.anchor).into_iter().collect();
    ensure(ta == ab_sorted && tb == ab_sorted, || {
        format!("transitive A {ta:?}, B {tb:?}, expected {ab_sorted:?}")
    })?;
    // C: B nested, the user outside the base DN ignored.
    ensure(
        gc.member_users.len() == 1 && gc.member_users.contains(&u2),
        || format!("C: {gc:?}"),
    )?;
    ensure(
        gc.member_groups.len() == 1 && gc.member_groups.contains(&gb.anchor),
        || format!("C: {gc:?}"),
    )?;
    let tc = snap.transitive_users(&gc.anchor);
    ensure(
        tc.len() == 3 && [&u0, &u1, &u2].iter().all(|u| tc.contains(*u)),
        || format!("transitive C {tc:?}"),
    )?;
    ensure(report.ignored_members >= 1, || format!("{report:?}"))?;
    Ok(())
}

fn ldap_entry_uuid_and_group_members(fx: &Fixtures) -> Result<(), String> {
    let slapd = fx.slapd();
    let tag = random_hex(4);
    let ou = format!("ou=src-{tag},dc=example,dc=org");
    let people = format!("ou=people,{ou}");
    let ldif = format!(
        "\
dn: {ou}
objectClass: organizationalUnit
ou: src-{tag}

dn: {people}
objectClass: organizationalUnit
ou: people

dn: ou=gone,{ou}
objectClass: organizationalUnit
ou: gone

dn: uid=dana,{people}
objectClass: inetOrgPerson
uid: dana
cn: Dana Doe
givenName: Dana
sn: Doe
displayName: Dana Doe
mail: dana@example.org
telephoneNumber: +1 555 0100
departmentNumber: Research

dn: uid=eli,{people}
objectClass: inetOrgPerson
uid: eli
cn: Eli Ek
sn: Ek

dn: uid=fay,ou=gone,{ou}
objectClass: inetOrgPerson
uid: fay
cn: Fay Fu
sn: Fu

dn: cn=team,{ou}
objectClass: groupOfNames
cn: team
member: UID=Dana, OU=People,{ou}
member: cn=placeholder,{ou}
member: uid=fay,ou=gone,{ou}

dn: cn=all,{ou}
objectClass: groupOfNames
cn: all
member: cn=team,{ou}
member: uid=eli,{people}
member: uid=alice,ou=people,dc=example,dc=org

dn: cn=unique,{ou}
objectClass: groupOfUniqueNames
cn: unique
uniqueMember: uid=eli,{people}#'0101'B

dn: cn=posix,{ou}
objectClass: posixGroup
cn: posix
gidNumber: 5000
memberUid: dana
memberUid: nobody
"
    );
    slapd.add_ldif(&ldif)?;
    let source = Source::new(
        "ldap",
        &slapd.ldaps_url(),
        slapd.root_dn(),
        slapd.root_password(),
        &format!(
            "base_dn = {}\nca_file = {}\n[sync]\nexcluded_ous = [{}]\n",
            toml_str(&ou),
            toml_str(&slapd.ca_path().display().to_string()),
            toml_str(&format!("ou=gone,{ou}"))
        ),
    );
    let (snap, report) = source.read_ok()?;
    ensure(!report.ad, || "slapd read as AD".into())?;
    ensure(snap.users.len() == 2, || {
        format!("users {:?}", logins(&snap))
    })?;
    let uuids = slapd.search("(uid=dana)", &["entryUUID"])?;
    let dana_uuid = uuids
        .iter()
        .find(|e| e.dn.contains(&format!("src-{tag}")))
        .and_then(|e| e.attrs.get("entryUUID"))
        .and_then(|v| v.first())
        .cloned()
        .ok_or("no entryUUID for dana")?;
    let dana = user_by_login(&snap, "dana")?;
    let eli = user_by_login(&snap, "eli")?;
    ensure(dana.anchor == dana_uuid && uuid_like(&dana.anchor), || {
        format!("dana's anchor {} != entryUUID {dana_uuid}", dana.anchor)
    })?;
    ensure(
        dana.mail.as_deref() == Some("dana@example.org")
            && dana.phone.as_deref() == Some("+1 555 0100")
            && dana.department.as_deref() == Some("Research")
            && dana.enabled
            && dana.user_principal_name.is_none(),
        || format!("{dana:?}"),
    )?;
    let team = group_by_name(&snap, "team")?;
    let all = group_by_name(&snap, "all")?;
    let unique = group_by_name(&snap, "unique")?;
    let posix = group_by_name(&snap, "posix")?;
    ensure(
        team.member_users.len() == 1 && team.member_users.contains(&dana.anchor),
        || format!("team: {team:?}"),
    )?;
    ensure(
        all.member_users.len() == 1
            && all.member_users.contains(&eli.anchor)
            && all.member_groups.len() == 1
            && all.member_groups.contains(&team.anchor),
        || format!("all: {all:?}"),
    )?;
    ensure(snap.transitive_users(&all.anchor).len() == 2, || {
        format!(
            "all, transitively: {:?}",
            snap.transitive_users(&all.anchor)
        )
    })?;
    ensure(
        unique.member_users.len() == 1 && unique.member_users.contains(&eli.anchor),
        || format!("unique: {unique:?}"),
    )?;
    ensure(
        posix.member_users.len() == 1 && posix.member_users.contains(&dana.anchor),
        || format!("posix: {posix:?}"),
    )?;
    // placeholder, excluded fay, out-of-base alice, unknown uid.
    ensure(report.ignored_members == 4, || format!("{report:?}"))?;
    Ok(())
}

fn fake_ad_ranged_members_and_paging(_fx: &Fixtures) -> Result<(), String> {
    let config = FakeAdConfig {
        users: 3200,
        ..FakeAdConfig::default()
    };
    let ad = FakeAd::start(config.clone())?;
    let source = Source::new(
        "ad",
        &ad.url(),
        &config.bind_dn,
        &config.password,
        &format!("base_dn = {}\n", toml_str(&config.base_dn)),
    );
    let started = Instant::now();
    let (snap, report) = source.read_ok()?;
    eprintln!(
        "  read {} users, {} groups in {:?}; server saw {:?}",
        snap.users.len(),
        snap.groups.len(),
        started.elapsed(),
        ad.stats()
    );
    let stats = ad.stats();
    ensure(report.ad, || "the fake was not read as AD".into())?;
    ensure(snap.users.len() == 3200, || {
        format!("expected 3200 users, got {}", snap.users.len())
    })?;
    ensure(stats.pages >= 4, || format!("expected paging: {stats:?}"))?;
    ensure(stats.ranged_reads >= 2, || {
        format!("expected ranged reads: {stats:?}")
    })?;
    let everyone = group_by_name(&snap, "Everyone")?;
    ensure(everyone.member_users.len() == 3200, || {
        format!(
            "Everyone has {} member users, expected 3200",
            everyone.member_users.len()
        )
    })?;
    ensure(report.ranged_groups == 1, || format!("{report:?}"))?;
    // Anchors: every user's is the GUID text form the fake derived.
    for (i, u) in snap.users.iter().enumerate().take(5) {
        ensure(is_guid_text(&u.anchor), || format!("user {i}: {u:?}"))?;
    }
    let u0 = user_by_login(&snap, "user0")?;
    let u200 = user_by_login(&snap, "user200")?;
    ensure(u200.anchor == FakeAd::user_guid_text(200), || {
        format!(
            "user200's anchor {} != {}",
            u200.anchor,
            FakeAd::user_guid_text(200)
        )
    })?;
    ensure(u0.anchor == FakeAd::user_guid_text(0), || {
        format!(
            "user0's anchor {} != {}",
            u0.anchor,
            FakeAd::user_guid_text(0)
        )
    })?;
    // Every 10th user is disabled (514).
    let disabled = snap.users.iter().filter(|u| !u.enabled).count();
    ensure(disabled == 320, || format!("{disabled} disabled users"))?;
    // Admins: user0, the Everyone group (nested), and a foreign DN (ignored).
    let admins = group_by_name(&snap, "Admins")?;
    ensure(
        admins.member_users.len() == 1 && admins.member_groups.contains(&everyone.anchor),
        || format!("Admins: {admins:?}"),
    )?;
    ensure(snap.transitive_users(&admins.anchor).len() == 3200, || {
        "Admins transitively".into()
    })?;
    ensure(report.ignored_members == 1, || format!("{report:?}"))?;
    Ok(())
}

fn fake_ad_bad_user_account_control_fails_the_read(_fx: &Fixtures) -> Result<(), String> {
    let config = FakeAdConfig {
        users: 1500,
        bad_uac_user: Some(1234),
        ..FakeAdConfig::default()
    };
    let ad = FakeAd::start(config.clone())?;
    let source = Source::new(
        "ad",
        &ad.url(),
        &config.bind_dn,
        &config.password,
        &format!("base_dn = {}\n", toml_str(&config.base_dn)),
    );
    match source.read() {
        Err(e @ SourceError::AccountControl { .. }) => {
            let text = e.to_string();
            ensure(
                text.contains("userAccountControl") && text.contains("CN=User 1234,"),
                || format!("the error does not name the attribute and DN: {text}"),
            )
        }
        Err(e) => Err(format!("expected an AccountControl error, got {e}")),
        Ok((snap, _)) => Err(format!(
            "a malformed userAccountControl gave a snapshot of {} users",
            snap.users.len()
        )),
    }
}

fn fake_ad_failed_page_or_range_fails_the_read(_fx: &Fixtures) -> Result<(), String> {
    // The second page of the user search fails: no snapshot.
    let config = FakeAdConfig {
        users: 2500,
        fail_page: Some(1),
        ..FakeAdConfig::default()
    };
    let ad = FakeAd::start(config.clone())?;
    let extra = format!("base_dn = {}\n", toml_str(&config.base_dn));
    let source = Source::new("ad", &ad.url(), &config.bind_dn, &config.password, &extra);
    match source.read() {
        Err(SourceError::Search { what: "users", .. }) => {}
        Err(e) => return Err(format!("expected a users search error, got {e}")),
        Ok((snap, _)) => {
            return Err(format!(
                "a failed page gave a snapshot of {} users",
                snap.users.len()
            ));
        }
    }
    drop(ad);
    // The continuation of Everyone's member range fails: no snapshot.
    let config = FakeAdConfig {
        users: 1600,
        fail_ranges: true,
        ..FakeAdConfig::default()
    };
    let ad = FakeAd::start(config.clone())?;
    let source = Source::new("ad", &ad.url(), &config.bind_dn, &config.password, &extra);
    match source.read() {
        Err(e @ SourceError::Members { .. }) => {
            ensure(e.to_string().contains("CN=Everyone"), || {
                format!("the error does not name the group: {e}")
            })
        }
        Err(e) => Err(format!("expected a members error, got {e}")),
        Ok((snap, _)) => Err(format!(
            "a failed range read gave a snapshot with {:?} members",
            snap.groups
                .iter()
                .map(|g| g.member_users.len())
                .collect::<Vec<_>>()
        )),
    }
}
