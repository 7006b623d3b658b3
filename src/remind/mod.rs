//! Reminder e-mails to agencies that have not reported.
//!
//! A pass has two halves, both safe to run from several instances at once:
//! 1. **Plan** ([`plan_pass`]): for every active plan's recent periods, the ladder's steps
//!    whose time has come ([`planner`], pure) are recorded in the outbox
//!    (`db::reminders`), each (plan, agency, period, step) once, as planned or as skipped
//!    with its reason (already reported, no mailbox, superseded by a later step).
//! 2. **Send** ([`send_pass`]): planned reminders are claimed in batches, checked once more
//!    (an agency that reported since gets nothing), rendered ([`email`]), sent with the
//!    agency's pre-filled template attached ([`mailer`]), and recorded as sent, retried with
//!    backoff after a temporary failure, or failed with the error for the secretariat. After
//!    three temporary failures in a row the mail server is taken to be down and the rest of
//!    the pass is left for the next retry, so a hung relay costs three timeouts, not one per
//!    reminder.
//!
//! Every send, retry, failure and skip goes to the audit log. `tonghop remind` runs one pass;
//! `tonghop serve` runs one every `remind.interval_secs` when an SMTP host is configured.
//! A crash between the server's acceptance and the outbox update can repeat one message once
//! its lease runs out: SMTP gives no way to ask whether a message was taken.

pub mod email;
pub mod ladder;
pub mod mailer;
pub mod planner;
pub mod standing;

use std::{collections::HashMap, thread, time::Duration};

use chrono::{Duration as TimeSpan, NaiveDateTime};

use self::{
    email::{EmailContext, TaskLine},
    ladder::Step,
    mailer::{AttachedFile, Mailer},
    planner::{Decision, PlannedStep, Recipients},
    standing::PlanSetting,
};
use crate::{
    config::{Config, RemindConfig},
    db::{
        agencies,
        audit::{self, Actor},
        now_utc,
        reminders::{self, NewReminder, Outcome, Reminder},
        Db, DbConnection,
    },
    domain::{
        calendar::Calendar,
        period::{to_local, Month},
    },
    error::AppResult,
    round_trip::{layout::TemplateLayout, template},
    web::vn,
};

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PassSummary {
    /// Steps recorded to be sent.
    pub planned: usize,
    /// Steps recorded as skipped at planning.
    pub skipped_at_planning: usize,
    pub sent: usize,
    /// Temporary failures, to be retried.
    pub retried: usize,
    pub failed: usize,
    /// Skipped right before sending (the agency reported meanwhile).
    pub skipped_at_sending: usize,
}

/// Decides the steps due at `now` (UTC) that are not in the outbox yet.
pub fn plan_due(
    conn: &mut DbConnection,
    config: &RemindConfig,
    now: NaiveDateTime,
    only_plan: Option<&str>,
) -> AppResult<Vec<PlannedStep>> {
    let calendar = Calendar::bundled();
    let mut out = Vec::new();
    for setting in standing::plan_settings(conn, config, only_plan)? {
        for month in standing::recent_months(now) {
            let Some(period) = standing::period_standing(conn, setting.plan.id, month, now)? else {
                continue;
            };
            let recorded = reminders::keys_of(conn, setting.plan.id, &month.to_string())?;
            out.extend(planner::plan(
                &period,
                &setting.ladder,
                &calendar,
                config.hour,
                &setting.secretariat_emails,
                now,
                &recorded,
            ));
        }
    }
    Ok(out)
}

