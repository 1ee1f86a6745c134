//! The kinds of integration Onramp knows.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which system a profile integrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IntegrationKind {
    /// Microsoft Active Directory (or a Samba AD DC) over LDAP.
    Ad,
    /// A generic LDAP directory such as OpenLDAP.
    Ldap,
    /// Microsoft Entra ID over Microsoft Graph.
    Entra,
    /// Google Workspace over the Admin SDK Directory API.
    Google,
    /// Okta over its management API.
    Okta,
    /// SAML 2.0 single sign-on with any identity provider.
    Saml,
    /// SentinelOne endpoint protection.
    Sentinelone,
    /// Bitdefender GravityZone endpoint protection.
    Bitdefender,
    /// Microsoft Defender for Endpoint.
    Defender,
    /// Heimdal endpoint protection.
    Heimdal,
}

impl IntegrationKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [IntegrationKind; 10] = [
        Self::Ad,
        Self::Ldap,
        Self::Entra,
        Self::Google,
        Self::Okta,
        Self::Saml,
        Self::Sentinelone,
        Self::Bitdefender,
        Self::Defender,
        Self::Heimdal,
    ];

    /// The identifier used in profile files and on the command line.
    pub fn id(self) -> &'static str {
        match self {
            Self::Ad => "ad",
            Self::Ldap => "ldap",
            Self::Entra => "entra",
            Self::Google => "google",
            Self::Okta => "okta",
            Self::Saml => "saml",
            Self::Sentinelone => "sentinelone",
            Self::Bitdefender => "bitdefender",
            Self::Defender => "defender",
            Self::Heimdal => "heimdal",
        }
    }

    /// The product name an admin recognises.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ad => "Active Directory",
            Self::Ldap => "LDAP directory",
            Self::Entra => "Microsoft Entra ID",
            Self::Google => "Google Workspace",
            Self::Okta => "Okta",
            Self::Saml => "SAML 2.0 SSO",
            Self::Sentinelone => "SentinelOne",
            Self::Bitdefender => "Bitdefender GravityZone",
            Self::Defender => "Microsoft Defender for Endpoint",
            Self::Heimdal => "Heimdal",
        }
    }

    /// Whether the integration is a directory that syncs users into the platform.
    pub fn is_directory(self) -> bool {
        matches!(
            self,
            Self::Ad | Self::Ldap | Self::Entra | Self::Google | Self::Okta
        )
    }

    /// Parses the identifier used in profile files.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }
}

impl std::fmt::Display for IntegrationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}
