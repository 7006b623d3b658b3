//! Running [`parse`] in a child process with hard limits.
//!
//! calamine can abort the process on allocation failure (`oleloop.xls`, the A1/XFD1048576
//! corner cells) or run for tens of seconds while growing to gigabytes (`Test_git_issue_382_oom.xls`,
//! zip bombs). A panic guard cannot stop either, so uploads are parsed by `tonghop
//! read-sheet` processes (a hidden subcommand of this same binary):
//!
//! * the child sets `RLIMIT_AS` (address space, `parse_memory_mb`) and `RLIMIT_CORE = 0`, then
//!   serves files one after another over its pipes: a request is a `u64` length and the file's
//!   bytes on stdin; before each file it sets `RLIMIT_CPU` to its CPU time so far plus a little
//!   above the wall-clock limit; it writes the answer as it reads the file, row by row, in
//!   the chunked binary form of [`super::wire`], ending with the notes or with the rejection
//!   and its Vietnamese message. It exits when stdin closes (so also when the server dies);
//! * the parent keeps idle children in a small pool (per limits and program) so a month of
//!   small files does not pay a process start each (~5–15 ms, more than reading a 150-row
//!   file); a child is retired after [`MAX_FILES_PER_CHILD`] files;
//! * the parent writes the request from a thread; a thread per child forwards what the child
//!   writes in pieces of up to 64 KB (at most 16 ahead) for the asking thread to decode as
//!   they come, into the caller's sink (the layout reads each row as it arrives), with a size
//!   cap per answer; it keeps the first 16 KB of stderr per request, and waits with a
//!   deadline, killing the child when it passes. An abort with "memory allocation … failed",
//!   an OOM kill, `SIGXCPU`, the deadline or an answer over its cap become `too_large` /
//!   `timeout` rejections; anything else is `crashed`. A child that dies is never reused; when it had served other files before,
//!   the file is read once more by a fresh child, so a verdict never depends on what an earlier
//!   file left behind (memory, CPU time).
//!
//! [`read_isolated`] blocks the calling thread for up to the timeout: call it from a blocking
//! pool (`actix_web::web::block`) and bound how many run at once.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitCode, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use super::parse::{parse_into, ReadOutcome};
use super::wire::{self, Reply};
use super::{human_bytes, sniff, truncate_chars, ReadError, ReadLimits};
use crate::ingest::grid::{Grid, GridSink};

/// Exit status of a child whose stdin closed (the normal end).
pub const EXIT_OK: u8 = 0;
/// Exit status of a child that could not read stdin or write stdout.
pub const EXIT_IO: u8 = 4;

/// Files one child reads before it is retired.
pub const MAX_FILES_PER_CHILD: u32 = 256;

const STDERR_KEPT: usize = 16 * 1024;

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

// ---------------------------------------------------------------------------------------------
// Child side.

/// Body of `tonghop read-sheet`: limits, then requests on stdin → parse → answers on stdout
/// until stdin closes. Returns the exit status.
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
    let mut input = io::stdin().lock();
    let mut out = BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    loop {
        let mut len = [0u8; 8];
        match read_full(&mut input, &mut len) {
            Ok(false) => return EXIT_OK,
            Ok(true) => {}
            Err(e) => {
                eprintln!("read-sheet: cannot read stdin: {e}");
                return EXIT_IO;
            }
        }
        let len = u64::from_le_bytes(len);
        if len > limits.max_bytes as u64 {
            eprintln!("read-sheet: request of {len} bytes over the limit");
            return EXIT_IO;
        }
        let mut bytes = Vec::with_capacity(len as usize);
        if let Err(e) = (&mut input).take(len).read_to_end(&mut bytes) {
            eprintln!("read-sheet: cannot read stdin: {e}");
            return EXIT_IO;
        }
        if bytes.len() as u64 != len {
            eprintln!("read-sheet: request cut short");
            return EXIT_IO;
        }
        limit_cpu_for_one_file(&limits);
        // Rows are written as they are read: the parent lays them out meanwhile.
        let mut answer = wire::AnswerWriter::new(&mut out);
        let written = match parse_into(&bytes, &limits, &mut answer) {
            Ok(notes) => answer.end(&notes),
            Err(e) => answer.reject(&e),
        };
        drop(bytes);
        // An idle child waits for its next file holding only what it needs: without this,
        // glibc keeps the freed heap of the largest file read so far (200 MB after a
        // 100k-row sheet), in every idle child of the pool.
        crate::memory::release_free_heap();
        if let Err(e) = written {
            eprintln!("read-sheet: cannot write the answer: {e}");
            return EXIT_IO;
        }
    }
}

