//! The consolidated report, on both backends: the demo data of Trà Vinh (plan 13/KH-UBND,
//! periods 2022-09..2022-11) with upload times set around the November deadline, read back
//! with calamine and checked against the database rows that produced it.

mod common;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    io::Cursor,
};

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tonghop::{
    consolidate::{
        data,
        layout::Layout,
        task_state::{decide, Reported, StateInput, DEFAULT_HORIZON_DAYS},
        workbook::{self, WriteOptions},
        Consolidated, Options,
    },
    db::{
        schema::{reminders, report_rows, reporting_periods, submissions, task_assignments, tasks},
        DbConnection,
    },
    domain::{due::DueKind, period::Month},
};

use common::TestDb;

const PERIOD: &str = "2022-11";

fn options() -> WriteOptions {
    WriteOptions {
        report_date: NaiveDate::from_ymd_opt(2022, 11, 21).unwrap(),
        number: Some(5),
    }
}

/// Loads the demo, spreads November's upload times around the deadline, makes one lead
/// result "=1+1" and records two sent reminders. Returns (plan id, code of the task whose
/// lead result is "=1+1", agency id reminded).
fn prepare(conn: &mut DbConnection) -> (i64, String, i64) {
    let plan_id = tonghop::demo::load(conn).unwrap().plan_id;
    let deadline: NaiveDateTime = reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .filter(reporting_periods::period.eq(PERIOD))
        .select(reporting_periods::deadline)
        .first(conn)
        .unwrap();
    let ids: Vec<i64> = submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .order(submissions::id)
        .select(submissions::id)
        .load(conn)
        .unwrap();
    for (i, id) in ids.iter().enumerate() {
        // Every third late by 1 day 3 hours, the others two days early; September and
        // October all on time.
        let at = if i % 3 == 0 {
            deadline + Duration::hours(27)
        } else {
            deadline - Duration::days(2)
        };
        diesel::update(submissions::table.find(*id))
            .set(submissions::uploaded_at.eq(at))
            .execute(conn)
            .unwrap();
    }
    // One result typed as a formula, in a lead's row.
    let rows: Vec<(i64, i64, Option<i64>)> = report_rows::table
        .inner_join(submissions::table)
        .filter(submissions::period.eq(PERIOD))
        .order(report_rows::id)
        .select((
            report_rows::id,
            submissions::agency_id,
            report_rows::task_id,
        ))
        .load(conn)
        .unwrap();
    let leads: Vec<(i64, i64, String)> = task_assignments::table
        .inner_join(tasks::table)
        .filter(task_assignments::role.eq("lead"))
        .select((
            task_assignments::task_id,
            task_assignments::agency_id,
            tasks::code,
        ))
        .load(conn)
        .unwrap();
    let (row_id, code) = rows
        .iter()
        .find_map(|(row, agency, task)| {
            leads
                .iter()
                .find(|(t, a, _)| Some(*t) == *task && a == agency)
                .map(|(_, _, code)| (*row, code.clone()))
        })
        .expect("a lead row in November");
    diesel::update(report_rows::table.find(row_id))
        .set(report_rows::result.eq("=1+1"))
        .execute(conn)
        .unwrap();
    let reminded = rows[0].1;
    for (i, state) in ["sent", "sent", "failed"].iter().enumerate() {
        diesel::insert_into(reminders::table)
            .values((
                reminders::plan_id.eq(plan_id),
                reminders::agency_id.eq(reminded),
                reminders::period.eq(PERIOD),
                reminders::step.eq(format!("buoc-{i}")),
                reminders::idempotency_key.eq(format!("test-{i}")),
                reminders::state.eq(*state),
                reminders::attempts.eq(1),
                reminders::due_at.eq(deadline),
                reminders::next_attempt_at.eq(deadline),
                reminders::created_at.eq(deadline),
            ))
            .execute(conn)
            .unwrap();
    }
    (plan_id, code, reminded)
}

