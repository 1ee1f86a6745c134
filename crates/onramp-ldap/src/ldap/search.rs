//! Paged searches and ranged attribute retrieval.
//!
//! Active Directory answers at most `MaxPageSize` (1000) entries per search
//! without the Simple Paged Results control, and at most `MaxValRange` (1500)
//! values of a multi-valued attribute such as `member` per read, under a
//! `member;range=0-1499` description. Both limits are silent truncation if a
//! client ignores them, so every read of users, groups and members goes
//! through these two functions.

use ldap3::controls::{Control, ControlType, PagedResults};
use ldap3::{Ldap, LdapError, ResultEntry, Scope};

use super::entry::Entry;

/// The page size asked for; AD's default MaxPageSize.
pub const PAGE_SIZE: i32 = 1000;

/// Decodes one entry; a malformed one is an I/O error of the search (the
/// server's answer cannot be read), never a panic.
pub(crate) fn decode_entry(entry: ResultEntry) -> Result<Entry, LdapError> {
    Entry::decode(entry).map_err(|e| LdapError::Io {
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })
}

/// Runs a subtree search page by page (the Simple Paged Results control,
/// [`PAGE_SIZE`] entries a page) and hands every entry to `each`, skipping
/// referrals and intermediate messages; `each` returns `false` to stop
/// early, and so does this function then (`Ok(false)`).
///
/// The paging is done here rather than with ldap3's `PagedResults` and
/// `EntriesOnly` adapters: those lock two async mutexes and make two
/// boxed async calls for every entry, a measurable share of a 100,000-user
/// read. The timeout and any controls the caller set on `ldap` apply to
/// every page.
///
/// Every entry is a hand-over from ldap3's connection task to this loop.
/// On the engine's current-thread runtime ([`onramp_base::runtime`]) both are
/// tasks of one thread and the hand-over is cheap; on a multi-threaded
/// runtime it is a cross-thread wake-up per entry (correct, but slower).
async fn each_paged_entry<F>(
    ldap: &mut Ldap,
    base: &str,
    filter: &str,
    attrs: &[&str],
    mut each: F,
) -> Result<bool, LdapError>
where
    F: AsyncFnMut(ResultEntry) -> bool,
{
    let timeout = ldap.timeout;
    let controls = ldap.controls.take().unwrap_or_default();
    let attrs: Vec<String> = attrs.iter().map(|a| (*a).to_owned()).collect();
    let mut cookie = Vec::new();
    loop {
        let mut page = controls.clone();
        page.push(
            PagedResults {
                size: PAGE_SIZE,
                cookie: std::mem::take(&mut cookie),
            }
            .into(),
        );
        ldap.timeout = timeout;
        ldap.controls = Some(page);
        let mut stream = ldap
            .streaming_search(base, Scope::Subtree, filter, attrs.clone())
            .await?;
        while let Some(entry) = stream.next().await? {
            if entry.is_ref() || entry.is_intermediate() {
                continue;
            }
            if !each(entry).await {
                // Stop reading, but let the connection settle.
                let _ = stream.finish().await;
                return Ok(false);
            }
        }
        let result = stream.finish().await;
        let next = result.ctrls.iter().find_map(|c| match c {
            Control(Some(ControlType::PagedResults), raw) => {
                Some(raw.parse::<PagedResults>().cookie)
            }
            _ => None,
        });
        result.success()?;
        match next {
            Some(next) if !next.is_empty() => cookie = next,
            // The last page, or a server that ignored the (non-critical)
            // control and sent everything at once.
            _ => return Ok(true),
        }
    }
}

/// Runs a paged subtree search and hands every entry to `each`, without
/// holding the whole result in memory.
pub async fn paged_search<F>(
    ldap: &mut Ldap,
    base: &str,
    filter: &str,
    attrs: &[&str],
    mut each: F,
) -> Result<(), LdapError>
where
    F: FnMut(Entry),
{
    let mut malformed = None;
    each_paged_entry(
        ldap,
        base,
        filter,
        attrs,
        async |entry| match decode_entry(entry) {
            Ok(entry) => {
                each(entry);
                true
            }
            Err(e) => {
                malformed = Some(e);
                false
            }
        },
    )
    .await?;
    match malformed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// What consumes the entries of [`paged_search_to`], on a thread of its own.
pub trait EntrySink: Send + 'static {
    /// Takes one entry, in the server's order.
    fn take(&mut self, entry: Entry);
}

