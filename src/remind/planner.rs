//! Who gets which reminder step, and why (pure).
//!
//! For every expected agency of a period, the planner looks at the ladder's steps whose time
//! has come and records only the latest of them: a service that was stopped for a week sends
//! one reminder when it comes back, not three, and notes the others as skipped. A step is
//! skipped, with its reason, when the agency has already sent an accepted report (it gets
//! nothing more), or when the registry has no mailbox for it. A step more than
//! [`MAX_LATENESS_DAYS`] past its time is left alone: reminding about a period long gone helps
//! nobody. Steps already in the outbox are not planned again.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

use super::ladder::{Ladder, Step};
use crate::{
    db::reminders::key,
    domain::{
        calendar::Calendar,
        period::{to_local, to_utc, Month},
    },
    web::vn,
};

/// How long after its time a step may still be sent for the first time.
pub const MAX_LATENESS_DAYS: i64 = 7;

/// One expected agency of a period, as far as reminders care.
#[derive(Debug, Clone)]
pub struct AgencyStanding {
    pub agency_id: i64,
    pub name: String,
    pub emails: Vec<String>,
    pub head_email: Option<String>,
    /// UTC time of its accepted report for the period, if it sent one.
    pub reported_at: Option<NaiveDateTime>,
}

/// One plan's period with its deadline and expected agencies.
#[derive(Debug, Clone)]
pub struct PeriodStanding {
    pub plan_id: i64,
    pub period: Month,
    /// UTC.
    pub deadline: NaiveDateTime,
    pub agencies: Vec<AgencyStanding>,
}

/// Who a reminder goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Recipients {
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Send,
    Skip(String),
}

/// A step the planner decided on.
#[derive(Debug, Clone)]
pub struct PlannedStep {
    pub key: String,
    pub plan_id: i64,
    pub agency_id: i64,
    pub agency_name: String,
    pub period: Month,
    pub step: Step,
    /// UTC.
    pub due_at: NaiveDateTime,
    pub recipients: Recipients,
    pub decision: Decision,
    /// Skipped only because a later step of the same agency is due too.
    pub superseded: bool,
}

/// The steps of `standing` to record at `now` (UTC).
pub fn plan(
    standing: &PeriodStanding,
    ladder: &Ladder,
    calendar: &Calendar,
    hour: u32,
    secretariat: &[String],
    now: NaiveDateTime,
    recorded: &HashSet<String>,
) -> Vec<PlannedStep> {
    let schedule: Vec<(Step, NaiveDateTime)> = ladder
        .schedule(calendar, to_local(standing.deadline), hour)
        .into_iter()
        .map(|(step, local)| (step, to_utc(local)))
        .collect();
    let due: Vec<&(Step, NaiveDateTime)> = schedule.iter().filter(|(_, at)| *at <= now).collect();
    let Some(&&(latest, latest_at)) = due.last() else {
        return Vec::new();
    };
    if now - latest_at > Duration::days(MAX_LATENESS_DAYS) {
        return Vec::new();
    }
    let period_text = standing.period.to_string();
    let mut out = Vec::new();
    for agency in &standing.agencies {
        for &&(step, due_at) in &due {
            let key = key(
                standing.plan_id,
                agency.agency_id,
                &period_text,
                &step.name(),
            );
            if recorded.contains(&key) {
                continue;
            }
            let recipients = recipients(agency, step, secretariat);
            let decision = if step != latest {
                Decision::Skip(format!(
                    "Đã qua thời điểm nhắc; chỉ gửi bước mới nhất ({}).",
                    latest.describe()
                ))
            } else if let Some(at) = agency.reported_at.filter(|at| *at <= now) {
                Decision::Skip(format!("Đơn vị đã gửi báo cáo lúc {}.", vn::datetime(at)))
            } else if recipients.to.is_empty() {
                Decision::Skip(
                    "Chưa có địa chỉ thư điện tử của đơn vị; hãy bổ sung trong danh bạ cơ quan."
                        .to_string(),
                )
            } else {
                Decision::Send
            };
            out.push(PlannedStep {
                key,
                plan_id: standing.plan_id,
                agency_id: agency.agency_id,
                agency_name: agency.name.clone(),
                period: standing.period,
                step,
                due_at,
                recipients,
                decision,
                superseded: step != latest,
            });
        }
    }
    out
}

/// The agency's mailboxes; on an escalation, the secretariat and the agency's head in copy.
pub fn recipients(agency: &AgencyStanding, step: Step, secretariat: &[String]) -> Recipients {
    let mut to: Vec<String> = Vec::new();
    for e in &agency.emails {
        push_unique(&mut to, e);
    }
    let mut cc = Vec::new();
    if step.escalate {
        for e in secretariat.iter().chain(agency.head_email.iter()) {
            if !to.iter().any(|t| t.eq_ignore_ascii_case(e.trim())) {
                push_unique(&mut cc, e);
            }
        }
    }
    Recipients { to, cc }
}

