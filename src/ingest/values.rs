//! Normalisers for the values clerks type into report cells.
//!
//! The same fact arrives in many spellings: a status as "Đã hoàn thành", "HT" or "Xong"; a
//! progress as 0.8 (a cell formatted as percent), "80%", "80 %", "80,5%" or "đạt 80%"; a
//! date as an Excel date or "15/11/2022"; a number with Vietnamese separators ("1.234,5").
//! Each function here maps one kind of value to one canonical form and says, through a
//! [`Finding`] in Vietnamese, when it cannot. Pure functions, no I/O.

use chrono::{Duration, NaiveDate};

use crate::{
    domain::{finding::Finding, fold::fold},
    ingest::{grid::Cell, table::ReportedStatus},
};

/// Marks that show nothing and that [`clean_text`] drops (zero-width space, byte-order mark).
const ZERO_WIDTH: [char; 2] = ['\u{200b}', '\u{feff}'];

/// A blank or a zero-width mark: what [`clean_text`] never keeps inside a word.
fn is_blank_or_invisible(c: char) -> bool {
    c.is_whitespace() || ZERO_WIDTH.contains(&c)
}

/// Trims a multi-line text: each line trimmed with its inner runs of blanks collapsed to one
/// space, blank lines at both ends dropped and runs of blank lines inside kept as one.
pub fn clean_text(text: &str) -> String {
    if is_clean(text) {
        return text.to_string();
    }
    let text = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{2028}', '\u{2029}'], "\n");
    let mut lines: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line: String = line
            .split(|c: char| c.is_whitespace())
            .filter(|w| !w.is_empty())
            .map(|w| w.replace(ZERO_WIDTH, ""))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// [`clean_text`] of a text the caller gives up: the same `String` when it is already clean
/// (the common case), so a large upload's texts are moved, not copied.
pub fn clean_owned(text: String) -> String {
    if is_clean(&text) {
        text
    } else {
        clean_text(&text)
    }
}

/// True when [`clean_text`] of `text` is empty: it holds only blanks and zero-width marks.
pub fn cleans_to_nothing(text: &str) -> bool {
    text.chars().all(is_blank_or_invisible)
}

/// True when [`clean_text`] would return `text` unchanged because it is one line of words
/// separated by single spaces (the common case, checked without allocating). Read byte by
/// byte: only the lead bytes of the few blank or invisible characters beyond ASCII
/// (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000, U+FEFF) send a character to the Unicode
/// table; Vietnamese letters never do.
fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut previous_space = true;
    for (at, &b) in bytes.iter().enumerate() {
        match b {
            b' ' => {
                if previous_space {
                    return false;
                }
                previous_space = true;
            }
            0x00..=0x7F if b.is_ascii_whitespace() || b == 0x0B => return false,
            // Continuation bytes: part of a character already looked at.
            0x80..=0xBF => {}
            0xC2 | 0xE2 | 0xE3 | 0xEF => {
                let c = text[at..]
                    .chars()
                    .next()
                    .expect("a lead byte starts a character");
                if is_blank_or_invisible(c) {
                    return false;
                }
                previous_space = false;
            }
            // U+1000–U+1FFF: Latin Extended Additional (most Vietnamese letters), and U+1680.
            0xE1 if bytes.get(at + 1..at + 3) == Some(&[0x9A, 0x80]) => return false,
            _ => previous_space = false,
        }
    }
    !previous_space || text.is_empty()
}

/// True when `folded` is `phrase` or starts with `phrase` followed by a word.
fn starts_with_phrase(folded: &str, phrase: &str) -> bool {
    folded == phrase
        || (folded.starts_with(phrase) && folded.as_bytes().get(phrase.len()) == Some(&b' '))
}

/// True when `phrase` occurs in `folded` as whole words.
pub(crate) fn contains_phrase(folded: &str, phrase: &str) -> bool {
    find_phrase(folded, phrase).is_some()
}

