//! The document as plain values: what [`super::parts`] turns into WordprocessingML.
//! Lengths are in twentieths of a point (twips, 1 mm ≈ 56.7), font sizes in points.

/// Twips in a millimetre, for margins given in millimetres.
pub fn mm(millimetres: f64) -> u32 {
    (millimetres * 1440.0 / 25.4).round() as u32
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
    Justify,
}

/// A stretch of text with one look. `\n` in the text is a line break.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    /// Points; the document's size when None.
    pub size: Option<f64>,
}

impl Run {
    pub fn new(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            ..Run::default()
        }
    }

    pub fn bold(mut self) -> Run {
        self.bold = true;
        self
    }

    pub fn italic(mut self) -> Run {
        self.italic = true;
        self
    }

    pub fn underline(mut self) -> Run {
        self.underline = true;
        self
    }

    pub fn size(mut self, points: f64) -> Run {
        self.size = Some(points);
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub align: Align,
    /// Twips.
    pub first_line_indent: u32,
    pub indent_left: u32,
    pub indent_right: u32,
    /// Points.
    pub space_before: f64,
    pub space_after: f64,
    /// Line spacing as a multiple of single (1.0, 1.15, 1.5).
    pub line_spacing: f64,
    /// Keep on the same page as the next paragraph (headings).
    pub keep_next: bool,
    /// A solid line under the paragraph, between its indents: the short rules under the
    /// issuing body, the national motto and the summary line.
    pub bottom_border: bool,
    /// Points: the size of the paragraph mark, which sets an empty paragraph's height.
    pub mark_size: Option<f64>,
}

impl Paragraph {
    pub fn new() -> Paragraph {
        Paragraph {
            line_spacing: 1.0,
            ..Paragraph::default()
        }
    }

    pub fn text(text: impl Into<String>) -> Paragraph {
        Paragraph::new().run(Run::new(text))
    }

    pub fn run(mut self, run: Run) -> Paragraph {
        self.runs.push(run);
        self
    }

    pub fn align(mut self, align: Align) -> Paragraph {
        self.align = align;
        self
    }

    pub fn spacing(mut self, before: f64, after: f64) -> Paragraph {
        self.space_before = before;
        self.space_after = after;
        self
    }

    pub fn line_spacing(mut self, multiple: f64) -> Paragraph {
        self.line_spacing = multiple;
        self
    }

    pub fn first_line_indent(mut self, twips: u32) -> Paragraph {
        self.first_line_indent = twips;
        self
    }

    pub fn indent(mut self, left: u32, right: u32) -> Paragraph {
        self.indent_left = left;
        self.indent_right = right;
        self
    }

    pub fn keep_next(mut self) -> Paragraph {
        self.keep_next = true;
        self
    }

    pub fn bottom_border(mut self) -> Paragraph {
        self.bottom_border = true;
        self
    }

    pub fn mark_size(mut self, points: f64) -> Paragraph {
        self.mark_size = Some(points);
        self
    }

    /// The paragraph's text, runs joined.
    pub fn plain_text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

/// A table cell: its paragraphs (at least one is written).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub paragraphs: Vec<Paragraph>,
}

/// A table without borders (the header and signature blocks of an official document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column widths in twips.
    pub widths: Vec<u32>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
}

/// Page size and margins, in twips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSetup {
    pub width: u32,
    pub height: u32,
    pub top: u32,
    pub bottom: u32,
    pub left: u32,
    pub right: u32,
    /// Distance of the header (page number) from the top edge.
    pub header: u32,
}

impl PageSetup {
    /// A4 portrait with the given margins in millimetres (top, bottom, left, right).
    pub fn a4(top: f64, bottom: f64, left: f64, right: f64) -> PageSetup {
        PageSetup {
            width: 11906,
            height: 16838,
            top: mm(top),
            bottom: mm(bottom),
            left: mm(left),
            right: mm(right),
            header: mm(10.0),
        }
    }

    /// The width between the margins.
    pub fn text_width(&self) -> u32 {
        self.width - self.left - self.right
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub font: String,
    /// Points.
    pub font_size: f64,
    /// "vi-VN".
    pub language: String,
    pub page: PageSetup,
    /// Page number centred at the top of every page but the first (Nghị định 30/2020).
    pub page_numbers_from_second: bool,
    pub body: Vec<Block>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_to_twips() {
        assert_eq!(mm(25.4), 1440);
        assert_eq!(mm(20.0), 1134);
        assert_eq!(mm(30.0), 1701);
        let a4 = PageSetup::a4(20.0, 20.0, 30.0, 15.0);
        assert_eq!(a4.text_width(), 11906 - 1701 - 850);
    }

    #[test]
    fn paragraphs_join_their_runs() {
        let p = Paragraph::text("Số: ").run(Run::new("05/BC-CAT").bold());
        assert_eq!(p.plain_text(), "Số: 05/BC-CAT");
        assert_eq!(p.line_spacing, 1.0);
    }
}
