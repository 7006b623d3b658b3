//! The ingest pipeline, one code path for the CLI and the web upload: keep the original,
//! read it in isolation, find the report table, match rows to the plan's tasks, store the
//! normalised rows and the findings.
//!
//! The original bytes are stored before anything reads them, so a file the pipeline cannot
//! understand is kept byte for byte and its rejection is recorded with the reason.

use std::{cell::RefCell, path::PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::{
    layout,
    matcher::{self, AssignmentRole, TaskRef},
    normalise::Normaliser,
    read::{self, ReadLimits, ReadOutcome},
    store,
    table::ReportTable,
};
use crate::{
    db::{
        agencies::{self, Agency},
        plans::{self, Plan},
        submissions::{self, NewSubmission, StoredOriginal},
        DbConnection,
    },
    domain::{
        agency_registry::AgencyRegistry,
        finding::{Finding, Severity},
        period::Month,
    },
    error::{AppError, AppResult},
};

/// How the isolated reader runs.
#[derive(Debug, Clone)]
pub struct Reader {
    pub limits: ReadLimits,
    pub program: PathBuf,
}

impl Reader {
    pub fn from_config(upload: &crate::config::UploadConfig) -> Reader {
        Reader {
            limits: ReadLimits::from(upload),
            program: upload.reader_program(),
        }
    }
}

/// One upload, as a clerk or a script sends it.
pub struct Upload<'a> {
    pub plan: &'a str,
    pub agency: &'a str,
    pub period: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
    pub uploaded_by: Option<i64>,
}

/// The result, in the shape of DESIGN §5 (`tonghop ingest --json`).
#[derive(Debug, Serialize)]
pub struct IngestResult {
    pub submission: SubmissionInfo,
    /// Every row stored, as answered; empty when the caller asked for counts only
    /// ([`RowsBack::Counts`]).
    pub rows: Vec<RowOut>,
    pub findings: Vec<Finding>,
    /// How many rows were stored, and how many of them matched a task of the plan (also
    /// when `rows` is not returned).
    #[serde(skip)]
    pub counts: RowCounts,
}

/// How many rows an upload stored, and how many of them matched a task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub stored: usize,
    pub matched: usize,
}

/// What the caller gets back of an upload's rows. A 100k-row upload's answered rows take
/// ~45 MB: a caller that shows a summary (the upload page, batch ingest) asks for counts and
/// the upload's memory stays that of the rows in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsBack {
    /// Every row, as answered (the JSON of DESIGN §5).
    All,
    /// How many rows, and how many matched ([`IngestResult::counts`]); `rows` is empty.
    Counts,
}

#[derive(Debug, Serialize)]
pub struct SubmissionInfo {
    pub id: i64,
    pub version: i32,
    pub sha256: String,
    pub plan_id: i64,
    pub agency: String,
    pub period: String,
    /// `processed` or `rejected` (the file could not be read as a report; it is kept).
    pub outcome: String,
    /// True when the identical file had already been received: nothing new was stored.
    pub duplicate: bool,
}

#[derive(Debug, Serialize)]
pub struct RowOut {
    pub task_code: Option<String>,
    pub status: Option<String>,
    pub progress_percent: Option<f64>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
    #[serde(rename = "match")]
    pub match_: MatchOut,
    pub source: SourceOut,
}

#[derive(Debug, Serialize)]
pub struct MatchOut {
    pub method: Option<String>,
    pub score: f64,
}

#[derive(Debug, Serialize)]
pub struct SourceOut {
    pub sheet: String,
    pub row: u32,
}

/// Who is reporting: the agency as written, resolved in the plan's province, and followed to
/// its successor when the period is after a merger ("merged agencies report through their
/// successor").
pub fn resolve_agency(
    conn: &mut DbConnection,
    plan: &Plan,
    written: &str,
    period: Month,
) -> AppResult<(Agency, Vec<Finding>)> {
    let mut findings = Vec::new();
    let agency = match agencies::find_by_spelling(conn, &plan.province, written)? {
        Some(agency) => agency,
        None => {
            let registry =
                AgencyRegistry::from_files(vec![agencies::registry_of(conn, &plan.province)?])
                    .map_err(AppError::Internal)?;
            let name = registry
                .resolve(Some(&plan.province), written)
                .map(|e| e.name.clone())
                .ok_or_else(|| {
                    AppError::BadRequest(format!(
                        "Không tìm thấy cơ quan \"{written}\" trong danh mục của tỉnh {}; hãy ghi đúng tên cơ quan (ví dụ \"Sở Y tế\") hoặc nhờ quản trị viên thêm cách viết này.",
                        plan.province
                    ))
                })?;
            agencies::find_by_spelling(conn, &plan.province, &name)?.ok_or_else(|| {
                AppError::Internal(format!("cơ quan {name} vừa tìm thấy lại không có"))
            })?
        }
    };
    let period_end = period.cutoff_window().1;
    let mut current = agency;
    for _ in 0..8 {
        let Some(successor_id) = current.successor_id else {
            break;
        };
        let from = current.successor_from.unwrap_or(NaiveDate::MIN);
        if period_end < from {
            break;
        }
        let successor = agencies::get(conn, successor_id)?;
        findings.push(Finding::info(format!(
            "Từ ngày {}, nhiệm vụ của {} do {} đảm nhận; báo cáo được ghi nhận cho {}.",
            from.format("%d/%m/%Y"),
            current.name,
            successor.name,
            successor.name
        )));
        current = successor;
    }
    Ok((current, findings))
}

