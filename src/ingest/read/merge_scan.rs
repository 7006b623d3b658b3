//! Merged areas of xlsx worksheets, found without parsing each sheet a second time.
//!
//! calamine answers `merge_cells_by_sheet_name` by tokenising the sheet's whole XML again,
//! `<sheetData>` included, only to reach `<mergeCells>`, which the format puts after it.
//! On a 100k-row upload that second pass was a third of the read (0.23 s of 0.68 s). Here
//! the part is only inflated and searched for the element's name — in XML a raw `<` can
//! only start markup, since text and attribute values must escape it — and the short
//! section from there on is parsed.
//!
//! The part holding a sheet is found as calamine finds it (ECMA-376 Part 2, the package's
//! relationships): `_rels/.rels` names the workbook part, its own relationships map each
//! `<sheet r:id>` to a target, relative to the workbook's folder unless it starts with `/`,
//! and zip entry names are matched without regard to case or to `\` against `/`.
//! Whatever is unusual (a missing or unreadable part, a section that does not parse) gives
//! `None`, and the caller asks calamine instead: this is a shortcut, never a second opinion.
//!
//! One difference is accepted: the name inside a comment or CDATA section of `<sheetData>`
//! would be taken for the element. Real files do not carry such comments; a file made to do
//! so only misleads its own layout.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Largest relationships or workbook part read to find the sheets' parts.
const MAX_PACKAGE_PART: u64 = 8 * 1024 * 1024;
/// Largest tail of a sheet (from `<mergeCells>` to the end of the part) kept for parsing:
/// about 300k merged areas; past it, calamine reads them.
const MAX_TAIL: usize = 16 * 1024 * 1024;
/// Inflated bytes searched at a time.
const CHUNK: usize = 64 * 1024;

const ELEMENT: &str = "mergeCells";

/// The zip entry of every worksheet of a workbook, by sheet name.
pub struct SheetParts<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    parts: HashMap<String, String>,
}

impl<'a> SheetParts<'a> {
    /// Reads the package's relationships and the workbook's sheet list, or `None` when the
    /// package is not laid out as the format says.
    pub fn resolve(bytes: &'a [u8]) -> Option<SheetParts<'a>> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let entries = entry_names(&archive);
        let root = read_small(&mut archive, &entries, "_rels/.rels")?;
        let workbook = relationships(&root)?
            .into_values()
            .find(|(kind, _)| kind.ends_with("/relationships/officeDocument"))?
            .1;
        let workbook = workbook.strip_prefix('/').unwrap_or(&workbook).to_string();
        let (folder, name) = match workbook.rfind('/') {
            Some(i) => workbook.split_at(i + 1),
            None => ("", workbook.as_str()),
        };
        let rels = read_small(
            &mut archive,
            &entries,
            &format!("{folder}_rels/{name}.rels"),
        )?;
        let targets = relationships(&rels)?;
        let sheets = read_small(&mut archive, &entries, &workbook)?;
        let mut parts = HashMap::new();
        for (sheet, id) in sheet_ids(&sheets)? {
            let Some((_, target)) = targets.get(&id) else {
                continue;
            };
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{folder}{target}"),
            };
            if let Some(entry) = entries.get(&normalise(&path)) {
                parts.entry(sheet).or_insert_with(|| entry.clone());
            }
        }
        Some(SheetParts { archive, parts })
    }

    /// [`SheetParts::merged_areas`] of every sheet, by name.
    pub fn merged_areas_of_all(&mut self) -> HashMap<String, Option<Vec<Dimensions>>> {
        let names: Vec<String> = self.parts.keys().cloned().collect();
        names
            .into_iter()
            .map(|name| {
                let areas = self.merged_areas(&name);
                (name, areas)
            })
            .collect()
    }

    /// The merged areas of `sheet`, as calamine would give them, or `None` when they could
    /// not be found this way.
    pub fn merged_areas(&mut self, sheet: &str) -> Option<Vec<Dimensions>> {
        let part = self.parts.get(sheet)?;
        let entry = self.archive.by_name(part).ok()?;
        let tail = match find_tail(entry, CHUNK).ok()? {
            Tail::None => return Some(Vec::new()),
            Tail::Found(tail) => tail,
        };
        parse_merge_cells(&tail)
    }
}

/// Zip entry names by their normalised form (lower case, `/` separators).
fn entry_names(archive: &zip::ZipArchive<Cursor<&[u8]>>) -> HashMap<String, String> {
    let mut names = HashMap::with_capacity(archive.len());
    for name in archive.file_names().flatten() {
        names.insert(normalise(&name), name.to_string());
    }
    names
}

fn normalise(path: &str) -> String {
    path.replace('\\', "/").to_ascii_lowercase()
}

fn read_small(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    entries: &HashMap<String, String>,
    path: &str,
) -> Option<Vec<u8>> {
    let entry = archive.by_name(entries.get(&normalise(path))?).ok()?;
    let mut out = Vec::new();
    entry
        .take(MAX_PACKAGE_PART + 1)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() as u64 <= MAX_PACKAGE_PART).then_some(out)
}

