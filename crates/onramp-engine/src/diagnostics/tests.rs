//! The bundle from a real data folder: canaries planted in every place a
//! secret could end up, the zip unzipped and searched; the size bound with
//! 14 days of large logs.

use std::io::Read as _;
use std::sync::Arc;

use base64::Engine as _;
use onramp_base::check::CheckResult;
use onramp_base::log_file::DailyLogFile;
use onramp_base::paths::AppPaths;
use onramp_profile::ProfileStore;
use onramp_secrets::{MemoryStore, Secret, SecretName, SecretStore};
use onramp_sync::store::{FILE_NAME, RunMode, RunStatus, RunSummary, StateStore};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::*;
use crate::expiring::DAY;
use crate::ops::{CheckSet, record_checks};

const NOW: i64 = 1_800_000_000;
const BIND: &str = "canary-Bind/Pass+word=1";
const TOKEN: &str = "canary-platform-token-0123456789";

struct Machine {
    _dir: tempfile::TempDir,
    paths: AppPaths,
    profiles: ProfileStore,
    secrets: MemoryStore,
}

fn machine() -> Machine {
    let dir = tempfile::tempdir().unwrap();
    let paths = AppPaths::under(dir.path());
    let profiles = crate::profiles::store(&paths, Arc::new(crate::registry()));
    let secrets = MemoryStore::default();
    for (name, value) in [("bind", BIND), ("platform", TOKEN)] {
        secrets
            .set(
                &SecretName::new(name).unwrap(),
                &Secret::new(value.to_owned()),
            )
            .unwrap();
    }
    std::fs::create_dir_all(paths.log_dir()).unwrap();
    Machine {
        _dir: dir,
        paths,
        profiles,
        secrets,
    }
}

fn write_profile(m: &Machine, name: &str, extra: &str) {
    let dir = m.paths.config_dir.join("profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!(
            "kind = \"ldap\"\ndisplay_name = \"Corp\"\n{extra}[connection]\nurl = \"ldaps://dc1.corp.test\"\nbind_dn = \"cn=svc,dc=corp,dc=test\"\nbind_password_secret = \"bind\"\n[target]\nurl = \"https://platform.example.com/scim/v2\"\nauth = \"bearer\"\ntoken_secret = \"platform\"\n"
        ),
    )
    .unwrap();
}

fn sources<'a>(m: &'a Machine) -> Sources<'a> {
    Sources {
        paths: &m.paths,
        profiles: &m.profiles,
        secrets: &m.secrets,
        made_by: "test",
        now_unix: NOW,
    }
}

/// Every file of the zip at `path`, by name.
fn unzip(path: &std::path::Path) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            (f.name().unwrap().into_owned(), text)
        })
        .collect()
}

fn forms(secret: &str) -> Vec<String> {
    vec![
        secret.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(secret),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
        utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
    ]
}

