//! The round trip with the agencies' clerks, through the real pipeline and the `tonghop`
//! binary as the isolated reader, on SQLite and PostgreSQL:
//!
//! - the pre-filled template of an agency, filled in the way a clerk would (same cells,
//!   plus results, status words from the drop-down and progress), comes back with every row
//!   matched by code and no warning;
//! - the annotated copy of every messy fixture keeps the clerk's values where they were and
//!   adds one note per flagged row, plus the guide sheet listing every finding.

mod common;
#[path = "support/messy_reports.rs"]
mod messy;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use common::TestDb;
use tonghop::{
    commands,
    db::{plans, submissions, Db},
    demo,
    domain::finding::{Finding, Severity},
    ingest::{
        grid::{Cell, Grid},
        layout,
        pipeline::{self, Reader, Upload},
        read::{self, ReadLimits},
        table::ReportedStatus,
    },
    round_trip::{
        annotate,
        layout::{Field, TemplateLayout},
        rebuild, template,
    },
};

const PROGRAM: &str = env!("CARGO_BIN_EXE_tonghop");
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PLAN: &str = "13/KH-UBND";

on_both_backends! {
    filled_template_matches_every_row_by_code => filled_template_matches_every_row_by_code;
    template_of_an_agency_without_tasks_is_refused => template_of_an_agency_without_tasks_is_refused;
    annotated_copies_keep_the_clerks_cells => annotated_copies_keep_the_clerks_cells;
}

fn reader() -> Reader {
    Reader {
        limits: ReadLimits::default(),
        program: PathBuf::from(PROGRAM),
    }
}

fn setup(db: &TestDb) -> Db {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    demo::load(&mut conn).unwrap();
    let stored =
        plans::store_draft(&mut conn, &messy::plan_b(), Some("messy_reports.rs"), true).unwrap();
    assert!(stored.findings.is_empty(), "{:?}", stored.findings);
    drop(conn);
    pool
}

fn grid_of(bytes: &[u8]) -> Grid {
    read::parse(bytes, &ReadLimits::default()).unwrap().grid
}

/// What the clerk writes on the template's row `i`.
fn answer(i: usize) -> (ReportedStatus, Option<f64>) {
    match i % 4 {
        0 => (ReportedStatus::Done, Some(100.0)),
        1 => (ReportedStatus::InProgress, Some(62.5)),
        2 => (ReportedStatus::NotStarted, Some(0.0)),
        _ => (ReportedStatus::Ongoing, None),
    }
}

/// Fills a template the way a clerk would: every cell as it was, plus a result, a status
/// word from the list, a progress, difficulties and proposals on each task row.
fn fill_in(bytes: &[u8], layout: &TemplateLayout) -> (Vec<u8>, BTreeMap<String, usize>) {
    let grid = grid_of(bytes);
    let table = layout::find_table(&grid).expect("the template is recognised");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let mut codes = BTreeMap::new();
    for sheet in &grid.sheets {
        let ws = workbook.add_worksheet();
        rebuild::write_sheet(ws, sheet, &HashMap::new(), 0).unwrap();
        if sheet.name != table.sheet {
            continue;
        }
        let col = |field: Field| layout.position(field).unwrap();
        for (i, row) in table.rows.iter().enumerate() {
            let r = row.source_row - 1;
            codes.insert(row.number.clone(), i);
            let (status, progress) = answer(i);
            ws.write_string(
                r,
                col(Field::Result),
                format!(
                    "Kết quả nhiệm vụ {}: đã triển khai theo kế hoạch.",
                    row.number
                ),
            )
            .unwrap();
            ws.write_string(r, col(Field::Status), layout.statuses.word(status))
                .unwrap();
            if let Some(p) = progress {
                ws.write_number(r, col(Field::Progress), p).unwrap();
            }
            ws.write_string(r, col(Field::Difficulties), "Không")
                .unwrap();
            ws.write_string(r, col(Field::Proposals), "Không có đề xuất")
                .unwrap();
        }
    }
    (workbook.save_to_buffer().unwrap(), codes)
}

