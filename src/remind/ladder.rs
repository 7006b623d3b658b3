//! The reminder ladder: which steps a plan's reminders take, and when each falls due.
//!
//! A ladder is written as working-day offsets from the deadline day, `!` marking the
//! escalation step: `-3,-1,0,+1,+3!` (the default) reminds 3 and 1 working days before the
//! deadline, on the deadline day, 1 working day after, and escalates 3 working days after
//! with the secretariat and the agency's head in copy. Offsets count working days from the
//! calendar (weekends, public holidays and make-up Saturdays), so a deadline moved past Tết
//! moves its ladder with it, and no step falls on a day the office is closed. Each step falls
//! due at the configured local hour of its day.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use crate::domain::calendar::Calendar;

/// What a step says, which chooses its e-mail text (`report_templates/email/<kind>/`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Before the deadline day.
    Before,
    /// On the deadline day.
    Deadline,
    /// After the deadline.
    After,
    /// After the deadline, copied to the secretariat and the agency's head.
    Escalation,
}

impl StepKind {
    /// Folder of the step's texts under `report_templates/email/`.
    pub fn folder(self) -> &'static str {
        match self {
            StepKind::Before => "before",
            StepKind::Deadline => "deadline",
            StepKind::After => "after",
            StepKind::Escalation => "escalation",
        }
    }
}

/// One rung: `offset` working days from the deadline day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub offset: i32,
    pub escalate: bool,
}

impl Step {
    /// The step's stable name, part of the outbox key: "T-3", "T0", "T+3".
    pub fn name(self) -> String {
        match self.offset {
            0 => "T0".to_string(),
            n if n > 0 => format!("T+{n}"),
            n => format!("T{n}"),
        }
    }

    pub fn kind(self) -> StepKind {
        match (self.escalate, self.offset) {
            (true, _) => StepKind::Escalation,
            (false, n) if n < 0 => StepKind::Before,
            (false, 0) => StepKind::Deadline,
            (false, _) => StepKind::After,
        }
    }

    /// "3 ngày làm việc trước hạn", for previews.
    pub fn describe(self) -> String {
        let base = match self.offset {
            0 => "ngày hết hạn".to_string(),
            n if n < 0 => format!("{} ngày làm việc trước hạn", -n),
            n => format!("{n} ngày làm việc sau hạn"),
        };
        if self.escalate {
            format!("{base} (báo cáo cấp trên)")
        } else {
            base
        }
    }

    /// The local day the step falls on, for a deadline on `deadline_day`.
    pub fn day(self, calendar: &Calendar, deadline_day: NaiveDate) -> NaiveDate {
        match self.offset {
            0 => deadline_day,
            n if n < 0 => calendar.sub_working_days(deadline_day, n.unsigned_abs()),
            n => calendar.add_working_days(deadline_day, n.unsigned_abs()),
        }
    }
}

/// The steps of a plan, in order of their offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub steps: Vec<Step>,
}

