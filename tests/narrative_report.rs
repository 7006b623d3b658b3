//! The narrative draft report (.docx), on both backends: the demo data of Trà Vinh (plan
//! 13/KH-UBND, November 2022) with upload times around the deadline. The document is
//! unzipped and its XML read back: the Nghị định 30/2020 header block and layout, the four
//! sections, and every figure against the consolidated workbook of the same period read
//! back with calamine. Then LibreOffice opens it (PDF and a PNG of page 1 kept in
//! `target/test-artifacts/narrative/<backend>/`), and the secretariat downloads it from the
//! web page.

mod common;
#[path = "support/web_client.rs"]
mod web_client;

use std::{
    io::{Cursor, Read},
    path::PathBuf,
    process::Command,
};

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use common::{Backend, TestApp, TestDb};
use diesel::prelude::*;
use tonghop::{
    consolidate::{
        data,
        layout::Layout,
        workbook::{self, WriteOptions},
        Consolidated, Options,
    },
    db::{
        schema::{audit_log, reporting_periods, submissions},
        DbConnection,
    },
    narrative::{
        self,
        format::{count, percent},
        layout::NarrativeLayout,
        outline::state_counts,
    },
};
use web_client::Client;

const PERIOD: &str = "2022-11";

fn options() -> WriteOptions {
    WriteOptions {
        report_date: NaiveDate::from_ymd_opt(2022, 11, 21).unwrap(),
        number: Some(5),
    }
}

/// Loads the demo and spreads November's upload times around the deadline (every third
/// late). Returns the plan id.
fn prepare(conn: &mut DbConnection) -> i64 {
    let plan_id = tonghop::demo::load(conn).unwrap().plan_id;
    let deadline: NaiveDateTime = reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .filter(reporting_periods::period.eq(PERIOD))
        .select(reporting_periods::deadline)
        .first(conn)
        .unwrap();
    let ids: Vec<i64> = submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .order(submissions::id)
        .select(submissions::id)
        .load(conn)
        .unwrap();
    for (i, id) in ids.iter().enumerate() {
        let at = if i % 3 == 0 {
            deadline + Duration::hours(27)
        } else {
            deadline - Duration::days(2)
        };
        diesel::update(submissions::table.find(*id))
            .set(submissions::uploaded_at.eq(at))
            .execute(conn)
            .unwrap();
    }
    plan_id
}

/// The workbook and the document of one consolidation.
fn build(conn: &mut DbConnection, plan_id: i64, period: &str) -> (Consolidated, Vec<u8>, Vec<u8>) {
    let data = data::load_by_keys(conn, &plan_id.to_string(), period).unwrap();
    let c = Consolidated::build(data, Options::default());
    let xlsx = workbook::write(&c, &Layout::bundled(), &options()).unwrap();
    let docx = narrative::write(&c, &NarrativeLayout::bundled(), &options()).unwrap();
    (c, xlsx, docx)
}

/// A part of the package as text.
fn part(docx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("the .docx is a zip");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every paragraph of `document.xml` (table cells included) as (text, its XML).
fn paragraphs(xml: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:p>") {
        let end = rest[start..].find("</w:p>").expect("a closed paragraph") + start + 6;
        let p = &rest[start..end];
        let mut text = String::new();
        let mut inner = p;
        while let Some(i) = inner.find("<w:t") {
            let after = &inner[i..];
            if after.starts_with("<w:tbl")
                || after.starts_with("<w:tc")
                || after.starts_with("<w:tr")
            {
                inner = &inner[i + 4..];
                continue;
            }
            let open_end = after.find('>').unwrap() + 1;
            let close = after.find("</w:t>").unwrap();
            // Line breaks before this text.
            text.push_str(&"\n".repeat(inner[..i].matches("<w:br/>").count()));
            text.push_str(&unescape(&after[open_end..close]));
            inner = &after[close + 6..];
        }
        text.push_str(&"\n".repeat(inner.matches("<w:br/>").count()));
        out.push((text, p.to_string()));
        rest = &rest[end..];
    }
    out
}

fn texts(docx: &[u8]) -> Vec<String> {
    paragraphs(&part(docx, "word/document.xml"))
        .into_iter()
        .map(|(t, _)| t)
        .collect()
}

