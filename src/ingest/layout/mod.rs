//! Layout detection: where in a clerk's workbook the report table is, and what it says.
//!
//! Agencies send Excel files laid out however their clerk likes: a cover sheet, the
//! administrative block and a title above the table, headers in capitals or without
//! diacritics, two-row merged headers, tick-mark status columns, numbering that restarts
//! under each group, totals and a signature block below. Nothing here trusts a fixed
//! template; each step scores what it sees against the Vietnamese words clerks use (folded
//! with [`fold`](crate::domain::fold::fold)) and keeps the best reading:
//!
//! - [`sheet_choice`]: which sheet holds the report (covers, instructions, drop-down lists
//!   and hidden sheets lose);
//! - [`header`]: which row(s) are the header and what each column holds;
//! - [`rows`]: which rows are tasks, which are group headings (kept as context for the
//!   matcher), and which are spacers, totals, repeated headers or the signature block;
//! - [`crate::ingest::values`] normalises the status words and progress percents.
//!
//! Pure: a workbook in, a [`ReportTable`] (or a [`LayoutError`] saying, in Vietnamese, what
//! the clerk should fix) out. The workbook comes whole ([`Grid`]) or as it is decoded, row by
//! row ([`TableReader`]): either way each row is read once as it comes and then freed, and
//! only the first rows of a sheet wait until its header can be searched. Given a
//! [`TableStream`], the table's data rows go to it as they are made, while the workbook is
//! still being read, so the pipeline can match and store them meanwhile.

use std::cell::RefCell;

mod cells;
mod header;
mod numbering;
mod rows;
mod sheet_choice;
#[cfg(test)]
mod tests;

use crate::{
    domain::finding::Finding,
    ingest::{
        grid::{Cell, Grid, GridSink, Merge},
        table::{ColumnRole, RawRow, ReportTable},
    },
};

/// Where a table's data rows go as they are made, in the sheet's order, with the findings
/// about them.
pub trait RowSink {
    fn row(&mut self, row: RawRow);
    fn finding(&mut self, finding: Finding);
}

/// The rows of the table being read, handed on as they are made (see [`TableReader::streaming`]).
/// Which sheet holds the report is only known once the whole workbook is read, so the rows
/// are the first table's, and a stream is told to forget them when that turns out wrong.
pub trait TableStream: RowSink {
    /// The rows that follow are of sheet `name`.
    fn begin(&mut self, sheet: &str);
    /// Forget every row and finding handed on so far: their sheet could not be read after
    /// all, is read again, or does not hold the report.
    fn restart(&mut self);
}

/// Why no report table could be read from a workbook. The message is for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error(
        "Tệp không có trang tính nào chứa dữ liệu (tệp trống hoặc mọi trang tính đều bị ẩn): \
         hãy kiểm tra lại tệp đã chọn rồi gửi lại báo cáo."
    )]
    EmptyWorkbook,
    #[error(
        "Không tìm thấy bảng báo cáo: cần có các cột như 'Nội dung nhiệm vụ', 'Kết quả thực \
         hiện'… Hãy dùng mẫu báo cáo tải về từ hệ thống."
    )]
    NoTable,
    #[error(
        "Bảng ở trang tính '{sheet}' (dòng tiêu đề {row}) không có cột nội dung nhiệm vụ: hãy \
         thêm cột 'Nội dung nhiệm vụ' ghi tên từng nhiệm vụ, hoặc dùng mẫu báo cáo tải về từ \
         hệ thống."
    )]
    NoTaskColumn { sheet: String, row: u32 },
    #[error(
        "Bảng báo cáo ở trang tính '{sheet}' có dòng tiêu đề (dòng {row}) nhưng không có dòng \
         nhiệm vụ nào bên dưới: hãy ghi kết quả thực hiện của từng nhiệm vụ rồi gửi lại."
    )]
    NoRows { sheet: String, row: u32 },
}

/// Finds the report table in `grid`: the sheet, its header, its columns (0-based, left to
/// right) and its data rows with values normalised, plus findings about what could not be
/// read. The grid is copied a row at a time as it is read; see [`take_table`] and
/// [`TableReader`] for a workbook that is not needed afterwards.
pub fn find_table(grid: &Grid) -> Result<ReportTable, LayoutError> {
    let mut reader = TableReader::default();
    grid.feed_copies(&mut reader);
    reader.finish()
}

