//! One submission: the clerk's result page and the secretariat's drill-down are the same
//! page (the normalised rows beside the original's download, the findings, the annotated
//! copy). Access: a clerk only to their own agency's versions (anything else answers 404, so
//! a clerk cannot even learn which ids exist); the secretariat and administrators to all.

use std::collections::HashMap;

use actix_web::{get, web};
use serde::Deserialize;

use super::{
    auth::CurrentUser,
    clerk::{findings_count, outcome_label},
    page::{download, escape, html, layout, PageError, PageResult, XLSX},
    vn, AppState,
};
use crate::{
    db::{
        agencies, audit, plans,
        submissions::{self, Submission},
        users::Role,
        DbConnection,
    },
    domain::{
        finding::{Finding, Severity},
        period::Month,
    },
    error::{AppError, AppResult},
    round_trip::annotate,
};

/// The submission if this user may see it; NotFound otherwise.
fn visible(conn: &mut DbConnection, user: &CurrentUser, id: i64) -> AppResult<Submission> {
    visible_to(conn, user.role, user.agency_id, user.user_id, id)
}

/// The submission if a user with this role (and agency) may see it; NotFound otherwise, so
/// a clerk cannot even learn which ids exist. Shared by the pages and the API.
pub fn visible_to(
    conn: &mut DbConnection,
    role: Role,
    agency_id: Option<i64>,
    user_id: i64,
    id: i64,
) -> AppResult<Submission> {
    let submission = submissions::get(conn, id)?;
    let allowed = match role {
        Role::Secretariat | Role::Admin => true,
        Role::Clerk => {
            agency_id == Some(submission.agency_id) || submission.uploaded_by == Some(user_id)
        }
    };
    if allowed {
        Ok(submission)
    } else {
        Err(AppError::NotFound(format!("báo cáo số {id}")))
    }
}

pub fn status_label(status: &str) -> &'static str {
    match status {
        "done" => "Hoàn thành",
        "in_progress" => "Đang thực hiện",
        "not_started" => "Chưa thực hiện",
        "ongoing" => "Thường xuyên",
        _ => "—",
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    moi: Option<u8>,
}

