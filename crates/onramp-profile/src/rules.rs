//! The `[sync]` and `[schedule]` tables.

use serde::{Deserialize, Serialize};

use super::validate::{Issue, in_range, non_empty};

/// Which directory attribute is the user's email (and platform login).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum EmailAttribute {
    /// The `mail` attribute.
    #[default]
    #[serde(rename = "mail")]
    Mail,
    /// The `userPrincipalName` attribute (AD only).
    #[serde(rename = "userPrincipalName")]
    UserPrincipalName,
}

impl EmailAttribute {
    /// The directory attribute's name, as in the profile and in searches.
    pub fn ldap_name(self) -> &'static str {
        match self {
            EmailAttribute::Mail => "mail",
            EmailAttribute::UserPrincipalName => "userPrincipalName",
        }
    }
}

/// What happens on the platform when a user leaves the sync scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DeprovisionPolicy {
    /// Leave the platform user as it is.
    #[default]
    Preserve,
    /// Set the platform user inactive.
    Deactivate,
    /// Delete the platform user.
    Delete,
}

/// What wins when the platform's copy of a user was edited since Onramp last wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// The directory's values overwrite the platform's edits.
    #[default]
    DirectoryWins,
    /// The platform's edits of `platform_wins_attributes` are kept.
    PlatformWins,
    /// An edited user is not touched and is listed for review.
    ManualReview,
}

/// The attributes a conflict policy can name.
pub const SYNCED_ATTRIBUTES: [&str; 8] = [
    "userName",
    "email",
    "givenName",
    "familyName",
    "displayName",
    "phone",
    "department",
    "active",
];

/// Which directory attribute fills each platform field. The login (for
/// posixGroup `memberUid`) and the email (`email_attribute`) are not here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeMap {
    /// Given name (default `givenName`).
    #[serde(default = "default_given_name")]
    pub given_name: String,
    /// Family name (default `sn`).
    #[serde(default = "default_family_name")]
    pub family_name: String,
    /// Display name (default `displayName`).
    #[serde(default = "default_display_name")]
    pub display_name: String,
    /// Phone number (default `telephoneNumber`).
    #[serde(default = "default_phone")]
    pub phone: String,
    /// Department (default `department`; on LDAP `departmentNumber` is the fallback).
    #[serde(default = "default_department")]
    pub department: String,
}

fn default_given_name() -> String {
    "givenName".to_owned()
}
fn default_family_name() -> String {
    "sn".to_owned()
}
fn default_display_name() -> String {
    "displayName".to_owned()
}
fn default_phone() -> String {
    "telephoneNumber".to_owned()
}
fn default_department() -> String {
    "department".to_owned()
}

impl Default for AttributeMap {
    fn default() -> Self {
        Self {
            given_name: default_given_name(),
            family_name: default_family_name(),
            display_name: default_display_name(),
            phone: default_phone(),
            department: default_department(),
        }
    }
}

