//! The platform's users and groups, read once when that is cheaper than
//! asking about each object.
//!
//! A run with creates (or updates) to make must know, for each object,
//! whether the platform already has it (adopt, never duplicate) and what
//! the platform's copy says (conflicts). Asking per object costs two
//! look-ups per user to create, one per group to create and one read per
//! user to update. A full listing costs `totalResults / maxResults` pages;
//! [`PlatformView::read`] lists only for a run with creates, only when that
//! is fewer requests than the questions it answers, and only trusts a
//! listing whose pages add up to the `totalResults` the server announced.
//! A run of updates alone reads each user (a page of a thousand full users
//! costs far more than a read); a no-change run asks nothing.

use onramp_platform::scim::{GroupIndex, ScimClient, ScimGroup, ScimUser, UserIndex};

use crate::plan::Plan;

/// What a listing told about the platform; `None` where no (trustworthy)
/// listing was made and objects are looked up one by one.
#[derive(Debug, Default)]
pub struct PlatformView {
    /// Every platform user, when listed.
    pub users: Option<UserIndex>,
    /// Every platform group, when listed.
    pub groups: Option<GroupIndex>,
}

impl PlatformView {
    /// Lists what is worth listing for `plan`. A listing that fails or
    /// cannot be trusted leaves its side `None`: the per-object look-ups
    /// then decide, as before, and report their own errors per object.
    pub async fn read(client: &ScimClient, plan: &Plan) -> Self {
        // Without filters every look-up is itself a full listing.
        let unlimited = !client.capabilities().filter;
        let budget = |questions: usize| {
            if questions == 0 {
                0
            } else if unlimited {
                u32::MAX
            } else {
                u32::try_from(questions).unwrap_or(u32::MAX)
            }
        };
        // Listed for the creates (adopt, never duplicate); updates then read
        // their copies from it too, but never cause a listing themselves: a
        // page of 1000 full users costs far more than one read.
        let user_questions = match plan.creates.len() {
            0 => 0,
            creates => 2 * creates + plan.updates.len(),
        };
        let group_questions = plan.group_creates.len();
        let users = match budget(user_questions) {
            0 => None,
            b => listed::<ScimUser>(client, b).await.map(UserIndex::new),
        };
        let groups = match budget(group_questions) {
            0 => None,
            b => listed::<ScimGroup>(client, b).await.map(GroupIndex::new),
        };
        Self { users, groups }
    }
}

async fn listed<T: onramp_platform::scim::Resource>(
    client: &ScimClient,
    budget: u32,
) -> Option<Vec<T>> {
    match client.list_within::<T>(budget).await {
        Ok(Some(listing)) if listing.complete => Some(listing.resources),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(error = %e, "listing the platform failed; looking objects up one by one");
            None
        }
    }
}
