//! The AD and LDAP setup checks and discovery, live: `onramp check` and
//! `onramp discover` against real Samba AD domain controllers and slapd.

use std::sync::Arc;

use libtest_mimic::Trial;
use onramp_tests::Fixtures;
use onramp_tests::onramp_cli::{OnrampCli, Run, describe};
use onramp_tests::samba::{ADMIN_UPN, DNS_DOMAIN, SambaConfig, SambaDc, SambaTls, UserSpec, seed};
use onramp_tests::{ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "directory::ad_default_dc_requires_signing",
            ad_default_dc_requires_signing,
        ),
        trial(
            fx,
            "directory::ad_ldaps_by_name_and_by_ip_with_ca",
            ad_ldaps_by_name_and_by_ip_with_ca,
        ),
        trial(fx, "directory::ad_starttls_with_ca", ad_starttls_with_ca),
        trial(
            fx,
            "directory::ad_tls_without_ca_is_unknown_issuer",
            ad_tls_without_ca_is_unknown_issuer,
        ),
        trial(
            fx,
            "directory::ad_by_ip_without_ip_in_certificate",
            ad_by_ip_without_ip_in_certificate,
        ),
        trial(
            fx,
            "directory::ad_wrong_password_and_disabled_account",
            ad_wrong_password_and_disabled_account,
        ),
        trial(
            fx,
            "directory::ad_service_account_is_not_admin",
            ad_service_account_is_not_admin,
        ),
        trial(
            fx,
            "directory::ad_signing_not_required_warns",
            ad_signing_not_required_warns,
        ),
        trial(
            fx,
            "directory::ad_read_access_sees_no_users",
            ad_read_access_sees_no_users,
        ),
        trial(fx, "directory::ad_discovery", ad_discovery),
        trial(
            fx,
            "directory::bad_input_names_the_field",
            bad_input_names_the_field,
        ),
        trial(
            fx,
            "directory::ldap_slapd_checks_and_discovery",
            ldap_slapd_checks_and_discovery,
        ),
        trial(
            fx,
            "directory::ad_ldaps_certificate_expiring_soon",
            ad_ldaps_certificate_expiring_soon,
        ),
    ]
}

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or(&serde_json::Value::Null)
}

fn status(json: &serde_json::Value, id: &str) -> String {
    check(json, id)["status"]
        .as_str()
        .unwrap_or("missing")
        .to_owned()
}

