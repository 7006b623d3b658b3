//! Task codes as clerks write them.
//!
//! The plan's codes are dot-separated lower-case tokens ("7.a.1", "1.1", "8.đ.2"; DESIGN §5).
//! A report writes the same code as "7.a.(1)", "7a1", "III.7.a.(1)", "Mục 7 điểm a khoản (1)",
//! "Nhiệm vụ 1.1", "NV1.1", "1.1." or "01.01". [`parse_code`] reads any of those into a list of
//! tokens (numbers without leading zeros, single letters with "đ" kept, Roman numerals
//! remembered as such) and [`CodeReading::variants`] lists the plan codes it may stand for, best
//! first: as written, without a leading Roman section number the plan's codes do not carry,
//! with that Roman numeral read as a number, and — for fully labelled forms such as
//! "Điểm a khoản 1 mục 7" — the labelled parts in another order.

use unicode_normalization::UnicodeNormalization;

/// Words that name a level of numbering ("Mục 7", "NV 1.1", "khoản (1)") and are dropped.
const LABELS: &[&str] = &[
    "muc", "diem", "khoan", "tiet", "dieu", "nhiem", "vu", "nhiemvu", "nv", "nhom", "phan",
    "chuong", "so", "stt", "tt", "ma", "manv",
];

/// Labels that name a numbering level; a code written only with these may be in any order.
const LEVEL_LABELS: &[&str] = &["muc", "diem", "khoan", "tiet", "dieu", "phan", "chuong"];

/// One token of a code as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeToken {
    /// Normalised text: "7", "a", "đ", "iii".
    pub text: String,
    /// The value when the token is a valid Roman numeral (1–39), including "i", "v", "x".
    pub roman: Option<u32>,
    /// The level label written before it ("muc", "diem", …), if any.
    pub label: Option<&'static str>,
}

