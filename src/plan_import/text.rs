//! Plain-text plans: decoding, markup removal and repair of broken lines.
//!
//! Plans arrive as text converted from the signed Word or PDF file. Conversions break a
//! sentence over several lines (sometimes with a blank line in between: "…ngoài công lập đầu
//! tư" / "thiết bị đọc QR Code…"), leave Markdown emphasis ("**", "*", "#") or HTML tags
//! ("<b>3</b>"), and flatten tables into tab-separated or pipe-separated rows. This module
//! turns such text into paragraphs and tables; nothing here knows about tasks.

use super::error::PlanImportError;
use super::outline::parse_marker;
use super::Document;
use crate::domain::fold::fold;

/// Decodes a text file: UTF-8 (with or without BOM) or UTF-16 with a BOM (as Notepad saves
/// "Unicode"), or UTF-16LE without BOM recognised by its zero bytes.
pub fn decode(bytes: &[u8], file: &str) -> Result<String, PlanImportError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        utf8(rest, file)?
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, u16::from_be_bytes)
    } else if looks_like_utf16le(bytes) {
        utf16(bytes, u16::from_le_bytes)
    } else {
        utf8(bytes, file)?
    };
    let controls = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    if controls * 50 > text.chars().count().max(1) {
        return Err(PlanImportError::Unsupported {
            file: file.to_string(),
            what: "tệp nhị phân không rõ định dạng".into(),
        });
    }
    Ok(text)
}

fn utf8(bytes: &[u8], file: &str) -> Result<String, PlanImportError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) => Err(PlanImportError::Unsupported {
            file: file.to_string(),
            what: "văn bản không ở bảng mã Unicode UTF-8 (có thể là bảng mã cũ TCVN3/VNI, hoặc không phải văn bản); hãy lưu lại với bảng mã UTF-8".into(),
        }),
    }
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| read([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

fn looks_like_utf16le(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(400)];
    sample.len() >= 4
        && sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
            * 2
            > sample.len() / 2
}

/// Removes Markdown and HTML markup from one line: heading "#", emphasis "**", "__", "*",
/// escapes, tags such as "<b>"; keeps the text of autolinks ("<https://…>").
pub fn clean_markup(line: &str) -> String {
    let mut s = line.trim();
    while let Some(rest) = s.strip_prefix('#') {
        s = rest;
    }
    let s = s.trim_start();
    let mut s = match s.strip_prefix("* ") {
        Some(rest) => format!("- {rest}"),
        None => s.to_string(),
    };
    s = s.replace("**", "").replace("__", "");
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '*' if !(i == 0 && chars.get(1) == Some(&' ')) => {
                i += 1;
                continue;
            }
            '<' => {
                if let Some(close) = chars[i..].iter().position(|&c| c == '>') {
                    let inner: String = chars[i + 1..i + close].iter().collect();
                    let tag = inner.trim_start_matches('/');
                    let is_tag = !tag.is_empty()
                        && tag.len() <= 12
                        && tag
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '/');
                    if inner.starts_with("http") {
                        out.push_str(&inner);
                        i += close + 1;
                        continue;
                    }
                    if is_tag {
                        if tag.eq_ignore_ascii_case("br") || tag.eq_ignore_ascii_case("br/") {
                            out.push(' ');
                        }
                        i += close + 1;
                        continue;
                    }
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line of raw text before repair.
#[derive(Debug, Clone)]
pub struct RawLine {
    pub text: String,
    /// The source ended the line on purpose (Markdown hard break "  ", Word line break).
    pub hard_break: bool,
}

/// Joins the pieces of broken sentences. A line continues the previous paragraph when it
/// starts with a lower-case letter, or when the previous line ends with a comma, a hyphen,
/// a connecting word ("và", "của", "với", …) or a hard line break — unless it starts with
/// a numbering mark or a bullet, or the previous line ended a sentence. Blank lines
/// (`text` empty) separate paragraphs but do not prevent a join: converters insert them in
/// the middle of sentences too.
/// Repairs each run of lines separately: an empty line with a hard break (a table, a cell
/// boundary) ends a run, and lines never continue across it.
pub fn repair_runs(raw: Vec<RawLine>) -> Vec<String> {
    let mut lines = Vec::new();
    let mut chunk: Vec<RawLine> = Vec::new();
    for line in raw {
        if line.text.is_empty() && line.hard_break {
            lines.extend(repair(&chunk));
            chunk.clear();
        } else {
            chunk.push(line);
        }
    }
    lines.extend(repair(&chunk));
    lines
}

pub fn repair(lines: &[RawLine]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut prev_hard = false;
    for line in lines {
        let text = line.text.trim();
        if text.is_empty() {
            continue;
        }
        let join = out
            .last()
            .is_some_and(|prev| continues(prev, text, prev_hard));
        if join {
            let prev = out.last_mut().expect("checked");
            prev.push(' ');
            prev.push_str(text);
        } else {
            out.push(text.to_string());
        }
        prev_hard = line.hard_break;
    }
    out
}

const CONNECTORS: [&str; 14] = [
    "va", "cua", "voi", "cac", "cho", "tai", "theo", "ve", "tren", "trong", "de", "hoac", "nhung",
    "la",
];

fn continues(prev: &str, next: &str, prev_hard: bool) -> bool {
    if parse_marker(next).is_some() || next.starts_with(['-', '+', '•', '–', '*']) {
        return false;
    }
    let last = prev.chars().last().unwrap_or(' ');
    if matches!(last, '.' | ';' | ':' | '!' | '?') {
        return false;
    }
    let first = next.chars().next().unwrap_or(' ');
    if first.is_lowercase() {
        return true;
    }
    if !first.is_alphabetic() {
        return false;
    }
    if last == ',' || last == '-' {
        return true;
    }
    let last_word = prev.split_whitespace().last().map(fold).unwrap_or_default();
    if CONNECTORS.contains(&last_word.as_str()) {
        return true;
    }
    // "BẢN PHÂN CÔNG … ĐỀ ÁN  " / "PHÁT TRIỂN …": a title broken on purpose.
    prev_hard && is_upper(prev) && is_upper(next)
}

fn is_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| !c.is_lowercase())
}

/// Splits a text file into paragraphs and tables. A line with two tabs or more is a table
/// row, and so is a Markdown row "| a | b |"; consecutive rows (blank lines allowed between
/// them) form a table.
pub fn document_from_text(text: &str) -> Document {
    let mut raw: Vec<RawLine> = Vec::new();
    let mut tables: Vec<Vec<Vec<String>>> = Vec::new();
    let mut in_table = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(cells) = table_row(line) {
            if cells.is_empty() {
                continue; // a Markdown separator row
            }
            if !in_table {
                tables.push(Vec::new());
                in_table = true;
            }
            tables.last_mut().expect("pushed").push(cells);
            raw.push(RawLine {
                text: String::new(),
                hard_break: true,
            });
            continue;
        }
        if line.trim().is_empty() {
            raw.push(RawLine {
                text: String::new(),
                hard_break: false,
            });
            continue;
        }
        in_table = false;
        raw.push(RawLine {
            hard_break: line.ends_with("  "),
            text: clean_markup(line),
        });
    }
    // A table between two paragraphs ends the first one.
    let lines = repair_runs(raw);
    Document { lines, tables }
}

