//! Recognising an upload from its bytes (never its extension).
//!
//! Clerks rename files: a PDF or a screenshot becomes `baocao.xlsx`, a web application's
//! "Excel export" is an HTML page called `.xls`, a password-protected workbook is an OLE
//! container whatever its name. calamine's automatic opener only says "Cannot detect file
//! format" for all of these, so we look ourselves and either name the calamine reader to use
//! or say, in Vietnamese, what the file really is and what to do.
//!
//! [`sniff_magic`] looks only at the leading bytes and is safe to run anywhere. [`sniff`]
//! also reads a zip's central directory (with the `zip` crate calamine uses) and an OLE
//! container's directory (a small bounded parser of our own); it is pure but parses
//! untrusted structure, so the server runs it inside the isolated reader.

use std::io::{Cursor, Read};

use serde::{Deserialize, Serialize};

use super::ReadError;

/// A workbook format tonghop reads, and the calamine reader it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Xlsm,
    Xlsb,
    Ods,
    Xls,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
        }
    }
}

/// What [`sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub format: Format,
    /// Sum of the declared decompressed sizes of a zip's entries (None for xls).
    pub unpacked_bytes: Option<u64>,
}

/// The container a workbook may be in, from the leading bytes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// A zip archive: xlsx, xlsm, xlsb, ods, or not a workbook at all.
    Zip,
    /// An OLE compound file: xls, an encrypted OOXML workbook, or another Office document.
    Ole,
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Classifies by the leading bytes only: a container worth opening, or a rejection.
pub fn sniff_magic(bytes: &[u8]) -> Result<Container, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(b"PK\x07\x08")
    {
        return Ok(Container::Zip);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return Ok(Container::Ole);
    }
    Err(classify_other(bytes))
}

