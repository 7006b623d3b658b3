//! The .docx package: the parts of [`super::parts`] in a zip, in a fixed order, each entry
//! dated 1980-01-01 (the earliest zip time), so the same document gives the same bytes.

use std::io::{Cursor, Write};

use zip::{write::SimpleFileOptions, CompressionMethod, DateTime, ZipWriter};

use super::{model::Document, parts};
use crate::error::{AppError, AppResult};

/// The document as .docx bytes.
pub fn write(doc: &Document) -> AppResult<Vec<u8>> {
    let numbers = doc.page_numbers_from_second;
    let mut entries: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", parts::content_types(numbers)),
        ("_rels/.rels", parts::root_rels()),
        ("docProps/core.xml", parts::core_properties(doc)),
        ("docProps/app.xml", parts::app_properties()),
        ("word/document.xml", parts::document(doc)),
        (
            "word/_rels/document.xml.rels",
            parts::document_rels(numbers),
        ),
        ("word/styles.xml", parts::styles(doc)),
        ("word/settings.xml", parts::settings()),
    ];
    if numbers {
        entries.push(("word/header1.xml", parts::page_number_header(doc)));
        entries.push(("word/header2.xml", parts::empty_header()));
    }
    zip(&entries).map_err(|e| AppError::Internal(format!("không tạo được tệp Word: {e}")))
}

fn zip(entries: &[(&str, String)]) -> Result<Vec<u8>, zip::result::ZipError> {
    let time = DateTime::from_date_and_time(1980, 1, 1, 0, 0, 0)?;
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in entries {
        out.start_file(*name, options)?;
        out.write_all(text.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::docx::model::{Block, PageSetup, Paragraph};

    fn doc() -> Document {
        Document {
            title: "Báo cáo".into(),
            font: "Times New Roman".into(),
            font_size: 14.0,
            language: "vi-VN".into(),
            page: PageSetup::a4(20.0, 20.0, 30.0, 15.0),
            page_numbers_from_second: true,
            body: vec![Block::Paragraph(Paragraph::text("Trà Vinh"))],
        }
    }

    #[test]
    fn the_package_holds_every_part_and_is_deterministic() {
        let bytes = write(&doc()).unwrap();
        assert_eq!(bytes, write(&doc()).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 10);
        assert_eq!(
            archive.by_index(0).unwrap().name().unwrap(),
            "[Content_Types].xml"
        );
        let mut text = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.contains("Trà Vinh"));
    }
}
