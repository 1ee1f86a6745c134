//! The updater's failures in the admin's words.
//!
//! Classified on the plugin's typed error (and reqwest's and rustls's under
//! it), never on its prose. A refused signature is `untrusted`, not a
//! network error: it means someone served a file Onramp's release key did
//! not sign, and the admin should know that rather than retry.

use onramp_engine::error::{ErrorCode, ErrorReport};
use onramp_engine::http::error_chain;
use onramp_engine::tls::CertificateProblem;
use tauri_plugin_updater::{Error, Update};
use url::Url;

/// A failed check, against `server` (the configured one, if any).
pub fn check_failed(error: &Error, server: Option<&Url>) -> ErrorReport {
    match error {
        Error::Reqwest(e) => transport(e, server),
        Error::ReleaseNotFound => ErrorReport::new(
            ErrorCode::Io,
            format!(
                "the update server{} did not send a release manifest (it answered with an error status)",
                at(server)
            ),
        )
        .with_remediation(vec![
            "Check the update URL (`url` in updates.toml): it must answer with the release manifest (latest.json) or 204 when there is nothing newer.".to_owned(),
        ]),
        Error::Serialization(e) => ErrorReport::new(
            ErrorCode::Io,
            format!("the update server's answer is not a valid release manifest: {e}"),
        )
        .with_remediation(vec![
            "The manifest needs `version`, and `platforms` with a `url` and `signature` for each build (scripts/sign-release.sh writes it).".to_owned(),
        ]),
        Error::Semver(e) => ErrorReport::new(
            ErrorCode::Io,
            format!("the release manifest's version is not a version number: {e}"),
        ),
        Error::TargetNotFound(target) => ErrorReport::new(
            ErrorCode::NotSupported,
            format!("the newer release on the update server has no build for {target}"),
        ),
        Error::TargetsNotFound(targets) => ErrorReport::new(
            ErrorCode::NotSupported,
            format!(
                "the newer release on the update server has no build for {}",
                targets.join(" or ")
            ),
        ),
        Error::InsecureTransportProtocol | Error::UrlParse(_) => ErrorReport::new(
            ErrorCode::InvalidInput,
            format!("the update URL cannot be used: {error}"),
        )
        .with_remediation(vec!["Set `url` in updates.toml to an https:// address.".to_owned()]),
        other => ErrorReport::new(
            ErrorCode::Internal,
            format!("the update check failed: {other}"),
        ),
    }
}

/// A failed download of `update`, or a download whose signature was refused.
pub fn download_failed(error: &Error, update: &Update) -> ErrorReport {
    let version = &update.version;
    let untrusted = |what: String| {
        ErrorReport::new(
            ErrorCode::Untrusted,
            format!("the download of Onramp {version} was refused and nothing was installed: {what}"),
        )
        .with_remediation(vec![
            "Do not install this file by hand.".to_owned(),
            "Tell whoever runs the update server: the artifact or its manifest was altered, or signed with another key than the one this build trusts.".to_owned(),
        ])
    };
    match error {
        Error::Minisign(e) => untrusted(format!(
            "its signature does not verify with Onramp's release key ({e})"
        )),
        Error::Base64(_) | Error::SignatureUtf8(_) => {
            untrusted("its signature in the manifest is malformed".to_owned())
        }
        Error::SignedVersionMismatch { signed, announced } => untrusted(format!(
            "it was signed as version {signed}, but the server announced {announced}"
        )),
        Error::MissingSignedVersion => {
            untrusted("its signature does not say which version it is for".to_owned())
        }
        Error::Network(status) => ErrorReport::new(
            ErrorCode::Io,
            format!("the download of Onramp {version} failed: {status}"),
        )
        .with_remediation(vec![
            "Try again later; the release may still be uploading.".to_owned(),
        ]),
        Error::Reqwest(e) => transport(e, Some(&update.download_url)),
        other => ErrorReport::new(
            ErrorCode::Internal,
            format!("the download of Onramp {version} failed: {other}"),
        ),
    }
}

/// A verified update that could not be installed.
pub fn install_failed(error: &Error) -> ErrorReport {
    match error {
        Error::InvalidUpdaterFormat | Error::BinaryNotFoundInArchive => ErrorReport::new(
            ErrorCode::NotSupported,
            format!("the update is not a package this installation can use: {error}"),
        )
        .with_remediation(vec![
            "An AppImage installation takes an AppImage (or .AppImage.tar.gz); a .deb installation a .deb.".to_owned(),
        ]),
        Error::AuthenticationFailed | Error::DebInstallFailed | Error::PackageInstallFailed => {
            ErrorReport::new(
                ErrorCode::Io,
                format!("the system package manager did not install the update: {error}"),
            )
            .with_remediation(vec![
                "Installing a package needs an administrator's password: try again and confirm the prompt.".to_owned(),
                "Or install the new .deb with: sudo apt install ./onramp_<version>_amd64.deb".to_owned(),
            ])
        }
        Error::Io(e) => ErrorReport::new(
            ErrorCode::Io,
            format!("the update could not be written: {e}"),
        )
        .with_remediation(vec![
            "Check that the folder Onramp is installed in is writable by you (an AppImage) and has free space.".to_owned(),
        ]),
        other => ErrorReport::new(
            ErrorCode::Internal,
            format!("the update could not be installed: {other}"),
        ),
    }
}

/// A request that did not get an answer.
fn transport(error: &reqwest::Error, fallback: Option<&Url>) -> ErrorReport {
    let url = error.url().or(fallback);
    let host = url
        .and_then(Url::host_str)
        .unwrap_or("the update server")
        .trim_matches(['[', ']'])
        .to_owned();
    let chain = error_chain(error);
    if let Some(problem) = CertificateProblem::find(error) {
        return ErrorReport::new(
            ErrorCode::Io,
            format!(
                "the update server's TLS certificate was rejected: {}",
                problem.explain(&host)
            ),
        )
        .with_remediation(vec![
            format!("If {host} is your organisation's own mirror behind a company CA, set `ca_file` in updates.toml to that CA's PEM file."),
            "Otherwise something is intercepting the connection or the server's certificate is wrong: nothing is downloaded through it.".to_owned(),
        ]);
    }
    let what = if error.is_timeout() {
        format!("{host} did not answer in time")
    } else if error.is_decode() {
        format!("{host} sent an answer that is not JSON")
    } else {
        format!("cannot reach the update server {host}")
    };
    ErrorReport::new(ErrorCode::Io, format!("{what} ({chain})")).with_remediation(vec![
        format!(
            "Check that this machine can open https://{host}/ (a proxy or firewall may block it)."
        ),
        "Onramp keeps working; it tries again in an hour.".to_owned(),
    ])
}

/// " at https://host/path" for a known server.
fn at(server: Option<&Url>) -> String {
    server.map(|u| format!(" at {u}")).unwrap_or_default()
}
