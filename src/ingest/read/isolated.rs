//! Running [`parse`] in a child process with hard limits.
//!
//! calamine can abort the process on allocation failure (`oleloop.xls`, the A1/XFD1048576
//! corner cells) or run for tens of seconds while growing to gigabytes (`Test_git_issue_382_oom.xls`,
//! zip bombs). A panic guard cannot stop either, so each upload is parsed by a fresh
//! `tonghop read-sheet` process (a hidden subcommand of this same binary):
//!
//! * the bytes go in on stdin, the limits as options;
//! * the child sets `RLIMIT_AS` (address space, `parse_memory_mb`), `RLIMIT_CPU` (a little above
//!   the wall-clock limit) and `RLIMIT_CORE = 0`, asks to be killed if the server dies, then
//!   parses and writes one JSON answer to stdout: the outcome (exit 0) or a rejection with its
//!   Vietnamese message (exit 3);
//! * the parent feeds stdin from a thread, decodes stdout as it arrives with a size cap, keeps
//!   the first 16 KB of stderr, and waits with a deadline, killing the child when it passes.
//!   An abort with "memory allocation … failed", an OOM kill, `SIGXCPU` or the deadline become
//!   `too_large` / `timeout` rejections; anything else is `crashed`.
//!
//! [`read_isolated`] blocks the calling thread for up to the timeout: call it from a blocking
//! pool (`actix_web::web::block`) and bound how many run at once.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::parse::{parse, ReadOutcome};
use super::{human_bytes, sniff, truncate_chars, ReadError, ReadLimits};
use crate::ingest::grid::Grid;

/// Exit status of a child that read the file.
pub const EXIT_OK: u8 = 0;
/// Exit status of a child that rejected the file (the rejection is on stdout).
pub const EXIT_REJECTED: u8 = 3;
/// Exit status of a child that could not read stdin or write stdout.
pub const EXIT_IO: u8 = 4;

const STDERR_KEPT: u64 = 16 * 1024;

/// Options of the hidden `tonghop read-sheet` subcommand: the [`ReadLimits`] of one read.
/// Options left out take the defaults of [`ReadLimits::default`].
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct ReadSheetArgs {
    /// Kích thước tệp tối đa (byte).
    #[arg(long)]
    pub max_bytes: Option<usize>,
    /// Số ô tối đa của cả sổ.
    #[arg(long)]
    pub max_cells: Option<u64>,
    /// Số hàng tối đa của một trang tính.
    #[arg(long)]
    pub max_rows: Option<u32>,
    /// Số cột tối đa của một trang tính.
    #[arg(long)]
    pub max_columns: Option<u32>,
    /// Thời gian đọc tối đa (giây).
    #[arg(long)]
    pub timeout_secs: Option<u64>,
    /// Bộ nhớ tối đa của tiến trình đọc (MiB).
    #[arg(long)]
    pub memory_mb: Option<u64>,
    /// Tổng dung lượng giải nén tối đa (byte).
    #[arg(long)]
    pub max_unpacked_bytes: Option<u64>,
    /// Tổng số byte chữ tối đa trong các ô.
    #[arg(long)]
    pub max_text_bytes: Option<u64>,
}

impl ReadSheetArgs {
    pub fn from_limits(l: &ReadLimits) -> Self {
        ReadSheetArgs {
            max_bytes: Some(l.max_bytes),
            max_cells: Some(l.max_cells),
            max_rows: Some(l.max_rows),
            max_columns: Some(l.max_columns),
            timeout_secs: Some(l.timeout_secs),
            memory_mb: Some(l.memory_mb),
            max_unpacked_bytes: Some(l.max_unpacked_bytes),
            max_text_bytes: Some(l.max_text_bytes),
        }
    }

