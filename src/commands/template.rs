//! `tonghop template --plan P --agency A --period M -o FILE.xlsx` and
//! `tonghop annotate SUBMISSION -o FILE.xlsx`.

use std::path::Path;

use crate::{
    db::{submissions, Db},
    domain::finding::Finding,
    error::AppResult,
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
    let bytes = submissions::original_bytes(&mut conn, submission_id)?;
    drop(conn);
    let copy = annotate::of_submission(&submission, &bytes)?;
    let findings: Vec<Finding> = serde_json::from_str(&submission.findings).unwrap_or_default();
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
