//! Numbered outlines: numbering marks → a tree → the task section → its leaves.
//!
//! Plans number their structure "I.", "1.", "1.1.", "a)", "đ)", "(1)" and use "- " / "+ "
//! for running text. The nesting of styles differs between plans ("a)" under "1." in one,
//! "(1)" under "a)" in another), so levels are learnt as the document goes, the way Word
//! nests list styles: a style seen for the first time opens a deeper level, a style already
//! open closes everything below it, and a Roman numeral always starts a top-level part.
//! Dash and plus bullets never open a level: they are the running text of the item above.

use super::fields::{is_bullet, label_at_start, Fields};
use crate::domain::fold::fold;
use crate::domain::task_code::roman_value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Style {
    /// "I.", "II."
    Roman,
    /// "1.", "1.1.", "1.1.2" — depth = number of numbers.
    Arabic(usize),
    /// "1)"
    ArabicParen,
    /// "a)", "đ)", "a."
    Letter,
    /// "A.", "B."
    UpperLetter,
    /// "(1)"
    Paren,
    /// "(a)"
    ParenLetter,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub style: Style,
    /// Lower-case tokens: "III" → ["iii"], "1.1." → ["1", "1"], "(1)" → ["1"], "đ)" → ["đ"].
    pub tokens: Vec<String>,
}

/// Reads a numbering mark at the start of a paragraph; returns it and the byte offset of the
/// text after it. The mark must be followed by a space and some text.
pub fn parse_marker(text: &str) -> Option<(Marker, usize)> {
    let t = text.trim_start();
    let lead = text.len() - t.len();
    let (marker, len) = marker_prefix(t)?;
    let rest = &t[len..];
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let body = rest.trim_start();
    if body.is_empty() {
        return None;
    }
    Some((marker, lead + t.len() - body.len()))
}

/// Reads a numbering mark that makes up the whole text (a table's "STT" cell: "2.1", "I",
/// "a", "(1)", "3.").
pub fn parse_stt(cell: &str) -> Option<Marker> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((m, len)) = marker_prefix(t) {
        if t[len..].trim().is_empty() {
            return Some(m);
        }
    }
    // Bare forms allowed in a cell: "1", "I", "a".
    if t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 3 {
        return Some(Marker {
            style: Style::Arabic(1),
            tokens: vec![trim_zeros(t)],
        });
    }
    if t.chars().all(|c| c.is_ascii_uppercase()) && roman_value(t).is_some() {
        return Some(Marker {
            style: Style::Roman,
            tokens: vec![t.to_ascii_lowercase()],
        });
    }
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_ascii_lowercase() || c == 'đ' {
            return Some(Marker {
                style: Style::Letter,
                tokens: vec![c.to_string()],
            });
        }
    }
    None
}

fn trim_zeros(t: &str) -> String {
    let s = t.trim_start_matches('0');
    if s.is_empty() { "0" } else { s }.to_string()
}

