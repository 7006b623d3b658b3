//! `tonghop bench ingest`: the ingest speed goals, measured against the raw calamine read of
//! the same files in the same run, so the figures hold on any machine.
//!
//! Inputs are generated (Vietnamese text, codes of the demo plan's tasks), the database is a
//! temporary SQLite file with the demo data, and the reader is this executable in its
//! isolated child process, exactly as an upload runs. Printed: seconds, the ratio to the raw
//! read, and peak resident memory of the ingest in this process (its own peak, measured as
//! in [`crate::memory::Step`]: generating the file and the in-process anchor read do not
//! count; the upload's bytes, already in memory, are shown apart) and of the largest reader
//! child.
//! The large upload is also timed with a merged area on every row, which must cost about
//! what the same file without merges costs. Uploads run as the upload page and batch ingest
//! run them, answering with the rows' counts ([`RowsBack::Counts`]); the API and
//! `tonghop ingest`, which answer with every row, also hold those rows (~45 MB for 100k).
//!
//! [`RowsBack::Counts`]: crate::ingest::pipeline::RowsBack::Counts

use std::{
    io::Cursor,
    path::PathBuf,
    time::{Duration, Instant},
};

use calamine::{Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook};

use crate::{
    config::Config,
    db::Db,
    demo,
    error::{AppError, AppResult},
    ingest::pipeline::{self, Reader as IngestReader, Upload},
    memory::{Step, StepPeak},
};

pub struct BenchOptions {
    /// Rows of the single large upload.
    pub rows: usize,
    /// Files and rows per file of the province's month.
    pub files: usize,
    pub rows_per_file: usize,
    /// Where to save the generated files, if anywhere.
    pub save_inputs: Option<PathBuf>,
}

