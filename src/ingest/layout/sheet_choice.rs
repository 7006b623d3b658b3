//! Choosing the sheet that holds the report.
//!
//! Workbooks carry more than the report: a cover page, instructions ("Hướng dẫn"), notes,
//! lists feeding drop-downs ("Danh mục"), hidden helper sheets, last month's report. Each
//! visible sheet is scored by its best header and the rows under it; sheets named like
//! helpers count for less, so a sample table in the instructions never wins over the report.

use std::cell::RefCell;

use super::{header, rows, LayoutError, RowSink, TableStream};
use crate::{
    domain::{finding::Finding, fold::fold},
    ingest::{
        grid::{Cell, GridSink, Merge, Sheet},
        table::{ColumnRole, RawRow},
    },
};

/// The sheet read, with what was found in it.
pub(crate) struct Choice {
    pub sheet_name: String,
    pub header: header::Header,
    /// Its data rows: held here, or handed to the stream as they were read.
    pub rows: Assembled,
    /// Other ordinary sheets that also hold a report table with rows.
    pub others: Vec<String>,
}

/// What the first pass over a workbook found: each sheet with a task column, its header and
/// its rows read as texts. It holds nothing of the grid.
#[derive(Default)]
pub(crate) struct Candidates {
    sheets: Vec<Candidate>,
    /// The best header without a task column: its score, sheet and row.
    without_task: Option<(f64, String, u32)>,
}

struct Candidate {
    name: String,
    weight: f64,
    header: header::Header,
    rows: Assembled,
}

/// A table's data rows and the findings about them, from the second pass.
pub(crate) enum Assembled {
    Held(Held),
    /// Handed to the stream as they were read: this many.
    Streamed(usize),
}

impl Assembled {
    pub(crate) fn count(&self) -> usize {
        match self {
            Assembled::Held(held) => held.rows.len(),
            Assembled::Streamed(count) => *count,
        }
    }
}

/// Rows and findings kept as the second pass hands them on.
#[derive(Default)]
pub(crate) struct Held {
    pub rows: Vec<RawRow>,
    pub findings: Vec<Finding>,
}

impl RowSink for Held {
    fn row(&mut self, row: RawRow) {
        self.rows.push(row);
    }

    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
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

/// Both passes over a workbook as it arrives, sheet by sheet and row by row: each visible
/// sheet's first rows are held until its header can be searched, then every row is read
/// into a line and freed (but for rows where a merged area starts, which rows below may
/// show), and the lines into data rows. What it finishes with holds nothing of the grid.
///
/// Given a stream, the first sheet with a table hands its rows to it as they are made
/// instead of holding them; should that sheet be dropped, the stream is restarted and the
/// next sheet with a table streams.
#[derive(Default)]
pub(crate) struct CandidateReader<'s> {
    found: Candidates,
    /// A visible sheet with something written on it was seen.
    any_visible: bool,
    current: Option<Reading>,
    stream: Option<&'s RefCell<dyn TableStream + 's>>,
    /// A sheet read so far streams (or streamed) its rows.
    streaming: bool,
}

/// The sheet being read.
struct Reading {
    /// Its rows so far, emptied once read.
    sheet: Sheet,
    /// The rows it declares (at most; maybe fewer).
    declared: usize,
    /// Something is written on a row seen so far.
    written: bool,
    /// Rows where a merged area starts, sorted.
    origins: Vec<usize>,
    /// The best header without a task column before this sheet, should it be dropped.
    without_task: Option<(f64, String, u32)>,
    state: State,
}

enum State {
    /// Hidden, or without a header with a task column: its rows are passed over.
    Passing,
    /// Its first rows are held until the header search can see them all.
    Searching,
    /// Its header is found: each row is read as it arrives.
    Reading(Box<Found>),
}

/// A sheet's header and the passes over the rows under it.
struct Found {
    header: header::Header,
    lines: rows::LineReader,
    /// Where its rows go: `None` to the stream.
    held: Option<Held>,
}

impl Found {
    fn read(
        &mut self,
        sheet: &mut Sheet,
        row: usize,
        stream: Option<&RefCell<dyn TableStream + '_>>,
    ) {
        match (&mut self.held, stream) {
            (Some(held), _) => self.lines.read(sheet, row, &self.header, held),
            (None, Some(stream)) => {
                self.lines
                    .read(sheet, row, &self.header, &mut *stream.borrow_mut())
            }
            (None, None) => unreachable!("a sheet streams only to a stream"),
        }
    }
}

