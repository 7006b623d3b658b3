//! How figures and uploaded texts read in an administrative document: counts with a
//! leading zero under 10 ("05 nhiệm vụ"), percentages with a decimal comma ("33,3%"), and
//! agencies' free text condensed to one tidy sentence run.

/// "0", "05", "12": a leading zero for 1–9, as Vietnamese administrative documents write
/// counts.
pub fn count(n: usize) -> String {
    if (1..10).contains(&n) {
        format!("{n:02}")
    } else {
        n.to_string()
    }
}

/// "25%", "33,3%", "0%" (share of `whole`; 0% when `whole` is 0).
pub fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let tenths = ((part as f64) * 1000.0 / (whole as f64)).round() as u64;
    if tenths % 10 == 0 {
        format!("{}%", tenths / 10)
    } else {
        format!("{},{}%", tenths / 10, tenths % 10)
    }
}

/// An agency's text as one run of sentences: lines joined with "; ", bullets and repeated
/// spaces removed, cut at a word boundary after `max_chars` characters ("…"), ending with a
/// full stop.
pub fn condense(text: &str, max_chars: usize) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            line.trim()
                .trim_start_matches(['-', '+', '•', '*', '–'])
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .map(|line| line.trim_end_matches([';', ',']).to_string())
        .filter(|line| !line.is_empty())
        .collect();
    let mut joined = String::new();
    for line in &lines {
        if !joined.is_empty() {
            if joined.ends_with(['.', '!', '?', ':']) {
                joined.push(' ');
            } else {
                joined.push_str("; ");
            }
        }
        joined.push_str(line);
    }
    if joined.is_empty() {
        return joined;
    }
    if joined.chars().count() > max_chars {
        let cut: String = joined.chars().take(max_chars).collect();
        let cut = match cut.rfind(' ') {
            Some(space) if space > cut.len() / 2 => &cut[..space],
            _ => cut.as_str(),
        };
        return format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']));
    }
    if !joined.ends_with(['.', '!', '?', '…']) {
        joined = joined.trim_end_matches(':').to_string();
        joined.push('.');
    }
    joined
}

/// "A, B và C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} và {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_a_leading_zero_under_ten() {
        assert_eq!(count(0), "0");
        assert_eq!(count(5), "05");
        assert_eq!(count(10), "10");
        assert_eq!(count(152), "152");
    }

    #[test]
    fn percentages_use_a_decimal_comma() {
        assert_eq!(percent(1, 4), "25%");
        assert_eq!(percent(1, 3), "33,3%");
        assert_eq!(percent(2, 3), "66,7%");
        assert_eq!(percent(0, 0), "0%");
        assert_eq!(percent(12, 12), "100%");
    }

    #[test]
    fn texts_are_condensed() {
        assert_eq!(
            condense(
                "- Đã triển khai   tập huấn\n+ Cấp 1.200 tài khoản;\n\n",
                400
            ),
            "Đã triển khai tập huấn; Cấp 1.200 tài khoản."
        );
        assert_eq!(condense("Xong. \nĐang rà soát", 400), "Xong. Đang rà soát.");
        assert_eq!(condense("  \n ", 400), "");
        let long = "một hai ba bốn năm sáu bảy tám chín mười";
        assert_eq!(condense(long, 15), "một hai ba bốn…");
    }

    #[test]
    fn names_are_joined_with_va() {
        assert_eq!(join_names(&[]), "");
        assert_eq!(join_names(&["Sở Y tế".into()]), "Sở Y tế");
        assert_eq!(
            join_names(&["A".into(), "B".into(), "C".into()]),
            "A, B và C"
        );
    }
}
