//! `tonghop consolidate` (the consolidated workbook for the Chairman), `tonghop calendar`
//! (a plan's reporting periods of a year) and `tonghop consolidate-bench` (timing on a
//! generated province).

use std::{path::Path, time::Instant};

use chrono::{Datelike, NaiveDate, Utc, Weekday};
use diesel::prelude::*;

use crate::{
    consolidate::{
        data,
        layout::Layout,
        task_state::TaskState,
        timeliness::Timeliness,
        workbook::{self, local_text, WriteOptions},
        Consolidated, Options,
    },
    db::{audit, migrations, periods, plans, submissions, Db},
    domain::{
        calendar::Calendar,
        period::{to_local, to_utc, Month},
        report_rule::{Every, ReportRule, RuleKind},
    },
    error::{AppError, AppResult},
};

use super::write_output;

/// Writes the consolidated workbook of `plan` for `period` ("2022-11") to `output` and
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
        Some(c.data.period.month.to_string()),
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
        data.period.month.label(),
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
    out.push_str(&format!(
        "Gửi báo cáo (hạn {deadline}): {} đơn vị phải báo cáo, {} đúng hạn, {} trễ hạn, {} chưa báo cáo.\n",
        k.expected, k.on_time, k.late, k.missing
    ));
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
    let rule: ReportRule = plan
        .report_rule
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .filter(|r: &ReportRule| r.every == Every::Month && r.rule != RuleKind::WeekdayTime)
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "Kế hoạch {} không có quy định báo cáo hằng tháng; không lập được lịch kỳ báo cáo.",
                plan.number.as_deref().unwrap_or(&plan.id.to_string())
            ))
        })?;
    let stored = periods::list(&mut conn, plan.id)?;
    let calendar = Calendar::bundled();
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
    Ok(())
}

/// Figures of one benchmark run.
#[derive(Debug, Clone, Copy)]
pub struct BenchFigures {
    pub agencies: usize,
    pub rows: usize,
    pub generate: std::time::Duration,
    pub load: std::time::Duration,
    pub build: std::time::Duration,
    pub write: std::time::Duration,
    pub bytes: usize,
}

/// Generates a province with `agencies` agencies each reporting `rows` rows (each agency
/// leads one task and coordinates another) in a temporary SQLite database, then times
/// loading, consolidating and writing the workbook, and prints the figures.
pub fn bench(agencies: usize, rows: usize) -> AppResult<()> {
    let figures = measure(agencies, rows)?;
    println!(
        "Thử tải: {} cơ quan × {} dòng ({} dòng báo cáo).",
        figures.agencies,
        figures.rows,
        figures.agencies * figures.rows
    );
    println!("Tạo dữ liệu: {:.2} giây", figures.generate.as_secs_f64());
    println!("Đọc dữ liệu (load): {:.3} giây", figures.load.as_secs_f64());
    println!("Tổng hợp: {:.3} giây", figures.build.as_secs_f64());
    println!(
        "Ghi tệp Excel: {:.3} giây ({} KB)",
        figures.write.as_secs_f64(),
        figures.bytes / 1024
    );
    println!(
        "Tổng (đọc + tổng hợp + ghi): {:.3} giây",
        (figures.load + figures.build + figures.write).as_secs_f64()
    );
    Ok(())
}

