//! The RootDSE: what the server is and what it supports, readable anonymously.

use ldap3::{Ldap, LdapError};
use serde::Serialize;

use super::search::read_entry;

/// Simple Paged Results control.
pub const PAGED_RESULTS_OID: &str = "1.2.840.113556.1.4.319";
/// AD's range retrieval (LDAP_SERVER_RANGE_OPTION_OID).
pub const RANGE_OPTION_OID: &str = "1.2.840.113556.1.4.802";
/// LDAP_CAP_ACTIVE_DIRECTORY_OID.
const AD_CAPABILITY_OID: &str = "1.2.840.113556.1.4.800";
/// StartTLS extended operation.
pub const STARTTLS_OID: &str = "1.3.6.1.4.1.1466.20037";

/// The kind of directory server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerKind {
    /// Microsoft Active Directory.
    ActiveDirectory,
    /// A Samba AD domain controller.
    SambaAd,
    /// OpenLDAP slapd.
    OpenLdap,
    /// Something else.
    Other,
}

impl ServerKind {
    /// How an admin would name it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ActiveDirectory => "Microsoft Active Directory",
            Self::SambaAd => "Samba Active Directory",
            Self::OpenLdap => "OpenLDAP",
            Self::Other => "LDAP server",
        }
    }

    /// Whether it speaks AD's dialect (objectGUID, userAccountControl, ranges).
    pub fn is_ad(self) -> bool {
        matches!(self, Self::ActiveDirectory | Self::SambaAd)
    }
}

/// What the RootDSE says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootDse {
    /// The domain's naming context (AD).
    pub default_naming_context: Option<String>,
    /// All naming contexts.
    pub naming_contexts: Vec<String>,
    /// The server's DNS name (AD).
    pub dns_host_name: Option<String>,
    /// Supported control OIDs.
    pub supported_controls: Vec<String>,
    /// Supported extended operation OIDs.
    pub supported_extensions: Vec<String>,
    /// Supported capability OIDs (AD).
    pub supported_capabilities: Vec<String>,
    /// The vendor's name, if published.
    pub vendor_name: Option<String>,
    /// The vendor's version, if published.
    pub vendor_version: Option<String>,
    /// domainFunctionality (AD).
    pub domain_functionality: Option<u32>,
    /// forestFunctionality (AD).
    pub forest_functionality: Option<u32>,
    /// The highest USN committed on this DC (AD).
    pub highest_committed_usn: Option<u64>,
    /// The DC's NTDS Settings object (AD).
    pub ds_service_name: Option<String>,
    /// The object classes of the RootDSE.
    pub object_classes: Vec<String>,
}

const ATTRS: &[&str] = &[
    "*",
    "+",
    "defaultNamingContext",
    "namingContexts",
    "dnsHostName",
    "supportedControl",
    "supportedExtension",
    "supportedCapabilities",
    "vendorName",
    "vendorVersion",
    "domainFunctionality",
    "forestFunctionality",
    "highestCommittedUSN",
    "dsServiceName",
    "objectClass",
];

impl RootDse {
    /// Reads the RootDSE (base `""`, base scope).
    pub async fn read(ldap: &mut Ldap) -> Result<Self, LdapError> {
        let entry = read_entry(ldap, "", ATTRS).await?;
        let entry = entry.unwrap_or_default();
        let many = |name: &str| -> Vec<String> { entry.texts(name) };
        let one = |name: &str| many(name).into_iter().next();
        Ok(Self {
            default_naming_context: one("defaultNamingContext"),
            naming_contexts: many("namingContexts"),
            dns_host_name: one("dnsHostName"),
            supported_controls: many("supportedControl"),
            supported_extensions: many("supportedExtension"),
            supported_capabilities: many("supportedCapabilities"),
            vendor_name: one("vendorName"),
            vendor_version: one("vendorVersion"),
            domain_functionality: one("domainFunctionality").and_then(|v| v.parse().ok()),
            forest_functionality: one("forestFunctionality").and_then(|v| v.parse().ok()),
            highest_committed_usn: one("highestCommittedUSN").and_then(|v| v.parse().ok()),
            ds_service_name: one("dsServiceName"),
            object_classes: many("objectClass"),
        })
    }