/// Byte offset of the first whole-word occurrence of `phrase` in `folded` (single-spaced),
/// without allocating: what `" {folded} ".find(" {phrase} ")` finds, minus one.
pub(crate) fn find_phrase(folded: &str, phrase: &str) -> Option<usize> {
    if phrase.is_empty() {
        return None;
    }
    let bytes = folded.as_bytes();
    let mut from = 0;
    while let Some(at) = folded[from..].find(phrase) {
        let start = from + at;
        let end = start + phrase.len();
        let left = start == 0 || bytes[start - 1] == b' ';
        let right = end == bytes.len() || bytes[end] == b' ';
        if left && right {
            return Some(start);
        }
        from = start + folded[start..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Status words, as folded prefixes; `true` means the word must stand alone ("Đạt" is done,
/// "đạt 80%" is a progress).
const ONGOING: &[(&str, bool)] = &[
    ("thuong xuyen", false),
    ("thuc hien thuong xuyen", false),
    ("dinh ky", false),
    ("thuc hien dinh ky", false),
    ("hang thang", true),
    ("hang nam", true),
    ("lien tuc", true),
];
const NOT_STARTED: &[(&str, bool)] = &[
    ("chua thuc hien", false),
    ("chua trien khai", false),
    ("chua th", false),
    ("chua bat dau", false),
    ("chua lam", false),
    ("chua khoi dong", false),
    ("chua co", true),
];
const IN_PROGRESS: &[(&str, bool)] = &[
    ("chua hoan thanh", false),
    ("chua xong", false),
    ("dang", false),
    ("sap den han", false),
    ("tiep tuc thuc hien", false),
    ("da trien khai", false),
    ("dth", true),
];
const DONE: &[(&str, bool)] = &[
    ("da hoan thanh", false),
    ("hoan thanh", false),
    ("da hoan tat", false),
    ("hoan tat", false),
    ("da xong", false),
    ("da thuc hien xong", false),
    ("da thuc hien", true),
    ("xong", true),
    ("dat", true),
    ("ht", false),
    ("dht", true),
];

/// Reads a status word ("Đã hoàn thành", "Đang TH", "Chưa triển khai", "Thường xuyên"…).
/// `None` for anything else, including an empty cell.
pub fn parse_status(text: &str) -> Option<ReportedStatus> {
    let folded = fold(text);
    if folded.is_empty() {
        return None;
    }
    let hit = |list: &[(&str, bool)]| {
        list.iter().any(|&(word, alone)| {
            if alone {
                folded == word
            } else {
                starts_with_phrase(&folded, word)
            }
        })
    };
    // "Đang thực hiện thường xuyên" is recurring work, not work that will end.
    if contains_phrase(&folded, "thuong xuyen") || hit(ONGOING) {
        Some(ReportedStatus::Ongoing)
    } else if hit(NOT_STARTED) {
        Some(ReportedStatus::NotStarted)
    } else if hit(IN_PROGRESS) {
        Some(ReportedStatus::InProgress)
    } else if hit(DONE) {
        Some(ReportedStatus::Done)
    } else {
        None
    }
}

/// The status word as Vietnamese shows it in messages.
pub fn status_label(status: ReportedStatus) -> &'static str {
    match status {
        ReportedStatus::Done => "Đã hoàn thành",
        ReportedStatus::InProgress => "Đang thực hiện",
        ReportedStatus::NotStarted => "Chưa thực hiện",
        ReportedStatus::Ongoing => "Thường xuyên",
    }
}

/// [`parse_status`] with a finding for a word it does not know. An empty cell is no status
/// and no finding.
pub fn status_of(text: &str, row: u32) -> (Option<ReportedStatus>, Option<Finding>) {
    let shown = clean_text(text);
    if shown.is_empty() {
        return (None, None);
    }
    if let Some(status) = parse_status(&shown) {
        return (Some(status), None);
    }
    let folded = fold(&shown);
    let message = if starts_with_phrase(&folded, "tam dung") || starts_with_phrase(&folded, "dung")
    {
        format!(
            "Dòng {row} ghi trạng thái '{shown}', hệ thống chưa phân loại được: hãy ghi \
             'Đang thực hiện' hoặc 'Chưa thực hiện' và nêu lý do tạm dừng ở cột 'Khó khăn, \
             vướng mắc'."
        )
    } else {
        format!(
            "Không hiểu trạng thái '{shown}' ở dòng {row}: hãy ghi một trong các giá trị \
             'Đã hoàn thành', 'Đang thực hiện', 'Chưa thực hiện' hoặc 'Thường xuyên'."
        )
    };
    (None, Some(Finding::warning(message).at_row(row)))
}

/// A tick mark in a status column ("x", "X", "✓", 1, TRUE…).
pub fn is_tick(cell: &Cell) -> bool {
    match cell {
        Cell::Number(n) => *n == 1.0,
        Cell::Bool(b) => *b,
        Cell::Text(t) => {
            let t = t.trim();
            if t.chars().count() == 1
                && "✓✔☑√×✗✘●•+*☒■▪✅xXvV".contains(t.chars().next().unwrap_or(' '))
            {
                return true;
            }
            matches!(
                fold(t).as_str(),
                "x" | "v" | "co" | "ok" | "1" | "dung" | "yes"
            )
        }
        _ => false,
    }
}

/// Reads a number written the Vietnamese way: "." groups thousands and "," marks decimals
/// ("1.234,5" = 1234.5, "1.234" = 1234, "80,5" = 80.5). A lone "." followed by other than
/// three digits is read as a decimal point ("80.5"), as spreadsheets export it.
pub fn parse_number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (negative, digits) = match compact.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, compact.strip_prefix('+').unwrap_or(&compact)),
    };
    if digits.is_empty()
        || !digits.starts_with(|c: char| c.is_ascii_digit())
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let dots = digits.matches('.').count();
    let commas = digits.matches(',').count();
    let normal: String = if dots > 0 && commas > 0 {
        // Whichever comes last marks the decimals.
        let decimal = if digits.rfind(',') > digits.rfind('.') {
            ','
        } else {
            '.'
        };
        if digits.matches(decimal).count() > 1 {
            return None;
        }
        digits
            .chars()
            .filter(|&c| c == decimal || c.is_ascii_digit())
            .map(|c| if c == decimal { '.' } else { c })
            .collect()
    } else if commas == 1 {
        digits.replace(',', ".")
    } else if commas > 1 {
        grouped(digits, ',')?
    } else if dots == 1 {
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if frac.len() == 3 && int != "0" {
            format!("{int}{frac}")
        } else {
            digits.to_string()
        }
    } else if dots > 1 {
        grouped(digits, '.')?
    } else {
        digits.to_string()
    };
    let value: f64 = normal.trim_end_matches('.').parse().ok()?;
    Some(if negative { -value } else { value })
}