/// Fills `buf`; `Ok(false)` on a clean end of input before the first byte.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Process limits for the reader child. Failures are reported on stderr and otherwise
/// ignored: the parent's deadline and output cap still hold.
#[cfg(unix)]
fn restrict_self(limits: &ReadLimits) {
    let memory = limits.memory_mb.saturating_mul(1024 * 1024);
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
        if libc::setrlimit(libc::RLIMIT_CORE, &core) != 0 {
            eprintln!(
                "read-sheet: setrlimit(CORE): {}",
                io::Error::last_os_error()
            );
        }
        if libc::setrlimit(libc::RLIMIT_AS, &address_space) != 0 {
            eprintln!("read-sheet: setrlimit(AS): {}", io::Error::last_os_error());
        }
    }
    // The child's second thread (`parse`'s merged-area scan of a large workbook) would
    // otherwise reserve ~120 MB of the address space `RLIMIT_AS` bounds.
    crate::memory::one_arena_for_all_threads();
    // No PR_SET_PDEATHSIG: it fires when the *thread* that spawned the child ends, which would
    // kill pooled children whenever a worker thread retires. A child learns that the server
    // died from its stdin closing (idle) or its stdout breaking (busy), and the CPU limit
    // bounds a busy one.
}

/// `RLIMIT_CPU` for the next file: the CPU time used so far plus the wall-clock limit and a
/// second (the limit counts the whole life of the process). Only the soft limit moves (its
/// `SIGXCPU` ends the child); the hard one is left alone, since it could never be raised again.
#[cfg(unix)]
fn limit_cpu_for_one_file(limits: &ReadLimits) {
    // SAFETY: getrusage, getrlimit and setrlimit only read and write the structs passed by
    // reference; they affect this process alone.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) as u64 + 1;
        let soft = used.saturating_add(limits.timeout_secs).saturating_add(1);
        let mut cpu = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_CPU, &mut cpu);
        cpu.rlim_cur = (soft as libc::rlim_t).min(cpu.rlim_max);
        if libc::setrlimit(libc::RLIMIT_CPU, &cpu) != 0 {
            eprintln!("read-sheet: setrlimit(CPU): {}", io::Error::last_os_error());
        }
    }
}

#[cfg(not(unix))]
fn limit_cpu_for_one_file(_limits: &ReadLimits) {}

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
    read_isolated_into(bytes, limits, program, Grid::default)
}

