//! What the commands send to the front end.
//!
//! These types are the IPC contract, mirrored in `ui/src/types.ts`; they are
//! shaped for display (camelCase, labels resolved) and hold no logic beyond
//! copying fields out of the engine's types.

use onramp_engine::sync::store::RunRecord;
use serde::Serialize;

pub use onramp_engine::status::{ProfileList, ProfileSummary};

/// One entry of `list_wizards`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WizardSummary {
    /// The wizard's id (its file stem).
    pub id: String,
    /// The profile kind it produces.
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// One paragraph on what it sets up.
    pub summary: String,
}

/// The answer of `validate_draft`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftValidation {
    /// What is wrong, by field.
    pub errors: Vec<onramp_engine::wizard::FieldError>,
    /// The file name the draft will be saved as.
    pub profile_name: String,
}

/// The answer of `run_detail`.
#[derive(Debug, Serialize)]
pub struct RunDetail {
    /// The run.
    pub run: RunRecord,
    /// Its per-object results.
    pub results: Vec<onramp_engine::sync::store::ObjectResult>,
}

/// The answer of `read_logs`.
#[derive(Debug, Serialize)]
pub struct LogTail {
    /// The file read, if there is one yet.
    pub file: Option<String>,
    /// Its newest lines, oldest first.
    pub lines: Vec<String>,
}

/// The app's own settings.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// Start Onramp in the tray at login.
    pub autostart: bool,
}
