//! Storing an upload's rows as they are matched, and its outcome.
//!
//! The rows of a small table are kept until the end and stored with the `processed` outcome
//! in one transaction. Once a table passes [`STORE_BATCH`] rows, a thread of its own stores
//! them a batch at a time while the workbook is still being read and matched (the server
//! has two cores, and storing is the slowest stage of a large upload), at a lower priority
//! than the read it follows, with room to fall behind and catch up. Each batch is
//! committed as it is stored ([`submissions::insert_batches_committed`]), so SQLite's write
//! lock is held for milliseconds at a time and never for the read, which may take seconds.
//! The rows count only once the final transaction sets the `processed` outcome: readers
//! read rows of processed submissions only; a restart (the rows were not the report's after
//! all), a rejection or a failure deletes them, and rows a crash left behind are swept when
//! a process that stores uploads opens the database: the service, `tonghop ingest` and
//! `tonghop ingest-dir` ([`submissions::sweep_unfinished_rows`]).

use std::sync::mpsc;
use std::thread::{Scope, ScopedJoinHandle};

use diesel::Connection;

use crate::{
    db::{
        submissions::{self, NewReportRow},
        DbConnection,
    },
    error::{AppError, AppResult},
};

/// Rows stored per batch.
pub(crate) const STORE_BATCH: usize = 1000;

/// Batches the storing thread may be behind by: at most ~8 MB of rows waiting, so that it
/// can fall behind while the read needs the cores and catch up after (see
/// [`yield_to_the_read`]).
const BATCHES_AHEAD: usize = 16;

/// How much lower than the rest of the process the storing thread runs (a nice value).
const STORING_NICENESS: libc::c_int = 10;

/// How long after its arrival a submission still `received` counts as abandoned: far beyond
/// the longest read (its timeout is seconds) and the matching after it.
const ABANDONED_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Deletes the rows stored by uploads that never got an outcome (the process ended while
/// they were read); returns how many. Run at start-up.
pub(crate) fn sweep_abandoned(conn: &mut DbConnection) -> AppResult<usize> {
    submissions::sweep_unfinished_rows(conn, crate::db::now_utc() - ABANDONED_AFTER)
}

/// What the storing thread is sent.
enum ToStore {
    Rows(Vec<NewReportRow>),
    /// Delete every row stored so far.
    Restart,
}

/// Keeps the rows of submission `id` as they come (see the module doc).
pub(crate) struct Keeper<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    id: i64,
    batch: Vec<NewReportRow>,
    at: Storing<'scope, 'env>,
}

/// Where the rows are stored.
enum Storing<'scope, 'env> {
    /// Nothing was stored yet: the rows so far are in the batch.
    Here(&'env mut DbConnection),
    /// On the storing thread, which gives the connection back when it ends.
    Apart {
        send: mpsc::SyncSender<ToStore>,
        thread: ScopedJoinHandle<'scope, (&'env mut DbConnection, AppResult<()>)>,
    },
    /// Only while moving from one to the other.
    Moving,
}

impl<'scope, 'env> Keeper<'scope, 'env> {
    pub(crate) fn new(
        scope: &'scope Scope<'scope, 'env>,
        conn: &'env mut DbConnection,
        id: i64,
    ) -> Keeper<'scope, 'env> {
        Keeper {
            scope,
            id,
            batch: Vec::new(),
            at: Storing::Here(conn),
        }
    }

    /// The next row to store.
    pub(crate) fn keep(&mut self, row: NewReportRow) {
        self.batch.push(row);
        if self.batch.len() == STORE_BATCH {
            self.send_batch();
        }
    }

    /// Forgets every row kept so far, stored or not.
    pub(crate) fn restart(&mut self) {
        self.batch.clear();
        if let Storing::Apart { send, .. } = &self.at {
            // A failed send means the storing thread has stopped: its error shows at the end.
            let _ = send.send(ToStore::Restart);
        }
    }

