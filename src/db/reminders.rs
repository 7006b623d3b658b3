//! The reminder outbox: one row per (plan, agency, period, step), planned once, claimed by one
//! sender, retried, and ended as sent, failed or skipped.
//!
//! Exactly once per step rests on two things: the unique `idempotency_key`
//! ("plan:agency:period:step"), so that planning the same step twice — by two instances, or a
//! pass that runs again — inserts nothing the second time; and the claim, an atomic update
//! from `planned` (or an expired lease) to `sending` under the sender's name, so that two
//! senders never hold the same row. On PostgreSQL the claim takes a batch with
//! `FOR UPDATE SKIP LOCKED`, so concurrent senders pass each other without waiting; on SQLite
//! (one instance) the same conditional update is done row by row. Every later transition
//! checks that the sender still holds the row.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::{
    prelude::*,
    sql_types::{BigInt, Text, Timestamp},
};

use super::{schema::reminders, DbConnection};
use crate::error::AppResult;

pub const PLANNED: &str = "planned";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const SKIPPED: &str = "skipped";

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = reminders)]
pub struct Reminder {
    pub id: i64,
    pub plan_id: i64,
    pub agency_id: i64,
    pub period: String,
    pub step: String,
    pub idempotency_key: String,
    pub state: String,
    pub attempts: i32,
    /// The last send error, or why the step was skipped.
    pub last_error: Option<String>,
    /// UTC.
    pub due_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// `{"to": [...], "cc": [...]}`.
    pub recipients: String,
}

/// A step to record: to send (`state` planned) or skipped with its reason.
#[derive(Debug, Clone)]
pub struct NewReminder<'a> {
    pub plan_id: i64,
    pub agency_id: i64,
    pub period: &'a str,
    pub step: &'a str,
    pub key: &'a str,
    pub state: &'static str,
    pub due_at: NaiveDateTime,
    pub recipients: &'a str,
    /// Why a skipped step was skipped.
    pub note: Option<&'a str>,
}

/// The outbox key of a step.
pub fn key(plan_id: i64, agency_id: i64, period: &str, step: &str) -> String {
    format!("{plan_id}:{agency_id}:{period}:{step}")
}

/// Inserts the step unless its key exists; true when this call inserted it.
pub fn insert_once(
    conn: &mut DbConnection,
    new: &NewReminder,
    now: NaiveDateTime,
) -> AppResult<bool> {
    let values = (
        reminders::plan_id.eq(new.plan_id),
        reminders::agency_id.eq(new.agency_id),
        reminders::period.eq(new.period),
        reminders::step.eq(new.step),
        reminders::idempotency_key.eq(new.key),
        reminders::state.eq(new.state),
        reminders::attempts.eq(0),
        reminders::due_at.eq(new.due_at),
        reminders::next_attempt_at.eq(new.due_at),
        reminders::created_at.eq(now),
        reminders::recipients.eq(new.recipients),
        reminders::last_error.eq(new.note),
    );
    let inserted = crate::with_backend!(conn, |c| {
        diesel::insert_into(reminders::table)
            .values(values)
            .on_conflict(reminders::idempotency_key)
            .do_nothing()
            .execute(c)?
    });
    Ok(inserted == 1)
}

