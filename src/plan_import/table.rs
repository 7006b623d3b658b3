//! Assignment tables ("Bản phân công nhiệm vụ"): STT | Nội dung, nhiệm vụ | Đơn vị chủ trì |
//! Đơn vị phối hợp | Thời gian thực hiện / hoàn thành.
//!
//! The same reader serves a workbook's sheets, a Word table and a table written in a text
//! file. The header need not be on the first row; a second header row may split the time
//! column into "Thực hiện" | "Hoàn thành". Rows whose STT extends another's ("2" → "2.1")
//! are its sub-items; a numbered row with sub-items is a group; an unnumbered row that
//! names agencies is a task of the group above it, and one without is the continuation of
//! the row above.

use super::fields::Fields;
use super::outline::{parse_stt, Leaf, Style};
use crate::domain::fold::fold;

/// How far down a sheet the header row may be.
const HEADER_SEARCH_ROWS: usize = 30;

#[derive(Debug, Clone, Default)]
struct Columns {
    stt: Option<usize>,
    content: usize,
    lead: Option<usize>,
    /// "Cơ quan thực hiện" when there is no "chủ trì" column: "X chủ trì, phối hợp Y".
    executor: Option<usize>,
    coordinating: Option<usize>,
    /// Time columns, "Hoàn thành" first.
    due: Vec<usize>,
    extra: Vec<usize>,
}

/// Tasks read from a table, with the text above its header (a workbook's title rows).
#[derive(Debug, Clone)]
pub struct TableTasks {
    pub leaves: Vec<Leaf>,
    pub preamble: Vec<String>,
}

fn find_header(rows: &[Vec<String>]) -> Option<(usize, Columns)> {
    for (r, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let folded: Vec<String> = row.iter().map(|c| fold(c)).collect();
        let content = folded.iter().position(|c| {
            c.contains("noi dung") || c.contains("nhiem vu") || c.contains("cong viec")
        });
        let lead = folded.iter().position(|c| c.contains("chu tri"));
        let executor = folded.iter().position(|c| {
            (c.contains("co quan") || c.contains("don vi"))
                && c.contains("thuc hien")
                && !c.contains("thoi gian")
        });
        let Some(content) = content else { continue };
        if lead.is_none() && executor.is_none() {
            continue;
        }
        if lead == Some(content) || (lead.is_none() && executor == Some(content)) {
            continue;
        }
        let mut cols = Columns {
            content,
            lead,
            executor: if lead.is_none() { executor } else { None },
            ..Columns::default()
        };
        for (i, c) in folded.iter().enumerate() {
            if i == content || Some(i) == lead || Some(i) == cols.executor {
                continue;
            }
            if c == "stt"
                || c == "tt"
                || c.starts_with("so tt")
                || c.starts_with("so thu tu")
                || c.starts_with("stt ")
            {
                cols.stt = Some(i);
            } else if c.contains("phoi hop") {
                cols.coordinating.get_or_insert(i);
            } else if c.contains("thoi gian")
                || c.contains("thoi han")
                || c.contains("tien do")
                || c.contains("hoan thanh")
                || c.contains("lo trinh")
            {
                cols.due.push(i);
            } else if c.contains("san pham") || c.contains("chi tieu") || c.contains("ket qua") {
                cols.extra.push(i);
            }
        }
        if cols.stt.is_none() && content > 0 {
            cols.stt = Some(0).filter(|_| folded[0].is_empty() || folded[0].len() <= 6);
        }
        return Some((r, cols));
    }
    None
}

/// A second header row splitting the time column: "Thực hiện" | "Hoàn thành".
fn sub_header(row: &[String], cols: &mut Columns) -> bool {
    let folded: Vec<String> = row.iter().map(|c| fold(c)).collect();
    if folded.get(cols.content).is_some_and(|c| !c.is_empty()) {
        return false;
    }
    let start = cols.due.first().copied().unwrap_or(usize::MAX);
    let mut done = Vec::new();
    let mut doing = Vec::new();
    for (i, c) in folded.iter().enumerate() {
        if i < start {
            continue;
        }
        if c.contains("hoan thanh") || c.contains("ket thuc") {
            done.push(i);
        } else if c.contains("thuc hien") || c.contains("bat dau") {
            doing.push(i);
        }
    }
    if done.is_empty() && doing.is_empty() {
        return false;
    }
    done.extend(doing);
    cols.due = done;
    true
}

/// Reads the best assignment table among `tables` (the one with the most tasks).
pub fn best(
    tables: &[Vec<Vec<String>>],
    place: &dyn Fn(usize, usize) -> String,
) -> Option<TableTasks> {
    let mut best: Option<TableTasks> = None;
    for (t, rows) in tables.iter().enumerate() {
        if let Some(found) = read(rows, &|r| place(t, r)) {
            if found.leaves.len() > best.as_ref().map_or(0, |b| b.leaves.len()) {
                best = Some(found);
            }
        }
    }
    best
}

