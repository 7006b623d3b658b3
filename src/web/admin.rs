//! Administrators' pages: accounts (create, reset a password) and the audit log here; API
//! tokens ([`tokens`]), plan import with review ([`plans`]) and the agency registry ([`registry`]) in
//! their own files.

pub mod plans;
pub mod registry;
pub mod tokens;

use actix_web::{get, post, web};
use serde::Deserialize;

use super::{
    auth::CurrentUser,
    page::{escape, html, layout, see_other, PageResult},
    vn, AppState,
};
use crate::{
    db::{
        agencies, audit, user_admin,
        users::{self, Role},
    },
    error::AppError,
};

/// Shortest password an administrator may set.
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Deserialize)]
pub struct Notice {
    xong: Option<String>,
}

#[get("/quan-tri/tai-khoan")]
pub async fn users_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    notice: web::Query<Notice>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let list = state.db.run(user_admin::list).await?;
    let mut body = String::from("<h1>Tài khoản</h1>");
    if let Some(done) = &notice.xong {
        body.push_str(&format!(
            r#"<p class="ok" role="status">{}</p>"#,
            escape(done)
        ));
    }
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>Tên đăng nhập</th><th>Họ tên</th><th>Vai trò</th><th>Cơ quan</th><th>Đặt lại mật khẩu</th></tr></thead><tbody>");
    for (u, agency) in &list {
        body.push_str(&format!(
            r#"<tr><td>{login}</td><td>{name}</td><td>{role}</td><td>{agency}</td><td><form method="post" action="/quan-tri/tai-khoan/{id}/mat-khau" class="filters"><input type="hidden" name="csrf" value="{csrf}"><input type="password" name="password" minlength="{MIN_PASSWORD_CHARS}" required aria-label="Mật khẩu mới"><button type="submit">Đặt lại</button></form></td></tr>"#,
            login = escape(&u.login),
            name = escape(&u.display_name),
            role = u.role().map(|r| r.label()).unwrap_or("?"),
            agency = escape(agency.as_deref().unwrap_or("")),
            id = u.id,
            csrf = escape(&user.csrf),
        ));
    }
    body.push_str("</tbody></table></div>");
    body.push_str(&format!(
        r#"<h2>Tạo tài khoản</h2><form method="post" action="/quan-tri/tai-khoan" class="card narrow"><input type="hidden" name="csrf" value="{csrf}">
<label>Tên đăng nhập<input name="login" required></label><label>Họ tên<input name="display_name" required></label>
<label>Vai trò<select name="role"><option value="clerk">Văn thư đơn vị</option><option value="secretariat">Thường trực Tổ công tác</option><option value="admin">Quản trị viên</option></select></label>
<label>Cơ quan (với văn thư: tên hoặc tên viết tắt)<input name="agency"></label><label>Tỉnh của cơ quan<input name="province"></label>
<label>Mật khẩu (ít nhất {MIN_PASSWORD_CHARS} ký tự)<input type="password" name="password" minlength="{MIN_PASSWORD_CHARS}" required></label><button type="submit">Tạo tài khoản</button></form>"#,
        csrf = escape(&user.csrf)
    ));
    Ok(html(layout("Tài khoản", Some(&user), &body)))
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    login: String,
    display_name: String,
    role: String,
    #[serde(default)]
    agency: String,
    #[serde(default)]
    province: String,
    password: String,
}

#[post("/quan-tri/tai-khoan")]
pub async fn create_user(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<NewUserForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let role = Role::parse(&form.role)
        .ok_or_else(|| AppError::BadRequest("Vai trò không hợp lệ.".into()))?;
    if form.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!(
            "Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự."
        ))
        .into());
    }
    let login = form.login.trim().to_string();
    if login.is_empty() || login.chars().any(char::is_whitespace) {
        return Err(
            AppError::BadRequest("Tên đăng nhập không được trống hay có dấu cách.".into()).into(),
        );
    }
    let actor = user.actor();
    let done = state
        .db
        .run(move |conn| {
            let agency_id = if role == Role::Clerk {
                let agency =
                    agencies::find_by_spelling(conn, form.province.trim(), form.agency.trim())?
                        .ok_or_else(|| {
                            AppError::BadRequest(format!(
                                "Không tìm thấy cơ quan \"{}\" của tỉnh \"{}\".",
                                form.agency.trim(),
                                form.province.trim()
                            ))
                        })?;
                Some(agency.id)
            } else {
                None
            };
            if users::find_by_login(conn, &login)?.is_some() {
                return Err(AppError::Conflict(format!("Tên đăng nhập {login} đã có.")));
            }
            let id = users::create(
                conn,
                &login,
                &form.password,
                form.display_name.trim(),
                role,
                agency_id,
            )?;
            audit::record(
                conn,
                &actor,
                "user.create",
                "user",
                Some(id.to_string()),
                Some(login.clone()),
            )?;
            Ok(format!("Đã tạo tài khoản {login}."))
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/tai-khoan?xong={}",
        super::auth::percent_encode(&done)
    )))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    password: String,
}

#[post("/quan-tri/tai-khoan/{id}/mat-khau")]
pub async fn reset_password(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<PasswordForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    if form.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::BadRequest(format!(
            "Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự."
        ))
        .into());
    }
    let id = path.into_inner();
    let actor = user.actor();
    let done = state
        .db
        .run(move |conn| {
            let login = user_admin::set_password(conn, id, &form.password)?;
            audit::record(
                conn,
                &actor,
                "user.reset_password",
                "user",
                Some(id.to_string()),
                Some(login.clone()),
            )?;
            Ok(format!(
                "Đã đặt lại mật khẩu của {login}; các phiên đăng nhập cũ đã kết thúc."
            ))
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/tai-khoan?xong={}",
        super::auth::percent_encode(&done)
    )))
}

#[derive(Deserialize)]
pub struct PageQuery {
    trang: Option<i64>,
}

pub const AUDIT_PAGE: i64 = 100;

#[get("/quan-tri/nhat-ky")]
pub async fn audit_log(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PageQuery>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let page = query.trang.unwrap_or(1).max(1);
    let entries = state
        .db
        .run(move |conn| audit::recent(conn, AUDIT_PAGE, (page - 1) * AUDIT_PAGE))
        .await?;
    let mut body = String::from("<h1>Nhật ký hoạt động</h1><p><a href=\"/quan-tri/tai-khoan\">Quản lý tài khoản</a></p><div class=\"scroll\"><table><thead><tr><th>Thời gian</th><th>Người thực hiện</th><th>Hành động</th><th>Đối tượng</th><th>Chi tiết</th></tr></thead><tbody>");
    for e in &entries {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td></tr>",
            vn::datetime(e.at),
            escape(&e.actor),
            escape(&e.action),
            escape(&e.object_type),
            escape(e.object_id.as_deref().unwrap_or("")),
            escape(e.detail.as_deref().unwrap_or("")),
        ));
    }
    body.push_str("</tbody></table></div><p>");
    if page > 1 {
        body.push_str(&format!(
            r#"<a href="/quan-tri/nhat-ky?trang={}">← Mới hơn</a> "#,
            page - 1
        ));
    }
    if entries.len() as i64 == AUDIT_PAGE {
        body.push_str(&format!(
            r#"<a href="/quan-tri/nhat-ky?trang={}">Cũ hơn →</a>"#,
            page + 1
        ));
    }
    body.push_str("</p>");
    Ok(html(layout("Nhật ký hoạt động", Some(&user), &body)))
}
