//! The HTTP face of tonghop (actix-web): routes, request logging, pages.
//!
//! Handlers stay thin: they parse the request, hand blocking work to [`Db::run`] and render.
//! Errors are [`AppError`](crate::error::AppError)s, mapped to statuses in one place.

mod health;
mod home;
mod request_log;

use actix_web::web;

use crate::{config::Config, db::Db};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Config,
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(home::index);
}

pub use request_log::RequestLog;