impl CodeToken {
    pub fn is_number(&self) -> bool {
        self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

/// A number cell (or the start of a task text) read as a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeReading {
    pub tokens: Vec<CodeToken>,
}

impl CodeReading {
    /// The code as the clerk wrote it, normalised ("7.a.1").
    pub fn display(&self) -> String {
        self.tokens
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Candidate plan codes, best first, without duplicates.
    pub fn variants(&self) -> Vec<Vec<String>> {
        let plain: Vec<String> = self.tokens.iter().map(|t| t.text.clone()).collect();
        let mut out = vec![plain.clone()];
        if let Some(first) = self.tokens.first() {
            if let Some(value) = first.roman {
                // A Roman section number the plan's codes do not carry ("III.7.a.1").
                if self.tokens.len() >= 2 {
                    out.push(plain[1..].to_vec());
                }
                // A Roman group number ("II.3" for task 2.3).
                let mut arabic = plain.clone();
                arabic[0] = value.to_string();
                out.push(arabic);
            }
        }
        let labelled = self.tokens.len() >= 2
            && self.tokens.len() <= 4
            && self
                .tokens
                .iter()
                .all(|t| t.label.is_some_and(|l| LEVEL_LABELS.contains(&l)));
        if labelled {
            for perm in permutations(self.tokens.len()) {
                out.push(perm.iter().map(|&i| plain[i].clone()).collect());
            }
        }
        let mut seen = Vec::new();
        out.retain(|v| {
            if seen.contains(v) {
                false
            } else {
                seen.push(v.clone());
                true
            }
        });
        out
    }
}

/// Reads a cell as a code; `None` when it holds words that are not numbering ("Công tác
/// khác"), nothing, or more tokens than any plan uses.
pub(crate) fn parse_code(cell: &str) -> Option<CodeReading> {
    let lowered = strip_marks(cell);
    let mut tokens = Vec::new();
    let mut pending_label: Option<&'static str> = None;
    for run in lowered.split(|c: char| !c.is_alphanumeric()) {
        for piece in split_digit_letter(run) {
            if piece.is_empty() {
                continue;
            }
            if piece.chars().all(|c| c.is_ascii_digit()) {
                let trimmed = piece.trim_start_matches('0');
                let text = if trimmed.is_empty() { "0" } else { trimmed };
                if text.len() > 4 {
                    return None;
                }
                tokens.push(CodeToken {
                    text: text.to_string(),
                    roman: None,
                    label: pending_label.take(),
                });
                continue;
            }
            let folded = piece.replace('đ', "d");
            if let Some(label) = LABELS.iter().find(|l| **l == folded) {
                if LEVEL_LABELS.contains(label) {
                    pending_label = Some(label);
                }
                continue;
            }
            let roman = roman_value(piece);
            if piece.chars().count() == 1 || roman.is_some() {
                tokens.push(CodeToken {
                    text: piece.to_string(),
                    roman,
                    label: pending_label.take(),
                });
                continue;
            }
            return None;
        }
    }
    if tokens.is_empty() || tokens.len() > 6 {
        return None;
    }
    Some(CodeReading { tokens })
}

/// Splits a code written at the start of a task text ("1.1. Đẩy mạnh …", "a) Cấp …",
/// "Nhiệm vụ 7.a.1: …") from the rest. Plain leading numbers ("53 DVC thiết yếu") are text.
pub(crate) fn split_leading_code(text: &str) -> (Option<CodeReading>, &str) {
    let trimmed = text.trim_start();
    let mut consumed = 0usize;
    let mut code_words = String::new();
    let mut has_marked_code = false;
    let mut after_label = false;
    let mut words = 0;
    for (start, word) in word_spans(trimmed) {
        if words >= 4 {
            break;
        }
        let core = word.trim_end_matches([':', ',', '-', '–']);
        let folded = strip_marks(core).replace('đ', "d");
        let folded = folded.trim_matches(|c: char| !c.is_alphanumeric());
        let is_label = !folded.is_empty()
            && folded.chars().all(|c| c.is_alphanumeric())
            && LABELS.contains(&folded)
            && !matches!(folded, "so" | "ma");
        if is_label {
            after_label = true;
            code_words.push(' ');
            code_words.push_str(core);
            consumed = start + word.len();
            words += 1;
            continue;
        }
        let Some(reading) = parse_code(core) else {
            break;
        };
        if reading.tokens.iter().any(|t| t.label.is_some()) {
            break;
        }
        let marked = after_label
            || core.contains('.')
            || core.ends_with(')')
            || core.starts_with('(')
            || word.ends_with(':');
        let single_letter_or_roman = reading.tokens.len() == 1 && !reading.tokens[0].is_number();
        if !marked || (single_letter_or_roman && !(core.ends_with(')') || core.ends_with('.'))) {
            break;
        }
        has_marked_code = true;
        code_words.push(' ');
        code_words.push_str(core);
        consumed = start + word.len();
        words += 1;
        if word.ends_with(':') {
            break;
        }
    }
    if !has_marked_code {
        return (None, text);
    }
    let rest = trimmed[consumed..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '.' | ')')
    });
    (parse_code(&code_words), rest)
}

/// A plan code ("7.a.1", "III.7.a.(1)" as stored) as tokens.
pub(crate) fn plan_code_tokens(code: &str) -> Vec<String> {
    parse_code(code)
        .map(|r| r.tokens.into_iter().map(|t| t.text).collect())
        .unwrap_or_else(|| {
            code.split('.')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect()
        })
}

