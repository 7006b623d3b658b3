//! Agencies and their aliases (folded spelling → agency).

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{
    now_utc,
    schema::{agencies, agency_aliases},
    DbConnection,
};
use crate::{
    domain::{
        agency_registry::{AgencyEntry, RegistryFile},
        fold::fold,
    },
    error::AppResult,
};

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

/// What importing a registry changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RegistryImport {
    pub created: usize,
    pub updated: usize,
    pub aliases_added: usize,
}

/// Imports a province's registry: agencies are matched by canonical name (created when
/// new, their details updated otherwise), aliases are added, successor links set. Spellings
/// already known are left as they are; nothing is deleted. Runs in one transaction.
pub fn import_registry(conn: &mut DbConnection, file: &RegistryFile) -> AppResult<RegistryImport> {
    use diesel::Connection;
    conn.transaction(|conn| {
        let province = file.province.as_str();
        let mut counts = RegistryImport::default();
        let mut ids = std::collections::HashMap::new();
        for entry in &file.agencies {
            let existing: Option<i64> = agencies::table
                .filter(agencies::province.eq(province))
                .filter(agencies::name.eq(&entry.name))
                .select(agencies::id)
                .first(conn)
                .optional()?;
            let id = match existing {
                Some(id) => {
                    let emails = serde_json::to_string(&entry.emails).expect("strings serialise");
                    diesel::update(agencies::table.find(id))
                        .set((
                            agencies::short_name.eq(&entry.short_name),
                            agencies::kind.eq(&entry.kind),
                            agencies::emails.eq(emails),
                            agencies::head_email.eq(&entry.head_email),
                            agencies::active_from.eq(entry.active_from),
                            agencies::active_to.eq(entry.active_to),
                            agencies::confirmed.eq(true),
                        ))
                        .execute(conn)?;
                    counts.updated += 1;
                    for spelling in entry.short_name.iter().chain(&entry.aliases) {
                        counts.aliases_added += usize::from(add_alias(conn, province, id, spelling)?);
                    }
                    id
                }
                None => {
                    let id = insert(
                        conn,
                        &NewAgency {
                            province: province.to_string(),
                            name: entry.name.clone(),
                            short_name: entry.short_name.clone(),
                            kind: entry.kind.clone(),
                            emails: entry.emails.clone(),
                            head_email: entry.head_email.clone(),
                            active_from: entry.active_from,
                            active_to: entry.active_to,
                            confirmed: true,
                            aliases: entry.aliases.clone(),
                        },
                    )?;
                    counts.created += 1;
                    counts.aliases_added += entry.aliases.len();
                    id
                }
            };
            ids.insert(entry.name.as_str(), id);
        }
        for entry in &file.agencies {
            let Some(successor) = &entry.successor else { continue };
            let successor_id = match ids.get(successor.as_str()) {
                Some(id) => *id,
                None => agencies::table
                    .filter(agencies::province.eq(province))
                    .filter(agencies::name.eq(successor))
                    .select(agencies::id)
                    .first(conn)
                    .optional()?
                    .ok_or_else(|| {
                        crate::error::AppError::BadRequest(format!(
                            "Cơ quan kế nhiệm \"{successor}\" của \"{}\" không có trong danh mục tỉnh {province}; hãy thêm cơ quan đó trước.",
                            entry.name
                        ))
                    })?,
            };
            set_successor(conn, ids[entry.name.as_str()], successor_id, entry.successor_effective_from())?;
        }
        Ok(counts)
    })
}

/// The province's registry as stored, in the fixture format (for export and for the
/// in-memory resolver).
pub fn registry_of(conn: &mut DbConnection, province: &str) -> AppResult<RegistryFile> {
    let rows = list(conn, province)?;
    let names: std::collections::HashMap<i64, String> =
        rows.iter().map(|a| (a.id, a.name.clone())).collect();
    let mut aliases: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    let alias_rows: Vec<(i64, String)> = agency_aliases::table
        .filter(agency_aliases::province.eq(province))
        .order(agency_aliases::id)
        .select((agency_aliases::agency_id, agency_aliases::written))
        .load(conn)?;
    for (agency_id, written) in alias_rows {
        aliases.entry(agency_id).or_default().push(written);
    }
    let agencies = rows
        .iter()
        .map(|a| {
            let own = [
                fold(&a.name),
                a.short_name.as_deref().map(fold).unwrap_or_default(),
            ];
            AgencyEntry {
                name: a.name.clone(),
                short_name: a.short_name.clone(),
                kind: a.kind.clone(),
                aliases: aliases
                    .remove(&a.id)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|w| !own.contains(&fold(w)))
                    .collect(),
                emails: a.email_list(),
                head_email: a.head_email.clone(),
                active_from: a.active_from,
                active_to: a.active_to,
                successor: a.successor_id.and_then(|id| names.get(&id).cloned()),
                successor_from: a.successor_from,
            }
        })
        .collect();
    Ok(RegistryFile {
        province: province.to_string(),
        agencies,
    })
}

/// Provinces that have agencies in the database.
pub fn provinces(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    Ok(agencies::table
        .select(agencies::province)
        .distinct()
        .order(agencies::province)
        .load(conn)?)
}