    /// What kind of server answered.
    pub fn kind(&self) -> ServerKind {
        let ad = self
            .supported_capabilities
            .iter()
            .any(|c| c == AD_CAPABILITY_OID);
        let samba = self
            .vendor_name
            .as_deref()
            .is_some_and(|v| v.to_ascii_lowercase().contains("samba"));
        if ad && samba {
            ServerKind::SambaAd
        } else if ad {
            ServerKind::ActiveDirectory
        } else if self
            .object_classes
            .iter()
            .any(|c| c.eq_ignore_ascii_case("OpenLDAProotDSE"))
        {
            ServerKind::OpenLdap
        } else {
            ServerKind::Other
        }
    }

    /// The base DN to propose: AD's default naming context, else the only naming context.
    pub fn proposed_base_dn(&self) -> Option<String> {
        self.default_naming_context.clone().or_else(|| {
            let user: Vec<&String> = self
                .naming_contexts
                .iter()
                .filter(|nc| !nc.to_ascii_lowercase().starts_with("cn=config"))
                .collect();
            (user.len() == 1).then(|| user[0].clone())
        })
    }

    /// Whether the server advertises the Simple Paged Results control.
    pub fn supports_paging(&self) -> bool {
        self.supported_controls
            .iter()
            .any(|c| c == PAGED_RESULTS_OID)
    }

    /// Whether the server advertises AD range retrieval.
    pub fn supports_range_retrieval(&self) -> bool {
        self.supported_controls
            .iter()
            .any(|c| c == RANGE_OPTION_OID)
            || self
                .supported_capabilities
                .iter()
                .any(|c| c == RANGE_OPTION_OID)
    }

    /// The domain functional level in words.
    pub fn functional_level(&self) -> Option<&'static str> {
        Some(match self.domain_functionality? {
            0 => "Windows 2000",
            1 => "Windows Server 2003 interim",
            2 => "Windows Server 2003",
            3 => "Windows Server 2008",
            4 => "Windows Server 2008 R2",
            5 => "Windows Server 2012",
            6 => "Windows Server 2012 R2",
            7 => "Windows Server 2016",
            10 => "Windows Server 2025",
            _ => "newer than Windows Server 2025",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dse() -> RootDse {
        RootDse {
            default_naming_context: None,
            naming_contexts: vec![],
            dns_host_name: None,
            supported_controls: vec![],
            supported_extensions: vec![],
            supported_capabilities: vec![],
            vendor_name: None,
            vendor_version: None,
            domain_functionality: None,
            forest_functionality: None,
            highest_committed_usn: None,
            ds_service_name: None,
            object_classes: vec![],
        }
    }

    #[test]
    fn kinds_and_base() {
        let mut d = dse();
        d.supported_capabilities = vec![AD_CAPABILITY_OID.into()];
        d.default_naming_context = Some("DC=x,DC=y".into());
        assert_eq!(d.kind(), ServerKind::ActiveDirectory);
        d.vendor_name = Some("Samba Team (https://www.samba.org)".into());
        assert_eq!(d.kind(), ServerKind::SambaAd);
        assert_eq!(d.proposed_base_dn().unwrap(), "DC=x,DC=y");
        let mut o = dse();
        o.object_classes = vec!["top".into(), "OpenLDAProotDSE".into()];
        o.naming_contexts = vec!["dc=example,dc=org".into()];
        assert_eq!(o.kind(), ServerKind::OpenLdap);
        assert_eq!(o.proposed_base_dn().unwrap(), "dc=example,dc=org");
        o.naming_contexts.push("dc=other".into());
        assert_eq!(o.proposed_base_dn(), None);
        assert_eq!(dse().kind(), ServerKind::Other);
    }
}