/// Entries handed over to the sink's thread at a time.
const BATCH: usize = 256;
/// Batches waiting for the sink at most: enough to keep both sides busy,
/// few enough that a slow sink does not queue a directory's worth of raw
/// entries in memory.
const IN_FLIGHT: usize = 8;

/// [`paged_search`] with the entries decoded and consumed by `sink` on a
/// blocking thread, while this task only forwards what the connection
/// receives. The next page is asked for as soon as the server finished the
/// last one, not after every entry of it was processed, so the server and
/// the sink work at the same time instead of taking turns (a sync reads
/// 100 pages of users; the turns were a third of its time). Returns the
/// sink when the search ended well.
pub async fn paged_search_to<S: EntrySink>(
    ldap: &mut Ldap,
    base: &str,
    filter: &str,
    attrs: &[&str],
    sink: S,
) -> Result<S, LdapError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<ResultEntry>>(IN_FLIGHT);
    let worker = tokio::task::spawn_blocking(move || {
        let mut sink = sink;
        while let Some(batch) = rx.blocking_recv() {
            for entry in batch {
                sink.take(decode_entry(entry)?);
            }
        }
        Ok::<S, LdapError>(sink)
    });
    let searched = async {
        let mut batch = Vec::with_capacity(BATCH);
        // `false` when the sink stopped on a malformed entry; its error is
        // reported below.
        let sink_alive = each_paged_entry(ldap, base, filter, attrs, async |entry| {
            batch.push(entry);
            if batch.len() < BATCH {
                return true;
            }
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            tx.send(full).await.is_ok()
        })
        .await;
        if matches!(sink_alive, Ok(true)) && !batch.is_empty() {
            let _ = tx.send(batch).await;
        }
        drop(tx);
        sink_alive.map(drop)
    }
    .await;
    let consumed = worker.await.map_err(|e| LdapError::Io {
        source: std::io::Error::other(format!("the search's entry reader stopped: {e}")),
    });
    searched?;
    consumed?
}

/// Reads one entry (base scope).
pub async fn read_entry(
    ldap: &mut Ldap,
    dn: &str,
    attrs: &[&str],
) -> Result<Option<Entry>, LdapError> {
    let (entries, _) = ldap
        .search(dn, Scope::Base, "(objectClass=*)", attrs.to_vec())
        .await?
        .success()?;
    entries.into_iter().next().map(decode_entry).transpose()
}

/// The values of an attribute of an entry that may carry them under a
/// `name;range=low-high` description (AD) or plainly (Samba, OpenLDAP).
pub fn attribute_values<'a>(entry: &'a Entry, name: &str) -> Option<(&'a [Vec<u8>], RangeEnd)> {
    for attribute in &entry.attributes {
        let key = attribute.description.as_str();
        let (attr, options) = key.split_once(';').unwrap_or((key, ""));
        if !attr.eq_ignore_ascii_case(name) {
            continue;
        }
        let range = options.split(';').find_map(|o| {
            o.strip_prefix("range=")
                .or_else(|| o.strip_prefix("Range="))
        });
        let end = match range.and_then(|r| r.split_once('-')) {
            None => RangeEnd::Complete,
            Some((_, "*")) => RangeEnd::Complete,
            Some((_, high)) => match high.parse::<u64>() {
                Ok(h) => RangeEnd::More { next_low: h + 1 },
                Err(_) => RangeEnd::Malformed,
            },
        };
        return Some((&attribute.values, end));
    }
    None
}

/// Whether more values follow a ranged chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    /// All values were returned.
    Complete,
    /// Ask again from `next_low`.
    More {
        /// The first index of the next chunk.
        next_low: u64,
    },
    /// The range description does not parse.
    Malformed,
}