impl GridSink for CandidateReader<'_> {
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize) {
        self.end_sheet();
        let mut origins: Vec<usize> = merges.iter().map(|m| m.first_row as usize).collect();
        origins.sort_unstable();
        origins.dedup();
        let state = if hidden {
            State::Passing
        } else {
            State::Searching
        };
        self.current = Some(Reading {
            sheet: Sheet::arriving(name, hidden, merges, rows),
            declared: rows,
            written: false,
            origins,
            without_task: self.found.without_task.clone(),
            state,
        });
    }

    fn row(&mut self, cells: Vec<Cell>) {
        let Some(reading) = &mut self.current else {
            return;
        };
        let row = reading.sheet.rows.len();
        if reading.sheet.hidden {
            return;
        }
        reading.written |= cells.iter().any(|c| !c.is_empty());
        let keep = match &reading.state {
            State::Passing => false,
            State::Reading(found) => !found.lines.ended(),
            State::Searching => true,
        };
        if !keep {
            return;
        }
        reading.sheet.rows.push(cells);
        let search = match &mut reading.state {
            State::Searching => row + 1 == header::SEARCH_WINDOW,
            State::Reading(found) => {
                found.read(&mut reading.sheet, row, self.stream);
                reading.free(row);
                false
            }
            State::Passing => false,
        };
        if search {
            self.search_header();
        }
    }

    fn drop_sheet(&mut self) {
        if let Some(reading) = self.current.take() {
            self.found.without_task = reading.without_task;
            if let State::Reading(found) = reading.state {
                if found.held.is_none() {
                    self.restart_stream();
                }
            }
        }
    }
}

impl Reading {
    /// Frees a row read, unless a merged area starts on it.
    fn free(&mut self, row: usize) {
        if self.origins.binary_search(&row).is_err() {
            self.sheet.rows[row] = Vec::new();
        }
    }
}

impl<'s> CandidateReader<'s> {
    /// A reader whose first sheet with a table streams its rows to `stream`, which starts
    /// afresh.
    pub(crate) fn streaming(stream: &'s RefCell<dyn TableStream + 's>) -> CandidateReader<'s> {
        stream.borrow_mut().restart();
        CandidateReader {
            stream: Some(stream),
            ..CandidateReader::default()
        }
    }

    fn restart_stream(&mut self) {
        if let Some(stream) = self.stream {
            stream.borrow_mut().restart();
        }
        self.streaming = false;
    }

    /// The current sheet's first rows have all arrived: finds its header and reads them.
    fn search_header(&mut self) {
        let Some(reading) = &mut self.current else {
            return;
        };
        let found = header::find_header(&reading.sheet);
        let stream = self.stream.filter(|_| !self.streaming);
        let state = found.and_then(|header| match rows::LineReader::new(&header) {
            Some(lines) => {
                let held = match stream {
                    Some(stream) => {
                        stream.borrow_mut().begin(&reading.sheet.name);
                        None
                    }
                    // Sized once: a 100k-row sheet would otherwise leave up to
                    // half the vector unused after its last doubling. `declared` is
                    // what the sheet declares, so a sheet declaring a million rows
                    // gets room for its rows as they come.
                    None => Some(Held {
                        rows: Vec::with_capacity(
                            reading
                                .declared
                                .saturating_sub(header.last_row() + 1)
                                .min(1 << 17),
                        ),
                        findings: Vec::new(),
                    }),
                };
                Some(State::Reading(Box::new(Found {
                    header,
                    lines,
                    held,
                })))
            }
            None => {
                let score = header.score * name_weight(&reading.sheet.name);
                let best = &mut self.found.without_task;
                if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                    let row = header.rows[0] as u32 + 1;
                    *best = Some((score, reading.sheet.name.clone(), row));
                }
                None
            }
        });
        reading.state = state.unwrap_or(State::Passing);
        if let State::Reading(found) = &reading.state {
            self.streaming |= found.held.is_none();
        }
        for row in 0..reading.sheet.rows.len() {
            if let State::Reading(found) = &mut reading.state {
                found.read(&mut reading.sheet, row, self.stream);
            }
            reading.free(row);
        }
    }

    /// The current sheet is complete.
    fn end_sheet(&mut self) {
        if matches!(
            self.current,
            Some(Reading {
                state: State::Searching,
                ..
            })
        ) {
            // Fewer rows than the header search looks at: it looks at them all.
            self.search_header();
        }
        let Some(reading) = self.current.take() else {
            return;
        };
        self.any_visible |= !reading.sheet.hidden && reading.written;
        if let State::Reading(found) = reading.state {
            let Found {
                header,
                lines,
                held,
            } = *found;
            debug_assert!(header.has(ColumnRole::Task));
            let rows = match (held, self.stream) {
                (Some(mut held), _) => {
                    lines.finish(&mut held);
                    Assembled::Held(held)
                }
                (None, Some(stream)) => {
                    Assembled::Streamed(lines.finish(&mut *stream.borrow_mut()))
                }
                (None, None) => unreachable!("a sheet streams only to a stream"),
            };
            self.found.sheets.push(Candidate {
                weight: name_weight(&reading.sheet.name),
                name: reading.sheet.name,
                header,
                rows,
            });
        }
    }

    /// Each visible sheet with a task column, its header and its rows.
    fn finish(&mut self) -> Result<Candidates, LayoutError> {
        self.end_sheet();
        if !self.any_visible {
            return Err(LayoutError::EmptyWorkbook);
        }
        Ok(std::mem::take(&mut self.found))
    }

    /// The sheet that holds the report, with its header and rows. The stream keeps the rows
    /// handed to it only when their sheet is the one chosen; otherwise it is restarted.
    pub(crate) fn choose(mut self) -> Result<Choice, LayoutError> {
        let choice = self.finish().and_then(Candidates::choose);
        let streamed = matches!(
            choice,
            Ok(Choice {
                rows: Assembled::Streamed(_),
                ..
            })
        );
        if self.streaming && !streamed {
            self.restart_stream();
        }
        choice
    }
}

