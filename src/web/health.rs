//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers
//! and has every migration).

use actix_web::{get, web, HttpResponse};
use serde_json::json;

use super::AppState;
use crate::db::migrations;

#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let backend = state.db.backend().name();
    match state.db.run(migrations::pending_count).await {
        Ok(0) => HttpResponse::Ok().json(json!({"status": "ready", "database": backend})),
        Ok(pending) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "not_ready",
            "database": backend,
            "message": format!("Cơ sở dữ liệu còn {pending} bước cập nhật cấu trúc chưa chạy; hãy chạy `tonghop migrate`."),
        })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(json!({
                "status": "not_ready",
                "database": backend,
                "message": "Không kết nối được cơ sở dữ liệu.",
            }))
        }
    }
}
