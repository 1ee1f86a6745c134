//! The SCIM requests themselves: one method per thing the sync engine does.
//!
//! Every request goes through one path ([`ScimClient::send`]) that sets the
//! SCIM media type and the (sensitive) `Authorization` header, caps how much
//! of the answer it reads, turns error answers into [`ScimError`], and
//! retries per the [`RetryPolicy`]. The methods follow the platform's
//! [`Capabilities`]: PUT when PATCH is unsupported, `If-Match` only when
//! ETags are, a full listing when filters are not.

use std::sync::{Arc, Mutex};

use reqwest::Method;
use reqwest::header::{self, HeaderValue};
use serde_json::{Value, json};
use url::Url;

use super::error::ScimError;
use super::filter;
use super::model::{
    ENTERPRISE_USER_SCHEMA, ListPage, PatchOp, Resource, ScimGroup, ScimUser, parse_list_page,
    parse_resource,
};
use super::retry::{Clock, Failure, Jitter, RetryPolicy, parse_retry_after, with_retry};
use crate::{Capabilities, parse_service_provider_config};
use onramp_base::http::HttpClient;
use onramp_secrets::Secret;

/// `application/scim+json`
pub const SCIM_JSON: &str = "application/scim+json";

/// Tunables of a [`ScimClient`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimOptions {
    /// Resources asked for per list page (`count`); capped at the platform's
    /// `filter.maxResults`. Default 100.
    pub page_size: u32,
    /// Pages read at most per listing, so a server that never ends a list
    /// cannot keep the client busy forever. Default 10 000.
    pub max_pages: u32,
    /// Member changes (values added plus values removed) per membership
    /// PATCH. Default 1000: one PATCH per group for all but the largest
    /// changes.
    pub patch_batch_size: usize,
    /// Resources per page of a full listing when the platform does not say
    /// (`filter.maxResults`). Default 1000.
    pub listing_page_size: u32,
    /// The largest answer read, in bytes. Default 16 MiB.
    pub max_response_bytes: usize,
}

