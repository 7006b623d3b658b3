//! Working days and submission deadlines.
//!
//! Working days are Monday to Friday, minus public holidays (Labour Code 2019, Art. 112,
//! including the lunar ones and the swaps the government announces each year), plus the
//! make-up Saturdays. Lunar dates cannot be computed simply, so the days come from a per-year
//! table (`fixtures/holidays/vn.json`, extendable by an administrator). A deadline that falls
//! on a non-working day ends at the end of the next working day (Civil Code 2015, Art. 148).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::Deserialize;

use super::{
    period::Month,
    report_rule::{ReportRule, RuleKind},
};

pub const BUNDLED_HOLIDAYS: &str = include_str!("../../fixtures/holidays/vn.json");

#[derive(Debug, Deserialize)]
struct HolidayFile {
    years: BTreeMap<String, YearEntry>,
}

#[derive(Debug, Deserialize)]
struct YearEntry {
    #[serde(default)]
    holidays: Vec<Day>,
    #[serde(default)]
    working_days: Vec<Day>,
}

#[derive(Debug, Deserialize)]
struct Day {
    date: NaiveDate,
    name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: HashMap<NaiveDate, String>,
    make_up_days: HashMap<NaiveDate, String>,
    years: Vec<i32>,
}

impl Calendar {
    /// The bundled table (2022–2027).
    pub fn bundled() -> Calendar {
        Calendar::from_json(BUNDLED_HOLIDAYS).expect("the bundled holiday table is valid")
    }

    /// Reads a table in the bundled format; later files may be merged with [`Calendar::extend`].
    pub fn from_json(json: &str) -> Result<Calendar, String> {
        let mut calendar = Calendar::default();
        calendar.extend(json)?;
        Ok(calendar)
    }

    /// Adds (or replaces) the years of another table.
    pub fn extend(&mut self, json: &str) -> Result<(), String> {
        let file: HolidayFile =
            serde_json::from_str(json).map_err(|e| format!("bảng ngày nghỉ không hợp lệ: {e}"))?;
        for (year, entry) in file.years {
            let year: i32 = year
                .parse()
                .map_err(|_| format!("năm \"{year}\" không hợp lệ"))?;
            self.holidays.retain(|d, _| d.year() != year);
            self.make_up_days.retain(|d, _| d.year() != year);
            for day in entry.holidays {
                self.holidays.insert(day.date, day.name);
            }
            for day in entry.working_days {
                self.make_up_days.insert(day.date, day.name);
            }
            if !self.years.contains(&year) {
                self.years.push(year);
                self.years.sort_unstable();
            }
        }
        Ok(())
    }

    /// Whether the table knows the year's holidays (outside it only weekends count).
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_days.contains_key(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains_key(&date)
    }

    /// The date itself if it is a working day, else the next working day.
    pub fn on_or_next_working_day(&self, mut date: NaiveDate) -> NaiveDate {
        while !self.is_working_day(date) {
            date = date.succ_opt().expect("dates stay in range");
        }
        date
    }

