//! The agency clerk's pages: the start page (open period, deadline, the agency's tasks,
//! template download, upload form) and the history of versions. Results of one upload are on
//! the shared submission page ([`super::submission`]).

pub mod upload;

use actix_web::{get, web};
use serde::Deserialize;

use super::{
    auth::CurrentUser,
    page::{download, escape, html, layout, PageError, PageResult, XLSX},
    vn, AppState,
};
use crate::{
    db::{
        agencies, audit, listings, now_utc,
        periods::{self, ReportingPeriod},
        plans,
        submissions::Submission,
    },
    domain::period::Month,
    round_trip::template,
};

/// The period a user works on now: the first whose deadline has not passed, else the last.
pub fn open_period(
    periods: &[ReportingPeriod],
    now: chrono::NaiveDateTime,
) -> Option<&ReportingPeriod> {
    periods
        .iter()
        .filter(|p| p.deadline >= now)
        .min_by_key(|p| p.deadline)
        .or_else(|| periods.iter().max_by_key(|p| p.period.clone()))
}

pub fn outcome_label(s: &Submission) -> &'static str {
    match s.outcome.as_str() {
        "processed" => "Đã tiếp nhận",
        "rejected" => "Không đọc được",
        _ => "Đang xử lý",
    }
}

pub fn findings_count(s: &Submission) -> usize {
    serde_json::from_str::<Vec<serde_json::Value>>(&s.findings)
        .map(|v| v.len())
        .unwrap_or(0)
}

struct PlanCard {
    plan: plans::Plan,
    period: Option<ReportingPeriod>,
    tasks: Vec<(plans::Task, String)>,
    latest: Option<Submission>,
}

#[get("/van-thu")]
pub async fn home(state: web::Data<AppState>, user: CurrentUser) -> PageResult {
    let agency_id = user.agency()?;
    let user_id = user.user_id;
    let (agency, cards) = state
        .db
        .run(move |conn| {
            let agency = agencies::get(conn, agency_id)?;
            let versions = listings::submissions_of_agency(conn, agency_id, user_id)?;
            let mut cards = Vec::new();
            for plan in listings::plans_of_agency(conn, agency_id)? {
                let all = periods::list(conn, plan.id)?;
                let period = open_period(&all, now_utc()).cloned();
                let tasks = plans::tasks_of_agency(conn, plan.id, agency_id)?;
                let latest = period.as_ref().and_then(|p| {
                    versions
                        .iter()
                        .find(|s| s.plan_id == plan.id && s.period == p.period)
                        .cloned()
                });
                cards.push(PlanCard {
                    plan,
                    period,
                    tasks,
                    latest,
                });
            }
            Ok((agency, cards))
        })
        .await?;
    let max = state.config.upload.max_bytes;
    let mut body = format!(
        "<h1>{}</h1><p class=\"muted\">Báo cáo tháng về tiến độ thực hiện kế hoạch gửi Thường trực Tổ công tác.</p>",
        escape(&agency.name)
    );
    if cards.is_empty() {
        body.push_str("<p>Đơn vị chưa được giao nhiệm vụ nào trong kế hoạch đang theo dõi.</p>");
    }
    for card in &cards {
        body.push_str(&plan_card(card, &user, max));
    }
    body.push_str(r#"<script src="/static/upload.js" defer></script>"#);
    Ok(html(layout("Trang của văn thư", Some(&user), &body)))
}

fn plan_card(card: &PlanCard, user: &CurrentUser, max_bytes: usize) -> String {
    let plan = &card.plan;
    let number = plan.number.as_deref().unwrap_or("(chưa có số)");
    let mut out = format!(
        r#"<section class="card"><h2>Kế hoạch {} <small>{}</small></h2>"#,
        escape(number),
        escape(&plan.title)
    );
    let Some(period) = &card.period else {
        out.push_str("<p>Kế hoạch chưa có kỳ báo cáo nào.</p></section>");
        return out;
    };
    let month = Month::parse(&period.period);
    out.push_str(&format!(
        r#"<p>Kỳ báo cáo: <strong>{}</strong> (số liệu từ {} đến {})</p><p class="deadline">{}</p>"#,
        month.map(|m| m.label()).unwrap_or_else(|| escape(&period.period)),
        vn::date(period.cutoff_start),
        vn::date(period.cutoff_end),
        vn::deadline_sentence(period.deadline, now_utc()),
    ));
    match &card.latest {
        Some(s) => out.push_str(&format!(
            r#"<p>Đã gửi: phiên bản {} lúc {} — {} · {} phát hiện. <a href="/bao-cao/{}">Xem kết quả</a></p>"#,
            s.version,
            vn::datetime(s.uploaded_at),
            outcome_label(s),
            findings_count(s),
            s.id
        )),
        None => out.push_str(r#"<p class="warn">Đơn vị chưa gửi báo cáo kỳ này.</p>"#),
    }
    let query = format!("ke-hoach={}&amp;ky={}", plan.id, escape(&period.period));
    out.push_str(&format!(
        r#"<p><a class="button secondary" href="/van-thu/mau?{query}">Tải mẫu báo cáo (đã điền sẵn nhiệm vụ)</a></p>
<form class="upload" method="post" action="/van-thu/gui" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="ke_hoach" value="{plan_id}"><input type="hidden" name="ky" value="{period}">
<label class="drop">Chọn tệp báo cáo Excel (.xlsx, .xls, .ods) hoặc kéo thả vào đây
<input type="file" name="tep" accept=".xlsx,.xlsm,.xls,.xlsb,.ods" required data-max="{max_bytes}"></label>
<p class="muted">Dung lượng tối đa {max}. Gửi lại tệp mới sẽ tạo phiên bản mới; các phiên bản cũ vẫn được lưu.</p>
<button type="submit">Gửi báo cáo</button>
</form>"#,
        csrf = escape(&user.csrf),
        plan_id = plan.id,
        period = escape(&period.period),
        max = vn::size(max_bytes),
    ));
    out.push_str("<h3>Nhiệm vụ của đơn vị</h3><div class=\"scroll\"><table><thead><tr><th>Mã</th><th>Nhiệm vụ</th><th>Vai trò</th><th>Thời hạn</th></tr></thead><tbody>");
    for (task, role) in &card.tasks {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&task.code),
            escape(&task.title),
            if role == "lead" {
                "Chủ trì"
            } else {
                "Phối hợp"
            },
            escape(&task.due_text)
        ));
    }
    out.push_str("</tbody></table></div></section>");
    out
}