/// Classifies the bytes fully: the format to read them with, or a rejection.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, ReadError> {
    match sniff_magic(bytes)? {
        Container::Zip => sniff_zip(bytes),
        Container::Ole => sniff_ole(bytes).map(|format| Sniffed {
            format,
            unpacked_bytes: None,
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Not a container: images, PDF, text of various kinds, old binary formats.

fn classify_other(bytes: &[u8]) -> ReadError {
    let image = |kind: &str| ReadError::Image { kind: kind.into() };
    let not = |what: &str| ReadError::NotSpreadsheet { what: what.into() };
    if bytes.starts_with(b"%PDF") {
        return ReadError::Pdf;
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return image("PNG");
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return image("JPEG");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return image("GIF");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return image("TIFF");
    }
    if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return image("WebP");
    }
    if looks_like_bmp(bytes) {
        return image("BMP");
    }
    if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && (&bytes[8..12] == b"heic" || &bytes[8..12] == b"mif1")
    {
        return image("HEIC");
    }
    if looks_like_raw_biff(bytes) {
        return ReadError::Unsupported {
            what: "bảng tính Excel đời cũ (Excel 2.x–4.0 hoặc Excel 5 không có vỏ OLE)".into(),
        };
    }
    if bytes.starts_with(b"Rar!\x1a\x07") {
        return not("tệp nén RAR");
    }
    if bytes.starts_with(b"7z\xBC\xAF\x27\x1C") {
        return not("tệp nén 7z");
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return not("tệp nén gzip");
    }
    match text_sample(bytes) {
        Some(text) => classify_text(&text),
        None => not("không nhận ra định dạng tệp"),
    }
}

fn looks_like_bmp(bytes: &[u8]) -> bool {
    if bytes.len() < 18 || !bytes.starts_with(b"BM") {
        return false;
    }
    let header = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
    matches!(header, 12 | 40 | 52 | 56 | 64 | 108 | 124)
}

/// A BIFF2–BIFF5 record stream without the OLE container: it starts with a BOF record
/// (0x0009, 0x0209, 0x0409 or 0x0809) of a plausible length.
fn looks_like_raw_biff(bytes: &[u8]) -> bool {
    if bytes.len() < 8 || bytes[0] != 0x09 || !matches!(bytes[1], 0x00 | 0x02 | 0x04 | 0x08) {
        return false;
    }
    let len = u16::from_le_bytes([bytes[2], bytes[3]]);
    (4..=20).contains(&len)
}

/// The first few KB as text, if they look like text (UTF-8, or UTF-16 with a BOM).
fn text_sample(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if head.contains(&0) {
        return None;
    }
    // Control characters other than tab, CR, LF, FF mean binary. Bytes >= 0x80 are accepted:
    // UTF-8 or a legacy Vietnamese code page (TCVN3, VNI, Windows-1258).
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    if controls * 100 > head.len() {
        return None;
    }
    Some(String::from_utf8_lossy(head).into_owned())
}

fn classify_text(text: &str) -> ReadError {
    let not = |what: &str| ReadError::NotSpreadsheet { what: what.into() };
    let unsupported = |what: &str| ReadError::Unsupported { what: what.into() };
    let lower = text.trim_start().to_lowercase();
    if lower.starts_with('<') {
        if lower.contains("urn:schemas-microsoft-com:office:spreadsheet")
            && !lower.contains("<html")
        {
            return unsupported("bảng tính XML của Excel 2003 (XML Spreadsheet 2003)");
        }
        if lower.contains("<html")
            || lower.contains("<!doctype html")
            || lower.contains("<table")
            || lower.contains("<body")
            || lower.contains("<head")
        {
            return ReadError::Html;
        }
        if lower.contains("opendocument.spreadsheet") || lower.contains("<office:document") {
            return unsupported("bảng tính OpenDocument dạng XML phẳng (.fods)");
        }
        return not("tệp văn bản XML");
    }
    if lower.starts_with("id;p") || lower.starts_with("id;") && lower.contains("\nc;") {
        return unsupported("bảng tính dạng SYLK (.slk)");
    }
    if lower.starts_with("{\\rtf") {
        return not("văn bản RTF");
    }
    if looks_delimited(text) {
        return ReadError::Csv;
    }
    not("văn bản thuần, không có cấu trúc bảng tính")
}

/// Text whose first lines are split by the same delimiter (comma, semicolon or tab).
fn looks_delimited(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let Some(first) = lines.first() else {
        return false;
    };
    [',', ';', '\t'].iter().any(|&d| {
        let n = first.matches(d).count();
        n >= 1
            && (lines.len() == 1
                || lines
                    .iter()
                    .skip(1)
                    .filter(|l| l.matches(d).count() >= 1)
                    .count()
                    * 2
                    >= lines.len() - 1)
    })
}

// ---------------------------------------------------------------------------------------------
// Zip: OOXML (xlsx, xlsm, xlsb), OpenDocument, or something else.

const ODS_MIME: &str = "application/vnd.oasis.opendocument.spreadsheet";

fn sniff_zip(bytes: &[u8]) -> Result<Sniffed, ReadError> {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(zip) => zip,
        Err(e) => {
            let text = e.to_string();
            return Err(
                if text.contains("EOCD") || text.contains("end of central directory") {
                    ReadError::Truncated
                } else {
                    ReadError::corrupt(format!("zip: {text}"))
                },
            );
        }
    };
    let mut names = Vec::with_capacity(zip.len().min(4096));
    let mut unpacked: u64 = 0;
    let mut encrypted = false;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_data(i) else {
            continue;
        };
        unpacked = unpacked.saturating_add(entry.size());
        encrypted |= entry.encrypted();
        if let Ok(name) = entry.name() {
            names.push(
                name.replace('\\', "/")
                    .trim_start_matches('/')
                    .to_lowercase(),
            );
        }
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    let ends = |suffix: &str| names.iter().any(|x| x.ends_with(suffix));
    let sniffed = |format| {
        Ok(Sniffed {
            format,
            unpacked_bytes: Some(unpacked),
        })
    };

    if has("mimetype") {
        let mime = read_small_entry(&mut zip, "mimetype");
        let mime = mime.trim();
        if mime.starts_with(ODS_MIME) {
            return if encrypted {
                Err(ReadError::Encrypted)
            } else {
                sniffed(Format::Ods)
            };
        }
        if mime.starts_with("application/vnd.oasis.opendocument.text") {
            return Err(ReadError::NotSpreadsheet {
                what: "văn bản OpenDocument (.odt)".into(),
            });
        }
        if mime.starts_with("application/vnd.oasis.opendocument.presentation") {
            return Err(ReadError::NotSpreadsheet {
                what: "bản trình chiếu OpenDocument (.odp)".into(),
            });
        }
    }
    if has("[content_types].xml") {
        if encrypted {
            return Err(ReadError::Encrypted);
        }
        if ends("workbook.bin") {
            return sniffed(Format::Xlsb);
        }
        if ends("workbook.xml") {
            return sniffed(if ends("vbaproject.bin") {
                Format::Xlsm
            } else {
                Format::Xlsx
            });
        }
        if has("word/document.xml") {
            return Err(ReadError::NotSpreadsheet {
                what: "văn bản Word (.docx)".into(),
            });
        }
        if has("ppt/presentation.xml") {
            return Err(ReadError::NotSpreadsheet {
                what: "bản trình chiếu PowerPoint (.pptx)".into(),
            });
        }
    }
    if has("content.xml") && has("meta-inf/manifest.xml") {
        // An OpenDocument package without its `mimetype` entry: let the reader say what is
        // missing.
        return sniffed(Format::Ods);
    }
    if names.iter().any(|n| n.ends_with(".iwa")) {
        return Err(ReadError::Unsupported {
            what: "bảng tính Apple Numbers".into(),
        });
    }
    Err(ReadError::NotSpreadsheet {
        what: "tệp nén .zip không chứa sổ bảng tính".into(),
    })
}

fn read_small_entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> String {
    let Some(index) = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }) else {
        return String::new();
    };
    let mut out = Vec::new();
    if let Ok(entry) = zip.by_index(index) {
        let _ = entry.take(256).read_to_end(&mut out);
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// OLE compound files (MS-CFB): xls, encrypted OOXML, other Office documents.

fn sniff_ole(bytes: &[u8]) -> Result<Format, ReadError> {
    let Some(cfb) = Cfb::parse(bytes) else {
        // The directory could not be walked: let calamine's reader report the damage.
        return Ok(Format::Xls);
    };
    let find = |name: &str| {
        cfb.entries
            .iter()
            .find(|e| e.is_stream && e.name.eq_ignore_ascii_case(name))
    };
    if find("EncryptedPackage").is_some() || find("EncryptionInfo").is_some() {
        return Err(ReadError::Encrypted);
    }
    if let Some(workbook) = find("Workbook").or_else(|| find("Book")) {
        if let Some(head) = cfb.stream_head(bytes, workbook) {
            if biff_has_filepass(&head) {
                return Err(ReadError::Encrypted);
            }
        }
        return Ok(Format::Xls);
    }
    if find("WordDocument").is_some() {
        return Err(ReadError::NotSpreadsheet {
            what: "văn bản Word (.doc)".into(),
        });
    }
    if find("PowerPoint Document").is_some() {
        return Err(ReadError::NotSpreadsheet {
            what: "bản trình chiếu PowerPoint (.ppt)".into(),
        });
    }
    // Unknown streams (a malformed directory, as some writers produce): try it as xls.
    Ok(Format::Xls)
}

/// BOF record followed by FILEPASS (0x002F): the workbook stream is encrypted or obfuscated.
fn biff_has_filepass(head: &[u8]) -> bool {
    if head.len() < 8 {
        return false;
    }
    let typ = u16::from_le_bytes([head[0], head[1]]);
    if !matches!(typ, 0x0809 | 0x0409 | 0x0209 | 0x0009) {
        return false;
    }
    let len = u16::from_le_bytes([head[2], head[3]]) as usize;
    let next = 4 + len;
    head.len() >= next + 2 && u16::from_le_bytes([head[next], head[next + 1]]) == 0x002F
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;

#[derive(Debug)]
struct CfbEntry {
    name: String,
    is_stream: bool,
    start: u32,
    size: u64,
}

/// Just enough of MS-CFB to list the directory and read the first bytes of a stream. Every
/// loop is bounded by the number of sectors in the file, so loops in the FAT (as in
/// `oleloop.xls`) end.
struct Cfb {
    sector_size: usize,
    mini_sector_size: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    root_start: u32,
    entries: Vec<CfbEntry>,
}

impl Cfb {
    fn parse(bytes: &[u8]) -> Option<Cfb> {
        if bytes.len() < 512 || !bytes.starts_with(&OLE_MAGIC) {
            return None;
        }
        let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]);
        let u32_at =
            |o: usize| u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let shift = u16_at(0x1E);
        if shift != 9 && shift != 12 {
            return None;
        }
        let mini_shift = u16_at(0x20);
        if mini_shift != 6 {
            return None;
        }
        let sector_size = 1usize << shift;
        let sectors = (bytes.len().saturating_sub(sector_size)) / sector_size + 1;
        let mut cfb = Cfb {
            sector_size,
            mini_sector_size: 64,
            mini_cutoff: u64::from(u32_at(0x38)),
            fat: Vec::new(),
            root_start: ENDOFCHAIN,
            entries: Vec::new(),
        };

        // FAT sector ids: 109 in the header, then the DIFAT chain.
        let mut fat_sectors: Vec<u32> = (0..109)
            .map(|i| u32_at(0x4C + 4 * i))
            .take_while(|&s| s != FREESECT && s != ENDOFCHAIN)
            .collect();
        let mut difat = u32_at(0x44);
        let mut steps = 0;
        while difat != ENDOFCHAIN && difat != FREESECT && steps < sectors {
            let sector = cfb.sector(bytes, difat)?;
            let per = sector_size / 4 - 1;
            for i in 0..per {
                let s = u32::from_le_bytes(sector[4 * i..4 * i + 4].try_into().ok()?);
                if s != FREESECT && s != ENDOFCHAIN {
                    fat_sectors.push(s);
                }
            }
            difat = u32::from_le_bytes(sector[4 * per..4 * per + 4].try_into().ok()?);
            steps += 1;
        }
        fat_sectors.truncate(sectors);
        for s in fat_sectors {
            if let Some(sector) = cfb.sector(bytes, s) {
                cfb.fat.extend(
                    sector
                        .chunks_exact(4)
                        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
                );
            }
        }

        // Directory.
        for sector in cfb.chain(u32_at(0x30), sectors) {
            let Some(data) = cfb.sector(bytes, sector) else {
                break;
            };
            for raw in data.chunks_exact(128) {
                let name_len = (u16::from_le_bytes([raw[64], raw[65]]) as usize).min(64);
                let units: Vec<u16> = raw[..name_len.saturating_sub(2)]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                let typ = raw[66];
                let start = u32::from_le_bytes([raw[116], raw[117], raw[118], raw[119]]);
                let size = u64::from_le_bytes(raw[120..128].try_into().ok()?);
                if typ == 5 {
                    cfb.root_start = start;
                }
                if typ == 2 || typ == 5 {
                    cfb.entries.push(CfbEntry {
                        name: String::from_utf16_lossy(&units),
                        is_stream: typ == 2,
                        start,
                        size,
                    });
                }
            }
        }
        if cfb.entries.is_empty() {
            return None;
        }
        Some(cfb)
    }

    fn sector<'a>(&self, bytes: &'a [u8], id: u32) -> Option<&'a [u8]> {
        let start = (id as usize)
            .checked_add(1)?
            .checked_mul(self.sector_size)?;
        bytes.get(start..start.checked_add(self.sector_size)?)
    }

    /// The sector ids of a FAT chain, at most `limit` of them, stopping at a repeat.
    fn chain(&self, start: u32, limit: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut s = start;
        while s != ENDOFCHAIN && s != FREESECT && out.len() < limit {
            if !seen.insert(s) {
                break;
            }
            out.push(s);
            match self.fat.get(s as usize) {
                Some(&next) => s = next,
                None => break,
            }
        }
        out
    }

    /// The first bytes of a stream (one sector, or one mini sector for small streams; the
    /// first mini sector needs no mini FAT).
    fn stream_head(&self, bytes: &[u8], entry: &CfbEntry) -> Option<Vec<u8>> {
        if entry.size >= self.mini_cutoff {
            return self.sector(bytes, entry.start).map(<[u8]>::to_vec);
        }
        // Small stream: mini sector `start` lives in the root entry's chain.
        let offset = entry.start as usize * self.mini_sector_size;
        let index = offset / self.sector_size;
        let limit = bytes.len() / self.sector_size + 1;
        let chain = self.chain(self.root_start, limit);
        let sector = self.sector(bytes, *chain.get(index)?)?;
        let within = offset % self.sector_size;
        sector
            .get(within..within + self.mini_sector_size)
            .map(<[u8]>::to_vec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut w = zip::ZipWriter::new(Cursor::new(&mut out));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        out
    }

    fn code(bytes: &[u8]) -> &'static str {
        match sniff(bytes) {
            Ok(s) => s.format.as_str(),
            Err(e) => e.code(),
        }
    }

    #[test]
    fn empty_files_are_named() {
        assert_eq!(code(b""), "empty");
    }

    #[test]
    fn renamed_documents_and_images_are_named() {
        assert_eq!(code(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj"), "pdf");
        assert_eq!(code(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image");
        assert_eq!(code(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), "image");
        let mut bmp = b"BM\xb6\x9c\x01\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        bmp.extend([0u8; 32]);
        assert_eq!(code(&bmp), "image");
        match sniff(b"GIF89a....") {
            Err(ReadError::Image { kind }) => assert_eq!(kind, "GIF"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn html_exports_are_named() {
        assert_eq!(
            code(b"<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><table><tr><td>1</td></tr></table></html>"),
            "html"
        );
        assert_eq!(code(b"\xEF\xBB\xBF  <!DOCTYPE html><html>"), "html");
        assert_eq!(
            code(b"<table border=1><tr><td>STT</td></tr></table>"),
            "html"
        );
        let message = ReadError::Html.to_string();
        assert!(message.starts_with("Tệp này là trang HTML được đổi tên thành .xls"));
        assert!(message.contains("Excel Workbook (.xlsx)"));
    }

    #[test]
    fn text_formats_are_named() {
        assert_eq!(
            code("STT,Nhiệm vụ,Tiến độ\n1,Xây trường,50%\n".as_bytes()),
            "csv"
        );
        assert_eq!(code(b"a;b;c\n1;2;3\n4;5;6\n"), "csv");
        assert_eq!(
            code(b"Attachment removed by the mail gateway"),
            "not_spreadsheet"
        );
        assert_eq!(
            code(b"<?xml version=\"1.0\"?><?mso-application progid=\"Excel.Sheet\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Table>"),
            "unsupported"
        );
        assert_eq!(code(b"ID;PWXL;N;E\nC;Y1;X1;K1\nE\n"), "unsupported");
    }

    #[test]
    fn old_biff_without_ole_is_unsupported() {
        assert_eq!(
            code(b"\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00"),
            "unsupported"
        );
    }

    #[test]
    fn zips_are_classified_by_their_entries() {
        let xlsx = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
        ]);
        assert_eq!(code(&xlsx), "xlsx");
        let xlsm = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<workbook/>"),
            ("xl/vbaProject.bin", b"\0"),
        ]);
        assert_eq!(code(&xlsm), "xlsm");
        let xlsb = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl\\workbook.bin", b"\0"),
        ]);
        assert_eq!(code(&xlsb), "xlsb");
        let ods = zip_with(&[("mimetype", ODS_MIME.as_bytes()), ("content.xml", b"<x/>")]);
        assert_eq!(code(&ods), "ods");
        let odt = zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert_eq!(code(&odt), "not_spreadsheet");
        let docx = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w/>"),
        ]);
        assert_eq!(code(&docx), "not_spreadsheet");
        let plain = zip_with(&[("readme.txt", b"hello")]);
        assert_eq!(code(&plain), "not_spreadsheet");
        let numbers = zip_with(&[("Index/Document.iwa", b"\0")]);
        assert_eq!(code(&numbers), "unsupported");
    }

    #[test]
    fn declared_sizes_are_summed() {
        let xlsx = zip_with(&[
            ("[Content_Types].xml", b"12345"),
            ("xl/workbook.xml", b"1234567890"),
        ]);
        assert_eq!(sniff(&xlsx).unwrap().unpacked_bytes, Some(15));
    }

    #[test]
    fn truncated_zips_are_named() {
        let xlsx = zip_with(&[
            ("[Content_Types].xml", &[b'x'; 400]),
            ("xl/workbook.xml", &[b'y'; 400]),
        ]);
        assert_eq!(code(&xlsx[..xlsx.len() / 2]), "truncated");
    }

    /// A minimal version-3 compound file with one directory sector holding `names`.
    fn ole_with(names: &[&str]) -> Vec<u8> {
        let mut file = vec![0u8; 512 * 3];
        file[..8].copy_from_slice(&OLE_MAGIC);
        file[0x1A] = 3;
        file[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        file[0x1E] = 9;
        file[0x20] = 6;
        file[0x2C] = 1; // one FAT sector
        file[0x30..0x34].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
        file[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        file[0x3C..0x40].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        file[0x44..0x48].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        for i in 0..109 {
            file[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&FREESECT.to_le_bytes());
        }
        file[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes()); // FAT at sector 0
                                                               // FAT (sector 0, file offset 512): sector 0 = FAT, sector 1 = end of chain.
        let fat = 512;
        for i in 0..128 {
            file[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&FREESECT.to_le_bytes());
        }
        file[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        file[fat + 4..fat + 8].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        // Directory (sector 1, offset 1024): root entry then streams.
        let dir = 1024;
        let all: Vec<(&str, u8)> = std::iter::once(("Root Entry", 5u8))
            .chain(names.iter().map(|n| (*n, 2u8)))
            .take(4)
            .collect();
        for (i, (name, typ)) in all.iter().enumerate() {
            let e = dir + 128 * i;
            let units: Vec<u16> = name.encode_utf16().collect();
            for (j, u) in units.iter().enumerate() {
                file[e + 2 * j..e + 2 * j + 2].copy_from_slice(&u.to_le_bytes());
            }
            file[e + 64..e + 66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            file[e + 66] = *typ;
            file[e + 116..e + 120].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
        }
        file
    }

    #[test]
    fn ole_containers_are_classified_by_their_streams() {
        assert_eq!(
            code(&ole_with(&["EncryptionInfo", "EncryptedPackage"])),
            "encrypted"
        );
        assert_eq!(code(&ole_with(&["Workbook"])), "xls");
        assert_eq!(code(&ole_with(&["BOOK"])), "xls");
        assert_eq!(code(&ole_with(&["WordDocument"])), "not_spreadsheet");
        // A header we cannot walk is left to the xls reader.
        let mut broken = ole_with(&["Workbook"]);
        broken[0x1E] = 7;
        assert_eq!(code(&broken), "xls");
    }

    #[test]
    fn filepass_after_bof_means_encrypted() {
        let mut head = vec![0x09, 0x08, 0x10, 0x00];
        head.extend([0u8; 16]);
        head.extend([0x2F, 0x00, 0x06, 0x00]);
        assert!(biff_has_filepass(&head));
        head[20] = 0x5C;
        assert!(!biff_has_filepass(&head));
    }

    #[test]
    fn hostile_fat_loops_end() {
        let mut file = ole_with(&["Workbook"]);
        // Directory chain loops back on itself: sector 1 -> sector 1.
        file[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(code(&file), "xls");
    }
}