/// [`read_isolated_outcome`], handing the workbook's sheets and rows to a sink made by
/// `sink` as they are decoded, while the child is still writing them: the sink comes back
/// as the outcome's `grid`. A read tried twice (see the module doc) starts a fresh sink.
pub fn read_isolated_into<S: GridSink>(
    bytes: &[u8],
    limits: &ReadLimits,
    program: &Path,
    sink: impl FnMut() -> S,
) -> Result<ReadOutcome<S>, ReadError> {
    let started = Instant::now();
    let result = run_child(bytes, limits, program, sink);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &result {
        Ok(outcome) => {
            tracing::debug!(
                format = outcome.format.as_str(),
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

/// Ends the idle reader children and waits for them (their peak memory then shows in
/// `getrusage(RUSAGE_CHILDREN)`). Children busy elsewhere are not touched.
pub fn retire_idle_readers() {
    let idle = std::mem::take(&mut *IDLE.lock().unwrap_or_else(|p| p.into_inner()));
    for worker in idle {
        worker.retire();
    }
}

/// How the wait for the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Exited,
    TimedOut,
    Overflow,
    Lost,
}

/// Bytes of the child's output forwarded at a time (at most), and how many such pieces may
/// wait unread: the pipe thread stays at most this far ahead of the decoder.
const PIECE: usize = 64 * 1024;
const PIECES_AHEAD: usize = 16;

/// The pieces of one answer, as a stream for [`wire::decode_from`], in the asking thread
/// (so the grid is allocated where it is used: glibc gives each thread its own arena, and
/// memory freed in one is not reused by another). A piece that does not come by the
/// deadline is a `TimedOut` error, a pipe thread gone is `UnexpectedEof`.
struct Pieces<'a> {
    answers: &'a mpsc::Receiver<Vec<u8>>,
    deadline: Instant,
    piece: Vec<u8>,
    at: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        wire::read_buffered(self, buf)
    }
}

impl BufRead for Pieces<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        use std::io::ErrorKind;
        while self.at == self.piece.len() {
            let wait = self.deadline.saturating_duration_since(Instant::now());
            match self.answers.recv_timeout(wait) {
                Ok(piece) => {
                    self.piece = piece;
                    self.at = 0;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return Err(ErrorKind::TimedOut.into()),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(ErrorKind::UnexpectedEof.into())
                }
            }
        }
        Ok(&self.piece[self.at..])
    }

    fn consume(&mut self, n: usize) {
        self.at += n;
    }
}

/// A running `read-sheet` child and the threads that drain its output.
struct Worker {
    key: (ReadLimits, PathBuf),
    child: Child,
    stdin: Option<ChildStdin>,
    answers: mpsc::Receiver<Vec<u8>>,
    /// The first [`STDERR_KEPT`] bytes written since the current request began.
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_closed: Arc<AtomicBool>,
    served: u32,
}

static IDLE: Mutex<Vec<Worker>> = Mutex::new(Vec::new());

