//! `src/db/schema.rs` must describe exactly what the migrations create, on both backends:
//! the same tables, columns, types and nullability. Diesel's CLI is not needed for this.

mod common;

use std::collections::BTreeMap;

use common::TestDb;
use diesel::{
    prelude::*,
    sql_query,
    sql_types::{Integer, Text},
};
use tonghop::db::DbConnection;

on_both_backends! {
    schema_rs_matches_the_migrated_database => schema_rs_matches_the_migrated_database;
}

/// table → column → (diesel type, nullable)
type Columns = BTreeMap<String, BTreeMap<String, (String, bool)>>;

/// Reads the `diesel::table!` blocks of schema.rs.
fn declared() -> Columns {
    let text = include_str!("../src/db/schema.rs");
    let mut tables = Columns::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if let Some(name) = line
            .strip_suffix('{')
            .and_then(|l| l.split_once(" ("))
            .map(|(n, _)| n)
        {
            if !name.contains(' ') {
                current = Some(name.to_string());
                tables.insert(name.to_string(), BTreeMap::new());
                continue;
            }
        }
        if line == "}" {
            current = None;
            continue;
        }
        if let (Some(table), Some((column, ty))) = (&current, line.split_once(" -> ")) {
            let ty = ty.trim_end_matches(',');
            let (ty, nullable) = match ty
                .strip_prefix("Nullable<")
                .and_then(|t| t.strip_suffix('>'))
            {
                Some(inner) => (inner, true),
                None => (ty, false),
            };
            tables
                .get_mut(table)
                .unwrap()
                .insert(column.to_string(), (ty.to_string(), nullable));
        }
    }
    tables
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    ty: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

fn diesel_type_of(sql_type: &str, is_pk: bool) -> String {
    match sql_type.to_ascii_lowercase().as_str() {
        "integer" if is_pk => "BigInt",
        "integer" => "Integer",
        "bigint" => "BigInt",
        "text" => "Text",
        "boolean" => "Bool",
        "date" => "Date",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "blob" | "bytea" => "Binary",
        other => panic!("type {other} has no portable Diesel type"),
    }
    .to_string()
}

fn migrated(conn: &mut DbConnection) -> Columns {
    let mut tables = Columns::new();
    match conn {
        DbConnection::Sqlite(c) => {
            let rows: Vec<SqliteColumn> = sql_query(
                "SELECT m.name AS tbl, p.name AS name, p.type AS ty, p.\"notnull\" AS not_null, p.pk AS pk \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '__diesel%'",
            )
            .load(c)
            .unwrap();
            for r in rows {
                let nullable = r.not_null == 0 && r.pk == 0;
                let ty = diesel_type_of(&r.ty, r.pk == 1);
                tables
                    .entry(r.tbl)
                    .or_default()
                    .insert(r.name, (ty, nullable));
            }
        }
        DbConnection::Postgresql(c) => {
            let rows: Vec<PgColumn> = sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                        data_type::text AS data_type, is_nullable::text AS is_nullable \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name NOT LIKE '__diesel%'",
            )
            .load(c)
            .unwrap();
            for r in rows {
                let ty = diesel_type_of(&r.data_type, false);
                tables
                    .entry(r.table_name)
                    .or_default()
                    .insert(r.column_name, (ty, r.is_nullable == "YES"));
            }
        }
    }
    tables
}

fn schema_rs_matches_the_migrated_database(db: TestDb) {
    let pool = db.open();
    let declared = declared();
    assert!(
        declared.len() >= 13,
        "schema.rs parsed: {:?}",
        declared.keys()
    );
    let migrated = migrated(&mut pool.get().unwrap());
    assert_eq!(
        declared.keys().collect::<Vec<_>>(),
        migrated.keys().collect::<Vec<_>>(),
        "tables of schema.rs vs the {:?} migrations",
        db.backend
    );
    for (table, columns) in &declared {
        assert_eq!(
            columns, &migrated[table],
            "columns of {table} on {:?}",
            db.backend
        );
    }
}