fn build(conn: &mut DbConnection, plan_id: i64, layout: &Layout) -> (Consolidated, Vec<u8>) {
    let data = data::load(conn, plan_id, Month::parse(PERIOD).unwrap()).unwrap();
    let c = Consolidated::build(data, Options::default());
    let bytes = workbook::write(&c, layout, &options()).unwrap();
    (c, bytes)
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("the workbook reads back")
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn number(range: &Range<Data>, row: u32, col: u32) -> f64 {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        Some(Data::Int(i)) => *i as f64,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

/// Row of the first cell in `col` equal to `value`.
fn find_row(range: &Range<Data>, col: u32, value: &str) -> u32 {
    let (h, _) = range.get_size();
    (0..h as u32)
        .find(|r| text(range, *r, col) == value)
        .unwrap_or_else(|| panic!("no \"{value}\" in column {col}"))
}

/// What the database says about November, computed here without the library: the
/// expected agencies (assigned a task; no merger applies in 2022) and, for each, the
/// latest processed version's upload time against the stored deadline.
fn independent_counts(conn: &mut DbConnection, plan_id: i64) -> (usize, usize, usize, usize) {
    let expected: BTreeSet<i64> = task_assignments::table
        .inner_join(tasks::table)
        .filter(tasks::plan_id.eq(plan_id))
        .select(task_assignments::agency_id)
        .load::<i64>(conn)
        .unwrap()
        .into_iter()
        .collect();
    let deadline: NaiveDateTime = reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .filter(reporting_periods::period.eq(PERIOD))
        .select(reporting_periods::deadline)
        .first(conn)
        .unwrap();
    let versions: Vec<(i64, i32, NaiveDateTime)> = submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .filter(submissions::period.eq(PERIOD))
        .filter(submissions::outcome.eq("processed"))
        .select((
            submissions::agency_id,
            submissions::version,
            submissions::uploaded_at,
        ))
        .load(conn)
        .unwrap();
    let mut latest: BTreeMap<i64, (i32, NaiveDateTime)> = BTreeMap::new();
    for (agency, version, at) in versions {
        let slot = latest.entry(agency).or_insert((version, at));
        if version > slot.0 {
            *slot = (version, at);
        }
    }
    let (mut on_time, mut late, mut missing) = (0, 0, 0);
    for agency in &expected {
        match latest.get(agency) {
            Some((_, at)) if *at <= deadline => on_time += 1,
            Some(_) => late += 1,
            None => missing += 1,
        }
    }
    (expected.len(), on_time, late, missing)
}

/// (period, agency, task, status, progress, version) of a processed row.
type LeadRow = (String, i64, Option<i64>, Option<String>, Option<i32>, i32);

/// Each task's state, from the lead's rows in the database and the pure rules.
fn independent_states(conn: &mut DbConnection, plan_id: i64) -> HashMap<String, &'static str> {
    let task_list: Vec<(i64, String, String, Option<NaiveDate>)> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .select((tasks::id, tasks::code, tasks::due_kind, tasks::due_end))
        .load(conn)
        .unwrap();
    let leads: Vec<(i64, i64)> = task_assignments::table
        .filter(task_assignments::role.eq("lead"))
        .select((task_assignments::task_id, task_assignments::agency_id))
        .load(conn)
        .unwrap();
    // (period, agency, task, status, version) of processed rows; latest version wins.
    let rows: Vec<LeadRow> = report_rows::table
        .inner_join(submissions::table)
        .filter(submissions::plan_id.eq(plan_id))
        .filter(submissions::outcome.eq("processed"))
        .filter(submissions::period.le(PERIOD))
        .select((
            submissions::period,
            submissions::agency_id,
            report_rows::task_id,
            report_rows::status,
            report_rows::progress_percent,
            submissions::version,
        ))
        .load(conn)
        .unwrap();
    let mut latest_version: HashMap<(String, i64), i32> = HashMap::new();
    for (p, a, _, _, _, v) in &rows {
        let slot = latest_version.entry((p.clone(), *a)).or_insert(*v);
        *slot = (*slot).max(*v);
    }
    let period = Month::parse(PERIOD).unwrap();
    task_list
        .into_iter()
        .map(|(id, code, kind, due_end)| {
            let lead_agencies: Vec<i64> = leads
                .iter()
                .filter(|(t, _)| *t == id)
                .map(|(_, a)| *a)
                .collect();
            let lead_rows: Vec<_> = rows
                .iter()
                .filter(|(p, a, t, _, _, v)| {
                    *t == Some(id)
                        && lead_agencies.contains(a)
                        && latest_version.get(&(p.clone(), *a)) == Some(v)
                })
                .collect();
            let now = lead_rows
                .iter()
                .filter(|r| r.0 == PERIOD)
                .map(|r| Reported::read(r.3.as_deref(), r.4))
                .min();
            let first_done = lead_rows
                .iter()
                .filter(|r| Reported::read(r.3.as_deref(), r.4) == Reported::Done)
                .filter_map(|r| Month::parse(&r.0))
                .min();
            let state = decide(&StateInput {
                due_kind: DueKind::parse_code(&kind).unwrap(),
                due_end,
                lead: now,
                done_window_start: first_done.map(|m| m.cutoff_window().0),
                as_of: period.cutoff_window().1,
                horizon_days: DEFAULT_HORIZON_DAYS,
            });
            (code, state.label())
        })
        .collect()
}

fn figures_match_the_submissions(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan_id, formula_code, reminded) = prepare(&mut conn);
    let layout = Layout::bundled();
    let (c, bytes) = build(&mut conn, plan_id, &layout);
    let mut book = open(&bytes);
    assert_eq!(
        book.sheet_names(),
        vec![
            "Tổng hợp",
            "Chi tiết nhiệm vụ",
            "Tình hình báo cáo",
            "Khó khăn, kiến nghị",
            "Chỉ tiêu",
            "Theo dõi các kỳ"
        ]
    );

    // Header block (Nghị định 30/2020).
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(text(&summary, 0, 0), "UBND TỈNH TRÀ VINH");
    assert_eq!(text(&summary, 1, 0), "CÔNG AN TỈNH");
    assert_eq!(text(&summary, 2, 0), "Số: 05/BC-CAT");
    assert_eq!(text(&summary, 0, 3), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    assert_eq!(text(&summary, 1, 3), "Độc lập - Tự do - Hạnh phúc");
    assert_eq!(text(&summary, 2, 3), "Trà Vinh, ngày 21 tháng 11 năm 2022");
    assert_eq!(text(&summary, 4, 0), "BÁO CÁO");
    assert_eq!(
        text(&summary, 5, 0),
        "KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 13/KH-UBND THÁNG 11/2022"
    );

    // Compliance, against what the rows say.
    let (expected, on_time, late, missing) = independent_counts(&mut conn, plan_id);
    assert!(
        on_time > 0 && late > 0 && missing > 0,
        "the fixture mixes all three"
    );
    let header = find_row(&summary, 0, "Số đơn vị phải báo cáo");
    assert_eq!(text(&summary, header, 1), "Đúng hạn");
    let got: Vec<f64> = (0..4)
        .map(|col| number(&summary, header + 1, col))
        .collect();
    assert_eq!(
        got,
        vec![expected as f64, on_time as f64, late as f64, missing as f64]
    );
    // Group × state totals add up to the task count.
    let total_row = find_row(&summary, 0, "Tổng cộng");
    assert_eq!(number(&summary, total_row, 9), c.data.tasks.len() as f64);

    // Task states, cell by cell.
    let states = independent_states(&mut conn, plan_id);
    let detail = book.worksheet_range("Chi tiết nhiệm vụ").unwrap();
    assert_eq!(text(&detail, 2, 7), "Tình trạng");
    let mut seen = 0;
    for row in 3..3 + c.data.tasks.len() as u32 {
        let code = text(&detail, row, 1);
        assert_eq!(text(&detail, row, 7), states[&code], "task {code}");
        seen += 1;
        if code == formula_code {
            assert_eq!(
                detail.get_value((row, 9)),
                Some(&Data::String("=1+1".into())),
                "an uploaded result stays text"
            );
        }
    }
    assert_eq!(seen, states.len());
    let distinct: BTreeSet<&str> = states.values().copied().collect();
    assert!(distinct.len() >= 3, "{distinct:?}");
    let formulas = book.worksheet_formula("Chi tiết nhiệm vụ").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell became a formula"
    );
    // The demo's recurring task led by Công an tỉnh.
    let r21 = find_row(&detail, 1, "2.1");
    assert!(
        ["Thường xuyên", "Chưa có báo cáo"].contains(&text(&detail, r21, 7).as_str()),
        "{}",
        text(&detail, r21, 7)
    );

    // Reporting status: one row per expected agency, reminders counted (sent only).
    let reports = book.worksheet_range("Tình hình báo cáo").unwrap();
    let names: Vec<String> = (3..3 + expected as u32)
        .map(|r| text(&reports, r, 1))
        .collect();
    assert!(names.iter().all(|n| !n.is_empty()));
    assert_eq!(text(&reports, 3 + expected as u32, 1), "");
    let reminded_name = c.data.agency_name(reminded);
    let r = find_row(&reports, 1, &reminded_name);
    assert_eq!(number(&reports, r, 6), 2.0);
    let late_rows = (3..3 + expected as u32)
        .filter(|r| text(&reports, *r, 4).starts_with("Trễ hạn 1 ngày 3 giờ"))
        .count();
    assert_eq!(late_rows, late);
    // Submission times read as local dates and times.
    let submitted = (3..3 + expected as u32)
        .find_map(|r| match reports.get_value((r, 2)) {
            Some(Data::DateTime(t)) => Some(t.as_datetime().unwrap()),
            _ => None,
        })
        .expect("a submission time");
    assert!(submitted.format("%Y-%m").to_string() == "2022-11");

    // Difficulties, KPIs and the tracking matrix are filled.
    let diff = book.worksheet_range("Khó khăn, kiến nghị").unwrap();
    assert_eq!(text(&diff, 3, 0), "1");
    assert!(!c.difficulties.is_empty());
    let kpi = book.worksheet_range("Chỉ tiêu").unwrap();
    assert_eq!(text(&kpi, 2, 4), "Chỉ tiêu");
    assert!(!text(&kpi, 3, 7).is_empty());
    let tracking = book.worksheet_range("Theo dõi các kỳ").unwrap();
    assert_eq!(text(&tracking, 2, 2), "Tháng 09/2022");
    assert_eq!(text(&tracking, 2, 4), "Tháng 11/2022");
    let november: Vec<String> = (3..3 + expected as u32)
        .map(|r| text(&tracking, r, 4))
        .collect();
    assert_eq!(
        november.iter().filter(|t| *t == "Chưa báo cáo").count(),
        missing
    );

    // Same data, same bytes.
    let (_, again) = build(&mut conn, plan_id, &layout);
    assert!(again == bytes, "two builds differ");
}

