//! What administrators do to accounts: list them, reset a password (which also ends the
//! user's sessions).

use diesel::prelude::*;

use super::{
    schema::{agencies, users},
    sessions,
    users::{hash_password, User},
    DbConnection,
};
use crate::error::{AppError, AppResult};

/// Every account with its agency's name, by login.
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<(User, Option<String>)>> {
    Ok(users::table
        .left_join(agencies::table)
        .order(users::login)
        .select((User::as_select(), agencies::name.nullable()))
        .load(conn)?)
}

pub fn set_password(conn: &mut DbConnection, user_id: i64, password: &str) -> AppResult<String> {
    let login: Option<String> = users::table
        .find(user_id)
        .select(users::login)
        .first(conn)
        .optional()?;
    let login = login.ok_or_else(|| AppError::NotFound(format!("tài khoản số {user_id}")))?;
    let hash = hash_password(password)?;
    diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    sessions::delete_for_user(conn, user_id)?;
    Ok(login)
}