#[get("/bao-cao/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    query: web::Query<NewQuery>,
) -> PageResult {
    let id = path.into_inner();
    let viewer = user.clone();
    let (submission, agency, plan, rows, codes) = state
        .db
        .run(move |conn| {
            let submission = visible(conn, &viewer, id)?;
            let agency = agencies::get(conn, submission.agency_id)?;
            let plan = plans::get(conn, submission.plan_id)?;
            let rows = submissions::processed_rows_of(conn, &submission)?;
            let codes: HashMap<i64, String> = plans::tasks_of(conn, plan.id)?
                .into_iter()
                .map(|t| (t.id, t.code))
                .collect();
            Ok((submission, agency, plan, rows, codes))
        })
        .await?;
    let findings: Vec<Finding> = serde_json::from_str(&submission.findings).unwrap_or_default();
    let matched = rows.iter().filter(|r| r.task_id.is_some()).count();
    let mut body = String::new();
    if query.moi.is_some() {
        body.push_str(r#"<p class="ok" role="status">Đã nhận tệp. Kết quả đối chiếu ở dưới.</p>"#);
    }
    body.push_str(&format!(
        r#"<h1>Báo cáo {period} — {agency}</h1>
<dl class="facts"><dt>Kế hoạch</dt><dd>{plan}</dd><dt>Tệp</dt><dd>{file} ({size})</dd><dt>Phiên bản</dt><dd>{version}</dd><dt>Thời gian gửi</dt><dd>{at}</dd><dt>Kết quả</dt><dd>{outcome}</dd><dt>Dòng khớp nhiệm vụ</dt><dd>{matched}/{total}</dd><dt>Phát hiện</dt><dd>{nfind}</dd></dl>
<p class="actions"><a class="button secondary" href="/bao-cao/{id}/tep-goc">Tải tệp gốc</a>"#,
        period = Month::parse(&submission.period)
            .map(|m| m.label())
            .unwrap_or_else(|| escape(&submission.period)),
        agency = escape(&agency.name),
        plan = escape(plan.number.as_deref().unwrap_or(&plan.title)),
        file = escape(&submission.file_name),
        size = vn::size(submission.size_bytes.max(0) as usize),
        version = submission.version,
        at = vn::datetime(submission.uploaded_at),
        outcome = outcome_label(&submission),
        total = rows.len(),
        nfind = findings_count(&submission),
        id = submission.id,
    ));
    if submission.outcome == "processed" {
        body.push_str(&format!(
            r#" <a class="button secondary" href="/bao-cao/{}/ghi-chu">Tải bản có ghi chú cần sửa</a>"#,
            submission.id
        ));
    }
    body.push_str("</p>");
    if let Some(message) = &submission.outcome_message {
        body.push_str(&format!(r#"<p class="error">{}</p>"#, escape(message)));
    }
    if !findings.is_empty() {
        body.push_str("<h2>Cần xem lại</h2><ul class=\"findings\">");
        for f in &findings {
            let (class, label) = match f.severity {
                Severity::Error => ("error", "Lỗi"),
                Severity::Warning => ("warn", "Cảnh báo"),
                Severity::Info => ("info", "Lưu ý"),
            };
            let row = f.row.map(|r| format!("dòng {r}: ")).unwrap_or_default();
            body.push_str(&format!(
                r#"<li class="{class}"><strong>{label}</strong> {row}{}</li>"#,
                escape(&f.message)
            ));
        }
        body.push_str("</ul>");
    }
    if !rows.is_empty() {
        body.push_str("<h2>Nội dung đã đọc</h2><div class=\"scroll\"><table><thead><tr><th>Dòng</th><th>Nhiệm vụ</th><th>Trạng thái</th><th>Tiến độ</th><th>Kết quả thực hiện</th><th>Khó khăn, vướng mắc</th><th>Đề xuất</th></tr></thead><tbody>");
        for r in &rows {
            body.push_str(&format!(
                r#"<tr><td class="num">{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                r.source_row,
                r.task_id
                    .and_then(|t| codes.get(&t))
                    .map(|c| escape(c))
                    .unwrap_or_else(|| "<em>không khớp</em>".into()),
                r.status.as_deref().map(status_label).unwrap_or("—"),
                r.progress_percent
                    .map(|p| format!("{}%", vn::number(f64::from(p), 0)))
                    .unwrap_or_default(),
                escape(&r.result),
                escape(&r.difficulties),
                escape(&r.proposals),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    Ok(html(layout("Kết quả báo cáo", Some(&user), &body)))
}

#[get("/bao-cao/{id}/tep-goc")]
pub async fn original(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> PageResult {
    let id = path.into_inner();
    let actor = user.actor();
    let (submission, bytes) = state
        .db
        .run(move |conn| {
            let submission = visible(conn, &user, id)?;
            let bytes = submissions::original_bytes(conn, id)?;
            audit::record(
                conn,
                &actor,
                "submission.download_original",
                "submission",
                Some(id.to_string()),
                None,
            )?;
            Ok((submission, bytes))
        })
        .await
        .map_err(PageError::from)?;
    Ok(download(
        bytes,
        &submission.file_name,
        &submission.content_type,
    ))
}

#[get("/bao-cao/{id}/ghi-chu")]
pub async fn annotated(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> PageResult {
    let id = path.into_inner();
    let actor = user.actor();
    let (submission, bytes) = state
        .db
        .run(move |conn| {
            let submission = visible(conn, &user, id)?;
            let bytes = submissions::original_bytes(conn, id)?;
            audit::record(
                conn,
                &actor,
                "submission.download_annotated",
                "submission",
                Some(id.to_string()),
                None,
            )?;
            Ok((submission, bytes))
        })
        .await
        .map_err(PageError::from)?;
    let copy =
        web::block(move || annotate::of_submission(&submission, &bytes).map(|c| (c, submission)))
            .await??;
    let stem = copy
        .1
        .file_name
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(&copy.1.file_name)
        .to_string();
    Ok(download(copy.0, &format!("{stem}_ghi-chu.xlsx"), XLSX))
}
