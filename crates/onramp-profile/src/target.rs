//! The `[target]` table: where a sync run writes. `kind = "scim"` (the
//! default) is the customer's platform, reached over SCIM 2.0;
//! `kind = "export"` writes the plan and the desired state as JSON and CSV
//! into a folder instead, for pilots and audits.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use super::validate::{Issue, api_url, non_empty};
use onramp_secrets::SecretName;

/// How Onramp authenticates to the platform's SCIM API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum TargetAuth {
    /// A long-lived bearer token.
    Bearer {
        /// The secret holding the token.
        token_secret: SecretName,
    },
    /// OAuth 2.0 client credentials (the platform's "API credential").
    Oauth2 {
        /// The token endpoint.
        token_url: Url,
        /// The client id.
        client_id: String,
        /// The secret holding the client secret.
        client_credential_secret: SecretName,
        /// The scope to ask for, if the platform wants one.
        scope: Option<String>,
    },
}

/// The validated SCIM target (`kind = "scim"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// The SCIM base URL (the folder holding `/Users`, `/Groups`, …).
    pub url: Url,
    /// How to authenticate.
    pub auth: TargetAuth,
    /// A PEM file of CA certificates trusted in addition to the OS store.
    pub ca_file: Option<PathBuf>,
    /// The SCIM `roles` value that makes a user an admin on the platform.
    pub admin_role: String,
    /// How many SCIM requests run at once.
    pub concurrency: u32,
}

/// The validated export target (`kind = "export"`): each run writes its plan
/// and the desired state as files under `folder`, and nothing is sent to the
/// platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportTarget {
    /// The folder the runs are written under (absolute).
    pub folder: PathBuf,
}

/// What a `[target]` table parsed into: exactly one of the two kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParsedTarget {
    /// `kind = "scim"`.
    Scim(Box<Target>),
    /// `kind = "export"`.
    Export(ExportTarget),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum TargetKind {
    #[default]
    Scim,
    Export,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AuthMethod {
    Bearer,
    Oauth2,
}

/// The table as written; flat so that each key's error names it exactly.
/// `url` and `auth` are optional here only because `kind = "export"` has
/// neither; `kind = "scim"` requires them below.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    #[serde(default)]
    kind: TargetKind,
    url: Option<Url>,
    auth: Option<AuthMethod>,
    token_secret: Option<SecretName>,
    token_url: Option<Url>,
    client_id: Option<String>,
    client_credential_secret: Option<SecretName>,
    scope: Option<String>,
    ca_file: Option<PathBuf>,
    admin_role: Option<String>,
    concurrency: Option<u32>,
    folder: Option<PathBuf>,
}

fn required<T>(value: Option<T>, key: &str, setting: &str) -> Result<T, Issue> {
    value.ok_or_else(|| Issue::new(key, format!("missing; required with {setting}")))
}

fn forbidden<T>(value: &Option<T>, key: &str, setting: &str) -> Result<(), Issue> {
    match value {
        Some(_) => Err(Issue::new(
            key,
            format!("not used with {setting}; remove it"),
        )),
        None => Ok(()),
    }
}

const BEARER: &str = "auth = \"bearer\"";
const OAUTH2: &str = "auth = \"oauth2\"";
const SCIM: &str = "kind = \"scim\"";
const EXPORT: &str = "kind = \"export\"";

impl RawTarget {
    pub(crate) fn into_target(self) -> Result<ParsedTarget, Issue> {
        match self.kind {
            TargetKind::Scim => self.into_scim().map(|t| ParsedTarget::Scim(Box::new(t))),
            TargetKind::Export => self.into_export().map(ParsedTarget::Export),
        }
    }

    fn into_export(self) -> Result<ExportTarget, Issue> {
        // Every SCIM key, in the order the docs list them, so a profile
        // switched from scim to export names the first leftover key.
        forbidden(&self.url, "target.url", EXPORT)?;
        forbidden(&self.auth, "target.auth", EXPORT)?;
        forbidden(&self.token_secret, "target.token_secret", EXPORT)?;
        forbidden(&self.token_url, "target.token_url", EXPORT)?;
        forbidden(&self.client_id, "target.client_id", EXPORT)?;
        forbidden(
            &self.client_credential_secret,
            "target.client_credential_secret",
            EXPORT,
        )?;
        forbidden(&self.scope, "target.scope", EXPORT)?;
        forbidden(&self.ca_file, "target.ca_file", EXPORT)?;
        forbidden(&self.admin_role, "target.admin_role", EXPORT)?;
        forbidden(&self.concurrency, "target.concurrency", EXPORT)?;
        let folder = required(self.folder, "target.folder", EXPORT)?;
        non_empty(&folder.to_string_lossy(), "target.folder")?;
        // Runs start from the tray, the service and the CLI, each with its own
        // working directory: a relative folder would land somewhere different
        // each time.
        if !folder.is_absolute() {
            return Err(Issue::new(
                "target.folder",
                format!("expected an absolute path, found '{}'", folder.display()),
            ));
        }
        Ok(ExportTarget { folder })
    }

    fn into_scim(self) -> Result<Target, Issue> {
        forbidden(&self.folder, "target.folder", SCIM)?;
        let url = required(self.url, "target.url", SCIM)?;
        api_url(&url, "target.url")?;
        let auth = match required(self.auth, "target.auth", SCIM)? {
            AuthMethod::Bearer => {
                forbidden(&self.token_url, "target.token_url", BEARER)?;
                forbidden(&self.client_id, "target.client_id", BEARER)?;
                forbidden(
                    &self.client_credential_secret,
                    "target.client_credential_secret",
                    BEARER,
                )?;
                forbidden(&self.scope, "target.scope", BEARER)?;
                TargetAuth::Bearer {
                    token_secret: required(self.token_secret, "target.token_secret", BEARER)?,
                }
            }
            AuthMethod::Oauth2 => {
                forbidden(&self.token_secret, "target.token_secret", OAUTH2)?;
                let token_url = required(self.token_url, "target.token_url", OAUTH2)?;
                api_url(&token_url, "target.token_url")?;
                let client_id = required(self.client_id, "target.client_id", OAUTH2)?;
                non_empty(&client_id, "target.client_id")?;
                TargetAuth::Oauth2 {
                    token_url,
                    client_id,
                    client_credential_secret: required(
                        self.client_credential_secret,
                        "target.client_credential_secret",
                        OAUTH2,
                    )?,
                    scope: self.scope,
                }
            }
        };
        let admin_role = self.admin_role.unwrap_or_else(|| "admin".to_owned());
        non_empty(&admin_role, "target.admin_role")?;
        let concurrency = self.concurrency.unwrap_or(4);
        super::validate::in_range(concurrency, 1, 32, "target.concurrency")?;
        Ok(Target {
            url,
            auth,
            ca_file: self.ca_file,
            admin_role,
            concurrency,
        })
    }
}

impl Target {
    /// The names of the secrets the target needs.
    pub fn secret_names(&self) -> Vec<&SecretName> {
        match &self.auth {
            TargetAuth::Bearer { token_secret } => vec![token_secret],
            TargetAuth::Oauth2 {
                client_credential_secret,
                ..
            } => vec![client_credential_secret],
        }
    }
}