    pub fn limits(&self) -> ReadLimits {
        let d = ReadLimits::default();
        ReadLimits {
            max_bytes: self.max_bytes.unwrap_or(d.max_bytes),
            max_cells: self.max_cells.unwrap_or(d.max_cells),
            max_rows: self.max_rows.unwrap_or(d.max_rows),
            max_columns: self.max_columns.unwrap_or(d.max_columns),
            timeout_secs: self.timeout_secs.unwrap_or(d.timeout_secs),
            memory_mb: self.memory_mb.unwrap_or(d.memory_mb),
            max_unpacked_bytes: self.max_unpacked_bytes.unwrap_or(d.max_unpacked_bytes),
            max_text_bytes: self.max_text_bytes.unwrap_or(d.max_text_bytes),
        }
    }

    /// The command-line options that reproduce these limits.
    pub fn to_args(&self) -> Vec<String> {
        let l = self.limits();
        [
            ("--max-bytes", l.max_bytes as u64),
            ("--max-cells", l.max_cells),
            ("--max-rows", u64::from(l.max_rows)),
            ("--max-columns", u64::from(l.max_columns)),
            ("--timeout-secs", l.timeout_secs),
            ("--memory-mb", l.memory_mb),
            ("--max-unpacked-bytes", l.max_unpacked_bytes),
            ("--max-text-bytes", l.max_text_bytes),
        ]
        .into_iter()
        .flat_map(|(k, v)| [k.to_string(), v.to_string()])
        .collect()
    }
}

/// The child's one answer on stdout.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ChildReply {
    Ok(ReadOutcome),
    Rejected(ReadError),
}

// ---------------------------------------------------------------------------------------------
// Child side.

/// Body of `tonghop read-sheet`: limits, stdin → parse → stdout. Returns the exit status.
pub fn child_main(args: &ReadSheetArgs) -> ExitCode {
    ExitCode::from(child_status(args))
}

/// [`child_main`], then exit the process with its status.
pub fn child_exit(args: &ReadSheetArgs) -> ! {
    let status = child_status(args);
    std::process::exit(i32::from(status))
}

fn child_status(args: &ReadSheetArgs) -> u8 {
    let limits = args.limits();
    restrict_self(&limits);

    let mut bytes = Vec::new();
    let read = io::stdin()
        .lock()
        .take(limits.max_bytes as u64 + 1)
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        eprintln!("read-sheet: cannot read stdin: {e}");
        return EXIT_IO;
    }
    let reply = match parse(&bytes, &limits) {
        Ok(outcome) => ChildReply::Ok(outcome),
        Err(e) => ChildReply::Rejected(e),
    };
    drop(bytes);
    let status = match reply {
        ChildReply::Ok(_) => EXIT_OK,
        ChildReply::Rejected(_) => EXIT_REJECTED,
    };
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let written = serde_json::to_writer(&mut out, &reply)
        .map_err(io::Error::from)
        .and_then(|()| out.flush());
    if let Err(e) = written {
        eprintln!("read-sheet: cannot write the answer: {e}");
        return EXIT_IO;
    }
    status
}

