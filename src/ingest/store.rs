//! Storing an upload's matched rows with its outcome: one transaction, a batch at a time.
//!
//! A large table's batches are stored on a thread of their own while the matcher works on
//! the rows after them, so matching and storing overlap (the reader child is done by then,
//! and the server has two cores). A small table is stored after matching, on the calling
//! thread: a thread would cost more than it saves.

use std::sync::mpsc;

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

/// Batches the storing thread may be behind by.
const BATCHES_AHEAD: usize = 2;

/// What the matcher hands the storing thread.
enum ToStore {
    Rows(Vec<NewReportRow>),
    /// The findings, as JSON: the last message, stored with the `processed` outcome.
    Outcome(String),
}

/// Runs `matching`, which hands each row to store to the function it is given and returns
/// its result with the findings as JSON, and stores those rows and the `processed` outcome
/// of submission `id` in one transaction. `rows` is how many rows the table has.
pub(crate) fn store_matched<T>(
    conn: &mut DbConnection,
    id: i64,
    rows: usize,
    matching: impl FnOnce(&mut dyn FnMut(NewReportRow)) -> (T, String),
) -> AppResult<T> {
    if rows <= STORE_BATCH {
        let mut batch = Vec::with_capacity(rows);
        let (result, json) = matching(&mut |row| batch.push(row));
        conn.transaction(|conn| {
            submissions::insert_rows(conn, &batch)?;
            submissions::set_outcome(conn, id, "processed", None, &json)
        })?;
        return Ok(result);
    }
    let (send, received) = mpsc::sync_channel::<ToStore>(BATCHES_AHEAD);
    std::thread::scope(|scope| {
        let storing =
            scope.spawn(move || conn.transaction(|conn| store_as_sent(conn, id, &received)));
        let mut batch = Vec::with_capacity(STORE_BATCH);
        // A failed send means the storing thread has stopped: its error shows at the join.
        let (result, json) = matching(&mut |row| {
            batch.push(row);
            if batch.len() == STORE_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(STORE_BATCH));
                let _ = send.send(ToStore::Rows(full));
            }
        });
        let _ = send.send(ToStore::Rows(batch));
        let _ = send.send(ToStore::Outcome(json));
        drop(send);
        let stored = storing.join().map_err(|panic| {
            AppError::Internal(format!(
                "luồng lưu các dòng báo cáo dừng đột ngột: {}",
                crate::ingest::read::parse::panic_message(panic.as_ref())
            ))
        })?;
        stored.map(|()| result)
    })
}

/// Stores the batches the matcher sends, as they come (on PostgreSQL in one COPY), then the
/// outcome it sends last.
fn store_as_sent(
    conn: &mut DbConnection,
    id: i64,
    received: &mpsc::Receiver<ToStore>,
) -> AppResult<()> {
    let mut outcome = None;
    submissions::insert_batches(conn, &mut || match received.recv() {
        Ok(ToStore::Rows(batch)) => Some(batch),
        Ok(ToStore::Outcome(json)) => {
            outcome = Some(json);
            None
        }
        Err(_) => None,
    })?;
    match outcome {
        Some(json) => submissions::set_outcome(conn, id, "processed", None, &json),
        None => Err(AppError::Internal(
            "việc đối chiếu dừng trước khi có kết quả".into(),
        )),
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

    #[test]
    fn a_storing_thread_that_fails_stops_nothing_and_keeps_nothing() {
        let db = Db::connect(":memory:", 1).unwrap();
        let mut conn = db.get().unwrap();
        migrations::run_pending(&mut conn).unwrap();
        // No submission 4242: the first batch breaks its foreign key, and the matcher goes
        // on sending far more than the storing thread could hold.
        let rows = 5 * STORE_BATCH + 7;
        let result = store_matched(&mut conn, 4242, rows, |keep| {
            for i in 0..rows {
                keep(row(4242, i as i32));
            }
            ("matched", "[]".to_string())
        });
        assert!(result.is_err());
        let count: i64 = {
            use crate::db::schema::report_rows::dsl::*;
            use diesel::prelude::*;
            report_rows.count().get_result(&mut *conn).unwrap()
        };
        assert_eq!(count, 0);
    }
}
