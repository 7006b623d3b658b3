//! `tonghop bench ingest`, run end to end on small generated inputs: every figure it prints
//! comes from a real run of the pipeline (the reader child, layout, matching, storing on
//! SQLite and, when PostgreSQL is configured, on PostgreSQL), and the inputs it saves can be
//! ingested again.

mod common;

use std::process::Command;

#[test]
fn the_ingest_benchmark_runs_end_to_end_and_saves_its_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("inputs");
    let mut command = Command::new(env!("CARGO_BIN_EXE_tonghop"));
    command
        .args(["bench", "ingest", "--rows", "300", "--files", "4"])
        .args(["--rows-per-file", "20", "--save-inputs"])
        .arg(&inputs)
        .env("TONGHOP_LOG", "warn")
        .env_remove("TONGHOP_BENCH_POSTGRES_URL");
    let postgres = std::env::var("TONGHOP_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    match &postgres {
        Some(url) => {
            command.env("TONGHOP_BENCH_POSTGRES_URL", url);
        }
        None if common::in_ci() => panic!("CI=true but TONGHOP_TEST_POSTGRES_URL is not set"),
        None => eprintln!("skipped: the PostgreSQL figures (TONGHOP_TEST_POSTGRES_URL is not set)"),
    }
    let out = command.output().expect("run tonghop bench ingest");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut expected = vec![
        "Một tệp 300 dòng × 12 cột",
        "đọc thô bằng calamine (trong tiến trình)",
        "lưu SQLite",
        "thời gian CPU của tiến trình chính",
        "bộ nhớ đỉnh",
        "mỗi dòng một vùng ô gộp",
        "Một tháng của tỉnh: 4 tệp × 20 dòng",
        "đọc cách ly bằng tiến trình đọc",
        "toàn bộ quy trình, hai luồng",
    ];
    if postgres.is_some() {
        expected.extend(["trên PostgreSQL", "dòng/giây"]);
    }
    for line in expected {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    // Each figure is a measured time, never a placeholder.
    assert!(
        !stdout.contains("NaN") && !stdout.contains("inf"),
        "{stdout}"
    );
    let mut saved: Vec<String> = std::fs::read_dir(&inputs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        [
            "lon.xlsx",
            "thang_1.xlsx",
            "thang_2.xlsx",
            "thang_3.xlsx",
            "thang_4.xlsx"
        ]
    );
}
