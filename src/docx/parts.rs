//! Each part of the package as an XML string. Pure: the same [`Document`] always gives the
//! same text. Only what Word and LibreOffice need to open the file without a repair prompt:
//! content types, relationships, styles (the document font as default), settings, the body
//! with one section, the two headers (page number; empty first page) and the properties.

use std::fmt::Write as _;

use super::model::{Align, Block, Document, Paragraph, Run, Table};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The fixed time written as the document's creation and modification time.
pub const FIXED_TIME: &str = "2000-01-01T00:00:00Z";

/// Escapes text for element content and attribute values, dropping the control
/// characters XML 1.0 does not allow (uploaded text may carry them).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn content_types(page_numbers: bool) -> String {
    let headers = if page_numbers {
        concat!(
            r#"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#,
            r#"<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>"#
        )
    } else {
        ""
    };
    format!(
        concat!(
            "{decl}",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
            r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
            r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
            "{headers}",
            r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
            r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
            "</Types>"
        ),
        decl = XML_DECL,
        headers = headers
    )
}

pub fn root_rels() -> String {
    format!(
        concat!(
            "{}",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
            r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
            "</Relationships>"
        ),
        XML_DECL
    )
}

pub fn document_rels(page_numbers: bool) -> String {
    let headers = if page_numbers {
        concat!(
            r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>"#,
            r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>"#
        )
    } else {
        ""
    };
    format!(
        concat!(
            "{}",
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
            "{}",
            "</Relationships>"
        ),
        XML_DECL, headers
    )
}

fn half_points(points: f64) -> u32 {
    (points * 2.0).round() as u32
}

pub fn styles(doc: &Document) -> String {
    let font = escape(&doc.font);
    let size = half_points(doc.font_size);
    let lang = escape(&doc.language);
    format!(
        concat!(
            "{decl}",
            r#"<w:styles xmlns:w="{w}">"#,
            "<w:docDefaults><w:rPrDefault><w:rPr>",
            r#"<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>"#,
            r#"<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="{lang}" w:eastAsia="{lang}" w:bidi="ar-SA"/>"#,
            "</w:rPr></w:rPrDefault>",
            r#"<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>"#,
            "</w:docDefaults>",
            r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>"#,
            r#"<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
            r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/>"#,
            r#"<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
            r#"<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/></w:style>"#,
            "</w:styles>"
        ),
        decl = XML_DECL,
        w = W_NS,
        font = font,
        size = size,
        lang = lang
    )
}

pub fn settings() -> String {
    format!(
        concat!(
            "{}",
            r#"<w:settings xmlns:w="{}">"#,
            r#"<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>"#,
            r#"<w:characterSpacingControl w:val="doNotCompress"/>"#,
            r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>"#,
            "</w:settings>"
        ),
        XML_DECL, W_NS
    )
}

