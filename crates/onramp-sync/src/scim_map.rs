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
use onramp_platform::scim::{EnterpriseUser, MultiValue, Name, ScimUser};

/// The attributes of `current` (the platform's copy) that differ from what
/// Onramp last wrote (`applied`): the platform's own edits since.
pub fn platform_edits(current: &ScimUser, applied: &DesiredUser) -> Vec<&'static str> {
    let values = platform_values(current);
    let mut edited = Vec::new();
    let same = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().unwrap_or("") == b.as_deref().unwrap_or("")
    };
    if !values.user_name.eq_ignore_ascii_case(&applied.user_name) {
        edited.push("userName");
    }
    if !values.email.eq_ignore_ascii_case(&applied.email) {
        edited.push("email");
    }
    if !same(&values.given_name, &applied.given_name) {
        edited.push("givenName");
    }
    if !same(&values.family_name, &applied.family_name) {
        edited.push("familyName");
    }
    if !same(&values.display_name, &applied.display_name) {
        edited.push("displayName");
    }
    if !same(&values.phone, &applied.phone) {
        edited.push("phone");
    }
    if !same(&values.department, &applied.department) {
        edited.push("department");
    }
    if values.active != applied.active {
        edited.push("active");
    }
    edited
}

/// `desired` with the platform's values of `attributes` (names as in
/// [`onramp_profile::SYNCED_ATTRIBUTES`]) taken from `current`.
pub fn keep_platform_values(
    desired: &DesiredUser,
    current: &ScimUser,
    attributes: &[&str],
) -> DesiredUser {
    let values = platform_values(current);
    let mut out = desired.clone();
    for a in attributes {
        match *a {
            "userName" => out.user_name = values.user_name.clone(),
            "email" => out.email = values.email.clone(),
            "givenName" => out.given_name = values.given_name.clone(),
            "familyName" => out.family_name = values.family_name.clone(),
            "displayName" => out.display_name = values.display_name.clone(),
            "phone" => out.phone = values.phone.clone(),
            "department" => out.department = values.department.clone(),
            "active" => out.active = values.active,
            _ => {}
        }
    }
    out
}

/// The platform's copy in the desired-state vocabulary.
fn platform_values(current: &ScimUser) -> DesiredUser {
    let name = current.name.clone().unwrap_or_default();
    let email = current
        .emails
        .iter()
        .find(|e| e.primary == Some(true))
        .or_else(|| current.emails.first())
        .map(|e| e.value.clone())
        .unwrap_or_default();
    DesiredUser {
        anchor: current.external_id.clone().unwrap_or_default(),
        user_name: current.user_name.clone(),
        email,
        given_name: name.given_name,
        family_name: name.family_name,
        display_name: current.display_name.clone(),
        phone: current.phone_numbers.first().map(|p| p.value.clone()),
        department: current
            .enterprise
            .as_ref()
            .and_then(|e| e.department.clone()),
        active: current.active.unwrap_or(true),
        admin: false,
        tags: Vec::new(),
    }
}

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
    fn platform_edits_and_keeping_them() {
        let applied = user(false);
        let mut current = to_scim_user(&applied, "admin");
        assert!(platform_edits(&current, &applied).is_empty());
        current.display_name = Some("Ann (Sales)".into());
        current.phone_numbers.clear();
        assert_eq!(platform_edits(&current, &applied), ["displayName", "phone"]);
        let mut desired = user(false);
        desired.display_name = Some("Ann Archer".into());
        desired.department = Some("Finance".into());
        let kept = keep_platform_values(&desired, &current, &["displayName"]);
        assert_eq!(kept.display_name.as_deref(), Some("Ann (Sales)"));
        assert_eq!(kept.department.as_deref(), Some("Finance"));
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
