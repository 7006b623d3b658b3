//! Reads a task-list workbook written by [`super::export`] (and corrected by a person) back
//! into a plan draft.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;

use super::layout::*;
use crate::{
    domain::{
        due::{Due, DueKind},
        finding::Finding,
        fold::fold,
        plan::{Kpi, PlanDraft, PlanHeader, TaskDraft},
        report_rule::ReportRule,
    },
    error::{AppError, AppResult},
};

/// True when the bytes are an .xlsx with this module's two sheets: the caller then reads it
/// here rather than with the general plan importer.
pub fn is_review_workbook(bytes: &[u8]) -> bool {
    let Ok(book) = Xlsx::new(Cursor::new(bytes)) else {
        return false;
    };
    let names = book.sheet_names();
    names.iter().any(|n| n == TASK_SHEET) && names.iter().any(|n| n == PLAN_SHEET)
}

pub fn read(bytes: &[u8]) -> AppResult<PlanDraft> {
    let bad = |what: String| {
        AppError::BadRequest(format!("Tệp danh mục nhiệm vụ không đọc được: {what}"))
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let plan_sheet = book.worksheet_range(PLAN_SHEET).map_err(|_| {
        bad(format!(
            "thiếu trang \"{PLAN_SHEET}\"; hãy dùng tệp xuất từ lệnh tonghop plan export"
        ))
    })?;
    let mut header = PlanHeader::default();
    let mut findings = Vec::new();
    for row in plan_sheet.rows() {
        let key = row.first().map(text).unwrap_or_default();
        let value = row.get(1).map(text).unwrap_or_default();
        match PLAN_KEYS.iter().position(|k| fold(k) == fold(&key)) {
            Some(0) => header.province = non_empty(value),
            Some(1) => header.number = non_empty(value),
            Some(2) => header.issued_on = parse_date(&value),
            Some(3) => header.title = value,
            Some(5) if !value.trim().is_empty() => {
                let rules: Vec<ReportRule> = serde_json::from_str(&value).map_err(|_| {
                    bad(format!(
                        "ô \"{}\" đã bị sửa; hãy chép lại từ tệp xuất ban đầu",
                        PLAN_KEYS[5]
                    ))
                })?;
                header.report_due = rules.first().cloned();
                header.report_rules = rules;
            }
            _ => {}
        }
    }
    let tasks_sheet = book
        .worksheet_range(TASK_SHEET)
        .map_err(|_| bad(format!("thiếu trang \"{TASK_SHEET}\"")))?;
    let start = tasks_sheet.start().map(|(r, _)| r).unwrap_or(0);
    let rows: Vec<&[Data]> = tasks_sheet.rows().collect();
    let header_index = (HEADER_ROW - start) as usize;
    let header_cells = rows
        .get(header_index)
        .ok_or_else(|| bad("thiếu dòng tiêu đề cột".into()))?;
    for (i, name) in COLUMNS.iter().enumerate() {
        let found = header_cells.get(i).map(text).unwrap_or_default();
        if fold(&found) != fold(name) {
            return Err(bad(format!(
                "cột {} phải là \"{name}\" (đang là \"{found}\"); không thêm, xóa hay đổi thứ tự cột",
                column_letter(i)
            )));
        }
    }
    let mut tasks = Vec::new();
    for (offset, row) in rows.iter().enumerate().skip(header_index + 1) {
        let excel_row = start as usize + offset + 1;
        let get = |i: usize| row.get(i).map(text).unwrap_or_default();
        let code = get(0).trim().to_lowercase();
        let title = get(2).trim().to_string();
        if code.is_empty() && title.is_empty() {
            continue;
        }
        if code.is_empty() || title.is_empty() {
            return Err(bad(format!(
                "dòng {excel_row} thiếu mã hoặc nội dung nhiệm vụ; mỗi nhiệm vụ cần cả hai"
            )));
        }
        let kind = match due_kind_from_label(&get(6)) {
            Some(kind) => kind,
            None => {
                findings.push(
                    Finding::warning(format!(
                        "Loại thời hạn \"{}\" không hợp lệ; đã coi là \"Chưa xác định\". Hãy chọn trong danh sách.",
                        get(6)
                    ))
                    .at(format!("dòng {excel_row}")),
                );
                DueKind::Unspecified
            }
        };
        let end = row.get(7).and_then(date);
        let kpi_texts: Vec<String> = get(8)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        let kpi_targets: Vec<String> = get(9).lines().map(|l| l.trim().to_string()).collect();
        let kpi = kpi_texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| Kpi {
                text,
                target_percent: kpi_targets
                    .get(i)
                    .and_then(|t| t.replace(',', ".").parse().ok()),
            })
            .collect();
        tasks.push(TaskDraft {
            code,
            title,
            group: get(1).trim().to_string(),
            lead: split_list(&get(3)),
            coordinating: split_list(&get(4)),
            due: Due {
                kind,
                end,
                text: get(5).trim().to_string(),
            },
            kpi,
        });
    }
    if tasks.is_empty() {
        return Err(bad(format!("trang \"{TASK_SHEET}\" không có nhiệm vụ nào")));
    }
    Ok(PlanDraft {
        plan: header,
        tasks,
        findings,
    })
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

fn date(cell: &Data) -> Option<NaiveDate> {
    match cell {
        Data::DateTime(_) | Data::DateTimeIso(_) => cell.as_date(),
        Data::String(s) => parse_date(s),
        _ => None,
    }
}

/// "31/12/2023" or "2023-12-31".
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn non_empty(value: String) -> Option<String> {
    let value = value.trim().to_string();
    (!value.is_empty()).then_some(value)
}

fn column_letter(index: usize) -> char {
    (b'A' + index as u8) as char
}
