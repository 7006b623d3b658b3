//! The annotated copy of a clerk's workbook: the same sheets and values, with a column
//! "Ghi chú của hệ thống" right of the report table holding what the pipeline found about
//! each row, the flagged rows highlighted (light red for errors and warnings, light yellow
//! for notes), and a first sheet "Hướng dẫn sửa" listing every finding with its row.
//!
//! The copy is rebuilt from the grid the reader saw ([`super::rebuild`]): values, positions,
//! sheet names, hidden sheets and merged areas are kept; fonts, borders and formulas are not
//! (formulas keep their computed values).

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::rebuild;
use crate::{
    domain::finding::{Finding, Severity},
    error::{AppError, AppResult},
    ingest::{
        grid::Grid,
        read::{self, ReadLimits},
        table::ReportTable,
    },
};

/// The first sheet of the copy.
pub const GUIDE_SHEET: &str = "Hướng dẫn sửa";
/// The header of the added column.
pub const NOTES_HEADER: &str = "Ghi chú của hệ thống";
/// Light red: a row with an error or a warning.
pub const WARNING_FILL: &str = "#FFC7CE";
/// Light yellow: a row with notes only.
pub const INFO_FILL: &str = "#FFF2CC";

/// The annotated copy of a stored submission (its findings as stored), for the CLI and the
/// web page alike. Refuses a submission that was not processed: it has nothing to annotate.
pub fn of_submission(
    submission: &crate::db::submissions::Submission,
    original: &[u8],
) -> AppResult<Vec<u8>> {
    if submission.outcome != "processed" {
        return Err(AppError::BadRequest(format!(
            "Báo cáo số {} ({}) không đọc được nên không có bản ghi chú: {}",
            submission.id,
            submission.file_name,
            submission
                .outcome_message
                .as_deref()
                .unwrap_or("tệp chưa được xử lý")
        )));
    }
    let findings: Vec<Finding> = serde_json::from_str(&submission.findings).map_err(|e| {
        AppError::Internal(format!(
            "phát hiện đã lưu của báo cáo số {} không đọc được: {e}",
            submission.id
        ))
    })?;
    // The isolated reader already read this file under the same limits when it was
    // processed, so reading it again in this process is bounded.
    let grid = read::parse(original, &ReadLimits::default())
        .map_err(|e| AppError::BadRequest(e.to_string()))?
        .grid;
    let table = crate::ingest::layout::find_table(&grid)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    annotate_grid(&grid, &findings, &table)
}

/// The annotated copy of `original`. The bytes are read in this process: call it only on a
/// file the isolated reader has already read successfully (a processed submission), which
/// bounds what reading it again can cost.
pub fn annotate(original: &[u8], findings: &[Finding], table: &ReportTable) -> AppResult<Vec<u8>> {
    let grid = read::parse(original, &ReadLimits::default())
        .map_err(|e| AppError::BadRequest(e.to_string()))?
        .grid;
    annotate_grid(&grid, findings, table)
}

/// The annotated copy of a workbook already read into `grid` (pure).
pub fn annotate_grid(grid: &Grid, findings: &[Finding], table: &ReportTable) -> AppResult<Vec<u8>> {
    build(grid, findings, table)
        .map_err(|e| AppError::Internal(format!("không tạo được tệp Excel có ghi chú: {e}")))
}

/// The findings of each flagged row (1-based), in order.
pub fn by_row(findings: &[Finding]) -> BTreeMap<u32, Vec<&Finding>> {
    let mut rows: BTreeMap<u32, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        if let Some(row) = finding.row.filter(|&r| r > 0) {
            rows.entry(row).or_default().push(finding);
        }
    }
    rows
}

/// The Vietnamese name of a severity, as the guide sheet shows it.
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
        Severity::Info => "Lưu ý",
    }
}

/// 0-based column of the notes: right of everything in the table's rows.
pub fn notes_column(grid: &Grid, table: &ReportTable) -> u16 {
    let Some(sheet) = grid.sheets.iter().find(|s| s.name == table.sheet) else {
        return 0;
    };
    let first = table
        .header_rows
        .first()
        .copied()
        .unwrap_or(1)
        .saturating_sub(1);
    let last = table
        .rows
        .iter()
        .map(|r| r.source_row)
        .chain(table.header_rows.iter().copied())
        .max()
        .unwrap_or(1)
        .saturating_sub(1);
    let mut width = table
        .columns
        .iter()
        .map(|(_, c)| *c as usize + 1)
        .max()
        .unwrap_or(0);
    for r in first..=last {
        if let Some(row) = sheet.rows.get(r as usize) {
            let used = row.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
            width = width.max(used);
        }
    }
    for m in &sheet.merges {
        if m.first_row <= last && first <= m.last_row {
            width = width.max(m.last_col as usize + 1);
        }
    }
    width.min(u16::MAX as usize - 1) as u16
}

