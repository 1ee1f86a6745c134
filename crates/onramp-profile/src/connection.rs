//! The `[connection]` table: how to reach the source system, one shape per kind.
//!
//! The table's keys depend on the profile's `kind`, so it is read in a second
//! step once the kind is known; each shape rejects keys it does not define.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use url::Url;

use super::IntegrationKind;
use super::parse::issue_from_serde;
use super::validate::{Issue, api_url, in_range, non_empty};
use onramp_secrets::SecretName;

/// Connection settings of an Active Directory or LDAP directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryConnection {
    /// `ldaps://host[:636]` or `ldap://host[:389]`.
    pub url: Url,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    #[serde(default)]
    pub starttls: bool,
    /// Where users and groups are searched; proposed from the RootDSE when absent.
    pub base_dn: Option<String>,
    /// The service account: a DN, `user@upn-suffix` or `DOMAIN\user`.
    pub bind_dn: String,
    /// The secret holding the service account's password.
    pub bind_password_secret: SecretName,
    /// A PEM file of CA certificates trusted in addition to the OS store.
    pub ca_file: Option<PathBuf>,
    /// Seconds to wait for connects and answers.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
}

fn default_timeout() -> u32 {
    10
}

/// Connection settings of Microsoft Entra ID (app registration, client credentials).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntraConnection {
    /// The tenant id (GUID) or a verified domain.
    pub tenant: String,
    /// The app registration's Application (client) ID.
    pub client_id: String,
    /// The secret holding the client secret value.
    pub client_credential_secret: SecretName,
    /// The token authority; national clouds use another.
    #[serde(default = "default_entra_authority")]
    pub authority_url: Url,
    /// The Graph endpoint.
    #[serde(default = "default_graph_url")]
    pub graph_url: Url,
}

fn default_entra_authority() -> Url {
    Url::parse("https://login.microsoftonline.com").expect("constant URL")
}

fn default_graph_url() -> Url {
    Url::parse("https://graph.microsoft.com").expect("constant URL")
}

/// Connection settings of Google Workspace (service account with domain-wide delegation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleConnection {
    /// The secret holding the service account's JSON key file.
    pub service_account_key_secret: SecretName,
    /// The admin the service account acts as (the JWT `sub`).
    pub admin_email: String,
    /// The customer id; `my_customer` means the admin's own.
    #[serde(default = "default_customer")]
    pub customer: String,
}

fn default_customer() -> String {
    "my_customer".to_owned()
}

/// Connection settings of Okta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaConnection {
    /// The org URL, e.g. `https://example.okta.com`.
    pub org_url: Url,
    /// The secret holding the API token.
    pub api_token_secret: SecretName,
}

/// SAML 2.0 SSO settings: where the IdP metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamlConnection {
    /// The IdP's metadata URL.
    pub metadata_url: Option<Url>,
    /// A downloaded metadata XML file.
    pub metadata_file: Option<PathBuf>,
    /// The platform's SP entity id.
    pub sp_entity_id: String,
    /// The platform's Assertion Consumer Service URL.
    pub acs_url: Url,
}

/// Connection settings of the SentinelOne management console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentinelOneConnection {
    /// The console URL, e.g. `https://tenant.sentinelone.net`.
    pub console_url: Url,
    /// The secret holding the API token.
    pub api_token_secret: SecretName,
}

/// Connection settings of Bitdefender GravityZone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitdefenderConnection {
    /// The API base URL from the GravityZone console.
    #[serde(default = "default_gravityzone_url")]
    pub api_url: Url,
    /// The secret holding the API key.
    pub api_key_secret: SecretName,
}

fn default_gravityzone_url() -> Url {
    Url::parse("https://cloud.gravityzone.bitdefender.com/api").expect("constant URL")
}

/// Connection settings of Microsoft Defender for Endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefenderConnection {
    /// The tenant id (GUID) or a verified domain.
    pub tenant: String,
    /// The app registration's Application (client) ID.
    pub client_id: String,
    /// The secret holding the client secret value.
    pub client_credential_secret: SecretName,
    /// The Defender API endpoint.
    #[serde(default = "default_defender_url")]
    pub api_url: Url,
}

fn default_defender_url() -> Url {
    Url::parse("https://api.securitycenter.microsoft.com").expect("constant URL")
}

/// Connection settings of Heimdal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeimdalConnection {
    /// The API base URL.
    #[serde(default = "default_heimdal_url")]
    pub api_url: Url,
    /// The customer id every call must carry.
    pub customer_id: String,
    /// The secret holding the API key.
    pub api_key_secret: SecretName,
}

fn default_heimdal_url() -> Url {
    Url::parse("https://dashboard.heimdalsecurity.com/api/heimdalapi").expect("constant URL")
}

/// The `[connection]` table, typed by the profile's kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Connection {
    /// `ad` and `ldap`.
    Directory(DirectoryConnection),
    /// `entra`.
    Entra(EntraConnection),
    /// `google`.
    Google(GoogleConnection),
    /// `okta`.
    Okta(OktaConnection),
    /// `saml`.
    Saml(SamlConnection),
    /// `sentinelone`.
    SentinelOne(SentinelOneConnection),
    /// `bitdefender`.
    Bitdefender(BitdefenderConnection),
    /// `defender`.
    Defender(DefenderConnection),
    /// `heimdal`.
    Heimdal(HeimdalConnection),
}

