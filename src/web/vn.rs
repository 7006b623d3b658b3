//! How Vietnamese readers write dates, times and numbers: 05/01/2023, 17/11/2022 23:59,
//! 1.234,5 — and the deadline sentence of the clerk's home page. Pure functions.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

use crate::domain::period::to_local;

/// "05/01/2023".
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "Thứ Năm".
pub fn weekday_vi(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    }
}

/// "Thứ Năm, 17/11/2022".
pub fn day_text(date: NaiveDate) -> String {
    format!(
        "{}, {}",
        weekday_vi(date.weekday()),
        date.format("%d/%m/%Y")
    )
}

/// A stored UTC time as local time (UTC+7): "17/11/2022 23:59".
pub fn datetime(utc: NaiveDateTime) -> String {
    to_local(utc).format("%d/%m/%Y %H:%M").to_string()
}

pub use crate::domain::numbers::number;

/// The clerk's deadline line. `deadline_utc` is the end of the last day (as stored); the
/// plan's wording is "trước ngày D" with D the day after the last day.
/// "Hạn gửi: trước ngày 18/11/2022, còn 3 ngày" (today 15/11 counts as one of them),
/// "…, hôm nay là ngày cuối", "…, đã quá hạn 2 ngày".
pub fn deadline_sentence(deadline_utc: NaiveDateTime, now_utc: NaiveDateTime) -> String {
    let last_day = to_local(deadline_utc).date();
    let today = to_local(now_utc).date();
    let before = date(last_day + Duration::days(1));
    let left = (last_day - today).num_days() + 1;
    let tail = if now_utc > deadline_utc {
        format!("đã quá hạn {} ngày", (today - last_day).num_days().max(1))
    } else if left <= 1 {
        "hôm nay là ngày cuối".to_string()
    } else {
        format!("còn {left} ngày")
    };
    format!("Hạn gửi: trước ngày {before}, {tail}")
}

/// A byte count as people read it: "20 MB", "512 KB".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", number(bytes as f64 / (1024.0 * 1024.0), 1))
    } else if bytes >= 1024 {
        format!("{} KB", number(bytes as f64 / 1024.0, 0))
    } else {
        format!("{bytes} byte")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2023, 1, 5).unwrap()),
            "05/01/2023"
        );
        // 16:59:59 UTC is 23:59:59 in Vietnam.
        assert_eq!(datetime(at("2022-11-17 16:59:59")), "17/11/2022 23:59");
    }

    #[test]
    fn deadline_sentence_counts_today() {
        // Last day 17/11 (23:59:59 local = 16:59:59 UTC); on 15/11 there are 15, 16, 17 left.
        let deadline = at("2022-11-17 16:59:59");
        assert_eq!(
            deadline_sentence(deadline, at("2022-11-15 02:00:00")),
            "Hạn gửi: trước ngày 18/11/2022, còn 3 ngày"
        );
        assert_eq!(
            deadline_sentence(deadline, at("2022-11-17 10:00:00")),
            "Hạn gửi: trước ngày 18/11/2022, hôm nay là ngày cuối"
        );
        assert_eq!(
            deadline_sentence(deadline, at("2022-11-19 10:00:00")),
            "Hạn gửi: trước ngày 18/11/2022, đã quá hạn 2 ngày"
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(size(20 * 1024 * 1024), "20 MB");
        assert_eq!(size(1536 * 1024), "1,5 MB");
        assert_eq!(size(2048), "2 KB");
    }
}
