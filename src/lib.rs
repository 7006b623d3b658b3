//! tonghop: collects agencies' monthly progress reports on a provincial plan and
//! consolidates them for the secretariat.
//!
//! The pipeline, as folders: `domain` (plain types), `db` (Diesel on SQLite/PostgreSQL),
//! `web` (actix-web), with `app` wiring them and `cli` as the entry point. See DESIGN.md.

pub mod agency_book;
pub mod app;
pub mod bench;
pub mod bundled;
pub mod cli;
pub mod commands;
pub mod config;
pub mod consolidate;
pub mod db;
pub mod demo;
pub mod docx;
pub mod domain;
pub mod error;
pub mod ingest;
pub mod memory;
pub mod narrative;
pub mod plan_import;
pub mod plan_review;
pub mod remind;
pub mod round_trip;
pub mod telemetry;
pub mod web;
