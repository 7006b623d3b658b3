//! The layout of the agency template, read from `report_templates/agency_template/layout.toml`.
//!
//! The secretariat may change the title, the column names, their order and widths and the
//! status words without a rebuild: [`TemplateLayout::load`] reads the file from the working
//! directory when it is there and falls back on the copy embedded at build time.

use std::path::Path;

use serde::Deserialize;

use crate::{
    error::{AppError, AppResult},
    ingest::{table::ReportedStatus, values},
};

/// The layout file shipped with tonghop.
pub const DEFAULT_LAYOUT: &str = include_str!("../../report_templates/agency_template/layout.toml");

/// Where a deployment may put its own layout, relative to the working directory.
pub const LAYOUT_PATH: &str = "report_templates/agency_template/layout.toml";

/// What a template column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Code,
    Task,
    Role,
    Due,
    Result,
    Status,
    Progress,
    Difficulties,
    Proposals,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub field: Field,
    pub header: String,
    #[serde(default = "default_width")]
    pub width: f64,
}

fn default_width() -> f64 {
    15.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusWords {
    pub done: String,
    pub in_progress: String,
    pub not_started: String,
    pub ongoing: String,
}

impl StatusWords {
    /// The words in drop-down order.
    pub fn all(&self) -> [&str; 4] {
        [
            &self.done,
            &self.in_progress,
            &self.not_started,
            &self.ongoing,
        ]
    }

    pub fn word(&self, status: ReportedStatus) -> &str {
        match status {
            ReportedStatus::Done => &self.done,
            ReportedStatus::InProgress => &self.in_progress,
            ReportedStatus::NotStarted => &self.not_started,
            ReportedStatus::Ongoing => &self.ongoing,
        }
    }
}

/// Texts of a validated cell: the input message and the error shown for a wrong value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputTexts {
    pub title: String,
    pub message: String,
    pub error: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateLayout {
    pub sheet_name: String,
    pub title: String,
    pub agency_line: String,
    pub period_line: String,
    pub instructions: String,
    pub lead_label: String,
    pub coordinating_label: String,
    pub statuses: StatusWords,
    pub status_input: InputTexts,
    pub progress_input: InputTexts,
    pub columns: Vec<Column>,
}

impl TemplateLayout {
    /// The deployment's layout file if present, else the embedded default.
    pub fn load() -> AppResult<TemplateLayout> {
        let path = Path::new(LAYOUT_PATH);
        if path.is_file() {
            let text = std::fs::read_to_string(path).map_err(|e| {
                AppError::BadRequest(format!("Không đọc được tệp {LAYOUT_PATH}: {e}"))
            })?;
            TemplateLayout::parse(&text)
                .map_err(|e| AppError::BadRequest(format!("Tệp {LAYOUT_PATH}: {e}")))
        } else {
            Ok(TemplateLayout::embedded())
        }
    }

    /// The layout shipped with tonghop.
    pub fn embedded() -> TemplateLayout {
        TemplateLayout::parse(DEFAULT_LAYOUT).expect("the embedded template layout is valid")
    }

    /// Parses and checks a layout; the error says, in Vietnamese, what to fix.
    pub fn parse(text: &str) -> Result<TemplateLayout, String> {
        let layout: TemplateLayout =
            toml::from_str(text).map_err(|e| format!("mẫu báo cáo không hợp lệ: {e}"))?;
        layout.check()?;
        Ok(layout)
    }

    fn check(&self) -> Result<(), String> {
        let required = [
            (Field::Code, "code"),
            (Field::Task, "task"),
            (Field::Result, "result"),
            (Field::Status, "status"),
            (Field::Progress, "progress"),
        ];
        for (field, name) in required {
            if !self.columns.iter().any(|c| c.field == field) {
                return Err(format!("thiếu cột bắt buộc field = \"{name}\""));
            }
        }
        for (i, column) in self.columns.iter().enumerate() {
            if self.columns[..i].iter().any(|c| c.field == column.field) {
                return Err(format!("cột \"{}\" bị khai báo hai lần", column.header));
            }
            if column.header.trim().is_empty() {
                return Err("có cột không có tên".to_string());
            }
        }
        let expected = [
            ReportedStatus::Done,
            ReportedStatus::InProgress,
            ReportedStatus::NotStarted,
            ReportedStatus::Ongoing,
        ];
        for (word, status) in self.statuses.all().into_iter().zip(expected) {
            if values::parse_status(word) != Some(status) {
                return Err(format!(
                    "từ trạng thái \"{word}\" không được hệ thống hiểu là \"{}\"; hãy dùng \
                     cách viết như \"{}\"",
                    values::status_label(status),
                    values::status_label(status)
                ));
            }
        }
        let joined: usize = self
            .statuses
            .all()
            .iter()
            .map(|w| w.encode_utf16().count() + 1)
            .sum();
        if joined > 255 {
            return Err("danh sách trạng thái dài quá 255 ký tự".to_string());
        }
        for texts in [&self.status_input, &self.progress_input] {
            if texts.title.encode_utf16().count() > 32 {
                return Err(format!("tiêu đề \"{}\" dài quá 32 ký tự", texts.title));
            }
            if texts.message.encode_utf16().count() > 255
                || texts.error.encode_utf16().count() > 255
            {
                return Err(format!(
                    "lời nhắc của ô \"{}\" dài quá 255 ký tự",
                    texts.title
                ));
            }
        }
        Ok(())
    }

    /// 0-based position of a field's column.
    pub fn position(&self, field: Field) -> Option<u16> {
        self.columns
            .iter()
            .position(|c| c.field == field)
            .map(|i| i as u16)
    }
}

/// Replaces `{name}` placeholders.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_layout_is_valid() {
        let layout = TemplateLayout::embedded();
        assert_eq!(layout.position(Field::Code), Some(0));
        assert_eq!(layout.statuses.word(ReportedStatus::Done), "Đã hoàn thành");
    }

    #[test]
    fn a_status_word_the_reader_would_not_understand_is_refused() {
        let text = DEFAULT_LAYOUT.replace("\"Đang thực hiện\"", "\"Tạm dừng\"");
        let error = TemplateLayout::parse(&text).unwrap_err();
        assert!(error.contains("Tạm dừng"), "{error}");
    }

    #[test]
    fn a_missing_required_column_is_refused() {
        let text = DEFAULT_LAYOUT.replace("field = \"status\"", "field = \"role\"");
        assert!(TemplateLayout::parse(&text).is_err());
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill(
                "KH {plan} - {period}",
                &[("plan", "13/KH-UBND"), ("period", "tháng 11/2022")]
            ),
            "KH 13/KH-UBND - tháng 11/2022"
        );
    }
}