fn filled_template_matches_every_row_by_code(db: TestDb) {
    let pool = setup(&db);
    let mut conn = pool.get().unwrap();
    let layout = TemplateLayout::embedded();
    for (agency, expected_tasks) in [
        ("Sở TT&TT", vec!["1.1", "1.2", "5.1"]),
        (
            "Công an tỉnh",
            vec![
                "1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.3", "5.1",
            ],
        ),
        ("Sở Y tế", vec!["4.1"]),
    ] {
        let bytes = template::template(&mut conn, PLAN, agency, "2022-11").unwrap();
        let grid = grid_of(&bytes);
        let empty = layout::find_table(&grid).expect("the empty template is recognised");
        let numbers: Vec<&str> = empty.rows.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(numbers, expected_tasks, "{agency}");
        let sheet = &grid.sheets[0];
        let role_col = layout.position(Field::Role).unwrap() as usize;
        let roles: Vec<String> = empty
            .rows
            .iter()
            .map(|r| sheet.cell(r.source_row as usize - 1, role_col).as_text())
            .collect();
        assert!(
            roles.iter().all(|r| r == "Chủ trì" || r == "Phối hợp"),
            "{roles:?}"
        );

        let (filled, codes) = fill_in(&bytes, &layout);
        let file_name = format!("Mau_BC_{agency}.xlsx");
        let result = pipeline::ingest(
            &mut conn,
            &reader(),
            &Upload {
                plan: PLAN,
                agency,
                period: "2022-11",
                file_name: &file_name,
                content_type: XLSX,
                bytes: &filled,
                uploaded_by: None,
            },
        )
        .unwrap();
        assert_eq!(
            result.submission.outcome, "processed",
            "{:?}",
            result.findings
        );
        assert_eq!(result.rows.len(), expected_tasks.len(), "{agency}");
        for row in &result.rows {
            let code = row.task_code.as_deref().expect("every row matches a task");
            assert_eq!(
                row.match_.method.as_deref(),
                Some("code"),
                "{agency} {code}"
            );
            let i = codes[code];
            let (status, progress) = answer(i);
            assert_eq!(
                row.status.as_deref(),
                Some(status.as_str()),
                "{agency} {code}"
            );
            assert_eq!(row.progress_percent, progress, "{agency} {code}");
            assert!(row.result.contains(code), "{agency}: {}", row.result);
            assert_eq!(row.difficulties, "Không");
            assert_eq!(row.proposals, "Không có đề xuất");
        }
        let matched: Vec<&str> = result
            .rows
            .iter()
            .filter_map(|r| r.task_code.as_deref())
            .collect();
        assert_eq!(matched, expected_tasks, "{agency}");
        let loud: Vec<&Finding> = result
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .collect();
        assert!(loud.is_empty(), "{agency}: {loud:?}");
    }
}

fn template_of_an_agency_without_tasks_is_refused(db: TestDb) {
    let pool = setup(&db);
    // The command writes the file.
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("mau.xlsx");
    commands::template::run(&pool, PLAN, "STTTT", "2022-11", &path).unwrap();
    let grid = grid_of(&std::fs::read(&path).unwrap());
    assert_eq!(layout::find_table(&grid).unwrap().rows.len(), 3);
    let mut conn = pool.get().unwrap();
    let error = match template::gather(&mut conn, PLAN, "Thanh tra tỉnh", "2022-11") {
        Ok(data) => panic!("Thanh tra tỉnh has no task in the demo plan: {data:?}"),
        Err(e) => e,
    };
    assert!(
        error.to_string().contains("không chủ trì hay phối hợp"),
        "{error}"
    );
    let error = template::gather(&mut conn, PLAN, "Sở TT&TT", "tháng mười một").unwrap_err();
    assert!(error.to_string().contains("Kỳ báo cáo"), "{error}");
}

