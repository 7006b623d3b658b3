//! The numbers clerks put in the first column: "I", "II." (groups), "A", "B" (parts), "1",
//! "1.2", "7.a.(1)", "a)", "-". Used to tell group headings from tasks and to nest them.

/// The number without surrounding brackets and trailing separators: "(1)" → "1",
/// "II." → "II", "a)" → "a", "1.2." → "1.2".
pub(crate) fn bare(number: &str) -> &str {
    number
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':', ' '])
}

/// A Roman numeral in capitals (I … XXXIX), as group headings are numbered.
pub(crate) fn is_roman(number: &str) -> bool {
    let n = bare(number);
    !n.is_empty()
        && n.len() <= 7
        && n.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
        && !n.contains("IIII")
        && !n.contains("VV")
}

/// A single capital letter ("A", "B."), as the parts of a report are numbered.
pub(crate) fn is_capital_letter(number: &str) -> bool {
    let n = bare(number);
    n.chars().count() == 1 && n.chars().all(|c| c.is_uppercase())
}

/// A number that only group headings carry: Roman numerals and capital letters.
pub(crate) fn is_group_number(number: &str) -> bool {
    is_roman(number) || is_capital_letter(number)
}

/// The kind of a number, so that headings of the same kind replace each other in the
/// context while headings of a new kind nest under the current ones.
pub(crate) fn kind(number: &str) -> String {
    let n = bare(number);
    if n.is_empty() {
        "text".to_string()
    } else if is_roman(n) {
        "roman".to_string()
    } else if is_capital_letter(n) {
        "capital".to_string()
    } else if n.chars().count() == 1 && n.chars().all(char::is_lowercase) {
        "letter".to_string()
    } else if n.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        format!("arabic{}", n.split('.').count())
    } else {
        format!("other:{n}")
    }
}

/// True when `child` is numbered under `parent`: "1" → "1.1", "1.2" → "1.2.a",
/// "II" → "II.1", "1" → "a)".
pub(crate) fn is_child(parent: &str, child: &str) -> bool {
    let (p, c) = (bare(parent), bare(child));
    if p.is_empty() || c.is_empty() {
        return false;
    }
    if c.len() > p.len() && c.starts_with(p) && c[p.len()..].starts_with('.') {
        return true;
    }
    if p.chars().all(|ch| ch.is_ascii_digit() || ch == '.') && kind(c) == "letter" {
        return true;
    }
    let whole = |n: &str| n.parse::<u32>().ok();
    match (whole(p), whole(c)) {
        // "a" → "(1)": a khoản under its điểm.
        (None, Some(_)) => kind(p) == "letter",
        // "8" → "1" or "8" → "2": numbering that restarts under a heading. In a flat list
        // the row after "8" is "9".
        (Some(parent), Some(child)) => child <= parent,
        _ => false,
    }
}

/// Splits a leading number off a heading written in one cell: "I. NHÓM A" → ("I", "NHÓM A"),
/// "1.2. Việc" → ("1.2", "Việc"), "A) Phần" → ("A", "Phần"). Letters need a "." or ")" after
/// them, so an ordinary first word is never taken for a number.
pub(crate) fn split_leading(text: &str) -> (String, String) {
    let text = text.trim();
    let (first, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let n = bare(first);
    let punctuated = first.ends_with(['.', ')', ':']);
    let numeric = !n.is_empty()
        && n.chars().next().is_some_and(|c| c.is_ascii_digit())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '.');
    let is_number = numeric
        || (is_roman(n) && (punctuated || n.len() > 1))
        || (n.chars().count() == 1 && n.chars().all(char::is_alphabetic) && punctuated);
    if is_number && !rest.trim().is_empty() {
        (n.to_string(), rest.trim().to_string())
    } else {
        (String::new(), text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_children() {
        assert!(is_child("a", "(1)"));
        assert!(is_child("8", "2"));
        assert!(is_child("8", "1"));
        assert!(!is_child("8", "9"));
        assert!(!is_child("a", "b"));
        assert!(is_group_number("II."));
        assert!(is_group_number("B"));
        assert!(!is_group_number("1"));
        assert!(!is_group_number("a"));
        assert_eq!(kind("1."), kind("2"));
        assert_ne!(kind("1"), kind("1.1"));
        assert_eq!(kind("a)"), "letter");
        assert!(is_child("1", "1.1"));
        assert!(is_child("1.", "1.2."));
        assert!(is_child("2", "a)"));
        assert!(!is_child("1", "10"));
        assert!(!is_child("1", "2"));
    }

    #[test]
    fn leading_numbers() {
        assert_eq!(split_leading("I. NHÓM A"), ("I".into(), "NHÓM A".into()));
        assert_eq!(split_leading("II THỦ TỤC"), ("II".into(), "THỦ TỤC".into()));
        assert_eq!(split_leading("1.2. Việc"), ("1.2".into(), "Việc".into()));
        assert_eq!(split_leading("A) Phần"), ("A".into(), "Phần".into()));
        assert_eq!(
            split_leading("Nhóm dịch vụ"),
            ("".into(), "Nhóm dịch vụ".into())
        );
        assert_eq!(split_leading("I"), ("".into(), "I".into()));
    }
}
