//! The desktop's own notifications, through `notify-rust`.
//!
//! On Linux (and the BSDs) a notification is a `Notify` call to
//! `org.freedesktop.Notifications` on the session bus. Each one carries the
//! `default` action ("Open run"), which the server invokes when the admin
//! clicks the notification; a background thread per notification waits for
//! that `ActionInvoked` signal and calls the `on_click` callback given at
//! construction, and ends when the notification is closed (expired,
//! dismissed, or clicked). Servers that do not support actions get no such
//! thread. Servers that render markup in the body get it escaped, so a run
//! message with `<` or `&` reads as written.
//!
//! Before each notification the server's capabilities are asked for over a
//! connection of our own (zbus, the D-Bus library `notify-rust` uses), which
//! also sorts failures by their typed D-Bus error rather than by message
//! text: no session bus at all, no notification server on it
//! (`ServiceUnknown`: a headless session), or a refusal. Callers log them
//! and carry on.
//!
//! Windows and macOS are not wired up yet: `notify` says so with
//! [`NotifyError::Unsupported`].

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Notification, Notifier, NotifyError};

/// The callback a clicked notification calls, with the notification.
pub type OnClick = Arc<dyn Fn(&Notification) + Send + Sync>;

/// The application name notifications are shown under.
pub const APP_NAME: &str = "Onramp";

/// The action invoked by clicking a notification (freedesktop convention).
pub const DEFAULT_ACTION: &str = "default";

/// The label of [`DEFAULT_ACTION`], for servers that show actions as buttons.
pub const DEFAULT_ACTION_LABEL: &str = "Open run";

/// Shows notifications on the desktop and reports clicks.
pub struct DesktopNotifier {
    on_click: OnClick,
    waiting: Arc<AtomicUsize>,
}

