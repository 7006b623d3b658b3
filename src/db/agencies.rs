//! Agencies and their aliases (folded spelling → agency).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{
    now_utc,
    schema::{agencies, agency_aliases},
    DbConnection,
};
use crate::{domain::fold::fold, error::AppResult};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub id: i64,
    pub province: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub emails: String,
    pub head_email: Option<String>,
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
    pub successor_id: Option<i64>,
    pub successor_from: Option<NaiveDate>,
    pub confirmed: bool,
}

impl Agency {
    pub fn email_list(&self) -> Vec<String> {
        serde_json::from_str(&self.emails).unwrap_or_default()
    }
}

/// What is needed to register an agency.
#[derive(Debug, Clone, Default)]
pub struct NewAgency {
    pub province: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub emails: Vec<String>,
    pub head_email: Option<String>,
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
    pub confirmed: bool,
    /// Spellings besides the name and short name ("Sở TT&TT", "STTTT").
    pub aliases: Vec<String>,
}

/// Inserts the agency and its aliases (name and short name included); returns its id.
/// An alias already taken by another agency of the province is skipped.
pub fn insert(conn: &mut DbConnection, new: &NewAgency) -> AppResult<i64> {
    let emails = serde_json::to_string(&new.emails).expect("a list of strings serialises");
    let row = (
        agencies::province.eq(&new.province),
        agencies::name.eq(&new.name),
        agencies::short_name.eq(&new.short_name),
        agencies::kind.eq(&new.kind),
        agencies::emails.eq(&emails),
        agencies::head_email.eq(&new.head_email),
        agencies::active_from.eq(new.active_from),
        agencies::active_to.eq(new.active_to),
        agencies::confirmed.eq(new.confirmed),
        agencies::created_at.eq(now_utc()),
    );
    let id: i64 = crate::with_backend!(conn, |c| {
        diesel::insert_into(agencies::table)
            .values(row)
            .returning(agencies::id)
            .get_result(c)?
    });
    let spellings = std::iter::once(&new.name)
        .chain(new.short_name.iter())
        .chain(&new.aliases);
    for written in spellings {
        add_alias(conn, &new.province, id, written)?;
    }
    Ok(id)
}

/// Records `written` as a spelling of the agency unless the province already uses that
/// folded spelling. Returns whether it was added.
pub fn add_alias(
    conn: &mut DbConnection,
    province: &str,
    agency_id: i64,
    written: &str,
) -> AppResult<bool> {
    let key = fold(written);
    if key.is_empty() {
        return Ok(false);
    }
    let taken: i64 = agency_aliases::table
        .filter(agency_aliases::province.eq(province))
        .filter(agency_aliases::folded.eq(&key))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Ok(false);
    }
    diesel::insert_into(agency_aliases::table)
        .values((
            agency_aliases::province.eq(province),
            agency_aliases::folded.eq(&key),
            agency_aliases::written.eq(written),
            agency_aliases::agency_id.eq(agency_id),
        ))
        .execute(conn)?;
    Ok(true)
}

pub fn set_successor(
    conn: &mut DbConnection,
    agency_id: i64,
    successor_id: i64,
    from: Option<NaiveDate>,
) -> AppResult<()> {
    diesel::update(agencies::table.find(agency_id))
        .set((
            agencies::successor_id.eq(successor_id),
            agencies::successor_from.eq(from),
        ))
        .execute(conn)?;
    Ok(())
}

/// Finds an agency of the province by any known spelling.
pub fn find_by_spelling(
    conn: &mut DbConnection,
    province: &str,
    written: &str,
) -> AppResult<Option<Agency>> {
    Ok(agency_aliases::table
        .inner_join(agencies::table)
        .filter(agency_aliases::province.eq(province))
        .filter(agency_aliases::folded.eq(fold(written)))
        .select(Agency::as_select())
        .first(conn)
        .optional()?)
}

pub fn get(conn: &mut DbConnection, id: i64) -> AppResult<Agency> {
    agencies::table
        .find(id)
        .select(Agency::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| crate::error::AppError::NotFound(format!("cơ quan số {id}")))
}

pub fn list(conn: &mut DbConnection, province: &str) -> AppResult<Vec<Agency>> {
    Ok(agencies::table
        .filter(agencies::province.eq(province))
        .order(agencies::name)
        .select(Agency::as_select())
        .load(conn)?)
}

pub fn aliases_of(conn: &mut DbConnection, agency_id: i64) -> AppResult<Vec<String>> {
    Ok(agency_aliases::table
        .filter(agency_aliases::agency_id.eq(agency_id))
        .order(agency_aliases::id)
        .select(agency_aliases::written)
        .load(conn)?)
}