fn reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = false;
    reader
}

/// Calls `each` for every element of that local name in `xml`; `None` when the XML, or
/// `each`, fails.
fn each_element(
    xml: &[u8],
    name: &str,
    mut each: impl FnMut(&BytesStart) -> Option<()>,
) -> Option<()> {
    let mut reader = reader(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == name => each(&e)?,
            Event::Eof => return Some(()),
            _ => {}
        }
    }
}

/// A relationships part: `Id` → (`Type`, `Target`).
fn relationships(xml: &[u8]) -> Option<HashMap<String, (String, String)>> {
    let mut out = HashMap::new();
    each_element(xml, "Relationship", |e| {
        let id = attribute(e, |key| key == "Id")?;
        let kind = attribute(e, |key| key == "Type")?.unwrap_or_default();
        let target = attribute(e, |key| key == "Target")?.unwrap_or_default();
        if let Some(id) = id {
            out.entry(id).or_insert((kind, target));
        }
        Some(())
    })?;
    Some(out)
}

/// The workbook's `<sheet>` elements: (name, relationship id), in order.
fn sheet_ids(xml: &[u8]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    each_element(xml, "sheet", |e| {
        let name = attribute(e, |key| key == "name")?;
        // `r:id`, whatever the prefix is called.
        let id = attribute(e, |key| key == "id" || key.ends_with(":id"))?;
        if let (Some(name), Some(id)) = (name, id) {
            out.push((name, id));
        }
        Some(())
    })?;
    Some(out)
}

/// The unescaped value of the first attribute whose key matches; `None` (outer) when the
/// element's attributes do not parse.
fn attribute(e: &BytesStart, key: impl Fn(&str) -> bool) -> Option<Option<String>> {
    for attr in e.attributes() {
        let attr = attr.ok()?;
        if key(attr.key.as_ref()) {
            let value = attr.normalized_value(XmlVersion::Implicit1_0).ok()?;
            return Some(Some(value.into_owned()));
        }
    }
    Some(None)
}

#[derive(Debug, PartialEq)]
enum Tail {
    /// The part has no `<mergeCells>`.
    None,
    /// The part from the `<` of `<mergeCells` (or `<x:mergeCells`) to its end.
    Found(Vec<u8>),
}

/// Streams `part`, `chunk` bytes at a time, looking for the start tag of `mergeCells`.
fn find_tail(mut part: impl Read, chunk: usize) -> std::io::Result<Tail> {
    let mut window: Vec<u8> = Vec::with_capacity(chunk + 256);
    let mut buf = vec![0u8; chunk];
    loop {
        let n = part.read(&mut buf)?;
        if n == 0 {
            return Ok(Tail::None);
        }
        window.extend_from_slice(&buf[..n]);
        if let Some(start) = start_tag(&window) {
            let mut tail = window.split_off(start);
            (&mut part)
                .take((MAX_TAIL - tail.len().min(MAX_TAIL)) as u64 + 1)
                .read_to_end(&mut tail)?;
            if tail.len() > MAX_TAIL {
                return Err(std::io::Error::other("mergeCells section too long"));
            }
            return Ok(Tail::Found(tail));
        }
        // Keep what a tag cut by the chunk boundary may need: `<`, a prefix, the name.
        let keep = window.len().min(128);
        window.drain(..window.len() - keep);
    }
}

