//! Reminder e-mails through a real SMTP server on loopback (aiosmtpd), on SQLite and
//! PostgreSQL, over the demo province (Trà Vinh, plan 13/KH-UBND, "trước ngày 18"):
//!
//! - the ladder over December 2022 (deadline Saturday 17/12 moved to Monday 19/12) with
//!   agencies reporting before the first step, between two steps, and never: each step once,
//!   nothing after an agency reported, the escalation copied to the secretariat and the head;
//! - February 2026, whose deadline falls on Tết: the steps follow the moved deadline and the
//!   merged agencies are reminded through their successors;
//! - the mail server going down in the middle of a run: nothing lost, sent later, no
//!   duplicates, and the failure visible until then.

mod common;
#[path = "support/smtp.rs"]
mod smtp;

use std::collections::BTreeMap;

use calamine::{open_workbook, Data, Reader, Xlsx};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tonghop::{
    config::{Config, SmtpSecurity},
    db::{
        agencies,
        audit::Actor,
        reminders,
        schema::{audit_log, reminders as reminders_table},
        submissions::{self, NewSubmission},
        Db, DbConnection,
    },
    demo,
    domain::period::{to_utc, Month},
    remind::{self, mailer::Mailer, planner::AgencyStanding, standing, PassSummary},
};

use common::TestDb;
use smtp::{Received, SmtpSink};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    to_utc(
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap(),
    )
}

fn config_for(db: &TestDb, sink: &SmtpSink) -> Config {
    let mut config = db.config();
    config.smtp.host = Some("127.0.0.1".into());
    config.smtp.port = sink.port;
    config.smtp.security = SmtpSecurity::None;
    config.smtp.timeout_secs = 5;
    config.smtp.from = "Thường trực Tổ công tác <thuongtruc@travinh.example>".into();
    config.server.public_url = Some("https://tonghop.travinh.example".into());
    config
}

struct Fixture {
    db: Db,
    config: Config,
    mailer: Mailer,
    plan_id: i64,
}

impl Fixture {
    fn new(test_db: &TestDb, sink: &SmtpSink) -> Fixture {
        let db = test_db.open();
        let plan_id = demo::load(&mut db.get().unwrap()).unwrap().plan_id;
        let config = config_for(test_db, sink);
        let mailer = Mailer::from_config(&config.smtp).unwrap().unwrap();
        Fixture {
            db,
            config,
            mailer,
            plan_id,
        }
    }

    fn pass(&self, now: NaiveDateTime) -> PassSummary {
        remind::run_once(
            &self.db,
            &self.mailer,
            &self.config,
            now,
            &Actor::system("test"),
        )
        .unwrap()
    }

    fn expected(&self, period: &str, now: NaiveDateTime) -> Vec<AgencyStanding> {
        standing::period_standing(
            &mut self.db.get().unwrap(),
            self.plan_id,
            Month::parse(period).unwrap(),
            now,
        )
        .unwrap()
        .expect("the period has a deadline")
        .agencies
    }

    /// An accepted report of the agency for the period, uploaded at `when`.
    fn report(&self, agency_id: i64, period: &str, when: NaiveDateTime) {
        let conn: &mut DbConnection = &mut self.db.get().unwrap();
        let bytes = format!("báo cáo {agency_id} {period} {when}").into_bytes();
        let stored = submissions::store_original(
            conn,
            &NewSubmission {
                plan_id: self.plan_id,
                agency_id,
                period,
                uploaded_by: None,
                file_name: "bao-cao.xlsx",
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes: &bytes,
            },
        )
        .unwrap();
        submissions::set_outcome(conn, stored.id, "processed", None, "[]").unwrap();
        submissions::set_uploaded_at(conn, stored.id, when).unwrap();
    }

    fn states(&self) -> BTreeMap<String, usize> {
        let conn: &mut DbConnection = &mut self.db.get().unwrap();
        let mut out = BTreeMap::new();
        for state in reminders_table::table
            .select(reminders_table::state)
            .load::<String>(conn)
            .unwrap()
        {
            *out.entry(state).or_default() += 1;
        }
        out
    }

    fn audit_count(&self, action: &str) -> i64 {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .count()
            .get_result(&mut *self.db.get().unwrap())
            .unwrap()
    }
}

