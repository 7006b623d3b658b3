//! The one way an upload reaches the ingest pipeline from the web, shared by the clerk's
//! upload form ([`super::clerk::upload`]) and the API (`POST /api/v1/submissions`), so both
//! enforce the same size limit and the same rule on who may report for what.
//!
//! - [`UploadForm::read`]: a page's multipart form with one file, read within the same limit
//!   (plus room for the other fields), its fields and file picked by name.
//! - [`read_body`]: the body is read only up to the limit. A declared Content-Length over it
//!   is refused at once; a body without one (chunked) is cut off once past the limit. It is
//!   read completely before a pooled database connection is taken.
//! - [`in_turn`]: at most two uploads per core are ingested at once, the others wait in
//!   arrival order (a fair semaphore). The work is CPU-bound, so more at once only makes
//!   every upload slower; first-come-first-served keeps the deadline-day tail short (p99
//!   near the mean wait) instead of letting the pool's waiters race.
//! - [`store`]: the plan must be active and the agency must have tasks in it; then
//!   [`pipeline::ingest_read`] (isolated reader, matching, storing) and an audit entry, on the
//!   blocking pool.

use actix_web::{web, HttpRequest};

use super::{
    multipart::{self, Part},
    AppState,
};
use crate::{
    commands::ingest::content_type_of,
    db::{agencies, audit, listings, DbConnection},
    error::{AppError, AppResult},
    ingest::pipeline::{self, IngestResult, Reader, RowsBack, Upload},
};

/// Runs blocking ingest work when its turn comes (see the module doc).
pub async fn in_turn<T, F>(state: &AppState, work: F) -> AppResult<T>
where
    F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let _turn = state
        .ingest_slots
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("hàng đợi nhận báo cáo đã đóng: {e}")))?;
    state.db.run(work).await
}

/// Room for a form's other fields besides its file.
pub const FORM_OVERHEAD: usize = 64 * 1024;

/// A page's `multipart/form-data` upload: text fields and files.
pub struct UploadForm {
    parts: Vec<Part>,
}

impl UploadForm {
    /// Reads and parses the form; the file may be at most `max` bytes.
    pub async fn read(
        req: &HttpRequest,
        payload: web::Payload,
        max: usize,
    ) -> AppResult<UploadForm> {
        let content_type = req
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let boundary = multipart::boundary(content_type).ok_or_else(|| {
            AppError::BadRequest("Biểu mẫu gửi tệp không hợp lệ (cần multipart/form-data).".into())
        })?;
        let body = read_body(req, payload, max + FORM_OVERHEAD, max).await?;
        let parts = multipart::parse(&body, &boundary)
            .ok_or_else(|| AppError::BadRequest("Biểu mẫu gửi tệp không đọc được.".into()))?;
        Ok(UploadForm { parts })
    }

    /// A text field, trimmed; empty when missing.
    pub fn field(&self, name: &str) -> String {
        self.parts
            .iter()
            .find(|p| p.name == name && p.file_name.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
            .unwrap_or_default()
    }

    /// The file sent as `name`, refused with `missing` when none was chosen, or when empty.
    pub fn file(&self, name: &str, missing: &str) -> AppResult<&Part> {
        let file = self
            .parts
            .iter()
            .find(|p| p.name == name && p.file_name.is_some())
            .ok_or_else(|| AppError::BadRequest(missing.to_string()))?;
        if file.data.is_empty() {
            return Err(AppError::BadRequest("Tệp đã chọn trống (0 byte).".into()));
        }
        Ok(file)
    }
}

/// Reads the request body, refusing it ([`AppError::TooLarge`], reporting `shown_max`) as
/// soon as it is known to exceed `limit` bytes.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    shown_max: usize,
) -> AppResult<web::Bytes> {
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(AppError::TooLarge(shown_max));
    }
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => Ok(body),
        Err(_) => Err(AppError::TooLarge(shown_max)),
        // The application's PayloadConfig may stop the stream first.
        Ok(Err(e))
            if matches!(
                e.as_error::<actix_web::error::PayloadError>(),
                Some(actix_web::error::PayloadError::Overflow)
            ) =>
        {
            Err(AppError::TooLarge(shown_max))
        }
        Ok(Err(e)) => Err(AppError::BadRequest(format!(
            "Không nhận được trọn tệp: {e}"
        ))),
    }
}

/// One upload for an agency, already authorised to report for it.
pub struct Intake<'a> {
    pub agency_id: i64,
    /// The plan as sent: its id, or its document number ("13/KH-UBND").
    pub plan: &'a str,
    pub period: &'a str,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub uploaded_by: i64,
    pub actor: &'a audit::Actor,
    /// The audit action: `submission.upload` (page) or `api.submission.upload`.
    pub action: &'a str,
    /// What the answer holds of the rows: the API answers with every row, the page only
    /// links to the submission.
    pub rows: RowsBack,
}

/// Stores and processes the upload for an active plan in which the agency has tasks.
pub fn store(conn: &mut DbConnection, reader: &Reader, intake: &Intake) -> AppResult<IngestResult> {
    let agency = agencies::get(conn, intake.agency_id)?;
    let plan_key = intake.plan.trim();
    let plan = listings::plans_of_agency(conn, intake.agency_id)?
        .into_iter()
        .find(|p| p.id.to_string() == plan_key || p.number.as_deref() == Some(plan_key))
        .ok_or_else(|| {
            AppError::BadRequest(format!(
                "{} không có nhiệm vụ trong kế hoạch này (hoặc kế hoạch chưa được áp dụng) nên không gửi báo cáo cho kế hoạch này được.",
                agency.name
            ))
        })?;
    let plan_id = plan.id.to_string();
    if intake.bytes.is_empty() {
        return Err(AppError::BadRequest("Tệp đã chọn trống (0 byte).".into()));
    }
    let result = pipeline::ingest_read(
        conn,
        reader,
        &Upload {
            plan: &plan_id,
            agency: &agency.name,
            period: intake.period.trim(),
            file_name: intake.file_name,
            content_type: content_type_of(intake.file_name),
            bytes: intake.bytes,
            uploaded_by: Some(intake.uploaded_by),
        },
        None,
        intake.rows,
    )?;
    audit::record(
        conn,
        intake.actor,
        intake.action,
        "submission",
        Some(result.submission.id.to_string()),
        Some(format!(
            "{} ({} byte, {})",
            intake.file_name,
            intake.bytes.len(),
            result.submission.outcome
        )),
    )?;
    Ok(result)
}