fn marker_prefix(t: &str) -> Option<(Marker, usize)> {
    let bytes = t.as_bytes();
    // "(1)", "(a)"
    if let Some(rest) = t.strip_prefix('(') {
        let close = rest.find(')')?;
        let inner = &rest[..close];
        let len = close + 2;
        if !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit()) {
            return Some((
                Marker {
                    style: Style::Paren,
                    tokens: vec![trim_zeros(inner)],
                },
                len,
            ));
        }
        let mut cs = inner.chars();
        if let (Some(c), None) = (cs.next(), cs.next()) {
            if c.is_ascii_lowercase() || c == 'đ' {
                return Some((
                    Marker {
                        style: Style::ParenLetter,
                        tokens: vec![c.to_string()],
                    },
                    len,
                ));
            }
        }
        return None;
    }
    // "1.", "1.1.", "1.1", "1)"
    if bytes.first().is_some_and(u8::is_ascii_digit) {
        let mut tokens = Vec::new();
        let mut i = 0;
        loop {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i == start || i - start > 3 {
                return None;
            }
            tokens.push(trim_zeros(&t[start..i]));
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
                if i < bytes.len() && bytes[i].is_ascii_digit() {
                    continue;
                }
                return Some((
                    Marker {
                        style: Style::Arabic(tokens.len()),
                        tokens,
                    },
                    i,
                ));
            }
            if i < bytes.len() && bytes[i] == b')' && tokens.len() == 1 {
                return Some((
                    Marker {
                        style: Style::ArabicParen,
                        tokens,
                    },
                    i + 1,
                ));
            }
            // "1.1 Text" without the final dot; a bare "53 DVC" is not a mark.
            let depth = tokens.len();
            return (depth > 1).then_some((
                Marker {
                    style: Style::Arabic(depth),
                    tokens,
                },
                i,
            ));
        }
    }
    // "IV.", "IV)"
    let roman_len = t
        .bytes()
        .take_while(|b| matches!(b, b'I' | b'V' | b'X' | b'L'))
        .count();
    if roman_len > 0 && matches!(bytes.get(roman_len), Some(b'.') | Some(b')')) {
        let numeral = &t[..roman_len];
        if roman_value(numeral).is_some() {
            return Some((
                Marker {
                    style: Style::Roman,
                    tokens: vec![numeral.to_ascii_lowercase()],
                },
                roman_len + 1,
            ));
        }
    }
    // "a)", "đ)", "a.", "A."
    let mut chars = t.char_indices();
    let (_, c) = chars.next()?;
    let (pos, p) = chars.next()?;
    if p == ')' || p == '.' {
        if c.is_ascii_lowercase() || c == 'đ' {
            return Some((
                Marker {
                    style: Style::Letter,
                    tokens: vec![c.to_string()],
                },
                pos + 1,
            ));
        }
        if c.is_ascii_uppercase() && p == '.' {
            return Some((
                Marker {
                    style: Style::UpperLetter,
                    tokens: vec![c.to_ascii_lowercase().to_string()],
                },
                pos + 1,
            ));
        }
    }
    None
}

/// One paragraph with its numbering mark and level.
#[derive(Debug, Clone)]
pub struct Item {
    pub marker: Option<Marker>,
    /// The text after the mark (the whole paragraph when unmarked).
    pub text: String,
    /// Level of a marked paragraph (0 = top); unmarked paragraphs carry the level of the
    /// item they belong to.
    pub depth: usize,
}

/// Marks and levels for every paragraph (see the module doc for how levels are learnt).
pub fn items(lines: &[String]) -> Vec<Item> {
    let mut stack: Vec<Style> = Vec::new();
    let mut out = Vec::new();
    for line in lines {
        let Some((marker, offset)) = parse_marker(line) else {
            out.push(Item {
                marker: None,
                text: line.clone(),
                depth: stack.len(),
            });
            continue;
        };
        if marker.style == Style::Roman {
            stack.clear();
        } else if let Some(pos) = stack.iter().position(|s| *s == marker.style) {
            stack.truncate(pos);
        } else if let Style::Arabic(depth) = marker.style {
            // "1.1." closes deeper styles opened under an earlier "1.1." sibling's parent.
            if let Some(pos) = stack
                .iter()
                .position(|s| matches!(s, Style::Arabic(d) if *d > depth))
            {
                stack.truncate(pos);
            }
        }
        let depth = stack.len();
        stack.push(marker.style.clone());
        out.push(Item {
            marker: Some(marker),
            text: line[offset..].trim().to_string(),
            depth,
        });
    }
    out
}

/// A numbered item with its running text and sub-items.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub marker: Option<Marker>,
    pub title: String,
    /// Unmarked paragraphs and bullets under the item, in order.
    pub body: Vec<String>,
    pub children: Vec<Node>,
}

/// A leaf item of the task section, ready to become a task.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub code: String,
    pub group: String,
    pub fields: Fields,
    /// Fields of the headings above, for what the leaf does not state itself (sub-items
    /// "(1) … (11)" under an item that names the agencies and the time once for all).
    pub inherited: Vec<Fields>,
    /// Where the task was read (a table row), for findings; `None` in running text.
    pub place: Option<String>,
}

