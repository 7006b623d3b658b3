//! Reading the rows under a header: data rows, the group headings above them, and what to
//! pass over (spacers, totals, a header repeated after a page break, footnotes, the date
//! line) until the signature block ends the table.
//!
//! Two passes, both as the rows arrive: the first reads each row into a [`Line`] of texts;
//! the second ([`assembly`]) decides which lines are group headings (it needs to see the
//! line after), joins continuation lines to their task, and normalises status and progress.

mod assembly;

use std::sync::LazyLock;

use self::assembly::Assembler;
use super::{
    cells,
    header::{Header, Label},
    numbering, RowSink,
};
use crate::{
    domain::fold::{fold, fold_is_one_of, fold_starts_with_any, Phrases},
    ingest::{
        grid::{Cell, Sheet},
        table::{ColumnRole, ReportedStatus},
        values,
    },
};

/// Where each role sits in the sheet.
struct Map {
    number: Option<usize>,
    task: usize,
    result: Vec<usize>,
    status: Option<usize>,
    ticks: Vec<(usize, ReportedStatus, String)>,
    progress: Option<usize>,
    difficulties: Vec<usize>,
    proposals: Vec<usize>,
    notes: Vec<usize>,
}

impl Map {
    fn of(header: &Header) -> Option<Map> {
        let cols = |role: ColumnRole| -> Vec<usize> {
            header
                .columns
                .iter()
                .filter(|c| c.label == Label::Role(role))
                .map(|c| c.col)
                .collect()
        };
        let ticks = header
            .columns
            .iter()
            .filter_map(|c| match c.label {
                Label::Tick(status) => Some((c.col, status, c.text.clone())),
                Label::Role(_) => None,
            })
            .collect();
        Some(Map {
            number: cols(ColumnRole::Number).first().copied(),
            task: *cols(ColumnRole::Task).first()?,
            result: cols(ColumnRole::Result),
            status: cols(ColumnRole::Status).first().copied(),
            ticks,
            progress: cols(ColumnRole::Progress).first().copied(),
            difficulties: cols(ColumnRole::Difficulties),
            proposals: cols(ColumnRole::Proposals),
            notes: cols(ColumnRole::Notes),
        })
    }

    /// Columns whose content is a report on the task (not a copy of the plan).
    fn report_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.result
            .iter()
            .chain(self.status.iter())
            .chain(self.ticks.iter().map(|t| &t.0))
            .chain(self.progress.iter())
            .chain(self.difficulties.iter())
            .chain(self.proposals.iter())
            .copied()
    }
}

/// One row of the sheet, read as texts.
#[derive(Debug, Clone, Default)]
struct Line {
    /// 0-based.
    row: usize,
    number: String,
    task: String,
    /// The texts of the result columns, one per line (continuation rows add theirs).
    result: String,
    status: String,
    /// Indexes into `Map::ticks` of the ticked columns.
    ticks: Vec<usize>,
    progress: Option<Cell>,
    difficulties: String,
    proposals: String,
    notes: String,
    /// The task cell is merged down from the row above: this row adds to that task.
    continues: bool,
    /// The task cell is merged across the number or the report columns: a group heading.
    spans: bool,
}

impl Line {
    fn has_report(&self) -> bool {
        !self.result.is_empty()
            || !self.status.is_empty()
            || !self.ticks.is_empty()
            || self.progress.is_some()
            || !self.difficulties.is_empty()
            || !self.proposals.is_empty()
    }

    /// Adds a continuation line's report to this one.
    fn absorb(&mut self, other: Line) {
        add_line(&mut self.result, &other.result);
        add_line(&mut self.difficulties, &other.difficulties);
        add_line(&mut self.proposals, &other.proposals);
        add_line(&mut self.notes, &other.notes);
        self.ticks.extend(other.ticks);
        if self.status.is_empty() {
            self.status = other.status;
        }
        if self.progress.is_none() {
            self.progress = other.progress;
        }
    }
}

/// Appends `text` to `lines` as a line of its own, if there is any.
fn add_line(lines: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !lines.is_empty() {
        lines.push('\n');
    }
    lines.push_str(text);
}