fn build(grid: &Grid, findings: &[Finding], table: &ReportTable) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let cell = rebuild::plain().set_border(FormatBorder::Thin);
    let warning = rebuild::plain().set_background_color(WARNING_FILL);
    let info = rebuild::plain().set_background_color(INFO_FILL);

    // The guide sheet, first.
    let guide_name = if grid.sheets.iter().any(|s| s.name == GUIDE_SHEET) {
        format!("{GUIDE_SHEET} (hệ thống)")
    } else {
        GUIDE_SHEET.to_string()
    };
    let guide = workbook.add_worksheet();
    guide.set_name(&guide_name)?;
    guide.write_string_with_format(0, 0, "HƯỚNG DẪN SỬA BÁO CÁO", &title)?;
    guide.write_string(
        1,
        0,
        format!(
            "Hệ thống đã đọc bảng báo cáo ở trang tính '{}'. Các dòng cần xem lại được tô màu \
             (đỏ nhạt: cần sửa; vàng nhạt: lưu ý) và ghi rõ ở cột '{NOTES_HEADER}'. Sửa trên \
             tệp gốc của đơn vị rồi gửi lại; không cần gửi lại tệp này.",
            table.sheet
        ),
    )?;
    for (col, name) in ["Dòng", "Mức độ", "Nội dung cần sửa"].iter().enumerate() {
        guide.write_string_with_format(3, col as u16, *name, &header)?;
    }
    let mut ordered: Vec<&Finding> = findings.iter().collect();
    ordered.sort_by_key(|f| (f.row.unwrap_or(0), std::cmp::Reverse(f.severity)));
    if ordered.is_empty() {
        guide.write_string(4, 0, "Không có điểm nào cần sửa.")?;
    }
    for (i, finding) in ordered.iter().enumerate() {
        let row = 4 + i as u32;
        match finding.row {
            Some(r) => guide.write_number_with_format(row, 0, r as f64, &cell)?,
            None => guide.write_string_with_format(row, 0, "Chung", &cell)?,
        };
        guide.write_string_with_format(row, 1, severity_label(finding.severity), &cell)?;
        guide.write_string_with_format(row, 2, &finding.message, &cell)?;
    }
    guide.set_column_width(0, 8)?;
    guide.set_column_width(1, 12)?;
    guide.set_column_width(2, 100)?;
    guide.set_active(true);

    // The clerk's sheets, with the notes on the report sheet.
    let flagged = by_row(findings);
    let notes_col = notes_column(grid, table);
    for sheet in &grid.sheets {
        let ws = workbook.add_worksheet();
        if sheet.name != table.sheet {
            rebuild::write_sheet(ws, sheet, &HashMap::new(), 0)?;
            continue;
        }
        let fills: HashMap<u32, Format> = flagged
            .iter()
            .map(|(&row, found)| {
                let worst = found
                    .iter()
                    .map(|f| f.severity)
                    .max()
                    .unwrap_or(Severity::Info);
                let fill = if worst >= Severity::Warning {
                    warning.clone()
                } else {
                    info.clone()
                };
                (row - 1, fill)
            })
            .collect();
        rebuild::write_sheet(ws, sheet, &fills, notes_col + 1)?;
        let header_row = table
            .header_rows
            .first()
            .copied()
            .unwrap_or(1)
            .saturating_sub(1);
        ws.write_string_with_format(header_row, notes_col, NOTES_HEADER, &header)?;
        for (&row, found) in &flagged {
            let mut text: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
            let format = if row - 1 == header_row {
                // A finding about the header row itself goes under the column's name.
                text.insert(0, NOTES_HEADER);
                &header
            } else {
                fills.get(&(row - 1)).unwrap_or(&cell)
            };
            ws.write_string_with_format(row - 1, notes_col, text.join("\n"), format)?;
        }
        ws.set_column_width(notes_col, 60)?;
    }
    workbook.save_to_buffer()
}
