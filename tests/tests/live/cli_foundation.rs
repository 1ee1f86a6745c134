//! The foundation, end to end through the real `onramp` binary: profiles,
//! secrets (file store and a real Secret Service), `target check` against
//! scim2-server directly and behind a TLS proxy, the error paths of the
//! platform (401, 403, 404, not SCIM, untrusted certificate, refused, unknown
//! host, OAuth 2.0 errors), and the canary that must never leak.

use std::sync::Arc;

use libtest_mimic::{Failed, Trial};
use onramp_tests::Fixtures;
use onramp_tests::fake_http::{FakeHttp, Response};
use onramp_tests::onramp_cli::{OnrampCli, describe};
use onramp_tests::session_bus::SessionBus;

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    let mut t = Vec::new();
    let add = |t: &mut Vec<Trial>,
               name: &str,
               f: fn(&Fixtures) -> Result<(), Failed>,
               fx: &Arc<Fixtures>| {
        let fx = fx.clone();
        t.push(Trial::test(format!("cli::{name}"), move || f(&fx)));
    };
    add(
        &mut t,
        "profile_validate_names_file_key_and_expectation",
        profile_validate_names_file_key_and_expectation,
        fx,
    );
    add(&mut t, "profile_new_list_show", profile_new_list_show, fx);
    add(
        &mut t,
        "a_closed_output_pipe_ends_quietly",
        a_closed_output_pipe_ends_quietly,
        fx,
    );
    add(
        &mut t,
        "secret_set_reads_stdin_only",
        secret_set_reads_stdin_only,
        fx,
    );
    add(
        &mut t,
        "keyring_store_on_private_session_bus",
        keyring_store_on_private_session_bus,
        fx,
    );
    add(
        &mut t,
        "target_check_passes_over_verified_tls",
        target_check_passes_over_verified_tls,
        fx,
    );
    add(
        &mut t,
        "target_check_plain_http_on_loopback_warns",
        target_check_plain_http_on_loopback_warns,
        fx,
    );
    add(
        &mut t,
        "target_check_wrong_token_is_401",
        target_check_wrong_token_is_401,
        fx,
    );
    add(
        &mut t,
        "target_check_untrusted_certificate",
        target_check_untrusted_certificate,
        fx,
    );
    add(
        &mut t,
        "target_check_wrong_path_is_404",
        target_check_wrong_path_is_404,
        fx,
    );
    add(
        &mut t,
        "target_check_forbidden_and_not_scim",
        target_check_forbidden_and_not_scim,
        fx,
    );
    add(
        &mut t,
        "target_check_refused_and_unknown_host",
        target_check_refused_and_unknown_host,
        fx,
    );
    add(
        &mut t,
        "target_check_oauth2_client_credentials",
        target_check_oauth2_client_credentials,
        fx,
    );
    add(
        &mut t,
        "target_check_missing_secret",
        target_check_missing_secret,
        fx,
    );
    add(
        &mut t,
        "canary_secret_never_leaks",
        canary_secret_never_leaks,
        fx,
    );
    add(
        &mut t,
        "target_check_certificate_expiring_soon",
        target_check_certificate_expiring_soon,
        fx,
    );
    t
}

fn ensure(cond: bool, what: impl Into<String>) -> Result<(), Failed> {
    if cond {
        Ok(())
    } else {
        Err(what.into().into())
    }
}

fn check<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["id"] == id))
        .unwrap_or(&serde_json::Value::Null)
}

fn evidence<'a>(check: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    check["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["key"] == key)
        .and_then(|e| e["value"].as_str())
}

fn bearer_profile(url: &str, secret: &str, ca_file: Option<&str>) -> String {
    let ca = ca_file
        .map(|c| format!("ca_file = \"{c}\"\n"))
        .unwrap_or_default();
    format!(
        "kind = \"ad\"\n[connection]\nurl = \"ldaps://dc.example.test\"\nbind_dn = \"svc@example.test\"\nbind_password_secret = \"bind\"\n\n[target]\nurl = \"{url}\"\nauth = \"bearer\"\ntoken_secret = \"{secret}\"\n{ca}"
    )
}

