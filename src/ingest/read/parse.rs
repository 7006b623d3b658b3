//! calamine → a [`ReadSink`] (a [`Grid`], or the reader child's answer), under limits.
//!
//! An xlsx sheet is handed on row by row as calamine reads it, its merged areas first, so
//! neither the reader child nor the server holds it whole ([`stream_xlsx_sheet`]); a sheet
//! that cannot be (rows or columns out of order, fewer rows declared than it has) is dropped
//! and read whole, and reads the same. A streamed row's shared strings stay borrowed from
//! calamine until the sink has them ([`ReadSink::row_of_refs`]): the reader child writes them
//! into its answer without a copy of its own. Other formats are read a sheet at a time.
//!
//! The grid is built sparsely, one cell at a time, and every cell is charged to a budget
//! (cells a row must hold to reach its last value, bytes of text) before it is stored. For
//! xlsx, xlsm and xlsb we use calamine's streaming cell readers, so a sheet declaring
//! `A1:XFD1048576` (`issue_174.xlsx`, or the two corner cells that make bare calamine ask for
//! 512 GiB) costs what its cells cost, and a zip bomb of 67 M cells stops at the cell limit.
//! xls and ods are parsed eagerly by calamine into dense ranges before we see any cell; there
//! the process limits set by [`super::isolated`] are what bounds memory.
//!
//! A sheet that fails on its own (a chart sheet, a broken part) is skipped with a note; the
//! file is rejected only if no worksheet can be read, or if any sheet goes over a limit.
//!
//! This runs calamine in the calling process: outside tests, call it only on trusted bytes and
//! use [`super::read_isolated`] for uploads.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{
    CellErrorType, Data, DataRef, Dimensions, ExcelDateTime, Ods, OdsError, Range, Reader,
    SheetType, SheetVisible, Xls, XlsError, Xlsb, XlsbError, Xlsx, XlsxCellReader, XlsxError,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::merge_scan;
use super::sniff::{sniff, Format};
use super::{human_bytes, ReadError, ReadLimits};
use crate::ingest::grid::{Cell, Grid, GridSink, Merge, Sheet};
use crate::ingest::merge_index;

/// A workbook read successfully, possibly with sheets skipped. `grid` is the workbook's
/// cells, or what a [`GridSink`](crate::ingest::grid::GridSink) made of them as they were
/// decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadOutcome<G = Grid> {
    pub format: Format,
    pub grid: G,
    /// Vietnamese notes about what was skipped (chart sheets, broken sheets, merges).
    #[serde(default)]
    pub notes: Vec<String>,
}

/// Where a read's workbook goes as it is read: collected into a [`Grid`] ([`parse`]) or
/// encoded onto the reader child's pipe, row by row, for the server to read as it comes.
pub(crate) trait ReadSink: GridSink {
    /// The workbook's format, known before any sheet.
    fn format(&mut self, format: Format);

    /// The next row of the sheet begun last, as a streaming reader gives it: `width` cells
    /// wide, its non-empty `cells` in ascending columns, texts still borrowed from the
    /// workbook. Same as [`GridSink::row`] of those cells; a sink that only passes the row on
    /// (the reader child's answer) copies no text.
    fn row_of_refs(&mut self, width: usize, cells: &[(u32, CellRef<'_>)]) {
        let mut row = vec![Cell::Empty; width];
        for (col, value) in cells {
            row[*col as usize] = value.to_cell();
        }
        self.row(row);
    }
}

/// A cell of a row being streamed: a shared string borrowed from the workbook, or a value
/// of its own (numbers, dates, inline strings, errors).
#[derive(Debug)]
pub(crate) enum CellRef<'a> {
    Text(&'a str),
    Owned(Cell),
}

impl CellRef<'_> {
    pub(crate) fn to_cell(&self) -> Cell {
        match self {
            CellRef::Text(t) => Cell::Text((*t).into()),
            CellRef::Owned(cell) => cell.clone(),
        }
    }
}

/// Collects a read into a [`Grid`].
struct Collecting {
    format: Format,
    grid: Grid,
}

impl GridSink for Collecting {
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize) {
        self.grid.begin_sheet(name, hidden, merges, rows);
    }

    fn row(&mut self, cells: Vec<Cell>) {
        self.grid.row(cells);
    }

    fn drop_sheet(&mut self) {
        self.grid.drop_sheet();
    }
}

impl ReadSink for Collecting {
    fn format(&mut self, format: Format) {
        self.format = format;
    }
}

/// Reads a workbook in this process (see the module doc for when that is acceptable).
/// Panics inside calamine are caught and reported as a corrupt file; allocation failures and
/// hangs are not, which is why uploads go through [`super::read_isolated`].
pub fn parse(bytes: &[u8], limits: &ReadLimits) -> Result<ReadOutcome, ReadError> {
    let mut collecting = Collecting {
        format: Format::Xlsx,
        grid: Grid::default(),
    };
    let notes = parse_into(bytes, limits, &mut collecting)?;
    Ok(ReadOutcome {
        format: collecting.format,
        grid: collecting.grid,
        notes,
    })
}

