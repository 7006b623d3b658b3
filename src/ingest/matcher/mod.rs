//! The matcher: each row of an agency's report → the plan task it reports on.
//!
//! Why it is needed: a clerk lays the report out as they like. The number cell may hold the
//! plan's code in any of a dozen forms ("7.a.(1)", "7a1", "III.7.a.(1)", "Mục 7 điểm a
//! khoản (1)", "NV 1.1"), a bare STT that restarts in every group, or nothing; the task text
//! may be the plan's title, a shortened or reworded one, in capitals, without diacritics, or
//! with typos. Every row must still land on the right task — or be flagged for a person.
//!
//! How it scores, in order:
//! 1. The code (`code_forms`, `resolve`): a full code that names a task is trusted
//!    (method `code`, score 1.0); a partial code completed from the headings above the row
//!    (group title pins, or heading numbers align) scores 0.9.
//! 2. The text (`text_similarity`): rarity-weighted syllables and syllable pairs of the
//!    folded, abbreviation-expanded text against every title; 0..1.
//! 3. They are weighed together: a code is kept unless the text clearly names another task
//!    (then the text wins, with a warning); a partial code that fits several tasks is settled
//!    by the text; without a code the best title wins if it scores [`TEXT_MATCH`] or more.
//!    A text match below [`TEXT_CONFIDENT`], or within [`AMBIGUITY_MARGIN`] of the runner-up,
//!    is kept but flagged.
//! 4. Rows on a task not assigned to the agency, and second rows on a task already reported,
//!    are kept and flagged.
//!
//! Comparing texts costs time in proportion to the distinct text and the plan's size, so a
//! report has a budget for it ([`TEXT_WORK_BUDGET`]); rows after it is spent are matched by
//! code only, and one finding says from which row.
//!
//! Thresholds sit on the score's scale, not on one file: in the tests (three plans, ~1,350
//! rows) unrelated rows score at most 0.24, and rows rightly matched by text score 0.60 or
//! more in 95% of cases (median 0.90, lowest 0.37); hence 0.30 to match and 0.45 to match
//! without a warning.

mod code_forms;
mod index_cache;
mod resolve;
mod text_similarity;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use self::code_forms::{parse_code, split_leading_code};
use self::resolve::{CodeEvidence, PlanIndex};
use crate::domain::finding::Finding;
use crate::ingest::table::RawRow;

/// Below this text score a row matches no task.
pub const TEXT_MATCH: f64 = 0.3;
/// Below this text score a match is kept but flagged as uncertain.
pub const TEXT_CONFIDENT: f64 = 0.45;
/// Two candidates closer than this are ambiguous.
pub const AMBIGUITY_MARGIN: f64 = 0.05;
/// A full code yields to the text only when the text scores this much for another task…
const OVERRIDE_FULL_CODE: f64 = 0.55;
/// …and this much more than for the coded task.
const OVERRIDE_FULL_GAP: f64 = 0.25;
/// The same for a partial code completed from the headings.
const OVERRIDE_PARTIAL_CODE: f64 = 0.45;
const OVERRIDE_PARTIAL_GAP: f64 = 0.15;
/// Score of a full code match and of a partial code completed from the headings.
const SCORE_FULL_CODE: f64 = 1.0;
const SCORE_PARTIAL_CODE: f64 = 0.9;

