//! Writes the consolidated report as an .xlsx laid out by [`Layout`].
//!
//! Sheets, in order: summary (the Nghị định 30/2020 header block, the task group × state
//! table, the reporting compliance table and a chart of each), task detail, reporting
//! status, difficulties and proposals, KPI figures, and the year's tracking matrix.
//! Times New Roman, A4 landscape, header rows repeated on every printed page, page numbers
//! in the footer. Text that came from uploads is always written as a string, so a result
//! typed as "=1+1" stays text. The document time is fixed, so the same data (and report
//! date) gives the same bytes.

use std::{borrow::Cow, collections::HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartType, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};

use super::{
    layout::{Column, Layout, Placeholders, TableSheet},
    task_state::{Role, TaskState},
    timeliness::Timeliness,
    Consolidated,
};
use crate::{
    domain::period::to_local,
    error::{AppError, AppResult},
};

/// What the data does not say.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions {
    /// The date printed under the national motto ("Trà Vinh, ngày 05 tháng 01 năm 2023").
    pub report_date: NaiveDate,
    /// The document number, when the secretariat has one ("Số: 05/BC-CAT").
    pub number: Option<u32>,
}

/// First row of the table on the detail sheets (title above, header row here).
const HEADER_ROW: u32 = 2;

pub fn write(c: &Consolidated, layout: &Layout, options: &WriteOptions) -> AppResult<Vec<u8>> {
    build(c, layout, options, Formats::new(&layout.font))
        .map_err(|e| AppError::Internal(format!("không tạo được tệp Excel tổng hợp: {e}")))
}

/// "Trà Vinh, ngày 05 tháng 01 năm 2023": a zero before days under 10 and months under 3
/// (Nghị định 30/2020/NĐ-CP, Phụ lục I).
pub fn place_and_date(place: &str, date: NaiveDate) -> String {
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// "Số:   /BC-CAT" with the number filled in ("Số: 05/BC-CAT"), or as written.
pub fn document_number(template: &str, number: Option<u32>) -> String {
    match (number, template.split_once(':')) {
        (Some(n), Some((head, tail))) => format!("{head}: {n:02}{}", tail.trim_start()),
        _ => template.to_string(),
    }
}

/// A local time as users read it: "17/11/2022 23:59".
pub fn local_text(utc: NaiveDateTime) -> String {
    to_local(utc).format("%d/%m/%Y %H:%M").to_string()
}

struct Formats {
    plain: Format,
    bold: Format,
    bold_center: Format,
    center: Format,
    italic_center: Format,
    title: Format,
    header: Format,
    cell: Format,
    number: Format,
    datetime: Format,
    date: Format,
    bold_italic: Format,
    total: Format,
    /// One coloured format per task state and per timeliness, built once: a table of 100k
    /// rows must not build a format per cell.
    states: Vec<Format>,
    timeliness: [Format; 4],
    /// Whether [`write_rows`] streams the middle rows of a table through column formats
    /// (always, except in the test that checks it gives the same bytes).
    column_formats: bool,
}

impl Formats {
    fn new(font: &str) -> Formats {
        let base = Format::new().set_font_name(font).set_font_size(12);
        let cell = base
            .clone()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin);
        let cell_center = cell.clone().set_align(FormatAlign::Center);
        Formats {
            plain: base.clone(),
            bold: base.clone().set_bold(),
            bold_center: base.clone().set_bold().set_align(FormatAlign::Center),
            center: base.clone().set_align(FormatAlign::Center),
            italic_center: base.clone().set_italic().set_align(FormatAlign::Center),
            title: base
                .clone()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            header: base
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color("#DDEBF7"),
            number: cell.clone().set_align(FormatAlign::Center),
            datetime: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("dd/mm/yyyy hh:mm"),
            date: cell
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("dd/mm/yyyy"),
            total: cell.clone().set_bold().set_align(FormatAlign::Center),
            states: TaskState::ALL
                .iter()
                .map(|s| cell_center.clone().set_background_color(state_color(*s)))
                .collect(),
            timeliness: [
                Some(Timeliness::OnTime),
                Some(Timeliness::Late { days: 0, hours: 1 }),
                Some(Timeliness::Missing),
                None,
            ]
            .map(|t| {
                cell_center
                    .clone()
                    .set_background_color(timeliness_color(t))
            }),
            cell,
            bold_italic: base.clone().set_bold().set_italic(),
            column_formats: true,
        }
    }

    /// Formats written with every cell: no column formats (see [`write_rows`]).
    fn explicit(font: &str) -> Formats {
        Formats {
            column_formats: false,
            ..Formats::new(font)
        }
    }

    fn state(&self, state: TaskState) -> &Format {
        let index = TaskState::ALL
            .iter()
            .position(|s| *s == state)
            .expect("every state is listed");
        &self.states[index]
    }

    fn timeliness(&self, t: Option<Timeliness>) -> &Format {
        &self.timeliness[match t {
            Some(Timeliness::OnTime) => 0,
            Some(Timeliness::Late { .. }) => 1,
            Some(Timeliness::Missing) => 2,
            None => 3,
        }]
    }
}

