//! One face for the two real directories the sync tests run against: the
//! Samba AD DC and OpenLDAP slapd.
//!
//! The sync's end-to-end scenarios (first sync, rename, move, leaving the
//! scope, nested and large groups, the guard, faults, SIGKILL) must hold for
//! Active Directory and for generic LDAP alike, and the two speak different
//! dialects: `CN=…` users with sAMAccountName and objectGUID against
//! `uid=…` inetOrgPersons with entryUUID, `group` against `groupOfNames`
//! (which cannot be empty). Tests written against [`SyncDirectory`] run
//! unchanged on both; what only one dialect has (a disabled account) is an
//! `Option`.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::ldap::{self, attr};
use crate::samba::{self, SambaDc, UserSpec};
use crate::slapd::{self, Slapd};

/// A directory the sync tests create users and groups in.
pub trait SyncDirectory {
    /// `ad` or `ldap`: the profile kind, and the tests' name prefix.
    fn kind(&self) -> &'static str;
    /// The integration's default team ("AD Users", "LDAP Users").
    fn team(&self) -> &'static str;
    /// The domain of the users' mail addresses.
    fn mail_domain(&self) -> &'static str;
    /// A profile's `kind` line and `[connection]` table for `base_dn`
    /// (password in the secret `bind`).
    fn connection_profile(&self, base_dn: &str) -> String;
    /// The bind password the profile's secret holds.
    fn bind_password(&self) -> &str;
    /// A fresh OU under the suffix, unique on this server.
    fn unique_ou(&self, label: &str) -> Result<String, String>;
    /// Creates OU `name` under `parent`.
    fn add_ou(&self, parent: &str, name: &str) -> Result<String, String>;
    /// Creates a user in `ou` and returns its DN.
    fn add_user(&self, ou: &str, user: &UserSpec) -> Result<String, String>;
    /// Creates `count` users `<prefix>0…` (named, with mail) in `ou`.
    fn add_bulk_users(&self, ou: &str, prefix: &str, count: usize) -> Result<Vec<String>, String>;
    /// Creates a group with `members` (DNs) and returns its DN.
    fn add_group(&self, ou: &str, name: &str, members: &[String]) -> Result<String, String>;
    /// Adds members (DNs) to a group.
    fn add_members(&self, group: &str, members: &[String]) -> Result<(), String>;
    /// Replaces one attribute.
    fn replace_attr(&self, dn: &str, name: &str, values: &[&str]) -> Result<(), String>;
    /// Moves an entry under `new_parent`, keeping its RDN; returns the new DN.
    fn move_to(&self, dn: &str, new_parent: &str) -> Result<String, String>;
    /// Deletes an entry (one without children).
    fn delete(&self, dn: &str) -> Result<(), String>;
    /// Disables an account, where the dialect has such a thing (AD); `None`
    /// on generic LDAP, which has no standard flag.
    fn disable(&self, dn: &str) -> Option<Result<(), String>>;
}

fn rdn_of(dn: &str) -> Result<&str, String> {
    // Test DNs carry no escaped commas in their first RDN.
    dn.split_once(',')
        .map(|(rdn, _)| rdn)
        .ok_or_else(|| format!("'{dn}' has no parent"))
}

fn delete_with(conn: &mut ldap3::LdapConn, dn: &str) -> Result<(), String> {
    conn.delete(dn)
        .and_then(|r| r.success())
        .map(|_| ())
        .map_err(|e| format!("cannot delete {dn}: {e}"))
}

fn move_with(conn: &mut ldap3::LdapConn, dn: &str, new_parent: &str) -> Result<String, String> {
    let rdn = rdn_of(dn)?;
    conn.modifydn(dn, rdn, true, Some(new_parent))
        .and_then(|r| r.success())
        .map_err(|e| format!("cannot move {dn} under {new_parent}: {e}"))?;
    Ok(format!("{rdn},{new_parent}"))
}

impl SyncDirectory for SambaDc {
    fn kind(&self) -> &'static str {
        "ad"
    }

    fn team(&self) -> &'static str {
        "AD Users"
    }

    fn mail_domain(&self) -> &'static str {
        samba::DNS_DOMAIN
    }

    fn connection_profile(&self, base_dn: &str) -> String {
        format!(
            "kind = \"ad\"\n[connection]\nurl = \"ldaps://{}\"\nbind_dn = \"{}\"\nbind_password_secret = \"bind\"\nbase_dn = \"{base_dn}\"\nca_file = \"{}\"\n",
            self.host_name(),
            samba::ADMIN_UPN,
            self.ca_path().display(),
        )
    }

    fn bind_password(&self) -> &str {
        self.admin_password()
    }

    fn unique_ou(&self, label: &str) -> Result<String, String> {
        SambaDc::unique_ou(self, label)
    }

    fn add_ou(&self, parent: &str, name: &str) -> Result<String, String> {
        SambaDc::add_ou(self, Some(parent), name)
    }

    fn add_user(&self, ou: &str, user: &UserSpec) -> Result<String, String> {
        SambaDc::add_user(self, ou, user)
    }

    fn add_bulk_users(&self, ou: &str, prefix: &str, count: usize) -> Result<Vec<String>, String> {
        SambaDc::add_bulk_users(self, ou, prefix, count)
    }

    fn add_group(&self, ou: &str, name: &str, members: &[String]) -> Result<String, String> {
        SambaDc::add_group(self, ou, name, members)
    }

    fn add_members(&self, group: &str, members: &[String]) -> Result<(), String> {
        SambaDc::add_members(self, group, members)
    }

    fn replace_attr(&self, dn: &str, name: &str, values: &[&str]) -> Result<(), String> {
        SambaDc::replace_attr(self, dn, name, values)
    }

    fn move_to(&self, dn: &str, new_parent: &str) -> Result<String, String> {
        move_with(&mut self.admin_ldap()?, dn, new_parent)
    }

    fn delete(&self, dn: &str) -> Result<(), String> {
        delete_with(&mut self.admin_ldap()?, dn)
    }

    fn disable(&self, dn: &str) -> Option<Result<(), String>> {
        // NORMAL_ACCOUNT | ACCOUNTDISABLE.
        Some(SambaDc::replace_attr(
            self,
            dn,
            "userAccountControl",
            &["514"],
        ))
    }
}