fn xml_of<'a>(paragraphs: &'a [(String, String)], text: &str) -> &'a str {
    &paragraphs
        .iter()
        .find(|(t, _)| t == text)
        .unwrap_or_else(|| panic!("no paragraph \"{text}\""))
        .1
}

fn cell(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => format!("{i}"),
        _ => String::new(),
    }
}

fn number(range: &Range<Data>, row: u32, col: u32) -> usize {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => *f as usize,
        Some(Data::Int(i)) => *i as usize,
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn find_row(range: &Range<Data>, col: u32, value: &str) -> u32 {
    let (h, _) = range.get_size();
    (0..h as u32)
        .find(|r| cell(range, *r, col) == value)
        .unwrap_or_else(|| panic!("no \"{value}\" in column {col}"))
}

fn has(lines: &[String], text: &str) -> bool {
    lines.iter().any(|l| l == text)
}

fn position(lines: &[String], text: &str) -> usize {
    lines
        .iter()
        .position(|l| l == text)
        .unwrap_or_else(|| panic!("no line \"{text}\" in\n{}", lines.join("\n")))
}

/// The summary sheet's figures, written into the document as the template words them.
fn figures_match_the_workbook(docx: &[u8], xlsx: &[u8], span_month: bool) {
    let lines = texts(docx);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx.to_vec())).unwrap();
    let summary = book.worksheet_range("Tổng hợp").unwrap();

    // Task states: the total row under the group × state table.
    let header = find_row(&summary, 0, "Nhóm nhiệm vụ");
    let total_row = find_row(&summary, 0, "Tổng cộng");
    let total = number(&summary, total_row, 9);
    assert!(total > 0);
    assert!(has(
        &lines,
        &format!(
            "Tổng số nhiệm vụ theo dõi: {} nhiệm vụ, trong đó:",
            count(total)
        )
    ));
    let mut seen_states = 0;
    for col in 1..=8 {
        let label = cell(&summary, header, col);
        let n = number(&summary, total_row, col);
        let line = format!("- {label}: {} nhiệm vụ ({});", count(n), percent(n, total));
        if n > 0 {
            assert!(has(&lines, &line), "{line}");
            seen_states += 1;
        } else {
            let prefix = format!("- {label}:");
            assert!(!lines.iter().any(|l| l.starts_with(&prefix)), "{prefix}");
        }
    }
    assert!(seen_states >= 3, "the fixture mixes states");

    // Each group: its row of the table, in the same order.
    let mut previous = 0;
    for (i, row) in (header + 1..total_row).enumerate() {
        let name = cell(&summary, row, 0);
        let mut counts = [0usize; 8];
        for (j, c) in counts.iter_mut().enumerate() {
            *c = number(&summary, row, 1 + j as u32);
        }
        let at = position(&lines, &format!("2.{}. {name}", i + 1));
        assert!(at > previous);
        previous = at;
        assert_eq!(
            lines[at + 1],
            format!(
                "Nhóm có {} nhiệm vụ: {}.",
                count(number(&summary, row, 9)),
                state_counts(&counts)
            )
        );
    }

    // Reporting compliance: the row under its headers.
    let first_header = if span_month {
        "Số đơn vị phải báo cáo"
    } else {
        "Số lượt phải báo cáo"
    };
    let k = find_row(&summary, 0, first_header) + 1;
    let [expected, on_time, late, missing] = [0, 1, 2, 3].map(|c| number(&summary, k, c));
    assert!(
        on_time > 0 && late > 0 && missing > 0,
        "the fixture mixes all three"
    );
    if span_month {
        let sentence = format!(
            "Tình hình gửi báo cáo: {} cơ quan, đơn vị phải báo cáo; {} đơn vị gửi đúng hạn; {} đơn vị gửi trễ hạn; {} đơn vị chưa gửi báo cáo.",
            count(expected), count(on_time), count(late), count(missing)
        );
        assert!(has(&lines, &sentence), "{sentence}");
    } else {
        // "… các tháng 10/2022, 11/2022: 24 lượt …": the months as the workbook's note.
        let note = cell(&summary, 6, 0);
        let months = note
            .strip_prefix("Số liệu các kỳ báo cáo tháng ")
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("{note}"));
        let sentence = format!(
            "Tình hình gửi báo cáo các tháng {months}: {} lượt phải báo cáo; {} lượt đúng hạn; {} lượt trễ hạn; {} lượt chưa báo cáo.",
            count(expected), count(on_time), count(late), count(missing)
        );
        assert!(has(&lines, &sentence), "{sentence}\n{}", lines.join("\n"));
    }

    // The agencies the workbook lists as missing and late are named in section II.
    let reports = book.worksheet_range("Tình hình báo cáo").unwrap();
    let (h, _) = reports.get_size();
    let named = |label: &str| -> Vec<String> {
        (3..h as u32)
            .filter(|r| cell(&reports, *r, 4).starts_with(label))
            .map(|r| cell(&reports, r, 1))
            .collect()
    };
    let missing_names = named("Chưa báo cáo");
    let late_names = named("Trễ hạn");
    if span_month {
        assert_eq!(missing_names.len(), missing);
        assert_eq!(late_names.len(), late);
    }
    let ii_start = position(&lines, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN");
    let ii_end = position(&lines, "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI");
    let section_ii = lines[ii_start..ii_end].join("\n");
    for (names, words) in [
        (&missing_names, "chưa gửi báo cáo"),
        (&late_names, "gửi báo cáo trễ hạn"),
    ] {
        let prefix = format!("Có {} cơ quan, đơn vị {words}: ", count(names.len()));
        let line = lines[ii_start..ii_end]
            .iter()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{prefix}\n{section_ii}"));
        for name in names {
            assert!(line.contains(name.as_str()), "{name} in {line}");
        }
    }
    // Overdue tasks, as many as the workbook counts.
    let overdue = number(&summary, total_row, 4);
    if overdue > 0 {
        assert!(
            section_ii.contains(&format!(
                "Còn {} nhiệm vụ đang thực hiện quá hạn:",
                count(overdue)
            )),
            "{section_ii}"
        );
    }
}