/// Keys already recorded for a plan's period.
pub fn keys_of(conn: &mut DbConnection, plan_id: i64, period: &str) -> AppResult<HashSet<String>> {
    Ok(reminders::table
        .filter(reminders::plan_id.eq(plan_id))
        .filter(reminders::period.eq(period))
        .select(reminders::idempotency_key)
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Claims up to `limit` reminders whose time has come (planned and due, or held by a sender
/// whose lease ran out) for `worker` until `lease_until`, counting an attempt on each.
pub fn claim(
    conn: &mut DbConnection,
    worker: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> AppResult<Vec<Reminder>> {
    let ids: Vec<i64> = match conn {
        DbConnection::Postgresql(c) => diesel::sql_query(
            "UPDATE reminders SET state = 'sending', claimed_by = $1, claimed_until = $2, \
                 attempts = attempts + 1 \
             WHERE id IN ( \
                 SELECT id FROM reminders \
                 WHERE (state = 'planned' AND next_attempt_at <= $3) \
                    OR (state = 'sending' AND claimed_until < $3) \
                 ORDER BY next_attempt_at, id LIMIT $4 \
                 FOR UPDATE SKIP LOCKED) \
             RETURNING id",
        )
        .bind::<Text, _>(worker)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load::<IdRow>(c)?
        .into_iter()
        .map(|r| r.id)
        .collect(),
        DbConnection::Sqlite(_) => {
            let candidates: Vec<i64> = reminders::table
                .filter(
                    reminders::state
                        .eq(PLANNED)
                        .and(reminders::next_attempt_at.le(now))
                        .or(reminders::state
                            .eq(SENDING)
                            .and(reminders::claimed_until.lt(now))),
                )
                .order((reminders::next_attempt_at, reminders::id))
                .limit(limit)
                .select(reminders::id)
                .load(conn)?;
            let mut claimed = Vec::new();
            for id in candidates {
                let taken = diesel::update(
                    reminders::table.find(id).filter(
                        reminders::state.eq(PLANNED).or(reminders::state
                            .eq(SENDING)
                            .and(reminders::claimed_until.lt(now))),
                    ),
                )
                .set((
                    reminders::state.eq(SENDING),
                    reminders::claimed_by.eq(worker),
                    reminders::claimed_until.eq(lease_until),
                    reminders::attempts.eq(reminders::attempts + 1),
                ))
                .execute(conn)?;
                if taken == 1 {
                    claimed.push(id);
                }
            }
            claimed
        }
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(reminders::table
        .filter(reminders::id.eq_any(ids))
        .order((reminders::next_attempt_at, reminders::id))
        .select(Reminder::as_select())
        .load(conn)?)
}

/// How a claimed reminder ended (or why it waits).
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        at: NaiveDateTime,
    },
    Retry {
        error: String,
        next_at: NaiveDateTime,
    },
    Failed {
        error: String,
    },
    Skipped {
        reason: String,
    },
}

/// Records the outcome of a reminder `worker` holds; false when it no longer held it (its
/// lease ran out and another sender took over).
pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    worker: &str,
    outcome: &Outcome,
) -> AppResult<bool> {
    let held = reminders::table
        .find(id)
        .filter(reminders::state.eq(SENDING))
        .filter(reminders::claimed_by.eq(worker));
    let release = (
        reminders::claimed_by.eq(None::<String>),
        reminders::claimed_until.eq(None::<NaiveDateTime>),
    );
    let changed = match outcome {
        Outcome::Sent { at } => diesel::update(held)
            .set((
                reminders::state.eq(SENT),
                reminders::sent_at.eq(Some(*at)),
                reminders::last_error.eq(None::<String>),
                release,
            ))
            .execute(conn)?,
        Outcome::Retry { error, next_at } => diesel::update(held)
            .set((
                reminders::state.eq(PLANNED),
                reminders::last_error.eq(Some(error)),
                reminders::next_attempt_at.eq(*next_at),
                release,
            ))
            .execute(conn)?,
        Outcome::Failed { error } => diesel::update(held)
            .set((
                reminders::state.eq(FAILED),
                reminders::last_error.eq(Some(error)),
                release,
            ))
            .execute(conn)?,
        Outcome::Skipped { reason } => diesel::update(held)
            .set((
                reminders::state.eq(SKIPPED),
                reminders::last_error.eq(Some(reason)),
                release,
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// A plan's reminders, newest step first, optionally for one period.
pub fn list(
    conn: &mut DbConnection,
    plan_id: i64,
    period: Option<&str>,
    limit: i64,
) -> AppResult<Vec<Reminder>> {
    let mut query = reminders::table
        .filter(reminders::plan_id.eq(plan_id))
        .into_boxed();
    if let Some(period) = period {
        query = query.filter(reminders::period.eq(period.to_string()));
    }
    Ok(query
        .order((reminders::due_at.desc(), reminders::id.desc()))
        .limit(limit)
        .select(Reminder::as_select())
        .load(conn)?)
}
