//! Writes a plan's task list as a workbook for review.

use rust_xlsxwriter::{
    DataValidation, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use super::layout::*;
use crate::{
    domain::{plan::PlanDraft, report_rule::ReportRule},
    error::{AppError, AppResult},
};

/// The workbook's bytes. Deterministic for the same plan (fixed document time).
pub fn write(draft: &PlanDraft) -> AppResult<Vec<u8>> {
    build(draft).map_err(|e| AppError::Internal(format!("không tạo được tệp Excel: {e}")))
}

fn build(draft: &PlanDraft) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("Danh mục nhiệm vụ")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let font = "Times New Roman";
    let header = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let cell = Format::new()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let date = cell.clone().set_num_format("dd/mm/yyyy");
    let title = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_font_size(14);
    let note = Format::new().set_italic().set_font_name(font);

    let tasks = workbook.add_worksheet();
    tasks.set_name(TASK_SHEET)?;
    let number = draft.plan.number.as_deref().unwrap_or("(chưa có số)");
    let province = draft.plan.province.as_deref().unwrap_or("");
    tasks.write_with_format(
        0,
        0,
        format!("DANH MỤC NHIỆM VỤ - KẾ HOẠCH SỐ {number} ({province})"),
        &title,
    )?;
    tasks.write_with_format(
        1,
        0,
        "Sửa trực tiếp trong bảng (mỗi dòng một nhiệm vụ; các cơ quan cách nhau bằng dấu chấm phẩy) rồi nhập lại; giữ nguyên mã của nhiệm vụ đã có để không mất báo cáo đã gửi.",
        &note,
    )?;
    for (col, name) in COLUMNS.iter().enumerate() {
        tasks.write_with_format(HEADER_ROW, col as u16, *name, &header)?;
    }
    for (i, task) in draft.tasks.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        tasks.write_string_with_format(row, 0, &task.code, &cell)?;
        tasks.write_string_with_format(row, 1, &task.group, &cell)?;
        tasks.write_string_with_format(row, 2, &task.title, &cell)?;
        tasks.write_string_with_format(row, 3, task.lead.join(LIST_SEPARATOR), &cell)?;
        tasks.write_string_with_format(row, 4, task.coordinating.join(LIST_SEPARATOR), &cell)?;
        tasks.write_string_with_format(row, 5, &task.due.text, &cell)?;
        tasks.write_string_with_format(row, 6, due_kind_label(task.due.kind), &cell)?;
        match task.due.end {
            Some(end) => {
                let end = ExcelDateTime::parse_from_str(&end.format("%Y-%m-%d").to_string())?;
                tasks.write_datetime_with_format(row, 7, &end, &date)?;
            }
            None => {
                tasks.write_blank(row, 7, &cell)?;
            }
        }
        let kpi_texts: Vec<&str> = task.kpi.iter().map(|k| k.text.as_str()).collect();
        let kpi_targets: Vec<String> = task
            .kpi
            .iter()
            .map(|k| k.target_percent.map(|p| p.to_string()).unwrap_or_default())
            .collect();
        tasks.write_string_with_format(row, 8, kpi_texts.join("\n"), &cell)?;
        tasks.write_string_with_format(row, 9, kpi_targets.join("\n"), &cell)?;
    }
    let last = HEADER_ROW + draft.tasks.len().max(1) as u32 + 200;
    let labels: Vec<&str> = DUE_KINDS.iter().map(|(_, l)| *l).collect();
    tasks.add_data_validation(
        HEADER_ROW + 1,
        6,
        last,
        6,
        &DataValidation::new().allow_list_strings(&labels)?,
    )?;
    for (col, width) in [12, 28, 60, 30, 36, 30, 16, 12, 30, 12].iter().enumerate() {
        tasks.set_column_width(col as u16, *width)?;
    }
    tasks.set_freeze_panes(HEADER_ROW + 1, 1)?;
    tasks.autofilter(
        HEADER_ROW,
        0,
        HEADER_ROW + draft.tasks.len() as u32,
        COLUMNS.len() as u16 - 1,
    )?;
    tasks
        .set_landscape()
        .set_paper_size(9)
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)?;

    let plan = workbook.add_worksheet();
    plan.set_name(PLAN_SHEET)?;
    let rules_text = draft
        .plan
        .report_rules
        .iter()
        .filter_map(|r| r.text.clone())
        .collect::<Vec<_>>()
        .join("\n");
    let all_rules: Vec<ReportRule> = if draft.plan.report_rules.is_empty() {
        draft.plan.report_due.iter().cloned().collect()
    } else {
        draft.plan.report_rules.clone()
    };
    let rules_json = serde_json::to_string(&all_rules).expect("rules serialise");
    let values = [
        province.to_string(),
        draft.plan.number.clone().unwrap_or_default(),
        draft
            .plan
            .issued_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default(),
        draft.plan.title.clone(),
        rules_text,
        rules_json,
    ];
    for (row, (key, value)) in PLAN_KEYS.iter().zip(values).enumerate() {
        plan.write_with_format(row as u32, 0, *key, &header)?;
        plan.write_string_with_format(row as u32, 1, value, &cell)?;
    }
    plan.set_column_width(0, 30)?;
    plan.set_column_width(1, 100)?;
    workbook.save_to_buffer()
}
