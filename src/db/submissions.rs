//! Submissions (one uploaded file, versioned), their original bytes and their report rows.
//!
//! The original is stored before anything reads it, so that a file the pipeline cannot
//! understand is still kept byte for byte and can be downloaded again.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{
    now_utc,
    schema::{report_rows, submission_files, submissions},
    DbConnection,
};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = submissions)]
pub struct Submission {
    pub id: i64,
    pub plan_id: i64,
    pub agency_id: i64,
    pub period: String,
    pub version: i32,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: NaiveDateTime,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub outcome: String,
    pub outcome_message: Option<String>,
    pub findings: String,
}

pub struct NewSubmission<'a> {
    pub plan_id: i64,
    pub agency_id: i64,
    pub period: &'a str,
    pub uploaded_by: Option<i64>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// What storing an original produced.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredOriginal {
    pub id: i64,
    pub version: i32,
    pub sha256: String,
    /// True when the identical file was already stored for this agency and period: nothing
    /// new was written and `id`/`version` are those of the earlier upload.
    pub duplicate: bool,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores the original as the next version for (plan, agency, period), or recognises an
/// identical earlier upload. Concurrent uploads for the same agency retry on the version's
/// unique key.
pub fn store_original(conn: &mut DbConnection, new: &NewSubmission) -> AppResult<StoredOriginal> {
    let sha = sha256_hex(new.bytes);
    for attempt in 0..8 {
        let result = conn.transaction(|conn| {
            // PostgreSQL: uploads for one agency of one plan take turns (the lock ends with
            // the transaction), so the next version number is never computed twice. SQLite
            // has one writer at a time: this transaction becomes it before reading, so a
            // concurrent upload makes it wait, not fail and start over.
            super::write_first(conn)?;
            if let DbConnection::Postgresql(c) = conn {
                diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
                    .bind::<diesel::sql_types::Integer, _>(new.plan_id as i32)
                    .bind::<diesel::sql_types::Integer, _>(new.agency_id as i32)
                    .execute(c)?;
            }
            let existing: Option<(i64, i32)> = submissions::table
                .filter(submissions::plan_id.eq(new.plan_id))
                .filter(submissions::agency_id.eq(new.agency_id))
                .filter(submissions::period.eq(new.period))
                .filter(submissions::sha256.eq(&sha))
                .select((submissions::id, submissions::version))
                .first(conn)
                .optional()?;
            if let Some((id, version)) = existing {
                return Ok(StoredOriginal {
                    id,
                    version,
                    sha256: sha.clone(),
                    duplicate: true,
                });
            }
            let latest: Option<i32> = submissions::table
                .filter(submissions::plan_id.eq(new.plan_id))
                .filter(submissions::agency_id.eq(new.agency_id))
                .filter(submissions::period.eq(new.period))
                .select(diesel::dsl::max(submissions::version))
                .first(conn)?;
            let version = latest.unwrap_or(0) + 1;
            let row = (
                submissions::plan_id.eq(new.plan_id),
                submissions::agency_id.eq(new.agency_id),
                submissions::period.eq(new.period),
                submissions::version.eq(version),
                submissions::uploaded_by.eq(new.uploaded_by),
                submissions::uploaded_at.eq(now_utc()),
                submissions::file_name.eq(new.file_name),
                submissions::content_type.eq(new.content_type),
                submissions::size_bytes.eq(new.bytes.len() as i64),
                submissions::sha256.eq(&sha),
                submissions::outcome.eq("received"),
                submissions::findings.eq("[]"),
            );
            let id: i64 = crate::with_backend!(conn, |c| {
                diesel::insert_into(submissions::table)
                    .values(row)
                    .returning(submissions::id)
                    .get_result(c)?
            });
            diesel::insert_into(submission_files::table)
                .values((
                    submission_files::submission_id.eq(id),
                    submission_files::bytes.eq(new.bytes),
                ))
                .execute(conn)?;
            Ok::<_, diesel::result::Error>(StoredOriginal {
                id,
                version,
                sha256: sha.clone(),
                duplicate: false,
            })
        });
        match result {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => continue,
            Err(e) if super::is_busy(&e) => {
                std::thread::sleep(std::time::Duration::from_millis(20 << attempt));
                continue;
            }
            other => return Ok(other?),
        }
    }
    Err(AppError::Conflict(
        "Nhiều tệp của cùng đơn vị đang được gửi cùng lúc; vui lòng gửi lại.".into(),
    ))
}

