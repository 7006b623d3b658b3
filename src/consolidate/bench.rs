//! `tonghop bench consolidate`: the consolidation goals of a province's month, measured on
//! generated data so anyone can rerun them.
//!
//! - **The month**: `agencies` agencies each reporting `rows` rows (each leads one task and
//!   coordinates another) in a temporary SQLite database; times loading, consolidating and
//!   writing the full workbook, with the peak resident memory of those steps.
//! - **The dashboard**: the period's status for every expected agency
//!   ([`status::period_status`]).
//! - **A large detail sheet**: `detail_rows` tasks, each with a lead's report, through the
//!   same sheet writer as the workbook, against two anchors measured in the same run: the
//!   compression floor (deflating the very XML parts the writer produced, with the same
//!   deflate, as any .xlsx writer must), the same sheet written plainly (every cell with its
//!   own format, the same bytes: what streaming rows through column formats saves) and
//!   rust_xlsxwriter's own normal mode writing the same cells. The write and its floor are measured in turn [`DETAIL_RUNS`] times; the
//!   medians are printed, and the median of the pairwise ratios against the goal.
//!
//! Peak memory is read from `/proc/self/status` (VmHWM) after returning freed heap pages to
//! the system (`malloc_trim`) and resetting the peak through `/proc/self/clear_refs`, so each
//! step reports its own peak, not the generator's; the rise over the resident size at the
//! start is the step's own memory (for the detail sheet, the writer's: its input rows are
//! already in memory and are printed apart). The constant-memory writer streams the sheet's
//! XML through a temporary file on disk, which is not resident memory.

use std::{
    io::{Cursor, Read, Write},
    path::Path,
    time::{Duration, Instant},
};

use chrono::{NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{
    data::{self, AgencyInfo, Assignment, PeriodData, PlanInfo, RowInfo, SubmissionInfo, TaskInfo},
    layout::Layout,
    status,
    workbook::{self, WriteOptions},
    Consolidated, Options,
};
use crate::{
    db::{migrations, periods, plans, submissions, Db},
    domain::{
        calendar::Calendar,
        due::DueKind,
        period::{to_utc, Month},
        report_rule::ReportRule,
    },
    error::{AppError, AppResult},
    memory::Step,
};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
    pub agencies: usize,
    pub rows: usize,
    pub detail_rows: usize,
}

/// Figures of the month.
#[derive(Debug, Clone, Copy)]
pub struct BenchFigures {
    pub agencies: usize,
    pub rows: usize,
    pub generate: Duration,
    pub load: Duration,
    pub build: Duration,
    pub write: Duration,
    pub bytes: usize,
    /// Peak resident memory while loading, consolidating and writing.
    pub memory: Option<Peak>,
    /// Median time of the dashboard's period status.
    pub status: Duration,
    pub status_agencies: usize,
}

/// Figures of the large detail sheet.
#[derive(Debug, Clone, Copy)]
pub struct DetailFigures {
    pub rows: usize,
    /// Our writer (constant-memory table sheet): the median of [`DETAIL_RUNS`] runs.
    pub write: Duration,
    /// The largest rise of the runs.
    pub memory: Option<Peak>,
    pub bytes: usize,
    /// Deflating the XML parts of that file, in memory: the median of the runs.
    pub floor: Duration,
    /// The median of each run's write time over the floor measured right after it.
    pub ratio: f64,
    /// The same sheet written plainly (every cell with its own format; the same bytes): the
    /// median of the runs, and the median of its ratios to the floor.
    pub plain: Duration,
    pub plain_ratio: f64,
    /// rust_xlsxwriter's normal mode writing the same cells without formats.
    pub normal: Duration,
    pub normal_memory: Option<Peak>,
}

