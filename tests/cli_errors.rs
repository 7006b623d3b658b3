//! Configuration mistakes end in one line naming the problem, never a panic or backtrace.

use std::process::Command;

fn run_tonghop(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tonghop"));
    command
        .args(args)
        .current_dir(dir.path())
        .env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("run tonghop");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(stderr: &str, needle: &str) {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line expected, got:\n{stderr}");
    assert!(lines[0].starts_with("lỗi: "), "{stderr}");
    assert!(lines[0].contains(needle), "expected {needle:?} in {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("stack backtrace"));
}

#[test]
fn unsupported_database_scheme() {
    let (code, _, stderr) = run_tonghop(
        &["migrate", "--database-url", "mysql://root@localhost/x"],
        &[],
    );
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, "mysql");
}

#[test]
fn unreachable_postgres() {
    let (code, _, stderr) = run_tonghop(
        &["migrate"],
        &[(
            "TONGHOP_DATABASE_URL",
            "postgres://tonghop:matkhau@127.0.0.1:1/tonghop",
        )],
    );
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, "PostgreSQL");
    assert!(
        !stderr.contains("matkhau"),
        "the password must not be printed: {stderr}"
    );
}

#[test]
fn unwritable_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let data_dir = file.join("data");
    let (code, _, stderr) = run_tonghop(
        &["migrate"],
        &[("TONGHOP_DATA_DIR", data_dir.to_str().unwrap())],
    );
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, "thư mục dữ liệu");
}

#[test]
fn invalid_environment_value() {
    let (code, _, stderr) = run_tonghop(&["migrate"], &[("TONGHOP_DATABASE_POOL_SIZE", "tám")]);
    assert_eq!(code, 1);
    assert_one_line_error(&stderr, "TONGHOP_DATABASE_POOL_SIZE");
}

#[test]
fn help_is_in_vietnamese() {
    let (code, stdout, _) = run_tonghop(&["--help"], &[]);
    assert_eq!(code, 0);
    for word in ["serve", "migrate", "demo", "cơ sở dữ liệu"] {
        assert!(
            stdout.contains(word),
            "{word} missing from --help:\n{stdout}"
        );
    }
}
