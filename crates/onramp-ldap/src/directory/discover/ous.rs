//! The OU tree with user counts.

use super::{open, search_error};
use crate::directory::{DirectoryError, DirectoryTarget};
use crate::ldap::search::paged_search;
use crate::ldap::syntax::{dn_is_within, parent_dn, parse_dn};
use onramp_connector::discovery::OuNode;
use onramp_secrets::SecretStore;

fn rdn_name(dn: &str) -> String {
    parse_dn("", dn)
        .ok()
        .and_then(|r| r.into_iter().next())
        .and_then(|rdn| rdn.into_iter().next())
        .map(|(_, v)| v)
        .unwrap_or_else(|| dn.to_owned())
}

fn same(a: &str, b: &str) -> bool {
    dn_is_within(a, b) && dn_is_within(b, a)
}

/// Reads OUs and users under the base DN and builds the tree.
pub async fn discover_ous(
    target: &DirectoryTarget,
    secrets: &dyn SecretStore,
) -> Result<OuNode, DirectoryError> {
    let mut opened = open(target, secrets).await?;
    let mut ous = Vec::new();
    paged_search(
        &mut opened.session.ldap,
        &opened.base,
        "(objectClass=organizationalUnit)",
        &["1.1"],
        |e| ous.push(e.dn),
    )
    .await
    .map_err(|e| search_error("OUs", e))?;
    let mut user_parents: Vec<String> = Vec::new();
    paged_search(
        &mut opened.session.ldap,
        &opened.base,
        &target.users_filter(opened.ad),
        &["1.1"],
        |e| user_parents.push(parent_dn(&e.dn).unwrap_or_default()),
    )
    .await
    .map_err(|e| search_error("users", e))?;
    let base = opened.base.clone();
    opened.session.close().await;
    Ok(build_tree(&base, &ous, &user_parents, &target.excluded_ous))
}

/// Builds the tree from OU DNs and the parent DN of each user.
pub(crate) fn build_tree(
    base: &str,
    ous: &[String],
    user_parents: &[String],
    excluded: &[String],
) -> OuNode {
    // Every node: base, OUs, and containers that directly hold users.
    let mut dns: Vec<(String, &'static str)> = vec![(base.to_owned(), "domain")];
    for ou in ous {
        if !same(ou, base) {
            dns.push((ou.clone(), "ou"));
        }
    }
    for p in user_parents {
        if !dns.iter().any(|(d, _)| same(d, p)) && dn_is_within(p, base) {
            dns.push((p.clone(), "container"));
        }
    }
    let depth = |dn: &str| parse_dn("", dn).map(|r| r.len()).unwrap_or(0);
    let mut nodes: Vec<OuNode> = dns
        .iter()
        .map(|(dn, kind)| OuNode {
            dn: dn.clone(),
            name: rdn_name(dn),
            kind,
            direct_users: user_parents.iter().filter(|p| same(p, dn)).count() as u64,
            total_users: user_parents.iter().filter(|p| dn_is_within(p, dn)).count() as u64,
            excluded: excluded.iter().any(|x| dn_is_within(dn, x)),
            children: Vec::new(),
        })
        .collect();
    // Attach deepest first, each to its nearest ancestor in the list.
    nodes.sort_by_key(|n| std::cmp::Reverse(depth(&n.dn)));
    while nodes.len() > 1 {
        let node = nodes.remove(0);
        let parent = nodes
            .iter()
            .enumerate()
            .filter(|(_, p)| dn_is_within(&node.dn, &p.dn) && !same(&node.dn, &p.dn))
            .max_by_key(|(_, p)| depth(&p.dn))
            .map(|(i, _)| i);
        match parent {
            Some(i) => {
                nodes[i].children.push(node);
                nodes[i].children.sort_by_key(|c| c.name.to_lowercase());
            }
            None => {
                // Not under the base (cannot happen for a subtree search); keep it at the root.
                let last = nodes.len() - 1;
                nodes[last].children.push(node);
            }
        }
    }
    nodes.pop().unwrap_or(OuNode {
        dn: base.to_owned(),
        name: rdn_name(base),
        kind: "domain",
        direct_users: 0,
        total_users: 0,
        excluded: false,
        children: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_counts_and_exclusions() {
        let base = "DC=x,DC=test";
        let ous = vec![
            "OU=Staff,DC=x,DC=test".to_owned(),
            "OU=Sales,OU=Staff,DC=x,DC=test".to_owned(),
            "OU=Service,DC=x,DC=test".to_owned(),
        ];
        let users = vec![
            "OU=Sales,OU=Staff,DC=x,DC=test".to_owned(),
            "OU=Sales,OU=Staff,DC=x,DC=test".to_owned(),
            "OU=Staff,DC=x,DC=test".to_owned(),
            "CN=Users,DC=x,DC=test".to_owned(),
            "OU=Service,DC=x,DC=test".to_owned(),
        ];
        let tree = build_tree(base, &ous, &users, &["OU=Service,DC=x,DC=test".to_owned()]);
        assert_eq!(tree.total_users, 5);
        let names: Vec<&str> = tree.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Service", "Staff", "Users"]);
        let staff = &tree.children[1];
        assert_eq!((staff.direct_users, staff.total_users), (1, 3));
        assert_eq!(staff.children[0].name, "Sales");
        assert_eq!(staff.children[0].total_users, 2);
        assert!(tree.children[0].excluded);
        assert_eq!(tree.children[2].kind, "container");
    }
}
