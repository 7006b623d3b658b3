//! `/quan-tri/ke-hoach`: administrators import a plan document (.docx, .txt/.md, or an
//! assignment table .xlsx/.xls) as a draft, review its tasks and the importer's findings,
//! then activate it ("Kích hoạt") so agencies report against it.
//!
//! The import is the CLI's ([`crate::commands::plan::import_new`]); its findings are kept in
//! `plan_imports` so the review page shows them until the plan is activated (and after).

use actix_web::{get, post, web, HttpRequest};
use serde::Deserialize;

use super::super::{
    auth::{percent_encode, CsrfForm, CurrentUser},
    intake::UploadForm,
    multipart,
    page::{escape, html, layout, see_other, PageResult},
    vn, AppState,
};
use crate::{
    commands::plan::import_new,
    db::{audit, plan_imports, plans, users::Role},
    domain::finding::{Finding, Severity},
    error::AppError,
};

#[derive(Deserialize)]
pub struct Notice {
    xong: Option<String>,
}

fn notice_html(notice: &Notice) -> String {
    notice
        .xong
        .as_deref()
        .map(|n| format!(r#"<p class="ok" role="status">{}</p>"#, escape(n)))
        .unwrap_or_default()
}

fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Đang áp dụng",
        "archived" => "Lưu trữ",
        _ => "Bản nháp (chưa áp dụng)",
    }
}

#[get("/quan-tri/ke-hoach")]
pub async fn plans_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    notice: web::Query<Notice>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let list = state
        .db
        .run(|conn| {
            plans::list(conn)?
                .into_iter()
                .map(|p| {
                    let tasks = plans::tasks_of(conn, p.id)?.len();
                    Ok((p, tasks))
                })
                .collect::<Result<Vec<_>, AppError>>()
        })
        .await?;
    let mut body = format!("<h1>Kế hoạch</h1>{}", notice_html(&notice));
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>Số</th><th>Số hiệu</th><th>Tỉnh</th><th>Trích yếu</th><th>Nhiệm vụ</th><th>Trạng thái</th></tr></thead><tbody>");
    for (p, tasks) in &list {
        body.push_str(&format!(
            r#"<tr><td class="num">{id}</td><td><a href="/quan-tri/ke-hoach/{id}">{number}</a></td><td>{province}</td><td>{title}</td><td class="num">{tasks}</td><td>{status}</td></tr>"#,
            id = p.id,
            number = escape(p.number.as_deref().unwrap_or("(chưa có số)")),
            province = escape(&p.province),
            title = escape(&p.title),
            status = status_label(&p.status),
        ));
    }
    if list.is_empty() {
        body.push_str(r#"<tr><td colspan="6">Chưa có kế hoạch nào.</td></tr>"#);
    }
    body.push_str("</tbody></table></div>");
    body.push_str(&format!(
        r#"<h2>Nhập kế hoạch mới</h2><form method="post" action="/quan-tri/ke-hoach" enctype="multipart/form-data" class="card narrow"><input type="hidden" name="csrf" value="{csrf}">
<label>Văn bản kế hoạch (.docx, .txt, .md) hoặc bảng phân công nhiệm vụ (.xlsx, .xls)<input type="file" name="tep" accept=".docx,.txt,.md,.xlsx,.xls" required></label>
<label>Tỉnh ban hành (khi văn bản không ghi rõ)<input name="tinh"></label>
<p class="muted">Dung lượng tối đa {max}. Kế hoạch được lưu ở dạng bản nháp để rà soát danh mục nhiệm vụ và các điểm cần xem lại trước khi kích hoạt.</p><button type="submit">Nhập kế hoạch</button></form>"#,
        csrf = escape(&user.csrf),
        max = vn::size(state.config.upload.max_bytes),
    ));
    Ok(html(layout("Kế hoạch", Some(&user), &body)))
}

#[post("/quan-tri/ke-hoach")]
pub async fn import_plan(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    payload: web::Payload,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let max = state.config.upload.max_bytes;
    let form = UploadForm::read(&req, payload, max).await?;
    user.check_csrf(&form.field("csrf"))?;
    let province = form.field("tinh");
    let file = form.file("tep", "Chưa chọn tệp kế hoạch.")?;
    let name = multipart::base_name(file.file_name.as_deref().unwrap_or("ke-hoach.docx"));
    let bytes = file.data.clone();
    drop(form);
    let actor = user.actor();
    let user_id = user.user_id;
    let plan_id = state
        .db
        .run(move |conn| {
            let province = Some(province.as_str()).filter(|p| !p.is_empty());
            let new = import_new(conn, &bytes, &name, province, false)?;
            plan_imports::record(conn, new.plan_id, &name, &new.findings, Some(user_id))?;
            audit::record(
                conn,
                &actor,
                "plan.import",
                "plan",
                Some(new.plan_id.to_string()),
                Some(format!(
                    "{name}: {} nhiệm vụ, {} điểm cần xem lại",
                    new.tasks,
                    new.findings.len()
                )),
            )?;
            Ok(new.plan_id)
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/ke-hoach/{plan_id}?xong={}",
        percent_encode("Đã nhập kế hoạch ở dạng bản nháp. Hãy rà soát rồi kích hoạt.")
    )))
}

