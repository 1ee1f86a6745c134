//! Reading a profile file into a validated [`Profile`].

use std::path::Path;

use serde::Deserialize;

use super::connection::parse_connection;
use super::target::{ParsedTarget, RawTarget};
use super::validate::{Issue, non_empty};
use super::{IntegrationKind, Profile, ProfileError, Schedule, SyncRules};

/// The file's top level as written; `connection` is typed in a second step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    kind: IntegrationKind,
    display_name: Option<String>,
    connection: toml::Table,
    #[serde(default)]
    sync: SyncRules,
    #[serde(default)]
    schedule: Schedule,
    target: Option<RawTarget>,
}

/// Parses and validates the text of a profile file. `name` is the profile's
/// name and `path` the file, both used in messages.
pub fn parse_profile(name: &str, path: &Path, text: &str) -> Result<Profile, ProfileError> {
    let invalid = |issue: Issue| ProfileError::Invalid {
        path: path.to_owned(),
        line: locate_key(text, &issue.key),
        key: issue.key,
        message: onramp_base::error::cut_long_values(&issue.message),
    };
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let (line, column) = e
            .span()
            .map(|s| line_and_column(text, s.start))
            .unwrap_or((1, 1));
        ProfileError::Syntax {
            path: path.to_owned(),
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })?;
    let table = toml::Value::Table(table);
    crate::validate::single_line_strings(&table, "").map_err(invalid)?;
    let raw: RawProfile = serde_path_to_error::deserialize(table)
        .map_err(|e| invalid(issue_from_serde(&e.path().to_string(), e.inner().message())))?;

    let connection = parse_connection(raw.kind, raw.connection).map_err(invalid)?;
    raw.sync.validate().map_err(invalid)?;
    raw.schedule.validate().map_err(invalid)?;
    let target = match raw.target {
        Some(t) if !raw.kind.is_directory() => {
            drop(t);
            return Err(invalid(Issue::new(
                "target",
                format!(
                    "a {} profile does not sync into the platform; remove the [target] table",
                    raw.kind.label()
                ),
            )));
        }
        Some(t) => Some(t.into_target().map_err(invalid)?),
        None => None,
    };
    let (target, export) = match target {
        Some(ParsedTarget::Scim(t)) => (Some(*t), None),
        Some(ParsedTarget::Export(e)) => (None, Some(e)),
        None => (None, None),
    };
    if let Some(d) = &raw.display_name {
        non_empty(d, "display_name").map_err(invalid)?;
    }
    Ok(Profile {
        name: name.to_owned(),
        path: path.to_owned(),
        kind: raw.kind,
        display_name: raw.display_name.unwrap_or_else(|| name.to_owned()),
        connection,
        sync: raw.sync,
        schedule: raw.schedule,
        target,
        export,
    })
}

/// Turns serde's message and path into a key and a message saying what was expected.
pub(crate) fn issue_from_serde(path: &str, message: &str) -> Issue {
    let parent = if path == "." { "" } else { path };
    let join = |field: &str| {
        if parent == field || parent.ends_with(&format!(".{field}")) {
            parent.to_owned()
        } else if parent.is_empty() {
            field.to_owned()
        } else {
            format!("{parent}.{field}")
        }
    };
    let message = message.trim();
    if let Some(field) = backticked_after(message, "unknown field ") {
        return Issue::new(join(field), format!("not a known key ({message})"));
    }
    if let Some(field) = backticked_after(message, "missing field ") {
        return Issue::new(join(field), "missing; this key is required");
    }
    let key = if parent.is_empty() {
        "(top level)"
    } else {
        parent
    };
    Issue::new(key, message)
}

fn backticked_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split('`').next()
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, column)
}

