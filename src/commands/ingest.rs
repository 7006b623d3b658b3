//! `tonghop ingest FILE --plan P --agency A --period M [--json]`.

use std::path::Path;

use crate::{
    config::Config,
    db::{audit, Db},
    error::AppResult,
    ingest::pipeline::{self, Reader, Upload},
};

use super::{clip, file_name, read_input};

/// Returns whether the file was processed (false: kept but rejected as unreadable).
pub fn run(
    db: &Db,
    config: &Config,
    path: &Path,
    plan: &str,
    agency: &str,
    period: &str,
    json: bool,
) -> AppResult<bool> {
    let bytes = read_input(path)?;
    let name = file_name(path);
    let reader = Reader::from_config(&config.upload);
    let mut conn = db.get()?;
    let result = pipeline::ingest(
        &mut conn,
        &reader,
        &Upload {
            plan,
            agency,
            period,
            file_name: &name,
            content_type: content_type_of(&name),
            bytes: &bytes,
            uploaded_by: None,
        },
    )?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "submission.ingest",
        "submission",
        Some(result.submission.id.to_string()),
        Some(format!("{name} ({})", result.submission.outcome)),
    )?;
    let processed = result.submission.outcome == "processed";
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&result).expect("result serialises")
        );
        return Ok(processed);
    }
    let s = &result.submission;
    println!(
        "Báo cáo {} của {} kỳ {}: phiên bản {}{} (mã {}).",
        name,
        s.agency,
        s.period,
        s.version,
        if s.duplicate {
            ", giống hệt bản đã gửi"
        } else {
            ""
        },
        s.id
    );
    if !processed {
        println!("Không đọc được tệp; tệp gốc vẫn được lưu.");
    } else {
        let matched = result.rows.iter().filter(|r| r.task_code.is_some()).count();
        println!(
            "{} dòng, {matched} dòng khớp nhiệm vụ của kế hoạch.",
            result.rows.len()
        );
        println!(
            "{:>5}  {:<9} {:<12} {:>7}  Kết quả",
            "Dòng", "Nhiệm vụ", "Trạng thái", "Tiến độ"
        );
        for row in &result.rows {
            println!(
                "{:>5}  {:<9} {:<12} {:>7}  {}",
                row.source.row,
                row.task_code.as_deref().unwrap_or("?"),
                row.status.as_deref().map(status_label).unwrap_or("-"),
                row.progress_percent
                    .map(|p| format!("{p}%"))
                    .unwrap_or_default(),
                clip(&row.result.replace('\n', " "), 60)
            );
        }
    }
    for f in &result.findings {
        let row = f.row.map(|r| format!("dòng {r}: ")).unwrap_or_default();
        println!("  - {}{row}{}", severity_label(f.severity), f.message);
    }
    Ok(processed)
}

fn status_label(status: &str) -> &'static str {
    match status {
        "done" => "hoàn thành",
        "in_progress" => "đang làm",
        "not_started" => "chưa làm",
        "ongoing" => "thường xuyên",
        _ => "-",
    }
}

fn severity_label(severity: crate::domain::finding::Severity) -> &'static str {
    match severity {
        crate::domain::finding::Severity::Error => "LỖI: ",
        crate::domain::finding::Severity::Warning => "cảnh báo: ",
        crate::domain::finding::Severity::Info => "lưu ý: ",
    }
}

/// A content type from the name, for the record (the reader trusts only the bytes).
pub fn content_type_of(name: &str) -> &'static str {
    let lower = name.to_lowercase();
    match lower.rsplit('.').next() {
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("xlsm") => "application/vnd.ms-excel.sheet.macroEnabled.12",
        Some("xlsb") => "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
        Some("xls") => "application/vnd.ms-excel",
        Some("ods") => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "application/octet-stream",
    }
}