/// [`parse`], handing the format, then each sheet and row to `sink` as they are read; the
/// notes about skipped parts come back at the end. On an error the sink holds a partial
/// workbook, to be thrown away.
pub(crate) fn parse_into(
    bytes: &[u8],
    limits: &ReadLimits,
    sink: &mut dyn ReadSink,
) -> Result<Vec<String>, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::too_large(format!(
            "tệp nặng {}, quá giới hạn {} cho một lần tải lên",
            human_bytes(bytes.len() as u64),
            human_bytes(limits.max_bytes as u64)
        )));
    }
    let sniffed = sniff(bytes)?;
    if let Some(unpacked) = sniffed.unpacked_bytes {
        if unpacked > limits.max_unpacked_bytes {
            return Err(ReadError::too_large(format!(
                "tệp nén bên trong chứa {} dữ liệu khi giải nén, quá giới hạn {}",
                human_bytes(unpacked),
                human_bytes(limits.max_unpacked_bytes)
            )));
        }
    }
    let format = sniffed.format;
    sink.format(format);
    let read = catch_unwind(AssertUnwindSafe(|| {
        let out = Collector::new(limits, &mut *sink);
        match format {
            Format::Xlsx | Format::Xlsm => read_xlsx(bytes, out),
            Format::Xlsb => read_xlsb(bytes, out),
            Format::Xls => read_xls(bytes, out),
            Format::Ods => read_ods(bytes, out),
        }
    }));
    match read {
        Ok(result) => result,
        Err(payload) => Err(ReadError::corrupt(format!(
            "trình đọc {} dừng vì dữ liệu sai cấu trúc: {}",
            format.as_str(),
            panic_message(payload.as_ref())
        ))),
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Budget and sheet assembly.

/// Why one sheet was not read.
enum SheetFail {
    /// Over a limit: the whole file is rejected.
    Limit(ReadError),
    /// Broken: skip the sheet with this (technical) detail.
    Bad(String),
    /// Not a worksheet: skip with this note.
    Skip(String),
}

impl From<ReadError> for SheetFail {
    fn from(e: ReadError) -> Self {
        SheetFail::Limit(e)
    }
}

#[derive(Clone, Copy)]
struct Budget<'a> {
    limits: &'a ReadLimits,
    cells: u64,
    text: u64,
}

impl Budget<'_> {
    /// Stores `cell` at (row, col), charging the budget first.
    fn put(
        &mut self,
        rows: &mut Vec<Vec<Cell>>,
        sheet: &str,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<(), ReadError> {
        let Some(cell) = self.admit(sheet, row, col, cell)? else {
            return Ok(());
        };
        let r = row as usize;
        if rows.len() <= r {
            // Cells come row by row: the row before is complete, so give back what its
            // doublings left unused (12 cells sit in room for 16 otherwise).
            if let Some(previous) = rows.last_mut() {
                previous.shrink_to_fit();
            }
            rows.resize_with(r + 1, Vec::new);
        }
        self.place(&mut rows[r], col, cell)
    }

    /// The value to store for `cell` at (row, col), if any (empty cells are not stored),
    /// once the position and the text are within the limits.
    fn admit(
        &mut self,
        sheet: &str,
        row: u32,
        col: u32,
        cell: Cell,
    ) -> Result<Option<Cell>, ReadError> {
        let cell = match cell {
            Cell::Empty => return Ok(None),
            Cell::Text(t) if t.is_empty() => return Ok(None),
            Cell::Number(n) if !n.is_finite() => Cell::Error("#NUM!".into()),
            other => other,
        };
        self.check_position(sheet, row, col)?;
        if let Cell::Text(t) | Cell::Error(t) = &cell {
            self.charge_text(t.len())?;
        }
        Ok(Some(cell))
    }

    /// [`Budget::admit`] for a cell whose text is borrowed.
    fn admit_ref<'v>(
        &mut self,
        sheet: &str,
        row: u32,
        col: u32,
        value: CellRef<'v>,
    ) -> Result<Option<CellRef<'v>>, ReadError> {
        match value {
            CellRef::Text("") => Ok(None),
            CellRef::Text(t) => {
                self.check_position(sheet, row, col)?;
                self.charge_text(t.len())?;
                Ok(Some(CellRef::Text(t)))
            }
            CellRef::Owned(cell) => Ok(self.admit(sheet, row, col, cell)?.map(CellRef::Owned)),
        }
    }

    fn check_position(&self, sheet: &str, row: u32, col: u32) -> Result<(), ReadError> {
        let limits = self.limits;
        if row >= limits.max_rows {
            return Err(ReadError::too_large(format!(
                "trang tính \"{sheet}\" có dữ liệu ở hàng {}, vượt giới hạn {} hàng",
                u64::from(row) + 1,
                limits.max_rows
            )));
        }
        if col >= limits.max_columns {
            return Err(ReadError::too_large(format!(
                "trang tính \"{sheet}\" có dữ liệu ở cột {} (cột thứ {}), vượt giới hạn {} cột",
                column_name(col),
                u64::from(col) + 1,
                limits.max_columns
            )));
        }
        Ok(())
    }

    fn charge_text(&mut self, bytes: usize) -> Result<(), ReadError> {
        self.text += bytes as u64;
        if self.text > self.limits.max_text_bytes {
            return Err(ReadError::too_large(format!(
                "các ô chứa hơn {} chữ, quá giới hạn",
                human_bytes(self.limits.max_text_bytes)
            )));
        }
        Ok(())
    }

    /// Stores an admitted `cell` in column `col` of `line`, charging the cells the row must
    /// hold to reach it.
    fn place(&mut self, line: &mut Vec<Cell>, col: u32, cell: Cell) -> Result<(), ReadError> {
        let c = col as usize;
        if line.len() <= c {
            self.widen(line.len(), c + 1)?;
            line.resize(c + 1, Cell::Empty);
        }
        line[c] = cell;
        Ok(())
    }

    /// Charges a row growing from `from` to `to` cells.
    fn widen(&mut self, from: usize, to: usize) -> Result<(), ReadError> {
        self.cells += (to - from) as u64;
        if self.cells > self.limits.max_cells {
            return Err(ReadError::too_large(format!(
                "bảng tính có hơn {} ô (kể cả ô trống nằm xen giữa các ô có dữ liệu), vượt giới hạn",
                self.limits.max_cells
            )));
        }
        Ok(())
    }

    /// The merged areas of a sheet of `rows` rows. Each area counts as one cell, plus one
    /// per row of the sheet it covers: what layout's index of the areas holds
    /// (`ingest::merge_index`).
    fn merges(
        &mut self,
        sheet: &str,
        rows: usize,
        dims: Vec<Dimensions>,
    ) -> Result<Vec<Merge>, ReadError> {
        let rows_covered = merge_index::pairs(dims.iter().map(|d| (d.start.0, d.end.0)), rows);
        self.cells = self
            .cells
            .saturating_add(dims.len() as u64)
            .saturating_add(rows_covered);
        if self.cells > self.limits.max_cells {
            return Err(ReadError::too_large(format!(
                "trang tính \"{sheet}\" có {} vùng ô gộp, phủ tổng cộng {rows_covered} hàng, quá giới hạn",
                dims.len()
            )));
        }
        Ok(dims
            .into_iter()
            .filter(|d| d.start.0 <= d.end.0 && d.start.1 <= d.end.1)
            .map(|d| Merge {
                first_row: d.start.0,
                first_col: d.start.1,
                last_row: d.end.0,
                last_col: d.end.1,
            })
            .collect())
    }
}

