//! A directory profile's connection, validated.

use std::time::Duration;

use crate::ldap::bind::BindIdentity;
use crate::ldap::endpoint::Endpoint;
use crate::ldap::syntax::{SyntaxError, validate_dn, validate_filter};
use onramp_base::error::{ErrorCode, ErrorReport, ToReport};
use onramp_base::tls::TlsSetupError;
use onramp_profile::{AttributeMap, Connection, DirectoryConnection, IntegrationKind, Profile};
use onramp_secrets::SecretError;

/// Why directory work could not start.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The profile is not an AD or LDAP profile.
    #[error(
        "profile '{profile}' is a {kind} profile; directory checks need kind = \"ad\" or \"ldap\""
    )]
    NotDirectory {
        /// The profile's name.
        profile: String,
        /// Its kind.
        kind: &'static str,
    },
    /// A DN, filter or bind name in the profile does not parse.
    #[error("{0}")]
    Syntax(#[from] SyntaxError),
    /// The bind password is missing or unreadable.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The CA file is unusable.
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    /// The server refused or failed.
    #[error("{0}")]
    Server(String),
    /// Connecting or binding as the service account failed.
    #[error("{message}")]
    Bind {
        /// The profile, for the remedy.
        profile: String,
        /// What failed.
        message: String,
    },
}

impl ToReport for DirectoryError {
    fn to_report(&self) -> ErrorReport {
        match self {
            DirectoryError::Secret(e) => e.to_report(),
            DirectoryError::Syntax(_) => {
                ErrorReport::new(ErrorCode::InvalidInput, self.to_string())
            }
            DirectoryError::NotDirectory { .. } => {
                ErrorReport::new(ErrorCode::NotSupported, self.to_string())
            }
            DirectoryError::Tls(_) => ErrorReport::new(ErrorCode::InvalidInput, self.to_string()),
            DirectoryError::Server(_) => ErrorReport::new(ErrorCode::Internal, self.to_string()),
            DirectoryError::Bind { profile, .. } => {
                ErrorReport::new(ErrorCode::Internal, self.to_string()).with_remediation(vec![
                    format!(
                        "Run the setup checks to find out why: onramp check --profile {profile}"
                    ),
                ])
            }
        }
    }
}

/// A directory connection whose inputs have been validated.
#[derive(Debug, Clone)]
pub struct DirectoryTarget {
    /// The profile's name, for messages.
    pub profile: String,
    /// `ad` or `ldap`.
    pub kind: IntegrationKind,
    /// The profile's connection settings.
    pub connection: DirectoryConnection,
    /// Host, ports and transport.
    pub endpoint: Endpoint,
    /// The service account.
    pub identity: BindIdentity,
    /// The configured base DN, validated.
    pub base_dn: Option<String>,
    /// The profile's user filter, validated and parenthesised.
    pub user_filter: Option<String>,
    /// The profile's group filter, validated and parenthesised.
    pub group_filter: Option<String>,
    /// Excluded OUs, validated.
    pub excluded_ous: Vec<String>,
    /// Timeout for connects and operations.
    pub timeout: Duration,
    /// Which attributes fill the platform's fields.
    pub attributes: AttributeMap,
}

impl DirectoryTarget {
    /// Validates a profile's directory settings.
    pub fn from_profile(profile: &Profile) -> Result<Self, DirectoryError> {
        let Connection::Directory(c) = &profile.connection else {
            return Err(DirectoryError::NotDirectory {
                profile: profile.name.clone(),
                kind: profile.kind.label(),
            });
        };
        let identity = BindIdentity::parse("connection.bind_dn", &c.bind_dn)?;
        let base_dn = c
            .base_dn
            .as_deref()
            .map(|dn| validate_dn("connection.base_dn", dn))
            .transpose()?;
        let user_filter = profile
            .sync
            .user_filter
            .as_deref()
            .map(|f| validate_filter("sync.user_filter", f))
            .transpose()?;
        let group_filter = profile
            .sync
            .group_filter
            .as_deref()
            .map(|f| validate_filter("sync.group_filter", f))
            .transpose()?;
        let excluded_ous = profile
            .sync
            .excluded_ous
            .iter()
            .enumerate()
            .map(|(i, ou)| validate_dn(&format!("sync.excluded_ous[{i}]"), ou))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            profile: profile.name.clone(),
            kind: profile.kind,
            endpoint: Endpoint::from_connection(c),
            connection: c.clone(),
            identity,
            base_dn,
            user_filter,
            group_filter,
            excluded_ous,
            timeout: Duration::from_secs(u64::from(c.timeout_seconds)),
            attributes: profile.sync.attributes.clone(),
        })
    }

    /// The filter selecting user objects, with the profile's filter ANDed in.
    pub fn users_filter(&self, ad: bool) -> String {
        let base = if ad {
            "(&(objectCategory=person)(objectClass=user))"
        } else {
            "(|(objectClass=inetOrgPerson)(objectClass=organizationalPerson)(objectClass=person))"
        };
        match &self.user_filter {
            Some(f) => format!("(&{base}{f})"),
            None => base.to_owned(),
        }
    }

    /// The filter selecting group objects, with the profile's filter ANDed in.
    pub fn groups_filter(&self, ad: bool) -> String {
        let base = if ad {
            "(objectClass=group)"
        } else {
            "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
        };
        match &self.group_filter {
            Some(f) => format!("(&{base}{f})"),
            None => base.to_owned(),
        }
    }
}
