//! The audit log: who did what, when, to which object.

use diesel::prelude::*;

use super::{now_utc, schema::audit_log, DbConnection};
use crate::error::AppResult;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::NaiveDateTime,
    pub user_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub detail: Option<String>,
}

/// Who acted: a signed-in user, or the system itself (CLI, background loops).
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor {
            user_id: None,
            name: name.to_string(),
        }
    }
}

pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: Option<String>,
    detail: Option<String>,
) -> AppResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(now_utc()),
            audit_log::user_id.eq(actor.user_id),
            audit_log::actor.eq(&actor.name),
            audit_log::action.eq(action),
            audit_log::object_type.eq(object_type),
            audit_log::object_id.eq(object_id),
            audit_log::detail.eq(detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest entries first, one page at a time.
pub fn recent(conn: &mut DbConnection, limit: i64, offset: i64) -> AppResult<Vec<AuditEntry>> {
    Ok(audit_log::table
        .order(audit_log::id.desc())
        .limit(limit)
        .offset(offset)
        .select(AuditEntry::as_select())
        .load(conn)?)
}