/// Excel's column letters for a 0-based index (0 → A, 16383 → XFD).
fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Hands a workbook's sheets to a sink and collects the notes about what was skipped.
struct Collector<'a, 's> {
    budget: Budget<'a>,
    sink: &'s mut dyn ReadSink,
    /// Sheets handed on, and whether any of them has a row.
    sheets: usize,
    any_rows: bool,
    notes: Vec<String>,
    first_failure: Option<String>,
    seen: usize,
}

impl<'a, 's> Collector<'a, 's> {
    fn new(limits: &'a ReadLimits, sink: &'s mut dyn ReadSink) -> Self {
        Collector {
            budget: Budget {
                limits,
                cells: 0,
                text: 0,
            },
            sink,
            sheets: 0,
            any_rows: false,
            notes: Vec::new(),
            first_failure: None,
            seen: 0,
        }
    }

    /// A note if this sheet is not a worksheet and must be skipped.
    fn skip_type(&mut self, meta: &calamine::Sheet) -> bool {
        self.seen += 1;
        let what = match meta.typ {
            SheetType::WorkSheet => return false,
            SheetType::ChartSheet => "là trang biểu đồ, không có bảng số liệu",
            SheetType::DialogSheet => "là trang hộp thoại, không phải trang tính",
            SheetType::MacroSheet => "là trang macro, không phải trang tính",
            SheetType::Vba => "là mô-đun VBA, không phải trang tính",
        };
        self.notes
            .push(format!("Bỏ qua trang \"{}\": {what}.", meta.name));
        true
    }

    /// Runs `read` for one sheet and hands the sheet on whole, keeping the budget only if it
    /// succeeds.
    fn sheet(
        &mut self,
        meta: &calamine::Sheet,
        read: impl FnOnce(&mut Budget<'a>) -> Result<Sheet, SheetFail>,
    ) -> Result<(), ReadError> {
        let saved = self.budget;
        match read(&mut self.budget) {
            Ok(sheet) => {
                let hidden = meta.visible != SheetVisible::Visible;
                self.sink
                    .begin_sheet(meta.name.clone(), hidden, sheet.merges, sheet.rows.len());
                self.sheets += 1;
                self.any_rows |= !sheet.rows.is_empty();
                for row in sheet.rows {
                    self.sink.row(row);
                }
                Ok(())
            }
            Err(fail) => self.failed(meta, fail, saved),
        }
    }

    /// A sheet that could not be read: the file is rejected over a limit; otherwise the
    /// sheet is skipped with a note and what it charged is given back.
    fn failed(
        &mut self,
        meta: &calamine::Sheet,
        fail: SheetFail,
        saved: Budget<'a>,
    ) -> Result<(), ReadError> {
        match fail {
            SheetFail::Limit(e) => Err(e),
            SheetFail::Bad(detail) => {
                self.budget = saved;
                let mut short = detail.clone();
                super::truncate_chars(&mut short, 200);
                self.notes.push(format!(
                    "Bỏ qua trang \"{}\": trang này bị hỏng, không đọc được (chi tiết kỹ thuật: {short}).",
                    meta.name
                ));
                self.first_failure.get_or_insert(detail);
                Ok(())
            }
            SheetFail::Skip(note) => {
                self.budget = saved;
                self.notes
                    .push(format!("Bỏ qua trang \"{}\": {note}.", meta.name));
                Ok(())
            }
        }
    }

    fn merges_failed(&mut self, sheet: &str, detail: impl std::fmt::Display) {
        let mut detail = detail.to_string();
        super::truncate_chars(&mut detail, 200);
        self.notes.push(format!(
            "Không đọc được các ô gộp của trang \"{sheet}\" (chi tiết kỹ thuật: {detail}); số liệu của trang vẫn được đọc."
        ));
    }

    fn finish(self) -> Result<Vec<String>, ReadError> {
        // Only empty sheets besides a broken one (`sample-beta.xlsx`): the data was in the
        // broken sheet, so say the file is damaged rather than hand on an empty grid.
        if !self.any_rows {
            if let Some(detail) = self.first_failure {
                return Err(ReadError::corrupt(detail));
            }
        }
        if self.sheets == 0 {
            return Err(ReadError::NoSheets {
                detail: if self.seen == 0 {
                    "sổ không có trang tính nào".into()
                } else {
                    "chỉ có trang biểu đồ, hộp thoại hoặc macro".into()
                },
            });
        }
        Ok(self.notes)
    }
}

fn empty_sheet() -> Sheet {
    Sheet::new(String::new(), Vec::new(), Vec::new())
}

// ---------------------------------------------------------------------------------------------
// Cell values.

fn cell_from_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.as_str().into()),
        DataRef::SharedString(s) => Cell::Text((*s).into()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => date_time(dt),
        DataRef::DateTimeIso(s) => iso_date_time(s),
        DataRef::DurationIso(s) => Cell::Text(s.as_str().into()),
        DataRef::Error(e) => error_cell(e),
        DataRef::Empty => Cell::Empty,
    }
}

