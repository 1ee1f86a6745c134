//! Errors from reading, validating and writing profiles.

use std::path::PathBuf;

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};

/// Why a profile could not be found, read, validated or written.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No profile file of that name.
    #[error("no profile named '{name}' in {dir}")]
    NotFound {
        /// The name asked for.
        name: String,
        /// The profiles folder searched.
        dir: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("{path}:{line}:{column}: not valid TOML: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A key is missing, unknown, or has a value of the wrong form.
    #[error("{}: key `{key}`: {message}", location(path, *line))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Dotted path of the key, e.g. `connection.url`.
        key: String,
        /// What is wrong and what was expected.
        message: String,
        /// 1-based line of the key, when known.
        line: Option<usize>,
    },
    /// A profile of that name exists already.
    #[error("profile {path} already exists")]
    Exists {
        /// The existing file.
        path: PathBuf,
    },
    /// The profile name cannot be used as a file name.
    #[error(
        "invalid profile name '{name}': expected 1-64 letters, digits, '.', '_' or '-', not starting with '.' or '-'"
    )]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// Writing the profile failed.
    #[error("cannot write profile {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

fn location(path: &std::path::Path, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{}:{l}", path.display()),
        None => path.display().to_string(),
    }
}

impl ToReport for ProfileError {
    fn to_report(&self) -> ErrorReport {
        let code = match self {
            ProfileError::NotFound { .. } => ErrorCode::ProfileNotFound,
            ProfileError::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorCode::ProfileNotFound
            }
            // Not UTF-8: the file is there and is not a profile.
            ProfileError::Read { source, .. }
                if source.kind() == std::io::ErrorKind::InvalidData =>
            {
                ErrorCode::ProfileInvalid
            }
            ProfileError::Syntax { .. } | ProfileError::Invalid { .. } => ErrorCode::ProfileInvalid,
            ProfileError::Exists { .. } => ErrorCode::ProfileExists,
            ProfileError::InvalidName { .. } => ErrorCode::InvalidInput,
            ProfileError::Read { .. } | ProfileError::Write { .. } => ErrorCode::Io,
        };
        let report = ErrorReport::new(code, self.to_string());
        match self {
            ProfileError::NotFound { .. } => report.with_remediation(vec![
                "List the profiles with: onramp profile list".to_owned(),
                "Create one with: onramp profile new NAME --kind KIND".to_owned(),
            ]),
            ProfileError::Syntax { path, .. } | ProfileError::Invalid { path, .. } => report
                .with_remediation(vec![format!(
                    "Correct the file, then run: onramp profile validate {}",
                    path.display()
                )]),
            _ => report,
        }
    }
}
