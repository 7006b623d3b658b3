//! The JSON API under `/api/v1`, on both backends, against the real application: bearer
//! tokens (401 without or with a wrong or revoked one; only their hash stored), a clerk's
//! token bound to the clerk's agency (403 to upload for another, 404 to read another's), the
//! upload answering the JSON of `tonghop ingest --json`, the period status and consolidated
//! workbook for the secretariat, the OpenAPI document, the administrators' token page and
//! `tonghop token create`.

mod common;
#[path = "support/web_client.rs"]
mod web_client;

use std::{io::Read, path::PathBuf, process::Command, time::Duration};

use common::{TestApp, TestDb};
use diesel::prelude::*;
use serde_json::Value;
use tonghop::{
    config::Config,
    db::{
        agencies, api_tokens,
        schema::{api_tokens as tokens_table, audit_log, submission_files, submissions},
        users, DbConnection,
    },
    demo,
};
use web_client::{fill_template, Client};

const MAX_BYTES: usize = 256 * 1024;

fn config(db: &TestDb) -> Config {
    let mut config = db.config();
    config.upload.max_bytes = MAX_BYTES;
    config.upload.reader_program = Some(PathBuf::from(env!("CARGO_BIN_EXE_tonghop")));
    config
}

fn boot(db: &TestDb) -> (TestApp, i64) {
    let app = TestApp::spawn(config(db));
    let plan_id = demo::load(&mut app.db.get().unwrap()).unwrap().plan_id;
    (app, plan_id)
}

/// A token for a demo account, made through the library.
fn token_for(app: &TestApp, login: &str) -> String {
    let mut conn = app.db.get().unwrap();
    let user = users::find_by_login(&mut conn, login).unwrap().unwrap();
    api_tokens::create(&mut conn, user.id, "thử nghiệm")
        .unwrap()
        .token
}

struct Answer {
    status: u16,
    content_type: String,
    location: Option<String>,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    fn error_code(&self) -> String {
        let body = self.json();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "an error has a message: {body}");
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Answer {
    let mut request = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(60))
        .build()
        .request(method, &format!("{}{path}", app.address));
    for (k, v) in headers {
        request = request.set(k, v);
    }
    let result = match body {
        Some(bytes) => request.send_bytes(bytes),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = response.status();
    let content_type = response.content_type().to_string();
    let location = response.header("location").map(str::to_string);
    let mut bytes = Vec::new();
    response.into_reader().read_to_end(&mut bytes).unwrap();
    Answer {
        status,
        content_type,
        location,
        bytes,
    }
}

fn get(app: &TestApp, path: &str, token: &str) -> Answer {
    let auth = format!("Bearer {token}");
    call(app, "GET", path, &[("Authorization", &auth)], None)
}

fn post_file(app: &TestApp, path: &str, token: &str, name: &str, bytes: &[u8]) -> Answer {
    let auth = format!("Bearer {token}");
    call(
        app,
        "POST",
        path,
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/octet-stream"),
            ("X-File-Name", name),
        ],
        Some(bytes),
    )
}

/// The demo clerk's filled-in template for 2022-11 (downloaded through the clerk's page).
fn filled_report(app: &TestApp, plan_id: i64, first_result: &str) -> Vec<u8> {
    let mut clerk = Client::new(&app.address);
    assert_eq!(clerk.login("vanthu.stttt", "vanthu-demo").status, 303);
    let template = clerk.get(&format!("/van-thu/mau?ke-hoach={plan_id}&ky=2022-11"));
    assert_eq!(template.status, 200);
    fill_template(&template.bytes, first_result)
}

fn stttt_id(conn: &mut DbConnection) -> i64 {
    agencies::find_by_spelling(conn, "Trà Vinh", "Sở TT&TT")
        .unwrap()
        .unwrap()
        .id
}

fn submission_count(conn: &mut DbConnection) -> i64 {
    submissions::table.count().get_result(conn).unwrap()
}

