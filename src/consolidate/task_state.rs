//! The state of each task for a period, from what its agencies reported and its due.
//!
//! What an agency reports (done, in progress, not started, ongoing) is one thing; whether
//! that is on time is decided here, from the task's due (`due_kind`, `due_end`) and the
//! period. The date the period speaks for ("as of") is its data cut-off end (the 14th):
//! reports describe the work up to that day.
//!
//! Whose report counts:
//! - **The lead agency's report decides.** Its latest accepted version for the period is
//!   read (agencies merged in 2025 report through their successor, see
//!   [`super::timeliness`]). With several lead agencies, the least advanced report decides
//!   (a task is done when every lead that reported says so) and the lowest progress is shown.
//! - **Coordinating agencies' rows are contributions**: listed beside the lead's result,
//!   they never change the state. Rows from an agency the task does not name are listed the
//!   same way.
//! - A row without a status word reads as done at 100 %, not started at 0 %, in progress
//!   otherwise.
//!
//! The states, checked in this order:
//! 1. **Hoàn thành đúng hạn / quá hạn**: a lead reported "done" in this period or an
//!    earlier one (a task once done stays done). Done on time when the task has no end date
//!    or when the cut-off window of the first period reporting it done starts on or before
//!    the due end (the work may have been finished inside that window); done late when that
//!    whole window lies after the due end.
//! 2. **Chưa có báo cáo**: no lead reported on the task this period.
//! 3. **Thường xuyên**: the lead reported it ongoing, or the task is recurring, or it has no
//!    end date (conditional, unspecified).
//! 4. **Đang thực hiện quá hạn**: the due end is before the as-of date and the task is not
//!    done (whether reported in progress or not started).
//! 5. **Sắp đến hạn**: the due end is within the horizon (default 30 days) after the as-of
//!    date.
//! 6. **Chưa thực hiện**: reported not started, due not yet near.
//! 7. **Đang thực hiện trong hạn**: otherwise.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::{
    data::{latest_processed, PeriodData, RowInfo},
    timeliness::resolve,
};
use crate::domain::{due::DueKind, period::Month};

pub const DEFAULT_HORIZON_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaskState {
    DoneOnTime,
    DoneLate,
    InProgressOnTime,
    InProgressOverdue,
    DueSoon,
    Recurring,
    NotStarted,
    NoReport,
}

impl TaskState {
    pub const ALL: [TaskState; 8] = [
        TaskState::DoneOnTime,
        TaskState::DoneLate,
        TaskState::InProgressOnTime,
        TaskState::InProgressOverdue,
        TaskState::DueSoon,
        TaskState::Recurring,
        TaskState::NotStarted,
        TaskState::NoReport,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TaskState::DoneOnTime => "Hoàn thành đúng hạn",
            TaskState::DoneLate => "Hoàn thành quá hạn",
            TaskState::InProgressOnTime => "Đang thực hiện trong hạn",
            TaskState::InProgressOverdue => "Đang thực hiện quá hạn",
            TaskState::DueSoon => "Sắp đến hạn",
            TaskState::Recurring => "Thường xuyên",
            TaskState::NotStarted => "Chưa thực hiện",
            TaskState::NoReport => "Chưa có báo cáo",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, TaskState::DoneOnTime | TaskState::DoneLate)
    }
}

/// What an agency said about a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reported {
    NotStarted,
    InProgress,
    Ongoing,
    Done,
}

impl Reported {
    /// From the stored status word, or the progress when there is none.
    pub fn read(status: Option<&str>, progress: Option<i32>) -> Reported {
        match status {
            Some("done") => Reported::Done,
            Some("not_started") => Reported::NotStarted,
            Some("ongoing") => Reported::Ongoing,
            Some("in_progress") => Reported::InProgress,
            _ => match progress {
                Some(p) if p >= 100 => Reported::Done,
                Some(0) => Reported::NotStarted,
                _ => Reported::InProgress,
            },
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Reported::NotStarted => "Chưa thực hiện",
            Reported::InProgress => "Đang thực hiện",
            Reported::Ongoing => "Thường xuyên",
            Reported::Done => "Đã hoàn thành",
        }
    }
}

/// Everything the decision looks at, for unit tests and callers alike.
#[derive(Debug, Clone, Copy)]
pub struct StateInput {
    pub due_kind: DueKind,
    pub due_end: Option<NaiveDate>,
    /// The lead's report this period (None: no lead reported on the task).
    pub lead: Option<Reported>,
    /// Start of the cut-off window of the first period a lead reported the task done.
    pub done_window_start: Option<NaiveDate>,
    /// The period's cut-off end.
    pub as_of: NaiveDate,
    pub horizon_days: i64,
}

