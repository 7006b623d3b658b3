//! Reading a sheet cell by cell the way a person sees it: merged areas, blank rows, the row
//! of column numbers that forms often put under the header.

use crate::ingest::grid::{Cell, Sheet};

/// The top-left position of the area (row, col) belongs to: itself when not merged.
pub(crate) fn origin(sheet: &Sheet, row: usize, col: usize) -> (usize, usize) {
    sheet
        .merge_at(row, col)
        .map(|m| (m.first_row as usize, m.first_col as usize))
        .unwrap_or((row, col))
}

/// True when (row, col) is covered by a merged area that starts on an earlier row.
pub(crate) fn merged_from_above(sheet: &Sheet, row: usize, col: usize) -> bool {
    sheet
        .merge_at(row, col)
        .is_some_and(|m| (m.first_row as usize) < row)
}

/// True when nothing at all is written on the row, merged areas included.
pub(crate) fn is_blank_row(sheet: &Sheet, row: usize) -> bool {
    sheet
        .rows
        .get(row)
        .is_none_or(|cells| cells.iter().all(Cell::is_empty))
        && !sheet.merges_crossing(row).any(|m| {
            !sheet
                .cell(m.first_row as usize, m.first_col as usize)
                .is_empty()
        })
}

/// A row of column numbers under the header: "(1) (2) (3)…", "1 2 3 4", "A B 1 2",
/// "(5)=(3)/(4)". At least two plain numbers, increasing from left to right, and nothing
/// longer than a short formula.
pub(crate) fn is_numbering_row(sheet: &Sheet, row: usize) -> bool {
    let Some(cells) = sheet.rows.get(row) else {
        return false;
    };
    let mut numbers = Vec::new();
    let mut filled = 0;
    for cell in cells {
        let raw = match cell {
            Cell::Empty => continue,
            Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 => {
                filled += 1;
                numbers.push(*n as i64);
                continue;
            }
            Cell::Text(t) => t.trim(),
            _ => return false,
        };
        if raw.is_empty() {
            continue;
        }
        filled += 1;
        let bare = raw.trim_matches(|c| matches!(c, '(' | ')' | '[' | ']' | '.' | ' '));
        if let Ok(n) = bare.parse::<i64>() {
            numbers.push(n);
        } else if raw.chars().count() > 16
            || !raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "()[]=+-*/x×:. ".contains(c))
            || (raw.chars().filter(|c| c.is_alphabetic()).count() > 2 && !raw.contains('('))
        {
            return false;
        }
    }
    filled >= 2 && numbers.len() >= 2 && numbers.windows(2).all(|w| w[0] < w[1])
}
