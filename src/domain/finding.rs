//! Findings: what the pipeline noticed about an input, told to the user in Vietnamese.
//!
//! Every stage (plan import, ingest) reports problems as findings instead of failing, so that
//! one bad row never hides the rest of a file. `where_` locates a finding in a document (plan
//! import), `row` in a sheet (ingest, 1-based as Excel shows it).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    /// Vietnamese, with full diacritics: what is wrong and what to do.
    pub message: String,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none", default)]
    pub where_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub row: Option<u32>,
}

impl Finding {
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            severity,
            message: message.into(),
            where_: None,
            row: None,
        }
    }
    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }
    pub fn info(message: impl Into<String>) -> Self {
        Self::new(Severity::Info, message)
    }
    pub fn at(mut self, where_: impl Into<String>) -> Self {
        self.where_ = Some(where_.into());
        self
    }
    pub fn at_row(mut self, row: u32) -> Self {
        self.row = Some(row);
        self
    }
}
