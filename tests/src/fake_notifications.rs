//! A fake desktop notification server: `org.freedesktop.Notifications` on a
//! private bus, recording every call.
//!
//! The real `DesktopNotifier` talks to it exactly as to a desktop's server
//! (the protocol facts are in `reference/protocols.md` §8.1): `Notify`
//! answers an increasing id and records the call; `GetCapabilities` says
//! `body` and `actions` (no markup, so bodies arrive as written);
//! `CloseNotification` emits `NotificationClosed(id, 3)`. The test plays the
//! user with [`FakeNotifications::invoke_action`] (a click) and
//! [`FakeNotifications::close`] (a dismissal).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The object path of the notification server.
pub const PATH: &str = "/org/freedesktop/Notifications";
/// The interface and bus name of the notification server.
pub const NAME: &str = "org.freedesktop.Notifications";

/// One `Notify` call as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyCall {
    /// The id the server answered.
    pub id: u32,
    /// `app_name`.
    pub app_name: String,
    /// `replaces_id`.
    pub replaces_id: u32,
    /// `app_icon`.
    pub app_icon: String,
    /// `summary`.
    pub summary: String,
    /// `body`.
    pub body: String,
    /// `actions`: key, label, key, label…
    pub actions: Vec<String>,
    /// The `urgency` hint (0 low, 1 normal, 2 critical), if sent.
    pub urgency: Option<u8>,
    /// The names of all hints sent.
    pub hint_names: Vec<String>,
    /// `expire_timeout` (-1: the server's default).
    pub expire_timeout: i32,
}

/// The D-Bus object, in a module of its own: the interface macro adds a
/// public trait of signal helpers that needs no docs of ours.
mod server {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use zbus::object_server::SignalEmitter;
    use zbus::zvariant::OwnedValue;

    use super::NotifyCall;

    #[derive(Debug, Default)]
    pub(super) struct Recorded {
        pub(super) last_id: u32,
        pub(super) calls: Vec<NotifyCall>,
    }

    pub(super) struct Server {
        pub(super) recorded: Arc<Mutex<Recorded>>,
    }

    #[zbus::interface(name = "org.freedesktop.Notifications")]
    impl Server {
        #[allow(clippy::too_many_arguments)]
        fn notify(
            &self,
            app_name: String,
            replaces_id: u32,
            app_icon: String,
            summary: String,
            body: String,
            actions: Vec<String>,
            hints: HashMap<String, OwnedValue>,
            expire_timeout: i32,
        ) -> u32 {
            let mut recorded = self.recorded.lock().unwrap_or_else(|p| p.into_inner());
            recorded.last_id += 1;
            let id = if replaces_id != 0 {
                replaces_id
            } else {
                recorded.last_id
            };
            let mut hint_names: Vec<String> = hints.keys().cloned().collect();
            hint_names.sort();
            recorded.calls.push(NotifyCall {
                id,
                app_name,
                replaces_id,
                app_icon,
                summary,
                body,
                actions,
                urgency: hints.get("urgency").and_then(|v| u8::try_from(v).ok()),
                hint_names,
                expire_timeout,
            });
            id
        }

        fn get_capabilities(&self) -> Vec<String> {
            vec!["body".to_owned(), "actions".to_owned()]
        }

        #[zbus(out_args("name", "vendor", "version", "spec_version"))]
        fn get_server_information(&self) -> (String, String, String, String) {
            (
                "onramp-fake-notifications".to_owned(),
                "Onramp tests".to_owned(),
                "1.0".to_owned(),
                "1.2".to_owned(),
            )
        }

        async fn close_notification(
            &self,
            id: u32,
            #[zbus(signal_emitter)] emitter: SignalEmitter<'_>,
        ) -> zbus::fdo::Result<()> {
            Self::notification_closed(&emitter, id, 3).await?;
            Ok(())
        }

        /// `NotificationClosed(id, reason)`.
        #[zbus(signal)]
        async fn notification_closed(
            emitter: &SignalEmitter<'_>,
            id: u32,
            reason: u32,
        ) -> zbus::Result<()>;

        /// `ActionInvoked(id, action_key)`.
        #[zbus(signal)]
        async fn action_invoked(
            emitter: &SignalEmitter<'_>,
            id: u32,
            action_key: &str,
        ) -> zbus::Result<()>;
    }
}

use server::{Recorded, Server};

/// The fake server, serving on a bus until dropped.
pub struct FakeNotifications {
    connection: zbus::blocking::Connection,
    recorded: Arc<Mutex<Recorded>>,
}

impl FakeNotifications {
    /// Connects to the bus at `address` (e.g. [`crate::session_bus::SessionBus::address`])
    /// and owns `org.freedesktop.Notifications` there.
    pub fn serve(address: &str) -> Result<Self, String> {
        let recorded = Arc::new(Mutex::new(Recorded::default()));
        let server = Server {
            recorded: recorded.clone(),
        };
        let connection = zbus::blocking::connection::Builder::address(address)
            .and_then(|b| b.serve_at(PATH, server))
            .and_then(|b| b.name(NAME))
            .and_then(|b| b.build())
            .map_err(|e| format!("cannot serve {NAME} on {address}: {e}"))?;
        Ok(Self {
            connection,
            recorded,
        })
    }

    /// Every `Notify` call so far, in order.
    pub fn calls(&self) -> Vec<NotifyCall> {
        self.recorded
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .calls
            .clone()
    }

    /// Waits up to `timeout` until at least `n` calls arrived; the calls.
    pub fn wait_for_calls(&self, n: usize, timeout: Duration) -> Result<Vec<NotifyCall>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let calls = self.calls();
            if calls.len() >= n {
                return Ok(calls);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} Notify calls after {timeout:?}, expected {n}: {calls:?}",
                    calls.len()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The user clicks notification `id` (action `key`, `default` for the
    /// body): emits `ActionInvoked(id, key)`.
    pub fn invoke_action(&self, id: u32, key: &str) -> Result<(), String> {
        self.connection
            .emit_signal(None::<&str>, PATH, NAME, "ActionInvoked", &(id, key))
            .map_err(|e| format!("cannot emit ActionInvoked: {e}"))
    }

    /// Notification `id` goes away for `reason` (1 expired, 2 dismissed, 3
    /// closed by a call): emits `NotificationClosed(id, reason)`.
    pub fn close(&self, id: u32, reason: u32) -> Result<(), String> {
        self.connection
            .emit_signal(
                None::<&str>,
                PATH,
                NAME,
                "NotificationClosed",
                &(id, reason),
            )
            .map_err(|e| format!("cannot emit NotificationClosed: {e}"))
    }
}