fn state_color(state: TaskState) -> &'static str {
    {
        match state {
            TaskState::DoneOnTime => "#C6EFCE",
            TaskState::DoneLate => "#E2EFDA",
            TaskState::InProgressOnTime => "#DDEBF7",
            TaskState::InProgressOverdue => "#FFC7CE",
            TaskState::DueSoon => "#FFEB9C",
            TaskState::Recurring => "#EDEDED",
            TaskState::NotStarted => "#FCE4D6",
            TaskState::NoReport => "#F8CBAD",
        }
    }
}

fn timeliness_color(t: Option<Timeliness>) -> &'static str {
    match t {
        Some(Timeliness::OnTime) => "#C6EFCE",
        Some(Timeliness::Late { .. }) => "#FFEB9C",
        Some(Timeliness::Missing) => "#FFC7CE",
        None => "#EDEDED",
    }
}

/// Writes only the task detail sheet ("Chi tiết nhiệm vụ"), as the full workbook writes it:
/// what `tonghop bench consolidate` times against the compression floor of the same XML.
pub fn write_detail_sheet(c: &Consolidated, layout: &Layout) -> AppResult<Vec<u8>> {
    write_detail_sheet_with(c, layout, Formats::new(&layout.font))
}

/// [`write_detail_sheet`] the plain way: every cell written with its own format, as a
/// straightforward use of rust_xlsxwriter would. The same bytes
/// (`tests::column_formats_keep_the_same_bytes`); the benchmark's anchor for what streaming
/// the middle rows through column formats saves.
pub fn write_detail_sheet_plainly(c: &Consolidated, layout: &Layout) -> AppResult<Vec<u8>> {
    write_detail_sheet_with(c, layout, Formats::explicit(&layout.font))
}

fn write_detail_sheet_with(c: &Consolidated, layout: &Layout, f: Formats) -> AppResult<Vec<u8>> {
    let values = Placeholders::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new().set_creation_datetime(
            &ExcelDateTime::from_ymd(2000, 1, 1)
                .map_err(|e| AppError::Internal(format!("ghi tệp Excel: {e}")))?,
        ),
    );
    tasks_sheet(&mut workbook, c, &layout.sheets.tasks, &values, &f)
        .and_then(|()| workbook.save_to_buffer())
        .map_err(|e| AppError::Internal(format!("ghi tệp Excel: {e}")))
}

fn build(
    c: &Consolidated,
    layout: &Layout,
    options: &WriteOptions,
    f: Formats,
) -> Result<Vec<u8>, XlsxError> {
    let values = Placeholders::of_report(c);

    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(values.fill(&layout.document.summary))
            .set_author("tonghop")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );

    summary_sheet(&mut workbook, c, layout, options, &values, &f)?;
    tasks_sheet(&mut workbook, c, &layout.sheets.tasks, &values, &f)?;
    reports_sheet(&mut workbook, c, &layout.sheets.reports, &values, &f)?;
    difficulties_sheet(&mut workbook, c, &layout.sheets.difficulties, &values, &f)?;
    kpi_sheet(&mut workbook, c, &layout.sheets.kpi, &values, &f)?;
    tracking_sheet(&mut workbook, c, layout, &values, &f)?;
    workbook.save_to_buffer()
}

fn page_setup(sheet: &mut Worksheet) {
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_footer("&CTrang &P/&N");
}

