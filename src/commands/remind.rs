//! `tonghop remind [--dry-run] [--at …] [--plan …]` and `tonghop plan ladder`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::json;

use crate::{
    config::Config,
    db::{agencies, audit::Actor, now_utc, plans, Db},
    domain::{
        calendar::Calendar,
        period::{to_local, to_utc, Month},
    },
    error::{AppError, AppResult},
    remind::{
        self,
        ladder::Ladder,
        mailer::Mailer,
        planner::{Decision, PlannedStep},
        standing,
    },
    web::vn,
};

/// Parses `--at` ("2023-11-16 08:00", or a date meaning 08:00), local time → UTC.
pub fn parse_at(text: Option<&str>) -> AppResult<NaiveDateTime> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(now_utc());
    };
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|d| d.and_time(NaiveTime::from_hms_opt(8, 0, 0).expect("valid")))
        })
        .map_err(|_| {
            AppError::BadRequest(format!(
                "Thời điểm \"{text}\" không hợp lệ; ghi theo giờ Việt Nam dạng \"2023-11-16 08:00\"."
            ))
        })?;
    Ok(to_utc(local))
}

/// Shows what a pass would do at `at`, or runs it.
pub fn run(
    db: &Db,
    config: &Config,
    at: Option<&str>,
    dry_run: bool,
    plan: Option<&str>,
    json_output: bool,
) -> AppResult<()> {
    let now = parse_at(at)?;
    if dry_run {
        return preview(db, config, now, plan, json_output);
    }
    if plan.is_some() {
        return Err(AppError::BadRequest(
            "--plan chỉ dùng với --dry-run; khi gửi, mọi kế hoạch đang áp dụng đều được xét."
                .into(),
        ));
    }
    let mailer = Mailer::from_config(&config.smtp)?.ok_or_else(|| {
        AppError::Config(
            "chưa cấu hình máy chủ thư: đặt TONGHOP_SMTP_HOST (và TONGHOP_SMTP_PORT, \
             TONGHOP_SMTP_SECURITY) rồi chạy lại; xem trước bằng tonghop remind --dry-run"
                .into(),
        )
    })?;
    let actor = Actor::system("tonghop remind");
    let summary = remind::run_once(db, &mailer, config, now, &actor)?;
    if json_output {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("serialisable")
        );
    } else {
        println!(
            "Nhắc báo cáo lúc {}: đã gửi {}, chờ gửi lại {}, lỗi {}, bỏ qua {} (đã lên lịch {} bước mới).",
            vn::datetime(now),
            summary.sent,
            summary.retried,
            summary.failed,
            summary.skipped_at_planning + summary.skipped_at_sending,
            summary.planned,
        );
        if summary.failed > 0 {
            println!(
                "Xem lỗi từng thư trên trang Nhắc báo cáo của Thường trực hoặc trong nhật ký."
            );
        }
    }
    Ok(())
}

