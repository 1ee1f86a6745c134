//! The app-wide state Tauri manages for the commands.
//!
//! Built once in `setup` (the notifier needs the app handle to open a run
//! when a notification is clicked) and handed to every command through
//! `tauri::State`, never a global. The paths come from the same
//! `ONRAMP_CONFIG_DIR` / `ONRAMP_DATA_DIR` overrides the CLI honours; a
//! failure to resolve them does not stop the app: the window opens and shows
//! the error with its remedy.

use std::sync::{Arc, Mutex, MutexGuard};

use onramp_engine::connector::Registry;
use onramp_engine::error::{ErrorCode, ErrorReport};
use onramp_engine::expiring::recheck::CredentialWatch;
use onramp_engine::notify::Notifier;
use onramp_engine::paths::AppPaths;
use onramp_engine::profile::ProfileStore;
use onramp_engine::runner::SyncRunner;
use onramp_engine::schedule::Scheduler;
use onramp_engine::secret::SecretStore;
use onramp_engine::secrets::{SecretStoreChoice, Staged};
use onramp_engine::sync::store::{FILE_NAME, StateStore};
use onramp_engine::wizard::{self, Wizard};

/// What the commands share.
pub struct AppState {
    /// Where Onramp's files live, or why that could not be determined.
    pub paths: Result<AppPaths, ErrorReport>,
    /// Every connector.
    pub registry: Arc<Registry>,
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
    /// Where the runs' incidents and the expiry reminders are shown.
    pub notifier: Arc<dyn Notifier>,
    /// The diagnostic bundle the admin was shown, until it is saved.
    pub pending_bundle: crate::commands::diagnostics::PendingBundle,
    /// The daily re-checks' memory of their attempts.
    pub watch: tokio::sync::Mutex<CredentialWatch>,
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
        let secrets = SecretStoreChoice::from_env().open(paths.as_ref().ok());
        Self::with_secrets(paths, secrets, notifier)
    }

    /// The state for `paths`, keeping secrets in `secrets` (the tests' own
    /// store) and notifying through `notifier`.
    pub fn with_secrets(
        paths: Result<AppPaths, ErrorReport>,
        secrets: Arc<dyn SecretStore>,
        notifier: Arc<dyn Notifier>,
    ) -> Self {
        let registry = Arc::new(onramp_engine::registry());
        let runner = paths.as_ref().ok().map(|p| {
            Arc::new(SyncRunner::new(
                p.clone(),
                registry.clone(),
                secrets.clone(),
                notifier.clone(),
            ))
        });
        Self {
            paths,
            wizards: wizard::builtin(&registry.check_ids()),
            registry,
            secrets,
            staged: Staged::default(),
            runner,
            scheduler: Mutex::new(Scheduler::new(rand_seed())),
            scheduler_wake: tokio::sync::Notify::new(),
            notifier,
            pending_bundle: Default::default(),
            watch: tokio::sync::Mutex::new(CredentialWatch::new()),
        }
    }

    /// The paths, or the error that says why there are none.
    pub fn paths(&self) -> Result<AppPaths, ErrorReport> {
        self.paths.clone()
    }

    /// The profiles folder, validating each profile with its connector.
    pub fn profiles(&self) -> Result<ProfileStore, ErrorReport> {
        Ok(onramp_engine::profiles::store(
            &self.paths()?,
            self.registry.clone(),
        ))
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
