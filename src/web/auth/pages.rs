//! Sign-in and sign-out pages.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use serde::Deserialize;

use super::{
    constant_time_eq, cookie, home_of, random_token, safe_next, secure_cookies, set_cookie,
    throttle, token_hash, CsrfForm, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS,
};
use crate::{
    db::{
        audit::{self, Actor},
        now_utc, sessions, users,
    },
    web::{
        page::{escape, layout, see_other, PageError, PageResult},
        AppState,
    },
};

#[derive(Deserialize)]
pub struct LoginQuery {
    tiep: Option<String>,
}

#[get("/dang-nhap")]
pub async fn login_page(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> HttpResponse {
    login_form(&state, &req, query.tiep.as_deref(), "", None, false)
}

/// The sign-in form with a fresh double-submit CSRF token (reused if the browser has one).
fn login_form(
    state: &AppState,
    req: &HttpRequest,
    next: Option<&str>,
    login: &str,
    error: Option<&str>,
    unauthorized: bool,
) -> HttpResponse {
    let csrf = cookie(req, LOGIN_CSRF_COOKIE)
        .filter(|c| c.len() == 64 && c.chars().all(|ch| ch.is_ascii_hexdigit()))
        .unwrap_or_else(random_token);
    let error = error
        .map(|e| format!(r#"<p class="error" role="alert">{}</p>"#, escape(e)))
        .unwrap_or_default();
    let next = safe_next(next).unwrap_or_default();
    let body = format!(
        r#"<h1>Đăng nhập</h1>
{error}<form method="post" action="/dang-nhap" class="card narrow">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="tiep" value="{next}">
<label>Tên đăng nhập<input name="login" value="{login}" autocomplete="username" required autofocus></label>
<label>Mật khẩu<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Đăng nhập</button>
</form>
<p class="muted">Quên mật khẩu? Hãy liên hệ quản trị viên của Thường trực Tổ công tác.</p>"#,
        next = escape(&next),
        login = escape(login),
    );
    let mut response = if unauthorized {
        HttpResponse::Unauthorized()
    } else {
        HttpResponse::Ok()
    };
    response
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((
            "Set-Cookie",
            set_cookie(LOGIN_CSRF_COOKIE, &csrf, None, secure_cookies(state)),
        ))
        .body(layout("Đăng nhập", None, &body))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    tiep: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
}

enum Outcome {
    Throttled(String),
    Wrong,
    Ok { token: String, role: users::Role },
}

#[post("/dang-nhap")]
pub async fn login_submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> PageResult {
    let form = form.into_inner();
    let expected = cookie(&req, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !constant_time_eq(form.csrf.as_bytes(), expected.as_bytes()) {
        return Err(PageError::Csrf);
    }
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "?".into());
    let login = form.login.trim().to_string();
    let password = form.password;
    let outcome = {
        let login = login.clone();
        state
            .db
            .run(move |conn| {
                let since = now_utc() - Duration::minutes(throttle::WINDOW_MINUTES);
                let (by_login, by_address) =
                    sessions::failures_since(conn, &login, &address, since)?;
                let anonymous = Actor::system(&format!("web {address}"));
                if let Some(message) = throttle::refusal(by_login, by_address) {
                    sessions::record_failure(conn, &login, &address)?;
                    audit::record(
                        conn,
                        &anonymous,
                        "login.throttled",
                        "user",
                        Some(login),
                        None,
                    )?;
                    return Ok(Outcome::Throttled(message));
                }
                let user =
                    users::find_by_login(conn, &login)?.filter(|u| u.active && u.role().is_some());
                let Some(user) =
                    user.filter(|u| users::verify_password(&u.password_hash, &password))
                else {
                    sessions::record_failure(conn, &login, &address)?;
                    audit::record(conn, &anonymous, "login.failed", "user", Some(login), None)?;
                    return Ok(Outcome::Wrong);
                };
                sessions::clear_failures(conn, &login)?;
                sessions::delete_expired(conn)?;
                let token = random_token();
                sessions::create(
                    conn,
                    &token_hash(&token),
                    user.id,
                    &random_token(),
                    now_utc() + Duration::hours(SESSION_HOURS),
                )?;
                audit::record(
                    conn,
                    &Actor {
                        user_id: Some(user.id),
                        name: user.login.clone(),
                    },
                    "login",
                    "user",
                    Some(user.id.to_string()),
                    Some(address),
                )?;
                Ok(Outcome::Ok {
                    token,
                    role: user.role().expect("role checked above"),
                })
            })
            .await?
    };
    match outcome {
        Outcome::Throttled(message) => {
            let mut response = login_form(
                &state,
                &req,
                Some(&form.tiep),
                &login,
                Some(&message),
                false,
            );
            *response.status_mut() = actix_web::http::StatusCode::TOO_MANY_REQUESTS;
            Ok(response)
        }
        Outcome::Wrong => Ok(login_form(
            &state,
            &req,
            Some(&form.tiep),
            &login,
            Some("Tên đăng nhập hoặc mật khẩu không đúng."),
            true,
        )),
        Outcome::Ok { token, role } => {
            let next = safe_next(Some(&form.tiep)).unwrap_or_else(|| home_of(role).to_string());
            let secure = secure_cookies(&state);
            Ok(HttpResponse::SeeOther()
                .insert_header(("Location", next))
                .append_header((
                    "Set-Cookie",
                    set_cookie(SESSION_COOKIE, &token, Some(SESSION_HOURS * 3600), secure),
                ))
                .append_header((
                    "Set-Cookie",
                    set_cookie(LOGIN_CSRF_COOKIE, "", Some(0), secure),
                ))
                .finish())
        }
    }
}

#[post("/dang-xuat")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: CurrentUser,
    form: web::Form<CsrfForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    if let Some(token) = cookie(&req, SESSION_COOKIE) {
        let hash = token_hash(&token);
        let actor = user.actor();
        state
            .db
            .run(move |conn| {
                sessions::delete(conn, &hash)?;
                audit::record(
                    conn,
                    &actor,
                    "logout",
                    "user",
                    Some(actor.user_id.unwrap_or_default().to_string()),
                    None,
                )
            })
            .await?;
    }
    let mut response = see_other("/dang-nhap");
    response.headers_mut().insert(
        actix_web::http::header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), secure_cookies(&state))
            .parse()
            .expect("cookie header is ASCII"),
    );
    Ok(response)
}