fn push_unique(list: &mut Vec<String>, address: &str) {
    let address = address.trim();
    if !address.is_empty() && !list.iter().any(|a| a.eq_ignore_ascii_case(address)) {
        list.push(address.to_string());
    }
}

/// The next step of `standing` after `now` (UTC), for previews: the step and its time.
pub fn next_step(
    standing: &PeriodStanding,
    ladder: &Ladder,
    calendar: &Calendar,
    hour: u32,
    now: NaiveDateTime,
) -> Option<(Step, NaiveDateTime)> {
    ladder
        .schedule(calendar, to_local(standing.deadline), hour)
        .into_iter()
        .map(|(step, local)| (step, to_utc(local)))
        .find(|(_, at)| *at > now)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn local(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2022, 11, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn standing() -> PeriodStanding {
        let agency = |id: i64, reported: Option<NaiveDateTime>, emails: &[&str]| AgencyStanding {
            agency_id: id,
            name: format!("Sở {id}"),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            head_email: Some(format!("giamdoc{id}@example.vn")),
            reported_at: reported,
        };
        PeriodStanding {
            plan_id: 1,
            period: Month::parse("2022-11").unwrap(),
            deadline: to_utc(
                NaiveDate::from_ymd_opt(2022, 11, 17)
                    .unwrap()
                    .and_hms_opt(23, 59, 59)
                    .unwrap(),
            ),
            agencies: vec![
                agency(1, None, &["a@example.vn"]),
                agency(2, Some(to_utc(local(15, 10))), &["b@example.vn"]),
                agency(3, None, &[]),
            ],
        }
    }

    fn run(now_local: NaiveDateTime, recorded: &HashSet<String>) -> Vec<PlannedStep> {
        let ladder = Ladder::parse("-3,-1,0,+1,+3!").unwrap();
        plan(
            &standing(),
            &ladder,
            &Calendar::bundled(),
            8,
            &["thuongtruc@example.vn".to_string()],
            to_utc(now_local),
            recorded,
        )
    }

    #[test]
    fn nothing_before_the_first_step() {
        assert!(run(local(14, 7), &HashSet::new()).is_empty());
    }

    #[test]
    fn first_step_goes_to_who_has_not_reported_and_has_a_mailbox() {
        let steps = run(local(14, 8), &HashSet::new());
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].decision, Decision::Send);
        assert_eq!(steps[0].key, "1:1:2022-11:T-3");
        assert_eq!(steps[0].recipients.to, ["a@example.vn"]);
        assert!(steps[0].recipients.cc.is_empty());
        // Agency 2 reports on the 15th: on the 14th it is still reminded.
        assert_eq!(steps[1].decision, Decision::Send);
        assert!(matches!(&steps[2].decision, Decision::Skip(r) if r.contains("địa chỉ thư")));
    }

    #[test]
    fn an_agency_that_reported_gets_nothing_more() {
        let steps = run(local(16, 9), &HashSet::new());
        let agency2: Vec<&PlannedStep> = steps.iter().filter(|s| s.agency_id == 2).collect();
        // T-3 (missed, superseded) and T-1, both skipped; T-1 because it reported.
        assert_eq!(agency2.len(), 2);
        assert!(matches!(&agency2[1].decision, Decision::Skip(r) if r.contains("đã gửi báo cáo")));
    }

    #[test]
    fn recorded_steps_are_not_planned_again_and_only_the_latest_is_sent() {
        let first = run(local(14, 8), &HashSet::new());
        let recorded: HashSet<String> = first.iter().map(|s| s.key.clone()).collect();
        // The service was down from the 14th to the 22nd: only the escalation goes out.
        let later = run(local(22, 9), &recorded);
        let agency1: Vec<&PlannedStep> = later.iter().filter(|s| s.agency_id == 1).collect();
        assert_eq!(
            agency1.iter().map(|s| s.step.name()).collect::<Vec<_>>(),
            ["T-1", "T0", "T+1", "T+3"]
        );
        assert!(agency1[..3]
            .iter()
            .all(|s| matches!(&s.decision, Decision::Skip(r) if r.contains("bước mới nhất"))));
        assert_eq!(agency1[3].decision, Decision::Send);
        assert_eq!(
            agency1[3].recipients.cc,
            ["thuongtruc@example.vn", "giamdoc1@example.vn"]
        );
    }

    #[test]
    fn a_period_long_gone_is_left_alone() {
        assert!(run(local(30, 9), &HashSet::new()).is_empty());
    }
}
