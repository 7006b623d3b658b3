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

/// Row findings listed for one upload; see [`cap_row_findings`].
pub const MAX_ROW_FINDINGS: usize = 1000;

/// Keeps every general finding and the first `max` row findings (in row order); the others
/// become one warning that says how many there are, from which row, and what to do. A file
/// of 100k rows repeating the same mistake would otherwise carry 200k findings: a list no
/// clerk reads, which the result page, the JSON answer and every stored version would all
/// hold. A monthly report of a few hundred rows stays far below the limit.
pub fn cap_row_findings(findings: Vec<Finding>, max: usize) -> Vec<Finding> {
    let (mut capped, mut rows): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.row.is_none());
    if rows.len() <= max {
        capped.append(&mut rows);
        return capped;
    }
    rows.sort_by_key(|f| f.row);
    let omitted = rows.split_off(max);
    let first_row = omitted[0].row.unwrap_or(0);
    let severity = omitted
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(Severity::Warning)
        .max(Severity::Warning);
    capped.push(Finding::new(
        severity,
        format!(
            "Còn {} điểm cần xem lại khác, từ dòng {first_row} trở đi, không được liệt kê ở đây (chỉ liệt kê {} điểm đầu tiên). Hãy sửa các điểm đã liệt kê (các dòng sau thường mắc cùng lỗi) rồi gửi lại báo cáo để kiểm tra tiếp.",
            super::numbers::number(omitted.len() as f64, 0),
            super::numbers::number(max as f64, 0),
        ),
    ));
    capped.append(&mut rows);
    capped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(row: u32, severity: Severity) -> Finding {
        Finding::new(severity, format!("dòng {row}")).at_row(row)
    }

    #[test]
    fn few_row_findings_are_kept_as_they_are() {
        let findings = vec![Finding::info("chung"), at(7, Severity::Warning)];
        assert_eq!(cap_row_findings(findings.clone(), 3), findings);
    }

    #[test]
    fn the_rest_become_one_finding_with_their_count_and_first_row() {
        let mut findings = vec![Finding::info("chung")];
        findings.extend((1..=1500).rev().map(|r| at(r + 5, Severity::Warning)));
        findings.push(at(2000, Severity::Error));
        let capped = cap_row_findings(findings, 1000);
        assert_eq!(capped.len(), 1 + 1 + 1000);
        assert_eq!(capped[0].message, "chung");
        let summary = &capped[1];
        assert_eq!(summary.row, None);
        assert_eq!(
            summary.severity,
            Severity::Error,
            "the worst of those left out"
        );
        assert!(
            summary
                .message
                .starts_with("Còn 501 điểm cần xem lại khác, từ dòng 1006 trở đi"),
            "{}",
            summary.message
        );
        assert!(summary.message.contains("chỉ liệt kê 1.000 điểm đầu tiên"));
        let rows: Vec<u32> = capped[2..].iter().map(|f| f.row.unwrap()).collect();
        assert_eq!(rows, (6..=1005).collect::<Vec<_>>());
    }
}
