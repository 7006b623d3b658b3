//! Loading everything one consolidated report needs, in a fixed number of queries.
//!
//! [`load`] runs nine or ten queries whatever the size of the plan (the report rows of the period's
//! latest accepted versions are fetched by id in chunks of 900, so a province with 300
//! agencies × 150 rows still needs only a handful of round trips). Everything after it is
//! pure and works on [`PeriodData`].

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::{
    db::{
        plans::{self, Plan},
        schema::{
            agencies, reminders, report_rows, reporting_periods, submissions, task_assignments,
            task_groups, tasks,
        },
        DbConnection,
    },
    domain::{
        calendar::Calendar,
        due::DueKind,
        period::{to_utc, Month},
        plan::Kpi,
        report_rule::ReportRule,
        span::Span,
    },
    error::{AppError, AppResult},
};

/// Outcome of a submission the pipeline read and stored rows for.
pub const PROCESSED: &str = "processed";

#[derive(Debug, Clone)]
pub struct PlanInfo {
    pub id: i64,
    pub province: String,
    pub number: Option<String>,
    pub title: String,
    pub report_rule: Option<ReportRule>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = agencies)]
pub struct AgencyInfo {
    pub id: i64,
    pub name: String,
    pub short_name: Option<String>,
    pub successor_id: Option<i64>,
    pub successor_from: Option<NaiveDate>,
    /// Last day the agency existed, when it ended (district People's Committees were
    /// abolished on 1 July 2025 without one successor): not expected to report after it.
    pub active_to: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct GroupInfo {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub position: i32,
}

#[derive(Debug, Clone)]
pub struct TaskInfo {
    pub id: i64,
    pub group_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub due_kind: DueKind,
    pub due_end: Option<NaiveDate>,
    pub due_text: String,
    pub kpi: Vec<Kpi>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub task_id: i64,
    pub agency_id: i64,
    /// "lead" or "coordinating".
    pub role: String,
}

/// One stored version (without its bytes).
#[derive(Debug, Clone)]
pub struct SubmissionInfo {
    pub id: i64,
    pub agency_id: i64,
    pub period: Month,
    pub version: i32,
    /// UTC.
    pub uploaded_at: NaiveDateTime,
    pub outcome: String,
    pub findings: usize,
}

/// A row of a submission, as far as consolidation needs it.
#[derive(Debug, Clone)]
pub struct RowInfo {
    pub submission_id: i64,
    pub task_id: Option<i64>,
    pub source_row: i32,
    pub status: Option<String>,
    pub progress_percent: Option<i32>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
}

/// A period's cut-off window and deadline (UTC), from `reporting_periods` or computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodWindow {
    pub month: Month,
    pub cutoff_start: NaiveDate,
    pub cutoff_end: NaiveDate,
    /// UTC; None when the plan has no monthly rule and no stored period.
    pub deadline: Option<NaiveDateTime>,
    /// True when the deadline comes from a `reporting_periods` row.
    pub stored: bool,
}

/// Everything one consolidated report needs.
#[derive(Debug, Clone)]
pub struct PeriodData {
    /// What the report covers; `period` is its last month.
    pub span: Span,
    pub plan: PlanInfo,
    pub period: PeriodWindow,
    /// Agencies of the plan's province (and any other agency an assignment names), by id.
    pub agencies: BTreeMap<i64, AgencyInfo>,
    pub groups: Vec<GroupInfo>,
    /// Tasks in plan order (retired tasks left out).
    pub tasks: Vec<TaskInfo>,
    pub assignments: Vec<Assignment>,
    /// Every version of the plan's periods up to this one, ordered by (period, agency,
    /// version).
    pub submissions: Vec<SubmissionInfo>,
    /// Rows of the latest processed version of each agency for this period.
    pub rows: Vec<RowInfo>,
    /// (submission id, task id) of rows saying "done" in the latest processed versions of
    /// earlier periods.
    pub earlier_done: Vec<(i64, i64)>,
    /// Reminders sent for this period, by agency.
    pub reminders_sent: HashMap<i64, usize>,
    /// Windows of the months of the period's year shown in the tracking sheet (the plan's
    /// stored periods and the months with submissions, up to this one).
    pub year_periods: Vec<PeriodWindow>,
}

