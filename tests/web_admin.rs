//! Administrators' pages on both backends, against the real application: importing a plan
//! document as a draft, reviewing its tasks and findings, activating it; editing an agency's
//! e-mails, head e-mail, spellings and successor. Every form needs the session's CSRF token
//! and only administrators reach these pages.

mod common;
#[path = "support/web_client.rs"]
mod web_client;

use common::{TestApp, TestDb};
use diesel::prelude::*;
use tonghop::{
    db::{
        agencies,
        schema::{audit_log, plans},
        DbConnection,
    },
    demo,
};
use web_client::Client;

fn boot(db: &TestDb) -> TestApp {
    let app = TestApp::spawn(db.config());
    demo::load(&mut app.db.get().unwrap()).unwrap();
    app
}

fn signed_in(app: &TestApp, login: &str, password: &str) -> Client {
    let mut client = Client::new(&app.address);
    assert_eq!(client.login(login, password).status, 303);
    client
}

fn plan_count(conn: &mut DbConnection) -> i64 {
    plans::table.count().get_result(conn).unwrap()
}

fn actions(conn: &mut DbConnection) -> Vec<String> {
    audit_log::table
        .select(audit_log::action)
        .load(conn)
        .unwrap()
}

fn seed(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../shared/seeds/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the shared seeds are present")
}

on_both_backends! {
    a_plan_is_imported_reviewed_and_activated => a_plan_is_imported_reviewed_and_activated;
    agencies_are_edited => agencies_are_edited;
}

