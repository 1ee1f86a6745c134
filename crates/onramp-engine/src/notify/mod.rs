//! Desktop notifications: what the admin is told, and when.
//!
//! A sync runs every 15 minutes; a directory that stays unreachable for a
//! day must not produce a hundred notifications. So notifications are about
//! *incidents* ([`incident_notification`]): the first failed run, the first
//! held run, and the run that recovers, each compared with the previous
//! applying run of the profile. Everything else is in the history.
//!
//! Sending goes through the [`Notifier`] trait so the engine, the CLI agent
//! and the tests can choose how: [`DesktopNotifier`] talks to the desktop's
//! notification server (`org.freedesktop.Notifications` over D-Bus on Linux)
//! and calls back when the admin clicks a notification; tests capture them.
//! A notification that cannot be shown (no notification server, no session
//! bus: a headless agent) is a [`NotifyError`] the caller logs and ignores,
//! never a failed run.

mod desktop;
mod incident;

pub use desktop::{APP_NAME, DEFAULT_ACTION, DEFAULT_ACTION_LABEL, DesktopNotifier, OnClick};
pub use incident::{incident_notification, previous_apply_run};

use onramp_sync::store::RunId;

/// How urgent a notification is (the freedesktop `urgency` hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    /// Informational (a sync recovered).
    Low,
    /// Needs attention soon (a plan is held for approval).
    Normal,
    /// Something is broken (a sync failed).
    Critical,
}

/// One notification about a profile: a run, or a credential that expires.
///
/// `summary` and `body` are plain text built from run messages and
/// credential labels, which never contain secret values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The headline ("Sync failed: Corp Directory").
    pub summary: String,
    /// What happened and what to do.
    pub body: String,
    /// The profile's name (what a click opens).
    pub profile: String,
    /// What a click opens.
    pub opens: Opens,
    /// How urgent it is.
    pub urgency: Urgency,
}

/// What clicking a notification opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opens {
    /// The run's detail.
    Run(RunId),
    /// The rotation flow of the profile's expiring credential `item`
    /// (the id of the check that sees it).
    Credential {
        /// The credential's item id.
        item: String,
    },
}

impl Opens {
    /// The run it opens, if it opens one.
    pub fn run(&self) -> Option<RunId> {
        match self {
            Opens::Run(run) => Some(*run),
            Opens::Credential { .. } => None,
        }
    }

    /// The credential item it opens, if it opens one.
    pub fn item(&self) -> Option<&str> {
        match self {
            Opens::Run(_) => None,
            Opens::Credential { item } => Some(item),
        }
    }
}

/// Something that shows notifications.
pub trait Notifier: Send + Sync {
    /// Shows `n`. An error means the admin did not see it; callers log it
    /// and go on.
    fn notify(&self, n: &Notification) -> Result<(), NotifyError>;
}

/// Why a notification could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The session bus has no notification server
    /// (`org.freedesktop.DBus.Error.ServiceUnknown`): a headless session.
    #[error("no notification server is running on the session bus: {detail}")]
    NoServer {
        /// What the bus answered.
        detail: String,
    },
    /// There is no session bus to connect to (or it refused the connection).
    #[error("cannot connect to the D-Bus session bus: {detail}")]
    NoBus {
        /// What the connection attempt said.
        detail: String,
    },
    /// The notification server answered the call with an error.
    #[error("the notification server refused the notification: {detail}")]
    Refused {
        /// What the server answered.
        detail: String,
    },
    /// Desktop notifications are not implemented on this platform yet.
    #[error("desktop notifications are not supported on {platform} yet")]
    Unsupported {
        /// The operating system.
        platform: &'static str,
    },
}