fn the_document_follows_the_decree_and_the_workbook(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let plan_id = prepare(&mut conn);
    let (c, xlsx, docx) = build(&mut conn, plan_id, PERIOD);
    let xml = part(&docx, "word/document.xml");
    let ps = paragraphs(&xml);
    let lines = texts(&docx);

    // Header block: a borderless two-column table, texts and their look.
    assert!(xml.starts_with("<?xml") && xml.contains("<w:body><w:tbl>"));
    assert!(xml.contains(r#"<w:top w:val="nil"/>"#));
    let header: Vec<&str> = lines[..8].iter().map(String::as_str).collect();
    assert_eq!(
        header,
        [
            "UBND TỈNH TRÀ VINH",
            "CÔNG AN TỈNH",
            "",
            "Số: 05/BC-CAT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "",
            "Trà Vinh, ngày 21 tháng 11 năm 2022",
        ]
    );
    assert!(!xml_of(&ps, "UBND TỈNH TRÀ VINH").contains("<w:b/>"));
    assert!(xml_of(&ps, "CÔNG AN TỈNH").contains("<w:b/>"));
    assert!(xml_of(&ps, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").contains("<w:b/>"));
    assert!(xml_of(&ps, "Độc lập - Tự do - Hạnh phúc").contains("<w:b/>"));
    assert!(xml_of(&ps, "Trà Vinh, ngày 21 tháng 11 năm 2022").contains("<w:i/>"));
    assert!(
        ps[2].1.contains("<w:pBdr>"),
        "the rule under the issuing body"
    );
    assert!(ps[6].1.contains("<w:pBdr>"), "the rule under the motto");
    // Title and summary, bold and centred.
    for text in [
        "BÁO CÁO",
        "Kết quả thực hiện Kế hoạch số 13/KH-UBND tháng 11/2022",
    ] {
        let p = xml_of(&ps, text);
        assert!(
            p.contains("<w:b/>") && p.contains(r#"<w:jc w:val="center"/>"#),
            "{text}"
        );
    }
    // The four sections, in order, bold.
    let mut previous = 0;
    for heading in [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Kết quả chung",
        "2. Kết quả thực hiện theo nhóm nhiệm vụ",
        "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
        "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ] {
        let at = position(&lines, heading);
        assert!(at > previous, "{heading} in order");
        previous = at;
        assert!(xml_of(&ps, heading).contains("<w:b/>"), "{heading} bold");
    }
    assert!(has(&lines, "(Chi tiết tại Phụ lục tổng hợp kèm theo.)"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("Trên đây là báo cáo") && l.ends_with("./.")));
    // Recipients and signature block.
    let p = xml_of(&ps, "Nơi nhận:");
    assert!(p.contains("<w:b/>") && p.contains("<w:i/>"));
    assert!(has(&lines, "- Chủ tịch UBND tỉnh (để báo cáo);"));
    let kt = position(&lines, "KT. TỔ TRƯỞNG");
    assert_eq!(lines[kt + 1], "TỔ PHÓ THƯỜNG TRỰC");
    assert!(position(&lines, "Nơi nhận:") < kt);
    // A lead's result, condensed, under its group.
    let with_result = c
        .tasks
        .iter()
        .find(|t| !t.lead_result.trim().is_empty())
        .expect("a lead result in November");
    let title = c
        .data
        .tasks
        .iter()
        .find(|t| t.id == with_result.task_id)
        .unwrap()
        .title
        .trim()
        .to_string();
    assert!(
        lines.iter().any(|l| l.starts_with(&format!("- {title} ("))),
        "{title}"
    );

    // Page: A4, margins (mm) within the decree's ranges, Times New Roman 14, page numbers
    // from page 2.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    let margin = |name: &str| -> f64 {
        let key = format!("w:{name}=\"");
        let sect = &xml[xml.find("<w:pgMar").unwrap()..];
        let at = sect.find(&key).unwrap() + key.len();
        let twips: f64 = sect[at..at + sect[at..].find('"').unwrap()]
            .parse()
            .unwrap();
        twips * 25.4 / 1440.0
    };
    assert!((19.99..=25.01).contains(&margin("top")));
    assert!((19.99..=25.01).contains(&margin("bottom")));
    assert!((29.99..=35.01).contains(&margin("left")));
    assert!((14.99..=20.01).contains(&margin("right")));
    assert!(xml.contains("<w:titlePg/>"));
    assert!(xml.contains(r#"<w:headerReference w:type="first""#));
    assert!(part(&docx, "word/header1.xml").contains(" PAGE "));
    assert!(!part(&docx, "word/header2.xml").contains("PAGE"));
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains(r#"w:ascii="Times New Roman""#) && styles.contains(r#"<w:sz w:val="28"/>"#)
    );

    // Figures equal the workbook's.
    figures_match_the_workbook(&docx, &xlsx, true);

    // Fixed times: the same data gives the same bytes.
    assert!(part(&docx, "docProps/core.xml").contains("2000-01-01T00:00:00Z"));
    let mut archive = zip::ZipArchive::new(Cursor::new(docx.clone())).unwrap();
    for i in 0..archive.len() {
        let entry = archive.by_index(i).unwrap();
        let t = entry.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1));
    }
    let (_, _, again) = build(&mut conn, plan_id, PERIOD);
    assert!(again == docx, "two builds differ");

    // A quarter: compliance summed over its months, as in the workbook.
    let (_, xlsx, docx) = build(&mut conn, plan_id, "2022-Q4");
    assert!(has(
        &texts(&docx),
        "Kết quả thực hiện Kế hoạch số 13/KH-UBND quý IV/2022"
    ));
    figures_match_the_workbook(&docx, &xlsx, false);
}

fn the_command_writes_the_document(db: TestDb) {
    let pool = db.open();
    prepare(&mut pool.get().unwrap());
    let out = db.dir.path().join("bao-cao.docx");
    let layout = db.dir.path().join("loi-van.toml");
    std::fs::write(
        &layout,
        "[signature]\nauthority = \"\"\nposition = \"TỔ TRƯỞNG\"\nsigner = \"Nguyễn Văn A\"\n",
    )
    .unwrap();
    let args = tonghop::commands::report::ReportArgs {
        plan: "13/KH-UBND",
        period: PERIOD,
        output: &out,
        layout: Some(&layout),
        report_date: NaiveDate::from_ymd_opt(2023, 1, 5),
        number: Some(12),
    };
    tonghop::commands::report::run(&pool, &args).unwrap();
    let lines = texts(&std::fs::read(&out).unwrap());
    assert!(has(&lines, "Số: 12/BC-CAT"));
    assert!(has(&lines, "Trà Vinh, ngày 05 tháng 01 năm 2023"));
    assert!(has(&lines, "TỔ TRƯỞNG") && has(&lines, "Nguyễn Văn A"));
    assert!(!has(&lines, "KT. TỔ TRƯỞNG"));
    let err = tonghop::commands::report::run(
        &pool,
        &tonghop::commands::report::ReportArgs {
            period: "2022-13",
            ..args
        },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("2022-13"), "{err}");
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("report.export"))
        .count()
        .get_result(&mut pool.get().unwrap())
        .unwrap();
    assert_eq!(logged, 1);
}

fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

fn artifacts(backend: Backend) -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let dir = target
        .join("test-artifacts/narrative")
        .join(format!("{backend:?}").to_lowercase());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Whether `program` is on the PATH.
fn found(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// LibreOffice opens the document: PDF on A4, the header texts on page 1, a PNG of page 1.
fn libreoffice_renders_it(db: TestDb) {
    if !found("soffice") || !found("pdftoppm") {
        assert!(
            !in_ci(),
            "CI=true but soffice or pdftoppm is missing (libreoffice-writer-nogui, poppler-utils)"
        );
        eprintln!(
            "skipped: soffice or pdftoppm is not installed, so the LibreOffice check did not run"
        );
        return;
    }
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let plan_id = prepare(&mut conn);
    let (_, _, docx) = build(&mut conn, plan_id, PERIOD);
    let dir = artifacts(db.backend);
    let file = dir.join("bao-cao.docx");
    std::fs::write(&file, &docx).unwrap();
    let profile = db.dir.path().join("lo-profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&dir)
        .arg(&file)
        .output()
        .expect("soffice runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let pdf = dir.join("bao-cao.pdf");
    assert!(pdf.exists(), "{}", String::from_utf8_lossy(&status.stdout));
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.contains("595.") && info.contains("841."), "A4: {info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages >= 2, "{pages} pages");
    let first = tool(
        "pdftotext",
        &[
            "-f".as_ref(),
            "1".as_ref(),
            "-l".as_ref(),
            "1".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    for text in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Số: 05/BC-CAT",
    ] {
        assert!(first.contains(text), "{text} on page 1:\n{first}");
    }
    // The page number appears from page 2 only.
    let second = tool(
        "pdftotext",
        &[
            "-f".as_ref(),
            "2".as_ref(),
            "-l".as_ref(),
            "2".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    assert_eq!(
        second.trim_start().lines().next().map(str::trim),
        Some("2"),
        "{second}"
    );
    assert!(!first.trim_start().starts_with('1'));
    let png = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(dir.join("trang"))
        .status()
        .unwrap();
    assert!(png.success());
    let rendered = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().ends_with(".png"));
    assert!(rendered, "a PNG of page 1 in {}", dir.display());
}

fn tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The secretariat downloads the draft from the dashboard's link; the download is in the
/// audit log; a clerk may not.
fn the_secretariat_downloads_it(db: TestDb) {
    let app = TestApp::spawn(db.config());
    let plan_id = prepare(&mut app.db.get().unwrap());
    let mut secretariat = Client::new(&app.address);
    assert_eq!(
        secretariat.login("thuongtruc", "thuongtruc-demo").status,
        303
    );
    let dashboard = secretariat.get(&format!("/thuong-truc?ke-hoach={plan_id}&ky={PERIOD}"));
    let link = format!("/thuong-truc/bao-cao?ke-hoach={plan_id}&amp;ky={PERIOD}");
    assert!(dashboard.text().contains(&link), "{}", dashboard.text());
    let page = secretariat.get(&link.replace("&amp;", "&"));
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(
        page.content_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(page
        .disposition
        .as_deref()
        .unwrap_or_default()
        .contains("Bao_cao_13-KH-UBND_2022-11.docx"));
    assert!(has(&texts(&page.bytes), "BÁO CÁO"));
    let logged: i64 = audit_log::table
        .filter(audit_log::action.eq("report.download"))
        .count()
        .get_result(&mut app.db.get().unwrap())
        .unwrap();
    assert_eq!(logged, 1);

    let mut clerk = Client::new(&app.address);
    assert_eq!(clerk.login("vanthu.stttt", "vanthu-demo").status, 303);
    let refused = clerk.get(&link.replace("&amp;", "&"));
    assert_eq!(refused.status, 403);
}

on_both_backends! {
    the_document_on => the_document_follows_the_decree_and_the_workbook;
    the_command_on => the_command_writes_the_document;
    libreoffice_on => libreoffice_renders_it;
    the_web_download_on => the_secretariat_downloads_it;
}
