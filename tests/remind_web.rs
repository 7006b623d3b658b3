//! The secretariat's reminder page against the real application and a real SMTP server, on
//! both backends: the preview names who would be reminded now and why the others would not;
//! "Gửi nhắc ngay" refuses a form without the session's CSRF token, then sends each due step
//! once; the log and the dashboard show what went out; a clerk cannot open the page. And
//! `tonghop serve` with a mail server configured sends due reminders on its own.

mod common;
#[path = "support/smtp.rs"]
mod smtp;
#[path = "support/web_client.rs"]
mod web_client;

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use chrono::{NaiveTime, Utc};
use common::{TestApp, TestDb};
use tonghop::{
    config::SmtpSecurity,
    db::{periods, submissions, DbConnection},
    demo,
    domain::{
        calendar::Calendar,
        period::{to_local, to_utc, Month},
    },
};
use web_client::Client;

/// The demo, and a current period whose deadline is the next working day: with steps at
/// midnight, its "one day before" step is due today (or on the last working day, on a
/// weekend).
fn demo_with_a_step_due_today(conn: &mut DbConnection) -> (i64, Month) {
    let plan_id = demo::load(conn).unwrap().plan_id;
    let today = to_local(Utc::now().naive_utc()).date();
    let month = Month::of(today);
    let deadline = Calendar::bundled()
        .add_working_days(today, 1)
        .and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap());
    periods::upsert(
        conn,
        plan_id,
        &month.to_string(),
        month.cutoff_window(),
        to_utc(deadline),
    )
    .unwrap();
    (plan_id, month)
}

fn reminder_page(test_db: TestDb) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let mut config = test_db.config();
    config.smtp.host = Some("127.0.0.1".into());
    config.smtp.port = sink.port;
    config.smtp.security = SmtpSecurity::None;
    // Steps fall due at midnight, so that "today" has one whatever the hour of the test.
    config.remind.hour = 0;
    let app = TestApp::spawn(config);
    let conn: &mut DbConnection = &mut app.db.get().unwrap();
    let (plan_id, month) = demo_with_a_step_due_today(conn);
    // Sở Tư pháp has reported already.
    let reported = tonghop::db::agencies::find_by_spelling(conn, "Trà Vinh", "Sở Tư pháp")
        .unwrap()
        .unwrap();
    let stored = submissions::store_original(
        conn,
        &submissions::NewSubmission {
            plan_id,
            agency_id: reported.id,
            period: &month.to_string(),
            uploaded_by: None,
            file_name: "bao-cao.xlsx",
            content_type: "application/octet-stream",
            bytes: b"bao cao",
        },
    )
    .unwrap();
    submissions::set_outcome(conn, stored.id, "processed", None, "[]").unwrap();

    let path = format!("/thuong-truc/nhac-bao-cao?ke-hoach={plan_id}&ky={month}");
    let mut clerk = Client::new(&app.address);
    clerk.login("vanthu.stttt", "vanthu-demo");
    assert_eq!(clerk.get(&path).status, 403);

    let mut secretariat = Client::new(&app.address);
    assert_eq!(
        secretariat.login("thuongtruc", "thuongtruc-demo").status,
        303
    );
    let page = secretariat.get(&path);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("Nếu gửi ngay bây giờ"), "{text}");
    assert!(text.contains("Sẽ gửi"), "{text}");
    assert!(text.contains("vanthu.cat@travinh.example"), "{text}");
    assert!(text.contains("Không gửi: Đơn vị đã gửi báo cáo"), "{text}");
    assert!(text.contains("Chưa có thư nhắc nào trong kỳ này."));
    let to_send = text.matches("Sẽ gửi").count();

    // Without the CSRF token: refused, nothing sent.
    let send = format!("/thuong-truc/nhac-bao-cao/gui?ke-hoach={plan_id}&ky={month}");
    assert_eq!(secretariat.post_form(&send, &[]).status, 403);
    assert!(sink.messages().is_empty());

    let csrf = secretariat.csrf(&path);
    let done = secretariat.post_form(&send, &[("csrf", &csrf)]);
    assert_eq!(done.status, 303);
    let after = secretariat.get(done.location.as_deref().unwrap());
    let text = after.text();
    assert!(
        text.contains(&format!("Đã gửi {to_send} thư nhắc")),
        "{text}"
    );
    assert_eq!(sink.messages().len(), to_send);
    assert_eq!(text.matches(r#"data-state="sent""#).count(), to_send);
    assert!(text.contains("Đã gửi"));
    // Pressing again sends nothing twice.
    let again = secretariat.post_form(&send, &[("csrf", &csrf)]);
    let text = secretariat.get(again.location.as_deref().unwrap()).text();
    assert!(text.contains("Đã gửi 0 thư nhắc"), "{text}");
    assert_eq!(sink.messages().len(), to_send);
    assert!(sink
        .messages()
        .iter()
        .all(|m| !m.to.contains("vanthu.stp@travinh.example")));

    // The dashboard counts the reminder sent to an agency that has not reported.
    let dashboard = secretariat
        .get(&format!("/thuong-truc?ke-hoach={plan_id}&ky={month}"))
        .text();
    assert!(dashboard.contains("Nhắc báo cáo"));
    assert!(
        dashboard.contains(r#"<td class="num">1</td></tr>"#),
        "a reminder is counted on the dashboard"
    );
}

/// `tonghop serve` with a mail server configured sends due reminders by itself.
fn serve_sends_by_itself(test_db: TestDb) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    {
        let db = test_db.open();
        demo_with_a_step_due_today(&mut db.get().unwrap());
    }
    let mut serve = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .arg("serve")
        .current_dir(test_db.dir.path())
        .env("TONGHOP_DATABASE_URL", &test_db.url)
        .env("TONGHOP_LISTEN", "127.0.0.1:0")
        .env("TONGHOP_WORKERS", "1")
        .env("TONGHOP_LOG", "warn")
        .env("TONGHOP_SMTP_HOST", "127.0.0.1")
        .env("TONGHOP_SMTP_PORT", sink.port.to_string())
        .env("TONGHOP_SMTP_SECURITY", "none")
        .env("TONGHOP_REMIND_HOUR", "0")
        .env("TONGHOP_REMIND_INTERVAL_SECS", "10")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tonghop serve");
    let deadline = Instant::now() + Duration::from_secs(90);
    while sink.messages().len() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    // One more interval: nothing is sent twice.
    std::thread::sleep(Duration::from_secs(11));
    let _ = serve.kill();
    let _ = serve.wait();
    let messages = sink.messages();
    assert!(
        messages.len() >= 5,
        "serve sent {} reminders",
        messages.len()
    );
    let mut recipients: Vec<&str> = messages.iter().map(|m| m.to.as_str()).collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), messages.len(), "each agency once");
    assert!(messages
        .iter()
        .all(|m| m.subject.starts_with("[Nhắc báo cáo]")));
}

use smtp::SmtpSink;

on_both_backends! {
    page => reminder_page;
    serve_loop => serve_sends_by_itself;
}