/// Records the due steps in the outbox (each once, whoever else is planning) and audits the
/// skipped ones.
pub fn plan_pass(
    conn: &mut DbConnection,
    config: &RemindConfig,
    now: NaiveDateTime,
    actor: &Actor,
) -> AppResult<PassSummary> {
    let mut summary = PassSummary::default();
    for step in plan_due(conn, config, now, None)? {
        let period = step.period.to_string();
        let name = step.step.name();
        let recipients = serde_json::to_string(&step.recipients).expect("serialisable");
        let (state, note) = match &step.decision {
            Decision::Send => (reminders::PLANNED, None),
            Decision::Skip(reason) => (reminders::SKIPPED, Some(reason.as_str())),
        };
        let inserted = reminders::insert_once(
            conn,
            &NewReminder {
                plan_id: step.plan_id,
                agency_id: step.agency_id,
                period: &period,
                step: &name,
                key: &step.key,
                state,
                due_at: step.due_at,
                recipients: &recipients,
                note,
            },
            now_utc(),
        )?;
        if !inserted {
            continue;
        }
        match &step.decision {
            Decision::Send => summary.planned += 1,
            Decision::Skip(reason) => {
                summary.skipped_at_planning += 1;
                audit::record(
                    conn,
                    actor,
                    "reminder.skipped",
                    "reminder",
                    Some(step.key.clone()),
                    Some(format!("{}: {reason}", step.agency_name)),
                )?;
            }
        }
    }
    Ok(summary)
}

/// Sends what the outbox holds for `now`, in batches, until nothing is left to claim.
pub fn send_pass(
    db: &Db,
    mailer: &Mailer,
    config: &Config,
    now: NaiveDateTime,
    worker: &str,
    actor: &Actor,
) -> AppResult<PassSummary> {
    let mut summary = PassSummary::default();
    let mut settings: HashMap<i64, PlanSetting> = HashMap::new();
    // (plan, period) → deadline (UTC), loaded once per pass, not once per message.
    let mut deadlines: HashMap<(i64, String), Option<NaiveDateTime>> = HashMap::new();
    let layout = TemplateLayout::load()?;
    // After a few temporary failures in a row the server is taken to be down: the rest of the
    // pass is put back for later instead of waiting out a timeout per message.
    let mut failures_in_a_row = 0;
    let mut server_down: Option<String> = None;
    loop {
        if server_down.is_some() {
            return Ok(summary);
        }
        let batch = {
            let mut conn = db.get()?;
            let lease = now_utc().max(now) + TimeSpan::seconds(config.remind.lease_secs.max(30));
            reminders::claim(&mut conn, worker, now, lease, 20)?
        };
        if batch.is_empty() {
            return Ok(summary);
        }
        for reminder in batch {
            let mut conn = db.get()?;
            if !settings.contains_key(&reminder.plan_id) {
                let key = reminder.plan_id.to_string();
                for s in standing::plan_settings(&mut conn, &config.remind, Some(&key))? {
                    settings.insert(s.plan.id, s);
                }
            }
            let setting = &settings[&reminder.plan_id];
            let period_key = (reminder.plan_id, reminder.period.clone());
            if !deadlines.contains_key(&period_key) {
                let deadline = match Month::parse(&reminder.period) {
                    Some(month) => {
                        standing::period_standing(&mut conn, reminder.plan_id, month, now)?
                            .map(|p| p.deadline)
                    }
                    None => None,
                };
                deadlines.insert(period_key.clone(), deadline);
            }
            let deadline = deadlines[&period_key].unwrap_or(reminder.due_at);
            let outcome = match &server_down {
                Some(error) => after_failure(&config.remind, &reminder, error.clone(), true, now),
                None => deliver(
                    &mut conn, mailer, config, setting, &layout, &reminder, deadline, now,
                )?,
            };
            match &outcome {
                Outcome::Retry { error, .. } => {
                    failures_in_a_row += 1;
                    if failures_in_a_row >= SERVER_DOWN_AFTER && server_down.is_none() {
                        tracing::warn!(%error, "mail server looks down; the rest of this pass waits");
                        server_down = Some(error.clone());
                    }
                }
                Outcome::Sent { .. } => failures_in_a_row = 0,
                _ => {}
            }
            let (action, detail) = match &outcome {
                Outcome::Sent { .. } => {
                    summary.sent += 1;
                    ("reminder.sent", reminder.recipients.clone())
                }
                Outcome::Retry { error, .. } => {
                    summary.retried += 1;
                    ("reminder.retry", error.clone())
                }
                Outcome::Failed { error } => {
                    summary.failed += 1;
                    ("reminder.failed", error.clone())
                }
                Outcome::Skipped { reason } => {
                    summary.skipped_at_sending += 1;
                    ("reminder.skipped", reason.clone())
                }
            };
            if reminders::finish(&mut conn, reminder.id, worker, &outcome)? {
                audit::record(
                    &mut conn,
                    actor,
                    action,
                    "reminder",
                    Some(reminder.idempotency_key.clone()),
                    Some(detail),
                )?;
            } else {
                tracing::warn!(key = %reminder.idempotency_key, "reminder lease lost before it was recorded");
            }
        }
    }
}