fn cell_from_data(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.as_str().into()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => date_time(dt),
        Data::DateTimeIso(s) => iso_date_time(s),
        Data::DurationIso(s) => Cell::Text(s.as_str().into()),
        Data::Error(e) => error_cell(e),
        Data::Empty => Cell::Empty,
    }
}

fn error_cell(e: &CellErrorType) -> Cell {
    Cell::Error(e.to_string().into())
}

/// Excel serial date (1900 or 1904 system, which `ExcelDateTime` carries) to a date-time.
/// Durations and serials outside Excel's range (0 to 9999-12-31) stay numbers.
fn date_time(dt: &ExcelDateTime) -> Cell {
    let serial = dt.as_f64();
    if dt.is_datetime() && (0.0..2_958_466.0).contains(&serial) {
        if let Some(value) = dt.as_datetime() {
            return Cell::DateTime(value);
        }
    }
    Cell::Number(serial)
}

fn iso_date_time(s: &str) -> Cell {
    let t = s.trim();
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(v) = NaiveDateTime::parse_from_str(t, fmt) {
            return Cell::DateTime(v);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Cell::DateTime(d.and_time(chrono::NaiveTime::MIN));
    }
    Cell::Text(s.into())
}

/// A sheet of the cells a streaming cell reader gives (`next`: the next cell and its
/// position, or the end), every one charged to the budget; a reader error is a broken sheet.
fn put_cells(
    budget: &mut Budget<'_>,
    name: &str,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Cell)>, String>,
) -> Result<Sheet, SheetFail> {
    let mut sheet = empty_sheet();
    while let Some(((row, col), value)) = next().map_err(SheetFail::Bad)? {
        budget.put(&mut sheet.rows, name, row, col, value)?;
    }
    Ok(sheet)
}

/// Stores every used cell of a dense calamine range.
fn put_range(
    budget: &mut Budget<'_>,
    sheet: &mut Sheet,
    name: &str,
    range: &Range<Data>,
) -> Result<(), ReadError> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let row = u32::try_from(r).map_or(u32::MAX, |r| r0.saturating_add(r));
        let col = u32::try_from(c).map_or(u32::MAX, |c| c0.saturating_add(c));
        budget.put(&mut sheet.rows, name, row, col, cell_from_data(v))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Readers.

fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        XlsxError::Unrecognized { typ: "sheet:type", val } => ReadError::Unsupported {
            what: format!(
                "sổ Excel có trang đặc biệt (trang macro Excel 4.0 hoặc loại trang lạ: {val}) mà trình đọc không mở được; hãy chép bảng báo cáo sang một sổ mới"
            ),
        },
        other => ReadError::corrupt(other),
    }
}

/// A workbook this large has its merged areas scanned on a thread of its own while calamine
/// opens it (shared strings, styles): its first row comes that much sooner. A small one
/// does both in turn (a thread per file costs more than it saves).
const SCAN_ALONGSIDE_BYTES: usize = 1024 * 1024;

fn read_xlsx(bytes: &[u8], out: Collector) -> Result<Vec<String>, ReadError> {
    read_xlsx_scanning(bytes, out, bytes.len() >= SCAN_ALONGSIDE_BYTES)
}