#[derive(Debug, Clone, Default)]
struct Row {
    style: Option<Style>,
    tokens: Vec<String>,
    fields: Fields,
    place: String,
    children: Vec<Row>,
    depth: usize,
}

fn cell(row: &[String], i: Option<usize>) -> String {
    i.and_then(|i| row.get(i))
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Reads one table; `None` without a header row or without any task.
pub fn read(rows: &[Vec<String>], place: &dyn Fn(usize) -> String) -> Option<TableTasks> {
    let (header, mut cols) = find_header(rows)?;
    let preamble: Vec<String> = rows[..header]
        .iter()
        .map(|r| {
            r.iter()
                .filter(|c| !c.trim().is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut first = header + 1;
    if rows.get(first).is_some_and(|r| sub_header(r, &mut cols)) {
        first += 1;
    }
    // A row of column numbers ("(1) (2) (3)" or "1 2 3") under the header.
    if rows.get(first).is_some_and(|r| {
        let filled: Vec<&String> = r.iter().filter(|c| !c.trim().is_empty()).collect();
        filled.len() >= 3
            && filled.iter().all(|c| {
                c.trim()
                    .trim_matches(['(', ')'])
                    .chars()
                    .all(|ch| ch.is_ascii_digit())
            })
    }) {
        first += 1;
    }
    let mut flat: Vec<Row> = Vec::new();
    let mut stack: Vec<Style> = Vec::new();
    for (r, row) in rows.iter().enumerate().skip(first) {
        let stt = cell(row, cols.stt);
        let content = cell(row, Some(cols.content));
        let lead = cell(row, cols.lead);
        let executor = cell(row, cols.executor);
        let coordinating = cell(row, cols.coordinating);
        let due: Vec<String> = cols
            .due
            .iter()
            .map(|&c| cell(row, Some(c)))
            .filter(|s| !s.is_empty())
            .collect();
        if content.is_empty() && lead.is_empty() && executor.is_empty() {
            continue;
        }
        let marker = parse_stt(&stt);
        let mut fields = Fields {
            title: content,
            ..Fields::default()
        };
        fields.lead.extend(Some(lead).filter(|s| !s.is_empty()));
        fields
            .executor
            .extend(Some(executor).filter(|s| !s.is_empty()));
        fields
            .coordinating
            .extend(Some(coordinating).filter(|s| !s.is_empty()));
        fields.time = due;
        for &c in &cols.extra {
            let v = cell(row, Some(c));
            if !v.is_empty() {
                fields.content.push(v);
            }
        }
        let assigns =
            !fields.lead.is_empty() || !fields.executor.is_empty() || !fields.time.is_empty();
        match marker {
            Some(m) => {
                if m.style == Style::Roman {
                    stack.clear();
                } else if let Some(pos) = stack.iter().position(|s| *s == m.style) {
                    stack.truncate(pos);
                } else if let Style::Arabic(d) = m.style {
                    if let Some(pos) = stack
                        .iter()
                        .position(|s| matches!(s, Style::Arabic(x) if *x > d))
                    {
                        stack.truncate(pos);
                    }
                }
                let depth = stack.len();
                stack.push(m.style.clone());
                flat.push(Row {
                    style: Some(m.style),
                    tokens: m.tokens,
                    fields,
                    place: place(r),
                    children: Vec::new(),
                    depth,
                });
            }
            None if !assigns && !flat.is_empty() => {
                // Continuation of the row above.
                let last = flat.last_mut().expect("checked");
                last.fields.content.push(fields.title);
            }
            None => {
                flat.push(Row {
                    style: None,
                    tokens: Vec::new(),
                    fields,
                    place: place(r),
                    children: Vec::new(),
                    depth: stack.len(),
                });
            }
        }
    }
    // Nest by depth.
    let mut roots: Vec<Row> = Vec::new();
    for row in flat {
        insert(&mut roots, row);
    }
    let mut leaves = Vec::new();
    let with_roman = needs_roman(&roots);
    let mut counter = 0;
    for row in &roots {
        let mut code = Vec::new();
        if row.style.is_none() {
            counter += 1;
            code.push(counter.to_string());
        }
        collect(row, &code, "", &[], with_roman, &mut leaves);
    }
    (!leaves.is_empty()).then_some(TableTasks { leaves, preamble })
}

fn insert(siblings: &mut Vec<Row>, row: Row) {
    if let Some(last) = siblings.last_mut() {
        let child = match (&row.style, &last.style) {
            (None, Some(_)) => {
                // An unnumbered task under a group row, unless the row above is a task itself.
                last.fields.lead.is_empty()
                    && last.fields.executor.is_empty()
                    && last.fields.time.is_empty()
                    || !last.children.is_empty()
            }
            (Some(_), _) => row.depth > last.depth && last.style.is_some(),
            (None, None) => false,
        };
        if child {
            insert(&mut last.children, row);
            return;
        }
    }
    siblings.push(row);
}

/// Whether Arabic numbering restarts under Roman groups, so the Roman numeral is needed to
/// keep codes unique.
fn needs_roman(roots: &[Row]) -> bool {
    let romans = roots
        .iter()
        .filter(|r| r.style == Some(Style::Roman))
        .count();
    if romans < 2 {
        return false;
    }
    let mut seen = std::collections::HashSet::new();
    roots
        .iter()
        .filter(|r| r.style == Some(Style::Roman))
        .flat_map(|r| r.children.iter())
        .any(|c| !seen.insert(c.tokens.clone()))
}

fn collect(
    row: &Row,
    parent: &[String],
    group: &str,
    inherited: &[Fields],
    with_roman: bool,
    out: &mut Vec<Leaf>,
) {
    let mut code = parent.to_vec();
    match &row.style {
        Some(Style::Roman) if !with_roman => {}
        Some(Style::Arabic(d)) if *d > 1 => {
            let prefix = &row.tokens[..d - 1];
            if code.ends_with(prefix) {
                code.truncate(code.len() - prefix.len());
            }
            code.extend(row.tokens.iter().cloned());
        }
        Some(_) => code.extend(row.tokens.iter().cloned()),
        None => {}
    }
    if row.children.is_empty() {
        out.push(Leaf {
            code: code.join("."),
            group: group.to_string(),
            fields: row.fields.clone(),
            inherited: inherited.to_vec(),
            place: Some(row.place.clone()),
        });
        return;
    }
    let mut chain = inherited.to_vec();
    chain.push(row.fields.clone());
    let unnumbered = row.children.iter().filter(|c| c.style.is_none()).count();
    let mut n = 0;
    for child in &row.children {
        let mut child_code = code.clone();
        if child.style.is_none() && unnumbered > 1 {
            n += 1;
            child_code.push(n.to_string());
        }
        collect(
            child,
            &child_code,
            &row.fields.title,
            &chain,
            with_roman,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        text.lines()
            .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
            .collect()
    }

    #[test]
    fn header_not_on_first_row_and_groups() {
        let t = rows(
            "UBND TỈNH X|||||\nBẢNG PHÂN CÔNG|||||\n\
             STT|Nội dung, nhiệm vụ|Đơn vị chủ trì|Đơn vị phối hợp|Thời gian thực hiện/hoàn thành|\n\
             ||||Thực hiện|Hoàn thành\n\
             1|Việc một|Văn phòng Sở|Các phòng||Theo yêu cầu\n\
             2|Nhóm hai||||\n\
             2.1|Việc hai một|Văn phòng Sở|||Tháng 3 năm 2022\n\
             2.2|Việc hai hai|Văn phòng Sở||Từ tháng 6 năm 2022|\n\
             3|Nhóm ba||||\n\
             |Việc ba không số|Văn phòng Sở|||Thường xuyên",
        );
        let found = read(&t, &|r| format!("dòng {}", r + 1)).unwrap();
        let codes: Vec<&str> = found.leaves.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, vec!["1", "2.1", "2.2", "3"]);
        assert_eq!(found.leaves[1].group, "Nhóm hai");
        assert_eq!(found.leaves[1].fields.time, vec!["Tháng 3 năm 2022"]);
        assert_eq!(found.leaves[2].fields.time, vec!["Từ tháng 6 năm 2022"]);
        assert_eq!(found.leaves[3].fields.title, "Việc ba không số");
        assert_eq!(found.leaves[3].group, "Nhóm ba");
        assert_eq!(found.preamble, vec!["UBND TỈNH X", "BẢNG PHÂN CÔNG"]);
    }

    #[test]
    fn roman_groups_restarting_numbers() {
        let t = rows(
            "TT|Nhiệm vụ|Cơ quan chủ trì|Thời hạn\nI|Nhóm A||\n1|Việc A1|Sở Y tế|Quý I/2023\nII|Nhóm B||\n1|Việc B1|Sở Tư pháp|Quý II/2023",
        );
        let found = read(&t, &|r| r.to_string()).unwrap();
        let codes: Vec<&str> = found.leaves.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, vec!["i.1", "ii.1"]);
    }

    #[test]
    fn no_header_no_table() {
        assert!(read(&rows("a|b\nc|d"), &|r| r.to_string()).is_none());
    }
}