#[test]
fn canaries_in_every_store_and_log_are_redacted_and_counted() {
    let m = machine();
    // A value pasted into a profile by mistake (a comment), a second valid profile,
    // and one that does not validate.
    write_profile(&m, "corp", &format!("# old password: {BIND}\n"));
    write_profile(&m, "hq", "");
    std::fs::write(
        m.paths.config_dir.join("profiles/broken.toml"),
        format!("kind = 1 # {TOKEN}\n"),
    )
    .unwrap();
    // Logs: verbatim, base64 (a Basic header), URL-encoded, a JWT, a PEM key.
    let b64 = base64::engine::general_purpose::STANDARD.encode(BIND);
    let pct = utf8_percent_encode(BIND, NON_ALPHANUMERIC).to_string();
    let log = format!(
        "2027-01-15T08:00:00Z INFO bind with {BIND}\n\
         2027-01-15T08:00:01Z DEBUG header Authorization: Basic {b64}\n\
         2027-01-15T08:00:02Z DEBUG form password={pct}\n\
         2027-01-15T08:00:03Z DEBUG got token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnLXNpZ25hdHVyZQ\n\
         2027-01-15T08:00:04Z DEBUG key -----BEGIN PRIVATE KEY-----\nMIIcanaryKEYdata\n-----END PRIVATE KEY-----\n\
         2027-01-15T08:00:05Z INFO sent Bearer {TOKEN}\n"
    );
    std::fs::write(m.paths.log_dir().join("onramp.2027-01-15.log"), &log).unwrap();
    // The state store: a failed run whose message and an object result carry canaries.
    let store = StateStore::open(&m.paths.data_dir.join(FILE_NAME)).unwrap();
    let run = store.begin_run("corp", RunMode::Apply, NOW - 60).unwrap();
    store
        .record_failure(run, "u1", "create", &format!("refused {TOKEN}"), NOW - 50)
        .unwrap();
    store
        .finish_run(
            run,
            RunStatus::Partial,
            &RunSummary {
                failed: 1,
                ..RunSummary::default()
            },
            Some(&format!("1 change failed (ldaps://svc:{BIND}@dc1)")),
            NOW - 40,
        )
        .unwrap();
    // The last check results.
    record_checks(
        &m.paths,
        "corp",
        CheckSet::Setup,
        &[CheckResult::fail(
            "ldap.bind",
            format!("bind refused for {BIND}"),
        )],
        NOW,
    );

    let bundle = collect(&sources(&m)).unwrap();
    let paths: Vec<&str> = bundle.files.iter().map(|f| f.path.as_str()).collect();
    for want in [
        "manifest.json",
        "profiles/corp.toml",
        "profiles/hq.toml",
        "profiles/broken.toml",
        "profiles/validation.json",
        "checks/corp.json",
        "history/runs.json",
        "history/failed-objects.json",
        "schedule.json",
        "expiry.json",
        "logs/onramp.2027-01-15.log",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    let out = m.paths.data_dir.join("bundle.zip");
    let size = bundle.write(&out).unwrap();
    assert!(size > 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let files = unzip(&out);
    assert_eq!(files.len(), bundle.files.len());
    for (name, text) in &files {
        for secret in [BIND, TOKEN] {
            for form in forms(secret) {
                assert!(!text.contains(&form), "{name} holds {form}:\n{text}");
            }
        }
        for leaked in ["MIIcanaryKEYdata", "c2lnLXNpZ25hdHVyZQ"] {
            assert!(!text.contains(leaked), "{name} holds {leaked}");
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1).unwrap();
    assert_eq!(manifest["onramp"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["state_store_schema"], StateStore::schema_version());
    let redactions = manifest["REDACTIONS"].as_array().unwrap();
    let count = |file: &str, kind: &str| {
        redactions
            .iter()
            .filter(|r| r["file"] == file && r["kind"] == kind)
            .map(|r| r["count"].as_u64().unwrap())
            .sum::<u64>()
    };
    assert_eq!(
        count("profiles/corp.toml", "secret bind"),
        1,
        "{redactions:?}"
    );
    assert_eq!(
        count("profiles/broken.toml", "secret platform"),
        1,
        "{redactions:?}"
    );
    assert_eq!(count("logs/onramp.2027-01-15.log", "secret bind"), 1);
    assert_eq!(
        count("logs/onramp.2027-01-15.log", "secret bind (base64)"),
        1
    );
    assert_eq!(
        count("logs/onramp.2027-01-15.log", "secret bind (URL-encoded)"),
        1
    );
    assert_eq!(count("logs/onramp.2027-01-15.log", "pem_private_key"), 1);
    assert_eq!(count("logs/onramp.2027-01-15.log", "jwt"), 1);
    assert!(
        count("history/runs.json", "secret bind") >= 1,
        "{redactions:?}"
    );
    assert!(count("history/failed-objects.json", "secret platform") >= 1);
    assert_eq!(count("checks/corp.json", "secret bind"), 1);
    // Counts, never values: the manifest names kinds and files only.
    assert!(!manifest.to_string().contains("canary"));
    let notes = manifest["notes"].to_string();
    assert!(notes.contains("posture"), "{notes}");
    // The history is there, redacted, not dropped.
    let runs = &files
        .iter()
        .find(|(n, _)| n == "history/runs.json")
        .unwrap()
        .1;
    assert!(
        runs.contains("1 change failed (ldaps://svc:[REDACTED"),
        "{runs}"
    );
}

/// Fourteen days of 6 MiB logs: the bundle holds the last seven days, each
/// file's newest 2 MiB (from a line start), and the zip stays under 8 MiB.
#[test]
fn fourteen_days_of_large_logs_stay_under_the_bound() {
    let m = machine();
    write_profile(&m, "corp", "");
    let line = |day: i64, i: usize| {
        format!(
            "2027-01-{day:02}T08:00:00.{i:06}Z  INFO onramp_sync::apply: created user{i}@corp.example.com anchor={:016x} run=12\n",
            (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        )
    };
    let today = DailyLogFile::file_name(NOW);
    for back in 0..14 {
        let unix = NOW - back * DAY;
        let name = DailyLogFile::file_name(unix);
        let mut text = String::new();
        let mut i = 0;
        while text.len() < 6 * 1024 * 1024 {
            text.push_str(&line(back + 1, i));
            i += 1;
        }
        std::fs::write(m.paths.log_dir().join(name), text).unwrap();
    }
    let bundle = collect(&sources(&m)).unwrap();
    let logs: Vec<&BundleFile> = bundle
        .files
        .iter()
        .filter(|f| f.path.starts_with("logs/"))
        .collect();
    assert_eq!(
        logs.len(),
        LOG_DAYS as usize,
        "{:?}",
        logs.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    assert!(logs.iter().any(|f| f.path == format!("logs/{today}")));
    for f in &logs {
        assert!(f.bytes <= LOG_TAIL_BYTES as u64);
        let text = std::str::from_utf8(bundle.content(&f.path).unwrap()).unwrap();
        assert!(
            text.starts_with("2027-01-"),
            "a log tail starts at a line: {:?}",
            &text[..40]
        );
    }
    let out = m.paths.data_dir.join("big.zip");
    let size = bundle.write(&out).unwrap();
    eprintln!("diagnostic bundle of 14 days of 6 MiB logs: {size} bytes");
    assert!(size < 8 * 1024 * 1024, "{size} bytes");
    assert!(
        bundle
            .notes
            .iter()
            .any(|n| n.contains("only its newest 2 MiB"))
    );
}

#[test]
fn a_bundle_that_cannot_be_written_leaves_nothing() {
    let m = machine();
    write_profile(&m, "corp", "");
    let bundle = collect(&sources(&m)).unwrap();
    // A folder where the file should be.
    let out = m.paths.data_dir.join("taken");
    std::fs::create_dir_all(out.join("inside")).unwrap();
    let err = bundle.write(&out).unwrap_err();
    assert!(err.to_string().contains("taken"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&m.paths.data_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
