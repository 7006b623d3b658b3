//! `tonghop consolidate` (the consolidated workbook for the Chairman), `tonghop calendar`
//! (a plan's reporting periods of a year).

use std::path::Path;

use chrono::{Datelike, NaiveDate, Utc};

use crate::{
    consolidate::{
        data,
        layout::Layout,
        task_state::TaskState,
        timeliness::Timeliness,
        workbook::{self, local_text, WriteOptions},
        Consolidated, Options,
    },
    db::{audit, periods, plans, Db},
    domain::{
        calendar::Calendar,
        period::{to_local, Month},
        report_rule::{Every, ReportRule, RuleKind},
    },
    error::{AppError, AppResult},
};

use super::write_output;

/// Writes the consolidated workbook of `plan` for `period` (a month "2022-11", a quarter
/// "2022-Q4" or a year "2022") to `output` and
/// prints a short summary. `layout` overrides `report_templates/consolidated/layout.toml`.
pub fn run(
    db: &Db,
    plan: &str,
    period: &str,
    output: &Path,
    layout: Option<&Path>,
) -> AppResult<()> {
    run_with(db, plan, period, output, layout, &RunOptions::default())
}

/// What `run` leaves at its default.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Days before a due end from which an unfinished task is "Sắp đến hạn" (default 30).
    pub horizon_days: i64,
    /// The document number ("Số: 05/BC-CAT"); blank for the clerk to fill in when None.
    pub number: Option<u32>,
    /// The date under the national motto; today (Vietnam) when None.
    pub report_date: Option<NaiveDate>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            horizon_days: Options::default().horizon_days,
            number: None,
            report_date: None,
        }
    }
}

/// [`run`] with the options a secretariat may set.
pub fn run_with(
    db: &Db,
    plan: &str,
    period: &str,
    output: &Path,
    layout: Option<&Path>,
    options: &RunOptions,
) -> AppResult<()> {
    if options.horizon_days < 0 {
        return Err(AppError::BadRequest(
            "Số ngày báo trước khi đến hạn không được âm.".into(),
        ));
    }
    let layout = Layout::load(layout)?;
    let mut conn = db.get()?;
    let data = data::load_by_keys(&mut conn, plan, period)?;
    let plan_id = data.plan.id;
    let c = Consolidated::build(
        data,
        Options {
            horizon_days: options.horizon_days,
        },
    );
    let today = to_local(Utc::now().naive_utc()).date();
    let bytes = workbook::write(
        &c,
        &layout,
        &WriteOptions {
            report_date: options.report_date.unwrap_or(today),
            number: options.number,
        },
    )?;
    write_output(output, &bytes)?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "consolidate.export",
        "plan",
        Some(plan_id.to_string()),
        Some(c.data.span.to_string()),
    )?;
    println!("{}", summary(&c, output));
    Ok(())
}

/// The Vietnamese summary `run` prints.
pub fn summary(c: &Consolidated, output: &Path) -> String {
    let data = &c.data;
    let k = c.compliance;
    let mut out = format!(
        "Đã ghi báo cáo tổng hợp {} của Kế hoạch {} ({} {}) vào {}.\n",
        data.span.label(),
        data.plan.number.as_deref().unwrap_or("(chưa có số)"),
        crate::consolidate::layout::province_kind(&data.plan.province),
        data.plan.province,
        output.display()
    );
    let deadline = data
        .period
        .deadline
        .map(local_text)
        .unwrap_or_else(|| "không quy định".into());
    if data.span.is_month() {
        out.push_str(&format!(
            "Gửi báo cáo (hạn {deadline}): {} đơn vị phải báo cáo, {} đúng hạn, {} trễ hạn, {} chưa báo cáo.\n",
            k.expected, k.on_time, k.late, k.missing
        ));
    } else {
        out.push_str(&format!(
            "Gửi báo cáo các tháng {}: {} lượt phải báo cáo, {} đúng hạn, {} trễ hạn, {} chưa báo cáo.\n",
            data.year_periods
                .iter()
                .map(|w| format!("{:02}/{}", w.month.month, w.month.year))
                .collect::<Vec<_>>()
                .join(", "),
            k.expected, k.on_time, k.late, k.missing
        ));
        out.push_str(&format!(
            "Tình hình báo cáo từng đơn vị: {}.\n",
            data.period.month.label()
        ));
    }
    let missing: Vec<String> = c
        .timeliness
        .iter()
        .filter(|a| a.timeliness == Timeliness::Missing)
        .map(|a| data.agency_name(a.agency_id))
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!("Chưa báo cáo: {}.\n", missing.join("; ")));
    }
    let counts: Vec<String> = TaskState::ALL
        .iter()
        .filter_map(|state| {
            let n = c.tasks.iter().filter(|t| t.state == *state).count();
            (n > 0).then(|| format!("{} {n}", state.label().to_lowercase()))
        })
        .collect();
    out.push_str(&format!(
        "Nhiệm vụ: {} ({}).",
        c.tasks.len(),
        counts.join(", ")
    ));
    if !c.difficulties.is_empty() {
        out.push_str(&format!(
            "\nKhó khăn, kiến nghị: {} nội dung.",
            c.difficulties.len()
        ));
    }
    out
}