fn summary_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &Layout,
    options: &WriteOptions,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let texts = &layout.document;
    let s = &layout.sheets.summary;
    let sheet = workbook.add_worksheet();
    sheet.set_name(&s.name)?;
    page_setup(sheet);
    let last_col: u16 = 1 + TaskState::ALL.len() as u16; // group + states + total
    sheet.set_column_width(0, s.first_column_width)?;
    for col in 1..=last_col {
        sheet.set_column_width(col, s.other_columns_width)?;
    }
    // Nghị định 30/2020 header block: issuing body left, national title right.
    let right = 3u16;
    sheet.merge_range(0, 0, 0, 1, &values.fill(&texts.parent_body), &f.center)?;
    sheet.merge_range(
        1,
        0,
        1,
        1,
        &values.fill(&texts.issuing_body),
        &f.bold_center,
    )?;
    sheet.merge_range(
        2,
        0,
        2,
        1,
        &document_number(&values.fill(&texts.number), options.number),
        &f.center,
    )?;
    sheet.merge_range(0, right, 0, last_col, &texts.nation, &f.bold_center)?;
    sheet.merge_range(1, right, 1, last_col, &texts.motto, &f.bold_center)?;
    sheet.merge_range(
        2,
        right,
        2,
        last_col,
        &place_and_date(&values.fill(&texts.place), options.report_date),
        &f.italic_center,
    )?;
    sheet.merge_range(4, 0, 4, last_col, &texts.title, &f.title)?;
    sheet.merge_range(
        5,
        0,
        5,
        last_col,
        &values.fill(&texts.summary).to_uppercase(),
        &f.title,
    )?;
    sheet.set_row_height(5, 36)?;
    let window = &c.data.period;
    let deadline = window
        .deadline
        .map(local_text)
        .unwrap_or_else(|| "không quy định".into());
    let note = Placeholders::new()
        .with("deadline", deadline)
        .with(
            "cutoff_start",
            window.cutoff_start.format("%d/%m/%Y").to_string(),
        )
        .with(
            "cutoff_end",
            window.cutoff_end.format("%d/%m/%Y").to_string(),
        )
        .with(
            "months",
            c.data
                .year_periods
                .iter()
                .map(|w| format!("{:02}/{}", w.month.month, w.month.year))
                .collect::<Vec<_>>()
                .join(", "),
        )
        .fill(&values.fill(if c.data.span.is_month() {
            &s.deadline_note
        } else {
            &s.span_note
        }));
    sheet.merge_range(6, 0, 6, last_col, &note, &f.italic_center)?;

    // I. Tasks by group and state.
    let mut row = 8;
    sheet.write_string_with_format(row, 0, values.fill(&s.tasks_title), &f.bold)?;
    row += 1;
    let table_header = row;
    sheet.write_string_with_format(row, 0, &s.group_header, &f.header)?;
    for (i, state) in TaskState::ALL.iter().enumerate() {
        sheet.write_string_with_format(row, 1 + i as u16, state.label(), &f.header)?;
    }
    sheet.write_string_with_format(row, last_col, &s.total_header, &f.header)?;
    sheet.set_row_height(row, 48)?;
    let groups: HashMap<i64, &str> = c
        .data
        .groups
        .iter()
        .map(|g| (g.id, g.title.as_str()))
        .collect();
    let by_group = c.by_group();
    let mut totals = [0usize; 8];
    for (group, counts) in &by_group {
        row += 1;
        let name = group
            .and_then(|g| groups.get(&g).copied())
            .unwrap_or(&s.no_group);
        sheet.write_string_with_format(row, 0, name, &f.cell)?;
        for (i, n) in counts.iter().enumerate() {
            totals[i] += n;
            sheet.write_number_with_format(row, 1 + i as u16, *n as f64, &f.number)?;
        }
        sheet.write_number_with_format(
            row,
            last_col,
            counts.iter().sum::<usize>() as f64,
            &f.total,
        )?;
    }
    let first_group_row = table_header + 1;
    let last_group_row = row;
    row += 1;
    sheet.write_string_with_format(row, 0, &s.total_row, &f.total)?;
    for (i, n) in totals.iter().enumerate() {
        sheet.write_number_with_format(row, 1 + i as u16, *n as f64, &f.total)?;
    }
    sheet.write_number_with_format(row, last_col, totals.iter().sum::<usize>() as f64, &f.total)?;

    // II. Reporting compliance.
    row += 2;
    sheet.write_string_with_format(row, 0, values.fill(&s.compliance_title), &f.bold)?;
    row += 1;
    let compliance_header = row;
    let headers = if c.data.span.is_month() {
        &s.compliance_headers
    } else {
        &s.span_compliance_headers
    };
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, i as u16, h, &f.header)?;
    }
    row += 1;
    let k = c.compliance;
    for (i, n) in [k.expected, k.on_time, k.late, k.missing]
        .iter()
        .enumerate()
    {
        sheet.write_number_with_format(row, i as u16, *n as f64, &f.total)?;
    }
    let compliance_row = row;

    // Nơi nhận.
    row += 2;
    sheet.write_string_with_format(row, 0, &texts.recipients_title, &f.bold_italic)?;
    for line in &texts.recipients {
        row += 1;
        sheet.write_string_with_format(row, 0, values.fill(line), &f.plain)?;
    }

    // Charts below.
    let chart_row = row + 2;
    let font = ChartFont::new().set_name(&layout.font).clone();
    if last_group_row >= first_group_row {
        let mut chart = Chart::new(ChartType::ColumnStacked);
        for i in 0..TaskState::ALL.len() as u16 {
            chart
                .add_series()
                .set_name((s.name.as_str(), table_header, 1 + i))
                .set_categories((s.name.as_str(), first_group_row, 0, last_group_row, 0))
                .set_values((
                    s.name.as_str(),
                    first_group_row,
                    1 + i,
                    last_group_row,
                    1 + i,
                ));
        }
        chart.title().set_name(&s.tasks_chart_title).set_font(&font);
        chart.legend().set_font(&font);
        chart.x_axis().set_font(&font);
        chart.y_axis().set_font(&font);
        chart.set_width(720).set_height(360);
        sheet.insert_chart(chart_row, 0, &chart)?;
    }
    let mut pie = Chart::new(ChartType::Pie);
    pie.add_series()
        .set_categories((s.name.as_str(), compliance_header, 1, compliance_header, 3))
        .set_values((s.name.as_str(), compliance_row, 1, compliance_row, 3))
        .set_points(&[
            rust_xlsxwriter::ChartPoint::new().set_format(
                rust_xlsxwriter::ChartFormat::new()
                    .set_solid_fill(rust_xlsxwriter::ChartSolidFill::new().set_color("#70AD47")),
            ),
            rust_xlsxwriter::ChartPoint::new().set_format(
                rust_xlsxwriter::ChartFormat::new()
                    .set_solid_fill(rust_xlsxwriter::ChartSolidFill::new().set_color("#FFC000")),
            ),
            rust_xlsxwriter::ChartPoint::new().set_format(
                rust_xlsxwriter::ChartFormat::new()
                    .set_solid_fill(rust_xlsxwriter::ChartSolidFill::new().set_color("#C00000")),
            ),
        ])
        .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
    pie.title()
        .set_name(&s.compliance_chart_title)
        .set_font(&font);
    pie.legend().set_font(&font);
    pie.set_width(480).set_height(360);
    sheet.insert_chart(chart_row, 5, &pie)?;
    Ok(())
}

