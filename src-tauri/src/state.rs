//! The app-wide state Tauri manages for the commands.
//!
//! Built once in `setup` (the notifier needs the app handle to open a run
//! when a notification is clicked) and handed to every command through
//! `tauri::State`, never a global. The paths come from the same
//! `ONRAMP_CONFIG_DIR` / `ONRAMP_DATA_DIR` overrides the CLI honours; a
//! failure to resolve them does not stop the app: the window opens and shows
//! the error with its remedy.

use std::sync::{Arc, Mutex, MutexGuard};

use onramp_core::error::{ErrorCode, ErrorReport};
use onramp_core::notify::Notifier;
use onramp_core::paths::AppPaths;
use onramp_core::profile::ProfileStore;
use onramp_core::runner::SyncRunner;
use onramp_core::schedule::Scheduler;
use onramp_core::secret::SecretStore;
use onramp_core::sync::store::{FILE_NAME, StateStore};
use onramp_core::wizard::{self, Wizard};

use crate::secrets::{self, Staged};

/// What the commands share.
pub struct AppState {
    /// Where Onramp's files live, or why that could not be determined.
    pub paths: Result<AppPaths, ErrorReport>,
    /// The secret store profiles' secrets are saved to.
    pub secrets: Arc<dyn SecretStore>,
    /// The wizards built into the app.
    pub wizards: Vec<Wizard>,
    /// Secret values typed into wizards and not saved yet.
    pub staged: Staged,
    /// Runs syncs, one at a time per profile, and raises notifications.
    pub runner: Option<Arc<SyncRunner>>,
    /// When each profile's next scheduled run is due.
    scheduler: Mutex<Scheduler>,
    /// Wakes the scheduler task early (a profile was saved, a run ended).
    pub scheduler_wake: tokio::sync::Notify,
}

/// Resolves the paths from the OS conventions and the environment.
pub fn resolve_paths() -> Result<AppPaths, ErrorReport> {
    AppPaths::resolve(
        std::env::var_os("ONRAMP_CONFIG_DIR").map(Into::into),
        std::env::var_os("ONRAMP_DATA_DIR").map(Into::into),
    )
    .map_err(|e| {
        ErrorReport::new(ErrorCode::Io, e.to_string()).with_remediation(vec![
            "Set ONRAMP_CONFIG_DIR and ONRAMP_DATA_DIR to writable folders, then restart Onramp."
                .to_owned(),
        ])
    })
}

impl AppState {
    /// The state for `paths`, notifying through `notifier`.
    pub fn new(paths: Result<AppPaths, ErrorReport>, notifier: Arc<dyn Notifier>) -> Self {
        let secrets = secrets::store_from_env(paths.as_ref().ok());
        let runner = paths
            .as_ref()
            .ok()
            .map(|p| Arc::new(SyncRunner::new(p.clone(), secrets.clone(), notifier)));
        Self {
            paths,
            secrets,
            wizards: wizard::builtin(),
            staged: Staged::default(),
            runner,
            scheduler: Mutex::new(Scheduler::new(rand_seed())),
            scheduler_wake: tokio::sync::Notify::new(),
        }
    }

    /// The paths, or the error that says why there are none.
    pub fn paths(&self) -> Result<AppPaths, ErrorReport> {
        self.paths.clone()
    }

    /// The profiles folder.
    pub fn profiles(&self) -> Result<ProfileStore, ErrorReport> {
        Ok(ProfileStore::new(self.paths()?.profiles_dir()))
    }

    /// The sync runner, or the paths error that prevented building it.
    pub fn runner(&self) -> Result<Arc<SyncRunner>, ErrorReport> {
        match (&self.runner, &self.paths) {
            (Some(r), _) => Ok(r.clone()),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(_)) => Err(ErrorReport::new(ErrorCode::Internal, "no sync runner")),
        }
    }

    /// The scheduler (its lock is held only for quick bookkeeping).
    pub fn scheduler(&self) -> MutexGuard<'_, Scheduler> {
        self.scheduler.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wizard with `id`.
    pub fn wizard(&self, id: &str) -> Result<&Wizard, ErrorReport> {
        self.wizards.iter().find(|w| w.id == id).ok_or_else(|| {
            ErrorReport::new(
                ErrorCode::InvalidInput,
                format!("there is no wizard '{id}'"),
            )
        })
    }
}

/// Opens the state store at `paths` (creating it on first use).
pub fn open_store(paths: &AppPaths) -> Result<StateStore, ErrorReport> {
    StateStore::open(&paths.data_dir.join(FILE_NAME))
        .map_err(|e| ErrorReport::new(ErrorCode::Io, format!("cannot open the state store: {e}")))
}

/// A seed for the scheduler's jitter that differs between machines and starts.
fn rand_seed() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}