impl Worker {
    fn spawn(limits: &ReadLimits, program: &Path) -> Result<Worker, ReadError> {
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
        let (send, answers) = mpsc::sync_channel(PIECES_AHEAD);
        if let Some(mut out) = stdout {
            // Forwards what the child writes as it writes it, for the asking thread to decode
            // meanwhile ([`Pieces`]): answers are never held whole. Where one ends is for the
            // decoder to see; the child writes nothing between answers.
            std::thread::spawn(move || {
                let mut buf = vec![0u8; PIECE];
                loop {
                    match out.read(&mut buf) {
                        Ok(0) => return,
                        Ok(n) => {
                            if send.send(buf[..n].to_vec()).is_err() {
                                return;
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return,
                    }
                }
            });
        }
        let kept = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(AtomicBool::new(false));
        if let Some(mut err) = stderr {
            let (kept, closed) = (Arc::clone(&kept), Arc::clone(&closed));
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = err.read(&mut buf) {
                    let mut kept = kept.lock().unwrap_or_else(|p| p.into_inner());
                    let room = STDERR_KEPT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
                closed.store(true, Ordering::Release);
            });
        }
        Ok(Worker {
            key: (*limits, program.to_path_buf()),
            child,
            stdin,
            answers,
            stderr: kept,
            stderr_closed: closed,
            served: 0,
        })
    }

    /// An idle child for these limits, if one is alive.
    fn take_idle(limits: &ReadLimits, program: &Path) -> Option<Worker> {
        let mut idle = IDLE.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(at) = idle
            .iter()
            .position(|w| w.key.0 == *limits && w.key.1 == program)
        {
            let mut worker = idle.swap_remove(at);
            if matches!(worker.child.try_wait(), Ok(None)) {
                return Some(worker);
            }
            drop(idle);
            worker.retire();
            idle = IDLE.lock().unwrap_or_else(|p| p.into_inner());
        }
        None
    }

    fn park(self) {
        if self.served >= MAX_FILES_PER_CHILD {
            self.retire();
        } else {
            IDLE.lock().unwrap_or_else(|p| p.into_inner()).push(self);
        }
    }

    /// Closes stdin (the child exits on its own) and waits, killing it if it lingers.
    fn retire(mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            match self.child.try_wait() {
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
                }
                Ok(None) | Err(_) => {
                    kill(&mut self.child);
                    return;
                }
                Ok(Some(_)) => return,
            }
        }
    }

    /// Sends one file and waits for the answer until `deadline`, decoding it into `sink`.
    fn ask<S: GridSink>(
        &mut self,
        bytes: &[u8],
        deadline: Instant,
        limits: &ReadLimits,
        sink: S,
    ) -> Result<Result<ReadOutcome<S>, ReadError>, Failed> {
        let (cap, max_cells) = (limits.max_output_bytes() as usize, limits.max_cells);
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        self.served += 1;
        let stdin = self.stdin.as_mut();
        let (answers, child) = (&self.answers, &mut self.child);
        let decoded = std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                let Some(input) = stdin else {
                    return;
                };
                // A child that stops reading (crashed, killed) closes the pipe: the write fails
                // with EPIPE. One-shot CLI commands restore SIGPIPE's default action (which
                // would end the whole process), so block it in this thread.
                block_sigpipe_in_this_thread();
                // A failed write shows as the child's end, read below.
                let _ = input
                    .write_all(&(bytes.len() as u64).to_le_bytes())
                    .and_then(|()| input.write_all(bytes))
                    .and_then(|()| input.flush());
            });
            let pieces = Pieces {
                answers,
                deadline,
                piece: Vec::new(),
                at: 0,
            };
            let decoded = wire::decode_from(pieces, cap, max_cells, sink);
            let ended = |e: &wire::DecodeError| matches!(e, wire::DecodeError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof);
            if decoded.as_ref().is_err_and(|e| !ended(e)) {
                // Unblocks a writer stuck on a child that stopped reading. A child whose
                // output ended is gone already, and its exit status tells why.
                let _ = child.kill();
            }
            let _ = writer.join();
            decoded
        });
        let ending = match decoded {
            Ok(Reply::Ok(outcome)) => return Ok(Ok(outcome)),
            Ok(Reply::Rejected(e)) => return Ok(Err(e)),
            Err(wire::DecodeError::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => {
                Ending::TimedOut
            }
            Err(wire::DecodeError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                Ending::Exited
            }
            Err(wire::DecodeError::Overflow) => Ending::Overflow,
            Err(e) => {
                return Err(Failed {
                    status: kill(&mut self.child),
                    ending: Ending::Exited,
                    garbled: Some(e.to_string()),
                    stderr: String::new(),
                })
            }
        };
        let status = match ending {
            Ending::Exited => wait_until(&mut self.child, deadline),
            _ => (kill(&mut self.child), ending),
        };
        // The child is gone: its stderr closes right after.
        let drained = Instant::now() + Duration::from_millis(200);
        while !self.stderr_closed.load(Ordering::Acquire) && Instant::now() < drained {
            std::thread::sleep(Duration::from_millis(1));
        }
        let stderr =
            String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|p| p.into_inner()))
                .into_owned();
        Err(Failed {
            status: status.0,
            ending: status.1,
            garbled: None,
            stderr,
        })
    }
}

/// A read that ended without an answer: the child is dead.
struct Failed {
    status: Option<ExitStatus>,
    ending: Ending,
    /// The answer could not be decoded.
    garbled: Option<String>,
    stderr: String,
}

fn run_child<S: GridSink>(
    bytes: &[u8],
    limits: &ReadLimits,
    program: &Path,
    mut sink: impl FnMut() -> S,
) -> Result<ReadOutcome<S>, ReadError> {
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
    let mut worker = match Worker::take_idle(limits, program) {
        Some(worker) => worker,
        None => Worker::spawn(limits, program)?,
    };
    match worker.ask(bytes, deadline, limits, sink()) {
        Ok(answer) => {
            worker.park();
            answer
        }
        Err(failed) => {
            let reused = worker.served > 1;
            worker.retire();
            if reused && failed.ending == Ending::Exited && Instant::now() < deadline {
                // What killed a child that had read other files may be their leftovers: the
                // file gets a fresh child before it is judged.
                tracing::info!("reader child died on a reused process; reading again");
                let mut fresh = Worker::spawn(limits, program)?;
                return match fresh.ask(bytes, deadline, limits, sink()) {
                    Ok(answer) => {
                        fresh.park();
                        answer
                    }
                    Err(failed) => {
                        fresh.retire();
                        interpret_failure(failed, limits)
                    }
                };
            }
            interpret_failure(failed, limits)
        }
    }
}

