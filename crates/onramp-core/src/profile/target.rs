//! The `[target]` table: the customer's platform, reached over SCIM 2.0.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use super::validate::{Issue, api_url, non_empty};
use crate::secret::SecretName;

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

/// The validated target.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum AuthMethod {
    Bearer,
    Oauth2,
}

/// The table as written; flat so that each key's error names it exactly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    url: Url,
    auth: AuthMethod,
    token_secret: Option<SecretName>,
    token_url: Option<Url>,
    client_id: Option<String>,
    client_credential_secret: Option<SecretName>,
    scope: Option<String>,
    ca_file: Option<PathBuf>,
    admin_role: Option<String>,
    concurrency: Option<u32>,
}

fn required<T>(value: Option<T>, key: &str, method: &str) -> Result<T, Issue> {
    value.ok_or_else(|| Issue::new(key, format!("missing; required with auth = \"{method}\"")))
}

fn forbidden<T>(value: &Option<T>, key: &str, method: &str) -> Result<(), Issue> {
    match value {
        Some(_) => Err(Issue::new(
            key,
            format!("not used with auth = \"{method}\"; remove it"),
        )),
        None => Ok(()),
    }
}

impl RawTarget {
    pub(crate) fn into_target(self) -> Result<Target, Issue> {
        api_url(&self.url, "target.url")?;
        let auth = match self.auth {
            AuthMethod::Bearer => {
                forbidden(&self.token_url, "target.token_url", "bearer")?;
                forbidden(&self.client_id, "target.client_id", "bearer")?;
                forbidden(
                    &self.client_credential_secret,
                    "target.client_credential_secret",
                    "bearer",
                )?;
                forbidden(&self.scope, "target.scope", "bearer")?;
                TargetAuth::Bearer {
                    token_secret: required(self.token_secret, "target.token_secret", "bearer")?,
                }
            }
            AuthMethod::Oauth2 => {
                forbidden(&self.token_secret, "target.token_secret", "oauth2")?;
                let token_url = required(self.token_url, "target.token_url", "oauth2")?;
                api_url(&token_url, "target.token_url")?;
                let client_id = required(self.client_id, "target.client_id", "oauth2")?;
                non_empty(&client_id, "target.client_id")?;
                TargetAuth::Oauth2 {
                    token_url,
                    client_id,
                    client_credential_secret: required(
                        self.client_credential_secret,
                        "target.client_credential_secret",
                        "oauth2",
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
            url: self.url,
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