/// Runs the whole pipeline for one upload, answering with every row.
pub fn ingest(
    conn: &mut DbConnection,
    reader: &Reader,
    upload: &Upload,
) -> AppResult<IngestResult> {
    ingest_read(conn, reader, upload, None, RowsBack::All)
}

/// [`ingest`], answering with the rows' counts only (see [`RowsBack`]).
pub fn ingest_counting(
    conn: &mut DbConnection,
    reader: &Reader,
    upload: &Upload,
) -> AppResult<IngestResult> {
    ingest_read(conn, reader, upload, None, RowsBack::Counts)
}

/// A workbook read by the isolated reader and laid out: its report table, or why it has none.
pub type LaidOut = ReadOutcome<Result<ReportTable, layout::LayoutError>>;

/// [`ingest`] for an upload whose bytes were already read by the isolated reader and laid out
/// (batch ingest reads a file's header block, which the layout locates, to find its agency):
/// `read` is that result, used instead of reading and laying out the same bytes again.
/// `back` says what the answer holds of the rows.
pub fn ingest_read(
    conn: &mut DbConnection,
    reader: &Reader,
    upload: &Upload,
    read: Option<Result<LaidOut, read::ReadError>>,
    back: RowsBack,
) -> AppResult<IngestResult> {
    let begun = std::time::Instant::now();
    let period = Month::parse(upload.period).ok_or_else(|| {
        AppError::BadRequest(format!(
            "Kỳ báo cáo \"{}\" không hợp lệ; hãy ghi dạng 2023-11 (năm-tháng).",
            upload.period
        ))
    })?;
    if upload.bytes.len() > reader.limits.max_bytes {
        return Err(AppError::BadRequest(format!(
            "Tệp lớn {} byte, vượt giới hạn {} byte; hãy xoá các trang tính thừa hoặc chia nhỏ tệp.",
            upload.bytes.len(),
            reader.limits.max_bytes
        )));
    }
    let plan = plans::find(conn, upload.plan)?;
    let (agency, mut findings) = resolve_agency(conn, &plan, upload.agency, period)?;
    let period_text = period.to_string();
    let stored = submissions::store_original(
        conn,
        &NewSubmission {
            plan_id: plan.id,
            agency_id: agency.id,
            period: &period_text,
            uploaded_by: upload.uploaded_by,
            file_name: upload.file_name,
            content_type: upload.content_type,
            bytes: upload.bytes,
        },
    )?;
    let info = |outcome: &str, stored: &StoredOriginal| SubmissionInfo {
        id: stored.id,
        version: stored.version,
        sha256: stored.sha256.clone(),
        plan_id: plan.id,
        agency: agency.name.clone(),
        period: period_text.clone(),
        outcome: outcome.to_string(),
        duplicate: stored.duplicate,
    };
    if stored.duplicate {
        return earlier_result(conn, &stored, findings, info, back);
    }
    tracing::debug!(
        elapsed_us = begun.elapsed().as_micros() as u64,
        "ingest: plan, agency and original"
    );
    let tasks = task_refs(conn, plan.id, agency.id)?;
    let refs: Vec<TaskRef> = tasks.iter().map(|(_, t)| t.clone()).collect();
    let plan_index = matcher::Plan::new(&refs);
    let started = std::time::Instant::now();
    let stage = |stage: &'static str| {
        tracing::debug!(
            elapsed_us = started.elapsed().as_micros() as u64,
            resident_mb = ?crate::memory::resident_mb(),
            "ingest: {stage}"
        )
    };
    std::thread::scope(|scope| {
        let keeper = store::Keeper::new(scope, conn, stored.id);
        let normaliser = RefCell::new(Normaliser::new(
            stored.id,
            &tasks,
            &plan_index,
            keeper,
            back == RowsBack::All,
        ));
        // A workbook read here is laid out as it is decoded, and its rows are matched and
        // stored as they are laid out: neither its grid nor its table is ever held whole.
        let read = read.unwrap_or_else(|| {
            read::read_isolated_into(upload.bytes, &reader.limits, &reader.program, || {
                layout::TableReader::streaming(&normaliser)
            })
            .map(|outcome| ReadOutcome {
                format: outcome.format,
                notes: outcome.notes,
                grid: outcome.grid.finish(),
            })
        });
        let mut normaliser = normaliser.into_inner();
        let table = read.map_err(|e| e.to_string()).and_then(|outcome| {
            findings.extend(outcome.notes.into_iter().map(Finding::info));
            outcome.grid.map_err(|e| e.to_string())
        });
        stage("read, laid out and matched");
        let table = match table {
            Ok(table) => table,
            Err(message) => {
                findings.push(Finding::error(message.clone()));
                let json = serde_json::to_string(&findings).expect("findings serialise");
                normaliser.abandon().rejected(&message, &json)?;
                return Ok(IngestResult {
                    submission: info("rejected", &stored),
                    rows: Vec::new(),
                    findings,
                    counts: RowCounts::default(),
                });
            }
        };
        if !table.streamed {
            normaliser.feed(&table.sheet, table.rows);
            stage("matched");
        }
        findings.extend(table.findings);
        let (rows, counts, findings, keeper) = normaliser.finish(findings);
        let json = serde_json::to_string(&findings).expect("findings serialise");
        keeper.processed(&json)?;
        tracing::debug!(
            elapsed_us = started.elapsed().as_micros() as u64,
            resident_mb = ?crate::memory::resident_mb(),
            rows = counts.stored,
            "ingest: stored"
        );
        Ok(IngestResult {
            submission: info("processed", &stored),
            rows,
            findings,
            counts,
        })
    })
}