/// Messages by the agency mailbox they were addressed to.
fn by_recipient(messages: &[Received]) -> BTreeMap<String, Vec<Received>> {
    let mut out: BTreeMap<String, Vec<Received>> = BTreeMap::new();
    for m in messages {
        out.entry(m.to.clone()).or_default().push(m.clone());
    }
    out
}

fn ladder_over_a_month(test_db: TestDb) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let f = Fixture::new(&test_db, &sink);
    let period = "2022-12";
    let expected = f.expected(period, at(2022, 12, 1, 8, 0));
    assert!(expected.len() >= 5, "{expected:?}");
    let with_mail: Vec<&AgencyStanding> =
        expected.iter().filter(|a| !a.emails.is_empty()).collect();
    let (early, between, late) = (with_mail[0], with_mail[1], with_mail[2]);

    // Before the first step (Wednesday 14/12 08:00): nothing.
    assert_eq!(f.pass(at(2022, 12, 13, 9, 0)), PassSummary::default());
    f.report(early.agency_id, period, at(2022, 12, 13, 10, 0));

    let first = f.pass(at(2022, 12, 14, 8, 0));
    assert_eq!(first.sent, with_mail.len() - 1, "{first:?}");
    assert_eq!(first.failed + first.retried, 0);
    // Running again at the same step sends nothing more.
    assert_eq!(f.pass(at(2022, 12, 14, 8, 30)).sent, 0);

    f.report(between.agency_id, period, at(2022, 12, 15, 9, 0));
    assert_eq!(f.pass(at(2022, 12, 16, 8, 0)).sent, with_mail.len() - 2);
    assert_eq!(f.pass(at(2022, 12, 19, 8, 0)).sent, with_mail.len() - 2);
    assert_eq!(f.pass(at(2022, 12, 20, 8, 0)).sent, with_mail.len() - 2);
    f.report(late.agency_id, period, at(2022, 12, 21, 16, 0));
    // Wednesday 21/12 is not a step (+1 is Tuesday, +3 Thursday): nothing.
    assert_eq!(f.pass(at(2022, 12, 21, 17, 0)).sent, 0);
    let escalation = f.pass(at(2022, 12, 22, 8, 0));
    assert_eq!(escalation.sent, with_mail.len() - 3);
    // After the last step, nothing more ever.
    assert_eq!(f.pass(at(2022, 12, 28, 8, 0)), PassSummary::default());

    let messages = sink.messages();
    let received = by_recipient(&messages);
    let count = |a: &AgencyStanding| received.get(&a.emails.join(", ")).map_or(0, Vec::len);
    assert_eq!(count(early), 0, "reported before the first step");
    assert_eq!(count(between), 1, "reported after the first step");
    assert_eq!(count(late), 4, "reported after the fourth step");
    for a in &with_mail[3..] {
        assert_eq!(count(a), 5, "{}", a.name);
    }
    assert_eq!(
        messages.len(),
        (with_mail.len() - 1) + 3 * (with_mail.len() - 2) + (with_mail.len() - 3)
    );

    // What an agency that never reported received, read as its clerk would.
    let never = with_mail[3];
    let mine = &received[&never.emails.join(", ")];
    let subjects: Vec<&str> = mine.iter().map(|m| m.subject.as_str()).collect();
    assert!(subjects[0].starts_with("[Nhắc báo cáo]"), "{subjects:?}");
    assert!(subjects[2].starts_with("[Hôm nay hết hạn]"), "{subjects:?}");
    assert!(subjects[3].starts_with("[Quá hạn]"), "{subjects:?}");
    assert!(subjects[4].starts_with("[Đôn đốc]"), "{subjects:?}");
    for m in mine {
        assert!(m.subject.contains(&never.name), "{}", m.subject);
        // Saturday 17/12 moved to the next working day.
        assert!(m.text.contains("Thứ Hai, 19/12/2022"), "{}", m.text);
        assert!(m.text.contains("https://tonghop.travinh.example/van-thu"));
        assert!(m.text.contains("13/KH-UBND"));
        // minijinja escapes "/" in HTML as "&#x2f;", which every mail reader shows as "/".
        assert!(m
            .html
            .replace("&#x2f;", "/")
            .contains("Thứ Hai, 19/12/2022"));
        assert_eq!(m.mail_from, "thuongtruc@travinh.example");
    }
    assert!(
        mine[0].text.contains("còn 3 ngày làm việc"),
        "{}",
        mine[0].text
    );
    // Only the escalation is copied, to the secretariat (Công an tỉnh) and the agency's head.
    assert!(mine[..4].iter().all(|m| m.cc.is_empty()));
    let head = never
        .head_email
        .clone()
        .expect("the demo registry has heads");
    assert!(mine[4].cc.contains(&head), "{}", mine[4].cc);
    assert!(
        mine[4].cc.contains("vanthu.cat@travinh.example"),
        "{}",
        mine[4].cc
    );
    assert!(mine[4].rcpt_tos.contains(&head));

    // The attachment is the agency's pre-filled template, listing its tasks.
    let attachment = &mine[0].attachments[0];
    assert!(
        attachment.name.ends_with("_2022-12.xlsx"),
        "{}",
        attachment.name
    );
    assert_eq!(
        attachment.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let mut workbook: Xlsx<_> = open_workbook(&attachment.path).expect("a real workbook");
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet
        .cells()
        .filter_map(|(_, _, v)| match v {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    let codes: Vec<String> =
        tonghop::db::plans::tasks_of_agency(&mut f.db.get().unwrap(), f.plan_id, never.agency_id)
            .unwrap()
            .into_iter()
            .map(|(t, _)| t.code)
            .collect();
    assert!(!codes.is_empty());
    for code in &codes {
        assert!(cells.contains(code), "{code} not in the template");
        assert!(
            mine[0].text.contains(code.as_str()),
            "{code} not in the message"
        );
    }

    // The outbox and the audit log agree with what the server received.
    let states = f.states();
    assert_eq!(states.get("sent").copied().unwrap_or(0), messages.len());
    assert_eq!(states.get("failed"), None);
    assert_eq!(f.audit_count("reminder.sent"), messages.len() as i64);
    assert_eq!(
        f.audit_count("reminder.skipped"),
        states.get("skipped").copied().unwrap_or(0) as i64
    );
    assert!(f.audit_count("reminder.skipped") > 4 + 3);
}

fn deadline_on_tet(test_db: TestDb) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let f = Fixture::new(&test_db, &sink);
    let period = "2026-02";
    // "Trước ngày 18": the 17th is Mùng 1 Tết Bính Ngọ; offices are closed 16–20/02 and the
    // weekend after, so the deadline ends on Monday 23/02/2026.
    let expected = f.expected(period, at(2026, 2, 1, 8, 0));
    let with_mail = expected.iter().filter(|a| !a.emails.is_empty()).count();
    // 3 working days before 23/02 is Wednesday 11/02 (the holiday does not count).
    assert_eq!(f.pass(at(2026, 2, 10, 17, 0)).sent, 0);
    assert_eq!(f.pass(at(2026, 2, 11, 8, 0)).sent, with_mail);
    // The original 17th is Tết: no step falls inside the holiday.
    assert_eq!(
        f.pass(at(2026, 2, 17, 8, 0)).sent,
        with_mail,
        "T-1 on Friday 13/02"
    );
    assert_eq!(f.pass(at(2026, 2, 20, 8, 0)).sent, 0);
    assert_eq!(f.pass(at(2026, 2, 23, 8, 0)).sent, with_mail, "T0 on 23/02");
    let messages = sink.messages();
    let last = messages.last().unwrap();
    assert!(last.text.contains("Thứ Hai, 23/02/2026"), "{}", last.text);

    // Merged in 2025: Sở Kế hoạch và Đầu tư reports through Sở Tài chính.
    let conn: &mut DbConnection = &mut f.db.get().unwrap();
    let old = agencies::find_by_spelling(conn, "Trà Vinh", "Sở Kế hoạch và Đầu tư")
        .unwrap()
        .unwrap();
    assert!(expected.iter().all(|a| a.agency_id != old.id));
    assert!(messages.iter().all(|m| !m
        .rcpt_tos
        .contains(&"vanthu.skhdt@travinh.example".to_string())));
    // The step missed while the service "slept" through Tết was recorded once, as skipped
    // in favour of the later one, never sent twice.
    let keys: Vec<String> = reminders_table::table
        .select(reminders_table::idempotency_key)
        .load(conn)
        .unwrap();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(keys.len(), unique.len());
}

fn mail_server_down_mid_run(test_db: TestDb) {
    // The server accepts three messages, then goes down in the middle of the pass.
    let Some(mut sink) = SmtpSink::start_dying_after(3) else {
        return;
    };
    let f = Fixture::new(&test_db, &sink);
    let period = "2022-12";
    let with_mail = f
        .expected(period, at(2022, 12, 1, 8, 0))
        .iter()
        .filter(|a| !a.emails.is_empty())
        .count();
    let first = f.pass(at(2022, 12, 14, 8, 0));
    assert_eq!(first.sent, 3, "{first:?}");
    assert_eq!(first.retried, with_mail - 3, "{first:?}");
    assert_eq!(first.failed, 0);
    // The errors are visible to the secretariat and nothing is lost.
    let conn: &mut DbConnection = &mut f.db.get().unwrap();
    let waiting: Vec<reminders::Reminder> = reminders::list(conn, f.plan_id, Some(period), 1000)
        .unwrap()
        .into_iter()
        .filter(|r| r.state == reminders::PLANNED)
        .collect();
    assert_eq!(waiting.len(), with_mail - 3);
    for r in &waiting {
        let error = r.last_error.as_deref().unwrap_or_default();
        assert!(error.contains("máy chủ thư 127.0.0.1"), "{error}");
        assert_eq!(r.attempts, 1);
    }
    assert_eq!(f.audit_count("reminder.retry"), (with_mail - 3) as i64);

    // Still down a minute later: retried again, later.
    sink.stop();
    let second = f.pass(at(2022, 12, 14, 8, 2));
    assert_eq!(second.retried, with_mail - 3, "{second:?}");
    // Back up: everything left goes out, once.
    sink.restart();
    let third = f.pass(at(2022, 12, 14, 8, 10));
    assert_eq!(third.sent, with_mail - 3, "{third:?}");
    assert_eq!(f.pass(at(2022, 12, 14, 9, 0)), PassSummary::default());

    let messages = sink.messages();
    assert_eq!(messages.len(), with_mail);
    let mut recipients: Vec<String> = messages.iter().map(|m| m.to.clone()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), with_mail, "each agency exactly once");
}

