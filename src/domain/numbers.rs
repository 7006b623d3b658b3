//! How Vietnamese readers write numbers: thousands with dots, decimals with a comma
//! (1.234,5). Used by pages, findings and documents alike.

/// Thousands with dots, decimals with a comma: 1234.5 → "1.234,5" (at most `decimals`
/// decimals, trailing zeros dropped).
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (text.clone(), String::new()),
    };
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(ch);
    }
    let sign = if value < 0.0 && (int != "0" || !frac.is_empty()) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_dots_and_commas() {
        assert_eq!(number(1234.5, 1), "1.234,5");
        assert_eq!(number(1234567.0, 0), "1.234.567");
        assert_eq!(number(12.0, 2), "12");
        assert_eq!(number(0.25, 2), "0,25");
        assert_eq!(number(-1500.0, 0), "-1.500");
        assert_eq!(number(999.0, 0), "999");
    }
}