/// [`find_table`], moving the texts out of the grid as its rows are read and freeing each
/// row then: a large upload's texts are never held twice.
pub fn take_table(grid: Grid) -> Result<ReportTable, LayoutError> {
    TableReader::given(grid).finish()
}

/// [`find_table`] for a workbook as it is decoded ([`GridSink`]): each row is read as it
/// arrives and then freed, so the pipeline never holds an upload's grid whole; only the
/// first rows of each sheet wait for the header search. Give it to
/// [`read_isolated_into`](crate::ingest::read::read_isolated_into), then [`finish`] it.
///
/// [`finish`]: TableReader::finish
#[derive(Default)]
pub struct TableReader<'s>(sheet_choice::CandidateReader<'s>);

impl GridSink for TableReader<'_> {
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize) {
        self.0.begin_sheet(name, hidden, merges, rows);
    }

    fn row(&mut self, cells: Vec<Cell>) {
        self.0.row(cells);
    }

    fn drop_sheet(&mut self) {
        self.0.drop_sheet();
    }
}

impl<'s> TableReader<'s> {
    /// A reader given a whole grid already read.
    pub fn given(grid: Grid) -> TableReader<'static> {
        let mut reader = TableReader::default();
        grid.feed(&mut reader);
        reader
    }

    /// A reader that hands the data rows of the first sheet with a table to `stream` as they
    /// are made, instead of holding them. The stream is restarted first (a read tried again
    /// makes a new reader), and again whenever what it was given is not the report's: when
    /// [`finish`](TableReader::finish) returns a table marked `streamed`, the stream holds
    /// exactly its rows, and otherwise nothing.
    pub fn streaming(stream: &'s RefCell<dyn TableStream + 's>) -> TableReader<'s> {
        TableReader(sheet_choice::CandidateReader::streaming(stream))
    }

    /// The report table of the workbook given.
    pub fn finish(self) -> Result<ReportTable, LayoutError> {
        table_of(self.0.choose()?)
    }
}

fn table_of(choice: sheet_choice::Choice) -> Result<ReportTable, LayoutError> {
    let header_rows: Vec<u32> = choice.header.rows.iter().map(|&r| r as u32 + 1).collect();
    if choice.rows.count() == 0 {
        return Err(LayoutError::NoRows {
            sheet: choice.sheet_name,
            row: header_rows[0],
        });
    }
    let mut findings = Vec::new();
    let reports = [ColumnRole::Result, ColumnRole::Progress, ColumnRole::Status];
    if !reports.iter().any(|&role| choice.header.has(role)) {
        findings.push(
            Finding::warning(format!(
                "Bảng ở trang tính '{}' không có cột 'Kết quả thực hiện', 'Tiến độ' hay 'Trạng \
                 thái': hệ thống chỉ đọc được tên nhiệm vụ. Hãy bổ sung các cột này hoặc dùng \
                 mẫu báo cáo tải về từ hệ thống.",
                choice.sheet_name
            ))
            .at_row(header_rows[0]),
        );
    }
    if !choice.others.is_empty() {
        let others: Vec<String> = choice.others.iter().map(|n| format!("'{n}'")).collect();
        findings.push(Finding::info(format!(
            "Tệp có nhiều trang tính giống bảng báo cáo ({}); hệ thống đã đọc trang '{}'. Nếu \
             không đúng, hãy gửi mỗi kỳ báo cáo trong một tệp riêng chỉ có một bảng.",
            others.join(", "),
            choice.sheet_name
        )));
    }
    let (rows, streamed) = match choice.rows {
        sheet_choice::Assembled::Held(held) => {
            findings.extend(held.findings);
            (held.rows, false)
        }
        sheet_choice::Assembled::Streamed(_) => (Vec::new(), true),
    };
    Ok(ReportTable {
        sheet: choice.sheet_name,
        header_rows,
        columns: choice
            .header
            .columns
            .iter()
            .map(|c| (c.role(), c.col as u32))
            .collect(),
        rows,
        streamed,
        findings,
    })
}
