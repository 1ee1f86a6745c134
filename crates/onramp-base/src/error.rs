//! The error contract at the engine's boundary.
//!
//! Inside the engine every module has its own `thiserror` enum. Where an error
//! leaves the engine (the CLI, the Tauri IPC layer) it becomes an
//! [`ErrorReport`]: a small, stable [`ErrorCode`] a UI can branch on, the
//! human message, and ordered remediation steps. The codes are part of the
//! public contract: add new ones, never rename.

use serde::Serialize;
use ts_rs::TS;

/// Stable, machine-readable error categories shared by the CLI and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A value given by the user (argument, field) is malformed.
    InvalidInput,
    /// No profile with that name or path exists.
    ProfileNotFound,
    /// A profile file exists but does not validate.
    ProfileInvalid,
    /// A profile with that name already exists.
    ProfileExists,
    /// The secret a profile references is not in the store.
    SecretNotFound,
    /// The secret store could not be used (locked keyring, unsafe file, …).
    SecretStore,
    /// Reading or writing a local file failed.
    Io,
    /// The operation is not supported yet for this integration.
    NotSupported,
    /// A run of that profile is already in progress.
    AlreadyRunning,
    /// Anything else: a bug or an unexpected environment.
    Internal,
    /// The operation was stopped as asked (a shutdown) before it did anything.
    Stopped,
}

impl ErrorCode {
    /// Every code, in declaration order (the UI's `ErrorCode` union must
    /// list exactly these; a test checks `ui/src/types.ts`).
    pub const ALL: [ErrorCode; 11] = [
        ErrorCode::InvalidInput,
        ErrorCode::ProfileNotFound,
        ErrorCode::ProfileInvalid,
        ErrorCode::ProfileExists,
        ErrorCode::SecretNotFound,
        ErrorCode::SecretStore,
        ErrorCode::Io,
        ErrorCode::NotSupported,
        ErrorCode::AlreadyRunning,
        ErrorCode::Internal,
        ErrorCode::Stopped,
    ];

    /// The code's wire name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::ProfileNotFound => "profile_not_found",
            ErrorCode::ProfileInvalid => "profile_invalid",
            ErrorCode::ProfileExists => "profile_exists",
            ErrorCode::SecretNotFound => "secret_not_found",
            ErrorCode::SecretStore => "secret_store",
            ErrorCode::Io => "io",
            ErrorCode::NotSupported => "not_supported",
            ErrorCode::AlreadyRunning => "already_running",
            ErrorCode::Internal => "internal",
            ErrorCode::Stopped => "stopped",
        }
    }
}

/// What an engine error looks like at the IPC and CLI boundary.
#[derive(Debug, Clone, Serialize, TS, PartialEq, Eq)]
pub struct ErrorReport {
    /// The stable category.
    pub code: ErrorCode,
    /// One human sentence (or a few) saying what is wrong.
    pub message: String,
    /// Ordered steps that fix it, when the engine knows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub remediation: Vec<String>,
}

impl ErrorReport {
    /// A report without remediation steps.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            remediation: Vec::new(),
        }
    }

    /// Adds remediation steps.
    pub fn with_remediation(mut self, steps: Vec<String>) -> Self {
        self.remediation = steps;
        self
    }
}

impl std::fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        for (i, step) in self.remediation.iter().enumerate() {
            write!(f, "\n  {}. {}", i + 1, step)?;
        }
        Ok(())
    }
}

/// Implemented by every engine error that can cross the boundary.
pub trait ToReport {
    /// Converts the error into its boundary form.
    fn to_report(&self) -> ErrorReport;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }
}
