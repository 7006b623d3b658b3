//! The pre-filled monthly report template of one agency: its tasks in the plan (lead and
//! coordinating, marked), their due times, and empty columns for what it did, with a
//! drop-down list of status words and a 0–100 check on the progress.
//!
//! The template is made to come back: the column names are those the layout detection
//! recognises, the code column carries the plan's own task codes, so a filled-in template
//! matches every row by code without a warning.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Workbook, XlsxError,
};

use super::layout::{fill, Field, TemplateLayout};
use crate::{
    db::{plans, DbConnection},
    domain::period::Month,
    error::{AppError, AppResult},
    ingest::pipeline,
};

/// 0-based row of the column headers in the template.
pub const HEADER_ROW: u32 = 5;

/// One task line of the template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateTask {
    pub code: String,
    pub title: String,
    pub lead: bool,
    pub due: String,
}

/// Everything a template shows, gathered from the database.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateData {
    pub plan_number: String,
    pub plan_title: String,
    pub province: String,
    pub agency: String,
    pub period: Month,
    pub tasks: Vec<TemplateTask>,
}

/// The template of `agency` (a name or alias, followed to its successor for the period) for
/// `plan` (id or number) and `period` ("2023-11"), as .xlsx bytes.
pub fn template(
    conn: &mut DbConnection,
    plan: &str,
    agency: &str,
    period: &str,
) -> AppResult<Vec<u8>> {
    let data = gather(conn, plan, agency, period)?;
    write(&data, &TemplateLayout::load()?)
}

/// The template's content, without writing it.
pub fn gather(
    conn: &mut DbConnection,
    plan: &str,
    agency: &str,
    period: &str,
) -> AppResult<TemplateData> {
    let month = Month::parse(period).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Kỳ báo cáo \"{period}\" không hợp lệ; hãy ghi dạng 2023-11 (năm-tháng)."
        ))
    })?;
    let plan = plans::find(conn, plan)?;
    let (agency, _) = pipeline::resolve_agency(conn, &plan, agency, month)?;
    let tasks: Vec<TemplateTask> = plans::tasks_of_agency(conn, plan.id, agency.id)?
        .into_iter()
        .map(|(task, role)| TemplateTask {
            code: task.code,
            title: task.title,
            lead: role == "lead",
            due: task.due_text,
        })
        .collect();
    if tasks.is_empty() {
        return Err(AppError::BadRequest(format!(
            "{} không chủ trì hay phối hợp nhiệm vụ nào của kế hoạch {}; không có gì để báo cáo.",
            agency.name,
            plan.number.as_deref().unwrap_or(&plan.title)
        )));
    }
    Ok(TemplateData {
        plan_number: plan.number.clone().unwrap_or_else(|| plan.id.to_string()),
        plan_title: plan.title.clone(),
        province: plan.province.clone(),
        agency: agency.name,
        period: month,
        tasks,
    })
}

/// Writes the template workbook (pure).
pub fn write(data: &TemplateData, layout: &TemplateLayout) -> AppResult<Vec<u8>> {
    build(data, layout).map_err(|e| AppError::Internal(format!("không tạo được tệp Excel: {e}")))
}

