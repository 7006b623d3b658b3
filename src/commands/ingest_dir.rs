//! `tonghop ingest-dir DIR --plan P --period M [--json]`: a folder of reports received by
//! e-mail, each file's agency inferred from its name or header block.

use std::{
    io::{IsTerminal, Write},
    path::Path,
    time::{Duration, Instant},
};

use crate::{
    config::Config,
    db::Db,
    error::AppResult,
    ingest::pipeline::Reader,
    round_trip::batch::{self, BatchReport, Progress},
};

use super::clip;

/// Runs the batch and prints the summary; returns whether every file was stored (false:
/// some files are left for a person).
pub fn run(
    db: &Db,
    config: &Config,
    dir: &Path,
    plan: &str,
    period: &str,
    json: bool,
) -> AppResult<bool> {
    let reader = Reader::from_config(&config.upload);
    let mut bar = ProgressBar::new();
    let report = batch::ingest_dir(db, &reader, dir, plan, period, &mut |p| bar.show(&p))?;
    bar.finish();
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serialises")
        );
    } else {
        print_summary(&report);
    }
    let all_stored = report.left_over().next().is_none();
    Ok(all_stored)
}

/// The summary table (tệp, cơ quan, số dòng, phát hiện, kết quả), then the files left over
/// with their candidates.
pub fn print_summary(report: &BatchReport) {
    println!(
        "{:<36} {:<32} {:>6}  {:<28} Kết quả",
        "Tệp", "Cơ quan", "Số dòng", "Phát hiện"
    );
    for f in &report.files {
        let rows = if f.outcome.stored() {
            format!("{}/{}", f.matched, f.rows)
        } else {
            "-".to_string()
        };
        println!(
            "{:<36} {:<32} {:>6}  {:<28} {}",
            clip(&f.file, 36),
            clip(f.agency.as_deref().unwrap_or("?"), 32),
            rows,
            clip(&f.findings_summary(), 28),
            f.outcome.label()
        );
    }
    let stored = report.files.iter().filter(|f| f.outcome.stored()).count();
    println!(
        "Đã nhận {stored}/{} tệp cho kỳ {} (số dòng: khớp nhiệm vụ/tổng số dòng).",
        report.files.len(),
        report.period
    );
    let left: Vec<_> = report.left_over().collect();
    if !left.is_empty() {
        println!("Các tệp chưa nhận, cần người xử lý:");
        for f in left {
            let candidates = if f.candidates.is_empty() {
                String::new()
            } else {
                format!(" [ứng viên: {}]", f.candidates.join("; "))
            };
            println!(
                "  - {}: {}{candidates}",
                f.file,
                f.message.as_deref().unwrap_or(f.outcome.label())
            );
        }
    }
}

/// A progress bar drawn on stderr when it is a terminal; plain lines every few seconds
/// otherwise (logs, pipes).
struct ProgressBar {
    terminal: bool,
    last_line: Option<Instant>,
    drawn: bool,
}

const BAR_WIDTH: usize = 30;
const LINE_EVERY: Duration = Duration::from_secs(5);

impl ProgressBar {
    fn new() -> ProgressBar {
        ProgressBar {
            terminal: std::io::stderr().is_terminal(),
            last_line: None,
            drawn: false,
        }
    }

    fn show(&mut self, p: &Progress) {
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let filled = BAR_WIDTH * p.done / p.total.max(1);
            let _ = write!(
                err,
                "\r\x1b[2K[{}{}] {}/{} {}",
                "#".repeat(filled),
                "-".repeat(BAR_WIDTH - filled),
                p.done,
                p.total,
                clip(&p.last.file, 40)
            );
            let _ = err.flush();
            self.drawn = true;
        } else {
            let due = self.last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY);
            if due || p.done == p.total {
                let _ = writeln!(err, "Đã xử lý {}/{} tệp.", p.done, p.total);
                self.last_line = Some(Instant::now());
            }
        }
    }

    fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr());
        }
    }
}
