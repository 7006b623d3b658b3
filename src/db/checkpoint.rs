//! SQLite's WAL checkpoints, run on a thread of their own instead of inside a request.
//!
//! In WAL mode a commit appends pages to the `-wal` file; a checkpoint copies them back into
//! the database file and syncs it. By default the connection whose commit takes the WAL past
//! 1000 pages runs that checkpoint before its call returns: a 100k-row upload's answer waited
//! 70–90 ms for it, and in a month's batch about one small upload in ten paid a few
//! milliseconds, with the file sync inside. Here the pool's connections leave checkpoints to
//! a [`Checkpointer`], whose own connection runs a PASSIVE checkpoint (it never waits for,
//! nor blocks, a reader or a writer) every [`CHECKPOINT_EVERY`] while the pool lives, and a
//! last one when the pool is dropped. The pool's connections keep an automatic checkpoint as
//! a backstop only ([`BACKSTOP_PAGES`]): should this thread fall behind, the WAL still cannot
//! grow without bound.
//!
//! A checkpoint that cannot finish (an old reader still uses earlier pages) simply finishes
//! on a later turn, as the automatic one would. Failures are logged, never fatal: the WAL is
//! still a valid part of the database, read by every connection.

use std::{
    sync::{Arc, Condvar, Mutex},
    thread::JoinHandle,
    time::Duration,
};

use diesel::{sql_types::Integer, QueryableByName, RunQueryDsl, SqliteConnection};

use super::{DatabaseUrl, DbConnection};
use crate::error::AppResult;

/// How often the checkpointer copies the WAL back into the database file.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL size (pages of 4 KB) past which a committing connection checkpoints by itself, as the
/// backstop to the checkpointer: 256 MB, more than the largest upload writes.
pub const BACKSTOP_PAGES: u32 = 65_536;

/// Runs PASSIVE checkpoints of one SQLite database on a thread until dropped.
pub struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    stop: Mutex<bool>,
    wake: Condvar,
}

#[derive(QueryableByName)]
struct Outcome {
    #[diesel(sql_type = Integer)]
    busy: i32,
    #[diesel(sql_type = Integer)]
    log: i32,
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

impl Checkpointer {
    /// Starts checkpointing the SQLite database of `url` every `every`, on a connection of
    /// its own. `None` for PostgreSQL and for an in-memory database, which have no WAL.
    pub fn start(url: &DatabaseUrl, every: Duration) -> AppResult<Option<Checkpointer>> {
        match url {
            DatabaseUrl::Sqlite(path) if path != ":memory:" => {}
            _ => return Ok(None),
        }
        let DbConnection::Sqlite(mut conn) = url.establish()? else {
            return Ok(None);
        };
        let shared = Arc::new(Shared {
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("sqlite-checkpoint".into())
                .spawn(move || run(&mut conn, &shared, every))?
        };
        Ok(Some(Checkpointer {
            shared,
            thread: Some(thread),
        }))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        if let Ok(mut stop) = self.shared.stop.lock() {
            *stop = true;
        }
        self.shared.wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(conn: &mut SqliteConnection, shared: &Shared, every: Duration) {
    let mut failing = false;
    loop {
        let stopping = match shared.stop.lock() {
            Ok(stop) => match shared.wake.wait_timeout_while(stop, every, |stop| !*stop) {
                Ok((stop, _)) => *stop,
                Err(_) => true,
            },
            Err(_) => true,
        };
        match checkpoint(conn) {
            Ok(outcome) => {
                failing = false;
                if outcome.busy != 0 || outcome.log > outcome.checkpointed {
                    tracing::trace!(
                        log = outcome.log,
                        checkpointed = outcome.checkpointed,
                        "WAL checkpoint left frames for a later turn"
                    );
                }
            }
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "WAL checkpoint failed; retrying every turn");
            }
            Err(_) => {}
        }
        if stopping {
            return;
        }
    }
}

fn checkpoint(conn: &mut SqliteConnection) -> diesel::QueryResult<Outcome> {
    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use diesel::connection::SimpleConnection;

    use super::*;
    use crate::db::Db;

    /// Writes about 8 MB (some 2000 pages) in one transaction, past the default automatic
    /// checkpoint's 1000 pages.
    fn write_8_mb(db: &Db) {
        let mut conn = db.get().unwrap();
        crate::with_backend!(&mut *conn, |c| {
            c.batch_execute(
                "CREATE TABLE filler (text TEXT NOT NULL);
                 BEGIN;
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)
                 INSERT INTO filler SELECT printf('%.1000c', 'x') FROM n;
                 COMMIT;",
            )
            .unwrap()
        });
    }

    /// A pool on a new SQLite file in `dir` (returned too), checkpointed every `every`.
    fn pool_in(dir: &std::path::Path, every: Duration) -> (Db, std::path::PathBuf) {
        let file = dir.join("t.db");
        let db =
            Db::connect_checkpointing(&format!("sqlite://{}", file.display()), 2, every).unwrap();
        (db, file)
    }

    fn size(path: &std::path::Path) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    #[test]
    fn a_commit_leaves_the_checkpoint_to_the_checkpointer() {
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = pool_in(dir.path(), Duration::from_secs(3600));
        write_8_mb(&db);
        let wal = dir.path().join("t.db-wal");
        assert!(size(&wal) > 8_000_000, "the pages are in the WAL");
        assert!(
            size(&file) < 1_000_000,
            "the committing connection did not copy them back: {} bytes",
            size(&file)
        );
    }

    #[test]
    fn the_checkpointer_copies_the_wal_back_while_the_pool_lives() {
        let dir = tempfile::tempdir().unwrap();
        let (db, file) = pool_in(dir.path(), Duration::from_millis(20));
        // A connection kept open: closing the last one would checkpoint by itself.
        let _held = db.get().unwrap();
        write_8_mb(&db);
        let waited = Instant::now();
        while size(&file) < 8_000_000 {
            assert!(
                waited.elapsed() < Duration::from_secs(10),
                "no checkpoint within 10 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        drop(_held);
        let dropping = Instant::now();
        drop(db);
        assert!(
            dropping.elapsed() < Duration::from_secs(2),
            "the thread stops"
        );
    }

    #[test]
    fn postgres_and_memory_databases_have_no_checkpointer() {
        let every = Duration::from_millis(20);
        let memory = DatabaseUrl::parse(":memory:").unwrap();
        assert!(Checkpointer::start(&memory, every).unwrap().is_none());
        let postgres = DatabaseUrl::parse("postgres://nobody@127.0.0.1:1/none").unwrap();
        assert!(Checkpointer::start(&postgres, every).unwrap().is_none());
    }
}
