//! The JSON API under `/api/v1`, for scripts and other systems (a province's document
//! management system pushing reports, a dashboard pulling the period's status).
//!
//! - Authentication: `Authorization: Bearer thp_…`, a token made by an administrator
//!   (`/quan-tri/api-token`) or `tonghop token create`. A token acts as its user: a clerk's
//!   token reaches only the clerk's agency, exactly as the pages do (another agency's
//!   submission answers 404, an upload for another agency 403). No cookies, so no CSRF.
//! - Errors are [`AppError`]'s JSON, `{"error": {"code", "message"}}`, message in
//!   Vietnamese: 401 without a valid token, 403 for a role or agency not allowed, 404, 413.
//! - The upload reuses the page's path ([`super::intake`]) and answers the JSON of
//!   `tonghop ingest --json` (DESIGN.md §5); the consolidated workbook is the secretariat
//!   page's ([`super::secretariat::consolidated_workbook`]).
//! - `GET /api/v1/openapi.json` (no token needed) describes all of it: a hand-written OpenAPI
//!   3.0 document ([`OPENAPI`]), checked by the tests against the routes.

mod periods;
mod submissions;

use std::{future::Future, pin::Pin};

use actix_web::{dev::Payload, get, web, FromRequest, HttpRequest, HttpResponse};

use super::AppState;
use crate::{
    db::{api_tokens, audit::Actor, users::Role},
    error::AppError,
};

/// The OpenAPI 3.0 document served at `/api/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The `/api/v1` scope: JSON errors for malformed paths and queries, and for unknown paths.
pub fn scope() -> actix_web::Scope {
    web::scope("/api/v1")
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            AppError::BadRequest(format!("Tham số truy vấn không hợp lệ: {e}")).into()
        }))
        .app_data(
            web::PathConfig::default()
                .error_handler(|e, _| AppError::NotFound(format!("đường dẫn ({e})")).into()),
        )
        .service(openapi)
        .service(submissions::upload)
        .service(submissions::show)
        .service(submissions::original)
        .service(periods::status)
        .service(periods::consolidated)
        .default_service(web::to(|| async {
            Err::<HttpResponse, _>(AppError::NotFound("địa chỉ API này".into()))
        }))
}

#[get("/openapi.json")]
async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(OPENAPI)
}

/// The user a bearer token stands for.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub user_id: i64,
    pub login: String,
    pub role: Role,
    /// The clerk's agency.
    pub agency_id: Option<i64>,
    pub token_id: i64,
}

impl ApiUser {
    pub fn require_secretariat(&self) -> Result<(), AppError> {
        match self.role {
            Role::Secretariat | Role::Admin => Ok(()),
            Role::Clerk => Err(AppError::Forbidden(format!(
                "Mã truy cập của tài khoản {} ({}) không dùng được cho yêu cầu này; cần tài khoản Thường trực Tổ công tác hoặc Quản trị viên.",
                self.login,
                self.role.label()
            ))),
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            name: self.login.clone(),
        }
    }
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl FromRequest for ApiUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized(
                    "Thiếu mã truy cập: gửi kèm tiêu đề Authorization: Bearer <mã truy cập>."
                        .into(),
                )
                .into());
            };
            let found = state
                .db
                .run(move |conn| api_tokens::authenticate(conn, &token))
                .await?;
            let refused = || {
                AppError::Unauthorized(
                    "Mã truy cập không đúng, đã bị thu hồi hoặc tài khoản đã bị khoá.".into(),
                )
            };
            let (token, user) = found.ok_or_else(refused)?;
            let role = user.role().ok_or_else(refused)?;
            Ok(ApiUser {
                user_id: user.id,
                login: user.login,
                role,
                agency_id: user.agency_id,
                token_id: token.id,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        let req = TestRequest::default()
            .insert_header(("Authorization", "Bearer thp_abc"))
            .to_http_request();
        assert_eq!(bearer(&req).as_deref(), Some("thp_abc"));
        let req = TestRequest::default()
            .insert_header(("Authorization", "bearer  thp_abc "))
            .to_http_request();
        assert_eq!(bearer(&req).as_deref(), Some("thp_abc"));
        let req = TestRequest::default()
            .insert_header(("Authorization", "Basic dXNlcjpwYXNz"))
            .to_http_request();
        assert_eq!(bearer(&req), None);
        assert_eq!(bearer(&TestRequest::default().to_http_request()), None);
    }

    #[test]
    fn the_openapi_document_parses() {
        let doc: serde_json::Value = serde_json::from_str(OPENAPI).unwrap();
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..2]), Some("3."));
    }
}