fn audit_actions(conn: &mut DbConnection) -> Vec<String> {
    audit_log::table
        .select(audit_log::action)
        .load(conn)
        .unwrap()
}

on_both_backends! {
    tokens_are_required_and_checked => tokens_are_required_and_checked;
    a_clerks_token_is_bound_to_its_agency => a_clerks_token_is_bound_to_its_agency;
    the_secretariat_reads_the_status_and_downloads_the_workbook => the_secretariat_reads_the_status_and_downloads_the_workbook;
    administrators_make_tokens_on_a_page_and_on_the_command_line => administrators_make_tokens_on_a_page_and_on_the_command_line;
}

fn tokens_are_required_and_checked(db: TestDb) {
    let (app, _) = boot(&db);
    let token = token_for(&app, "thuongtruc");
    assert!(token.starts_with("thp_"));
    // Only the hash is stored.
    let stored: Vec<String> = tokens_table::table
        .select(tokens_table::token_hash)
        .load(&mut app.db.get().unwrap())
        .unwrap();
    assert_eq!(stored, vec![api_tokens::hash(&token)]);
    assert!(!stored[0].contains(&token[4..]));
    let paths = [
        "/api/v1/submissions/1",
        "/api/v1/plans/1/periods/2022-11/status",
        "/api/v1/plans/1/periods/2022-11/consolidated.xlsx",
    ];
    for path in paths {
        // No token at all, another scheme, a wrong token, a session-like random value.
        let none = call(&app, "GET", path, &[], None);
        assert_eq!(none.status, 401, "{path}");
        assert_eq!(none.error_code(), "unauthorized");
        assert!(none.content_type.contains("json"));
        assert!(none.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mã truy cập"));
        let basic = call(
            &app,
            "GET",
            path,
            &[("Authorization", "Basic dGh1b25ndHJ1Yzp4")],
            None,
        );
        assert_eq!(basic.status, 401, "{path}");
        let wrong = format!("thp_{}", "0".repeat(64));
        assert_eq!(get(&app, path, &wrong).status, 401, "{path}");
        assert_eq!(get(&app, path, &token[..token.len() - 1]).status, 401);
        assert_eq!(get(&app, path, "khong-phai-ma").status, 401);
    }
    // An upload without a token is not stored.
    let before = submission_count(&mut app.db.get().unwrap());
    let sent = call(
        &app,
        "POST",
        "/api/v1/submissions?plan=1&period=2022-11&agency=1",
        &[],
        Some(b"PK"),
    );
    assert_eq!(sent.status, 401);
    assert_eq!(submission_count(&mut app.db.get().unwrap()), before);
    // The right token works; once revoked it does not.
    assert_eq!(get(&app, paths[1], &token).status, 200);
    let id: i64 = tokens_table::table
        .select(tokens_table::id)
        .first(&mut app.db.get().unwrap())
        .unwrap();
    api_tokens::revoke(&mut app.db.get().unwrap(), id).unwrap();
    assert_eq!(get(&app, paths[1], &token).status, 401);
    // The OpenAPI document needs no token, parses and lists every path.
    let doc = call(&app, "GET", "/api/v1/openapi.json", &[], None);
    assert_eq!(doc.status, 200);
    assert!(doc.content_type.contains("json"));
    let doc = doc.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    let listed: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/submissions",
        "/submissions/{id}",
        "/submissions/{id}/original",
        "/plans/{plan}/periods/{period}/status",
        "/plans/{plan}/periods/{period}/consolidated.xlsx",
        "/openapi.json",
    ] {
        assert!(listed.contains(&path), "{path} missing from {listed:?}");
    }
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // Unknown API paths and malformed ids answer JSON too.
    let fresh = token_for(&app, "thuongtruc");
    let unknown = get(&app, "/api/v1/khong-co", &fresh);
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error_code(), "not_found");
    let malformed = get(&app, "/api/v1/submissions/abc", &fresh);
    assert_eq!(malformed.status, 404);
    assert_eq!(malformed.error_code(), "not_found");
}

