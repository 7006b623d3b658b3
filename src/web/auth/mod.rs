//! Who is asking: sessions, roles and CSRF tokens for the pages.
//!
//! - The session cookie (`tonghop_phien`) holds 32 random bytes in hex; the database keeps
//!   only their SHA-256 ([`crate::db::sessions`]), so any instance on the same database
//!   accepts it and a leaked database does not sign anyone in. A new session is made at every
//!   sign-in (the old cookie is never reused). HttpOnly, SameSite=Lax, and Secure when the
//!   public URL is https.
//! - Every session has its own CSRF token; every POST form carries it in a hidden `csrf`
//!   field and [`CurrentUser::check_csrf`] compares it in constant time. The sign-in form,
//!   before any session exists, uses a double-submit cookie (`tonghop_csrf`).
//! - [`CurrentUser`] is an extractor: a page request without a valid session is redirected
//!   to the sign-in page. [`CurrentUser::require`] enforces roles, [`CurrentUser::agency`]
//!   binds a clerk to their agency.

pub mod pages;
pub mod throttle;

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, error::InternalError, web, FromRequest, HttpRequest, HttpResponse};
use argon2::password_hash::rand_core::{OsRng, RngCore};

use super::{page::PageError, AppState};
use crate::db::{sessions, users::Role};

pub const SESSION_COOKIE: &str = "tonghop_phien";
pub const LOGIN_CSRF_COOKIE: &str = "tonghop_csrf";
/// How long a session lasts after sign-in.
pub const SESSION_HOURS: i64 = 12;

/// A form whose only field is the session's CSRF token (sign-out, "send now", activate,
/// revoke).
#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// The clerk's agency.
    pub agency_id: Option<i64>,
    pub csrf: String,
}

impl CurrentUser {
    /// Refuses users whose role is not among `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), PageError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(PageError::Forbidden(format!(
                "Trang này không dành cho tài khoản {} ({}).",
                self.login,
                self.role.label()
            )))
        }
    }

    /// The agency of a clerk (refuses other roles).
    pub fn agency(&self) -> Result<i64, PageError> {
        self.require(&[Role::Clerk])?;
        self.agency_id.ok_or_else(|| {
            PageError::Forbidden("Tài khoản văn thư này chưa gắn với cơ quan nào.".into())
        })
    }

    /// Secretariat pages are open to the secretariat and administrators.
    pub fn require_secretariat(&self) -> Result<(), PageError> {
        self.require(&[Role::Secretariat, Role::Admin])
    }

    pub fn check_csrf(&self, sent: &str) -> Result<(), PageError> {
        if constant_time_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            Ok(())
        } else {
            Err(PageError::Csrf)
        }
    }

    pub fn actor(&self) -> crate::db::audit::Actor {
        crate::db::audit::Actor {
            user_id: Some(self.user_id),
            name: self.login.clone(),
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = cookie(req, SESSION_COOKIE);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(to_login(&target));
            };
            let hash = token_hash(&token);
            let found = state
                .db
                .run(move |conn| sessions::find(conn, &hash))
                .await
                .map_err(PageError::from)?;
            let Some(found) = found else {
                return Err(to_login(&target));
            };
            let Some(role) = found.user.role() else {
                return Err(to_login(&target));
            };
            Ok(CurrentUser {
                user_id: found.user.id,
                login: found.user.login,
                display_name: found.user.display_name,
                role,
                agency_id: found.user.agency_id,
                csrf: found.csrf_token,
            })
        })
    }
}

/// The redirect to the sign-in page, remembering where the user was going.
fn to_login(target: &str) -> actix_web::Error {
    let location = format!("/dang-nhap?tiep={}", percent_encode(target));
    let response = HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .insert_header(("Cache-Control", "no-store"))
        .finish();
    InternalError::from_response("chưa đăng nhập", response).into()
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn token_hash(token: &str) -> String {
    crate::db::submissions::sha256_hex(token.as_bytes())
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A cookie's value from the request's Cookie headers.
pub fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all("cookie")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure over https. `max_age` None
/// makes a browser-session cookie; Some(0) deletes it.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    text
}

/// Whether cookies must be Secure: the public URL is https.
pub fn secure_cookies(state: &AppState) -> bool {
    state
        .config
        .server
        .public_url
        .as_deref()
        .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
}

pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Only local paths are followed after sign-in ("/x", not "//evil" nor "https://…").
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?;
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\'))
        .then(|| next.to_string())
}

/// Where each role starts.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Clerk => "/van-thu",
        Role::Secretariat | Role::Admin => "/thuong-truc",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, random_token());
    }

    #[test]
    fn csrf_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"ab", b"abc"));
    }

    #[test]
    fn cookies_are_locked_down() {
        let c = set_cookie("tonghop_phien", "x", None, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!set_cookie("a", "b", Some(0), false).contains("Secure"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/van-thu")).as_deref(), Some("/van-thu"));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