/// Title row, header row, widths, frozen panes, autofilter and repeated header row of a
/// table sheet. Returns the sheet.
fn table_sheet<'a>(
    workbook: &'a mut Workbook,
    layout: &TableSheet,
    values: &Placeholders,
    f: &Formats,
    rows: usize,
) -> Result<&'a mut Worksheet, XlsxError> {
    // Table sheets are written row by row in order, so they can stream to a temporary file
    // instead of holding every cell: a 100k-task plan stays within a few megabytes.
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(&layout.name)?;
    page_setup(sheet);
    let last = layout.columns.len() as u16 - 1;
    if last > 0 {
        sheet.merge_range(0, 0, 0, last, &values.fill(&layout.title), &f.title)?;
    } else {
        sheet.write_string_with_format(0, 0, values.fill(&layout.title), &f.title)?;
    }
    sheet.set_row_height(0, 36)?;
    for (i, column) in layout.columns.iter().enumerate() {
        sheet.write_string_with_format(HEADER_ROW, i as u16, &column.header, &f.header)?;
        sheet.set_column_width(i as u16, column.width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 0)?;
    sheet.autofilter(HEADER_ROW, 0, HEADER_ROW + rows.max(1) as u32, last)?;
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(sheet)
}

/// A value of one cell of a table sheet, borrowing its text where the data already holds it.
enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Blank,
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Styled(Cow<'a, str>, &'a Format),
}

impl<'a> Cell<'a> {
    /// The format the cell is written with.
    fn format(&self, f: &'a Formats) -> &'a Format {
        match self {
            Cell::Text(_) | Cell::Blank => &f.cell,
            Cell::Number(_) => &f.number,
            Cell::Date(_) => &f.date,
            Cell::DateTime(_) => &f.datetime,
            Cell::Styled(_, format) => format,
        }
    }
}

/// Writes one cell. When `column` is the cell's own format and is set as the column's format
/// for the rows being streamed (see [`write_rows`]), the cell is written without a format:
/// the file gets the same style index, without rust_xlsxwriter hashing the whole `Format`
/// again for every cell.
fn put<'a>(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell<'a>,
    f: &'a Formats,
    column: Option<&Format>,
) -> Result<(), XlsxError> {
    let format = cell.format(f);
    let inherit = column.is_some_and(|c| std::ptr::eq(c, format));
    match cell {
        Cell::Text(t) | Cell::Styled(t, _) if inherit => sheet.write_string(row, col, t)?,
        Cell::Text(t) | Cell::Styled(t, _) => {
            sheet.write_string_with_format(row, col, t, format)?
        }
        Cell::Number(n) if inherit => sheet.write_number(row, col, n)?,
        Cell::Number(n) => sheet.write_number_with_format(row, col, n, format)?,
        Cell::Blank => sheet.write_blank(row, col, format)?,
        Cell::Date(d) => sheet.write_datetime_with_format(row, col, &excel_date(d)?, format)?,
        Cell::DateTime(t) => {
            sheet.write_datetime_with_format(row, col, &excel_datetime(t)?, format)?
        }
    };
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn excel_datetime(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)
}

