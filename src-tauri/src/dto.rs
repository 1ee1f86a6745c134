//! What the commands send to the front end.
//!
//! These types are the IPC contract, mirrored in `ui/src/types.ts`; they are
//! shaped for display (camelCase, labels resolved) and hold no logic beyond
//! copying fields out of the engine's types.

use onramp_engine::sync::store::RunRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use onramp_engine::status::{ProfileList, ProfileSummary};

/// What the wizard collected so far, keyed by field key (`connection.url`),
/// as the window sends it. Kept as JSON values: the wizard model reads each
/// against its field and names the field when one is wrong.
#[derive(Debug, Deserialize, TS)]
#[serde(transparent)]
pub struct DraftValues(
    #[ts(as = "std::collections::BTreeMap<String, onramp_engine::wizard::DraftValue>")]
    pub  serde_json::Map<String, serde_json::Value>,
);

/// One entry of `list_wizards`.
#[derive(Debug, Serialize, TS)]
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
#[derive(Debug, Serialize, TS)]
pub struct DraftValidation {
    /// What is wrong, by field.
    pub errors: Vec<onramp_engine::wizard::FieldError>,
    /// The file name the draft will be saved as.
    pub profile_name: String,
}

/// The answer of `run_detail`.
#[derive(Debug, Serialize, TS)]
pub struct RunDetail {
    /// The run.
    pub run: RunRecord,
    /// Its per-object results.
    pub results: Vec<onramp_engine::sync::store::ObjectResult>,
}

/// The answer of `read_logs`.
#[derive(Debug, Serialize, TS)]
pub struct LogTail {
    /// The file read, if there is one yet.
    pub file: Option<String>,
    /// Its newest lines, oldest first.
    pub lines: Vec<String>,
}

/// The app's own settings.
#[derive(Debug, Serialize, TS)]
pub struct Settings {
    /// Start Onramp in the tray at login.
    pub autostart: bool,
}