/// A plan task as the matcher sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRef {
    pub index: usize,
    /// The plan's code, "7.a.1".
    pub code: String,
    pub title: String,
    /// Title of the heading the task sits under ("" when none).
    pub group: String,
    /// This agency's role in the task; `None` when the task is not assigned to it.
    pub assigned: Option<AssignmentRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssignmentRole {
    Lead,
    Coordinating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMethod {
    Code,
    Text,
}

/// Where one row landed.
#[derive(Debug, Clone, PartialEq)]
pub struct RowMatch {
    /// `TaskRef::index` of the task, `None` when the row matches none.
    pub task: Option<usize>,
    pub method: Option<MatchMethod>,
    /// 0..1: how sure the match is; for an unmatched row, the best text score seen.
    pub score: f64,
    pub findings: Vec<Finding>,
}

/// The message for a row that matches no task.
pub const UNMATCHED_MESSAGE: &str = "Không xác định được dòng này thuộc nhiệm vụ nào của kế hoạch; hãy ghi mã nhiệm vụ (ví dụ 7.a.1) ở cột STT hoặc chép đúng tên nhiệm vụ.";

/// Work the text comparison of one report may take, in features compared with a title (and
/// bytes of text read): 2–3 s on a 2-core machine for long, distinct texts. Rows with the same text cost once,
/// so a real report, even of 100k rows, never comes near it; without it, a file of long,
/// distinct task texts (a 20 MB upload can hold 60 MB of text) would hold a server thread
/// for minutes. Rows after the budget is spent are matched by their codes only.
pub const TEXT_WORK_BUDGET: u64 = 25_000_000;

/// Distinct task texts whose scores are remembered: their scores take a number per task
/// each, so a report of 100k distinct texts does not keep 100k of them.
const REMEMBERED_TEXTS: usize = 4096;

/// Distinct rows (number, task text and headings) whose match is remembered, and the bytes
/// of text they may hold (a cell holds up to 32,767 characters).
const REMEMBERED_ROWS: usize = 4096;
const REMEMBERED_ROW_BYTES: usize = 4 << 20;

/// The rows' matches, in row order, and what concerns the report as a whole.
pub struct Matched {
    pub rows: Vec<RowMatch>,
    pub findings: Vec<Finding>,
}

/// Matches every row of a report to the plan's tasks (see the module doc).
pub fn match_rows(rows: &[RawRow], tasks: &[TaskRef]) -> Matched {
    let mut matched = Vec::with_capacity(rows.len());
    let findings = match_each(rows, tasks, |m| matched.push(m));
    Matched {
        rows: matched,
        findings,
    }
}

/// [`match_rows`] handing each row's match to `each`, in row order, as soon as it is made
/// (a large report's per-row findings need not all be held at once). Returns what concerns
/// the report as a whole.
pub fn match_each(rows: &[RawRow], tasks: &[TaskRef], each: impl FnMut(RowMatch)) -> Vec<Finding> {
    match_each_within(rows, tasks, TEXT_WORK_BUDGET, each)
}

/// [`match_each`] with `budget` as the text comparison's budget.
fn match_each_within(
    rows: &[RawRow],
    tasks: &[TaskRef],
    budget: u64,
    mut each: impl FnMut(RowMatch),
) -> Vec<Finding> {
    let plan = Plan::new(tasks);
    let mut matching = Matching::within(&plan, budget);
    for row in rows {
        each(matching.row(row));
    }
    matching.finish()
}

/// The plan's tasks prepared for matching: built once per report.
pub struct Plan<'a>(PlanIndex<'a>);

impl<'a> Plan<'a> {
    pub fn new(tasks: &'a [TaskRef]) -> Plan<'a> {
        Plan(PlanIndex::new(tasks))
    }

    /// Matching a report's rows, one at a time and in order.
    pub fn matching(&self) -> Matching<'_> {
        Matching::within(self, TEXT_WORK_BUDGET)
    }
}

/// The matching of one report as its rows come, in order: what rows share (remembered
/// texts, the text budget) and what is said across rows (a task reported twice).
pub struct Matching<'p> {
    plan: &'p PlanIndex<'p>,
    memo: Memo<'p>,
    /// Rows seen, by the hash of what their match depends on: that, and their match before
    /// what is said across rows. A large report repeats its rows' codes and texts, and the
    /// same number, text and headings always match the same way.
    seen: HashMap<u64, (Seen, RowMatch)>,
    /// Bytes of text `seen` holds.
    seen_bytes: usize,
    first_row_of: HashMap<usize, u32>,
    /// The finding that a task is not the agency's, by task: written once per task, since a
    /// report may give such a task on many rows.
    not_assigned: HashMap<usize, Finding>,
    codes_only_from: Option<u32>,
}

