//! Golden files for the consolidated workbook's layout, on both backends.
//!
//! The demo province's November report is written with a fixed report date and compared
//! with `tests/golden/consolidated_2022-11.txt`: the SHA-256 of the bytes (the workbook is
//! deterministic: fixed document time, no random parts), then every sheet's name, merged
//! ranges and non-empty cells, so a layout change shows as a readable diff. After an
//! intended change, regenerate with `TONGHOP_UPDATE_GOLDEN=1 cargo test --test
//! consolidate_golden` and review the diff of the golden file.

mod common;

use std::{fmt::Write as _, io::Cursor, path::PathBuf};

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use tonghop::{
    consolidate::{
        data,
        layout::Layout,
        workbook::{self, WriteOptions},
        Consolidated, Options,
    },
    domain::period::Month,
};

use common::TestDb;

const PERIOD: &str = "2022-11";

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/consolidated_2022-11.txt")
}

fn write_demo_report(db: &TestDb) -> Vec<u8> {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let plan_id = tonghop::demo::load(&mut conn).unwrap().plan_id;
    let data = data::load(&mut conn, plan_id, Month::parse(PERIOD).unwrap()).unwrap();
    let c = Consolidated::build(data, Options::default());
    let options = WriteOptions {
        report_date: NaiveDate::from_ymd_opt(2022, 11, 21).unwrap(),
        number: Some(5),
    };
    let first = workbook::write(&c, &Layout::bundled(), &options).unwrap();
    let second = workbook::write(&c, &Layout::bundled(), &options).unwrap();
    assert!(first == second, "the same data must give the same bytes");
    first
}

fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap()
}

fn cell_text(value: &Data) -> Option<String> {
    match value {
        Data::Empty => None,
        Data::String(s) => Some(s.replace('\n', "\\n")),
        Data::Float(f) => Some(format!("{f}")),
        Data::Int(i) => Some(format!("{i}")),
        Data::Bool(b) => Some(format!("{b}")),
        Data::DateTime(d) => Some(format!("date:{}", d.as_f64())),
        other => Some(format!("{other:?}")),
    }
}

/// The readable part of the golden file.
fn dump(bytes: &[u8]) -> String {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        writeln!(out, "== {name}").unwrap();
        let mut merged: Vec<String> = book
            .merge_cells_by_sheet_name(&name)
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{}{}:{}{}",
                    column_name(d.start.1),
                    d.start.0 + 1,
                    column_name(d.end.1),
                    d.end.0 + 1
                )
            })
            .collect();
        merged.sort();
        if !merged.is_empty() {
            writeln!(out, "merged {}", merged.join(" ")).unwrap();
        }
        let range = book.worksheet_range(&name).unwrap();
        let (top, left) = range.start().unwrap_or((0, 0));
        for (r, row) in range.rows().enumerate() {
            for (c, value) in row.iter().enumerate() {
                if let Some(text) = cell_text(value) {
                    let at = format!("{}{}", column_name(left + c as u32), top + r as u32 + 1);
                    writeln!(out, "{at}\t{text}").unwrap();
                }
            }
        }
    }
    out
}

fn matches_the_golden_file(db: TestDb) {
    let bytes = write_demo_report(&db);
    let actual = format!("sha256 {}\n{}", hex(&Sha256::digest(&bytes)), dump(&bytes));
    let path = golden_path();
    if std::env::var("TONGHOP_UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}); create it with TONGHOP_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    // Compare line by line first, so a layout change names the first cell that moved.
    for (i, (want, got)) in expected.lines().zip(actual.lines()).enumerate() {
        assert_eq!(
            got,
            want,
            "line {} of {} differs (regenerate with TONGHOP_UPDATE_GOLDEN=1 if intended)",
            i + 1,
            path.display()
        );
    }
    assert_eq!(
        actual.lines().count(),
        expected.lines().count(),
        "the dump has a different number of lines than {}",
        path.display()
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

on_both_backends! {
    golden_on => matches_the_golden_file;
}