/// Runs every measurement and prints the figures with the goals.
pub fn run(options: &BenchOptions) -> AppResult<()> {
    if options.agencies == 0 || options.rows == 0 || options.detail_rows == 0 {
        return Err(AppError::BadRequest(
            "Số cơ quan, số dòng và số dòng của bảng chi tiết phải lớn hơn 0.".into(),
        ));
    }
    eprintln!(
        "Đang sinh dữ liệu thử: {} cơ quan × {} dòng…",
        options.agencies, options.rows
    );
    let m = measure(options.agencies, options.rows)?;
    println!(
        "Một tháng của tỉnh: {} cơ quan × {} dòng ({} dòng báo cáo), sinh dữ liệu {:.2} giây.",
        m.agencies,
        m.rows,
        m.agencies * m.rows,
        m.generate.as_secs_f64()
    );
    let total = m.load + m.build + m.write;
    println!(
        "  đọc {:.3} + tổng hợp {:.3} + ghi {:.3} = {:.3} giây (mục tiêu ≤ 1,0 giây), tệp {} KB",
        m.load.as_secs_f64(),
        m.build.as_secs_f64(),
        m.write.as_secs_f64(),
        total.as_secs_f64(),
        m.bytes / 1024
    );
    println!("  bộ nhớ đỉnh: {} (mục tiêu ≤ 64 MB)", describe(m.memory));
    println!(
        "Trạng thái kỳ báo cáo cho trang theo dõi: {} cơ quan, {:.1} ms (trung vị 5 lần; mục tiêu ≤ 50 ms)",
        m.status_agencies,
        m.status.as_secs_f64() * 1000.0
    );
    eprintln!("Đang đo bảng chi tiết {} dòng…", options.detail_rows);
    let d = measure_detail(options.detail_rows)?;
    println!(
        "Bảng chi tiết nhiệm vụ {} dòng × {} cột: ghi {:.3} giây, tệp {} KB",
        d.rows,
        Layout::bundled().sheets.tasks.columns.len(),
        d.write.as_secs_f64(),
        d.bytes / 1024,
    );
    println!("  bộ nhớ của bộ ghi: {}", writer(d.memory));
    println!(
        "  mức sàn nén (deflate chính các phần XML đó, cùng bộ nén zlib-rs mức 6 của tệp): {:.3} giây → tỉ lệ {:.2}× (mục tiêu ≤ 1,8×)",
        d.floor.as_secs_f64(),
        d.ratio
    );
    println!(
        "  cùng bảng ghi thẳng bằng rust_xlsxwriter (mỗi ô kèm định dạng của nó, cùng tệp đến từng byte): {:.3} giây → tỉ lệ {:.2}×",
        d.plain.as_secs_f64(),
        d.plain_ratio
    );
    println!(
        "  (ghi, ghi thẳng và mức sàn: trung vị của {DETAIL_RUNS} lần đo xen kẽ; tỉ lệ: trung vị của tỉ lệ từng cặp)"
    );
    println!(
        "  rust_xlsxwriter chế độ thường, cùng các ô: {:.3} giây, bộ nhớ đỉnh {}",
        d.normal.as_secs_f64(),
        describe(d.normal_memory)
    );
    println!("  (mốc openpyxl 25,5 giây trên máy 2 nhân → cần ≤ 1,96 giây)");
    Ok(())
}

/// The report date the benchmark prints.
fn report_options() -> WriteOptions {
    WriteOptions {
        report_date: NaiveDate::from_ymd_opt(2023, 11, 20).expect("valid date"),
        number: None,
    }
}

pub use crate::memory::StepPeak as Peak;

fn describe(peak: Option<Peak>) -> String {
    match peak {
        Some(p) => format!(
            "{:.1} MB (tăng {:.1} MB so với lúc bắt đầu)",
            p.peak_mb, p.rise_mb
        ),
        None => "không đo được (cần /proc của Linux)".into(),
    }
}

/// The writer's own memory first (the goal), then the process peak with the input.
fn writer(peak: Option<Peak>) -> String {
    match peak {
        Some(p) => format!(
            "tăng {:.1} MB (mục tiêu ≤ 32 MB); đỉnh của tiến trình {:.1} MB, trong đó {:.1} MB là dữ liệu đầu vào đã nạp sẵn",
            p.rise_mb, p.peak_mb, p.start_mb
        ),
        None => "không đo được (cần /proc của Linux)".into(),
    }
}

/// Runs of the detail sheet and its floor, in turn, so that a drift of the machine's speed
/// hits both and the median ratio stays honest.
pub const DETAIL_RUNS: usize = 3;

