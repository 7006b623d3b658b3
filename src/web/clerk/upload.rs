//! The upload: a plain multipart form (works without JavaScript; `upload.js` only adds
//! drag-and-drop and a size check before sending).
//!
//! The size limit and the rule on what a clerk may report for are those of
//! [`super::super::intake`], shared with the API: the body is refused before being read whole
//! when over the limit, and the upload always goes to the clerk's own agency.

use actix_web::{post, web, HttpRequest};

use super::super::{
    auth::CurrentUser,
    intake::{self, Intake, UploadForm},
    multipart,
    page::{see_other, PageError, PageResult},
    AppState,
};
use crate::ingest::pipeline::{Reader, RowsBack};

#[post("/van-thu/gui")]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    payload: web::Payload,
) -> PageResult {
    let agency_id = user.agency()?;
    let max = state.config.upload.max_bytes;
    let form = UploadForm::read(&req, payload, max).await?;
    user.check_csrf(&form.field("csrf"))?;
    let plan = form.field("ke_hoach");
    let period = form.field("ky");
    let file = form.file("tep", "Chưa chọn tệp báo cáo.")?;
    if file.data.len() > max {
        return Err(PageError::TooLarge(max));
    }
    let file_name = multipart::base_name(file.file_name.as_deref().unwrap_or("bao-cao.xlsx"));
    let bytes = file.data.clone();
    drop(form);
    let reader = Reader::from_config(&state.config.upload);
    let actor = user.actor();
    let user_id = user.user_id;
    // The agency is the clerk's own, never one named by the form.
    let result = intake::in_turn(&state, move |conn| {
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
                rows: RowsBack::Counts,
            },
        )
    })
    .await?;
    Ok(see_other(&format!(
        "/bao-cao/{}?moi=1",
        result.submission.id
    )))
}