fn build(data: &TemplateData, layout: &TemplateLayout) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Mẫu báo cáo tháng")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let font = "Times New Roman";
    let title = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let line = Format::new()
        .set_font_name(font)
        .set_align(FormatAlign::Center);
    let note = Format::new()
        .set_italic()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    let header = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let given = Format::new()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_background_color("#F2F2F2");
    let input = Format::new()
        .set_font_name(font)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_unlocked();

    let period = data.period.label();
    let values = [
        ("plan", data.plan_number.as_str()),
        ("plan_title", data.plan_title.as_str()),
        ("province", data.province.as_str()),
        ("agency", data.agency.as_str()),
        ("period", period.as_str()),
    ];
    let sheet = workbook.add_worksheet();
    sheet.set_name(&layout.sheet_name)?;
    let last_col = layout.columns.len() as u16 - 1;
    let banner = |sheet: &mut rust_xlsxwriter::Worksheet,
                  row: u32,
                  text: &str,
                  format: &Format|
     -> Result<(), XlsxError> {
        if last_col == 0 {
            sheet.write_string_with_format(row, 0, text, format)?;
        } else {
            sheet.merge_range(row, 0, row, last_col, text, format)?;
        }
        Ok(())
    };
    banner(sheet, 0, &fill(&layout.title, &values), &title)?;
    banner(sheet, 1, &fill(&layout.period_line, &values), &line)?;
    banner(
        sheet,
        2,
        &fill(&layout.agency_line, &values),
        &line.clone().set_bold(),
    )?;
    banner(sheet, 3, &fill(&layout.instructions, &values), &note)?;
    sheet.set_row_height(3, 32)?;
    for (col, column) in layout.columns.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, col as u16, &column.header, &header)?;
        sheet.set_column_width(col as u16, column.width)?;
    }
    for (i, task) in data.tasks.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        for (col, column) in layout.columns.iter().enumerate() {
            let col = col as u16;
            let text = match column.field {
                Field::Code => task.code.as_str(),
                Field::Task => task.title.as_str(),
                Field::Role if task.lead => layout.lead_label.as_str(),
                Field::Role => layout.coordinating_label.as_str(),
                Field::Due => task.due.as_str(),
                _ => {
                    sheet.write_blank(row, col, &input)?;
                    continue;
                }
            };
            sheet.write_string_with_format(row, col, text, &given)?;
        }
    }
    let first = HEADER_ROW + 1;
    let last = HEADER_ROW + data.tasks.len().max(1) as u32;
    if let Some(col) = layout.position(Field::Status) {
        let texts = &layout.status_input;
        let validation = DataValidation::new()
            .allow_list_strings(&layout.statuses.all())?
            .set_input_title(&texts.title)?
            .set_input_message(&texts.message)?
            .set_error_title(&texts.title)?
            .set_error_message(&texts.error)?;
        sheet.add_data_validation(first, col, last, col, &validation)?;
    }
    if let Some(col) = layout.position(Field::Progress) {
        let texts = &layout.progress_input;
        let validation = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_input_title(&texts.title)?
            .set_input_message(&texts.message)?
            .set_error_title(&texts.title)?
            .set_error_message(&texts.error)?;
        sheet.add_data_validation(first, col, last, col, &validation)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{layout, read, table::ColumnRole};

    fn data() -> TemplateData {
        TemplateData {
            plan_number: "13/KH-UBND".into(),
            plan_title: "Kế hoạch thực hiện Đề án 06".into(),
            province: "Trà Vinh".into(),
            agency: "Sở Thông tin và Truyền thông".into(),
            period: Month::parse("2022-11").unwrap(),
            tasks: vec![
                TemplateTask {
                    code: "1.1".into(),
                    title: "Rà soát, đánh giá hiện trạng hạ tầng".into(),
                    lead: true,
                    due: "Trong tháng 3 năm 2022".into(),
                },
                TemplateTask {
                    code: "7.a.1".into(),
                    title: "Tuyên truyền, hướng dẫn người dân".into(),
                    lead: false,
                    due: "Thường xuyên".into(),
                },
            ],
        }
    }

    #[test]
    fn the_layout_detection_recognises_the_template() {
        let bytes = write(&data(), &TemplateLayout::embedded()).unwrap();
        let grid = read::parse(&bytes, &read::ReadLimits::default())
            .unwrap()
            .grid;
        let table = layout::find_table(&grid).unwrap();
        assert_eq!(table.sheet, "Báo cáo");
        assert_eq!(table.header_rows, vec![HEADER_ROW + 1]);
        let roles: Vec<ColumnRole> = table.columns.iter().map(|(r, _)| *r).collect();
        for role in [
            ColumnRole::Number,
            ColumnRole::Task,
            ColumnRole::Result,
            ColumnRole::Status,
            ColumnRole::Progress,
            ColumnRole::Difficulties,
            ColumnRole::Proposals,
        ] {
            assert!(roles.contains(&role), "{role:?} in {roles:?}");
        }
        let numbers: Vec<&str> = table.rows.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(numbers, ["1.1", "7.a.1"]);
        assert!(
            table.findings.is_empty(),
            "an empty template reads without findings: {:?}",
            table.findings
        );
    }
}
