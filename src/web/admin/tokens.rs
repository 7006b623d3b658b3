//! `/quan-tri/api-token`: administrators make API tokens for an account (shown once, on the
//! answer to the form, never again: only the hash is stored) and revoke them.

use actix_web::{get, post, web};
use serde::Deserialize;

use super::super::{
    auth::{percent_encode, CsrfForm, CurrentUser},
    page::{escape, html, layout, see_other, PageResult},
    vn, AppState,
};
use crate::{
    db::{api_tokens, audit, user_admin, users::Role},
    error::AppError,
};

#[derive(Deserialize)]
pub struct Notice {
    xong: Option<String>,
}

#[get("/quan-tri/api-token")]
pub async fn tokens_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    notice: web::Query<Notice>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let notice = notice
        .xong
        .as_deref()
        .map(|n| format!(r#"<p class="ok" role="status">{}</p>"#, escape(n)))
        .unwrap_or_default();
    let body = render(&state, &user, &notice).await?;
    Ok(html(layout("Mã truy cập API", Some(&user), &body)))
}

/// The list of tokens and the form; `top` is shown above (a notice, or a new token).
async fn render(state: &AppState, user: &CurrentUser, top: &str) -> Result<String, AppError> {
    let (tokens, accounts) = state
        .db
        .run(|conn| Ok((api_tokens::list(conn)?, user_admin::list(conn)?)))
        .await?;
    let mut body = format!(
        r#"<h1>Mã truy cập API</h1>{top}<p class="muted">Chương trình khác gọi API <code>/api/v1</code> (tài liệu: <a href="/api/v1/openapi.json">openapi.json</a>) với tiêu đề <code>Authorization: Bearer &lt;mã&gt;</code>. Mã thay mặt tài khoản được cấp: mã của văn thư chỉ dùng cho cơ quan của văn thư đó. Hệ thống chỉ lưu mã băm nên mã chỉ hiện một lần khi cấp.</p>"#
    );
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>Mã</th><th>Ghi chú</th><th>Tài khoản</th><th>Cấp lúc</th><th>Dùng lần cuối</th><th>Trạng thái</th></tr></thead><tbody>");
    for (t, login) in &tokens {
        let state_cell = match t.revoked_at {
            Some(at) => format!("Đã thu hồi {}", vn::datetime(at)),
            None => format!(
                r#"<form method="post" action="/quan-tri/api-token/{id}/thu-hoi" class="inline"><input type="hidden" name="csrf" value="{csrf}"><button type="submit" class="secondary">Thu hồi</button></form>"#,
                id = t.id,
                csrf = escape(&user.csrf)
            ),
        };
        body.push_str(&format!(
            "<tr><td><code>{}…</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&t.prefix),
            escape(&t.name),
            escape(login),
            vn::datetime(t.created_at),
            t.last_used_at.map(vn::datetime).unwrap_or_else(|| "chưa dùng".into()),
            state_cell
        ));
    }
    if tokens.is_empty() {
        body.push_str(r#"<tr><td colspan="6">Chưa cấp mã nào.</td></tr>"#);
    }
    body.push_str("</tbody></table></div>");
    let options: String = accounts
        .iter()
        .filter(|(u, _)| u.active)
        .map(|(u, agency)| {
            format!(
                r#"<option value="{login}">{login} — {role}{agency}</option>"#,
                login = escape(&u.login),
                role = u.role().map(|r| r.label()).unwrap_or("?"),
                agency = agency
                    .as_deref()
                    .map(|a| format!(" ({})", escape(a)))
                    .unwrap_or_default()
            )
        })
        .collect();
    body.push_str(&format!(
        r#"<h2>Cấp mã mới</h2><form method="post" action="/quan-tri/api-token" class="card narrow"><input type="hidden" name="csrf" value="{csrf}"><label>Tài khoản<select name="login">{options}</select></label><label>Ghi chú (ví dụ: Hệ thống quản lý văn bản)<input name="name" maxlength="200"></label><button type="submit">Cấp mã</button></form>"#,
        csrf = escape(&user.csrf)
    ));
    Ok(body)
}

#[derive(Deserialize)]
pub struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    login: String,
    #[serde(default)]
    name: String,
}

#[post("/quan-tri/api-token")]
pub async fn create_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    form: web::Form<NewTokenForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let form = form.into_inner();
    let actor = user.actor();
    let (login, name, created) = state
        .db
        .run(move |conn| {
            let owner = crate::db::users::find_by_login(conn, form.login.trim())?
                .ok_or_else(|| AppError::NotFound(format!("tài khoản \"{}\"", form.login)))?;
            let created = api_tokens::create(conn, owner.id, &form.name)?;
            audit::record(
                conn,
                &actor,
                "api_token.create",
                "api_token",
                Some(created.id.to_string()),
                Some(format!("{} ({})", owner.login, form.name.trim())),
            )?;
            Ok((owner.login, form.name, created))
        })
        .await?;
    // Shown on this answer only: the page is not cached and the token is not stored.
    let top = format!(
        r#"<div class="card" role="status"><p class="ok">Đã cấp mã truy cập cho tài khoản <strong>{login}</strong>{name}. Hãy sao chép và lưu lại ngay: mã chỉ hiện một lần.</p><p><code class="token">{token}</code></p></div>"#,
        login = escape(&login),
        name = if name.trim().is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(name.trim()))
        },
        token = escape(&created.token),
    );
    let body = render(&state, &user, &top).await?;
    Ok(html(layout("Mã truy cập API", Some(&user), &body)))
}

#[post("/quan-tri/api-token/{id}/thu-hoi")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let id = path.into_inner();
    let actor = user.actor();
    let done = state
        .db
        .run(move |conn| {
            let (name, login) = api_tokens::revoke(conn, id)?;
            audit::record(
                conn,
                &actor,
                "api_token.revoke",
                "api_token",
                Some(id.to_string()),
                Some(format!("{login} ({name})")),
            )?;
            Ok(format!("Đã thu hồi mã truy cập «{name}» của {login}."))
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/api-token?xong={}",
        percent_encode(&done)
    )))
}