/// Writes the rows of a table sheet below its header row. Each column's layout key is
/// resolved once (`kind`), not matched as a string for every cell.
///
/// Every cell carries a format, and rust_xlsxwriter finds a format's style index by hashing
/// the whole `Format` (font, borders, fill, alignment, number format) on every write: most
/// of the cost of a large sheet beyond producing and deflating its XML. So the middle rows
/// are written this way: after the first row (written with explicit formats, which keeps the
/// workbook's style order), each column gets the format of its first cell as its column
/// format, and a cell with that very format is written without one; in constant-memory mode
/// rust_xlsxwriter resolves an unformatted cell to the column's style index when it flushes
/// the row, so the XML is the same `s="…"` as before. The last row is written with explicit
/// formats again, and the column formats are cleared before saving (the last row is flushed
/// only then), so no `<col>` gets a style. Blank cells, which need a format to exist at all,
/// are made by one `set_range_format` per middle row when there are several. The bytes are
/// those of writing every cell with its format (`tests::column_formats_keep_the_same_bytes`).
fn write_rows<'a, K: Copy, T>(
    sheet: &mut Worksheet,
    columns: &[Column],
    kind: fn(&str) -> K,
    items: &'a [T],
    f: &'a Formats,
    mut cell: impl FnMut(K, usize, &'a T) -> Cell<'a>,
) -> Result<(), XlsxError> {
    let kinds: Vec<K> = columns.iter().map(|c| kind(&c.key)).collect();
    // The column formats, by address into `f`, while the middle rows are written.
    let mut inherited: Vec<Option<&Format>> = vec![None; kinds.len()];
    let mut cells: Vec<Cell<'a>> = Vec::with_capacity(kinds.len());
    let last = items.len().saturating_sub(1);
    for (i, item) in items.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let streamed = f.column_formats && i > 0 && i < last;
        cells.extend(kinds.iter().map(|k| cell(*k, i, item)));
        if i == 0 && f.column_formats && last >= 2 {
            for (col, value) in cells.iter().enumerate() {
                inherited[col] = Some(value.format(f));
            }
        }
        // Several blank cells after the first column: one format lookup for all of them.
        // `set_range_format` gives every cell of the row from the second column on the blank
        // cell's format (creating blank cells); the other cells are written over them.
        // The first cell is written before, so that the previous row is flushed and this
        // one is rust_xlsxwriter's current row.
        let ranged = streamed
            && cells.len() > 2
            && cells[1..]
                .iter()
                .filter(|c| matches!(c, Cell::Blank))
                .count()
                >= 2;
        let width = cells.len();
        for (col, value) in cells.drain(..).enumerate() {
            if ranged && col == 1 {
                sheet.set_range_format(row, 1, row, (width - 1) as u16, &f.cell)?;
            }
            if ranged && col >= 1 && matches!(value, Cell::Blank) {
                continue;
            }
            let column = if streamed { inherited[col] } else { None };
            put(sheet, row, col as u16, value, f, column)?;
        }
        if i == 0 && f.column_formats && last >= 2 {
            for (col, format) in inherited.iter().enumerate() {
                if let Some(format) = format {
                    sheet.set_column_format(col as u16, format)?;
                }
            }
        }
    }
    if f.column_formats && last >= 2 {
        // The last row is written (which flushed the one before it); clear the column
        // formats so that no <col> carries a style. `table_sheet` gave every column a width,
        // so each already has its <col>; only its style index goes back to 0.
        let none = Format::default();
        for col in 0..kinds.len() {
            sheet.set_column_format(col as u16, &none)?;
        }
    }
    Ok(())
}

fn text<'a>(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
    let s = s.into();
    if s.is_empty() {
        Cell::Blank
    } else {
        Cell::Text(s)
    }
}

fn opt_number(n: Option<f64>) -> Cell<'static> {
    n.map(Cell::Number).unwrap_or(Cell::Blank)
}

/// Agency names by id, built once per workbook instead of once per cell.
struct Names<'a> {
    names: HashMap<i64, Cow<'a, str>>,
}

impl<'a> Names<'a> {
    fn new(data: &'a super::data::PeriodData) -> Names<'a> {
        Names {
            names: data
                .agencies
                .iter()
                .map(|(id, a)| (*id, Cow::Borrowed(a.name.as_str())))
                .collect(),
        }
    }

    /// One agency's name (as [`super::data::PeriodData::agency_name`] gives it).
    fn one(&self, id: i64) -> Cow<'a, str> {
        match self.names.get(&id) {
            Some(name) => name.clone(),
            None => Cow::Owned(format!("Cơ quan số {id}")),
        }
    }