#[derive(Deserialize)]
pub struct TemplateQuery {
    #[serde(rename = "ke-hoach")]
    plan: i64,
    ky: String,
}

/// The agency's pre-filled template for a plan and period (only the clerk's own agency).
#[get("/van-thu/mau")]
pub async fn template_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<TemplateQuery>,
) -> PageResult {
    let agency_id = user.agency()?;
    let query = query.into_inner();
    let actor = user.actor();
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let agency = agencies::get(conn, agency_id)?;
            let bytes = template::template(conn, &query.plan.to_string(), &agency.name, &query.ky)?;
            audit::record(
                conn,
                &actor,
                "template.download",
                "plan",
                Some(query.plan.to_string()),
                Some(query.ky.clone()),
            )?;
            let short = agency.short_name.unwrap_or_else(|| "DonVi".into());
            Ok((
                bytes,
                format!(
                    "Mau_BC_{}_{}.xlsx",
                    short.replace(['&', ' ', '/'], ""),
                    query.ky
                ),
            ))
        })
        .await
        .map_err(PageError::from)?;
    Ok(download(bytes, &name, XLSX))
}

#[get("/van-thu/lich-su")]
pub async fn history(state: web::Data<AppState>, user: CurrentUser) -> PageResult {
    let agency_id = user.agency()?;
    let user_id = user.user_id;
    let list = state
        .db
        .run(move |conn| listings::submissions_of_agency(conn, agency_id, user_id))
        .await?;
    let mut body = String::from("<h1>Lịch sử gửi báo cáo</h1>");
    if list.is_empty() {
        body.push_str("<p>Đơn vị chưa gửi báo cáo nào.</p>");
    } else {
        body.push_str("<div class=\"scroll\"><table><thead><tr><th>Kỳ</th><th>Phiên bản</th><th>Thời gian gửi</th><th>Tệp</th><th>Kết quả</th><th>Phát hiện</th><th></th></tr></thead><tbody>");
        for s in &list {
            body.push_str(&format!(
                r#"<tr><td>{period}</td><td>{version}</td><td>{at}</td><td>{name}</td><td>{outcome}</td><td class="num">{findings}</td><td><a href="/bao-cao/{id}">Xem</a> · <a href="/bao-cao/{id}/tep-goc">Tải tệp gốc</a></td></tr>"#,
                period = Month::parse(&s.period).map(|m| m.label()).unwrap_or_else(|| escape(&s.period)),
                version = s.version,
                at = vn::datetime(s.uploaded_at),
                name = escape(&s.file_name),
                outcome = outcome_label(s),
                findings = findings_count(s),
                id = s.id,
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    Ok(html(layout("Lịch sử gửi báo cáo", Some(&user), &body)))
}
