//! The landing page: what this service is and the plans it holds.

use actix_web::{get, web, HttpResponse};

use super::AppState;
use crate::{db::plans, error::AppResult};

#[get("/")]
pub async fn index(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let plans = state.db.run(plans::list).await?;
    let mut items = String::new();
    for plan in &plans {
        items.push_str(&format!(
            "<li><strong>{}</strong> — {} <em>({})</em></li>",
            escape(plan.number.as_deref().unwrap_or("(chưa có số)")),
            escape(&plan.title),
            escape(&plan.province),
        ));
    }
    if items.is_empty() {
        items.push_str("<li>Chưa có kế hoạch nào. Quản trị viên hãy nhập kế hoạch bằng lệnh <code>tonghop plan import</code>.</li>");
    }
    let body = format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tổng hợp báo cáo tiến độ</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem">
<h1>Tổng hợp báo cáo tiến độ thực hiện kế hoạch</h1>
<p>Các cơ quan, đơn vị gửi báo cáo tháng; Thường trực Tổ công tác tổng hợp báo cáo Chủ tịch UBND tỉnh.</p>
<p><a href="/dang-nhap">Đăng nhập</a> để gửi báo cáo (văn thư đơn vị) hoặc theo dõi, tổng hợp (Thường trực Tổ công tác).</p>
<h2>Kế hoạch đang theo dõi</h2>
<ul>{items}</ul>
</body></html>"#
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
    }
}