/// [`read_xlsx`], the merged areas scanned on a thread of their own when `alongside`.
fn read_xlsx_scanning(
    bytes: &[u8],
    mut out: Collector,
    alongside: bool,
) -> Result<Vec<String>, ReadError> {
    // Merged areas by a quick scan of each sheet's part, before its cells: a reader of the
    // rows as they come needs them first. Where the scan cannot answer, the sheet is read
    // whole and calamine reads its areas afterwards (a second full parse of the sheet).
    let scan_all = || {
        merge_scan::SheetParts::resolve(bytes)
            .map(|mut parts| parts.merged_areas_of_all())
            .unwrap_or_default()
    };
    let open = || Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error);
    let (mut wb, mut scanned_areas) = if alongside {
        std::thread::scope(|scope| {
            let scan = scope.spawn(scan_all);
            let wb = open();
            // A panic of the scan goes on to `parse_into`'s guard, as it did in turn.
            let areas = scan
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Ok::<_, ReadError>((wb?, areas))
        })?
    } else {
        (open()?, scan_all())
    };
    let metas = wb.sheets_metadata().to_vec();
    for meta in &metas {
        if out.skip_type(meta) {
            continue;
        }
        let scanned = scanned_areas.remove(&meta.name).flatten();
        let saved = out.budget;
        let streamed = match &scanned {
            Some(dims) => stream_xlsx_sheet(&mut wb, meta, dims, &mut out),
            None => Ok(false),
        };
        match streamed {
            Ok(true) => {}
            Ok(false) => {
                let mut merges_failed = None;
                out.sheet(meta, |budget| {
                    let mut cells = xlsx_cells(&mut wb, meta)?;
                    let mut sheet = put_cells(budget, &meta.name, || {
                        let cell = cells.next_cell().map_err(|e| e.to_string())?;
                        Ok(cell.map(|c| (c.get_position(), cell_from_ref(c.get_value()))))
                    })?;
                    drop(cells);
                    let dims = match scanned {
                        Some(dims) => Ok(dims),
                        None => wb.merge_cells_by_sheet_name(&meta.name),
                    };
                    match dims {
                        Ok(dims) => {
                            sheet.merges = budget.merges(&meta.name, sheet.rows.len(), dims)?;
                        }
                        Err(e) => merges_failed = Some(e),
                    }
                    Ok(sheet)
                })?;
                if let Some(e) = merges_failed {
                    out.merges_failed(&meta.name, e);
                }
            }
            Err(fail) => out.failed(meta, fail, saved)?,
        }
    }
    out.finish()
}

/// calamine's cell reader of an xlsx sheet; a part that is no worksheet is skipped.
fn xlsx_cells<'w, 'b>(
    wb: &'w mut Xlsx<Cursor<&'b [u8]>>,
    meta: &calamine::Sheet,
) -> Result<XlsxCellReader<'w, Cursor<&'b [u8]>>, SheetFail> {
    match wb.worksheet_cells_reader(&meta.name) {
        Ok(reader) => Ok(reader),
        Err(XlsxError::NotAWorksheet(typ)) => Err(SheetFail::Skip(format!(
            "không phải trang tính (phần tử gốc \"{typ}\")"
        ))),
        Err(e) => Err(SheetFail::Bad(e.to_string())),
    }
}

/// Reads an xlsx sheet handing each row on as soon as a cell of a later row comes, so that
/// neither the reader child nor the server holds the sheet whole. The merged areas go first,
/// charged for the rows the sheet declares (`<dimension>`), then for the rows it has.
///
/// `Ok(false)` when it cannot, and nothing is kept of the attempt: the sheet declares fewer
/// rows than it has (or none), its areas (`dims`, from the scan) charged ahead put it over
/// the budget, a cell comes after a later row's, or a row gives a column twice or out of
/// order. The caller then reads the sheet whole, which gives the same answer as ever.
fn stream_xlsx_sheet(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    meta: &calamine::Sheet,
    dims: &[Dimensions],
    out: &mut Collector,
) -> Result<bool, SheetFail> {
    let saved = out.budget;
    let mut cells = xlsx_cells(wb, meta)?;
    let declared = cells.dimensions().end.0 as usize + 1;
    if declared > out.budget.limits.max_rows as usize {
        return Ok(false);
    }
    let spans: Vec<(u32, u32)> = dims.iter().map(|d| (d.start.0, d.end.0)).collect();
    let Ok(merges) = out.budget.merges(&meta.name, declared, dims.to_vec()) else {
        out.budget = saved;
        return Ok(false);
    };
    let hidden = meta.visible != SheetVisible::Visible;
    out.sink
        .begin_sheet(meta.name.clone(), hidden, merges, declared);
    // The row being filled (its non-empty cells, shared strings borrowed, in ascending
    // columns, one buffer for every row) and how wide it is; its number, and whether any
    // cell was stored.
    let mut row: Vec<(u32, CellRef<'_>)> = Vec::new();
    let mut width = 0usize;
    let mut at = 0usize;
    let mut any = false;
    let streamed = loop {
        match cells.next_cell() {
            Ok(Some(cell)) => {
                let (r, c) = cell.get_position();
                let value = match cell.get_value() {
                    DataRef::SharedString(s) => CellRef::Text(s),
                    other => CellRef::Owned(cell_from_ref(other)),
                };
                let value = match out.budget.admit_ref(&meta.name, r, c, value) {
                    Ok(Some(value)) => value,
                    Ok(None) => continue,
                    Err(e) => break Err(SheetFail::Limit(e)),
                };
                let r = r as usize;
                if r < at || r >= declared {
                    break Ok(false);
                }
                while at < r {
                    out.sink.row_of_refs(width, &row);
                    row.clear();
                    width = 0;
                    at += 1;
                }
                // A column again or out of order: read whole, where the last value wins.
                if (c as usize) < width {
                    break Ok(false);
                }
                any = true;
                if let Err(e) = out.budget.widen(width, c as usize + 1) {
                    break Err(SheetFail::Limit(e));
                }
                width = c as usize + 1;
                row.push((c, value));
            }
            Ok(None) => break Ok(true),
            Err(e) => break Err(SheetFail::Bad(e.to_string())),
        }
    };
    if !matches!(streamed, Ok(true)) {
        out.sink.drop_sheet();
        out.budget = saved;
        return match streamed {
            // Over the cell budget with the areas charged ahead, for rows the sheet may
            // not have: a sheet read whole charges them last, for the rows it has.
            Err(SheetFail::Limit(_)) if !spans.is_empty() => Ok(false),
            other => other,
        };
    }
    let rows = if any {
        out.sink.row_of_refs(width, &row);
        at + 1
    } else {
        0
    };
    // Charged as a sheet read whole is: for the rows it has.
    let declared_pairs = merge_index::pairs(spans.iter().copied(), declared);
    let pairs = merge_index::pairs(spans.iter().copied(), rows);
    out.budget.cells -= declared_pairs - pairs;
    out.sheets += 1;
    out.any_rows |= rows > 0;
    Ok(true)
}

fn xlsb_error(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        other => ReadError::corrupt(other),
    }
}