    fn send_batch(&mut self) {
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(STORE_BATCH));
        if let Storing::Here(_) = self.at {
            let Storing::Here(conn) = std::mem::replace(&mut self.at, Storing::Moving) else {
                unreachable!("matched just above");
            };
            let (send, received) = mpsc::sync_channel(BATCHES_AHEAD);
            let id = self.id;
            let thread = self.scope.spawn(move || {
                yield_to_the_read();
                let stored = store_as_sent(conn, id, &received);
                (conn, stored)
            });
            self.at = Storing::Apart { send, thread };
        }
        if let Storing::Apart { send, .. } = &self.at {
            let _ = send.send(ToStore::Rows(full));
        }
    }

    /// Stores the rows left and the `processed` outcome with `findings_json`. On failure no
    /// row is left.
    pub(crate) fn processed(mut self, findings_json: &str) -> AppResult<()> {
        let id = self.id;
        if matches!(self.at, Storing::Apart { .. }) && !self.batch.is_empty() {
            self.send_batch();
        }
        let (conn, apart) = self.settle();
        let conn = conn?;
        let done = apart.and_then(|()| {
            conn.transaction(|conn| {
                submissions::insert_rows(conn, &self.batch)?;
                submissions::set_outcome(conn, id, "processed", None, findings_json)
            })
        });
        if done.is_err() {
            // Best effort: what is left is swept at the next start.
            let _ = submissions::delete_rows(conn, id);
        }
        done
    }

    /// Stores the `rejected` outcome with `message` and `findings_json`, deleting any row
    /// stored.
    pub(crate) fn rejected(mut self, message: &str, findings_json: &str) -> AppResult<()> {
        let id = self.id;
        let (conn, _) = self.settle();
        conn?.transaction(|conn| {
            submissions::delete_rows(conn, id)?;
            submissions::set_outcome(conn, id, "rejected", Some(message), findings_json)
        })
    }

    /// Waits for the storing thread, if any: the connection back (unless the thread
    /// panicked with it), and how storing went.
    fn settle(&mut self) -> (AppResult<&'env mut DbConnection>, AppResult<()>) {
        match std::mem::replace(&mut self.at, Storing::Moving) {
            Storing::Here(conn) => (Ok(conn), Ok(())),
            Storing::Apart { send, thread } => {
                drop(send);
                match thread.join() {
                    Ok((conn, stored)) => (Ok(conn), stored),
                    Err(panic) => {
                        let lost = || {
                            AppError::Internal(format!(
                                "luồng lưu các dòng báo cáo dừng đột ngột: {}",
                                crate::ingest::read::parse::panic_message(panic.as_ref())
                            ))
                        };
                        (Err(lost()), Err(lost()))
                    }
                }
            }
            Storing::Moving => unreachable!("a keeper settles once"),
        }
    }
}

/// Stores the batches sent, as they come, until the sending side is gone; a restart deletes
/// what was stored before it.
/// Lowers the calling thread's priority by [`STORING_NICENESS`]. A large upload is bound by
/// CPU on two cores, and the reader child, then the layout and matching, are the path every
/// row waits on; storing is not, as long as it catches up by the end. At equal priority the
/// three shared the cores and the child ran at about two thirds of a core (100k rows: 1.71×
/// the raw read; with the storing thread lowered and 16 batches of slack, 1.46–1.53×). On
/// an idle core it runs as fast as ever, and in the service it also yields to requests.
/// Linux gives each thread its own nice value; elsewhere, or if refused, nothing changes.
fn yield_to_the_read() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on this thread's own id only changes its scheduling weight.
    unsafe {
        let thread = libc::gettid() as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, thread);
        libc::setpriority(
            libc::PRIO_PROCESS,
            thread,
            now.saturating_add(STORING_NICENESS),
        );
    }
}

fn store_as_sent(
    conn: &mut DbConnection,
    id: i64,
    received: &mpsc::Receiver<ToStore>,
) -> AppResult<()> {
    loop {
        let mut restart = false;
        submissions::insert_batches_committed(conn, &mut || match received.recv() {
            Ok(ToStore::Rows(batch)) => Some(batch),
            Ok(ToStore::Restart) => {
                restart = true;
                None
            }
            Err(_) => None,
        })?;
        if !restart {
            return Ok(());
        }
        submissions::delete_rows(conn, id)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{migrations, Db};

    fn row(submission_id: i64, source_row: i32) -> NewReportRow {
        NewReportRow {
            submission_id,
            task_id: None,
            sheet: "Báo cáo".into(),
            source_row,
            status: None,
            progress_percent: None,
            result: format!("Kết quả {source_row}"),
            difficulties: String::new(),
            proposals: String::new(),
            match_method: None,
            match_score: None,
        }
    }

    fn count_rows(conn: &mut DbConnection) -> i64 {
        use crate::db::schema::report_rows::dsl::*;
        use diesel::prelude::*;
        report_rows.count().get_result(conn).unwrap()
    }

    #[test]
    fn a_storing_thread_that_fails_stops_nothing_and_keeps_nothing() {
        let db = Db::connect(":memory:", 1).unwrap();
        let mut conn = db.get().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        // No submission 4242: the first batch breaks its foreign key, and the matcher goes
        // on sending far more than the storing thread could hold.
        let result = std::thread::scope(|scope| {
            let mut keeper = Keeper::new(scope, &mut conn, 4242);
            for i in 0..5 * STORE_BATCH + 7 {
                keeper.keep(row(4242, i as i32));
            }
            keeper.processed("[]")
        });
        assert!(result.is_err());
        assert_eq!(count_rows(&mut conn), 0);
    }
}
