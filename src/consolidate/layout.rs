//! The consolidated workbook's layout: sheet names, titles, columns (order, headers,
//! widths) and the texts of the document header, read from
//! `report_templates/consolidated/layout.toml` so that a secretariat can change them without
//! a rebuild. The bundled file is compiled in; an override file only needs the keys it
//! changes (tables are merged key by key, a `columns` list replaces the whole list).

use std::path::Path;

use serde::Deserialize;

use crate::error::{AppError, AppResult};

pub const DEFAULT_LAYOUT: &str = include_str!("../../report_templates/consolidated/layout.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    pub font: String,
    pub document: DocumentTexts,
    pub sheets: Sheets,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentTexts {
    pub parent_body: String,
    pub issuing_body: String,
    pub number: String,
    pub place: String,
    pub nation: String,
    pub motto: String,
    pub title: String,
    pub summary: String,
    pub recipients_title: String,
    pub recipients: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sheets {
    pub summary: SummarySheet,
    pub tasks: TableSheet,
    pub reports: TableSheet,
    pub difficulties: TableSheet,
    pub kpi: TableSheet,
    pub tracking: TrackingSheet,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarySheet {
    pub name: String,
    pub tasks_title: String,
    pub group_header: String,
    pub no_group: String,
    pub total_header: String,
    pub total_row: String,
    pub compliance_title: String,
    pub compliance_headers: [String; 4],
    /// The same headers for a quarter or a year, where each month's report counts once.
    pub span_compliance_headers: [String; 4],
    pub deadline_note: String,
    /// The note under the title of a quarter's or a year's report.
    pub span_note: String,
    pub tasks_chart_title: String,
    pub compliance_chart_title: String,
    pub first_column_width: f64,
    pub other_columns_width: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSheet {
    pub name: String,
    pub title: String,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub header: String,
    #[serde(default = "default_width")]
    pub width: f64,
}

fn default_width() -> f64 {
    15.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackingSheet {
    pub name: String,
    pub title: String,
    pub agency_header: String,
    pub agency_width: f64,
    pub period_header: String,
    pub period_width: f64,
    pub not_expected: String,
}

/// Column keys each table sheet knows.
pub const TASK_COLUMNS: &[&str] = &[
    "stt",
    "code",
    "group",
    "title",
    "lead",
    "coordinators",
    "due",
    "due_end",
    "state",
    "progress",
    "lead_result",
    "contributions",
];
pub const REPORT_COLUMNS: &[&str] = &[
    "stt",
    "agency",
    "submitted_at",
    "version",
    "timeliness",
    "findings",
    "reminders",
    "note",
];
pub const DIFFICULTY_COLUMNS: &[&str] = &["stt", "agency", "task", "difficulties", "proposals"];
pub const KPI_COLUMNS: &[&str] = &[
    "stt",
    "code",
    "task",
    "lead",
    "kpi",
    "target",
    "progress",
    "assessment",
];

impl Layout {
    /// The bundled layout.
    pub fn bundled() -> Layout {
        Layout::parse(DEFAULT_LAYOUT, None).expect("the bundled layout is valid")
    }

    /// The bundled layout with an override file merged over it.
    pub fn load(path: Option<&Path>) -> AppResult<Layout> {
        match path {
            None => Ok(Layout::bundled()),
            Some(path) => load_override(DEFAULT_LAYOUT, path, Layout::parse),
        }
    }

    /// Parses a base layout with an optional override merged over it.
    pub fn parse(base: &str, overlay: Option<&str>) -> Result<Layout, String> {
        let layout: Layout = parse_merged(base, overlay)?;
        layout.validate()?;
        Ok(layout)
    }

    fn validate(&self) -> Result<(), String> {
        let tables = [
            (&self.sheets.tasks, TASK_COLUMNS),
            (&self.sheets.reports, REPORT_COLUMNS),
            (&self.sheets.difficulties, DIFFICULTY_COLUMNS),
            (&self.sheets.kpi, KPI_COLUMNS),
        ];
        for (sheet, known) in tables {
            if sheet.columns.is_empty() {
                return Err(format!("trang \"{}\" không có cột nào", sheet.name));
            }
            for column in &sheet.columns {
                if !known.contains(&column.key.as_str()) {
                    return Err(format!(
                        "trang \"{}\" có cột \"{}\" không được hỗ trợ; các cột dùng được: {}",
                        sheet.name,
                        column.key,
                        known.join(", ")
                    ));
                }
            }
        }
        let mut names: Vec<&str> = vec![
            &self.sheets.summary.name,
            &self.sheets.tasks.name,
            &self.sheets.reports.name,
            &self.sheets.difficulties.name,
            &self.sheets.kpi.name,
            &self.sheets.tracking.name,
        ];
        for name in &names {
            let bad = name.is_empty()
                || name.chars().count() > 31
                || name.contains(['[', ']', ':', '*', '?', '/', '\\'])
                || name.starts_with('\'')
                || name.ends_with('\'');
            if bad {
                return Err(format!(
                    "tên trang \"{name}\" không hợp lệ (tối đa 31 ký tự, không chứa [ ] : * ? / \\)"
                ));
            }
        }
        names.sort_unstable_by_key(|n| n.to_lowercase());
        if let Some(w) = names
            .windows(2)
            .find(|w| w[0].to_lowercase() == w[1].to_lowercase())
        {
            return Err(format!("hai trang cùng tên \"{}\"", w[0]));
        }
        Ok(())
    }
}

/// Reads an override file and parses it over `base` with `parse`, naming the file in the
/// error. Shared by every layout read from `report_templates/` (the consolidated workbook,
/// the narrative report).
pub fn load_override<T>(
    base: &str,
    path: &Path,
    parse: impl FnOnce(&str, Option<&str>) -> Result<T, String>,
) -> AppResult<T> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        AppError::BadRequest(format!("Không đọc được tệp bố cục {}: {e}", path.display()))
    })?;
    parse(base, Some(&text))
        .map_err(|e| AppError::BadRequest(format!("Tệp bố cục {}: {e}", path.display())))
}

/// Parses the TOML `base` with an optional `overlay` merged over it (see [`merge`]) into
/// any layout type.
pub fn parse_merged<T: serde::de::DeserializeOwned>(
    base: &str,
    overlay: Option<&str>,
) -> Result<T, String> {
    let mut value: toml::Value =
        toml::from_str(base).map_err(|e| format!("bố cục không hợp lệ: {e}"))?;
    if let Some(overlay) = overlay {
        let over: toml::Value =
            toml::from_str(overlay).map_err(|e| format!("không đúng cú pháp TOML: {e}"))?;
        merge(&mut value, over);
    }
    value
        .try_into()
        .map_err(|e: toml::de::Error| format!("bố cục không hợp lệ: {}", e.message()))
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Value, over: toml::Value) {
    match (base, over) {
        (toml::Value::Table(base), toml::Value::Table(over)) => {
            for (key, value) in over {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, over) => *base = over,
    }
}

/// Values for the `{…}` placeholders of the layout's texts.
#[derive(Debug, Clone)]
pub struct Placeholders {
    pairs: Vec<(String, String)>,
}

impl Placeholders {
    pub fn new() -> Placeholders {
        Placeholders { pairs: Vec::new() }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Placeholders {
        self.pairs.push((format!("{{{key}}}"), value.into()));
        self
    }

    pub fn fill(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (key, value) in &self.pairs {
            out = out.replace(key, value);
        }
        out
    }
}

impl Placeholders {
    /// The values every report text may use ("{PROVINCE}", "{plan_number}",
    /// "{period_label}", …), shared by the workbook and the narrative report.
    pub fn of_report(c: &super::Consolidated) -> Placeholders {
        let data = &c.data;
        let province = province_name(&data.plan.province);
        let kind = province_kind(province);
        let month = data.period.month;
        Placeholders::new()
            .with("PROVINCE_KIND", kind.to_uppercase())
            .with("province_kind", kind)
            .with("PROVINCE", province.to_uppercase())
            .with("province", province)
            .with(
                "plan_number",
                data.plan
                    .number
                    .clone()
                    .unwrap_or_else(|| "(chưa có số)".into()),
            )
            .with("plan_title", data.plan.title.trim())
            .with("period_label", data.span.label())
            .with("month_label", month.label())
            .with("year", month.year.to_string())
    }
}

impl Default for Placeholders {
    fn default() -> Self {
        Placeholders::new()
    }
}

/// "tỉnh", or "thành phố" for the centrally run cities.
pub fn province_kind(province: &str) -> &'static str {
    let folded = crate::domain::fold::fold(province);
    const CITIES: [&str; 6] = [
        "ha noi",
        "ho chi minh",
        "hai phong",
        "da nang",
        "can tho",
        "hue",
    ];
    if CITIES.iter().any(|c| folded.ends_with(c)) {
        "thành phố"
    } else {
        "tỉnh"
    }
}

/// The province's name without a leading "tỉnh" / "thành phố".
pub fn province_name(province: &str) -> &str {
    let trimmed = province.trim();
    for prefix in ["Tỉnh ", "tỉnh ", "Thành phố ", "thành phố ", "TP. ", "TP "] {
        if let Some(rest) = trimmed.strip_prefix(prefix) {
            return rest.trim();
        }
    }
    trimmed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_layout_parses() {
        let layout = Layout::bundled();
        assert_eq!(layout.sheets.summary.name, "Tổng hợp");
        assert_eq!(layout.sheets.tasks.columns[0].key, "stt");
        assert_eq!(layout.font, "Times New Roman");
    }

    #[test]
    fn an_override_changes_only_what_it_names() {
        let layout = Layout::parse(
            DEFAULT_LAYOUT,
            Some(
                r#"
                [sheets.tasks]
                name = "Nhiệm vụ"
                columns = [
                    { key = "state", header = "Trạng thái" },
                    { key = "code", header = "Mã", width = 8 },
                ]
                "#,
            ),
        )
        .unwrap();
        assert_eq!(layout.sheets.tasks.name, "Nhiệm vụ");
        assert_eq!(layout.sheets.tasks.columns.len(), 2);
        assert_eq!(layout.sheets.tasks.columns[0].width, 15.0);
        assert!(layout.sheets.tasks.title.starts_with("CHI TIẾT"));
        assert_eq!(layout.sheets.reports.name, "Tình hình báo cáo");
    }

    #[test]
    fn bad_overrides_are_explained() {
        let err = Layout::parse(
            DEFAULT_LAYOUT,
            Some("[sheets.tasks]\ncolumns = [{ key = \"mau\", header = \"x\" }]"),
        )
        .unwrap_err();
        assert!(err.contains("mau") && err.contains("lead_result"), "{err}");
        let err =
            Layout::parse(DEFAULT_LAYOUT, Some("[sheets.kpi]\nname = \"Tổng hợp\"")).unwrap_err();
        assert!(err.contains("cùng tên"), "{err}");
        assert!(Layout::parse(DEFAULT_LAYOUT, Some("font = ")).is_err());
    }

    #[test]
    fn provinces_and_cities() {
        assert_eq!(province_kind("Trà Vinh"), "tỉnh");
        assert_eq!(province_kind("Hà Nội"), "thành phố");
        assert_eq!(province_kind("Thành phố Hồ Chí Minh"), "thành phố");
        assert_eq!(province_name("Tỉnh Trà Vinh"), "Trà Vinh");
        let p = Placeholders::new().with("province", "Trà Vinh");
        assert_eq!(p.fill("UBND tỉnh {province}"), "UBND tỉnh Trà Vinh");
    }
}
