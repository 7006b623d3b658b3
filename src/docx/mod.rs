//! A small writer of Word documents (.docx, WordprocessingML), for the narrative report.
//!
//! Why not a crate: docx-rs (the well-kept choice) is 36k lines with a reader we do not need
//! and pins zip 8 and quick-xml 0.41, while tonghop already builds zip 9 and quick-xml 0.42;
//! on the 2-core build machine the duplicate majors cost more than the few hundred lines
//! here. What a Nghị định 30/2020 report needs is a small part of WordprocessingML:
//! paragraphs of runs (bold, italic, underline, size, line breaks), borderless tables for the
//! header and signature blocks, one A4 section with margins, and a page-number header that
//! is left off the first page.
//!
//! - [`model`]: the document as plain values;
//! - [`parts`]: each XML part as a string (pure);
//! - [`package`]: the zip, with a fixed time on every entry and in `docProps/core.xml`, so
//!   the same document gives the same bytes.

pub mod model;
pub mod package;
pub mod parts;

pub use model::{Align, Block, Cell, Document, PageSetup, Paragraph, Run, Table};
pub use package::write;