impl AttributeMap {
    fn validate(&self) -> Result<(), Issue> {
        for (key, value) in [
            ("given_name", &self.given_name),
            ("family_name", &self.family_name),
            ("display_name", &self.display_name),
            ("phone", &self.phone),
            ("department", &self.department),
        ] {
            let descriptor = value
                .as_bytes()
                .first()
                .is_some_and(u8::is_ascii_alphabetic)
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !descriptor {
                return Err(Issue::new(
                    format!("sync.attributes.{key}"),
                    format!(
                        "'{value}' is not an LDAP attribute name (letters, digits and '-', starting with a letter)"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The guard: a run that would deprovision more than this is held for approval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeprovisionThreshold {
    /// Never hold a run that deprovisions at most this many users.
    #[serde(default = "default_threshold_count")]
    pub count: u32,
    /// …or at most this percentage of the synced users, whichever is larger.
    #[serde(default = "default_threshold_percent")]
    pub percent: f64,
}

fn default_threshold_count() -> u32 {
    10
}

fn default_threshold_percent() -> f64 {
    5.0
}

impl Default for DeprovisionThreshold {
    fn default() -> Self {
        Self {
            count: default_threshold_count(),
            percent: default_threshold_percent(),
        }
    }
}

/// What to sync and how (`[sync]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRules {
    /// The platform team every synced user joins; defaults to "<kind> Users".
    pub team: Option<String>,
    /// Directory groups to sync (each becomes a platform group and a tag).
    #[serde(default)]
    pub groups: Vec<String>,
    /// Members of these groups get the platform's admin role (never downgraded).
    #[serde(default)]
    pub admin_groups: Vec<String>,
    /// Organisational units whose users are not synced.
    #[serde(default)]
    pub excluded_ous: Vec<String>,
    /// An LDAP filter narrowing the users.
    pub user_filter: Option<String>,
    /// An LDAP filter narrowing the groups.
    pub group_filter: Option<String>,
    /// The attribute holding the email address.
    #[serde(default)]
    pub email_attribute: EmailAttribute,
    /// What happens to users who leave the scope.
    #[serde(default)]
    pub deprovision: DeprovisionPolicy,
    /// The guard against mass deprovisioning.
    #[serde(default)]
    pub deprovision_threshold: DeprovisionThreshold,
    /// The platform's maximum tag length; longer group names are reported.
    #[serde(default = "default_max_tag_length")]
    pub max_tag_length: u32,
    /// What wins when the platform's copy was edited.
    #[serde(default)]
    pub conflict: ConflictPolicy,
    /// With `conflict = "platform_wins"`: the attributes whose platform edits are kept.
    #[serde(default)]
    pub platform_wins_attributes: Vec<String>,
    /// Hours between full reads; runs in between read only the changes.
    #[serde(default = "default_full_read_hours")]
    pub full_read_hours: u32,
    /// Which directory attributes fill the platform's fields.
    #[serde(default)]
    pub attributes: AttributeMap,
}

fn default_full_read_hours() -> u32 {
    24
}

fn default_max_tag_length() -> u32 {
    29
}

impl Default for SyncRules {
    fn default() -> Self {
        Self {
            team: None,
            groups: Vec::new(),
            admin_groups: Vec::new(),
            excluded_ous: Vec::new(),
            user_filter: None,
            group_filter: None,
            email_attribute: EmailAttribute::default(),
            deprovision: DeprovisionPolicy::default(),
            deprovision_threshold: DeprovisionThreshold::default(),
            max_tag_length: default_max_tag_length(),
            conflict: ConflictPolicy::default(),
            platform_wins_attributes: Vec::new(),
            full_read_hours: default_full_read_hours(),
            attributes: AttributeMap::default(),
        }
    }
}

impl SyncRules {
    pub(crate) fn validate(&self) -> Result<(), Issue> {
        if let Some(team) = &self.team {
            non_empty(team, "sync.team")?;
        }
        for (i, g) in self.groups.iter().enumerate() {
            non_empty(g, &format!("sync.groups[{i}]"))?;
        }
        for (i, g) in self.admin_groups.iter().enumerate() {
            non_empty(g, &format!("sync.admin_groups[{i}]"))?;
        }
        for (i, ou) in self.excluded_ous.iter().enumerate() {
            non_empty(ou, &format!("sync.excluded_ous[{i}]"))?;
        }
        let t = &self.deprovision_threshold;
        if !(0.0..=100.0).contains(&t.percent) {
            return Err(Issue::new(
                "sync.deprovision_threshold.percent",
                format!("expected a percentage from 0 to 100, found {}", t.percent),
            ));
        }
        for (i, a) in self.platform_wins_attributes.iter().enumerate() {
            if !SYNCED_ATTRIBUTES.contains(&a.as_str()) {
                return Err(Issue::new(
                    format!("sync.platform_wins_attributes[{i}]"),
                    format!(
                        "'{a}' is not a synced attribute; expected one of {}",
                        SYNCED_ATTRIBUTES.join(", ")
                    ),
                ));
            }
        }
        match (self.conflict, self.platform_wins_attributes.is_empty()) {
            (ConflictPolicy::PlatformWins, true) => {
                return Err(Issue::new(
                    "sync.platform_wins_attributes",
                    "missing; conflict = \"platform_wins\" needs the attributes whose platform edits are kept",
                ));
            }
            (ConflictPolicy::DirectoryWins | ConflictPolicy::ManualReview, false) => {
                return Err(Issue::new(
                    "sync.platform_wins_attributes",
                    "only used with conflict = \"platform_wins\"; remove it",
                ));
            }
            _ => {}
        }
        in_range(self.full_read_hours, 1, 168, "sync.full_read_hours")?;
        self.attributes.validate()?;
        in_range(self.max_tag_length, 1, 1024, "sync.max_tag_length")
    }
}

/// When to sync (`[schedule]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Whether scheduled runs happen at all ("Sync Now" always works).
    #[serde(default = "default_enabled")]
    pub enabled: bool,
    /// Minutes between runs.
    #[serde(default = "default_interval")]
    pub interval_minutes: u32,
}

fn default_enabled() -> bool {
    true
}

fn default_interval() -> u32 {
    15
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            enabled: default_enabled(),
            interval_minutes: default_interval(),
        }
    }
}

impl Schedule {
    pub(crate) fn validate(&self) -> Result<(), Issue> {
        in_range(self.interval_minutes, 1, 1440, "schedule.interval_minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_attribute_names_are_the_profile_spellings() {
        for a in [EmailAttribute::Mail, EmailAttribute::UserPrincipalName] {
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.ldap_name())
            );
        }
    }

    #[test]
    fn conflict_policy_needs_matching_attributes() {
        let mut r = SyncRules {
            conflict: ConflictPolicy::PlatformWins,
            ..SyncRules::default()
        };
        assert_eq!(
            r.validate().unwrap_err().key,
            "sync.platform_wins_attributes"
        );
        r.platform_wins_attributes = vec!["displayName".into(), "title".into()];
        let e = r.validate().unwrap_err();
        assert_eq!(e.key, "sync.platform_wins_attributes[1]");
        assert!(e.message.contains("expected one of"), "{}", e.message);
        r.platform_wins_attributes.pop();
        assert!(r.validate().is_ok());
        r.conflict = ConflictPolicy::ManualReview;
        assert!(r.validate().unwrap_err().message.contains("only used with"));
    }
}