    /// Names joined with "; ", borrowed when there is only one.
    fn list(&self, ids: &[i64]) -> Cow<'a, str> {
        match ids {
            [] => Cow::Borrowed(""),
            [id] => self.one(*id),
            _ => Cow::Owned(
                ids.iter()
                    .map(|id| self.one(*id))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }
}

/// The columns the task detail sheet knows.
#[derive(Debug, Clone, Copy)]
enum TaskColumn {
    Stt,
    Code,
    Group,
    Title,
    Lead,
    Coordinators,
    Due,
    DueEnd,
    State,
    Progress,
    LeadResult,
    Contributions,
    Other,
}

impl TaskColumn {
    fn of(key: &str) -> TaskColumn {
        match key {
            "stt" => TaskColumn::Stt,
            "code" => TaskColumn::Code,
            "group" => TaskColumn::Group,
            "title" => TaskColumn::Title,
            "lead" => TaskColumn::Lead,
            "coordinators" => TaskColumn::Coordinators,
            "due" => TaskColumn::Due,
            "due_end" => TaskColumn::DueEnd,
            "state" => TaskColumn::State,
            "progress" => TaskColumn::Progress,
            "lead_result" => TaskColumn::LeadResult,
            "contributions" => TaskColumn::Contributions,
            _ => TaskColumn::Other,
        }
    }
}

fn tasks_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &TableSheet,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let data = &c.data;
    let groups: HashMap<i64, &str> = data
        .groups
        .iter()
        .map(|g| (g.id, g.title.as_str()))
        .collect();
    let names = Names::new(data);
    let items: Vec<_> = data.tasks.iter().zip(&c.tasks).collect();
    let sheet = table_sheet(workbook, layout, values, f, items.len())?;
    write_rows(
        sheet,
        &layout.columns,
        TaskColumn::of,
        &items,
        f,
        |key, i, (task, report)| match key {
            TaskColumn::Stt => Cell::Number((i + 1) as f64),
            TaskColumn::Code => text(task.code.as_str()),
            TaskColumn::Group => text(
                task.group_id
                    .and_then(|g| groups.get(&g).copied())
                    .unwrap_or(""),
            ),
            TaskColumn::Title => text(task.title.as_str()),
            TaskColumn::Lead => text(names.list(&report.leads)),
            TaskColumn::Coordinators => text(names.list(&report.coordinators)),
            TaskColumn::Due => text(task.due_text.as_str()),
            TaskColumn::DueEnd => task.due_end.map(Cell::Date).unwrap_or(Cell::Blank),
            TaskColumn::State => {
                Cell::Styled(Cow::Borrowed(report.state.label()), f.state(report.state))
            }
            TaskColumn::Progress => opt_number(report.progress.map(f64::from)),
            TaskColumn::LeadResult => text(report.lead_result.as_str()),
            TaskColumn::Contributions => {
                if report.coordinators.is_empty() && report.contributions.is_empty() {
                    return Cell::Blank;
                }
                let mut lines: Vec<String> = Vec::new();
                for id in &report.coordinators {
                    match report.contributions.iter().find(|k| k.agency_id == *id) {
                        Some(k) => lines.push(contribution_line(&names.one(*id), k)),
                        None => lines.push(format!("- {}: chưa báo cáo", names.one(*id))),
                    }
                }
                for k in report
                    .contributions
                    .iter()
                    .filter(|k| k.role == Role::Other)
                {
                    lines.push(contribution_line(
                        &format!("{} (không được giao)", names.one(k.agency_id)),
                        k,
                    ));
                }
                text(lines.join("\n"))
            }
            TaskColumn::Other => Cell::Blank,
        },
    )
}

fn contribution_line(name: &str, k: &super::task_state::Contribution) -> String {
    let progress = k.progress.map(|p| format!(" ({p}%)")).unwrap_or_default();
    let result = if k.result.is_empty() {
        k.reported.label().to_string()
    } else {
        k.result.clone()
    };
    format!("- {name}{progress}: {result}")
}

/// The columns the reporting status sheet knows.
#[derive(Debug, Clone, Copy)]
enum ReportColumn {
    Stt,
    Agency,
    SubmittedAt,
    Version,
    Timeliness,
    Findings,
    Reminders,
    Note,
    Other,
}

impl ReportColumn {
    fn of(key: &str) -> ReportColumn {
        match key {
            "stt" => ReportColumn::Stt,
            "agency" => ReportColumn::Agency,
            "submitted_at" => ReportColumn::SubmittedAt,
            "version" => ReportColumn::Version,
            "timeliness" => ReportColumn::Timeliness,
            "findings" => ReportColumn::Findings,
            "reminders" => ReportColumn::Reminders,
            "note" => ReportColumn::Note,
            _ => ReportColumn::Other,
        }
    }
}

fn reports_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &TableSheet,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let data = &c.data;
    let names = Names::new(data);
    let mut items: Vec<_> = c.timeliness.iter().collect();
    items.sort_by_cached_key(|a| names.one(a.agency_id));
    let sheet = table_sheet(workbook, layout, values, f, items.len())?;
    write_rows(
        sheet,
        &layout.columns,
        ReportColumn::of,
        &items,
        f,
        |key, i, a| match key {
            ReportColumn::Stt => Cell::Number((i + 1) as f64),
            ReportColumn::Agency => text(names.one(a.agency_id)),
            ReportColumn::SubmittedAt => a
                .uploaded_at
                .map(|t| Cell::DateTime(to_local(t)))
                .unwrap_or(Cell::Blank),
            ReportColumn::Version => opt_number(a.version.map(f64::from)),
            ReportColumn::Timeliness => Cell::Styled(
                Cow::Owned(a.timeliness.describe()),
                f.timeliness(Some(a.timeliness)),
            ),
            ReportColumn::Findings => Cell::Number(a.findings as f64),
            ReportColumn::Reminders => {
                Cell::Number(data.reminders_sent.get(&a.agency_id).copied().unwrap_or(0) as f64)
            }
            ReportColumn::Note => {
                if a.on_behalf_of.is_empty() {
                    Cell::Blank
                } else {
                    text(format!("Báo cáo thay cho: {}", names.list(&a.on_behalf_of)))
                }
            }
            ReportColumn::Other => Cell::Blank,
        },
    )
}

