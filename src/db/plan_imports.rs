//! What the importer found in a plan document imported through the administrators' page,
//! kept beside the draft so that its review page can list the findings before activation.

use diesel::prelude::*;

use super::{now_utc, schema::plan_imports, DbConnection};
use crate::{domain::finding::Finding, error::AppResult};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = plan_imports)]
pub struct PlanImport {
    pub plan_id: i64,
    pub source_file_name: String,
    pub findings: String,
    pub imported_by: Option<i64>,
    pub imported_at: chrono::NaiveDateTime,
}

impl PlanImport {
    pub fn finding_list(&self) -> Vec<Finding> {
        serde_json::from_str(&self.findings).unwrap_or_default()
    }
}

pub fn record(
    conn: &mut DbConnection,
    plan_id: i64,
    source_file_name: &str,
    findings: &[Finding],
    imported_by: Option<i64>,
) -> AppResult<()> {
    diesel::insert_into(plan_imports::table)
        .values((
            plan_imports::plan_id.eq(plan_id),
            plan_imports::source_file_name.eq(source_file_name),
            plan_imports::findings.eq(serde_json::to_string(findings).expect("findings serialise")),
            plan_imports::imported_by.eq(imported_by),
            plan_imports::imported_at.eq(now_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn of_plan(conn: &mut DbConnection, plan_id: i64) -> AppResult<Option<PlanImport>> {
    Ok(plan_imports::table
        .find(plan_id)
        .select(PlanImport::as_select())
        .first(conn)
        .optional()?)
}
