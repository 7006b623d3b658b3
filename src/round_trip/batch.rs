//! A folder of reports received by e-mail, ingested in one go: each file's agency inferred
//! ([`super::infer`]) from its name or, failing that, from the header block of its sheets;
//! files whose agency is sure go through the one ingest pipeline, the others are left for a
//! person with the candidates found.
//!
//! Two worker threads (one per core of the target machine), each with its own database
//! connection, take files from a shared queue; the pipeline's reader runs a child process
//! per file, so the two cores are busy. The caller sees each file finish through a callback
//! on its own thread (for a progress bar).

use std::{
    collections::VecDeque,
    path::{Path, PathBuf},
    sync::{mpsc, Mutex},
};

use serde::Serialize;

use super::infer::{self, Source};
use crate::{
    commands::ingest::content_type_of,
    db::{agencies, audit, plans, Db, DbConnection},
    domain::{
        agency_registry::AgencyRegistry,
        finding::{Finding, Severity},
        period::Month,
    },
    error::{AppError, AppResult},
    ingest::{
        grid::Grid,
        layout,
        pipeline::{self, Reader, Upload},
        read::{self, ReadOutcome},
        table::ReportTable,
    },
};

/// Worker threads.
pub const WORKERS: usize = 2;
/// Rows of each sheet read as its header block.
pub const HEADER_ROWS: usize = 10;
/// Extensions of the files taken from the folder (others are listed as skipped).
pub const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xls", "xlsb", "ods"];

/// What became of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored and read: rows matched to the plan.
    Processed,
    /// Stored, but not readable as a report (the file is kept; see the findings).
    Rejected,
    /// Identical to a file already received: nothing new stored.
    Duplicate,
    /// Not ingested: the agency could not be told for sure.
    Unsure,
    /// Not ingested: not a spreadsheet by its extension, or could not be opened.
    Skipped,
    /// Not ingested: the pipeline refused it (message says why).
    Failed,
}

impl Outcome {
    /// The Vietnamese word for the summary table.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Processed => "đã nhận",
            Outcome::Rejected => "không đọc được",
            Outcome::Duplicate => "trùng bản cũ",
            Outcome::Unsure => "chưa rõ cơ quan",
            Outcome::Skipped => "bỏ qua",
            Outcome::Failed => "lỗi",
        }
    }

    /// True when the file was stored (a submission exists).
    pub fn stored(self) -> bool {
        matches!(
            self,
            Outcome::Processed | Outcome::Rejected | Outcome::Duplicate
        )
    }
}

/// One file of the folder, after the run.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub file: String,
    pub outcome: Outcome,
    /// The agency the file was ingested for (canonical name, after mergers).
    pub agency: Option<String>,
    /// Where the agency was read.
    pub source: Option<Source>,
    /// Agencies considered; for an unsure file, the ones to choose from (may be empty).
    pub candidates: Vec<String>,
    pub submission_id: Option<i64>,
    pub version: Option<i32>,
    pub rows: usize,
    pub matched: usize,
    pub findings: Vec<Finding>,
    /// Why the file was not ingested, in Vietnamese.
    pub message: Option<String>,
}

impl FileReport {
    fn new(file: String, outcome: Outcome) -> FileReport {
        FileReport {
            file,
            outcome,
            agency: None,
            source: None,
            candidates: Vec::new(),
            submission_id: None,
            version: None,
            rows: 0,
            matched: 0,
            findings: Vec::new(),
            message: None,
        }
    }

    /// "1 lỗi, 2 cảnh báo, 1 lưu ý", or "" when there is none.
    pub fn findings_summary(&self) -> String {
        let count = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        [
            (count(Severity::Error), "lỗi"),
            (count(Severity::Warning), "cảnh báo"),
            (count(Severity::Info), "lưu ý"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub plan_id: i64,
    pub period: String,
    pub files: Vec<FileReport>,
}

impl BatchReport {
    /// Files left for a person (unsure agency, skipped or failed).
    pub fn left_over(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| !f.outcome.stored())
    }
}

/// Progress of a run: `done` of `total` files, the last one finished.
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub last: &'a FileReport,
}

/// The files of `dir` to take, sorted by name (hidden files and Office lock files "~$…"
/// left out), with those skipped by their extension.
pub fn list_files(dir: &Path) -> AppResult<(Vec<PathBuf>, Vec<PathBuf>)> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        AppError::BadRequest(format!("Không đọc được thư mục {}: {e}", dir.display()))
    })?;
    let mut taken = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            AppError::BadRequest(format!("Không đọc được thư mục {}: {e}", dir.display()))
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if !path.is_file() || name.starts_with('.') || name.starts_with("~$") {
            continue;
        }
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if EXTENSIONS.contains(&extension.as_str()) {
            taken.push(path);
        } else {
            skipped.push(path);
        }
    }
    taken.sort();
    skipped.sort();
    Ok((taken, skipped))
}

