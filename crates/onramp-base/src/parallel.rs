//! Splitting one CPU-bound pass over many items across the machine's cores.
//!
//! After a directory read the LDAP connections are idle, and what is left
//! (resolving 300,000 member values, mapping 100,000 users) runs on one
//! thread while the others wait. [`map_chunks`] cuts the items into one
//! contiguous chunk per core and maps the chunks on scoped threads, so the
//! result keeps the items' order and nothing outlives the call. Below
//! `min_chunk` items a chunk, starting a thread costs more than it saves,
//! and the pass stays on the calling thread.
//!
//! It blocks until every chunk is done, so it belongs in code that may
//! block: the sync's future, which is driven by [`crate::runtime::block_on`]
//! on a thread of its own, a `spawn_blocking` closure, a plain thread;
//! never an async worker thread.

use std::num::NonZeroUsize;

/// Maps `items` with `f`, in order, on up to as many threads as the machine
/// has cores, each taking at least `min_chunk` items. `f` gets each
/// item by value, and its results come back in the items' order.
pub fn map_chunks<T, U, F>(items: Vec<T>, min_chunk: usize, f: F) -> Vec<U>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let threads = cores.min(items.len() / min_chunk.max(1)).max(1);
    if threads == 1 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks = Vec::with_capacity(threads);
    let mut rest = items;
    while rest.len() > chunk {
        let tail = rest.split_off(chunk);
        chunks.push(std::mem::replace(&mut rest, tail));
    }
    chunks.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        // The first chunk runs here; the others on threads of their own.
        let mut chunks = chunks.into_iter();
        let first = chunks.next().unwrap_or_default();
        let handles: Vec<_> = chunks
            .map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out: Vec<U> = first.into_iter().map(f).collect();
        for handle in handles {
            match handle.join() {
                Ok(part) => out.extend(part),
                // A panic in `f` is a bug; it goes on as a panic here, as it
                // would have on one thread.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..10_007).collect();
        let out = map_chunks(items, 10, |i| u64::from(i) * 2);
        assert_eq!(out.len(), 10_007);
        assert!(out.iter().enumerate().all(|(i, &v)| v == i as u64 * 2));
    }

    #[test]
    fn few_items_stay_on_the_calling_thread() {
        let me = std::thread::current().id();
        let out = map_chunks(vec![1, 2, 3], 100, |i| (i, std::thread::current().id()));
        assert!(out.iter().all(|(_, id)| *id == me));
        assert_eq!(out.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn no_items_no_results() {
        let out: Vec<u8> = map_chunks(Vec::<u8>::new(), 1, |i| i);
        assert!(out.is_empty());
    }

    #[test]
    fn large_passes_use_the_other_cores() {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let me = std::thread::current().id();
        let out = map_chunks((0..1000).collect(), 1, |_: i32| std::thread::current().id());
        let elsewhere = out.iter().filter(|id| **id != me).count();
        if cores > 1 {
            assert!(elsewhere > 0, "every chunk ran on the calling thread");
        } else {
            assert_eq!(elsewhere, 0);
        }
    }
}
