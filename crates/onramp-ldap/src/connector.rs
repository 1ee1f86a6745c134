//! AD and LDAP behind the connector contract.

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use onramp_connector::{
    CheckSession, CheckSpec, Connector, ConnectorError, DirectorySource, Discovery, DiscoveryKind,
    ReadContext, ReadError, SettingError, SourceGroup, SourceRead,
};
use onramp_profile::{IntegrationKind, Profile};
use onramp_secrets::SecretStore;

use crate::directory::{
    CHECKS, CheckRun, DirectoryError, DirectoryTarget, discover_email, discover_groups,
    discover_ous,
};
use crate::ldap::syntax::dn_is_within;
use crate::source::{SyncReadError, read_for_sync};

/// The connector of `ad` and `ldap` profiles.
#[derive(Debug, Default)]
pub struct LdapConnector;

const KINDS: [IntegrationKind; 2] = [IntegrationKind::Ad, IntegrationKind::Ldap];
const DISCOVERIES: [DiscoveryKind; 3] = [
    DiscoveryKind::Ous,
    DiscoveryKind::Groups,
    DiscoveryKind::Email,
];

fn target(profile: &Profile) -> Result<DirectoryTarget, SettingError> {
    DirectoryTarget::from_profile(profile).map_err(|e| match e {
        DirectoryError::Syntax(e) => e.into(),
        other => SettingError {
            field: "connection".to_owned(),
            reason: other.to_string(),
        },
    })
}

impl Connector for LdapConnector {
    fn kinds(&self) -> &'static [IntegrationKind] {
        &KINDS
    }

    fn checks(&self) -> &'static [CheckSpec] {
        &CHECKS
    }

    fn validate(&self, profile: &Profile) -> Result<(), SettingError> {
        target(profile).map(drop)
    }

    fn check_session<'a>(
        &'a self,
        profile: &'a Profile,
        secrets: &'a dyn SecretStore,
        now_unix: i64,
    ) -> Result<Box<dyn CheckSession + 'a>, ConnectorError> {
        let target = target(profile).map_err(ConnectorError::new)?;
        let run = CheckRun::new(target, secrets, now_unix).map_err(ConnectorError::new)?;
        Ok(Box::new(run))
    }

    fn discoveries(&self) -> &'static [DiscoveryKind] {
        &DISCOVERIES
    }

    fn discover<'a>(
        &'a self,
        profile: &'a Profile,
        secrets: &'a dyn SecretStore,
        kind: DiscoveryKind,
    ) -> LocalBoxFuture<'a, Result<Discovery, ConnectorError>> {
        async move {
            let target = target(profile).map_err(ConnectorError::new)?;
            let found = match kind {
                DiscoveryKind::Ous => discover_ous(&target, secrets)
                    .await
                    .map(|root| Discovery::Ous { ous: vec![root] }),
                DiscoveryKind::Groups => {
                    discover_groups(&target, secrets, profile.sync.max_tag_length)
                        .await
                        .map(|groups| Discovery::Groups { groups })
                }
                DiscoveryKind::Email => {
                    discover_email(&target, secrets, profile.sync.email_attribute)
                        .await
                        .map(|email| Discovery::Email { email })
                }
            };
            found.map_err(ConnectorError::new)
        }
        .boxed_local()
    }

    fn syncs(&self) -> bool {
        true
    }

    fn directory_source(
        &self,
        profile: &Profile,
    ) -> Result<Box<dyn DirectorySource>, ConnectorError> {
        let target = target(profile).map_err(ConnectorError::new)?;
        Ok(Box::new(LdapSource { target }))
    }
}

/// An AD or LDAP directory as a sync's source.
#[derive(Debug)]
pub struct LdapSource {
    target: DirectoryTarget,
}

impl LdapSource {
    /// The source reading `target`.
    pub fn new(target: DirectoryTarget) -> Self {
        Self { target }
    }
}

impl DirectorySource for LdapSource {
    fn read<'a>(
        &'a self,
        cx: ReadContext<'a>,
    ) -> LocalBoxFuture<'a, Result<SourceRead, ReadError>> {
        async move {
            let (snapshot, report, kind) = read_for_sync(
                &self.target,
                cx.secrets,
                cx.state,
                cx.full_read_hours,
                cx.now_unix,
            )
            .await
            .map_err(|e| match e {
                SyncReadError::Source(e) => ReadError::Source(ConnectorError::new(e)),
                SyncReadError::State(e) => ReadError::State(e),
            })?;
            Ok(SourceRead {
                snapshot,
                summary: report.summary(),
                kind,
            })
        }
        .boxed_local()
    }

    fn default_team(&self) -> String {
        match self.target.kind {
            IntegrationKind::Ad => "AD Users".to_owned(),
            _ => "LDAP Users".to_owned(),
        }
    }

    /// By name (case-insensitively), or by DN (compared as DNs are).
    fn names_group(&self, group: &SourceGroup, reference: &str) -> bool {
        group.name.eq_ignore_ascii_case(reference)
            || (reference.contains('=')
                && dn_is_within(&group.dn, reference)
                && dn_is_within(reference, &group.dn))
    }
}