/// The rules of the module doc, in order.
pub fn decide(input: &StateInput) -> TaskState {
    if let Some(start) = input.done_window_start {
        return match input.due_end {
            Some(end) if start > end => TaskState::DoneLate,
            _ => TaskState::DoneOnTime,
        };
    }
    let Some(lead) = input.lead else {
        return TaskState::NoReport;
    };
    let no_end = matches!(input.due_kind, DueKind::Recurring) || input.due_end.is_none();
    if lead == Reported::Ongoing || no_end {
        return TaskState::Recurring;
    }
    let end = input.due_end.expect("checked above");
    if end < input.as_of {
        return TaskState::InProgressOverdue;
    }
    if (end - input.as_of).num_days() <= input.horizon_days {
        return TaskState::DueSoon;
    }
    if lead == Reported::NotStarted {
        return TaskState::NotStarted;
    }
    TaskState::InProgressOnTime
}

/// One agency's rows on one task, merged (texts joined by line breaks).
#[derive(Debug, Clone)]
pub struct Contribution {
    pub agency_id: i64,
    pub role: Role,
    pub reported: Reported,
    pub progress: Option<i32>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lead,
    Coordinating,
    /// Reported on a task the plan does not assign to it.
    Other,
}

/// A task's consolidated standing for the period.
#[derive(Debug, Clone)]
pub struct TaskReport {
    pub task_id: i64,
    pub state: TaskState,
    /// Lead agencies as they report this period (successors applied).
    pub leads: Vec<i64>,
    pub coordinators: Vec<i64>,
    pub lead_reported: Option<Reported>,
    pub progress: Option<i32>,
    pub lead_result: String,
    /// The first period a lead reported the task done.
    pub done_in: Option<Month>,
    /// Coordinators' (and others') rows, in agency order.
    pub contributions: Vec<Contribution>,
}

/// Decides every task of the plan for the data's period.
pub fn for_period(data: &PeriodData, horizon_days: i64) -> Vec<TaskReport> {
    let as_of = data.period.cutoff_end;
    let resolve_now = |id: i64| resolve(&data.agencies, id, as_of);
    let latest = latest_processed(&data.submissions);
    let submission_agency: HashMap<i64, (Month, i64)> = latest
        .iter()
        .map(|((month, agency), s)| (s.id, (*month, *agency)))
        .collect();

    // Rows of this period by (task, reporting agency).
    let mut by_task_agency: BTreeMap<(i64, i64), Vec<&RowInfo>> = BTreeMap::new();
    for row in &data.rows {
        let (Some(task_id), Some((_, agency))) =
            (row.task_id, submission_agency.get(&row.submission_id))
        else {
            continue;
        };
        by_task_agency
            .entry((task_id, resolve_now(*agency)))
            .or_default()
            .push(row);
    }
    // First month each (agency, task) was reported done in an earlier period.
    let mut earlier_done: HashMap<(i64, i64), Month> = HashMap::new();
    for (submission_id, task_id) in &data.earlier_done {
        if let Some((month, agency)) = submission_agency.get(submission_id) {
            let slot = earlier_done
                .entry((resolve_now(*agency), *task_id))
                .or_insert(*month);
            if month < slot {
                *slot = *month;
            }
        }
    }
    let window_start = |month: Month| -> NaiveDate {
        data.year_periods
            .iter()
            .find(|w| w.month == month)
            .map(|w| w.cutoff_start)
            .unwrap_or_else(|| month.cutoff_window().0)
    };

    let mut roles: HashMap<i64, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for a in &data.assignments {
        let entry = roles.entry(a.task_id).or_default();
        let list = if a.role == "lead" {
            &mut entry.0
        } else {
            &mut entry.1
        };
        let id = resolve_now(a.agency_id);
        if !list.contains(&id) {
            list.push(id);
        }
    }

    data.tasks
        .iter()
        .map(|task| {
            let (leads, mut coordinators) = roles.remove(&task.id).unwrap_or_default();
            coordinators.retain(|c| !leads.contains(c));
            let mut lead_reported: Option<Reported> = None;
            let mut progress: Option<i32> = None;
            let mut lead_texts: Vec<String> = Vec::new();
            let mut done_in: Option<Month> = None;
            for lead in &leads {
                if let Some(rows) = by_task_agency.get(&(task.id, *lead)) {
                    let c = merge(*lead, Role::Lead, rows);
                    lead_reported = Some(match lead_reported {
                        Some(r) => r.min(c.reported),
                        None => c.reported,
                    });
                    progress = match (progress, c.progress) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    if !c.result.is_empty() {
                        lead_texts.push(c.result);
                    }
                }
                if let Some(month) = earlier_done.get(&(*lead, task.id)) {
                    done_in = Some(done_in.map_or(*month, |d: Month| d.min(*month)));
                }
            }
            if done_in.is_none() && lead_reported == Some(Reported::Done) {
                done_in = Some(data.period.month);
            }
            let state = decide(&StateInput {
                due_kind: task.due_kind,
                due_end: task.due_end,
                lead: lead_reported,
                done_window_start: done_in.map(window_start),
                as_of,
                horizon_days,
            });
            let contributions = by_task_agency
                .range((task.id, i64::MIN)..=(task.id, i64::MAX))
                .filter(|((_, agency), _)| !leads.contains(agency))
                .map(|((_, agency), rows)| {
                    let role = if coordinators.contains(agency) {
                        Role::Coordinating
                    } else {
                        Role::Other
                    };
                    merge(*agency, role, rows)
                })
                .collect();
            TaskReport {
                task_id: task.id,
                state,
                leads,
                coordinators,
                lead_reported,
                progress: if state.is_done() {
                    progress.or(Some(100))
                } else {
                    progress
                },
                lead_result: lead_texts.join("\n"),
                done_in,
                contributions,
            }
        })
        .collect()
}