/// Sets when a submission arrived (UTC). Only for loading historical data such as the demo:
/// uploads record their own time.
pub fn set_uploaded_at(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(submissions::table.find(id))
        .set(submissions::uploaded_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn set_outcome(
    conn: &mut DbConnection,
    id: i64,
    outcome: &str,
    message: Option<&str>,
    findings_json: &str,
) -> AppResult<()> {
    diesel::update(submissions::table.find(id))
        .set((
            submissions::outcome.eq(outcome),
            submissions::outcome_message.eq(message),
            submissions::findings.eq(findings_json),
        ))
        .execute(conn)?;
    Ok(())
}

/// `None` is stored as NULL (not as the column's DEFAULT): no value needs DEFAULT, so SQLite
/// takes many rows in one INSERT and PostgreSQL can COPY them.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = report_rows, treat_none_as_default_value = false)]
pub struct NewReportRow {
    pub submission_id: i64,
    pub task_id: Option<i64>,
    pub sheet: String,
    pub source_row: i32,
    pub status: Option<String>,
    pub progress_percent: Option<i32>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
    pub match_method: Option<String>,
    /// Per mille (0–1000).
    pub match_score: Option<i32>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = report_rows)]
pub struct ReportRow {
    pub id: i64,
    pub submission_id: i64,
    pub task_id: Option<i64>,
    pub sheet: String,
    pub source_row: i32,
    pub status: Option<String>,
    pub progress_percent: Option<i32>,
    pub result: String,
    pub difficulties: String,
    pub proposals: String,
    pub match_method: Option<String>,
    pub match_score: Option<i32>,
}

/// Stores report rows: multi-row INSERTs on SQLite (call it inside the caller's
/// transaction), `COPY … FROM STDIN (FORMAT binary)` on PostgreSQL.
pub fn insert_rows(conn: &mut DbConnection, rows: &[NewReportRow]) -> AppResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut once = Some(rows);
    insert_batches(conn, &mut || once.take())
}

/// Stores every batch of report rows that `next` gives, until it gives `None`, as
/// [`insert_rows`] stores one; on PostgreSQL all of them in a single COPY, which reads each
/// batch as `next` hands it over ([`super::pg_copy`]).
pub fn insert_batches<B: AsRef<[NewReportRow]>>(
    conn: &mut DbConnection,
    next: &mut dyn FnMut() -> Option<B>,
) -> AppResult<()> {
    store_batches(conn, next, false)
}

/// [`insert_batches`], each batch committed as it is stored: on SQLite a short transaction
/// per batch, so the database's write lock is never held between batches; on PostgreSQL the
/// one COPY, which is its own transaction (it takes no lock that blocks other uploads). Call
/// it outside a transaction. The rows are visible before the submission's outcome says
/// `processed`: readers read rows of processed submissions only, and the caller deletes
/// them ([`delete_rows`]) should it not get there.
pub fn insert_batches_committed<B: AsRef<[NewReportRow]>>(
    conn: &mut DbConnection,
    next: &mut dyn FnMut() -> Option<B>,
) -> AppResult<()> {
    store_batches(conn, next, true)
}

/// The batches `next` gives, on SQLite each in a transaction of its own if `each_committed`.
fn store_batches<B: AsRef<[NewReportRow]>>(
    conn: &mut DbConnection,
    next: &mut dyn FnMut() -> Option<B>,
    each_committed: bool,
) -> AppResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            while let Some(batch) = next() {
                if each_committed {
                    c.transaction(|c| insert_chunks(c, batch.as_ref()))?;
                } else {
                    insert_chunks(c, batch.as_ref())?;
                }
            }
            Ok(())
        }
        DbConnection::Postgresql(c) => super::pg_copy::copy_batches(c, next),
    }
}

/// Deletes the report rows of submission `id`.
pub fn delete_rows(conn: &mut DbConnection, id: i64) -> AppResult<()> {
    diesel::delete(report_rows::table.filter(report_rows::submission_id.eq(id))).execute(conn)?;
    Ok(())
}

