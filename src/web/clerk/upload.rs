//! The upload: a plain multipart form (works without JavaScript; `upload.js` only adds
//! drag-and-drop and a size check before sending).
//!
//! The size limit is enforced before the body is read whole: a declared Content-Length over
//! the limit is refused at once, and a body without one (chunked) is read only up to the
//! limit. The body is read completely before a pooled database connection is taken, and the
//! blocking ingest (isolated reader, matching, storing) runs on the blocking pool.

use actix_web::{post, web, HttpRequest};

use super::super::{
    auth::CurrentUser,
    multipart,
    page::{see_other, PageError, PageResult},
    AppState,
};
use crate::{
    commands::ingest::content_type_of,
    db::{agencies, audit, listings},
    error::AppError,
    ingest::pipeline::{self, Reader, Upload},
};

/// Room for the form's other fields and the multipart framing around the file.
pub const FORM_OVERHEAD: usize = 64 * 1024;

#[post("/van-thu/gui")]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    payload: web::Payload,
) -> PageResult {
    let agency_id = user.agency()?;
    let max = state.config.upload.max_bytes;
    let limit = max + FORM_OVERHEAD;
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(PageError::TooLarge(max));
    }
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multipart::boundary(content_type).ok_or_else(|| {
        AppError::BadRequest("Biểu mẫu gửi tệp không hợp lệ (cần multipart/form-data).".into())
    })?;
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(body)) => body,
        Err(_) => return Err(PageError::TooLarge(max)),
        // The application's PayloadConfig may stop the stream first.
        Ok(Err(e))
            if matches!(
                e.as_error::<actix_web::error::PayloadError>(),
                Some(actix_web::error::PayloadError::Overflow)
            ) =>
        {
            return Err(PageError::TooLarge(max))
        }
        Ok(Err(e)) => {
            return Err(AppError::BadRequest(format!("Không nhận được trọn tệp: {e}")).into())
        }
    };
    let parts = multipart::parse(&body, &boundary)
        .ok_or_else(|| AppError::BadRequest("Biểu mẫu gửi tệp không đọc được.".into()))?;
    drop(body);
    let field = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name && p.file_name.is_none())
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
            .unwrap_or_default()
    };
    user.check_csrf(&field("csrf"))?;
    let plan = field("ke_hoach");
    let period = field("ky");
    let file = parts
        .iter()
        .find(|p| p.name == "tep" && p.file_name.is_some())
        .ok_or_else(|| AppError::BadRequest("Chưa chọn tệp báo cáo.".into()))?;
    if file.data.is_empty() {
        return Err(AppError::BadRequest("Tệp đã chọn trống (0 byte).".into()).into());
    }
    if file.data.len() > max {
        return Err(PageError::TooLarge(max));
    }
    let file_name = multipart::base_name(file.file_name.as_deref().unwrap_or("bao-cao.xlsx"));
    let bytes = file.data.clone();
    drop(parts);
    let reader = Reader::from_config(&state.config.upload);
    let actor = user.actor();
    let user_id = user.user_id;
    let result = state
        .db
        .run(move |conn| {
            // The agency is the clerk's own, never one named by the form, and the plan one
            // in which it has tasks.
            let agency = agencies::get(conn, agency_id)?;
            if !listings::plans_of_agency(conn, agency_id)?
                .iter()
                .any(|p| p.id.to_string() == plan)
            {
                return Err(AppError::BadRequest(format!(
                    "{} không có nhiệm vụ trong kế hoạch này nên không gửi báo cáo cho kế hoạch này được.",
                    agency.name
                )));
            }
            let result = pipeline::ingest(
                conn,
                &reader,
                &Upload {
                    plan: &plan,
                    agency: &agency.name,
                    period: &period,
                    file_name: &file_name,
                    content_type: content_type_of(&file_name),
                    bytes: &bytes,
                    uploaded_by: Some(user_id),
                },
            )?;
            audit::record(
                conn,
                &actor,
                "submission.upload",
                "submission",
                Some(result.submission.id.to_string()),
                Some(format!(
                    "{file_name} ({} byte, {})",
                    bytes.len(),
                    result.submission.outcome
                )),
            )?;
            Ok(result)
        })
        .await?;
    Ok(see_other(&format!(
        "/bao-cao/{}?moi=1",
        result.submission.id
    )))
}
