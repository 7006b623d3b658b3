//! The second pass over a table's lines, as they come: which lines are group headings (it
//! needs to see the line after), which continue the task above, and the data rows with
//! status and progress normalised, handed on in order as soon as they are known.
//!
//! A data row is complete once the next line kept arrives (lines between may still add to
//! it), and its progress can be read once it is known whether the column holds fractions
//! (0.8 shown as 80%): that is settled by the first value above 1, so a report written in
//! percents hands its rows on at once, and one written in fractions holds them to the end.

use std::collections::VecDeque;

use super::{numbering, Line, Map};
use crate::{
    domain::finding::Finding,
    ingest::{
        grid::Cell,
        layout::RowSink,
        table::{Heading, RawRow, ReportedStatus},
        values::{self, Progress},
    },
};

fn is_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4
        && letters.iter().all(|c| c.is_uppercase())
        && text.split_whitespace().count() >= 2
}

fn is_heading(line: &Line, next: Option<&Line>) -> bool {
    if line.has_report() || (line.task.is_empty() && !line.spans) {
        return false;
    }
    let number = if line.number.is_empty() {
        numbering::split_leading(&line.task).0
    } else {
        line.number.clone()
    };
    line.spans
        || numbering::is_group_number(&number)
        || is_capitals(&line.task)
        || next.is_some_and(|n| numbering::is_child(&number, &n.number))
}

/// A line with neither number nor task, or continuing the task above: it adds to the data
/// row above, if any.
fn is_orphan(line: &Line) -> bool {
    line.continues || (line.number.is_empty() && line.task.is_empty())
}

/// A line whose kind is known, on its way out.
enum Kept {
    Heading(Line),
    Data(Line),
}

/// The second pass, a line at a time (see the module doc). Give it the first pass's lines
/// in order with [`line`](Assembler::line), then [`finish`](Assembler::finish) it; rows and
/// findings go to the sink given, in the sheet's order.
pub(crate) struct Assembler {
    map: Map,
    /// The last line not an orphan, until the next line that does not continue it tells
    /// whether it is a heading.
    undecided: Option<Line>,
    /// Lines continuing `undecided`, waiting with it.
    continuing: Vec<Line>,
    /// The last line kept, when it is a data row: lines continuing it are added to it.
    open: Option<Line>,
    /// Kept lines waiting for the progress column's fractions question.
    waiting: VecDeque<Kept>,
    /// Whether the progress column holds fractions, once known.
    fractions: Option<bool>,
    /// A fraction was seen (the column holds fractions if nothing else is seen).
    any_fraction: bool,
    /// The headings above the next data row, innermost last, each with its numbering kind.
    context: Vec<(String, Heading)>,
    /// Data rows handed on.
    rows: usize,
    findings: Vec<Finding>,
}

impl Assembler {
    pub(super) fn new(map: Map) -> Assembler {
        Assembler {
            map,
            undecided: None,
            continuing: Vec::new(),
            open: None,
            waiting: VecDeque::new(),
            fractions: None,
            any_fraction: false,
            context: Vec::new(),
            rows: 0,
            findings: Vec::new(),
        }
    }

    pub(super) fn map(&self) -> &Map {
        &self.map
    }

    /// The next line of the first pass.
    pub(super) fn line(&mut self, line: Line, out: &mut dyn RowSink) {
        if !line.continues {
            self.decide(Some(&line), out);
        }
        if !is_orphan(&line) {
            self.undecided = Some(line);
        } else if self.undecided.is_some() {
            self.continuing.push(line);
        } else {
            self.orphan(line, out);
        }
    }

    /// Every line is given: the rows still held are handed on. Returns how many data rows
    /// the table has.
    pub(super) fn finish(mut self, out: &mut dyn RowSink) -> usize {
        self.decide(None, out);
        self.close_open(out);
        self.fractions = Some(self.fractions.unwrap_or(self.any_fraction));
        self.flush(out);
        self.rows
    }

    /// `next` (a line not continuing the one before, or the end) settles the undecided line.
    fn decide(&mut self, next: Option<&Line>, out: &mut dyn RowSink) {
        let Some(line) = self.undecided.take() else {
            return;
        };
        if is_heading(&line, next) {
            self.close_open(out);
            self.pass(Kept::Heading(line), out);
        } else if line.task.is_empty() && !line.has_report() {
            // A number with nothing else: an unused line of the form.
        } else {
            self.close_open(out);
            self.open = Some(line);
        }
        for line in std::mem::take(&mut self.continuing) {
            self.orphan(line, out);
        }
    }

    fn orphan(&mut self, line: Line, out: &mut dyn RowSink) {
        match &mut self.open {
            Some(task) => task.absorb(line),
            None if line.has_report() && !line.continues => out.finding(
                Finding::warning(format!(
                    "Dòng {} có nội dung báo cáo nhưng không ghi số thứ tự hay tên nhiệm vụ: \
                     hãy ghi rõ nội dung này báo cáo cho nhiệm vụ nào.",
                    line.row + 1
                ))
                .at_row(line.row as u32 + 1),
            ),
            None => {}
        }
    }

