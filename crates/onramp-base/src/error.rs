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
    /// Something received failed verification (an update's signature) and was refused.
    Untrusted,
}

impl ErrorCode {
    /// Every code, in declaration order (the UI's `ErrorCode` union must
    /// list exactly these; a test checks `ui/src/types.ts`).
    pub const ALL: [ErrorCode; 12] = [
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
        ErrorCode::Untrusted,
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
            ErrorCode::Untrusted => "untrusted",
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
    /// A report without remediation steps. A value quoted in the message
    /// that is longer than [`LONG_VALUE`] is cut ([`cut_long_values`]).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: cut_long_values(&message.into()),
            remediation: Vec::new(),
        }
    }

    /// Adds remediation steps (long values cut, as in the message).
    pub fn with_remediation(mut self, steps: Vec<String>) -> Self {
        self.remediation = steps.iter().map(|s| cut_long_values(s)).collect();
        self
    }
}

/// The longest run of non-blank characters an error message shows whole.
pub const LONG_VALUE: usize = 200;

/// `text` with every run of non-blank characters longer than [`LONG_VALUE`]
/// (a 1 MiB `bind_dn` echoed back, say) cut to its first 80 characters and
/// a note of its full size, so an error stays readable.
pub fn cut_long_values(text: &str) -> String {
    if text.len() <= LONG_VALUE {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(4096));
    let mut rest = text;
    while !rest.is_empty() {
        let blank = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        out.push_str(&rest[..blank]);
        rest = &rest[blank..];
        let word_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_len];
        if word.len() > LONG_VALUE {
            let keep = word.char_indices().nth(80).map_or(word.len(), |(i, _)| i);
            out.push_str(&word[..keep]);
            out.push_str(&format!("… ({} bytes in all)", word.len()));
        } else {
            out.push_str(word);
        }
        rest = &rest[word_len..];
    }
    out
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
    fn long_values_are_cut_with_their_size() {
        let value = "x".repeat(1 << 20);
        let r = ErrorReport::new(
            ErrorCode::ProfileInvalid,
            format!("key `connection.bind_dn`: expected a DN, found \"{value}\"; fix it"),
        )
        .with_remediation(vec![format!("Replace {value}")]);
        assert!(r.message.len() < 300, "{}", r.message.len());
        // The run cut is the quoted value with its quotes and the `;`.
        assert!(
            r.message.contains("(1048579 bytes in all)"),
            "{}",
            r.message
        );
        assert!(
            r.message
                .starts_with("key `connection.bind_dn`: expected a DN, found \"xxx")
        );
        assert!(r.message.ends_with(" fix it"));
        assert!(r.remediation[0].contains("(1048576 bytes in all)"));
        let short = "a short message with ünïcödé";
        assert_eq!(cut_long_values(short), short);
        let wide = "é".repeat(300);
        assert!(cut_long_values(&wide).starts_with(&"é".repeat(80)));
    }

    #[test]
    fn wire_names_match_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }
}
