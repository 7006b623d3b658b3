//! `tonghop remind` and `tonghop plan ladder` as the secretariat's IT officer runs them, on
//! both backends: the dry run names who would get which step and why and writes nothing;
//! sending without a mail server configured, or a malformed ladder, ends in one Vietnamese
//! line; a plan's own ladder changes the days of its steps. Also: a mail server that accepts
//! the connection and never answers does not hold a send beyond its timeout.

mod common;

use std::{
    net::TcpListener,
    process::Command,
    time::{Duration, Instant},
};

use diesel::prelude::*;
use tonghop::{
    config::{SmtpConfig, SmtpSecurity},
    db::schema::reminders,
    demo,
    remind::{email::EmailText, mailer::Mailer, planner::Recipients},
};

use common::TestDb;

fn tonghop(db: &TestDb, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args(args)
        .current_dir(db.dir.path())
        .env("TONGHOP_DATABASE_URL", &db.url)
        .env("TONGHOP_LOG", "warn")
        .env_remove("TONGHOP_SMTP_HOST")
        .output()
        .expect("run tonghop");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dry_run_and_ladder(test_db: TestDb) {
    let db = test_db.open();
    demo::load(&mut db.get().unwrap()).unwrap();

    // Friday 16/12/2022 08:00 is the step one working day before Monday 19/12.
    let (code, out, err) = tonghop(
        &test_db,
        &[
            "remind",
            "--dry-run",
            "--at",
            "2022-12-16 08:00",
            "--plan",
            "13/KH-UBND",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("không gửi thư nào"), "{out}");
    assert!(out.contains("Thứ Hai, 19/12/2022"), "{out}");
    assert!(out.contains("GỬI tới vanthu."), "{out}");
    // The earlier step (Wednesday 14/12) is noted as superseded, not sent as well.
    assert!(
        out.contains("bước đã qua thời điểm nhắc") && out.contains("bước mới nhất"),
        "{out}"
    );
    assert!(out.contains("Bước tiếp theo: T0"), "{out}");
    let recorded: i64 = reminders::table
        .count()
        .get_result(&mut *db.get().unwrap())
        .unwrap();
    assert_eq!(recorded, 0, "a dry run records nothing");

    // JSON for scripts.
    let (code, out, _) = tonghop(
        &test_db,
        &["remind", "--dry-run", "--at", "2022-12-16 08:00", "--json"],
    );
    assert_eq!(code, 0);
    let value: serde_json::Value = serde_json::from_str(&out).unwrap();
    let steps = value["steps"].as_array().unwrap();
    assert!(steps
        .iter()
        .any(|s| s["step"] == "T-1" && s["decision"] == "send"));

    // Sending needs a mail server.
    let (code, _, err) = tonghop(&test_db, &["remind", "--at", "2022-12-16 08:00"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("lỗi: ") && err.contains("chưa cấu hình máy chủ thư"),
        "{err}"
    );
    let (code, _, err) = tonghop(&test_db, &["remind", "--dry-run", "--at", "16/12/2022"]);
    assert_eq!(code, 1);
    assert!(err.contains("2023-11-16 08:00"), "{err}");

    // A plan's own ladder: 5 and 2 working days before, escalation 1 day after.
    let (code, out, err) = tonghop(
        &test_db,
        &[
            "plan",
            "ladder",
            "13/KH-UBND",
            "--set",
            "-5,-2,+1!",
            "--period",
            "2022-12",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("riêng của kế hoạch): -5,-2,+1!"), "{out}");
    assert!(out.contains("T-5   Thứ Hai, 12/12/2022"), "{out}");
    assert!(out.contains("T+1   Thứ Ba, 20/12/2022"), "{out}");
    let (code, _, err) = tonghop(&test_db, &["plan", "ladder", "13/KH-UBND", "--set", "-2!"]);
    assert_eq!(code, 1);
    assert!(err.contains("cấp trên"), "{err}");
    let (code, out, _) = tonghop(&test_db, &["plan", "ladder", "13/KH-UBND", "--reset"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("mặc định trong cấu hình): -3,-1,0,+1,+3!"),
        "{out}"
    );
}

on_both_backends! {
    cli => dry_run_and_ladder;
}

#[test]
fn a_silent_mail_server_does_not_hold_a_send() {
    // Accepts connections, never says a word.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(1).flatten() {
            open.push(stream);
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    let mailer = Mailer::from_config(&SmtpConfig {
        host: Some("127.0.0.1".into()),
        port,
        security: SmtpSecurity::None,
        timeout_secs: 1,
        ..SmtpConfig::default()
    })
    .unwrap()
    .unwrap();
    let started = Instant::now();
    let failure = mailer
        .send(
            &Recipients {
                to: vec!["vanthu@example.vn".into()],
                cc: Vec::new(),
            },
            &EmailText {
                subject: "Nhắc báo cáo".into(),
                text: "Nội dung".into(),
                html: "<p>Nội dung</p>".into(),
            },
            None,
        )
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(failure.temporary, "{failure:?}");
    assert!(failure.message.contains("127.0.0.1"), "{}", failure.message);
    held.join().unwrap();
}