impl<'p> Matching<'p> {
    fn within(plan: &'p Plan<'p>, budget: u64) -> Matching<'p> {
        Matching {
            plan: &plan.0,
            memo: Memo {
                budget,
                ..Memo::default()
            },
            seen: HashMap::new(),
            seen_bytes: 0,
            first_row_of: HashMap::new(),
            not_assigned: HashMap::new(),
            codes_only_from: None,
        }
    }

    /// The match of `row` on its own (before what is said across rows), remembered.
    fn match_alone(&mut self, row: &RawRow) -> RowMatch {
        let key = Seen::hash(row);
        if let Some((seen, m)) = self.seen.get(&key) {
            if seen.is(row) {
                return m.clone();
            }
        }
        let m = match_row(self.plan, row, &mut self.memo);
        let seen = Seen::of(row);
        if self.seen.len() >= REMEMBERED_ROWS || self.seen_bytes >= REMEMBERED_ROW_BYTES {
            self.seen.clear();
            self.seen_bytes = 0;
        }
        self.seen_bytes += seen.bytes();
        self.seen.insert(key, (seen, m.clone()));
        m
    }

    /// The next row's match.
    pub fn row(&mut self, row: &RawRow) -> RowMatch {
        let tasks = self.plan.tasks;
        let mut m = self.match_alone(row);
        if self.memo.skipped && self.codes_only_from.is_none() {
            self.codes_only_from = Some(row.source_row);
        }
        if let Some(pos) = m.task {
            let task = &tasks[pos];
            if task.assigned.is_none() {
                let finding = self.not_assigned.entry(pos).or_insert_with(|| {
                    Finding::info(format!(
                        "Nhiệm vụ {} ({}) không được giao cho đơn vị theo kế hoạch (không chủ trì, không phối hợp); dòng vẫn được ghi nhận. Nếu ghi nhầm mã hoặc nội dung, hãy sửa lại; nếu không, có thể bỏ dòng này.",
                        task.code,
                        quote(&task.title)
                    ))
                });
                m.findings.push(finding.clone());
            }
            match self.first_row_of.get(&pos) {
                Some(first) => m.findings.push(Finding::warning(format!(
                    "Nhiệm vụ {} đã được báo cáo ở dòng {}; dòng này báo cáo trùng nhiệm vụ đó. Hãy gộp kết quả vào một dòng hoặc sửa lại mã nhiệm vụ cho đúng.",
                    task.code, first
                ))),
                None => {
                    self.first_row_of.insert(pos, row.source_row);
                }
            }
            m.task = Some(task.index);
        }
        m.findings = m
            .findings
            .into_iter()
            .map(|f| f.at_row(row.source_row))
            .collect();
        m
    }

    /// What concerns the report as a whole, once every row is matched.
    pub fn finish(self) -> Vec<Finding> {
        tracing::debug!(work = self.memo.work, "matching: text comparison");
        self.codes_only_from
            .map(|row| {
                Finding::warning(format!(
                    "Bảng có quá nhiều nội dung nhiệm vụ khác nhau để đối chiếu hết theo nội dung: từ dòng {row} trở đi, các dòng chỉ được đối chiếu theo mã nhiệm vụ ở cột STT. Hãy ghi mã nhiệm vụ (ví dụ 7.a.1) cho các dòng đó, hoặc bỏ bớt các dòng không phải nhiệm vụ của kế hoạch, rồi gửi lại."
                ))
            })
            .into_iter()
            .collect()
    }
}

/// What a row's match depends on.
struct Seen {
    number: String,
    task_text: String,
    context: Vec<crate::ingest::table::Heading>,
}

impl Seen {
    fn of(row: &RawRow) -> Seen {
        Seen {
            number: row.number.clone(),
            task_text: row.task_text.clone(),
            context: row.context.clone(),
        }
    }

    fn hash(row: &RawRow) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        // Fixed keys: the same row hashes the same in every report (the hash only picks
        // the slot; equality is checked).
        let mut hasher =
            std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().build_hasher();
        row.number.hash(&mut hasher);
        row.task_text.hash(&mut hasher);
        row.context.hash(&mut hasher);
        hasher.finish()
    }

    /// Bytes of text held.
    fn bytes(&self) -> usize {
        self.number.len()
            + self.task_text.len()
            + self
                .context
                .iter()
                .map(|h| h.number.len() + h.text.len())
                .sum::<usize>()
    }

    fn is(&self, row: &RawRow) -> bool {
        self.number == row.number && self.task_text == row.task_text && self.context == row.context
    }
}

/// Text scores of one row against every title.
struct TextScores {
    scores: Vec<f64>,
    /// Positions by descending score.
    order: Vec<usize>,
}

impl TextScores {
    fn best(&self) -> Option<(usize, f64)> {
        self.order.first().map(|&i| (i, self.scores[i]))
    }
    fn second(&self) -> f64 {
        self.order.get(1).map_or(0.0, |&i| self.scores[i])
    }
}

/// What rows of one report share: the same task text scores the same against the titles,
/// and rows under the same headings pin the same group. Large reports repeat both a lot.
#[derive(Default)]
struct Memo<'p> {
    /// Text (code split off) → its raw scores against every title, before any group pin.
    text: HashMap<String, Option<std::rc::Rc<Vec<f64>>>>,
    /// The headings of the previous row and the group they pin.
    context: Option<(Vec<crate::ingest::table::Heading>, Option<&'p [usize]>)>,
    /// Text comparison done so far and allowed ([`TEXT_WORK_BUDGET`]).
    work: u64,
    budget: u64,
    /// A row's text went uncompared because the budget was spent.
    skipped: bool,
}