/// A cell's place: 0-based row and column.
type At = (usize, usize);

/// A sheet whose cells' values are moved into the lines instead of copied. Only a cell
/// outside every merged area is moved: it shows on its own row and column alone, and the
/// first pass reads each (row, column) once, after every check of its row, so nothing reads
/// it again. A merged area's origin shows on the rows below it, and is copied.
pub(crate) struct Taking<'a>(pub &'a mut Sheet);

impl Taking<'_> {
    fn own_cell(&mut self, (row, col): At) -> Option<&mut Cell> {
        if self.0.merge_at(row, col).is_some() {
            return None;
        }
        self.0
            .rows
            .get_mut(row)
            .and_then(|cells| cells.get_mut(col))
    }

    /// The cleaned text of the cell at `at`, read once per line that shows it.
    fn text(&mut self, at: At) -> String {
        match self.own_cell(at) {
            Some(Cell::Text(text)) => values::clean_owned(std::mem::take(text).into_string()),
            _ => values::clean_text(&self.0.cell(at.0, at.1).text()),
        }
    }

    /// The cell at `at`.
    fn cell(&mut self, at: At) -> Cell {
        match self.own_cell(at) {
            Some(cell) => std::mem::replace(cell, Cell::Empty),
            None => self.0.cell(at.0, at.1).clone(),
        }
    }
}

/// Both passes, a row at a time: rows are given in order as they arrive, each once, and
/// are not looked at again except where a merged area starts on them. The caller may free
/// every other row once it is read. Data rows are handed to the sink given as soon as they
/// are complete.
pub(crate) struct LineReader {
    /// The first row under the header.
    first: usize,
    /// The signature block was reached: nothing below belongs to the table.
    ended: bool,
    assembler: Assembler,
}

impl LineReader {
    /// The reader of the rows under `header`. `None` when the header has no task column.
    pub(crate) fn new(header: &Header) -> Option<LineReader> {
        Some(LineReader {
            first: header.last_row() + 1,
            ended: false,
            assembler: Assembler::new(Map::of(header)?),
        })
    }

    /// True once no later row can belong to the table.
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }

    /// Reads `row` of `sheet` (every row above it has been given already), moving out the
    /// texts it keeps; rows it completes go to `out`.
    pub(crate) fn read(
        &mut self,
        sheet: &mut Sheet,
        row: usize,
        header: &Header,
        out: &mut dyn RowSink,
    ) {
        if self.ended || row < self.first {
            return;
        }
        if cells::is_blank_row(sheet, row) {
            return;
        }
        if is_signature(sheet, row) {
            self.ended = true;
            return;
        }
        if is_header_copy(sheet, row, header) || cells::is_numbering_row(sheet, row) {
            return;
        }
        let at = places(sheet, row, self.map());
        // Known before the row's texts are taken, and only asked of rows without a number
        // or a task (folding every cell of every row would be slow).
        let date_line = at.lead_is_blank(sheet) && is_date_line(sheet, row);
        let line = read_line(&mut Taking(sheet), row, at);
        if is_total(&line) || is_footnote(&line) {
            return;
        }
        if line.number.is_empty() && line.task.is_empty() && date_line {
            return;
        }
        self.assembler.line(line, out);
    }

    fn map(&self) -> &Map {
        self.assembler.map()
    }

    /// The sheet is read: the rows still held go to `out`. Returns how many data rows the
    /// table has.
    pub(crate) fn finish(self, out: &mut dyn RowSink) -> usize {
        self.assembler.finish(out)
    }
}

/// Where a line's values are, read from the sheet before any is taken.
struct Places {
    number: Option<At>,
    /// `None` on a continuation row.
    task: Option<At>,
    result: Vec<Option<At>>,
    status: Option<At>,
    progress: Option<At>,
    difficulties: Vec<Option<At>>,
    proposals: Vec<Option<At>>,
    notes: Vec<Option<At>>,
    ticks: Vec<usize>,
    continues: bool,
    spans: bool,
}

impl Places {
    /// True when the line's number and task texts will be empty.
    fn lead_is_blank(&self, sheet: &Sheet) -> bool {
        [self.task, self.number]
            .iter()
            .all(|at| at.is_none_or(|(r, c)| values::cleans_to_nothing(&sheet.cell(r, c).text())))
    }
}

