//! `tonghop plan …` and `tonghop agencies …` as a secretariat's IT officer runs them, against
//! a fresh database on each backend.

mod common;

use std::{path::Path, process::Command};

use common::TestDb;
use serde_json::Value;

on_both_backends! {
    bac_giang_seed_imports_24_tasks_with_rules => bac_giang_seed_imports_24_tasks_with_rules;
    review_round_trip_updates_by_code_and_keeps_reports => review_round_trip_updates_by_code_and_keeps_reports;
    bad_inputs_are_refused_and_nothing_is_half_imported => bad_inputs_are_refused_and_nothing_is_half_imported;
    agencies_export_and_import_round_trip => agencies_export_and_import_round_trip;
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn tonghop(db: &TestDb, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args(args)
        .current_dir(db.dir.path())
        .env("TONGHOP_DATABASE_URL", &db.url)
        .env("TONGHOP_LOG", "warn")
        .output()
        .expect("run tonghop");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn seed(name: &str) -> String {
    format!("{}/../shared/seeds/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn import_json(db: &TestDb, file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["plan", "import", file, "--json"];
    args.extend_from_slice(extra);
    let out = tonghop(db, &args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout))
}

fn bac_giang_seed_imports_24_tasks_with_rules(db: TestDb) {
    let result = import_json(&db, &seed("bacgiang_KH_2023_05-nhom-tien-ich.txt"), &[]);
    assert_eq!(result["plan"]["province"], "Bắc Giang");
    let tasks = result["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 24, "{:#}", result["tasks"]);
    let rules = result["plan"]["report_rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["every"] == "month" && r["day"] == 15),
        "{rules:?}"
    );
    assert!(
        rules
            .iter()
            .any(|r| r["every"] == "week" && r["weekday"] == 3),
        "{rules:?}"
    );
    assert_eq!(result["plan"]["report_due"]["every"], "month");
    // Every task has a lead, and canonical names come from the Bắc Giang registry.
    for task in tasks {
        assert!(
            !task["lead"].as_array().unwrap().is_empty(),
            "no lead: {task:#}"
        );
    }
    let leads: Vec<&str> = tasks
        .iter()
        .flat_map(|t| t["lead"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    assert!(leads.contains(&"Công an tỉnh"));
    assert!(leads.contains(&"Sở Thông tin và Truyền thông"));
    // The plan is a draft until activated.
    let list = tonghop(&db, &["plan", "list"]);
    assert!(list.stdout.contains("bản nháp"), "{}", list.stdout);
    let id = result["plan"]["id"].as_i64().unwrap().to_string();
    assert_eq!(tonghop(&db, &["plan", "activate", &id]).code, 0);
    assert!(tonghop(&db, &["plan", "list"]).stdout.contains("áp dụng"));
    // Its calendar lists the months, then the weeks ("trước 15h00 thứ Tư hằng tuần"): the
    // Wednesday of Tết 2024 moves to the end of Thursday.
    let calendar = tonghop(&db, &["calendar", "--plan", &id, "--year", "2024"]);
    assert_eq!(calendar.code, 0, "{}", calendar.stderr);
    assert!(
        calendar.stdout.contains(
            "tháng 02/2024: số liệu từ 15/01/2024 đến 14/02/2024; hạn gửi Thứ Năm, 15/02/2024"
        ),
        "{}",
        calendar.stdout
    );
    assert!(
        calendar
            .stdout
            .contains("Tuần 03 (15/01–21/01): hạn gửi Thứ Tư, 17/01/2024 15:00"),
        "{}",
        calendar.stdout
    );
    assert!(
        calendar.stdout.contains(
            "Tuần 07 (12/02–18/02): hạn gửi Thứ Năm, 15/02/2024 23:59 (dời hạn do Tết Nguyên đán"
        ),
        "{}",
        calendar.stdout
    );
    assert_eq!(calendar.stdout.matches("Tuần ").count(), 52);
}

fn review_round_trip_updates_by_code_and_keeps_reports(db: TestDb) {
    let result = import_json(&db, &seed("binhphuoc_SLDTBXH_KH_2022.txt"), &["--activate"]);
    let id = result["plan"]["id"].as_i64().unwrap();
    let tasks_before = result["tasks"].as_array().unwrap().clone();
    assert!(tasks_before.len() >= 5, "{tasks_before:?}");

    // A report row linked to the first task, as ingest would store it.
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let first_code = tasks_before[0]["code"].as_str().unwrap().to_string();
    let task = tonghop::db::plans::tasks_of(&mut conn, id)
        .unwrap()
        .into_iter()
        .find(|t| t.code == first_code)
        .unwrap();
    let agency = tonghop::db::plans::assigned_agency_ids(&mut conn, id).unwrap()[0];
    let stored = tonghop::db::submissions::store_original(
        &mut conn,
        &tonghop::db::submissions::NewSubmission {
            plan_id: id,
            agency_id: agency,
            period: "2022-06",
            uploaded_by: None,
            file_name: "bc.xlsx",
            content_type: "application/octet-stream",
            bytes: b"x",
        },
    )
    .unwrap();
    tonghop::db::submissions::insert_rows(
        &mut conn,
        &[tonghop::db::submissions::NewReportRow {
            submission_id: stored.id,
            task_id: Some(task.id),
            sheet: "BC".into(),
            source_row: 5,
            status: Some("done".into()),
            progress_percent: Some(100),
            result: "xong".into(),
            difficulties: String::new(),
            proposals: String::new(),
            match_method: Some("code".into()),
            match_score: Some(1000),
        }],
    )
    .unwrap();
    drop(conn);

    // Export, unchanged re-import: nothing added or retired.
    let book = db.dir.path().join("danh-muc.xlsx");
    let book = book.to_str().unwrap();
    assert_eq!(
        tonghop(&db, &["plan", "export", &id.to_string(), "-o", book]).code,
        0
    );
    let same = tonghop(&db, &["plan", "import", book, "--plan", &id.to_string()]);
    assert_eq!(same.code, 0, "{}", same.stderr);
    assert!(
        same.stdout.contains("0 nhiệm vụ mới") && same.stdout.contains("0 nhiệm vụ không còn"),
        "{}",
        same.stdout
    );
    let shown = tonghop(&db, &["plan", "show", &id.to_string(), "--json"]);
    let shown: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(
        shown["tasks"],
        Value::Array(tasks_before.clone()),
        "round trip lost something"
    );

    // A corrected list: first task retitled, last task dropped, one task added.
    let mut draft = tonghop::plan_review::read_back::read(&std::fs::read(book).unwrap()).unwrap();
    draft.tasks[0].title = "Tiêu đề đã sửa".into();
    let dropped = draft.tasks.pop().unwrap();
    let mut added = draft.tasks[0].clone();
    added.code = "99".into();
    added.title = "Nhiệm vụ bổ sung".into();
    draft.tasks.push(added);
    std::fs::write(book, tonghop::plan_review::export::write(&draft).unwrap()).unwrap();
    let updated = tonghop(
        &db,
        &["plan", "import", book, "--plan", &id.to_string(), "--json"],
    );
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    let updated: Value = serde_json::from_str(&updated.stdout).unwrap();
    let codes: Vec<&str> = updated["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"99") && !codes.contains(&dropped.code.as_str()));
    let mut conn = pool.get().unwrap();
    let rows = tonghop::db::submissions::rows_of(&mut conn, stored.id).unwrap();
    assert_eq!(
        rows[0].task_id,
        Some(task.id),
        "the report row stays linked to the same task"
    );
    let retitled = tonghop::db::plans::tasks_of(&mut conn, id)
        .unwrap()
        .into_iter()
        .find(|t| t.id == task.id)
        .unwrap();
    assert_eq!(retitled.title, "Tiêu đề đã sửa");
}

fn bad_inputs_are_refused_and_nothing_is_half_imported(db: TestDb) {
    let dir = db.dir.path();
    let recipe = dir.join("cong-thuc.txt");
    std::fs::write(&recipe, "CÁCH NẤU PHỞ BÒ\n\nNguyên liệu: xương bò, bánh phở, hành, gừng.\n\n1. Ninh xương 8 tiếng.\n2. Trần bánh phở.\n").unwrap();
    let empty = dir.join("trong.docx");
    std::fs::write(&empty, b"").unwrap();
    let missing = dir.join("khong-co.txt");
    for (file, hint) in [
        (&recipe, "kế hoạch"),
        (&empty, ""),
        (&missing, "Không đọc được tệp"),
    ] {
        let out = tonghop(&db, &["plan", "import", file.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{}: {}", file.display(), out.stdout);
        let line = out.stderr.trim();
        assert!(line.starts_with("lỗi: ") && !line.contains('\n'), "{line}");
        assert!(line.contains(hint), "{line}");
    }
    let list = tonghop(&db, &["plan", "list"]);
    assert!(
        list.stdout.contains("Chưa có kế hoạch nào"),
        "nothing half-imported: {}",
        list.stdout
    );
    // Importing the same plan twice points at the update path instead.
    import_json(&db, &seed("bacgiang_KH_2023_05-nhom-tien-ich.txt"), &[]);
    let again = tonghop(
        &db,
        &[
            "plan",
            "import",
            &seed("bacgiang_KH_2023_05-nhom-tien-ich.txt"),
        ],
    );
    if again.code != 0 {
        assert!(again.stderr.contains("--plan"), "{}", again.stderr);
    }
}

fn agencies_export_and_import_round_trip(db: TestDb) {
    let json = format!(
        "{}/fixtures/agencies/khanh-hoa.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = tonghop(&db, &["agencies", "import", &json]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("Khánh Hòa"));
    let book = db.dir.path().join("co-quan.xlsx");
    assert_eq!(
        tonghop(
            &db,
            &[
                "agencies",
                "export",
                "--province",
                "Khánh Hòa",
                "-o",
                book.to_str().unwrap()
            ]
        )
        .code,
        0
    );
    let exported =
        tonghop::agency_book::read(&std::fs::read(&book).unwrap(), "co-quan.xlsx").unwrap();
    let original = tonghop::domain::agency_registry::AgencyRegistry::parse_json(
        &std::fs::read_to_string(&json).unwrap(),
    )
    .unwrap();
    assert_eq!(exported.agencies.len(), original.agencies.len());
    let again = tonghop(&db, &["agencies", "import", book.to_str().unwrap()]);
    assert!(again.stdout.contains("0 cơ quan mới"), "{}", again.stdout);
    let list = tonghop(&db, &["agencies", "list", "--province", "Khánh Hòa"]);
    assert!(list.stdout.contains("Công an tỉnh"));
    assert!(!Path::new(&book).with_extension("json").exists());
}
