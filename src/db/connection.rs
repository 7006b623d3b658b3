//! Connecting: URL parsing, SQLite pragmas, the pool.

use std::{path::PathBuf, sync::Arc, time::Duration};

use diesel::{
    connection::SimpleConnection,
    r2d2::{ManageConnection, Pool, PooledConnection},
    Connection, PgConnection, SqliteConnection,
};

use super::checkpoint::{Checkpointer, BACKSTOP_PAGES, CHECKPOINT_EVERY};
use crate::error::{AppError, AppResult};

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A database URL with its backend decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path, or `:memory:`.
    Sqlite(String),
    Postgres(String),
}

impl DatabaseUrl {
    /// `sqlite://path`, `sqlite:path`, a bare path (`data/x.db`), or `postgres://…` /
    /// `postgresql://…`. Anything else with a scheme is refused with a message naming the
    /// accepted forms.
    pub fn parse(url: &str) -> AppResult<DatabaseUrl> {
        let url = url.trim();
        if url.is_empty() {
            return Err(AppError::DatabaseUrl("địa chỉ đang để trống".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(AppError::DatabaseUrl(
                    "thiếu đường dẫn tệp sau sqlite://, ví dụ sqlite://data/tonghop.db".into(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(AppError::DatabaseUrl(format!(
                "kiểu \"{scheme}\" không được hỗ trợ; dùng sqlite://đường/dẫn.db hoặc postgres://người_dùng@máy/tên_csdl"
            )));
        }
        Ok(DatabaseUrl::Sqlite(url.to_string()))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The URL without its password, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => redact_password(url),
        }
    }

    /// Opens one connection, with the backend's own error on failure.
    pub fn establish(&self) -> AppResult<DbConnection> {
        match self {
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(|e| AppError::DatabaseConnect {
                        backend: "SQLite",
                        detail: format!("{path}: {e}"),
                    })?;
                conn.batch_execute(&sqlite_pragmas())
                    .map_err(|e| AppError::DatabaseConnect {
                        backend: "SQLite",
                        detail: format!("{path}: {e}"),
                    })?;
                Ok(DbConnection::Sqlite(conn))
            }
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgresql)
                .map_err(|e| AppError::DatabaseConnect {
                    backend: "PostgreSQL",
                    detail: format!("{}: {}", redact_password(url), one_line(&e.to_string())),
                }),
        }
    }

    /// For SQLite files: makes sure the directory exists and is writable, so that the first
    /// failure says which directory is wrong instead of "unable to open database file".
    pub fn prepare_storage(&self) -> AppResult<()> {
        let DatabaseUrl::Sqlite(path) = self else {
            return Ok(());
        };
        if path == ":memory:" {
            return Ok(());
        }
        let dir = PathBuf::from(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        crate::app::ensure_data_dir(&dir)
    }
}

/// The settings of every SQLite connection. Checkpoints are left to [`Checkpointer`] but for
/// a backstop ([`super::checkpoint`]).
fn sqlite_pragmas() -> String {
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
         PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES};"
    )
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((auth, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// r2d2 manager that connects through [`DatabaseUrl::establish`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = AppError;

    fn connect(&self) -> Result<DbConnection, AppError> {
        self.url.establish()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), AppError> {
        crate::with_backend!(conn, |c| {
            c.batch_execute("SELECT 1").map_err(AppError::from)
        })
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// The pool, shared by the web server, the CLI and the background loops. On SQLite it also
/// owns the WAL's [`Checkpointer`], which stops when the last clone is dropped.
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    url: DatabaseUrl,
    _checkpointer: Option<Arc<Checkpointer>>,
}

pub type PooledDb = PooledConnection<Manager>;

impl Db {
    /// Connects (one real connection first, so a wrong URL fails here with its own message)
    /// and builds the pool.
    pub fn connect(url: &str, pool_size: u32) -> AppResult<Db> {
        Db::connect_checkpointing(url, pool_size, CHECKPOINT_EVERY)
    }

    /// [`Db::connect`] with SQLite's WAL checkpointed every `every` (see [`super::checkpoint`]).
    pub fn connect_checkpointing(url: &str, pool_size: u32, every: Duration) -> AppResult<Db> {
        let url = DatabaseUrl::parse(url)?;
        url.prepare_storage()?;
        drop(url.establish()?);
        let pool = Pool::builder()
            .max_size(pool_size.max(1))
            // No eager background connects: a one-shot command that exits while r2d2's worker
            // is still inside libpq's connect crashes in OpenSSL's exit handlers (seen as a
            // segfault in 1 of 5 failing `plan import` runs on PostgreSQL).
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(10))
            .build_unchecked(Manager { url: url.clone() });
        let checkpointer = Checkpointer::start(&url, every)?.map(Arc::new);
        Ok(Db {
            pool,
            url,
            _checkpointer: checkpointer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for blocking code (CLI, background threads).
    pub fn get(&self) -> AppResult<PooledDb> {
        Ok(self.pool.get()?)
    }

    /// Runs blocking database work off the async executor.
    pub async fn run<T, F>(&self, work: F) -> AppResult<T>
    where
        F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_comes_from_the_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/t.db").unwrap(),
            DatabaseUrl::Sqlite("data/t.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("data/t.db").unwrap(),
            DatabaseUrl::Sqlite("data/t.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://u@h/d").unwrap().backend(),
            Backend::Postgres
        );
        let err = DatabaseUrl::parse("mysql://u@h/d").unwrap_err().to_string();
        assert!(err.contains("mysql") && err.contains("sqlite://"), "{err}");
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_password("postgres://u:secret@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact_password("postgres://u@h/d"), "postgres://u@h/d");
    }
}
