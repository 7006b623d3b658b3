//! The grid: what the isolated spreadsheet reader hands to the pure stages.
//!
//! A workbook's sheets as rows of typed cells plus merged areas, nothing else. Positions are
//! 0-based and absolute (row 0 is Excel's row 1), so findings can name the row a clerk sees.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::merge_index::LazyMergeIndex;

/// One cell. Texts are boxed string slices, not `String`s: a large upload holds a million
/// cells, and 24 bytes a cell instead of 32 is 8 MB less in each of the reader and the
/// server (`tests::a_cell_is_three_words`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Empty,
    Text(Box<str>),
    Number(f64),
    Bool(bool),
    /// An Excel date/time, already converted (1900 and 1904 systems).
    DateTime(NaiveDateTime),
    /// An error value such as "#REF!".
    Error(Box<str>),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, the way a person reads it.
    pub fn as_text(&self) -> String {
        self.text().into_owned()
    }

    /// [`Cell::as_text`], borrowing the cell's own text instead of copying it (the layout
    /// reads every cell of a large upload this way).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) | Cell::Error(t) => Cow::Borrowed(t),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => {
                Cow::Owned(format!("{}", *n as i64))
            }
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::DateTime(d) => Cow::Owned(d.format("%d/%m/%Y").to_string()),
        }
    }
}

/// A merged area, inclusive bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub first_row: u32,
    pub first_col: u32,
    pub last_row: u32,
    pub last_col: u32,
}

impl Merge {
    pub fn new(first_row: u32, first_col: u32, last_row: u32, last_col: u32) -> Merge {
        Merge {
            first_row,
            first_col,
            last_row,
            last_col,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    /// True for sheets Excel hides.
    #[serde(default)]
    pub hidden: bool,
    /// `rows[r][c]`; rows may be shorter than others (trailing empties dropped).
    pub rows: Vec<Vec<Cell>>,
    /// Must not change once cells are looked up: the lookups index it then.
    #[serde(default)]
    pub merges: Vec<Merge>,
    #[serde(skip)]
    merge_index: LazyMergeIndex,
}

impl Sheet {
    /// A visible sheet.
    pub fn new(name: impl Into<String>, rows: Vec<Vec<Cell>>, merges: Vec<Merge>) -> Sheet {
        Sheet {
            name: name.into(),
            hidden: false,
            rows,
            merges,
            merge_index: LazyMergeIndex::default(),
        }
    }

    /// A sheet whose rows are still to come, `rows` of them at most: its merged areas are
    /// indexed for that many rows now (lookups index them once; rows pushed later are then
    /// covered too). Areas only reach as far as the rows that exist, so no further.
    pub fn arriving(name: String, hidden: bool, merges: Vec<Merge>, rows: usize) -> Sheet {
        let reach = merges.iter().map(|m| m.last_row as usize + 1).max();
        let mut sheet = Sheet::new(name, Vec::new(), merges);
        sheet.hidden = hidden;
        sheet
            .merge_index
            .get(&sheet.merges, rows.min(reach.unwrap_or(0)));
        sheet
    }

    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }

    /// The value shown at (row, col), following merged areas to their top-left cell.
    pub fn shown(&self, row: usize, col: usize) -> &Cell {
        match self.merge_at(row, col) {
            Some(m) => self.cell(m.first_row as usize, m.first_col as usize),
            None => self.cell(row, col),
        }
    }

    /// The merged area that covers (row, col), if any (the first one, should areas overlap).
    pub fn merge_at(&self, row: usize, col: usize) -> Option<&Merge> {
        self.merge_index
            .get(&self.merges, self.rows.len())
            .covering(&self.merges, row, col)
    }

    /// The merged areas that cross `row`, in the sheet's order.
    pub fn merges_crossing(&self, row: usize) -> impl Iterator<Item = &Merge> {
        self.merge_index
            .get(&self.merges, self.rows.len())
            .crossing(&self.merges, row)
    }

    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Grid {
    pub sheets: Vec<Sheet>,
}

/// Takes a workbook as it is read or decoded: each sheet announced with its merged areas and
/// the rows it declares, then its rows in order. A [`Grid`] keeps them all; the layout's
/// [`TableReader`](crate::ingest::layout::TableReader) reads each row as it comes and keeps
/// only what the report needs, so a large upload's grid is never held whole.
pub trait GridSink {
    /// A sheet begins. `rows` is what it declares: that many rows follow, or fewer (a sheet
    /// read as it is stored declares its `<dimension>`).
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize);
    /// The next row of the sheet begun last.
    fn row(&mut self, cells: Vec<Cell>);
    /// Forget the sheet begun last: it could not be read after all, or it comes again.
    fn drop_sheet(&mut self);
}

impl GridSink for Grid {
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize) {
        // `rows` is what the sheet declares: room for a large one is made as rows come.
        let mut sheet = Sheet::new(name, Vec::with_capacity(rows.min(1 << 16)), merges);
        sheet.hidden = hidden;
        self.sheets.push(sheet);
    }

    fn row(&mut self, mut cells: Vec<Cell>) {
        if let Some(sheet) = self.sheets.last_mut() {
            // Kept for good: give back what the row's doublings left unused.
            cells.shrink_to_fit();
            sheet.rows.push(cells);
        }
    }

    fn drop_sheet(&mut self) {
        self.sheets.pop();
    }
}

impl Grid {
    /// Hands every sheet and row to `sink`, moving them.
    pub fn feed(self, sink: &mut impl GridSink) {
        for sheet in self.sheets {
            sink.begin_sheet(sheet.name, sheet.hidden, sheet.merges, sheet.rows.len());
            for row in sheet.rows {
                sink.row(row);
            }
        }
    }

    /// [`Grid::feed`], copying: the grid stays as it is.
    pub fn feed_copies(&self, sink: &mut impl GridSink) {
        for sheet in &self.sheets {
            let merges = sheet.merges.clone();
            sink.begin_sheet(sheet.name.clone(), sheet.hidden, merges, sheet.rows.len());
            for row in &sheet.rows {
                sink.row(row.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cell;

    #[test]
    fn a_cell_is_three_words() {
        assert_eq!(
            std::mem::size_of::<Cell>(),
            3 * std::mem::size_of::<usize>()
        );
    }
}
