//! `tonghop template --plan P --agency A --period M -o FILE.xlsx` and
//! `tonghop annotate SUBMISSION -o FILE.xlsx`.

use std::path::Path;

use crate::{
    db::{submissions, Db},
    domain::finding::Finding,
    error::{AppError, AppResult},
    ingest::{
        layout,
        read::{self, ReadLimits},
    },
    round_trip::{annotate, template},
};

use super::write_output;

/// Writes an agency's pre-filled report template.
pub fn run(db: &Db, plan: &str, agency: &str, period: &str, output: &Path) -> AppResult<()> {
    let mut conn = db.get()?;
    let data = template::gather(&mut conn, plan, agency, period)?;
    let bytes = template::write(&data, &crate::round_trip::layout::TemplateLayout::load()?)?;
    write_output(output, &bytes)?;
    let lead = data.tasks.iter().filter(|t| t.lead).count();
    println!(
        "Đã ghi mẫu báo cáo {} của {} ({} nhiệm vụ: {lead} chủ trì, {} phối hợp) vào {}.",
        data.period.label(),
        data.agency,
        data.tasks.len(),
        data.tasks.len() - lead,
        output.display()
    );
    Ok(())
}

/// Writes the annotated copy of a stored submission: the clerk's workbook with the findings
/// beside the rows they concern and a first sheet listing what to fix.
pub fn annotate_submission(db: &Db, submission_id: i64, output: &Path) -> AppResult<()> {
    let mut conn = db.get()?;
    let submission = submissions::get(&mut conn, submission_id)?;
    if submission.outcome != "processed" {
        return Err(AppError::BadRequest(format!(
            "Báo cáo số {submission_id} ({}) không đọc được nên không có bản ghi chú: {}",
            submission.file_name,
            submission
                .outcome_message
                .as_deref()
                .unwrap_or("tệp chưa được xử lý")
        )));
    }
    let bytes = submissions::original_bytes(&mut conn, submission_id)?;
    drop(conn);
    let findings: Vec<Finding> = serde_json::from_str(&submission.findings).map_err(|e| {
        AppError::Internal(format!(
            "phát hiện đã lưu của báo cáo số {submission_id} không đọc được: {e}"
        ))
    })?;
    // The isolated reader already read this file under the same limits when it was
    // processed, so reading it again in this process is bounded.
    let grid = read::parse(&bytes, &ReadLimits::default())
        .map_err(|e| AppError::BadRequest(e.to_string()))?
        .grid;
    let table = layout::find_table(&grid).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let copy = annotate::annotate_grid(&grid, &findings, &table)?;
    write_output(output, &copy)?;
    let rows = annotate::by_row(&findings).len();
    println!(
        "Đã ghi bản có ghi chú của {} vào {}: {} phát hiện, {rows} dòng cần xem lại.",
        submission.file_name,
        output.display(),
        findings.len()
    );
    Ok(())
}
