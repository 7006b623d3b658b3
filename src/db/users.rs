//! Accounts: agency clerks (bound to one agency), the secretariat, administrators.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use diesel::prelude::*;

use super::{now_utc, schema::users, DbConnection};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Clerk,
    Secretariat,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Secretariat => "secretariat",
            Role::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        match code {
            "clerk" => Some(Role::Clerk),
            "secretariat" => Some(Role::Secretariat),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The Vietnamese name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "Văn thư đơn vị",
            Role::Secretariat => "Thường trực Tổ công tác",
            Role::Admin => "Quản trị viên",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub agency_id: Option<i64>,
    pub active: bool,
}

impl User {
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("không băm được mật khẩu: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

pub fn create(
    conn: &mut DbConnection,
    login: &str,
    password: &str,
    display_name: &str,
    role: Role,
    agency_id: Option<i64>,
) -> AppResult<i64> {
    if role == Role::Clerk && agency_id.is_none() {
        return Err(AppError::BadRequest(
            "Tài khoản văn thư phải gắn với một cơ quan.".into(),
        ));
    }
    let hash = hash_password(password)?;
    let row = (
        users::login.eq(login),
        users::password_hash.eq(hash),
        users::display_name.eq(display_name),
        users::role.eq(role.as_str()),
        users::agency_id.eq(agency_id),
        users::active.eq(true),
        users::created_at.eq(now_utc()),
    );
    Ok(crate::with_backend!(conn, |c| {
        diesel::insert_into(users::table)
            .values(row)
            .returning(users::id)
            .get_result(c)?
    }))
}

pub fn find_by_login(conn: &mut DbConnection, login: &str) -> AppResult<Option<User>> {
    Ok(users::table
        .filter(users::login.eq(login))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("mật khẩu đúng").unwrap();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password(&hash, "mật khẩu đúng"));
        assert!(!verify_password(&hash, "mat khau dung"));
        assert!(!verify_password("not a hash", "x"));
    }
}