    /// `n` working days after `date` (not counting `date` itself).
    pub fn add_working_days(&self, mut date: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().expect("dates stay in range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// `n` working days before `date` (not counting `date` itself).
    pub fn sub_working_days(&self, mut date: NaiveDate, n: u32) -> NaiveDate {
        let mut left = n;
        while left > 0 {
            date = date.pred_opt().expect("dates stay in range");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The last moment (local time) a monthly report for `month` may arrive under `rule`.
    /// None for rules that are not monthly.
    pub fn monthly_deadline(&self, rule: &ReportRule, month: Month) -> Option<NaiveDateTime> {
        let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
        let day_in_month = |day: u32| {
            let last = month.last_day().day();
            NaiveDate::from_ymd_opt(month.year, month.month, day.clamp(1, last))
        };
        let last_day = match rule.rule {
            // "trước ngày 18": the 17th is the last day.
            RuleKind::BeforeDay => day_in_month(rule.day?.saturating_sub(1))?,
            RuleKind::ByDay => day_in_month(rule.day?)?,
            RuleKind::WorkingDaysAfterCutoff => {
                return Some(
                    self.add_working_days(month.cutoff_window().1, rule.working_days?)
                        .and_time(end_of_day),
                )
            }
            RuleKind::WeekdayTime => return None,
        };
        Some(self.on_or_next_working_day(last_day).and_time(end_of_day))
    }

    /// The deadline of the week starting on `monday` under a weekly rule ("trước 15h00 thứ
    /// Tư hằng tuần"): that weekday at that time; when the day is not a working day, the
    /// end of the next working day (Civil Code Art. 148). None for rules that are not
    /// weekly or lack a weekday.
    pub fn weekly_deadline(&self, rule: &ReportRule, monday: NaiveDate) -> Option<NaiveDateTime> {
        if rule.rule != RuleKind::WeekdayTime {
            return None;
        }
        let weekday = rule.weekday.filter(|d| (1..=7).contains(d))?;
        let day = monday.checked_add_days(chrono::Days::new(u64::from(weekday - 1)))?;
        let time = rule
            .time
            .as_deref()
            .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
            .unwrap_or_else(|| NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
        if self.is_working_day(day) {
            Some(day.and_time(time))
        } else {
            let end_of_day = NaiveTime::from_hms_opt(23, 59, 59).expect("valid time");
            Some(self.on_or_next_working_day(day).and_time(end_of_day))
        }
    }

    /// Every week's deadline of `year` under a weekly rule: (Monday of the ISO week,
    /// deadline), for the ISO weeks of the year (52 or 53).
    pub fn weekly_deadlines(
        &self,
        rule: &ReportRule,
        year: i32,
    ) -> Vec<(NaiveDate, NaiveDateTime)> {
        let Some(mut monday) = NaiveDate::from_isoywd_opt(year, 1, Weekday::Mon) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        while monday.iso_week().year() == year {
            if let Some(deadline) = self.weekly_deadline(rule, monday) {
                out.push((monday, deadline));
            }
            monday += chrono::Duration::days(7);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let c = Calendar::bundled();
        assert!(c.is_working_day(date(2023, 11, 17)));
        assert!(!c.is_working_day(date(2023, 11, 18)), "Saturday");
        assert!(!c.is_working_day(date(2023, 1, 24)), "Tết Quý Mão");
        assert!(c
            .holiday_name(date(2023, 9, 4))
            .unwrap()
            .contains("Quốc khánh"));
        assert!(
            c.is_working_day(date(2024, 5, 4)),
            "make-up Saturday 4/5/2024"
        );
        for year in 2022..=2027 {
            assert!(c.covers(year), "{year}");
        }
    }

    #[test]
    fn before_day_18_is_the_17th_moved_past_weekends() {
        let c = Calendar::bundled();
        let rule = ReportRule::monthly_before_day(18);
        let nov_2022 = c
            .monthly_deadline(&rule, Month::parse("2022-11").unwrap())
            .unwrap();
        assert_eq!(nov_2022.to_string(), "2022-11-17 23:59:59", "a Thursday");
        // 17/06/2023 is a Saturday: the end of Monday 19/06.
        let jun_2023 = c
            .monthly_deadline(&rule, Month::parse("2023-06").unwrap())
            .unwrap();
        assert_eq!(jun_2023.date(), date(2023, 6, 19));
    }

    #[test]
    fn a_deadline_on_tet_moves_after_the_holiday() {
        let c = Calendar::bundled();
        let mut rule = ReportRule::monthly_before_day(15);
        rule.rule = RuleKind::ByDay;
        // 15/02/2026 is a Sunday inside Tết Bính Ngọ (14–22/02): the deadline is Monday 23/02.
        let feb_2026 = c
            .monthly_deadline(&rule, Month::parse("2026-02").unwrap())
            .unwrap();
        assert_eq!(feb_2026.date(), date(2026, 2, 23));
    }

    #[test]
    fn working_days_after_the_cut_off() {
        let c = Calendar::bundled();
        let mut rule = ReportRule::monthly_before_day(1);
        rule.rule = RuleKind::WorkingDaysAfterCutoff;
        rule.day = None;
        rule.working_days = Some(2);
        // Cut-off 14/04/2023 (Friday): Monday 17 and Tuesday 18.
        let apr = c
            .monthly_deadline(&rule, Month::parse("2023-04").unwrap())
            .unwrap();
        assert_eq!(apr.date(), date(2023, 4, 18));
    }

    fn weekly(weekday: u32, time: &str) -> ReportRule {
        ReportRule {
            every: crate::domain::report_rule::Every::Week,
            rule: RuleKind::WeekdayTime,
            day: None,
            weekday: Some(weekday),
            time: Some(time.into()),
            working_days: None,
            scope: Default::default(),
            text: None,
        }
    }

    #[test]
    fn weekly_deadline_is_the_weekday_at_its_hour() {
        let cal = Calendar::bundled();
        // "trước 15h00 thứ Tư hằng tuần", week of Monday 2023-11-13.
        let deadline = cal
            .weekly_deadline(&weekly(3, "15:00"), date(2023, 11, 13))
            .unwrap();
        assert_eq!(deadline.to_string(), "2023-11-15 15:00:00");
        let all = cal.weekly_deadlines(&weekly(3, "15:00"), 2023);
        assert_eq!(all.len(), 52);
        assert_eq!(all[0].0, date(2023, 1, 2), "the first Monday of 2023");
        assert!(all
            .iter()
            .all(|(monday, _)| monday.weekday() == Weekday::Mon));
        assert_eq!(
            cal.weekly_deadline(&ReportRule::monthly_before_day(18), date(2023, 11, 13)),
            None
        );
    }

    #[test]
    fn a_make_up_saturday_keeps_the_deadline() {
        let cal = Calendar::bundled();
        let by_day = |day| ReportRule {
            rule: RuleKind::ByDay,
            ..ReportRule::monthly_before_day(day)
        };
        // Saturday 26/4/2025 is a make-up working day: "chậm nhất ngày 26" stays on it,
        let april = Month {
            year: 2025,
            month: 4,
        };
        assert_eq!(
            cal.monthly_deadline(&by_day(26), april).unwrap().date(),
            date(2025, 4, 26)
        );
        // while in 2023, Saturday 26/8 is an ordinary weekend day and moves to Monday 28/8.
        let august = Month {
            year: 2023,
            month: 8,
        };
        assert_eq!(
            cal.monthly_deadline(&by_day(26), august).unwrap().date(),
            date(2023, 8, 28)
        );
    }

    #[test]
    fn a_weekly_deadline_on_tet_ends_after_the_holiday() {
        let cal = Calendar::bundled();
        // Wednesday 2024-02-14 is inside Tết Giáp Thìn (08–14/02/2024): the deadline ends with
        // the next working day, Thursday 15/02.
        let deadline = cal
            .weekly_deadline(&weekly(3, "15:00"), date(2024, 2, 12))
            .unwrap();
        assert_eq!(deadline.to_string(), "2024-02-15 23:59:59");
    }

    #[test]
    fn tables_can_be_extended() {
        let mut c = Calendar::bundled();
        c.extend(r#"{"years": {"2028": {"holidays": [{"date": "2028-01-03", "name": "Thử"}]}}}"#)
            .unwrap();
        assert!(c.covers(2028));
        assert!(!c.is_working_day(date(2028, 1, 3)));
        assert!(Calendar::from_json("{}").is_err());
    }
}
