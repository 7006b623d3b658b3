//! From a leaf of the plan (outline item or table row) to a [`TaskDraft`]: title, agencies
//! resolved against the registry, due time, KPI targets — and a finding for each thing a
//! person should check.

use std::collections::BTreeMap;

use super::agencies::{lead_of_sentence, parse_executor, split_list};
use super::fields::Fields;
use super::kpi;
use super::outline::Leaf;
use crate::domain::due::{Due, DueKind};
use crate::domain::finding::Finding;
use crate::domain::fold::fold;
use crate::domain::plan::TaskDraft;

/// An agency name longer than this is a sentence the splitter could not cut.
const MAX_AGENCY_WORDS: usize = 16;

/// Converts leaves to tasks; `year` completes due times written without one.
pub fn to_tasks(
    leaves: Vec<Leaf>,
    year: Option<i32>,
    resolve: &dyn Fn(&str) -> Option<String>,
    findings: &mut Vec<Finding>,
) -> Vec<TaskDraft> {
    let mut unknown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tasks: Vec<TaskDraft> = Vec::new();
    for leaf in leaves {
        let task = convert(&leaf, year, resolve, &mut unknown, findings);
        tasks.push(task);
    }
    dedupe_codes(&mut tasks, findings);
    for (name, codes) in unknown {
        let shown: Vec<&str> = codes.iter().take(5).map(String::as_str).collect();
        let more = if codes.len() > 5 { ", …" } else { "" };
        findings.push(
            Finding::warning(format!(
                "Không tìm thấy cơ quan «{name}» trong danh mục cơ quan của tỉnh; đã giữ nguyên tên như trong kế hoạch (nhiệm vụ {}{more}). Cần xác nhận: thêm vào danh mục hoặc sửa thành tên đúng.",
                shown.join(", ")
            ))
            .at(format!("Nhiệm vụ {}", codes[0])),
        );
    }
    tasks
}

fn convert(
    leaf: &Leaf,
    year: Option<i32>,
    resolve: &dyn Fn(&str) -> Option<String>,
    unknown: &mut BTreeMap<String, Vec<String>>,
    findings: &mut Vec<Finding>,
) -> TaskDraft {
    let f = &leaf.fields;
    let code = leaf.code.clone();
    let place = leaf
        .place
        .clone()
        .map(|p| format!("Nhiệm vụ {code} ({p})"))
        .unwrap_or_else(|| format!("Nhiệm vụ {code}"));

    // Title: the heading, or the first sentence of a long one.
    let (mut title, rest) = first_sentence(&f.title);
    let mut content: Vec<String> = Vec::new();
    if !rest.is_empty() {
        content.push(rest);
    }
    content.extend(f.content.iter().cloned());
    if title.is_empty() {
        if let Some(first) = content.first().cloned() {
            let (t, r) = first_sentence(&first);
            title = t;
            content[0] = r;
        }
    }
    if title.is_empty() {
        title = "(chưa có tên nhiệm vụ)".into();
        findings.push(Finding::warning("Nhiệm vụ không có tên; cần nhập tên nhiệm vụ.").at(&place));
    }

    // Agencies: the task's own, else those of the headings above it.
    let (mut lead, mut coordinating) = agencies_of(f);
    if lead.is_empty() {
        for above in leaf.inherited.iter().rev() {
            let (l, c) = agencies_of(above);
            if !l.is_empty() {
                lead = l;
                if coordinating.is_empty() {
                    coordinating = c;
                }
                break;
            }
        }
    }
    if lead.is_empty() {
        if let Some(l) = lead_of_sentence(&title) {
            lead = split_list(&l);
        }
    }
    let mut resolve_all = |names: Vec<String>, findings: &mut Vec<Finding>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in names {
            if name.split_whitespace().count() > MAX_AGENCY_WORDS {
                findings.push(
                    Finding::warning(format!(
                        "Không tách được tên cơ quan từ đoạn «{}»; cần nhập lại cơ quan của nhiệm vụ.",
                        clip(&name, 120)
                    ))
                    .at(&place),
                );
                continue;
            }
            let canonical = match resolve(&name) {
                Some(c) => c,
                None => {
                    let codes = unknown.entry(name.clone()).or_default();
                    if !codes.contains(&code) {
                        codes.push(code.clone());
                    }
                    name
                }
            };
            if !out.iter().any(|o| fold(o) == fold(&canonical)) {
                out.push(canonical);
            }
        }
        out
    };
    let lead = resolve_all(lead, findings);
    let mut coordinating = resolve_all(coordinating, findings);
    coordinating.retain(|c| !lead.contains(c));
    if lead.is_empty() {
        findings.push(
            Finding::warning(format!(
                "Nhiệm vụ {code} chưa có cơ quan chủ trì; cần chỉ định cơ quan chủ trì."
            ))
            .at(&place),
        );
    }

    // Due: the task's time lines, else the headings', else a deadline in its text.
    let mut time: &[String] = &f.time;
    if time.is_empty() {
        if let Some(above) = leaf.inherited.iter().rev().find(|a| !a.time.is_empty()) {
            time = &above.time;
        }
    }
    let due = if time.is_empty() {
        let mut texts = vec![title.clone()];
        texts.extend(content.iter().cloned());
        let found = combine(&texts, year, true);
        if found.kind == DueKind::Unspecified {
            findings.push(
                Finding::warning(format!(
                    "Nhiệm vụ {code} không ghi thời gian hoàn thành; cần nhập thời hạn."
                ))
                .at(&place),
            );
            Due::unspecified("")
        } else {
            found
        }
    } else {
        let found = combine(time, year, false);
        if found.kind == DueKind::Unspecified {
            findings.push(
                Finding::warning(format!(
                    "Không hiểu thời hạn «{}» của nhiệm vụ {code}; cần nhập lại thời hạn (ví dụ «Trong tháng 3 năm 2022», «Quý II/2023», «Thường xuyên»).",
                    clip(&found.text, 160)
                ))
                .at(&place),
            );
        }
        found
    };

    let mut kpi_texts = vec![title.clone()];
    kpi_texts.extend(content.iter().cloned());
    kpi_texts.extend(f.time.iter().cloned());
    let mut kpis = Vec::new();
    for t in kpi_texts {
        for k in kpi::find(&t) {
            if !kpis
                .iter()
                .any(|x: &crate::domain::plan::Kpi| x.text == k.text)
            {
                kpis.push(k);
            }
        }
    }

    TaskDraft {
        code,
        title,
        group: leaf.group.clone(),
        lead,
        coordinating,
        due,
        kpi: kpis,
    }
}

