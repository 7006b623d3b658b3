//! The HTTP face of tonghop (actix-web): routes, request logging, pages.
//!
//! Handlers stay thin: they parse the request, hand blocking work to [`Db::run`] and render.
//! Errors are [`AppError`](crate::error::AppError)s, mapped to statuses in one place; pages
//! show them as HTML through [`page::PageError`].
//!
//! Pages (server-rendered, working without JavaScript):
//! - `/dang-nhap`, `/dang-xuat`: sign-in and sign-out ([`auth`]);
//! - `/van-thu…`: the agency clerk's start page, template, upload and history ([`clerk`]);
//! - `/bao-cao/{id}…`: one submission, its original and annotated copy ([`submission`]);
//! - `/thuong-truc…`: the secretariat's dashboard, consolidated workbook, narrative report
//!   draft, matrix, reminder preview, "send now" and log ([`secretariat`]);
//! - `/quan-tri…`: administrators' users and audit log ([`admin`]), plan import with review
//!   and activation ([`admin::plans`]), the agency registry ([`admin::registry`]), API tokens
//!   ([`admin::tokens`]).
//!
//! The JSON API lives under `/api/v1` ([`api`]): bearer tokens instead of cookies, JSON
//! errors, an OpenAPI document. The page upload and the API upload share one path
//! ([`intake`]), and the consolidated workbook one function
//! ([`secretariat::consolidated_workbook`]), so the two faces cannot drift apart.

pub mod admin;
pub mod api;
pub mod auth;
pub mod clerk;
mod health;
mod home;
pub mod intake;
pub mod multipart;
pub mod page;
mod request_log;
pub mod secretariat;
pub mod submission;
pub mod vn;

use actix_web::{get, web, HttpResponse};

use crate::{config::Config, db::Db};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
    /// Uploads being ingested at once ([`intake::in_turn`]): first come, first served.
    pub ingest_slots: std::sync::Arc<tokio::sync::Semaphore>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> AppState {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            db,
            config,
            ingest_slots: std::sync::Arc::new(tokio::sync::Semaphore::new(2 * cores)),
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(home::index)
        .service(style)
        .service(upload_js)
        .service(auth::pages::login_page)
        .service(auth::pages::login_submit)
        .service(auth::pages::logout)
        .service(clerk::home)
        .service(clerk::template_download)
        .service(clerk::history)
        .service(clerk::upload::upload)
        .service(submission::show)
        .service(submission::original)
        .service(submission::annotated)
        .service(secretariat::period_dashboard)
        .service(secretariat::consolidated_download)
        .service(secretariat::narrative_download)
        .service(secretariat::matrix)
        .service(secretariat::reminders::reminders_page)
        .service(secretariat::reminders::send_now)
        .service(admin::users_page)
        .service(admin::create_user)
        .service(admin::reset_password)
        .service(admin::audit_log)
        .service(admin::tokens::tokens_page)
        .service(admin::tokens::create_token)
        .service(admin::tokens::revoke_token)
        .service(admin::plans::plans_page)
        .service(admin::plans::import_plan)
        .service(admin::plans::review)
        .service(admin::plans::activate)
        .service(admin::registry::agencies_page)
        .service(admin::registry::edit_page)
        .service(admin::registry::save)
        .service(api::scope());
}

#[get("/static/style.css")]
async fn style() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(page::STYLE_CSS)
}

#[get("/static/upload.js")]
async fn upload_js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(page::UPLOAD_JS)
}

pub use request_log::RequestLog;