fn profile_validate_names_file_key_and_expectation(_fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    let run = cli.run(&["profile", "new", "corp", "--kind", "ad"]);
    ensure(run.code == 0, describe(&run))?;
    let path = cli.config_dir().join("profiles/corp.toml");
    let text = std::fs::read_to_string(&path)?;
    let ok = cli.run(&["profile", "validate", "corp"]);
    ensure(
        ok.code == 0 && ok.stdout.contains("corp: valid"),
        describe(&ok),
    )?;

    // An unknown key: the file, the line, the key and the expected keys are named.
    std::fs::write(&path, text.replace("bind_dn =", "bind_dnn ="))?;
    let bad = cli.run(&["profile", "validate", "corp"]);
    ensure(bad.code == 2, describe(&bad))?;
    ensure(
        bad.stderr.contains(&path.display().to_string()),
        describe(&bad),
    )?;
    ensure(
        bad.stderr.contains("key `connection.bind_dnn`"),
        describe(&bad),
    )?;
    ensure(
        bad.stderr.contains("expected one of") && bad.stderr.contains("`bind_dn`"),
        describe(&bad),
    )?;

    // A value of the wrong form, as JSON for the UI.
    std::fs::write(
        &path,
        text.replace("interval_minutes = 15", "interval_minutes = \"soon\""),
    )?;
    let bad = cli.run(&["--json", "profile", "validate", "corp"]);
    ensure(bad.code == 2, describe(&bad))?;
    let json = bad.json();
    let err = &json[0]["error"];
    ensure(err["code"] == "profile_invalid", describe(&bad))?;
    let message = err["message"].as_str().unwrap_or_default();
    ensure(
        message.contains("schedule.interval_minutes") && message.contains("expected"),
        message,
    )?;

    // Broken TOML: line and column.
    std::fs::write(&path, "kind = \"ad\"\n[connection\n")?;
    let bad = cli.run(&["profile", "validate", &path.display().to_string()]);
    ensure(
        bad.code == 2 && bad.stderr.contains("corp.toml:2:"),
        describe(&bad),
    )?;

    // A missing profile is a configuration error too.
    let missing = cli.run(&["profile", "show", "nope"]);
    ensure(
        missing.code == 2 && missing.stderr.contains("no profile named 'nope'"),
        describe(&missing),
    )
}

fn profile_new_list_show(_fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    for (name, kind) in [("a-ad", "ad"), ("b-s1", "sentinelone")] {
        let run = cli.run(&["profile", "new", name, "--kind", kind]);
        ensure(run.code == 0, describe(&run))?;
    }
    let again = cli.run(&["profile", "new", "a-ad", "--kind", "ad"]);
    ensure(
        again.code == 2 && again.stderr.contains("already exists"),
        describe(&again),
    )?;
    let bad_kind = cli.run(&["profile", "new", "x", "--kind", "adfs"]);
    ensure(
        bad_kind.code == 2 && bad_kind.stderr.contains("expected one of"),
        describe(&bad_kind),
    )?;
    let list = cli.run(&["--json", "profile", "list"]);
    let json = list.json();
    ensure(json.as_array().map(Vec::len) == Some(2), describe(&list))?;
    ensure(
        json[0]["name"] == "a-ad" && json[0]["kind"] == "ad" && json[0]["valid"] == true,
        describe(&list),
    )?;
    ensure(json[1]["kind"] == "sentinelone", describe(&list))?;
    let show = cli.run(&["--json", "profile", "show", "a-ad"]);
    let p = show.json();
    ensure(p["schedule"]["interval_minutes"] == 15, describe(&show))?;
    ensure(
        p["connection"]["bind_password_secret"] == "a-ad-bind-password",
        describe(&show),
    )?;
    ensure(p["target"]["auth"]["method"] == "bearer", describe(&show))
}

fn secret_set_reads_stdin_only(_fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    let empty = cli.run_with_stdin(&["secret", "set", "tok"], "");
    ensure(
        empty.code == 2 && empty.stderr.contains("nothing was stored"),
        describe(&empty),
    )?;
    ensure(
        !cli.config_dir().join("secrets/tok").exists(),
        "an empty value must not be stored",
    )?;
    let bad = cli.run_with_stdin(&["secret", "set", "../escape"], "x");
    ensure(
        bad.code == 2 && bad.stderr.contains("invalid secret name"),
        describe(&bad),
    )?;
    let set = cli.run_with_stdin(&["secret", "set", "tok"], "s3cret-value\n");
    ensure(set.code == 0, describe(&set))?;
    ensure(
        std::fs::read_to_string(cli.config_dir().join("secrets/tok"))? == "s3cret-value",
        "stored value",
    )?;
    // There is no way to pass the value as an argument.
    let argv = cli.run(&["secret", "set", "tok", "s3cret-value"]);
    ensure(argv.code == 2, describe(&argv))?;
    let del = cli.run(&["secret", "delete", "tok"]);
    ensure(del.code == 0, describe(&del))?;
    let del = cli.run(&["secret", "delete", "tok"]);
    ensure(
        del.code == 2 && del.stderr.contains("not in the file store"),
        describe(&del),
    )
}

