//! A plan's period for the secretariat: `GET /api/v1/plans/{plan}/periods/{period}/status`
//! (every expected agency's timeliness, the dashboard's data) and
//! `…/consolidated.xlsx` (the workbook of the secretariat page). `{plan}` is the plan's id or
//! its percent-encoded number (`13%2FKH-UBND`); `{period}` a month, `2022-11`.

use actix_web::{get, web, HttpResponse};
use chrono::NaiveDateTime;
use serde_json::json;

use super::{
    super::{
        page::{download, XLSX},
        secretariat::consolidated_workbook,
        AppState,
    },
    ApiUser,
};
use crate::{
    consolidate::{data::parse_period, status::period_status, timeliness::Timeliness},
    db::{audit, plans},
    error::AppError,
};

/// A stored UTC time as RFC 3339 (`2022-11-17T08:30:00Z`).
pub fn utc(at: NaiveDateTime) -> String {
    at.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn state_code(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "on_time",
        Timeliness::Late { .. } => "late",
        Timeliness::Missing => "missing",
    }
}

#[get("/plans/{plan}/periods/{period}/status")]
pub async fn status(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require_secretariat()?;
    let (plan_key, period) = path.into_inner();
    let body = state
        .db
        .run(move |conn| {
            let plan = plans::find(conn, &plan_key)?;
            let month = parse_period(&period)?;
            let status = period_status(conn, plan.id, month)?;
            let agencies: Vec<serde_json::Value> = status
                .by_name()
                .into_iter()
                .map(|a| {
                    let late = match a.timeliness {
                        Timeliness::Late { days, hours } => json!({"days": days, "hours": hours}),
                        _ => serde_json::Value::Null,
                    };
                    json!({
                        "agency_id": a.agency_id,
                        "agency": status.data.agency_name(a.agency_id),
                        "state": state_code(a.timeliness),
                        "state_label": a.timeliness.describe(),
                        "late_by": late,
                        "submission_id": a.submission_id,
                        "version": a.version,
                        "uploaded_at": a.uploaded_at.map(utc),
                        "findings": a.submission_id.map(|_| a.findings),
                        "reminders_sent": status.data.reminders_sent.get(&a.agency_id).copied().unwrap_or(0),
                    })
                })
                .collect();
            let k = status.compliance;
            Ok(json!({
                "plan": {"id": plan.id, "number": plan.number, "province": plan.province},
                "period": month.to_string(),
                "deadline": status.data.period.deadline.map(utc),
                "summary": {"expected": k.expected, "on_time": k.on_time, "late": k.late, "missing": k.missing},
                "agencies": agencies,
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[get("/plans/{plan}/periods/{period}/consolidated.xlsx")]
pub async fn consolidated(
    state: web::Data<AppState>,
    user: ApiUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    user.require_secretariat()?;
    let (plan_key, period) = path.into_inner();
    let actor = user.actor();
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let plan = plans::find(conn, &plan_key)?;
            let month = parse_period(&period)?;
            let (bytes, name) = consolidated_workbook(conn, &plan, month)?;
            audit::record(
                conn,
                &actor,
                "api.consolidate.download",
                "plan",
                Some(plan.id.to_string()),
                Some(month.to_string()),
            )?;
            Ok((bytes, name))
        })
        .await?;
    Ok(download(bytes, &name, XLSX))
}
