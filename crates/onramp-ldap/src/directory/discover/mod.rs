//! Discovery: what is in the directory, so the admin can choose what to sync.
//!
//! Each function binds as the service account and reads under the base DN:
//! the OU tree with user counts (to choose exclusions), the groups with
//! member counts (to choose synced and admin groups), and how the email
//! attribute is filled in (to choose `mail` or `userPrincipalName`, and to
//! see who will be skipped).

mod email;
mod groups;
mod ous;

pub use email::discover_email;
pub use groups::discover_groups;
pub use ous::discover_ous;

use crate::ldap::rootdse::RootDse;
use crate::ldap::session::Session;
use onramp_base::tls::client_config;
use onramp_secrets::SecretStore;

use super::{DirectoryError, DirectoryTarget, open_bound};

/// A bound session, the base DN to read under, and whether the server is AD.
pub(crate) struct Opened {
    pub session: Session,
    pub base: String,
    pub ad: bool,
}

pub(crate) async fn open(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
) -> Result<Opened, DirectoryError> {
    let tls = client_config(target.connection.ca_file.as_deref())?;
    let password = secrets.get(&target.connection.bind_password_secret)?;
    let mut session =
        open_bound(target, &tls, &password)
            .await
            .map_err(|e| DirectoryError::Bind {
                profile: target.profile.clone(),
                message: e.to_string(),
            })?;
    let dse = RootDse::read(&mut session.ldap)
        .await
        .map_err(|e| DirectoryError::Server(format!("cannot read the RootDSE: {e}")))?;
    let base = target
        .base_dn
        .clone()
        .or_else(|| dse.proposed_base_dn())
        .ok_or_else(|| {
            DirectoryError::Server("no base DN: set connection.base_dn in the profile".to_owned())
        })?;
    Ok(Opened {
        session,
        base,
        ad: dse.kind().is_ad(),
    })
}

pub(crate) fn search_error(what: &str, e: ldap3::LdapError) -> DirectoryError {
    DirectoryError::Server(format!("searching {what} failed: {e}"))
}

/// The first non-blank value of an attribute, compared case-insensitively by name.
pub(crate) fn first<'a>(entry: &'a crate::ldap::entry::Entry, name: &str) -> Option<&'a str> {
    entry.text(name)
}