/// "1.234.567" with `sep` = '.' → "1234567", checking the groups of three.
fn grouped(digits: &str, sep: char) -> Option<String> {
    let mut parts = digits.split(sep);
    let first = parts.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    for part in parts {
        if part.len() != 3 {
            return None;
        }
        out.push_str(part);
    }
    Some(out)
}

/// A number found inside a text, and whether a "%" follows it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Found {
    value: f64,
    percent: bool,
}

fn numbers_in(text: &str) -> Vec<Found> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || ((chars[i] == '.' || chars[i] == ',')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let negative = start > 0
            && matches!(chars[start - 1], '-' | '−')
            && (start < 2 || !chars[start - 2].is_alphanumeric());
        let mut j = i;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        let percent = chars.get(j) == Some(&'%');
        if let Some(value) = parse_number(&token) {
            found.push(Found {
                value: if negative { -value } else { value },
                percent,
            });
        }
    }
    found
}

/// What a progress cell says.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Nothing written.
    Empty,
    /// A percent, 0–100.
    Percent(f64),
    /// A percent outside 0–100, as read.
    OutOfRange(f64),
    /// Something that is not a progress (a word, a date, an error value).
    Unreadable(String),
}

/// Rounds away the noise of binary fractions (0.8 × 100 = 80.00000000000001).
fn tidy(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// Reads a progress cell as a percent. `fractions` says that the column holds fractions of
/// one (every number in it is ≤ 1: cells formatted as percent arrive as 0.8); otherwise a
/// number strictly between 0 and 1 is still read as a fraction, since nobody reports 0.8 %.
pub fn parse_progress(cell: &Cell, fractions: bool) -> Progress {
    let scale = |value: f64| {
        if fractions || (value > 0.0 && value < 1.0) {
            tidy(value * 100.0)
        } else {
            tidy(value)
        }
    };
    let value = match cell {
        Cell::Empty => return Progress::Empty,
        Cell::Number(n) => scale(*n),
        Cell::Text(text) => {
            let text = clean_text(text);
            if text.is_empty() {
                return Progress::Empty;
            }
            let found = numbers_in(&text);
            if let Some(marked) = found.iter().find(|f| f.percent) {
                tidy(marked.value)
            } else if found.len() == 1 {
                scale(found[0].value)
            } else {
                return Progress::Unreadable(text);
            }
        }
        other => return Progress::Unreadable(other.as_text()),
    };
    if (0.0..=100.0).contains(&value) {
        Progress::Percent(value)
    } else {
        Progress::OutOfRange(value)
    }
}

/// True when every number in a progress column is ≤ 1 (and there is at least one): the
/// column holds fractions, formatted as percent in Excel.
pub fn column_holds_fractions<'a>(cells: impl IntoIterator<Item = &'a Cell>) -> bool {
    let mut any = false;
    for cell in cells {
        match is_fraction(cell) {
            Some(false) => return false,
            Some(true) => any = true,
            None => {}
        }
    }
    any
}