/// What [`bench`] prints, for callers that want the figures.
pub fn measure(agencies: usize, rows: usize) -> AppResult<BenchFigures> {
    if agencies == 0 || rows == 0 {
        return Err(AppError::BadRequest(
            "Số cơ quan và số dòng phải lớn hơn 0.".into(),
        ));
    }
    let dir = std::env::temp_dir().join(format!(
        "tonghop-bench-{}-{}",
        std::process::id(),
        Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    std::fs::create_dir_all(&dir)?;
    let result = bench_in(&dir, agencies, rows);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn bench_in(dir: &Path, agency_count: usize, row_count: usize) -> AppResult<BenchFigures> {
    use crate::{
        db::{
            agencies::{self, NewAgency},
            schema::{task_assignments, tasks},
            submissions::{NewReportRow, NewSubmission},
        },
        domain::{
            due::Due,
            plan::{PlanDraft, PlanHeader, TaskDraft},
        },
    };
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let db = Db::connect(&url, 2)?;
    let mut pooled = db.get()?;
    let conn: &mut crate::db::DbConnection = &mut pooled;
    migrations::run_pending(conn)?;
    let started = Instant::now();
    let province = "Tỉnh Thử";
    let month = Month {
        year: 2023,
        month: 11,
    };
    let task_count = row_count.max(1);
    let agency_ids: Vec<i64> = conn.transaction(|conn| {
        (0..agency_count)
            .map(|i| {
                agencies::insert(
                    conn,
                    &NewAgency {
                        province: province.into(),
                        name: format!("Cơ quan thử {i:03}"),
                        kind: "department".into(),
                        confirmed: true,
                        ..NewAgency::default()
                    },
                )
            })
            .collect::<AppResult<Vec<i64>>>()
    })?;
    // A plan whose tasks are assigned after storing (storing resolves names one by one).
    let draft = PlanDraft {
        plan: PlanHeader {
            province: Some(province.into()),
            number: Some("01/KH-UBND".into()),
            report_due: Some(ReportRule::monthly_before_day(18)),
            title: "Kế hoạch thử tải".into(),
            ..PlanHeader::default()
        },
        tasks: (0..task_count)
            .map(|i| TaskDraft {
                code: format!("{}.{}", i / 10 + 1, i % 10 + 1),
                title: format!("Nhiệm vụ thử số {i}"),
                group: format!("Nhóm {}", i / 10 + 1),
                lead: Vec::new(),
                coordinating: Vec::new(),
                due: Due::parse(if i % 3 == 0 {
                    "Thường xuyên"
                } else {
                    "Quý IV/2023"
                }),
                kpi: Vec::new(),
            })
            .collect(),
        findings: Vec::new(),
    };
    let plan_id = plans::store_draft(conn, &draft, None, true)?.plan_id;
    let task_ids: Vec<i64> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .order(tasks::position)
        .select(tasks::id)
        .load(conn)?;
    let calendar = Calendar::bundled();
    let deadline = calendar
        .monthly_deadline(&ReportRule::monthly_before_day(18), month)
        .expect("monthly rule");
    periods::upsert(
        conn,
        plan_id,
        &month.to_string(),
        month.cutoff_window(),
        to_utc(deadline),
    )?;
    conn.transaction(|conn| -> AppResult<()> {
        let assignments: Vec<_> = agency_ids
            .iter()
            .enumerate()
            .flat_map(|(a, agency)| {
                let lead_task = task_ids[a % task_ids.len()];
                let coordinating = task_ids[(a + 1) % task_ids.len()];
                [
                    (lead_task, *agency, "lead"),
                    (coordinating, *agency, "coordinating"),
                ]
            })
            .collect();
        for chunk in assignments.chunks(300) {
            let values: Vec<_> = chunk
                .iter()
                .map(|(t, a, r)| {
                    (
                        task_assignments::task_id.eq(*t),
                        task_assignments::agency_id.eq(*a),
                        task_assignments::role.eq(*r),
                    )
                })
                .collect();
            crate::with_backend!(&mut *conn, |c| {
                diesel::insert_into(task_assignments::table)
                    .values(&values)
                    .execute(c)?
            });
        }
        for (a, agency) in agency_ids.iter().enumerate() {
            let bytes = format!("bench {a}").into_bytes();
            let stored = submissions::store_original(
                conn,
                &NewSubmission {
                    plan_id,
                    agency_id: *agency,
                    period: &month.to_string(),
                    uploaded_by: None,
                    file_name: "bench.xlsx",
                    content_type: "application/octet-stream",
                    bytes: &bytes,
                },
            )?;
            let rows: Vec<NewReportRow> = (0..row_count)
                .map(|r| NewReportRow {
                    submission_id: stored.id,
                    task_id: Some(task_ids[r % task_ids.len()]),
                    sheet: "Báo cáo".into(),
                    source_row: 6 + r as i32,
                    status: Some(if r % 5 == 0 { "done" } else { "in_progress" }.into()),
                    progress_percent: Some((r % 101) as i32),
                    result: format!("Kết quả thực hiện dòng {r} của cơ quan {a}"),
                    difficulties: if r % 7 == 0 {
                        "Thiếu kinh phí".into()
                    } else {
                        String::new()
                    },
                    proposals: String::new(),
                    match_method: Some("code".into()),
                    match_score: Some(1000),
                })
                .collect();
            submissions::insert_rows(conn, &rows)?;
            submissions::set_outcome(conn, stored.id, "processed", None, "[]")?;
        }
        Ok(())
    })?;
    let generate = started.elapsed();

    let t = Instant::now();
    let data = data::load(conn, plan_id, month)?;
    let load = t.elapsed();
    let t = Instant::now();
    let c = Consolidated::build(data, Options::default());
    let build = t.elapsed();
    let t = Instant::now();
    let bytes = workbook::write(
        &c,
        &Layout::bundled(),
        &WriteOptions {
            report_date: NaiveDate::from_ymd_opt(2023, 11, 20).expect("valid date"),
            number: None,
        },
    )?;
    let write = t.elapsed();
    drop(pooled);
    drop(db);
    Ok(BenchFigures {
        agencies: agency_count,
        rows: row_count,
        generate,
        load,
        build,
        write,
        bytes: bytes.len(),
    })
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
