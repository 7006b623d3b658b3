//! The plan's reporting rule ("Định kỳ trước ngày 18 hàng tháng báo cáo …").
//!
//! Serialised as in DESIGN §5: `{"every": "month", "rule": "before_day", "day": 18}`; weekly
//! rules carry `weekday` (1 = Monday … 7 = Sunday) and `time` ("15:00"); rules counted from
//! the data cut-off carry `working_days`. `scope` tells a rule for reporting to the province
//! from an internal one ("chậm nhất ngày 13" for a department's own units).

use serde::{Deserialize, Serialize};

use crate::domain::fold::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// "trước ngày 18": the 17th is the last day.
    BeforeDay,
    /// "chậm nhất ngày 13", "ngày 15 hằng tháng": that day is the last day.
    ByDay,
    /// "02 ngày làm việc kể từ ngày chốt số liệu".
    WorkingDaysAfterCutoff,
    /// "trước 15h00 thứ Tư hằng tuần".
    WeekdayTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Province,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRule {
    pub every: Every,
    pub rule: RuleKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weekday: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "is_province")]
    pub scope: Scope,
    /// The sentence the rule was read from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

fn is_province(scope: &Scope) -> bool {
    *scope == Scope::Province
}

impl ReportRule {
    /// A monthly "before day N" rule, the most common one.
    pub fn monthly_before_day(day: u32) -> Self {
        ReportRule {
            every: Every::Month,
            rule: RuleKind::BeforeDay,
            day: Some(day),
            weekday: None,
            time: None,
            working_days: None,
            scope: Scope::Province,
            text: None,
        }
    }
}

/// Finds the reporting rules a plan states, in the order they appear, without duplicates.
///
/// Reads every line that speaks of reporting ("báo cáo"), clause by clause (split at ";" and
/// at the end of a sentence):
/// - "Định kỳ trước ngày 18 hàng tháng báo cáo …" → monthly, before day 18;
/// - "Định kỳ ngày 15 hằng tháng báo cáo …", "chậm nhất ngày 13 hằng tháng" → monthly, by
///   that day;
/// - "Báo cáo tuần: Trước 15h00', ngày thứ 4 hằng tuần" → weekly, Wednesday, 15:00;
/// - "02 ngày làm việc kể từ ngày chốt số liệu" → N working days after the cut-off;
/// - the same with "hằng quý", "6 tháng", "hằng năm".
///
/// When a plan states two rules of the same period with different days, the one addressed
/// to the province ("UBND tỉnh", "Công an tỉnh", "Tổ công tác") — or else the latest — is the
/// province rule and the earlier ones are internal ("chậm nhất ngày 13" for a department's
/// own units, who report to its office first).
pub fn find_rules(text: &str) -> Vec<ReportRule> {
    let mut found: Vec<(ReportRule, bool)> = Vec::new();
    for line in text.lines() {
        if !fold(line).contains("bao cao") {
            continue;
        }
        for clause in clauses(line) {
            if let Some(rule) = parse_clause(clause) {
                let to_province = mentions_province(clause);
                if !found.iter().any(|(r, _)| same_rule(r, &rule)) {
                    found.push((rule, to_province));
                }
            }
        }
    }
    // Scope: among rules of the same period with different days, the province one is the
    // one addressed to the province, or else the latest day.
    let periods: Vec<Every> = found.iter().map(|(r, _)| r.every).collect();
    for every in periods {
        let same: Vec<usize> = (0..found.len())
            .filter(|&i| found[i].0.every == every && found[i].0.day.is_some())
            .collect();
        if same.len() < 2 {
            continue;
        }
        let province = same
            .iter()
            .copied()
            .find(|&i| found[i].1)
            .or_else(|| same.iter().copied().max_by_key(|&i| found[i].0.day));
        for &i in &same {
            if Some(i) != province && found[i].0.day != province.and_then(|p| found[p].0.day) {
                found[i].0.scope = Scope::Internal;
            }
        }
    }
    found.into_iter().map(|(r, _)| r).collect()
}

