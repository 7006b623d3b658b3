//! `ingest-dir`: a folder of reports received by e-mail, saved under the names clerks give
//! them, goes through the real pipeline (the `tonghop` binary as the isolated reader) on
//! two workers, on SQLite and PostgreSQL. Each file must land on the right agency, from its
//! name or its header block; files whose agency is unsure are not ingested and are listed
//! with their candidates.

mod common;
#[path = "support/messy_reports.rs"]
mod messy;

use std::path::PathBuf;

use common::TestDb;
use tonghop::{
    db::{plans, submissions},
    demo,
    ingest::{pipeline::Reader, read::ReadLimits},
    round_trip::{
        batch::{self, Outcome},
        infer::Source,
    },
};

const PROGRAM: &str = env!("CARGO_BIN_EXE_tonghop");
const PLAN: &str = "13/KH-UBND";

on_both_backends! {
    a_mail_folder_is_ingested_agency_by_agency => a_mail_folder_is_ingested_agency_by_agency;
}

fn reader() -> Reader {
    Reader {
        limits: ReadLimits::default(),
        program: PathBuf::from(PROGRAM),
    }
}

/// A report with no agency anywhere: neither its name nor its header says who sent it.
fn anonymous_report() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "BÁO CÁO TIẾN ĐỘ THÁNG 12/2022")
        .unwrap();
    for (col, name) in [
        "STT",
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ (%)",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, col as u16, *name).unwrap();
    }
    ws.write_string(3, 0, "1.1").unwrap();
    ws.write_string(3, 1, messy::demo_title("1.1")).unwrap();
    ws.write_string(3, 2, "Đã hoàn thành rà soát").unwrap();
    ws.write_number(3, 3, 100.0).unwrap();
    wb.save_to_buffer().unwrap()
}

const STTTT: &str = "Sở Thông tin và Truyền thông";
const CAT: &str = "Công an tỉnh";
const VP: &str = "Văn phòng UBND tỉnh";
const SYT: &str = "Sở Y tế";

struct Expect {
    file: &'static str,
    outcome: Outcome,
    agency: Option<&'static str>,
    source: Option<Source>,
    candidates: &'static [&'static str],
}