fn a_clerks_token_is_bound_to_its_agency(db: TestDb) {
    let (app, plan_id) = boot(&db);
    let token = token_for(&app, "vanthu.stttt");
    let report = filled_report(&app, plan_id, "Đã triển khai định danh điện tử");
    let (mine, other_agency, others_submission) = {
        let mut conn = app.db.get().unwrap();
        let mine = stttt_id(&mut conn);
        let (other_submission, other_agency): (i64, i64) = submissions::table
            .filter(submissions::agency_id.ne(mine))
            .select((submissions::id, submissions::agency_id))
            .first(&mut conn)
            .unwrap();
        (mine, other_agency, other_submission)
    };
    // The upload answers the JSON of `tonghop ingest --json`.
    let sent = post_file(
        &app,
        &format!("/api/v1/submissions?plan={plan_id}&period=2022-11"),
        &token,
        "B%C3%A1o%20c%C3%A1o%20th%C3%A1ng%2011.xlsx",
        &report,
    );
    assert_eq!(sent.status, 201, "{}", String::from_utf8_lossy(&sent.bytes));
    let body = sent.json();
    let id = body["submission"]["id"].as_i64().unwrap();
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/api/v1/submissions/{id}").as_str())
    );
    assert_eq!(body["submission"]["outcome"], "processed");
    assert_eq!(body["submission"]["version"], 1);
    assert_eq!(body["submission"]["duplicate"], false);
    assert_eq!(body["submission"]["period"], "2022-11");
    assert_eq!(body["submission"]["agency"], "Sở Thông tin và Truyền thông");
    let rows = body["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r["task_code"].is_string()),
        "every row of the template matches a task: {rows:?}"
    );
    assert_eq!(rows[0]["result"], "Đã triển khai định danh điện tử");
    assert_eq!(rows[0]["status"], "in_progress");
    assert!(rows[0]["match"]["method"].is_string());
    assert!(rows[0]["source"]["row"].as_u64().unwrap() > 1);
    // The out-of-range progress on the last row is a finding with its row.
    let findings = body["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["row"].is_u64() && f["message"].as_str().unwrap().contains("150")),
        "{findings:?}"
    );
    // Stored for the clerk's agency, byte for byte, under the name sent.
    {
        let mut conn = app.db.get().unwrap();
        let (agency_id, file_name): (i64, String) = submissions::table
            .find(id)
            .select((submissions::agency_id, submissions::file_name))
            .first(&mut conn)
            .unwrap();
        assert_eq!(agency_id, mine);
        assert_eq!(file_name, "Báo cáo tháng 11.xlsx");
        let stored: Vec<u8> = submission_files::table
            .find(id)
            .select(submission_files::bytes)
            .first(&mut conn)
            .unwrap();
        assert_eq!(stored, report);
        assert!(audit_actions(&mut conn).contains(&"api.submission.upload".to_string()));
    }
    // The same bytes again: recognised, nothing new stored.
    let again = post_file(
        &app,
        &format!("/api/v1/submissions?plan={plan_id}&period=2022-11&agency=S%E1%BB%9F%20TT%26TT"),
        &token,
        "x.xlsx",
        &report,
    );
    assert_eq!(
        again.status,
        200,
        "{}",
        String::from_utf8_lossy(&again.bytes)
    );
    assert_eq!(again.json()["submission"]["id"], id);
    assert_eq!(again.json()["submission"]["duplicate"], true);
    // The clerk reads their own submission…
    let own = get(&app, &format!("/api/v1/submissions/{id}"), &token);
    assert_eq!(own.status, 200);
    let own = own.json();
    assert_eq!(own["submission"]["sha256"], body["submission"]["sha256"]);
    assert_eq!(own["rows"].as_array().unwrap().len(), rows.len());
    assert_eq!(own["rows"][0]["task_code"], rows[0]["task_code"]);
    assert_eq!(own["findings"], body["findings"]);
    assert!(own["submission"]["uploaded_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    // …but not another agency's (404: ids of others are not even confirmed).
    let theirs = get(
        &app,
        &format!("/api/v1/submissions/{others_submission}"),
        &token,
    );
    assert_eq!(theirs.status, 404);
    assert_eq!(theirs.error_code(), "not_found");
    assert!(!String::from_utf8_lossy(&theirs.bytes).contains("sha256"));
    // The original comes back byte for byte under its name; another agency's does not.
    let original = get(&app, &format!("/api/v1/submissions/{id}/original"), &token);
    assert_eq!(original.status, 200);
    assert_eq!(original.bytes, report, "the original, byte for byte");
    let theirs = get(
        &app,
        &format!("/api/v1/submissions/{others_submission}/original"),
        &token,
    );
    assert_eq!(theirs.status, 404);
    assert_eq!(theirs.error_code(), "not_found");
    // Uploading for another agency is refused, by id or by name, and nothing is stored.
    let before = submission_count(&mut app.db.get().unwrap());
    for agency in [
        other_agency.to_string(),
        "C%C3%B4ng%20an%20t%E1%BB%89nh".into(),
    ] {
        let refused = post_file(
            &app,
            &format!("/api/v1/submissions?plan={plan_id}&period=2022-11&agency={agency}"),
            &token,
            "x.xlsx",
            &report,
        );
        assert_eq!(refused.status, 403, "{agency}");
        assert_eq!(refused.error_code(), "forbidden");
    }
    // A plan that is not active (a draft) is refused too.
    let draft_plan = {
        let mut conn = app.db.get().unwrap();
        let mut draft = tonghop::db::plans::draft_of(&mut conn, plan_id).unwrap();
        draft.plan.number = Some("99/KH-UBND".into());
        draft.plan.id = None;
        tonghop::db::plans::store_draft(&mut conn, &draft, None, false)
            .unwrap()
            .plan_id
    };
    let refused = post_file(
        &app,
        &format!("/api/v1/submissions?plan={draft_plan}&period=2022-11"),
        &token,
        "x.xlsx",
        &report,
    );
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_code(), "bad_request");
    // Missing parameters are a JSON 400.
    let refused = post_file(
        &app,
        "/api/v1/submissions?period=2022-11",
        &token,
        "x",
        b"PK",
    );
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_code(), "bad_request");
    // Over the size limit: 413, refused from the declared length.
    let big = vec![b'x'; MAX_BYTES + 1];
    let refused = post_file(
        &app,
        &format!("/api/v1/submissions?plan={plan_id}&period=2022-11"),
        &token,
        "lon.xlsx",
        &big,
    );
    assert_eq!(refused.status, 413);
    assert_eq!(refused.error_code(), "too_large");
    assert_eq!(submission_count(&mut app.db.get().unwrap()), before);
    // The secretariat's endpoints are not for clerks.
    for path in [
        format!("/api/v1/plans/{plan_id}/periods/2022-11/status"),
        format!("/api/v1/plans/{plan_id}/periods/2022-11/consolidated.xlsx"),
    ] {
        let refused = get(&app, &path, &token);
        assert_eq!(refused.status, 403, "{path}");
        assert_eq!(refused.error_code(), "forbidden");
    }
}

