//! The secretariat's pages: the period dashboard (every expected agency: on time, late or
//! missing, with time, version, findings and reminders; sorted and filtered by query
//! parameters), the consolidated workbook and narrative report downloads, the multi-period
//! matrix and the reminder page ([`reminders`]). Drill-down
//! into one submission is the shared page [`super::submission`].
//!
//! Everything comes from the consolidation's own loading and timeliness rules
//! ([`crate::consolidate`]), so the dashboard and the workbook never disagree.

pub mod dashboard;
pub mod reminders;

use actix_web::{get, web};
use chrono::Utc;
use serde::Deserialize;

use self::dashboard::{arrange, Filter, Line, Sort};
use super::{
    auth::CurrentUser,
    clerk::open_period,
    page::{download, escape, html, layout, PageError, PageResult, DOCX, XLSX},
    vn, AppState,
};
use crate::{
    consolidate::{
        data,
        layout::Layout,
        timeliness::Timeliness,
        workbook::{self, WriteOptions},
        Consolidated, Options,
    },
    db::{audit, listings, now_utc, periods, plans::Plan, DbConnection},
    domain::period::{to_local, Month},
    error::{AppError, AppResult},
    narrative::{self, layout::NarrativeLayout},
};

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(rename = "ke-hoach")]
    plan: Option<i64>,
    ky: Option<String>,
    #[serde(rename = "sap-xep")]
    sort: Option<String>,
    loc: Option<String>,
    tim: Option<String>,
}

/// The plan and period a secretariat page is about: those asked for, else the first active
/// plan and its open period. Also every active plan and the chosen plan's periods.
struct Selection {
    plans: Vec<Plan>,
    plan: Plan,
    months: Vec<String>,
    month: Month,
}

fn select(
    conn: &mut DbConnection,
    plan: Option<i64>,
    period: Option<&str>,
) -> AppResult<Selection> {
    let plans = listings::active_plans(conn)?;
    let chosen = match plan {
        Some(id) => plans.iter().find(|p| p.id == id),
        None => plans.first(),
    }
    .cloned()
    .ok_or_else(|| AppError::NotFound("kế hoạch đang theo dõi".into()))?;
    let stored = periods::list(conn, chosen.id)?;
    let month = match period.filter(|p| !p.is_empty()) {
        Some(text) => data::parse_period(text)?,
        None => open_period(&stored, now_utc())
            .and_then(|p| Month::parse(&p.period))
            .unwrap_or_else(|| Month::of(to_local(now_utc()).date())),
    };
    Ok(Selection {
        plans,
        plan: chosen,
        months: stored.into_iter().map(|p| p.period).collect(),
        month,
    })
}

/// The standing of each agency in the selected period (no report rows), for the dashboard
/// and the matrix; the workbook loads in full ([`consolidated_workbook`]).
fn load_standing(
    conn: &mut DbConnection,
    query: &PeriodQuery,
) -> AppResult<(Selection, Consolidated)> {
    let selection = select(conn, query.plan, query.ky.as_deref())?;
    let period_data = data::load_with(conn, selection.plan.id, selection.month, data::Rows::Skip)?;
    let c = Consolidated::build(period_data, Options::default());
    Ok((selection, c))
}

fn plan_label(plan: &Plan) -> String {
    plan.number.clone().unwrap_or_else(|| plan.title.clone())
}

/// The plan/period chooser (a GET form: works without JavaScript).
fn chooser(sel: &Selection, action: &str, extra: &str) -> String {
    let plans: String = sel
        .plans
        .iter()
        .map(|p| {
            format!(
                r#"<option value="{}"{}>{}</option>"#,
                p.id,
                if p.id == sel.plan.id { " selected" } else { "" },
                escape(&plan_label(p))
            )
        })
        .collect();
    let current = sel.month.to_string();
    let mut months = sel.months.clone();
    if !months.contains(&current) {
        months.push(current.clone());
    }
    let periods: String = months
        .iter()
        .map(|m| {
            format!(
                r#"<option value="{m}"{}>{}</option>"#,
                if *m == current { " selected" } else { "" },
                Month::parse(m)
                    .map(|x| x.label())
                    .unwrap_or_else(|| escape(m))
            )
        })
        .collect();
    format!(
        r#"<form method="get" action="{action}" class="filters"><label>Kế hoạch <select name="ke-hoach">{plans}</select></label><label>Kỳ <select name="ky">{periods}</select></label>{extra}<button type="submit">Xem</button></form>"#
    )
}