/// Words that open a task section's heading ("NHIỆM VỤ", "NHIỆM VỤ VÀ GIẢI PHÁP", "NỘI
/// DUNG", "PHÂN CÔNG NHIỆM VỤ", "CÁC NHIỆM VỤ, GIẢI PHÁP", "YÊU CẦU, NHIỆM VỤ"…).
fn is_task_heading(text: &str) -> bool {
    let f = fold(text);
    if f.len() > 90 {
        return false;
    }
    let f = f.strip_prefix("cac ").unwrap_or(&f);
    const OPENERS: [&str; 7] = [
        "nhiem vu",
        "noi dung",
        "giai phap",
        "phan cong",
        "cong viec",
        "danh muc nhiem vu",
        "bang phan cong",
    ];
    let opens = OPENERS
        .iter()
        .any(|o| f == *o || f.starts_with(&format!("{o} ")));
    let mixed =
        (f.starts_with("yeu cau ") || f.starts_with("muc tieu ")) && f.contains(" nhiem vu");
    opens || mixed
}

/// Headings of parts that describe the plan rather than assign work.
fn is_non_task_heading(title: &str) -> bool {
    let f = fold(title);
    if f.len() > 60 {
        return false;
    }
    [
        "yeu cau",
        "muc dich",
        "muc tieu",
        "quan diem",
        "pham vi",
        "doi tuong",
        "nguyen tac",
        "nhiem vu",
        "nhiem vu cu the",
        "nhiem vu chung",
    ]
    .iter()
    .any(|w| f == *w || (f.starts_with(&format!("{w} ")) && !w.starts_with("nhiem")))
}

/// Where a plan ends (the signature block, the recipients).
fn is_document_end(text: &str) -> bool {
    let f = fold(text);
    f.starts_with("noi nhan") || f.starts_with("tren day la ke hoach")
}

/// The task section with the most leaves; `None` when no heading looks like one or none of
/// them has any numbered item under it.
pub fn task_leaves(lines: &[String]) -> Option<Vec<Leaf>> {
    let items = items(lines);
    let end_of_doc = items
        .iter()
        .position(|i| is_document_end(&i.text))
        .unwrap_or(items.len());
    let items = &items[..end_of_doc];
    let mut best: Option<Vec<Leaf>> = None;
    for (i, item) in items.iter().enumerate() {
        let Some(marker) = &item.marker else {
            continue;
        };
        if !is_task_heading(&item.text) {
            continue;
        }
        let end = items[i + 1..]
            .iter()
            .position(|n| n.marker.is_some() && n.depth <= item.depth)
            .map_or(items.len(), |p| i + 1 + p);
        let root = build(marker, &item.text, &items[i + 1..end]);
        let leaves = leaves_of(&root);
        if leaves.len() > best.as_ref().map_or(0, Vec::len) {
            best = Some(leaves);
        }
    }
    best
}

fn build(marker: &Marker, title: &str, items: &[Item]) -> Node {
    let mut root = Node {
        marker: Some(marker.clone()),
        title: title.to_string(),
        ..Node::default()
    };
    // Path of (depth, index into the parent's children).
    let mut path: Vec<(usize, usize)> = Vec::new();
    for item in items {
        match &item.marker {
            Some(m) => {
                while path.last().is_some_and(|(d, _)| *d >= item.depth) {
                    path.pop();
                }
                let parent = node_at(&mut root, &path);
                parent.children.push(Node {
                    marker: Some(m.clone()),
                    title: item.text.clone(),
                    ..Node::default()
                });
                let idx = parent.children.len() - 1;
                path.push((item.depth, idx));
            }
            None => node_at(&mut root, &path).body.push(item.text.clone()),
        }
    }
    prune(&mut root);
    absorb_fields(&mut root);
    root
}

fn node_at<'a>(root: &'a mut Node, path: &[(usize, usize)]) -> &'a mut Node {
    let mut node = root;
    for (_, idx) in path {
        node = &mut node.children[*idx];
    }
    node
}

