//! The outline laid out as Nghị định 30/2020/NĐ-CP, Phụ lục I asks (pure):
//! - A4, margins and font from the layout (Times New Roman 13–14);
//! - the header block as a borderless two-column table: parent body (capitals, regular) and
//!   issuing body (capitals, bold) over a short rule, then "Số: …" on the left; the national
//!   title (capitals, bold, 12–13) over the motto (bold) with a rule as long as the motto,
//!   then place and date in italics on the right;
//! - "BÁO CÁO" (capitals, bold) and the summary (bold, sentence case as the decree asks)
//!   centred, with a short rule under the summary;
//! - the body justified with a first-line indent, 6 pt between paragraphs;
//! - "Nơi nhận:" (bold italic, 12) with the recipients (11) on the left and the signature
//!   block (capitals, bold) on the right, again a borderless table;
//! - the page number centred at the top of every page from page 2.

use super::{
    layout::NarrativeLayout,
    outline::{Line, Outline},
};
use crate::docx::model::{mm, Align, Block, Cell, Document, PageSetup, Paragraph, Run, Table};

/// Inner margin of a table cell on each side (the default Word writes, in twips).
const CELL_MARGIN: u32 = 108;

/// Width of the header table's left column.
const HEADER_LEFT: u32 = 3600;

/// A centred rule of `width` twips inside a column `column` twips wide: an empty
/// paragraph with a bottom border, its indents narrowing the border.
fn rule(column: u32, width: u32) -> Paragraph {
    let inner = column.saturating_sub(2 * CELL_MARGIN);
    let side = inner.saturating_sub(width.min(inner)) / 2;
    Paragraph::new()
        .indent(side, side)
        .spacing(0.0, 0.0)
        .mark_size(2.0)
        .bottom_border()
}

/// A rough width of bold Times New Roman text, in twips (average glyph ≈ 0.47 em): enough to
/// size the rule under the motto to "the length of the line of text".
fn text_width(text: &str, points: f64) -> u32 {
    (text.chars().count() as f64 * points * 20.0 * 0.47).round() as u32
}

fn centered(run: Run) -> Paragraph {
    Paragraph::new().align(Align::Center).run(run)
}

fn header_block(o: &Outline, text_width_total: u32) -> Table {
    let right = text_width_total - HEADER_LEFT;
    let h = &o.header;
    let left_cell = Cell {
        paragraphs: vec![
            centered(Run::new(h.parent_body.to_uppercase()).size(13.0)),
            centered(Run::new(h.issuing_body.to_uppercase()).size(13.0).bold()),
            rule(HEADER_LEFT, HEADER_LEFT / 3),
            centered(Run::new(&h.number).size(13.0)).spacing(6.0, 0.0),
        ],
    };
    let right_cell = Cell {
        paragraphs: vec![
            centered(Run::new(h.nation.to_uppercase()).size(12.0).bold()),
            centered(Run::new(&h.motto).size(13.0).bold()),
            rule(right, text_width(&h.motto, 13.0)),
            centered(Run::new(&h.place_and_date).size(14.0).italic()).spacing(6.0, 0.0),
        ],
    };
    Table {
        widths: vec![HEADER_LEFT, right],
        rows: vec![vec![left_cell, right_cell]],
    }
}

fn body_line(line: &Line, indent: u32) -> Paragraph {
    let p = Paragraph::new()
        .align(Align::Justify)
        .first_line_indent(indent)
        .spacing(6.0, 0.0)
        .line_spacing(1.1);
    match line {
        Line::Heading(t) => p.keep_next().run(Run::new(t).bold()),
        Line::Subheading(t) => p.keep_next().run(Run::new(t).bold()),
        Line::Group(t) => p.keep_next().run(Run::new(t).bold().italic()),
        Line::Text(t) => p.run(Run::new(t)),
    }
}

fn signature_block(o: &Outline, text_width_total: u32) -> Table {
    let left = text_width_total * 9 / 20;
    let right = text_width_total - left;
    let mut recipients = vec![Paragraph::new()
        .spacing(6.0, 0.0)
        .run(Run::new(&o.recipients_title).bold().italic().size(12.0))];
    recipients.extend(
        o.recipients
            .iter()
            .map(|r| Paragraph::new().run(Run::new(r).size(11.0))),
    );
    let s = &o.signature;
    let mut signer = Vec::new();
    let first = Paragraph::new().align(Align::Center).spacing(6.0, 0.0);
    if s.authority.trim().is_empty() {
        signer.push(first.run(Run::new(s.position.to_uppercase()).bold()));
    } else {
        signer.push(first.run(Run::new(s.authority.to_uppercase()).bold()));
        signer.push(centered(Run::new(s.position.to_uppercase()).bold()));
    }
    // Room for the signature and the seal.
    for _ in 0..4 {
        signer.push(Paragraph::new());
    }
    signer.push(centered(Run::new(&s.signer).bold()));
    Table {
        widths: vec![left, right],
        rows: vec![vec![
            Cell {
                paragraphs: recipients,
            },
            Cell { paragraphs: signer },
        ]],
    }
}

pub fn render(o: &Outline, layout: &NarrativeLayout) -> Document {
    let m = layout.page;
    let page = PageSetup::a4(m.top, m.bottom, m.left, m.right);
    let width = page.text_width();
    let mut body = vec![Block::Table(header_block(o, width))];
    body.push(Block::Paragraph(
        centered(Run::new(o.title.to_uppercase()).bold()).spacing(18.0, 0.0),
    ));
    body.push(Block::Paragraph(centered(Run::new(&o.summary).bold())));
    body.push(Block::Paragraph(rule(width, width / 4)));
    body.push(Block::Paragraph(Paragraph::new().spacing(6.0, 0.0)));
    let indent = mm(10.0);
    body.extend(
        o.body
            .iter()
            .map(|line| Block::Paragraph(body_line(line, indent))),
    );
    body.push(Block::Table(signature_block(o, width)));
    Document {
        title: o.title_property.clone(),
        font: layout.font.clone(),
        font_size: layout.font_size,
        language: "vi-VN".into(),
        page,
        page_numbers_from_second: true,
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_centred_within_their_column() {
        let r = rule(3600, 1200);
        assert!(r.bottom_border);
        assert_eq!(r.indent_left, r.indent_right);
        assert_eq!(r.indent_left, (3600 - 216 - 1200) / 2);
        // A rule wider than its column fills it.
        assert_eq!(rule(1000, 5000).indent_left, 0);
    }

    #[test]
    fn the_motto_rule_is_about_as_long_as_the_motto() {
        let w = text_width("Độc lập - Tự do - Hạnh phúc", 13.0);
        assert!((3000..4000).contains(&w), "{w}");
    }
}