fn keyring_store_on_private_session_bus(fx: &Fixtures) -> Result<(), Failed> {
    let bus = SessionBus::start()?;
    let mut cli = OnrampCli::new();
    cli.set_env("ONRAMP_SECRET_STORE", "keyring");
    for (k, v) in bus.env() {
        cli.set_env(&k, &v);
    }
    let scim = fx.scim();
    let set = cli.run_with_stdin(&["secret", "set", "platform-token"], scim.token());
    ensure(
        set.code == 0 && set.stdout.contains("OS keyring"),
        describe(&set),
    )?;
    // Cross-check with the Secret Service's own client.
    let lookup = std::process::Command::new("secret-tool")
        .args(["lookup", "service", "onramp", "username", "platform-token"])
        .envs(bus.env())
        .output()?;
    ensure(
        String::from_utf8_lossy(&lookup.stdout) == scim.token(),
        "secret-tool reads the same value",
    )?;
    cli.write_profile(
        "p",
        &bearer_profile(&scim.base_url(), "platform-token", None),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 0, describe(&run))?;
    ensure(
        check(&run.json(), "target.auth")["status"] == "pass",
        describe(&run),
    )?;
    let del = cli.run(&["secret", "delete", "platform-token"]);
    ensure(del.code == 0, describe(&del))?;
    // A missing secret is a configuration error (exit 2) before anything
    // connects, with the remedy in the JSON too.
    let after = cli.run(&["--json", "target", "check", "--profile", "p"]);
    let error = &after.json()["error"];
    ensure(
        after.code == 2
            && error["code"] == "secret_not_found"
            && error["message"]
                .as_str()
                .unwrap_or_default()
                .contains("not in the OS keyring")
            && error["remediation"]
                .to_string()
                .contains("onramp secret set platform-token"),
        describe(&after),
    )
}

fn target_check_passes_over_verified_tls(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    let proxy = fx.scim_tls();
    cli.run_with_stdin(&["secret", "set", "tok"], fx.scim().token());
    let url = format!("{}/v2", proxy.url());
    cli.write_profile(
        "p",
        &bearer_profile(&url, "tok", Some(&proxy.ca_path().display().to_string())),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 0, describe(&run))?;
    let json = run.json();
    ensure(json["overall"] == "pass", describe(&run))?;
    let connect = check(&json, "target.connect");
    ensure(connect["status"] == "pass", describe(&run))?;
    ensure(
        evidence(connect, "certificate.sha256").is_some_and(|f| f.len() == 95),
        describe(&run),
    )?;
    let scim = check(&json, "target.scim");
    ensure(scim["status"] == "pass", describe(&run))?;
    for key in ["patch", "bulk", "filter", "etag", "sort"] {
        ensure(
            evidence(scim, key) == Some("true"),
            format!("{key}: {}", describe(&run)),
        )?;
    }
    ensure(
        evidence(scim, "filter.max_results").is_some(),
        describe(&run),
    )?;
    // The same as text for a person.
    let text = cli.run(&["target", "check", "--profile", "p"]);
    ensure(
        text.code == 0 && text.stdout.contains("[PASS] target.scim"),
        describe(&text),
    )
}

fn target_check_plain_http_on_loopback_warns(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], fx.scim().token());
    cli.write_profile("p", &bearer_profile(&fx.scim().base_url(), "tok", None));
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    let json = run.json();
    ensure(run.code == 0 && json["overall"] == "warn", describe(&run))?;
    ensure(
        check(&json, "target.connect")["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("plain HTTP"),
        describe(&run),
    )
}

fn target_check_wrong_token_is_401(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], "not-the-token");
    cli.write_profile("p", &bearer_profile(&fx.scim().base_url(), "tok", None));
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 3, describe(&run))?;
    let json = run.json();
    let auth = check(&json, "target.auth");
    ensure(auth["status"] == "fail", describe(&run))?;
    ensure(
        auth["summary"].as_str().unwrap_or_default().contains("401"),
        describe(&run),
    )?;
    ensure(
        auth["remediation"]
            .to_string()
            .contains("onramp secret set tok"),
        describe(&run),
    )?;
    ensure(
        check(&json, "target.scim")["status"] == "skipped",
        describe(&run),
    )
}

