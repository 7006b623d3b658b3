//! Ingest: an agency's uploaded workbook → the plan's tasks.
//!
//! `read` (isolated, bounded) turns bytes into a `grid`, row by row; `layout` finds the report
//! `table` in it as the rows arrive and hands the table's data rows on as they are made;
//! `normalise` matches each to the plan's tasks (`matcher`) as it comes; `store` keeps them,
//! on a thread of its own once a table is large, so a large upload is read, laid out,
//! matched and stored at the same time. Everything between `read` and `store` is pure.

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