impl Default for ScimOptions {
    fn default() -> Self {
        Self {
            page_size: 100,
            max_pages: 10_000,
            patch_batch_size: 1000,
            listing_page_size: 1000,
            max_response_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The outcome of an update: the resource if the platform sent it back
/// (PATCH may answer 204 without a body), and the new ETag if known.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated<T> {
    /// The resource as the platform now has it, when it said.
    pub resource: Option<T>,
    /// The new ETag (`ETag` header or `meta.version`).
    pub etag: Option<String>,
}

/// How [`ScimClient::ensure_user`] found or made the user.
#[derive(Debug, Clone, PartialEq)]
pub enum Provisioned {
    /// A platform user already had this `externalId`.
    Existing(ScimUser),
    /// A platform user had this `userName` (and no or another
    /// `externalId`): adopted rather than duplicated. The caller should set
    /// its `externalId` with [`ScimClient::update_user`].
    Adopted(ScimUser),
    /// Created now.
    Created(ScimUser),
}

impl Provisioned {
    /// The platform user, however it was found.
    pub fn user(&self) -> &ScimUser {
        match self {
            Self::Existing(u) | Self::Adopted(u) | Self::Created(u) => u,
        }
    }

    /// [`Self::user`], taken.
    pub fn into_user(self) -> ScimUser {
        match self {
            Self::Existing(u) | Self::Adopted(u) | Self::Created(u) => u,
        }
    }
}

/// A successful answer.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) etag: Option<String>,
    pub(super) body: Vec<u8>,
}

/// A SCIM 2.0 client for one platform.
pub struct ScimClient {
    http: HttpClient,
    base: Url,
    authorization: Secret,
    capabilities: Capabilities,
    pub(super) policy: RetryPolicy,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) jitter: Mutex<Jitter>,
    options: ScimOptions,
    /// Requests sent so far (every attempt counts), for run reports and
    /// benchmarks.
    sent: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for ScimClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimClient")
            .field("base", &self.base.as_str())
            .field("capabilities", &self.capabilities)
            .field("policy", &self.policy)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ScimClient {
    /// A client for the SCIM service at `base` (e.g.
    /// `https://platform.example/scim/v2`) that sends `authorization` as the
    /// `Authorization` header and works within `capabilities`.
    pub fn new(
        http: HttpClient,
        base: Url,
        authorization: Secret,
        capabilities: Capabilities,
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ScimError> {
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ScimError::InvalidUrl {
                url: base.to_string(),
                reason: "expected an http:// or https:// URL".to_owned(),
            });
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(ScimError::InvalidUrl {
                url: base.to_string(),
                reason: "remove the query or fragment".to_owned(),
            });
        }
        HeaderValue::from_str(authorization.expose()).map_err(|_| ScimError::InvalidCredential)?;
        Ok(Self {
            http,
            base,
            authorization,
            capabilities,
            policy,
            clock,
            jitter: Mutex::new(Jitter::from_time()),
            options: ScimOptions::default(),
            sent: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// Reads the platform's ServiceProviderConfig, then builds the client
    /// with what it says.
    pub async fn discover(
        http: HttpClient,
        base: Url,
        authorization: Secret,
        policy: RetryPolicy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, ScimError> {
        let assumed = Capabilities {
            patch: false,
            bulk: false,
            bulk_max_operations: None,
            bulk_max_payload_size: None,
            filter: false,
            filter_max_results: None,
            etag: false,
            sort: false,
            authentication_schemes: Vec::new(),
        };
        let mut client = Self::new(http, base, authorization, assumed, policy, clock)?;
        let url = client.url(&["ServiceProviderConfig"], &[])?;
        let reply = client.send(Method::GET, &url, None, None).await?;
        client.capabilities =
            parse_service_provider_config(&reply.body).map_err(|e| ScimError::Decode {
                what: "ServiceProviderConfig".to_owned(),
                message: e.to_string(),
            })?;
        Ok(client)
    }

    /// Replaces the tunables.
    pub fn with_options(mut self, options: ScimOptions) -> Self {
        self.options = options;
        self
    }

    /// Seeds the jitter (for reproducible tests).
    pub fn with_jitter_seed(self, seed: u64) -> Self {
        Self {
            jitter: Mutex::new(Jitter::seeded(seed)),
            ..self
        }
    }

    /// What the platform supports, as the client uses it.
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How requests are retried.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The tunables in use.
    pub fn options(&self) -> &ScimOptions {
        &self.options
    }

    // ---- users ----

    /// The user with this platform id.
    pub async fn get_user(&self, id: &str) -> Result<ScimUser, ScimError> {
        self.get(id).await
    }

    /// The user whose `externalId` is `external_id` (compared exactly).
    pub async fn find_user_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ScimUser>, ScimError> {
        self.find_one("externalId", external_id, |u: &ScimUser| {
            u.external_id.as_deref() == Some(external_id)
        })
        .await
    }

    /// The user whose `userName` is `user_name` (case-insensitive, as SCIM
    /// compares `userName`).
    pub async fn find_user_by_user_name(
        &self,
        user_name: &str,
    ) -> Result<Option<ScimUser>, ScimError> {
        self.find_one("userName", user_name, |u: &ScimUser| {
            u.user_name.to_lowercase() == user_name.to_lowercase()
        })
        .await
    }

    /// Every user on the platform, page by page.
    pub async fn list_users(&self) -> Result<Vec<ScimUser>, ScimError> {
        self.list().await
    }

    /// Creates the user (POST, 201). A user with the same `userName` already
    /// there is `Http { status: 409, scim_type: "uniqueness" }`
    /// ([`ScimError::is_uniqueness_conflict`]): adopt it by userName.
    pub async fn create_user(&self, user: &ScimUser) -> Result<ScimUser, ScimError> {
        self.create(user).await
    }

    /// Finds the user by `externalId`, then by `userName`, and creates it
    /// only when neither matches, so a platform user is adopted, never
    /// duplicated. A 409 on create (someone created it meanwhile, or a
    /// retried POST had reached the platform) is resolved by adopting the
    /// user by `userName`.
    pub async fn ensure_user(&self, user: &ScimUser) -> Result<Provisioned, ScimError> {
        if let Some(found) = self.find_user(user).await? {
            return Ok(found);
        }
        match self.create_user(user).await {
            Ok(created) => Ok(Provisioned::Created(created)),
            Err(e) if is_conflict(&e) => {
                match self.find_user_by_user_name(&user.user_name).await? {
                    Some(found) => Ok(adopted(user, found)),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The platform user `user` would be: the one with its `externalId`
    /// ([`Provisioned::Existing`]), else the one with its `userName`
    /// (`Existing` when the externalIds agree, else [`Provisioned::Adopted`]).
    pub async fn find_user(&self, user: &ScimUser) -> Result<Option<Provisioned>, ScimError> {
        if let Some(external_id) = user.external_id.as_deref()
            && let Some(found) = self.find_user_by_external_id(external_id).await?
        {
            return Ok(Some(Provisioned::Existing(found)));
        }
        Ok(self
            .find_user_by_user_name(&user.user_name)
            .await?
            .map(|found| adopted(user, found)))
    }

    /// Creates a user the caller knows is absent (a complete listing said
    /// so): no look-up before the first POST. When an answer is lost or
    /// throttled, the user is looked up (by `externalId`, then `userName`)
    /// before the POST is sent again; a 409 adopts it by `userName`.
    pub async fn create_user_absent(&self, user: &ScimUser) -> Result<Provisioned, ScimError> {
        let url = self.url(&[ScimUser::ENDPOINT], &[])?;
        let body = serde_json::to_vec(&create_body(user)?).map_err(|e| ScimError::Decode {
            what: "request body".to_owned(),
            message: e.to_string(),
        })?;
        let (url, body) = (&url, &body);
        let first = std::sync::atomic::AtomicBool::new(true);
        let first = &first;
        let result = with_retry(
            &self.policy,
            self.clock.as_ref(),
            &self.jitter,
            || async move {
                if !first.swap(false, std::sync::atomic::Ordering::Relaxed)
                    && let Some(found) = self.find_user(user).await?
                {
                    return Ok(found);
                }
                let reply = self
                    .attempt(Method::POST, url, Some(body.clone()), None)
                    .await?;
                Ok(Provisioned::Created(parse_resource(&reply.body)?))
            },
        )
        .await;
        match result {
            Err(e) if is_conflict(&e) => {
                match self.find_user_by_user_name(&user.user_name).await? {
                    Some(found) => Ok(adopted(user, found)),
                    None => Err(e),
                }
            }
            other => other,
        }
    }

    /// Brings the platform user `current` (as read from the platform) to
    /// `desired`. With PATCH: `replace`/`remove` operations for the
    /// attributes the client manages (externalId, userName, name parts,
    /// displayName, emails, phoneNumbers, active, enterprise department and
    /// employeeNumber, roles, entitlements) that differ; nothing is sent when none differ.
    /// Without PATCH: PUT of `desired` in full, so start `desired` from
    /// `current` to keep the attributes Onramp does not manage. With ETags,
    /// `If-Match: current.meta.version`; a stale one is
    /// [`ScimError::PreconditionFailed`].
    pub async fn update_user(
        &self,
        current: &ScimUser,
        desired: &ScimUser,
    ) -> Result<Updated<ScimUser>, ScimError> {
        let id = required_id(current)?;
        let if_match = self.if_match(current.etag());
        if self.capabilities.patch {
            let patch = user_patch(current, desired)?;
            if patch.is_empty() {
                return Ok(Updated {
                    resource: Some(current.clone()),
                    etag: current.etag().map(str::to_owned),
                });
            }
            self.patch(id, &patch, if_match).await
        } else {
            let mut full = desired.clone();
            full.id = Some(id.to_owned());
            self.put(id, &full, if_match).await
        }
    }

    /// Activates or deactivates the user: PATCH `replace active`, or without
    /// PATCH a read and a PUT (with `If-Match` when ETags are supported).
    /// Deactivating is how Onramp deprovisions; see [`Self::delete_user`].
    pub async fn set_active(&self, id: &str, active: bool) -> Result<Updated<ScimUser>, ScimError> {
        if self.capabilities.patch {
            let patch = PatchOp::new().replace("active", json!(active));
            self.patch(id, &patch, None).await
        } else {
            let mut user: ScimUser = self.get(id).await?;
            let if_match = self.if_match(user.etag()).map(str::to_owned);
            user.active = Some(active);
            self.put(id, &user, if_match.as_deref()).await
        }
    }

    /// Deletes the user (204). Prefer [`Self::set_active`]`(id, false)`.
    pub async fn delete_user(&self, id: &str) -> Result<(), ScimError> {
        self.delete::<ScimUser>(id).await
    }

    // ---- groups ----

    /// The group with this platform id.
    pub async fn get_group(&self, id: &str) -> Result<ScimGroup, ScimError> {
        self.get(id).await
    }

    /// The group whose `externalId` is `external_id`.
    pub async fn find_group_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<ScimGroup>, ScimError> {
        self.find_one("externalId", external_id, |g: &ScimGroup| {
            g.external_id.as_deref() == Some(external_id)
        })
        .await
    }

    /// The group whose `displayName` is `display_name` (case-insensitive).
    pub async fn find_group_by_display_name(
        &self,
        display_name: &str,
    ) -> Result<Option<ScimGroup>, ScimError> {
        self.find_one("displayName", display_name, |g: &ScimGroup| {
            g.display_name.to_lowercase() == display_name.to_lowercase()
        })
        .await
    }

    /// Every group on the platform, page by page.
    pub async fn list_groups(&self) -> Result<Vec<ScimGroup>, ScimError> {
        self.list().await
    }

    /// Creates the group (POST, 201). For a large group, create it without
    /// members and add them with [`Self::patch_group_members`].
    pub async fn create_group(&self, group: &ScimGroup) -> Result<ScimGroup, ScimError> {
        self.create(group).await
    }

    /// Finds the group by `externalId`, else creates it. Each POST is sent
    /// once per look-up: when its answer is lost (a reset after sending, a
    /// timeout) or the platform throttles, the group is looked up again
    /// before another POST. Group names need not be unique on a platform, so
    /// a blindly retried POST whose first answer was lost would leave two
    /// groups; users are safe from that through `userName` uniqueness.
    pub async fn ensure_group(&self, group: &ScimGroup) -> Result<ScimGroup, ScimError> {
        self.create_group_looking_up(group, true).await
    }

    /// Creates a group the caller knows is absent (a complete listing said
    /// so): the first POST is sent without a look-up, and only when its
    /// answer is lost or throttled is the group looked up before another.
    pub async fn create_group_absent(&self, group: &ScimGroup) -> Result<ScimGroup, ScimError> {
        self.create_group_looking_up(group, false).await
    }

    async fn create_group_looking_up(
        &self,
        group: &ScimGroup,
        look_first: bool,
    ) -> Result<ScimGroup, ScimError> {
        let url = self.url(&[ScimGroup::ENDPOINT], &[])?;
        let body = serde_json::to_vec(&create_body(group)?).map_err(|e| ScimError::Decode {
            what: "request body".to_owned(),
            message: e.to_string(),
        })?;
        let url = &url;
        let body = &body;
        let first = std::sync::atomic::AtomicBool::new(true);
        let first = &first;
        // The shared retry loop, with a look-up before every POST that
        // might repeat an earlier one.
        with_retry(
            &self.policy,
            self.clock.as_ref(),
            &self.jitter,
            || async move {
                let is_first = first.swap(false, std::sync::atomic::Ordering::Relaxed);
                if (look_first || !is_first)
                    && let Some(external_id) = group.external_id.as_deref()
                    && let Some(found) = self.find_group_by_external_id(external_id).await?
                {
                    return Ok(found);
                }
                let reply = self
                    .attempt(Method::POST, url, Some(body.clone()), None)
                    .await?;
                Ok(parse_resource(&reply.body)?)
            },
        )
        .await
    }

    /// Deletes the group (204).
    pub async fn delete_group(&self, id: &str) -> Result<(), ScimError> {
        self.delete::<ScimGroup>(id).await
    }

    /// Adds and removes members (platform user ids) in one PATCH: an `add`
    /// of the new values and one `remove members[value eq "…"]` per value
    /// gone. Changes larger than `patch_batch_size` values are split into
    /// several PATCHes of that many. Adding a member twice or removing an
    /// absent one is harmless, so after a failure (returned as is; earlier
    /// batches stay applied) calling again with the same lists converges.
    /// No `If-Match`: membership changes do not overwrite each other.
    /// Without PATCH support: read the group, compute the member list, PUT
    /// it (with `If-Match`).
    pub async fn patch_group_members(
        &self,
        id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<(), ScimError> {
        if !self.capabilities.patch {
            return self.replace_group_members(id, add, remove).await;
        }
        for patch in membership_patches(add, remove, self.options.patch_batch_size) {
            self.patch::<ScimGroup>(id, &patch, None).await?;
        }
        Ok(())
    }

    async fn replace_group_members(
        &self,
        id: &str,
        add: &[String],
        remove: &[String],
    ) -> Result<(), ScimError> {
        let mut group: ScimGroup = self.get(id).await?;
        group.members.retain(|m| !remove.contains(&m.value));
        for value in add {
            if !group.members.iter().any(|m| &m.value == value) {
                group.members.push(super::model::Member {
                    value: value.clone(),
                    display: None,
                });
            }
        }
        let if_match = self.if_match(group.etag()).map(str::to_owned);
        self.put(id, &group, if_match.as_deref()).await.map(|_| ())
    }

    // ---- generic resource operations ----

    async fn get<T: Resource>(&self, id: &str) -> Result<T, ScimError> {
        let url = self.url(&[T::ENDPOINT, id], &[])?;
        let reply = self.send(Method::GET, &url, None, None).await?;
        parse_resource(&reply.body)
    }

    async fn create<T: Resource>(&self, resource: &T) -> Result<T, ScimError> {
        let url = self.url(&[T::ENDPOINT], &[])?;
        let body = create_body(resource)?;
        let reply = self.send(Method::POST, &url, Some(&body), None).await?;
        parse_resource(&reply.body)
    }

    async fn put<T: Resource>(
        &self,
        id: &str,
        resource: &T,
        if_match: Option<&str>,
    ) -> Result<Updated<T>, ScimError> {
        let url = self.url(&[T::ENDPOINT, id], &[])?;
        let body = write_body(resource)?;
        let reply = self.send(Method::PUT, &url, Some(&body), if_match).await?;
        updated(reply)
    }

    async fn patch<T: Resource>(
        &self,
        id: &str,
        patch: &PatchOp,
        if_match: Option<&str>,
    ) -> Result<Updated<T>, ScimError> {
        let url = self.url(&[T::ENDPOINT, id], &[])?;
        let body = serde_json::to_value(patch).map_err(|e| ScimError::Decode {
            what: "PatchOp".to_owned(),
            message: e.to_string(),
        })?;
        let reply = self
            .send(Method::PATCH, &url, Some(&body), if_match)
            .await?;
        updated(reply)
    }

    async fn delete<T: Resource>(&self, id: &str) -> Result<(), ScimError> {
        let url = self.url(&[T::ENDPOINT, id], &[])?;
        self.send(Method::DELETE, &url, None, None)
            .await
            .map(|_| ())
    }

    /// The one resource matching `attribute eq value`, checked with
    /// `matches` (the platform's comparison is trusted, but without filter
    /// support the client compares itself).
    async fn find_one<T: Resource>(
        &self,
        attribute: &str,
        value: &str,
        matches: impl Fn(&T) -> bool,
    ) -> Result<Option<T>, ScimError> {
        let expression = filter::eq(attribute, value);
        let found: Vec<T> = if self.capabilities.filter {
            let url = self.url(
                &[T::ENDPOINT],
                &[
                    ("filter", expression.clone()),
                    ("startIndex", "1".to_owned()),
                    ("count", "2".to_owned()),
                ],
            )?;
            let reply = self.send(Method::GET, &url, None, None).await?;
            let page: ListPage<T> = parse_list_page(&reply.body, 1)?;
            let total = page
                .total_results
                .unwrap_or(0)
                .max(page.resources.len() as u64);
            if total > 1 {
                return Err(ScimError::Ambiguous {
                    filter: expression,
                    matches: usize::try_from(total).unwrap_or(usize::MAX),
                });
            }
            page.resources
        } else {
            self.list::<T>()
                .await?
                .into_iter()
                .filter(|r| matches(r))
                .collect()
        };
        match found.len() {
            0 | 1 => Ok(found.into_iter().next()),
            n => Err(ScimError::Ambiguous {
                filter: expression,
                matches: n,
            }),
        }
    }

    /// Every resource, following `startIndex` until
    /// `startIndex + itemsPerPage > totalResults` or an empty page, for at
    /// most `max_pages` pages.
    async fn list<T: Resource>(&self) -> Result<Vec<T>, ScimError> {
        let mut count = u64::from(self.options.page_size.max(1));
        if let Some(max) = self.capabilities.filter_max_results.filter(|m| *m > 0) {
            count = count.min(max);
        }
        let mut out = Vec::new();
        let mut start = 1u64;
        for _ in 0..self.options.max_pages.max(1) {
            let page: ListPage<T> = self.list_page(start, count).await?;
            let next = page.next_start_index();
            out.extend(page.resources);
            match next {
                Some(n) if n > start => start = n,
                _ => return Ok(out),
            }
        }
        Err(ScimError::TooManyPages {
            pages: self.options.max_pages.max(1),
        })
    }

    // ---- the wire ----

    fn if_match<'a>(&self, etag: Option<&'a str>) -> Option<&'a str> {
        etag.filter(|_| self.capabilities.etag)
    }

    /// `base/segment/segment?query`, each segment percent-encoded (an id is
    /// the platform's and may contain anything).
    pub(super) fn url(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
    ) -> Result<Url, ScimError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| ScimError::InvalidUrl {
                url: self.base.to_string(),
                reason: "it cannot have a path".to_owned(),
            })?
            .pop_if_empty()
            .extend(segments);
        if !query.is_empty() {
            let q: Vec<String> = query
                .iter()
                .map(|(k, v)| format!("{k}={}", filter::encode_query_value(v)))
                .collect();
            url.set_query(Some(&q.join("&")));
        }
        Ok(url)
    }

    /// Sends the request, retrying per the policy.
    pub(super) async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Result<Reply, ScimError> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ScimError::Decode {
                what: "request body".to_owned(),
                message: e.to_string(),
            })?;
        let if_match = if_match
            .map(|tag| {
                HeaderValue::from_str(tag).map_err(|_| ScimError::Decode {
                    what: "meta.version".to_owned(),
                    message: "the ETag cannot be sent as an If-Match header".to_owned(),
                })
            })
            .transpose()?;
        with_retry(&self.policy, self.clock.as_ref(), &self.jitter, || {
            self.attempt(method.clone(), url, body.clone(), if_match.clone())
        })
        .await
    }

    /// One request and its answer.
    pub(super) async fn attempt(
        &self,
        method: Method,
        url: &Url,
        body: Option<Vec<u8>>,
        if_match: Option<HeaderValue>,
    ) -> Result<Reply, Failure> {
        let mut authorization = HeaderValue::from_str(self.authorization.expose())
            .map_err(|_| ScimError::InvalidCredential)?;
        authorization.set_sensitive(true);
        let mut request = self
            .http
            .client
            .request(method.clone(), url.clone())
            .header(header::ACCEPT, SCIM_JSON)
            .header(header::AUTHORIZATION, authorization);
        if let Some(body) = body {
            request = request.header(header::CONTENT_TYPE, SCIM_JSON).body(body);
        }
        if let Some(tag) = if_match {
            request = request.header(header::IF_MATCH, tag);
        }
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut response = request.send().await.map_err(ScimError::Transport)?;
        let status = response.status().as_u16();
        let header_text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after =
            header_text(header::RETRY_AFTER).and_then(|v| parse_retry_after(&v, self.clock.now()));
        let etag = header_text(header::ETAG);
        let limit = self.options.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(ScimError::ResponseTooLarge { limit }.into());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(ScimError::Transport)? {
            if body.len() + chunk.len() > limit {
                return Err(ScimError::ResponseTooLarge { limit }.into());
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(%method, url = %url, status, "SCIM request");
        if (200..300).contains(&status) {
            Ok(Reply { status, etag, body })
        } else {
            Err(Failure {
                error: ScimError::from_response(status, &body),
                retry_after,
            })
        }
    }
}

/// The PATCH requests that add `add` and remove `remove` (member values),
/// at most `batch` values each: a single request unless the change is
/// larger.
pub fn membership_patches(add: &[String], remove: &[String], batch: usize) -> Vec<PatchOp> {
    let batch = batch.max(1);
    let mut patches = Vec::new();
    let mut adds = add.chunks(batch).peekable();
    let mut removes = remove.iter().peekable();
    while adds.peek().is_some() || removes.peek().is_some() {
        let mut patch = PatchOp::new();
        let mut room = batch;
        if let Some(chunk) = adds.next() {
            let values: Vec<Value> = chunk.iter().map(|v| json!({ "value": v })).collect();
            room -= chunk.len();
            patch = patch.add("members", Value::Array(values));
        }
        while room > 0
            && let Some(v) = removes.next()
        {
            patch = patch.remove(format!("members[{}]", filter::eq("value", v)));
            room -= 1;
        }
        patches.push(patch);
    }
    patches
}

fn is_conflict(e: &ScimError) -> bool {
    match e {
        ScimError::RetriesExhausted { .. } => false,
        other => other.is_uniqueness_conflict(),
    }
}

fn adopted(wanted: &ScimUser, found: ScimUser) -> Provisioned {
    match (&wanted.external_id, &found.external_id) {
        (Some(w), Some(f)) if w == f => Provisioned::Existing(found),
        _ => Provisioned::Adopted(found),
    }
}

fn required_id<T: Resource>(resource: &T) -> Result<&str, ScimError> {
    resource
        .id()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ScimError::Decode {
            what: format!("{}.id", T::KIND),
            message: "the resource to update has no id; read it from the platform first".to_owned(),
        })
}

/// A 2xx answer to PUT or PATCH: the resource if there is a body.
fn updated<T: Resource>(reply: Reply) -> Result<Updated<T>, ScimError> {
    let has_body = reply.status != 204 && !reply.body.iter().all(u8::is_ascii_whitespace);
    let resource: Option<T> = if has_body {
        Some(parse_resource(&reply.body)?)
    } else {
        None
    };
    let etag = reply
        .etag
        .or_else(|| resource.as_ref().and_then(|r| r.etag().map(str::to_owned)));
    Ok(Updated { resource, etag })
}

/// The JSON sent for a create: [`write_body`] without the `id`.
pub(super) fn create_body<T: Resource>(resource: &T) -> Result<Value, ScimError> {
    let mut body = write_body(resource)?;
    if let Some(obj) = body.as_object_mut() {
        obj.remove("id");
    }
    Ok(body)
}

/// The JSON sent for a create or a replace: the schemas filled in, and the
/// read-only `meta` and `groups` left out.
pub(super) fn write_body<T: Resource>(resource: &T) -> Result<Value, ScimError> {
    let mut value = serde_json::to_value(resource).map_err(|e| ScimError::Decode {
        what: T::KIND.to_owned(),
        message: e.to_string(),
    })?;
    if let Some(obj) = value.as_object_mut() {
        obj.remove("meta");
        obj.remove("groups");
        let mut schemas: Vec<String> = obj
            .get("schemas")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let mut wanted = vec![T::SCHEMA];
        if obj.contains_key(ENTERPRISE_USER_SCHEMA) {
            wanted.push(ENTERPRISE_USER_SCHEMA);
        }
        for s in wanted {
            if !schemas.iter().any(|x| x == s) {
                schemas.push(s.to_owned());
            }
        }
        obj.insert("schemas".to_owned(), json!(schemas));
    }
    Ok(value)
}

/// The PATCH operations that bring `current` to `desired` for the
/// attributes Onramp manages (none when they agree).
pub fn user_patch(current: &ScimUser, desired: &ScimUser) -> Result<PatchOp, ScimError> {
    let v = |x: Result<Value, serde_json::Error>| {
        x.map_err(|e| ScimError::Decode {
            what: "User".to_owned(),
            message: e.to_string(),
        })
    };
    let name = |u: &ScimUser| u.name.clone().unwrap_or_default();
    let ent = |u: &ScimUser| u.enterprise.clone().unwrap_or_default();
    let (cn, dn) = (name(current), name(desired));
    let (ce, de) = (ent(current), ent(desired));
    let department = format!("{ENTERPRISE_USER_SCHEMA}:department");
    let employee_number = format!("{ENTERPRISE_USER_SCHEMA}:employeeNumber");
    let pairs: Vec<(&str, Value, Value)> = vec![
        (
            "externalId",
            v(serde_json::to_value(&current.external_id))?,
            v(serde_json::to_value(&desired.external_id))?,
        ),
        (
            "userName",
            json!(current.user_name),
            json!(desired.user_name),
        ),
        ("name.givenName", json!(cn.given_name), json!(dn.given_name)),
        (
            "name.familyName",
            json!(cn.family_name),
            json!(dn.family_name),
        ),
        ("name.formatted", json!(cn.formatted), json!(dn.formatted)),
        (
            "displayName",
            json!(current.display_name),
            json!(desired.display_name),
        ),
        (
            "emails",
            v(serde_json::to_value(&current.emails))?,
            v(serde_json::to_value(&desired.emails))?,
        ),
        (
            "phoneNumbers",
            v(serde_json::to_value(&current.phone_numbers))?,
            v(serde_json::to_value(&desired.phone_numbers))?,
        ),
        ("active", json!(current.active), json!(desired.active)),
        (&department, json!(ce.department), json!(de.department)),
        (
            &employee_number,
            json!(ce.employee_number),
            json!(de.employee_number),
        ),
        (
            "roles",
            current.extra.get("roles").cloned().unwrap_or(Value::Null),
            desired.extra.get("roles").cloned().unwrap_or(Value::Null),
        ),
        (
            "entitlements",
            current
                .extra
                .get("entitlements")
                .cloned()
                .unwrap_or(Value::Null),
            desired
                .extra
                .get("entitlements")
                .cloned()
                .unwrap_or(Value::Null),
        ),
    ];
    let empty = |x: &Value| x.is_null() || x.as_array().is_some_and(Vec::is_empty);
    let mut patch = PatchOp::new();
    for (path, now, want) in pairs {
        if now == want || (empty(&now) && empty(&want)) {
            continue;
        }
        patch = if empty(&want) {
            patch.remove(path)
        } else {
            patch.replace(path, want)
        };
    }
    Ok(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scim::model::{EnterpriseUser, MultiValue, Name, PatchKind};

    fn user() -> ScimUser {
        ScimUser {
            id: Some("1".into()),
            external_id: Some("guid".into()),
            user_name: "a@x".into(),
            name: Some(Name {
                given_name: Some("A".into()),
                family_name: Some("B".into()),
                ..Name::default()
            }),
            display_name: Some("A B".into()),
            emails: vec![MultiValue {
                value: "a@x".into(),
                kind: Some("work".into()),
                primary: Some(true),
                ..MultiValue::default()
            }],
            active: Some(true),
            ..ScimUser::default()
        }
    }

    #[test]
    fn no_change_no_operations() {
        assert!(user_patch(&user(), &user()).unwrap().is_empty());
    }

    #[test]
    fn changes_become_replace_and_remove() {
        let mut want = user();
        want.display_name = None;
        want.name.as_mut().unwrap().given_name = Some("Ann".into());
        want.active = Some(false);
        want.enterprise = Some(EnterpriseUser {
            department: Some("Eng".into()),
            ..EnterpriseUser::default()
        });
        want.extra
            .insert("nickName".into(), json!("ignored by PATCH"));
        let patch = user_patch(&user(), &want).unwrap();
        let ops: Vec<(PatchKind, &str, Option<&Value>)> = patch
            .operations()
            .iter()
            .map(|o| (o.op, o.path.as_deref().unwrap(), o.value.as_ref()))
            .collect();
        assert_eq!(
            ops,
            vec![
                (PatchKind::Replace, "name.givenName", Some(&json!("Ann"))),
                (PatchKind::Remove, "displayName", None),
                (PatchKind::Replace, "active", Some(&json!(false))),
                (
                    PatchKind::Replace,
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                    Some(&json!("Eng"))
                ),
            ]
        );
    }

    #[test]
    fn write_body_fills_schemas_and_drops_read_only() {
        let mut u = user();
        u.meta = Some(Default::default());
        u.extra.insert("groups".into(), json!([{"value": "g"}]));
        u.enterprise = Some(EnterpriseUser::default());
        let body = write_body(&u).unwrap();
        assert!(body.get("meta").is_none() && body.get("groups").is_none());
        assert_eq!(
            body["schemas"],
            json!([crate::scim::model::USER_SCHEMA, ENTERPRISE_USER_SCHEMA])
        );
    }

    #[test]
    fn membership_changes_go_in_one_patch_unless_larger_than_a_batch() {
        let ids = |n: usize, p: &str| (0..n).map(|i| format!("{p}{i}")).collect::<Vec<_>>();
        let one = membership_patches(&ids(3, "a"), &ids(2, "r"), 1000);
        assert_eq!(one.len(), 1);
        let kinds: Vec<PatchKind> = one[0].operations().iter().map(|o| o.op).collect();
        assert_eq!(
            kinds,
            vec![PatchKind::Add, PatchKind::Remove, PatchKind::Remove]
        );
        assert_eq!(
            one[0].operations()[1].path.as_deref(),
            Some("members[value eq \"r0\"]")
        );
        // 5 adds and 4 removes in batches of 3 values: 3 PATCHes.
        let split = membership_patches(&ids(5, "a"), &ids(4, "r"), 3);
        let sizes: Vec<usize> = split
            .iter()
            .map(|p| {
                p.operations()
                    .iter()
                    .map(|o| {
                        o.value
                            .as_ref()
                            .and_then(Value::as_array)
                            .map_or(1, Vec::len)
                    })
                    .sum()
            })
            .collect();
        assert_eq!(sizes, vec![3, 3, 3]);
        assert!(membership_patches(&[], &[], 10).is_empty());
        assert_eq!(membership_patches(&[], &ids(2, "r"), 0).len(), 2);
    }
}