#[get("/thuong-truc")]
pub async fn period_dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    user.require_secretariat()?;
    let query = query.into_inner();
    let sort = Sort::parse(query.sort.as_deref());
    let filter = Filter::parse(query.loc.as_deref());
    let search = query.tim.clone().unwrap_or_default();
    let (sel, c) = {
        let q = PeriodQuery {
            plan: query.plan,
            ky: query.ky.clone(),
            ..PeriodQuery::default()
        };
        state.db.run(move |conn| load_standing(conn, &q)).await?
    };
    let lines: Vec<Line> = c
        .timeliness
        .iter()
        .map(|a| Line {
            agency_id: a.agency_id,
            agency: c.data.agency_name(a.agency_id),
            timeliness: a.timeliness,
            submission_id: a.submission_id,
            version: a.version,
            uploaded_at: a.uploaded_at,
            findings: a.findings,
            reminders: c
                .data
                .reminders_sent
                .get(&a.agency_id)
                .copied()
                .unwrap_or(0),
        })
        .collect();
    let shown = arrange(lines, sort, filter, &search);
    let k = c.compliance;
    let base = format!("/thuong-truc?ke-hoach={}&amp;ky={}", sel.plan.id, sel.month);
    let filter_options: String = [
        (Filter::All, "Tất cả"),
        (Filter::OnTime, "Đúng hạn"),
        (Filter::Late, "Trễ hạn"),
        (Filter::Missing, "Chưa báo cáo"),
    ]
    .iter()
    .map(|(f, label)| {
        format!(
            r#"<option value="{}"{}>{label}</option>"#,
            f.code(),
            if *f == filter { " selected" } else { "" }
        )
    })
    .collect();
    let extra = format!(
        r#"<label>Tình trạng <select name="loc">{filter_options}</select></label><label>Tìm đơn vị <input name="tim" value="{}"></label><input type="hidden" name="sap-xep" value="{}">"#,
        escape(&search),
        sort.code()
    );
    let deadline = c
        .data
        .period
        .deadline
        .map(|d| format!("Hạn gửi: {}", vn::datetime(d)))
        .unwrap_or_else(|| "Kỳ này không quy định hạn gửi".into());
    let mut body = format!(
        r#"<h1>Tình hình báo cáo {month}</h1><p class="muted">Kế hoạch {plan} · {deadline}</p>
{chooser}
<p class="summary"><span>{expected} đơn vị phải báo cáo</span><span class="ok">{on_time} đúng hạn</span><span class="warn">{late} trễ hạn</span><span class="error">{missing} chưa báo cáo</span></p>
<p class="actions"><a class="button" href="/thuong-truc/tong-hop?ke-hoach={plan_id}&amp;ky={period}">Tải báo cáo tổng hợp (Excel)</a> <a class="button" href="/thuong-truc/bao-cao?ke-hoach={plan_id}&amp;ky={period}">Tải dự thảo báo cáo (Word)</a> <a class="button secondary" href="/thuong-truc/ma-tran?ke-hoach={plan_id}&amp;ky={period}">Theo dõi nhiều kỳ</a> <a class="button secondary" href="/thuong-truc/nhac-bao-cao?ke-hoach={plan_id}&amp;ky={period}">Nhắc báo cáo</a></p>"#,
        month = sel.month.label(),
        plan = escape(&plan_label(&sel.plan)),
        chooser = chooser(&sel, "/thuong-truc", &extra),
        expected = k.expected,
        on_time = k.on_time,
        late = k.late,
        missing = k.missing,
        plan_id = sel.plan.id,
        period = sel.month,
    );
    let keep = format!(
        "{base}&amp;loc={}&amp;tim={}",
        filter.code(),
        escape(&super::auth::percent_encode(&search))
    );
    let th = |s: Sort, label: &str| {
        if s == sort {
            format!(r#"<th aria-sort="ascending">{label} ▲</th>"#)
        } else {
            format!(
                r#"<th><a href="{keep}&amp;sap-xep={}">{label}</a></th>"#,
                s.code()
            )
        }
    };
    body.push_str(&format!(
        r#"<div class="scroll"><table class="dashboard"><thead><tr>{}{}{}<th>Phiên bản</th>{}<th>Đã nhắc</th></tr></thead><tbody>"#,
        th(Sort::Agency, "Đơn vị"),
        th(Sort::State, "Tình trạng"),
        th(Sort::Time, "Thời gian gửi"),
        th(Sort::Findings, "Phát hiện"),
    ));
    for line in &shown {
        let class = match line.timeliness {
            Timeliness::OnTime => "ok",
            Timeliness::Late { .. } => "warn",
            Timeliness::Missing => "error",
        };
        let name = match line.submission_id {
            Some(id) => format!(r#"<a href="/bao-cao/{id}">{}</a>"#, escape(&line.agency)),
            None => escape(&line.agency),
        };
        body.push_str(&format!(
            r#"<tr data-agency="{agency_id}"><td>{name}</td><td class="{class}">{state}</td><td>{at}</td><td class="num">{version}</td><td class="num">{findings}</td><td class="num">{reminders}</td></tr>"#,
            agency_id = line.agency_id,
            state = line.timeliness.describe(),
            at = line.uploaded_at.map(vn::datetime).unwrap_or_default(),
            version = line.version.map(|v| v.to_string()).unwrap_or_default(),
            findings = if line.submission_id.is_some() {
                vn::number(line.findings as f64, 0)
            } else {
                String::new()
            },
            reminders = line.reminders,
        ));
    }
    if shown.is_empty() {
        body.push_str(r#"<tr><td colspan="6">Không có đơn vị nào khớp bộ lọc.</td></tr>"#);
    }
    body.push_str("</tbody></table></div>");
    Ok(html(layout("Tình hình báo cáo", Some(&user), &body)))
}

/// A plan's month consolidated in full (with the report rows), as both downloads need it.
fn consolidation(conn: &mut DbConnection, plan: &Plan, month: Month) -> AppResult<Consolidated> {
    Ok(Consolidated::build(
        data::load(conn, plan.id, month)?,
        Options::default(),
    ))
}

/// A download's document date is today (local time); its number is left for the clerk.
fn dated_today() -> WriteOptions {
    WriteOptions {
        report_date: to_local(Utc::now().naive_utc()).date(),
        number: None,
    }
}

/// The consolidated workbook of a plan's month and its file name, as the page and the API
/// (`/api/v1/plans/{plan}/periods/{period}/consolidated.xlsx`) serve it.
pub fn consolidated_workbook(
    conn: &mut DbConnection,
    plan: &Plan,
    month: Month,
) -> AppResult<(Vec<u8>, String)> {
    let c = consolidation(conn, plan, month)?;
    let bytes = workbook::write(&c, &Layout::load(None)?, &dated_today())?;
    let number = plan_label(plan).replace(['/', ' '], "-");
    Ok((bytes, format!("Tong_hop_{number}_{month}.xlsx")))
}

/// The narrative draft report (.docx) of a plan's month and its file name: the same
/// consolidation as the workbook, so its figures are the workbook's.
pub fn narrative_document(
    conn: &mut DbConnection,
    plan: &Plan,
    month: Month,
) -> AppResult<(Vec<u8>, String)> {
    let c = consolidation(conn, plan, month)?;
    let bytes = narrative::write(&c, &NarrativeLayout::load(None)?, &dated_today())?;
    Ok((bytes, narrative::file_name(&c)))
}

/// Makes a period's file: its bytes and its name.
type MakeFile = fn(&mut DbConnection, &Plan, Month) -> AppResult<(Vec<u8>, String)>;

/// A file of the selected period made by `make`, recorded in the audit log as `action`.
async fn period_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: PeriodQuery,
    action: &'static str,
    content_type: &'static str,
    make: MakeFile,
) -> PageResult {
    user.require_secretariat()?;
    let actor = user.actor();
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let sel = select(conn, query.plan, query.ky.as_deref())?;
            let made = make(conn, &sel.plan, sel.month)?;
            audit::record(
                conn,
                &actor,
                action,
                "plan",
                Some(sel.plan.id.to_string()),
                Some(sel.month.to_string()),
            )?;
            Ok(made)
        })
        .await
        .map_err(PageError::from)?;
    Ok(download(bytes, &name, content_type))
}

