//! The plan's header: issuing province, number, date of issue and title.
//!
//! Read from the first paragraphs the way Nghị định 30/2020/NĐ-CP lays them out: the issuing
//! body ("ỦY BAN NHÂN DÂN TỈNH TRÀ VINH"), "Số: 13/KH-UBND", the place and date ("Trà Vinh,
//! ngày 11 tháng 02 năm 2022"), then "KẾ HOẠCH" and the title on the line(s) after it.

use chrono::NaiveDate;

use super::folded::Folded;
use crate::domain::fold::fold;

/// How far into the document the header may reach.
const HEADER_LINES: usize = 40;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub province: Option<String>,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub title: Option<String>,
    /// The year of the place-and-date line, even when its day is blank.
    pub year: Option<i32>,
    /// Saw "KẾ HOẠCH" as a heading or "Số: …/KH-…".
    pub looks_like_plan: bool,
}

pub fn read(lines: &[String]) -> Metadata {
    let head = &lines[..lines.len().min(HEADER_LINES)];
    let mut meta = Metadata::default();
    let mut place: Option<String> = None;
    let mut issuer: Option<String> = None;
    for (i, line) in head.iter().enumerate() {
        let folded = fold(line);
        if meta.number.is_none() && meta_number_line(&folded) {
            let (number, is_plan) = number_of(line);
            meta.number = number;
            meta.looks_like_plan |= is_plan;
        }
        if issuer.is_none() {
            issuer = issuing_province(line);
        }
        if place.is_none() {
            if let Some((p, date)) = place_and_date(line) {
                place = Some(p);
                meta.issued_on = date;
                meta.year = year_of(line);
            }
        }
        if meta.title.is_none() {
            if let Some(after) = Folded::new(line).starts_with("ke hoach") {
                let rest = line[after..].trim().trim_start_matches([':', '-']).trim();
                let heading = folded == "ke hoach" || is_upper(&line[..after]);
                if heading {
                    meta.looks_like_plan = true;
                    meta.title = if rest.is_empty() {
                        title_after(&lines[i + 1..])
                    } else {
                        Some(rest.to_string())
                    };
                }
            }
        }
    }
    meta.province = issuer.or(place).or_else(|| {
        lines
            .iter()
            .take(HEADER_LINES * 2)
            .find_map(|l| named_after(l, "tinh"))
    });
    meta
}

/// "…, ngày tháng 10 năm 2023" → 2023.
fn year_of(line: &str) -> Option<i32> {
    let f = fold(line);
    let t: Vec<&str> = f.split(' ').collect();
    t.iter()
        .position(|w| *w == "nam")
        .and_then(|i| t.get(i + 1))
        .and_then(|y| y.parse().ok())
        .filter(|y| (2000..=2100).contains(y))
}

fn meta_number_line(folded: &str) -> bool {
    folded.starts_with("so ") || folded == "so"
}

/// "Số: 13/KH-UBND" → ("13/KH-UBND", true); "Số: /KH-UBND" → (None, true).
fn number_of(line: &str) -> (Option<String>, bool) {
    let rest = line.trim_start();
    let rest = rest
        .char_indices()
        .nth(2)
        .map_or("", |(i, _)| &rest[i..])
        .trim_start_matches([':', ' ', '.']);
    let token = rest.split_whitespace().next().unwrap_or("");
    let is_plan = fold(token).contains("kh");
    let token = token.trim_end_matches([',', ';', '.']);
    if token.is_empty() || token.starts_with('/') || !token.contains('/') {
        return (None, is_plan);
    }
    (Some(token.to_string()), is_plan)
}

/// "ỦY BAN NHÂN DÂN TỈNH TRÀ VINH", "UBND TỈNH BẮC GIANG", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI".
fn issuing_province(line: &str) -> Option<String> {
    let f = Folded::new(line);
    for head in [
        "uy ban nhan dan tinh",
        "ubnd tinh",
        "uy ban nhan dan thanh pho",
        "ubnd thanh pho",
    ] {
        if let Some(end) = f.starts_with(head) {
            let rest = line[end..].trim();
            if !rest.is_empty() && is_upper(rest) && rest.split_whitespace().count() <= 5 {
                return Some(title_case(rest));
            }
        }
    }
    None
}