/// Where the first complete `<mergeCells` or `<prefix:mergeCells` start tag begins.
fn start_tag(window: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(&window[from..], ELEMENT.as_bytes()).map(|i| i + from) {
        from = at + 1;
        // The byte after the name ends it (`>`, space, `/`); not yet read: look again.
        let &after = window.get(at + ELEMENT.len())?;
        if !(after == b'>' || after == b'/' || after.is_ascii_whitespace()) {
            continue;
        }
        let mut open = at;
        if open > 0 && window[open - 1] == b':' {
            open -= 1;
            while open > 0 && is_name_byte(window[open - 1]) {
                open -= 1;
            }
        }
        if open > 0 && window[open - 1] == b'<' {
            return Some(open - 1);
        }
    }
    None
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The areas of a `<mergeCells>` section, like calamine's reader: every `mergeCell`'s
/// `ref` until the section closes.
fn parse_merge_cells(tail: &[u8]) -> Option<Vec<Dimensions>> {
    let mut reader = reader(tail);
    let mut out = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Empty(e) if e.local_name().as_ref() == ELEMENT => return Some(out),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "mergeCell" => {
                if let Some(area) = attribute(&e, |key| key == "ref")? {
                    out.push(dimensions(&area)?);
                }
            }
            Event::End(e) if e.local_name().as_ref() == ELEMENT => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// "A1:C3" or "B2" as calamine reads it (0-based); `None` where calamine would fail.
fn dimensions(area: &str) -> Option<Dimensions> {
    let mut parts = area.split(':');
    let start = cell(parts.next()?)?;
    let end = match parts.next() {
        Some(end) => cell(end)?,
        None => start,
    };
    parts.next().is_none().then_some(Dimensions { start, end })
}

/// "AB12" → (11, 27): letters then digits, nothing else.
fn cell(reference: &str) -> Option<(u32, u32)> {
    let bytes = reference.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let digits = &bytes[letters..];
    if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut col: u32 = 0;
    for b in &bytes[..letters] {
        let value = u32::from(b.to_ascii_uppercase() - b'A') + 1;
        col = col.checked_mul(26)?.checked_add(value)?;
    }
    let mut row: u32 = 0;
    for b in digits {
        row = row.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_calamine_reads_them() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("ab12"), Some((11, 27)));
        assert_eq!(cell("XFD1048576"), Some((1_048_575, 16_383)));
        for bad in ["", "A", "12", "$A$1", "A1B", "A0", "Ā1"] {
            assert_eq!(cell(bad), None, "{bad}");
        }
        let d = dimensions("B2:D5").unwrap();
        assert_eq!((d.start, d.end), ((1, 1), (4, 3)));
        let single = dimensions("C3").unwrap();
        assert_eq!((single.start, single.end), ((2, 2), (2, 2)));
        assert!(dimensions("A1:B2:C3").is_none());
    }

    #[test]
    fn the_section_is_found_across_chunk_boundaries_and_with_a_prefix() {
        let plain = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>mergeCells &lt;mergeCells</t></is></c></row></sheetData><mergeCells count=\"2\"><mergeCell ref=\"A1:B1\"/><mergeCell ref=\"C2:C4\"/></mergeCells><pageMargins/></worksheet>";
        let prefixed = b"<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref=\"B2:C2\"></x:mergeCell></x:mergeCells></x:worksheet>";
        for chunk in [1, 2, 3, 7, 10, 11, 64, 4096] {
            let Tail::Found(tail) = find_tail(&plain[..], chunk).unwrap() else {
                panic!("not found with chunks of {chunk}");
            };
            assert!(tail.starts_with(b"<mergeCells count"), "{chunk}");
            let areas = parse_merge_cells(&tail).unwrap();
            assert_eq!(
                areas.iter().map(|d| (d.start, d.end)).collect::<Vec<_>>(),
                [((0, 0), (0, 1)), ((1, 2), (3, 2))]
            );
            let Tail::Found(tail) = find_tail(&prefixed[..], chunk).unwrap() else {
                panic!("prefixed not found with chunks of {chunk}");
            };
            let areas = parse_merge_cells(&tail).unwrap();
            assert_eq!(areas.len(), 1);
            assert_eq!((areas[0].start, areas[0].end), ((1, 1), (1, 2)));
        }
        let none = b"<worksheet><sheetData><row r=\"1\"/></sheetData><mergeCellsX/></worksheet>";
        assert_eq!(find_tail(&none[..], 5).unwrap(), Tail::None);
        assert_eq!(
            parse_merge_cells(b"<mergeCells/><mergeCell ref=\"A1:B1\"/>").unwrap(),
            Vec::new()
        );
        // A section that never closes, or an area calamine would reject: ask calamine.
        assert!(parse_merge_cells(b"<mergeCells><mergeCell ref=\"A1:B1\"/>").is_none());
        assert!(parse_merge_cells(b"<mergeCells><mergeCell ref=\"$A$1\"/></mergeCells>").is_none());
    }

    #[test]
    fn every_sheet_gets_the_areas_calamine_gives() {
        use calamine::Reader as _;
        let mut book = rust_xlsxwriter::Workbook::new();
        let blank = rust_xlsxwriter::Format::new();
        let first = book.add_worksheet();
        first.set_name("Báo cáo & số liệu").unwrap();
        first.merge_range(0, 0, 0, 5, "Tiêu đề", &blank).unwrap();
        first.merge_range(3, 1, 7, 2, "", &blank).unwrap();
        first.write_string(9, 0, "<mergeCells>").unwrap();
        let second = book.add_worksheet();
        second.write_string(0, 0, "không gộp").unwrap();
        let third = book.add_worksheet();
        third.set_name("Phụ lục").unwrap();
        for row in 0..500 {
            third.merge_range(row, 4, row, 5, "x", &blank).unwrap();
        }
        let bytes = book.save_to_buffer().unwrap();

        let mut parts = SheetParts::resolve(&bytes).expect("a plain package resolves");
        let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(&bytes[..])).unwrap();
        for name in wb.sheet_names() {
            let ours = parts.merged_areas(&name).expect("scanned");
            let theirs = wb.merge_cells_by_sheet_name(&name).unwrap();
            assert_eq!(ours, theirs, "{name}");
        }
        assert_eq!(parts.merged_areas("Phụ lục").unwrap().len(), 500);
        assert!(parts.merged_areas("không có").is_none());
        assert!(SheetParts::resolve(b"PK not really").is_none());
    }
}
