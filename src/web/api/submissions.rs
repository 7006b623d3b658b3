//! `POST /api/v1/submissions` (upload), `GET /api/v1/submissions/{id}` (status, rows,
//! findings) and `GET /api/v1/submissions/{id}/original` (the file as it was sent, byte for
//! byte).
//!
//! The upload's body is the file itself (`curl --data-binary @BC.xlsx`), not a form: a script
//! has the bytes already, and there is no multipart framing to get wrong. Its name comes from
//! the `X-File-Name` header (percent-encoded UTF-8, as `encodeURIComponent` writes it); the
//! plan, period and, for the secretariat, the agency come from the query string.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::{
    super::{
        intake::{self, Intake},
        multipart,
        page::download,
        submission::visible_to,
        AppState,
    },
    ApiUser,
};
use crate::{
    db::{agencies, audit, plans, submissions, users::Role, DbConnection},
    domain::finding::Finding,
    error::{AppError, AppResult},
    ingest::pipeline::{Reader, RowsBack},
};

/// File name used when the request does not send one.
pub const DEFAULT_FILE_NAME: &str = "bao-cao.xlsx";

#[derive(Deserialize)]
pub struct UploadQuery {
    plan: String,
    period: String,
    /// The reporting agency (id, name or abbreviation); a clerk's own agency when omitted.
    agency: Option<String>,
}

#[post("/submissions")]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: ApiUser,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let file_name = req
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .map(|n| multipart::base_name(&n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| DEFAULT_FILE_NAME.to_string());
    // Who the report is for is settled before the body is read.
    let who = user.clone();
    let plan_key = query.plan.clone();
    let agency_id = state
        .db
        .run(move |conn| reporting_agency(conn, &who, &plan_key, query.agency.as_deref()))
        .await?;
    let max = state.config.upload.max_bytes;
    let bytes = intake::read_body(&req, payload, max, max).await?;
    let reader = Reader::from_config(&state.config.upload);
    let actor = user.actor();
    let result = intake::in_turn(&state, move |conn| {
        intake::store(
            conn,
            &reader,
            &Intake {
                agency_id,
                plan: &query.plan,
                period: &query.period,
                file_name: &file_name,
                bytes: &bytes,
                uploaded_by: user.user_id,
                actor: &actor,
                action: "api.submission.upload",
                rows: RowsBack::All,
            },
        )
    })
    .await?;
    let mut response = if result.submission.duplicate {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(response
        .insert_header((
            "Location",
            format!("/api/v1/submissions/{}", result.submission.id),
        ))
        .json(&result))
}

/// The agency an upload is for: a clerk's own (naming another is refused), or the one a
/// secretariat or administrator names (required), looked up in the plan's province.
fn reporting_agency(
    conn: &mut DbConnection,
    user: &ApiUser,
    plan: &str,
    named: Option<&str>,
) -> AppResult<i64> {
    let named = named.map(str::trim).filter(|a| !a.is_empty());
    let find = |conn: &mut DbConnection, written: &str| -> AppResult<Option<i64>> {
        if let Ok(id) = written.parse::<i64>() {
            return Ok(agencies::get(conn, id).ok().map(|a| a.id));
        }
        let plan = plans::find(conn, plan)?;
        Ok(agencies::find_by_spelling(conn, &plan.province, written)?.map(|a| a.id))
    };
    match user.role {
        Role::Clerk => {
            let own = user.agency_id.ok_or_else(|| {
                AppError::Forbidden("Tài khoản văn thư này chưa gắn với cơ quan nào.".into())
            })?;
            match named {
                None => Ok(own),
                Some(written) if find(conn, written)? == Some(own) => Ok(own),
                Some(_) => Err(AppError::Forbidden(
                    "Văn thư chỉ gửi được báo cáo của cơ quan mình.".into(),
                )),
            }
        }
        Role::Secretariat | Role::Admin => {
            let written = named.ok_or_else(|| {
                AppError::BadRequest(
                    "Cần tham số agency: cơ quan gửi báo cáo (số, tên hoặc tên viết tắt).".into(),
                )
            })?;
            find(conn, written)?.ok_or_else(|| AppError::NotFound(format!("cơ quan \"{written}\"")))
        }
    }
}

/// Decodes `%XX` escapes (UTF-8); anything malformed is kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[get("/submissions/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let body = state
        .db
        .run(move |conn| {
            let s = visible_to(conn, user.role, user.agency_id, user.user_id, id)?;
            let agency = agencies::get(conn, s.agency_id)?;
            let plan = plans::get(conn, s.plan_id)?;
            let codes: HashMap<i64, String> = plans::tasks_of(conn, s.plan_id)?
                .into_iter()
                .map(|t| (t.id, t.code))
                .collect();
            let rows: Vec<serde_json::Value> = submissions::processed_rows_of(conn, &s)?
                .into_iter()
                .map(|r| {
                    json!({
                        "task_code": r.task_id.and_then(|t| codes.get(&t)),
                        "status": r.status,
                        "progress_percent": r.progress_percent,
                        "result": r.result,
                        "difficulties": r.difficulties,
                        "proposals": r.proposals,
                        "match": {
                            "method": r.match_method,
                            "score": r.match_score.map(|s| f64::from(s) / 1000.0).unwrap_or(0.0),
                        },
                        "source": {"sheet": r.sheet, "row": r.source_row},
                    })
                })
                .collect();
            let findings: Vec<Finding> = serde_json::from_str(&s.findings).unwrap_or_default();
            Ok(json!({
                "submission": {
                    "id": s.id,
                    "version": s.version,
                    "sha256": s.sha256,
                    "plan_id": s.plan_id,
                    "plan": plan.number,
                    "agency_id": s.agency_id,
                    "agency": agency.name,
                    "period": s.period,
                    "outcome": s.outcome,
                    "outcome_message": s.outcome_message,
                    "file_name": s.file_name,
                    "size_bytes": s.size_bytes,
                    "uploaded_at": super::periods::utc(s.uploaded_at),
                },
                "rows": rows,
                "findings": findings,
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(
            percent_decode("B%C3%A1o%20c%C3%A1o%2011.xlsx"),
            "Báo cáo 11.xlsx"
        );
        assert_eq!(percent_decode("plain.xlsx"), "plain.xlsx");
        assert_eq!(percent_decode("50%.xlsx"), "50%.xlsx");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}

/// The original file of a submission, byte for byte, under the name it was sent with.
#[get("/submissions/{id}/original")]
pub async fn original(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let actor = user.actor();
    let (submission, bytes) = state
        .db
        .run(move |conn| {
            let submission = visible_to(conn, user.role, user.agency_id, user.user_id, id)?;
            let bytes = submissions::original_bytes(conn, id)?;
            audit::record(
                conn,
                &actor,
                "api.submission.download_original",
                "submission",
                Some(id.to_string()),
                None,
            )?;
            Ok((submission, bytes))
        })
        .await?;
    Ok(download(
        bytes,
        &submission.file_name,
        &submission.content_type,
    ))
}
