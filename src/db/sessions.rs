//! Web sessions and failed sign-ins.
//!
//! A session row holds the SHA-256 of the random token the browser keeps in its cookie (never
//! the token itself) and the CSRF token bound to it. Because sessions live in the database,
//! every `serve` instance on the same database accepts the same cookie. Failed sign-ins are
//! rows too, so throttling holds across instances.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    now_utc,
    schema::{login_failures, sessions, users},
    users::User,
    DbConnection,
};
use crate::error::AppResult;

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub session_id: i64,
    pub csrf_token: String,
    pub user: User,
}

pub fn create(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    expires_at: NaiveDateTime,
) -> AppResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(now_utc()),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash, if it has not expired and its user is active.
pub fn find(conn: &mut DbConnection, token_hash: &str) -> AppResult<Option<SessionUser>> {
    let found: Option<(i64, String, User)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .filter(sessions::expires_at.gt(now_utc()))
        .filter(users::active.eq(true))
        .select((sessions::id, sessions::csrf_token, User::as_select()))
        .first(conn)
        .optional()?;
    Ok(found.map(|(session_id, csrf_token, user)| SessionUser {
        session_id,
        csrf_token,
        user,
    }))
}

pub fn delete(conn: &mut DbConnection, token_hash: &str) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (password reset) and drops expired sessions of anyone.
pub fn delete_for_user(conn: &mut DbConnection, user_id: i64) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

pub fn delete_expired(conn: &mut DbConnection) -> AppResult<()> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(now_utc()))).execute(conn)?;
    Ok(())
}

pub fn record_failure(conn: &mut DbConnection, login: &str, address: &str) -> AppResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::login.eq(login),
            login_failures::address.eq(address),
            login_failures::at.eq(now_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures since `since` for this login and for this address.
pub fn failures_since(
    conn: &mut DbConnection,
    login: &str,
    address: &str,
    since: NaiveDateTime,
) -> AppResult<(i64, i64)> {
    let by_login = login_failures::table
        .filter(login_failures::login.eq(login))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    let by_address = login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((by_login, by_address))
}

/// A successful sign-in forgets the login's failures.
pub fn clear_failures(conn: &mut DbConnection, login: &str) -> AppResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::login.eq(login))).execute(conn)?;
    Ok(())
}
