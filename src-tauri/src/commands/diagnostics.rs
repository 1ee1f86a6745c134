//! `diagnostics_preview` and `diagnostics_save`: the bundle is collected
//! and redacted first, the admin sees its files, and saving writes exactly
//! the bundle that was shown (kept in the state until then).

use tauri::{AppHandle, Manager, Runtime};

use onramp_engine::diagnostics::{Bundle, BundleFile, Sources, collect};
use onramp_engine::error::{ErrorCode, ErrorReport, ToReport};
use serde::Serialize;
use ts_rs::TS;

use crate::engine::{self, now_unix};
use crate::state::AppState;

/// The answer of `diagnostics_preview`: what the bundle will hold.
#[derive(Debug, Serialize, TS)]
pub struct BundlePreview {
    /// The preview's id, for `diagnostics_save`.
    pub id: u64,
    /// The files, each with its size and what was removed from it.
    pub files: Vec<BundleFile>,
    /// What could not be included, and why.
    pub notes: Vec<String>,
    /// Where `diagnostics_save` writes it.
    pub destination: String,
}

/// The answer of `diagnostics_save`.
#[derive(Debug, Serialize, TS)]
pub struct SavedBundle {
    /// The zip's path.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// The bundle shown to the admin, kept until it is saved or replaced, and
/// how many previews there were (each preview's id).
#[derive(Default)]
pub struct PendingBundle {
    shown: std::sync::Mutex<Option<(u64, Bundle)>>,
    previews: std::sync::atomic::AtomicU64,
}

impl PendingBundle {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(u64, Bundle)>> {
        self.shown.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn next_id(&self) -> u64 {
        self.previews
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    }
}

/// Collects and redacts a bundle, and lists its files.
#[tauri::command(rename_all = "snake_case")]
pub async fn diagnostics_preview<R: Runtime>(
    app: AppHandle<R>,
) -> Result<BundlePreview, ErrorReport> {
    engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let paths = state.paths()?;
        let profiles = state.profiles()?;
        let now = now_unix();
        let bundle = collect(&Sources {
            paths: &paths,
            profiles: &profiles,
            secrets: state.secrets.as_ref(),
            made_by: "desktop",
            now_unix: now,
        })
        .map_err(|e| e.to_report())?;
        let destination = paths
            .data_dir
            .join("diagnostics")
            .join(&bundle.suggested_name);
        let id = state.pending_bundle.next_id();
        let preview = BundlePreview {
            id,
            files: bundle.files.clone(),
            notes: bundle.notes.clone(),
            destination: destination.display().to_string(),
        };
        *state.pending_bundle.lock() = Some((id, bundle));
        Ok(preview)
    })
    .await
}

/// Saves the bundle of preview `id` into the data folder's `diagnostics/`.
#[tauri::command(rename_all = "snake_case")]
pub async fn diagnostics_save<R: Runtime>(
    app: AppHandle<R>,
    id: u64,
) -> Result<SavedBundle, ErrorReport> {
    engine::run_blocking(move || {
        let state = app.state::<AppState>();
        let paths = state.paths()?;
        let taken = state.pending_bundle.lock().take();
        let bundle = match taken {
            Some((pending, bundle)) if pending == id => bundle,
            other => {
                // Another preview stays current.
                *state.pending_bundle.lock() = other;
                return Err(ErrorReport::new(
                    ErrorCode::InvalidInput,
                    "that bundle preview is no longer current; export the bundle again",
                ));
            }
        };
        let path = paths
            .data_dir
            .join("diagnostics")
            .join(&bundle.suggested_name);
        let bytes = bundle.write(&path).map_err(|e| e.to_report())?;
        tracing::info!(path = %path.display(), bytes, "diagnostic bundle saved");
        Ok(SavedBundle {
            path: path.display().to_string(),
            bytes,
        })
    })
    .await
}