fn run_xml(out: &mut String, run: &Run) {
    out.push_str("<w:r>");
    let mut props = String::new();
    if run.bold {
        props.push_str("<w:b/><w:bCs/>");
    }
    if run.italic {
        props.push_str("<w:i/><w:iCs/>");
    }
    // The schema fixes the order of run properties: sz before u.
    if let Some(size) = run.size {
        let _ = write!(
            props,
            r#"<w:sz w:val="{0}"/><w:szCs w:val="{0}"/>"#,
            half_points(size)
        );
    }
    if run.underline {
        props.push_str(r#"<w:u w:val="single"/>"#);
    }
    if !props.is_empty() {
        let _ = write!(out, "<w:rPr>{props}</w:rPr>");
    }
    for (i, line) in run.text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        if !line.is_empty() {
            let _ = write!(out, r#"<w:t xml:space="preserve">{}</w:t>"#, escape(line));
        }
    }
    out.push_str("</w:r>");
}

fn paragraph_xml(out: &mut String, p: &Paragraph) {
    out.push_str("<w:p><w:pPr>");
    if p.keep_next {
        out.push_str("<w:keepNext/>");
    }
    if p.bottom_border {
        out.push_str(
            r#"<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>"#,
        );
    }
    let _ = write!(
        out,
        r#"<w:spacing w:before="{}" w:after="{}" w:line="{}" w:lineRule="auto"/>"#,
        (p.space_before * 20.0).round() as u32,
        (p.space_after * 20.0).round() as u32,
        (p.line_spacing * 240.0).round() as u32
    );
    if p.first_line_indent > 0 || p.indent_left > 0 || p.indent_right > 0 {
        let _ = write!(
            out,
            r#"<w:ind w:left="{}" w:right="{}" w:firstLine="{}"/>"#,
            p.indent_left, p.indent_right, p.first_line_indent
        );
    }
    let jc = match p.align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
        Align::Justify => "both",
    };
    let _ = write!(out, r#"<w:jc w:val="{jc}"/>"#);
    if let Some(size) = p.mark_size {
        let _ = write!(
            out,
            r#"<w:rPr><w:sz w:val="{0}"/><w:szCs w:val="{0}"/></w:rPr>"#,
            half_points(size)
        );
    }
    out.push_str("</w:pPr>");
    for run in &p.runs {
        run_xml(out, run);
    }
    out.push_str("</w:p>");
}

fn table_xml(out: &mut String, t: &Table) {
    let total: u32 = t.widths.iter().sum();
    let _ = write!(
        out,
        concat!(
            r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/>"#,
            r#"<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>"#,
            r#"<w:tblLayout w:type="fixed"/><w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/></w:tblPr><w:tblGrid>"#
        ),
        total
    );
    for w in &t.widths {
        let _ = write!(out, r#"<w:gridCol w:w="{w}"/>"#);
    }
    out.push_str("</w:tblGrid>");
    for row in &t.rows {
        out.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        for (i, cell) in row.iter().enumerate() {
            let width = t.widths.get(i).copied().unwrap_or(0);
            let _ = write!(
                out,
                r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>"#
            );
            if cell.paragraphs.is_empty() {
                paragraph_xml(out, &Paragraph::new());
            }
            for p in &cell.paragraphs {
                paragraph_xml(out, p);
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

pub fn document(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(XML_DECL);
    let _ = write!(
        out,
        r#"<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>"#
    );
    let mut previous_was_table = false;
    for block in &doc.body {
        match block {
            Block::Paragraph(p) => {
                paragraph_xml(&mut out, p);
                previous_was_table = false;
            }
            Block::Table(t) => {
                // Two tables in a row would merge into one: keep them apart.
                if previous_was_table {
                    paragraph_xml(&mut out, &Paragraph::new());
                }
                table_xml(&mut out, t);
                previous_was_table = true;
            }
        }
    }
    // A table may not end the body: Word needs a paragraph after it.
    if previous_was_table {
        paragraph_xml(&mut out, &Paragraph::new());
    }
    let page = &doc.page;
    out.push_str("<w:sectPr>");
    if doc.page_numbers_from_second {
        out.push_str(r#"<w:headerReference w:type="default" r:id="rId3"/>"#);
        out.push_str(r#"<w:headerReference w:type="first" r:id="rId4"/>"#);
    }
    let _ = write!(
        out,
        concat!(
            r#"<w:pgSz w:w="{}" w:h="{}"/>"#,
            r#"<w:pgMar w:top="{}" w:right="{}" w:bottom="{}" w:left="{}" w:header="{}" w:footer="{}" w:gutter="0"/>"#,
            r#"<w:cols w:space="720"/>"#
        ),
        page.width,
        page.height,
        page.top,
        page.right,
        page.bottom,
        page.left,
        page.header,
        page.header
    );
    if doc.page_numbers_from_second {
        out.push_str("<w:titlePg/>");
    }
    out.push_str("</w:sectPr></w:body></w:document>");
    out
}

/// The header of every page but the first: the page number, centred (a PAGE field).
pub fn page_number_header(doc: &Document) -> String {
    format!(
        concat!(
            "{decl}",
            r#"<w:hdr xmlns:w="{w}" xmlns:r="{r}"><w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>"#,
            r#"<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>"#,
            r#"<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>"#,
            r#"<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>"#,
            r#"<w:r><w:rPr><w:noProof/><w:sz w:val="{size}"/></w:rPr><w:t>2</w:t></w:r>"#,
            r#"<w:r><w:rPr><w:sz w:val="{size}"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>"#,
            "</w:p></w:hdr>"
        ),
        decl = XML_DECL,
        w = W_NS,
        r = R_NS,
        size = half_points(doc.font_size)
    )
}

/// The first page's header: empty (no page number on page 1).
pub fn empty_header() -> String {
    format!(
        r#"{XML_DECL}<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p></w:hdr>"#
    )
}

pub fn core_properties(doc: &Document) -> String {
    format!(
        concat!(
            "{decl}",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:creator>tonghop</dc:creator><cp:lastModifiedBy>tonghop</cp:lastModifiedBy>",
            "<dc:language>{lang}</dc:language>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{time}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{time}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        decl = XML_DECL,
        title = escape(&doc.title),
        lang = escape(&doc.language),
        time = FIXED_TIME
    )
}

pub fn app_properties() -> String {
    format!(
        concat!(
            "{}",
            r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
            "<Application>tonghop</Application></Properties>"
        ),
        XML_DECL
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::model::{Cell, PageSetup};

    fn doc(body: Vec<Block>) -> Document {
        Document {
            title: "Báo cáo".into(),
            font: "Times New Roman".into(),
            font_size: 14.0,
            language: "vi-VN".into(),
            page: PageSetup::a4(20.0, 20.0, 30.0, 15.0),
            page_numbers_from_second: true,
            body,
        }
    }

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            escape("a<b & \"c\"\u{1}\u{B}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
        assert_eq!(escape("Hạnh phúc"), "Hạnh phúc");
    }

    #[test]
    fn runs_carry_their_look_and_line_breaks() {
        let p = Paragraph::new()
            .align(Align::Center)
            .run(Run::new("KT. TỔ TRƯỞNG\nTỔ PHÓ").bold().size(13.0));
        let xml = document(&doc(vec![Block::Paragraph(p)]));
        assert!(xml.contains(r#"<w:jc w:val="center"/>"#));
        assert!(xml.contains(r#"<w:b/><w:bCs/><w:sz w:val="26"/>"#));
        // Word refuses run properties out of the schema's order.
        let ordered = document(&doc(vec![Block::Paragraph(
            Paragraph::new().run(Run::new("x").underline().italic().size(12.0)),
        )]));
        assert!(ordered.contains(
            r#"<w:rPr><w:i/><w:iCs/><w:sz w:val="24"/><w:szCs w:val="24"/><w:u w:val="single"/></w:rPr>"#
        ));
        assert!(xml.contains(
            r#"<w:t xml:space="preserve">KT. TỔ TRƯỞNG</w:t><w:br/><w:t xml:space="preserve">TỔ PHÓ</w:t>"#
        ));
    }

    #[test]
    fn the_section_is_a4_with_a_distinct_first_page() {
        let xml = document(&doc(vec![Block::Table(Table {
            widths: vec![4000, 5000],
            rows: vec![vec![Cell::default(), Cell::default()]],
        })]));
        assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
        assert!(xml.contains(r#"w:top="1134" w:right="850" w:bottom="1134" w:left="1701""#));
        assert!(xml.contains("<w:titlePg/>"));
        assert!(xml.contains(r#"<w:top w:val="nil"/>"#), "borderless");
        // A paragraph follows the final table.
        assert!(xml.contains("</w:tbl><w:p>"));
        assert!(page_number_header(&doc(vec![])).contains(" PAGE "));
    }

    #[test]
    fn properties_have_a_fixed_time() {
        let core = core_properties(&doc(vec![]));
        assert!(core.contains("2000-01-01T00:00:00Z"));
        assert!(core.contains("<dc:title>Báo cáo</dc:title>"));
    }
}
