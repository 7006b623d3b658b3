//! Loading what the planner needs: each active plan's ladder, its recent periods with their
//! deadlines, the expected agencies with their mailboxes and whether they have reported.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    ladder::Ladder,
    planner::{AgencyStanding, PeriodStanding},
};
use crate::{
    config::RemindConfig,
    consolidate::{
        data::{self, Rows},
        timeliness::{self, Timeliness},
    },
    db::{
        listings,
        plans::{self, Plan},
        schema::{agencies, submissions},
        DbConnection,
    },
    domain::period::{to_local, Month},
    error::{AppError, AppResult},
};

/// A plan with the ladder and copy list its reminders use.
#[derive(Debug, Clone)]
pub struct PlanSetting {
    pub plan: Plan,
    pub ladder: Ladder,
    /// Copied on escalations.
    pub secretariat_emails: Vec<String>,
    /// Who signs the messages.
    pub secretariat_name: String,
}

/// The ladder of a plan: its own, else the configured default.
pub fn ladder_of(plan: &Plan, config: &RemindConfig) -> AppResult<Ladder> {
    let (text, whose) = match &plan.reminder_ladder {
        Some(own) => (own.as_str(), "của kế hoạch"),
        None => (config.ladder.as_str(), "trong cấu hình (remind.ladder)"),
    };
    Ladder::parse(text).map_err(|e| AppError::Config(format!("thang nhắc {whose}: {e}")))
}

/// The settings of the active plans, or of the one named.
pub fn plan_settings(
    conn: &mut DbConnection,
    config: &RemindConfig,
    only: Option<&str>,
) -> AppResult<Vec<PlanSetting>> {
    let plans = match only {
        Some(key) => vec![plans::find(conn, key)?],
        None => listings::active_plans(conn)?,
    };
    let mut out = Vec::new();
    for plan in plans {
        let ladder = ladder_of(&plan, config)?;
        let police: Option<(String, String)> = agencies::table
            .filter(agencies::province.eq(&plan.province))
            .filter(agencies::kind.eq("police"))
            .order(agencies::id)
            .select((agencies::name, agencies::emails))
            .first(conn)
            .optional()?;
        let secretariat_emails = if config.secretariat_emails.is_empty() {
            police
                .as_ref()
                .map(|(_, emails)| serde_json::from_str(emails).unwrap_or_default())
                .unwrap_or_default()
        } else {
            config.secretariat_emails.clone()
        };
        let secretariat_name = match &police {
            Some((name, _)) => format!("Thường trực Tổ công tác ({name})"),
            None => "Thường trực Tổ công tác".to_string(),
        };
        out.push(PlanSetting {
            plan,
            ladder,
            secretariat_emails,
            secretariat_name,
        });
    }
    Ok(out)
}

/// The months whose ladders can have steps at `now`: the current one and the one before.
pub fn recent_months(now: NaiveDateTime) -> [Month; 2] {
    let current = Month::of(to_local(now).date());
    [current.previous(), current]
}

/// A plan's period as the planner sees it at `now` (UTC): None when it has no deadline.
/// Versions uploaded after `now` do not count, so that a preview of a past moment
/// (`tonghop remind --dry-run --at …`) shows what was true then.
pub fn period_standing(
    conn: &mut DbConnection,
    plan_id: i64,
    month: Month,
    now: NaiveDateTime,
) -> AppResult<Option<PeriodStanding>> {
    let mut data = data::load_with(conn, plan_id, month, Rows::Skip)?;
    let Some(deadline) = data.period.deadline else {
        return Ok(None);
    };
    data.submissions.retain(|s| s.uploaded_at <= now);
    let judged = timeliness::for_period(&data);
    let ids: Vec<i64> = judged.iter().map(|a| a.agency_id).collect();
    let contacts: HashMap<i64, (String, String, Option<String>)> = agencies::table
        .filter(agencies::id.eq_any(&ids))
        .select((
            agencies::id,
            agencies::name,
            agencies::emails,
            agencies::head_email,
        ))
        .load::<(i64, String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, name, emails, head)| (id, (name, emails, head)))
        .collect();
    let agencies = judged
        .into_iter()
        .map(|a| {
            let (name, emails, head_email) = contacts
                .get(&a.agency_id)
                .cloned()
                .unwrap_or_else(|| (data.agency_name(a.agency_id), "[]".into(), None));
            AgencyStanding {
                agency_id: a.agency_id,
                name,
                emails: serde_json::from_str(&emails).unwrap_or_default(),
                head_email,
                reported_at: match a.timeliness {
                    Timeliness::Missing => None,
                    _ => a.uploaded_at,
                },
            }
        })
        .collect();
    Ok(Some(PeriodStanding {
        plan_id,
        period: month,
        deadline,
        agencies,
    }))
}

/// When the agency (or an agency it took over from) sent an accepted version for the
/// period, up to `now`: checked again right before a reminder goes out.
pub fn reported_at(
    conn: &mut DbConnection,
    plan_id: i64,
    agency_id: i64,
    period: &str,
    now: NaiveDateTime,
) -> AppResult<Option<NaiveDateTime>> {
    let mut senders: Vec<i64> = agencies::table
        .filter(agencies::successor_id.eq(agency_id))
        .select(agencies::id)
        .load(conn)?;
    senders.push(agency_id);
    Ok(submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .filter(submissions::period.eq(period))
        .filter(submissions::agency_id.eq_any(senders))
        .filter(submissions::outcome.eq(data::PROCESSED))
        .filter(submissions::uploaded_at.le(now))
        .select(diesel::dsl::min(submissions::uploaded_at))
        .first::<Option<NaiveDateTime>>(conn)?)
}