fn match_row<'p>(plan: &'p PlanIndex, row: &RawRow, memo: &mut Memo<'p>) -> RowMatch {
    let (text_code, text) = split_leading_code(&row.task_text);
    let mut reading = parse_code(&row.number);
    // The text's own code wins over a bare STT or an empty/unreadable number cell.
    if let Some(tc) = text_code {
        let longer = reading
            .as_ref()
            .is_none_or(|r| tc.tokens.len() > r.tokens.len());
        if longer {
            reading = Some(tc);
        }
    }
    let evidence = plan.resolve(reading.as_ref(), &row.context);
    let text_scores = score_text(plan, text, &row.context, memo);

    match evidence {
        CodeEvidence::Exact { task, written } => decide_coded(
            plan,
            task,
            &written,
            &text_scores,
            SCORE_FULL_CODE,
            OVERRIDE_FULL_CODE,
            OVERRIDE_FULL_GAP,
        ),
        CodeEvidence::Context { task, written } => decide_coded(
            plan,
            task,
            &written,
            &text_scores,
            SCORE_PARTIAL_CODE,
            OVERRIDE_PARTIAL_CODE,
            OVERRIDE_PARTIAL_GAP,
        ),
        CodeEvidence::Several { tasks, written } => {
            decide_several(plan, &tasks, &written, &text_scores)
        }
        CodeEvidence::Unknown { written } => {
            let mut m = decide_text(plan, &text_scores);
            let head = format!("Mã «{written}» ở cột STT không có trong kế hoạch");
            match m.task {
                Some(t) => m.findings.insert(
                    0,
                    Finding::warning(format!(
                        "{head}; đã ghép theo nội dung với nhiệm vụ {} ({}). Hãy sửa lại mã cho đúng.",
                        plan.tasks[t].code,
                        quote(&plan.tasks[t].title)
                    )),
                ),
                None => m.findings = vec![Finding::warning(format!("{head}. {UNMATCHED_MESSAGE}"))],
            }
            m
        }
        CodeEvidence::None => decide_text(plan, &text_scores),
    }
}

