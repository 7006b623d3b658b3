//! A task's due time ("Thời gian hoàn thành / thực hiện"), as the plan states it.
//!
//! Plans write due times in prose ("Trong tháng 3 năm 2022", "Quý I/2023", "Thường xuyên",
//! "Theo lộ trình của Bộ Công an"). [`Due`] keeps the original text and, where it names a
//! window, the last day of that window, which is what timeliness is judged against.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::fold::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DueKind {
    Date,
    Month,
    Quarter,
    Year,
    Recurring,
    Conditional,
    Unspecified,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Date => "date",
            DueKind::Month => "month",
            DueKind::Quarter => "quarter",
            DueKind::Year => "year",
            DueKind::Recurring => "recurring",
            DueKind::Conditional => "conditional",
            DueKind::Unspecified => "unspecified",
        }
    }

    pub fn parse_code(code: &str) -> Option<DueKind> {
        Some(match code {
            "date" => DueKind::Date,
            "month" => DueKind::Month,
            "quarter" => DueKind::Quarter,
            "year" => DueKind::Year,
            "recurring" => DueKind::Recurring,
            "conditional" => DueKind::Conditional,
            "unspecified" => DueKind::Unspecified,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Due {
    pub kind: DueKind,
    /// Last day of the window, when the text names one.
    pub end: Option<NaiveDate>,
    /// The plan's own words.
    pub text: String,
}

impl Due {
    pub fn unspecified(text: impl Into<String>) -> Self {
        Due {
            kind: DueKind::Unspecified,
            end: None,
            text: text.into(),
        }
    }

    /// Reads a due time written in Vietnamese prose; see [`Due::parse_in_year`].
    pub fn parse(text: &str) -> Due {
        Self::parse_in_year(text, None)
    }

    /// Reads a due time written in Vietnamese prose. `year` completes a month or quarter
    /// written without one ("Tháng 6", "Quý III") — the plan's year, when the caller knows it.
    ///
    /// - "Trong tháng 3 năm 2022", "Tháng 02/2023" → month, last day of the month;
    /// - "Quý I/2023", "Quý II năm 2023" → quarter, last day of the quarter;
    /// - "Trong năm 2022", "Năm 2023 - 2024" → year, 31 December (of the last year);
    /// - "trước ngày 30/11/2023", "hoàn thành trước ngày 31/12/2023", "đến ngày 31/12/2023"
    ///   → date. The stated date is the end, even after "trước" (before): a plan that writes
    ///   "trước ngày 30/11" means "by the 30th" in practice, and a one-day difference in a task
    ///   deadline is not worth guessing at (reporting rules, where it matters, are handled
    ///   by [`crate::domain::report_rule`]);
    /// - "Thường xuyên", "Hằng năm", "từ ngày 01/6/2022", "Từ tháng 10/2023 đến các năm tiếp
    ///   theo" → recurring, no end;
    /// - "Theo lộ trình của …", "Khi có hướng dẫn …", "Theo yêu cầu …", "Sau khi …" →
    ///   conditional; its end is the expected date when one is given ("dự kiến trong tháng
    ///   6/2023" → 2023-06-30);
    /// - anything else → unspecified (the caller reports it).
    ///
    /// Document references ("Quyết định số 422/QĐ-TTg ngày 04/4/2022") are not due dates and
    /// are skipped. When several windows are named, the latest end wins.
    pub fn parse_in_year(text: &str, year: Option<i32>) -> Due {
        let scan = scan(text, year);
        let text = text.trim().to_string();
        let latest = scan
            .mentions
            .iter()
            .filter(|m| m.role == Role::End)
            .max_by_key(|m| m.end)
            .copied();
        if scan.conditional {
            return Due {
                kind: DueKind::Conditional,
                end: latest.map(|m| m.end),
                text,
            };
        }
        if let Some(m) = latest {
            return Due {
                kind: m.kind,
                end: Some(m.end),
                text,
            };
        }
        let starts = scan.mentions.iter().any(|m| m.role == Role::Start);
        if scan.recurring || starts {
            return Due {
                kind: DueKind::Recurring,
                end: None,
                text,
            };
        }
        if scan.mentions.iter().any(|m| m.role == Role::After) {
            return Due {
                kind: DueKind::Conditional,
                end: None,
                text,
            };
        }
        Due::unspecified(text)
    }

    /// Whether the text reads as a deadline ("hoàn thành", "trước ngày", "chậm nhất", "xong",
    /// "đến ngày", "trong tháng/quý/năm", "thời gian"): used to prefer real deadlines over
    /// incidental mentions of a year when a task's roadmap has several lines.
    pub fn has_deadline_cue(text: &str) -> bool {
        let f = format!(" {} ", fold(text));
        [
            " hoan thanh ",
            " truoc ",
            " cham nhat ",
            " xong ",
            " den ngay ",
            " den thang ",
            " trong thang ",
            " trong quy ",
            " trong nam ",
            " thoi gian ",
            " thoi han ",
            " han ",
        ]
        .iter()
        .any(|cue| f.contains(cue))
    }
}

/// How a date mention relates to the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The end of the window ("trước ngày …", "trong tháng …", a bare "Quý I/2023").
    End,
    /// A start ("từ ngày …", "từ tháng …").
    Start,
    /// A condition ("sau ngày …").
    After,
}

#[derive(Debug, Clone, Copy)]
struct Mention {
    kind: DueKind,
    end: NaiveDate,
    role: Role,
}

#[derive(Debug, Default)]
struct Scan {
    mentions: Vec<Mention>,
    recurring: bool,
    conditional: bool,
}

/// Words that open a condition.
const CONDITIONAL: [&str; 14] = [
    "theo lo trinh",
    "khi co",
    "khi duoc",
    "theo yeu cau",
    "theo de nghi",
    "theo huong dan",
    "sau khi",
    "theo tien do",
    "theo chi dao",
    "theo ke hoach cua",
    "khi can",
    "khi phat sinh",
    "tuy theo",
    "theo quy dinh",
];

const RECURRING: [&str; 9] = [
    "thuong xuyen",
    "hang nam",
    "hang quy",
    "hang thang",
    "hang tuan",
    "dinh ky",
    "lien tuc",
    "cac nam tiep theo",
    "nhung nam tiep theo",
];

/// Tokens naming a kind of document ("QĐ", "KH", "NĐ-CP"…): a date right after one is the
/// document's date, not a deadline.
const DOC_TOKENS: [&str; 23] = [
    "so", "qd", "kh", "nd", "tt", "ct", "cv", "tb", "bc", "cd", "nq", "ttg", "cp", "ubnd", "bca",
    "btttt", "tthh", "hd", "hdnd", "bnv", "btc", "vpcp", "dk",
];

fn scan(text: &str, default_year: Option<i32>) -> Scan {
    let folded = fold(text);
    let padded = format!(" {folded} ");
    let mut out = Scan {
        recurring: RECURRING.iter().any(|w| padded.contains(&format!(" {w} "))),
        conditional: CONDITIONAL
            .iter()
            .any(|w| padded.contains(&format!(" {w} "))),
        ..Scan::default()
    };
    let t: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let num = |i: usize| -> Option<u32> {
        let w = t.get(i)?;
        (w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    let year_at = |i: usize| -> Option<i32> {
        let w = t.get(i)?;
        let y: i32 = (w.chars().all(|c| c.is_ascii_digit())).then(|| w.parse().ok())??;
        match w.len() {
            4 if (2000..=2100).contains(&y) => Some(y),
            2 => Some(2000 + y),
            _ => None,
        }
    };
    let role_before = |i: usize| -> Role {
        // Look back over "ngay", "thang", "quy", "nam", "trong", "vao" to the cue word.
        let mut j = i;
        let mut steps = 0;
        while j > 0 && steps < 4 {
            j -= 1;
            steps += 1;
            match t[j] {
                "tu" | "bat dau" => return Role::Start,
                "sau" => return Role::After,
                "ngay" | "thang" | "quy" | "nam" | "trong" | "vao" | "cuoi" | "dau" => continue,
                _ => return Role::End,
            }
        }
        Role::End
    };
    let mut i = 0;
    while i < t.len() {
        let w = t[i];
        // "ngày 30/11/2023", "ngày 30 tháng 11 năm 2023", bare "30/11/2023".
        if let Some(d) = num(i).filter(|d| (1..=31).contains(d)) {
            let (m, y, next) = if let (Some(m), Some(y)) = (num(i + 1), year_at(i + 2)) {
                (m, y, i + 3)
            } else if t.get(i + 1) == Some(&"thang") && t.get(i + 3) == Some(&"nam") {
                match (num(i + 2), year_at(i + 4)) {
                    (Some(m), Some(y)) => (m, y, i + 5),
                    _ => (0, 0, i),
                }
            } else {
                (0, 0, i)
            };
            if next > i && (1..=12).contains(&m) {
                if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                    let is_reference = i > 0
                        && t[i - 1] == "ngay"
                        && t[i.saturating_sub(5)..i - 1]
                            .iter()
                            .any(|w| DOC_TOKENS.contains(w));
                    let day_start = if i > 0 && t[i - 1] == "ngay" {
                        i - 1
                    } else {
                        i
                    };
                    if !is_reference {
                        out.mentions.push(Mention {
                            kind: DueKind::Date,
                            end: date,
                            role: role_before(day_start),
                        });
                    }
                    i = next;
                    continue;
                }
            }
        }
        match w {
            "thang" => {
                // "tháng 3 năm 2022", "tháng 02/2023", "tháng 11-12/2023", "tháng 6".
                let mut j = i + 1;
                let mut last = None;
                while let Some(m) = num(j).filter(|m| (1..=12).contains(m)) {
                    if year_at(j).is_some() && t[j].len() == 4 {
                        break;
                    }
                    last = Some(m);
                    j += 1;
                    if t.get(j) == Some(&"va") {
                        j += 1;
                    }
                }
                if let Some(m) = last {
                    let y = if t.get(j) == Some(&"nam") {
                        year_at(j + 1).map(|y| (y, j + 2))
                    } else {
                        year_at(j)
                            .filter(|_| t[j].len() == 4 || j > i + 1)
                            .map(|y| (y, j + 1))
                    };
                    let (y, next) = match y {
                        Some(found) => found,
                        None => match default_year {
                            Some(y) => (y, j),
                            None => {
                                i = j;
                                continue;
                            }
                        },
                    };
                    if let Some(end) = last_of_month(y, m) {
                        out.mentions.push(Mention {
                            kind: DueKind::Month,
                            end,
                            role: role_before(i),
                        });
                    }
                    i = next;
                    continue;
                }
                // "6 tháng đầu năm 2023"
                if i > 0 && t[i - 1] == "6" && t.get(i + 1) == Some(&"dau") {
                    if let (Some(&"nam"), Some(y)) = (t.get(i + 2), year_at(i + 3)) {
                        out.mentions.push(Mention {
                            kind: DueKind::Month,
                            end: NaiveDate::from_ymd_opt(y, 6, 30).expect("valid"),
                            role: Role::End,
                        });
                        i += 4;
                        continue;
                    }
                }
            }
            "quy" => {
                let q = t.get(i + 1).and_then(|w| match *w {
                    "i" | "1" => Some(1),
                    "ii" | "2" => Some(2),
                    "iii" | "3" => Some(3),
                    "iv" | "4" => Some(4),
                    _ => None,
                });
                if let Some(q) = q {
                    let y = if t.get(i + 2) == Some(&"nam") {
                        year_at(i + 3).map(|y| (y, i + 4))
                    } else {
                        year_at(i + 2).map(|y| (y, i + 3))
                    }
                    .or(default_year.map(|y| (y, i + 2)));
                    if let Some((y, next)) = y {
                        if let Some(end) = last_of_month(y, q * 3) {
                            out.mentions.push(Mention {
                                kind: DueKind::Quarter,
                                end,
                                role: role_before(i),
                            });
                        }
                        i = next;
                        continue;
                    }
                }
            }
            "nam" | "giai" => {
                // "năm 2022", "năm 2023 - 2024", "giai đoạn 2022-2025".
                let first = if w == "giai" {
                    (t.get(i + 1) == Some(&"doan")).then_some(i + 2)
                } else {
                    Some(i + 1)
                };
                if let Some(mut j) = first.filter(|&j| year_at(j).is_some() && t[j].len() == 4) {
                    let mut y = year_at(j).expect("checked");
                    while let Some(next) = year_at(j + 1).filter(|_| t[j + 1].len() == 4) {
                        y = next;
                        j += 1;
                    }
                    let is_reference = i > 0 && DOC_TOKENS.contains(&t[i - 1]);
                    if !is_reference {
                        out.mentions.push(Mention {
                            kind: DueKind::Year,
                            end: NaiveDate::from_ymd_opt(y, 12, 31).expect("valid"),
                            role: role_before(i),
                        });
                    }
                    i = j + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // "Từ tháng 10/2023 đến các năm tiếp theo": a start and an open end.
    if out.recurring
        && out
            .mentions
            .iter()
            .all(|m| m.role != Role::End || m.kind == DueKind::Year)
        && out.mentions.iter().any(|m| m.role == Role::Start)
    {
        out.mentions.retain(|m| m.role != Role::End);
    }
    out
}

fn last_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    fn check(text: &str, kind: DueKind, end: Option<NaiveDate>) {
        let due = Due::parse(text);
        assert_eq!((due.kind, due.end), (kind, end), "{text}");
        assert_eq!(due.text, text.trim());
    }

    #[test]
    fn months_quarters_years() {
        check("Trong tháng 3 năm 2022", DueKind::Month, d(2022, 3, 31));
        check("Tháng 02/2023", DueKind::Month, d(2023, 2, 28));
        check("Tháng 02 năm 2022", DueKind::Month, d(2022, 2, 28));
        check("tháng 11-12/2023", DueKind::Month, d(2023, 12, 31));
        check("Quý I/2023", DueKind::Quarter, d(2023, 3, 31));
        check("Quý II năm 2023", DueKind::Quarter, d(2023, 6, 30));
        check("quý 4/2024", DueKind::Quarter, d(2024, 12, 31));
        check("Trong năm 2022", DueKind::Year, d(2022, 12, 31));
        check("Năm 2023 - 2024", DueKind::Year, d(2024, 12, 31));
        check("6 tháng đầu năm 2023", DueKind::Month, d(2023, 6, 30));
        check(
            "Giai đoạn 1, hoàn thành trong Quý I năm 2024",
            DueKind::Quarter,
            d(2024, 3, 31),
        );
    }

    #[test]
    fn dates() {
        check("trước ngày 30/11/2023", DueKind::Date, d(2023, 11, 30));
        check(
            "hoàn thành trước ngày 31/12/2023",
            DueKind::Date,
            d(2023, 12, 31),
        );
        check(
            "Thực hiện thí điểm từ ngày 30/11/2023 đến ngày 31/12/2023.",
            DueKind::Date,
            d(2023, 12, 31),
        );
        check(
            "trước ngày 15 tháng 12 năm 2023",
            DueKind::Date,
            d(2023, 12, 15),
        );
    }

    #[test]
    fn recurring_and_conditional() {
        check("Thường xuyên", DueKind::Recurring, None);
        check("Thực hiện thường xuyên", DueKind::Recurring, None);
        check("từ ngày 01/6/2022", DueKind::Recurring, None);
        check("Từ tháng 6 năm 2022", DueKind::Recurring, None);
        check(
            "Từ tháng 10/2023 đến các năm tiếp theo",
            DueKind::Recurring,
            None,
        );
        check(
            "Theo lộ trình của Chính phủ, Bộ Công an",
            DueKind::Conditional,
            None,
        );
        check(
            "Khi có hướng dẫn của Bộ Thông tin và Truyền thông",
            DueKind::Conditional,
            None,
        );
        check(
            "Theo yêu cầu của cơ quan chủ trì soạn thảo",
            DueKind::Conditional,
            None,
        );
        check(
            "Sau khi Bộ Công an triển khai (dự kiến trong tháng 6/2023)",
            DueKind::Conditional,
            d(2023, 6, 30),
        );
        check(
            "đề xuất triển khai diện rộng sau ngày 31/12/2023",
            DueKind::Conditional,
            None,
        );
    }

    #[test]
    fn unspecified_and_references() {
        check("Sớm nhất có thể", DueKind::Unspecified, None);
        check("", DueKind::Unspecified, None);
        check(
            "Triển khai theo Quyết định số 422/QĐ-TTg ngày 04/4/2022 của Thủ tướng",
            DueKind::Unspecified,
            None,
        );
        check(
            "Thực hiện Nghị định số 85/2016/NĐ-CP ngày 01/7/2016; hoàn thành trước ngày 30/6/2024",
            DueKind::Date,
            d(2024, 6, 30),
        );
    }

    #[test]
    fn year_from_context() {
        let due = Due::parse_in_year("Tháng 6", Some(2022));
        assert_eq!((due.kind, due.end), (DueKind::Month, d(2022, 6, 30)));
        assert_eq!(Due::parse("Tháng 6").kind, DueKind::Unspecified);
        let due = Due::parse_in_year("Quý III", Some(2023));
        assert_eq!(due.end, d(2023, 9, 30));
    }

    #[test]
    fn deadline_cues() {
        assert!(Due::has_deadline_cue("hoàn thành trước ngày 10/11/2023"));
        assert!(!Due::has_deadline_cue(
            "Thí điểm tại 3 trường học năm 2023 - 2024"
        ));
    }
}
