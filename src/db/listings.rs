//! Read-only lists the web pages show: an agency's plans and versions.

use diesel::prelude::*;

use super::{
    plans::Plan,
    schema::{plans, submissions, task_assignments, tasks},
    submissions::Submission,
    DbConnection,
};
use crate::error::AppResult;

/// Active plans in which the agency leads or coordinates a task.
pub fn plans_of_agency(conn: &mut DbConnection, agency_id: i64) -> AppResult<Vec<Plan>> {
    let ids: Vec<i64> = task_assignments::table
        .inner_join(tasks::table)
        .filter(task_assignments::agency_id.eq(agency_id))
        .filter(tasks::retired_at.is_null())
        .select(tasks::plan_id)
        .distinct()
        .load(conn)?;
    Ok(plans::table
        .filter(plans::id.eq_any(ids))
        .filter(plans::status.eq("active"))
        .order(plans::id)
        .select(Plan::as_select())
        .load(conn)?)
}

/// Active plans, oldest first.
pub fn active_plans(conn: &mut DbConnection) -> AppResult<Vec<Plan>> {
    Ok(plans::table
        .filter(plans::status.eq("active"))
        .order(plans::id)
        .select(Plan::as_select())
        .load(conn)?)
}

/// Every version an agency sent (or a user uploaded), newest first.
pub fn submissions_of_agency(
    conn: &mut DbConnection,
    agency_id: i64,
    user_id: i64,
) -> AppResult<Vec<Submission>> {
    Ok(submissions::table
        .filter(
            submissions::agency_id
                .eq(agency_id)
                .or(submissions::uploaded_by.eq(user_id)),
        )
        .order(submissions::id.desc())
        .limit(500)
        .select(Submission::as_select())
        .load(conn)?)
}
