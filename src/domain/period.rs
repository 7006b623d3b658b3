//! Reporting periods ("2023-11") and their data cut-off windows, and the local time zone.
//!
//! Nghị định 09/2019/NĐ-CP, Art. 12: a monthly report covers the 15th of the previous month to
//! the 14th of the reporting month. Times are stored in UTC and shown in Asia/Ho_Chi_Minh,
//! which is UTC+7 all year (no daylight saving), so a fixed offset is exact.

use std::fmt;

use chrono::{Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

/// Asia/Ho_Chi_Minh.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// Converts a stored UTC time to local time in Vietnam.
pub fn to_local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + chrono::Duration::hours(7)
}

/// Converts a local time in Vietnam to UTC for storage.
pub fn to_utc(local: NaiveDateTime) -> NaiveDateTime {
    vietnam()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset has exactly one mapping")
        .naive_utc()
}

/// A monthly reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    /// Parses "2023-11" (also "11/2023" and "2023-1").
    pub fn parse(text: &str) -> Option<Month> {
        let text = text.trim();
        let (year, month) = if let Some((y, m)) = text.split_once('-') {
            (y.parse().ok()?, m.parse().ok()?)
        } else {
            let (m, y) = text.split_once('/')?;
            (y.parse().ok()?, m.parse().ok()?)
        };
        ((1..=12).contains(&month) && (2000..=2100).contains(&year))
            .then_some(Month { year, month })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next()
            .first_day()
            .pred_opt()
            .expect("not the first day ever")
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The data cut-off window: 15th of the previous month to the 14th of this one.
    pub fn cutoff_window(self) -> (NaiveDate, NaiveDate) {
        let prev = self.previous();
        (
            NaiveDate::from_ymd_opt(prev.year, prev.month, 15).expect("15th exists"),
            NaiveDate::from_ymd_opt(self.year, self.month, 14).expect("14th exists"),
        )
    }

    /// "tháng 11/2023", as users read it.
    pub fn label(self) -> String {
        format!("tháng {:02}/{}", self.month, self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!(
            Month::parse("2023-11"),
            Some(Month {
                year: 2023,
                month: 11
            })
        );
        assert_eq!(Month::parse("1/2024").unwrap().to_string(), "2024-01");
        assert_eq!(Month::parse("2023-13"), None);
        assert_eq!(Month::parse("tháng 11"), None);
    }

    #[test]
    fn cutoff_window_crosses_the_year() {
        let (start, end) = Month::parse("2023-01").unwrap().cutoff_window();
        assert_eq!(start, NaiveDate::from_ymd_opt(2022, 12, 15).unwrap());
        assert_eq!(end, NaiveDate::from_ymd_opt(2023, 1, 14).unwrap());
    }

    #[test]
    fn local_time_is_utc_plus_seven() {
        let local = NaiveDate::from_ymd_opt(2023, 11, 17)
            .unwrap()
            .and_hms_opt(23, 59, 59)
            .unwrap();
        let utc = to_utc(local);
        assert_eq!(utc.to_string(), "2023-11-17 16:59:59");
        assert_eq!(to_local(utc), local);
        assert_eq!(
            Month::parse("2024-02").unwrap().last_day().to_string(),
            "2024-02-29"
        );
    }
}