fn a_plan_is_imported_reviewed_and_activated(db: TestDb) {
    let app = boot(&db);
    let mut admin = signed_in(&app, "quantri", "quantri-demo");
    let page = admin.get("/quan-tri/ke-hoach");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("13/KH-UBND"), "the demo plan is listed");
    assert!(
        html.contains(r#"href="/quan-tri/ke-hoach""#),
        "in the navigation"
    );
    assert!(
        html.contains(r#"href="/quan-tri/co-quan""#),
        "in the navigation"
    );
    let document = seed("bacgiang_KH_2023_05-nhom-tien-ich.txt");
    let before = plan_count(&mut app.db.get().unwrap());
    // Without the CSRF token, or with a wrong one: refused, nothing imported.
    for fields in [vec![], vec![("csrf", "sai")]] {
        let refused = admin.post_multipart(
            "/quan-tri/ke-hoach",
            &fields,
            ("tep", "KH_BacGiang.txt", &document),
        );
        assert_eq!(refused.status, 403);
    }
    assert_eq!(plan_count(&mut app.db.get().unwrap()), before);
    // A file that is no plan: a clear refusal, nothing stored.
    let csrf = admin.csrf("/quan-tri/ke-hoach");
    let refused = admin.post_multipart(
        "/quan-tri/ke-hoach",
        &[("csrf", &csrf)],
        ("tep", "rong.docx", b"PK\x03\x04 not a document"),
    );
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(plan_count(&mut app.db.get().unwrap()), before);
    // The import makes a draft and leads to its review page.
    let sent = admin.post_multipart(
        "/quan-tri/ke-hoach",
        &[("csrf", &csrf), ("tinh", "")],
        ("tep", "KH_BacGiang.txt", &document),
    );
    assert_eq!(sent.status, 303, "{}", sent.text());
    let review_path = sent.location.unwrap();
    assert!(
        review_path.starts_with("/quan-tri/ke-hoach/"),
        "{review_path}"
    );
    let id: i64 = review_path["/quan-tri/ke-hoach/".len()..]
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let status = |app: &TestApp| -> String {
        plans::table
            .find(id)
            .select(plans::status)
            .first(&mut app.db.get().unwrap())
            .unwrap()
    };
    assert_eq!(status(&app), "draft");
    let review = admin.get(&review_path);
    assert_eq!(review.status, 200);
    let html = review.text();
    assert!(html.contains("Bắc Giang"));
    assert!(html.contains("Bản nháp"));
    assert!(html.contains("Đã nhập kế hoạch ở dạng bản nháp"));
    assert!(html.contains("KH_BacGiang.txt"));
    // Its 24 tasks, with their lead agencies and due times…
    let tasks = html.split("<h2>Danh mục nhiệm vụ</h2>").nth(1).unwrap();
    assert_eq!(tasks.matches("<tr><td>").count(), 24, "{tasks}");
    assert!(tasks.contains("Sở Thông tin và Truyền thông"));
    // …and the importer's findings, kept for the review.
    let findings = html.split("<h2>Điểm cần xem lại</h2>").nth(1).unwrap();
    assert!(
        findings.contains("Các tổ chức hành nghề công chứng"),
        "{findings}"
    );
    assert!(findings.contains("Cảnh báo"));
    assert!(html.contains(">Kích hoạt</button>"));
    // Activation needs the token.
    let activate = format!("/quan-tri/ke-hoach/{id}/kich-hoat");
    assert_eq!(admin.post_form(&activate, &[]).status, 403);
    assert_eq!(admin.post_form(&activate, &[("csrf", "sai")]).status, 403);
    assert_eq!(status(&app), "draft");
    // Other roles cannot reach the pages nor activate.
    let mut secretariat = signed_in(&app, "thuongtruc", "thuongtruc-demo");
    assert_eq!(secretariat.get("/quan-tri/ke-hoach").status, 403);
    assert_eq!(secretariat.get(&review_path).status, 403);
    let token = secretariat.csrf("/thuong-truc");
    assert_eq!(
        secretariat.post_form(&activate, &[("csrf", &token)]).status,
        403
    );
    let token = secretariat.csrf("/thuong-truc");
    let refused = secretariat.post_multipart(
        "/quan-tri/ke-hoach",
        &[("csrf", &token)],
        ("tep", "KH.txt", &document),
    );
    assert_eq!(refused.status, 403);
    assert_eq!(status(&app), "draft");
    // The administrator activates it.
    let csrf = admin.csrf(&review_path);
    let done = admin.post_form(&activate, &[("csrf", &csrf)]);
    assert_eq!(done.status, 303, "{}", done.text());
    assert_eq!(status(&app), "active");
    let html = admin.get(&done.location.unwrap()).text();
    assert!(html.contains("Đang áp dụng"));
    assert!(html.contains("Đã kích hoạt kế hoạch"));
    assert!(!html.contains(">Kích hoạt</button>"));
    assert!(
        html.contains("Các tổ chức hành nghề công chứng"),
        "findings stay"
    );
    // Twice is a conflict, not a second activation.
    assert_eq!(admin.post_form(&activate, &[("csrf", &csrf)]).status, 409);
    let log = actions(&mut app.db.get().unwrap());
    assert_eq!(log.iter().filter(|a| *a == "plan.import").count(), 1);
    assert_eq!(log.iter().filter(|a| *a == "plan.activate").count(), 1);
    // The audit log page shows them.
    let audit = admin.get("/quan-tri/nhat-ky").text();
    assert!(audit.contains("plan.activate") && audit.contains("plan.import"));
}

fn agencies_are_edited(db: TestDb) {
    let app = boot(&db);
    let (stttt, police, science) = {
        let mut conn = app.db.get().unwrap();
        let find = |conn: &mut DbConnection, name: &str| {
            agencies::find_by_spelling(conn, "Trà Vinh", name)
                .unwrap()
                .unwrap_or_else(|| panic!("{name}"))
        };
        (
            find(&mut conn, "Sở Thông tin và Truyền thông"),
            find(&mut conn, "Công an tỉnh"),
            find(&mut conn, "Sở Khoa học và Công nghệ"),
        )
    };
    let mut admin = signed_in(&app, "quantri", "quantri-demo");
    let list = admin.get("/quan-tri/co-quan");
    assert_eq!(list.status, 200);
    let html = list.text();
    assert!(html.contains("Sở Thông tin và Truyền thông"));
    assert!(html.contains(&format!(r#"href="/quan-tri/co-quan/{}""#, stttt.id)));
    assert!(html.contains("Sở TT&amp;TT"), "aliases are listed, escaped");
    let edit_path = format!("/quan-tri/co-quan/{}", stttt.id);
    let form = admin.get(&edit_path);
    assert_eq!(form.status, 200);
    let fields = |csrf: &str, aliases: &str, successor: &str| -> Vec<(String, String)> {
        vec![
            ("csrf".into(), csrf.into()),
            (
                "emails".into(),
                "vanthu@stttt.travinh.gov.vn,\nvanphong@stttt.travinh.gov.vn".into(),
            ),
            ("head_email".into(), "giamdoc@stttt.travinh.gov.vn".into()),
            ("aliases".into(), aliases.into()),
            ("successor".into(), successor.into()),
            ("successor_from".into(), "01/03/2025".into()),
        ]
    };
    let post = |client: &mut Client, fields: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        client.post_form(&edit_path, &pairs)
    };
    let science_id = science.id.to_string();
    // Without the token: refused, nothing changed.
    let refused = post(&mut admin, &fields("", "STTTT Trà Vinh", &science_id));
    assert_eq!(refused.status, 403);
    let unchanged = agencies::get(&mut app.db.get().unwrap(), stttt.id).unwrap();
    assert_eq!(unchanged.email_list(), stttt.email_list());
    // Bad input is refused with a reason.
    let csrf = admin.csrf(&edit_path);
    let mut bad = fields(&csrf, "", &science_id);
    bad[1].1 = "khong-phai-email".into();
    let refused = post(&mut admin, &bad);
    assert_eq!(refused.status, 400);
    assert!(refused.text().contains("khong-phai-email"));
    let refused = post(&mut admin, &fields(&csrf, "", &stttt.id.to_string()));
    assert_eq!(refused.status, 400, "its own successor");
    // A real edit; a spelling already used by another agency is not taken.
    let saved = post(
        &mut admin,
        &fields(&csrf, "STTTT Trà Vinh\nCông an tỉnh", &science_id),
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    let notice = admin.get(&saved.location.unwrap()).text();
    assert!(notice.contains("Đã lưu thay đổi"), "{notice}");
    assert!(notice.contains("Công an tỉnh") && notice.contains("cơ quan khác"));
    let mut conn = app.db.get().unwrap();
    let edited = agencies::get(&mut conn, stttt.id).unwrap();
    assert_eq!(
        edited.email_list(),
        vec![
            "vanthu@stttt.travinh.gov.vn",
            "vanphong@stttt.travinh.gov.vn"
        ]
    );
    assert_eq!(
        edited.head_email.as_deref(),
        Some("giamdoc@stttt.travinh.gov.vn")
    );
    assert_eq!(edited.successor_id, Some(science.id));
    assert_eq!(
        edited.successor_from,
        chrono::NaiveDate::from_ymd_opt(2025, 3, 1)
    );
    let by_alias = |conn: &mut DbConnection, written: &str| {
        agencies::find_by_spelling(conn, "Trà Vinh", written)
            .unwrap()
            .map(|a| a.id)
    };
    assert_eq!(by_alias(&mut conn, "STTTT TRA VINH"), Some(stttt.id));
    assert_eq!(by_alias(&mut conn, "Công an tỉnh"), Some(police.id));
    // Spellings dropped from the form go, but the name and short name stay.
    drop(conn);
    let csrf = admin.csrf(&edit_path);
    let saved = post(&mut admin, &fields(&csrf, "", ""));
    assert_eq!(saved.status, 400, "a date without a successor");
    let mut cleared = fields(&csrf, "", "");
    cleared[5].1 = String::new();
    assert_eq!(post(&mut admin, &cleared).status, 303);
    let mut conn = app.db.get().unwrap();
    assert_eq!(by_alias(&mut conn, "STTTT Trà Vinh"), None);
    assert_eq!(by_alias(&mut conn, "STTTT"), None, "other aliases went too");
    assert_eq!(
        by_alias(&mut conn, "Sở TT&TT"),
        Some(stttt.id),
        "the short name stays"
    );
    assert_eq!(
        by_alias(&mut conn, "Sở Thông tin và Truyền thông"),
        Some(stttt.id)
    );
    assert_eq!(
        agencies::get(&mut conn, stttt.id).unwrap().successor_id,
        None
    );
    let log = actions(&mut conn);
    assert_eq!(log.iter().filter(|a| *a == "agency.update").count(), 2);
    drop(conn);
    // Not for other roles.
    let mut clerk = signed_in(&app, "vanthu.stttt", "vanthu-demo");
    assert_eq!(clerk.get("/quan-tri/co-quan").status, 403);
    assert_eq!(clerk.get(&edit_path).status, 403);
    let token = clerk.csrf("/van-thu");
    let refused = post(&mut clerk, &fields(&token, "", ""));
    assert_eq!(refused.status, 403);
}