type TaskTuple = (
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<NaiveDate>,
    String,
    String,
    i32,
);
type RowTuple = (
    i64,
    Option<i64>,
    i32,
    Option<String>,
    Option<i32>,
    String,
    String,
    String,
);

/// Loads the plan's data for a monthly period.
pub fn load(conn: &mut DbConnection, plan_id: i64, period: Month) -> AppResult<PeriodData> {
    load_with(conn, plan_id, period, Rows::Load)
}

/// Whether [`load_with`] reads the report rows: the period's status (who reported, when)
/// needs only the submissions, and skipping the rows keeps the dashboard fast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rows {
    Load,
    Skip,
}

/// [`load`], with or without the report rows (`rows` and `earlier_done` stay empty).
pub fn load_with(
    conn: &mut DbConnection,
    plan_id: i64,
    period: Month,
    load_rows: Rows,
) -> AppResult<PeriodData> {
    load_span(conn, plan_id, Span::Month(period), load_rows)
}

/// Loads the plan's data for a month, a quarter or a year. A quarter or year is read as
/// of its last month: each agency's rows are those of its latest processed version within
/// the span (an agency that reported in October but not in December still counts with its
/// October report), and the tracking months are the span's.
pub fn load_span(
    conn: &mut DbConnection,
    plan_id: i64,
    span: Span,
    load_rows: Rows,
) -> AppResult<PeriodData> {
    let limit = span.last();
    let plan = plans::get(conn, plan_id)?;
    let plan = plan_info(plan);
    let calendar = Calendar::bundled();

    // 1. Stored periods of the plan.
    let stored: Vec<(String, NaiveDate, NaiveDate, NaiveDateTime)> = reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .select((
            reporting_periods::period,
            reporting_periods::cutoff_start,
            reporting_periods::cutoff_end,
            reporting_periods::deadline,
        ))
        .load(conn)?;
    let stored: HashMap<Month, PeriodWindow> = stored
        .into_iter()
        .filter_map(|(p, start, end, deadline)| {
            let month = Month::parse(&p)?;
            Some((
                month,
                PeriodWindow {
                    month,
                    cutoff_start: start,
                    cutoff_end: end,
                    deadline: Some(deadline),
                    stored: true,
                },
            ))
        })
        .collect();
    let window = |month: Month| -> PeriodWindow {
        stored
            .get(&month)
            .copied()
            .unwrap_or_else(|| computed_window(&calendar, plan.report_rule.as_ref(), month))
    };

    // 2. Tasks, 3. groups, 4. assignments.
    let task_rows: Vec<TaskTuple> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .filter(tasks::retired_at.is_null())
        .order((tasks::position, tasks::id))
        .select((
            tasks::id,
            tasks::group_id,
            tasks::code,
            tasks::title,
            tasks::due_kind,
            tasks::due_end,
            tasks::due_text,
            tasks::kpi,
            tasks::position,
        ))
        .load(conn)?;
    let tasks: Vec<TaskInfo> = task_rows
        .into_iter()
        .map(
            |(id, group_id, code, title, kind, due_end, due_text, kpi, position)| TaskInfo {
                id,
                group_id,
                code,
                title,
                due_kind: DueKind::parse_code(&kind).unwrap_or(DueKind::Unspecified),
                due_end,
                due_text,
                kpi: serde_json::from_str(&kpi).unwrap_or_default(),
                position,
            },
        )
        .collect();
    let groups: Vec<GroupInfo> = task_groups::table
        .filter(task_groups::plan_id.eq(plan_id))
        .order((task_groups::position, task_groups::id))
        .select((
            task_groups::id,
            task_groups::code,
            task_groups::title,
            task_groups::position,
        ))
        .load::<(i64, String, String, i32)>(conn)?
        .into_iter()
        .map(|(id, code, title, position)| GroupInfo {
            id,
            code,
            title,
            position,
        })
        .collect();
    let assignments: Vec<Assignment> = task_assignments::table
        .inner_join(tasks::table)
        .filter(tasks::plan_id.eq(plan_id))
        .filter(tasks::retired_at.is_null())
        .order(task_assignments::id)
        .select((
            task_assignments::task_id,
            task_assignments::agency_id,
            task_assignments::role,
        ))
        .load::<(i64, i64, String)>(conn)?
        .into_iter()
        .map(|(task_id, agency_id, role)| Assignment {
            task_id,
            agency_id,
            role,
        })
        .collect();

    // 5. Agencies: the province's, plus any assigned elsewhere (an unconfirmed agency
    // created under another spelling of the province still belongs to it).
    let agencies: BTreeMap<i64, AgencyInfo> = agencies::table
        .filter(agencies::province.eq(&plan.province))
        .select(AgencyInfo::as_select())
        .load::<AgencyInfo>(conn)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();

    // An agency assigned under another province's name (rare: a typo in the plan).
    let mut agencies = agencies;
    let unknown: Vec<i64> = assignments
        .iter()
        .map(|a| a.agency_id)
        .filter(|id| !agencies.contains_key(id))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !unknown.is_empty() {
        let extra: Vec<AgencyInfo> = agencies::table
            .filter(agencies::id.eq_any(&unknown))
            .select(AgencyInfo::as_select())
            .load(conn)?;
        for agency in extra {
            agencies.insert(agency.id, agency);
        }
    }

    // 6. Every version of the periods up to this one (no bytes).
    let limit_text = limit.to_string();
    let submission_rows: Vec<(i64, i64, String, i32, NaiveDateTime, String, String)> =
        submissions::table
            .filter(submissions::plan_id.eq(plan_id))
            .filter(submissions::period.le(&limit_text))
            .order((
                submissions::period,
                submissions::agency_id,
                submissions::version,
            ))
            .select((
                submissions::id,
                submissions::agency_id,
                submissions::period,
                submissions::version,
                submissions::uploaded_at,
                submissions::outcome,
                submissions::findings,
            ))
            .load(conn)?;
    let submissions: Vec<SubmissionInfo> = submission_rows
        .into_iter()
        .filter_map(
            |(id, agency_id, p, version, uploaded_at, outcome, findings)| {
                Some(SubmissionInfo {
                    id,
                    agency_id,
                    period: Month::parse(&p)?,
                    version,
                    uploaded_at,
                    outcome,
                    findings: count_findings(&findings),
                })
            },
        )
        .collect();

    // A quarter or year still under way is read as of its latest month that has a
    // reporting period or a report, not as of a month nobody could report for yet.
    let period = if span.is_month() {
        limit
    } else {
        stored
            .keys()
            .copied()
            .chain(submissions.iter().map(|s| s.period))
            .filter(|m| span.contains(*m))
            .max()
            .unwrap_or(limit)
    };
    let period_text = period.to_string();

    // 7. Rows of this period's latest processed versions; 8. "done" rows of earlier ones.
    let latest = latest_processed(&submissions);
    let (current_ids, earlier_ids): (Vec<i64>, Vec<i64>) = {
        // Each agency's latest month within the span (the map is ordered by month).
        let mut current: HashMap<i64, i64> = HashMap::new();
        for ((month, agency), s) in &latest {
            if span.contains(*month) {
                current.insert(*agency, s.id);
            }
        }
        let current: std::collections::HashSet<i64> = current.into_values().collect();
        let earlier = latest
            .values()
            .map(|s| s.id)
            .filter(|id| !current.contains(id))
            .collect();
        let mut current: Vec<i64> = current.into_iter().collect();
        current.sort_unstable();
        (current, earlier)
    };
    let (current_ids, earlier_ids) = match load_rows {
        Rows::Load => (current_ids, earlier_ids),
        Rows::Skip => (Vec::new(), Vec::new()),
    };
    let mut rows = Vec::new();
    for chunk in current_ids.chunks(900) {
        let loaded: Vec<RowTuple> = report_rows::table
            .filter(report_rows::submission_id.eq_any(chunk))
            .order((report_rows::submission_id, report_rows::id))
            .select((
                report_rows::submission_id,
                report_rows::task_id,
                report_rows::source_row,
                report_rows::status,
                report_rows::progress_percent,
                report_rows::result,
                report_rows::difficulties,
                report_rows::proposals,
            ))
            .load(conn)?;
        rows.extend(loaded.into_iter().map(
            |(submission_id, task_id, source_row, status, progress, result, diff, prop)| RowInfo {
                submission_id,
                task_id,
                source_row,
                status,
                progress_percent: progress,
                result,
                difficulties: diff,
                proposals: prop,
            },
        ));
    }
    let mut earlier_done = Vec::new();
    for chunk in earlier_ids.chunks(900) {
        let loaded: Vec<(i64, Option<i64>)> = report_rows::table
            .filter(report_rows::submission_id.eq_any(chunk))
            .filter(report_rows::status.eq("done"))
            .filter(report_rows::task_id.is_not_null())
            .order((report_rows::submission_id, report_rows::id))
            .select((report_rows::submission_id, report_rows::task_id))
            .load(conn)?;
        earlier_done.extend(loaded.into_iter().filter_map(|(s, t)| Some((s, t?))));
    }

    // 9. Reminders sent for the period.
    let mut reminders_sent: HashMap<i64, usize> = HashMap::new();
    let sent: Vec<i64> = reminders::table
        .filter(reminders::plan_id.eq(plan_id))
        .filter(reminders::period.eq(&period_text))
        .filter(reminders::state.eq("sent"))
        .select(reminders::agency_id)
        .load(conn)?;
    for agency_id in sent {
        *reminders_sent.entry(agency_id).or_default() += 1;
    }

    let mut months: Vec<Month> = stored
        .keys()
        .copied()
        .chain(submissions.iter().map(|s| s.period))
        .filter(|m| {
            if span.is_month() {
                m.year == period.year && *m <= period
            } else {
                span.contains(*m)
            }
        })
        .chain(std::iter::once(period))
        .collect();
    months.sort_unstable();
    months.dedup();
    let year_periods = months.into_iter().map(window).collect();

    Ok(PeriodData {
        span,
        period: window(period),
        plan,
        agencies,
        groups,
        tasks,
        assignments,
        submissions,
        rows,
        earlier_done,
        reminders_sent,
        year_periods,
    })
}

