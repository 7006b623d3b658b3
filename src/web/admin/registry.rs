//! `/quan-tri/co-quan`: the province's agencies with their spellings, e-mail addresses, the
//! head's address and the successor after a merger; administrators edit them through a form
//! (CSRF-protected, every change in the audit log). Names themselves are not edited here:
//! plans and reports already written refer to them.

use actix_web::{get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;

use super::super::{
    auth::{percent_encode, CurrentUser},
    page::{escape, html, layout, see_other, PageResult},
    vn, AppState,
};
use crate::{
    db::{
        agencies::{self, Agency},
        agency_admin::{self, AgencyEdit},
        audit, listings,
        users::Role,
    },
    domain::fold::fold,
    error::AppError,
};

#[derive(Deserialize)]
pub struct ListQuery {
    tinh: Option<String>,
    xong: Option<String>,
}

#[get("/quan-tri/co-quan")]
pub async fn agencies_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<ListQuery>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let asked = query.tinh.clone().filter(|t| !t.trim().is_empty());
    let (provinces, province, rows) = state
        .db
        .run(move |conn| {
            let provinces = agencies::provinces(conn)?;
            // The province asked for, else that of the first active plan, else the first.
            let province = match asked {
                Some(p) => p,
                None => listings::active_plans(conn)?
                    .first()
                    .map(|p| p.province.clone())
                    .or_else(|| provinces.first().cloned())
                    .unwrap_or_default(),
            };
            let list = agencies::list(conn, &province)?;
            let mut rows = Vec::with_capacity(list.len());
            for a in list {
                let aliases = agencies::aliases_of(conn, a.id)?;
                rows.push((a, aliases));
            }
            Ok((provinces, province, rows))
        })
        .await?;
    let names: std::collections::HashMap<i64, String> =
        rows.iter().map(|(a, _)| (a.id, a.name.clone())).collect();
    let options: String = provinces
        .iter()
        .map(|p| {
            format!(
                r#"<option{}>{}</option>"#,
                if *p == province { " selected" } else { "" },
                escape(p)
            )
        })
        .collect();
    let mut body = format!(
        r#"<h1>Cơ quan, đơn vị</h1>{notice}<form method="get" action="/quan-tri/co-quan" class="filters"><label>Tỉnh <select name="tinh">{options}</select></label><button type="submit">Xem</button></form><p class="muted">{count} cơ quan. Email dùng để gửi nhắc báo cáo; email thủ trưởng để báo khi chậm nhiều ngày; cơ quan kế thừa nhận nhiệm vụ của cơ quan đã sáp nhập từ ngày ghi.</p>"#,
        notice = query
            .xong
            .as_deref()
            .map(|n| format!(r#"<p class="ok" role="status">{}</p>"#, escape(n)))
            .unwrap_or_default(),
        count = rows.len(),
    );
    body.push_str("<div class=\"scroll\"><table><thead><tr><th>Cơ quan</th><th>Cách viết khác</th><th>Email</th><th>Email thủ trưởng</th><th>Cơ quan kế thừa</th><th></th></tr></thead><tbody>");
    for (a, aliases) in &rows {
        let own = [
            fold(&a.name),
            a.short_name.as_deref().map(fold).unwrap_or_default(),
        ];
        let others: Vec<&String> = aliases.iter().filter(|w| !own.contains(&fold(w))).collect();
        body.push_str(&format!(
            r#"<tr data-agency="{id}"><td>{name}{short}{unconfirmed}</td><td>{aliases}</td><td>{emails}</td><td>{head}</td><td>{successor}</td><td><a href="/quan-tri/co-quan/{id}">Sửa</a></td></tr>"#,
            id = a.id,
            name = escape(&a.name),
            short = a
                .short_name
                .as_deref()
                .map(|s| format!(" <span class=\"muted\">({})</span>", escape(s)))
                .unwrap_or_default(),
            unconfirmed = if a.confirmed {
                ""
            } else {
                " <span class=\"warn\">chưa xác nhận</span>"
            },
            aliases = others
                .iter()
                .map(|w| escape(w))
                .collect::<Vec<_>>()
                .join("; "),
            emails = escape(&a.email_list().join(", ")),
            head = escape(a.head_email.as_deref().unwrap_or("")),
            successor = successor_text(a, &names),
        ));
    }
    body.push_str("</tbody></table></div>");
    Ok(html(layout("Cơ quan, đơn vị", Some(&user), &body)))
}

fn successor_text(a: &Agency, names: &std::collections::HashMap<i64, String>) -> String {
    match a.successor_id {
        None => String::new(),
        Some(id) => format!(
            "{}{}",
            escape(names.get(&id).map(String::as_str).unwrap_or("?")),
            a.successor_from
                .map(|d| format!(" từ {}", vn::date(d)))
                .unwrap_or_default()
        ),
    }
}

#[get("/quan-tri/co-quan/{id}")]
pub async fn edit_page(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    let id = path.into_inner();
    let (agency, aliases, province_agencies) = state
        .db
        .run(move |conn| {
            let agency = agencies::get(conn, id)?;
            let aliases = agencies::aliases_of(conn, id)?;
            let all = agencies::list(conn, &agency.province)?;
            Ok((agency, aliases, all))
        })
        .await?;
    let own = [
        fold(&agency.name),
        agency.short_name.as_deref().map(fold).unwrap_or_default(),
    ];
    let others: Vec<String> = aliases
        .into_iter()
        .filter(|w| !own.contains(&fold(w)))
        .collect();
    let successors: String = std::iter::once(format!(
        r#"<option value=""{}>(không có)</option>"#,
        if agency.successor_id.is_none() {
            " selected"
        } else {
            ""
        }
    ))
    .chain(
        province_agencies
            .iter()
            .filter(|a| a.id != agency.id)
            .map(|a| {
                format!(
                    r#"<option value="{}"{}>{}</option>"#,
                    a.id,
                    if agency.successor_id == Some(a.id) {
                        " selected"
                    } else {
                        ""
                    },
                    escape(&a.name)
                )
            }),
    )
    .collect();
    let body = format!(
        r#"<h1>{name}</h1><p class="muted">Tỉnh {province}{short}</p>
<form method="post" action="/quan-tri/co-quan/{id}" class="card narrow"><input type="hidden" name="csrf" value="{csrf}">
<label>Email nhận nhắc báo cáo (cách nhau bằng dấu phẩy hoặc xuống dòng)<textarea name="emails" rows="3">{emails}</textarea></label>
<label>Email thủ trưởng<input name="head_email" value="{head}"></label>
<label>Cách viết khác của tên cơ quan (mỗi dòng một cách; tên và tên viết tắt luôn được giữ)<textarea name="aliases" rows="5">{aliases}</textarea></label>
<label>Cơ quan kế thừa (sau sáp nhập)<select name="successor">{successors}</select></label>
<label>Kế thừa từ ngày (dd/mm/yyyy)<input name="successor_from" value="{from}" placeholder="01/03/2025"></label>
<button type="submit">Lưu</button> <a href="/quan-tri/co-quan?tinh={province_q}">Quay lại danh sách</a></form>"#,
        name = escape(&agency.name),
        province = escape(&agency.province),
        short = agency
            .short_name
            .as_deref()
            .map(|s| format!(" · viết tắt {}", escape(s)))
            .unwrap_or_default(),
        id = agency.id,
        csrf = escape(&user.csrf),
        emails = escape(&agency.email_list().join(", ")),
        head = escape(agency.head_email.as_deref().unwrap_or("")),
        aliases = escape(&others.join("\n")),
        from = agency.successor_from.map(vn::date).unwrap_or_default(),
        province_q = escape(&percent_encode(&agency.province)),
    );
    Ok(html(layout("Sửa cơ quan", Some(&user), &body)))
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    emails: String,
    #[serde(default)]
    head_email: String,
    #[serde(default)]
    aliases: String,
    #[serde(default)]
    successor: String,
    #[serde(default)]
    successor_from: String,
}

/// The form as an edit (pure): addresses checked, dates read as dd/mm/yyyy or yyyy-mm-dd.
pub fn parse_form(form: &EditForm) -> Result<AgencyEdit, AppError> {
    let emails = agency_admin::parse_emails(&form.emails)?;
    let head = form.head_email.trim();
    let head_email = if head.is_empty() {
        None
    } else if agency_admin::looks_like_email(head) {
        Some(head.to_string())
    } else {
        return Err(AppError::BadRequest(format!(
            "Email thủ trưởng «{head}» không hợp lệ."
        )));
    };
    let mut aliases: Vec<String> = Vec::new();
    for line in form.aliases.lines() {
        let line = line.trim();
        if !line.is_empty() && !aliases.iter().any(|a| fold(a) == fold(line)) {
            aliases.push(line.to_string());
        }
    }
    let successor_id = match form.successor.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .map_err(|_| AppError::BadRequest("Cơ quan kế thừa không hợp lệ.".into()))?,
        ),
    };
    let from = form.successor_from.trim();
    let successor_from = if from.is_empty() {
        None
    } else {
        Some(
            NaiveDate::parse_from_str(from, "%d/%m/%Y")
                .or_else(|_| NaiveDate::parse_from_str(from, "%Y-%m-%d"))
                .map_err(|_| {
                    AppError::BadRequest(format!(
                        "Ngày kế thừa «{from}» không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ 01/03/2025."
                    ))
                })?,
        )
    };
    if successor_id.is_none() && successor_from.is_some() {
        return Err(AppError::BadRequest(
            "Có ngày kế thừa nhưng chưa chọn cơ quan kế thừa.".into(),
        ));
    }
    Ok(AgencyEdit {
        emails,
        head_email,
        aliases,
        successor_id,
        successor_from,
    })
}

