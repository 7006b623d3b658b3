//! Choosing the sheet that holds the report.
//!
//! Workbooks carry more than the report: a cover page, instructions ("Hướng dẫn"), notes,
//! lists feeding drop-downs ("Danh mục"), hidden helper sheets, last month's report. Each
//! visible sheet is scored by its best header and the rows under it; sheets named like
//! helpers count for less, so a sample table in the instructions never wins over the report.

use super::{header, rows, LayoutError};
use crate::{
    domain::{finding::Finding, fold::fold},
    ingest::{
        grid::{Grid, Sheet},
        table::{ColumnRole, RawRow},
    },
};

/// The sheet read, with what was found in it.
pub(crate) struct Choice {
    pub sheet_name: String,
    pub header: header::Header,
    pub rows: Vec<RawRow>,
    pub findings: Vec<Finding>,
    /// Other ordinary sheets that also hold a report table with rows.
    pub others: Vec<String>,
}

/// What the first pass over a workbook found: each sheet with a task column, its header and
/// its rows read as texts. It holds nothing of the grid.
pub(crate) struct Candidates {
    sheets: Vec<Candidate>,
    /// The best header without a task column: its score, sheet and row.
    without_task: Option<(f64, String, u32)>,
}

struct Candidate {
    name: String,
    weight: f64,
    header: header::Header,
    lines: rows::Lines,
}

/// Names of sheets that hold no report.
const HELPER_NAMES: &[&str] = &[
    "huong dan",
    "ghi chu",
    "danh muc",
    "dm",
    "list",
    "lists",
    "bia",
    "trang bia",
    "cover",
    "instructions",
    "tham so",
    "cau hinh",
    "data",
    "vi du",
];

fn name_weight(name: &str) -> f64 {
    let folded = fold(name);
    let padded = format!(" {folded} ");
    if HELPER_NAMES
        .iter()
        .any(|n| padded.contains(&format!(" {n} ")))
    {
        0.3
    } else {
        1.0
    }
}

fn is_empty(sheet: &Sheet) -> bool {
    sheet
        .rows
        .iter()
        .all(|row| row.iter().all(|c| c.is_empty()))
}

/// The first pass: every visible sheet's best header and the rows under it, as texts.
pub(crate) fn candidates(grid: &Grid) -> Result<Candidates, LayoutError> {
    candidates_of(grid.sheets.iter())
}

/// [`candidates`], moving the texts out of the grid instead of copying them
/// ([`rows::Taking`]): the grid is only good for dropping afterwards.
pub(crate) fn take_candidates(grid: &mut Grid) -> Result<Candidates, LayoutError> {
    candidates_of(grid.sheets.iter_mut().map(rows::Taking))
}

fn candidates_of<S: rows::Source>(
    sheets: impl Iterator<Item = S>,
) -> Result<Candidates, LayoutError> {
    let visible: Vec<S> = sheets
        .filter(|s| !s.sheet().hidden && !is_empty(s.sheet()))
        .collect();
    if visible.is_empty() {
        return Err(LayoutError::EmptyWorkbook);
    }
    let mut sheets = Vec::new();
    let mut without_task: Option<(f64, String, u32)> = None;
    for source in visible {
        let sheet = source.sheet();
        let Some(header) = header::find_header(sheet) else {
            continue;
        };
        let weight = name_weight(&sheet.name);
        let name = sheet.name.clone();
        let Some(lines) = rows::Lines::read(source, &header) else {
            let score = header.score * weight;
            if without_task.as_ref().is_none_or(|(s, _, _)| score > *s) {
                let row = header.rows[0] as u32 + 1;
                without_task = Some((score, name, row));
            }
            continue;
        };
        debug_assert!(header.has(ColumnRole::Task));
        sheets.push(Candidate {
            name,
            weight,
            header,
            lines,
        });
    }
    Ok(Candidates {
        sheets,
        without_task,
    })
}

impl Candidates {
    /// The second pass: each candidate's data rows, and the sheet that holds the report.
    pub(crate) fn choose(self) -> Result<Choice, LayoutError> {
        let mut found: Vec<(f64, f64, Choice)> = Vec::new();
        for c in self.sheets {
            let (rows, findings) = c.lines.assemble();
            let key = c.header.score * c.weight + rows.len().min(20) as f64 * 0.1;
            let choice = Choice {
                sheet_name: c.name,
                header: c.header,
                rows,
                findings,
                others: Vec::new(),
            };
            found.push((key, c.weight, choice));
        }
        let best =
            found
                .iter()
                .enumerate()
                .fold(
                    None,
                    |best: Option<(usize, f64)>, (i, (key, _, _))| match best {
                        Some((_, k)) if k >= *key - 1e-9 => best,
                        _ => Some((i, *key)),
                    },
                );
        let Some((best, _)) = best else {
            return Err(match self.without_task {
                Some((_, sheet, row)) => LayoutError::NoTaskColumn { sheet, row },
                None => LayoutError::NoTable,
            });
        };
        let others: Vec<String> = found
            .iter()
            .enumerate()
            .filter(|(i, (_, weight, c))| *i != best && *weight >= 1.0 && !c.rows.is_empty())
            .map(|(_, (_, _, c))| c.sheet_name.clone())
            .collect();
        let (_, _, mut choice) = found.swap_remove(best);
        choice.others = others;
        Ok(choice)
    }
}