/// Process limits for the reader child. Failures are reported on stderr and otherwise
/// ignored: the parent's deadline and output cap still hold.
#[cfg(unix)]
fn restrict_self(limits: &ReadLimits) {
    let memory = limits.memory_mb.saturating_mul(1024 * 1024);
    let cpu = limits.timeout_secs.saturating_add(1);
    // SAFETY: setrlimit and prctl only read the structs passed by reference; they affect this
    // process alone.
    unsafe {
        let core = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        let address_space = libc::rlimit {
            rlim_cur: memory as libc::rlim_t,
            rlim_max: memory as libc::rlim_t,
        };
        let cpu = libc::rlimit {
            rlim_cur: cpu as libc::rlim_t,
            rlim_max: cpu.saturating_add(2) as libc::rlim_t,
        };
        if libc::setrlimit(libc::RLIMIT_CORE, &core) != 0 {
            eprintln!(
                "read-sheet: setrlimit(CORE): {}",
                io::Error::last_os_error()
            );
        }
        if libc::setrlimit(libc::RLIMIT_AS, &address_space) != 0 {
            eprintln!("read-sheet: setrlimit(AS): {}", io::Error::last_os_error());
        }
        if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
            eprintln!("read-sheet: setrlimit(CPU): {}", io::Error::last_os_error());
        }
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn restrict_self(_limits: &ReadLimits) {}

// ---------------------------------------------------------------------------------------------
// Parent side.

/// Reads an uploaded workbook in a child process (`program read-sheet`) under `limits`.
/// `program` is this binary: `std::env::current_exe()` in production,
/// `env!("CARGO_BIN_EXE_tonghop")` in integration tests.
pub fn read_isolated(bytes: &[u8], limits: &ReadLimits, program: &Path) -> Result<Grid, ReadError> {
    read_isolated_outcome(bytes, limits, program).map(|outcome| outcome.grid)
}

/// [`read_isolated`], keeping the detected format and the notes about skipped sheets.
pub fn read_isolated_outcome(
    bytes: &[u8],
    limits: &ReadLimits,
    program: &Path,
) -> Result<ReadOutcome, ReadError> {
    let started = Instant::now();
    let result = run_child(bytes, limits, program);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(outcome) => {
            tracing::debug!(
                format = outcome.format.as_str(),
                sheets = outcome.grid.sheets.len(),
                elapsed_ms,
                "workbook read"
            );
            for note in &outcome.notes {
                tracing::info!(note = note.as_str(), "workbook read with a skipped part");
            }
        }
        Err(e) => tracing::info!(code = e.code(), elapsed_ms, error = %e, "workbook rejected"),
    }
    result
}

/// How the wait for the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Exited,
    TimedOut,
    Overflow,
    Lost,
}

fn run_child(bytes: &[u8], limits: &ReadLimits, program: &Path) -> Result<ReadOutcome, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::too_large(format!(
            "tệp nặng {}, quá giới hạn {} cho một lần tải lên",
            human_bytes(bytes.len() as u64),
            human_bytes(limits.max_bytes as u64)
        )));
    }
    // Cheap rejections (empty, PDF, image, HTML, CSV…) need no child.
    sniff::sniff_magic(bytes)?;

    let deadline = Instant::now() + Duration::from_secs(limits.timeout_secs);
    let mut child = Command::new(program)
        .arg("read-sheet")
        .args(ReadSheetArgs::from_limits(limits).to_args())
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ReadError::Internal {
            detail: format!("không chạy được trình đọc {}: {e}", program.display()),
        })?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let cap = limits.max_output_bytes();
    let overflow = AtomicBool::new(false);

    let (status, ending, reply, stderr) = std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(mut input) = stdin {
                // A child that stops reading (crashed early, killed) closes the pipe: the write
                // fails with EPIPE, which is ignored. One-shot CLI commands restore SIGPIPE's
                // default action (which would end the whole process), so block it here.
                block_sigpipe_in_this_thread();
                let _ = input.write_all(bytes);
            }
        });
        let overflow = &overflow;
        let answer = scope.spawn(move || {
            let stdout = stdout?;
            let capped = Capped {
                inner: stdout,
                left: cap,
                overflow,
            };
            Some(
                serde_json::from_reader::<_, ChildReply>(BufReader::with_capacity(
                    64 * 1024,
                    capped,
                ))
                .map_err(|e| e.to_string()),
            )
        });
        let diagnostics = scope.spawn(move || {
            let mut kept = Vec::new();
            if let Some(mut err) = stderr {
                let _ = (&mut err).take(STDERR_KEPT).read_to_end(&mut kept);
                let _ = io::copy(&mut err, &mut io::sink());
            }
            String::from_utf8_lossy(&kept).into_owned()
        });
        let (status, ending) = wait(&mut child, deadline, overflow);
        let reply = answer.join().ok().flatten();
        let stderr = diagnostics.join().unwrap_or_default();
        (status, ending, reply, stderr)
    });

    interpret(status, ending, reply, &stderr, limits)
}

