//! Many independent SCIM calls at once, but not too many.
//!
//! Provisioning thousands of users one at a time is slow; firing them all at
//! once gets the client throttled (or the platform hurt). The sync engine
//! runs them through [`for_each_concurrent`] with a small limit, and gets
//! one result per item in input order, so it can record each object's
//! outcome: one user's 409 is that user's failure, never the run's.

use std::future::Future;

use futures_util::StreamExt;

/// Runs `f` on every item with at most `limit` (at least 1) futures in
/// flight, and returns their outputs in the order of `items`. Every item
/// runs whatever the others return; make `f` return a `Result` to collect
/// per-item errors.
pub async fn for_each_concurrent<I, T, R, F, Fut>(items: I, limit: usize, f: F) -> Vec<R>
where
    I: IntoIterator<Item = T>,
    F: FnMut(T) -> Fut,
    Fut: Future<Output = R>,
{
    futures_util::stream::iter(items)
        .map(f)
        .buffered(limit.max(1))
        .collect()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[test]
    fn bounded_in_order_and_errors_do_not_abort() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let started = AtomicUsize::new(0);
        let results = rt.block_on(for_each_concurrent(0..20u64, 3, |i| {
            let (running, peak, started) = (&running, &peak, &started);
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Later items finish first, so order is not completion order.
                tokio::time::sleep(Duration::from_millis(20 - i)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                if i.is_multiple_of(5) {
                    Err(format!("item {i} failed"))
                } else {
                    Ok(i * 10)
                }
            }
        }));
        assert_eq!(started.load(Ordering::SeqCst), 20);
        assert_eq!(peak.load(Ordering::SeqCst), 3);
        assert_eq!(results.len(), 20);
        for (i, r) in results.iter().enumerate() {
            let i = i as u64;
            if i.is_multiple_of(5) {
                assert_eq!(r, &Err(format!("item {i} failed")));
            } else {
                assert_eq!(r, &Ok(i * 10));
            }
        }
        // A limit of 0 still makes progress.
        let one = rt.block_on(for_each_concurrent([1, 2], 0, |x| async move { x }));
        assert_eq!(one, vec![1, 2]);
    }
}
