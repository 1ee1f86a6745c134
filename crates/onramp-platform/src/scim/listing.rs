//! Reading all users (or groups) of the platform once, when that is cheaper
//! than looking them up one by one.
//!
//! A first sync of N users used to send two look-ups (`externalId eq`, then
//! `userName eq`) before each POST: 3N requests. One listing, paged at the
//! largest `count` the server allows, costs N / maxResults requests and
//! answers every adopt-or-create question at once. It is only worth it when
//! it costs less than the look-ups it replaces, so [`ScimClient::list_within`]
//! reads the first page, learns `totalResults`, and gives up (one request
//! spent) when the listing would take more pages than the caller's budget.
//!
//! A listing is only as good as the server's paging. A server that caps
//! what it returns without saying so (fewer resources than its own
//! `totalResults`, or the same page again for every `startIndex`) would make
//! absent users look absent; such a listing comes back with
//! `complete: false` and the caller falls back to per-object look-ups.

use reqwest::Method;

use super::client::ScimClient;
use super::error::ScimError;
use super::model::{ListPage, Resource, parse_list_page};

/// What a listing read.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    /// Every resource read, once each (by id).
    pub resources: Vec<T>,
    /// Whether the pages held exactly the `totalResults` the server
    /// announced: only then does "not in the listing" mean "not on the
    /// platform".
    pub complete: bool,
}

impl ScimClient {
    /// The page size of a listing: the platform's `filter.maxResults`, else
    /// the client's `listing_page_size`.
    pub fn listing_page_size(&self) -> u64 {
        self.capabilities()
            .filter_max_results
            .filter(|m| *m > 0)
            .unwrap_or(u64::from(self.options().listing_page_size.max(1)))
    }

    /// Every resource of type `T`, when reading them takes at most `budget`
    /// requests; `None` (after the first page) when it would take more.
    pub async fn list_within<T: Resource>(
        &self,
        budget: u32,
    ) -> Result<Option<Listing<T>>, ScimError> {
        let count = self.listing_page_size();
        let mut ids = std::collections::HashSet::new();
        let mut resources = Vec::new();
        let mut start = 1u64;
        let mut requests = 0u32;
        let mut announced: Option<u64> = None;
        let mut repeated = false;
        loop {
            let page = self.list_page::<T>(start, count).await?;
            requests += 1;
            if requests == 1 {
                announced = page.total_results;
                let per_page = (page.resources.len() as u64).max(1);
                let pages = announced.unwrap_or(0).div_ceil(per_page).max(1);
                if pages > u64::from(budget) {
                    tracing::debug!(
                        kind = T::KIND,
                        pages,
                        budget,
                        "listing skipped: look-ups are cheaper"
                    );
                    return Ok(None);
                }
            }
            let next = page.next_start_index();
            let mut new_on_page = 0usize;
            for r in page.resources {
                let id = r.id().unwrap_or_default().to_owned();
                if ids.insert(id) {
                    resources.push(r);
                    new_on_page += 1;
                }
            }
            if new_on_page == 0 && next.is_some() {
                // The same resources again: the server ignores startIndex.
                repeated = true;
            }
            match next {
                Some(n) if n > start && !repeated && requests < budget.max(1) => start = n,
                _ => break,
            }
        }
        let complete = !repeated && announced.is_some_and(|t| t == resources.len() as u64);
        if !complete {
            tracing::warn!(
                kind = T::KIND,
                announced = ?announced,
                read = resources.len(),
                "the platform's listing is incomplete; looking objects up one by one"
            );
        }
        Ok(Some(Listing {
            resources,
            complete,
        }))
    }

    /// One page of every resource of type `T`.
    pub(super) async fn list_page<T: Resource>(
        &self,
        start: u64,
        count: u64,
    ) -> Result<ListPage<T>, ScimError> {
        let url = self.url(
            &[T::ENDPOINT],
            &[
                ("startIndex", start.to_string()),
                ("count", count.to_string()),
            ],
        )?;
        let reply = self.send(Method::GET, &url, None, None).await?;
        parse_list_page(&reply.body, start)
    }
}