fn a_mail_folder_is_ingested_agency_by_agency(db: TestDb) {
    let pool = db.open();
    demo::load(&mut pool.get().unwrap()).unwrap();
    let folder = tempfile::tempdir().unwrap();
    let save = |name: &str, bytes: &[u8]| std::fs::write(folder.path().join(name), bytes).unwrap();
    let fixture = |name: &str| messy::by_name(name).bytes;
    save("SoTTTT_TV_BC_thang12_2022.xlsx", &fixture("official_demo"));
    save("BC DA06 CAT (T12-2022).xlsx", &fixture("two_row_header"));
    save("VPUB_BC_T12.xlsx", &fixture("tick_marks"));
    save("bc vp t1.xlsx", &fixture("no_stt_paraphrased"));
    save(
        "BAO CAO T2-2023.xlsx",
        &fixture("capitals_without_diacritics"),
    );
    save(
        "Bao cao DA06 thang 3.xlsx",
        &fixture("status_abbreviations"),
    );
    save(
        "SYT_STTTT_tong hop.xlsx",
        &fixture("unassigned_duplicate_unrelated"),
    );
    save("SYT_STTTT_T2.xlsx", &fixture("codes_in_task_text"));
    save("Bao cao thang 12.xlsx", &anonymous_report());
    save("Cong van gui kem.xlsx", &messy::letter_without_table());
    save("Scan cong van.pdf", &messy::pdf_bytes());
    save("~$VPUB_BC_T12.xlsx", b"lock file");

    let expected = [
        Expect {
            file: "BAO CAO T2-2023.xlsx",
            outcome: Outcome::Processed,
            agency: Some(CAT),
            source: Some(Source::Header),
            candidates: &[CAT],
        },
        Expect {
            file: "BC DA06 CAT (T12-2022).xlsx",
            outcome: Outcome::Processed,
            agency: Some(CAT),
            source: Some(Source::FileName),
            candidates: &[CAT],
        },
        Expect {
            file: "Bao cao DA06 thang 3.xlsx",
            outcome: Outcome::Processed,
            agency: Some(CAT),
            source: Some(Source::Header),
            candidates: &[CAT],
        },
        Expect {
            file: "Bao cao thang 12.xlsx",
            outcome: Outcome::Unsure,
            agency: None,
            source: None,
            candidates: &[],
        },
        Expect {
            file: "Cong van gui kem.xlsx",
            outcome: Outcome::Rejected,
            agency: Some(SYT),
            source: Some(Source::Header),
            candidates: &[SYT],
        },
        Expect {
            file: "SYT_STTTT_T2.xlsx",
            outcome: Outcome::Unsure,
            agency: None,
            source: None,
            candidates: &[SYT, STTTT, VP],
        },
        Expect {
            file: "SYT_STTTT_tong hop.xlsx",
            outcome: Outcome::Processed,
            agency: Some(STTTT),
            source: Some(Source::Header),
            candidates: &[STTTT],
        },
        Expect {
            file: "SoTTTT_TV_BC_thang12_2022.xlsx",
            outcome: Outcome::Processed,
            agency: Some(STTTT),
            source: Some(Source::FileName),
            candidates: &[STTTT],
        },
        Expect {
            file: "VPUB_BC_T12.xlsx",
            outcome: Outcome::Processed,
            agency: Some(VP),
            source: Some(Source::FileName),
            candidates: &[VP],
        },
        Expect {
            file: "bc vp t1.xlsx",
            outcome: Outcome::Processed,
            agency: Some(VP),
            source: Some(Source::Header),
            candidates: &[VP],
        },
        Expect {
            file: "Scan cong van.pdf",
            outcome: Outcome::Skipped,
            agency: None,
            source: None,
            candidates: &[],
        },
    ];

    let mut seen = Vec::new();
    let report = batch::ingest_dir(&pool, &reader(), folder.path(), PLAN, "2022-12", &mut |p| {
        seen.push((p.done, p.total, p.last.file.clone()))
    })
    .unwrap();
    assert_eq!(seen.len(), expected.len());
    assert!(seen
        .iter()
        .enumerate()
        .all(|(i, (done, total, _))| *done == i + 1 && *total == expected.len()));

    let mut problems = Vec::new();
    for e in &expected {
        let Some(f) = report.files.iter().find(|f| f.file == e.file) else {
            problems.push(format!("{}: missing from the report", e.file));
            continue;
        };
        if f.outcome != e.outcome
            || f.agency.as_deref() != e.agency
            || f.source != e.source
            || f.candidates != e.candidates
        {
            problems.push(format!(
                "{}: {:?} {:?} {:?} {:?} ({:?}), expected {:?} {:?} {:?} {:?}",
                e.file,
                f.outcome,
                f.agency,
                f.source,
                f.candidates,
                f.message,
                e.outcome,
                e.agency,
                e.source,
                e.candidates
            ));
        }
        if e.outcome == Outcome::Processed && (f.rows == 0 || f.matched == 0) {
            problems.push(format!(
                "{}: {} rows, {} matched",
                e.file, f.rows, f.matched
            ));
        }
        if e.outcome == Outcome::Unsure {
            let message = f.message.as_deref().unwrap_or("");
            if !message.contains("--agency") {
                problems.push(format!("{}: unsure without advice: {message}", e.file));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        report.files.len(),
        expected.len(),
        "the lock file is left out"
    );
    let left: Vec<&str> = report.left_over().map(|f| f.file.as_str()).collect();
    assert_eq!(
        left,
        [
            "Bao cao thang 12.xlsx",
            "SYT_STTTT_T2.xlsx",
            "Scan cong van.pdf"
        ]
    );

    // What was stored: one submission per ingested file, on the inferred agency.
    let mut conn = pool.get().unwrap();
    let plan = plans::find(&mut conn, PLAN).unwrap();
    let stored = submissions::list_for_period(&mut conn, plan.id, "2022-12").unwrap();
    assert_eq!(stored.len(), 8, "{stored:?}");
    for f in report.files.iter().filter(|f| f.outcome.stored()) {
        let s = stored
            .iter()
            .find(|s| Some(s.id) == f.submission_id)
            .unwrap_or_else(|| panic!("{} not stored", f.file));
        assert_eq!(s.file_name, f.file);
    }

    // The same folder again, through the command: nothing new stored, every file a
    // duplicate, and the command says that some files are left for a person.
    let mut config = db.config();
    config.upload.reader_program = Some(PathBuf::from(PROGRAM));
    let all_stored =
        tonghop::commands::ingest_dir::run(&pool, &config, folder.path(), PLAN, "2022-12", false)
            .unwrap();
    assert!(!all_stored);
    let mut conn = pool.get().unwrap();
    let after = submissions::list_for_period(&mut conn, plan.id, "2022-12").unwrap();
    assert_eq!(after.len(), 8, "identical files are not stored twice");
}
