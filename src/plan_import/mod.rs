//! Plan import: a plan document → its header, reporting rules and task list.
//!
//! Why it exists: every province writes its plan differently — a signed Word file, text
//! converted from a PDF with broken lines, or a task-assignment workbook whose header is not
//! on row 1 — and the rest of tonghop needs one thing from all of them: the tasks with their
//! codes, lead and coordinating agencies and due times (DESIGN §5), plus the rule for when
//! agencies report. This stage is pure: bytes in, [`PlanDraft`] out, no database and no I/O;
//! agency names are resolved through the caller's registry lookup.
//!
//! The pipeline, one file per job:
//! - sniff the bytes ([`parse_plan`]): zip → `docx` or `workbook` (.xlsx); OLE compound file
//!   → .xls, or an encrypted Office file, or a Word 97 file; `%PDF`; else `text` (UTF-8 with
//!   or without BOM, UTF-16);
//! - `text` / `docx` give a [`Document`]: repaired paragraphs plus tables;
//! - `metadata` reads province, number, date and title; report rules come from
//!   [`find_rules`];
//! - `table` reads an assignment table if there is one, else `outline` finds the task
//!   section ("NHIỆM VỤ", "NỘI DUNG", … — never "MỤC TIÊU") and its leaf items, with
//!   `fields` telling a task's labelled attributes ("b) Cơ quan chủ trì:") from sub-tasks;
//! - `tasks` turns each leaf into a task: `agencies` splits agency lists, [`Due::parse`]
//!   reads due times, `kpi` finds percentage targets.
//!
//! Problems that do not stop the import (an unknown agency, an unreadable due time) become
//! findings in Vietnamese; a file that is not a plan is a [`PlanImportError`].
//!
//! [`Due::parse`]: crate::domain::due::Due::parse

mod agencies;
mod docx;
pub mod error;
mod fields;
mod folded;
mod kpi;
mod metadata;
mod outline;
mod table;
mod tasks;
mod text;
mod workbook;

#[cfg(test)]
mod format_tests;
#[cfg(test)]
mod seed_tests;

use std::io::Cursor;

pub use error::PlanImportError;

use crate::domain::finding::Finding;
use crate::domain::fold::fold;
use crate::domain::plan::{PlanDraft, PlanHeader};
use crate::domain::report_rule::{find_rules, main_rule};
use chrono::Datelike;

/// Largest file accepted (a plan is a few hundred KB; a workbook a few MB).
const MAX_BYTES: usize = 30 * 1024 * 1024;

/// A document as text: paragraphs in reading order, and tables (rows of cell texts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub lines: Vec<String>,
    pub tables: Vec<Vec<Vec<String>>>,
}

/// What the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Docx,
    Xlsx,
    Xls,
    Text,
}

/// Parses a plan document (.docx, .txt, .md, .xlsx, .xls) into a draft plan.
///
/// `resolve_agency` maps an agency name as written to the registry's canonical name, or
/// `None` when unknown (the name is then kept as written, with a warning).
pub fn parse_plan(
    bytes: &[u8],
    file_name: &str,
    resolve_agency: &dyn Fn(&str) -> Option<String>,
) -> Result<PlanDraft, PlanImportError> {
    let file = file_name.to_string();
    if bytes.len() > MAX_BYTES {
        return Err(PlanImportError::TooLarge {
            file,
            size_mb: (bytes.len() / (1024 * 1024)) as u64,
            limit_mb: (MAX_BYTES / (1024 * 1024)) as u64,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace() || *b == 0) || bytes == [0xEF, 0xBB, 0xBF] {
        return Err(PlanImportError::Empty { file });
    }
    match sniff(bytes, &file)? {
        Format::Docx => {
            let doc = docx::read(bytes, &file)?;
            from_document(doc, &file, resolve_agency)
        }
        Format::Text => {
            let decoded = text::decode(bytes, &file)?;
            if decoded.trim().is_empty() {
                return Err(PlanImportError::Empty { file });
            }
            from_document(text::document_from_text(&decoded), &file, resolve_agency)
        }
        Format::Xlsx => from_workbook(workbook::read_xlsx(bytes, &file)?, &file, resolve_agency),
        Format::Xls => from_workbook(workbook::read_xls(bytes, &file)?, &file, resolve_agency),
    }
}

fn sniff(bytes: &[u8], file: &str) -> Result<Format, PlanImportError> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let unsupported = |what: &str| PlanImportError::Unsupported {
        file: file.to_string(),
        what: what.to_string(),
    };
    if bytes.starts_with(ZIP) {
        let archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| PlanImportError::Corrupt {
                file: file.to_string(),
                format: "nén (zip)".into(),
                detail: e.to_string(),
            })?;
        let names: Vec<String> = archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.to_string()))
            .collect();
        let has = |name: &str| names.iter().any(|n| n == name);
        if has("word/document.xml") {
            return Ok(Format::Docx);
        }
        if has("xl/workbook.xml") {
            return Ok(Format::Xlsx);
        }
        if has("content.xml") {
            return Err(unsupported(
                "tệp OpenDocument (.odt/.ods); hãy lưu lại dưới dạng .docx hoặc .xlsx",
            ));
        }
        return Err(unsupported("tệp nén .zip"));
    }
    if bytes.starts_with(CFB) {
        let has = |name: &str| {
            let utf16: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            bytes.windows(utf16.len()).any(|w| w == utf16.as_slice())
        };
        if has("EncryptedPackage") || has("EncryptionInfo") {
            return Err(PlanImportError::Encrypted {
                file: file.to_string(),
            });
        }
        if has("WordDocument") {
            return Err(PlanImportError::LegacyWord {
                file: file.to_string(),
            });
        }
        if has("Workbook") || has("Book") {
            return Ok(Format::Xls);
        }
        return Err(unsupported("tệp Office cũ không rõ loại"));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(PlanImportError::Pdf {
            file: file.to_string(),
        });
    }
    if bytes.starts_with(b"{\\rtf") {
        return Err(unsupported(
            "văn bản RTF; hãy mở bằng Word và lưu lại dưới dạng .docx",
        ));
    }
    for (magic, what) in [
        (&b"\x89PNG"[..], "ảnh PNG"),
        (&b"\xFF\xD8\xFF"[..], "ảnh JPEG"),
        (&b"GIF8"[..], "ảnh GIF"),
        (&b"II*\x00"[..], "ảnh TIFF"),
        (&b"MM\x00*"[..], "ảnh TIFF"),
    ] {
        if bytes.starts_with(magic) {
            return Err(unsupported(&format!(
                "{what} — bản scan không có chữ, cần bản Word hoặc văn bản"
            )));
        }
    }
    Ok(Format::Text)
}