/// What one progress cell says of [`column_holds_fractions`]: `Some(true)` for a number from
/// 0 to 1, `Some(false)` for any other number (the column is not fractions), `None` for a
/// cell that is no number (or a percent written out).
pub fn is_fraction(cell: &Cell) -> Option<bool> {
    let value = match cell {
        Cell::Number(n) => *n,
        Cell::Text(t) if !t.contains('%') => parse_number(t.trim())?,
        _ => return None,
    };
    Some((0.0..=1.0).contains(&value))
}

/// A percent as Vietnamese writes it: "80", "80,5".
pub fn format_percent(value: f64) -> String {
    let text = format!("{}", tidy(value));
    text.replace('.', ",")
}

/// [`parse_progress`] as a value plus a finding for what cannot be used.
pub fn progress_of(cell: &Cell, fractions: bool, row: u32) -> (Option<f64>, Option<Finding>) {
    match parse_progress(cell, fractions) {
        Progress::Empty => (None, None),
        Progress::Percent(p) => (Some(p), None),
        Progress::OutOfRange(p) => (
            None,
            Some(
                Finding::warning(format!(
                    "Tiến độ {}% ở dòng {row} nằm ngoài khoảng 0–100%: hãy ghi tỷ lệ hoàn thành \
                     từ 0 đến 100.",
                    format_percent(p)
                ))
                .at_row(row),
            ),
        ),
        Progress::Unreadable(text) => (
            None,
            Some(
                Finding::warning(format!(
                    "Không đọc được tiến độ '{text}' ở dòng {row}: hãy ghi tỷ lệ hoàn thành \
                     bằng một số từ 0 đến 100, ví dụ '80%'."
                ))
                .at_row(row),
            ),
        ),
    }
}

/// Fills a missing status from the progress (100 → done, 0 → not started, otherwise in
/// progress) and warns when the two disagree.
pub fn reconcile(
    status: Option<ReportedStatus>,
    progress: Option<f64>,
    row: u32,
) -> (Option<ReportedStatus>, Option<Finding>) {
    let Some(p) = progress else {
        return (status, None);
    };
    let Some(status) = status else {
        let inferred = if p >= 100.0 {
            ReportedStatus::Done
        } else if p <= 0.0 {
            ReportedStatus::NotStarted
        } else {
            ReportedStatus::InProgress
        };
        return (Some(inferred), None);
    };
    let contradiction = match status {
        ReportedStatus::Done => p < 100.0,
        ReportedStatus::NotStarted => p > 0.0,
        ReportedStatus::InProgress => p >= 100.0,
        ReportedStatus::Ongoing => false,
    };
    let finding = contradiction.then(|| {
        Finding::warning(format!(
            "Dòng {row} ghi trạng thái '{}' nhưng tiến độ là {}%: hãy kiểm tra lại và sửa \
             trạng thái hoặc tỷ lệ hoàn thành cho khớp nhau.",
            status_label(status),
            format_percent(p)
        ))
        .at_row(row)
    });
    (Some(status), finding)
}

