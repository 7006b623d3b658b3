//! Plain types of the domain with their `parse` constructors; no I/O here.

pub mod agency_registry;
pub mod calendar;
pub mod due;
pub mod finding;
pub mod fold;
pub mod numbers;
pub mod period;
pub mod plan;
pub mod report_rule;
pub mod span;
pub mod task_code;