/// The columns the difficulties sheet knows.
#[derive(Debug, Clone, Copy)]
enum DifficultyColumn {
    Stt,
    Agency,
    Task,
    Difficulties,
    Proposals,
    Other,
}

impl DifficultyColumn {
    fn of(key: &str) -> DifficultyColumn {
        match key {
            "stt" => DifficultyColumn::Stt,
            "agency" => DifficultyColumn::Agency,
            "task" => DifficultyColumn::Task,
            "difficulties" => DifficultyColumn::Difficulties,
            "proposals" => DifficultyColumn::Proposals,
            _ => DifficultyColumn::Other,
        }
    }
}

fn difficulties_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &TableSheet,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let data = &c.data;
    let names = Names::new(data);
    let tasks: HashMap<i64, String> = data
        .tasks
        .iter()
        .map(|t| (t.id, format!("{}. {}", t.code, t.title)))
        .collect();
    let sheet = table_sheet(workbook, layout, values, f, c.difficulties.len())?;
    write_rows(
        sheet,
        &layout.columns,
        DifficultyColumn::of,
        &c.difficulties,
        f,
        |key, i, d| match key {
            DifficultyColumn::Stt => Cell::Number((i + 1) as f64),
            DifficultyColumn::Agency => text(names.one(d.agency_id)),
            DifficultyColumn::Task => text(
                d.task_id
                    .and_then(|t| tasks.get(&t))
                    .map(|t| t.as_str())
                    .unwrap_or("(không khớp nhiệm vụ nào của kế hoạch)"),
            ),
            DifficultyColumn::Difficulties => text(d.difficulties.as_str()),
            DifficultyColumn::Proposals => text(d.proposals.as_str()),
            DifficultyColumn::Other => Cell::Blank,
        },
    )
}

/// The columns the KPI sheet knows.
#[derive(Debug, Clone, Copy)]
enum KpiColumn {
    Stt,
    Code,
    Task,
    Lead,
    Kpi,
    Target,
    Progress,
    Assessment,
    Other,
}

impl KpiColumn {
    fn of(key: &str) -> KpiColumn {
        match key {
            "stt" => KpiColumn::Stt,
            "code" => KpiColumn::Code,
            "task" => KpiColumn::Task,
            "lead" => KpiColumn::Lead,
            "kpi" => KpiColumn::Kpi,
            "target" => KpiColumn::Target,
            "progress" => KpiColumn::Progress,
            "assessment" => KpiColumn::Assessment,
            _ => KpiColumn::Other,
        }
    }
}

fn kpi_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &TableSheet,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let data = &c.data;
    let names = Names::new(data);
    let tasks: HashMap<i64, (&super::data::TaskInfo, &super::task_state::TaskReport)> = data
        .tasks
        .iter()
        .zip(&c.tasks)
        .map(|(t, r)| (t.id, (t, r)))
        .collect();
    let sheet = table_sheet(workbook, layout, values, f, c.kpis.len())?;
    write_rows(
        sheet,
        &layout.columns,
        KpiColumn::of,
        &c.kpis,
        f,
        |key, i, k| {
            let (task, report) = tasks[&k.task_id];
            match key {
                KpiColumn::Stt => Cell::Number((i + 1) as f64),
                KpiColumn::Code => text(task.code.as_str()),
                KpiColumn::Task => text(task.title.as_str()),
                KpiColumn::Lead => text(names.list(&report.leads)),
                KpiColumn::Kpi => text(k.text.as_str()),
                KpiColumn::Target => opt_number(k.target_percent),
                KpiColumn::Progress => opt_number(k.progress.map(f64::from)),
                KpiColumn::Assessment => text(k.assessment()),
                KpiColumn::Other => Cell::Blank,
            }
        },
    )
}