fn target_check_untrusted_certificate(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], fx.scim().token());
    let url = format!("{}/v2", fx.scim_tls().url());
    cli.write_profile("p", &bearer_profile(&url, "tok", None));
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 3, describe(&run))?;
    let json = run.json();
    let connect = check(&json, "target.connect");
    ensure(connect["status"] == "fail", describe(&run))?;
    ensure(
        connect["summary"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown issuer"),
        describe(&run),
    )?;
    ensure(
        evidence(connect, "certificate.subject").is_some(),
        describe(&run),
    )?;
    ensure(
        evidence(connect, "certificate.not_after").is_some(),
        describe(&run),
    )?;
    ensure(
        evidence(connect, "certificate.sha256").is_some(),
        describe(&run),
    )?;
    ensure(
        connect["remediation"]
            .to_string()
            .contains("target.ca_file"),
        describe(&run),
    )?;
    ensure(
        check(&json, "target.auth")["status"] == "skipped",
        describe(&run),
    )
}

fn target_check_wrong_path_is_404(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], fx.scim().token());
    let url = fx.scim().base_url().replace("/v2", "/scim/nope");
    cli.write_profile("p", &bearer_profile(&url, "tok", None));
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 3, describe(&run))?;
    let scim = check(&run.json(), "target.scim").clone();
    ensure(
        scim["status"] == "fail" && scim["summary"].as_str().unwrap_or_default().contains("404"),
        describe(&run),
    )
}

fn target_check_forbidden_and_not_scim(_fx: &Fixtures) -> Result<(), Failed> {
    let forbidden = FakeHttp::start(|req| {
        if req.header("authorization").is_some() {
            Response::json(
                403,
                &serde_json::json!({"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"403","detail":"client lacks scope scim:provision"}),
                "application/scim+json",
            )
        } else {
            Response::json(
                401,
                &serde_json::json!({"status":"401"}),
                "application/scim+json",
            )
        }
    });
    let html =
        FakeHttp::start(|_| Response::text(200, "<html><body>Sign in</body></html>", "text/html"));
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], "token-value");
    cli.write_profile(
        "f",
        &bearer_profile(&format!("{}/scim/v2", forbidden.url()), "tok", None),
    );
    cli.write_profile(
        "h",
        &bearer_profile(&format!("{}/scim/v2", html.url()), "tok", None),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "f"]);
    let json = run.json();
    let auth = check(&json, "target.auth");
    ensure(
        run.code == 3 && auth["summary"].as_str().unwrap_or_default().contains("403"),
        describe(&run),
    )?;
    ensure(
        evidence(auth, "scim.detail") == Some("client lacks scope scim:provision"),
        describe(&run),
    )?;
    let run = cli.run(&["--json", "target", "check", "--profile", "h"]);
    let json = run.json();
    let scim = check(&json, "target.scim");
    ensure(
        run.code == 3
            && scim["summary"]
                .as_str()
                .unwrap_or_default()
                .contains("not as a SCIM 2.0 service"),
        describe(&run),
    )?;
    ensure(
        evidence(scim, "content_type") == Some("text/html"),
        describe(&run),
    )?;
    ensure(
        scim["remediation"].to_string().contains("web page"),
        describe(&run),
    )
}

fn target_check_refused_and_unknown_host(_fx: &Fixtures) -> Result<(), Failed> {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0")?;
        l.local_addr()?.port()
    };
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], "t");
    cli.write_profile(
        "r",
        &bearer_profile(&format!("http://127.0.0.1:{port}/v2"), "tok", None),
    );
    cli.write_profile(
        "d",
        &bearer_profile("https://no-such-host.invalid/scim/v2", "tok", None),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "r"]);
    let connect = check(&run.json(), "target.connect").clone();
    ensure(
        run.code == 3
            && connect["summary"]
                .as_str()
                .unwrap_or_default()
                .contains("refused"),
        describe(&run),
    )?;
    let run = cli.run(&["--json", "target", "check", "--profile", "d"]);
    let connect = check(&run.json(), "target.connect").clone();
    ensure(
        run.code == 3
            && connect["summary"]
                .as_str()
                .unwrap_or_default()
                .contains("cannot resolve"),
        describe(&run),
    )
}

