//! Ingest: an agency's uploaded workbook → the plan's tasks.
//!
//! `read` (isolated, bounded) turns bytes into a `grid`, row by row; `layout` finds the report
//! `table` in it as the rows arrive; `matcher` links its rows to the plan's tasks; `store`
//! keeps them, overlapping the matcher on a large table. Everything between `read` and
//! `store` is pure.

pub mod grid;
pub mod layout;
pub mod matcher;
mod merge_index;
mod normalise;
pub mod pipeline;
pub mod read;
mod store;
pub mod table;
pub mod values;
