//! Embedded migrations, one folder per backend with identical names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;
use crate::error::{AppError, AppResult};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies pending migrations; returns the names of those applied.
pub fn run_pending(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    let applied = crate::with_backend!(conn, |c| {
        let source = match_source(c);
        c.run_pending_migrations(source)
            .map(|versions| versions.iter().map(|v| v.to_string()).collect::<Vec<_>>())
            .map_err(|e| AppError::Migration(e.to_string()))
    })?;
    Ok(applied)
}

/// How many migrations the database still lacks (0 = ready).
pub fn pending_count(conn: &mut DbConnection) -> AppResult<usize> {
    crate::with_backend!(conn, |c| {
        let source = match_source(c);
        c.pending_migrations(source)
            .map(|pending| pending.len())
            .map_err(|e| AppError::Migration(e.to_string()))
    })
}

/// Picks the migration folder from the concrete connection type.
trait MigrationSource {
    fn migrations() -> EmbeddedMigrations;
}

impl MigrationSource for diesel::SqliteConnection {
    fn migrations() -> EmbeddedMigrations {
        SQLITE
    }
}

impl MigrationSource for diesel::PgConnection {
    fn migrations() -> EmbeddedMigrations {
        POSTGRES
    }
}

fn match_source<C: MigrationSource>(_conn: &C) -> EmbeddedMigrations {
    C::migrations()
}