/// The main rule for reporting to the province: the first monthly province rule, else the
/// first province rule, else the first rule.
pub fn main_rule(rules: &[ReportRule]) -> Option<&ReportRule> {
    rules
        .iter()
        .find(|r| r.scope == Scope::Province && r.every == Every::Month)
        .or_else(|| rules.iter().find(|r| r.scope == Scope::Province))
        .or_else(|| rules.first())
}

fn same_rule(a: &ReportRule, b: &ReportRule) -> bool {
    a.every == b.every
        && a.rule == b.rule
        && a.day == b.day
        && a.weekday == b.weekday
        && a.time == b.time
        && a.working_days == b.working_days
}

fn clauses(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, ch) in line.char_indices() {
        let split =
            ch == ';' || (ch == '.' && bytes.get(i + 1).is_none_or(|b| *b == b' ' || *b == b'\t'));
        if split {
            out.push(line[start..i].trim());
            start = i + ch.len_utf8();
        }
    }
    out.push(line[start..].trim());
    out.retain(|c| !c.is_empty());
    out
}

fn mentions_province(clause: &str) -> bool {
    let f = format!(" {} ", fold(clause));
    [
        " ubnd tinh ",
        " uy ban nhan dan tinh ",
        " cong an tinh ",
        " to cong tac ",
        " thuong truc ",
    ]
    .iter()
    .any(|w| f.contains(w))
}

fn parse_clause(clause: &str) -> Option<ReportRule> {
    let folded = fold(clause);
    let t: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let padded = format!(" {folded} ");
    let has = |w: &str| padded.contains(&format!(" {w} "));
    let every = if has("hang tuan") || has("bao cao tuan") || has("moi tuan") {
        Every::Week
    } else if has("hang thang") || has("bao cao thang") || has("moi thang") {
        Every::Month
    } else if has("hang quy") || has("bao cao quy") {
        Every::Quarter
    } else if has("6 thang") || has("sau thang") {
        Every::Half
    } else if has("hang nam") || has("bao cao nam") {
        Every::Year
    } else if has("chot so lieu") {
        Every::Month
    } else {
        return None;
    };
    let mut rule = ReportRule {
        every,
        rule: RuleKind::ByDay,
        day: None,
        weekday: None,
        time: None,
        working_days: None,
        scope: Scope::Province,
        text: Some(
            clause
                .trim_start_matches(['-', '+', ' '])
                .trim()
                .to_string(),
        ),
    };
    let number = |w: &str| -> Option<u32> {
        (w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit()))
            .then(|| w.parse().ok())
            .flatten()
    };
    // "02 ngày làm việc kể từ ngày chốt số liệu"
    if has("ngay lam viec") {
        for i in 0..t.len() {
            if let Some(n) = number(t[i]) {
                if t.get(i + 1..i + 4) == Some(&["ngay", "lam", "viec"][..]) {
                    rule.rule = RuleKind::WorkingDaysAfterCutoff;
                    rule.working_days = Some(n);
                    return Some(rule);
                }
            }
        }
    }
    if every == Every::Week {
        rule.rule = RuleKind::WeekdayTime;
        for i in 0..t.len() {
            if t[i] == "thu" {
                let day = t.get(i + 1).and_then(|w| match *w {
                    "2" | "hai" => Some(1),
                    "3" | "ba" => Some(2),
                    "4" | "tu" => Some(3),
                    "5" | "nam" => Some(4),
                    "6" | "sau" => Some(5),
                    "7" | "bay" => Some(6),
                    _ => None,
                });
                if day.is_some() && rule.weekday.is_none() {
                    rule.weekday = day;
                }
            }
            if t[i] == "chu" && t.get(i + 1) == Some(&"nhat") {
                rule.weekday = Some(7);
            }
            if rule.time.is_none() {
                rule.time = read_time(&t, i);
            }
        }
        return (rule.weekday.is_some() || rule.time.is_some()).then_some(rule);
    }
    // "trước ngày 18", "chậm nhất (vào) ngày 13", "ngày 15 hằng tháng".
    for i in 0..t.len() {
        if t[i] != "ngay" {
            continue;
        }
        let Some(day) = t.get(i + 1).and_then(|w| number(w)) else {
            continue;
        };
        if !(1..=31).contains(&day) {
            continue;
        }
        // "trước ngày 15/12/2023" is a date, not a rule.
        if t.get(i + 2).is_some_and(|w| number(w).is_some()) {
            continue;
        }
        let before = &t[i.saturating_sub(3)..i];
        rule.rule = if before.contains(&"truoc") && !before.contains(&"hoac") {
            RuleKind::BeforeDay
        } else {
            RuleKind::ByDay
        };
        rule.day = Some(day);
        return Some(rule);
    }
    None
}