impl Ladder {
    /// Parses "-3,-1,0,+1,+3!"; the error says in Vietnamese what to write instead.
    pub fn parse(text: &str) -> Result<Ladder, String> {
        let mut steps = Vec::new();
        for part in text.split([',', ';']).map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let (number, escalate) = match part.strip_suffix('!') {
                Some(n) => (n.trim(), true),
                None => (part, false),
            };
            let offset: i32 = number.trim_start_matches('+').parse().map_err(|_| {
                format!(
                    "bước \"{part}\" không hợp lệ; ghi số ngày làm việc so với hạn, ví dụ -3,-1,0,+1,+3!"
                )
            })?;
            if !(-30..=30).contains(&offset) {
                return Err(format!(
                    "bước \"{part}\" quá xa hạn gửi; chỉ dùng từ -30 đến +30 ngày làm việc"
                ));
            }
            if escalate && offset <= 0 {
                return Err(format!(
                    "bước \"{part}\": chỉ nhắc cấp trên (dấu !) sau hạn gửi, tức là số dương"
                ));
            }
            if steps.iter().any(|s: &Step| s.offset == offset) {
                return Err(format!("bước {offset} được ghi hai lần"));
            }
            steps.push(Step { offset, escalate });
        }
        if steps.is_empty() {
            return Err("thang nhắc trống; ví dụ đúng: -3,-1,0,+1,+3!".to_string());
        }
        steps.sort_by_key(|s| s.offset);
        Ok(Ladder { steps })
    }

    /// The canonical text ("-3,-1,0,+1,+3!"), as stored and shown.
    pub fn text(&self) -> String {
        self.steps
            .iter()
            .map(|s| {
                let n = if s.offset > 0 {
                    format!("+{}", s.offset)
                } else {
                    s.offset.to_string()
                };
                if s.escalate {
                    format!("{n}!")
                } else {
                    n
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Each step with the local time it falls due, for a deadline (local time).
    pub fn schedule(
        &self,
        calendar: &Calendar,
        deadline_local: NaiveDateTime,
        hour: u32,
    ) -> Vec<(Step, NaiveDateTime)> {
        let at = NaiveTime::from_hms_opt(hour.min(23), 0, 0).expect("valid hour");
        self.steps
            .iter()
            .map(|&s| (s, s.day(calendar, deadline_local.date()).and_time(at)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_the_default_and_writes_it_back() {
        let ladder = Ladder::parse("-3, -1, 0, +1, +3!").unwrap();
        assert_eq!(ladder.steps.len(), 5);
        assert_eq!(ladder.text(), "-3,-1,0,+1,+3!");
        let names: Vec<String> = ladder.steps.iter().map(|s| s.name()).collect();
        assert_eq!(names, ["T-3", "T-1", "T0", "T+1", "T+3"]);
        assert_eq!(ladder.steps[4].kind(), StepKind::Escalation);
        assert_eq!(ladder.steps[2].kind(), StepKind::Deadline);
        assert_eq!(ladder.steps[0].kind(), StepKind::Before);
        // Written out of order: sorted.
        assert_eq!(Ladder::parse("2,-2").unwrap().text(), "-2,+2");
    }

    #[test]
    fn refuses_what_cannot_be_a_ladder_in_vietnamese() {
        for bad in ["", "a", "-1,-1", "-2!", "+45"] {
            let err = Ladder::parse(bad).unwrap_err();
            assert!(!err.is_empty() && !err.is_ascii(), "{bad}: {err}");
        }
    }

    #[test]
    fn steps_count_working_days_around_an_ordinary_deadline() {
        // Trà Vinh, "trước ngày 18": November 2022's deadline is Thursday 17/11/2022.
        let c = Calendar::bundled();
        let ladder = Ladder::parse("-3,-1,0,+1,+3!").unwrap();
        let deadline = day(2022, 11, 17).and_hms_opt(23, 59, 59).unwrap();
        let days: Vec<NaiveDate> = ladder
            .schedule(&c, deadline, 8)
            .into_iter()
            .map(|(_, at)| at.date())
            .collect();
        assert_eq!(
            days,
            [
                day(2022, 11, 14), // Monday
                day(2022, 11, 16),
                day(2022, 11, 17),
                day(2022, 11, 18), // Friday
                day(2022, 11, 22), // Tuesday: the weekend does not count
            ]
        );
        let (_, at) = ladder.schedule(&c, deadline, 8)[0];
        assert_eq!(at.time(), NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    }

    #[test]
    fn a_deadline_over_tet_moves_its_steps_past_the_holiday() {
        // January 2023's "trước ngày 18" deadline is Tuesday 17/01; Tết Quý Mão closes
        // offices 20–26/01/2023, so a step one working day after the deadline is Wednesday
        // 18/01, and three working days after is Friday 27/01, not inside Tết.
        let c = Calendar::bundled();
        let ladder = Ladder::parse("-1,+1,+3!").unwrap();
        let deadline = day(2023, 1, 17).and_hms_opt(23, 59, 59).unwrap();
        let days: Vec<NaiveDate> = ladder
            .schedule(&c, deadline, 8)
            .into_iter()
            .map(|(_, at)| at.date())
            .collect();
        assert_eq!(days, [day(2023, 1, 16), day(2023, 1, 18), day(2023, 1, 27)]);
        for d in &days {
            assert!(c.is_working_day(*d), "{d}");
        }
    }
}
