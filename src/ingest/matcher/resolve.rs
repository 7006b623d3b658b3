//! From a code as written (and the headings above the row) to the plan's tasks.
//!
//! A full code is looked up directly. A partial one — the bare "1", "2", "3" that restarts in
//! every group, or "a.1" under a heading "7." — is completed from the row's headings: a
//! heading whose text resembles a group title of the plan pins the group outright (clerks
//! renumber groups, or report only some of them, so their "I", "II" need not be the plan's);
//! otherwise heading numbers are aligned, innermost first, with the candidate's code prefix,
//! by value ("II" = 2, "a)" = a) or by position among the plan's groups (the second group is
//! "II" even when the plan calls it "8").

use std::collections::{hash_map::Entry, HashMap};
use std::sync::Arc;

use super::code_forms::{parse_code, plan_code_tokens, split_leading_code, CodeReading};
use super::index_cache;
use super::text_similarity::TextIndex;
use super::TaskRef;
use crate::ingest::table::Heading;

/// A group title must score this much against a heading to pin the group…
const GROUP_PIN_SCORE: f64 = 0.5;
/// …and beat the next group title by this much.
const GROUP_PIN_MARGIN: f64 = 0.1;
/// An alignment must beat the next candidate's by this much to decide alone.
const ALIGN_MARGIN: f64 = 0.25;

/// What the number cell says about the row's task.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CodeEvidence {
    /// No code written.
    None,
    /// The full code of a task.
    Exact { task: usize, written: String },
    /// A partial code, completed from the headings above the row.
    Context { task: usize, written: String },
    /// A partial code that fits several tasks, most plausible first.
    Several { tasks: Vec<usize>, written: String },
    /// A code that is not in the plan.
    Unknown { written: String },
}

#[derive(Debug)]
struct Group {
    title: String,
    tasks: Vec<usize>,
}

/// The plan's task list, prepared for matching.
#[derive(Debug)]
pub(crate) struct PlanIndex<'a> {
    pub tasks: &'a [TaskRef],
    pub codes: Vec<Vec<String>>,
    by_code: HashMap<String, usize>,
    by_code_plain_d: HashMap<String, Vec<usize>>,
    /// Prefix key → 1-based position among its siblings in plan order.
    ordinal: HashMap<String, u32>,
    pub titles: Arc<TextIndex>,
    groups: Vec<Group>,
    group_titles: Arc<TextIndex>,
}

