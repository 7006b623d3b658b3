//! The report's content, from the consolidation: pure, no layout.
//!
//! Every figure comes from [`Consolidated`] as the consolidated workbook shows it: task
//! counts by state from [`Consolidated::by_group`] (the summary sheet's group × state table
//! and its total row), reporting compliance from [`Consolidated::compliance`], task states
//! and lead results from [`Consolidated::tasks`], agencies' standing from
//! [`Consolidated::timeliness`], difficulties and proposals from
//! [`Consolidated::difficulties`]. Nothing is recounted here, so the document and its
//! appendix (the workbook) cannot disagree.
//!
//! The outline (Nghị định 30/2020 header block, then):
//! I. results — overall figures, then each task group with its lead agencies' results;
//! II. shortcomings — overdue tasks, tasks without a lead report, agencies late or missing,
//! the difficulties reported; III. the next period — unfinished tasks due by its cut-off
//! end; IV. the agencies' proposals, identical ones once with every agency that wrote them. Then the closing sentence,
//! recipients and signature block.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{
    format::{condense, count, join_names, percent},
    layout::NarrativeLayout,
};
use crate::{
    consolidate::{
        layout::Placeholders,
        task_state::{TaskReport, TaskState},
        timeliness::{Compliance, Timeliness},
        workbook::{document_number, place_and_date, WriteOptions},
        Consolidated,
    },
    domain::fold::fold,
    domain::span::Span,
};

/// The Nghị định 30/2020 header block's texts, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub parent_body: String,
    pub issuing_body: String,
    pub number: String,
    pub nation: String,
    pub motto: String,
    pub place_and_date: String,
}

/// A line of the body, by its rank in the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// "I. KẾT QUẢ THỰC HIỆN".
    Heading(String),
    /// "1. Kết quả chung".
    Subheading(String),
    /// "2.1. Nhóm …": a task group.
    Group(String),
    Text(String),
}