impl DesktopNotifier {
    /// A notifier calling `on_click` when the admin clicks one of its
    /// notifications (on a background thread).
    pub fn new(on_click: OnClick) -> Self {
        Self {
            on_click,
            waiting: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// How many shown notifications still wait for a click (one thread each).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for DesktopNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesktopNotifier")
            .field("waiting", &self.waiting())
            .finish_non_exhaustive()
    }
}

impl Notifier for DesktopNotifier {
    fn notify(&self, n: &Notification) -> Result<(), NotifyError> {
        self.show(n)
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
impl DesktopNotifier {
    fn show(&self, n: &Notification) -> Result<(), NotifyError> {
        let capabilities = server_capabilities()?;
        let has = |c: &str| capabilities.iter().any(|have| have == c);
        let body = if has("body-markup") {
            escape_markup(&n.body)
        } else {
            n.body.clone()
        };
        let handle = notify_rust::Notification::new()
            .appname(APP_NAME)
            .summary(&n.summary)
            .body(&body)
            .action(DEFAULT_ACTION, DEFAULT_ACTION_LABEL)
            .urgency(match n.urgency {
                super::Urgency::Low => notify_rust::Urgency::Low,
                super::Urgency::Normal => notify_rust::Urgency::Normal,
                super::Urgency::Critical => notify_rust::Urgency::Critical,
            })
            .show()
            .map_err(classify)?;
        if has("actions") {
            self.wait_for_click(handle, n.clone());
        }
        Ok(())
    }

    /// Waits on a thread of its own for the click on `handle`; the thread
    /// ends when the notification is clicked or closed, or the bus goes away.
    fn wait_for_click(&self, handle: notify_rust::NotificationHandle, n: Notification) {
        let on_click = self.on_click.clone();
        let waiting = Waiting::enter(&self.waiting);
        let id = handle.id();
        let spawned = std::thread::Builder::new()
            .name(format!("notification-{id}"))
            .spawn(move || {
                let _waiting = waiting;
                handle.wait_for_action(|action| {
                    if action == DEFAULT_ACTION {
                        on_click(&n);
                    }
                });
            });
        if let Err(e) = spawned {
            tracing::warn!(
                "notification {id} is shown, but clicking it will do nothing: cannot start its thread: {e}"
            );
        }
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
impl DesktopNotifier {
    fn show(&self, _n: &Notification) -> Result<(), NotifyError> {
        // Keeps the fields used on every platform.
        let _ = (&self.on_click, &self.waiting);
        Err(NotifyError::Unsupported {
            platform: std::env::consts::OS,
        })
    }
}

/// Counts a waiting thread for as long as it lives, even if it panics.
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The bus name, object path and interface of the notification server.
#[cfg(all(unix, not(target_os = "macos")))]
const SERVER: &str = "org.freedesktop.Notifications";
#[cfg(all(unix, not(target_os = "macos")))]
const SERVER_PATH: &str = "/org/freedesktop/Notifications";

/// D-Bus errors that mean nobody serves the notification name.
#[cfg(all(unix, not(target_os = "macos")))]
const NO_SERVER: [&str; 2] = [
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
];

/// Asks the notification server for its capabilities on the session bus.
#[cfg(all(unix, not(target_os = "macos")))]
fn server_capabilities() -> Result<Vec<String>, NotifyError> {
    let bus = zbus::blocking::Connection::session().map_err(|e| NotifyError::NoBus {
        detail: e.to_string(),
    })?;
    let reply = bus
        .call_method(
            Some(SERVER),
            SERVER_PATH,
            Some(SERVER),
            "GetCapabilities",
            &(),
        )
        .map_err(|e| match &e {
            zbus::Error::MethodError(name, _, _) => method_error(name.as_str(), e.to_string()),
            _ => NotifyError::Refused {
                detail: e.to_string(),
            },
        })?;
    reply
        .body()
        .deserialize::<Vec<String>>()
        .map_err(|e| NotifyError::Refused {
            detail: format!("GetCapabilities answered something else than a list of strings: {e}"),
        })
}

/// Sorts an error answer by its D-Bus error name.
#[cfg(all(unix, not(target_os = "macos")))]
fn method_error(name: &str, detail: String) -> NotifyError {
    if NO_SERVER.contains(&name) {
        NotifyError::NoServer { detail }
    } else {
        NotifyError::Refused { detail }
    }
}

/// Sorts a failed `Notify` (after the capabilities were read, so the bus is
/// there). `notify-rust` keeps the zbus error private; its text starts with
/// the D-Bus error name when the bus answered with one.
#[cfg(all(unix, not(target_os = "macos")))]
fn classify(e: notify_rust::error::Error) -> NotifyError {
    let detail = e.to_string();
    let name = detail.split(':').next().unwrap_or_default().to_owned();
    method_error(&name, detail)
}

/// Escapes the characters the notification body markup gives a meaning to.
fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn error_answers_are_sorted_by_their_name() {
        let e = method_error(
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "The name is not provided by any .service files".into(),
        );
        assert!(matches!(e, NotifyError::NoServer { .. }), "{e:?}");
        assert!(e.to_string().starts_with("no notification server"), "{e}");
        let e = method_error("org.freedesktop.DBus.Error.NameHasNoOwner", "x".into());
        assert!(matches!(e, NotifyError::NoServer { .. }), "{e:?}");
        let e = method_error("org.freedesktop.DBus.Error.AccessDenied", "no".into());
        assert!(matches!(e, NotifyError::Refused { .. }), "{e:?}");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape_markup("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; \"c\" 'd'"
        );
        assert_eq!(escape_markup("plain"), "plain");
    }

    #[test]
    fn waiting_counts_down_when_dropped() {
        let count = Arc::new(AtomicUsize::new(0));
        let a = Waiting::enter(&count);
        let b = Waiting::enter(&count);
        assert_eq!(count.load(Ordering::SeqCst), 2);
        drop(a);
        let t = std::thread::spawn(move || {
            let _b = b;
            panic!("a waiter thread that panics still counts down");
        });
        assert!(t.join().is_err());
        assert_eq!(count.load(Ordering::SeqCst), 0);
    }
}