fn read_xlsb(bytes: &[u8], mut out: Collector) -> Result<Vec<String>, ReadError> {
    let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    let metas = wb.sheets_metadata().to_vec();
    for meta in &metas {
        if out.skip_type(meta) {
            continue;
        }
        out.sheet(meta, |budget| {
            let mut cells = wb
                .worksheet_cells_reader(&meta.name)
                .map_err(|e| SheetFail::Bad(e.to_string()))?;
            put_cells(budget, &meta.name, || {
                let cell = cells.next_cell().map_err(|e| e.to_string())?;
                Ok(cell.map(|c| (c.get_position(), cell_from_ref(c.get_value()))))
            })
        })?;
    }
    out.finish()
}

fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        XlsError::Cfb(ref cfb) if cfb.to_string().contains("Codepage") => ReadError::Unsupported {
            what: format!("bảng tính Excel cũ dùng bảng mã ký tự không được hỗ trợ ({cfb})"),
        },
        other => ReadError::corrupt(other),
    }
}

fn read_xls(bytes: &[u8], mut out: Collector) -> Result<Vec<String>, ReadError> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let metas = wb.sheets_metadata().to_vec();
    for meta in &metas {
        if out.skip_type(meta) {
            continue;
        }
        let merges = wb.merge_cells_by_sheet_name(&meta.name);
        out.sheet(meta, |budget| {
            let mut sheet = empty_sheet();
            let range = wb
                .worksheet_range(&meta.name)
                .map_err(|e| SheetFail::Bad(e.to_string()))?;
            put_range(budget, &mut sheet, &meta.name, &range)?;
            drop(range);
            if let Ok(dims) = merges {
                sheet.merges = budget.merges(&meta.name, sheet.rows.len(), dims)?;
            }
            Ok(sheet)
        })?;
    }
    out.finish()
}

fn ods_error(e: OdsError) -> ReadError {
    match e {
        OdsError::Password => ReadError::Encrypted,
        OdsError::CellLimitExceeded { requested, max } => ReadError::too_large(format!(
            "bảng tính khai báo {requested} ô (lặp hàng/cột), quá giới hạn {max} ô"
        )),
        other => ReadError::corrupt(other),
    }
}

