//! Who had to report for a period, and whether they did so on time.
//!
//! Rules:
//! - **Expected agencies**: every agency with at least one (non-retired) task of the plan,
//!   lead or coordinating. An agency with a successor whose takeover date (`successor_from`)
//!   is on or before the period's cut-off end reports through its successor (2025 mergers:
//!   Sở KH&ĐT → Sở Tài chính from 01/03/2025): the successor is expected, the predecessor is
//!   not. Chains are followed (A → B → C) and a cycle stops the walk. An agency that ended
//!   without a successor (`active_to` before the cut-off end: the district People's
//!   Committees abolished on 1 July 2025) is not expected any more.
//! - **The submission judged** is the latest accepted version (outcome "processed", highest
//!   version) of the agency for the period; a version a predecessor sent counts for its
//!   successor. Versions that could not be read do not count.
//! - **On time** when it was uploaded at or before the period's deadline (both UTC; the
//!   deadline is the end of the last day, local time, as `reporting_periods` stores it or as
//!   the calendar computes it from the plan's rule). **Late** otherwise, with the delay in
//!   whole days and hours. **Missing** when no accepted version exists. A period without a
//!   deadline (a plan without a monthly rule) counts every accepted version as on time.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};

use super::data::{latest_processed, AgencyInfo, PeriodData, PeriodWindow, SubmissionInfo};
use crate::domain::period::Month;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    OnTime,
    Late { days: i64, hours: i64 },
    Missing,
}

impl Timeliness {
    /// Short label for tables and the tracking matrix.
    pub fn label(self) -> &'static str {
        match self {
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late { .. } => "Trễ hạn",
            Timeliness::Missing => "Chưa báo cáo",
        }
    }

    /// "Trễ hạn 2 ngày 5 giờ".
    pub fn describe(self) -> String {
        match self {
            Timeliness::Late { days, hours } => match (days, hours) {
                (0, h) => format!("Trễ hạn {h} giờ"),
                (d, 0) => format!("Trễ hạn {d} ngày"),
                (d, h) => format!("Trễ hạn {d} ngày {h} giờ"),
            },
            other => other.label().to_string(),
        }
    }
}