/// Writes a `rows`-task detail sheet and measures it against its anchors.
pub fn measure_detail(rows: usize) -> AppResult<DetailFigures> {
    let c = Consolidated::build(detail_data(rows), Options::default());
    let layout = Layout::bundled();
    let mut writes = Vec::new();
    let mut floors = Vec::new();
    let mut ratios = Vec::new();
    let mut plains = Vec::new();
    let mut plain_ratios = Vec::new();
    let mut memory: Option<Peak> = None;
    let mut size = 0;
    for _ in 0..DETAIL_RUNS {
        let start = Step::begin();
        let t = Instant::now();
        let bytes = workbook::write_detail_sheet(&c, &layout)?;
        let write = t.elapsed();
        if let Some(peak) = start.peak() {
            if memory.is_none_or(|m| peak.rise_mb > m.rise_mb) {
                memory = Some(peak);
            }
        }
        size = bytes.len();
        let floor = compression_floor(&bytes)?;
        drop(bytes);
        let t = Instant::now();
        std::hint::black_box(workbook::write_detail_sheet_plainly(&c, &layout)?);
        let plain = t.elapsed();
        writes.push(write);
        floors.push(floor);
        ratios.push(write.as_secs_f64() / floor.as_secs_f64());
        plains.push(plain);
        plain_ratios.push(plain.as_secs_f64() / floor.as_secs_f64());
    }
    writes.sort();
    floors.sort();
    ratios.sort_by(f64::total_cmp);
    plains.sort();
    plain_ratios.sort_by(f64::total_cmp);

    let normal_memory = Step::begin();
    let t = Instant::now();
    normal_mode_write(&c)?;
    let normal = t.elapsed();
    let normal_memory = normal_memory.peak();
    Ok(DetailFigures {
        rows,
        write: writes[DETAIL_RUNS / 2],
        memory,
        bytes: size,
        floor: floors[DETAIL_RUNS / 2],
        ratio: ratios[DETAIL_RUNS / 2],
        plain: plains[DETAIL_RUNS / 2],
        plain_ratio: plain_ratios[DETAIL_RUNS / 2],
        normal,
        normal_memory,
    })
}

/// A plan of `rows` tasks, one agency leading them all, each reported this month.
pub(crate) fn detail_data(rows: usize) -> PeriodData {
    let month = Month {
        year: 2023,
        month: 11,
    };
    let window = data::computed_window(
        &Calendar::bundled(),
        Some(&ReportRule::monthly_before_day(18)),
        month,
    );
    let agency = AgencyInfo {
        id: 1,
        name: "Sở Thông tin và Truyền thông".into(),
        short_name: Some("Sở TT&TT".into()),
        successor_id: None,
        successor_from: None,
        active_to: None,
    };
    let tasks: Vec<TaskInfo> = (0..rows)
        .map(|i| TaskInfo {
            id: i as i64 + 1,
            group_id: None,
            code: format!("{}.{}", i / 10 + 1, i % 10 + 1),
            title: format!(
                "Triển khai thu thập, cập nhật dữ liệu dân cư và định danh điện tử, nhiệm vụ số {i}"
            ),
            due_kind: if i % 3 == 0 {
                DueKind::Recurring
            } else {
                DueKind::Unspecified
            },
            due_end: None,
            due_text: if i % 3 == 0 {
                "Thường xuyên"
            } else {
                "Quý IV/2023"
            }
            .into(),
            kpi: Vec::new(),
            position: i as i32,
        })
        .collect();
    let uploaded_at = NaiveDateTime::new(
        NaiveDate::from_ymd_opt(2023, 11, 15).expect("valid date"),
        chrono::NaiveTime::from_hms_opt(2, 0, 0).expect("valid time"),
    );
    PeriodData {
        span: crate::domain::span::Span::Month(month),
        plan: PlanInfo {
            id: 1,
            province: "Trà Vinh".into(),
            number: Some("01/KH-UBND".into()),
            title: "Kế hoạch thử tải".into(),
            report_rule: Some(ReportRule::monthly_before_day(18)),
        },
        period: window,
        agencies: [(1, agency)].into_iter().collect(),
        groups: Vec::new(),
        assignments: tasks
            .iter()
            .map(|t| Assignment {
                task_id: t.id,
                agency_id: 1,
                role: "lead".into(),
            })
            .collect(),
        rows: tasks
            .iter()
            .map(|t| RowInfo {
                submission_id: 1,
                task_id: Some(t.id),
                source_row: t.position + 6,
                status: Some(if t.id % 5 == 0 { "done" } else { "in_progress" }.into()),
                progress_percent: Some((t.id % 101) as i32),
                result: format!(
                    "Đã hoàn thành rà soát, cập nhật {} hồ sơ, đạt tỉ lệ {}% kế hoạch",
                    t.id * 7,
                    t.id % 101
                ),
                difficulties: String::new(),
                proposals: String::new(),
            })
            .collect(),
        tasks,
        submissions: vec![SubmissionInfo {
            id: 1,
            agency_id: 1,
            period: month,
            version: 1,
            uploaded_at,
            outcome: data::PROCESSED.into(),
            findings: 0,
        }],
        earlier_done: Vec::new(),
        reminders_sent: Default::default(),
        year_periods: vec![window],
    }
}

