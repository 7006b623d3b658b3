//! Two `tonghop remind` processes against one PostgreSQL database, both planning and sending
//! the same 300 reminders at the same moment through a real SMTP server: every agency gets
//! exactly one message, and both processes did part of the work (row claims skip the rows
//! the other holds). SQLite is for a single instance, so this runs on PostgreSQL only; like
//! every PostgreSQL test it skips outside CI when no server is configured, and fails in CI.

mod common;
#[path = "support/smtp.rs"]
mod smtp;

use std::process::{Command, Stdio};

use diesel::prelude::*;
use tonghop::{
    db::{
        agencies::{self, NewAgency},
        periods, plans,
        schema::{reminders, task_assignments, tasks},
        DbConnection,
    },
    domain::{
        calendar::Calendar,
        due::Due,
        period::{to_utc, Month},
        plan::{PlanDraft, PlanHeader, TaskDraft},
        report_rule::ReportRule,
    },
};

use common::TestDb;
use smtp::SmtpSink;

const AGENCIES: usize = 300;
const PROVINCE: &str = "Tỉnh Thử";

/// A province of 300 agencies, each leading one task of an active plan, none reported.
fn province(conn: &mut DbConnection) {
    let ids: Vec<i64> = (0..AGENCIES)
        .map(|i| {
            agencies::insert(
                conn,
                &NewAgency {
                    province: PROVINCE.into(),
                    name: format!("UBND xã Thử {i:03}"),
                    kind: "commune".into(),
                    emails: vec![format!("vanthu{i:03}@tinhthu.example")],
                    confirmed: true,
                    ..NewAgency::default()
                },
            )
            .unwrap()
        })
        .collect();
    let draft = PlanDraft {
        plan: PlanHeader {
            province: Some(PROVINCE.into()),
            number: Some("01/KH-UBND".into()),
            report_due: Some(ReportRule::monthly_before_day(18)),
            title: "Kế hoạch thử nhắc báo cáo".into(),
            ..PlanHeader::default()
        },
        tasks: (0..AGENCIES)
            .map(|i| TaskDraft {
                code: format!("{}.{}", i / 10 + 1, i % 10 + 1),
                title: format!("Nhiệm vụ của xã số {i}"),
                group: format!("Nhóm {}", i / 10 + 1),
                lead: Vec::new(),
                coordinating: Vec::new(),
                due: Due::parse("Thường xuyên"),
                kpi: Vec::new(),
            })
            .collect(),
        findings: Vec::new(),
    };
    let plan_id = plans::store_draft(conn, &draft, None, true)
        .unwrap()
        .plan_id;
    let task_ids: Vec<i64> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .order(tasks::position)
        .select(tasks::id)
        .load(conn)
        .unwrap();
    for (task, agency) in task_ids.iter().zip(&ids) {
        diesel::insert_into(task_assignments::table)
            .values((
                task_assignments::task_id.eq(task),
                task_assignments::agency_id.eq(agency),
                task_assignments::role.eq("lead"),
            ))
            .execute(conn)
            .unwrap();
    }
    let month = Month::parse("2023-11").unwrap();
    let deadline = Calendar::bundled()
        .monthly_deadline(&ReportRule::monthly_before_day(18), month)
        .unwrap();
    periods::upsert(
        conn,
        plan_id,
        "2023-11",
        month.cutoff_window(),
        to_utc(deadline),
    )
    .unwrap();
}

#[test]
fn two_senders_on_one_postgresql_send_each_reminder_once() {
    let Some(test_db) = TestDb::postgres() else {
        return;
    };
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = test_db.open();
    province(&mut db.get().unwrap());

    // Deadline Friday 17/11/2023: the first step (3 working days before) is Tuesday 14/11.
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_tonghop"))
            .args(["remind", "--at", "2023-11-14 08:00", "--json"])
            .env("TONGHOP_DATABASE_URL", &test_db.url)
            .env("TONGHOP_DATA_DIR", test_db.dir.path().join("data"))
            .env("TONGHOP_SMTP_HOST", "127.0.0.1")
            .env("TONGHOP_SMTP_PORT", sink.port.to_string())
            .env("TONGHOP_SMTP_SECURITY", "none")
            .env("TONGHOP_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tonghop remind")
    };
    let (a, b) = (spawn(), spawn());
    let sent = |child: std::process::Child| -> usize {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "tonghop remind failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        summary["sent"].as_u64().unwrap() as usize
    };
    let (sent_a, sent_b) = (sent(a), sent(b));
    eprintln!("sender A sent {sent_a}, sender B sent {sent_b}");
    assert_eq!(sent_a + sent_b, AGENCIES);
    assert!(sent_a > 0 && sent_b > 0, "both senders took part");

    let messages = sink.messages();
    assert_eq!(messages.len(), AGENCIES);
    let mut recipients: Vec<String> = messages.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), AGENCIES, "every agency exactly once");
    let states: Vec<String> = reminders::table
        .select(reminders::state)
        .load(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(states.len(), AGENCIES);
    assert!(states.iter().all(|s| s == "sent"), "{states:?}");
}