fn score_text<'p>(
    plan: &'p PlanIndex,
    text: &str,
    context: &[crate::ingest::table::Heading],
    memo: &mut Memo<'p>,
) -> Option<TextScores> {
    if text.trim().is_empty() || plan.titles.len() == 0 {
        return None;
    }
    let raw = match memo.text.get(text) {
        Some(raw) => raw.clone(),
        None if memo.work >= memo.budget => {
            memo.skipped = true;
            return None;
        }
        None => {
            let query = plan.titles.query(text);
            memo.work += text.len() as u64 + (query.len() * plan.titles.len()) as u64;
            let raw = (!query.is_empty()).then(|| std::rc::Rc::new(plan.titles.scores(&query)));
            if memo.text.len() < REMEMBERED_TEXTS {
                memo.text.insert(text.to_string(), raw.clone());
            }
            raw
        }
    }?;
    let mut scores = Vec::clone(&raw);
    // A heading that names a group tips near-identical titles toward that group's task.
    let pinned = match &memo.context {
        Some((seen, pinned)) if seen.as_slice() == context => *pinned,
        _ => {
            let pinned = plan.pinned_group(context);
            memo.context = Some((context.to_vec(), pinned));
            pinned
        }
    };
    if let Some(group) = pinned {
        for &t in group {
            scores[t] = (scores[t] + 0.05).min(1.0);
        }
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    Some(TextScores { scores, order })
}

/// A code named `task`; keep it unless the text clearly names another task.
fn decide_coded(
    plan: &PlanIndex,
    task: usize,
    written: &str,
    text: &Option<TextScores>,
    code_score: f64,
    override_at: f64,
    override_gap: f64,
) -> RowMatch {
    if let Some(ts) = text {
        if let Some((best, best_score)) = ts.best() {
            let coded_score = ts.scores[task];
            let clear = best != task
                && best_score >= override_at
                && best_score - coded_score >= override_gap
                && best_score - ts.second() >= AMBIGUITY_MARGIN;
            if clear {
                let coded = &plan.tasks[task];
                let named = &plan.tasks[best];
                return RowMatch {
                    task: Some(best),
                    method: Some(MatchMethod::Text),
                    score: best_score,
                    findings: vec![Finding::warning(format!(
                        "Mã «{written}» ở cột STT chỉ nhiệm vụ {} ({}) nhưng nội dung dòng là nhiệm vụ {} ({}); đã ghép theo nội dung. Hãy kiểm tra và sửa lại mã hoặc nội dung cho khớp.",
                        coded.code,
                        quote(&coded.title),
                        named.code,
                        quote(&named.title)
                    ))],
                };
            }
        }
    }
    RowMatch {
        task: Some(task),
        method: Some(MatchMethod::Code),
        score: code_score,
        findings: Vec::new(),
    }
}

/// A partial code fits several tasks: let the text choose among them, or elsewhere.
fn decide_several(
    plan: &PlanIndex,
    candidates: &[usize],
    written: &str,
    text: &Option<TextScores>,
) -> RowMatch {
    if let Some(ts) = text {
        let mut among: Vec<(usize, f64)> = candidates.iter().map(|&c| (c, ts.scores[c])).collect();
        among.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (best_c, score_c) = among[0];
        let next_c = among.get(1).map_or(0.0, |a| a.1);
        let (_, best_all) = ts.best().unwrap_or((best_c, 0.0));
        if score_c >= TEXT_MATCH && score_c + AMBIGUITY_MARGIN >= best_all {
            let mut findings = Vec::new();
            if score_c - next_c < AMBIGUITY_MARGIN {
                findings.push(ambiguous_finding(plan, best_c, among[1].0));
            }
            return RowMatch {
                task: Some(best_c),
                method: Some(MatchMethod::Code),
                score: (0.5 + 0.5 * score_c).min(SCORE_PARTIAL_CODE),
                findings,
            };
        }
        if best_all >= TEXT_MATCH {
            return decide_text(plan, text);
        }
    }
    let codes: Vec<&str> = candidates
        .iter()
        .take(4)
        .map(|&c| plan.tasks[c].code.as_str())
        .collect();
    RowMatch {
        task: None,
        method: None,
        score: 0.0,
        findings: vec![Finding::warning(format!(
            "Số thứ tự «{written}» có thể là nhiệm vụ {} vì không rõ dòng thuộc nhóm nào. {UNMATCHED_MESSAGE}",
            join_or(&codes)
        ))],
    }
}

/// No usable code: the best title, if good enough.
fn decide_text(plan: &PlanIndex, text: &Option<TextScores>) -> RowMatch {
    let best = text.as_ref().and_then(TextScores::best);
    let Some((best, score)) = best.filter(|(_, s)| *s >= TEXT_MATCH) else {
        return RowMatch {
            task: None,
            method: None,
            score: best.map_or(0.0, |b| b.1),
            findings: vec![Finding::warning(UNMATCHED_MESSAGE)],
        };
    };
    let ts = text.as_ref().expect("scored");
    let mut findings = Vec::new();
    let task = &plan.tasks[best];
    if score - ts.second() < AMBIGUITY_MARGIN {
        findings.push(ambiguous_finding(plan, best, ts.order[1]));
    } else if score < TEXT_CONFIDENT {
        findings.push(Finding::warning(format!(
            "Nội dung dòng này chỉ gần giống nhiệm vụ {} ({}), độ tương đồng {}; đã tạm ghép vào nhiệm vụ này. Hãy kiểm tra lại và ghi mã nhiệm vụ ở cột STT cho chắc chắn.",
            task.code,
            quote(&task.title),
            percent(score)
        )));
    }
    RowMatch {
        task: Some(best),
        method: Some(MatchMethod::Text),
        score,
        findings,
    }
}

fn ambiguous_finding(plan: &PlanIndex, chosen: usize, other: usize) -> Finding {
    let a = &plan.tasks[chosen];
    let b = &plan.tasks[other];
    Finding::warning(format!(
        "Nội dung dòng này giống cả nhiệm vụ {} ({}) lẫn nhiệm vụ {} ({}); đã tạm ghép vào nhiệm vụ {}. Hãy ghi mã nhiệm vụ ở cột STT để xác định đúng.",
        a.code,
        quote(&a.title),
        b.code,
        quote(&b.title),
        a.code
    ))
}

/// «title», shortened to about 60 characters.
fn quote(title: &str) -> String {
    let title = title.trim();
    let mut out: String = title.chars().take(60).collect();
    if title.chars().count() > 60 {
        out = out.trim_end().to_string();
        out.push('…');
    }
    format!("«{out}»")
}

fn percent(score: f64) -> String {
    format!("{}%", (score * 100.0).round() as i64)
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} hoặc {}", init.join(", "), last),
    }
}
