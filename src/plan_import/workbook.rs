//! Workbooks (.xlsx, .xls) as rows of text, one list per sheet.
//!
//! calamine may panic on malformed files, and a small zip may claim gigabytes once
//! inflated (DESIGN §4): the declared sizes of an .xlsx are checked before calamine sees
//! it, and a panic becomes a "corrupt file" error instead of taking the process down.
//! Only text is kept — numbers as written ("2.1" for an STT), dates as dd/mm/yyyy.

use std::io::Cursor;

use calamine::{Data, Reader, Xls, Xlsx};

use super::error::PlanImportError;

/// Largest total uncompressed size of an .xlsx accepted.
const MAX_UNCOMPRESSED: u64 = 200 * 1024 * 1024;
/// Rows and columns read per sheet.
const MAX_ROWS: usize = 5_000;
const MAX_COLS: usize = 40;

/// A sheet: its name, the Excel row number of its first row (1-based), and its rows.
#[derive(Debug, Clone)]
pub struct SheetRows {
    pub name: String,
    pub first_row: usize,
    pub rows: Vec<Vec<String>>,
}

pub fn read_xlsx(bytes: &[u8], file: &str) -> Result<Vec<SheetRows>, PlanImportError> {
    let corrupt = |detail: String| PlanImportError::Corrupt {
        file: file.to_string(),
        format: "Excel (.xlsx)".into(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| corrupt(e.to_string()))?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNCOMPRESSED {
        return Err(corrupt(
            "nội dung giải nén quá lớn so với một bảng phân công".into(),
        ));
    }
    guarded(file, "Excel (.xlsx)", || {
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        sheets(&mut wb)
    })
}

pub fn read_xls(bytes: &[u8], file: &str) -> Result<Vec<SheetRows>, PlanImportError> {
    let result = guarded(file, "Excel 97-2003 (.xls)", || {
        let mut wb: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        sheets(&mut wb)
    });
    match result {
        Err(PlanImportError::Corrupt { detail, .. })
            if detail.to_lowercase().contains("password") =>
        {
            Err(PlanImportError::Encrypted {
                file: file.to_string(),
            })
        }
        other => other,
    }
}

fn guarded(
    file: &str,
    format: &str,
    read: impl FnOnce() -> Result<Vec<SheetRows>, String>,
) -> Result<Vec<SheetRows>, PlanImportError> {
    let corrupt = |detail: String| PlanImportError::Corrupt {
        file: file.to_string(),
        format: format.to_string(),
        detail,
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(Ok(sheets)) => Ok(sheets),
        Ok(Err(e)) => Err(corrupt(e)),
        Err(_) => Err(corrupt("bộ đọc Excel không đọc được cấu trúc tệp".into())),
    }
}

fn sheets<RS, R>(wb: &mut R) -> Result<Vec<SheetRows>, String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).map_err(|e| e.to_string())?;
        let first_row = range.start().map_or(1, |(r, _)| r as usize + 1);
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        let rows: Vec<Vec<String>> = range
            .rows()
            .take(MAX_ROWS)
            .map(|row| {
                // Keep columns where Excel has them, so empty leading columns do not shift.
                let mut cells = vec![String::new(); first_col.min(MAX_COLS)];
                cells.extend(row.iter().take(MAX_COLS).map(text_of));
                cells
            })
            .collect();
        out.push(SheetRows {
            name,
            first_row,
            rows,
        });
    }
    Ok(out)
}

fn text_of(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|dt| dt.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e:?}"),
    }
}
