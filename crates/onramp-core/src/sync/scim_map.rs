//! The desired state in SCIM's terms.
//!
//! A synced user becomes a SCIM User whose `externalId` is the source anchor
//! and whose `userName` is the email. The admin role is a SCIM `roles` value
//! (the value is configurable per platform) and is only ever added: roles the
//! platform user already has, an owner's for instance, are kept. The synced
//! group names travel as the user's `entitlements` (the tags); the groups
//! themselves are SCIM Groups.

use serde_json::{Value, json};

use super::model::DesiredUser;
use crate::scim::{EnterpriseUser, MultiValue, Name, ScimUser};

/// The SCIM User for a desired user, for creation.
pub fn to_scim_user(user: &DesiredUser, admin_role: &str) -> ScimUser {
    let mut scim = ScimUser::default();
    apply_managed(&mut scim, user, admin_role);
    scim
}

/// `current` (as the platform has it) with the attributes Onramp manages
/// set from `user`; everything else is kept.
pub fn merged(current: &ScimUser, user: &DesiredUser, admin_role: &str) -> ScimUser {
    let mut scim = current.clone();
    apply_managed(&mut scim, user, admin_role);
    scim
}

fn apply_managed(scim: &mut ScimUser, user: &DesiredUser, admin_role: &str) {
    scim.external_id = Some(user.anchor.clone());
    scim.user_name = user.user_name.clone();
    let mut name = scim.name.clone().unwrap_or_default();
    name.given_name = user.given_name.clone();
    name.family_name = user.family_name.clone();
    name.formatted = user.display_name.clone();
    scim.name = Some(Name { ..name });
    scim.display_name = user.display_name.clone();
    scim.emails = vec![MultiValue {
        value: user.email.clone(),
        kind: Some("work".to_owned()),
        primary: Some(true),
        ..MultiValue::default()
    }];
    scim.phone_numbers = user
        .phone
        .iter()
        .map(|p| MultiValue {
            value: p.clone(),
            kind: Some("work".to_owned()),
            primary: None,
            ..MultiValue::default()
        })
        .collect();
    scim.active = Some(user.active);
    let mut enterprise = scim.enterprise.clone().unwrap_or_default();
    enterprise.department = user.department.clone();
    let keep_enterprise = enterprise.department.is_some()
        || enterprise.employee_number.is_some()
        || !enterprise.extra.is_empty();
    scim.enterprise = keep_enterprise.then_some(EnterpriseUser { ..enterprise });

    // Roles: upgrade only.
    let mut roles: Vec<Value> = scim
        .extra
        .get("roles")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_admin = roles
        .iter()
        .any(|r| r.get("value").and_then(Value::as_str) == Some(admin_role));
    if user.admin && !has_admin {
        roles.push(json!({"value": admin_role, "primary": roles.is_empty()}));
    }
    if roles.is_empty() {
        scim.extra.remove("roles");
    } else {
        scim.extra.insert("roles".to_owned(), Value::Array(roles));
    }
    if user.tags.is_empty() {
        scim.extra.remove("entitlements");
    } else {
        scim.extra.insert(
            "entitlements".to_owned(),
            Value::Array(
                user.tags
                    .iter()
                    .map(|t| json!({"value": t, "type": "tag"}))
                    .collect(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(admin: bool) -> DesiredUser {
        DesiredUser {
            anchor: "195f3990-b51a-4a1b-9e96-86c66cb18d11".into(),
            user_name: "ann@x.com".into(),
            email: "Ann@x.com".into(),
            given_name: Some("Ann".into()),
            family_name: Some("Able".into()),
            display_name: Some("Ann Able".into()),
            phone: Some("+1 555".into()),
            department: Some("Sales".into()),
            active: true,
            admin,
            tags: vec!["VPN Users".into()],
        }
    }

    #[test]
    fn creation_payload() {
        let s = to_scim_user(&user(true), "admin");
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["externalId"], "195f3990-b51a-4a1b-9e96-86c66cb18d11");
        assert_eq!(v["userName"], "ann@x.com");
        assert_eq!(v["name"]["givenName"], "Ann");
        assert_eq!(v["emails"][0]["value"], "Ann@x.com");
        assert_eq!(v["roles"][0]["value"], "admin");
        assert_eq!(v["entitlements"][0]["value"], "VPN Users");
        assert_eq!(v["active"], true);
    }

    #[test]
    fn roles_are_never_removed() {
        let mut current = to_scim_user(&user(false), "admin");
        current
            .extra
            .insert("roles".into(), json!([{"value": "owner", "primary": true}]));
        current.extra.insert("title".into(), json!("kept"));
        let m = merged(&current, &user(true), "admin");
        let v = serde_json::to_value(&m).unwrap();
        let roles: Vec<&str> = v["roles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["value"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["owner", "admin"]);
        assert_eq!(v["title"], "kept");
        let m = merged(&m, &user(false), "admin");
        assert_eq!(
            serde_json::to_value(&m).unwrap()["roles"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }
}