fn summary(json: &serde_json::Value, id: &str) -> String {
    check(json, id)["summary"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn evidence(json: &serde_json::Value, id: &str, key: &str) -> Option<String> {
    check(json, id)["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["key"] == key)
        .and_then(|e| e["value"].as_str())
        .map(str::to_owned)
}

/// A profile for `kind` at `url`, binding as `bind_dn` with the password in `password_secret`.
struct ProfileSpec<'a> {
    kind: &'a str,
    url: &'a str,
    bind_dn: &'a str,
    starttls: bool,
    base_dn: Option<&'a str>,
    ca_file: Option<&'a std::path::Path>,
    extra: &'a str,
}

impl ProfileSpec<'_> {
    fn text(&self) -> String {
        let mut t = format!(
            "kind = \"{}\"\n[connection]\nurl = \"{}\"\nbind_dn = \"{}\"\nbind_password_secret = \"bind\"\ntimeout_seconds = 5\n",
            self.kind,
            self.url,
            self.bind_dn.replace('\\', "\\\\")
        );
        if self.starttls {
            t.push_str("starttls = true\n");
        }
        if let Some(b) = self.base_dn {
            t.push_str(&format!("base_dn = \"{b}\"\n"));
        }
        if let Some(c) = self.ca_file {
            t.push_str(&format!("ca_file = \"{}\"\n", c.display()));
        }
        t.push_str(self.extra);
        t
    }
}

fn ad<'a>(url: &'a str, dc: &'a SambaDc) -> ProfileSpec<'a> {
    ProfileSpec {
        kind: "ad",
        url,
        bind_dn: ADMIN_UPN,
        starttls: false,
        base_dn: None,
        ca_file: Some(dc.ca_path()),
        extra: "",
    }
}

/// Writes the profile, stores the password, runs `onramp --json check`.
fn run_check(cli: &OnrampCli, spec: &ProfileSpec, password: &str) -> (Run, serde_json::Value) {
    cli.write_profile("p", &spec.text());
    cli.run_with_stdin(&["secret", "set", "bind"], password);
    let run = cli.run(&["--json", "check", "--profile", "p"]);
    let json = run.json();
    (run, json)
}

fn ad_default_dc_requires_signing(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let cli = OnrampCli::new();
    let url = format!("ldap://{}", dc.host_name());
    let (run, json) = run_check(&cli, &ad(&url, dc), dc.admin_password());
    ensure(run.code == 3, || describe(&run))?;
    ensure(status(&json, "ldap.reachability") == "pass", || {
        describe(&run)
    })?;
    ensure(status(&json, "ldap.rootdse") == "pass", || describe(&run))?;
    ensure(
        evidence(&json, "ldap.rootdse", "server.kind").as_deref() == Some("samba_ad"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.rootdse", "proposed_base_dn").as_deref() == Some(dc.base_dn()),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.rootdse", "supports.paged_results").as_deref() == Some("true"),
        || describe(&run),
    )?;
    // Signing: code 8 with Samba's wording, explained, with the GPO path and the LDAPS advice.
    let signing = check(&json, "ldap.signing");
    ensure(signing["status"] == "fail", || describe(&run))?;
    ensure(
        summary(&json, "ldap.signing").contains("requires LDAP signing"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.signing", "ldap.result_code").as_deref() == Some("8"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.signing", "ldap.diagnostic_message").as_deref()
            == Some("BindSimple: Transport encryption required."),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.signing", "server.flavor").as_deref() == Some("Samba"),
        || describe(&run),
    )?;
    let remediation = signing["remediation"].to_string();
    ensure(
        remediation.contains("ldaps://") && remediation.contains("starttls = true"),
        || remediation.clone(),
    )?;
    ensure(
        remediation.contains("Domain controller: LDAP server signing requirements"),
        || remediation.clone(),
    )?;
    ensure(
        remediation.contains("Default Domain Controllers Policy"),
        || remediation.clone(),
    )?;
    ensure(
        signing["details"]
            .as_str()
            .unwrap_or_default()
            .contains("Windows Server 2025"),
        || describe(&run),
    )?;
    // The bind over the profile's plain transport fails the same way; read access is not tried.
    ensure(status(&json, "ldap.bind") == "fail", || describe(&run))?;
    ensure(
        summary(&json, "ldap.bind").contains("result code 8"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.read_access") == "skipped", || {
        describe(&run)
    })?;
    // TLS works (the CA is given) but the profile does not use it.
    ensure(status(&json, "ldap.tls") == "warn", || describe(&run))?;
    ensure(summary(&json, "ldap.tls").contains("plain LDAP"), || {
        describe(&run)
    })?;
    // Samba refuses before checking the password: a wrong one gives the same answer.
    let (run, json) = run_check(&cli, &ad(&url, dc), "wrong-password");
    ensure(
        run.code == 3 && status(&json, "ldap.signing") == "fail",
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.signing")["details"]
            .as_str()
            .unwrap_or_default()
            .contains("before checking the password"),
        || describe(&run),
    )?;
    // --only runs one check; text output for people has numbered steps.
    let one = cli.run(&["check", "--profile", "p", "--only", "ldap.signing"]);
    ensure(
        one.code == 3
            && one.stdout.contains("[FAIL] ldap.signing")
            && !one.stdout.contains("ldap.bind"),
        || describe(&one),
    )?;
    ensure(
        one.stdout.contains("How to fix:") && one.stdout.contains("  1. "),
        || describe(&one),
    )
}

fn ad_ldaps_by_name_and_by_ip_with_ca(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    for host in [dc.host_name().to_owned(), dc.ip().to_string()] {
        let cli = OnrampCli::new();
        let url = format!("ldaps://{host}");
        let (run, json) = run_check(&cli, &ad(&url, dc), dc.admin_password());
        ensure(run.code == 0, || describe(&run))?;
        ensure(status(&json, "ldap.signing") == "pass", || describe(&run))?;
        ensure(
            summary(&json, "ldap.signing").contains("uses LDAPS"),
            || describe(&run),
        )?;
        ensure(status(&json, "ldap.tls") == "pass", || describe(&run))?;
        ensure(
            summary(&json, "ldap.tls").contains("LDAPS and StartTLS work "),
            || describe(&run),
        )?;
        let not_after =
            evidence(&json, "ldap.tls", "certificate.not_after_unix").unwrap_or_default();
        ensure(not_after.parse::<i64>().is_ok(), || describe(&run))?;
        ensure(
            evidence(&json, "ldap.tls", "certificate.sans")
                .is_some_and(|s| s.contains(dc.host_name())),
            || describe(&run),
        )?;
        // Administrator is a Domain Admin: a warning, with the read-only account advice.
        ensure(status(&json, "ldap.bind") == "warn", || describe(&run))?;
        ensure(
            summary(&json, "ldap.bind").contains("Domain Admins"),
            || describe(&run),
        )?;
        ensure(
            check(&json, "ldap.bind")["remediation"]
                .to_string()
                .contains("dedicated service account"),
            || describe(&run),
        )?;
        ensure(status(&json, "ldap.read_access") == "pass", || {
            describe(&run)
        })?;
        ensure(
            evidence(&json, "ldap.read_access", "anchor.attribute").as_deref()
                == Some("objectGUID")
                && evidence(&json, "ldap.read_access", "anchor.example")
                    .is_some_and(|g| uuid_like(&g)),
            || describe(&run),
        )?;
        let users: u64 = evidence(&json, "ldap.read_access", "users.count")
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        ensure(users >= 3, || describe(&run))?;
        ensure(status(&json, "ldap.reachability") == "pass", || {
            describe(&run)
        })?;
        ensure(
            evidence(&json, "ldap.reachability", "tcp.636").as_deref() == Some("open"),
            || describe(&run),
        )?;
    }
    Ok(())
}

fn ad_starttls_with_ca(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let cli = OnrampCli::new();
    let url = format!("ldap://{}", dc.host_name());
    let mut spec = ad(&url, dc);
    spec.starttls = true;
    spec.bind_dn = "ONRAMP\\Administrator";
    let (run, json) = run_check(&cli, &spec, dc.admin_password());
    ensure(run.code == 0, || describe(&run))?;
    ensure(
        summary(&json, "ldap.signing").contains("uses StartTLS"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.tls") == "pass", || describe(&run))?;
    ensure(
        summary(&json, "ldap.bind").contains("over StartTLS"),
        || describe(&run),
    )?;
    ensure(
        summary(&json, "ldap.bind").contains("Domain Admins"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.bind", "bind.form").as_deref() == Some("DOMAIN\\user"),
        || describe(&run),
    )
}

fn ad_tls_without_ca_is_unknown_issuer(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let mut spec = ad(&url, dc);
    spec.ca_file = None;
    let (run, json) = run_check(&cli, &spec, dc.admin_password());
    ensure(run.code == 3, || describe(&run))?;
    let tls = check(&json, "ldap.tls");
    ensure(tls["status"] == "fail", || describe(&run))?;
    ensure(
        summary(&json, "ldap.tls").contains("unknown issuer"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.tls", "tls.problem").as_deref() == Some("unknown_issuer"),
        || describe(&run),
    )?;
    for key in [
        "certificate.subject",
        "certificate.issuer",
        "certificate.sans",
        "certificate.not_after",
        "certificate.sha256",
    ] {
        ensure(evidence(&json, "ldap.tls", key).is_some(), || {
            format!("{key}: {}", describe(&run))
        })?;
    }
    ensure(
        tls["remediation"]
            .to_string()
            .contains("connection.ca_file"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.bind") == "fail", || describe(&run))
}

fn ad_by_ip_without_ip_in_certificate(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.start_samba(SambaConfig {
        tls: SambaTls::TestCaHostNameOnly,
        seed: false,
        ..SambaConfig::default()
    });
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.ip());
    let (run, json) = run_check(&cli, &ad(&url, &dc), dc.admin_password());
    ensure(run.code == 3, || describe(&run))?;
    ensure(
        evidence(&json, "ldap.tls", "tls.problem").as_deref() == Some("name_mismatch"),
        || describe(&run),
    )?;
    ensure(
        summary(&json, "ldap.tls").contains("you connected by IP address"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.tls")["remediation"]
            .to_string()
            .contains("SANs"),
        || describe(&run),
    )?;
    let url = format!("ldaps://{}", dc.host_name());
    let (run, json) = run_check(&cli, &ad(&url, &dc), dc.admin_password());
    ensure(status(&json, "ldap.tls") == "pass", || describe(&run))
}

fn ad_wrong_password_and_disabled_account(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let (run, json) = run_check(&cli, &ad(&url, dc), "not-the-password");
    ensure(run.code == 3, || describe(&run))?;
    ensure(
        summary(&json, "ldap.bind").contains("the password is wrong (AD code 52e)"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.bind", "ldap.result_code").as_deref() == Some("49"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.bind")["remediation"]
            .to_string()
            .contains("onramp secret set bind"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.read_access") == "skipped", || {
        describe(&run)
    })?;
    // Bob is disabled.
    let mut spec = ad(&url, dc);
    spec.bind_dn = seed::BOB;
    let (run, json) = run_check(&cli, &spec, seed::USER_PASSWORD);
    ensure(run.code == 3, || describe(&run))?;
    ensure(
        summary(&json, "ldap.bind").contains("disabled (AD code 533)"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.bind")["remediation"]
            .to_string()
            .contains("Enable-ADAccount"),
        || describe(&run),
    )
}

fn ad_service_account_is_not_admin(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let ou = dc.unique_ou("svc")?;
    let sam = format!("svc{}", &onramp_tests::random_hex(4));
    dc.add_user(
        &ou,
        &UserSpec::new(&sam)
            .name("Sync", "Service")
            .password("Svc-Passw0rd-1!"),
    )?;
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let upn = format!("{sam}@{DNS_DOMAIN}");
    let mut spec = ad(&url, dc);
    spec.bind_dn = &upn;
    let (run, json) = run_check(&cli, &spec, "Svc-Passw0rd-1!");
    ensure(run.code == 0, || describe(&run))?;
    ensure(status(&json, "ldap.bind") == "pass", || describe(&run))?;
    ensure(
        evidence(&json, "ldap.bind", "bind.dn")
            .is_some_and(|d| d.to_lowercase().ends_with(&ou.to_lowercase())),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.read_access") == "pass", || {
        describe(&run)
    })?;
    ensure(json["overall"] == "pass", || describe(&run))
}

fn ad_signing_not_required_warns(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba_no_strong_auth();
    let cli = OnrampCli::new();
    let url = format!("ldap://{}", dc.host_name());
    let (run, json) = run_check(&cli, &ad(&url, dc), dc.admin_password());
    ensure(run.code == 0, || describe(&run))?;
    ensure(status(&json, "ldap.signing") == "warn", || describe(&run))?;
    ensure(
        summary(&json, "ldap.signing").contains("clear text"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.signing", "signing.required").as_deref() == Some("false"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.signing")["remediation"]
            .to_string()
            .contains("Require signing"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.bind") != "fail", || describe(&run))
}

fn ad_read_access_sees_no_users(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let empty = dc.unique_ou("empty")?;
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let mut spec = ad(&url, dc);
    spec.base_dn = Some(&empty);
    let (run, json) = run_check(&cli, &spec, dc.admin_password());
    ensure(run.code == 3, || describe(&run))?;
    ensure(status(&json, "ldap.read_access") == "fail", || {
        describe(&run)
    })?;
    ensure(
        summary(&json, "ldap.read_access").contains("sees no users"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.read_access")["remediation"]
            .to_string()
            .contains("base DN"),
        || describe(&run),
    )
}

fn ad_discovery(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let root = dc.unique_ou("disc")?;
    let staff = dc.add_ou(Some(&root), "Staff")?;
    let sales = dc.add_ou(Some(&staff), "Sales")?;
    let service = dc.add_ou(Some(&root), "Service Accounts")?;
    let bulk = dc.add_ou(Some(&root), "Bulk")?;
    let tag = onramp_tests::random_hex(3);
    let mut users = Vec::new();
    users.push(
        dc.add_user(
            &sales,
            &UserSpec::new(&format!("ann{tag}"))
                .name("Ann", "Able")
                .mail(&format!("ann{tag}@{DNS_DOMAIN}")),
        )?,
    );
    users.push(dc.add_user(
        &sales,
        &UserSpec::new(&format!("ben{tag}")).name("Ben", "Baker"),
    )?); // no mail
    users.push(
        dc.add_user(
            &staff,
            &UserSpec {
                user_principal_name: Some(format!("cy{tag}@corp.example")),
                ..UserSpec::new(&format!("cy{tag}"))
                    .name("Cy", "Cole")
                    .mail(&format!("cy{tag}@{DNS_DOMAIN}"))
            },
        )?,
    );
    users.push(dc.add_user(
        &service,
        &UserSpec {
            user_principal_name: Some(String::new()),
            ..UserSpec::new(&format!("sv{tag}"))
        },
    )?); // no name, no mail, no UPN
    let big = dc.add_bulk_users(&bulk, &format!("b{tag}x"), 1600)?;
    let big_group = dc.add_group(
        &root,
        &format!("All Bulk Users With A Long Name {tag}"),
        &big,
    )?;
    dc.add_group(&root, &format!("Sales {tag}"), &users[..2])?;
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let mut spec = ad(&url, dc);
    spec.base_dn = Some(&root);
    let excluded = format!("[sync]\nexcluded_ous = [\"{service}\"]\n");
    spec.extra = &excluded;
    cli.write_profile("p", &spec.text());
    cli.run_with_stdin(&["secret", "set", "bind"], dc.admin_password());

    let run = cli.run(&["--json", "discover", "ous", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let tree = run.json();
    ensure(tree["total_users"] == 1604, || describe(&run))?;
    let child = |node: &serde_json::Value, name: &str| -> serde_json::Value {
        node["children"]
            .as_array()
            .and_then(|c| c.iter().find(|n| n["name"] == name))
            .cloned()
            .unwrap_or_default()
    };
    let staff_node = child(&tree, "Staff");
    ensure(
        staff_node["total_users"] == 3 && staff_node["direct_users"] == 1,
        || describe(&run),
    )?;
    ensure(child(&staff_node, "Sales")["total_users"] == 2, || {
        describe(&run)
    })?;
    ensure(child(&tree, "Bulk")["total_users"] == 1600, || {
        describe(&run)
    })?;
    ensure(child(&tree, "Service Accounts")["excluded"] == true, || {
        describe(&run)
    })?;
    let text = cli.run(&["discover", "ous", "--profile", "p"]);
    ensure(
        text.stdout.contains("  Staff (3 users, 1 directly)") && text.stdout.contains("[excluded]"),
        || describe(&text),
    )?;

    let run = cli.run(&["--json", "discover", "groups", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let groups = run.json();
    let group = |dn: &str| {
        groups
            .as_array()
            .and_then(|g| {
                g.iter()
                    .find(|x| x["dn"].as_str().is_some_and(|d| d.eq_ignore_ascii_case(dn)))
            })
            .cloned()
            .unwrap_or_default()
    };
    let bg = group(&big_group);
    ensure(bg["member_count"] == 1600, || describe(&run))?;
    ensure(bg["name_too_long_for_tag"] == true, || describe(&run))?;
    ensure(
        groups.as_array().is_some_and(|g| {
            g.iter()
                .any(|x| x["member_count"] == 2 && x["name_too_long_for_tag"] == false)
        }),
        || describe(&run),
    )?;

    let run = cli.run(&["--json", "discover", "email", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let email = run.json();
    // The survey takes the users the sync takes: the service account in
    // the excluded OU (no name, no mail) is not counted.
    ensure(
        email["users"] == 1603 && email["attribute"] == "mail",
        || describe(&run),
    )?;
    ensure(
        email["both_same"] == 1601
            && email["both_different"] == 1
            && email["upn_only"] == 1
            && email["neither"] == 0,
        || describe(&run),
    )?;
    ensure(email["eligible"] == 1602, || describe(&run))?;
    let skipped = email["skipped"].to_string();
    ensure(
        skipped.contains(&format!("ben{tag}").to_lowercase())
            || skipped.to_lowercase().contains("ben baker"),
        || skipped.clone(),
    )?;
    ensure(
        skipped.contains("no email: the mail attribute is empty")
            && !skipped.contains("no name")
            && !skipped.contains(&service),
        || skipped.clone(),
    )
}

fn bad_input_names_the_field(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let cli = OnrampCli::new();
    let url = format!("ldaps://{}", dc.host_name());
    let cases: [(&str, &str); 4] = [
        ("base_dn = \"DC=onramp,,DC=test\"\n", "connection.base_dn"),
        (
            "[sync]\nuser_filter = \"(&(department=IT)\"\n",
            "sync.user_filter",
        ),
        (
            "[sync]\nexcluded_ous = [\"not a dn\"]\n",
            "sync.excluded_ous[0]",
        ),
        ("", "connection.bind_dn"),
    ];
    for (extra, field) in cases {
        let mut spec = ad(&url, dc);
        spec.extra = extra;
        if field == "connection.bind_dn" {
            spec.bind_dn = "administrator";
        }
        let (run, json) = run_check(&cli, &spec, dc.admin_password());
        ensure(run.code == 2, || describe(&run))?;
        ensure(json["error"]["code"] == "profile_invalid", || {
            describe(&run)
        })?;
        // The file, its line and the key, as for every profile error.
        let message = json["error"]["message"].as_str().unwrap_or_default();
        ensure(
            message.contains("p.toml:") && message.contains(&format!("key `{field}`")),
            || describe(&run),
        )?;
        // `profile validate` refuses the same file with the same words.
        let validate = cli.run(&["--json", "profile", "validate", "p"]);
        ensure(validate.code == 2, || describe(&validate))?;
        ensure(validate.json()[0]["error"]["message"] == message, || {
            describe(&validate)
        })?;
    }
    for (bad_url, expect) in [
        ("ldapx://dc.onramp.test", "ldaps://"),
        ("ldaps://dc.onramp.test:99999", "port"),
    ] {
        let (run, json) = run_check(&cli, &ad(bad_url, dc), "x");
        ensure(run.code == 2, || describe(&run))?;
        let message = json["error"]["message"].as_str().unwrap_or_default();
        ensure(
            message.contains("connection.url") && message.contains(expect),
            || describe(&run),
        )?;
    }
    cli.write_profile("p", &ad(&url, dc).text());
    let run = cli.run(&["check", "--profile", "p", "--only", "ldap.nope"]);
    ensure(
        run.code == 2 && run.stderr.contains("ldap.reachability"),
        || describe(&run),
    )
}

fn ldap_slapd_checks_and_discovery(fx: &Fixtures) -> Result<(), String> {
    use onramp_tests::slapd;
    let server = fx.slapd();
    let cli = OnrampCli::new();
    let url = server.url();
    let spec = ProfileSpec {
        kind: "ldap",
        url: &url,
        bind_dn: server.root_dn(),
        starttls: true,
        base_dn: None,
        ca_file: Some(server.ca_path()),
        extra: "",
    };
    let (run, json) = run_check(&cli, &spec, server.root_password());
    ensure(run.code == 0, || describe(&run))?;
    ensure(
        evidence(&json, "ldap.rootdse", "server.kind").as_deref() == Some("open_ldap"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.rootdse", "proposed_base_dn").as_deref() == Some(slapd::BASE_DN),
        || describe(&run),
    )?;
    // slapd accepts simple binds in clear text: the signing check warns.
    ensure(status(&json, "ldap.signing") == "warn", || describe(&run))?;
    ensure(
        status(&json, "ldap.tls") == "pass" && summary(&json, "ldap.tls").contains("StartTLS"),
        || describe(&run),
    )?;
    ensure(status(&json, "ldap.bind") == "pass", || describe(&run))?;
    ensure(
        evidence(&json, "ldap.bind", "bind.form").as_deref() == Some("distinguished name"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.read_access", "users.count").as_deref() == Some("3"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.read_access", "anchor.attribute").as_deref() == Some("entryUUID"),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.read_access", "anchor.example").is_some_and(|u| u.len() == 36),
        || describe(&run),
    )?;
    ensure(
        evidence(&json, "ldap.read_access", "users.filter")
            .is_some_and(|f| f.contains("inetOrgPerson")),
        || describe(&run),
    )?;
    let run = cli.run(&["--json", "discover", "groups", "--profile", "p"]);
    ensure(run.code == 0, || describe(&run))?;
    let groups = run.json();
    let eng = groups
        .as_array()
        .and_then(|g| g.iter().find(|x| x["dn"] == slapd::seed::ENGINEERING))
        .cloned()
        .unwrap_or_default();
    ensure(eng["member_count"].as_u64().is_some_and(|n| n >= 1), || {
        describe(&run)
    })?;
    // A wrong password on a generic server: result code 49 without AD's data code.
    let (run, json) = run_check(&cli, &spec, "wrong");
    ensure(
        run.code == 3 && summary(&json, "ldap.bind").contains("invalidCredentials"),
        || describe(&run),
    )
}

fn ad_ldaps_certificate_expiring_soon(fx: &Fixtures) -> Result<(), String> {
    // A TLS front with a certificate ending in 5 days, before a DC that takes
    // simple binds on its clear-text port: the client sees LDAPS.
    let dc = fx.samba_no_strong_auth();
    let proxy = fx.start_tls_proxy(
        std::net::SocketAddr::from((dc.ip(), 389)),
        onramp_tests::pki::Validity::ExpiresInDays(5),
    );
    let port = proxy.addr().port();
    let url = format!("ldaps://localhost:{port}");
    let cli = OnrampCli::new();
    let mut spec = ad(&url, dc);
    spec.ca_file = Some(proxy.ca_path());
    let (run, json) = run_check(&cli, &spec, dc.admin_password());
    ensure(run.code == 0, || describe(&run))?;
    ensure(status(&json, "ldap.tls") == "warn", || describe(&run))?;
    let s = summary(&json, "ldap.tls");
    ensure(
        s.contains("expires in 4 days") || s.contains("expires in 5 days"),
        || describe(&run),
    )?;
    ensure(
        check(&json, "ldap.tls")["remediation"]
            .to_string()
            .contains("Renew"),
        || describe(&run),
    )?;
    let records: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cli.data_dir().join("expiry.json")).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    ensure(records["version"] == 2, || records.to_string())?;
    let record = records["items"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["item"] == "ldap.tls"))
        .cloned()
        .unwrap_or_default();
    ensure(
        record["profile"] == "p"
            && record["credential"]["type"] == "tls_certificate"
            && record["date_source"] == "certificate",
        || records.to_string(),
    )?;
    let left = record["not_after_unix"].as_i64().unwrap_or(0)
        - time::OffsetDateTime::now_utc().unix_timestamp();
    ensure((4 * 86_400..=5 * 86_400 + 60).contains(&left), || {
        records.to_string()
    })
}

fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.chars().filter(|c| *c == '-').count() == 4
}