/// A ranged read that could not be finished; never a silently short list.
#[derive(Debug, thiserror::Error)]
pub enum RangeReadError {
    /// The server or the connection failed.
    #[error(transparent)]
    Ldap(#[from] LdapError),
    /// The server's answers did not lead to the last chunk.
    #[error("reading all values of {attribute} on {dn} stopped early: {reason}")]
    Incomplete {
        /// The entry.
        dn: String,
        /// The attribute.
        attribute: String,
        /// What went wrong.
        reason: String,
    },
}

/// The most chunks one attribute may take (AD's 1500-value chunks: 150 M values).
const MAX_RANGE_ROUNDS: u32 = 100_000;

/// Reads every value of a multi-valued attribute of one entry, following
/// `;range=` chunks until the last (`-*`) one. `first` is the entry as a
/// search already returned it, to save the first round trip. Each request
/// gets `timeout`. A chunk loop that does not reach the last chunk is an
/// error, never a shorter list.
pub async fn all_values(
    ldap: &mut Ldap,
    dn: &str,
    name: &str,
    first: Option<&Entry>,
    timeout: std::time::Duration,
) -> Result<Vec<String>, RangeReadError> {
    let incomplete = |reason: String| RangeReadError::Incomplete {
        dn: dn.to_owned(),
        attribute: name.to_owned(),
        reason,
    };
    let mut values = Vec::new();
    let mut next = match first.and_then(|e| attribute_values(e, name)) {
        Some((v, end)) => {
            values.extend(texts(v));
            end
        }
        None if first.is_some_and(|e| !e.has_named(name)) => {
            // The search returned the entry without the attribute: it has no values,
            // unless the server wants a ranged read, which it signals with a range key.
            RangeEnd::Complete
        }
        None => RangeEnd::More { next_low: 0 },
    };
    let mut rounds = 0;
    while let RangeEnd::More { next_low } = next {
        rounds += 1;
        if rounds > MAX_RANGE_ROUNDS {
            return Err(incomplete(format!("more than {MAX_RANGE_ROUNDS} chunks")));
        }
        let request = format!("{name};range={next_low}-*");
        ldap.with_timeout(timeout);
        let Some(entry) = read_entry(ldap, dn, &[request.as_str()]).await? else {
            return Err(incomplete(
                "the entry disappeared during the read".to_owned(),
            ));
        };
        match attribute_values(&entry, name) {
            Some((v, end)) => {
                if let RangeEnd::More { next_low: after } = end
                    && after <= next_low
                {
                    return Err(incomplete(format!(
                        "the server answered the chunk from {next_low} with one ending before it"
                    )));
                }
                values.extend(texts(v));
                next = end;
            }
            None if next_low == 0 => next = RangeEnd::Complete,
            None => {
                return Err(incomplete(format!(
                    "the server returned no values for the chunk from {next_low}"
                )));
            }
        }
    }
    if next == RangeEnd::Malformed {
        return Err(incomplete(
            "the server's range description does not parse".to_owned(),
        ));
    }
    Ok(values)
}

/// The values that are text (DNs, uids); others cannot be members.
fn texts(values: &[Vec<u8>]) -> impl Iterator<Item = String> + '_ {
    values
        .iter()
        .filter_map(|v| std::str::from_utf8(v).ok().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ldap::entry::Attribute;

    fn entry(key: &str, n: usize) -> Entry {
        Entry {
            dn: "CN=G".into(),
            attributes: vec![Attribute {
                description: key.to_owned(),
                values: (0..n).map(|i| format!("CN=U{i}").into_bytes()).collect(),
            }],
        }
    }

    #[test]
    fn range_descriptions() {
        let e = entry("member;range=0-1499", 1500);
        assert_eq!(
            attribute_values(&e, "member").unwrap().1,
            RangeEnd::More { next_low: 1500 }
        );
        let e = entry("member;range=1500-*", 100);
        assert_eq!(
            attribute_values(&e, "member").unwrap().1,
            RangeEnd::Complete
        );
        let e = entry("member", 3);
        assert_eq!(
            attribute_values(&e, "Member").unwrap().1,
            RangeEnd::Complete
        );
        let e = entry("memberOf", 3);
        assert!(attribute_values(&e, "member").is_none());
        let e = entry("member;range=0-garbage", 1);
        assert_eq!(
            attribute_values(&e, "member").unwrap().1,
            RangeEnd::Malformed
        );
    }
}