/// "15h00", "15h", "15 giờ 30" at token `i` → "15:00".
fn read_time(t: &[&str], i: usize) -> Option<String> {
    let w = t[i];
    if let Some((h, m)) = w.split_once('h') {
        let hour: u32 = h.parse().ok()?;
        let minute: u32 = if m.is_empty() { 0 } else { m.parse().ok()? };
        return (hour < 24 && minute < 60).then(|| format!("{hour:02}:{minute:02}"));
    }
    if t.get(i + 1) == Some(&"gio") {
        let hour: u32 = w.parse().ok()?;
        let minute: u32 = t.get(i + 2).and_then(|m| m.parse().ok()).unwrap_or(0);
        return (hour < 24 && minute < 60).then(|| format!("{hour:02}:{minute:02}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_before_day() {
        let rules = find_rules("Định kỳ trước ngày 18 hàng tháng báo cáo kết quả về UBND tỉnh.");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].every, Every::Month);
        assert_eq!(rules[0].rule, RuleKind::BeforeDay);
        assert_eq!(rules[0].day, Some(18));
        assert_eq!(rules[0].scope, Scope::Province);
    }

    #[test]
    fn weekly_and_monthly() {
        let text = "3. Công tác thông tin, báo cáo\n- Báo cáo tuần: Trước 15h00', ngày thứ 4 hằng tuần;\n- Báo cáo tháng trước ngày 15 hằng tháng (thực hiện lồng ghép).";
        let rules = find_rules(text);
        assert_eq!(rules.len(), 2, "{rules:?}");
        assert_eq!(rules[0].every, Every::Week);
        assert_eq!(rules[0].rule, RuleKind::WeekdayTime);
        assert_eq!(rules[0].weekday, Some(3));
        assert_eq!(rules[0].time.as_deref(), Some("15:00"));
        assert_eq!(rules[1].rule, RuleKind::BeforeDay);
        assert_eq!(rules[1].day, Some(15));
        assert_eq!(main_rule(&rules), Some(&rules[1]));
    }

    #[test]
    fn internal_rule_is_the_earlier_one() {
        let text = "- Định kỳ ngày 15 hằng tháng báo cáo tình hình về UBND tỉnh (qua Công an tỉnh).\n- Báo cáo định kỳ về Văn phòng Sở chậm nhất ngày 13 hằng tháng để tổng hợp.";
        let rules = find_rules(text);
        assert_eq!(rules.len(), 2);
        assert_eq!((rules[0].rule, rules[0].day), (RuleKind::ByDay, Some(15)));
        assert_eq!(rules[0].scope, Scope::Province);
        assert_eq!((rules[1].rule, rules[1].day), (RuleKind::ByDay, Some(13)));
        assert_eq!(rules[1].scope, Scope::Internal);
    }

    #[test]
    fn working_days_after_cutoff() {
        let rules = find_rules(
            "Các cơ quan gửi báo cáo trong thời hạn 02 ngày làm việc kể từ ngày chốt số liệu.",
        );
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].rule, RuleKind::WorkingDaysAfterCutoff);
        assert_eq!(rules[0].working_days, Some(2));
        assert_eq!(rules[0].every, Every::Month);
    }

    #[test]
    fn dates_and_unrelated_lines_are_not_rules() {
        assert!(find_rules("Báo cáo kết quả trước ngày 15/12/2023.").is_empty());
        assert!(find_rules("Trước ngày 18 hàng tháng họp giao ban.").is_empty());
        assert!(find_rules("").is_empty());
    }
}