/// The first day Excel's serial numbers count from (1900 system, after the 1900 leap bug).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// Reads a date: an Excel date, an Excel serial number of a plausible date (1954–2119), or a
/// text such as "15/11/2022", "15-11-2022", "2022-11-15", "ngày 15 tháng 11 năm 2022".
pub fn parse_date(cell: &Cell) -> Option<NaiveDate> {
    match cell {
        Cell::DateTime(d) => Some(d.date()),
        Cell::Number(n) if (20_000.0..=80_000.0).contains(n) => {
            excel_epoch().checked_add_signed(Duration::days(n.floor() as i64))
        }
        Cell::Text(t) => parse_date_text(t),
        _ => None,
    }
}

/// The first day-month-year (or ISO year-month-day) written in `text`.
pub fn parse_date_text(text: &str) -> Option<NaiveDate> {
    let folded = fold(text);
    let tokens: Vec<&str> = folded
        .split(' ')
        .filter(|w| !matches!(*w, "ngay" | "thang" | "nam"))
        .collect();
    tokens.windows(3).find_map(|w| {
        if !w
            .iter()
            .all(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let n = |t: &str| t.parse::<u32>().ok();
        if w[0].len() == 4 {
            NaiveDate::from_ymd_opt(n(w[0])? as i32, n(w[1])?, n(w[2])?)
        } else {
            let year = match w[2].len() {
                4 => n(w[2])? as i32,
                2 => 2000 + n(w[2])? as i32,
                _ => return None,
            };
            if w[0].len() > 2 || w[1].len() > 2 {
                return None;
            }
            NaiveDate::from_ymd_opt(year, n(w[1])?, n(w[0])?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::Severity;
    use ReportedStatus::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    #[test]
    fn clean_is_told_byte_by_byte_as_character_by_character() {
        let by_chars = |text: &str| {
            let mut previous_space = true;
            for c in text.chars() {
                if c == ' ' {
                    if previous_space {
                        return false;
                    }
                    previous_space = true;
                } else if is_blank_or_invisible(c) {
                    return false;
                } else {
                    previous_space = false;
                }
            }
            !previous_space || text.is_empty()
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("{c}"), format!("a {c}")] {
                assert_eq!(is_clean(&text), by_chars(&text), "U+{:04X}", c as u32);
            }
        }
        assert!(super::is_clean("Triển khai Đề án 06"));
        assert!(!super::is_clean("Triển\u{1680}khai"));
        assert!(!super::is_clean("Triển\u{00A0}khai"));
        assert!(!super::is_clean("Triển\u{200B}khai"));
    }

    #[test]
    fn status_words_done() {
        for word in [
            "Đã hoàn thành",
            "Hoàn thành",
            "HT",
            "Xong",
            "Đã xong",
            "Đạt",
            "Hoàn thành quá hạn",
            "Hoàn thành đúng hạn",
            "ĐÃ HOÀN THÀNH",
            "da hoan thanh",
        ] {
            assert_eq!(parse_status(word), Some(Done), "{word}");
        }
    }

    #[test]
    fn status_words_in_progress() {
        for word in [
            "Đang thực hiện",
            "Đang triển khai",
            "Đang TH",
            "Đang làm",
            "Chưa hoàn thành",
            "Đang thực hiện quá hạn",
            "Sắp đến hạn",
        ] {
            assert_eq!(parse_status(word), Some(InProgress), "{word}");
        }
    }

    #[test]
    fn status_words_not_started_and_ongoing() {
        for word in [
            "Chưa thực hiện",
            "Chưa triển khai",
            "Chưa TH",
            "Chưa bắt đầu",
        ] {
            assert_eq!(parse_status(word), Some(NotStarted), "{word}");
        }
        for word in [
            "Thường xuyên",
            "Thực hiện thường xuyên",
            "Định kỳ",
            "Đang thực hiện thường xuyên",
        ] {
            assert_eq!(parse_status(word), Some(Ongoing), "{word}");
        }
    }

    #[test]
    fn status_words_in_nfd_and_without_marks() {
        let nfd: String =
            unicode_normalization::UnicodeNormalization::nfd("Chưa thực hiện").collect();
        assert_eq!(parse_status(&nfd), Some(NotStarted));
        assert_eq!(parse_status("CHUA THUC HIEN"), Some(NotStarted));
    }

    #[test]
    fn unknown_status_gives_none_and_a_finding() {
        assert_eq!(parse_status("đạt 80%"), None);
        assert_eq!(parse_status("Không rõ"), None);
        let (status, finding) = status_of("Không rõ", 12);
        assert_eq!(status, None);
        let finding = finding.expect("finding");
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(finding.row, Some(12));
        assert!(
            finding.message.contains("'Không rõ'"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("Đã hoàn thành"));
        let (status, finding) = status_of("Tạm dừng", 3);
        assert_eq!(status, None);
        assert!(finding.unwrap().message.contains("tạm dừng"));
        assert_eq!(status_of("  ", 3), (None, None));
    }

    #[test]
    fn progress_numbers_and_texts() {
        let p = |cell: Cell| parse_progress(&cell, false);
        assert_eq!(p(Cell::Number(0.8)), Progress::Percent(80.0));
        assert_eq!(p(Cell::Number(0.35)), Progress::Percent(35.0));
        assert_eq!(p(Cell::Number(80.0)), Progress::Percent(80.0));
        assert_eq!(p(Cell::Number(1.0)), Progress::Percent(1.0));
        assert_eq!(p(text("80%")), Progress::Percent(80.0));
        assert_eq!(p(text("80")), Progress::Percent(80.0));
        assert_eq!(p(text("80 %")), Progress::Percent(80.0));
        assert_eq!(p(text("80,5%")), Progress::Percent(80.5));
        assert_eq!(p(text("đạt 80%")), Progress::Percent(80.0));
        assert_eq!(p(text("Đạt 3/4 chỉ tiêu (75%)")), Progress::Percent(75.0));
        assert_eq!(p(text("0,8")), Progress::Percent(80.0));
        assert_eq!(p(text("")), Progress::Empty);
        assert_eq!(p(Cell::Empty), Progress::Empty);
        assert_eq!(p(text("120%")), Progress::OutOfRange(120.0));
        assert_eq!(p(text("-10%")), Progress::OutOfRange(-10.0));
        assert_eq!(p(Cell::Number(-5.0)), Progress::OutOfRange(-5.0));
        assert_eq!(p(text("Đang làm")), Progress::Unreadable("Đang làm".into()));
        assert_eq!(
            p(text("30/11/2023")),
            Progress::Unreadable("30/11/2023".into())
        );
        assert_eq!(
            p(Cell::Error("#REF!".into())),
            Progress::Unreadable("#REF!".into())
        );
    }

    #[test]
    fn progress_in_a_fraction_column() {
        assert_eq!(
            parse_progress(&Cell::Number(1.0), true),
            Progress::Percent(100.0)
        );
        assert_eq!(
            parse_progress(&Cell::Number(0.0), true),
            Progress::Percent(0.0)
        );
        assert_eq!(parse_progress(&text("80%"), true), Progress::Percent(80.0));
        let column = [
            Cell::Number(0.5),
            Cell::Number(1.0),
            Cell::Empty,
            text("Đang làm"),
        ];
        assert!(column_holds_fractions(&column));
        let column = [Cell::Number(0.5), Cell::Number(60.0)];
        assert!(!column_holds_fractions(&column));
        assert!(!column_holds_fractions(&[Cell::Empty]));
        assert!(!column_holds_fractions(&[text("1%"), text("0,5%")]));
    }

    #[test]
    fn progress_findings() {
        let (value, finding) = progress_of(&text("150%"), false, 9);
        assert_eq!(value, None);
        let finding = finding.unwrap();
        assert_eq!(finding.row, Some(9));
        assert!(finding.message.contains("150%"), "{}", finding.message);
        let (value, finding) = progress_of(&text("gần xong"), false, 9);
        assert_eq!(value, None);
        assert!(finding.unwrap().message.contains("'gần xong'"));
        assert_eq!(progress_of(&text("80,5 %"), false, 9), (Some(80.5), None));
    }

    #[test]
    fn status_inferred_from_progress() {
        assert_eq!(reconcile(None, Some(100.0), 1), (Some(Done), None));
        assert_eq!(reconcile(None, Some(0.0), 1), (Some(NotStarted), None));
        assert_eq!(reconcile(None, Some(45.0), 1), (Some(InProgress), None));
        assert_eq!(reconcile(None, None, 1), (None, None));
        assert_eq!(
            reconcile(Some(Ongoing), Some(40.0), 1),
            (Some(Ongoing), None)
        );
        assert_eq!(reconcile(Some(Done), Some(100.0), 1), (Some(Done), None));
    }

    #[test]
    fn contradictions_warn() {
        let (status, finding) = reconcile(Some(Done), Some(40.0), 7);
        assert_eq!(status, Some(Done));
        let finding = finding.unwrap();
        assert_eq!(finding.severity, Severity::Warning);
        assert_eq!(finding.row, Some(7));
        assert!(finding.message.contains("'Đã hoàn thành'") && finding.message.contains("40%"));
        assert!(reconcile(Some(NotStarted), Some(10.5), 7)
            .1
            .unwrap()
            .message
            .contains("10,5%"));
        assert!(reconcile(Some(InProgress), Some(100.0), 7).1.is_some());
    }

    #[test]
    fn vietnamese_numbers() {
        assert_eq!(parse_number("1.234"), Some(1234.0));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_number("80,5"), Some(80.5));
        assert_eq!(parse_number("80.5"), Some(80.5));
        assert_eq!(parse_number("0.800"), Some(0.8));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number(" 12 "), Some(12.0));
        assert_eq!(parse_number("-3"), Some(-3.0));
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date(&text("15/11/2022")), d(2022, 11, 15));
        assert_eq!(parse_date(&text("15-11-2022")), d(2022, 11, 15));
        assert_eq!(parse_date(&text("5.1.2023")), d(2023, 1, 5));
        assert_eq!(parse_date(&text("2022-11-15")), d(2022, 11, 15));
        assert_eq!(
            parse_date(&text("Trước ngày 15 tháng 11 năm 2022")),
            d(2022, 11, 15)
        );
        assert_eq!(
            parse_date(&text("Văn bản 13/KH-UBND ngày 11/02/2022")),
            d(2022, 2, 11)
        );
        assert_eq!(parse_date(&text("15/11/22")), d(2022, 11, 15));
        assert_eq!(parse_date(&text("Tháng 11/2022")), None);
        assert_eq!(parse_date(&text("31/02/2022")), None);
        assert_eq!(parse_date(&Cell::Number(44880.0)), d(2022, 11, 15));
        assert_eq!(parse_date(&Cell::Number(5.0)), None);
        let when = d(2023, 1, 5).unwrap().and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(parse_date(&Cell::DateTime(when)), d(2023, 1, 5));
    }

    #[test]
    fn ticks() {
        for cell in [
            text("x"),
            text(" X "),
            text("✓"),
            Cell::Number(1.0),
            Cell::Bool(true),
        ] {
            assert!(is_tick(&cell), "{cell:?}");
        }
        for cell in [text(""), Cell::Empty, text("không"), Cell::Number(0.0)] {
            assert!(!is_tick(&cell), "{cell:?}");
        }
    }

    #[test]
    fn texts_are_cleaned() {
        assert_eq!(
            clean_text("  Đã   triển khai\t xong  "),
            "Đã triển khai xong"
        );
        assert_eq!(
            clean_text("\n\n- Ý 1;  \r\n\r\n\r\n-  Ý 2\u{a0}\n\n"),
            "- Ý 1;\n\n- Ý 2"
        );
        assert_eq!(clean_text(" \n \t "), "");
    }
}