impl<'a> PlanIndex<'a> {
    pub fn new(tasks: &'a [TaskRef]) -> Self {
        let codes: Vec<Vec<String>> = tasks.iter().map(|t| plan_code_tokens(&t.code)).collect();
        let mut by_code = HashMap::new();
        let mut by_code_plain_d: HashMap<String, Vec<usize>> = HashMap::new();
        let mut ordinal = HashMap::new();
        let mut children: HashMap<String, u32> = HashMap::new();
        for (i, code) in codes.iter().enumerate() {
            if code.is_empty() {
                continue;
            }
            by_code.entry(code.join(".")).or_insert(i);
            by_code_plain_d
                .entry(code.join(".").replace('đ', "d"))
                .or_default()
                .push(i);
            for depth in 1..=code.len() {
                if let Entry::Vacant(slot) = ordinal.entry(code[..depth].join(".")) {
                    let n = children.entry(code[..depth - 1].join(".")).or_default();
                    *n += 1;
                    slot.insert(*n);
                }
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        for (i, task) in tasks.iter().enumerate() {
            let title = task.group.trim();
            if title.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|g| g.title == title) {
                Some(g) => g.tasks.push(i),
                None => groups.push(Group {
                    title: title.to_string(),
                    tasks: vec![i],
                }),
            }
        }
        let group_titles =
            index_cache::text_index(&groups.iter().map(|g| g.title.as_str()).collect::<Vec<_>>());
        let titles =
            index_cache::text_index(&tasks.iter().map(|t| t.title.as_str()).collect::<Vec<_>>());
        PlanIndex {
            tasks,
            codes,
            by_code,
            by_code_plain_d,
            ordinal,
            titles,
            groups,
            group_titles,
        }
    }

    /// The tasks of the group that a heading above the row names by its text, if any.
    pub fn pinned_group(&self, context: &[Heading]) -> Option<&[usize]> {
        if self.groups.len() < 2 {
            return None;
        }
        for heading in context.iter().rev() {
            let (_, text) = split_leading_code(&heading.text);
            if text.trim().is_empty() {
                continue;
            }
            let query = self.group_titles.query(text);
            let mut scored: Vec<(usize, f64)> = self
                .group_titles
                .scores(&query)
                .into_iter()
                .enumerate()
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1));
            let (best, score) = scored[0];
            let next = scored.get(1).map_or(0.0, |s| s.1);
            if score >= GROUP_PIN_SCORE && score - next >= GROUP_PIN_MARGIN {
                return Some(&self.groups[best].tasks);
            }
        }
        None
    }

    /// Reads the number cell against the plan, with the row's headings for partial codes.
    pub fn resolve(&self, reading: Option<&CodeReading>, context: &[Heading]) -> CodeEvidence {
        let Some(reading) = reading else {
            return CodeEvidence::None;
        };
        let written = reading.display();
        let variants = reading.variants();
        // A bare STT under headings that place it in a group is that group's task, even when
        // the plan also has a top-level task with the same number.
        if reading.tokens.len() == 1 && !context.is_empty() {
            let candidates = self.ending_with(&variants[0]);
            if !candidates.is_empty() {
                if let found @ CodeEvidence::Context { .. } =
                    self.complete(candidates, 1, context, written.clone())
                {
                    return found;
                }
            }
        }
        for variant in &variants {
            if let Some(&task) = self.by_code.get(&variant.join(".")) {
                return CodeEvidence::Exact { task, written };
            }
        }
        for variant in &variants {
            if let Some([task]) = self
                .by_code_plain_d
                .get(&variant.join(".").replace('đ', "d"))
                .map(Vec::as_slice)
            {
                return CodeEvidence::Exact {
                    task: *task,
                    written,
                };
            }
        }
        // Partial codes: as written, or without a leading Roman section number.
        let mut partials = vec![variants[0].clone()];
        if reading.tokens.len() >= 2 && reading.tokens[0].roman.is_some() {
            partials.push(variants[0][1..].to_vec());
        }
        for partial in &partials {
            let candidates = self.ending_with(partial);
            if candidates.is_empty() {
                continue;
            }
            return self.complete(candidates, partial.len(), context, written);
        }
        // A sub-item of a task ("1.1.2" under task "1.1").
        if let Some(task) = (0..self.codes.len())
            .filter(|&i| {
                let code = &self.codes[i];
                code.len() >= 2 && variants[0].len() > code.len() && variants[0].starts_with(code)
            })
            .max_by_key(|&i| self.codes[i].len())
        {
            return CodeEvidence::Context { task, written };
        }
        CodeEvidence::Unknown { written }
    }

    /// Tasks whose code is longer than `partial` and ends with it.
    fn ending_with(&self, partial: &[String]) -> Vec<usize> {
        (0..self.codes.len())
            .filter(|&i| {
                let code = &self.codes[i];
                code.len() > partial.len() && code.ends_with(partial)
            })
            .collect()
    }

    fn complete(
        &self,
        candidates: Vec<usize>,
        suffix_len: usize,
        context: &[Heading],
        written: String,
    ) -> CodeEvidence {
        if let Some(group) = self.pinned_group(context) {
            let inside: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|c| group.contains(c))
                .collect();
            if let [task] = inside.as_slice() {
                return CodeEvidence::Context {
                    task: *task,
                    written,
                };
            }
        }
        let mut scored: Vec<(usize, f64)> = candidates
            .iter()
            .map(|&c| {
                let code = &self.codes[c];
                (c, self.alignment(&code[..code.len() - suffix_len], context))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        let top = scored[0].1;
        let next = scored.get(1).map_or(f64::NEG_INFINITY, |s| s.1);
        if top >= 1.0 && top - next >= ALIGN_MARGIN {
            return CodeEvidence::Context {
                task: scored[0].0,
                written,
            };
        }
        CodeEvidence::Several {
            tasks: scored.into_iter().map(|(c, _)| c).collect(),
            written,
        }
    }

    /// How well the headings' numbers, innermost first, spell `prefix` from its end: one point
    /// per level matched by value, half by position among siblings, minus a little for each
    /// heading skipped on the way (a section "II. NHIỆM VỤ" the codes do not carry).
    fn alignment(&self, prefix: &[String], context: &[Heading]) -> f64 {
        let mut j = prefix.len();
        let mut score = 0.0;
        for heading in context.iter().rev() {
            if j == 0 {
                break;
            }
            let reading = if heading.number.trim().is_empty() {
                split_leading_code(&heading.text).0
            } else {
                parse_code(&heading.number)
            };
            let Some(reading) = reading else {
                continue;
            };
            // A heading carrying several levels ("7.a", "II.1").
            if let Some(q) = reading
                .variants()
                .iter()
                .filter(|v| v.len() >= 2 && v.len() <= j)
                .find(|v| prefix[j - v.len()..j] == v[..])
                .map(Vec::len)
            {
                score += q as f64;
                j -= q;
                continue;
            }
            let last = reading.tokens.last().expect("a reading has tokens");
            let level = &prefix[j - 1];
            let by_value =
                last.text == *level || last.roman.is_some_and(|v| v.to_string() == *level);
            let position = self.ordinal.get(&prefix[..j].join(".")).copied();
            let by_position =
                position.is_some_and(|p| last.text == p.to_string() || last.roman == Some(p));
            if by_value {
                score += 1.0;
                j -= 1;
            } else if by_position {
                score += 0.5;
                j -= 1;
            } else {
                score -= 0.3;
            }
        }
        score
    }
}