/// The clerk's value at a position, as the copy must show it.
fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Error(x), Cell::Text(y)) => x == y,
        (Cell::Number(x), Cell::Number(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

fn annotated_copies_keep_the_clerks_cells(db: TestDb) {
    let pool = setup(&db);
    let out = tempfile::tempdir().unwrap();
    let mut flagged_total = 0;
    for fixture in messy::all() {
        let mut conn = pool.get().unwrap();
        let result = pipeline::ingest(
            &mut conn,
            &reader(),
            &Upload {
                plan: fixture.plan.number(),
                agency: fixture.agency,
                period: fixture.period,
                file_name: fixture.file_name,
                content_type: XLSX,
                bytes: &fixture.bytes,
                uploaded_by: None,
            },
        )
        .unwrap();
        drop(conn);
        assert_eq!(result.submission.outcome, "processed", "{}", fixture.name);
        let path = out.path().join(format!("{}.xlsx", fixture.name));
        commands::template::annotate_submission(&pool, result.submission.id, &path).unwrap();
        let copy = grid_of(&std::fs::read(&path).unwrap());
        let original = grid_of(&fixture.bytes);

        // The guide first, then the clerk's sheets, names and hidden flags unchanged.
        assert_eq!(
            copy.sheets[0].name,
            annotate::GUIDE_SHEET,
            "{}",
            fixture.name
        );
        let names: Vec<&str> = copy.sheets[1..].iter().map(|s| s.name.as_str()).collect();
        let expected: Vec<&str> = original.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, expected, "{}", fixture.name);

        let table = layout::find_table(&original).unwrap();
        let notes_col = annotate::notes_column(&original, &table) as usize;
        for (before, after) in original.sheets.iter().zip(&copy.sheets[1..]) {
            assert_eq!(
                before.hidden, after.hidden,
                "{} {}",
                fixture.name, before.name
            );
            for m in &before.merges {
                assert!(
                    after.merges.contains(m),
                    "{} {}: merge {m:?} lost",
                    fixture.name,
                    before.name
                );
            }
            for (r, row) in before.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if cell.is_empty() {
                        continue;
                    }
                    assert!(
                        same(cell, after.cell(r, c)),
                        "{} {} ({r}, {c}): {cell:?} became {:?}",
                        fixture.name,
                        before.name,
                        after.cell(r, c)
                    );
                }
            }
            // Nothing was added to other sheets, nor anywhere but the notes column.
            for (r, row) in after.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if !cell.is_empty() && before.cell(r, c).is_empty() {
                        assert!(
                            before.name == table.sheet && c == notes_col,
                            "{} {} ({r}, {c}): {cell:?} added",
                            fixture.name,
                            before.name
                        );
                    }
                }
            }
        }

        // One note per flagged row, holding each of its findings; none elsewhere.
        let stored = submissions::get(&mut pool.get().unwrap(), result.submission.id).unwrap();
        let findings: Vec<Finding> = serde_json::from_str(&stored.findings).unwrap();
        let flagged = annotate::by_row(&findings);
        flagged_total += flagged.len();
        let report = copy.sheets.iter().find(|s| s.name == table.sheet).unwrap();
        let header_row = table.header_rows[0] as usize - 1;
        assert!(
            report
                .cell(header_row, notes_col)
                .as_text()
                .starts_with(annotate::NOTES_HEADER),
            "{}",
            fixture.name
        );
        for row in &table.rows {
            let note = report
                .cell(row.source_row as usize - 1, notes_col)
                .as_text();
            match flagged.get(&row.source_row) {
                Some(found) => {
                    for f in found {
                        assert!(note.contains(&f.message), "{}: {note}", fixture.name);
                    }
                    assert_eq!(note.split('\n').count(), found.len(), "{}", fixture.name);
                }
                None => assert!(
                    note.is_empty(),
                    "{}: row {} {note}",
                    fixture.name,
                    row.source_row
                ),
            }
        }

        // The guide lists every finding, with its row.
        let guide = &copy.sheets[0];
        let listed: Vec<(String, String)> = guide
            .rows
            .iter()
            .skip(4)
            .map(|r| {
                (
                    r.first().map(Cell::as_text).unwrap_or_default(),
                    r.get(2).map(Cell::as_text).unwrap_or_default(),
                )
            })
            .filter(|(_, m)| !m.is_empty())
            .collect();
        assert_eq!(listed.len(), findings.len(), "{}", fixture.name);
        for f in &findings {
            let row = f
                .row
                .map(|r| r.to_string())
                .unwrap_or_else(|| "Chung".into());
            assert!(
                listed.iter().any(|(r, m)| r == &row && m == &f.message),
                "{}: {f:?} not in the guide",
                fixture.name
            );
        }

        // The pure function gives the same copy from the bytes.
        let again = annotate::annotate(&fixture.bytes, &findings, &table).unwrap();
        assert_eq!(grid_of(&again), copy, "{}", fixture.name);
    }
    assert!(flagged_total > 5, "the fixtures flag rows: {flagged_total}");
}
