//! How a command ends: the exit codes of DESIGN.md and the error at the boundary.

use std::process::ExitCode;

use onramp_engine::error::{ErrorCode, ErrorReport, ToReport};

/// The process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// The run failed.
    Failed = 1,
    /// Usage or configuration error.
    Config = 2,
    /// A check failed or a guard held the run.
    CheckFailed = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// A command's failure, already in its boundary form.
#[derive(Debug, thiserror::Error)]
#[error("{report}")]
pub struct Failure {
    /// What the user sees.
    pub report: ErrorReport,
}

impl Failure {
    /// The exit code for this failure.
    pub fn exit(&self) -> Exit {
        match self.report.code {
            ErrorCode::InvalidInput
            | ErrorCode::ProfileNotFound
            | ErrorCode::ProfileInvalid
            | ErrorCode::ProfileExists
            | ErrorCode::SecretNotFound
            | ErrorCode::SecretStore
            | ErrorCode::NotSupported => Exit::Config,
            ErrorCode::Io
            | ErrorCode::AlreadyRunning
            | ErrorCode::Internal
            | ErrorCode::Stopped
            | ErrorCode::Untrusted => Exit::Failed,
        }
    }

    /// A failure from a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            report: ErrorReport::new(code, message),
        }
    }
}

impl<E: ToReport> From<E> for Failure {
    fn from(e: E) -> Self {
        Self {
            report: e.to_report(),
        }
    }
}