/// A member value for an empty `groupOfNames` (which must have one).
const PLACEHOLDER_MEMBER: &str = "cn=placeholder";

impl Slapd {
    fn user_attrs(user: &UserSpec) -> Vec<ldap::Attr> {
        let uid = user.sam_account_name.as_str();
        let cn = user
            .display_name
            .as_deref()
            .or(user.cn.as_deref())
            .unwrap_or(uid);
        let mut attrs = vec![
            attr("objectClass", &["inetOrgPerson"]),
            attr("uid", &[uid]),
            attr("cn", &[cn]),
            attr("sn", &[user.surname.as_deref().unwrap_or(uid)]),
        ];
        for (name, value) in [
            ("givenName", user.given_name.as_deref()),
            ("displayName", user.display_name.as_deref()),
            ("mail", user.mail.as_deref()),
        ] {
            if let Some(v) = value {
                attrs.push(attr(name, &[v]));
            }
        }
        for (name, values) in &user.extra {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            attrs.push(attr(name, &values));
        }
        attrs
    }
}

impl SyncDirectory for Slapd {
    fn kind(&self) -> &'static str {
        "ldap"
    }

    fn team(&self) -> &'static str {
        "LDAP Users"
    }

    fn mail_domain(&self) -> &'static str {
        "example.org"
    }

    fn connection_profile(&self, base_dn: &str) -> String {
        format!(
            "kind = \"ldap\"\n[connection]\nurl = \"{}\"\nstarttls = true\nbind_dn = \"{}\"\nbind_password_secret = \"bind\"\nbase_dn = \"{base_dn}\"\nca_file = \"{}\"\n",
            self.url(),
            self.root_dn(),
            self.ca_path().display(),
        )
    }

    fn bind_password(&self) -> &str {
        self.root_password()
    }

    fn unique_ou(&self, label: &str) -> Result<String, String> {
        let name = format!("{label}-{}", crate::random_hex(4));
        self.add_ou(slapd::BASE_DN, &name)
    }

    fn add_ou(&self, parent: &str, name: &str) -> Result<String, String> {
        let dn = format!("ou={},{parent}", ldap3::dn_escape(name));
        ldap::add(
            &mut self.root_ldap()?,
            &dn,
            vec![
                attr("objectClass", &["organizationalUnit"]),
                attr("ou", &[name]),
            ],
        )?;
        Ok(dn)
    }

    fn add_user(&self, ou: &str, user: &UserSpec) -> Result<String, String> {
        let dn = format!("uid={},{ou}", ldap3::dn_escape(&user.sam_account_name));
        ldap::add(&mut self.root_ldap()?, &dn, Self::user_attrs(user))?;
        Ok(dn)
    }

    fn add_bulk_users(&self, ou: &str, prefix: &str, count: usize) -> Result<Vec<String>, String> {
        // One ldapadd of an LDIF: far quicker than an add per user.
        let mut ldif = String::new();
        let mut dns = Vec::with_capacity(count);
        for i in 0..count {
            let uid = format!("{prefix}{i}");
            let dn = format!("uid={uid},{ou}");
            let _ = write!(
                ldif,
                "dn: {dn}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: Bulk User {i}\ngivenName: Bulk\nsn: User {i}\nmail: {uid}@{}\n\n",
                self.mail_domain()
            );
            dns.push(dn);
        }
        self.add_ldif(&ldif)?;
        Ok(dns)
    }

    fn add_group(&self, ou: &str, name: &str, members: &[String]) -> Result<String, String> {
        let dn = format!("cn={},{ou}", ldap3::dn_escape(name));
        let members: Vec<&str> = if members.is_empty() {
            vec![PLACEHOLDER_MEMBER]
        } else {
            members.iter().map(String::as_str).collect()
        };
        ldap::add(
            &mut self.root_ldap()?,
            &dn,
            vec![
                attr("objectClass", &["groupOfNames"]),
                attr("cn", &[name]),
                attr("member", &members),
            ],
        )?;
        Ok(dn)
    }

    fn add_members(&self, group: &str, members: &[String]) -> Result<(), String> {
        let values: HashSet<&str> = members.iter().map(String::as_str).collect();
        self.root_ldap()?
            .modify(group, vec![ldap3::Mod::Add("member", values)])
            .and_then(|r| r.success())
            .map(|_| ())
            .map_err(|e| format!("cannot add members to {group}: {e}"))
    }

    fn replace_attr(&self, dn: &str, name: &str, values: &[&str]) -> Result<(), String> {
        let values: HashSet<&str> = values.iter().copied().collect();
        self.root_ldap()?
            .modify(dn, vec![ldap3::Mod::Replace(name, values)])
            .and_then(|r| r.success())
            .map(|_| ())
            .map_err(|e| format!("cannot modify {dn}: {e}"))
    }

    fn move_to(&self, dn: &str, new_parent: &str) -> Result<String, String> {
        move_with(&mut self.root_ldap()?, dn, new_parent)
    }

    fn delete(&self, dn: &str) -> Result<(), String> {
        delete_with(&mut self.root_ldap()?, dn)
    }

    fn disable(&self, _dn: &str) -> Option<Result<(), String>> {
        None
    }
}
