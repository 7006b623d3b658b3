//! The report table: what layout detection finds in a grid, before matching to tasks.
//!
//! One [`RawRow`] per data row of the report, with the text of each recognised column and the
//! values already normalised (status word, progress). The matcher then links rows to tasks.

use serde::{Deserialize, Serialize};

use crate::domain::finding::Finding;

/// What an agency says of a task, normalised (DESIGN §5 `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportedStatus {
    Done,
    InProgress,
    NotStarted,
    Ongoing,
}

impl ReportedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportedStatus::Done => "done",
            ReportedStatus::InProgress => "in_progress",
            ReportedStatus::NotStarted => "not_started",
            ReportedStatus::Ongoing => "ongoing",
        }
    }
}

/// The role a column plays in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// STT / TT / Số TT / Mã nhiệm vụ.
    Number,
    /// Nội dung nhiệm vụ / Nhiệm vụ / Tên nhiệm vụ.
    Task,
    /// Kết quả thực hiện / Tình hình thực hiện.
    Result,
    /// Tiến độ / Tỷ lệ hoàn thành (%).
    Progress,
    /// Trạng thái / Tình trạng / Đánh giá.
    Status,
    /// Khó khăn, vướng mắc / Tồn tại, hạn chế.
    Difficulties,
    /// Đề xuất, kiến nghị.
    Proposals,
    /// Ghi chú.
    Notes,
    /// Đơn vị chủ trì / phối hợp (as the clerk copied it from the plan).
    Agency,
    /// Thời gian hoàn thành (as copied from the plan).
    Due,
}

/// One data row of a report, as found in the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RawRow {
    /// 1-based, as Excel shows it.
    pub source_row: u32,
    /// The number/code cell as written ("7.a.(1)", "2", "III.7.a.1"), trimmed.
    pub number: String,
    /// The task text cell.
    pub task_text: String,
    /// The group heading rows above this row, outermost first ("I. NHÓM …", "1. …"), with
    /// their own number cells, so a bare STT that restarts per group can be resolved.
    pub context: Vec<Heading>,
    pub result: String,
    pub status: Option<ReportedStatus>,
    /// The status cell as written, kept for findings.
    pub status_text: String,
    /// 0–100.
    pub progress_percent: Option<f64>,
    pub difficulties: String,
    pub proposals: String,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Heading {
    pub number: String,
    pub text: String,
}

/// The table found in one workbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ReportTable {
    pub sheet: String,
    /// 1-based row numbers of the header row(s).
    pub header_rows: Vec<u32>,
    pub columns: Vec<(ColumnRole, u32)>,
    /// The data rows, in the sheet's order; empty when they were streamed.
    pub rows: Vec<RawRow>,
    /// The data rows and the findings about them were handed to the layout's stream as they
    /// were read (see [`crate::ingest::layout::TableStream`]), not kept in `rows` and
    /// `findings`.
    pub streamed: bool,
    /// What could not be read; about the whole table or, with a row, one of its rows.
    pub findings: Vec<Finding>,
}
