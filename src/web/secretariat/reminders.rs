//! The secretariat's reminder page: who would get which step if reminders went out now (and
//! why the others would not), a "send now" button, and the log of every reminder of the
//! period with its state, attempts and the mail server's error, so that a failure is seen
//! before the agency is blamed for not reporting.

use actix_web::{get, post, web};
use serde::Deserialize;

use super::{chooser, plan_label, select, PeriodQuery};
use crate::{
    db::{
        agencies, now_utc,
        reminders::{self, Reminder},
    },
    error::AppError,
    remind::{
        self,
        mailer::Mailer,
        planner::{Decision, Recipients},
    },
    web::{
        auth::{percent_encode, CsrfForm, CurrentUser},
        page::{escape, html, layout, see_other, PageResult},
        vn, AppState,
    },
};

#[derive(Deserialize, Default)]
pub struct ReminderQuery {
    #[serde(rename = "ke-hoach")]
    plan: Option<i64>,
    ky: Option<String>,
    xong: Option<String>,
}

fn state_label(state: &str) -> (&'static str, &'static str) {
    match state {
        reminders::SENT => ("ok", "Đã gửi"),
        reminders::FAILED => ("error", "Gửi lỗi"),
        reminders::SKIPPED => ("muted", "Bỏ qua"),
        reminders::SENDING => ("warn", "Đang gửi"),
        _ => ("warn", "Chờ gửi"),
    }
}

fn recipients_text(r: &Recipients) -> String {
    let mut text = escape(&r.to.join(", "));
    if !r.cc.is_empty() {
        text.push_str(&format!(
            r#"<br><span class="muted">đồng gửi {}</span>"#,
            escape(&r.cc.join(", "))
        ));
    }
    text
}

