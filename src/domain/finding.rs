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

/// Row findings listed for one upload; see [`CappedFindings`].
pub const MAX_ROW_FINDINGS: usize = 1000;

/// Keeps every general finding and the first `max` row findings (in row order); the others
/// become one warning that says how many there are, from which row, and what to do. A file
/// of 100k rows repeating the same mistake would otherwise carry 200k findings: a list no
/// clerk reads, which the result page, the JSON answer and every stored version would all
/// hold. A monthly report of a few hundred rows stays far below the limit.
///
/// The findings are gathered as the stages make them and at most `max` row findings are
/// held at any time, so the pipeline's memory does not grow with them either. The list
/// comes out as if all had been sorted and cut: general findings first (worst first), then
/// the summary, then the row findings by row (worst first within a row, then in order of
/// arrival).
pub struct CappedFindings {
    general: Vec<Finding>,
    /// The first row findings so far by [`Ranked`] order, the last one on top.
    rows: std::collections::BinaryHeap<Ranked>,
    max: usize,
    arrived: u64,
    omitted: usize,
    first_omitted_row: u32,
    worst_omitted: Severity,
}

/// A row finding with its place in the list: row, worst first, arrival.
struct Ranked {
    key: (u32, std::cmp::Reverse<Severity>, u64),
    finding: Finding,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl CappedFindings {
    pub fn new(max: usize) -> CappedFindings {
        CappedFindings {
            general: Vec::new(),
            rows: std::collections::BinaryHeap::new(),
            max,
            arrived: 0,
            omitted: 0,
            first_omitted_row: u32::MAX,
            worst_omitted: Severity::Info,
        }
    }

    pub fn push(&mut self, finding: Finding) {
        let Some(row) = finding.row else {
            self.general.push(finding);
            return;
        };
        self.arrived += 1;
        let ranked = Ranked {
            key: (row, std::cmp::Reverse(finding.severity), self.arrived),
            finding,
        };
        if self.rows.len() < self.max {
            self.rows.push(ranked);
            return;
        }
        // Full: the new one takes the place of the last one kept if it comes before it.
        let left_out = match self.rows.peek_mut() {
            Some(mut last) if ranked < *last => std::mem::replace(&mut *last, ranked),
            _ => ranked,
        };
        self.omitted += 1;
        self.first_omitted_row = self.first_omitted_row.min(left_out.key.0);
        self.worst_omitted = self.worst_omitted.max(left_out.finding.severity);
    }

    /// The list: see the type's documentation.
    pub fn finish(self) -> Vec<Finding> {
        let mut list = self.general;
        list.sort_by_key(|f| std::cmp::Reverse(f.severity));
        if self.omitted > 0 {
            list.push(Finding::new(
                self.worst_omitted.max(Severity::Warning),
                format!(
                    "Còn {} điểm cần xem lại khác, từ dòng {} trở đi, không được liệt kê ở đây (chỉ liệt kê {} điểm đầu tiên). Hãy sửa các điểm đã liệt kê (các dòng sau thường mắc cùng lỗi) rồi gửi lại báo cáo để kiểm tra tiếp.",
                    super::numbers::number(self.omitted as f64, 0),
                    self.first_omitted_row,
                    super::numbers::number(self.max as f64, 0),
                ),
            ));
        }
        list.extend(self.rows.into_sorted_vec().into_iter().map(|r| r.finding));
        list
    }
}

impl Extend<Finding> for CappedFindings {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, findings: I) {
        for finding in findings {
            self.push(finding);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap_row_findings(findings: Vec<Finding>, max: usize) -> Vec<Finding> {
        let mut capped = CappedFindings::new(max);
        capped.extend(findings);
        capped.finish()
    }

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

    /// What the gathering replaces: sort everything, then cut the row findings.
    fn sorted_then_cut(mut findings: Vec<Finding>, max: usize) -> Vec<Finding> {
        findings.sort_by_key(|f| (f.row.unwrap_or(0), std::cmp::Reverse(f.severity)));
        let (mut list, mut rows): (Vec<Finding>, Vec<Finding>) =
            findings.into_iter().partition(|f| f.row.is_none());
        if rows.len() > max {
            let omitted = rows.split_off(max);
            let worst = omitted.iter().map(|f| f.severity).max().unwrap();
            list.push(Finding::new(
                worst.max(Severity::Warning),
                format!(
                    "Còn {} điểm cần xem lại khác, từ dòng {} trở đi, không được liệt kê ở đây (chỉ liệt kê {} điểm đầu tiên). Hãy sửa các điểm đã liệt kê (các dòng sau thường mắc cùng lỗi) rồi gửi lại báo cáo để kiểm tra tiếp.",
                    super::super::numbers::number(omitted.len() as f64, 0),
                    omitted[0].row.unwrap(),
                    super::super::numbers::number(max as f64, 0),
                ),
            ));
        }
        list.append(&mut rows);
        list
    }

    #[test]
    fn gathering_gives_the_list_of_sorting_everything_then_cutting() {
        let severities = [Severity::Info, Severity::Warning, Severity::Error];
        // Rows out of order, repeated, with every severity, and general findings between.
        let findings: Vec<Finding> = (0..600u32)
            .map(|i| {
                let severity = severities[(i * 7 % 3) as usize];
                let finding = Finding::new(severity, format!("điểm {i}"));
                if i % 50 == 0 {
                    finding
                } else {
                    finding.at_row((i * 37) % 211 + 2)
                }
            })
            .collect();
        for max in [0, 1, 100, 588, 1000] {
            assert_eq!(
                cap_row_findings(findings.clone(), max),
                sorted_then_cut(findings.clone(), max),
                "max {max}"
            );
        }
    }
}
