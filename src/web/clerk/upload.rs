//! The upload: a plain multipart form (works without JavaScript; `upload.js` only adds
//! drag-and-drop and a size check before sending).
//!
//! The size limit and the rule on what a clerk may report for are those of
//! [`super::super::intake`], shared with the API: the body is refused before being read whole
//! when over the limit, and the upload always goes to the clerk's own agency.

use actix_web::{post, web, HttpRequest};

use super::super::{
    auth::CurrentUser,
    intake::{self, Intake},
    multipart,
    page::{see_other, PageError, PageResult},
    AppState,
};
use crate::{error::AppError, ingest::pipeline::Reader};

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
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multipart::boundary(content_type).ok_or_else(|| {
        AppError::BadRequest("Biểu mẫu gửi tệp không hợp lệ (cần multipart/form-data).".into())
    })?;
    let body = intake::read_body(&req, payload, max + FORM_OVERHEAD, max).await?;
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
    // The agency is the clerk's own, never one named by the form.
    let result = state
        .db
        .run(move |conn| {
            intake::store(
                conn,
                &reader,
                &Intake {
                    agency_id,
                    plan: &plan,
                    period: &period,
                    file_name: &file_name,
                    bytes: &bytes,
                    uploaded_by: user_id,
                    actor: &actor,
                    action: "submission.upload",
                },
            )
        })
        .await?;
    Ok(see_other(&format!(
        "/bao-cao/{}?moi=1",
        result.submission.id
    )))
}
