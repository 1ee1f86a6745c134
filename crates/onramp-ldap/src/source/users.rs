//! The user search of a read: entries become [`SourceUser`]s as they
//! arrive, on the search's sink thread, indexed by DN for resolving the
//! group search's member values (and, when a group lists `memberUid`
//! values, by uid).

use ldap3::Ldap;

use super::entry::{anchor, enabled_from_uac, lowercase_uid_into, normalize_dn_into};
use super::str_index::StrIndex;
use super::{ReadReport, SourceError, is_excluded, user_attributes};
use crate::directory::DirectoryTarget;
use crate::ldap::entry::Entry;
use crate::ldap::search::{EntrySink, paged_search_to};
use onramp_connector::SourceUser;
use onramp_profile::AttributeMap;

/// The users read so far, and how to find them by DN.
#[derive(Default)]
pub(super) struct Users {
    pub(super) list: Vec<SourceUser>,
    /// Normalised DN → index in `list`.
    by_dn: StrIndex,
    scratch: String,
}

impl Users {
    /// Indexes a list of users (a delta read's merged view).
    pub(super) fn from_list(list: Vec<SourceUser>) -> Self {
        let mut users = Users::default();
        for user in list {
            users.push(user);
        }
        users
    }

    fn push(&mut self, user: SourceUser) {
        normalize_dn_into(&user.dn, &mut self.scratch);
        self.by_dn.insert(&self.scratch, self.list.len());
        self.list.push(user);
    }

    /// The anchor of the user with this normalised DN.
    pub(super) fn anchor_by_dn(&self, normalized_dn: &str) -> Option<&str> {
        let i = self.by_dn.get(normalized_dn)?;
        Some(&self.list[i].anchor)
    }

    /// The users by lower-cased login (LDAP `uid`, for `memberUid` values).
    /// Built on demand: most directories' groups list DNs only.
    pub(super) fn login_index(&self) -> LoginIndex<'_> {
        let mut by_login = StrIndex::default();
        let mut lowered = String::new();
        for (i, user) in self.list.iter().enumerate() {
            if let Some(login) = &user.login {
                lowercase_uid_into(login, &mut lowered);
                by_login.insert(&lowered, i);
            }
        }
        LoginIndex {
            users: self,
            by_login,
        }
    }
}

/// [`Users`] by lower-cased login, from [`Users::login_index`].
pub(super) struct LoginIndex<'a> {
    users: &'a Users,
    by_login: StrIndex,
}

impl LoginIndex<'_> {
    /// The anchor of the user with this lower-cased login.
    pub(super) fn anchor(&self, lowered_login: &str) -> Option<&str> {
        let i = self.by_login.get(lowered_login)?;
        Some(&self.users.list[i].anchor)
    }
}

/// Turns user entries into [`SourceUser`]s on the search's sink thread.
struct UserSink {
    ad: bool,
    excluded_ous: Vec<String>,
    map: AttributeMap,
    users: Users,
    report: ReadReport,
    /// The first entry that makes the read unusable (a bad userAccountControl).
    failed: Option<SourceError>,
}

impl EntrySink for UserSink {
    fn take(&mut self, mut e: Entry) {
        if self.failed.is_some() {
            return;
        }
        let (ad, map, report) = (self.ad, &self.map, &mut self.report);
        report.users_read += 1;
        report.saw_timestamp(&e);
        if is_excluded(&self.excluded_ous, &e.dn) {
            report.users_excluded += 1;
            return;
        }
        let anchor = match anchor(&e, ad) {
            Ok(a) => a,
            Err(problem) => {
                report.users_without_anchor += 1;
                report.skipped(&e.dn, problem);
                return;
            }
        };
        let enabled = if ad {
            match enabled_from_uac(e.text("userAccountControl")) {
                Ok(enabled) => enabled,
                Err(problem) => {
                    self.failed = Some(SourceError::AccountControl {
                        dn: e.dn.clone(),
                        problem,
                    });
                    return;
                }
            }
        } else {
            true
        };
        let department = e.take_text(&map.department).or_else(|| {
            if ad || map.department != "department" {
                None
            } else {
                e.take_text("departmentNumber")
            }
        });
        let user = SourceUser {
            anchor,
            login: e.take_text(if ad { "sAMAccountName" } else { "uid" }),
            given_name: e.take_text(&map.given_name),
            family_name: e.take_text(&map.family_name),
            display_name: e.take_text(&map.display_name),
            mail: e.take_text("mail"),
            user_principal_name: if ad {
                e.take_text("userPrincipalName")
            } else {
                None
            },
            phone: e.take_text(&map.phone),
            department,
            enabled,
            dn: e.dn,
        };
        self.users.push(user);
    }
}

