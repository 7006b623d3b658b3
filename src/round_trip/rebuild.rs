//! Writing a [`Grid`] back as a workbook: every value at its position, merged areas
//! re-applied, hidden sheets kept hidden. rust_xlsxwriter cannot open a workbook, so a copy
//! of an uploaded file (the annotated copy) is rebuilt from what the reader saw.
//!
//! What a grid does not hold is lost: fonts, borders, colours, formulas (their cached values
//! are kept), comments, pictures.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use crate::ingest::grid::{Cell, Merge, Sheet};

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
            ws.write_string_with_format(row, col, &**text, format)?;
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
            ws.write_string_with_format(row, col, &**text, format)?;
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
    // Merged areas first; the values are written over their top-left cells afterwards.
    let mut kept = KeptAreas::new(sheet.rows.len());
    for m in &sheet.merges {
        let Some(m) = kept.admit(m) else {
            continue;
        };
        let format = format_at(m.first_row, m.first_col as u16);
        ws.merge_range(
            m.first_row,
            m.first_col as u16,
            m.last_row,
            m.last_col as u16,
            "",
            format,
        )?;
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
            let merged = kept.covers(r, c);
            if !written && !merged {
                ws.write_blank(r, c, format)?;
            }
        }
    }
    set_widths(ws, sheet)?;
    Ok(())
}

/// Cells a rebuilt sheet may merge in all. rust_xlsxwriter writes a blank cell and an
/// index entry for every merged cell (~100 bytes each), so one area such as A1:XFD1048576
/// would take the server's memory; real reports merge thousands of cells.
pub const MAX_MERGED_CELLS: u64 = 1_000_000;

/// The merged areas re-applied to a rebuilt sheet, by row: Excel refuses single-cell and
/// overlapping areas, and both checks must stay cheap for a sheet with an area on each of
/// its 100k rows.
struct KeptAreas {
    /// For each row of the sheet, the column spans of the kept areas crossing it, sorted and
    /// disjoint.
    rows: Vec<Vec<(u32, u32)>>,
    /// Merged cells left to [`MAX_MERGED_CELLS`].
    budget: u64,
}

impl KeptAreas {
    fn new(rows: usize) -> KeptAreas {
        KeptAreas {
            rows: vec![Vec::new(); rows],
            budget: MAX_MERGED_CELLS,
        }
    }

    /// `m` cut to the sheet's rows (there is nothing to show below them), when it can be
    /// merged: more than one cell, within Excel's columns and the budget, and clear of the
    /// areas kept so far. The area is then kept.
    fn admit(&mut self, m: &Merge) -> Option<Merge> {
        let last_row = m.last_row.min(self.rows.len().checked_sub(1)? as u32);
        let m = Merge { last_row, ..*m };
        let single = m.first_row == m.last_row && m.first_col == m.last_col;
        if m.first_row > m.last_row || single || m.last_col > u32::from(u16::MAX) {
            return None;
        }
        let cells =
            u64::from(m.last_row - m.first_row + 1) * u64::from(m.last_col - m.first_col + 1);
        if cells > self.budget {
            return None;
        }
        let rows = m.first_row as usize..=m.last_row as usize;
        if self.rows[rows.clone()]
            .iter()
            .any(|spans| overlapping(spans, m.first_col, m.last_col).is_some())
        {
            return None;
        }
        for spans in &mut self.rows[rows] {
            let at = spans.partition_point(|&(first, _)| first < m.first_col);
            spans.insert(at, (m.first_col, m.last_col));
        }
        self.budget -= cells;
        Some(m)
    }

    /// True when a kept area covers (row, col).
    fn covers(&self, row: u32, col: u16) -> bool {
        let col = u32::from(col);
        self.rows
            .get(row as usize)
            .is_some_and(|spans| overlapping(spans, col, col).is_some())
    }
}

/// The span of `spans` (sorted, disjoint) that shares a column with `first..=last`.
fn overlapping(spans: &[(u32, u32)], first: u32, last: u32) -> Option<(u32, u32)> {
    // The last span starting at or before `last` is the only candidate: the spans before it
    // end before it starts.
    let at = spans.partition_point(|&(start, _)| start <= last);
    let span = *spans.get(at.checked_sub(1)?)?;
    (span.1 >= first).then_some(span)
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
    fn merged_areas_kept_are_those_excel_accepts_within_the_sheet() {
        let mut kept = KeptAreas::new(10);
        assert_eq!(
            kept.admit(&Merge::new(0, 0, 0, 5)),
            Some(Merge::new(0, 0, 0, 5))
        );
        // Overlapping an area kept before, on either side or inside.
        assert_eq!(kept.admit(&Merge::new(0, 5, 1, 6)), None);
        assert_eq!(kept.admit(&Merge::new(0, 2, 0, 3)), None);
        // Single cell.
        assert_eq!(kept.admit(&Merge::new(3, 3, 3, 3)), None);
        // Cut to the sheet's last row; below it there is nothing to merge.
        assert_eq!(
            kept.admit(&Merge::new(8, 1, 1_048_575, 2)),
            Some(Merge::new(8, 1, 9, 2))
        );
        assert_eq!(kept.admit(&Merge::new(10, 0, 20, 0)), None);
        // Beside kept areas on the same rows.
        assert_eq!(
            kept.admit(&Merge::new(0, 6, 0, 7)),
            Some(Merge::new(0, 6, 0, 7))
        );
        assert_eq!(
            kept.admit(&Merge::new(8, 3, 9, 3)),
            Some(Merge::new(8, 3, 9, 3))
        );
        assert!(kept.covers(0, 7) && kept.covers(9, 1) && kept.covers(9, 3));
        assert!(!kept.covers(0, 8) && !kept.covers(7, 1) && !kept.covers(10, 1));
    }

    #[test]
    fn merged_cells_are_bounded_in_all() {
        let rows = 2_000;
        let mut kept = KeptAreas::new(rows);
        // 1000 rows × 1001 columns is more than the budget.
        assert_eq!(kept.admit(&Merge::new(0, 0, 999, 1000)), None);
        let mut admitted = 0;
        for first_col in (0..16_000).step_by(2) {
            if kept
                .admit(&Merge::new(0, first_col, rows as u32 - 1, first_col + 1))
                .is_some()
            {
                admitted += 1;
            }
        }
        assert_eq!(admitted, MAX_MERGED_CELLS / (2 * rows as u64));
    }

    #[test]
    fn a_grid_survives_a_rebuild() {
        let date = NaiveDate::from_ymd_opt(2022, 11, 15)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let sheet = Sheet::new(
            "Báo cáo",
            vec![
                vec![Cell::Text("TIÊU ĐỀ".into())],
                vec![
                    Cell::Number(1.5),
                    Cell::Bool(true),
                    Cell::DateTime(date),
                    Cell::Empty,
                    Cell::Text("x".into()),
                ],
            ],
            vec![Merge {
                first_row: 0,
                first_col: 0,
                last_row: 0,
                last_col: 3,
            }],
        );
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