/// Checks, renders and sends one claimed reminder. An agency that reported since the step
/// was planned gets nothing: checked against the later of `now` and the real time, so a pass
/// run for a past moment (`--at`) does not remind an agency that has reported since.
#[allow(clippy::too_many_arguments)]
fn deliver(
    conn: &mut DbConnection,
    mailer: &Mailer,
    config: &Config,
    setting: &PlanSetting,
    layout: &TemplateLayout,
    reminder: &Reminder,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> AppResult<Outcome> {
    if let Some(at) = standing::reported_at(
        conn,
        reminder.plan_id,
        reminder.agency_id,
        &reminder.period,
        now.max(now_utc()),
    )? {
        return Ok(Outcome::Skipped {
            reason: format!("Đơn vị đã gửi báo cáo lúc {}.", vn::datetime(at)),
        });
    }
    let recipients: Recipients = serde_json::from_str(&reminder.recipients).unwrap_or_default();
    let (text, attachment) = match compose(conn, config, setting, layout, reminder, deadline) {
        Ok(composed) => composed,
        Err(error) => return Ok(Outcome::Failed { error }),
    };
    Ok(match mailer.send(&recipients, &text, attachment) {
        Ok(()) => Outcome::Sent { at: now_utc() },
        Err(failure) => after_failure(
            &config.remind,
            reminder,
            failure.message,
            failure.temporary,
            now,
        ),
    })
}

/// Temporary failures in a row after which a pass stops trying the mail server.
const SERVER_DOWN_AFTER: usize = 3;

/// What a failed attempt leads to: a retry with backoff while attempts remain for a
/// temporary failure, else failed with the error.
fn after_failure(
    config: &RemindConfig,
    reminder: &Reminder,
    error: String,
    temporary: bool,
    now: NaiveDateTime,
) -> Outcome {
    if temporary && reminder.attempts < config.max_attempts {
        Outcome::Retry {
            next_at: now + backoff(config, reminder.attempts),
            error,
        }
    } else if temporary {
        Outcome::Failed {
            error: format!("{error} (đã thử {} lần)", reminder.attempts),
        }
    } else {
        Outcome::Failed { error }
    }
}

/// Delay before attempt `attempts + 1`: base × 2^(attempts − 1), at most six hours.
pub fn backoff(config: &RemindConfig, attempts: i32) -> TimeSpan {
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    let seconds = config.retry_base_secs.max(1).saturating_mul(1 << exponent);
    TimeSpan::seconds(seconds.min(6 * 3600))
}

/// The message of a reminder and the agency's pre-filled template; an error is a Vietnamese
/// sentence for the reminder log.
fn compose(
    conn: &mut DbConnection,
    config: &Config,
    setting: &PlanSetting,
    layout: &TemplateLayout,
    reminder: &Reminder,
    deadline: NaiveDateTime,
) -> Result<(email::EmailText, Option<AttachedFile>), String> {
    let plan = &setting.plan;
    let month = Month::parse(&reminder.period)
        .ok_or_else(|| format!("kỳ báo cáo {} không hợp lệ", reminder.period))?;
    let step = setting
        .ladder
        .steps
        .iter()
        .copied()
        .find(|s| s.name() == reminder.step)
        // The ladder changed after the step was planned: its name still tells the offset.
        .unwrap_or(Step {
            offset: reminder
                .step
                .trim_start_matches('T')
                .trim_start_matches('+')
                .parse()
                .unwrap_or(0),
            escalate: false,
        });
    let agency = agencies::get(conn, reminder.agency_id).map_err(|e| e.to_string())?;
    let gathered =
        template::gather(conn, &plan.id.to_string(), &agency.name, &reminder.period).ok();
    let tasks = gathered
        .as_ref()
        .map(|data| {
            data.tasks
                .iter()
                .map(|t| TaskLine {
                    code: t.code.clone(),
                    title: t.title.clone(),
                    role: if t.lead { "Chủ trì" } else { "Phối hợp" }.to_string(),
                    due: t.due.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let attachment_name = format!(
        "Mau_bao_cao_{}_{}.xlsx",
        agency
            .short_name
            .as_deref()
            .unwrap_or(&agency.name)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>(),
        reminder.period
    );
    let attachment = match &gathered {
        Some(data) => Some(AttachedFile {
            name: attachment_name.clone(),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                .into(),
            bytes: template::write(data, layout).map_err(|e| e.to_string())?,
        }),
        None => None,
    };
    let (cutoff_start, cutoff_end) = month.cutoff_window();
    let public_url = config
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.server.listen));
    let context = EmailContext {
        agency: agency.name.clone(),
        plan_number: plan.number.clone().unwrap_or_else(|| plan.id.to_string()),
        plan_title: plan.title.clone(),
        period_label: format!("{:02}/{}", month.month, month.year),
        cutoff_start: vn::date(cutoff_start),
        cutoff_end: vn::date(cutoff_end),
        deadline_text: vn::day_text(to_local(deadline).date()),
        days: step.offset,
        step: step.describe(),
        tasks,
        upload_link: format!("{}/van-thu", public_url.trim_end_matches('/')),
        attachment_name,
        secretariat: setting.secretariat_name.clone(),
    };
    let text = email::render(step.kind(), &context)?;
    Ok((text, attachment))
}

/// One whole pass at `now`: plan, then send.
pub fn run_once(
    db: &Db,
    mailer: &Mailer,
    config: &Config,
    now: NaiveDateTime,
    actor: &Actor,
) -> AppResult<PassSummary> {
    let planned = {
        let mut conn = db.get()?;
        plan_pass(&mut conn, &config.remind, now, actor)?
    };
    let worker = worker_name();
    let sent = send_pass(db, mailer, config, now, &worker, actor)?;
    Ok(PassSummary {
        planned: planned.planned,
        skipped_at_planning: planned.skipped_at_planning,
        ..sent
    })
}

/// A name for this sender in row claims: host process and a random part.
pub fn worker_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("pid{}-{nanos:08x}", std::process::id())
}

/// Runs a pass every `remind.interval_secs` on a thread of its own, for `serve`. Errors are
/// logged and the next pass tries again; nothing here can stop the server.
pub fn spawn_background(db: Db, config: Config, mailer: Mailer) {
    let interval = Duration::from_secs(config.remind.interval_secs.max(10));
    let spawned = thread::Builder::new()
        .name("reminders".into())
        .spawn(move || {
            let actor = Actor::system("nhắc báo cáo tự động");
            loop {
                match run_once(&db, &mailer, &config, now_utc(), &actor) {
                    Ok(summary) if summary != PassSummary::default() => {
                        tracing::info!(?summary, "reminder pass")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!(error = %e, "reminder pass failed"),
                }
                thread::sleep(interval);
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the reminder thread");
    }
}

/// Pending outbox rows of a plan (planned, being sent, or waiting for a retry), for previews.
pub fn pending(conn: &mut DbConnection, plan_id: i64) -> AppResult<Vec<Reminder>> {
    Ok(reminders::list(conn, plan_id, None, 1000)?
        .into_iter()
        .filter(|r| r.state == reminders::PLANNED || r.state == reminders::SENDING)
        .collect())
}

/// "T-3 (3 ngày làm việc trước hạn)", for previews.
pub fn describe_step_of(step: Step) -> String {
    format!("{} ({})", step.name(), step.describe())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stops_at_six_hours() {
        let config = RemindConfig::default();
        assert_eq!(backoff(&config, 1), TimeSpan::seconds(60));
        assert_eq!(backoff(&config, 2), TimeSpan::seconds(120));
        assert_eq!(backoff(&config, 4), TimeSpan::seconds(480));
        assert_eq!(backoff(&config, 40), TimeSpan::seconds(6 * 3600));
    }
}
