//! Reporting periods of a plan: cut-off window and submission deadline.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{now_utc, schema::reporting_periods, DbConnection};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = reporting_periods)]
pub struct ReportingPeriod {
    pub id: i64,
    pub plan_id: i64,
    pub period: String,
    pub cutoff_start: NaiveDate,
    pub cutoff_end: NaiveDate,
    /// UTC.
    pub deadline: NaiveDateTime,
}

/// Creates the period, or updates its window and deadline when it exists.
pub fn upsert(
    conn: &mut DbConnection,
    plan_id: i64,
    period: &str,
    cutoff: (NaiveDate, NaiveDate),
    deadline_utc: NaiveDateTime,
) -> AppResult<()> {
    let row = (
        reporting_periods::plan_id.eq(plan_id),
        reporting_periods::period.eq(period),
        reporting_periods::cutoff_start.eq(cutoff.0),
        reporting_periods::cutoff_end.eq(cutoff.1),
        reporting_periods::deadline.eq(deadline_utc),
        reporting_periods::created_at.eq(now_utc()),
    );
    crate::with_backend!(conn, |c| {
        diesel::insert_into(reporting_periods::table)
            .values(row)
            .on_conflict((reporting_periods::plan_id, reporting_periods::period))
            .do_update()
            .set((
                reporting_periods::cutoff_start.eq(cutoff.0),
                reporting_periods::cutoff_end.eq(cutoff.1),
                reporting_periods::deadline.eq(deadline_utc),
            ))
            .execute(c)?
    });
    Ok(())
}

pub fn list(conn: &mut DbConnection, plan_id: i64) -> AppResult<Vec<ReportingPeriod>> {
    Ok(reporting_periods::table
        .filter(reporting_periods::plan_id.eq(plan_id))
        .order(reporting_periods::period)
        .select(ReportingPeriod::as_select())
        .load(conn)?)
}
