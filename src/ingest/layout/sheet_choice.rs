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
    pub sheet: usize,
    pub header: header::Header,
    pub rows: Vec<RawRow>,
    pub findings: Vec<Finding>,
    /// Other ordinary sheets that also hold a report table with rows.
    pub others: Vec<String>,
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

pub(crate) fn choose(grid: &Grid) -> Result<Choice, LayoutError> {
    let visible: Vec<(usize, &Sheet)> = grid
        .sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.hidden && !is_empty(s))
        .collect();
    if visible.is_empty() {
        return Err(LayoutError::EmptyWorkbook);
    }
    let mut found: Vec<(f64, f64, Choice)> = Vec::new();
    let mut without_task: Option<(f64, String, u32)> = None;
    for (index, sheet) in visible {
        let Some(header) = header::find_header(sheet) else {
            continue;
        };
        let weight = name_weight(&sheet.name);
        let Some((rows, findings)) = rows::read_rows(sheet, &header) else {
            let score = header.score * weight;
            if without_task.as_ref().is_none_or(|(s, _, _)| score > *s) {
                let row = header.rows[0] as u32 + 1;
                without_task = Some((score, sheet.name.clone(), row));
            }
            continue;
        };
        debug_assert!(header.has(ColumnRole::Task));
        let key = header.score * weight + rows.len().min(20) as f64 * 0.1;
        let choice = Choice {
            sheet: index,
            header,
            rows,
            findings,
            others: Vec::new(),
        };
        found.push((key, weight, choice));
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
        return Err(match without_task {
            Some((_, sheet, row)) => LayoutError::NoTaskColumn { sheet, row },
            None => LayoutError::NoTable,
        });
    };
    let others: Vec<String> = found
        .iter()
        .enumerate()
        .filter(|(i, (_, weight, c))| *i != best && *weight >= 1.0 && !c.rows.is_empty())
        .map(|(_, (_, _, c))| grid.sheets[c.sheet].name.clone())
        .collect();
    let (_, _, mut choice) = found.swap_remove(best);
    choice.others = others;
    Ok(choice)
}
