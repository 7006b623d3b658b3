//! `tonghop report`: the narrative draft report (.docx) of a plan's month, quarter or year,
//! from the same consolidation as `tonghop consolidate` (whose workbook is its appendix).

use std::path::Path;

use chrono::{NaiveDate, Utc};

use super::write_output;
use crate::{
    consolidate::{data, workbook::WriteOptions, Consolidated, Options},
    db::{audit, Db},
    domain::period::to_local,
    error::AppResult,
    narrative::{self, layout::NarrativeLayout, outline::Figures},
};

/// What `tonghop report` was asked for.
#[derive(Debug, Clone, Copy)]
pub struct ReportArgs<'a> {
    /// A plan's number in the list or its document number.
    pub plan: &'a str,
    /// "2022-11", "2022-Q4" or "2022".
    pub period: &'a str,
    pub output: &'a Path,
    /// Overrides `report_templates/narrative/layout.toml`.
    pub layout: Option<&'a Path>,
    /// The date under the national motto; today (Vietnam) when None.
    pub report_date: Option<NaiveDate>,
    /// The document number; blank for the clerk when None.
    pub number: Option<u32>,
}

pub fn run(db: &Db, args: &ReportArgs<'_>) -> AppResult<()> {
    let layout = NarrativeLayout::load(args.layout)?;
    let mut conn = db.get()?;
    let c = Consolidated::build(
        data::load_by_keys(&mut conn, args.plan, args.period)?,
        Options::default(),
    );
    let today = to_local(Utc::now().naive_utc()).date();
    let bytes = narrative::write(
        &c,
        &layout,
        &WriteOptions {
            report_date: args.report_date.unwrap_or(today),
            number: args.number,
        },
    )?;
    write_output(args.output, &bytes)?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "report.export",
        "plan",
        Some(c.data.plan.id.to_string()),
        Some(c.data.span.to_string()),
    )?;
    println!("{}", summary(&c, args.output));
    Ok(())
}

/// "Đã ghi dự thảo báo cáo tháng 11/2022 của Kế hoạch 13/KH-UBND vào bao-cao.docx (12
/// nhiệm vụ; 30 đơn vị phải báo cáo, 3 chưa báo cáo)."
pub fn summary(c: &Consolidated, output: &Path) -> String {
    let f = Figures::of(c);
    format!(
        "Đã ghi dự thảo báo cáo {} của Kế hoạch {} vào {} ({} nhiệm vụ; {} {} phải báo cáo, {} chưa báo cáo).",
        c.data.span.label(),
        c.data.plan.number.as_deref().unwrap_or("(chưa có số)"),
        output.display(),
        f.total,
        f.compliance.expected,
        if c.data.span.is_month() { "đơn vị" } else { "lượt" },
        f.compliance.missing
    )
}