/// One expected agency's standing for the period.
#[derive(Debug, Clone)]
pub struct AgencyTimeliness {
    pub agency_id: i64,
    /// The judged version, if any.
    pub submission_id: Option<i64>,
    pub version: Option<i32>,
    /// UTC.
    pub uploaded_at: Option<NaiveDateTime>,
    pub findings: usize,
    pub timeliness: Timeliness,
    /// Predecessors whose tasks this agency reports on.
    pub on_behalf_of: Vec<i64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compliance {
    pub expected: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

/// Follows successor links that took effect on or before `as_of`.
pub fn resolve(agencies: &BTreeMap<i64, AgencyInfo>, agency_id: i64, as_of: NaiveDate) -> i64 {
    let mut current = agency_id;
    let mut seen = BTreeSet::new();
    while seen.insert(current) {
        let Some(agency) = agencies.get(&current) else {
            break;
        };
        match (agency.successor_id, agency.successor_from) {
            (Some(next), Some(from)) if from <= as_of => current = next,
            // A successor without a date has taken over for good.
            (Some(next), None) => current = next,
            _ => break,
        }
    }
    current
}

/// The expected agencies of the period (ids in ascending order) and, for each, the agencies
/// whose tasks it reports on (itself first). An agency that ended before `as_of` without a
/// successor (a district People's Committee after 1 July 2025) is not expected.
pub fn expected(
    agencies: &BTreeMap<i64, AgencyInfo>,
    assigned: impl IntoIterator<Item = i64>,
    as_of: NaiveDate,
) -> BTreeMap<i64, Vec<i64>> {
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let assigned: BTreeSet<i64> = assigned.into_iter().collect();
    for id in assigned {
        let target = resolve(agencies, id, as_of);
        let ended = agencies
            .get(&target)
            .and_then(|a| a.active_to)
            .is_some_and(|last_day| last_day < as_of);
        if ended {
            continue;
        }
        let entry = out.entry(target).or_default();
        if id != target {
            entry.push(id);
        }
    }
    out
}

/// Judges one upload time against a deadline (both UTC).
pub fn judge(uploaded_at: NaiveDateTime, deadline: Option<NaiveDateTime>) -> Timeliness {
    match deadline {
        Some(deadline) if uploaded_at > deadline => {
            let late = uploaded_at - deadline;
            let total_hours = (late.num_seconds() + 3599) / 3600;
            Timeliness::Late {
                days: total_hours / 24,
                hours: total_hours % 24,
            }
        }
        _ => Timeliness::OnTime,
    }
}

/// Timeliness of every expected agency for one period window, from the given versions
/// (any periods; only the window's month is looked at).
pub fn for_window(
    agencies: &BTreeMap<i64, AgencyInfo>,
    assigned: &BTreeSet<i64>,
    submissions: &[SubmissionInfo],
    window: &PeriodWindow,
) -> Vec<AgencyTimeliness> {
    let expected = expected(agencies, assigned.iter().copied(), window.cutoff_end);
    let month: Month = window.month;
    let latest = latest_processed(submissions);
    // Versions sent by any agency resolving to the expected one; the latest upload wins.
    let mut judged: BTreeMap<i64, &SubmissionInfo> = BTreeMap::new();
    for ((m, agency_id), s) in &latest {
        if *m != month {
            continue;
        }
        let target = resolve(agencies, *agency_id, window.cutoff_end);
        if !expected.contains_key(&target) {
            continue;
        }
        let slot = judged.entry(target).or_insert(s);
        if (s.uploaded_at, s.id) > (slot.uploaded_at, slot.id) {
            *slot = s;
        }
    }
    expected
        .into_iter()
        .map(|(agency_id, on_behalf_of)| match judged.get(&agency_id) {
            Some(s) => AgencyTimeliness {
                agency_id,
                submission_id: Some(s.id),
                version: Some(s.version),
                uploaded_at: Some(s.uploaded_at),
                findings: s.findings,
                timeliness: judge(s.uploaded_at, window.deadline),
                on_behalf_of,
            },
            None => AgencyTimeliness {
                agency_id,
                submission_id: None,
                version: None,
                uploaded_at: None,
                findings: 0,
                timeliness: Timeliness::Missing,
                on_behalf_of,
            },
        })
        .collect()
}

/// Timeliness of the report's own period.
pub fn for_period(data: &PeriodData) -> Vec<AgencyTimeliness> {
    for_window(
        &data.agencies,
        &assigned(data),
        &data.submissions,
        &data.period,
    )
}

/// Agencies with at least one task of the plan.
pub fn assigned(data: &PeriodData) -> BTreeSet<i64> {
    data.assignments.iter().map(|a| a.agency_id).collect()
}

pub fn compliance(list: &[AgencyTimeliness]) -> Compliance {
    let mut c = Compliance {
        expected: list.len(),
        ..Compliance::default()
    };
    for a in list {
        match a.timeliness {
            Timeliness::OnTime => c.on_time += 1,
            Timeliness::Late { .. } => c.late += 1,
            Timeliness::Missing => c.missing += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    fn agency(id: i64, successor: Option<(i64, NaiveDate)>) -> (i64, AgencyInfo) {
        (
            id,
            AgencyInfo {
                id,
                name: format!("Cơ quan {id}"),
                short_name: None,
                successor_id: successor.map(|s| s.0),
                successor_from: successor.map(|s| s.1),
                active_to: None,
            },
        )
    }

    fn submission(id: i64, agency_id: i64, version: i32, at: NaiveDateTime) -> SubmissionInfo {
        SubmissionInfo {
            id,
            agency_id,
            period: Month::parse("2025-03").unwrap(),
            version,
            uploaded_at: at,
            outcome: "processed".into(),
            findings: 0,
        }
    }

    fn window(month: &str) -> PeriodWindow {
        let month = Month::parse(month).unwrap();
        let (s, e) = month.cutoff_window();
        PeriodWindow {
            month,
            cutoff_start: s,
            cutoff_end: e,
            // 17/03/2025 23:59:59 local.
            deadline: Some(at(2025, 3, 17, 16, 59) + chrono::Duration::seconds(59)),
            stored: true,
        }
    }

    #[test]
    fn late_is_measured_in_days_and_hours() {
        let deadline = Some(at(2023, 11, 17, 16, 59));
        assert_eq!(
            judge(at(2023, 11, 17, 16, 59), deadline),
            Timeliness::OnTime
        );
        assert_eq!(judge(at(2023, 11, 10, 1, 0), deadline), Timeliness::OnTime);
        assert_eq!(
            judge(at(2023, 11, 19, 19, 59), deadline),
            Timeliness::Late { days: 2, hours: 3 }
        );
        assert_eq!(
            judge(at(2023, 11, 17, 17, 0), deadline),
            Timeliness::Late { days: 0, hours: 1 },
            "a minute late counts as an hour begun"
        );
        assert_eq!(
            Timeliness::Late { days: 2, hours: 3 }.describe(),
            "Trễ hạn 2 ngày 3 giờ"
        );
        assert_eq!(judge(at(2030, 1, 1, 0, 0), None), Timeliness::OnTime);
    }

    #[test]
    fn a_merged_agency_reports_through_its_successor() {
        // 1 = Sở KH&ĐT, merged into 2 = Sở Tài chính from 01/03/2025; 3 unrelated.
        let agencies: BTreeMap<_, _> = [
            agency(1, Some((2, date(2025, 3, 1)))),
            agency(2, None),
            agency(3, None),
        ]
        .into_iter()
        .collect();
        let assigned: BTreeSet<i64> = [1, 3].into_iter().collect();
        // February 2025 (cut-off ends 14/02): the merger is not in force yet.
        let feb = expected(&agencies, assigned.iter().copied(), date(2025, 2, 14));
        assert_eq!(feb.keys().copied().collect::<Vec<_>>(), vec![1, 3]);
        // March 2025 (cut-off ends 14/03): Sở Tài chính reports for Sở KH&ĐT.
        let mar = expected(&agencies, assigned.iter().copied(), date(2025, 3, 14));
        assert_eq!(mar.keys().copied().collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(mar[&2], vec![1]);

        // The predecessor's own upload counts for the successor.
        let subs = vec![
            submission(10, 1, 1, at(2025, 3, 16, 3, 0)),
            submission(11, 3, 1, at(2025, 3, 18, 20, 0)),
        ];
        let list = for_window(&agencies, &assigned, &subs, &window("2025-03"));
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].agency_id, 2);
        assert_eq!(list[0].timeliness, Timeliness::OnTime);
        assert_eq!(list[0].submission_id, Some(10));
        assert_eq!(list[1].timeliness, Timeliness::Late { days: 1, hours: 4 });
        let c = compliance(&list);
        assert_eq!((c.expected, c.on_time, c.late, c.missing), (2, 1, 1, 0));
    }

    #[test]
    fn the_latest_processed_version_is_judged_and_unread_ones_do_not_count() {
        let agencies: BTreeMap<_, _> = [agency(1, None), agency(2, None)].into_iter().collect();
        let assigned: BTreeSet<i64> = [1, 2].into_iter().collect();
        let mut rejected = submission(12, 2, 1, at(2025, 3, 10, 0, 0));
        rejected.outcome = "rejected".into();
        let subs = vec![
            submission(10, 1, 1, at(2025, 3, 10, 0, 0)),
            // A correction after the deadline makes the report late.
            submission(11, 1, 2, at(2025, 3, 20, 1, 0)),
            rejected,
        ];
        let list = for_window(&agencies, &assigned, &subs, &window("2025-03"));
        assert_eq!(list[0].version, Some(2));
        assert!(matches!(list[0].timeliness, Timeliness::Late { .. }));
        assert_eq!(list[1].timeliness, Timeliness::Missing);
        let c = compliance(&list);
        assert_eq!((c.on_time, c.late, c.missing), (0, 1, 1));
    }

    #[test]
    fn an_agency_abolished_without_successor_is_expected_until_it_ended() {
        // A district People's Committee, abolished on 1 July 2025.
        let mut district = agency(7, None);
        district.1.active_to = Some(date(2025, 6, 30));
        let agencies: BTreeMap<_, _> = [agency(1, None), district].into_iter().collect();
        let june = expected(&agencies, [1, 7], date(2025, 6, 14));
        assert_eq!(june.keys().copied().collect::<Vec<_>>(), vec![1, 7]);
        let july = expected(&agencies, [1, 7], date(2025, 7, 14));
        assert_eq!(july.keys().copied().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn successor_cycles_stop() {
        let agencies: BTreeMap<_, _> = [
            agency(1, Some((2, date(2020, 1, 1)))),
            agency(2, Some((1, date(2020, 1, 1)))),
        ]
        .into_iter()
        .collect();
        let r = resolve(&agencies, 1, date(2025, 1, 1));
        assert!(r == 1 || r == 2);
    }
}
