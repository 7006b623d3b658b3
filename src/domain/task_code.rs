//! Task codes: the plan's own numbering as dot-separated lower-case tokens ("7.a.1").
//!
//! Plans number their items "III.", "7.", "1.1.", "a)", "đ)", "(1)"; reports refer to them as
//! "7.a.(1)", "7a1", "Mục 7 điểm a khoản (1)" or "Nhiệm vụ 1.1". Every one of those is turned
//! into the same key here (DESIGN §5), so the plan importer and the ingest matcher agree on
//! what a code is. Roman numerals are kept as lower-case tokens ("iii"); dropping the numeral
//! of the plan's task section is the importer's business, not this module's.

/// Longest number token accepted: "2022" is a year, not an item number.
const MAX_DIGITS: usize = 3;
/// Deepest numbering accepted.
const MAX_TOKENS: usize = 8;

/// Normalises a written code: "III.7.a.(1)" → "iii.7.a.1", "7.a.(1)" → "7.a.1", "1.1." →
/// "1.1", "đ)" → "đ", "7a1" → "7.a.1". `None` when the text is not a code (words, a year,
/// nothing at all).
pub fn normalize(raw: &str) -> Option<String> {
    tokens(raw).map(|t| t.join("."))
}

/// The tokens of a written code (see [`normalize`]).
pub fn tokens(raw: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    let flush = |current: &mut String, out: &mut Vec<String>| -> bool {
        if current.is_empty() {
            return true;
        }
        let token = std::mem::take(current);
        let ok = if token.chars().all(|c| c.is_ascii_digit()) {
            token.len() <= MAX_DIGITS
        } else {
            token.chars().count() == 1 || is_roman(&token)
        };
        if ok {
            // "01" and "1" are the same item.
            let token = if token.chars().all(|c| c.is_ascii_digit()) {
                token.trim_start_matches('0').to_string()
            } else {
                token
            };
            out.push(if token.is_empty() { "0".into() } else { token });
        }
        ok
    };
    for ch in raw.trim().chars() {
        let (is_digit, lower) = match ch {
            '0'..='9' => (true, ch),
            'a'..='z' | 'A'..='Z' => (false, ch.to_ascii_lowercase()),
            'đ' | 'Đ' => (false, 'đ'),
            '.' | '(' | ')' | '-' | ' ' | '/' | ',' | ':' | '\t' => {
                if !flush(&mut current, &mut out) {
                    return None;
                }
                continue;
            }
            _ => return None,
        };
        if !current.is_empty() && is_digit != current_is_digit && !flush(&mut current, &mut out) {
            return None;
        }
        current_is_digit = is_digit;
        current.push(lower);
    }
    if !flush(&mut current, &mut out) || out.is_empty() || out.len() > MAX_TOKENS {
        return None;
    }
    Some(out)
}

/// Reads a code out of a reference such as "Nhiệm vụ 1.1", "Mục 7 điểm a khoản (1)",
/// "Mục III.7.a", "STT 2.3" or a bare "7a1". Returns the normalised code.
pub fn from_reference(text: &str) -> Option<String> {
    const WORDS: [&str; 12] = [
        "nhiem vu",
        "muc",
        "diem",
        "khoan",
        "tiet",
        "tieu muc",
        "noi dung",
        "stt",
        "so",
        "phan",
        "nv",
        "nhiem vu so",
    ];
    let folded_words: Vec<String> = text
        .split_whitespace()
        .map(crate::domain::fold::fold)
        .collect();
    let mut kept: Vec<&str> = Vec::new();
    let originals: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < originals.len() {
        let w = folded_words[i].as_str();
        let two = if i + 1 < originals.len() {
            format!("{w} {}", folded_words[i + 1])
        } else {
            String::new()
        };
        if !two.is_empty() && WORDS.contains(&two.as_str()) {
            i += 2;
            continue;
        }
        if WORDS.contains(&w) {
            i += 1;
            continue;
        }
        kept.push(originals[i]);
        i += 1;
    }
    if kept.is_empty() {
        return None;
    }
    let joined = kept.join(".");
    normalize(joined.trim_end_matches(':'))
}

fn is_roman(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 7
        && token.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l'))
        && roman_value(token).is_some()
}

/// Value of a lower-case Roman numeral up to 89; `None` when malformed.
pub fn roman_value(token: &str) -> Option<u32> {
    let value = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        _ => None,
    };
    let chars: Vec<u32> = token
        .chars()
        .map(|c| value(c.to_ascii_lowercase()))
        .collect::<Option<_>>()?;
    if chars.is_empty() {
        return None;
    }
    let mut total = 0;
    for (i, v) in chars.iter().enumerate() {
        if chars.get(i + 1).is_some_and(|next| next > v) {
            total -= *v as i32;
        } else {
            total += *v as i32;
        }
    }
    // Reject forms such as "iiii" or "vv" by writing the value back.
    let value = u32::try_from(total).ok().filter(|v| *v > 0)?;
    (to_roman(value) == token.to_ascii_lowercase()).then_some(value)
}

/// Lower-case Roman numeral of `n` (1 … 399): 4 → "iv".
pub fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 9] = [
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_codes() {
        assert_eq!(normalize("III.7.a.(1)").as_deref(), Some("iii.7.a.1"));
        assert_eq!(normalize("7.a.(1)").as_deref(), Some("7.a.1"));
        assert_eq!(normalize("1.1.").as_deref(), Some("1.1"));
        assert_eq!(normalize("đ)").as_deref(), Some("đ"));
        assert_eq!(normalize("Đ)").as_deref(), Some("đ"));
        assert_eq!(normalize("(11)").as_deref(), Some("11"));
        assert_eq!(normalize(" 2.1 ").as_deref(), Some("2.1"));
        assert_eq!(normalize("7a1").as_deref(), Some("7.a.1"));
        assert_eq!(normalize("01").as_deref(), Some("1"));
        assert_eq!(normalize("IV").as_deref(), Some("iv"));
    }

    #[test]
    fn not_codes() {
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("Nội dung"), None);
        assert_eq!(normalize("2022"), None);
        assert_eq!(normalize("ab"), None);
        assert_eq!(normalize("IIII"), None);
    }

    #[test]
    fn references() {
        assert_eq!(from_reference("Nhiệm vụ 1.1").as_deref(), Some("1.1"));
        assert_eq!(
            from_reference("Mục 7 điểm a khoản (1)").as_deref(),
            Some("7.a.1")
        );
        assert_eq!(from_reference("7a1").as_deref(), Some("7.a.1"));
        assert_eq!(from_reference("STT 2.3").as_deref(), Some("2.3"));
        assert_eq!(from_reference("Tuyên truyền"), None);
    }

    #[test]
    fn roman_values() {
        assert_eq!(roman_value("iii"), Some(3));
        assert_eq!(roman_value("IX"), Some(9));
        assert_eq!(roman_value("xiv"), Some(14));
        assert_eq!(roman_value("vx"), None);
    }
}