/// The texts of the header block of every visible sheet, where the sender is named: the
/// first rows, and on the report sheet (`table`, the grid's report table if it has one)
/// only the rows above the table (task texts and results name other agencies).
pub fn header_cells(grid: &Grid, table: Option<&ReportTable>) -> Vec<String> {
    let mut cells = Vec::new();
    for sheet in grid.sheets.iter().filter(|s| !s.hidden) {
        let rows = match table {
            Some(t) if t.sheet == sheet.name => t
                .header_rows
                .first()
                .map_or(HEADER_ROWS, |&r| (r as usize).saturating_sub(1))
                .min(HEADER_ROWS),
            _ => HEADER_ROWS,
        };
        for row in sheet.rows.iter().take(rows) {
            for cell in row {
                if let crate::ingest::grid::Cell::Text(text) = cell {
                    if !text.trim().is_empty() {
                        cells.push(text.to_string());
                    }
                }
            }
        }
    }
    cells
}

/// Ingests every report of `dir` for `plan` (id or number) and `period` ("2023-11").
/// `on_progress` is called on the caller's thread after each file.
pub fn ingest_dir(
    db: &Db,
    reader: &Reader,
    dir: &Path,
    plan: &str,
    period: &str,
    on_progress: &mut dyn FnMut(Progress),
) -> AppResult<BatchReport> {
    let month = Month::parse(period).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Kỳ báo cáo \"{period}\" không hợp lệ; hãy ghi dạng 2023-11 (năm-tháng)."
        ))
    })?;
    let (plan_row, registry) = {
        let mut conn = db.get()?;
        let plan_row = plans::find(&mut conn, plan)?;
        let registry = registry_for_inference(&mut conn, &plan_row.province)?;
        (plan_row, registry)
    };
    let (taken, skipped) = list_files(dir)?;
    let total = taken.len() + skipped.len();
    let mut slots: Vec<Option<FileReport>> = vec![None; taken.len()];
    let mut done = 0;
    for path in &skipped {
        let mut report = FileReport::new(file_label(path), Outcome::Skipped);
        report.message = Some(format!(
            "Không phải tệp bảng tính (chỉ nhận {}).",
            EXTENSIONS.join(", ")
        ));
        done += 1;
        on_progress(Progress {
            done,
            total,
            last: &report,
        });
        slots.push(Some(report));
    }
    let queue: Mutex<VecDeque<(usize, &PathBuf)>> = Mutex::new(taken.iter().enumerate().collect());
    let plan_key = plan_row.id.to_string();
    let period_text = month.to_string();
    let context = Context {
        reader,
        registry: &registry,
        province: &plan_row.province,
        plan: &plan_key,
        period: &period_text,
    };
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, FileReport)>();
        for _ in 0..WORKERS.min(taken.len()) {
            let sender = sender.clone();
            let queue = &queue;
            let context = &context;
            scope.spawn(move || {
                let mut conn = db.get();
                loop {
                    let next = queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
                    let Some((index, path)) = next else {
                        break;
                    };
                    let report = match conn.as_mut() {
                        Ok(conn) => one_file(conn, context, path),
                        Err(e) => {
                            let mut report = FileReport::new(file_label(path), Outcome::Failed);
                            report.message = Some(e.to_string());
                            report
                        }
                    };
                    if sender.send((index, report)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for (index, report) in receiver {
            done += 1;
            on_progress(Progress {
                done,
                total,
                last: &report,
            });
            slots[index] = Some(report);
        }
    });
    Ok(BatchReport {
        plan_id: plan_row.id,
        period: period_text,
        files: slots.into_iter().flatten().collect(),
    })
}

/// The province's registry as the inference needs it (see [`infer::with_short_names`]).
pub fn registry_for_inference(
    conn: &mut DbConnection,
    province: &str,
) -> AppResult<AgencyRegistry> {
    let file = infer::with_short_names(agencies::registry_of(conn, province)?);
    AgencyRegistry::from_files(vec![file]).map_err(AppError::Internal)
}

/// What every worker shares.
struct Context<'a> {
    reader: &'a Reader,
    registry: &'a AgencyRegistry,
    province: &'a str,
    plan: &'a str,
    period: &'a str,
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn one_file(conn: &mut DbConnection, context: &Context, path: &Path) -> FileReport {
    let name = file_label(path);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let mut report = FileReport::new(name, Outcome::Skipped);
            report.message = Some(format!("Không đọc được tệp: {e}"));
            return report;
        }
    };
    // The name alone is enough when it names one agency; otherwise the header block is read
    // (in the isolated reader, like any upload).
    // A file read for its header block is not read nor laid out again by the pipeline.
    let mut read_once = None;
    let guess = match infer::sure_by_name(context.registry, context.province, &name) {
        Some(_) => infer::infer(context.registry, context.province, &name, &[]),
        None => {
            match read::read_isolated_outcome(
                &bytes,
                &context.reader.limits,
                &context.reader.program,
            ) {
                Ok(outcome) => {
                    // Laid out once: for the header block here, then for the pipeline.
                    let table = layout::find_table(&outcome.grid);
                    let guess = infer::infer(
                        context.registry,
                        context.province,
                        &name,
                        &header_cells(&outcome.grid, table.as_ref().ok()),
                    );
                    read_once = Some(Ok(ReadOutcome {
                        format: outcome.format,
                        notes: outcome.notes,
                        grid: table,
                    }));
                    guess
                }
                Err(e) => {
                    let mut report = FileReport::new(name, Outcome::Unsure);
                    report.message = Some(format!(
                        "Tên tệp không cho biết cơ quan gửi và không đọc được tệp để tìm tên \
                         cơ quan: {e}"
                    ));
                    return report;
                }
            }
        }
    };
    let Some(agency) = guess.agency.clone() else {
        let mut report = FileReport::new(name, Outcome::Unsure);
        report.message = Some(if guess.candidates.is_empty() {
            "Không nhận ra cơ quan gửi từ tên tệp hay phần đầu báo cáo; hãy nhận tệp này \
             bằng lệnh ingest với --agency."
                .to_string()
        } else {
            format!(
                "Tệp có thể của {}; hãy chọn đúng cơ quan và nhận tệp bằng lệnh ingest với \
                 --agency.",
                guess.candidates.join(" hoặc ")
            )
        });
        report.candidates = guess.candidates;
        return report;
    };
    let result = pipeline::ingest_read(
        conn,
        context.reader,
        &Upload {
            plan: context.plan,
            agency: &agency,
            period: context.period,
            file_name: &name,
            content_type: content_type_of(&name),
            bytes: &bytes,
            uploaded_by: None,
        },
        read_once,
        pipeline::RowsBack::Counts,
    );
    let mut report = FileReport::new(name.clone(), Outcome::Failed);
    report.source = guess.source;
    report.candidates = guess.candidates;
    match result {
        Ok(result) => {
            let _ = audit::record(
                conn,
                &audit::Actor::system("cli"),
                "submission.ingest",
                "submission",
                Some(result.submission.id.to_string()),
                Some(format!(
                    "{name} ({}, ingest-dir)",
                    result.submission.outcome
                )),
            );
            report.outcome = if result.submission.duplicate {
                Outcome::Duplicate
            } else if result.submission.outcome == "processed" {
                Outcome::Processed
            } else {
                Outcome::Rejected
            };
            report.agency = Some(result.submission.agency.clone());
            report.submission_id = Some(result.submission.id);
            report.version = Some(result.submission.version);
            report.rows = result.counts.stored;
            report.matched = result.counts.matched;
            report.findings = result.findings;
        }
        Err(e) => {
            report.agency = Some(agency);
            report.message = Some(e.to_string());
        }
    }
    report
}