/// Deletes the rows of uploads a crash left without an outcome (see [`store`]); returns
/// how many. Processes that store uploads run it as they open the database
/// ([`crate::app::open_database_for_uploads`]).
pub fn sweep_abandoned_rows(conn: &mut DbConnection) -> AppResult<usize> {
    store::sweep_abandoned(conn)
}

/// The plan's tasks with this agency's role in each.
fn task_refs(
    conn: &mut DbConnection,
    plan_id: i64,
    agency_id: i64,
) -> AppResult<Vec<(i64, TaskRef)>> {
    let tasks = plans::tasks_of(conn, plan_id)?;
    let groups = plans::group_titles(conn, plan_id)?;
    let roles: std::collections::HashMap<i64, String> =
        plans::tasks_of_agency(conn, plan_id, agency_id)?
            .into_iter()
            .map(|(t, role)| (t.id, role))
            .collect();
    Ok(tasks
        .iter()
        .enumerate()
        .map(|(index, task)| {
            let assigned = roles.get(&task.id).map(|role| {
                if role == "lead" {
                    AssignmentRole::Lead
                } else {
                    AssignmentRole::Coordinating
                }
            });
            (
                task.id,
                TaskRef {
                    index,
                    code: task.code.clone(),
                    title: task.title.clone(),
                    group: task
                        .group_id
                        .and_then(|g| groups.get(&g).cloned())
                        .unwrap_or_default(),
                    assigned,
                },
            )
        })
        .collect())
}

/// The stored rows of an identical earlier upload, in the same shape.
fn earlier_result(
    conn: &mut DbConnection,
    stored: &StoredOriginal,
    mut findings: Vec<Finding>,
    info: impl Fn(&str, &StoredOriginal) -> SubmissionInfo,
    back: RowsBack,
) -> AppResult<IngestResult> {
    let submission = submissions::get(conn, stored.id)?;
    let earlier: Vec<Finding> = serde_json::from_str(&submission.findings).unwrap_or_default();
    findings.push(Finding::info(format!(
        "Tệp này giống hệt tệp đã gửi trước đó (phiên bản {}); không tạo phiên bản mới.",
        stored.version
    )));
    findings.extend(
        earlier
            .into_iter()
            .filter(|f| f.severity != Severity::Info || f.row.is_some()),
    );
    let tasks = plans::tasks_of(conn, submission.plan_id)?;
    let code_of = |id: Option<i64>| {
        id.and_then(|id| tasks.iter().find(|t| t.id == id))
            .map(|t| t.code.clone())
    };
    let rows = submissions::processed_rows_of(conn, &submission)?
        .into_iter()
        .map(|r| RowOut {
            task_code: code_of(r.task_id),
            status: r.status,
            progress_percent: r.progress_percent.map(f64::from),
            result: r.result,
            difficulties: r.difficulties,
            proposals: r.proposals,
            match_: MatchOut {
                method: r.match_method,
                score: r.match_score.unwrap_or(0) as f64 / 1000.0,
            },
            source: SourceOut {
                sheet: r.sheet,
                row: r.source_row as u32,
            },
        })
        .collect::<Vec<_>>();
    let counts = RowCounts {
        stored: rows.len(),
        matched: rows.iter().filter(|r| r.task_code.is_some()).count(),
    };
    Ok(IngestResult {
        submission: info(&submission.outcome, stored),
        rows: if back == RowsBack::All {
            rows
        } else {
            Vec::new()
        },
        findings,
        counts,
    })
}
