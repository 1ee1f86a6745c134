//! The desktop's own notifications, over D-Bus (zbus).
//!
//! On Linux (and the BSDs) a notification is a `Notify` call to
//! `org.freedesktop.Notifications` on the session bus (the Desktop
//! Notifications Specification). Each one carries the `default` action
//! ("Open run"), which the server invokes when the admin clicks the
//! notification; a background thread per notification waits for that
//! `ActionInvoked` signal and calls the `on_click` callback given at
//! construction, and ends when the notification is clicked or closed
//! (`NotificationClosed`: expired or dismissed). Servers that do not
//! support actions get no such thread. Servers that render markup in the
//! body get it escaped, so a run message with `<` or `&` reads as written.
//!
//! The thread's subscription to the signals is made *before* the `Notify`
//! call, on the same connection, so a click or a close that follows at once
//! cannot pass unseen. Failures are sorted by their typed D-Bus error: no
//! session bus at all, no notification server on it (`ServiceUnknown`: a
//! headless session), or a refusal. Callers log them and carry on.
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
        let bus = zbus::blocking::Connection::session().map_err(|e| NotifyError::NoBus {
            detail: e.to_string(),
        })?;
        let capabilities = server_capabilities(&bus)?;
        let has = |c: &str| capabilities.iter().any(|have| have == c);
        let body = if has("body-markup") {
            escape_markup(&n.body)
        } else {
            n.body.clone()
        };
        let signals = if has("actions") {
            Some(subscribe(&bus)?)
        } else {
            None
        };
        let id = send_notify(&bus, n, &body)?;
        if let Some(signals) = signals {
            self.wait_for_click(signals, id, n.clone());
        }
        Ok(())
    }

    /// Waits on a thread of its own for the click on notification `id`;
    /// the thread ends when it is clicked or closed, or the bus goes away.
    fn wait_for_click(&self, signals: zbus::blocking::MessageIterator, id: u32, n: Notification) {
        let on_click = self.on_click.clone();
        let waiting = Waiting::enter(&self.waiting);
        let spawned = std::thread::Builder::new()
            .name(format!("notification-{id}"))
            .spawn(move || {
                let _waiting = waiting;
                for message in signals {
                    let Ok(message) = message else { break };
                    match signal_about(&message, id) {
                        Some(Signal::Action(action)) => {
                            if action == DEFAULT_ACTION {
                                on_click(&n);
                            }
                            break;
                        }
                        Some(Signal::Closed) => break,
                        None => {}
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(
                "notification {id} is shown, but clicking it will do nothing: cannot start its thread: {e}"
            );
        }
    }
}

/// What the server said about one notification.
#[cfg(all(unix, not(target_os = "macos")))]
#[derive(Debug, PartialEq, Eq)]
enum Signal {
    /// `ActionInvoked` with this action key.
    Action(String),
    /// `NotificationClosed`.
    Closed,
}

/// The signal `message` carries about notification `id`, if it is one.
#[cfg(all(unix, not(target_os = "macos")))]
fn signal_about(message: &zbus::Message, id: u32) -> Option<Signal> {
    let header = message.header();
    let body = message.body();
    match header.member()?.as_str() {
        "ActionInvoked" => match body.deserialize::<(u32, String)>() {
            Ok((of, action)) if of == id => Some(Signal::Action(action)),
            _ => None,
        },
        "NotificationClosed" => match body.deserialize::<(u32, u32)>() {
            Ok((of, _reason)) if of == id => Some(Signal::Closed),
            _ => None,
        },
        _ => None,
    }
}

/// Subscribes to the server's signals on `bus`.
#[cfg(all(unix, not(target_os = "macos")))]
fn subscribe(
    bus: &zbus::blocking::Connection,
) -> Result<zbus::blocking::MessageIterator, NotifyError> {
    let refused = |e: zbus::Error| NotifyError::Refused {
        detail: format!("cannot subscribe to the server's signals: {e}"),
    };
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .sender(SERVER)
        .and_then(|b| b.interface(SERVER))
        .and_then(|b| b.path(SERVER_PATH))
        .map_err(refused)?
        .build();
    zbus::blocking::MessageIterator::for_match_rule(rule, bus, Some(16)).map_err(refused)
}

/// Shows `n` with `body`; returns the server's id for it.
#[cfg(all(unix, not(target_os = "macos")))]
fn send_notify(
    bus: &zbus::blocking::Connection,
    n: &Notification,
    body: &str,
) -> Result<u32, NotifyError> {
    use std::collections::HashMap;
    use zbus::zvariant::Value;

    let urgency: u8 = match n.urgency {
        super::Urgency::Low => 0,
        super::Urgency::Normal => 1,
        super::Urgency::Critical => 2,
    };
    let hints: HashMap<&str, Value<'_>> = HashMap::from([("urgency", Value::U8(urgency))]);
    // app_name, replaces_id, app_icon, summary, body, actions, hints,
    // expire_timeout (-1: the server's default).
    let reply = bus
        .call_method(
            Some(SERVER),
            SERVER_PATH,
            Some(SERVER),
            "Notify",
            &(
                APP_NAME,
                0u32,
                "",
                n.summary.as_str(),
                body,
                vec![DEFAULT_ACTION, DEFAULT_ACTION_LABEL],
                hints,
                -1i32,
            ),
        )
        .map_err(call_error)?;
    reply
        .body()
        .deserialize::<u32>()
        .map_err(|e| NotifyError::Refused {
            detail: format!("Notify answered something else than an id: {e}"),
        })
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
#[cfg(all(unix, not(target_os = "macos")))]
struct Waiting(Arc<AtomicUsize>);

#[cfg(all(unix, not(target_os = "macos")))]
impl Waiting {
    fn enter(count: &Arc<AtomicUsize>) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count.clone())
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
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

/// Asks the notification server for its capabilities.
#[cfg(all(unix, not(target_os = "macos")))]
fn server_capabilities(bus: &zbus::blocking::Connection) -> Result<Vec<String>, NotifyError> {
    let reply = bus
        .call_method(
            Some(SERVER),
            SERVER_PATH,
            Some(SERVER),
            "GetCapabilities",
            &(),
        )
        .map_err(call_error)?;
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

/// Sorts a failed call by the D-Bus error the bus or the server answered.
#[cfg(all(unix, not(target_os = "macos")))]
fn call_error(e: zbus::Error) -> NotifyError {
    match &e {
        zbus::Error::MethodError(name, _, _) => method_error(name.as_str(), e.to_string()),
        _ => NotifyError::Refused {
            detail: e.to_string(),
        },
    }
}

/// Escapes the characters the notification body markup gives a meaning to.
#[cfg(all(unix, not(target_os = "macos")))]
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
    #[cfg(all(unix, not(target_os = "macos")))]
    fn markup_is_escaped() {
        assert_eq!(
            escape_markup("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; \"c\" 'd'"
        );
        assert_eq!(escape_markup("plain"), "plain");
    }

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
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
