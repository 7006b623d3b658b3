//! Acceptance tests of ingest: messy monthly report workbooks of our own making
//! (`support/messy_reports.rs`, one real-world style each) go through the real pipeline —
//! original stored, the workbook read by the `tonghop` binary in its isolated child process,
//! the table found, rows matched to the plan — on SQLite and PostgreSQL, and every data row
//! must come out on the right task with the right status and progress, and the right rows
//! flagged.
//!
//! Run with `--nocapture` to see, per fixture, what came out and the matching accuracy.

mod common;
#[path = "support/messy_reports.rs"]
mod messy_reports;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use common::TestDb;
use messy_reports::{Fixture, Flag, PlanKind};
use tonghop::{
    db::{plans, submissions, Db},
    demo,
    domain::finding::Severity,
    ingest::{
        pipeline::{self, IngestResult, Reader, Upload},
        read::ReadLimits,
    },
};

const PROGRAM: &str = env!("CARGO_BIN_EXE_tonghop");
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

on_both_backends! {
    official_demo => official_demo;
    two_row_header => two_row_header;
    tick_marks => tick_marks;
    roman_groups => roman_groups;
    no_stt_paraphrased => no_stt_paraphrased;
    capitals_without_diacritics => capitals_without_diacritics;
    code_forms => code_forms;
    cover_and_list_sheets => cover_and_list_sheets;
    unassigned_duplicate_unrelated => unassigned_duplicate_unrelated;
    page_break_header_spacers => page_break_header_spacers;
    status_abbreviations => status_abbreviations;
    formula_progress => formula_progress;
    nested_plan_structure => nested_plan_structure;
    codes_in_task_text => codes_in_task_text;
    official_plan_b => official_plan_b;
    hidden_old_month_multiline => hidden_old_month_multiline;
    accuracy_over_all_fixtures => accuracy_over_all_fixtures;
    unreadable_files_are_rejected_and_kept_byte_for_byte => unreadable_files_are_rejected_and_kept_byte_for_byte;
    identical_upload_is_a_duplicate_and_a_changed_one_a_new_version => identical_upload_is_a_duplicate_and_a_changed_one_a_new_version;
    cli_ingest_prints_the_json_contract => cli_ingest_prints_the_json_contract;
    a_flood_of_row_findings_is_summarised => a_flood_of_row_findings_is_summarised;
    a_large_upload_is_stored_as_it_is_answered => a_large_upload_is_stored_as_it_is_answered;
    rows_streamed_from_a_guide_sheet_give_way_to_the_report => rows_streamed_from_a_guide_sheet_give_way_to_the_report;
    rows_streamed_before_a_rejection_are_not_kept => rows_streamed_before_a_rejection_are_not_kept;
    an_upload_answered_with_counts_stores_the_same_rows => an_upload_answered_with_counts_stores_the_same_rows;
}

// ---------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------

fn reader() -> Reader {
    Reader {
        limits: ReadLimits::default(),
        program: PathBuf::from(PROGRAM),
    }
}

/// A migrated database with the demo (agencies, plan 13/KH-UBND, users) and plan (b).
fn setup(db: &TestDb) -> Db {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    demo::load(&mut conn).unwrap();
    let stored = plans::store_draft(
        &mut conn,
        &messy_reports::plan_b(),
        Some("tests/support/messy_reports.rs"),
        true,
    )
    .unwrap();
    assert!(
        stored.findings.is_empty(),
        "plan (b) names only registry agencies: {:?}",
        stored.findings
    );
    drop(conn);
    pool
}

fn upload<'a>(
    plan: &'a str,
    agency: &'a str,
    period: &'a str,
    file_name: &'a str,
    bytes: &'a [u8],
) -> Upload<'a> {
    Upload {
        plan,
        agency,
        period,
        file_name,
        content_type: XLSX,
        bytes,
        uploaded_by: None,
    }
}

fn ingest_fixture(conn: &mut tonghop::db::DbConnection, f: &Fixture) -> IngestResult {
    pipeline::ingest(
        conn,
        &reader(),
        &upload(f.plan.number(), f.agency, f.period, f.file_name, &f.bytes),
    )
    .unwrap_or_else(|e| panic!("{}: the pipeline failed: {e}", f.name))
}