#[get("/thuong-truc/tong-hop")]
pub async fn consolidated_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    let query = query.into_inner();
    period_download(
        state,
        user,
        query,
        "consolidate.download",
        XLSX,
        consolidated_workbook,
    )
    .await
}

#[get("/thuong-truc/bao-cao")]
pub async fn narrative_download(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    let query = query.into_inner();
    period_download(
        state,
        user,
        query,
        "report.download",
        DOCX,
        narrative_document,
    )
    .await
}

#[get("/thuong-truc/ma-tran")]
pub async fn matrix(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeriodQuery>,
) -> PageResult {
    user.require_secretariat()?;
    let query = query.into_inner();
    let (sel, c) = state
        .db
        .run(move |conn| load_standing(conn, &query))
        .await?;
    let mut body = format!(
        r#"<h1>Theo dõi báo cáo nhiều kỳ</h1><p class="muted">Kế hoạch {} · các tháng đến {}</p>{}"#,
        escape(&plan_label(&sel.plan)),
        sel.month.label(),
        chooser(&sel, "/thuong-truc/ma-tran", "")
    );
    body.push_str("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>Đơn vị</th>");
    for m in &c.tracking.months {
        body.push_str(&format!("<th>{:02}/{}</th>", m.month, m.year));
    }
    body.push_str("</tr></thead><tbody>");
    let mut rows: Vec<(String, &Vec<Option<Timeliness>>)> = c
        .tracking
        .rows
        .iter()
        .map(|(id, cells)| (c.data.agency_name(*id), cells))
        .collect();
    rows.sort_by_key(|(name, _)| crate::domain::fold::fold(name));
    for (name, cells) in rows {
        body.push_str(&format!("<tr><td>{}</td>", escape(&name)));
        for cell in cells {
            let (class, text) = match cell {
                None => ("muted", "—"),
                Some(Timeliness::OnTime) => ("ok", "Đúng hạn"),
                Some(Timeliness::Late { .. }) => ("warn", "Trễ hạn"),
                Some(Timeliness::Missing) => ("error", "Chưa gửi"),
            };
            body.push_str(&format!(r#"<td class="{class}">{text}</td>"#));
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
    Ok(html(layout("Theo dõi nhiều kỳ", Some(&user), &body)))
}