fn a_layout_override_renames_and_reorders(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan_id, _, _) = prepare(&mut conn);
    let path = db.dir.path().join("bo-cuc.toml");
    std::fs::write(
        &path,
        r#"
[document]
issuing_body = "VĂN PHÒNG UBND {PROVINCE_KIND}"

[sheets.tasks]
name = "Nhiệm vụ"
columns = [
    { key = "state", header = "Trạng thái", width = 20 },
    { key = "code", header = "Mã", width = 8 },
    { key = "title", header = "Nhiệm vụ", width = 50 },
]
"#,
    )
    .unwrap();
    let layout = Layout::load(Some(&path)).unwrap();
    let (c, bytes) = build(&mut conn, plan_id, &layout);
    let mut book = open(&bytes);
    assert_eq!(book.sheet_names()[1], "Nhiệm vụ");
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert_eq!(text(&summary, 1, 0), "VĂN PHÒNG UBND TỈNH");
    let sheet = book.worksheet_range("Nhiệm vụ").unwrap();
    assert_eq!(
        (0..4).map(|col| text(&sheet, 2, col)).collect::<Vec<_>>(),
        vec!["Trạng thái", "Mã", "Nhiệm vụ", ""]
    );
    let first = &c.data.tasks[0];
    assert_eq!(text(&sheet, 3, 1), first.code);
    assert_eq!(text(&sheet, 3, 0), c.tasks[0].state.label());

    let bad = db.dir.path().join("sai.toml");
    std::fs::write(
        &bad,
        "[sheets.tasks]\ncolumns = [{ key = \"khong-co\", header = \"x\" }]",
    )
    .unwrap();
    let err = Layout::load(Some(&bad)).unwrap_err().to_string();
    assert!(err.contains("khong-co"), "{err}");
}