/// Time to deflate the XML parts of `xlsx` (read back first, not timed): what any writer of
/// the same file must at least spend.
fn compression_floor(xlsx: &[u8]) -> AppResult<Duration> {
    let io = |e: zip::result::ZipError| AppError::Internal(format!("đọc lại tệp thử: {e}"));
    let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).map_err(io)?;
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(io)?;
        let mut content = Vec::with_capacity(file.size() as usize);
        file.read_to_end(&mut content)?;
        let name = file.name().map_err(io)?.to_string();
        parts.push((name, content));
    }
    let t = Instant::now();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in &parts {
        out.start_file(name.as_str(), options).map_err(io)?;
        out.write_all(content)?;
    }
    let written = out.finish().map_err(io)?.into_inner();
    let elapsed = t.elapsed();
    std::hint::black_box(written);
    Ok(elapsed)
}

/// The same cells through rust_xlsxwriter's normal (in-memory) worksheet, no formats: the
/// library's own anchor.
fn normal_mode_write(c: &Consolidated) -> AppResult<()> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("ghi tệp thử: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (i, (task, report)) in c.data.tasks.iter().zip(&c.tasks).enumerate() {
        let row = i as u32 + 3;
        sheet.write_number(row, 0, (i + 1) as f64).map_err(fail)?;
        sheet.write_string(row, 1, &task.code).map_err(fail)?;
        sheet.write_string(row, 2, "").map_err(fail)?;
        sheet.write_string(row, 3, &task.title).map_err(fail)?;
        sheet
            .write_string(row, 4, "Sở Thông tin và Truyền thông")
            .map_err(fail)?;
        sheet.write_string(row, 6, &task.due_text).map_err(fail)?;
        sheet
            .write_string(row, 8, report.state.label())
            .map_err(fail)?;
        if let Some(p) = report.progress {
            sheet.write_number(row, 9, f64::from(p)).map_err(fail)?;
        }
        sheet
            .write_string(row, 10, &report.lead_result)
            .map_err(fail)?;
    }
    let bytes = book.save_to_buffer().map_err(fail)?;
    std::hint::black_box(bytes);
    Ok(())
}

/// Generates the province in a temporary SQLite database and measures the month.
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

    // The dashboard's status, as a page would ask for it (median of a few runs: it is small).
    let mut status_times = Vec::new();
    let mut expected = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let status = status::period_status(conn, plan_id, month)?;
        status_times.push(t.elapsed());
        expected = status.agencies.len();
    }
    status_times.sort();

    let baseline = Step::begin();
    let t = Instant::now();
    let data = data::load(conn, plan_id, month)?;
    let load = t.elapsed();
    let t = Instant::now();
    let c = Consolidated::build(data, Options::default());
    let build = t.elapsed();
    let t = Instant::now();
    let bytes = workbook::write(&c, &Layout::bundled(), &report_options())?;
    let write = t.elapsed();
    let month_memory = baseline.peak();
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
        memory: month_memory,
        status: status_times[status_times.len() / 2],
        status_agencies: expected,
    })
}
