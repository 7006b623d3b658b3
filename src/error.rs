//! The one error type of tonghop, and its mapping to HTTP in one place.
//!
//! Every message is Vietnamese and fits on one line, because it reaches an agency clerk in a
//! page or a secretariat's IT officer in a terminal. Internal details (SQL errors, I/O errors)
//! are logged in full and shown to web users only as a generic message.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Cấu hình không hợp lệ: {0}")]
    Config(String),
    #[error("Địa chỉ cơ sở dữ liệu không hợp lệ: {0}")]
    DatabaseUrl(String),
    #[error("Không kết nối được cơ sở dữ liệu {backend}: {detail}")]
    DatabaseConnect {
        backend: &'static str,
        detail: String,
    },
    #[error("Không dùng được thư mục dữ liệu {path}: {detail}")]
    DataDir { path: String, detail: String },
    #[error("Không cập nhật được cấu trúc cơ sở dữ liệu: {0}")]
    Migration(String),
    #[error("Cơ sở dữ liệu đang bận hoặc không trả lời: {0}")]
    Pool(String),
    #[error("Lỗi cơ sở dữ liệu: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("Dữ liệu mẫu không hợp lệ: {0}")]
    Fixture(String),
    #[error("Không tìm thấy {0}.")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// No credentials, or credentials that are not valid (API: a missing or wrong token).
    #[error("{0}")]
    Unauthorized(String),
    /// Valid credentials that do not allow this request.
    #[error("{0}")]
    Forbidden(String),
    /// A request body over the configured limit (bytes allowed).
    #[error("Tệp quá lớn: chỉ nhận tệp đến {0} byte.")]
    TooLarge(usize),
    #[error("Lỗi vào/ra: {0}")]
    Io(#[from] std::io::Error),
    #[error("Lỗi nội bộ: {0}")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A short stable code for scripts reading the JSON error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Config(_) => "config",
            AppError::DatabaseUrl(_) => "database_url",
            AppError::DatabaseConnect { .. } => "database_unreachable",
            AppError::DataDir { .. } => "data_dir",
            AppError::Migration(_) => "migration",
            AppError::Pool(_) => "database_busy",
            AppError::Database(_) => "database",
            AppError::Fixture(_) => "fixture",
            AppError::NotFound(_) => "not_found",
            AppError::BadRequest(_) => "bad_request",
            AppError::Conflict(_) => "conflict",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::TooLarge(_) => "too_large",
            AppError::Io(_) => "io",
            AppError::Internal(_) => "internal",
        }
    }

    /// What a web user is shown: the message itself for their own mistakes, a generic one
    /// for the server's (the details go to the log).
    pub fn public_message(&self) -> String {
        match self {
            AppError::NotFound(_)
            | AppError::BadRequest(_)
            | AppError::Conflict(_)
            | AppError::Unauthorized(_)
            | AppError::Forbidden(_)
            | AppError::TooLarge(_) => self.to_string(),
            AppError::Pool(_) | AppError::DatabaseConnect { .. } => {
                "Hệ thống đang quá tải hoặc mất kết nối cơ sở dữ liệu. Vui lòng thử lại sau ít phút."
                    .to_string()
            }
            _ => "Đã xảy ra lỗi trong hệ thống. Vui lòng thử lại; nếu vẫn lỗi, hãy báo cho quản trị viên."
                .to_string(),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Pool(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Pool(_) | AppError::DatabaseConnect { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, code = self.code(), "request failed");
        }
        let mut response = HttpResponse::build(status);
        if let AppError::Unauthorized(_) = self {
            response.insert_header(("WWW-Authenticate", "Bearer realm=\"tonghop\""));
        }
        if let AppError::TooLarge(_) = self {
            // The rest of the body is not read: the connection cannot be reused.
            response.insert_header(("Connection", "close"));
        }
        response.json(json!({"error": {"code": self.code(), "message": self.public_message()}}))
    }
}