/// Reads the `[connection]` table for a kind; the error carries the key path.
pub(crate) fn parse_connection(
    kind: IntegrationKind,
    table: toml::Table,
) -> Result<Connection, Issue> {
    fn typed<T: serde::de::DeserializeOwned>(table: toml::Table) -> Result<T, Issue> {
        serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." || path.is_empty() {
                "connection".to_owned()
            } else {
                format!("connection.{path}")
            };
            issue_from_serde(&path, e.inner().message())
        })
    }
    let connection = match kind {
        IntegrationKind::Ad | IntegrationKind::Ldap => Connection::Directory(typed(table)?),
        IntegrationKind::Entra => Connection::Entra(typed(table)?),
        IntegrationKind::Google => Connection::Google(typed(table)?),
        IntegrationKind::Okta => Connection::Okta(typed(table)?),
        IntegrationKind::Saml => Connection::Saml(typed(table)?),
        IntegrationKind::Sentinelone => Connection::SentinelOne(typed(table)?),
        IntegrationKind::Bitdefender => Connection::Bitdefender(typed(table)?),
        IntegrationKind::Defender => Connection::Defender(typed(table)?),
        IntegrationKind::Heimdal => Connection::Heimdal(typed(table)?),
    };
    connection.validate()?;
    Ok(connection)
}

impl Connection {
    fn validate(&self) -> Result<(), Issue> {
        match self {
            Connection::Directory(c) => {
                match c.url.scheme() {
                    "ldap" | "ldaps" => {}
                    other => {
                        return Err(Issue::new(
                            "connection.url",
                            format!("expected an ldaps:// or ldap:// URL, found scheme '{other}'"),
                        ));
                    }
                }
                crate::validate::endpoint(&c.url, "connection.url")?;
                if c.url.path() != "" && c.url.path() != "/" {
                    return Err(Issue::new(
                        "connection.url",
                        "expected scheme, host and port only; put the base DN in connection.base_dn",
                    ));
                }
                if c.starttls && c.url.scheme() == "ldaps" {
                    return Err(Issue::new(
                        "connection.starttls",
                        "StartTLS applies to ldap:// URLs only; an ldaps:// URL is already encrypted",
                    ));
                }
                non_empty(&c.bind_dn, "connection.bind_dn")?;
                if let Some(dn) = &c.base_dn {
                    non_empty(dn, "connection.base_dn")?;
                }
                in_range(c.timeout_seconds, 1, 300, "connection.timeout_seconds")
            }
            Connection::Entra(c) => {
                non_empty(&c.tenant, "connection.tenant")?;
                non_empty(&c.client_id, "connection.client_id")?;
                api_url(&c.authority_url, "connection.authority_url")?;
                api_url(&c.graph_url, "connection.graph_url")
            }
            Connection::Google(c) => {
                if !c.admin_email.contains('@') {
                    return Err(Issue::new(
                        "connection.admin_email",
                        "expected the email address of a Workspace admin",
                    ));
                }
                non_empty(&c.customer, "connection.customer")
            }
            Connection::Okta(c) => api_url(&c.org_url, "connection.org_url"),
            Connection::Saml(c) => {
                match (&c.metadata_url, &c.metadata_file) {
                    (Some(u), None) => api_url(u, "connection.metadata_url")?,
                    (None, Some(_)) => {}
                    _ => {
                        return Err(Issue::new(
                            "connection.metadata_url",
                            "expected exactly one of metadata_url and metadata_file",
                        ));
                    }
                }
                non_empty(&c.sp_entity_id, "connection.sp_entity_id")?;
                api_url(&c.acs_url, "connection.acs_url")
            }
            Connection::SentinelOne(c) => api_url(&c.console_url, "connection.console_url"),
            Connection::Bitdefender(c) => api_url(&c.api_url, "connection.api_url"),
            Connection::Defender(c) => {
                non_empty(&c.tenant, "connection.tenant")?;
                non_empty(&c.client_id, "connection.client_id")?;
                api_url(&c.api_url, "connection.api_url")
            }
            Connection::Heimdal(c) => {
                non_empty(&c.customer_id, "connection.customer_id")?;
                api_url(&c.api_url, "connection.api_url")
            }
        }
    }

    /// The names of the secrets this connection needs.
    pub fn secret_names(&self) -> Vec<&SecretName> {
        match self {
            Connection::Directory(c) => vec![&c.bind_password_secret],
            Connection::Entra(c) => vec![&c.client_credential_secret],
            Connection::Google(c) => vec![&c.service_account_key_secret],
            Connection::Okta(c) => vec![&c.api_token_secret],
            Connection::Saml(_) => vec![],
            Connection::SentinelOne(c) => vec![&c.api_token_secret],
            Connection::Bitdefender(c) => vec![&c.api_key_secret],
            Connection::Defender(c) => vec![&c.client_credential_secret],
            Connection::Heimdal(c) => vec![&c.api_key_secret],
        }
    }
}