#[post("/quan-tri/co-quan/{id}")]
pub async fn save(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<i64>,
    form: web::Form<EditForm>,
) -> PageResult {
    user.require(&[Role::Admin])?;
    user.check_csrf(&form.csrf)?;
    let edit = parse_form(&form)?;
    let id = path.into_inner();
    let actor = user.actor();
    let (province, done) = state
        .db
        .run(move |conn| {
            let outcome = agency_admin::apply(conn, id, &edit)?;
            let agency = agencies::get(conn, id)?;
            if !outcome.changes.is_empty() {
                audit::record(
                    conn,
                    &actor,
                    "agency.update",
                    "agency",
                    Some(id.to_string()),
                    Some(format!("{}: {}", agency.name, outcome.changes.join("; "))),
                )?;
            }
            let mut done = if outcome.changes.is_empty() {
                format!("Không có thay đổi nào cho {}.", agency.name)
            } else {
                format!("Đã lưu thay đổi của {}.", agency.name)
            };
            if !outcome.taken.is_empty() {
                done.push_str(&format!(
                    " Không thêm được cách viết đã thuộc cơ quan khác: {}.",
                    outcome.taken.join("; ")
                ));
            }
            Ok((agency.province, done))
        })
        .await?;
    Ok(see_other(&format!(
        "/quan-tri/co-quan?tinh={}&xong={}",
        percent_encode(&province),
        percent_encode(&done)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(emails: &str, head: &str, successor: &str, from: &str) -> EditForm {
        EditForm {
            csrf: String::new(),
            emails: emails.into(),
            head_email: head.into(),
            aliases: "Sở TT&TT\n  \nSo TT&TT\nSTTTT".into(),
            successor: successor.into(),
            successor_from: from.into(),
        }
    }

    #[test]
    fn forms_become_edits() {
        let edit = parse_form(&form("a@x.vn, b@x.vn", "gd@x.vn", "7", "01/03/2025")).unwrap();
        assert_eq!(edit.emails, vec!["a@x.vn", "b@x.vn"]);
        assert_eq!(edit.head_email.as_deref(), Some("gd@x.vn"));
        assert_eq!(
            edit.aliases,
            vec!["Sở TT&TT", "STTTT"],
            "folded repeats dropped"
        );
        assert_eq!(edit.successor_id, Some(7));
        assert_eq!(edit.successor_from, NaiveDate::from_ymd_opt(2025, 3, 1));
        assert!(parse_form(&form("", "", "", ""))
            .unwrap()
            .successor_id
            .is_none());
        assert!(parse_form(&form("x", "", "", "")).is_err());
        assert!(parse_form(&form("", "khong-email", "", "")).is_err());
        assert!(parse_form(&form("", "", "7", "32/13/2025")).is_err());
        assert!(parse_form(&form("", "", "", "01/03/2025")).is_err());
    }
}