fn preview(
    db: &Db,
    config: &Config,
    now: NaiveDateTime,
    plan: Option<&str>,
    json_output: bool,
) -> AppResult<()> {
    let mut conn = db.get()?;
    let steps = remind::plan_due(&mut conn, &config.remind, now, plan)?;
    let settings = standing::plan_settings(&mut conn, &config.remind, plan)?;
    let mut pending = Vec::new();
    for s in &settings {
        pending.extend(remind::pending(&mut conn, s.plan.id)?);
    }
    if json_output {
        let steps: Vec<serde_json::Value> = steps.iter().map(step_json).collect();
        let value = json!({
            "at": to_local(now).format("%Y-%m-%d %H:%M").to_string(),
            "steps": steps,
            "pending": pending,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("serialisable")
        );
        return Ok(());
    }
    println!(
        "Xem trước nhắc báo cáo lúc {} (giờ Việt Nam); không gửi thư nào.",
        vn::datetime(now)
    );
    if steps.is_empty() {
        println!("Chưa đến bước nhắc nào mới.");
    }
    let calendar = Calendar::bundled();
    for s in &settings {
        let label = s
            .plan
            .number
            .clone()
            .unwrap_or_else(|| s.plan.id.to_string());
        for month in standing::recent_months(now) {
            let Some(period) = standing::period_standing(&mut conn, s.plan.id, month, now)? else {
                continue;
            };
            let mine: Vec<&PlannedStep> = steps
                .iter()
                .filter(|p| p.plan_id == s.plan.id && p.period == month)
                .collect();
            let next =
                remind::planner::next_step(&period, &s.ladder, &calendar, config.remind.hour, now);
            if mine.is_empty() && next.is_none() {
                continue;
            }
            println!(
                "\nKế hoạch {label}, kỳ {:02}/{} — hạn gửi {}; thang nhắc {}:",
                month.month,
                month.year,
                vn::day_text(to_local(period.deadline).date()),
                s.ladder.text()
            );
            for p in mine.iter().filter(|p| !p.superseded) {
                println!("  {}", step_line(p));
            }
            let superseded = mine.iter().filter(|p| p.superseded).count();
            if superseded > 0 {
                println!(
                    "  ({superseded} bước đã qua thời điểm nhắc được ghi là bỏ qua: mỗi đơn vị chỉ nhận bước mới nhất.)"
                );
            }
            if let Some((step, at)) = next {
                let waiting = period
                    .agencies
                    .iter()
                    .filter(|a| a.reported_at.is_none())
                    .count();
                println!(
                    "  Bước tiếp theo: {} lúc {} ({} đơn vị chưa báo cáo).",
                    remind::describe_step_of(step),
                    vn::datetime(at),
                    waiting
                );
            }
        }
    }
    if !pending.is_empty() {
        println!("\nĐang chờ gửi (kể cả gửi lại sau lỗi tạm thời):");
        for r in &pending {
            let error = r
                .last_error
                .as_deref()
                .map(|e| format!(" — lỗi lần trước: {e}"))
                .unwrap_or_default();
            let name = agencies::get(&mut conn, r.agency_id)
                .map(|a| a.name)
                .unwrap_or_else(|_| format!("Cơ quan số {}", r.agency_id));
            println!(
                "  {name} kỳ {} bước {}: lần thử {}, gửi lúc {}{error}",
                r.period,
                r.step,
                r.attempts + 1,
                vn::datetime(r.next_attempt_at)
            );
        }
    }
    Ok(())
}

fn step_line(p: &PlannedStep) -> String {
    let who = crate::commands::clip(&p.agency_name, 40);
    let what = match &p.decision {
        Decision::Send => {
            let cc = if p.recipients.cc.is_empty() {
                String::new()
            } else {
                format!(", đồng gửi {}", p.recipients.cc.join(", "))
            };
            format!("GỬI tới {}{cc}", p.recipients.to.join(", "))
        }
        Decision::Skip(reason) => format!("bỏ qua: {reason}"),
    };
    format!("{who:<40} {:<5} {what}", p.step.name())
}

fn step_json(p: &PlannedStep) -> serde_json::Value {
    let (decision, reason) = match &p.decision {
        Decision::Send => ("send", None),
        Decision::Skip(r) => ("skip", Some(r.clone())),
    };
    json!({
        "key": p.key,
        "plan_id": p.plan_id,
        "agency_id": p.agency_id,
        "agency": p.agency_name,
        "period": p.period.to_string(),
        "step": p.step.name(),
        "kind": p.step.kind(),
        "due_at": to_local(p.due_at).format("%Y-%m-%d %H:%M").to_string(),
        "decision": decision,
        "reason": reason,
        "to": p.recipients.to,
        "cc": p.recipients.cc,
    })
}

/// `tonghop plan ladder PLAN [--set TEXT | --reset] [--period M]`: shows (or sets) the
/// plan's reminder ladder with the days of a period's steps.
pub fn ladder(
    db: &Db,
    config: &Config,
    plan: &str,
    set: Option<&str>,
    reset: bool,
    period: Option<&str>,
) -> AppResult<()> {
    let mut conn = db.get()?;
    let mut found = plans::find(&mut conn, plan)?;
    if let Some(text) = set {
        let ladder = Ladder::parse(text)
            .map_err(|e| AppError::BadRequest(format!("Thang nhắc không hợp lệ: {e}")))?;
        plans::set_reminder_ladder(&mut conn, found.id, Some(&ladder.text()))?;
        found.reminder_ladder = Some(ladder.text());
    } else if reset {
        plans::set_reminder_ladder(&mut conn, found.id, None)?;
        found.reminder_ladder = None;
    }
    let ladder = standing::ladder_of(&found, &config.remind)?;
    let whose = if found.reminder_ladder.is_some() {
        "riêng của kế hoạch"
    } else {
        "mặc định trong cấu hình"
    };
    println!("Thang nhắc ({whose}): {}", ladder.text());
    let month = match period {
        Some(p) => crate::consolidate::data::parse_period(p)?,
        None => Month::of(to_local(now_utc()).date()),
    };
    match standing::period_standing(&mut conn, found.id, month, now_utc())? {
        Some(standing) => {
            println!(
                "Kỳ {:02}/{}, hạn gửi {}:",
                month.month,
                month.year,
                vn::day_text(to_local(standing.deadline).date())
            );
            for (step, at) in ladder.schedule(
                &Calendar::bundled(),
                to_local(standing.deadline),
                config.remind.hour,
            ) {
                println!(
                    "  {:<5} {} lúc {:02}:00 — {}",
                    step.name(),
                    vn::day_text(at.date()),
                    config.remind.hour,
                    step.describe()
                );
            }
        }
        None => println!(
            "Kỳ {:02}/{} chưa có hạn gửi (kế hoạch không có quy định báo cáo tháng).",
            month.month, month.year
        ),
    }
    Ok(())
}