/// "Trà Vinh, ngày 11 tháng 02 năm 2022" → ("Trà Vinh", 2022-02-11); a blank day gives no
/// date ("Bắc Giang, ngày tháng 10 năm 2023").
fn place_and_date(line: &str) -> Option<(String, Option<NaiveDate>)> {
    let (place, rest) = line.split_once(',')?;
    let place = place.trim();
    let rf = fold(rest);
    if !rf.starts_with("ngay") || place.is_empty() || place.split_whitespace().count() > 5 {
        return None;
    }
    if !place.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let t: Vec<&str> = rf.split(' ').collect();
    let num = |i: usize| t.get(i).and_then(|w| w.parse::<u32>().ok());
    let date = if t.get(2) == Some(&"thang") && t.get(4) == Some(&"nam") {
        match (num(1), num(3), num(5)) {
            (Some(d), Some(m), Some(y)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        }
    } else {
        match (num(1), num(2), num(3)) {
            (Some(d), Some(m), Some(y)) if y > 1900 => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        }
    };
    let place = place
        .strip_prefix("Tỉnh ")
        .or_else(|| place.strip_prefix("tỉnh "))
        .unwrap_or(place);
    Some((place.to_string(), date))
}

/// The capitalised name after a word: "trên địa bàn tỉnh Bắc Giang" → "Bắc Giang".
fn named_after(line: &str, word: &str) -> Option<String> {
    let f = Folded::new(line);
    for (_, end) in f.find_all(word) {
        let rest = &line[end..];
        let mut name = Vec::new();
        for w in rest.split_whitespace() {
            let clean = w.trim_end_matches([',', '.', ';', ':', ')', '”', '"']);
            if clean.chars().next().is_some_and(char::is_uppercase) && name.len() < 4 {
                name.push(clean);
                if clean.len() != w.len() {
                    break;
                }
            } else {
                break;
            }
        }
        if !name.is_empty() && !is_upper(&name.join(" ")) {
            return Some(name.join(" "));
        }
    }
    None
}

/// The title: the paragraph(s) right after "KẾ HOẠCH", up to the body's first sentence.
fn title_after(lines: &[String]) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for line in lines.iter().take(3) {
        let f = fold(line);
        let body_start = ["thuc hien", "can cu", "de ", "nham", "trien khai thuc hien"]
            .iter()
            .any(|w| f.starts_with(w))
            && !parts.is_empty();
        if body_start || super::outline::parse_marker(line).is_some() || f.is_empty() {
            break;
        }
        if line.starts_with('(') && !parts.is_empty() {
            break; // "(Kèm theo …)"
        }
        parts.push(line.trim());
        if line.chars().count() > 60 {
            break;
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn is_upper(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| !c.is_lowercase())
}

/// "TRÀ VINH" → "Trà Vinh", "BÀ RỊA - VŨNG TÀU" → "Bà Rịa - Vũng Tàu".
fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut cs = lower.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(String::from).collect()
    }

    #[test]
    fn tra_vinh_header() {
        let m = read(&lines(
            "ỦY BAN NHÂN DÂN TỈNH TRÀ VINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 13/KH-UBND\nTrà Vinh, ngày 11 tháng 02 năm 2022\nKẾ HOẠCH\nTriển khai Đề án 06 trên địa bàn tỉnh Trà Vinh năm 2022\nThực hiện Quyết định số 06/QĐ-TTg …",
        ));
        assert_eq!(m.province.as_deref(), Some("Trà Vinh"));
        assert_eq!(m.number.as_deref(), Some("13/KH-UBND"));
        assert_eq!(m.issued_on, NaiveDate::from_ymd_opt(2022, 2, 11));
        assert_eq!(
            m.title.as_deref(),
            Some("Triển khai Đề án 06 trên địa bàn tỉnh Trà Vinh năm 2022")
        );
        assert!(m.looks_like_plan);
    }

    #[test]
    fn draft_header() {
        let m = read(&lines(
            "Số: /KH-UBND\nBắc Giang, ngày tháng 10 năm 2023\nKẾ HOẠCH\nĐẩy mạnh triển khai 05 nhóm tiện ích trên địa bàn tỉnh Bắc Giang\nThực hiện chỉ đạo …",
        ));
        assert_eq!(m.province.as_deref(), Some("Bắc Giang"));
        assert_eq!(m.number, None);
        assert_eq!(m.issued_on, None);
        assert_eq!(m.year, Some(2023));
        assert!(m.looks_like_plan);
    }

    #[test]
    fn province_from_text() {
        let m = read(&lines(
            "Kế hoạch nội bộ\nTriển khai trên địa bàn tỉnh Bắc Giang.",
        ));
        assert_eq!(m.province.as_deref(), Some("Bắc Giang"));
        assert!(!m.looks_like_plan);
        assert_eq!(title_case("BÀ RỊA - VŨNG TÀU"), "Bà Rịa - Vũng Tàu");
    }
}