fn from_document(
    doc: Document,
    file: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<PlanDraft, PlanImportError> {
    if doc.lines.iter().all(|l| l.trim().is_empty()) && doc.tables.is_empty() {
        return Err(PlanImportError::NoText {
            file: file.to_string(),
        });
    }
    let meta = metadata::read(&doc.lines);
    let mut findings = Vec::new();
    let table = table::best(&doc.tables, &|t, r| {
        format!("bảng {}, dòng {}", t + 1, r + 1)
    });
    let leaves = match table {
        Some(t) => Some(t.leaves),
        None => outline::task_leaves(&doc.lines),
    };
    let Some(leaves) = leaves else {
        let mentions_tasks = doc.lines.iter().any(|l| fold(l).contains("nhiem vu"));
        if meta.looks_like_plan || (meta.number.is_some() && mentions_tasks) {
            return Err(PlanImportError::NoTaskSection {
                file: file.to_string(),
            });
        }
        return Err(PlanImportError::NotAPlan {
            file: file.to_string(),
        });
    };
    if !meta.looks_like_plan {
        findings.push(Finding::info(
            "Không thấy tiêu đề «KẾ HOẠCH» hay số hiệu «Số: …/KH-…» ở đầu văn bản; hãy kiểm tra đây đúng là kế hoạch cần nhập.",
        ));
    }
    let rules = find_rules(&doc.lines.join("\n"));
    let year = meta.issued_on.map(|d| d.year()).or(meta.year);
    let tasks = tasks::to_tasks(leaves, year, resolve, &mut findings);
    Ok(assemble(meta, rules, tasks, findings, file))
}

fn from_workbook(
    sheets: Vec<workbook::SheetRows>,
    file: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<PlanDraft, PlanImportError> {
    let mut best: Option<table::TableTasks> = None;
    for sheet in &sheets {
        let found = table::read(&sheet.rows, &|r| {
            format!("trang «{}», dòng {}", sheet.name, sheet.first_row + r)
        });
        if let Some(found) = found {
            if found.leaves.len() > best.as_ref().map_or(0, |b| b.leaves.len()) {
                best = Some(found);
            }
        }
    }
    let Some(found) = best else {
        let names: Vec<String> = sheets.iter().map(|s| format!("«{}»", s.name)).collect();
        return Err(PlanImportError::NoTaskTable {
            file: file.to_string(),
            sheets: if names.is_empty() {
                "không có trang nào".into()
            } else {
                names.join(", ")
            },
        });
    };
    let meta = metadata::read(&found.preamble);
    let rules = find_rules(&found.preamble.join("\n"));
    let mut findings = Vec::new();
    let year = meta.issued_on.map(|d| d.year()).or(meta.year);
    let tasks = tasks::to_tasks(found.leaves, year, resolve, &mut findings);
    Ok(assemble(meta, rules, tasks, findings, file))
}

fn assemble(
    meta: metadata::Metadata,
    rules: Vec<crate::domain::report_rule::ReportRule>,
    tasks: Vec<crate::domain::plan::TaskDraft>,
    mut findings: Vec<Finding>,
    file: &str,
) -> PlanDraft {
    let mut header_findings = Vec::new();
    if meta.province.is_none() {
        header_findings.push(Finding::warning(
            "Không xác định được tỉnh ban hành kế hoạch; cần chọn tỉnh khi nhập.",
        ));
    }
    if meta.number.is_none() {
        header_findings.push(Finding::info(
            "Kế hoạch chưa có số hiệu (bản dự thảo hoặc không ghi «Số: …/KH-…»); có thể bổ sung sau khi ban hành.",
        ));
    }
    if meta.issued_on.is_none() {
        header_findings.push(Finding::info(
            "Kế hoạch chưa ghi ngày ban hành đầy đủ; có thể bổ sung sau.",
        ));
    }
    let title = meta.title.clone().unwrap_or_else(|| {
        header_findings.push(Finding::warning(
            "Không tìm thấy trích yếu (dòng sau tiêu đề «KẾ HOẠCH»); đã dùng tên tệp làm trích yếu, cần sửa lại.",
        ));
        file.rsplit_once('.').map_or(file, |(stem, _)| stem).to_string()
    });
    if rules.is_empty() {
        header_findings.push(Finding::warning(
            "Kế hoạch không nêu hạn gửi báo cáo định kỳ (ví dụ «trước ngày 15 hằng tháng»); cần thiết lập hạn báo cáo cho kế hoạch.",
        ));
    }
    header_findings.append(&mut findings);
    PlanDraft {
        plan: PlanHeader {
            id: None,
            province: meta.province,
            number: meta.number,
            issued_on: meta.issued_on,
            title,
            report_due: main_rule(&rules).cloned(),
            report_rules: rules,
        },
        tasks,
        findings: header_findings,
    }
}
