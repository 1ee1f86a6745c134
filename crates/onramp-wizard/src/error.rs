//! Errors from loading wizard definitions.

use onramp_base::error::{ErrorCode, ErrorReport, ToReport};

/// Why a wizard file did not load.
#[derive(Debug, thiserror::Error)]
pub enum WizardError {
    /// The file is not valid TOML.
    #[error("{file}:{line}:{column}: not valid TOML: {message}")]
    Syntax {
        /// The file (or source name) being read.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The definition is well-formed TOML but breaks a rule of the format.
    #[error("{}: {message}", location(file, *line, step.as_deref(), field.as_deref()))]
    Invalid {
        /// The file (or source name) being read.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The id of the step at fault, when the problem is inside one.
        step: Option<String>,
        /// The key of the field at fault, when the problem is inside one.
        field: Option<String>,
        /// What is wrong and what was expected.
        message: String,
    },
}

fn location(file: &str, line: Option<usize>, step: Option<&str>, field: Option<&str>) -> String {
    let mut s = match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_owned(),
    };
    if let Some(step) = step {
        s.push_str(&format!(": step `{step}`"));
    }
    if let Some(field) = field {
        s.push_str(&format!(", field `{field}`"));
    }
    s
}

impl ToReport for WizardError {
    fn to_report(&self) -> ErrorReport {
        match self {
            // The built-in wizards are checked by the tests; a definition
            // that does not load is a defect of the build, not user input.
            WizardError::Syntax { .. } | WizardError::Invalid { .. } => {
                ErrorReport::new(ErrorCode::Internal, self.to_string())
            }
        }
    }
}
