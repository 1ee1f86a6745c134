//! What to write for one planned user, decided from the platform's copy.
//!
//! Both ways of applying (single requests and bulk) make the same decisions;
//! only how they send them differs. A user to create is created when the
//! platform has no copy, else adopted (brought in line with one PATCH, or
//! nothing when it already agrees). A user to update is compared with the
//! platform's copy for the conflict policy first.

use onramp_platform::scim::{Provisioned, ScimClient, ScimError, ScimUser};
use onramp_profile::ConflictPolicy;

use crate::model::DesiredUser;
use crate::plan::UserUpdate;
use crate::scim_map::{keep_platform_values, merged, platform_edits, to_scim_user};

/// What one user needs.
pub(super) enum Decision {
    /// Not on the platform: POST this.
    Create(Box<ScimUser>),
    /// On the platform already: bring it in line.
    Write(Box<Write>),
    /// Edited on the platform under `manual_review`: not touched.
    Review(Vec<&'static str>),
}

/// A user on the platform as `current`, to bring to `desired`.
pub(super) struct Write {
    /// The platform's copy (its id and ETag are used).
    pub current: ScimUser,
    /// What it should be.
    pub desired: ScimUser,
    /// What is recorded as applied once it is.
    pub recorded: DesiredUser,
    /// `adopt` or `update`.
    pub action: &'static str,
}

/// A planned create, given the platform user it matches (if any).
pub(super) fn decide_create(
    user: &DesiredUser,
    found: Option<ScimUser>,
    admin_role: &str,
) -> Decision {
    match found {
        None => Decision::Create(Box::new(to_scim_user(user, admin_role))),
        Some(current) => Decision::Write(Box::new(Write {
            desired: merged(&current, user, admin_role),
            current,
            recorded: user.clone(),
            action: "adopt",
        })),
    }
}

/// A planned update, given the platform's copy (`None`: deleted on the
/// platform, so provisioned again).
pub(super) fn decide_update(
    update: &UserUpdate,
    current: Option<ScimUser>,
    policy: &Policy<'_>,
) -> Decision {
    let Some(current) = current else {
        return decide_create(&update.desired, None, policy.admin_role);
    };
    let edited = platform_edits(&current, &update.applied);
    let wanted = match policy.conflict {
        ConflictPolicy::DirectoryWins => update.desired.clone(),
        ConflictPolicy::PlatformWins => {
            let keep: Vec<&str> = edited
                .iter()
                .copied()
                .filter(|a| policy.platform_wins.contains(a))
                .collect();
            keep_platform_values(&update.desired, &current, &keep)
        }
        ConflictPolicy::ManualReview if !edited.is_empty() => return Decision::Review(edited),
        ConflictPolicy::ManualReview => update.desired.clone(),
    };
    Decision::Write(Box::new(Write {
        desired: merged(&current, &wanted, policy.admin_role),
        current,
        recorded: wanted,
        action: "update",
    }))
}

/// How updates treat the platform's copy.
pub(super) struct Policy<'a> {
    /// The SCIM `roles` value of an admin.
    pub admin_role: &'a str,
    /// What wins when the platform's copy was edited.
    pub conflict: ConflictPolicy,
    /// With `PlatformWins`: the attributes whose platform edits are kept.
    pub platform_wins: &'a [&'a str],
}

/// The platform user a planned user would be, asked of the platform: by
/// `externalId`, else by `userName`.
pub(super) async fn look_up_user(
    client: &ScimClient,
    user: &DesiredUser,
) -> Result<Option<ScimUser>, ScimError> {
    let wanted = ScimUser {
        external_id: Some(user.anchor.clone()),
        user_name: user.user_name.clone(),
        ..ScimUser::default()
    };
    Ok(client.find_user(&wanted).await?.map(Provisioned::into_user))
}

/// The platform's copy of the user `id`, asked of the platform; `None` when
/// it was deleted there.
pub(super) async fn read_user(
    client: &ScimClient,
    id: &str,
) -> Result<Option<ScimUser>, ScimError> {
    match client.get_user(id).await {
        Ok(u) => Ok(Some(u)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}