/// Drops sub-parts that describe rather than assign ("1. Yêu cầu" inside "YÊU CẦU, NHIỆM
/// VỤ") and empty section labels ("2. Nhiệm vụ" with no item under it).
fn prune(node: &mut Node) {
    node.children.retain(|c| {
        !(is_non_task_heading(&c.title)
            && (c.children.is_empty() || !fold(&c.title).starts_with("nhiem vu")))
    });
    for c in &mut node.children {
        prune(c);
    }
}

/// An item whose sub-items are field labels ("b) Cơ quan chủ trì:", "d) Lộ trình thực
/// hiện") is a task: its sub-items become its running text.
fn absorb_fields(node: &mut Node) {
    let has_fields = node
        .children
        .iter()
        .any(|c| label_at_start(&c.title).is_some_and(|(kind, _)| kind.is_decisive()));
    if has_fields {
        let children = std::mem::take(&mut node.children);
        for child in children {
            flatten_into(&child, &mut node.body);
        }
        return;
    }
    for c in &mut node.children {
        absorb_fields(c);
    }
}

fn flatten_into(node: &Node, out: &mut Vec<String>) {
    out.push(node.title.clone());
    out.extend(node.body.iter().cloned());
    for c in &node.children {
        flatten_into(c, out);
    }
}

fn leaves_of(root: &Node) -> Vec<Leaf> {
    let mut out = Vec::new();
    if root.children.is_empty() {
        // A section whose tasks are only bullets: number them in order.
        let bullets: Vec<&String> = root.body.iter().filter(|l| is_bullet(l)).collect();
        if bullets.len() >= 2 {
            for (i, line) in bullets.iter().enumerate() {
                out.push(Leaf {
                    code: (i + 1).to_string(),
                    group: String::new(),
                    fields: Fields::collect(super::fields::strip_bullet(line), &[]),
                    inherited: Vec::new(),
                    place: None,
                });
            }
        }
        return out;
    }
    let root_fields = Fields::collect("", &root.body);
    for child in &root.children {
        walk(child, &[], "", std::slice::from_ref(&root_fields), &mut out);
    }
    out
}

