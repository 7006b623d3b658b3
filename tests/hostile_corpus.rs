//! Every file of `corpus/hostile/` (real broken, encrypted, huge, bomb-like and mislabelled
//! spreadsheets; see its README and MANIFEST.tsv) must end, through the isolated reader with
//! the default limits, in a grid or a clear Vietnamese rejection within 15 s, and the reader
//! must keep serving other files meanwhile.
//!
//! Run with `--nocapture` to see the table of results and times.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tonghop::ingest::grid::Cell;
use tonghop::ingest::read::{read_isolated, read_isolated_outcome, ReadError, ReadLimits};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/hostile");
const PROGRAM: &str = env!("CARGO_BIN_EXE_tonghop");

/// The default 15 s parse limit plus the time to start and kill a process.
const WITHIN: Duration = Duration::from_millis(15_500);

/// Expected outcome per file: "ok" or the rejection code. The files the manifest marks as
/// panicking, aborting, timing out, heavy (> 400 MB), encrypted or mislabelled come first;
/// every other file is listed too, so any change of behaviour (or a new corpus file) shows.
const EXPECTED: &[(&str, &str)] = &[
    // calamine panics (manifest: `panic`)
    ("poi__Simple.xlsb", "corrupt"),
    ("exceldatareader__Test_git_issue682.xlsb", "corrupt"),
    ("exceldatareader__Test_Issue_12556_corrupt.xls", "corrupt"),
    (
        "exceldatareader__Test_git_issue_467_empty_continue_leftoverbytes.xls",
        "corrupt",
    ),
    // aborts, timeouts, GB-sized growth
    ("phpspreadsheet__oleloop.xls", "too_large"),
    ("exceldatareader__Test_git_issue_382_oom.xls", "too_large"),
    ("generated__zipbomb_sheet_1gb_cells.xlsx", "too_large"),
    ("generated__zipbomb_sheet_1gb_whitespace.xlsx", "too_large"),
    ("generated__corner_cells_A1_XFD1048576.xlsx", "ok"),
    ("poi__51535.xls", "too_large"),
    ("poi__SharedFormulaTest.xls", "ok"),
    ("sheetjs__large_strings.xlsb", "ok"),
    ("sheetjs__large_strings.xlsx", "ok"),
    ("calamine__issue_594_dos.ods", "too_large"),
    // encrypted
    ("calamine__pass_protected.xlsx", "encrypted"),
    ("calamine__pass_protected.xlsb", "encrypted"),
    ("calamine__pass_protected.ods", "encrypted"),
    ("calamine__issue_385.xls", "encrypted"),
    (
        "poi__crash-9bf3cd4bd6f50a8a9339d363c2c7af14b536865c.xlsx",
        "encrypted",
    ),
    ("poi__protected_passtika.xlsx", "encrypted"),
    ("poi__protected_passtika.xlsb", "encrypted"),
    ("poi__password.xls", "encrypted"),
    ("poi__xor-encryption-abc.xls", "encrypted"),
    ("poi__35897-type4.xls", "encrypted"),
    (
        "exceldatareader__agile_AES256_SHA512_CBC_pwd_password.xlsx",
        "encrypted",
    ),
    (
        "exceldatareader__Test_git_issue_242_xor_pwd_password.xls",
        "encrypted",
    ),
    ("sheetjs__password_2002_128_strong.xls", "encrypted"),
    ("generated__encrypted_password.xlsx", "encrypted"),
    // renamed, empty, truncated, not a workbook
    ("generated__pdf_renamed.xlsx", "pdf"),
    ("generated__png_renamed.xlsx", "image"),
    ("exceldatareader__TestFail_Binary.xls", "image"),
    ("generated__html_renamed.xlsx", "html"),
    ("generated__html_table_export.xls", "html"),
    ("generated__csv_renamed.xlsx", "csv"),
    ("generated__zero_bytes.xlsx", "empty"),
    ("generated__zero_bytes.xls", "empty"),
    ("generated__truncated_half.xlsx", "truncated"),
    ("generated__truncated_90pct.xlsx", "truncated"),
    ("generated__truncated_half.xls", "corrupt"),
    ("calamine__too_small.xls", "not_spreadsheet"),
    ("xlrd__sample.zip", "not_spreadsheet"),
    ("exceldatareader__EmptyZipFile.xlsx", "not_spreadsheet"),
    ("sheetjs__minimal_112.numbers", "unsupported"),
    ("sheetjs__sushi.xml", "unsupported"),
    ("sheetjs__ErrorTypes.slk", "unsupported"),
    ("sheetjs__LO7322.fods", "unsupported"),
    ("poi__testEXCEL_3.xls", "unsupported"),
    ("poi__testEXCEL_4.xls", "unsupported"),
    ("xlrd__biff4_no_format_no_window2.xls", "unsupported"),
    ("exceldatareader__as3xls_BIFF2.xls", "unsupported"),
    (
        "exceldatareader__Test_git_issue_368_header.xls",
        "unsupported",
    ),
    (
        "exceldatareader__Test_git_issue_466_biff3.xls",
        "unsupported",
    ),
    // the rest: read (odd but valid workbooks)
    ("calamine__OOM_alloc.xls", "ok"),
    ("calamine__OOM_alloc2.xls", "ok"),
    ("calamine__any_sheets.xlsb", "ok"),
    ("calamine__capitalized_wbook_stream.xls", "ok"),
    ("calamine__covered.ods", "ok"),
    ("calamine__date_1904.xlsx", "ok"),
    ("calamine__date_iso.xlsx", "ok"),
    ("calamine__empty_shared_string_value.xlsx", "ok"),
    ("calamine__empty_sheet.xlsx", "ok"),
    ("calamine__errors.xlsx", "ok"),
    ("calamine__gh548_incorrect_sst_unique_count.xls", "ok"),
    ("calamine__has_x000D_.xlsx", "ok"),
    ("calamine__inlineStr_cdata.xlsx", "ok"),
    ("calamine__issue_174.xlsx", "ok"),
    ("calamine__issue_261.xlsx", "ok"),
    ("calamine__issue_419.xlsx", "ok"),
    ("calamine__issue_530.xlsx", "ok"),
    ("calamine__issue_646_unsupported_formula_function.xls", "ok"),
    ("calamine__issue_666_panic.xlsb", "ok"),
    ("calamine__minimal_package.xlsx", "ok"),
    ("calamine__non_monotonic_si.xlsx", "ok"),
    ("calamine__picture_richdata.xlsx", "ok"),
    ("calamine__ptgexp-truncated-operand.xls", "ok"),
    ("calamine__rph.xlsx", "ok"),
    ("calamine__strict_iso_paths.xlsx", "ok"),
    ("calamine__vba.xlsm", "ok"),
    (
        "exceldatareader__NoDimensionOrCellReferenceAttribute.xlsx",
        "ok",
    ),
    (
        "exceldatareader__Test_git_issue_14_InvalidOADate.xlsx",
        "ok",
    ),
    (
        "exceldatareader__Test_git_issue_271_InvalidDimension.xlsx",
        "ok",
    ),
    ("exceldatareader__Test_git_issue_324.xlsx", "ok"),
    ("exceldatareader__as3xls_BIFF5.xls", "ok"),
    ("generated__50_sheets.xlsx", "ok"),
    ("generated__cell_40000_chars.xlsx", "ok"),
    ("generated__formulas_no_cached_values.xlsx", "ok"),
    ("phpspreadsheet__Zip-Windows-Directory-Separator.xlsx", "ok"),
    ("phpspreadsheet__chartsheet.xls", "ok"),
    ("phpspreadsheet__namespacenonstd.xlsx", "ok"),
    ("phpspreadsheet__pr.4687.excel.badendian.xls", "ok"),
    ("phpspreadsheet__rootZipFiles.xlsx", "ok"),
    ("poi__1904DateWindowing.xls", "ok"),
    ("poi__42464-ExpPtg-bad.xls", "ok"),
    ("poi__46670_http.xls", "ok"),
    ("poi__57893-many-merges.xlsx", "ok"),
    ("poi__59746_NoRowNums.xlsx", "ok"),
    ("poi__DBCSSheetName.xls", "ok"),
    ("poi__Excel_file_with_trash_item.xlsx", "ok"),
    ("poi__InlineStrings.xlsx", "ok"),
    ("poi__MalformedSSTCount.xlsx", "ok"),
    ("poi__SampleSS.strict.xlsx", "ok"),
    ("poi__StringContinueRecords.xls", "ok"),
    ("poi__chart_sheet.xlsx", "ok"),
    ("poi__duplicate-filename.xlsx", "ok"),
    ("poi__empty.xls", "ok"),
    ("poi__test.xltx", "ok"),
    ("poi__testEXCEL_95.xls", "ok"),
    ("rust_xlsxwriter__dynamic_array01.xlsx", "ok"),
    ("rust_xlsxwriter__embed_image01.xlsx", "ok"),
    ("sheetjs__1904.xlsb", "ok"),
    ("sheetjs__biff5_number_format_greek.xls", "ok"),
    ("sheetjs__formula_stress_test.xlsb", "ok"),
    ("sheetjs__metadata_2019.xlsx", "ok"),
    ("sheetjs__phpexcel_bad_cfb_dir.xls", "ok"),
    ("xlrd__corrupted_error.xls", "ok"),
    ("xlrd__invalid_formula.xls", "ok"),
    // the rest: damaged (calamine errors, reported with the technical detail)
    ("calamine__OOM_alloc3.xls", "corrupt"),
    ("calamine__issue252.xlsx", "corrupt"),
    ("exceldatareader__Fillreport.xlsx", "corrupt"),
    ("exceldatareader__Test_git_issue_5.xls", "corrupt"),
    (
        "exceldatareader__Test_git_issue_68_NullSheetPath.xlsm",
        "corrupt",
    ),
    ("generated__sst_index_out_of_range.xlsx", "corrupt"),
    ("phpspreadsheet__RepeatedDataCells.ods", "corrupt"),
    ("phpspreadsheet__nomimetype.ods", "corrupt"),
    ("phpspreadsheet__utf16be.xlsx", "corrupt"),
    ("poi__54764.xlsx", "corrupt"),
    ("poi__60825.xlsx", "corrupt"),
    ("poi__61300.xls", "corrupt"),
    ("poi__64130.xls", "corrupt"),
    (
        "poi__clusterfuzz-POIHSSFFuzzer-4657005060816896.xls",
        "corrupt",
    ),
    (
        "poi__clusterfuzz-POIHSSFFuzzer-6137883240824832.xls",
        "corrupt",
    ),
    (
        "poi__clusterfuzz-POIXSSFFuzzer-4828727001088000.xlsx",
        "corrupt",
    ),
    (
        "poi__clusterfuzz-XLSX2CSVFuzzer-6504225896792064.xlsx",
        "corrupt",
    ),
    ("poi__poc-shared-strings.xlsx", "corrupt"),
    ("poi__poc-xmlbomb.xlsx", "corrupt"),
    ("poi__sample-beta.xlsx", "corrupt"),
    ("poi__xlsx-corrupted.xlsx", "corrupt"),
    ("sheetjs__wtf_path.xlsb", "corrupt"),
    // rows beyond Excel's 1,048,576: over the row limit
    ("generated__cell_refs_out_of_range.xlsx", "too_large"),
    // legacy code page; Excel 4.0 macro sheets calamine refuses
    ("phpspreadsheet__maccentraleurope.biff5.xls", "unsupported"),
    ("poi__xlmmacro.xlsm", "unsupported"),
    ("sheetjs__BlankSheetTypes.xlsm", "unsupported"),
    // a fuzzed .docx: its central directory lists word/document.xml
    (
        "poi__clusterfuzz-POIFuzzer-5040805309710336.xlsx",
        "not_spreadsheet",
    ),
    // a fuzzed xls whose workbook stream starts BOF, FILEPASS (RC4)
    (
        "poi__clusterfuzz-POIHSSFFuzzer-4651309315719168.xls",
        "encrypted",
    ),
    // a zip fragment without its end-of-central-directory record
    (
        "poi__clusterfuzz-XLSX2CSVFuzzer-5636439151607808.xlsx",
        "truncated",
    ),
];

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .unwrap_or_else(|e| panic!("corpus {CORPUS}: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "README.md" && name != "MANIFEST.tsv"
        })
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn outcome_code(result: &Result<tonghop::ingest::read::ReadOutcome, ReadError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// A Vietnamese message: non-empty, with Vietnamese letters, saying what to do.
fn assert_vietnamese(file: &str, e: &ReadError) {
    let message = e.to_string();
    assert!(!message.trim().is_empty(), "{file}: empty message");
    assert!(
        message
            .chars()
            .any(|c| "ạảãáàâăđêệếểễôơưứừửữựọỏốồổỗộớờởỡợíìỉĩịéèẻẽẹýỳỷỹỵúùủũụ".contains(c)),
        "{file}: message not in Vietnamese: {message}"
    );
    assert!(
        message.contains("Hãy") || message.contains("hãy"),
        "{file}: message does not say what to do: {message}"
    );
}

struct Row {
    file: String,
    code: &'static str,
    elapsed: Duration,
    detail: String,
}

#[test]
fn every_hostile_file_ends_in_a_grid_or_a_clear_rejection() {
    let files = corpus_files();
    assert_eq!(files.len(), 145, "the corpus has 145 files");
    let limits = ReadLimits::default();
    let queue = Mutex::new(files.into_iter());
    let rows = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let Some(path) = queue.lock().unwrap().next() else {
                    break;
                };
                let bytes = std::fs::read(&path).unwrap();
                let started = Instant::now();
                let result = read_isolated_outcome(&bytes, &limits, Path::new(PROGRAM));
                let elapsed = started.elapsed();
                let file = name(&path);
                let detail = match &result {
                    Ok(o) => format!(
                        "{} sheets, {} rows, {} notes",
                        o.grid.sheets.len(),
                        o.grid.sheets.iter().map(|s| s.rows.len()).sum::<usize>(),
                        o.notes.len()
                    ),
                    Err(e) => e.to_string(),
                };
                if let Err(e) = &result {
                    assert_vietnamese(&file, e);
                }
                rows.lock().unwrap().push(Row {
                    file,
                    code: outcome_code(&result),
                    elapsed,
                    detail,
                });
            });
        }
    });
    let mut rows = rows.into_inner().unwrap();
    rows.sort_by(|a, b| a.file.cmp(&b.file));

    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &rows {
        *counts.entry(row.code).or_default() += 1;
        println!(
            "{:<70} {:<16} {:>6} ms  {}",
            row.file,
            row.code,
            row.elapsed.as_millis(),
            row.detail.chars().take(140).collect::<String>()
        );
    }
    let slowest = rows.iter().max_by_key(|r| r.elapsed).unwrap();
    println!("counts: {counts:?}");
    println!(
        "slowest: {} ({} ms, {})",
        slowest.file,
        slowest.elapsed.as_millis(),
        slowest.code
    );

    let mut problems = Vec::new();
    for row in &rows {
        if row.elapsed > WITHIN {
            problems.push(format!("{} took {:?}", row.file, row.elapsed));
        }
    }
    let by_file: BTreeMap<&str, &Row> = rows.iter().map(|r| (r.file.as_str(), r)).collect();
    let listed: BTreeMap<&str, &str> = EXPECTED.iter().copied().collect();
    assert_eq!(
        listed.len(),
        EXPECTED.len(),
        "a file is listed twice in EXPECTED"
    );
    for row in &rows {
        if !listed.contains_key(row.file.as_str()) {
            problems.push(format!("{}: not in EXPECTED (got {})", row.file, row.code));
        }
    }
    for (file, expected) in EXPECTED {
        match by_file.get(file) {
            None => problems.push(format!("{file}: not in the corpus")),
            Some(row) if row.code != *expected => problems.push(format!(
                "{file}: expected {expected}, got {} ({})",
                row.code, row.detail
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_bomb_does_not_stop_other_files_being_read() {
    let bomb = std::fs::read(Path::new(CORPUS).join("exceldatareader__Test_git_issue_382_oom.xls"))
        .unwrap();
    let small = std::fs::read(Path::new(CORPUS).join("calamine__date_1904.xlsx")).unwrap();
    let limits = ReadLimits::default();
    let started = Instant::now();
    std::thread::scope(|scope| {
        let bombing = scope.spawn(|| {
            let result = read_isolated(&bomb, &limits, Path::new(PROGRAM));
            (result.map(|_| ()), started.elapsed())
        });
        // Give the bomb a moment to start growing, then read the small file several times.
        std::thread::sleep(Duration::from_millis(100));
        let mut small_done = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let grid =
                read_isolated(&small, &limits, Path::new(PROGRAM)).expect("small file reads");
            assert!(!grid.sheets.is_empty());
            assert!(
                t.elapsed() < Duration::from_secs(3),
                "small read took {:?}",
                t.elapsed()
            );
            small_done.push(started.elapsed());
        }
        let (result, bomb_elapsed) = bombing.join().unwrap();
        let e = result.expect_err("the bomb is rejected");
        assert_vietnamese("bomb", &e);
        assert!(bomb_elapsed < WITHIN, "bomb took {bomb_elapsed:?}");
        assert!(
            small_done[0] < bomb_elapsed,
            "the first small read ({:?}) finished while the bomb ({bomb_elapsed:?}) was still being read",
            small_done[0]
        );
    });
}

#[test]
fn limits_are_configurable() {
    let file = std::fs::read(Path::new(CORPUS).join("generated__50_sheets.xlsx")).unwrap();
    let program = Path::new(PROGRAM);
    let ok = read_isolated(&file, &ReadLimits::default(), program).unwrap();
    assert_eq!(ok.sheets.len(), 50);

    let few_cells = ReadLimits {
        max_cells: 10,
        ..ReadLimits::default()
    };
    let e = read_isolated(&file, &few_cells, program).unwrap_err();
    assert_eq!(e.code(), "too_large", "{e}");

    let small_upload = ReadLimits {
        max_bytes: 100,
        ..ReadLimits::default()
    };
    assert_eq!(
        read_isolated(&file, &small_upload, program)
            .unwrap_err()
            .code(),
        "too_large"
    );

    // A file that needs a lot of memory fails cleanly under a small address-space bound.
    let heavy = std::fs::read(Path::new(CORPUS).join("poi__SharedFormulaTest.xls")).unwrap();
    let little_memory = ReadLimits {
        memory_mb: 128,
        ..ReadLimits::default()
    };
    let e = read_isolated(&heavy, &little_memory, program).unwrap_err();
    assert_eq!(e.code(), "too_large", "{e}");
    assert!(e.to_string().starts_with("Tệp quá lớn hoặc hỏng: "), "{e}");
}

#[test]
fn the_deadline_kills_a_slow_read() {
    // With a 1 s bound the zip bomb's cells (if let through the size check) or the OOM repro
    // cannot finish: whichever limit trips first, the answer comes quickly.
    let slow =
        std::fs::read(Path::new(CORPUS).join("generated__zipbomb_sheet_1gb_cells.xlsx")).unwrap();
    let limits = ReadLimits {
        timeout_secs: 1,
        max_unpacked_bytes: u64::MAX,
        max_cells: u64::MAX,
        memory_mb: 16 * 1024,
        max_text_bytes: u64::MAX / 4,
        ..ReadLimits::default()
    };
    let started = Instant::now();
    let e = read_isolated(&slow, &limits, Path::new(PROGRAM)).unwrap_err();
    assert_eq!(e.code(), "timeout", "{e}");
    assert!(e.to_string().starts_with("Đọc tệp quá 1 giây"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn an_isolated_read_matches_an_in_process_read() {
    let bytes = std::fs::read(Path::new(CORPUS).join("calamine__date_1904.xlsx")).unwrap();
    let limits = ReadLimits::default();
    let isolated = read_isolated_outcome(&bytes, &limits, Path::new(PROGRAM)).unwrap();
    let local = tonghop::ingest::read::parse(&bytes, &limits).unwrap();
    assert_eq!(isolated, local);
    let dates = isolated
        .grid
        .sheets
        .iter()
        .flat_map(|s| s.rows.iter().flatten())
        .filter(|c| matches!(c, Cell::DateTime(_)))
        .count();
    assert!(dates > 0, "the 1904 workbook has dates");
}

#[test]
fn a_missing_reader_program_is_a_server_error() {
    let bytes = std::fs::read(Path::new(CORPUS).join("calamine__date_1904.xlsx")).unwrap();
    let e = read_isolated(
        &bytes,
        &ReadLimits::default(),
        Path::new("/nonexistent/tonghop"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "internal");
}

#[test]
fn a_child_dying_before_reading_its_input_does_not_end_the_caller() {
    // One-shot CLI commands restore SIGPIPE's default action; a child that dies before reading
    // stdin (here: 1 MiB of address space cannot hold the upload) must still end in a
    // rejection, not kill the caller with SIGPIPE.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let bytes = std::fs::read(Path::new(CORPUS).join("sheetjs__large_strings.xlsb")).unwrap();
    let limits = ReadLimits {
        memory_mb: 1,
        ..ReadLimits::default()
    };
    let e = read_isolated(&bytes, &limits, Path::new(PROGRAM)).unwrap_err();
    assert!(matches!(e.code(), "too_large" | "crashed"), "{e}");
    assert_vietnamese("tiny memory", &e);
}

/// The quick scan for merged areas (`merge_scan`) answers for most sheets of the corpus's
/// readable xlsx files, and always what calamine's own (slower) reader answers.
#[test]
fn the_merged_area_scan_agrees_with_calamine() {
    use calamine::Reader as _;
    use tonghop::ingest::read::merge_scan::SheetParts;
    let (mut answered, mut asked, mut with_areas) = (0, 0, 0);
    for (file, code) in EXPECTED {
        let zipped = file.ends_with(".xlsx") || file.ends_with(".xlsm");
        if *code != "ok" || !zipped {
            continue;
        }
        let bytes = std::fs::read(Path::new(CORPUS).join(file)).unwrap();
        let Ok(mut wb) = calamine::Xlsx::new(std::io::Cursor::new(&bytes[..])) else {
            continue;
        };
        let Some(mut parts) = SheetParts::resolve(&bytes) else {
            println!("{file}: package not resolved, calamine reads the areas");
            continue;
        };
        for sheet in wb.sheet_names() {
            asked += 1;
            let Some(ours) = parts.merged_areas(&sheet) else {
                println!("{file} / {sheet}: not scanned, calamine reads the areas");
                continue;
            };
            answered += 1;
            with_areas += usize::from(!ours.is_empty());
            let theirs = wb.merge_cells_by_sheet_name(&sheet);
            assert_eq!(
                Ok(&ours),
                theirs.as_ref().map_err(|e| e.to_string()),
                "{file} / {sheet}"
            );
        }
    }
    println!("{answered} of {asked} sheets scanned, {with_areas} with merged areas");
    assert!(
        answered * 10 >= asked * 8,
        "{answered} of {asked} sheets scanned"
    );
    assert!(with_areas > 0, "no merged areas in the corpus to compare");
}