/// Cells of a table row, `Some(vec![])` for a Markdown separator row, `None` for text.
fn table_row(line: &str) -> Option<Vec<String>> {
    let trimmed = line.trim();
    if trimmed.starts_with('|') && trimmed.ends_with('|') && trimmed.matches('|').count() >= 3 {
        let inner = &trimmed[1..trimmed.len() - 1];
        if inner
            .chars()
            .all(|c| matches!(c, '-' | ':' | '|' | ' ' | '\t'))
        {
            return Some(Vec::new());
        }
        return Some(inner.split('|').map(clean_markup).collect());
    }
    if line.matches('\t').count() >= 2 {
        let mut cells: Vec<String> = line.split('\t').map(clean_markup).collect();
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        return Some(cells);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_removed() {
        assert_eq!(
            clean_markup("### **Triển khai, thực hiện Đề án**"),
            "Triển khai, thực hiện Đề án"
        );
        assert_eq!(
            clean_markup("1.1. *Đẩy mạnh triển khai 53 DVC thiết yếu*"),
            "1.1. Đẩy mạnh triển khai 53 DVC thiết yếu"
        );
        assert_eq!(clean_markup("<b>3</b>"), "3");
        assert_eq!(
            clean_markup("website <https://daotao.ai>"),
            "website https://daotao.ai"
        );
        assert_eq!(clean_markup("* mục"), "- mục");
        assert_eq!(clean_markup("(*khi có*) và 2 \\* 3"), "(khi có) và 2 * 3");
    }

    #[test]
    fn broken_sentences_are_joined() {
        let doc = document_from_text(
            "- Chỉ đạo các cơ sở ngoài công lập đầu tư\n\nthiết bị đọc QR Code.\n\nb) Cơ quan chủ trì: Sở Y tế.\n\nc) Cơ quan phối hợp: Sở Tư pháp,\nCông an tỉnh.\nKẾ HOẠCH\nTriển khai Đề án",
        );
        assert_eq!(
            doc.lines,
            vec![
                "- Chỉ đạo các cơ sở ngoài công lập đầu tư thiết bị đọc QR Code.",
                "b) Cơ quan chủ trì: Sở Y tế.",
                "c) Cơ quan phối hợp: Sở Tư pháp, Công an tỉnh.",
                "KẾ HOẠCH",
                "Triển khai Đề án",
            ]
        );
    }

    #[test]
    fn tables_are_split_out() {
        let doc = document_from_text(
            "Bảng\n\nStt\tNội dung\tĐơn vị chủ trì\n1\t<b>Việc A</b>\tSở Y tế\n\n2\tViệc B\tSở Tư pháp\nHết\n\n| STT | Nội dung |\n|---|---|\n| 1 | Việc C |\n",
        );
        assert_eq!(doc.lines, vec!["Bảng", "Hết"]);
        assert_eq!(doc.tables.len(), 2);
        assert_eq!(doc.tables[0].len(), 3);
        assert_eq!(doc.tables[0][1], vec!["1", "Việc A", "Sở Y tế"]);
        assert_eq!(
            doc.tables[1],
            vec![vec!["STT", "Nội dung"], vec!["1", "Việc C"]]
        );
    }

    #[test]
    fn decoding() {
        assert_eq!(
            decode("\u{feff}Kế hoạch".as_bytes(), "a").unwrap(),
            "Kế hoạch"
        );
        let mut le = vec![0xFF, 0xFE];
        for u in "Kế hoạch".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le, "a").unwrap(), "Kế hoạch");
        let no_bom: Vec<u8> = "Kế hoạch số 1"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&no_bom, "a").unwrap(), "Kế hoạch số 1");
        assert!(decode(&[0xC3, 0x28, 0x41], "a").is_err());
        assert!(decode(&[1, 2, 3, 4, 5, 6, 7, 8], "a").is_err());
    }
}
