//! The narrative report's wording, headings, signature block and page setup, read from
//! `report_templates/narrative/layout.toml` so that a secretariat can adapt them without a
//! rebuild. Loaded the same way as the consolidated workbook's layout
//! ([`crate::consolidate::layout`]): the bundled file is compiled in and an override file
//! only needs the keys it changes. The header block reuses the workbook's
//! [`DocumentTexts`].

use std::path::Path;

use serde::Deserialize;

use crate::{
    consolidate::layout::{load_override, parse_merged, DocumentTexts},
    error::AppResult,
};

pub const DEFAULT_LAYOUT: &str = include_str!("../../report_templates/narrative/layout.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeLayout {
    pub font: String,
    /// Points (13 or 14).
    pub font_size: f64,
    pub page: Margins,
    pub document: DocumentTexts,
    pub signature: Signature,
    pub headings: Headings,
    pub texts: Texts,
}

/// Margins in millimetres.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margins {
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// "KT. TỔ TRƯỞNG"; empty when the head signs.
    pub authority: String,
    pub position: String,
    pub signer: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Headings {
    pub results: String,
    pub overall: String,
    pub by_group: String,
    pub shortcomings: String,
    pub next_period: String,
    pub proposals: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub opening: String,
    pub tasks_total: String,
    pub state_line: String,
    pub reports: String,
    pub span_reports: String,
    pub appendix: String,
    pub no_group: String,
    pub group_counts: String,
    pub result_line: String,
    pub no_result: String,
    pub condense_chars: usize,
    pub overdue: String,
    pub overdue_line: String,
    pub no_report_tasks: String,
    pub no_report_line: String,
    pub missing_agencies: String,
    pub late_agencies: String,
    pub difficulties: String,
    pub grouped_line: String,
    pub no_shortcomings: String,
    pub cause: String,
    pub next_intro: String,
    pub next_line: String,
    pub next_overdue: String,
    pub next_recurring: String,
    pub no_proposals: String,
    pub closing: String,
}

impl NarrativeLayout {
    pub fn bundled() -> NarrativeLayout {
        NarrativeLayout::parse(DEFAULT_LAYOUT, None).expect("the bundled narrative layout is valid")
    }

    /// The bundled layout with an override file merged over it.
    pub fn load(path: Option<&Path>) -> AppResult<NarrativeLayout> {
        match path {
            None => Ok(NarrativeLayout::bundled()),
            Some(path) => load_override(DEFAULT_LAYOUT, path, NarrativeLayout::parse),
        }
    }

    pub fn parse(base: &str, overlay: Option<&str>) -> Result<NarrativeLayout, String> {
        let layout: NarrativeLayout = parse_merged(base, overlay)?;
        if !(8.0..=20.0).contains(&layout.font_size) {
            return Err(format!(
                "cỡ chữ {} không hợp lệ (Nghị định 30/2020: cỡ 13 hoặc 14)",
                layout.font_size
            ));
        }
        let m = layout.page;
        if [m.top, m.bottom, m.left, m.right]
            .iter()
            .any(|v| !(5.0..=60.0).contains(v))
        {
            return Err("lề trang phải từ 5 đến 60 mm".into());
        }
        if layout.texts.condense_chars < 20 {
            return Err("condense_chars phải từ 20 ký tự trở lên".into());
        }
        Ok(layout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_layout_parses() {
        let layout = NarrativeLayout::bundled();
        assert_eq!(layout.font, "Times New Roman");
        assert_eq!(layout.signature.authority, "KT. TỔ TRƯỞNG");
        assert_eq!(layout.headings.results, "I. KẾT QUẢ THỰC HIỆN");
        assert_eq!(layout.page.left, 30.0);
    }

    #[test]
    fn an_override_changes_only_what_it_names() {
        let layout = NarrativeLayout::parse(
            DEFAULT_LAYOUT,
            Some("[signature]\nauthority = \"\"\nposition = \"TỔ TRƯỞNG\"\n"),
        )
        .unwrap();
        assert_eq!(layout.signature.authority, "");
        assert_eq!(layout.signature.position, "TỔ TRƯỞNG");
        assert_eq!(layout.headings.proposals, "IV. ĐỀ XUẤT, KIẾN NGHỊ");
        let err = NarrativeLayout::parse(DEFAULT_LAYOUT, Some("font_size = 40")).unwrap_err();
        assert!(err.contains("cỡ chữ"), "{err}");
        let err = NarrativeLayout::parse(DEFAULT_LAYOUT, Some("[texts]\nmau = \"x\"")).unwrap_err();
        assert!(err.contains("mau"), "{err}");
    }
}