fn the_secretariat_reads_the_status_and_downloads_the_workbook(db: TestDb) {
    let (app, plan_id) = boot(&db);
    let token = token_for(&app, "thuongtruc");
    let report = filled_report(&app, plan_id, "Báo cáo qua API");
    // The secretariat uploads for a named agency (the agency is required).
    let path = "/api/v1/submissions?plan=13%2FKH-UBND&period=2022-11".to_string();
    let refused = post_file(&app, &path, &token, "bc.xlsx", &report);
    assert_eq!(refused.status, 400);
    assert!(refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("agency"));
    let unknown = post_file(
        &app,
        &format!("{path}&agency=Kh%C3%B4ng%20c%C3%B3"),
        &token,
        "bc.xlsx",
        &report,
    );
    assert_eq!(unknown.status, 404);
    let sent = post_file(
        &app,
        &format!("{path}&agency=STTTT"),
        &token,
        "bc.xlsx",
        &report,
    );
    assert_eq!(sent.status, 201, "{}", String::from_utf8_lossy(&sent.bytes));
    let id = sent.json()["submission"]["id"].as_i64().unwrap();
    let mine = stttt_id(&mut app.db.get().unwrap());
    // The status lists every expected agency; the one that just sent shows this version.
    for plan in [plan_id.to_string(), "13%2FKH-UBND".to_string()] {
        let status = get(
            &app,
            &format!("/api/v1/plans/{plan}/periods/2022-11/status"),
            &token,
        );
        assert_eq!(
            status.status,
            200,
            "{}",
            String::from_utf8_lossy(&status.bytes)
        );
        let status = status.json();
        assert_eq!(status["plan"]["id"], plan_id);
        assert_eq!(status["period"], "2022-11");
        assert!(status["deadline"].as_str().unwrap().ends_with('Z'));
        let agencies = status["agencies"].as_array().unwrap();
        let summary = &status["summary"];
        assert_eq!(
            summary["expected"].as_u64().unwrap() as usize,
            agencies.len()
        );
        assert_eq!(
            summary["on_time"].as_u64().unwrap()
                + summary["late"].as_u64().unwrap()
                + summary["missing"].as_u64().unwrap(),
            agencies.len() as u64
        );
        for a in agencies {
            assert!(["on_time", "late", "missing"].contains(&a["state"].as_str().unwrap()));
            assert_eq!(a["submission_id"].is_null(), a["state"] == "missing", "{a}");
        }
        let stttt = agencies
            .iter()
            .find(|a| a["agency_id"] == mine)
            .expect("the agency is expected");
        assert_eq!(stttt["submission_id"], id);
        // Sent in 2026 for November 2022: late.
        assert_eq!(stttt["state"], "late");
        assert!(stttt["late_by"]["days"].as_i64().unwrap() > 365);
        assert!(stttt["state_label"]
            .as_str()
            .unwrap()
            .starts_with("Trễ hạn"));
    }
    let missing = get(&app, "/api/v1/plans/999/periods/2022-11/status", &token);
    assert_eq!(missing.status, 404);
    let bad = get(
        &app,
        &format!("/api/v1/plans/{plan_id}/periods/thang-11/status"),
        &token,
    );
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error_code(), "bad_request");
    // The consolidated workbook is a real xlsx with the agency's reported text in it.
    let workbook = get(
        &app,
        &format!("/api/v1/plans/{plan_id}/periods/2022-11/consolidated.xlsx"),
        &token,
    );
    assert_eq!(
        workbook.status,
        200,
        "{}",
        String::from_utf8_lossy(&workbook.bytes)
    );
    assert!(workbook.content_type.contains("spreadsheetml"));
    let grid = tonghop::ingest::read::parse(
        &workbook.bytes,
        &tonghop::ingest::read::ReadLimits::default(),
    )
    .expect("the workbook reads back")
    .grid;
    assert!(grid.sheets.len() >= 3, "{:?}", grid.sheets.len());
    let text: String = grid
        .sheets
        .iter()
        .flat_map(|s| s.rows.iter())
        .flat_map(|r| r.iter())
        .map(|c| format!("{c:?}"))
        .collect();
    assert!(
        text.contains("Báo cáo qua API"),
        "the upload is consolidated"
    );
    // An administrator's token reaches the same endpoints.
    let admin = token_for(&app, "quantri");
    assert_eq!(
        get(&app, &format!("/api/v1/submissions/{id}"), &admin).status,
        200
    );
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/plans/{plan_id}/periods/2022-11/status"),
            &admin
        )
        .status,
        200
    );
    let actions = audit_actions(&mut app.db.get().unwrap());
    for action in ["api.submission.upload", "api.consolidate.download"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

fn administrators_make_tokens_on_a_page_and_on_the_command_line(db: TestDb) {
    let (app, plan_id) = boot(&db);
    let mut admin = Client::new(&app.address);
    assert_eq!(admin.login("quantri", "quantri-demo").status, 303);
    let page = admin.get("/quan-tri/api-token");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Mã truy cập API"));
    // Without the form's CSRF token: refused, nothing made.
    let refused = admin.post_form(
        "/quan-tri/api-token",
        &[("login", "vanthu.stttt"), ("name", "Hệ thống văn bản")],
    );
    assert_eq!(refused.status, 403);
    let count = |app: &TestApp| -> i64 {
        tokens_table::table
            .count()
            .get_result(&mut app.db.get().unwrap())
            .unwrap()
    };
    assert_eq!(count(&app), 0);
    let csrf = admin.csrf("/quan-tri/api-token");
    let made = admin.post_form(
        "/quan-tri/api-token",
        &[
            ("csrf", &csrf),
            ("login", "vanthu.stttt"),
            ("name", "Hệ thống <văn bản>"),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.text());
    let html = made.text();
    let start = html.find("thp_").expect("the token is shown once");
    let token: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(token.len(), 68);
    assert!(html.contains("Hệ thống &lt;văn bản&gt;"));
    assert_eq!(count(&app), 1);
    // The list afterwards does not show it again.
    let list = admin.get("/quan-tri/api-token").text();
    assert!(!list.contains(&token), "shown once only");
    assert!(list.contains(&token[..12]), "its prefix identifies it");
    // It is the clerk's token: it reads the clerk's things only.
    let report = filled_report(&app, plan_id, "ok");
    let sent = post_file(
        &app,
        &format!("/api/v1/submissions?plan={plan_id}&period=2022-11"),
        &token,
        "bc.xlsx",
        &report,
    );
    assert_eq!(sent.status, 201);
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/plans/{plan_id}/periods/2022-11/status"),
            &token
        )
        .status,
        403
    );
    // Revoking from the page ends it.
    let id: i64 = tokens_table::table
        .select(tokens_table::id)
        .first(&mut app.db.get().unwrap())
        .unwrap();
    let csrf = admin.csrf("/quan-tri/api-token");
    let revoked = admin.post_form(
        &format!("/quan-tri/api-token/{id}/thu-hoi"),
        &[("csrf", &csrf)],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.text());
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/submissions/{}", sent.json()["submission"]["id"]),
            &token
        )
        .status,
        401
    );
    // Not for other roles.
    let mut clerk = Client::new(&app.address);
    clerk.login("vanthu.stttt", "vanthu-demo");
    assert_eq!(clerk.get("/quan-tri/api-token").status, 403);
    let csrf = clerk.csrf("/van-thu");
    assert_eq!(
        clerk
            .post_form(
                "/quan-tri/api-token",
                &[("csrf", &csrf), ("login", "vanthu.stttt")]
            )
            .status,
        403
    );
    assert_eq!(count(&app), 1);
    // The command line prints a working token once.
    let output = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args([
            "--database-url",
            &db.url,
            "token",
            "create",
            "--login",
            "thuongtruc",
            "--name",
            "Bảng điều khiển",
        ])
        .env("TONGHOP_DATA_DIR", db.dir.path().join("data"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    let cli_token = printed.trim();
    assert!(cli_token.starts_with("thp_"), "{printed}");
    assert_eq!(
        get(
            &app,
            &format!("/api/v1/plans/{plan_id}/periods/2022-11/status"),
            cli_token
        )
        .status,
        200
    );
    let unknown = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args([
            "--database-url",
            &db.url,
            "token",
            "create",
            "--login",
            "khong-co",
        ])
        .env("TONGHOP_DATA_DIR", db.dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("lỗi:"));
    let actions = audit_actions(&mut app.db.get().unwrap());
    assert_eq!(
        actions.iter().filter(|a| *a == "api_token.create").count(),
        2,
        "{actions:?}"
    );
    assert!(actions.iter().any(|a| a == "api_token.revoke"));
}
