//! Groups with member counts.

use super::{first, open, search_error};
use crate::directory::{DirectoryError, DirectoryTarget};
use crate::ldap::search::{all_values, paged_search};
use onramp_connector::discovery::GroupInfo;
use onramp_secrets::SecretStore;

/// Reads the groups under the base DN with their member counts.
pub async fn discover_groups(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
    max_tag_length: u32,
) -> Result<Vec<GroupInfo>, DirectoryError> {
    let mut opened = open(target, secrets).await?;
    let member_attrs: &[&str] = if opened.ad {
        &["member"]
    } else {
        &["member", "uniqueMember", "memberUid"]
    };
    let mut attrs = vec!["cn", "description"];
    attrs.extend_from_slice(member_attrs);
    let mut entries = Vec::new();
    paged_search(
        &mut opened.session.ldap,
        &opened.base,
        &target.groups_filter(opened.ad),
        &attrs,
        |e| entries.push(e),
    )
    .await
    .map_err(|e| search_error("groups", e))?;
    let mut groups = Vec::with_capacity(entries.len());
    for entry in &entries {
        let mut count = 0u64;
        for attr in member_attrs {
            let values = all_values(
                &mut opened.session.ldap,
                &entry.dn,
                attr,
                Some(entry),
                target.timeout,
            )
            .await
            .map_err(|e| {
                DirectoryError::Server(format!("reading the members of {} failed: {e}", entry.dn))
            })?;
            count += values.len() as u64;
        }
        let name = first(entry, "cn").unwrap_or(&entry.dn).to_owned();
        groups.push(GroupInfo {
            name_too_long_for_tag: name.chars().count() > max_tag_length as usize,
            dn: entry.dn.clone(),
            name,
            member_count: count,
            description: first(entry, "description").map(str::to_owned),
        });
    }
    opened.session.close().await;
    groups.sort_by_key(|g| g.name.to_lowercase());
    Ok(groups)
}
