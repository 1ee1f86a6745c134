//! The structured result every check returns.
//!
//! A UI renders these without parsing prose: `status` drives the colour,
//! `summary` is the one line, `remediation` is a numbered list, and
//! `evidence` holds what was observed (result codes, certificate fields) as
//! key/value pairs. Check results never contain secret values; the types that
//! hold secrets cannot be serialised, so they cannot end up here by accident.

use serde::Serialize;
use ts_rs::TS;

use crate::tls::CertificateInfo;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The step works.
    Pass,
    /// The step was not run, because an earlier one failed or it does not apply.
    Skipped,
    /// The step works but something should be changed.
    Warn,
    /// The step does not work.
    Fail,
}

/// One piece of observed evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Evidence {
    /// What was observed, e.g. `http_status` or `certificate.not_after`.
    pub key: String,
    /// The observed value.
    pub value: String,
}

/// The result of one check, as DESIGN.md defines it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CheckResult {
    /// The check's registry id, e.g. `target.auth`.
    pub id: String,
    /// Pass, warn, fail or skipped.
    pub status: CheckStatus,
    /// One line.
    pub summary: String,
    /// Further explanation, possibly several sentences.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[ts(optional = nullable)]
    pub details: String,
    /// Ordered steps that fix a failure or warning.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub remediation: Vec<String>,
    /// What was observed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(optional = nullable)]
    pub evidence: Vec<Evidence>,
    /// The server certificate the check verified, for expiry reminders.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub certificate: Option<CertificateInfo>,
}

impl CheckResult {
    /// A result with the given status and summary and nothing else yet.
    pub fn new(id: &str, status: CheckStatus, summary: impl Into<String>) -> Self {
        Self {
            id: id.to_owned(),
            status,
            summary: summary.into(),
            details: String::new(),
            remediation: Vec::new(),
            evidence: Vec::new(),
            certificate: None,
        }
    }

    /// A check that passed.
    pub fn pass(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Pass, summary)
    }

    /// A check that failed.
    pub fn fail(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Fail, summary)
    }

    /// A check that was not run, with the reason as its summary.
    pub fn skipped(id: &str, reason: impl Into<String>) -> Self {
        Self::new(id, CheckStatus::Skipped, reason)
    }

    /// Sets the details.
    pub fn details(mut self, details: impl Into<String>) -> Self {
        self.details = details.into();
        self
    }

    /// Appends remediation steps.
    pub fn remediation<I, S>(mut self, steps: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.remediation.extend(steps.into_iter().map(Into::into));
        self
    }

    /// Appends one piece of evidence.
    pub fn evidence(mut self, key: &str, value: impl ToString) -> Self {
        self.evidence.push(Evidence {
            key: key.to_owned(),
            value: value.to_string(),
        });
        self
    }

    /// Attaches the verified server certificate.
    pub fn certificate(mut self, info: CertificateInfo) -> Self {
        self.certificate = Some(info);
        self
    }

    /// Appends several pieces of evidence.
    pub fn evidence_all(mut self, items: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(items);
        self
    }
}

/// The results of a group of checks run in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    /// The checks, in the order they ran.
    pub checks: Vec<CheckResult>,
}

impl CheckReport {
    /// The worst status among the checks (`Pass` when empty).
    pub fn overall(&self) -> CheckStatus {
        self.checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(CheckStatus::Pass)
    }
}
