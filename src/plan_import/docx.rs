//! Word documents (.docx): paragraphs and tables from `word/document.xml`.
//!
//! Only text matters here: runs (`w:t`) are joined into paragraphs, tabs become spaces and
//! line breaks split a paragraph. Automatic list numbering (`w:numPr`, defined in
//! `word/numbering.xml`) is rendered into the text ("1.", "a)", "II.") because plans number
//! their tasks with it as often as by hand. Small tables (the two-column header with the
//! issuing body and the national motto) are read as paragraphs; larger ones are kept as
//! tables for the assignment-table reader.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::error::PlanImportError;
use super::text::{repair_runs, RawLine};
use super::Document;
use crate::domain::task_code::to_roman;

/// Largest `document.xml` accepted, uncompressed.
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;
/// Tables with at most this many rows are layout, read as paragraphs.
const LAYOUT_TABLE_ROWS: usize = 3;

pub fn read(bytes: &[u8], file: &str) -> Result<Document, PlanImportError> {
    let corrupt = |detail: String| PlanImportError::Corrupt {
        file: file.to_string(),
        format: "Word (.docx)".into(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(e.to_string()))?;
    let document = read_entry(&mut archive, "word/document.xml")
        .map_err(corrupt)?
        .ok_or_else(|| corrupt("thiếu phần nội dung word/document.xml".into()))?;
    let numbering = read_entry(&mut archive, "word/numbering.xml")
        .ok()
        .flatten()
        .map(|xml| Numbering::parse(&xml))
        .unwrap_or_default();
    parse_document(&document, numbering).map_err(corrupt)
}

fn read_entry(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, String> {
    let entry = match archive.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    if entry.size() > MAX_XML_BYTES {
        return Err(format!("phần {name} quá lớn"));
    }
    let mut text = String::new();
    entry
        .take(MAX_XML_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok(Some(text))
}

/// List definitions: numId → level → (format, text pattern, start).
#[derive(Debug, Default, Clone)]
pub struct Numbering {
    abstract_levels: HashMap<String, HashMap<u32, Level>>,
    num_to_abstract: HashMap<String, String>,
}

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

impl Numbering {
    pub fn parse(xml: &str) -> Numbering {
        let mut out = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut current_abstract: Option<String> = None;
        let mut current_level: Option<u32> = None;
        let mut current_num: Option<String> = None;
        loop {
            let event = match reader.read_event() {
                Ok(Event::Eof) | Err(_) => break,
                Ok(e) => e,
            };
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = e.local_name();
                    let attr = |key: &str| {
                        e.try_get_attribute(key).ok().flatten().and_then(|a| {
                            a.normalized_value(XmlVersion::Implicit1_0)
                                .ok()
                                .map(|v| v.to_string())
                        })
                    };
                    match name.as_ref() {
                        "abstractNum" => current_abstract = attr("w:abstractNumId"),
                        "lvl" => current_level = attr("w:ilvl").and_then(|v| v.parse().ok()),
                        "num" => current_num = attr("w:numId"),
                        "abstractNumId" => {
                            if let (Some(num), Some(id)) = (&current_num, attr("w:val")) {
                                out.num_to_abstract.insert(num.clone(), id);
                            }
                        }
                        "numFmt" | "lvlText" | "start" => {
                            if let (Some(a), Some(l)) = (&current_abstract, current_level) {
                                let level = out
                                    .abstract_levels
                                    .entry(a.clone())
                                    .or_default()
                                    .entry(l)
                                    .or_insert(Level {
                                        start: 1,
                                        ..Level::default()
                                    });
                                let v = attr("w:val").unwrap_or_default();
                                match name.as_ref() {
                                    "numFmt" => level.format = v,
                                    "lvlText" => level.text = v,
                                    _ => level.start = v.parse().unwrap_or(1),
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    "abstractNum" => current_abstract = None,
                    "lvl" => current_level = None,
                    "num" => current_num = None,
                    _ => {}
                },
                _ => {}
            }
        }
        out
    }

    fn level(&self, num: &str, ilvl: u32) -> Option<&Level> {
        let abs = self.num_to_abstract.get(num)?;
        self.abstract_levels.get(abs)?.get(&ilvl)
    }
}

/// Running counters of automatic numbering.
#[derive(Default)]
struct Counters {
    /// (numId, level) → current value.
    values: HashMap<(String, u32), u32>,
}

impl Counters {
    fn label(&mut self, numbering: &Numbering, num: &str, ilvl: u32) -> Option<String> {
        let level = numbering.level(num, ilvl)?;
        if level.format == "bullet" {
            return Some("-".into());
        }
        if level.format == "none" {
            return None;
        }
        let start = level.start;
        self.values
            .entry((num.to_string(), ilvl))
            .and_modify(|v| *v += 1)
            .or_insert(start);
        // Restart deeper levels.
        self.values.retain(|(n, l), _| n != num || *l <= ilvl);
        let mut text = level.text.clone();
        for l in 0..=ilvl {
            let placeholder = format!("%{}", l + 1);
            if !text.contains(&placeholder) {
                continue;
            }
            let value = self
                .values
                .get(&(num.to_string(), l))
                .copied()
                .unwrap_or_else(|| numbering.level(num, l).map_or(1, |lv| lv.start));
            let format = numbering
                .level(num, l)
                .map_or("decimal", |lv| lv.format.as_str());
            text = text.replace(&placeholder, &format_number(value, format));
        }
        Some(text)
    }
}

fn format_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letter(n).to_string(),
        "upperLetter" => letter(n).to_ascii_uppercase().to_string(),
        "upperRoman" => to_roman(n).to_ascii_uppercase(),
        "lowerRoman" => to_roman(n),
        _ => n.to_string(),
    }
}

fn letter(n: u32) -> char {
    (b'a' + ((n.max(1) - 1) % 26) as u8) as char
}

#[derive(Default)]
struct TableBuild {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Vec<String>,
}

fn parse_document(xml: &str, numbering: Numbering) -> Result<Document, String> {
    let mut reader = Reader::from_str(xml);
    let mut raw: Vec<RawLine> = Vec::new();
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut stack: Vec<TableBuild> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut num: Option<(Option<String>, Option<u32>)> = None;
    let mut counters = Counters::default();
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attr = |key: &str| {
                    e.try_get_attribute(key).ok().flatten().and_then(|a| {
                        a.normalized_value(XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v.to_string())
                    })
                };
                match e.local_name().as_ref() {
                    "p" => {
                        para.clear();
                        num = None;
                    }
                    "t" => in_text = true,
                    "tab" => para.push(' '),
                    "br" | "cr" => para.push('\n'),
                    "numPr" => num = Some((None, None)),
                    "numId" => {
                        if let Some(n) = num.as_mut() {
                            n.0 = attr("w:val");
                        }
                    }
                    "ilvl" => {
                        if let Some(n) = num.as_mut() {
                            n.1 = attr("w:val").and_then(|v| v.parse().ok());
                        }
                    }
                    "tbl" => stack.push(TableBuild::default()),
                    "tr" => {
                        if let Some(t) = stack.last_mut() {
                            t.row.clear();
                        }
                    }
                    "tc" => {
                        if let Some(t) = stack.last_mut() {
                            t.cell.clear();
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => para.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                } else {
                    para.push_str(match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let mut text = std::mem::take(&mut para);
                    if let Some((Some(id), level)) = num.take() {
                        if id != "0" {
                            if let Some(label) = counters.label(&numbering, &id, level.unwrap_or(0))
                            {
                                text = format!("{label} {}", text.trim_start());
                            }
                        }
                    }
                    match stack.last_mut() {
                        Some(t) => t.cell.push(text),
                        None => {
                            let pieces: Vec<&str> = text.split('\n').collect();
                            let n = pieces.len();
                            for (i, piece) in pieces.into_iter().enumerate() {
                                raw.push(RawLine {
                                    text: super::text::clean_markup(piece),
                                    hard_break: i + 1 < n,
                                });
                            }
                            // Paragraph ends are real ends: mark with an empty line.
                            raw.push(RawLine {
                                text: String::new(),
                                hard_break: false,
                            });
                        }
                    }
                }
                "tc" => {
                    if let Some(t) = stack.last_mut() {
                        let cell = t
                            .cell
                            .iter()
                            .map(|p| p.replace('\n', " ").trim().to_string())
                            .filter(|p| !p.is_empty())
                            .collect::<Vec<_>>()
                            .join("\n");
                        t.row.push(cell);
                    }
                }
                "tr" => {
                    if let Some(t) = stack.last_mut() {
                        let row = std::mem::take(&mut t.row);
                        t.rows.push(row);
                    }
                }
                "tbl" => {
                    let table = stack.pop().unwrap_or_default();
                    if let Some(outer) = stack.last_mut() {
                        // A table inside a cell: its text belongs to the cell.
                        for row in table.rows {
                            outer.cell.push(row.join(" "));
                        }
                    } else if table.rows.len() <= LAYOUT_TABLE_ROWS {
                        for row in &table.rows {
                            for cell in row {
                                for line in cell.split('\n') {
                                    raw.push(RawLine {
                                        text: super::text::clean_markup(line),
                                        hard_break: false,
                                    });
                                }
                                raw.push(RawLine {
                                    text: String::new(),
                                    hard_break: true,
                                });
                            }
                        }
                    } else {
                        tables.push(
                            table
                                .rows
                                .into_iter()
                                .map(|r| r.into_iter().map(|c| c.replace('\n', " ")).collect())
                                .collect(),
                        );
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    // Cells of a layout table never continue each other: repair each run separately.
    let lines = repair_runs(raw);
    Ok(Document { lines, tables })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_rendered() {
        let numbering = Numbering::parse(
            r#"<w:numbering xmlns:w="x"><w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
            <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
            </w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#,
        );
        let p = |lvl: u32, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let xml = format!(
            "<w:document xmlns:w=\"x\"><w:body>{}{}{}{}{}</w:body></w:document>",
            p(0, "MỤC ĐÍCH"),
            p(0, "NHIỆM VỤ"),
            p(1, "Nhóm một"),
            p(2, "Việc a &amp; b"),
            p(2, "Việc b"),
        );
        let doc = parse_document(&xml, numbering).unwrap();
        assert_eq!(
            doc.lines,
            vec![
                "I. MỤC ĐÍCH",
                "II. NHIỆM VỤ",
                "1. Nhóm một",
                "a) Việc a & b",
                "b) Việc b"
            ]
        );
    }
}
