//! Finding the header row(s) of a report table and the role of each column.
//!
//! Every cell of the first rows is folded and compared with the Vietnamese names clerks give
//! columns ("STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tỷ lệ (%)", "Trạng thái"…).
//! A row scores by the roles it names, weighted by how much the report needs them; a pair of
//! rows is tried too, for headers where a merged "Kết quả thực hiện" stands over sub-columns
//! ("Đã hoàn thành" | "Đang thực hiện" | "Chưa thực hiện" ticks, or "Kết quả" | "Tỷ lệ (%)").
//! Titles, the national motto and the agency block score nothing, so they are passed over.

use std::collections::HashSet;

use super::cells;
use crate::{
    domain::fold::fold,
    ingest::{
        grid::{Cell, Sheet},
        table::{ColumnRole, ReportedStatus},
        values::{self, contains_phrase},
    },
};

/// How far down a sheet a header is looked for.
const SEARCH_ROWS: usize = 60;

/// The rows [`find_header`] looks at: the rows searched and the one under the last. A
/// sheet read as it arrives is searched once these are in.
pub(crate) const SEARCH_WINDOW: usize = SEARCH_ROWS + 1;

/// What a header cell says its column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    Role(ColumnRole),
    /// A tick-mark column: an "x" in it means this status.
    Tick(ReportedStatus),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    /// 0-based.
    pub col: usize,
    pub label: Label,
    /// The header text that gave the label (the sub-header's in a two-row header).
    pub text: String,
    /// Folded texts of the header cells over this column, to recognise a repeated header.
    pub keys: Vec<String>,
}