pub use crate::web::vn::{day_text, weekday_vi};

/// One month of `calendar`'s listing.
#[derive(Debug, Clone)]
pub struct CalendarLine {
    pub month: Month,
    pub cutoff: (NaiveDate, NaiveDate),
    /// Local time.
    pub deadline: Option<chrono::NaiveDateTime>,
    /// The deadline comes from a stored reporting period.
    pub stored: bool,
    /// Non-working days that moved (or lengthened) the deadline, with their reason.
    pub moved_by: Vec<(NaiveDate, String)>,
}

/// The year's months under a monthly rule, with their windows and deadlines (stored periods
/// win over computed ones), and the days off that moved each deadline.
pub fn calendar_lines(
    calendar: &Calendar,
    rule: &ReportRule,
    stored: &[periods::ReportingPeriod],
    year: i32,
) -> Vec<CalendarLine> {
    (1..=12)
        .map(|m| {
            let month = Month { year, month: m };
            let saved = stored
                .iter()
                .find(|p| Month::parse(&p.period) == Some(month));
            let (cutoff, deadline, is_stored) = match saved {
                Some(p) => (
                    (p.cutoff_start, p.cutoff_end),
                    Some(to_local(p.deadline)),
                    true,
                ),
                None => (
                    month.cutoff_window(),
                    calendar.monthly_deadline(rule, month),
                    false,
                ),
            };
            let nominal = match rule.rule {
                RuleKind::BeforeDay => rule.day.and_then(|d| day_in(month, d.saturating_sub(1))),
                RuleKind::ByDay => rule.day.and_then(|d| day_in(month, d)),
                RuleKind::WorkingDaysAfterCutoff => cutoff.1.succ_opt(),
                RuleKind::WeekdayTime => None,
            };
            let mut moved_by = Vec::new();
            if let (Some(start), Some(end)) = (nominal, deadline.map(|d| d.date())) {
                let mut day = start;
                while day < end || (rule.rule == RuleKind::WorkingDaysAfterCutoff && day <= end) {
                    if !calendar.is_working_day(day) {
                        let why = calendar
                            .holiday_name(day)
                            .map(str::to_string)
                            .unwrap_or_else(|| "nghỉ cuối tuần".into());
                        moved_by.push((day, why));
                    }
                    day = match day.succ_opt() {
                        Some(d) => d,
                        None => break,
                    };
                }
            }
            CalendarLine {
                month,
                cutoff,
                deadline,
                stored: is_stored,
                moved_by,
            }
        })
        .collect()
}

fn day_in(month: Month, day: u32) -> Option<NaiveDate> {
    let last = month.last_day().day();
    NaiveDate::from_ymd_opt(month.year, month.month, day.clamp(1, last))
}