/// What one fixture came to.
#[derive(Default)]
struct Outcome {
    rows: usize,
    code_ok: usize,
    status_ok: usize,
    progress_ok: usize,
    /// Rows that came out as data rows but are headings, totals, headers or blank.
    spurious: usize,
    problems: Vec<String>,
}

fn same_progress(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 0.05,
        _ => false,
    }
}

/// Compares a result with a fixture's expectation; every difference becomes a problem line.
fn check(f: &Fixture, r: &IngestResult) -> Outcome {
    let mut out = Outcome {
        rows: f.rows.len(),
        ..Outcome::default()
    };
    if r.submission.outcome != "processed" {
        out.problems.push(format!(
            "rejected instead of processed: {}",
            r.findings
                .iter()
                .map(|f| f.message.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        return out;
    }
    let actual: BTreeMap<u32, &pipeline::RowOut> =
        r.rows.iter().map(|row| (row.source.row, row)).collect();
    for row in &r.rows {
        if row.source.sheet != f.sheet {
            out.problems.push(format!(
                "row {} read from sheet '{}', the report is on sheet '{}'",
                row.source.row, row.source.sheet, f.sheet
            ));
        }
    }
    let expected_rows: BTreeSet<u32> = f.rows.iter().map(|e| e.row).collect();
    for row in actual.keys().filter(|row| !expected_rows.contains(row)) {
        out.spurious += 1;
        out.problems.push(format!(
            "row {row} is not a data row but came out as one: {}",
            show(actual[row])
        ));
    }
    let mut warned: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut noted: BTreeSet<u32> = BTreeSet::new();
    for finding in &r.findings {
        if let Some(row) = finding.row {
            noted.insert(row);
            if finding.severity >= Severity::Warning {
                warned.entry(row).or_default().push(finding.message.clone());
            }
        } else if finding.severity == Severity::Error {
            out.problems.push(format!(
                "error finding on a processed report: {}",
                finding.message
            ));
        }
    }
    for e in &f.rows {
        let Some(a) = actual.get(&e.row) else {
            out.problems.push(format!(
                "row {} (task {:?}) is missing from the result",
                e.row, e.code
            ));
            continue;
        };
        if a.task_code.as_deref() == e.code {
            out.code_ok += 1;
        } else {
            out.problems.push(format!(
                "row {}: task {:?}, expected {:?} — {}",
                e.row,
                a.task_code,
                e.code,
                show(a)
            ));
        }
        if a.status.as_deref() == e.status {
            out.status_ok += 1;
        } else {
            out.problems.push(format!(
                "row {}: status {:?}, expected {:?}",
                e.row, a.status, e.status
            ));
        }
        if same_progress(a.progress_percent, e.progress) {
            out.progress_ok += 1;
        } else {
            out.problems.push(format!(
                "row {}: progress {:?}, expected {:?}",
                e.row, a.progress_percent, e.progress
            ));
        }
        let warnings = warned.get(&e.row);
        match e.flag {
            Flag::Clean if warnings.is_some() => out.problems.push(format!(
                "row {}: unexpected warning: {}",
                e.row,
                warnings.unwrap().join(" | ")
            )),
            Flag::Warning if warnings.is_none() => out
                .problems
                .push(format!("row {}: a warning was expected, none came", e.row)),
            Flag::Noted if !noted.contains(&e.row) => out
                .problems
                .push(format!("row {}: a finding was expected, none came", e.row)),
            _ => {}
        }
    }
    for (row, messages) in &warned {
        if !expected_rows.contains(row) {
            out.problems.push(format!(
                "warning at row {row}, which is no data row: {}",
                messages.join(" | ")
            ));
        }
    }
    out
}

fn show(row: &pipeline::RowOut) -> String {
    let text: String = row.result.chars().take(50).collect();
    format!(
        "[row {} task {:?} status {:?} progress {:?} match {:?} {:.3} result «{}»]",
        row.source.row,
        row.task_code,
        row.status,
        row.progress_percent,
        row.match_.method,
        row.match_.score,
        text
    )
}

fn dump(f: &Fixture, r: &IngestResult) -> String {
    let mut s = format!(
        "{} ({}): outcome {}, sheet(s) {:?}\n",
        f.name,
        f.style,
        r.submission.outcome,
        r.rows
            .iter()
            .map(|row| row.source.sheet.as_str())
            .collect::<BTreeSet<_>>()
    );
    for row in &r.rows {
        s.push_str(&format!("    {}\n", show(row)));
    }
    for finding in &r.findings {
        s.push_str(&format!(
            "    finding {:?} row {:?}: {}\n",
            finding.severity, finding.row, finding.message
        ));
    }
    s
}

/// One fixture on a fresh database: the result, and the same rows as stored.
fn run_fixture(db: TestDb, name: &str) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let f = messy_reports::by_name(name);
    let r = ingest_fixture(&mut conn, &f);
    eprintln!("{}", dump(&f, &r));
    let outcome = check(&f, &r);
    assert!(
        outcome.problems.is_empty(),
        "{name} ({}):\n  {}\n{}",
        f.style,
        outcome.problems.join("\n  "),
        dump(&f, &r)
    );
    assert_eq!((r.submission.version, r.submission.duplicate), (1, false));
    let stored = submissions::get(&mut conn, r.submission.id).unwrap();
    assert_eq!(stored.outcome, "processed");
    assert_eq!(
        submissions::original_bytes(&mut conn, r.submission.id).unwrap(),
        f.bytes
    );
    let plan = plans::find(&mut conn, f.plan.number()).unwrap();
    let tasks = plans::tasks_of(&mut conn, plan.id).unwrap();
    let code_of =
        |id: Option<i64>| id.map(|id| tasks.iter().find(|t| t.id == id).unwrap().code.clone());
    let stored_rows: Vec<(u32, Option<String>, Option<String>)> =
        submissions::rows_of(&mut conn, r.submission.id)
            .unwrap()
            .into_iter()
            .map(|row| (row.source_row as u32, code_of(row.task_id), row.status))
            .collect();
    let returned: Vec<(u32, Option<String>, Option<String>)> = r
        .rows
        .iter()
        .map(|row| (row.source.row, row.task_code.clone(), row.status.clone()))
        .collect();
    assert_eq!(
        stored_rows, returned,
        "{name}: the stored rows are the returned rows"
    );
}

// ---------------------------------------------------------------------------------------
// One test per fixture
// ---------------------------------------------------------------------------------------

fn official_demo(db: TestDb) {
    run_fixture(db, "official_demo");
}
fn two_row_header(db: TestDb) {
    run_fixture(db, "two_row_header");
}
fn tick_marks(db: TestDb) {
    run_fixture(db, "tick_marks");
}
fn roman_groups(db: TestDb) {
    run_fixture(db, "roman_groups");
}
fn no_stt_paraphrased(db: TestDb) {
    run_fixture(db, "no_stt_paraphrased");
}
fn capitals_without_diacritics(db: TestDb) {
    run_fixture(db, "capitals_without_diacritics");
}
fn code_forms(db: TestDb) {
    run_fixture(db, "code_forms");
}
fn cover_and_list_sheets(db: TestDb) {
    run_fixture(db, "cover_and_list_sheets");
}
fn unassigned_duplicate_unrelated(db: TestDb) {
    run_fixture(db, "unassigned_duplicate_unrelated");
}
fn page_break_header_spacers(db: TestDb) {
    run_fixture(db, "page_break_header_spacers");
}
fn status_abbreviations(db: TestDb) {
    run_fixture(db, "status_abbreviations");
}
fn formula_progress(db: TestDb) {
    run_fixture(db, "formula_progress");
}
fn nested_plan_structure(db: TestDb) {
    run_fixture(db, "nested_plan_structure");
}
fn codes_in_task_text(db: TestDb) {
    run_fixture(db, "codes_in_task_text");
}
fn official_plan_b(db: TestDb) {
    run_fixture(db, "official_plan_b");
}
fn hidden_old_month_multiline(db: TestDb) {
    run_fixture(db, "hidden_old_month_multiline");
}

/// Every fixture through one database: prints the matching accuracy (rows on the right task
/// / rows) and, per fixture, what differs from the expectation. The exact per-row assertions
/// are the per-fixture tests above; this one fails only when a fixture is not processed.
fn accuracy_over_all_fixtures(db: TestDb) {
    let backend = db.backend;
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let fixtures = messy_reports::all();
    assert!(fixtures.len() >= 14, "at least 14 report styles");
    let mut total = Outcome::default();
    let mut report = String::new();
    let mut rejected = Vec::new();
    for f in &fixtures {
        let r = ingest_fixture(&mut conn, f);
        if r.submission.outcome != "processed" {
            rejected.push(format!("{}: {}", f.name, dump(f, &r)));
        }
        let o = check(f, &r);
        report.push_str(&format!(
            "  {:<32} {:>2}/{:<2} tasks  {:>2} statuses  {:>2} progress  {} spurious  {}\n",
            f.name,
            o.code_ok,
            o.rows,
            o.status_ok,
            o.progress_ok,
            o.spurious,
            if o.problems.is_empty() {
                "ok".to_string()
            } else {
                format!("{} problem(s)", o.problems.len())
            }
        ));
        for p in &o.problems {
            report.push_str(&format!("      - {p}\n"));
        }
        total.rows += o.rows;
        total.code_ok += o.code_ok;
        total.status_ok += o.status_ok;
        total.progress_ok += o.progress_ok;
        total.spurious += o.spurious;
        total
            .problems
            .extend(o.problems.into_iter().map(|p| format!("{}: {p}", f.name)));
    }
    let percent = |n: usize| 100.0 * n as f64 / total.rows as f64;
    eprintln!(
        "ingest accuracy on {backend:?}, {} fixtures, {} data rows:\n{report}  matched to the right task: {}/{} = {:.1}%\n  status right: {}/{} = {:.1}%\n  progress right: {}/{} = {:.1}%\n  rows that are no data rows but came out as rows: {}\n  fixtures with problems: {}",
        fixtures.len(),
        total.rows,
        total.code_ok,
        total.rows,
        percent(total.code_ok),
        total.status_ok,
        total.rows,
        percent(total.status_ok),
        total.progress_ok,
        total.rows,
        percent(total.progress_ok),
        total.spurious,
        total.problems.iter().map(|p| p.split(':').next().unwrap_or("")).collect::<BTreeSet<_>>().len()
    );
    assert!(
        rejected.is_empty(),
        "reports rejected:\n{}",
        rejected.join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Files that are not reports, duplicates and versions
// ---------------------------------------------------------------------------------------

fn has_vietnamese_letters(text: &str) -> bool {
    text.to_lowercase()
        .chars()
        .any(|c| "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ".contains(c))
}

fn unreadable_files_are_rejected_and_kept_byte_for_byte(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let files: [(&str, &str, Vec<u8>); 3] = [
        ("an empty file", "BC_SYT_T12.xlsx", Vec::new()),
        (
            "a PDF renamed .xlsx",
            "BaoCao_SYT_T12.xlsx",
            messy_reports::pdf_bytes(),
        ),
        (
            "a workbook with no report table",
            "Cong van gui kem.xlsx",
            messy_reports::letter_without_table(),
        ),
    ];
    for (i, (what, file_name, bytes)) in files.iter().enumerate() {
        let r = pipeline::ingest(
            &mut conn,
            &reader(),
            &upload("13/KH-UBND", "Sở Y tế", "2022-12", file_name, bytes),
        )
        .unwrap_or_else(|e| panic!("{what}: the pipeline must keep and reject, not fail: {e}"));
        let shown = format!("{what}: {:?}", r.findings);
        assert_eq!(r.submission.outcome, "rejected", "{shown}");
        assert!(r.rows.is_empty(), "{shown}");
        assert_eq!(
            (r.submission.version, r.submission.duplicate),
            (i as i32 + 1, false),
            "{shown}"
        );
        let errors: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            !errors.is_empty(),
            "{what}: an error finding says why: {shown}"
        );
        for message in &errors {
            assert!(
                has_vietnamese_letters(message),
                "{what}: the reason is told in Vietnamese: {message}"
            );
        }
        eprintln!("{what}: {}", errors.join(" | "));
        assert_eq!(
            &submissions::original_bytes(&mut conn, r.submission.id).unwrap(),
            bytes,
            "{what}: the original is kept byte for byte"
        );
        let stored = submissions::get(&mut conn, r.submission.id).unwrap();
        assert_eq!(stored.outcome, "rejected", "{what}");
        assert_eq!(stored.file_name, *file_name);
        assert_eq!(stored.sha256, submissions::sha256_hex(bytes));
        assert!(
            stored
                .outcome_message
                .as_deref()
                .is_some_and(has_vietnamese_letters),
            "{what}: the stored reason: {:?}",
            stored.outcome_message
        );
        assert!(submissions::rows_of(&mut conn, r.submission.id)
            .unwrap()
            .is_empty());
    }
}

fn identical_upload_is_a_duplicate_and_a_changed_one_a_new_version(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let first = messy_reports::official_demo(90.0);
    let r1 = ingest_fixture(&mut conn, &first);
    assert_eq!(r1.submission.outcome, "processed", "{}", dump(&first, &r1));
    assert_eq!((r1.submission.version, r1.submission.duplicate), (1, false));
    assert_eq!(r1.submission.sha256, submissions::sha256_hex(&first.bytes));

    let again = ingest_fixture(&mut conn, &first);
    assert!(again.submission.duplicate, "the identical file again");
    assert_eq!(again.submission.id, r1.submission.id);
    assert_eq!(again.submission.version, 1);
    assert_eq!(again.submission.outcome, "processed");
    type RowKey = (String, u32, Option<String>, Option<String>, Option<i64>);
    let key = |r: &IngestResult| -> Vec<RowKey> {
        r.rows
            .iter()
            .map(|row| {
                (
                    row.source.sheet.clone(),
                    row.source.row,
                    row.task_code.clone(),
                    row.status.clone(),
                    row.progress_percent.map(|p| p.round() as i64),
                )
            })
            .collect()
    };
    assert_eq!(
        key(&again),
        key(&r1),
        "a duplicate answers with the stored rows"
    );

    let changed = messy_reports::official_demo(95.0);
    assert_ne!(changed.bytes, first.bytes);
    let r2 = ingest_fixture(&mut conn, &changed);
    assert_eq!((r2.submission.version, r2.submission.duplicate), (2, false));
    assert_ne!(r2.submission.id, r1.submission.id);
    assert_eq!(
        r2.submission.sha256,
        submissions::sha256_hex(&changed.bytes)
    );
    assert_eq!(
        submissions::original_bytes(&mut conn, r2.submission.id).unwrap(),
        changed.bytes
    );
    assert_eq!(
        submissions::original_bytes(&mut conn, r1.submission.id).unwrap(),
        first.bytes,
        "version 1 is still stored"
    );
    assert_eq!(
        submissions::rows_of(&mut conn, r1.submission.id)
            .unwrap()
            .len(),
        r1.rows.len(),
        "version 1 keeps its rows"
    );
    let plan = plans::find(&mut conn, "13/KH-UBND").unwrap();
    let versions: Vec<i32> = submissions::list_for_period(&mut conn, plan.id, "2022-12")
        .unwrap()
        .into_iter()
        .filter(|s| s.id == r1.submission.id || s.id == r2.submission.id)
        .map(|s| s.version)
        .collect();
    assert_eq!(
        versions.len(),
        2,
        "both versions are listed for the period: {versions:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The command line (DESIGN §5)
// ---------------------------------------------------------------------------------------

fn tonghop(db: &TestDb, args: &[&str]) -> std::process::Output {
    Command::new(PROGRAM)
        .args(args)
        .env_remove("TONGHOP_CONFIG")
        .env("TONGHOP_DATABASE_URL", &db.url)
        .env("TONGHOP_DATA_DIR", db.dir.path().join("data"))
        .env("TONGHOP_LOG", "warn")
        .current_dir(db.dir.path())
        .output()
        .expect("run tonghop")
}

fn cli_ingest_prints_the_json_contract(db: TestDb) {
    use serde_json::Value;
    let loaded = tonghop(&db, &["demo", "--load-only"]);
    assert!(
        loaded.status.success(),
        "tonghop demo --load-only: {}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let fixture = messy_reports::official_demo(90.0);
    let path = db.dir.path().join(fixture.file_name);
    std::fs::write(&path, &fixture.bytes).unwrap();
    let path_text = path.to_str().unwrap();
    let args = [
        "ingest",
        path_text,
        "--plan",
        "13/KH-UBND",
        "--agency",
        "Sở TT&TT",
        "--period",
        "2022-12",
        "--json",
    ];
    let output = tonghop(&db, &args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tonghop ingest exited {:?}\nstdout: {stdout}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {stdout}"));

    let submission = &json["submission"];
    assert!(submission["id"].as_i64().is_some_and(|id| id > 0), "{json}");
    assert_eq!(submission["version"], 1, "{json}");
    assert_eq!(
        submission["sha256"].as_str(),
        Some(submissions::sha256_hex(&fixture.bytes).as_str())
    );

    let rows = json["rows"].as_array().expect("rows is an array");
    assert!(!rows.is_empty(), "{json}");
    for row in rows {
        for key in [
            "task_code",
            "status",
            "progress_percent",
            "result",
            "difficulties",
            "proposals",
            "match",
            "source",
        ] {
            assert!(row.get(key).is_some(), "row has '{key}': {row}");
        }
        assert!(
            row["task_code"].is_null() || row["task_code"].is_string(),
            "{row}"
        );
        assert!(
            row["status"].is_null()
                || ["done", "in_progress", "not_started", "ongoing"]
                    .contains(&row["status"].as_str().unwrap_or("?")),
            "status: {row}"
        );
        assert!(
            row["progress_percent"].is_null()
                || row["progress_percent"]
                    .as_f64()
                    .is_some_and(|p| (0.0..=100.0).contains(&p)),
            "progress: {row}"
        );
        for key in ["result", "difficulties", "proposals"] {
            assert!(row[key].is_string(), "{key}: {row}");
        }
        let m = &row["match"];
        assert!(
            m["method"].is_null()
                || ["code", "text"].contains(&m["method"].as_str().unwrap_or("?")),
            "{row}"
        );
        assert!(
            m["score"]
                .as_f64()
                .is_some_and(|s| (0.0..=1.0).contains(&s)),
            "score: {row}"
        );
        assert!(row["source"]["sheet"].is_string(), "{row}");
        assert!(
            row["source"]["row"].as_u64().is_some_and(|r| r >= 1),
            "{row}"
        );
    }
    let findings = json["findings"].as_array().expect("findings is an array");
    for finding in findings {
        assert!(
            ["error", "warning", "info"].contains(&finding["severity"].as_str().unwrap_or("?")),
            "{finding}"
        );
        assert!(
            finding["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{finding}"
        );
        assert!(
            finding
                .get("row")
                .is_none_or(|r| r.as_u64().is_some_and(|r| r >= 1)),
            "{finding}"
        );
    }
    let got: Vec<(u64, Option<&str>, Option<&str>)> = rows
        .iter()
        .map(|row| {
            (
                row["source"]["row"].as_u64().unwrap_or(0),
                row["task_code"].as_str(),
                row["status"].as_str(),
            )
        })
        .collect();
    let want: Vec<(u64, Option<&str>, Option<&str>)> = fixture
        .rows
        .iter()
        .map(|e| (e.row as u64, e.code, e.status))
        .collect();
    assert_eq!(got, want, "the rows of the official report");

    let again = tonghop(&db, &args);
    let again: Value = serde_json::from_slice(&again.stdout).expect("JSON again");
    assert_eq!(again["submission"]["id"], submission["id"]);
    assert_eq!(again["submission"]["duplicate"], true);
}

#[test]
fn fixtures_are_distinct_workbooks_in_distinct_styles() {
    let fixtures = messy_reports::all();
    assert!(fixtures.len() >= 14);
    let mut names = BTreeSet::new();
    let mut hashes = BTreeSet::new();
    for f in &fixtures {
        assert!(names.insert(f.name), "{} twice", f.name);
        assert!(
            hashes.insert(submissions::sha256_hex(&f.bytes)),
            "{} is a copy",
            f.name
        );
        assert!(f.bytes.starts_with(b"PK"), "{} is an xlsx (zip)", f.name);
        assert!(!f.rows.is_empty());
    }
    for kind in [PlanKind::Demo, PlanKind::PlanB] {
        assert!(
            fixtures.iter().filter(|f| f.plan == kind).count() >= 5,
            "both plans are covered: {kind:?}"
        );
    }
}

/// 1,200 rows repeating the same 12 tasks: every row after the first twelve is a duplicate
/// (and most are tasks not assigned to the agency), thousands of findings in all. Every row
/// is still stored; the findings list the first rows and one warning counts the rest.
fn a_flood_of_row_findings_is_summarised(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let bytes = tonghop::bench::generate_report(1200, 0).unwrap();
    let r = pipeline::ingest(
        &mut conn,
        &reader(),
        &upload("13/KH-UBND", "Sở TT&TT", "2023-11", "lap_lai.xlsx", &bytes),
    )
    .unwrap();
    assert_eq!(r.submission.outcome, "processed");
    assert_eq!(r.rows.len(), 1200);
    assert_eq!(
        submissions::rows_of(&mut conn, r.submission.id)
            .unwrap()
            .len(),
        1200
    );
    let listed = r.findings.iter().filter(|f| f.row.is_some()).count();
    assert_eq!(listed, tonghop::domain::finding::MAX_ROW_FINDINGS);
    let summary = r
        .findings
        .iter()
        .find(|f| f.row.is_none() && f.message.starts_with("Còn "))
        .expect("one finding counts the rows not listed");
    assert!(summary.severity >= Severity::Warning);
    assert!(
        summary.message.contains("chỉ liệt kê 1.000 điểm đầu tiên"),
        "{}",
        summary.message
    );
    // What is stored is what was answered.
    let stored = submissions::get(&mut conn, r.submission.id).unwrap();
    let stored: Vec<tonghop::domain::finding::Finding> =
        serde_json::from_str(&stored.findings).unwrap();
    assert_eq!(stored, r.findings);
}

/// More rows than a storing batch: the batches are stored on their own thread while the
/// matcher goes on, and what is stored, in order, is what the ingest answers.
fn a_large_upload_is_stored_as_it_is_answered(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let bytes = tonghop::bench::generate_report(2_500, 3).unwrap();
    let r = pipeline::ingest(
        &mut conn,
        &reader(),
        &upload("13/KH-UBND", "Sở TT&TT", "2023-11", "lon.xlsx", &bytes),
    )
    .unwrap();
    assert_eq!(r.submission.outcome, "processed");
    assert_eq!(r.rows.len(), 2_500);
    let plan = plans::find(&mut conn, "13/KH-UBND").unwrap();
    let tasks = plans::tasks_of(&mut conn, plan.id).unwrap();
    let code_of = |id: Option<i64>| {
        id.and_then(|id| tasks.iter().find(|t| t.id == id))
            .map(|t| t.code.clone())
    };
    let stored = submissions::rows_of(&mut conn, r.submission.id).unwrap();
    assert_eq!(stored.len(), r.rows.len());
    for (kept, answered) in stored.iter().zip(&r.rows) {
        assert_eq!(kept.source_row as u32, answered.source.row);
        assert_eq!(kept.sheet, answered.source.sheet);
        assert_eq!(code_of(kept.task_id), answered.task_code);
        assert_eq!(kept.status, answered.status);
        assert_eq!(
            kept.progress_percent,
            answered.progress_percent.map(|p| p.round() as i32)
        );
        assert_eq!(kept.result, answered.result);
        assert_eq!(kept.difficulties, answered.difficulties);
        assert_eq!(kept.proposals, answered.proposals);
        assert_eq!(kept.match_method, answered.match_.method);
        assert_eq!(
            kept.match_score,
            Some((answered.match_.score * 1000.0).round() as i32)
        );
    }
}

/// A workbook of two sheets with a report table each, `rows` rows apiece, written as the
/// benchmark writes one.
fn two_tables(first: (&str, usize), second: (&str, usize)) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in [first, second] {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).unwrap();
        for (col, header) in [
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ (%)",
        ]
        .iter()
        .enumerate()
        {
            sheet.write(0, col as u16, *header).unwrap();
        }
        for i in 0..rows {
            let r = 1 + i as u32;
            sheet.write(r, 0, "1.1").unwrap();
            sheet.write(r, 1, "Triển khai định danh điện tử").unwrap();
            sheet.write(r, 2, format!("{name}: kết quả {i}")).unwrap();
            sheet.write(r, 3, (i % 101) as f64).unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}

fn count_stored(conn: &mut tonghop::db::DbConnection, submission: i64) -> i64 {
    use diesel::prelude::*;
    use tonghop::db::schema::report_rows;
    report_rows::table
        .filter(report_rows::submission_id.eq(submission))
        .count()
        .get_result(conn)
        .unwrap()
}

/// The rows of the first sheet with a table are matched and stored while the workbook is
/// read (more than a storing batch: on the storing thread); when a later sheet turns out to
/// hold the report, only that sheet's rows are answered and stored.
fn rows_streamed_from_a_guide_sheet_give_way_to_the_report(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let bytes = two_tables(("Hướng dẫn", 2_300), ("Báo cáo", 1_200));
    let r = pipeline::ingest(
        &mut conn,
        &reader(),
        &upload(
            "13/KH-UBND",
            "Sở TT&TT",
            "2023-11",
            "hai_trang.xlsx",
            &bytes,
        ),
    )
    .unwrap();
    assert_eq!(r.submission.outcome, "processed");
    assert_eq!(r.rows.len(), 1_200);
    assert!(r.rows.iter().all(|row| row.source.sheet == "Báo cáo"));
    assert!(r.rows[0].result.starts_with("Báo cáo: kết quả 0"));
    let stored = submissions::rows_of(&mut conn, r.submission.id).unwrap();
    assert_eq!(stored.len(), 1_200);
    assert!(stored.iter().all(|row| row.sheet == "Báo cáo"));
    assert!(stored
        .iter()
        .zip(&r.rows)
        .all(|(kept, answered)| kept.result == answered.result));
}

/// A workbook over the cell limit is refused part way through, after thousands of its rows
/// were stored as they were read: the rejection keeps the file and none of those rows.
fn rows_streamed_before_a_rejection_are_not_kept(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let bytes = tonghop::bench::generate_report(4_000, 1).unwrap();
    let reader = Reader {
        limits: ReadLimits {
            // 12 cells a row: the limit falls around row 3,000.
            max_cells: 36_000,
            ..ReadLimits::default()
        },
        program: PathBuf::from(PROGRAM),
    };
    let r = pipeline::ingest(
        &mut conn,
        &reader,
        &upload("13/KH-UBND", "Sở TT&TT", "2023-11", "qua_lon.xlsx", &bytes),
    )
    .unwrap();
    assert_eq!(r.submission.outcome, "rejected");
    assert!(r.rows.is_empty());
    assert_eq!(count_stored(&mut conn, r.submission.id), 0);
    assert_eq!(
        submissions::original_bytes(&mut conn, r.submission.id).unwrap(),
        bytes
    );
}

/// The upload page and batch ingest ask for counts instead of every row: the same rows are
/// stored, field by field, and the counts say how many, and how many matched.
fn an_upload_answered_with_counts_stores_the_same_rows(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let bytes = tonghop::bench::generate_report(2_500, 5).unwrap();
    let answered = pipeline::ingest(
        &mut conn,
        &reader(),
        &upload("13/KH-UBND", "Sở TT&TT", "2023-10", "lon.xlsx", &bytes),
    )
    .unwrap();
    let counted = pipeline::ingest_counting(
        &mut conn,
        &reader(),
        &upload("13/KH-UBND", "Sở TT&TT", "2023-11", "lon.xlsx", &bytes),
    )
    .unwrap();
    assert_eq!(counted.submission.outcome, "processed");
    assert!(counted.rows.is_empty());
    assert_eq!(counted.findings, answered.findings);
    let matched = answered
        .rows
        .iter()
        .filter(|r| r.task_code.is_some())
        .count();
    assert!(matched > 0);
    assert_eq!(
        counted.counts,
        pipeline::RowCounts {
            stored: 2_500,
            matched
        }
    );
    assert_eq!(answered.counts, counted.counts);
    let stored = |conn: &mut tonghop::db::DbConnection, id: i64| {
        submissions::rows_of(conn, id)
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.task_id,
                    r.sheet,
                    r.source_row,
                    r.status,
                    r.progress_percent,
                    r.result,
                    r.difficulties,
                    r.proposals,
                    r.match_method,
                    r.match_score,
                )
            })
            .collect::<Vec<_>>()
    };
    let counted_rows = stored(&mut conn, counted.submission.id);
    assert_eq!(counted_rows.len(), 2_500);
    assert_eq!(counted_rows, stored(&mut conn, answered.submission.id));
}