impl Column {
    pub fn role(&self) -> ColumnRole {
        match self.label {
            Label::Role(role) => role,
            Label::Tick(_) => ColumnRole::Status,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    /// 0-based rows, one or two.
    pub rows: Vec<usize>,
    /// The columns to read, left to right.
    pub columns: Vec<Column>,
    pub score: f64,
}

impl Header {
    pub fn has(&self, role: ColumnRole) -> bool {
        self.columns.iter().any(|c| c.role() == role)
    }

    pub fn last_row(&self) -> usize {
        self.rows.last().copied().unwrap_or(0)
    }
}

/// Number columns: whole text, or a longer name starting with it.
const NUMBER: &[&str] = &[
    "stt",
    "tt",
    "so tt",
    "so thu tu",
    "thu tu",
    "ma",
    "ma nv",
    "ma so",
    "ma nhiem vu",
    "ma cong viec",
    "so hieu",
    "ky hieu",
];

/// Phrases naming a role anywhere in a header cell; the one that comes first in the cell
/// decides ("Kết quả thực hiện nhiệm vụ" is a result, "Thời gian hoàn thành" a due time).
const PHRASES: &[(&str, ColumnRole)] = &[
    ("noi dung nhiem vu", ColumnRole::Task),
    ("ten nhiem vu", ColumnRole::Task),
    ("nhiem vu", ColumnRole::Task),
    ("noi dung cong viec", ColumnRole::Task),
    ("ten cong viec", ColumnRole::Task),
    ("cong viec", ColumnRole::Task),
    ("ket qua", ColumnRole::Result),
    ("tinh hinh thuc hien", ColumnRole::Result),
    ("tinh hinh trien khai", ColumnRole::Result),
    ("tinh hinh", ColumnRole::Result),
    ("tien do", ColumnRole::Progress),
    ("ty le", ColumnRole::Progress),
    ("ti le", ColumnRole::Progress),
    ("phan tram", ColumnRole::Progress),
    ("trang thai", ColumnRole::Status),
    ("tinh trang", ColumnRole::Status),
    ("danh gia", ColumnRole::Status),
    ("muc do hoan thanh", ColumnRole::Status),
    ("kho khan", ColumnRole::Difficulties),
    ("vuong mac", ColumnRole::Difficulties),
    ("ton tai", ColumnRole::Difficulties),
    ("han che", ColumnRole::Difficulties),
    ("de xuat", ColumnRole::Proposals),
    ("kien nghi", ColumnRole::Proposals),
    ("ghi chu", ColumnRole::Notes),
    ("chu tri", ColumnRole::Agency),
    ("phoi hop", ColumnRole::Agency),
    ("don vi", ColumnRole::Agency),
    ("co quan", ColumnRole::Agency),
    ("trach nhiem", ColumnRole::Agency),
    ("nguoi thuc hien", ColumnRole::Agency),
    ("thoi gian", ColumnRole::Due),
    ("thoi han", ColumnRole::Due),
    ("han hoan thanh", ColumnRole::Due),
    ("ngay hoan thanh", ColumnRole::Due),
];

/// Phrases used only when nothing stronger is in the cell ("Nội dung đề xuất" is a proposal).
const WEAK_PHRASES: &[(&str, ColumnRole)] = &[
    ("noi dung", ColumnRole::Task),
    ("muc do", ColumnRole::Status),
    ("san pham", ColumnRole::Result),
];

/// Words that, with a "%", name a progress column ("% hoàn thành", "Tỷ lệ (%)").
const PERCENT_WORDS: &[&str] = &[
    "hoan thanh",
    "ty le",
    "ti le",
    "tien do",
    "dat",
    "thuc hien",
];

/// Words naming a target column, which is neither progress nor result.
const TARGET_WORDS: &[&str] = &["chi tieu", "muc tieu"];

/// The label a header cell gives its column, if it names one.
#[cfg(test)]
pub(crate) fn classify(raw: &str) -> Option<Label> {
    let text = raw.trim();
    classify_folded(text, &fold(text))
}

/// [`classify`] of a trimmed text whose fold the caller already has.
fn classify_folded(text: &str, folded: &str) -> Option<Label> {
    if text.is_empty() {
        return None;
    }
    if !folded.is_empty()
        && folded
            .split(' ')
            .all(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        // "20%", "(3)", "1.234": a value or a column number, not a name.
        return None;
    }
    if folded.is_empty() {
        return text
            .contains('%')
            .then_some(Label::Role(ColumnRole::Progress));
    }
    // Titles ("BÁO CÁO Kết quả…", "KẾ HOẠCH…") and long texts are not column names.
    if folded.split(' ').count() > 12
        || folded.starts_with("bao cao")
        || folded.starts_with("ke hoach")
    {
        return None;
    }
    // A target ("Chỉ tiêu (%)", "Mục tiêu giao") is what the plan asks, not what was done.
    if TARGET_WORDS.iter().any(|w| contains_phrase(folded, w)) {
        return None;
    }
    if text.contains('%')
        && (folded.split(' ').count() <= 2
            || PERCENT_WORDS.iter().any(|w| contains_phrase(folded, w)))
    {
        return Some(Label::Role(ColumnRole::Progress));
    }
    let starts = |p: &str| {
        folded == p || (p.len() > 3 && folded.starts_with(p) && folded[p.len()..].starts_with(' '))
    };
    if NUMBER.iter().any(|p| starts(p)) {
        return Some(Label::Role(ColumnRole::Number));
    }
    if folded.split(' ').count() <= 5 {
        if let Some(status) = values::parse_status(text) {
            return Some(Label::Tick(status));
        }
    }
    earliest(folded, PHRASES)
        .or_else(|| earliest(folded, WEAK_PHRASES))
        .map(Label::Role)
}

fn earliest(folded: &str, phrases: &[(&str, ColumnRole)]) -> Option<ColumnRole> {
    phrases
        .iter()
        .filter_map(|&(phrase, role)| values::find_phrase(folded, phrase).map(|at| (at, role)))
        .min_by_key(|&(at, _)| at)
        .map(|(_, role)| role)
}

fn weight(role: ColumnRole) -> f64 {
    match role {
        ColumnRole::Task => 4.0,
        ColumnRole::Result => 3.0,
        ColumnRole::Progress | ColumnRole::Status => 2.0,
        ColumnRole::Number | ColumnRole::Difficulties | ColumnRole::Proposals => 1.0,
        ColumnRole::Notes | ColumnRole::Agency | ColumnRole::Due => 0.5,
    }
}

/// The best header of a sheet: one with a task column if there is any, else the best one
/// without (so the caller can say that the task column is missing).
pub(crate) fn find_header(sheet: &Sheet) -> Option<Header> {
    let mut best: Option<Header> = None;
    let last = sheet.rows.len().min(SEARCH_ROWS);
    // Only the rows searched (and the one under the last) can be a header: their width is
    // the table's, whatever is far below.
    let width = sheet.rows[..(last + 1).min(sheet.rows.len())]
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(merged_width(sheet, last + 1));
    let mut seen = Classified::default();
    for top in 0..last {
        let tries = [
            candidate(sheet, width, top, false, &mut seen),
            candidate(sheet, width, top, top + 1 < sheet.rows.len(), &mut seen),
        ];
        for header in tries.into_iter().flatten() {
            let better = match &best {
                None => true,
                Some(b) => {
                    let (h, bh) = (header.has(ColumnRole::Task), b.has(ColumnRole::Task));
                    h && !bh || (h == bh && header.score > b.score + 1e-9)
                }
            };
            if better {
                best = Some(header);
            }
        }
    }
    best
}

/// Columns reached by merged areas that start within the first `rows` rows.
fn merged_width(sheet: &Sheet, rows: usize) -> usize {
    sheet
        .merges
        .iter()
        .filter(|m| (m.first_row as usize) < rows)
        .map(|m| m.last_col as usize + 1)
        .max()
        .unwrap_or(0)
}

/// Header texts already classified: every row is tried alone and under the row above, so
/// each text is folded and classified once, and candidates refer to it by index.
#[derive(Default)]
struct Classified {
    index: std::collections::HashMap<String, usize>,
    /// The label and the folded key of each text.
    entries: Vec<(Option<Label>, String)>,
}

impl Classified {
    /// The index of a trimmed header text's entry.
    fn get(&mut self, text: &str) -> usize {
        if let Some(&at) = self.index.get(text) {
            return at;
        }
        let folded = fold(text);
        self.entries.push((classify_folded(text, &folded), folded));
        self.index.insert(text.to_string(), self.entries.len() - 1);
        self.entries.len() - 1
    }

    fn label(&self, at: usize) -> Option<Label> {
        self.entries[at].0
    }

    fn key(&self, at: usize) -> String {
        self.entries[at].1.clone()
    }
}

/// The header made of row `top` (and `top + 1` when `two`), if it is one.
fn candidate(
    sheet: &Sheet,
    width: usize,
    top: usize,
    two: bool,
    seen: &mut Classified,
) -> Option<Header> {
    let mut columns = Vec::new();
    let mut penalty = 0.0;
    let (mut from_top, mut from_bottom) = (0, 0);
    // Sub-columns that split a merged group header ("Kết quả thực hiện" over "Đã hoàn thành"
    // | "Đang thực hiện") explain the header better than the group name repeated.
    let mut refined = 0.0;
    for col in 0..width {
        if is_value(sheet.shown(top, col)) {
            penalty += 1.0;
            continue;
        }
        let top_cell = sheet.shown(top, col).text();
        let top_text = top_cell.trim();
        let top_entry = seen.get(top_text);
        let top_label = seen.label(top_entry);
        from_top += usize::from(top_label.is_some());
        // The label, the text that gave it, and the entries of the header cells above.
        let mut chosen = (top_label, top_text, (top_entry, None));
        let bottom_cell;
        if two {
            bottom_cell = sheet.shown(top + 1, col).text();
            let bottom_text = bottom_cell.trim();
            let merged = cells::origin(sheet, top, col) == cells::origin(sheet, top + 1, col);
            if is_value(sheet.shown(top + 1, col)) {
                penalty += 1.0;
            } else if !merged && !bottom_text.is_empty() {
                let bottom_entry = seen.get(bottom_text);
                let entries = (top_entry, Some(bottom_entry));
                match seen.label(bottom_entry) {
                    Some(label) => {
                        from_bottom += 1;
                        let split = sheet
                            .merge_at(top, col)
                            .is_some_and(|m| m.first_col != m.last_col);
                        if split
                            && matches!(label, Label::Role(ColumnRole::Task | ColumnRole::Number))
                        {
                            // Tasks and numbers are never sub-columns of a group: the cell
                            // merged over them is a title.
                            return None;
                        }
                        if split || top_text.is_empty() {
                            refined += 1.0;
                        }
                        chosen = (Some(label), bottom_text, entries);
                    }
                    None => {
                        penalty += 0.3;
                        chosen.2 = entries;
                    }
                }
            }
        }
        match chosen {
            (Some(label), text, entries) => columns.push(Column {
                col,
                label,
                text: text.to_string(),
                keys: std::iter::once(entries.0)
                    .chain(entries.1)
                    .map(|at| seen.key(at))
                    .collect(),
            }),
            (None, text, _) if !text.is_empty() => penalty += 0.3,
            _ => {}
        }
    }
    if two && (from_top == 0 || from_bottom == 0) {
        return None;
    }
    let mut roles: HashSet<ColumnRole> = HashSet::new();
    let mut ticks: Vec<ReportedStatus> = Vec::new();
    for column in &columns {
        match column.label {
            Label::Role(role) => {
                roles.insert(role);
            }
            Label::Tick(status) if !ticks.contains(&status) => ticks.push(status),
            Label::Tick(_) => {}
        }
    }
    let mut score: f64 = roles.iter().map(|&r| weight(r)).sum();
    if ticks.len() >= 2 && roles.insert(ColumnRole::Status) {
        score += weight(ColumnRole::Status);
    } else if !ticks.is_empty() {
        score += 0.5;
    }
    score += refined - penalty;
    if roles.len() < 2 || score < 3.0 {
        return None;
    }
    let rows = if two { vec![top, top + 1] } else { vec![top] };
    Some(Header {
        rows,
        columns: keep_used(columns),
        score,
    })
}

/// Numbers and dates never name a column.
fn is_value(cell: &Cell) -> bool {
    matches!(cell, Cell::Number(_) | Cell::DateTime(_) | Cell::Bool(_))
}

/// One column each for number, task, progress and status text; every column for the texts
/// that can be joined (results, difficulties, proposals, notes, agencies, due times) and for
/// tick marks.
fn keep_used(columns: Vec<Column>) -> Vec<Column> {
    let mut seen: HashSet<ColumnRole> = HashSet::new();
    columns
        .into_iter()
        .filter(|c| match c.label {
            Label::Tick(_) => true,
            Label::Role(
                role @ (ColumnRole::Number
                | ColumnRole::Task
                | ColumnRole::Progress
                | ColumnRole::Status),
            ) => seen.insert(role),
            Label::Role(_) => true,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnRole::*;

    fn role(text: &str) -> Option<ColumnRole> {
        match classify(text)? {
            Label::Role(r) => Some(r),
            Label::Tick(_) => None,
        }
    }

    #[test]
    fn synonyms() {
        for (text, expected) in [
            ("STT", Number),
            ("TT", Number),
            ("Số TT", Number),
            ("Mã NV", Number),
            ("Mã", Number),
            ("Nội dung nhiệm vụ", Task),
            ("NOI DUNG NHIEM VU", Task),
            ("Nhiệm vụ", Task),
            ("Tên nhiệm vụ", Task),
            ("Nội dung công việc", Task),
            ("Nội dung", Task),
            ("Kết quả thực hiện", Result),
            ("Kết quả triển khai", Result),
            ("Tình hình thực hiện", Result),
            ("Kết quả", Result),
            ("Kết quả thực hiện nhiệm vụ", Result),
            ("Tiến độ", Progress),
            ("Tỷ lệ hoàn thành (%)", Progress),
            ("% hoàn thành", Progress),
            ("Tỷ lệ (%)", Progress),
            ("(%)", Progress),
            ("Trạng thái", Status),
            ("Tình trạng", Status),
            ("Đánh giá", Status),
            ("Mức độ hoàn thành", Status),
            ("Khó khăn, vướng mắc", Difficulties),
            ("Tồn tại, hạn chế", Difficulties),
            ("Khó khăn", Difficulties),
            ("Đề xuất, kiến nghị", Proposals),
            ("Kiến nghị", Proposals),
            ("Đề xuất", Proposals),
            ("Nội dung đề xuất", Proposals),
            ("Ghi chú", Notes),
            ("Đơn vị chủ trì", Agency),
            ("Cơ quan phối hợp", Agency),
            ("Đơn vị thực hiện", Agency),
            ("Thời gian hoàn thành", Due),
            ("Thời gian thực hiện", Due),
        ] {
            assert_eq!(role(text), Some(expected), "{text}");
        }
        // Targets are what the plan asks, not what was done.
        assert_eq!(role("Chỉ tiêu (%)"), None);
        assert_eq!(role("Mục tiêu giao"), None);
    }

    #[test]
    fn status_words_are_tick_columns() {
        assert_eq!(
            classify("Đã hoàn thành"),
            Some(Label::Tick(ReportedStatus::Done))
        );
        assert_eq!(
            classify("Chưa thực hiện"),
            Some(Label::Tick(ReportedStatus::NotStarted))
        );
    }

    #[test]
    fn titles_and_admin_block_name_nothing() {
        for text in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 12/BC-CAT",
            "BÁO CÁO Kết quả thực hiện nhiệm vụ tháng 11",
            "CÔNG AN TỈNH TRÀ VINH",
            "Trà Vinh, ngày 05 tháng 01 năm 2023",
            "(1)",
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }
}