fn walk(
    node: &Node,
    parent_code: &[String],
    group: &str,
    inherited: &[Fields],
    out: &mut Vec<Leaf>,
) {
    let mut code: Vec<String> = parent_code.to_vec();
    if let Some(m) = &node.marker {
        if let Style::Arabic(depth) = m.style {
            let prefix = &m.tokens[..depth - 1];
            if depth > 1 && code.ends_with(prefix) {
                code.truncate(code.len() - prefix.len());
            }
        }
        code.extend(m.tokens.iter().cloned());
    }
    let fields = Fields::collect(&node.title, &node.body);
    if node.children.is_empty() {
        out.push(Leaf {
            code: code.join("."),
            group: group.to_string(),
            fields,
            inherited: inherited.to_vec(),
            place: None,
        });
        return;
    }
    let mut chain = inherited.to_vec();
    chain.push(fields.clone());
    let title = if fields.title.is_empty() {
        node.title.clone()
    } else {
        fields.title.clone()
    };
    for c in &node.children {
        walk(c, &code, &title, &chain, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Option<(Style, Vec<String>)> {
        parse_marker(text).map(|(m, _)| (m.style, m.tokens))
    }

    fn toks(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn markers() {
        assert_eq!(m("III. NHIỆM VỤ"), Some((Style::Roman, toks(&["iii"]))));
        assert_eq!(m("1. Nhóm"), Some((Style::Arabic(1), toks(&["1"]))));
        assert_eq!(
            m("1.1. Đẩy mạnh"),
            Some((Style::Arabic(2), toks(&["1", "1"])))
        );
        assert_eq!(
            m("2.3 Triển khai"),
            Some((Style::Arabic(2), toks(&["2", "3"])))
        );
        assert_eq!(m("đ) Công cụ"), Some((Style::Letter, toks(&["đ"]))));
        assert_eq!(m("(11) Rà soát"), Some((Style::Paren, toks(&["11"]))));
        assert_eq!(m("1) Việc"), Some((Style::ArabicParen, toks(&["1"]))));
        assert_eq!(m("53 DVC thiết yếu"), None);
        assert_eq!(m("VNeID là"), None);
        assert_eq!(m("2022. Năm"), None);
        assert_eq!(m("1."), None);
        let (_, off) = parse_marker("1.1. Đẩy mạnh").unwrap();
        assert_eq!(&"1.1. Đẩy mạnh"[off..], "Đẩy mạnh");
    }

    #[test]
    fn stt_cells() {
        assert_eq!(parse_stt("2.1").map(|m| m.tokens), Some(toks(&["2", "1"])));
        assert_eq!(parse_stt("3").map(|m| m.style), Some(Style::Arabic(1)));
        assert_eq!(parse_stt("II").map(|m| m.style), Some(Style::Roman));
        assert_eq!(parse_stt("a").map(|m| m.style), Some(Style::Letter));
        assert_eq!(parse_stt("Nội dung"), None);
        assert_eq!(parse_stt(""), None);
    }

    #[test]
    fn nested_section_with_paren_items() {
        let lines: Vec<String> = [
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Mục đích",
            "- Nâng cao nhận thức.",
            "III. NHIỆM VỤ VÀ GIẢI PHÁP",
            "7. Nhóm nhiệm vụ về dân cư",
            "a) Hoàn thiện thể chế",
            "Cơ quan thực hiện: Công an tỉnh chủ trì, phối hợp với Sở Tư pháp.",
            "Thời gian hoàn thành: Trong tháng 3 năm 2022.",
            "(1) Rà soát văn bản.",
            "(2) Đề xuất sửa đổi.",
            "b) Làm sạch dữ liệu",
            "IV. TỔ CHỨC THỰC HIỆN",
            "1. Công an tỉnh chủ trì theo dõi.",
        ]
        .map(String::from)
        .to_vec();
        let leaves = task_leaves(&lines).unwrap();
        let codes: Vec<&str> = leaves.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, vec!["7.a.1", "7.a.2", "7.b"]);
        assert_eq!(leaves[0].group, "Hoàn thiện thể chế");
        assert_eq!(leaves[0].fields.title, "Rà soát văn bản.");
        assert_eq!(leaves[0].inherited.last().unwrap().time.len(), 1);
        assert_eq!(leaves[2].group, "Nhóm nhiệm vụ về dân cư");
    }

    #[test]
    fn lettered_fields_are_not_subtasks() {
        let lines: Vec<String> = [
            "II. NHIỆM VỤ",
            "1. Nhóm tiện ích",
            "1.1. Đẩy mạnh DVC",
            "a) Nhiệm vụ",
            "- Triển khai đồng bộ.",
            "b) Cơ quan chủ trì: Sở Y tế.",
            "c) Cơ quan phối hợp: Các cơ quan, đơn vị.",
            "d) Lộ trình thực hiện: Quý I/2024.",
            "đ) Công cụ triển khai",
            "- VNeID.",
            "e) Kinh phí: tự bố trí.",
            "1.2. Việc thứ hai",
            "III. KINH PHÍ",
        ]
        .map(String::from)
        .to_vec();
        let leaves = task_leaves(&lines).unwrap();
        assert_eq!(leaves.len(), 2);
        assert_eq!(leaves[0].code, "1.1");
        assert_eq!(leaves[0].fields.lead, vec!["Sở Y tế."]);
        assert_eq!(leaves[0].fields.time, vec!["Quý I/2024."]);
        assert_eq!(leaves[0].group, "Nhóm tiện ích");
        assert_eq!(leaves[1].code, "1.2");
    }

    #[test]
    fn objectives_are_not_tasks() {
        let lines: Vec<String> = ["I. MỤC TIÊU", "1. Đạt 100% DVC", "2. Đạt 50%"]
            .map(String::from)
            .to_vec();
        assert!(task_leaves(&lines).is_none());
    }
}