fn interpret_failure<S>(failed: Failed, limits: &ReadLimits) -> Result<ReadOutcome<S>, ReadError> {
    let reply = failed.garbled.map(Err);
    interpret(failed.status, failed.ending, reply, &failed.stderr, limits)
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

/// Waits for a child whose output has closed until it exits or the deadline passes.
fn wait_until(child: &mut Child, deadline: Instant) -> (Option<ExitStatus>, Ending) {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (Some(status), Ending::Exited),
            Ok(None) => {}
            Err(_) => return (kill(child), Ending::Lost),
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

/// What a child's end means for the clerk. `reply` is an answer that could not be decoded.
fn interpret<S>(
    status: Option<ExitStatus>,
    ending: Ending,
    reply: Option<Result<Reply<S>, String>>,
    stderr: &str,
    limits: &ReadLimits,
) -> Result<ReadOutcome<S>, ReadError> {
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
    match reply {
        Some(Ok(Reply::Ok(outcome))) => return Ok(outcome),
        Some(Ok(Reply::Rejected(e))) => return Err(e),
        Some(Err(e)) => return Err(crashed(format!("kết quả không hợp lệ: {e}"))),
        None => {}
    }
    let Some(status) = status else {
        return Err(crashed("không rõ trạng thái kết thúc".into()));
    };
    match status.code() {
        Some(code) => Err(crashed(format!("mã thoát {code}, không có kết quả"))),
        None => Err(signalled(status, stderr, limits).unwrap_or_else(crashed)),
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
    fn pieces_read_as_one_stream_until_the_deadline_or_the_pipe_thread_ends() {
        use std::io::ErrorKind;
        let (send, answers) = mpsc::sync_channel(PIECES_AHEAD);
        send.send(b"abc".to_vec()).unwrap();
        send.send(b"defg".to_vec()).unwrap();
        let mut pieces = Pieces {
            answers: &answers,
            deadline: Instant::now() + Duration::from_millis(50),
            piece: Vec::new(),
            at: 0,
        };
        let mut got = [0u8; 5];
        pieces.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"abcde");
        let mut rest = [0u8; 2];
        pieces.read_exact(&mut rest).unwrap();
        assert_eq!(&rest, b"fg");
        // Nothing more comes before the deadline: timed out, not ended.
        let err = pieces.read(&mut rest).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TimedOut);
        drop(send);
        assert_eq!(
            pieces.read(&mut rest).unwrap_err().kind(),
            ErrorKind::UnexpectedEof
        );
    }

    #[test]
    fn answers_are_interpreted() {
        let limits = ReadLimits::default();
        let e = interpret::<Grid>(None, Ending::TimedOut, None, "", &limits).unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert!(e.to_string().starts_with("Đọc tệp quá 15 giây"));
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            let abort = ExitStatus::from_raw(libc::SIGABRT);
            let e = interpret::<Grid>(
                Some(abort),
                Ending::Exited,
                None,
                "memory allocation of 17179869184 bytes failed\n",
                &limits,
            )
            .unwrap_err();
            assert_eq!(e.code(), "too_large");
            assert!(e.to_string().starts_with("Tệp quá lớn hoặc hỏng: "));
            let e = interpret::<Grid>(Some(abort), Ending::Exited, None, "", &limits).unwrap_err();
            assert_eq!(e.code(), "crashed");
            let clean = ExitStatus::from_raw(0);
            let e = interpret::<Grid>(
                Some(clean),
                Ending::Exited,
                Some(Ok(Reply::Rejected(ReadError::Encrypted))),
                "",
                &limits,
            )
            .unwrap_err();
            assert_eq!(e, ReadError::Encrypted);
            let e = interpret::<Grid>(Some(clean), Ending::Exited, None, "", &limits).unwrap_err();
            assert_eq!(e.code(), "crashed");
        }
    }
}
