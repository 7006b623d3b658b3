//! Database access: one connection type for SQLite (embedded default) and PostgreSQL.
//!
//! The backend is chosen from the URL scheme here rather than by Diesel's
//! `MultiConnection::establish`, which tries every backend and hides the real error. Queries
//! are written once against [`DbConnection`]; the few that need backend-specific SQL (bulk
//! inserts, row claims) match on the variant through [`with_backend!`]. Blocking database work
//! runs on actix's blocking pool ([`Db::run`]), never on the async executor.

pub mod agencies;
pub mod agency_admin;
pub mod api_tokens;
pub mod audit;
pub mod checkpoint;
pub mod connection;
pub mod listings;
pub mod migrations;
pub mod periods;
pub mod pg_copy;
pub mod plan_imports;
pub mod plans;
pub mod reminders;
pub mod schema;
pub mod sessions;
pub mod submissions;
pub mod user_admin;
pub mod users;

pub use connection::{Backend, DatabaseUrl, Db, DbConnection};

/// Runs the same block with `$conn` bound to the backend's own connection type, for queries
/// that `MultiConnection` cannot express. The block is compiled once per backend.
#[macro_export]
macro_rules! with_backend {
    ($conn:expr, |$c:ident| $body:block) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgresql($c) => $body,
        }
    };
}

/// SQLite's "database is locked": a read-then-write transaction that lost the race for the
/// write lock. The busy timeout does not cover that case (waiting could deadlock), so the
/// whole transaction must be retried.
pub fn is_busy(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(_, info)
            if info.message().contains("database is locked") || info.message().contains("database is busy")
    )
}

/// Makes the current transaction SQLite's writer before it reads anything. A transaction
/// that reads first and writes later fails at once with "database is locked" when another
/// connection writes in between (waiting could deadlock), and has to be redone; one that
/// holds no snapshot yet simply waits for the lock (`busy_timeout`). An UPDATE that matches
/// no row still takes the write lock. Nothing to do on PostgreSQL.
pub fn write_first(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        diesel::RunQueryDsl::execute(
            diesel::sql_query("UPDATE submissions SET id = id WHERE 0"),
            c,
        )?;
    }
    Ok(())
}

/// The current time as stored: UTC without an offset.
pub fn now_utc() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}
