//! Normalising a report table's rows as they come: each row matched to the plan's task,
//! turned into the row answered and the row stored, and handed to the [`Keeper`].
//!
//! As the layout's [`TableStream`], it takes the rows while the workbook is still being read;
//! a table laid out beforehand is [`fed`](Normaliser::feed) to it whole. Either way every row
//! takes the same path.

use super::{
    layout::{RowSink, TableStream},
    matcher::{self, MatchMethod, TaskRef},
    pipeline::{MatchOut, RowCounts, RowOut, SourceOut},
    store::Keeper,
    table::RawRow,
};
use crate::{
    db::submissions::NewReportRow,
    domain::finding::{self, CappedFindings, Finding},
};

/// The rows of one upload's table, matched and kept as they come.
pub(crate) struct Normaliser<'p, 'scope, 'env> {
    id: i64,
    /// The plan's tasks (database id and what the matcher sees), in `plan`'s order.
    tasks: &'p [(i64, TaskRef)],
    plan: &'p matcher::Plan<'p>,
    matching: matcher::Matching<'p>,
    sheet: String,
    /// The findings about the rows.
    findings: CappedFindings,
    /// The rows answered, when they are to be.
    rows: Option<Vec<RowOut>>,
    counts: RowCounts,
    keeper: Keeper<'scope, 'env>,
}

impl<'p, 'scope, 'env> Normaliser<'p, 'scope, 'env> {
    /// A normaliser of the rows of submission `id`, matched against `plan`, built from
    /// `tasks`, and kept by `keeper`; the rows are answered too if `answer` (otherwise only
    /// counted).
    pub(crate) fn new(
        id: i64,
        tasks: &'p [(i64, TaskRef)],
        plan: &'p matcher::Plan<'p>,
        keeper: Keeper<'scope, 'env>,
        answer: bool,
    ) -> Self {
        Normaliser {
            id,
            tasks,
            plan,
            matching: plan.matching(),
            sheet: String::new(),
            findings: CappedFindings::new(finding::MAX_ROW_FINDINGS),
            rows: answer.then(Vec::new),
            counts: RowCounts::default(),
            keeper,
        }
    }

    /// The rows of a table laid out beforehand.
    pub(crate) fn feed(&mut self, sheet: &str, rows: Vec<RawRow>) {
        self.begin(sheet);
        if let Some(answered) = &mut self.rows {
            answered.reserve_exact(rows.len());
        }
        for row in rows {
            self.row(row);
        }
    }

    /// Every row is in: the rows answered (if they were to be), their counts, and every
    /// finding, `before` (about the upload and the table) first. The keeper is handed back
    /// to store the outcome.
    pub(crate) fn finish(
        self,
        before: Vec<Finding>,
    ) -> (Vec<RowOut>, RowCounts, Vec<Finding>, Keeper<'scope, 'env>) {
        let mut findings = self.findings;
        findings.extend(before);
        findings.extend(self.matching.finish());
        if self.counts.stored == 0 {
            findings.push(Finding::warning(
                "Bảng báo cáo không có dòng nhiệm vụ nào; hãy điền kết quả vào các dòng dưới dòng tiêu đề cột.",
            ));
        }
        (
            self.rows.unwrap_or_default(),
            self.counts,
            findings.finish(),
            self.keeper,
        )
    }

    /// Gives up every row so far, stored or not: the keeper is handed back to store a
    /// rejection.
    pub(crate) fn abandon(mut self) -> Keeper<'scope, 'env> {
        self.keeper.restart();
        self.keeper
    }
}

impl RowSink for Normaliser<'_, '_, '_> {
    fn row(&mut self, mut row: RawRow) {
        let mut m = self.matching.row(&row);
        self.findings.extend(std::mem::take(&mut m.findings));
        let task = m.task.and_then(|i| self.tasks.get(i));
        let method = method_name(m.method);
        let score = shown_score(m.score);
        self.counts.stored += 1;
        self.counts.matched += usize::from(task.is_some());
        // The texts are moved into the row stored unless the row is answered too.
        let text = |text: &mut String| match self.rows {
            Some(_) => text.clone(),
            None => std::mem::take(text),
        };
        let stored = NewReportRow {
            submission_id: self.id,
            task_id: task.map(|(id, _)| *id),
            sheet: self.sheet.clone(),
            source_row: row.source_row as i32,
            status: row.status.map(|s| s.as_str().to_string()),
            progress_percent: row.progress_percent.map(|p| p.round() as i32),
            result: text(&mut row.result),
            difficulties: text(&mut row.difficulties),
            proposals: text(&mut row.proposals),
            match_method: method.map(str::to_string),
            match_score: Some((score * 1000.0).round() as i32),
        };
        self.keeper.keep(stored);
        let Some(answered) = &mut self.rows else {
            return;
        };
        answered.push(RowOut {
            task_code: task.map(|(_, t)| t.code.clone()),
            status: row.status.map(|s| s.as_str().to_string()),
            progress_percent: row.progress_percent,
            result: row.result,
            difficulties: row.difficulties,
            proposals: row.proposals,
            match_: MatchOut {
                method: method.map(str::to_string),
                score,
            },
            source: SourceOut {
                sheet: self.sheet.clone(),
                row: row.source_row,
            },
        });
    }

    fn finding(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

impl TableStream for Normaliser<'_, '_, '_> {
    fn begin(&mut self, sheet: &str) {
        sheet.clone_into(&mut self.sheet);
    }

    fn restart(&mut self) {
        self.matching = self.plan.matching();
        self.findings = CappedFindings::new(finding::MAX_ROW_FINDINGS);
        self.rows = self.rows.as_ref().map(|_| Vec::new());
        self.counts = RowCounts::default();
        self.keeper.restart();
    }
}

fn method_name(method: Option<MatchMethod>) -> Option<&'static str> {
    method.map(|method| match method {
        MatchMethod::Code => "code",
        MatchMethod::Text => "text",
    })
}

/// A match's score as shown, rounded as it is stored (per mille).
fn shown_score(score: f64) -> f64 {
    (score * 1000.0).round() / 1000.0
}