/// Finds a plan by id or number and loads a period given as text: a month ("2022-11"), a
/// quarter ("2022-Q4") or a year ("2022").
pub fn load_by_keys(conn: &mut DbConnection, plan: &str, period: &str) -> AppResult<PeriodData> {
    let span = parse_span(period)?;
    let plan = plans::find(conn, plan)?;
    load_span(conn, plan.id, span, Rows::Load)
}

pub fn parse_span(text: &str) -> AppResult<Span> {
    Span::parse(text).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Kỳ báo cáo \"{text}\" không hợp lệ; dùng dạng năm-tháng (2022-11), quý (2022-Q4) hoặc năm (2022)."
        ))
    })
}

pub fn parse_period(text: &str) -> AppResult<Month> {
    Month::parse(text).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Kỳ báo cáo \"{text}\" không hợp lệ; dùng dạng năm-tháng, ví dụ 2022-11."
        ))
    })
}

fn plan_info(plan: Plan) -> PlanInfo {
    PlanInfo {
        id: plan.id,
        report_rule: plan
            .report_rule
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        province: plan.province,
        number: plan.number,
        title: plan.title,
    }
}

/// The window of a month without a stored row: the legal cut-off and the deadline the
/// plan's rule gives with the bundled calendar.
pub fn computed_window(
    calendar: &Calendar,
    rule: Option<&ReportRule>,
    month: Month,
) -> PeriodWindow {
    let (cutoff_start, cutoff_end) = month.cutoff_window();
    PeriodWindow {
        month,
        cutoff_start,
        cutoff_end,
        deadline: rule
            .and_then(|r| calendar.monthly_deadline(r, month))
            .map(to_utc),
        stored: false,
    }
}

/// The latest processed version of each (period, agency): the highest version number.
pub fn latest_processed(submissions: &[SubmissionInfo]) -> BTreeMap<(Month, i64), &SubmissionInfo> {
    let mut latest: BTreeMap<(Month, i64), &SubmissionInfo> = BTreeMap::new();
    for s in submissions.iter().filter(|s| s.outcome == PROCESSED) {
        let slot = latest.entry((s.period, s.agency_id)).or_insert(s);
        if (s.version, s.id) > (slot.version, slot.id) {
            *slot = s;
        }
    }
    latest
}

fn count_findings(json: &str) -> usize {
    serde_json::from_str::<Vec<serde_json::Value>>(json)
        .map(|v| v.len())
        .unwrap_or(0)
}

impl PeriodData {
    pub fn agency_name(&self, id: i64) -> String {
        self.agencies
            .get(&id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| format!("Cơ quan số {id}"))
    }
}