fn places(sheet: &Sheet, row: usize, map: &Map) -> Places {
    let task_origin = cells::origin(sheet, row, map.task);
    let continues = cells::merged_from_above(sheet, row, map.task);
    // A cell of the task's own merged area is the task text spilling over, not a value; on
    // a continuation row only what the row itself holds is new.
    let own = |col: usize| -> Option<At> {
        let origin = cells::origin(sheet, row, col);
        if col != map.task && origin == task_origin {
            return None;
        }
        if continues && cells::merged_from_above(sheet, row, col) {
            return None;
        }
        (!sheet.cell(origin.0, origin.1).is_empty()).then_some(origin)
    };
    // A cell merged across several of these columns is their one value, read once.
    let all = |cols: &[usize]| -> Vec<Option<At>> {
        let mut ats = Vec::with_capacity(cols.len());
        for &col in cols {
            let at = own(col).filter(|at| !ats.contains(&Some(*at)));
            ats.push(at);
        }
        ats
    };
    let spans = sheet.merge_at(row, map.task).is_some_and(|m| {
        let across = m.first_col as usize..=m.last_col as usize;
        map.number.is_some_and(|n| across.contains(&n))
            || map.report_columns().any(|c| across.contains(&c))
    }) && !continues;
    let ticks = map
        .ticks
        .iter()
        .enumerate()
        .filter(|(_, (col, _, _))| own(*col).is_some_and(|(r, c)| is_ticked(sheet.cell(r, c))))
        .map(|(i, _)| i)
        .collect();
    Places {
        number: map.number.and_then(own),
        task: (!continues).then_some(task_origin),
        result: all(&map.result),
        status: map.status.and_then(own),
        progress: map.progress.and_then(own),
        difficulties: all(&map.difficulties),
        proposals: all(&map.proposals),
        notes: all(&map.notes),
        ticks,
        continues,
        spans,
    }
}

fn read_line(source: &mut Taking, row: usize, at: Places) -> Line {
    let mut text = |at: Option<At>| at.map(|at| source.text(at)).unwrap_or_default();
    let mut number = text(at.number);
    let mut task = text(at.task);
    // The non-empty texts of several columns, a line each; one column's text is kept as it is.
    let mut texts = |ats: &[Option<At>]| -> String {
        match ats {
            [one] => text(*one),
            _ => ats.iter().fold(String::new(), |mut lines, &at| {
                add_line(&mut lines, &text(at));
                lines
            }),
        }
    };
    let result = texts(&at.result);
    let difficulties = texts(&at.difficulties);
    let proposals = texts(&at.proposals);
    let notes = texts(&at.notes);
    let status = at.status.map(|at| source.text(at)).unwrap_or_default();
    let progress = at.progress.map(|at| source.cell(at));
    if task.is_empty() && number.split_whitespace().nth(1).is_some() {
        // "I. Nhóm dịch vụ công" typed in the number cell and spilling over, unmerged.
        task = std::mem::take(&mut number);
    }
    Line {
        row,
        number,
        task,
        result,
        status,
        ticks: at.ticks,
        progress,
        difficulties,
        proposals,
        notes,
        continues: at.continues,
        spans: at.spans,
    }
}

/// Anything in a tick column but a zero or a "không" is a tick.
fn is_ticked(cell: &Cell) -> bool {
    values::is_tick(cell)
        || match cell {
            Cell::Number(n) => *n != 0.0,
            Cell::Text(t) => !matches!(fold(t).as_str(), "" | "0" | "khong" | "k"),
            Cell::DateTime(_) => true,
            _ => false,
        }
}