/// Lead and coordinating names stated in one set of fields.
fn agencies_of(f: &Fields) -> (Vec<String>, Vec<String>) {
    let mut lead = Vec::new();
    let mut coordinating = Vec::new();
    for line in &f.lead {
        // "- Công an tỉnh chủ trì cấp tài khoản …" under "Cơ quan chủ trì:".
        match lead_of_sentence(line) {
            Some(l) => lead.extend(split_list(&l)),
            None => lead.extend(split_list(line)),
        }
    }
    for line in &f.executor {
        let (l, c) = parse_executor(line);
        lead.extend(split_list(&l));
        coordinating.extend(split_list(&c));
    }
    for line in &f.coordinating {
        coordinating.extend(split_list(line));
    }
    (lead, coordinating)
}

/// The due time of a task from its time lines (a roadmap may have several, each with its
/// own deadline): the latest real deadline wins; failing that an expected date of a
/// condition, then "recurring", then "conditional". With `strict`, only clauses that read
/// as deadlines ("hoàn thành …", "trước ngày …") count — for due times found in running text.
pub fn combine(lines: &[String], year: Option<i32>, strict: bool) -> Due {
    let mut strong: Vec<Due> = Vec::new();
    let mut weak: Vec<Due> = Vec::new();
    let mut conditional_dated: Vec<Due> = Vec::new();
    let mut recurring: Option<Due> = None;
    let mut conditional: Option<Due> = None;
    let mut clause_count = 0;
    for line in lines {
        for clause in clauses(line) {
            clause_count += 1;
            let due = Due::parse_in_year(&clause, year);
            match due.kind {
                DueKind::Unspecified => {}
                DueKind::Conditional if due.end.is_some() => conditional_dated.push(due),
                DueKind::Conditional => {
                    conditional.get_or_insert(due);
                }
                DueKind::Recurring => {
                    recurring.get_or_insert(due);
                }
                _ if Due::has_deadline_cue(&clause) => strong.push(due),
                _ => weak.push(due),
            }
        }
    }
    let latest = |v: Vec<Due>| v.into_iter().max_by_key(|d| d.end);
    if let Some(d) = latest(strong) {
        return d;
    }
    if strict {
        return Due::unspecified(lines.join(" "));
    }
    if let Some(d) = latest(weak).or_else(|| latest(conditional_dated)) {
        return d;
    }
    if let Some(d) = recurring.or(conditional) {
        return d;
    }
    let text = lines.join(" ");
    if clause_count <= 1 {
        return Due::unspecified(text.trim().trim_end_matches('.'));
    }
    Due::unspecified(text)
}