fn oauth_profile(url: &str, token_url: &str) -> String {
    format!(
        "kind = \"ldap\"\n[connection]\nurl = \"ldaps://ldap.example.test\"\nbind_dn = \"cn=svc,dc=example,dc=test\"\nbind_password_secret = \"bind\"\n\n[target]\nurl = \"{url}\"\nauth = \"oauth2\"\ntoken_url = \"{token_url}\"\nclient_id = \"onramp-client\"\nclient_credential_secret = \"client\"\nscope = \"scim\"\n"
    )
}

/// A token endpoint that issues `access_token` to `onramp-client` with `client_secret`.
fn token_endpoint(client_secret: String, access_token: String) -> FakeHttp {
    FakeHttp::start(move |req| {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        // RFC 6749 §2.3.1: HTTP Basic with form-encoded id and secret.
        let basic = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Basic "))
            .map(str::to_owned);
        let expected = {
            use base64::Engine;
            let enc =
                |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}:{}",
                enc("onramp-client"),
                enc(&client_secret)
            ))
        };
        if get("grant_type").as_deref() != Some("client_credentials") {
            return Response::json(
                400,
                &serde_json::json!({"error":"unsupported_grant_type"}),
                "application/json",
            );
        }
        let in_body = get("client_id").as_deref() == Some("onramp-client")
            && get("client_secret").as_deref() == Some(client_secret.as_str());
        if basic.as_deref() != Some(expected.as_str()) && !in_body {
            return Response::json(
                401,
                &serde_json::json!({"error":"invalid_client","error_description":"client authentication failed"}),
                "application/json",
            );
        }
        Response::json(
            200,
            &serde_json::json!({"access_token": access_token, "token_type":"Bearer","expires_in":3600}),
            "application/json",
        )
    })
}

fn target_check_oauth2_client_credentials(fx: &Fixtures) -> Result<(), Failed> {
    let tokens = token_endpoint("right-secret".to_owned(), fx.scim().token().to_owned());
    let cli = OnrampCli::new();
    cli.write_profile(
        "o",
        &oauth_profile(
            &fx.scim().base_url(),
            &format!("{}/oauth/token", tokens.url()),
        ),
    );
    cli.run_with_stdin(&["secret", "set", "client"], "right-secret");
    let run = cli.run(&["--json", "target", "check", "--profile", "o"]);
    ensure(run.code == 0, describe(&run))?;
    ensure(
        check(&run.json(), "target.auth")["status"] == "pass",
        describe(&run),
    )?;
    cli.run_with_stdin(&["secret", "set", "client"], "wrong-secret");
    let run = cli.run(&["--json", "target", "check", "--profile", "o"]);
    let json = run.json();
    let auth = check(&json, "target.auth");
    ensure(
        run.code == 3
            && auth["summary"]
                .as_str()
                .unwrap_or_default()
                .contains("invalid_client"),
        describe(&run),
    )?;
    ensure(
        evidence(auth, "oauth2.error_description") == Some("client authentication failed"),
        describe(&run),
    )
}