/// Words that open the signature block under a report.
const SIGNATURE: &[&str] = &[
    "noi nhan",
    "nguoi lap bieu",
    "nguoi lap",
    "nguoi tong hop",
    "thu truong don vi",
    "thu truong co quan",
    "lanh dao don vi",
    "xac nhan cua thu truong",
    "kt giam doc",
    "kt chu tich",
    "kt truong",
    "kt thu truong",
    "tm uy ban nhan dan",
    "tm ubnd",
    "tl giam doc",
    "tuq giam doc",
    "q giam doc",
    "ky ghi ro ho ten",
    "ky ten",
    "ky dong dau",
];
const SIGNATURE_ALONE: &[&str] = &["giam doc", "pho giam doc", "chu tich", "truong phong"];
/// What a signature cell's fold starts with: an entry of [`SIGNATURE`] or [`SIGNATURE_ALONE`].
static SIGNATURE_OPENINGS: LazyLock<Phrases> =
    LazyLock::new(|| Phrases::new(SIGNATURE.iter().chain(SIGNATURE_ALONE).copied()));
/// What the lead of a total row starts with.
static TOTAL_OPENINGS: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(["tong", "cong"]));
/// What the lead of a footnote row starts with.
static FOOTNOTE_OPENINGS: LazyLock<Phrases> = LazyLock::new(|| Phrases::new(["ghi chu", "luu y"]));

fn is_signature(sheet: &Sheet, row: usize) -> bool {
    let Some(cells) = sheet.rows.get(row) else {
        return false;
    };
    cells.iter().any(|cell| {
        // Numbers, dates, booleans and error values never spell a signature line.
        let Cell::Text(text) = cell else {
            return false;
        };
        // Every phrase is a start of the fold, which is folded only as far as some phrase
        // still starts with it, and whole only when it starts with one.
        if !fold_starts_with_any(text, &SIGNATURE_OPENINGS) {
            return false;
        }
        let folded = fold(text);
        if folded.is_empty() || folded.split(' ').count() > 10 {
            return false;
        }
        SIGNATURE_ALONE.contains(&folded.as_str())
            || SIGNATURE.iter().any(|s| {
                folded == *s || (folded.starts_with(s) && folded[s.len()..].starts_with(' '))
            })
    })
}

/// A row that repeats the header (Excel's "rows to repeat at top" pasted as values, or a
/// header copied after a page break): most header columns show one of their header texts.
fn is_header_copy(sheet: &Sheet, row: usize, header: &Header) -> bool {
    let same = header
        .columns
        .iter()
        .filter(|c| {
            // Folded only as far as a key of the column still starts with it.
            fold_is_one_of(&sheet.shown(row, c.col).text(), &c.keys)
        })
        .count();
    same >= 2 && same * 2 >= header.columns.len()
}

fn starts_with_word(folded: &str, word: &str) -> bool {
    folded == word || (folded.starts_with(word) && folded[word.len()..].starts_with(' '))
}

fn is_total(line: &Line) -> bool {
    let lead = if line.number.is_empty() {
        &line.task
    } else {
        &line.number
    };
    // Each case starts with "tong" or "cong": other leads (most task texts) are not folded.
    if !fold_starts_with_any(lead, &TOTAL_OPENINGS) {
        return false;
    }
    let folded = fold(lead);
    matches!(folded.as_str(), "tong" | "cong" | "tong so")
        || starts_with_word(&folded, "tong cong")
        || (line.number.is_empty()
            && starts_with_word(&folded, "tong so")
            && folded.split(' ').count() <= 6)
}

/// "Ghi chú: cột (4) ghi…", "Lưu ý: …" under the table.
fn is_footnote(line: &Line) -> bool {
    let lead = if line.number.is_empty() {
        &line.task
    } else {
        &line.number
    };
    if !fold_starts_with_any(lead, &FOOTNOTE_OPENINGS) {
        return false;
    }
    let folded = fold(lead);
    (starts_with_word(&folded, "ghi chu") || starts_with_word(&folded, "luu y"))
        && !line.has_report()
}

/// "Trà Vinh, ngày 05 tháng 01 năm 2023" on a row of its own.
fn is_date_line(sheet: &Sheet, row: usize) -> bool {
    sheet.rows.get(row).is_some_and(|cells| {
        cells.iter().any(|c| {
            let text = c.text();
            let folded = fold(&text);
            folded.split(' ').count() <= 12
                && folded.contains("ngay")
                && folded.contains("thang")
                && folded.contains("nam")
                && values::parse_date_text(&text).is_some()
        })
    })
}