/// Saves a generated input as `name` in `options.save_inputs`, if given.
fn save_input(options: &BenchOptions, name: &str, bytes: &[u8]) -> AppResult<()> {
    if let Some(dir) = &options.save_inputs {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// Generates a report workbook of `rows` task rows × 12 columns.
pub fn generate_report(rows: usize, seed: usize) -> AppResult<Vec<u8>> {
    report_workbook(rows, seed, false)
}

/// [`generate_report`] with the last two cells of every row merged, as clerks merge a note
/// over the columns they do not use: a merged area per row.
pub fn generate_merged_report(rows: usize, seed: usize) -> AppResult<Vec<u8>> {
    report_workbook(rows, seed, true)
}

fn report_workbook(rows: usize, seed: usize, merged: bool) -> AppResult<Vec<u8>> {
    let fail =
        |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("không tạo được tệp thử: {e}"));
    let codes = [
        "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2",
    ];
    let statuses = [
        "Đã hoàn thành",
        "Đang thực hiện",
        "Chưa thực hiện",
        "Thường xuyên",
    ];
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Báo cáo").map_err(fail)?;
    sheet
        .write(0, 0, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG")
        .map_err(fail)?;
    sheet
        .write(2, 0, "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG 12/2022")
        .map_err(fail)?;
    let headers = [
        "STT",
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ (%)",
        "Tình trạng",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành",
        "Số liệu",
        "Người theo dõi",
        "Ghi chú",
    ];
    for (col, h) in headers.iter().enumerate() {
        sheet.write(4, col as u16, *h).map_err(fail)?;
    }
    for i in 0..rows {
        let r = 5 + i as u32;
        let k = (i + seed) % codes.len();
        sheet.write(r, 0, codes[k]).map_err(fail)?;
        sheet
            .write(
                r,
                1,
                format!("Nhiệm vụ số {k}: triển khai ứng dụng dữ liệu dân cư, định danh điện tử"),
            )
            .map_err(fail)?;
        sheet
            .write(
                r,
                2,
                format!(
                    "Đã cấp {} tài khoản định danh điện tử mức độ 2 cho công dân trên địa bàn",
                    1000 + i
                ),
            )
            .map_err(fail)?;
        sheet
            .write(r, 3, ((i * 7 + seed) % 101) as f64)
            .map_err(fail)?;
        sheet
            .write(r, 4, statuses[(i + seed) % statuses.len()])
            .map_err(fail)?;
        sheet
            .write(r, 5, "Hạ tầng mạng tại một số xã còn chập chờn")
            .map_err(fail)?;
        sheet
            .write(r, 6, "Đề nghị bổ sung kinh phí tập huấn cho cán bộ cấp xã")
            .map_err(fail)?;
        sheet
            .write(r, 7, "Công an tỉnh; Văn phòng UBND tỉnh")
            .map_err(fail)?;
        sheet.write(r, 8, "Thường xuyên").map_err(fail)?;
        sheet.write(r, 9, (i * 13) as f64).map_err(fail)?;
        if merged {
            sheet
                .merge_range(r, 10, r, 11, "Nguyễn Văn Ánh", &Format::new())
                .map_err(fail)?;
        } else {
            sheet.write(r, 10, "Nguyễn Văn Ánh").map_err(fail)?;
            sheet.write(r, 11, "").map_err(fail)?;
        }
    }
    workbook.save_to_buffer().map_err(fail)
}

/// The floor: calamine reading every cell of the first sheet, in this process.
fn raw_read(bytes: &[u8]) -> AppResult<usize> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| AppError::Internal(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| AppError::Internal("không có trang tính".into()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(range.used_cells().count())
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn timed<T>(f: impl FnOnce() -> AppResult<T>) -> AppResult<(Duration, T)> {
    let started = Instant::now();
    let out = f()?;
    Ok((started.elapsed(), out))
}

/// CPU time (user and system) this process has used so far, all its threads together.
fn own_cpu() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Peak resident set size of the largest waited-for child (a reader), in MB.
fn peak_child_rss_mb() -> f64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn fresh_db(dir: &std::path::Path, name: &str) -> AppResult<Db> {
    let mut config = Config::default();
    config.storage.data_dir = dir.to_path_buf();
    config.database.url = Some(format!("sqlite://{}", dir.join(name).display()));
    let db = crate::app::open_database(&config)?;
    demo::load(&mut *db.get()?)?;
    Ok(db)
}

pub fn ingest(options: &BenchOptions) -> AppResult<()> {
    let dir = std::env::temp_dir().join(format!("tonghop-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let result = run_ingest(options, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_ingest(options: &BenchOptions, dir: &std::path::Path) -> AppResult<()> {
    let reader = IngestReader::from_config(&Config::default().upload);
    let reader = IngestReader {
        program: std::env::current_exe().unwrap_or(PathBuf::from("tonghop")),
        ..reader
    };
    eprintln!("Đang tạo tệp thử {} dòng…", options.rows);
    let big = generate_report(options.rows, 0)?;
    save_input(options, "lon.xlsx", &big)?;
    let mut raw = Vec::new();
    for _ in 0..3 {
        raw.push(timed(|| raw_read(&big))?.0);
    }
    let raw = median(raw);
    let db = fresh_db(dir, "big.db")?;
    let (piped, ingest_peak, cpu) = ingest_rounds(&db, &reader, &big, options.rows)?;
    // Idle reader children are waited for only when retired: then their peak counts.
    crate::ingest::read::retire_idle_readers();
    let child_mb = peak_child_rss_mb();
    println!(
        "Một tệp {} dòng × 12 cột ({:.1} MB):",
        options.rows,
        big.len() as f64 / 1e6
    );
    println!(
        "  đọc thô bằng calamine (trong tiến trình): {:.3} s",
        raw.as_secs_f64()
    );
    println!(
        "  đọc cách ly + nhận dạng + đối chiếu + lưu SQLite: {:.3} s = {:.2} × đọc thô (mục tiêu ≤ 1,5 ×)",
        piped.as_secs_f64(),
        piped.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "  thời gian CPU của tiến trình chính (mọi luồng, không kể tiến trình đọc): {:.3} s",
        cpu.as_secs_f64()
    );
    let main = match ingest_peak {
        Some(p) => format!(
            "tiến trình chính {:.0} MB (tăng {:.0} MB so với lúc bắt đầu, khi đã có tệp và CSDL mở sẵn)",
            p.peak_mb, p.rise_mb
        ),
        None => "tiến trình chính không đo được (cần /proc của Linux)".into(),
    };
    println!("  bộ nhớ đỉnh: {main}, tiến trình đọc {child_mb:.0} MB (mục tiêu ≤ 64 MB)");

    // Merged cells must not make layout slower than linear (`ingest::merge_index`).
    let merged = generate_merged_report(options.rows, 0)?;
    let mut raw_merged = Vec::new();
    for _ in 0..3 {
        raw_merged.push(timed(|| raw_read(&merged))?.0);
    }
    let raw_merged = median(raw_merged);
    let (piped_merged, _, _) =
        ingest_rounds(&fresh_db(dir, "merged.db")?, &reader, &merged, options.rows)?;
    println!(
        "  cùng tệp, mỗi dòng một vùng ô gộp: đọc thô {:.3} s, toàn bộ quy trình {:.3} s = {:.2} × đọc thô",
        raw_merged.as_secs_f64(),
        piped_merged.as_secs_f64(),
        piped_merged.as_secs_f64() / raw_merged.as_secs_f64()
    );

    if let Some(url) = std::env::var("TONGHOP_BENCH_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let (piped, elapsed, rows) = postgres_storage(&url, dir, &reader, &big, options.rows)?;
        println!(
            "  cùng tệp, toàn bộ quy trình trên PostgreSQL: {:.3} s = {:.2} × đọc thô",
            piped.as_secs_f64(),
            piped.as_secs_f64() / raw.as_secs_f64()
        );
        println!(
            "  lưu {rows} dòng vào PostgreSQL (COPY): {:.3} s = {:.0} dòng/giây (mục tiêu ≥ 250 000)",
            elapsed.as_secs_f64(),
            rows as f64 / elapsed.as_secs_f64()
        );
    }

    eprintln!(
        "Đang tạo {} tệp × {} dòng…",
        options.files, options.rows_per_file
    );
    let files: Vec<Vec<u8>> = (0..options.files)
        .map(|i| generate_report(options.rows_per_file, i))
        .collect::<AppResult<_>>()?;
    for (i, bytes) in files.iter().enumerate() {
        save_input(options, &format!("thang_{}.xlsx", i + 1), bytes)?;
    }
    let (raw_many, _) = timed(|| {
        for bytes in &files {
            raw_read(bytes)?;
        }
        Ok(())
    })?;
    // What isolation alone costs: the same files read by the reader child and received as
    // grids, one after another on one thread, nothing laid out or stored.
    let (isolated_many, _) = timed(|| {
        for bytes in &files {
            crate::ingest::read::read_isolated(bytes, &reader.limits, &reader.program)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        Ok(())
    })?;
    let db = fresh_db(dir, "month.db")?;
    let agencies: Vec<String> = {
        let mut conn = db.get()?;
        let plan = crate::db::plans::find(&mut conn, demo::DEMO_PLAN_NUMBER)?;
        crate::db::plans::assigned_agency_ids(&mut conn, plan.id)?
            .into_iter()
            .map(|id| crate::db::agencies::get(&mut conn, id).map(|a| a.name))
            .collect::<AppResult<_>>()?
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (month, served) = timed(|| {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    scope.spawn(|| -> AppResult<usize> {
                        let mut conn = db.get()?;
                        let mut done = 0;
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            let Some(bytes) = files.get(i) else {
                                return Ok(done);
                            };
                            // Each file its own agency-period pair, as in a real month.
                            let period = format!(
                                "{}-{:02}",
                                2024 + i / (12 * agencies.len()),
                                i / agencies.len() % 12 + 1
                            );
                            pipeline::ingest_counting(
                                &mut conn,
                                &reader,
                                &Upload {
                                    plan: demo::DEMO_PLAN_NUMBER,
                                    agency: &agencies[i % agencies.len()],
                                    period: &period,
                                    file_name: "bc.xlsx",
                                    content_type: "application/octet-stream",
                                    bytes,
                                    uploaded_by: None,
                                },
                            )?;
                            done += 1;
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("worker finished"))
                .sum::<AppResult<usize>>()
        })
    })?;
    println!(
        "Một tháng của tỉnh: {} tệp × {} dòng:",
        served, options.rows_per_file
    );
    println!(
        "  đọc thô bằng calamine, một luồng: {:.3} s",
        raw_many.as_secs_f64()
    );
    println!(
        "  đọc cách ly bằng tiến trình đọc, một luồng, không nhận dạng và không lưu: {:.3} s = {:.2} × đọc thô",
        isolated_many.as_secs_f64(),
        isolated_many.as_secs_f64() / raw_many.as_secs_f64()
    );
    println!(
        "  toàn bộ quy trình, hai luồng: {:.3} s = {:.2} × đọc thô (mục tiêu ≤ 1,3 ×); {:.1} ms mỗi tệp",
        month.as_secs_f64(),
        month.as_secs_f64() / raw_many.as_secs_f64(),
        month.as_secs_f64() * 1000.0 / served.max(1) as f64
    );
    Ok(())
}

/// Three uploads of `bytes` through the whole pipeline, each for a new period (the same bytes
/// for the same period would be recognised as a duplicate), checking that every one of the
/// `rows` rows was read: the median time, the highest of their own memory peaks in this
/// process, and the median CPU time of this process.
fn ingest_rounds(
    db: &Db,
    reader: &IngestReader,
    bytes: &[u8],
    rows: usize,
) -> AppResult<(Duration, Option<StepPeak>, Duration)> {
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut peak: Option<StepPeak> = None;
    for round in 0..3 {
        let period = format!("2023-{:02}", round + 1);
        let step = Step::begin();
        let cpu = own_cpu();
        let (elapsed, result) = timed(|| {
            pipeline::ingest_counting(
                &mut *db.get()?,
                reader,
                &Upload {
                    plan: demo::DEMO_PLAN_NUMBER,
                    agency: "Sở TT&TT",
                    period: &period,
                    file_name: "lon.xlsx",
                    content_type: "application/octet-stream",
                    bytes,
                    uploaded_by: None,
                },
            )
        })?;
        if result.counts.stored != rows {
            return Err(AppError::Internal(format!(
                "đọc được {} dòng, cần {}",
                result.counts.stored, rows
            )));
        }
        if let Some(p) = step.peak() {
            if peak.is_none_or(|q| p.rise_mb > q.rise_mb) {
                peak = Some(p);
            }
        }
        times.push(elapsed);
        cpus.push(own_cpu() - cpu);
    }
    Ok((median(times), peak, median(cpus)))
}

/// In a temporary PostgreSQL database: the median time of three uploads of `bytes` through
/// the whole pipeline, then of storing the rows of one of them again and again alone, and
/// their number.
fn postgres_storage(
    admin_url: &str,
    dir: &std::path::Path,
    reader: &IngestReader,
    bytes: &[u8],
    rows: usize,
) -> AppResult<(Duration, Duration, usize)> {
    use diesel::{Connection, PgConnection, RunQueryDsl};
    let fail = |e: diesel::ConnectionError| AppError::Internal(e.to_string());
    let name = format!("tonghop_bench_{}", std::process::id());
    let mut admin = PgConnection::establish(admin_url).map_err(fail)?;
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin)?;
    let result = (|| {
        let (base, query) = admin_url.split_once('?').unwrap_or((admin_url, ""));
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let host_end = base[scheme_end..]
            .find('/')
            .map_or(base.len(), |i| scheme_end + i);
        let mut url = format!("{}/{name}", &base[..host_end]);
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let mut config = Config::default();
        config.storage.data_dir = dir.to_path_buf();
        config.database.url = Some(url);
        let db = crate::app::open_database(&config)?;
        demo::load(&mut *db.get()?)?;
        let (piped, _, _) = ingest_rounds(&db, reader, bytes, rows)?;
        let mut conn = db.get()?;
        let done = pipeline::ingest(
            &mut conn,
            reader,
            &Upload {
                plan: demo::DEMO_PLAN_NUMBER,
                agency: "Sở TT&TT",
                period: "2024-01",
                file_name: "lon.xlsx",
                content_type: "application/octet-stream",
                bytes,
                uploaded_by: None,
            },
        )?;
        let rows: Vec<crate::db::submissions::NewReportRow> =
            crate::db::submissions::rows_of(&mut conn, done.submission.id)?
                .into_iter()
                .map(|r| crate::db::submissions::NewReportRow {
                    submission_id: r.submission_id,
                    task_id: r.task_id,
                    sheet: r.sheet,
                    source_row: r.source_row,
                    status: r.status,
                    progress_percent: r.progress_percent,
                    result: r.result,
                    difficulties: r.difficulties,
                    proposals: r.proposals,
                    match_method: r.match_method,
                    match_score: r.match_score,
                })
                .collect();
        let mut times = Vec::new();
        for _ in 0..3 {
            let (elapsed, ()) =
                timed(|| conn.transaction(|c| crate::db::submissions::insert_rows(c, &rows)))?;
            times.push(elapsed);
        }
        Ok((piped, median(times), rows.len()))
    })();
    let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut admin);
    result
}