fn read_ods(bytes: &[u8], mut out: Collector) -> Result<Vec<String>, ReadError> {
    let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(ods_error)?;
    let metas = wb.sheets_metadata().to_vec();
    for meta in &metas {
        if out.skip_type(meta) {
            continue;
        }
        out.sheet(meta, |budget| {
            let mut sheet = empty_sheet();
            let range = wb
                .worksheet_range(&meta.name)
                .map_err(|e| SheetFail::Bad(e.to_string()))?;
            put_range(budget, &mut sheet, &meta.name, &range)?;
            Ok(sheet)
        })?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ReadLimits {
        ReadLimits::default()
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16383), "XFD");
    }

    #[test]
    fn the_budget_counts_what_rows_must_hold() {
        let l = ReadLimits {
            max_cells: 10,
            ..limits()
        };
        let mut b = Budget {
            limits: &l,
            cells: 0,
            text: 0,
        };
        let mut rows = Vec::new();
        b.put(&mut rows, "S", 0, 4, Cell::Number(1.0)).unwrap();
        assert_eq!(b.cells, 5);
        b.put(&mut rows, "S", 1000, 0, Cell::Text("x".into()))
            .unwrap();
        assert_eq!(b.cells, 6);
        assert_eq!(rows.len(), 1001);
        b.put(&mut rows, "S", 2, 0, Cell::Empty).unwrap();
        assert_eq!(b.cells, 6);
        let e = b.put(&mut rows, "S", 3, 9, Cell::Bool(true)).unwrap_err();
        assert_eq!(e.code(), "too_large");
        let e = b
            .put(&mut rows, "S", 1_048_576, 0, Cell::Bool(true))
            .unwrap_err();
        assert!(e.to_string().contains("hàng 1048577"), "{e}");
    }

    #[test]
    fn non_finite_numbers_become_errors() {
        let l = limits();
        let mut b = Budget {
            limits: &l,
            cells: 0,
            text: 0,
        };
        let mut rows = Vec::new();
        b.put(&mut rows, "S", 0, 0, Cell::Number(f64::NAN)).unwrap();
        assert_eq!(rows[0][0], Cell::Error("#NUM!".into()));
    }

    #[test]
    fn dates_follow_both_systems_and_stay_in_range() {
        use calamine::ExcelDateTimeType::{DateTime, TimeDelta};
        let d = date_time(&ExcelDateTime::new(45_943.5, DateTime, false));
        assert_eq!(d.as_text(), "13/10/2025");
        let d = date_time(&ExcelDateTime::new(45_943.5 - 1462.0, DateTime, true));
        assert_eq!(d.as_text(), "13/10/2025");
        assert_eq!(
            date_time(&ExcelDateTime::new(-1e300, DateTime, false)),
            Cell::Number(-1e300)
        );
        assert_eq!(
            date_time(&ExcelDateTime::new(1.5, TimeDelta, false)),
            Cell::Number(1.5)
        );
        assert_eq!(iso_date_time("2025-03-31").as_text(), "31/03/2025");
        assert_eq!(iso_date_time("khong"), Cell::Text("khong".into()));
    }

    #[test]
    fn a_workbook_written_here_reads_back() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("Báo cáo").unwrap();
        ws.write_string(0, 0, "Nhiệm vụ").unwrap();
        ws.merge_range(0, 1, 0, 3, "Tiến độ", &rust_xlsxwriter::Format::new())
            .unwrap();
        ws.write_number(1, 0, 42.0).unwrap();
        ws.write_formula(1, 1, "=A2*2").unwrap();
        let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 3, 31).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        ws.write_datetime_with_format(1, 2, &date, &fmt).unwrap();
        let hidden = book.add_worksheet();
        hidden.set_name("Ẩn").unwrap();
        hidden.write_string(0, 0, "x").unwrap();
        hidden.set_hidden(true);
        let bytes = book.save_to_buffer().unwrap();

        let out = parse(&bytes, &limits()).unwrap();
        assert_eq!(out.format, Format::Xlsx);
        let s = &out.grid.sheets[0];
        assert_eq!(s.name, "Báo cáo");
        assert_eq!(s.cell(0, 0), &Cell::Text("Nhiệm vụ".into()));
        assert_eq!(s.shown(0, 3), &Cell::Text("Tiến độ".into()));
        assert_eq!(s.cell(1, 0), &Cell::Number(42.0));
        assert_eq!(s.cell(1, 2).as_text(), "31/03/2025");
        assert!(out.grid.sheets[1].hidden);
        assert!(!s.hidden);
    }

    #[test]
    fn merged_areas_count_once_per_row_of_the_sheet_they_cover() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for row in 0..100 {
            ws.write_number(row, 0, f64::from(row)).unwrap();
        }
        let blank = rust_xlsxwriter::Format::new();
        // 100 rows of the sheet; the area far below its last row counts once.
        ws.merge_range(0, 1, 99, 2, "", &blank).unwrap();
        ws.merge_range(5000, 1, 5010, 2, "", &blank).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let within = |max_cells| ReadLimits {
            max_cells,
            ..limits()
        };
        // 100 cells, 2 areas, 100 rows covered.
        assert_eq!(
            parse(&bytes, &within(202)).unwrap().grid.sheets[0]
                .merges
                .len(),
            2
        );
        let err = parse(&bytes, &within(201)).unwrap_err();
        assert_eq!(err.code(), "too_large");
        assert!(
            err.to_string()
                .contains("2 vùng ô gộp, phủ tổng cộng 100 hàng"),
            "{err}"
        );
    }

    #[test]
    fn limits_reject_before_the_grid_grows() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_number(0, 0, 1.0).unwrap();
        ws.write_number(1_048_575, 16_383, 2.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        // Two corner cells: the last row holds 16384 cells, well under the default limit.
        let out = parse(&bytes, &limits()).unwrap();
        assert_eq!(out.grid.sheets[0].rows.len(), 1_048_576);
        let small = ReadLimits {
            max_rows: 1000,
            ..limits()
        };
        assert_eq!(parse(&bytes, &small).unwrap_err().code(), "too_large");
    }

    /// What a reader hands on, call by call.
    #[derive(Default)]
    struct Recording {
        calls: Vec<String>,
    }

    impl GridSink for Recording {
        fn begin_sheet(&mut self, name: String, _: bool, merges: Vec<Merge>, rows: usize) {
            self.calls.push(format!(
                "sheet {name} ({} areas, {rows} rows)",
                merges.len()
            ));
        }
        fn row(&mut self, cells: Vec<Cell>) {
            let texts: Vec<String> = cells.iter().map(Cell::as_text).collect();
            self.calls.push(format!("row {}", texts.join("|")));
        }
        fn drop_sheet(&mut self) {
            self.calls.push("drop".into());
        }
    }

    impl ReadSink for Recording {
        fn format(&mut self, format: Format) {
            self.calls.push(format!("format {}", format.as_str()));
        }
    }

    fn recorded(bytes: &[u8]) -> Vec<String> {
        let mut recording = Recording::default();
        parse_into(bytes, &limits(), &mut recording).unwrap();
        recording.calls
    }

    #[test]
    fn merged_areas_scanned_alongside_the_opening_read_the_same() {
        for bytes in [
            three_rows(|part| part),
            crate::bench::generate_merged_report(50, 0).unwrap(),
        ] {
            let read = |alongside: bool| {
                let limits = limits();
                let mut recording = Recording::default();
                let notes =
                    read_xlsx_scanning(&bytes, Collector::new(&limits, &mut recording), alongside)
                        .unwrap();
                (recording.calls, notes)
            };
            let (calls, notes) = read(true);
            assert!(calls[0].contains(" areas,") && !calls[0].contains("(0 areas"));
            assert!(!calls.contains(&"drop".to_string()), "{calls:?}");
            assert_eq!((calls, notes), read(false));
        }
    }

    /// A three-row sheet with a merged area, its sheet part rewritten by `edit`.
    fn three_rows(edit: impl Fn(String) -> String) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for row in 0..3u32 {
            ws.write_string(row, 0, format!("a{row}")).unwrap();
            ws.write_string(row, 1, format!("b{row}")).unwrap();
        }
        ws.merge_range(3, 0, 3, 1, "", &rust_xlsxwriter::Format::new())
            .unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).unwrap();
            let name = file.name().unwrap().to_string();
            let mut content = String::new();
            file.read_to_string(&mut content).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                content = edit(content);
            }
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(content.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// The grid the workbook of [`three_rows`] reads as, whatever the order in its part.
    fn three_rows_grid(bytes: &[u8]) -> Vec<Vec<String>> {
        let out = parse(bytes, &limits()).unwrap();
        let sheet = &out.grid.sheets[0];
        assert_eq!(sheet.merges, vec![Merge::new(3, 0, 3, 1)]);
        sheet
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::as_text).collect())
            .collect()
    }

    /// `text` with its spans `start..middle` and `middle..end` in the other order.
    fn swap_spans(text: &str, start: usize, middle: usize, end: usize) -> String {
        [
            &text[..start],
            &text[middle..end],
            &text[start..middle],
            &text[end..],
        ]
        .concat()
    }

    fn expected_rows() -> Vec<Vec<String>> {
        (0..3)
            .map(|r| vec![format!("a{r}"), format!("b{r}")])
            .collect()
    }

    #[test]
    fn an_xlsx_sheet_is_handed_on_row_by_row_after_its_merged_areas() {
        let bytes = three_rows(|part| part);
        assert_eq!(
            recorded(&bytes),
            vec![
                "format xlsx",
                "sheet Sheet1 (1 areas, 4 rows)",
                "row a0|b0",
                "row a1|b1",
                "row a2|b2",
            ]
        );
        assert_eq!(three_rows_grid(&bytes), expected_rows());
    }

    #[test]
    fn a_sheet_that_cannot_be_streamed_is_dropped_and_read_whole() {
        // Rows out of order in the part: the first streamed row is dropped with its sheet.
        let swapped = three_rows(|part| {
            let start = part.find("<row r=\"1\"").unwrap();
            let middle = part.find("<row r=\"2\"").unwrap();
            let end = part.find("<row r=\"3\"").unwrap();
            swap_spans(&part, start, middle, end)
        });
        let calls = recorded(&swapped);
        assert_eq!(calls[1], "sheet Sheet1 (1 areas, 4 rows)");
        let dropped = calls.iter().position(|c| c == "drop").unwrap();
        assert_eq!(
            calls[dropped + 1..],
            [
                "sheet Sheet1 (1 areas, 3 rows)",
                "row a0|b0",
                "row a1|b1",
                "row a2|b2"
            ]
        );
        assert_eq!(three_rows_grid(&swapped), expected_rows());
        // A sheet declaring fewer rows than it has, or none.
        for dimension in ["<dimension ref=\"A1:B2\"/>", ""] {
            let lying = three_rows(|part| {
                let start = part.find("<dimension").unwrap();
                let end = start + part[start..].find("/>").unwrap() + 2;
                format!("{}{dimension}{}", &part[..start], &part[end..])
            });
            let calls = recorded(&lying);
            assert!(calls.contains(&"drop".to_string()), "{calls:?}");
            assert_eq!(three_rows_grid(&lying), expected_rows());
        }
    }

    #[test]
    fn a_row_giving_a_column_out_of_order_or_twice_is_read_whole() {
        // The second row's two cells swapped: the same grid.
        let swapped = three_rows(|part| {
            let a = part.find("<c r=\"A2\"").unwrap();
            let b = part.find("<c r=\"B2\"").unwrap();
            let end = b + part[b..].find("</c>").unwrap() + 4;
            swap_spans(&part, a, b, end)
        });
        let calls = recorded(&swapped);
        assert!(calls.contains(&"drop".to_string()), "{calls:?}");
        assert_eq!(three_rows_grid(&swapped), expected_rows());
        // A2 given twice: the last value stays, as in a sheet read whole.
        let twice = three_rows(|part| part.replace("<c r=\"B2\"", "<c r=\"A2\""));
        let calls = recorded(&twice);
        assert!(calls.contains(&"drop".to_string()), "{calls:?}");
        let mut expected = expected_rows();
        expected[1] = vec!["b1".into()];
        assert_eq!(three_rows_grid(&twice), expected);
    }
}