/// The value of a Roman numeral from 1 to 39 written canonically ("iv", not "iiii").
pub(crate) fn roman_value(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 6 {
        return None;
    }
    let mut total = 0u32;
    let mut prev = 0u32;
    for c in text.chars().rev() {
        let v = match c.to_ascii_lowercase() {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            _ => return None,
        };
        if v < prev {
            total = total.checked_sub(v)?;
        } else {
            total += v;
            prev = v;
        }
    }
    ((1..=39).contains(&total) && to_roman(total) == text.to_ascii_lowercase()).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    let mut out = String::new();
    for (v, s) in [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")] {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Lower-case, diacritics removed except "đ" (which has no decomposition).
fn strip_marks(text: &str) -> String {
    text.nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// "7a1" → "7", "a", "1"; "nv1" → "nv", "1".
fn split_digit_letter(run: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev_digit: Option<bool> = None;
    for (i, c) in run.char_indices() {
        let digit = c.is_ascii_digit();
        if prev_digit.is_some_and(|p| p != digit) {
            out.push(&run[start..i]);
            start = i;
        }
        prev_digit = Some(digit);
    }
    out.push(&run[start..]);
    out
}

fn word_spans(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_whitespace()
        .map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for perm in permutations(n - 1) {
        for pos in 0..=perm.len() {
            let mut p = perm.clone();
            p.insert(pos, n - 1);
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(cell: &str) -> String {
        parse_code(cell).expect(cell).variants()[0].join(".")
    }

    fn has_variant(cell: &str, want: &str) -> bool {
        parse_code(cell)
            .expect(cell)
            .variants()
            .iter()
            .any(|v| v.join(".") == want)
    }

    #[test]
    fn common_forms_read_alike() {
        for cell in [
            "7.a.(1)",
            "7a1",
            "7.a.1",
            "7 a 1",
            "7.a.1)",
            "Mục 7 điểm a khoản (1)",
            "NV 7.a.1",
            "7/a/(1)",
        ] {
            assert_eq!(first(cell), "7.a.1", "{cell}");
        }
        for cell in [
            "1.1",
            "1.1.",
            "Nhiệm vụ 1.1",
            "NV 1.1",
            "NV1.1",
            "01.01",
            "nhiệm vụ số 1.1",
        ] {
            assert_eq!(first(cell), "1.1", "{cell}");
        }
    }

    #[test]
    fn leading_roman_section_is_optional() {
        assert!(has_variant("III.7.a.(1)", "7.a.1"));
        assert!(has_variant("II.3", "2.3"));
        assert_eq!(first("III.7.a.(1)"), "iii.7.a.1");
    }

    #[test]
    fn labelled_parts_in_another_order() {
        assert!(has_variant("Điểm a khoản 1 mục 7", "7.a.1"));
    }

    #[test]
    fn d_with_stroke_kept() {
        assert_eq!(first("8.đ.2"), "8.đ.2");
        assert_eq!(first("8.Đ.(2)"), "8.đ.2");
    }

    #[test]
    fn words_are_not_codes() {
        assert!(parse_code("Công tác khác").is_none());
        assert!(parse_code("").is_none());
        assert!(parse_code("  - ").is_none());
        assert!(parse_code("x").is_some());
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(roman_value("iv"), Some(4));
        assert_eq!(roman_value("XIV"), Some(14));
        assert_eq!(roman_value("iiii"), None);
        assert_eq!(roman_value("a"), None);
    }

    #[test]
    fn leading_code_in_text() {
        let (code, rest) = split_leading_code("1.1. Đẩy mạnh triển khai 53 DVC thiết yếu");
        assert_eq!(code.unwrap().display(), "1.1");
        assert_eq!(rest, "Đẩy mạnh triển khai 53 DVC thiết yếu");
        let (code, rest) = split_leading_code("Nhiệm vụ 7.a.1: Cấp tài khoản");
        assert_eq!(code.unwrap().display(), "7.a.1");
        assert_eq!(rest, "Cấp tài khoản");
        let (code, rest) = split_leading_code("a) Cấp tài khoản");
        assert_eq!(code.unwrap().display(), "a");
        assert_eq!(rest, "Cấp tài khoản");
        let (code, rest) = split_leading_code("53 DVC thiết yếu");
        assert!(code.is_none());
        assert_eq!(rest, "53 DVC thiết yếu");
        let (code, _) = split_leading_code("Nhiệm vụ tuyên truyền");
        assert!(code.is_none());
        let (code, _) = split_leading_code("100% cơ sở khám chữa bệnh");
        assert!(code.is_none());
    }
}