fn findings_html(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return r#"<p class="ok">Không có điểm nào cần xem lại.</p>"#.into();
    }
    let mut out = String::from(r#"<ul class="findings">"#);
    for f in findings {
        let (class, label) = match f.severity {
            Severity::Error => ("error", "Lỗi"),
            Severity::Warning => ("warn", "Cảnh báo"),
            Severity::Info => ("info", "Lưu ý"),
        };
        let place = f
            .where_
            .as_deref()
            .map(|w| format!(" [{}]", escape(w)))
            .unwrap_or_default();
        out.push_str(&format!(
            r#"<li class="{class}"><strong>{label}</strong>{place} {}</li>"#,
            escape(&f.message)
        ));
    }
    out.push_str("</ul>");
    out
}

#[get("/quan-tri/ke-hoach/{id}")]
pub async fn review(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    notice: web::Query<Notice>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let id = path.into_inner();
    let (plan, draft, import) = state
        .db
        .run(move |conn| {
            let plan = plans::get(conn, id)?;
            let draft = plans::draft_of(conn, id)?;
            let import = plan_imports::of_plan(conn, id)?;
            Ok((plan, draft, import))
        })
        .await?;
    let mut body = format!(
        r#"<h1>Kế hoạch {number}</h1>{notice}<dl class="facts"><dt>Tỉnh</dt><dd>{province}</dd><dt>Ngày ban hành</dt><dd>{issued}</dd><dt>Trích yếu</dt><dd>{title}</dd><dt>Trạng thái</dt><dd>{status}</dd><dt>Số nhiệm vụ</dt><dd>{tasks}</dd>{source}</dl>"#,
        number = escape(plan.number.as_deref().unwrap_or("(chưa có số)")),
        notice = notice_html(&notice),
        province = escape(&plan.province),
        issued = plan.issued_on.map(vn::date).unwrap_or_default(),
        title = escape(&plan.title),
        status = status_label(&plan.status),
        tasks = draft.tasks.len(),
        source = import
            .as_ref()
            .map(|i| format!(
                "<dt>Tệp nhập</dt><dd>{} ({})</dd>",
                escape(&i.source_file_name),
                vn::datetime(i.imported_at)
            ))
            .unwrap_or_default(),
    );
    for rule in &draft.plan.report_rules {
        if let Some(text) = &rule.text {
            body.push_str(&format!(
                r#"<p class="muted">Chế độ báo cáo: {}</p>"#,
                escape(text)
            ));
        }
    }
    if plan.status != "active" {
        body.push_str(&format!(
            r#"<form method="post" action="/quan-tri/ke-hoach/{id}/kich-hoat" class="actions"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">Kích hoạt</button> <span class="muted">Sau khi kích hoạt, các cơ quan báo cáo theo danh mục nhiệm vụ này.</span></form>"#,
            id = plan.id,
            csrf = escape(&user.csrf)
        ));
    }
    body.push_str("<h2>Điểm cần xem lại</h2>");
    match &import {
        Some(i) => body.push_str(&findings_html(&i.finding_list())),
        None => body.push_str(
            r#"<p class="muted">Kế hoạch này được nhập bằng dòng lệnh; các điểm cần xem lại đã in ra lúc nhập.</p>"#,
        ),
    }
    body.push_str("<h2>Danh mục nhiệm vụ</h2><div class=\"scroll\"><table><thead><tr><th>Mã</th><th>Nhiệm vụ</th><th>Nhóm</th><th>Chủ trì</th><th>Phối hợp</th><th>Thời hạn</th></tr></thead><tbody>");
    for t in &draft.tasks {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.code),
            escape(&t.title),
            escape(&t.group),
            escape(&t.lead.join("; ")),
            escape(&t.coordinating.join("; ")),
            escape(&t.due.text),
        ));
    }
    if draft.tasks.is_empty() {
        body.push_str(r#"<tr><td colspan="6">Không đọc được nhiệm vụ nào.</td></tr>"#);
    }
    body.push_str("</tbody></table></div>");
    Ok(html(layout("Rà soát kế hoạch", Some(&user), &body)))
}

#[post("/quan-tri/ke-hoach/{id}/kich-hoat")]
pub async fn activate(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            let plan = plans::get(conn, id)?;
            if plan.status == "active" {
                return Err(AppError::Conflict("Kế hoạch này đã được kích hoạt.".into()));
            }
            plans::activate(conn, id)?;
            audit::record(
                conn,
                &actor,
                "plan.activate",
                "plan",
                Some(id.to_string()),
                plan.number,
            )
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/ke-hoach/{id}?xong={}",
        percent_encode("Đã kích hoạt kế hoạch: các cơ quan báo cáo theo danh mục nhiệm vụ này.")
    )))
}