fn the_commands_write_and_print(db: TestDb) {
    let pool = db.open();
    {
        let mut conn = pool.get().unwrap();
        prepare(&mut conn);
    }
    let out = db.dir.path().join("tong-hop.xlsx");
    tonghop::commands::consolidate::run(&pool, "13/KH-UBND", PERIOD, &out, None).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(open(&bytes).sheet_names().len(), 6);
    tonghop::commands::consolidate::calendar(&pool, "13/KH-UBND", 2022).unwrap();
    let err = tonghop::commands::consolidate::run(&pool, "13/KH-UBND", "2022-13", &out, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("2022-13"), "{err}");
}

/// The benchmark's generator and measurement work end to end (small size: the figures
/// themselves come from `tonghop bench consolidate`, never from a timed test).
#[test]
fn benchmark_generator_runs() {
    let figures = tonghop::consolidate::bench::measure(12, 10).unwrap();
    assert_eq!(figures.agencies * figures.rows, 120);
    assert_eq!(figures.status_agencies, 12);
    let detail = tonghop::consolidate::bench::measure_detail(500).unwrap();
    assert_eq!(detail.rows, 500);
    assert!(detail.bytes > 0 && detail.floor > std::time::Duration::ZERO);
}

/// A quarter and a year: read as of their last month, each agency with its latest report
/// within the span, compliance summed over the span's months, the tracking matrix limited
/// to them.
fn quarters_and_years_sum_their_months(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan_id, _, _) = prepare(&mut conn);
    // One agency that reported in October sends nothing in November.
    let october_only: i64 = submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .filter(submissions::period.eq("2022-10"))
        .filter(submissions::outcome.eq("processed"))
        .order(submissions::id)
        .select(submissions::agency_id)
        .first(&mut conn)
        .unwrap();
    diesel::delete(
        report_rows::table.filter(
            report_rows::submission_id.eq_any(
                submissions::table
                    .filter(submissions::agency_id.eq(october_only))
                    .filter(submissions::period.eq(PERIOD))
                    .select(submissions::id),
            ),
        ),
    )
    .execute(&mut conn)
    .unwrap();
    diesel::delete(
        submissions::table
            .filter(submissions::agency_id.eq(october_only))
            .filter(submissions::period.eq(PERIOD)),
    )
    .execute(&mut conn)
    .unwrap();

    let monthly = |conn: &mut DbConnection, period: &str| {
        Consolidated::build(
            data::load(conn, plan_id, Month::parse(period).unwrap()).unwrap(),
            Options::default(),
        )
    };
    let october = monthly(&mut conn, "2022-10");
    let november = monthly(&mut conn, PERIOD);
    let quarter = Consolidated::build(
        data::load_by_keys(&mut conn, &plan_id.to_string(), "2022-Q4").unwrap(),
        Options::default(),
    );
    assert_eq!(quarter.data.period.month, Month::parse(PERIOD).unwrap());
    assert_eq!(
        quarter
            .data
            .year_periods
            .iter()
            .map(|w| w.month.to_string())
            .collect::<Vec<_>>(),
        ["2022-10", "2022-11"],
        "the quarter's months that have reporting periods"
    );
    let sum = |a: usize, b: usize| a + b;
    assert_eq!(
        quarter.compliance.expected,
        sum(october.compliance.expected, november.compliance.expected)
    );
    assert_eq!(
        quarter.compliance.on_time,
        sum(october.compliance.on_time, november.compliance.on_time)
    );
    assert_eq!(
        quarter.compliance.missing,
        sum(october.compliance.missing, november.compliance.missing)
    );
    assert!(november
        .timeliness
        .iter()
        .any(|a| a.agency_id == october_only && a.submission_id.is_none()));
    // The agency silent in November still counts with its October rows in the quarter.
    let october_rows = october
        .data
        .rows
        .iter()
        .filter(|r| {
            october
                .data
                .submissions
                .iter()
                .any(|s| s.id == r.submission_id && s.agency_id == october_only)
        })
        .count();
    assert!(october_rows > 0);
    let quarter_rows_of = |c: &Consolidated| {
        c.data
            .rows
            .iter()
            .filter(|r| {
                c.data
                    .submissions
                    .iter()
                    .any(|s| s.id == r.submission_id && s.agency_id == october_only)
            })
            .count()
    };
    assert_eq!(quarter_rows_of(&quarter), october_rows);
    assert_eq!(quarter_rows_of(&november), 0);
    // In all: November's rows, plus October's of every agency silent in November.
    let reported_in_november: BTreeSet<i64> = november
        .timeliness
        .iter()
        .filter(|a| a.submission_id.is_some())
        .map(|a| a.agency_id)
        .collect();
    let carried = october
        .timeliness
        .iter()
        .filter(|a| !reported_in_november.contains(&a.agency_id))
        .filter_map(|a| a.submission_id)
        .map(|id| {
            october
                .data
                .rows
                .iter()
                .filter(|r| r.submission_id == id)
                .count()
        })
        .sum::<usize>();
    assert_eq!(quarter.data.rows.len(), november.data.rows.len() + carried);

    let bytes = workbook::write(&quarter, &Layout::bundled(), &options()).unwrap();
    let mut book = open(&bytes);
    let summary = book.worksheet_range("Tổng hợp").unwrap();
    assert!(
        text(&summary, 5, 0).ends_with("QUÝ IV/2022"),
        "{}",
        text(&summary, 5, 0)
    );
    assert!(text(&summary, 6, 0).contains("10/2022, 11/2022"));
    let reports = book.worksheet_range("Tình hình báo cáo").unwrap();
    assert!(text(&reports, 0, 0).ends_with("tháng 11/2022"));
    let tracking = book.worksheet_range("Theo dõi các kỳ").unwrap();
    assert_eq!(tracking.get_size().1, 4, "STT, agency and two months");

    let year = data::load_by_keys(&mut conn, &plan_id.to_string(), "2022").unwrap();
    assert_eq!(year.year_periods.len(), 3, "September to November");
    let year = Consolidated::build(year, Options::default());
    let september = monthly(&mut conn, "2022-09");
    assert_eq!(
        year.compliance.expected,
        quarter.compliance.expected + september.compliance.expected
    );
    let err = data::load_by_keys(&mut conn, &plan_id.to_string(), "2022-Q5")
        .unwrap_err()
        .to_string();
    assert!(err.contains("2022-Q4"), "{err}");
}

on_both_backends! {
    quarters_and_years_on => quarters_and_years_sum_their_months;
    figures_match_the_submissions_on => figures_match_the_submissions;
    a_layout_override_on => a_layout_override_renames_and_reorders;
    the_commands_on => the_commands_write_and_print;
}
