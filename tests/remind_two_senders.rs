//! Two `tonghop remind` processes against one PostgreSQL database, both planning and sending
//! the same 300 reminders at the same moment through a real SMTP server: every agency gets
//! exactly one message, and both processes did part of the work (row claims skip the rows
//! the other holds). SQLite is for a single instance, so this runs on PostgreSQL only; like
//! every PostgreSQL test it skips outside CI when no server is configured, and fails in CI.

mod common;
#[path = "support/province.rs"]
mod province;
#[path = "support/smtp.rs"]
mod smtp;

use std::process::{Command, Stdio};

use diesel::prelude::*;
use tonghop::{
    db::{periods, schema::reminders, DbConnection},
    domain::{
        calendar::Calendar,
        period::{to_utc, Month},
        report_rule::ReportRule,
    },
};

use common::TestDb;
use smtp::SmtpSink;

const AGENCIES: usize = 300;

/// A province of 300 agencies, each leading one task of an active plan, none reported.
fn province(conn: &mut DbConnection) {
    let plan_id = province::generate(
        conn,
        AGENCIES,
        AGENCIES,
        |i| format!("UBND xã Thử {i:03}"),
        |i| vec![format!("vanthu{i:03}@tinhthu.example")],
    )
    .plan_id;
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
