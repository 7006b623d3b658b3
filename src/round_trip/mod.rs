//! The round trip between the service and an agency's clerk.
//!
//! - [`template`]: the agency's monthly report template, pre-filled with its tasks, laid out
//!   by `report_templates/agency_template/layout.toml` ([`layout`]), made to be read back
//!   without a warning;
//! - [`annotate`]: a copy of the workbook a clerk sent, with the findings written next to
//!   the rows they concern and a first sheet listing what to fix;
//! - [`infer`] and [`batch`]: a folder of reports received by e-mail, each file's agency
//!   inferred from its name or its header block, ingested on a small pool of workers.
//!
//! [`rebuild`] writes a grid back as a workbook, for the annotated copy (and the tests).

pub mod annotate;
pub mod batch;
pub mod infer;
pub mod layout;
pub mod rebuild;
pub mod template;