#[get("/thuong-truc/nhac-bao-cao")]
pub async fn reminders_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ReminderQuery>,
) -> PageResult {
    user.require_secretariat()?;
    let mut query = query.into_inner();
    let notice = query.xong.take();
    let config = state.config.clone();
    let smtp_ready = config.smtp.host.is_some();
    let (sel, preview, log, names) = state
        .db
        .run(move |conn| {
            let sel = select(conn, query.plan, query.ky.as_deref())?;
            let now = now_utc();
            let key = sel.plan.id.to_string();
            let preview: Vec<_> = remind::plan_due(conn, &config.remind, now, Some(&key))?
                .into_iter()
                .filter(|p| !p.superseded)
                .collect();
            let log: Vec<Reminder> =
                reminders::list(conn, sel.plan.id, Some(&sel.month.to_string()), 2000)?;
            let mut names = std::collections::HashMap::new();
            for id in log.iter().map(|r| r.agency_id) {
                if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
                    e.insert(agencies::get(conn, id)?.name);
                }
            }
            Ok((sel, preview, log, names))
        })
        .await?;
    let mut body = format!(
        r#"<h1>Nhắc báo cáo {month}</h1><p class="muted">Kế hoạch {plan}</p>{chooser}"#,
        month = sel.month.label(),
        plan = escape(&plan_label(&sel.plan)),
        chooser = chooser(&sel, "/thuong-truc/nhac-bao-cao", ""),
    );
    if let Some(done) = &notice {
        body.push_str(&format!(
            r#"<p class="ok" role="status">{}</p>"#,
            escape(done)
        ));
    }
    body.push_str("<h2>Nếu gửi ngay bây giờ</h2>");
    if preview.is_empty() {
        body.push_str(
            r#"<p>Chưa đến bước nhắc nào mới: các đơn vị chưa báo cáo sẽ được nhắc tự động theo thang nhắc của kế hoạch.</p>"#,
        );
    } else {
        body.push_str(r#"<div class="scroll"><table><thead><tr><th>Đơn vị</th><th>Kỳ</th><th>Bước</th><th>Người nhận</th><th>Quyết định</th></tr></thead><tbody>"#);
        for p in &preview {
            let decision = match &p.decision {
                Decision::Send => r#"<span class="ok">Sẽ gửi</span>"#.to_string(),
                Decision::Skip(reason) => format!(
                    r#"<span class="muted">Không gửi: {}</span>"#,
                    escape(reason)
                ),
            };
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{decision}</td></tr>",
                escape(&p.agency_name),
                p.period.label(),
                escape(&remind::describe_step_of(p.step)),
                recipients_text(&p.recipients),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    if smtp_ready {
        body.push_str(&format!(
            r#"<form method="post" action="/thuong-truc/nhac-bao-cao/gui?ke-hoach={plan}&amp;ky={period}" class="actions"><input type="hidden" name="csrf" value="{csrf}"><button type="submit">Gửi nhắc ngay</button></form>"#,
            plan = sel.plan.id,
            period = sel.month,
            csrf = escape(&user.csrf),
        ));
    } else {
        body.push_str(r#"<p class="warn">Chưa cấu hình máy chủ thư (TONGHOP_SMTP_HOST): hệ thống chưa gửi được thư nhắc. Hãy báo quản trị viên.</p>"#);
    }
    body.push_str(&format!(
        "<h2>Các thư nhắc của kỳ {}</h2>",
        sel.month.label()
    ));
    if log.is_empty() {
        body.push_str("<p>Chưa có thư nhắc nào trong kỳ này.</p>");
    } else {
        body.push_str(r#"<div class="scroll"><table class="reminders"><thead><tr><th>Đơn vị</th><th>Bước</th><th>Đến hạn nhắc</th><th>Tình trạng</th><th>Lần thử</th><th>Gửi lúc</th><th>Người nhận</th><th>Ghi chú</th></tr></thead><tbody>"#);
        for r in &log {
            let (class, label) = state_label(&r.state);
            let recipients: Recipients = serde_json::from_str(&r.recipients).unwrap_or_default();
            body.push_str(&format!(
                r#"<tr data-state="{state}"><td>{agency}</td><td>{step}</td><td>{due}</td><td class="{class}">{label}</td><td class="num">{attempts}</td><td>{sent}</td><td>{to}</td><td>{note}</td></tr>"#,
                state = escape(&r.state),
                agency = escape(names.get(&r.agency_id).map(String::as_str).unwrap_or("?")),
                step = escape(&r.step),
                due = vn::datetime(r.due_at),
                attempts = r.attempts,
                sent = r.sent_at.map(vn::datetime).unwrap_or_default(),
                to = recipients_text(&recipients),
                note = escape(r.last_error.as_deref().unwrap_or("")),
            ));
        }
        body.push_str("</tbody></table></div>");
    }
    Ok(html(layout("Nhắc báo cáo", Some(&user), &body)))
}

/// Runs one reminder pass now (the same as `tonghop remind` and the background loop).
#[post("/thuong-truc/nhac-bao-cao/gui")]
pub async fn send_now(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    user.require_secretariat()?;
    user.check_csrf(&form.csrf)?;
    let config = state.config.clone();
    let mailer = Mailer::from_config(&config.smtp)?.ok_or_else(|| {
        AppError::BadRequest(
            "Chưa cấu hình máy chủ thư (TONGHOP_SMTP_HOST); chưa gửi được thư nhắc.".into(),
        )
    })?;
    let db = state.db.clone();
    let actor = user.actor();
    let summary =
        actix_web::web::block(move || remind::run_once(&db, &mailer, &config, now_utc(), &actor))
            .await
            .map_err(AppError::from)??;
    let mut done = format!(
        "Đã gửi {} thư nhắc; {} thư chờ gửi lại; {} thư lỗi; {} bước bỏ qua.",
        summary.sent,
        summary.retried,
        summary.failed,
        summary.skipped_at_planning + summary.skipped_at_sending
    );
    if summary.retried + summary.failed > 0 {
        done.push_str(" Xem lỗi ở cột Ghi chú.");
    }
    let query = query.into_inner();
    Ok(see_other(&format!(
        "/thuong-truc/nhac-bao-cao?ke-hoach={}&ky={}&xong={}",
        query.plan.map(|p| p.to_string()).unwrap_or_default(),
        percent_encode(query.ky.as_deref().unwrap_or("")),
        percent_encode(&done)
    )))
}
