//! Tokens for the JSON API.
//!
//! A token acts as the user it belongs to, with that user's role and agency, so a clerk's
//! token reaches exactly what the clerk's pages reach. Like session cookies
//! ([`super::sessions`]), only the SHA-256 of a token is stored: the token is shown once when
//! it is made and a copy of the database does not let anyone call the API. Tokens start with
//! `thp_` so that secret scanners and people recognise them; the first characters are kept as
//! `prefix` to tell tokens apart in lists.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    now_utc,
    schema::{api_tokens, users},
    submissions::sha256_hex,
    users::User,
    DbConnection,
};
use crate::error::{AppError, AppResult};

/// What every token starts with.
pub const TOKEN_PREFIX: &str = "thp_";
/// Characters of a token kept (in clear) to recognise it in lists.
const SHOWN_CHARS: usize = 12;
/// `last_used_at` is refreshed at most this often, so API calls are not each a write.
const TOUCH_EVERY_MINUTES: i64 = 10;

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = api_tokens)]
pub struct ApiToken {
    pub id: i64,
    pub prefix: String,
    pub user_id: i64,
    pub name: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A new token, in clear: returned once, never stored.
#[derive(Debug, Clone)]
pub struct Created {
    pub id: i64,
    pub token: String,
}

/// `thp_` and 32 random bytes in hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{TOKEN_PREFIX}{hex}")
}

pub fn hash(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Makes a token for an active user.
pub fn create(conn: &mut DbConnection, user_id: i64, name: &str) -> AppResult<Created> {
    let active: Option<bool> = users::table
        .find(user_id)
        .select(users::active)
        .first(conn)
        .optional()?;
    match active {
        None => return Err(AppError::NotFound(format!("tài khoản số {user_id}"))),
        Some(false) => {
            return Err(AppError::BadRequest(
                "Tài khoản đã bị khoá nên không cấp mã truy cập được.".into(),
            ))
        }
        Some(true) => {}
    }
    let name = name.trim();
    let name = if name.is_empty() { "API" } else { name };
    let token = new_token();
    let row = (
        api_tokens::token_hash.eq(hash(&token)),
        api_tokens::prefix.eq(token[..SHOWN_CHARS].to_string()),
        api_tokens::user_id.eq(user_id),
        api_tokens::name.eq(name),
        api_tokens::created_at.eq(now_utc()),
    );
    let id: i64 = crate::with_backend!(conn, |c| {
        diesel::insert_into(api_tokens::table)
            .values(row)
            .returning(api_tokens::id)
            .get_result(c)?
    });
    Ok(Created { id, token })
}

/// The token's row and its user, if the token is known, not revoked and its user active.
/// Refreshes `last_used_at` when it is older than a few minutes.
pub fn authenticate(conn: &mut DbConnection, token: &str) -> AppResult<Option<(ApiToken, User)>> {
    if !token.starts_with(TOKEN_PREFIX) {
        return Ok(None);
    }
    let found: Option<(ApiToken, User)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .filter(users::active.eq(true))
        .select((ApiToken::as_select(), User::as_select()))
        .first(conn)
        .optional()?;
    if let Some((t, _)) = &found {
        let now = now_utc();
        if t.last_used_at
            .is_none_or(|at| now - at > chrono::Duration::minutes(TOUCH_EVERY_MINUTES))
        {
            diesel::update(api_tokens::table.find(t.id))
                .set(api_tokens::last_used_at.eq(now))
                .execute(conn)?;
        }
    }
    Ok(found)
}

/// Every token with its user's login, newest first.
pub fn list(conn: &mut DbConnection) -> AppResult<Vec<(ApiToken, String)>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .order(api_tokens::id.desc())
        .select((ApiToken::as_select(), users::login))
        .load(conn)?)
}

/// Revokes a token; returns its name and user's login.
pub fn revoke(conn: &mut DbConnection, id: i64) -> AppResult<(String, String)> {
    let found: Option<(String, String)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::id.eq(id))
        .select((api_tokens::name, users::login))
        .first(conn)
        .optional()?;
    let found = found.ok_or_else(|| AppError::NotFound(format!("mã truy cập số {id}")))?;
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(now_utc()))
    .execute(conn)?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_hex() {
        let a = new_token();
        assert!(a.starts_with("thp_"));
        assert_eq!(a.len(), 4 + 64);
        assert!(a[4..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, new_token());
        assert_ne!(hash(&a), a);
        assert_eq!(hash(&a).len(), 64);
    }
}