/// Deletes the rows of submissions still `received` that arrived before `before`: rows an
/// upload stored as it read before the process ended, without an outcome (see
/// [`insert_batches_committed`]). Returns how many rows were deleted.
pub fn sweep_unfinished_rows(conn: &mut DbConnection, before: NaiveDateTime) -> AppResult<usize> {
    let unfinished = submissions::table
        .filter(submissions::outcome.eq("received"))
        .filter(submissions::uploaded_at.lt(before))
        .select(submissions::id);
    Ok(
        diesel::delete(report_rows::table.filter(report_rows::submission_id.eq_any(unfinished)))
            .execute(conn)?,
    )
}

/// Multi-row INSERTs (NULLs bound as values, so diesel builds one statement, not one per
/// row), each of a fixed number of rows given as an array: diesel then knows the statement
/// from its type and prepares it once per connection, instead of SQLite parsing the rows'
/// SQL for every INSERT (half of the storing time of a 100k-row upload was SQLite's parser).
/// Full chunks of 90 rows, then the rest in chunks of 64, 32, …, 1 rows: every statement is
/// one of eight, all reused. 90 rows × 11 columns stays under the 999 variables of SQLite
/// builds before 3.32.
fn insert_chunks(c: &mut diesel::SqliteConnection, rows: &[NewReportRow]) -> AppResult<()> {
    let mut rest = rows;
    while !rest.is_empty() {
        rest = match rest.len() {
            90.. => insert_fixed::<90>(c, rest)?,
            64.. => insert_fixed::<64>(c, rest)?,
            32.. => insert_fixed::<32>(c, rest)?,
            16.. => insert_fixed::<16>(c, rest)?,
            8.. => insert_fixed::<8>(c, rest)?,
            4.. => insert_fixed::<4>(c, rest)?,
            2.. => insert_fixed::<2>(c, rest)?,
            _ => insert_fixed::<1>(c, rest)?,
        };
    }
    Ok(())
}

/// Inserts the first `N` of `rows` (at least `N`) by one cached statement; the rest is
/// returned.
fn insert_fixed<'a, const N: usize>(
    c: &mut diesel::SqliteConnection,
    rows: &'a [NewReportRow],
) -> AppResult<&'a [NewReportRow]> {
    let (chunk, rest) = rows.split_at(N);
    let chunk: &[NewReportRow; N] = chunk.try_into().expect("split at N");
    diesel::insert_into(report_rows::table)
        .values(chunk)
        .execute(c)?;
    Ok(rest)
}

pub fn get(conn: &mut DbConnection, id: i64) -> AppResult<Submission> {
    submissions::table
        .find(id)
        .select(Submission::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("báo cáo số {id}")))
}

pub fn original_bytes(conn: &mut DbConnection, id: i64) -> AppResult<Vec<u8>> {
    submission_files::table
        .find(id)
        .select(submission_files::bytes)
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("tệp gốc của báo cáo số {id}")))
}

/// The rows of `submission`, in order, when it is processed; none otherwise (an upload still
/// being read may have stored some of its rows already, which do not count yet).
pub fn processed_rows_of(
    conn: &mut DbConnection,
    submission: &Submission,
) -> AppResult<Vec<ReportRow>> {
    if submission.outcome != "processed" {
        return Ok(Vec::new());
    }
    rows_of(conn, submission.id)
}

/// Every row stored for submission `submission_id`, in order.
pub fn rows_of(conn: &mut DbConnection, submission_id: i64) -> AppResult<Vec<ReportRow>> {
    Ok(report_rows::table
        .filter(report_rows::submission_id.eq(submission_id))
        .order(report_rows::id)
        .select(ReportRow::as_select())
        .load(conn)?)
}

/// Every version of every agency for a plan's period, oldest first.
pub fn list_for_period(
    conn: &mut DbConnection,
    plan_id: i64,
    period: &str,
) -> AppResult<Vec<Submission>> {
    Ok(submissions::table
        .filter(submissions::plan_id.eq(plan_id))
        .filter(submissions::period.eq(period))
        .order((submissions::agency_id, submissions::version))
        .select(Submission::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_is_lower_hex() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
