//! The real desktop app end to end: under Xvfb, through tauri-driver and
//! WebKitWebDriver, an admin walks the Active Directory wizard against the
//! harness's Samba DC, saves the profile, presses Sync Now, and the users
//! arrive in scim2-server. Screenshots of the way go to
//! `$ONRAMP_SCREENSHOT_DIR` (default: `target/e2e-screenshots`); the README
//! shows the ones committed under docs/screenshots/.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use fantoccini::key::Key;
use libtest_mimic::Trial;
use onramp_tests::desktop::{DesktopApp, Prepare};
use onramp_tests::samba::{DNS_DOMAIN, UserSpec};
use onramp_tests::{Fixtures, ensure, trial};

/// The trials of this module.
pub fn trials(fx: &Arc<Fixtures>) -> Vec<Trial> {
    vec![
        trial(
            fx,
            "desktop::ad_wizard_then_sync_now",
            ad_wizard_then_sync_now,
        ),
        trial(
            fx,
            "desktop::a_clicked_expiry_reminder_opens_the_credential",
            a_clicked_expiry_reminder_opens_the_credential,
        ),
        trial(
            fx,
            "desktop::closing_to_the_tray_ends_the_webview_and_open_builds_it_again",
            closing_to_the_tray_ends_the_webview_and_open_builds_it_again,
        ),
    ]
}

/// A certificate the checks recorded ends in three and a half days: the
/// app's first look at the credentials shows the 3-day reminder through the
/// desktop's notification server, and clicking it brings the window to the
/// credential's rotation view.
fn a_clicked_expiry_reminder_opens_the_credential(_fx: &Fixtures) -> Result<(), String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let files = move |config: &std::path::Path, data: &std::path::Path| {
        let profiles = config.join("profiles");
        std::fs::create_dir_all(&profiles).map_err(|e| e.to_string())?;
        std::fs::write(
            profiles.join("corp.toml"),
            "kind = \"ldap\"\ndisplay_name = \"Corp Directory\"\n[connection]\nurl = \"ldaps://dc1.corp.test\"\nbind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n[schedule]\nenabled = false\n",
        )
        .map_err(|e| e.to_string())?;
        let records = serde_json::json!({"version": 2, "items": [{
            "profile": "corp", "item": "ldap.tls",
            "label": "server certificate CN=dc1.corp.test (seen by ldap.tls)",
            "credential": {"type": "tls_certificate", "subject": "CN=dc1.corp.test", "sha256": "AA:BB"},
            "not_after_unix": now + 3 * 86_400 + 43_200, "date_source": "certificate",
            "confirmed_unix": now
        }]});
        std::fs::write(data.join("expiry.json"), records.to_string()).map_err(|e| e.to_string())
    };
    let app = DesktopApp::start_with(
        &[],
        Prepare {
            notifications: true,
            files: Some(Box::new(files)),
        },
    )?;
    let result = clicked_reminder_opens_the_credential(&app);
    result.map_err(|e| {
        let logs: String = walk(&app.data_dir().join("logs"))
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        format!("{e}\n{}\nthe app's log:\n{logs}", app.log_tail())
    })
}

