//! Ingest: an agency's uploaded workbook → the plan's tasks.
//!
//! `read` (isolated, bounded) turns bytes into a `grid`; `layout` finds the report `table`
//! in it; `matcher` links its rows to the plan's tasks. Everything after `read` is pure.

pub mod grid;
pub mod layout;
pub mod matcher;
mod merge_index;
pub mod pipeline;
pub mod read;
pub mod table;
pub mod values;
