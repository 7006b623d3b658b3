//! The reader child's own footprint: the address space its memory bound (`RLIMIT_AS`)
//! counts must go to the workbooks it reads, not to what its allocator reserves for a
//! second thread.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn a_large_workbook_read_with_a_second_thread_leaves_the_memory_bound_to_the_read() {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};

    // Over 1 MB: its merged areas are scanned on a thread of its own (`ingest::read::parse`).
    let bytes = tonghop::bench::generate_merged_report(30_000, 0).unwrap();
    assert!(bytes.len() > 1024 * 1024, "{} bytes", bytes.len());
    let mut child = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .arg("read-sheet")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(&(bytes.len() as u64).to_le_bytes())
        .unwrap();
    stdin.write_all(&bytes).unwrap();
    stdin.flush().unwrap();
    // The answer's chunks, up to the empty one that ends it; the child then waits for the
    // next request, its peak still readable.
    let mut stdout = child.stdout.take().unwrap();
    let mut answer = 0usize;
    loop {
        let mut len = [0u8; 4];
        stdout.read_exact(&mut len).unwrap();
        let len = u32::from_le_bytes(len) as usize;
        if len == 0 {
            break;
        }
        let mut chunk = vec![0; len];
        stdout.read_exact(&mut chunk).unwrap();
        answer += len;
    }
    assert!(answer > 1024 * 1024, "an answer of {answer} bytes");
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmPeak:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    // About 50 MB with one arena; a second arena reserves 64-128 MB more.
    assert!(
        peak_kb < 100 * 1024,
        "the reader child reserved {} MB of address space",
        peak_kb / 1024
    );
}