/// A mail server that takes connections and never answers (a hung relay): the pass gives up
/// after three timed-out sends instead of waiting one timeout per reminder, and nothing is
/// lost.
fn hung_mail_server(test_db: TestDb) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream); // accepted, never answered, kept open
        }
    });
    let db = test_db.open();
    let plan_id = demo::load(&mut db.get().unwrap()).unwrap().plan_id;
    let mut config = test_db.config();
    config.smtp.host = Some("127.0.0.1".into());
    config.smtp.port = port;
    config.smtp.security = SmtpSecurity::None;
    config.smtp.timeout_secs = 1;
    let mailer = Mailer::from_config(&config.smtp).unwrap().unwrap();
    let f = Fixture {
        db,
        config,
        mailer,
        plan_id,
    };
    let with_mail = f
        .expected("2022-12", at(2022, 12, 1, 8, 0))
        .iter()
        .filter(|a| !a.emails.is_empty())
        .count();
    assert!(with_mail > 6);
    let started = std::time::Instant::now();
    let pass = f.pass(at(2022, 12, 14, 8, 0));
    let took = started.elapsed();
    assert_eq!(pass.retried, with_mail, "{pass:?}");
    assert_eq!(pass.sent + pass.failed, 0);
    assert!(
        took < std::time::Duration::from_secs(with_mail as u64 - 2),
        "the pass waited {took:?} for {with_mail} reminders"
    );
    assert_eq!(f.states().get("planned").copied(), Some(with_mail));
}

on_both_backends! {
    hung_server => hung_mail_server;
    ladder_month => ladder_over_a_month;
    tet_deadline => deadline_on_tet;
    smtp_outage => mail_server_down_mid_run;
}
