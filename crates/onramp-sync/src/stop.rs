//! A request to stop a run early: the agent's SIGTERM, the app quitting.
//!
//! A run that is asked to stop finishes the object it is applying (each
//! object is recorded the moment the platform confirms it, so nothing is
//! lost) and applies no more; it is recorded `interrupted`, and the next
//! run plans exactly what is left. Asked before it applied anything (while
//! it reads or plans), it is dropped with no trace in the history: it
//! changed nothing, and the next run reads again anyway.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// A flag shared by whoever may stop runs and the runs themselves.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    raised: AtomicBool,
    woken: Notify,
}

impl StopSignal {
    /// A signal nobody has raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every run watching this signal to stop.
    pub fn request(&self) {
        self.0.raised.store(true, Ordering::SeqCst);
        self.0.woken.notify_waiters();
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.0.raised.load(Ordering::SeqCst)
    }

    /// Waits until a stop is asked for (at once if it was).
    pub async fn wait(&self) {
        loop {
            let woken = self.0.woken.notified();
            if self.requested() {
                return;
            }
            woken.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_returns_once_requested_from_another_task() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let stop = StopSignal::new();
        assert!(!stop.requested());
        rt.block_on(async {
            let raiser = stop.clone();
            let raise = async move {
                tokio::task::yield_now().await;
                raiser.request();
            };
            tokio::join!(stop.wait(), raise);
        });
        assert!(stop.requested());
        // Already raised: no waiting.
        rt.block_on(stop.wait());
    }
}