fn screenshot_dir() -> PathBuf {
    std::env::var_os("ONRAMP_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| onramp_tests::repo_root().join("target/e2e-screenshots"))
}

/// Presses Next until the step `to` shows; a step stays once after its
/// checks ran with warnings or proposals, so Next may need a second press.
async fn next_to(app: &DesktopApp, to: &str, secs: u64) -> Result<(), String> {
    let want = format!("form[data-step='{to}']");
    let deadline = Instant::now() + Duration::from_secs(secs);
    eprintln!("desktop e2e: Next to '{to}'");
    for _ in 0..4 {
        app.click_button("Next", secs).await?;
        while Instant::now() < deadline {
            if app.client().find(Locator::Css(&want)).await.is_ok() {
                return Ok(());
            }
            // Back on an enabled Next: the step stayed (warnings) or failed.
            let idle = app
                .client()
                .find(Locator::XPath(
                    "//button[normalize-space(.)='Next' and not(@disabled)]",
                ))
                .await
                .is_ok();
            let busy = app
                .client()
                .find(Locator::Css("[aria-busy='true']"))
                .await
                .is_ok();
            if idle && !busy {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        if app.client().find(Locator::Css(&want)).await.is_ok() {
            return Ok(());
        }
        // A failed check blocks Next: report what the step shows.
        if app
            .client()
            .find(Locator::Css("[data-status='fail']"))
            .await
            .is_ok()
        {
            break;
        }
    }
    let shown = app
        .script("return document.querySelector('main')?.innerText ?? document.body.innerText")
        .await?;
    Err(format!(
        "the wizard did not reach step '{to}'; the page shows:\n{}",
        shown.as_str().unwrap_or_default()
    ))
}

/// Waits until the input `id` holds a value, and returns it.
async fn wait_for_value(app: &DesktopApp, id: &str, secs: u64) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let js = format!("return document.getElementById('{id}')?.value ?? ''");
    loop {
        let value = app.script(&js).await?;
        let value = value.as_str().unwrap_or_default().to_owned();
        if !value.is_empty() {
            return Ok(value);
        }
        if Instant::now() > deadline {
            let shown = app
                .script("return document.querySelector('main')?.innerText ?? ''")
                .await?;
            return Err(format!("#{id} stayed empty; the page shows:\n{shown}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Types a secret and commits it (Tab blurs the field, which stages it).
async fn type_secret(app: &DesktopApp, id: &str, value: &str) -> Result<(), String> {
    app.fill(id, value).await?;
    let input = app.wait_css(&format!("#{id}"), 5).await?;
    input
        .send_keys(&char::from(Key::Tab).to_string())
        .await
        .map_err(|e| e.to_string())?;
    let status = format!("#{id}-status");
    let el = app.wait_css(&status, 10).await?;
    let text = el.text().await.map_err(|e| e.to_string())?;
    ensure(text.contains("Stored"), || {
        format!("{id} not staged: {text}")
    })
}

fn ad_wizard_then_sync_now(fx: &Fixtures) -> Result<(), String> {
    let dc = fx.samba();
    let scim = fx.start_scim();
    let t = onramp_tests::random_hex(3);
    let ou = dc.unique_ou("desk")?;
    let password = format!("Svc-{}-Passw0rd!", onramp_tests::random_hex(4));
    dc.add_user(&ou, &UserSpec::new(&format!("svc{t}")).password(&password))?;
    let ann = dc.add_user(
        &ou,
        &UserSpec::new(&format!("ann{t}"))
            .name("Ann", "Able")
            .mail(&format!("ann{t}@{DNS_DOMAIN}")),
    )?;
    let ben = dc.add_user(
        &ou,
        &UserSpec::new(&format!("ben{t}"))
            .name("Ben", "Baker")
            .mail(&format!("ben{t}@{DNS_DOMAIN}")),
    )?;
    let group = format!("VPN {t}");
    dc.add_group(&ou, &group, std::slice::from_ref(&ann))?;
    let admins = format!("Admins {t}");
    dc.add_group(&ou, &admins, std::slice::from_ref(&ben))?;
    // An OU the admin excludes in the wizard, with a user who would sync.
    let contractors = dc.add_ou(Some(&ou), "Contractors")?;
    dc.add_user(
        &contractors,
        &UserSpec::new(&format!("cy{t}"))
            .name("Cy", "Cole")
            .mail(&format!("cy{t}@{DNS_DOMAIN}")),
    )?;

    let app = DesktopApp::start(&[])?;
    let shots = screenshot_dir();
    let result = app.block_on(async {
        app.wait_css("#dashboard-heading", 60).await?;
        app.screenshot(&shots.join("dashboard-empty.png")).await?;
        // The tray icon registered with the panel, with its menu.
        let tray = app.tray_host().wait_for_item(Duration::from_secs(30))?;
        let labels: Vec<String> = tray.menu()?.into_iter().map(|e| e.label).collect();
        ensure(labels == ["Sync Now", "Open Onramp", "Quit"], || {
            format!("tray menu: {labels:?}")
        })?;
        let neutral_icon = tray_icon(&tray)?;
        ensure(tray_shows(&neutral_icon, "neutral")?, || {
            format!("the tray does not show the neutral icon: {neutral_icon}")
        })?;
        // A first start lands on the way into the AD wizard.
        app.click_button("Set up Active Directory", 10).await?;

        // 1. The prerequisites checklist: every item ticked.
        app.wait_css("form[data-step='prerequisites']", 10).await?;
        for item in app
            .client()
            .find_all(Locator::Css(
                "form[data-step='prerequisites'] input[type='checkbox']",
            ))
            .await
            .map_err(|e| e.to_string())?
        {
            item.click().await.map_err(|e| e.to_string())?;
        }
        next_to(&app, "connection", 10).await?;

        // 2. The connection, checked live (reachability, RootDSE).
        app.fill("field-profile-name", "corp-ad").await?;
        app.fill(
            "field-connection-url",
            &format!("ldaps://{}", dc.host_name()),
        )
        .await?;
        app.fill("field-connection-bind_dn", &format!("svc{t}@{DNS_DOMAIN}"))
            .await?;
        type_secret(&app, "field-connection-bind_password_secret", &password).await?;
        app.fill(
            "field-connection-ca_file",
            &dc.ca_path().display().to_string(),
        )
        .await?;
        // Base DN left empty: the connection check proposes the domain's
        // default naming context from the RootDSE, and the step stays so the
        // admin sees it; this admin narrows it to one OU.
        app.click_button("Next", 60).await?;
        let proposed = wait_for_value(&app, "field-connection-base_dn", 60).await?;
        ensure(proposed == onramp_tests::samba::BASE_DN, || {
            format!("the proposed base DN is '{proposed}'")
        })?;
        app.fill("field-connection-base_dn", &ou).await?;
        next_to(&app, "security", 60).await?;

        // 3. Signing, TLS, bind and read access, with their results shown.
        app.click_button("Run checks", 10).await?;
        app.wait_css("[data-check='ldap.read_access']", 90).await?;
        app.screenshot(&shots.join("wizard-checks.png"))
            .await?;
        // Samba requires signing (strong auth) by default: a pass.
        for id in ["ldap.signing", "ldap.tls", "ldap.bind", "ldap.read_access"] {
            app.wait_css(&format!("[data-check='{id}'][data-status='pass']"), 5)
                .await
                .map_err(|e| format!("{id} did not pass: {e}"))?;
        }
        next_to(&app, "email", 60).await?;

        // 4. The email attribute, with the counts read from the DC.
        // Ann, Ben and Cy have mail; the service account does not.
        let eligible = app.wait_css("[data-count='eligible']", 60).await?;
        let eligible = eligible.text().await.map_err(|e| e.to_string())?;
        ensure(
            eligible.contains("3 users") && eligible.contains("1 skipped"),
            || format!("email counts: '{eligible}'"),
        )?;
        app.click_css("#field-sync-email_attribute-mail", 10).await?;
        next_to(&app, "scope", 30).await?;

        // 5. The OU tree: Contractors excluded.
        app.click_css("li[data-dn^='OU=Contractors,'] > .tree-row input[type='checkbox']", 60).await?;
        app.wait_css("li[data-dn^='OU=Contractors,'][data-excluded='true']", 5)
            .await?;
        next_to(&app, "groups", 30).await?;

        // 6. The group to sync.
        let group_box =
            format!("#field-sync-groups li[data-group='{group}'] input[type='checkbox']");
        app.click_css(&group_box, 60).await?;
        // …and the admin group.
        let admin_box =
            format!("#field-sync-admin_groups li[data-group='{admins}'] input[type='checkbox']");
        app.click_css(&admin_box, 60).await?;
        next_to(&app, "mapping", 30).await?;
        next_to(&app, "target", 30).await?;

        // 8. The platform's SCIM endpoint and token, checked live.
        app.fill("field-target-url", &scim.base_url()).await?;
        type_secret(&app, "field-target-token_secret", scim.token()).await?;
        next_to(&app, "schedule", 60).await?;
        next_to(&app, "preview", 30).await?;

        // 10. The preview: two new users; the service account (no mail) skipped.
        let creates = app.wait_css("#tab-creates", 90).await?;
        let label = creates.text().await.map_err(|e| e.to_string())?;
        ensure(label.contains("(2)"), || {
            format!("preview tab says '{label}'")
        })?;
        let skipped = app.wait_css("#tab-skipped", 10).await?;
        let label = skipped.text().await.map_err(|e| e.to_string())?;
        ensure(label.contains("(1)"), || {
            format!("skipped tab says '{label}'")
        })?;
        app.screenshot(&shots.join("wizard-preview.png")).await?;
        next_to(&app, "save", 30).await?;
        app.click_button("Save and enable", 10).await?;

        // The dashboard: Sync Now, then green.
        app.wait_css("[data-profile='corp-ad']", 30).await?;
        // The button waits while a scheduled run is going on; the result
        // below is the one of the run this press started (its own channel).
        app.click_button("Sync Now", 120).await?;
        app.wait_css(
            "[data-profile='corp-ad'] .sync-result[data-status='ok']",
            120,
        )
        .await
        .map_err(|e| format!("Sync Now did not finish ok: {e}"))?;
        app.wait_css("[data-profile='corp-ad'][data-health='green']", 30)
            .await
            .map_err(|e| format!("the first sync did not turn green: {e}"))?;
        // The scheduler takes over: the next run is due one interval on.
        let card = app.wait_css("[data-profile='corp-ad'] .next-run", 10).await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let next = card.text().await.map_err(|e| e.to_string())?;
            if next.contains("min") {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!("the next sync shows '{next}'"));
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        app.screenshot(&shots.join("dashboard.png")).await?;

        // The tray took the green of the healthy profile, and its Sync Now
        // runs the profile again (one more run in the history).
        let deadline = Instant::now() + Duration::from_secs(20);
        let green_icon = loop {
            let icon = tray_icon(&tray)?;
            if icon != neutral_icon {
                break icon;
            }
            if Instant::now() > deadline {
                return Err(format!("the tray icon stayed '{icon}' after a green sync"));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        ensure(tray_shows(&green_icon, "green")?, || {
            format!("the tray does not show the green icon: {green_icon}")
        })?;
        let runs_before = app_runs(&app)?;
        tray.click("Sync Now")?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while app_runs(&app)? <= runs_before {
            if Instant::now() > deadline {
                return Err("the tray's Sync Now started no run".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }

        // Settings: starting at login writes the autostart entry. The box is
        // disabled while the command runs; settled and checked means saved.
        app.click_button("Settings", 10).await?;
        app.click_css("#setting-autostart", 10).await?;
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            tokio::time::sleep(Duration::from_millis(300)).await;
            let settled = app
                .script(
                    "const b = document.querySelector('#setting-autostart'); \
                     return !!b && b.checked && !b.disabled && !document.querySelector('.inline-error');",
                )
                .await?;
            if settled == serde_json::Value::Bool(true) {
                break;
            }
            if Instant::now() > deadline {
                let shown = app
                    .script("return document.querySelector('main').innerText")
                    .await?;
                return Err(format!("autostart did not turn on; the page shows:\n{shown}"));
            }
        }

        // The tray's "Open Onramp" brings the window to the dashboard.
        ensure(
            app.client()
                .find(Locator::Css("#dashboard-heading"))
                .await
                .is_err(),
            || "the dashboard shows while Settings is open".to_owned(),
        )?;
        tray.click("Open Onramp")?;
        app.wait_css("#dashboard-heading", 20)
            .await
            .map_err(|e| format!("the tray's Open Onramp did not show the dashboard: {e}"))?;
        Ok::<(), String>(())
    });
    if let Err(e) = result {
        let _ = app.block_on(app.screenshot(&shots.join("failure.png")));
        return Err(format!("{e}\n--- app log ---\n{}", app.log_tail()));
    }

    let home = app
        .bus_env()
        .into_iter()
        .find(|(k, _)| k == "HOME")
        .map(|(_, v)| PathBuf::from(v))
        .ok_or("no HOME in the session environment")?;
    let autostart = home.join(".config/autostart");
    let deadline = Instant::now() + Duration::from_secs(10);
    while walk(&autostart).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let entries = walk(&autostart);
    let entry = entries
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "desktop"))
        .ok_or_else(|| {
            format!(
                "no autostart entry in {}; files under HOME: {:?}",
                autostart.display(),
                walk(&home)
            )
        })?;
    let text = std::fs::read_to_string(entry).map_err(|e| e.to_string())?;
    ensure(text.contains("--minimized"), || {
        format!("autostart entry:\n{text}")
    })?;

    // Single instance: a second start hands over to the running app and exits.
    let mut second = std::process::Command::new(onramp_tests::desktop::app_binary()?)
        .envs(app.app_env())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            let _ = second.wait();
            return Err("a second instance kept running next to the first".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    ensure(status.success(), || {
        format!("the second instance ended with {status}")
    })?;

    // The tray's Quit ends the app (its connection leaves the bus).
    let tray = app.tray_host().wait_for_item(Duration::from_secs(5))?;
    tray.click("Quit")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while tray.alive()? {
        if Instant::now() > deadline {
            return Err("the app kept running after the tray's Quit".to_owned());
        }
        std::thread::sleep(Duration::from_millis(100));
    }

    // The SCIM server holds exactly the two eligible users in scope (Cy's OU
    // is excluded, the service account has no mail): Ann in the group and
    // tagged with it, Ben promoted by the admin group, both in the team.
    let users = scim.list_all("Users")?;
    let mut names: Vec<&str> = users
        .iter()
        .filter_map(|u| u["userName"].as_str())
        .collect();
    names.sort_unstable();
    let want = [
        format!("ann{t}@{DNS_DOMAIN}"),
        format!("ben{t}@{DNS_DOMAIN}"),
    ];
    ensure(names == want, || format!("SCIM users: {names:?}"))?;
    let groups = scim.list_all("Groups")?;
    let vpn = groups
        .iter()
        .find(|g| g["displayName"] == group.as_str())
        .ok_or_else(|| format!("no group '{group}' in {groups:?}"))?;
    ensure(vpn["members"].as_array().map(Vec::len) == Some(1), || {
        format!("group members: {vpn}")
    })?;
    let team = groups
        .iter()
        .find(|g| g["displayName"] == "AD Users")
        .ok_or_else(|| format!("no team group in {groups:?}"))?;
    ensure(team["members"].as_array().map(Vec::len) == Some(2), || {
        format!("team members: {team}")
    })?;
    let user = |name: &str| {
        users
            .iter()
            .find(|u| u["userName"] == format!("{name}{t}@{DNS_DOMAIN}"))
            .cloned()
            .unwrap_or_default()
    };
    ensure(
        user("ann")["entitlements"].to_string().contains(&group),
        || format!("Ann's tags: {}", user("ann")),
    )?;
    ensure(user("ben")["roles"].to_string().contains("admin"), || {
        format!("Ben's roles: {}", user("ben"))
    })?;

    // The profile on disk refers to the secrets by name; the values are in the keyring.
    let profile = std::fs::read_to_string(app.config_dir().join("profiles/corp-ad.toml"))
        .map_err(|e| e.to_string())?;
    ensure(
        profile.contains("bind_password_secret = \"corp-ad-bind-password\"")
            && !profile.contains(&password)
            && !profile.contains(scim.token()),
        || format!("saved profile:\n{profile}"),
    )?;
    for file in walk(&app.config_dir())
        .into_iter()
        .chain(walk(&app.data_dir()))
    {
        let bytes = std::fs::read(&file).unwrap_or_default();
        ensure(!String::from_utf8_lossy(&bytes).contains(&password), || {
            format!("the bind password is in {}", file.display())
        })?;
    }
    Ok(())
}

/// What the tray shows: the item's IconName, the path of the PNG that
/// tray-icon wrote for the current icon.
fn tray_icon(tray: &onramp_tests::fake_tray_host::TrayItem<'_>) -> Result<String, String> {
    tray.string_property("IconName")
}

/// The pixels of a PNG file, to compare icons whatever their encoding.
fn pixels(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
    let mut reader = decoder
        .read_info()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    buf.truncate(info.buffer_size());
    Ok(buf)
}

/// Whether the tray's current icon is the project's tray icon `colour`.
fn tray_shows(icon: &str, colour: &str) -> Result<bool, String> {
    let shown = pixels(std::path::Path::new(icon))?;
    let want = pixels(&onramp_tests::repo_root().join(format!("icons/tray/{colour}.png")))?;
    Ok(shown == want)
}

/// How many runs the app's state store holds.
fn app_runs(app: &DesktopApp) -> Result<usize, String> {
    let path = walk(&app.data_dir())
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n == onramp_engine::sync::store::FILE_NAME)
        })
        .ok_or("no state store in the app's data folder")?;
    let store = onramp_engine::sync::store::StateStore::open(&path).map_err(|e| e.to_string())?;
    store
        .runs(None, 1000)
        .map(|r| r.len())
        .map_err(|e| e.to_string())
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

async fn wait_heading(app: &DesktopApp) -> Result<(), String> {
    app.wait_css("html[data-listening='true'] #dashboard-heading", 60)
        .await
        .map(|_| ())
}

fn clicked_reminder_opens_the_credential(app: &DesktopApp) -> Result<(), String> {
    let server = app.notifications().ok_or("no notification server")?;
    let calls = server.wait_for_calls(1, Duration::from_secs(60))?;
    let call = &calls[0];
    ensure(
        call.summary == "Certificate expires in 3 days: Corp Directory",
        || format!("{call:?}"),
    )?;
    ensure(
        call.actions.first().map(String::as_str) == Some("default"),
        || format!("{call:?}"),
    )?;
    app.block_on(async {
        wait_heading(app).await?;
        server.invoke_action(call.id, "default")?;
        app.wait_css("section[data-item='ldap.tls'] #credential-heading", 30)
            .await?;
        app.wait_css("section[data-item='ldap.tls'] .credential-facts", 30)
            .await?;
        let text = app
            .script("return document.querySelector('section[data-item=\"ldap.tls\"]').innerText")
            .await?;
        let text = text.as_str().unwrap_or_default().to_owned();
        ensure(
            text.contains("server certificate CN=dc1.corp.test")
                && text.contains("Corp Directory")
                && text.contains("ends in 3 days")
                && text.contains("Renew the certificate on the server"),
            || text.clone(),
        )
    })
}

/// Closing the window to the tray (a window manager's close) ends its
/// webview, WebKit's web process goes, the app and its tray stay; the
/// tray's "Open Onramp" builds the window again. Started in the tray it has
/// no WebKit process at all. The real app under Xvfb, without WebDriver
/// (which ends the app with its last window).
fn closing_to_the_tray_ends_the_webview_and_open_builds_it_again(
    _fx: &Fixtures,
) -> Result<(), String> {
    use onramp_tests::x11_app::{
        close_window, environment, spawn, tree, wait_for_web_process, wait_mapped,
    };
    let app = onramp_tests::desktop::app_binary()?;
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let xvfb = onramp_tests::desktop::Xvfb::start(scratch.path())?;
    let bus = onramp_tests::session_bus::SessionBus::start_bare()?;
    let tray_host = onramp_tests::fake_tray_host::FakeTrayHost::serve(bus.address())?;
    let env = environment(scratch.path(), &xvfb.display, bus.address());
    onramp_tests::x11_app::wait_display(&xvfb.display)?;

    let mut child = KillOnDrop(spawn(&app, &env, false)?);
    let window = wait_mapped(
        &xvfb.display,
        "Onramp",
        &mut child.0,
        Duration::from_secs(60),
    )?;
    let tray = tray_host.wait_for_item(Duration::from_secs(30))?;
    let pid = child.0.id();
    wait_for_web_process(pid, true)?;
    close_window(&xvfb.display, &window)?;
    let after = wait_for_web_process(pid, false)?;
    ensure(
        child.0.try_wait().map_err(|e| e.to_string())?.is_none(),
        || "the app exited when its window closed".to_owned(),
    )?;
    ensure(tray.alive()?, || "the tray icon went away".to_owned())?;
    eprintln!("desktop e2e: closed to the tray: {after:?}");
    tray.click("Open Onramp")?;
    wait_mapped(
        &xvfb.display,
        "Onramp",
        &mut child.0,
        Duration::from_secs(60),
    )?;
    let again = wait_for_web_process(pid, true)?;
    eprintln!("desktop e2e: opened again: {again:?}");
    tray.click("Quit")?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.0.try_wait().map_err(|e| e.to_string())?.is_none() {
        ensure(Instant::now() < deadline, || {
            "Quit did not end the app".to_owned()
        })?;
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = walk(&scratch.path().join("data/logs"))
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect::<String>();
    ensure(
        log.contains("window closed to the tray") && log.matches("window opened").count() == 2,
        || log.clone(),
    )?;

    // Started at login: the tray, and no WebKit process.
    let minimized = KillOnDrop(spawn(&app, &env, true)?);
    tray_host.wait_for_item(Duration::from_secs(30))?;
    std::thread::sleep(Duration::from_secs(2));
    let names: Vec<String> = tree(minimized.0.id()).into_iter().map(|(_, n)| n).collect();
    ensure(names == ["onramp-desktop"], || format!("{names:?}"))
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