/// Reads the users matching `filter` under `base_dn`.
pub(super) async fn read_users(
    target: &DirectoryTarget,
    ldap: &mut Ldap,
    base_dn: &str,
    ad: bool,
    filter: &str,
    report: &mut ReadReport,
) -> Result<Users, SourceError> {
    let attrs = user_attributes(&target.attributes, ad);
    let attrs: Vec<&str> = attrs.iter().map(String::as_str).collect();
    let sink = UserSink {
        ad,
        excluded_ous: target.excluded_ous.clone(),
        map: target.attributes.clone(),
        users: Users::default(),
        report: ReadReport::default(),
        failed: None,
    };
    ldap.with_timeout(target.timeout);
    let sink = paged_search_to(ldap, base_dn, filter, &attrs, sink)
        .await
        .map_err(|e| SourceError::search("users", base_dn, e))?;
    report.absorb(sink.report);
    if let Some(e) = sink.failed {
        return Err(e);
    }
    let mut users = sink.users;
    users.by_dn.shrink_to_fit();
    users.list.shrink_to_fit();
    Ok(users)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::source::entry::normalize_dn;

    /// A user with only an anchor, a DN and a login.
    pub(in crate::source) fn user(anchor: &str, dn: &str, login: &str) -> SourceUser {
        SourceUser {
            anchor: anchor.into(),
            dn: dn.into(),
            login: Some(login.into()),
            given_name: None,
            family_name: None,
            display_name: None,
            mail: None,
            user_principal_name: None,
            phone: None,
            department: None,
            enabled: true,
        }
    }

    #[test]
    fn users_are_found_by_normalised_dn_and_lowered_login() {
        let mut u = Users::default();
        u.push(user("u-ann", "CN=Ann,OU=Staff,DC=x,DC=y", "ann"));
        u.push(user("u-bo", "uid=Bo,ou=people,dc=x,dc=y", "Bo"));
        u.push(user("u-ä", "uid=Ärger,ou=people,dc=x,dc=y", "Ärger"));
        let mut no_login = user("u-nil", "cn=Nil,dc=x,dc=y", "");
        no_login.login = None;
        u.push(no_login);
        assert_eq!(
            u.anchor_by_dn(&normalize_dn("cn=ann, ou=STAFF,dc=x,dc=y")),
            Some("u-ann")
        );
        assert_eq!(u.anchor_by_dn("uid=bo,ou=people,dc=x,dc=y"), Some("u-bo"));
        assert_eq!(u.anchor_by_dn("cn=nil,dc=x,dc=y"), Some("u-nil"));
        assert_eq!(u.anchor_by_dn("cn=other group,dc=x,dc=y"), None);
        let logins = u.login_index();
        assert_eq!(logins.anchor("bo"), Some("u-bo"));
        assert_eq!(logins.anchor("Bo"), None, "the caller lower-cases");
        assert_eq!(logins.anchor("ärger"), Some("u-ä"));
        assert_eq!(logins.anchor(""), None, "no login, no entry");
        let merged = Users::from_list(vec![
            user("u-cy", "CN=Cy,DC=x,DC=y", "cy"),
            user("u-cy2", "cn=cy,dc=x,dc=y", "cy"),
        ]);
        assert_eq!(
            merged.anchor_by_dn("cn=cy,dc=x,dc=y"),
            Some("u-cy2"),
            "the later of two users with one DN"
        );
        assert_eq!(merged.login_index().anchor("cy"), Some("u-cy2"));
    }

    #[test]
    fn a_bad_account_control_value_stops_the_sink() {
        use crate::ldap::entry::testing::{entry, with_binary};
        let mut sink = UserSink {
            ad: true,
            excluded_ous: vec!["OU=Gone,DC=x".into()],
            map: AttributeMap::default(),
            users: Users::default(),
            report: ReadReport::default(),
            failed: None,
        };
        let guid = [7u8; 16];
        let good = with_binary(
            entry(
                "CN=A,DC=x",
                &[("userAccountControl", &["514"]), ("sAMAccountName", &["a"])],
            ),
            "objectGUID",
            &guid,
        );
        let excluded = with_binary(entry("CN=B,OU=Gone,DC=x", &[]), "objectGUID", &guid);
        let no_anchor = entry("CN=C,DC=x", &[("userAccountControl", &["512"])]);
        let bad = with_binary(
            entry("CN=D,DC=x", &[("userAccountControl", &["x"])]),
            "objectGUID",
            &guid,
        );
        for e in [good, excluded, no_anchor, bad] {
            sink.take(e);
        }
        assert_eq!(sink.users.list.len(), 1);
        assert!(!sink.users.list[0].enabled, "514 is disabled");
        assert_eq!(sink.users.list[0].login.as_deref(), Some("a"));
        assert_eq!(
            (
                sink.report.users_read,
                sink.report.users_excluded,
                sink.report.users_without_anchor
            ),
            (4, 1, 1)
        );
        assert!(matches!(
            sink.failed,
            Some(SourceError::AccountControl { .. })
        ));
    }
}