/// Clauses of a line: split at ";" and at sentence ends, without bullets and final dots.
fn clauses(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let end = c == ';' || (c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace()));
        if end {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|c| {
            super::fields::strip_bullet(&c)
                .trim()
                .trim_matches(['(', ')', ' '])
                .trim()
                .to_string()
        })
        .filter(|c| !c.is_empty())
        .collect()
}

/// The first sentence of a heading and the rest; a heading without a sentence break (or
/// whose first sentence is very short) stays whole.
fn first_sentence(text: &str) -> (String, String) {
    let text = text.trim();
    let mut from = 0;
    while let Some(rel) = text[from..].find(". ") {
        let at = from + rel;
        if text[..at].chars().count() >= 20 {
            return (
                text[..=at].trim().to_string(),
                text[at + 1..].trim().to_string(),
            );
        }
        from = at + 2;
    }
    (text.to_string(), String::new())
}

fn dedupe_codes(tasks: &mut [TaskDraft], findings: &mut Vec<Finding>) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for task in tasks.iter_mut() {
        let n = seen.entry(task.code.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            let new_code = format!("{}.{}", task.code, n);
            findings.push(
                Finding::warning(format!(
                    "Mã nhiệm vụ {} bị trùng; nhiệm vụ «{}» được đặt mã {new_code}, cần kiểm tra lại cách đánh số.",
                    task.code,
                    clip(&task.title, 80)
                ))
                .at(format!("Nhiệm vụ {new_code}")),
            );
            task.code = new_code;
        }
    }
}

pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn lines(l: &[&str]) -> Vec<String> {
        l.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn roadmap_takes_latest_deadline() {
        let due = combine(
            &lines(&[
                "Rà soát; hoàn thành trước ngày 10/11/2023.",
                "Thí điểm tại 3 trường học năm 2023 - 2024. Thực hiện thí điểm từ ngày 30/11/2023 đến ngày 31/12/2023.",
                "Đánh giá, đề xuất triển khai diện rộng sau ngày 31/12/2023.",
            ]),
            None,
            false,
        );
        assert_eq!(due.kind, DueKind::Date);
        assert_eq!(due.end, NaiveDate::from_ymd_opt(2023, 12, 31));
        assert_eq!(
            due.text,
            "Thực hiện thí điểm từ ngày 30/11/2023 đến ngày 31/12/2023"
        );
    }

    #[test]
    fn dated_beats_recurring_and_conditional() {
        let due = combine(
            &lines(&[
                "Các cơ quan đăng ký danh sách học viên. Thực hiện thường xuyên",
                "Thời gian thực hiện: Giai đoạn 1, hoàn thành trong Quý I năm 2024.",
            ]),
            None,
            false,
        );
        assert_eq!(
            (due.kind, due.end),
            (DueKind::Quarter, NaiveDate::from_ymd_opt(2024, 3, 31))
        );
        let due = combine(
            &lines(&[
                "Triển khai công tác tuyên truyền.",
                "Duy trì thực hiện thường xuyên",
            ]),
            None,
            false,
        );
        assert_eq!(due.kind, DueKind::Recurring);
        let due = combine(
            &lines(&["Theo lộ trình của Chính phủ, Bộ Công an."]),
            None,
            false,
        );
        assert_eq!(due.kind, DueKind::Conditional);
        assert_eq!(due.text, "Theo lộ trình của Chính phủ, Bộ Công an");
        let due = combine(
            &lines(&["Rà soát hệ thống.", "Đề xuất UBND tỉnh tổ chức thực hiện."]),
            None,
            false,
        );
        assert_eq!(due.kind, DueKind::Unspecified);
    }

    #[test]
    fn sentences() {
        assert_eq!(
            first_sentence("Rà soát các văn bản quy phạm pháp luật. Đề xuất sửa đổi."),
            (
                "Rà soát các văn bản quy phạm pháp luật.".into(),
                "Đề xuất sửa đổi.".into()
            )
        );
        assert_eq!(
            first_sentence("Đẩy mạnh DVC"),
            ("Đẩy mạnh DVC".into(), String::new())
        );
    }
}
