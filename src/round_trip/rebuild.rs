//! Writing a [`Grid`] back as a workbook: every value at its position, merged areas
//! re-applied, hidden sheets kept hidden. rust_xlsxwriter cannot open a workbook, so a copy
//! of an uploaded file (the annotated copy) is rebuilt from what the reader saw.
//!
//! What a grid does not hold is lost: fonts, borders, colours, formulas (their cached values
//! are kept), comments, pictures.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use crate::ingest::grid::{Cell, Sheet};

/// Excel's serial number of a date/time (1900 system).
pub fn excel_serial(value: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time");
    let delta = value - epoch;
    delta.num_seconds() as f64 / 86_400.0
}

/// Writes one cell with `format` (a plain wrapped format when `None`).
pub fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    format: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {
            ws.write_blank(row, col, format)?;
        }
        Cell::Text(text) => {
            ws.write_string_with_format(row, col, text, format)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(row, col, *n, format)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean_with_format(row, col, *b, format)?;
        }
        Cell::DateTime(d) => {
            let pattern = if d.time() == chrono::NaiveTime::MIN {
                "dd/mm/yyyy"
            } else {
                "dd/mm/yyyy hh:mm:ss"
            };
            ws.write_number_with_format(
                row,
                col,
                excel_serial(*d),
                &format.clone().set_num_format(pattern),
            )?;
        }
        // An error value (#REF!) cannot be written as such; its text is kept.
        Cell::Error(text) => {
            ws.write_string_with_format(row, col, text, format)?;
        }
    }
    Ok(())
}

/// The plain format of a rebuilt cell.
pub fn plain() -> Format {
    Format::new().set_text_wrap().set_align(FormatAlign::Top)
}

/// Writes every value and merged area of `sheet` into `ws`. Rows in `fills` (0-based) get
/// that format on their first `fill_width` columns, empty cells included.
pub fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    fills: &HashMap<u32, Format>,
    fill_width: u16,
) -> Result<(), XlsxError> {
    let base = plain();
    let format_at = |row: u32, col: u16| -> &Format {
        match fills.get(&row) {
            Some(format) if col < fill_width => format,
            _ => &base,
        }
    };
    ws.set_name(&sheet.name)?;
    if sheet.hidden {
        ws.set_hidden(true);
    }
    // Merged areas first (overlapping or single-cell areas, which Excel refuses, are
    // skipped); the values are written over their top-left cells afterwards.
    let mut kept: Vec<crate::ingest::grid::Merge> = Vec::new();
    for m in &sheet.merges {
        let single = m.first_row == m.last_row && m.first_col == m.last_col;
        let overlaps = kept.iter().any(|k| {
            k.first_row <= m.last_row
                && m.first_row <= k.last_row
                && k.first_col <= m.last_col
                && m.first_col <= k.last_col
        });
        if single || overlaps || m.last_col > u16::MAX as u32 {
            continue;
        }
        let format = format_at(m.first_row, m.first_col as u16);
        ws.merge_range(
            m.first_row,
            m.first_col as u16,
            m.last_row,
            m.last_col as u16,
            "",
            format,
        )?;
        kept.push(*m);
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            if cell == &Cell::Empty {
                continue;
            }
            write_cell(ws, r, c, cell, format_at(r, c))?;
        }
    }
    for (&r, format) in fills {
        for c in 0..fill_width {
            let written = sheet
                .rows
                .get(r as usize)
                .and_then(|row| row.get(c as usize))
                .is_some_and(|cell| cell != &Cell::Empty);
            let merged = kept.iter().any(|m| {
                (m.first_row..=m.last_row).contains(&r)
                    && (m.first_col..=m.last_col).contains(&(c as u32))
            });
            if !written && !merged {
                ws.write_blank(r, c, format)?;
            }
        }
    }
    set_widths(ws, sheet)?;
    Ok(())
}

/// Column widths from the longest text in each column, within reason.
fn set_widths(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let mut widths: HashMap<u16, usize> = HashMap::new();
    for row in &sheet.rows {
        for (c, cell) in row.iter().enumerate() {
            let longest = cell
                .as_text()
                .lines()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0);
            let entry = widths.entry(c as u16).or_insert(0);
            *entry = (*entry).max(longest);
        }
    }
    for (col, chars) in widths {
        ws.set_column_width(col, (chars as f64 + 2.0).clamp(8.0, 60.0))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{
        grid::{Grid, Merge},
        read,
    };

    #[test]
    fn a_grid_survives_a_rebuild() {
        let date = NaiveDate::from_ymd_opt(2022, 11, 15)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let sheet = Sheet {
            name: "Báo cáo".into(),
            hidden: false,
            rows: vec![
                vec![Cell::Text("TIÊU ĐỀ".into())],
                vec![
                    Cell::Number(1.5),
                    Cell::Bool(true),
                    Cell::DateTime(date),
                    Cell::Empty,
                    Cell::Text("x".into()),
                ],
            ],
            merges: vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 3,
            }],
        };
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let ws = workbook.add_worksheet();
        write_sheet(ws, &sheet, &HashMap::new(), 0).unwrap();
        let bytes = workbook.save_to_buffer().unwrap();
        let grid: Grid = read::parse(&bytes, &read::ReadLimits::default())
            .unwrap()
            .grid;
        let back = &grid.sheets[0];
        assert_eq!(back.name, "Báo cáo");
        assert_eq!(back.merges, sheet.merges);
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                assert_eq!(back.cell(r, c), cell, "({r}, {c})");
            }
        }
    }
}
