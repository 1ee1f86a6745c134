//! Redaction: what is removed from a diagnostic bundle before anything is
//! written, and the counts the manifest reports.
//!
//! Two kinds of needle. Every secret value Onramp can read is searched for
//! verbatim and in the forms it travels in (standard and URL-safe base64,
//! URL-encoded), and replaced by `[REDACTED secret NAME]`. Then patterns catch
//! credentials Onramp does not hold but a log or a pasted profile may: bearer
//! tokens and `Authorization` headers, JWTs, PEM private keys, and passwords
//! in URLs. The counts are per file and per kind; values are never recorded.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;

/// What to search for: each secret's name and value.
pub struct Redactor {
    /// (needle, kind) pairs, longest needle first.
    needles: Vec<(String, String)>,
}

/// A pattern, the kind it counts as, and what replaces a match.
struct Pattern {
    regex: &'static LazyLock<Regex>,
    kind: &'static str,
    replace: &'static str,
}

static PEM_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----",
    )
    .expect("a valid pattern")
});
// A PEM private key cut off before its END line (a truncated log line).
static PEM_KEY_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[A-Za-z0-9+/=\s\\n]*")
        .expect("a valid pattern")
});
static AUTHORIZATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(authorization["']?\s*[:=]\s*["']?)([A-Za-z]+\s+)?[^\s"',;]+"#)
        .expect("a valid pattern")
});
static BEARER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(bearer|ssws|apitoken|token)(\s+)[A-Za-z0-9\-._~+/]{8,}=*")
        .expect("a valid pattern")
});
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
        .expect("a valid pattern")
});
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s/:@]*):([^\s/@]+)@").expect("a valid pattern")
});

const PATTERNS: [Pattern; 6] = [
    Pattern {
        regex: &PEM_KEY,
        kind: "pem_private_key",
        replace: "[REDACTED ${1}PRIVATE KEY]",
    },
    Pattern {
        regex: &PEM_KEY_OPEN,
        kind: "pem_private_key",
        replace: "[REDACTED ${1}PRIVATE KEY]",
    },
    Pattern {
        regex: &AUTHORIZATION,
        kind: "authorization_header",
        replace: "${1}[REDACTED]",
    },
    Pattern {
        regex: &JWT,
        kind: "jwt",
        replace: "[REDACTED JWT]",
    },
    Pattern {
        regex: &BEARER,
        kind: "bearer_token",
        replace: "${1}${2}[REDACTED]",
    },
    Pattern {
        regex: &URL_PASSWORD,
        kind: "url_password",
        replace: "${1}${2}:[REDACTED]@",
    },
];

/// What was removed from one text: count by kind.
pub type Counts = BTreeMap<String, usize>;

impl Redactor {
    /// A redactor for `secrets` (name, value); empty values are ignored.
    pub fn new<'a>(secrets: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut needles: Vec<(String, String)> = Vec::new();
        for (name, value) in secrets {
            if value.is_empty() {
                continue;
            }
            let mut push = |needle: String, form: &str| {
                if !needle.is_empty() && !needles.iter().any(|(n, _)| *n == needle) {
                    needles.push((needle, format!("secret {name}{form}")));
                }
            };
            push(value.to_owned(), "");
            let bytes = value.as_bytes();
            push(
                base64::engine::general_purpose::STANDARD.encode(bytes),
                " (base64)",
            );
            push(
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes),
                " (base64)",
            );
            push(
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
                " (base64)",
            );
            push(
                utf8_percent_encode(value, NON_ALPHANUMERIC).to_string(),
                " (URL-encoded)",
            );
            push(form_urlencoded_byte_serialize(value), " (URL-encoded)");
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
        Self { needles }
    }

    /// `text` with every secret and credential pattern replaced, and what
    /// was replaced.
    pub fn redact(&self, text: &str) -> (String, Counts) {
        let mut counts = Counts::new();
        let mut out = text.to_owned();
        for (needle, kind) in &self.needles {
            let n = out.matches(needle.as_str()).count();
            if n > 0 {
                out = out.replace(needle.as_str(), &format!("[REDACTED {kind}]"));
                *counts.entry(kind.clone()).or_default() += n;
            }
        }
        for pattern in &PATTERNS {
            let regex: &Regex = pattern.regex;
            let n = regex
                .find_iter(&out)
                .filter(|m| !m.as_str().contains("[REDACTED"))
                .count();
            if n > 0 {
                out = regex
                    .replace_all(&out, |caps: &regex::Captures<'_>| {
                        if caps[0].contains("[REDACTED") {
                            return caps[0].to_owned();
                        }
                        let mut replaced = String::new();
                        caps.expand(pattern.replace, &mut replaced);
                        replaced
                    })
                    .into_owned();
                *counts.entry(pattern.kind.to_owned()).or_default() += n;
            }
        }
        (out, counts)
    }
}

