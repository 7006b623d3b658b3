//! The frame every page shares (head, navigation, sign-out form), the HTML error page, and
//! small rendering helpers. Pages are plain Rust functions building strings: every value that
//! comes from a user or an uploaded file goes through [`escape`].

use actix_web::{http::StatusCode, HttpResponse, ResponseError};

use super::auth::CurrentUser;
pub use super::home::escape;
use crate::{db::users::Role, error::AppError};

/// The stylesheet (one small file, no framework), served at `/static/style.css`.
pub const STYLE_CSS: &str = include_str!("static/style.css");
/// Progressive drag-and-drop for the upload form, served at `/static/upload.js`.
pub const UPLOAD_JS: &str = include_str!("static/upload.js");

/// A whole page: `body` is already-escaped HTML.
pub fn layout(title: &str, user: Option<&CurrentUser>, body: &str) -> String {
    let nav = match user {
        Some(user) => {
            let links: &[(&str, &str)] = match user.role {
                Role::Clerk => &[
                    ("/van-thu", "Trang chủ"),
                    ("/van-thu/lich-su", "Lịch sử gửi"),
                ],
                Role::Secretariat => &[
                    ("/thuong-truc", "Tình hình báo cáo"),
                    ("/thuong-truc/ma-tran", "Theo dõi nhiều kỳ"),
                    ("/thuong-truc/nhac-bao-cao", "Nhắc báo cáo"),
                ],
                Role::Admin => &[
                    ("/thuong-truc", "Tình hình báo cáo"),
                    ("/thuong-truc/nhac-bao-cao", "Nhắc báo cáo"),
                    ("/quan-tri/ke-hoach", "Kế hoạch"),
                    ("/quan-tri/co-quan", "Cơ quan"),
                    ("/quan-tri/tai-khoan", "Tài khoản"),
                    ("/quan-tri/api-token", "Mã API"),
                    ("/quan-tri/nhat-ky", "Nhật ký"),
                ],
            };
            let items: String = links
                .iter()
                .map(|(href, label)| format!(r#"<a href="{href}">{label}</a>"#))
                .collect();
            format!(
                r#"<nav>{items}<span class="who">{who}</span><form method="post" action="/dang-xuat" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit" class="link">Đăng xuất</button></form></nav>"#,
                who = if user.display_name == user.role.label() {
                    escape(&user.display_name)
                } else {
                    format!("{} · {}", escape(&user.display_name), user.role.label())
                },
                csrf = escape(&user.csrf),
            )
        }
        None => String::new(),
    };
    format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Tổng hợp báo cáo</title><link rel="stylesheet" href="/static/style.css"></head>
<body><header><a class="brand" href="/">Tổng hợp báo cáo</a>{nav}</header>
<main>
{body}
</main></body></html>"#,
        title = escape(title),
    )
}

pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body)
}

/// A redirect after a form (303: the browser follows with GET).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// A file download with a UTF-8 file name.
pub fn download(bytes: Vec<u8>, file_name: &str, content_type: &str) -> HttpResponse {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type(content_type.to_string())
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(bytes)
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// An error shown to a person as a page (the API keeps [`AppError`]'s JSON).
#[derive(Debug)]
pub enum PageError {
    App(AppError),
    /// Signed in, but this page is not for this role or this agency.
    Forbidden(String),
    /// The form's CSRF token is missing or wrong.
    Csrf,
    /// The upload is larger than allowed.
    TooLarge(usize),
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PageError::App(e) => write!(f, "{}", e.public_message()),
            PageError::Forbidden(m) => write!(f, "{m}"),
            PageError::Csrf => write!(
                f,
                "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi thử lại."
            ),
            PageError::TooLarge(max) => write!(
                f,
                "Tệp quá lớn: chỉ nhận tệp đến {}. Hãy xoá các trang tính thừa hoặc chia nhỏ tệp.",
                super::vn::size(*max)
            ),
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::TooLarge(max) => PageError::TooLarge(max),
            AppError::Forbidden(message) => PageError::Forbidden(message),
            e => PageError::App(e),
        }
    }
}

impl From<actix_web::error::BlockingError> for PageError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        PageError::App(e.into())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::App(e) => e.status_code(),
            PageError::Forbidden(_) | PageError::Csrf => StatusCode::FORBIDDEN,
            PageError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let PageError::App(e) = self {
            if status.is_server_error() {
                tracing::error!(error = %e, code = e.code(), "page failed");
            }
        }
        let title = match status {
            StatusCode::NOT_FOUND => "Không tìm thấy",
            StatusCode::FORBIDDEN => "Không được phép",
            StatusCode::PAYLOAD_TOO_LARGE => "Tệp quá lớn",
            s if s.is_client_error() => "Yêu cầu chưa đúng",
            _ => "Lỗi hệ thống",
        };
        let body = format!(
            r#"<h1>{title}</h1><p class="error">{}</p><p><a href="javascript:history.back()">Quay lại</a> · <a href="/">Trang chủ</a></p>"#,
            escape(&self.to_string())
        );
        let mut response = HttpResponse::build(status);
        response.content_type("text/html; charset=utf-8");
        if matches!(self, PageError::TooLarge(_)) {
            // The rest of the body is not read: tell the client not to reuse the connection.
            response.insert_header(("Connection", "close"));
        }
        response.body(layout(title, None, &body))
    }
}

pub type PageResult = Result<HttpResponse, PageError>;