/// Blocks SIGPIPE for the calling thread only: a write to a closed pipe then fails with EPIPE
/// instead of ending the process, whatever the process-wide disposition. The signal left
/// pending is discarded when the (short-lived) writer thread ends.
#[cfg(unix)]
fn block_sigpipe_in_this_thread() {
    // SAFETY: the set is initialised by sigemptyset before use; pthread_sigmask changes only
    // the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

#[cfg(not(unix))]
fn block_sigpipe_in_this_thread() {}

/// Waits for the child until it exits, the deadline passes or its output overflows.
fn wait(
    child: &mut Child,
    deadline: Instant,
    overflow: &AtomicBool,
) -> (Option<ExitStatus>, Ending) {
    let mut pause = Duration::from_millis(2);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Some(status), Ending::Exited),
            Ok(None) => {}
            Err(_) => return (kill(child), Ending::Lost),
        }
        if overflow.load(Ordering::Relaxed) {
            return (kill(child), Ending::Overflow);
        }
        let now = Instant::now();
        if now >= deadline {
            return (kill(child), Ending::TimedOut);
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

fn kill(child: &mut Child) -> Option<ExitStatus> {
    let _ = child.kill();
    child.wait().ok()
}

fn interpret(
    status: Option<ExitStatus>,
    ending: Ending,
    reply: Option<Result<ChildReply, String>>,
    stderr: &str,
    limits: &ReadLimits,
) -> Result<ReadOutcome, ReadError> {
    let crashed = |what: String| {
        let mut tail = stderr.trim().to_string();
        if let Some((i, _)) = tail.char_indices().rev().nth(600) {
            tail = format!("…{}", &tail[i..]);
        }
        tracing::warn!(
            what = what.as_str(),
            stderr = tail.as_str(),
            "spreadsheet reader crashed"
        );
        let mut detail = what;
        truncate_chars(&mut detail, 200);
        ReadError::Crashed { detail }
    };
    match ending {
        Ending::TimedOut => {
            return Err(ReadError::Timeout {
                secs: limits.timeout_secs,
            })
        }
        Ending::Overflow => {
            return Err(ReadError::too_large(format!(
                "dữ liệu đọc được vượt quá {}",
                human_bytes(limits.max_output_bytes())
            )))
        }
        Ending::Lost => return Err(crashed("mất liên lạc với tiến trình đọc".into())),
        Ending::Exited => {}
    }
    let Some(status) = status else {
        return Err(crashed("không rõ trạng thái kết thúc".into()));
    };
    match (status.code(), reply) {
        (Some(code), Some(Ok(ChildReply::Ok(outcome)))) if code == i32::from(EXIT_OK) => {
            Ok(outcome)
        }
        (Some(code), Some(Ok(ChildReply::Rejected(e)))) if code == i32::from(EXIT_REJECTED) => {
            Err(e)
        }
        (Some(code), reply) => {
            let why = match reply {
                Some(Err(e)) => format!("mã thoát {code}, kết quả không hợp lệ: {e}"),
                _ => format!("mã thoát {code}"),
            };
            Err(crashed(why))
        }
        (None, _) => Err(signalled(status, stderr, limits).unwrap_or_else(crashed)),
    }
}

/// A child ended by a signal: a rejection we can name, or the text for `crashed`.
#[cfg(unix)]
fn signalled(status: ExitStatus, stderr: &str, limits: &ReadLimits) -> Result<ReadError, String> {
    use std::os::unix::process::ExitStatusExt;
    let signal = status.signal().unwrap_or(0);
    let out_of_memory =
        || ReadError::too_large(format!("cần hơn {} MB bộ nhớ để đọc", limits.memory_mb));
    match signal {
        libc::SIGXCPU => Ok(ReadError::Timeout {
            secs: limits.timeout_secs,
        }),
        // Not sent by us (we only kill on the deadline or an overflow): the OOM killer.
        libc::SIGKILL => Ok(out_of_memory()),
        libc::SIGABRT if stderr.contains("memory allocation of") => Ok(out_of_memory()),
        libc::SIGABRT | libc::SIGSEGV | libc::SIGBUS if stderr.contains("overflowed its stack") => {
            Err("tràn ngăn xếp".into())
        }
        libc::SIGABRT => Err("tiến trình đọc bị hủy (SIGABRT)".into()),
        libc::SIGSEGV => Err("lỗi truy cập bộ nhớ (SIGSEGV)".into()),
        other => Err(format!("tiến trình đọc bị dừng bởi tín hiệu {other}")),
    }
}

#[cfg(not(unix))]
fn signalled(
    _status: ExitStatus,
    _stderr: &str,
    _limits: &ReadLimits,
) -> Result<ReadError, String> {
    Err("tiến trình đọc dừng bất thường".into())
}

/// A reader that fails (and raises `overflow`) once more than `left` bytes have come through.
struct Capped<'a, R> {
    inner: R,
    left: u64,
    overflow: &'a AtomicBool,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.overflow.store(true, Ordering::Relaxed);
                    Err(io::Error::other("reader output over its cap"))
                }
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_round_trip_through_arguments() {
        let limits = ReadLimits {
            max_cells: 7,
            timeout_secs: 3,
            ..ReadLimits::default()
        };
        let args = ReadSheetArgs::from_limits(&limits).to_args();
        assert!(args
            .windows(2)
            .any(|w| w[0] == "--max-cells" && w[1] == "7"));
        #[derive(clap::Parser)]
        struct Probe {
            #[command(flatten)]
            args: ReadSheetArgs,
        }
        let parsed =
            <Probe as clap::Parser>::parse_from(std::iter::once("x".to_string()).chain(args));
        assert_eq!(parsed.args.limits(), limits);
        assert_eq!(ReadSheetArgs::default().limits(), ReadLimits::default());
    }

    #[test]
    fn the_cap_stops_a_flood() {
        let flag = AtomicBool::new(false);
        let mut capped = Capped {
            inner: io::repeat(b'x'),
            left: 10,
            overflow: &flag,
        };
        let mut out = Vec::new();
        assert!(capped.read_to_end(&mut out).is_err());
        assert_eq!(out.len(), 10);
        assert!(flag.load(Ordering::Relaxed));

        let flag = AtomicBool::new(false);
        let mut exact = Capped {
            inner: &b"0123456789"[..],
            left: 10,
            overflow: &flag,
        };
        let mut out = Vec::new();
        exact.read_to_end(&mut out).unwrap();
        assert!(!flag.load(Ordering::Relaxed));
    }

    #[test]
    fn answers_are_interpreted() {
        let limits = ReadLimits::default();
        let e = interpret(None, Ending::TimedOut, None, "", &limits).unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(e.to_string().starts_with("Đọc tệp quá 15 giây"));
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            let abort = ExitStatus::from_raw(libc::SIGABRT);
            let e = interpret(
                Some(abort),
                Ending::Exited,
                None,
                "memory allocation of 17179869184 bytes failed\n",
                &limits,
            )
            .unwrap_err();
            assert_eq!(e.code(), "too_large");
            assert!(e.to_string().starts_with("Tệp quá lớn hoặc hỏng: "));
            let e = interpret(Some(abort), Ending::Exited, None, "", &limits).unwrap_err();
            assert_eq!(e.code(), "crashed");
            let rejected = ExitStatus::from_raw(i32::from(EXIT_REJECTED) << 8);
            let e = interpret(
                Some(rejected),
                Ending::Exited,
                Some(Ok(ChildReply::Rejected(ReadError::Encrypted))),
                "",
                &limits,
            )
            .unwrap_err();
            assert_eq!(e, ReadError::Encrypted);
        }
    }
}
