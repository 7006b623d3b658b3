//! A real SMTP server on loopback for the reminder tests: `tests/support/smtp_sink.py`
//! (Debian's `python3-aiosmtpd`), started on a free port, stopped and restarted at will.
//! What it received is read back decoded: recipients, subject, bodies, attachments.
//!
//! Outside CI, a machine without aiosmtpd skips the tests that need it with a printed
//! reason; with `CI=true` that is a failure (`.ci/run` installs the package).

#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedAttachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub to: String,
    pub cc: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<ReceivedAttachment>,
}

pub struct SmtpSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

fn python() -> String {
    std::env::var("TONGHOP_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_sink.py")
}

/// Whether the SMTP server can run here; prints why not (and fails in CI).
fn available() -> bool {
    let ok = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        if in_ci() {
            panic!(
                "CI=true but {} cannot import aiosmtpd (apt-get install python3-aiosmtpd)",
                python()
            );
        }
        eprintln!("skipped: {} cannot import aiosmtpd (apt-get install python3-aiosmtpd), so this e-mail test did not run", python());
    }
    ok
}

impl SmtpSink {
    /// A running server on a free port; None (with a printed reason) where aiosmtpd is missing
    /// outside CI.
    pub fn start() -> Option<SmtpSink> {
        Self::start_dying_after(0)
    }

    /// A server that exits right after accepting its `n`th message (0: never).
    pub fn start_dying_after(n: usize) -> Option<SmtpSink> {
        if !available() {
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut sink = SmtpSink {
            port,
            dir: tempfile::tempdir().expect("temporary directory"),
            child: None,
        };
        sink.spawn(n);
        Some(sink)
    }

    fn spawn(&mut self, die_after: usize) {
        let mut child = Command::new(python())
            .arg(script())
            .args(["--port", &self.port.to_string()])
            .arg("--dir")
            .arg(self.dir.path())
            .args(["--die-after", &die_after.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the SMTP sink");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the SMTP sink's first line");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        self.child = Some(child);
    }

    /// Stops the server (as if the mail server went down).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, keeping what it received.
    pub fn restart(&mut self) {
        self.stop();
        // The port may linger for a moment after the old process ended.
        let started = Instant::now();
        while TcpListener::bind(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "port {} stays taken",
                self.port
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.spawn(0);
    }

    /// Every message received so far, in arrival order.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("sink directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}