/// `application/x-www-form-urlencoded` for one value (spaces as `+`).
fn form_urlencoded_byte_serialize(value: &str) -> String {
    const FORM: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'*')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    utf8_percent_encode(value, FORM)
        .to_string()
        .replace("%20", "+")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "Canary/Secret+Value=42 &x";

    #[test]
    fn a_secret_is_found_in_every_form_it_travels_in() {
        let r = Redactor::new([("bind", CANARY)]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(CANARY);
        let url_b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(CANARY);
        let pct = utf8_percent_encode(CANARY, NON_ALPHANUMERIC).to_string();
        let form = form_urlencoded_byte_serialize(CANARY);
        let text = format!("a {CANARY} b {b64} c {url_b64} d {pct} e {form} f");
        let (out, counts) = r.redact(&text);
        for form in [CANARY, &b64, &url_b64, &pct, &form] {
            assert!(!out.contains(form), "{form} left in {out}");
        }
        assert_eq!(counts.get("secret bind"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("secret bind (base64)"), Some(&2), "{counts:?}");
        assert_eq!(
            counts.get("secret bind (URL-encoded)"),
            Some(&2),
            "{counts:?}"
        );
        assert!(out.contains("[REDACTED secret bind]"));
    }

    #[test]
    fn patterns_catch_credentials_onramp_does_not_hold() {
        let r = Redactor::new([]);
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXBhcnQ";
        let text = format!(
            "GET /Users\nAuthorization: Basic dXNlcjpwYXNzd29yZA==\n\
             \"authorization\": \"Bearer abcdefghijklmnop\"\n\
             token {jwt}\n\
             sent Bearer 0123456789abcdef0123 to the platform\n\
             url = \"ldaps://svc:hunter2hunter2@dc1.example.com\"\n\
             -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n\
             {{\"private_key\": \"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow\\n"
        );
        let (out, counts) = r.redact(&text);
        for leaked in [
            "dXNlcjpwYXNzd29yZA",
            "abcdefghijklmnop",
            "0123456789abcdef0123",
            "hunter2",
            "MIIEvQIBADAN",
            "MIIEow",
            "c2lnbmF0dXJl",
        ] {
            assert!(!out.contains(leaked), "{leaked} left in:\n{out}");
        }
        assert_eq!(
            counts.get("authorization_header"),
            Some(&2),
            "{counts:?}\n{out}"
        );
        assert_eq!(counts.get("url_password"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("pem_private_key"), Some(&2), "{counts:?}");
        assert_eq!(counts.get("jwt"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("bearer_token"), Some(&1), "{counts:?}");
        assert!(
            out.contains("ldaps://svc:[REDACTED]@dc1.example.com"),
            "{out}"
        );
        assert!(out.contains("GET /Users"));
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let r = Redactor::new([("bind", "s3cret-value")]);
        let text = "2026-12-02T04:00:00Z INFO sync finished profile=corp run=4 created=3 url=ldaps://dc1.example.com:636 token_secret = \"platform\"";
        let (out, counts) = r.redact(text);
        assert_eq!(out, text);
        assert!(counts.is_empty(), "{counts:?}");
    }
}