/// Prints the plan's reporting periods of `year`: cut-off window, deadline with its weekday,
/// and the holidays that moved a deadline.
pub fn calendar(db: &Db, plan: &str, year: i32) -> AppResult<()> {
    if !(2000..=2100).contains(&year) {
        return Err(AppError::BadRequest(format!("Năm {year} không hợp lệ.")));
    }
    let mut conn = db.get()?;
    let plan = plans::find(&mut conn, plan)?;
    let monthly: Option<ReportRule> = plan
        .report_rule
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .filter(|r: &ReportRule| r.every == Every::Month && r.rule != RuleKind::WeekdayTime);
    let weekly: Option<ReportRule> = serde_json::from_str::<Vec<ReportRule>>(&plan.report_rules)
        .unwrap_or_default()
        .into_iter()
        .find(|r| r.rule == RuleKind::WeekdayTime && r.weekday.is_some());
    let calendar = Calendar::bundled();
    let Some(rule) = monthly else {
        return match weekly {
            Some(weekly) => {
                print_weeks(&calendar, &plan, &weekly, year);
                Ok(())
            }
            None => Err(AppError::BadRequest(format!(
                "Kế hoạch {} không có quy định báo cáo hằng tháng hay hằng tuần; không lập được lịch kỳ báo cáo.",
                plan.number.as_deref().unwrap_or(&plan.id.to_string())
            ))),
        };
    };
    let stored = periods::list(&mut conn, plan.id)?;
    println!(
        "Lịch báo cáo năm {year} của Kế hoạch {} ({}){}:",
        plan.number.as_deref().unwrap_or("(chưa có số)"),
        plan.province,
        rule.text
            .as_deref()
            .map(|t| format!(" - {}", t.trim().trim_end_matches('.')))
            .unwrap_or_default()
    );
    if !calendar.covers(year) {
        println!("Lưu ý: bảng ngày nghỉ chưa có năm {year}; chỉ tính nghỉ cuối tuần.");
    }
    for line in calendar_lines(&calendar, &rule, &stored, year) {
        let deadline = line
            .deadline
            .map(|d| format!("{} {}", day_text(d.date()), d.format("%H:%M")))
            .unwrap_or_else(|| "không xác định".into());
        println!(
            "{}: số liệu từ {} đến {}; hạn gửi {}{}",
            line.month.label(),
            line.cutoff.0.format("%d/%m/%Y"),
            line.cutoff.1.format("%d/%m/%Y"),
            deadline,
            if line.stored {
                " (đã lập kỳ)"
            } else {
                ""
            }
        );
        let holidays: Vec<String> = line
            .moved_by
            .iter()
            .filter(|(_, why)| why != "nghỉ cuối tuần")
            .map(|(d, why)| format!("{} ({why})", d.format("%d/%m")))
            .collect();
        if !holidays.is_empty() {
            println!("    dời hạn do ngày nghỉ lễ: {}", holidays.join(", "));
        } else if !line.moved_by.is_empty() && rule.rule != RuleKind::WorkingDaysAfterCutoff {
            println!("    dời hạn do trùng ngày nghỉ cuối tuần");
        }
    }
    if let Some(weekly) = weekly {
        println!();
        print_weeks(&calendar, &plan, &weekly, year);
    }
    Ok(())
}

/// The weekly deadlines of `year` ("trước 15h00 thứ Tư hằng tuần"), one line a week, with
/// the holiday that moved a deadline.
fn print_weeks(calendar: &Calendar, plan: &plans::Plan, rule: &ReportRule, year: i32) {
    println!(
        "Báo cáo hằng tuần năm {year} của Kế hoạch {}{}:",
        plan.number.as_deref().unwrap_or("(chưa có số)"),
        rule.text
            .as_deref()
            .map(|t| format!(" - {}", t.trim().trim_end_matches('.')))
            .unwrap_or_default()
    );
    for (monday, deadline) in calendar.weekly_deadlines(rule, year) {
        let sunday = monday + chrono::Duration::days(6);
        let nominal = monday + chrono::Duration::days(i64::from(rule.weekday.unwrap_or(1)) - 1);
        let moved = if deadline.date() != nominal {
            let why = calendar
                .holiday_name(nominal)
                .unwrap_or("nghỉ cuối tuần")
                .to_string();
            format!(" (dời hạn do {why})")
        } else {
            String::new()
        };
        println!(
            "Tuần {:02} ({}–{}): hạn gửi {} {}{moved}",
            monday.iso_week().week(),
            monday.format("%d/%m"),
            sunday.format("%d/%m"),
            day_text(deadline.date()),
            deadline.format("%H:%M"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_read_in_vietnamese() {
        let d = NaiveDate::from_ymd_opt(2022, 11, 17).unwrap();
        assert_eq!(day_text(d), "Thứ Năm, 17/11/2022");
    }

    #[test]
    fn holidays_that_move_a_deadline_are_listed() {
        let calendar = Calendar::bundled();
        let mut rule = ReportRule::monthly_before_day(15);
        rule.rule = RuleKind::ByDay;
        let lines = calendar_lines(&calendar, &rule, &[], 2026);
        let feb = &lines[1];
        assert_eq!(
            feb.deadline.unwrap().date(),
            NaiveDate::from_ymd_opt(2026, 2, 23).unwrap()
        );
        assert!(
            feb.moved_by.iter().any(|(_, why)| why.contains("Tết")),
            "{:?}",
            feb.moved_by
        );
        // 15/07/2026 is a Wednesday: nothing moved.
        assert!(lines[6].moved_by.is_empty());
    }
}