impl Line {
    pub fn text(&self) -> &str {
        match self {
            Line::Heading(t) | Line::Subheading(t) | Line::Group(t) | Line::Text(t) => t,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub authority: String,
    pub position: String,
    pub signer: String,
}

/// The task and reporting figures the report states: the workbook's summary totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Tasks per state, in [`TaskState::ALL`] order.
    pub states: [usize; 8],
    pub total: usize,
    pub compliance: Compliance,
}

impl Figures {
    pub fn of(c: &Consolidated) -> Figures {
        let mut states = [0usize; 8];
        for (_, counts) in c.by_group() {
            for (total, n) in states.iter_mut().zip(counts) {
                *total += n;
            }
        }
        Figures {
            states,
            total: states.iter().sum(),
            compliance: c.compliance,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The document's title property.
    pub title_property: String,
    pub header: Header,
    pub title: String,
    pub summary: String,
    pub body: Vec<Line>,
    pub recipients_title: String,
    pub recipients: Vec<String>,
    pub signature: Signature,
    pub figures: Figures,
}

/// The span after `span`: the next month, quarter or year.
pub fn next_span(span: Span) -> Span {
    match span {
        Span::Month(m) => Span::Month(m.next()),
        Span::Quarter { year, quarter: 4 } => Span::Quarter {
            year: year + 1,
            quarter: 1,
        },
        Span::Quarter { year, quarter } => Span::Quarter {
            year,
            quarter: quarter + 1,
        },
        Span::Year(year) => Span::Year(year + 1),
    }
}

/// The last day the next period's reports speak for (its last month's cut-off end).
pub fn next_cutoff_end(span: Span) -> NaiveDate {
    next_span(span).last().cutoff_window().1
}

pub fn build(c: &Consolidated, layout: &NarrativeLayout, options: &WriteOptions) -> Outline {
    let v = Placeholders::of_report(c);
    let doc = &layout.document;
    let header = Header {
        parent_body: v.fill(&doc.parent_body),
        issuing_body: v.fill(&doc.issuing_body),
        number: document_number(&v.fill(&doc.number), options.number),
        nation: doc.nation.clone(),
        motto: doc.motto.clone(),
        place_and_date: place_and_date(&v.fill(&doc.place), options.report_date),
    };
    let figures = Figures::of(c);
    let mut body = vec![Line::Text(v.fill(&layout.texts.opening))];
    results(&mut body, c, layout, &v, &figures);
    shortcomings(&mut body, c, layout, &v);
    next_period(&mut body, c, layout, &v);
    proposals(&mut body, c, layout, &v);
    body.push(Line::Text(v.fill(&layout.texts.closing)));
    let summary = v.fill(&doc.summary);
    Outline {
        title_property: format!("{} {}", doc.title, summary),
        header,
        title: doc.title.clone(),
        summary,
        body,
        recipients_title: doc.recipients_title.clone(),
        recipients: doc.recipients.iter().map(|r| v.fill(r)).collect(),
        signature: Signature {
            authority: v.fill(&layout.signature.authority),
            position: v.fill(&layout.signature.position),
            signer: v.fill(&layout.signature.signer),
        },
        figures,
    }
}

/// "02 hoàn thành đúng hạn, 01 đang thực hiện quá hạn" (states with no task left out).
pub fn state_counts(counts: &[usize; 8]) -> String {
    TaskState::ALL
        .iter()
        .zip(counts)
        .filter(|(_, n)| **n > 0)
        .map(|(state, n)| format!("{} {}", count(*n), state.label().to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lead_names(c: &Consolidated, report: &TaskReport) -> String {
    let names: Vec<String> = report
        .leads
        .iter()
        .map(|id| c.data.agency_name(*id))
        .collect();
    if names.is_empty() {
        "chưa phân công chủ trì".into()
    } else {
        names.join(", ")
    }
}

fn results(
    body: &mut Vec<Line>,
    c: &Consolidated,
    layout: &NarrativeLayout,
    v: &Placeholders,
    figures: &Figures,
) {
    let h = &layout.headings;
    let t = &layout.texts;
    body.push(Line::Heading(v.fill(&h.results)));
    body.push(Line::Subheading(v.fill(&h.overall)));
    body.push(Line::Text(
        v.clone()
            .with("total", count(figures.total))
            .fill(&t.tasks_total),
    ));
    // States without a task are left out: the appendix's table shows the zeros.
    for (state, n) in TaskState::ALL.iter().zip(figures.states) {
        if n == 0 {
            continue;
        }
        body.push(Line::Text(
            v.clone()
                .with("state", state.label())
                .with("count", count(n))
                .with("percent", percent(n, figures.total))
                .fill(&t.state_line),
        ));
    }
    let k = figures.compliance;
    let months = c
        .data
        .year_periods
        .iter()
        .map(|w| format!("{:02}/{}", w.month.month, w.month.year))
        .collect::<Vec<_>>()
        .join(", ");
    let reports = if c.data.span.is_month() {
        &t.reports
    } else {
        &t.span_reports
    };
    body.push(Line::Text(
        v.clone()
            .with("expected", count(k.expected))
            .with("on_time", count(k.on_time))
            .with("late", count(k.late))
            .with("missing", count(k.missing))
            .with("months", months)
            .fill(reports),
    ));
    body.push(Line::Text(v.fill(&t.appendix)));

    body.push(Line::Subheading(v.fill(&h.by_group)));
    let reports: HashMap<i64, &TaskReport> = c.tasks.iter().map(|r| (r.task_id, r)).collect();
    let known_groups: HashMap<i64, &str> = c
        .data
        .groups
        .iter()
        .map(|g| (g.id, g.title.as_str()))
        .collect();
    for (i, (group, counts)) in c.by_group().iter().enumerate() {
        let name = group
            .and_then(|g| known_groups.get(&g).copied())
            .unwrap_or(&t.no_group);
        body.push(Line::Group(format!("2.{}. {}", i + 1, name.trim())));
        body.push(Line::Text(
            v.clone()
                .with("total", count(counts.iter().sum()))
                .with("counts", state_counts(counts))
                .fill(&t.group_counts),
        ));
        // The same membership as `by_group`: a task whose group is unknown counts as "other".
        let members = c.data.tasks.iter().filter(|task| {
            let own = task.group_id.filter(|g| known_groups.contains_key(g));
            own == *group
        });
        for task in members {
            let Some(report) = reports.get(&task.id) else {
                continue;
            };
            let result = condense(&report.lead_result, t.condense_chars);
            body.push(Line::Text(
                v.clone()
                    .with("task", task.title.trim())
                    .with("lead", lead_names(c, report))
                    .with(
                        "result",
                        if result.is_empty() {
                            t.no_result.clone()
                        } else {
                            result
                        },
                    )
                    .fill(&t.result_line),
            ));
        }
    }
}

fn due_text(c: &Consolidated, task_id: i64) -> String {
    c.data
        .tasks
        .iter()
        .find(|t| t.id == task_id)
        .map(|t| match (t.due_text.trim(), t.due_end) {
            ("", Some(end)) => end.format("%d/%m/%Y").to_string(),
            ("", None) => "không quy định".into(),
            (text, _) => text.to_string(),
        })
        .unwrap_or_default()
}

fn task_title(c: &Consolidated, task_id: i64) -> String {
    c.data
        .tasks
        .iter()
        .find(|t| t.id == task_id)
        .map(|t| t.title.trim().to_string())
        .unwrap_or_default()
}

fn shortcomings(
    body: &mut Vec<Line>,
    c: &Consolidated,
    layout: &NarrativeLayout,
    v: &Placeholders,
) {
    let t = &layout.texts;
    body.push(Line::Heading(v.fill(&layout.headings.shortcomings)));
    let start = body.len();
    let in_state = |state: TaskState| -> Vec<&TaskReport> {
        c.tasks.iter().filter(|r| r.state == state).collect()
    };
    for (state, intro, line) in [
        (TaskState::InProgressOverdue, &t.overdue, &t.overdue_line),
        (TaskState::NoReport, &t.no_report_tasks, &t.no_report_line),
    ] {
        let tasks = in_state(state);
        if tasks.is_empty() {
            continue;
        }
        body.push(Line::Text(
            v.clone().with("count", count(tasks.len())).fill(intro),
        ));
        for report in tasks {
            body.push(Line::Text(
                v.clone()
                    .with("task", task_title(c, report.task_id))
                    .with("lead", lead_names(c, report))
                    .with("due", due_text(c, report.task_id))
                    .fill(line),
            ));
        }
    }
    for (missing, text) in [(true, &t.missing_agencies), (false, &t.late_agencies)] {
        let names: Vec<String> = c
            .timeliness
            .iter()
            .filter(|a| match a.timeliness {
                Timeliness::Missing => missing,
                Timeliness::Late { .. } => !missing,
                Timeliness::OnTime => false,
            })
            .map(|a| c.data.agency_name(a.agency_id))
            .collect();
        if !names.is_empty() {
            body.push(Line::Text(
                v.clone()
                    .with("count", count(names.len()))
                    .with("agencies", join_names(&names))
                    .fill(text),
            ));
        }
    }
    let difficulties = grouped(c, |d| &d.difficulties, t.condense_chars);
    if !difficulties.is_empty() {
        body.push(Line::Text(v.fill(&t.difficulties)));
        for (text, agencies) in difficulties {
            body.push(Line::Text(
                v.clone()
                    .with("agencies", agencies)
                    .with("text", text)
                    .fill(&t.grouped_line),
            ));
        }
    }
    if body.len() == start {
        body.push(Line::Text(v.fill(&t.no_shortcomings)));
    } else {
        body.push(Line::Text(v.fill(&t.cause)));
    }
}

/// The difficulties (or proposals) reported, grouped by what they say: each distinct text
/// (condensed, compared without case or diacritics) once, with the agencies that wrote it,
/// in the order of [`Consolidated::difficulties`] (by agency name). Several agencies often
/// send the same sentence; the Chairman reads it once.
pub fn grouped(
    c: &Consolidated,
    pick: impl Fn(&crate::consolidate::Difficulty) -> &String,
    max_chars: usize,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for d in &c.difficulties {
        let text = condense(pick(d), max_chars);
        if text.is_empty() {
            continue;
        }
        let text = text.trim_end_matches('.').to_string();
        let key = fold(&text);
        let agency = c.data.agency_name(d.agency_id);
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, agencies)) => {
                if !agencies.contains(&agency) {
                    agencies.push(agency);
                }
            }
            None => out.push((key, text, vec![agency])),
        }
    }
    out.into_iter()
        .map(|(_, text, agencies)| (text, agencies.join(", ")))
        .collect()
}

fn next_period(body: &mut Vec<Line>, c: &Consolidated, layout: &NarrativeLayout, v: &Placeholders) {
    let t = &layout.texts;
    body.push(Line::Heading(v.fill(&layout.headings.next_period)));
    let span = c.data.span;
    let as_of = c.data.period.cutoff_end;
    let until = next_cutoff_end(span);
    // The next period's label first: `v` would fill {period_label} with this one.
    let intro = Placeholders::new()
        .with("period_label", next_span(span).label())
        .fill(&t.next_intro);
    body.push(Line::Text(v.fill(&intro)));
    let due: HashMap<i64, Option<NaiveDate>> =
        c.data.tasks.iter().map(|t| (t.id, t.due_end)).collect();
    for report in &c.tasks {
        let end = due.get(&report.task_id).copied().flatten();
        let upcoming =
            !report.state.is_done() && end.is_some_and(|end| as_of < end && end <= until);
        if upcoming {
            body.push(Line::Text(
                v.clone()
                    .with("task", task_title(c, report.task_id))
                    .with("lead", lead_names(c, report))
                    .with("due", due_text(c, report.task_id))
                    .fill(&t.next_line),
            ));
        }
    }
    let overdue = c
        .tasks
        .iter()
        .filter(|r| r.state == TaskState::InProgressOverdue)
        .count();
    if overdue > 0 {
        body.push(Line::Text(
            v.clone()
                .with("count", count(overdue))
                .fill(&t.next_overdue),
        ));
    }
    body.push(Line::Text(v.fill(&t.next_recurring)));
}

fn proposals(body: &mut Vec<Line>, c: &Consolidated, layout: &NarrativeLayout, v: &Placeholders) {
    let t = &layout.texts;
    body.push(Line::Heading(v.fill(&layout.headings.proposals)));
    let proposals = grouped(c, |d| &d.proposals, t.condense_chars);
    if proposals.is_empty() {
        body.push(Line::Text(v.fill(&t.no_proposals)));
    }
    for (text, agencies) in proposals {
        body.push(Line::Text(
            v.clone()
                .with("agencies", agencies)
                .with("text", text)
                .fill(&t.grouped_line),
        ));
    }
}
