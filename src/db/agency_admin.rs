//! What administrators change on an agency: e-mail addresses (for reminders), the head's
//! address (for escalation), the spellings it is recognised by, and its successor after a
//! merger. The agency's name and short name stay spellings of it whatever the form says,
//! since plans and reports already written use them.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{
    agencies,
    schema::{agencies as agency_table, agency_aliases},
    DbConnection,
};
pub use crate::domain::agency_registry::looks_like_email;
use crate::{
    domain::fold::fold,
    error::{AppError, AppResult},
};

/// The new contact data, aliases and successor of one agency.
#[derive(Debug, Clone, Default)]
pub struct AgencyEdit {
    pub emails: Vec<String>,
    pub head_email: Option<String>,
    pub aliases: Vec<String>,
    pub successor_id: Option<i64>,
    pub successor_from: Option<NaiveDate>,
}

/// What an edit changed, in words for the audit log and the page.
#[derive(Debug, Clone, Default)]
pub struct EditOutcome {
    pub changes: Vec<String>,
    /// Spellings not added because another agency of the province uses them.
    pub taken: Vec<String>,
}

/// Applies the edit in one transaction.
pub fn apply(conn: &mut DbConnection, agency_id: i64, edit: &AgencyEdit) -> AppResult<EditOutcome> {
    conn.transaction(|conn| {
        let agency = agencies::get(conn, agency_id)?;
        let mut outcome = EditOutcome::default();
        if let Some(successor) = edit.successor_id {
            if successor == agency_id {
                return Err(AppError::BadRequest(
                    "Một cơ quan không thể là cơ quan kế thừa của chính nó.".into(),
                ));
            }
            let other = agencies::get(conn, successor)?;
            if other.province != agency.province {
                return Err(AppError::BadRequest(
                    "Cơ quan kế thừa phải thuộc cùng tỉnh.".into(),
                ));
            }
            if follows_to(conn, successor, agency_id)? {
                return Err(AppError::BadRequest(format!(
                    "{} đã (trực tiếp hoặc gián tiếp) kế thừa {}; không thể đặt vòng lặp kế thừa.",
                    other.name, agency.name
                )));
            }
        }
        let emails = serde_json::to_string(&edit.emails).expect("a list of strings serialises");
        if agency.email_list() != edit.emails {
            outcome
                .changes
                .push(format!("email: {}", edit.emails.join(", ")));
        }
        if agency.head_email != edit.head_email {
            outcome.changes.push(format!(
                "email thủ trưởng: {}",
                edit.head_email.as_deref().unwrap_or("(trống)")
            ));
        }
        if agency.successor_id != edit.successor_id || agency.successor_from != edit.successor_from
        {
            outcome.changes.push(format!(
                "cơ quan kế thừa: {}{}",
                match edit.successor_id {
                    Some(id) => agencies::get(conn, id)?.name,
                    None => "(không)".into(),
                },
                edit.successor_from
                    .map(|d| format!(" từ {}", d.format("%d/%m/%Y")))
                    .unwrap_or_default()
            ));
        }
        diesel::update(agency_table::table.find(agency_id))
            .set((
                agency_table::emails.eq(emails),
                agency_table::head_email.eq(&edit.head_email),
                agency_table::successor_id.eq(edit.successor_id),
                agency_table::successor_from.eq(edit.successor_from),
            ))
            .execute(conn)?;
        // Spellings: the name and short name always stay; others follow the form.
        let keep: Vec<String> = std::iter::once(agency.name.as_str())
            .chain(agency.short_name.as_deref())
            .chain(edit.aliases.iter().map(String::as_str))
            .map(fold)
            .filter(|k| !k.is_empty())
            .collect();
        let current: Vec<(i64, String, String)> = agency_aliases::table
            .filter(agency_aliases::agency_id.eq(agency_id))
            .select((
                agency_aliases::id,
                agency_aliases::folded,
                agency_aliases::written,
            ))
            .load(conn)?;
        for (id, folded, written) in &current {
            if !keep.contains(folded) {
                diesel::delete(agency_aliases::table.find(id)).execute(conn)?;
                outcome.changes.push(format!("bỏ cách viết «{written}»"));
            }
        }
        for written in &edit.aliases {
            let key = fold(written);
            if key.is_empty() || current.iter().any(|(_, f, _)| *f == key) {
                continue;
            }
            if agencies::add_alias(conn, &agency.province, agency_id, written)? {
                outcome.changes.push(format!("thêm cách viết «{written}»"));
            } else {
                outcome.taken.push(written.clone());
            }
        }
        Ok(outcome)
    })
}

/// Whether following successor links from `start` reaches `target`.
fn follows_to(conn: &mut DbConnection, start: i64, target: i64) -> AppResult<bool> {
    let mut current = Some(start);
    let mut steps = 0;
    while let Some(id) = current {
        if id == target {
            return Ok(true);
        }
        steps += 1;
        if steps > 64 {
            return Ok(true);
        }
        current = agency_table::table
            .find(id)
            .select(agency_table::successor_id)
            .first::<Option<i64>>(conn)
            .optional()?
            .flatten();
    }
    Ok(false)
}

/// Splits a form field into e-mail addresses (commas, semicolons, spaces or lines) and checks
/// each with the registry's own rule ([`looks_like_email`]), as `agencies import` does.
pub fn parse_emails(text: &str) -> AppResult<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split([',', ';', '\n', '\r', ' ', '\t']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !looks_like_email(part) {
            return Err(AppError::BadRequest(format!(
                "Địa chỉ email «{part}» không hợp lệ."
            )));
        }
        if !out.iter().any(|e| e.eq_ignore_ascii_case(part)) {
            out.push(part.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_split_and_checked() {
        assert_eq!(
            parse_emails("a@stttt.travinh.gov.vn; b@x.vn\nA@stttt.travinh.gov.vn").unwrap(),
            vec!["a@stttt.travinh.gov.vn", "b@x.vn"]
        );
        assert!(parse_emails("").unwrap().is_empty());
        assert!(parse_emails("khong-phai-email").is_err());
        assert!(parse_emails("a@b").is_err());
        assert!(parse_emails("<a@b.vn>").is_err());
    }
}
