//! The narrative draft report (.docx): "Báo cáo kết quả thực hiện Kế hoạch … tháng 11/2022",
//! the document the secretariat sends the Chairman with the consolidated workbook as its
//! appendix (Phụ lục). Until now they copied the workbook's figures into Word by hand; this
//! hands them a draft laid out by Nghị định 30/2020/NĐ-CP with the figures already in.
//!
//! Pure stages over the same [`Consolidated`] the workbook is written from, so the figures
//! are the workbook's:
//! - [`outline::build`]: the content (header texts, sections I–IV, recipients, signature);
//! - [`render::render`]: the official layout as a [`crate::docx::Document`];
//! - [`crate::docx::write`]: the bytes (fixed times: the same data gives the same file).
//!
//! Wording, headings and the signature block come from [`layout::NarrativeLayout`]
//! (`report_templates/narrative/layout.toml`, overridable key by key).

pub mod format;
pub mod layout;
pub mod outline;
pub mod render;

#[cfg(test)]
mod outline_tests;

use self::layout::NarrativeLayout;
use crate::{
    consolidate::{workbook::WriteOptions, Consolidated},
    error::AppResult,
};

/// The report of `c` as .docx bytes.
pub fn write(
    c: &Consolidated,
    layout: &NarrativeLayout,
    options: &WriteOptions,
) -> AppResult<Vec<u8>> {
    let outline = outline::build(c, layout, options);
    crate::docx::write(&render::render(&outline, layout))
}

/// A file name for the download: "Bao_cao_13-KH-UBND_2022-11.docx".
pub fn file_name(c: &Consolidated) -> String {
    let plan = c
        .data
        .plan
        .number
        .clone()
        .unwrap_or_else(|| c.data.plan.id.to_string())
        .replace(['/', ' '], "-");
    format!("Bao_cao_{plan}_{}.docx", c.data.span)
}