/// Best-effort line number of a dotted key such as `connection.url` or
/// `sync.groups[2]`, for messages; `None` when the key is not written in the
/// file (a missing key) or written in a form this does not follow.
pub(crate) fn locate_key(text: &str, key: &str) -> Option<usize> {
    let key = key.split('[').next().unwrap_or(key);
    let (table, leaf) = match key.rsplit_once('.') {
        Some((t, l)) => (t, l),
        None => ("", key),
    };
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(header) = trimmed.strip_prefix('[') {
            current = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_owned();
            if current == key {
                return Some(i + 1);
            }
            continue;
        }
        if current == table {
            let name = trimmed
                .split('=')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            if name == leaf && trimmed.contains('=') {
                return Some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Connection, TargetAuth};

    const AD: &str = r#"
kind = "ad"
display_name = "Contoso AD"

[connection]
url = "ldaps://dc1.contoso.local"
base_dn = "DC=contoso,DC=local"
bind_dn = "svc-onramp@contoso.local"
bind_password_secret = "contoso-bind"

[sync]
groups = ["VPN Users"]

[target]
url = "https://platform.example.com/scim/v2"
auth = "bearer"
token_secret = "platform-token"
"#;

    fn parse(text: &str) -> Result<Profile, ProfileError> {
        parse_profile("p", Path::new("/cfg/p.toml"), text)
    }

    fn invalid(text: &str) -> (String, String, Option<usize>) {
        match parse(text) {
            Err(ProfileError::Invalid {
                key, message, line, ..
            }) => (key, message, line),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_full_ad_profile_with_defaults() {
        let p = parse(AD).unwrap();
        assert_eq!(p.display_name, "Contoso AD");
        let Connection::Directory(c) = &p.connection else {
            panic!("wrong connection")
        };
        assert_eq!(c.timeout_seconds, 10);
        assert_eq!(c.bind_password_secret.as_str(), "contoso-bind");
        assert_eq!(p.schedule.interval_minutes, 15);
        assert_eq!(p.sync.max_tag_length, 29);
        assert!(matches!(p.target.unwrap().auth, TargetAuth::Bearer { .. }));
        assert_eq!(p.export, None);
        // `kind = "scim"` written out is the same as the default.
        let explicit = parse(&AD.replace("[target]\n", "[target]\nkind = \"scim\"\n")).unwrap();
        assert!(explicit.target.is_some() && explicit.export.is_none());
    }

    /// AD with an export target instead of the SCIM one.
    fn ad_export(target_body: &str) -> String {
        let head = AD.split("[target]").next().unwrap();
        format!("{head}[target]\nkind = \"export\"\n{target_body}")
    }

    #[test]
    fn export_target_parses() {
        let p = parse(&ad_export("folder = \"/srv/onramp/exports\"\n")).unwrap();
        assert_eq!(p.target, None);
        assert_eq!(
            p.export.unwrap().folder,
            std::path::PathBuf::from("/srv/onramp/exports")
        );
    }

    #[test]
    fn export_target_needs_an_absolute_folder() {
        let (key, message, _) = invalid(&ad_export(""));
        assert_eq!(key, "target.folder");
        assert!(
            message.contains("missing") && message.contains("kind = \"export\""),
            "{message}"
        );
        let (key, message, line) = invalid(&ad_export("folder = \"exports\"\n"));
        assert_eq!(key, "target.folder");
        assert!(message.contains("absolute"), "{message}");
        assert_eq!(line, Some(16));
        assert_eq!(invalid(&ad_export("folder = \"\"\n")).0, "target.folder");
    }

    #[test]
    fn export_target_refuses_every_scim_key() {
        let keys = [
            ("url", "\"https://platform.example.com/scim/v2\""),
            ("auth", "\"bearer\""),
            ("token_secret", "\"platform-token\""),
            ("token_url", "\"https://platform.example.com/oauth/token\""),
            ("client_id", "\"c\""),
            ("client_credential_secret", "\"s\""),
            ("scope", "\"scim\""),
            ("ca_file", "\"/etc/ca.pem\""),
            ("admin_role", "\"admin\""),
            ("concurrency", "4"),
        ];
        for (k, v) in keys {
            let text = ad_export(&format!("folder = \"/srv/x\"\n{k} = {v}\n"));
            let (key, message, line) = invalid(&text);
            assert_eq!(key, format!("target.{k}"));
            assert!(
                message.contains("not used with kind = \"export\""),
                "{k}: {message}"
            );
            assert_eq!(line, Some(17), "{k}");
        }
    }

    #[test]
    fn scim_target_refuses_folder_and_needs_url_and_auth() {
        let (key, message, _) =
            invalid(&AD.replace("[target]\n", "[target]\nfolder = \"/srv/x\"\n"));
        assert_eq!(key, "target.folder");
        assert!(
            message.contains("not used with kind = \"scim\""),
            "{message}"
        );
        let (key, message, _) =
            invalid(&AD.replace("url = \"https://platform.example.com/scim/v2\"\n", ""));
        assert_eq!(key, "target.url");
        assert!(message.contains("missing"), "{message}");
        let (key, _, _) = invalid(&AD.replace("auth = \"bearer\"\n", ""));
        assert_eq!(key, "target.auth");
    }

    #[test]
    fn unknown_target_kind_is_named() {
        let (key, message, line) =
            invalid(&AD.replace("[target]\n", "[target]\nkind = \"sftp\"\n"));
        assert_eq!(key, "target.kind");
        assert!(message.contains("`scim` or `export`"), "{message}");
        assert_eq!(line, Some(15));
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = AD.replace("base_dn =", "basedn =");
        let (key, message, line) = invalid(&text);
        assert_eq!(key, "connection.basedn");
        assert!(message.contains("not a known key"), "{message}");
        assert!(
            message.contains("base_dn"),
            "expected keys listed: {message}"
        );
        assert_eq!(line, Some(7));
        let text = format!("colour = \"red\"\n{AD}");
        assert_eq!(invalid(&text).0, "colour");
    }

    #[test]
    fn missing_and_mistyped_keys() {
        let (key, message, _) =
            invalid(&AD.replace("bind_dn = \"svc-onramp@contoso.local\"\n", ""));
        assert_eq!(key, "connection.bind_dn");
        assert!(message.contains("missing"));
        let (key, message, line) =
            invalid(&AD.replace("[sync]", "[schedule]\ninterval_minutes = \"often\"\n[sync]"));
        assert_eq!(key, "schedule.interval_minutes");
        assert!(message.contains("expected"), "{message}");
        assert_eq!(line, Some(12));
        let (key, message, _) = invalid(&AD.replace("kind = \"ad\"", "kind = \"adfs\""));
        assert_eq!(key, "kind");
        assert!(message.contains("expected one of"), "{message}");
    }

    #[test]
    fn bad_values_name_the_key() {
        let cases = [
            (
                "ldaps://dc1.contoso.local",
                "https://dc1.contoso.local",
                "connection.url",
                "ldaps://",
            ),
            (
                "ldaps://dc1.contoso.local",
                "ldaps://dc1.contoso.local:70000",
                "connection.url",
                "port",
            ),
            (
                "ldaps://dc1.contoso.local",
                "not a url",
                "connection.url",
                "relative URL",
            ),
            (
                "\"contoso-bind\"",
                "\"../etc/shadow\"",
                "connection.bind_password_secret",
                "invalid secret name",
            ),
            (
                "https://platform.example.com/scim/v2",
                "http://platform.example.com/scim/v2",
                "target.url",
                "https",
            ),
            (
                "auth = \"bearer\"",
                "auth = \"oauth2\"",
                "target.token_secret",
                "not used",
            ),
            (
                "auth = \"bearer\"",
                "auth = \"basic\"",
                "target.auth",
                "expected `bearer` or `oauth2`",
            ),
        ];
        for (from, to, want_key, want_msg) in cases {
            let (key, message, _) = invalid(&AD.replace(from, to));
            assert_eq!(key, want_key, "{to}");
            assert!(message.contains(want_msg), "{to}: {message}");
        }
        let (key, _, _) = invalid(&AD.replace(
            "url = \"ldaps://dc1.contoso.local\"",
            "url = \"ldap://dc1\"\nstarttls = true\nstarttls2 = 1",
        ));
        assert_eq!(key, "connection.starttls2");
        let (key, message, _) = invalid(&format!("{AD}\n[schedule]\ninterval_minutes = 0\n"));
        assert_eq!(key, "schedule.interval_minutes");
        assert!(message.contains("from 1 to 1440"));
    }

    /// Issue 20: every part of a server URL that is ignored or cannot work
    /// is refused, naming the key; in the directory URL and an API URL alike.
    #[test]
    fn urls_with_credentials_query_fragment_or_a_bad_host_or_port_are_refused() {
        let long = format!("{}.example.com", "a".repeat(250));
        for (url, want) in [
            ("ldaps://user:pass@dc1.contoso.local", "secret store"),
            (
                "ldaps://user@dc1.contoso.local",
                "credentials do not belong",
            ),
            ("ldaps://dc1.contoso.local?x=1", "no query"),
            ("ldaps://dc1.contoso.local#frag", "no fragment"),
            ("ldaps://dc1.contoso.local:0", "found 0"),
            ("ldaps://.", "host name"),
            ("ldaps://", "host name"),
            (&format!("ldaps://{long}"), "at most 253"),
        ] {
            let text = AD.replace("ldaps://dc1.contoso.local", url);
            let (key, message, _) = invalid(&text);
            assert_eq!(key, "connection.url", "{url}");
            assert!(message.contains(want), "{url}: {message}");
        }
        for (url, want) in [
            ("https://u:p@platform.example.com/scim/v2", "secret store"),
            ("https://platform.example.com/scim/v2?token=x", "no query"),
            ("https://platform.example.com:0/scim/v2", "found 0"),
        ] {
            let text = AD.replace("https://platform.example.com/scim/v2", url);
            let (key, message, _) = invalid(&text);
            assert_eq!(key, "target.url", "{url}");
            assert!(message.contains(want), "{url}: {message}");
        }
    }

    #[test]
    fn nul_and_line_breaks_in_any_string_are_refused_by_key() {
        for (from, to, key, what) in [
            (
                "svc-onramp@contoso.local",
                "svc\\u0000x@contoso.local",
                "connection.bind_dn",
                "NUL",
            ),
            (
                "DC=contoso,DC=local",
                "DC=contoso,\\nDC=local",
                "connection.base_dn",
                "line break",
            ),
            (
                "Contoso AD",
                "Contoso\\rAD",
                "display_name",
                "carriage return",
            ),
            ("VPN Users", "VPN\\nUsers", "sync.groups[0]", "line break"),
        ] {
            let text = AD.replace(from, to);
            assert_ne!(text, AD, "{from}");
            let (k, message, _) = invalid(&text);
            assert_eq!(k, key, "{to}");
            assert!(message.contains(what), "{to}: {message}");
        }
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        match parse("kind = \"ad\"\n[connection\nurl = 1\n") {
            Err(ProfileError::Syntax { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        assert!(matches!(parse(""), Err(ProfileError::Invalid { .. })));
        assert!(matches!(parse("\u{0}"), Err(ProfileError::Syntax { .. })));
    }

    #[test]
    fn target_is_refused_on_non_directory_kinds() {
        let text = r#"
kind = "sentinelone"
[connection]
console_url = "https://acme.sentinelone.net"
api_token_secret = "s1"
[target]
url = "https://platform.example.com/scim/v2"
auth = "bearer"
token_secret = "t"
"#;
        assert_eq!(invalid(text).0, "target");
    }
}