    /// The open data row is complete.
    fn close_open(&mut self, out: &mut dyn RowSink) {
        if let Some(line) = self.open.take() {
            if self.fractions.is_none() {
                match line.progress.as_ref().and_then(values::is_fraction) {
                    Some(false) => self.fractions = Some(false),
                    Some(true) => self.any_fraction = true,
                    None => {}
                }
            }
            self.pass(Kept::Data(line), out);
        }
    }

    fn pass(&mut self, kept: Kept, out: &mut dyn RowSink) {
        self.waiting.push_back(kept);
        if self.fractions.is_some() {
            self.flush(out);
        }
    }

    /// Hands on the lines waiting (the fractions question is settled).
    fn flush(&mut self, out: &mut dyn RowSink) {
        let fractions = self.fractions.unwrap_or(false);
        while let Some(kept) = self.waiting.pop_front() {
            match kept {
                Kept::Heading(line) => self.heading(line),
                Kept::Data(line) => {
                    let row = self.data_row(line, fractions);
                    for finding in self.findings.drain(..) {
                        out.finding(finding);
                    }
                    self.rows += 1;
                    out.row(row);
                }
            }
        }
    }

    fn heading(&mut self, line: Line) {
        let (number, text) = if line.number.is_empty() {
            numbering::split_leading(&line.task)
        } else {
            (line.number, line.task)
        };
        let heading = Heading { number, text };
        let kind = numbering::kind(&heading.number);
        if let Some(at) = self.context.iter().position(|(k, _)| *k == kind) {
            self.context.truncate(at);
        }
        self.context.push((kind, heading));
    }

    fn data_row(&mut self, line: Line, fractions: bool) -> RawRow {
        // A row numbered under the innermost heading ("(1)" under "a", "2" under "8") stays
        // under it; otherwise a same-kind number closes that heading.
        let under_innermost = self
            .context
            .last()
            .is_some_and(|(_, h)| numbering::is_child(&h.number, &line.number));
        if !line.number.is_empty() && !under_innermost {
            let kind = numbering::kind(&line.number);
            if let Some(at) = self.context.iter().position(|(k, _)| *k == kind) {
                self.context.truncate(at);
            }
        }
        let headings = self.context.iter().map(|(_, h)| h.clone()).collect();
        raw_row(line, headings, &self.map, fractions, &mut self.findings)
    }
}

fn raw_row(
    line: Line,
    context: Vec<Heading>,
    map: &Map,
    fractions: bool,
    findings: &mut Vec<Finding>,
) -> RawRow {
    let row = line.row as u32 + 1;
    let mut status_text = line.status.clone();
    let mut status = None;
    let mut progress = None;
    if let Some(cell) = &line.progress {
        match values::parse_progress(cell, fractions) {
            Progress::Percent(p) => progress = Some(p),
            Progress::Unreadable(text)
                if status_text.is_empty() && values::parse_status(&text).is_some() =>
            {
                // A status word written in the progress column.
                status_text = text;
            }
            Progress::Empty => {}
            _ => findings.extend(values::progress_of(cell, fractions, row).1),
        }
    }
    if !status_text.is_empty() {
        status = values::parse_status(&status_text);
        let percent = match values::parse_progress(&Cell::Text(status_text.as_str().into()), false)
        {
            Progress::Percent(p) if status_text.contains('%') || status.is_none() => Some(p),
            _ => None,
        };
        if progress.is_none() {
            progress = percent;
        }
        if status.is_none() && percent.is_none() {
            findings.extend(values::status_of(&status_text, row).1);
        }
        if status.is_none() && percent.is_some() {
            // A percent written in the status column: it is a progress, not a status.
            status_text.clear();
        }
    } else if !line.ticks.is_empty() {
        let mut ticked: Vec<(ReportedStatus, &str)> = Vec::new();
        for &i in &line.ticks {
            let (_, s, label) = &map.ticks[i];
            if !ticked.iter().any(|(t, _)| t == s) {
                ticked.push((*s, label));
            }
        }
        if let [(s, label)] = ticked.as_slice() {
            status = Some(*s);
            status_text = label.to_string();
        } else {
            let labels: Vec<String> = ticked.iter().map(|(_, l)| format!("'{l}'")).collect();
            findings.push(
                Finding::warning(format!(
                    "Dòng {row} đánh dấu cùng lúc nhiều cột trạng thái ({}): hãy chỉ đánh dấu \
                     một cột đúng với tình hình thực hiện nhiệm vụ.",
                    labels.join(", ")
                ))
                .at_row(row),
            );
        }
    }
    let (status, contradiction) = values::reconcile(status, progress, row);
    findings.extend(contradiction);
    RawRow {
        source_row: row,
        number: line.number,
        task_text: line.task,
        context,
        result: line.result,
        status,
        status_text,
        progress_percent: progress,
        difficulties: line.difficulties,
        proposals: line.proposals,
        notes: line.notes,
    }
}