fn tracking_sheet(
    workbook: &mut Workbook,
    c: &Consolidated,
    layout: &Layout,
    values: &Placeholders,
    f: &Formats,
) -> Result<(), XlsxError> {
    let t = &layout.sheets.tracking;
    let data = &c.data;
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(&t.name)?;
    page_setup(sheet);
    let last = c.tracking.months.len() as u16 + 1;
    sheet.merge_range(0, 0, 0, last.max(2), &values.fill(&t.title), &f.title)?;
    sheet.set_row_height(0, 36)?;
    sheet.write_string_with_format(HEADER_ROW, 0, "STT", &f.header)?;
    sheet.set_column_width(0, 6)?;
    sheet.write_string_with_format(HEADER_ROW, 1, &t.agency_header, &f.header)?;
    sheet.set_column_width(1, t.agency_width)?;
    for (i, month) in c.tracking.months.iter().enumerate() {
        let header = Placeholders::new()
            .with("month", format!("{:02}", month.month))
            .with("year", month.year.to_string())
            .fill(&t.period_header);
        sheet.write_string_with_format(HEADER_ROW, 2 + i as u16, header, &f.header)?;
        sheet.set_column_width(2 + i as u16, t.period_width)?;
    }
    for (r, (agency, cells)) in c.tracking.rows.iter().enumerate() {
        let row = HEADER_ROW + 1 + r as u32;
        sheet.write_number_with_format(row, 0, (r + 1) as f64, &f.number)?;
        sheet.write_string_with_format(row, 1, data.agency_name(*agency), &f.cell)?;
        for (i, cell) in cells.iter().enumerate() {
            let label = match cell {
                Some(x) => x.label().to_string(),
                None => t.not_expected.clone(),
            };
            sheet.write_string_with_format(row, 2 + i as u16, label, f.timeliness(*cell))?;
        }
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 2)?;
    sheet.autofilter(
        HEADER_ROW,
        0,
        HEADER_ROW + c.tracking.rows.len().max(1) as u32,
        last,
    )?;
    sheet.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writing the middle rows of table sheets through column formats gives the bytes of
    /// writing every cell with its own format, and leaves no style on a column.
    #[test]
    fn column_formats_keep_the_same_bytes() {
        use super::super::data::{Assignment, GroupInfo};
        let mut data = super::super::bench::detail_data(300);
        let mut second = data.agencies[&1].clone();
        second.id = 2;
        second.name = "UBND huyện Càng Long".into();
        data.agencies.insert(2, second);
        data.groups.push(GroupInfo {
            id: 1,
            code: "I".into(),
            title: "Nhóm thử".into(),
            position: 0,
        });
        for (i, task) in data.tasks.iter_mut().enumerate() {
            if i % 7 == 0 {
                task.due_end = NaiveDate::from_ymd_opt(2023, 12, 31);
            }
            if i % 5 == 0 {
                task.group_id = Some(1);
            }
            if i % 4 == 0 {
                data.assignments.push(Assignment {
                    task_id: task.id,
                    agency_id: 2,
                    role: "coordinating".into(),
                });
            }
        }
        let c = Consolidated::build(data, super::super::Options::default());
        let layout = Layout::bundled();
        let streamed = write_detail_sheet(&c, &layout).unwrap();
        assert!(streamed == write_detail_sheet_plainly(&c, &layout).unwrap());
        let options = WriteOptions {
            report_date: NaiveDate::from_ymd_opt(2023, 11, 20).unwrap(),
            number: Some(5),
        };
        let full = build(&c, &layout, &options, Formats::new(&layout.font)).unwrap();
        let explicit = Formats::explicit(&layout.font);
        assert!(full == build(&c, &layout, &options, explicit).unwrap());

        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&streamed)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        let cols = &xml[xml.find("<cols>").unwrap()..xml.find("</cols>").unwrap()];
        assert!(!cols.contains("style="), "{cols}");
        let cells: Vec<&str> = xml.split("<c r=").skip(1).collect();
        assert!(cells.len() > 300 * 11);
        for cell in cells {
            let tag = &cell[..cell.find('>').unwrap()];
            assert!(tag.contains(" s=\""), "a cell without its style: {tag}");
        }
    }

    #[test]
    fn dates_follow_decree_30() {
        let d = NaiveDate::from_ymd_opt(2023, 1, 5).unwrap();
        assert_eq!(
            place_and_date("Trà Vinh", d),
            "Trà Vinh, ngày 05 tháng 01 năm 2023"
        );
        let d = NaiveDate::from_ymd_opt(2022, 11, 17).unwrap();
        assert_eq!(
            place_and_date("Trà Vinh", d),
            "Trà Vinh, ngày 17 tháng 11 năm 2022"
        );
        let d = NaiveDate::from_ymd_opt(2022, 4, 30).unwrap();
        assert_eq!(
            place_and_date("Bắc Giang", d),
            "Bắc Giang, ngày 30 tháng 4 năm 2022"
        );
    }

    #[test]
    fn document_numbers_have_a_leading_zero_under_ten() {
        assert_eq!(document_number("Số:    /BC-CAT", Some(5)), "Số: 05/BC-CAT");
        assert_eq!(document_number("Số:    /BC-CAT", Some(12)), "Số: 12/BC-CAT");
        assert_eq!(document_number("Số:    /BC-CAT", None), "Số:    /BC-CAT");
    }
}