fn target_check_missing_secret(fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    cli.write_profile(
        "p",
        &bearer_profile(&fx.scim().base_url(), "never-stored", None),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    let json = run.json();
    let error = &json["error"];
    ensure(
        run.code == 2
            && error["code"] == "secret_not_found"
            && error["message"]
                .as_str()
                .unwrap_or_default()
                .contains("'never-stored' is not in the file store"),
        describe(&run),
    )?;
    ensure(
        error["remediation"]
            .to_string()
            .contains("onramp secret set never-stored"),
        describe(&run),
    )?;
    // The text output shows the same remedy.
    let text = cli.run(&["target", "check", "--profile", "p"]);
    ensure(
        text.code == 2 && text.stderr.contains("onramp secret set never-stored"),
        describe(&text),
    )
}

fn canary_secret_never_leaks(fx: &Fixtures) -> Result<(), Failed> {
    const CANARY: &str = "CANARY-5f1d2c9e-never-log-me";
    let tokens = token_endpoint(CANARY.to_owned(), fx.scim().token().to_owned());
    let cli = OnrampCli::new();
    // Succeeding: the canary is the OAuth client secret that gets a real token.
    cli.write_profile(
        "ok",
        &oauth_profile(
            &fx.scim().base_url(),
            &format!("{}/oauth/token", tokens.url()),
        ),
    );
    cli.run_with_stdin(&["secret", "set", "client"], CANARY);
    // Failing: the canary is a bearer token scim2-server refuses, and another
    // run refuses it at a TLS proxy the machine does not trust.
    cli.run_with_stdin(&["secret", "set", "bearer"], CANARY);
    cli.write_profile(
        "bad",
        &bearer_profile(&fx.scim().base_url(), "bearer", None),
    );
    cli.write_profile(
        "tls",
        &bearer_profile(&format!("{}/v2", fx.scim_tls().url()), "bearer", None),
    );
    let mut runs = Vec::new();
    for profile in ["ok", "bad", "tls"] {
        for json in [true, false] {
            let mut args = vec!["--verbose"];
            if json {
                args.push("--json");
            }
            args.extend(["target", "check", "--profile", profile]);
            runs.push((profile, cli.run(&args)));
        }
    }
    runs.push((
        "show",
        cli.run(&["--verbose", "--json", "profile", "show", "ok"]),
    ));
    runs.push(("list", cli.run(&["--verbose", "profile", "list"])));
    ensure(runs[0].1.code == 0, describe(&runs[0].1))?;
    ensure(runs[2].1.code == 3, describe(&runs[2].1))?;
    ensure(runs[4].1.code == 3, describe(&runs[4].1))?;
    for (name, run) in &runs {
        ensure(
            !run.stdout.contains(CANARY),
            format!("canary in stdout of {name}"),
        )?;
        ensure(
            !run.stderr.contains(CANARY),
            format!("canary in stderr of {name}"),
        )?;
    }
    // --verbose really logged (so the absence of the canary means something).
    let mut logged = false;
    for (path, bytes) in cli.all_files() {
        let text = String::from_utf8_lossy(&bytes);
        if path.starts_with(cli.config_dir().join("secrets")) {
            continue; // the file store itself, mode 0600, is where the value belongs
        }
        ensure(
            !text.contains(CANARY),
            format!("canary in {}", path.display()),
        )?;
        if path.starts_with(cli.data_dir().join("logs")) && text.contains("target check") {
            logged = true;
        }
    }
    ensure(logged, "the log file has the target check entries")
}

fn target_check_certificate_expiring_soon(fx: &Fixtures) -> Result<(), Failed> {
    let proxy = fx.start_tls_proxy(
        fx.scim().addr(),
        onramp_tests::pki::Validity::ExpiresInDays(10),
    );
    let cli = OnrampCli::new();
    cli.run_with_stdin(&["secret", "set", "tok"], fx.scim().token());
    let url = format!("{}/v2", proxy.url());
    cli.write_profile(
        "p",
        &bearer_profile(&url, "tok", Some(&proxy.ca_path().display().to_string())),
    );
    let run = cli.run(&["--json", "target", "check", "--profile", "p"]);
    ensure(run.code == 0, describe(&run))?;
    let json = run.json();
    ensure(json["overall"] == "warn", describe(&run))?;
    let connect = check(&json, "target.connect");
    let summary = connect["summary"].as_str().unwrap_or_default();
    ensure(
        summary.contains("expires in 9 days") || summary.contains("expires in 10 days"),
        describe(&run),
    )?;
    ensure(
        connect["certificate"]["not_after_unix"].is_i64(),
        describe(&run),
    )?;
    let records = std::fs::read_to_string(cli.data_dir().join("expiry.json"))?;
    ensure(
        records.contains("\"item\": \"target.connect\"") && records.contains("\"profile\": \"p\""),
        records,
    )
}

/// Output into a pipe whose reader is gone (`onramp history | head -0`)
/// ends the command quietly with 141 (128 + SIGPIPE), for every kind of
/// output: JSON, text tables, lists; never a panic (101).
fn a_closed_output_pipe_ends_quietly(_fx: &Fixtures) -> Result<(), Failed> {
    let cli = OnrampCli::new();
    let created = cli.run(&["profile", "new", "corp", "--kind", "ad"]);
    ensure(created.code == 0, describe(&created))?;
    for args in [
        &["profile", "list"][..],
        &["--json", "profile", "list"],
        &["profile", "show", "corp"],
        &["--json", "profile", "validate"],
        &["history"],
        &["--json", "audit", "--limit", "5000"],
    ] {
        let (code, stderr) = cli.run_into_closed_pipe(args);
        ensure(
            code == 141 && stderr.is_empty(),
            format!("onramp {}: exit {code}, stderr {stderr:?}", args.join(" ")),
        )?;
    }
    Ok(())
}
