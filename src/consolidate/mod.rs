//! Consolidation: the secretariat's monthly report to the Chairman of the Provincial
//! People's Committee.
//!
//! One I/O step, then pure stages:
//! - [`data::load`] reads a plan's period in a fixed number of queries ([`data::PeriodData`]);
//! - [`timeliness`] decides who had to report and whether each did so on time;
//! - [`task_state`] decides each task's state from the lead's report and the due;
//! - [`Consolidated::build`] gathers both with the difficulties, KPI figures and the
//!   year's tracking matrix;
//! - [`status::period_status`] is the timeliness part alone, for the dashboard;
//! - [`workbook::write`] lays it out as an .xlsx following [`layout::Layout`]
//!   (`report_templates/consolidated/layout.toml`).

pub mod bench;
pub mod data;
pub mod layout;
pub mod status;
pub mod task_state;
pub mod timeliness;
pub mod workbook;

use std::collections::{BTreeSet, HashMap};

use self::{
    data::{latest_processed, PeriodData},
    task_state::{TaskReport, TaskState},
    timeliness::{AgencyTimeliness, Compliance, Timeliness},
};

/// A difficulty or proposal one agency wrote this period.
#[derive(Debug, Clone)]
pub struct Difficulty {
    pub agency_id: i64,
    /// None for a row that matched no task.
    pub task_id: Option<i64>,
    pub difficulties: String,
    pub proposals: String,
}

/// One KPI of a task against the lead's reported progress.
#[derive(Debug, Clone)]
pub struct KpiLine {
    pub task_id: i64,
    pub text: String,
    pub target_percent: Option<f64>,
    pub progress: Option<i32>,
}

impl KpiLine {
    pub fn assessment(&self) -> &'static str {
        match (self.target_percent, self.progress) {
            (_, None) => "Chưa có số liệu",
            (Some(target), Some(p)) if f64::from(p) >= target => "Đạt",
            (Some(_), Some(_)) => "Chưa đạt",
            (None, Some(_)) => "Không có chỉ tiêu định lượng",
        }
    }
}

/// The year's tracking matrix: for each agency expected this period, its standing in each
/// shown month (None where it was not expected that month).
#[derive(Debug, Clone)]
pub struct Tracking {
    pub months: Vec<crate::domain::period::Month>,
    pub rows: Vec<(i64, Vec<Option<Timeliness>>)>,
}

/// Everything the consolidated report shows.
#[derive(Debug, Clone)]
pub struct Consolidated {
    pub data: PeriodData,
    pub timeliness: Vec<AgencyTimeliness>,
    pub compliance: Compliance,
    pub tasks: Vec<TaskReport>,
    pub difficulties: Vec<Difficulty>,
    pub kpis: Vec<KpiLine>,
    pub tracking: Tracking,
}

/// Options of the pure stages.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Days before a due end from which an unfinished task is "Sắp đến hạn".
    pub horizon_days: i64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            horizon_days: task_state::DEFAULT_HORIZON_DAYS,
        }
    }
}

impl Consolidated {
    pub fn build(data: PeriodData, options: Options) -> Consolidated {
        let timeliness = timeliness::for_period(&data);
        let compliance = if data.span.is_month() {
            timeliness::compliance(&timeliness)
        } else {
            compliance_over_span(&data)
        };
        let tasks = task_state::for_period(&data, options.horizon_days);
        let difficulties = difficulties(&data);
        let kpis = kpis(&data, &tasks);
        let tracking = tracking(&data, &timeliness);
        Consolidated {
            data,
            timeliness,
            compliance,
            tasks,
            difficulties,
            kpis,
            tracking,
        }
    }