impl Candidates {
    /// The sheet that holds the report.
    fn choose(self) -> Result<Choice, LayoutError> {
        let mut found: Vec<(f64, f64, Choice)> = Vec::new();
        for c in self.sheets {
            let key = c.header.score * c.weight + c.rows.count().min(20) as f64 * 0.1;
            let choice = Choice {
                sheet_name: c.name,
                header: c.header,
                rows: c.rows,
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
            .filter(|(i, (_, weight, c))| *i != best && *weight >= 1.0 && c.rows.count() > 0)
            .map(|(_, (_, _, c))| c.sheet_name.clone())
            .collect();
        let (_, _, mut choice) = found.swap_remove(best);
        choice.others = others;
        Ok(choice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(texts: &[&str]) -> Vec<Cell> {
        texts.iter().map(|t| Cell::Text((*t).into())).collect()
    }

    #[test]
    fn rows_are_freed_once_read_but_where_a_merged_area_starts() {
        let mut reader = CandidateReader::default();
        // A task merged over rows 3-4 (0-based 2-3): row 2 is its origin.
        let merges = vec![Merge::new(2, 1, 3, 1)];
        reader.begin_sheet("Báo cáo".into(), false, merges, 100);
        reader.row(row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"]));
        for i in 1..100 {
            reader.row(row(&[&i.to_string(), &format!("Việc {i}"), "Xong"]));
        }
        let reading = reader.current.as_ref().expect("the sheet is still open");
        let held: Vec<usize> = (0..100)
            .filter(|&r| !reading.sheet.rows[r].is_empty())
            .collect();
        assert_eq!(held, vec![2]);
        let mut candidates = reader.finish().unwrap();
        let Assembled::Held(Held { rows, .. }) = candidates.sheets.remove(0).rows else {
            panic!("no stream was given");
        };
        assert_eq!(rows.len(), 98, "row 4 continues the task of row 3");
        assert_eq!(rows[1].result, "Xong\nXong");
    }

    /// A stream that keeps what it is given.
    #[derive(Default)]
    struct Recording {
        sheet: String,
        rows: Vec<RawRow>,
        findings: Vec<Finding>,
        restarts: usize,
    }

    impl RowSink for Recording {
        fn row(&mut self, row: RawRow) {
            self.rows.push(row);
        }
        fn finding(&mut self, finding: Finding) {
            self.findings.push(finding);
        }
    }

    impl TableStream for Recording {
        fn begin(&mut self, sheet: &str) {
            self.sheet = sheet.to_string();
        }
        fn restart(&mut self) {
            *self = Recording {
                restarts: self.restarts + 1,
                ..Recording::default()
            };
        }
    }

    /// Reads a 300-row report whose progress column holds `progress(i)` on row `i`, with a
    /// stream or without; returns what was chosen and how many rows the stream had when
    /// row 150 arrived.
    fn report(
        stream: Option<&RefCell<Recording>>,
        progress: impl Fn(usize) -> Cell,
    ) -> (Choice, usize) {
        let mut reader = match stream {
            Some(stream) => CandidateReader::streaming(stream),
            None => CandidateReader::default(),
        };
        reader.begin_sheet("Báo cáo".into(), false, Vec::new(), 300);
        reader.row(row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
        ]));
        let mut midway = 0;
        for i in 1..300 {
            let mut cells = row(&[&i.to_string(), &format!("Việc {i}"), "Xong"]);
            cells.push(progress(i));
            reader.row(cells);
            if i == 150 {
                midway = stream.map_or(0, |s| s.borrow().rows.len());
            }
        }
        (reader.choose().unwrap(), midway)
    }

    #[test]
    fn the_first_table_hands_its_rows_on_as_they_are_read() {
        let percent = |i: usize| Cell::Number((i % 101) as f64);
        let stream = RefCell::new(Recording::default());
        let (streamed, midway) = report(Some(&stream), percent);
        assert!(
            (140..150).contains(&midway),
            "rows wait only for the line after: {midway}"
        );
        assert!(matches!(streamed.rows, Assembled::Streamed(299)));
        let (held, _) = report(None, percent);
        let Assembled::Held(held) = held.rows else {
            panic!("no stream was given");
        };
        let stream = stream.into_inner();
        assert_eq!(stream.sheet, "Báo cáo");
        assert_eq!(stream.rows, held.rows);
        assert_eq!(stream.findings, held.findings);
        assert_eq!(stream.restarts, 1, "restarted only as it was given");
    }

    #[test]
    fn rows_wait_while_the_progress_column_may_hold_fractions() {
        let stream = RefCell::new(Recording::default());
        let (_, midway) = report(Some(&stream), |i| Cell::Number((i % 10) as f64 / 10.0));
        assert_eq!(midway, 0);
        let stream = stream.into_inner();
        assert_eq!(stream.rows.len(), 299);
        assert_eq!(stream.rows[4].progress_percent, Some(50.0));
    }

    #[test]
    fn a_sheet_shorter_than_the_header_search_is_searched_when_it_ends() {
        let mut reader = CandidateReader::default();
        reader.begin_sheet("Ẩn".into(), true, Vec::new(), 1);
        reader.row(row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"]));
        reader.begin_sheet("Báo cáo".into(), false, Vec::new(), 2);
        reader.row(row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"]));
        reader.row(row(&["1", "Việc một", "Xong"]));
        let candidates = reader.finish().unwrap();
        let names: Vec<&str> = candidates.sheets.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Báo cáo"]);
    }

    #[test]
    fn a_dropped_sheet_leaves_nothing_behind() {
        let read = |drop: bool| {
            let mut reader = CandidateReader::default();
            reader.begin_sheet("Nháp".into(), false, Vec::new(), 100);
            // A header without a task column, searched once 61 rows are in.
            reader.row(row(&["STT", "Kết quả thực hiện", "Tiến độ"]));
            for i in 1..70 {
                reader.row(row(&[&i.to_string(), "Xong", "100%"]));
            }
            if drop {
                reader.drop_sheet();
            }
            reader.begin_sheet("Báo cáo".into(), false, Vec::new(), 2);
            reader.row(row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"]));
            reader.row(row(&["1", "Việc một", "Xong"]));
            reader.finish().unwrap()
        };
        assert!(read(false).without_task.is_some());
        let candidates = read(true);
        assert!(candidates.without_task.is_none());
        let names: Vec<&str> = candidates.sheets.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["Báo cáo"]);
    }
}