fn merge(agency_id: i64, role: Role, rows: &[&RowInfo]) -> Contribution {
    let join = |f: fn(&RowInfo) -> &str| {
        rows.iter()
            .map(|r| f(r).trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = rows[0];
    Contribution {
        agency_id,
        role,
        reported: Reported::read(first.status.as_deref(), first.progress_percent),
        progress: rows.iter().filter_map(|r| r.progress_percent).max(),
        result: join(|r| &r.result),
        difficulties: join(|r| &r.difficulties),
        proposals: join(|r| &r.proposals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Period 2022-11: cut-off 15/10–14/11.
    fn input(kind: DueKind, end: Option<NaiveDate>, lead: Option<Reported>) -> StateInput {
        StateInput {
            due_kind: kind,
            due_end: end,
            lead,
            done_window_start: None,
            as_of: date(2022, 11, 14),
            horizon_days: DEFAULT_HORIZON_DAYS,
        }
    }

    #[test]
    fn done_on_time_and_done_late() {
        let mut i = input(
            DueKind::Date,
            Some(date(2022, 11, 30)),
            Some(Reported::Done),
        );
        i.done_window_start = Some(date(2022, 10, 15));
        assert_eq!(decide(&i), TaskState::DoneOnTime);
        // Due 30/09, first reported done in 2022-11 (window from 15/10): late.
        let mut i = input(
            DueKind::Month,
            Some(date(2022, 9, 30)),
            Some(Reported::Done),
        );
        i.done_window_start = Some(date(2022, 10, 15));
        assert_eq!(decide(&i), TaskState::DoneLate);
        // Due 30/09, done in 2022-10 (window 15/09–14/10): may have been in time.
        i.done_window_start = Some(date(2022, 9, 15));
        assert_eq!(decide(&i), TaskState::DoneOnTime);
    }

    #[test]
    fn done_earlier_stays_done_even_without_a_report() {
        let mut i = input(DueKind::Year, Some(date(2022, 12, 31)), None);
        i.done_window_start = Some(date(2022, 8, 15));
        assert_eq!(decide(&i), TaskState::DoneOnTime);
        // And a later "in progress" does not undo it.
        i.lead = Some(Reported::InProgress);
        assert_eq!(decide(&i), TaskState::DoneOnTime);
    }

    #[test]
    fn in_progress_on_time_overdue_and_due_soon() {
        let far = input(
            DueKind::Year,
            Some(date(2023, 6, 30)),
            Some(Reported::InProgress),
        );
        assert_eq!(decide(&far), TaskState::InProgressOnTime);
        let overdue = input(
            DueKind::Quarter,
            Some(date(2022, 6, 30)),
            Some(Reported::InProgress),
        );
        assert_eq!(decide(&overdue), TaskState::InProgressOverdue);
        let soon = input(
            DueKind::Date,
            Some(date(2022, 11, 30)),
            Some(Reported::InProgress),
        );
        assert_eq!(decide(&soon), TaskState::DueSoon);
        let mut narrow = soon;
        narrow.horizon_days = 7;
        assert_eq!(decide(&narrow), TaskState::InProgressOnTime);
    }

    #[test]
    fn recurring_not_started_and_no_report() {
        assert_eq!(
            decide(&input(DueKind::Recurring, None, Some(Reported::InProgress))),
            TaskState::Recurring
        );
        assert_eq!(
            decide(&input(
                DueKind::Conditional,
                None,
                Some(Reported::NotStarted)
            )),
            TaskState::Recurring
        );
        assert_eq!(
            decide(&input(
                DueKind::Year,
                Some(date(2023, 12, 31)),
                Some(Reported::Ongoing)
            )),
            TaskState::Recurring
        );
        assert_eq!(
            decide(&input(
                DueKind::Year,
                Some(date(2023, 12, 31)),
                Some(Reported::NotStarted)
            )),
            TaskState::NotStarted
        );
        // Not started and past due is overdue.
        assert_eq!(
            decide(&input(
                DueKind::Month,
                Some(date(2022, 3, 31)),
                Some(Reported::NotStarted)
            )),
            TaskState::InProgressOverdue
        );
        assert_eq!(
            decide(&input(DueKind::Recurring, None, None)),
            TaskState::NoReport
        );
    }

    /// Two tasks, a lead and a coordinator reporting on both, an earlier "done" report.
    fn sample() -> PeriodData {
        use super::super::data::*;
        let month = Month::parse("2022-11").unwrap();
        let (start, end) = month.cutoff_window();
        let window = PeriodWindow {
            month,
            cutoff_start: start,
            cutoff_end: end,
            deadline: None,
            stored: true,
        };
        let agency = |id: i64| AgencyInfo {
            id,
            name: format!("Cơ quan {id}"),
            short_name: None,
            successor_id: None,
            successor_from: None,
            active_to: None,
        };
        let task = |id: i64, end: NaiveDate| TaskInfo {
            id,
            group_id: None,
            code: format!("{id}"),
            title: format!("Nhiệm vụ {id}"),
            due_kind: DueKind::Date,
            due_end: Some(end),
            due_text: String::new(),
            kpi: Vec::new(),
            position: id as i32,
        };
        let assign = |task_id, agency_id, role: &str| Assignment {
            task_id,
            agency_id,
            role: role.into(),
        };
        let submission = |id, agency_id, period: &str| SubmissionInfo {
            id,
            agency_id,
            period: Month::parse(period).unwrap(),
            version: 1,
            uploaded_at: date(2022, 11, 1).and_hms_opt(0, 0, 0).unwrap(),
            outcome: "processed".into(),
            findings: 0,
        };
        let row = |submission_id, task_id, status: &str, result: &str| RowInfo {
            submission_id,
            task_id: Some(task_id),
            source_row: 6,
            status: Some(status.into()),
            progress_percent: None,
            result: result.into(),
            difficulties: String::new(),
            proposals: String::new(),
        };
        PeriodData {
            span: crate::domain::span::Span::Month(window.month),
            plan: PlanInfo {
                id: 1,
                province: "Trà Vinh".into(),
                number: None,
                title: String::new(),
                report_rule: None,
            },
            period: window,
            agencies: [(1, agency(1)), (2, agency(2))].into_iter().collect(),
            groups: Vec::new(),
            tasks: vec![task(10, date(2023, 6, 30)), task(11, date(2022, 9, 30))],
            assignments: vec![
                assign(10, 1, "lead"),
                assign(10, 2, "coordinating"),
                assign(11, 1, "lead"),
            ],
            submissions: vec![
                submission(100, 1, "2022-10"),
                submission(200, 1, "2022-11"),
                submission(201, 2, "2022-11"),
            ],
            rows: vec![
                row(200, 10, "in_progress", "Chủ trì: đang làm"),
                // The coordinator says done: it does not decide.
                row(201, 10, "done", "Phối hợp: đã xong phần việc"),
                row(200, 11, "in_progress", "Làm lại"),
            ],
            // Task 11 was reported done in October (window from 15/09, due 30/09).
            earlier_done: vec![(100, 11)],
            reminders_sent: Default::default(),
            year_periods: vec![window],
        }
    }

    #[test]
    fn the_lead_decides_coordinators_are_listed_and_done_stays_done() {
        let reports = for_period(&sample(), DEFAULT_HORIZON_DAYS);
        assert_eq!(reports[0].state, TaskState::InProgressOnTime);
        assert_eq!(reports[0].lead_result, "Chủ trì: đang làm");
        assert_eq!(reports[0].contributions.len(), 1);
        assert_eq!(reports[0].contributions[0].agency_id, 2);
        assert_eq!(reports[0].contributions[0].role, Role::Coordinating);
        assert_eq!(reports[0].coordinators, vec![2]);
        // Done in October (window 15/09–14/10, due 30/09): done on time, and stays done.
        assert_eq!(reports[1].state, TaskState::DoneOnTime);
        assert_eq!(reports[1].done_in, Month::parse("2022-10"));
        assert_eq!(reports[1].progress, Some(100));
    }

    #[test]
    fn reported_status_reads_words_then_progress() {
        assert_eq!(Reported::read(Some("done"), Some(10)), Reported::Done);
        assert_eq!(Reported::read(None, Some(100)), Reported::Done);
        assert_eq!(Reported::read(None, Some(0)), Reported::NotStarted);
        assert_eq!(Reported::read(None, None), Reported::InProgress);
        assert_eq!(Reported::read(Some("ongoing"), None), Reported::Ongoing);
        assert!(Reported::NotStarted < Reported::Done);
    }
}