    /// Task counts by group (in plan order; tasks without a group last) and state.
    pub fn by_group(&self) -> Vec<(Option<i64>, [usize; 8])> {
        let state_of: HashMap<i64, TaskState> =
            self.tasks.iter().map(|t| (t.task_id, t.state)).collect();
        let mut out: Vec<(Option<i64>, [usize; 8])> = self
            .data
            .groups
            .iter()
            .map(|g| (Some(g.id), [0; 8]))
            .collect();
        let mut other = [0usize; 8];
        for task in &self.data.tasks {
            let Some(state) = state_of.get(&task.id) else {
                continue;
            };
            let index = TaskState::ALL
                .iter()
                .position(|s| s == state)
                .expect("every state is listed");
            match out
                .iter_mut()
                .find(|(g, _)| *g == task.group_id && g.is_some())
            {
                Some((_, counts)) => counts[index] += 1,
                None => other[index] += 1,
            }
        }
        out.retain(|(_, counts)| counts.iter().sum::<usize>() > 0);
        if other.iter().sum::<usize>() > 0 {
            out.push((None, other));
        }
        out
    }
}

fn difficulties(data: &PeriodData) -> Vec<Difficulty> {
    let latest = latest_processed(&data.submissions);
    let agency_of: HashMap<i64, i64> = latest
        .iter()
        .filter(|((month, _), _)| data.span.contains(*month))
        .map(|((_, agency), s)| {
            (
                s.id,
                timeliness::resolve(&data.agencies, *agency, data.period.cutoff_end),
            )
        })
        .collect();
    let mut out: Vec<Difficulty> = data
        .rows
        .iter()
        .filter(|r| !r.difficulties.trim().is_empty() || !r.proposals.trim().is_empty())
        .filter_map(|r| {
            Some(Difficulty {
                agency_id: *agency_of.get(&r.submission_id)?,
                task_id: r.task_id,
                difficulties: r.difficulties.trim().to_string(),
                proposals: r.proposals.trim().to_string(),
            })
        })
        .collect();
    let position: HashMap<i64, i32> = data.tasks.iter().map(|t| (t.id, t.position)).collect();
    out.sort_by_key(|d| {
        (
            data.agency_name(d.agency_id),
            d.task_id
                .and_then(|t| position.get(&t).copied())
                .unwrap_or(i32::MAX),
        )
    });
    out
}

/// A quarter's or a year's compliance: every expected report of every month counted once
/// ("lượt báo cáo").
fn compliance_over_span(data: &PeriodData) -> Compliance {
    let assigned = timeliness::assigned(data);
    data.year_periods
        .iter()
        .map(|window| {
            timeliness::compliance(&timeliness::for_window(
                &data.agencies,
                &assigned,
                &data.submissions,
                window,
            ))
        })
        .fold(Compliance::default(), |sum, c| Compliance {
            expected: sum.expected + c.expected,
            on_time: sum.on_time + c.on_time,
            late: sum.late + c.late,
            missing: sum.missing + c.missing,
        })
}

fn kpis(data: &PeriodData, tasks: &[TaskReport]) -> Vec<KpiLine> {
    let progress: HashMap<i64, Option<i32>> =
        tasks.iter().map(|t| (t.task_id, t.progress)).collect();
    data.tasks
        .iter()
        .flat_map(|task| {
            let progress = progress.get(&task.id).copied().flatten();
            task.kpi.iter().map(move |k| KpiLine {
                task_id: task.id,
                text: k.text.clone(),
                target_percent: k.target_percent,
                progress,
            })
        })
        .collect()
}

fn tracking(data: &PeriodData, current: &[AgencyTimeliness]) -> Tracking {
    let assigned: BTreeSet<i64> = timeliness::assigned(data);
    let months: Vec<_> = data.year_periods.iter().map(|w| w.month).collect();
    let per_month: Vec<HashMap<i64, Timeliness>> = data
        .year_periods
        .iter()
        .map(|window| {
            timeliness::for_window(&data.agencies, &assigned, &data.submissions, window)
                .into_iter()
                .map(|a| (a.agency_id, a.timeliness))
                .collect()
        })
        .collect();
    let mut rows: Vec<(i64, Vec<Option<Timeliness>>)> = current
        .iter()
        .map(|a| {
            (
                a.agency_id,
                per_month
                    .iter()
                    .map(|m| m.get(&a.agency_id).copied())
                    .collect(),
            )
        })
        .collect();
    rows.sort_by_key(|(id, _)| data.agency_name(*id));
    Tracking { months, rows }
}
