//! The agency registry: which agencies a province has, every way clerks write their names, and
//! which agency took over from which.
//!
//! Why it exists: a plan names its lead and coordinating agencies as its drafter typed them
//! ("Sở TT&TT", "Sở Thông tin và truyền thông", "STTTT", "Sở Thông tin và Truyền thông tỉnh Trà
//! Vinh"), an upload arrives with the agency written yet another way, and reminders must go to
//! one mailbox per agency. Every one of those names has to land on the same canonical entry, or
//! tasks are lost and agencies are chased twice. The registry is plain data (one JSON file per
//! province under `fixtures/agencies/`, see [`RegistryFile`]) plus this pure resolver: no I/O,
//! no database, so the plan importer, the ingest pipeline and the reminder planner all agree.
//!
//! Resolution ([`AgencyRegistry::resolve`]) compares [`fold`]ed text, so NFC/NFD, tone-mark
//! placement ("Hòa"/"Hoà"), capitals, missing diacritics, "&"/"và" and punctuation never
//! matter. It tries, in order, and stops at the first stage that finds anything:
//!
//! 1. the folded canonical name or an alias, exactly;
//! 2. a loose form in which "Ủy ban nhân dân" = "UBND", "thành phố" = "TP", "thị xã" = "TX"
//!    and a standalone "và" is ignored (so "Sở Thông tin - Truyền thông" = "… và …");
//! 3. the text without a parenthesised remark, without a trailing "tỉnh <Province>" or
//!    "<Province>", or with/without a trailing "tỉnh";
//! 4. with "Sở " or "UBND " put in front of the written text ("Tư pháp" → "Sở Tư pháp",
//!    "các sở: Tư pháp" → "Sở Tư pháp", "huyện Càng Long" → "UBND huyện Càng Long");
//! 5. the same insertion on the stage-3 variants.
//!
//! A stage that yields two different agencies ends the search with `None`: the registry never
//! guesses between candidates (a wrong agency is worse than an unknown one, which the caller
//! reports as a finding).
//!
//! Mergers: from 1 March 2025 several departments merged (Sở KH&ĐT → Sở Tài chính, Sở TT&TT →
//! Sở Khoa học và Công nghệ, Sở LĐ-TB&XH → Sở Nội vụ, Sở NN&PTNT and Sở TN&MT → Sở Nông nghiệp
//! và Môi trường, Sở GTVT → Sở Xây dựng), and district People's Committees were abolished on
//! 1 July 2025. An old entry keeps its names (plans from 2022–2024 still use them) and points
//! to its `successor` from `successor_from`; [`AgencyRegistry::current`] follows those links,
//! chains included, for a given date.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::fold::fold;

/// The values `kind` may take.
pub const KINDS: [&str; 8] = [
    "province_committee",
    "office",
    "department",
    "police",
    "branch",
    "district_committee",
    "commune_committee",
    "other",
];

/// One province's registry, as stored in `fixtures/agencies/<province>.json`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RegistryFile {
    pub province: String,
    pub agencies: Vec<AgencyEntry>,
}

/// One agency: its canonical name, the other ways it is written, where its mail goes, and the
/// dates it existed and who took over from it.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AgencyEntry {
    /// Canonical name, without the province ("Sở Y tế", "Công an tỉnh").
    pub name: String,
    #[serde(default)]
    pub short_name: Option<String>,
    /// One of [`KINDS`].
    pub kind: String,
    /// Other spellings and abbreviations; compared folded.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Mailboxes for reports and reminders (the clerks' office, văn thư).
    #[serde(default)]
    pub emails: Vec<String>,
    /// The head of the agency, copied on escalated reminders.
    #[serde(default)]
    pub head_email: Option<String>,
    #[serde(default)]
    pub active_from: Option<NaiveDate>,
    /// Last day the agency existed (inclusive).
    #[serde(default)]
    pub active_to: Option<NaiveDate>,
    /// Canonical name of the agency (same province) that takes over its tasks.
    #[serde(default)]
    pub successor: Option<String>,
    /// First day the successor is responsible; defaults to the day after `active_to`.
    #[serde(default)]
    pub successor_from: Option<NaiveDate>,
}

impl AgencyEntry {
    /// Whether the agency existed on `on` (both bounds inclusive, open when absent).
    pub fn is_active_on(&self, on: NaiveDate) -> bool {
        self.active_from.is_none_or(|from| from <= on) && self.active_to.is_none_or(|to| on <= to)
    }

    /// First day the successor is in charge: `successor_from`, else the day after
    /// `active_to`, else always. `None` when there is no successor.
    pub fn successor_effective_from(&self) -> Option<NaiveDate> {
        self.successor.as_ref()?;
        Some(
            self.successor_from
                .or_else(|| self.active_to.and_then(|to| to.succ_opt()))
                .unwrap_or(NaiveDate::MIN),
        )
    }
}

/// All provinces' agencies, indexed for name resolution.
#[derive(Debug, Clone)]
pub struct AgencyRegistry {
    provinces: Vec<ProvinceIndex>,
}

#[derive(Debug, Clone)]
struct ProvinceIndex {
    name: String,
    /// Folded province name ("tra vinh").
    key: String,
    agencies: Vec<AgencyEntry>,
    /// Folded canonical name or alias → agency.
    exact: HashMap<String, usize>,
    /// Loose form (see [`loose`]) → agencies; more than one means the loose form is ambiguous.
    loose: HashMap<String, Vec<usize>>,
    /// Folded canonical name → agency (for successor links).
    names: HashMap<String, usize>,
}

/// Words that name a kind of administrative unit; a name reduced to only these (after the
/// province is stripped) no longer says which agency it is ("UBND Trà Vinh").
const UNIT_WORDS: [&str; 8] = ["ubnd", "tp", "tx", "huyen", "xa", "phuong", "tran", "khu"];

impl AgencyRegistry {
    /// Parses one province's registry file.
    pub fn parse_json(json: &str) -> Result<RegistryFile, String> {
        serde_json::from_str(json).map_err(|e| format!("agency registry JSON: {e}"))
    }

    /// Builds the registry and validates it: known kinds, plausible e-mail addresses, no two
    /// agencies of a province sharing a folded name or alias, successors that exist in the
    /// same province without cycles, `active_from` not after `active_to`. All problems are
    /// reported together, one per line.
    pub fn from_files(files: Vec<RegistryFile>) -> Result<Self, String> {
        let mut errors = Vec::new();
        let mut provinces: Vec<ProvinceIndex> = Vec::new();
        for file in files {
            let key = province_key(&file.province);
            if key.is_empty() {
                errors.push("a registry file has an empty province name".to_string());
                continue;
            }
            if provinces.iter().any(|p| p.key == key) {
                errors.push(format!(
                    "province {} appears in two registry files",
                    file.province
                ));
                continue;
            }
            provinces.push(ProvinceIndex::build(file, &mut errors));
        }
        if errors.is_empty() {
            Ok(Self { provinces })
        } else {
            Err(errors.join("\n"))
        }
    }

    /// The agency `written` names, in `province` (a name such as "Trà Vinh", "tỉnh Trà Vinh"
    /// or "tra-vinh"), or in any province when `None` — then it must be unique across all of
    /// them, so "Sở Y tế" alone resolves only with a province. `None` when the name is unknown,
    /// the province is unknown, or two agencies fit equally well.
    pub fn resolve(&self, province: Option<&str>, written: &str) -> Option<&AgencyEntry> {
        let scope: Vec<&ProvinceIndex> = match province {
            Some(p) => vec![self.province(p)?],
            None => self.provinces.iter().collect(),
        };
        let query = Query::new(written);
        for stage in Stage::ALL {
            let mut found: Vec<&AgencyEntry> = Vec::new();
            for prov in &scope {
                for idx in prov.matches(&query, stage) {
                    let entry = &prov.agencies[idx];
                    if !found.iter().any(|f| std::ptr::eq(*f, entry)) {
                        found.push(entry);
                    }
                }
            }
            match found.len() {
                0 => continue,
                1 => return found.pop(),
                _ => return None,
            }
        }
        None
    }

    /// The agency in charge on `on` for `entry`: follows `successor` links whose date has
    /// come, through chains, and returns `entry` itself otherwise. `province` may be `None`
    /// when `entry` was obtained from this registry; for a copy, give the province (without
    /// it, a copy whose name exists in several provinces is returned unchanged).
    pub fn current<'a>(
        &'a self,
        province: Option<&str>,
        entry: &'a AgencyEntry,
        on: NaiveDate,
    ) -> &'a AgencyEntry {
        let located = match province {
            Some(p) => self
                .province(p)
                .and_then(|prov| prov.index_of(entry).map(|i| (prov, i))),
            None => self.locate(entry),
        };
        let Some((prov, mut idx)) = located else {
            return entry;
        };
        // Validation rules out cycles; the bound keeps a hand-built registry from looping.
        for _ in 0..=prov.agencies.len() {
            let current = &prov.agencies[idx];
            let next = match (current.successor_effective_from(), &current.successor) {
                (Some(from), Some(name)) if from <= on => prov.names.get(&fold(name)).copied(),
                _ => None,
            };
            match next {
                Some(n) => idx = n,
                None => return current,
            }
        }
        &prov.agencies[idx]
    }

    /// Every agency of `province` in file order; empty for an unknown province.
    pub fn province_agencies(&self, province: &str) -> &[AgencyEntry] {
        self.province(province)
            .map(|p| p.agencies.as_slice())
            .unwrap_or(&[])
    }

    /// The provinces' names as their files spell them.
    pub fn provinces(&self) -> Vec<&str> {
        self.provinces.iter().map(|p| p.name.as_str()).collect()
    }

    fn province(&self, province: &str) -> Option<&ProvinceIndex> {
        let key = province_key(province);
        self.provinces.iter().find(|p| p.key == key)
    }

    /// The province and index of an entry: by address when it is one of ours, else by its
    /// canonical name when that is unique across provinces.
    fn locate(&self, entry: &AgencyEntry) -> Option<(&ProvinceIndex, usize)> {
        for prov in &self.provinces {
            if let Some(i) = prov.position_of(entry) {
                return Some((prov, i));
            }
        }
        let name = fold(&entry.name);
        let mut hits = self
            .provinces
            .iter()
            .filter_map(|p| p.names.get(&name).map(|&i| (p, i)));
        let first = hits.next()?;
        hits.next().is_none().then_some(first)
    }
}

impl ProvinceIndex {
    fn build(file: RegistryFile, errors: &mut Vec<String>) -> Self {
        let province = file.province.clone();
        let mut index = Self {
            key: province_key(&file.province),
            name: file.province,
            agencies: file.agencies,
            exact: HashMap::new(),
            loose: HashMap::new(),
            names: HashMap::new(),
        };
        for (i, agency) in index.agencies.iter().enumerate() {
            let name_key = fold(&agency.name);
            if name_key.is_empty() {
                errors.push(format!("{province}: agency #{} has an empty name", i + 1));
                continue;
            }
            if !KINDS.contains(&agency.kind.as_str()) {
                errors.push(format!(
                    "{province}: {}: unknown kind {:?} (expected one of {})",
                    agency.name,
                    agency.kind,
                    KINDS.join(", ")
                ));
            }
            for email in agency.emails.iter().chain(agency.head_email.iter()) {
                if !looks_like_email(email) {
                    errors.push(format!(
                        "{province}: {}: {email:?} is not an e-mail address",
                        agency.name
                    ));
                }
            }
            if let (Some(from), Some(to)) = (agency.active_from, agency.active_to) {
                if from > to {
                    errors.push(format!(
                        "{province}: {}: active_from {from} is after active_to {to}",
                        agency.name
                    ));
                }
            }
            if agency.successor_from.is_some() && agency.successor.is_none() {
                errors.push(format!(
                    "{province}: {}: successor_from without a successor",
                    agency.name
                ));
            }
            index.names.entry(name_key.clone()).or_insert(i);
            for written in std::iter::once(&agency.name).chain(agency.aliases.iter()) {
                let key = fold(written);
                if key.is_empty() {
                    errors.push(format!(
                        "{province}: {}: alias {written:?} is empty once folded",
                        agency.name
                    ));
                    continue;
                }
                match index.exact.get(&key) {
                    Some(&other) if other != i => errors.push(format!(
                        "{province}: {written:?} (folded {key:?}) names both {} and {}",
                        index.agencies[other].name, agency.name
                    )),
                    Some(_) => {}
                    None => {
                        index.exact.insert(key.clone(), i);
                    }
                }
                let slot = index.loose.entry(loose(&key)).or_default();
                if !slot.contains(&i) {
                    slot.push(i);
                }
            }
        }
        index.check_successors(errors);
        index
    }

    fn check_successors(&self, errors: &mut Vec<String>) {
        for (i, agency) in self.agencies.iter().enumerate() {
            let Some(successor) = &agency.successor else {
                continue;
            };
            match self.names.get(&fold(successor)) {
                None => errors.push(format!(
                    "{}: {}: successor {successor:?} is not an agency of the province",
                    self.name, agency.name
                )),
                Some(&j) if j == i => errors.push(format!(
                    "{}: {} is its own successor",
                    self.name, agency.name
                )),
                Some(_) => {
                    let mut seen = vec![i];
                    let mut at = i;
                    while let Some(next) = self.agencies[at]
                        .successor
                        .as_ref()
                        .and_then(|s| self.names.get(&fold(s)).copied())
                    {
                        if seen.contains(&next) {
                            if next == i {
                                errors.push(format!(
                                    "{}: successor links starting at {} form a cycle",
                                    self.name, agency.name
                                ));
                            }
                            break;
                        }
                        seen.push(next);
                        at = next;
                    }
                }
            }
        }
    }

    fn position_of(&self, entry: &AgencyEntry) -> Option<usize> {
        self.agencies.iter().position(|a| std::ptr::eq(a, entry))
    }

    fn index_of(&self, entry: &AgencyEntry) -> Option<usize> {
        self.position_of(entry)
            .or_else(|| self.names.get(&fold(&entry.name)).copied())
    }

    /// Agencies matching `query` at `stage`, deduplicated.
    fn matches(&self, query: &Query, stage: Stage) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let add_loose = |key: &str, out: &mut Vec<usize>| {
            if let Some(hits) = self.loose.get(&loose(key)) {
                for &h in hits {
                    if !out.contains(&h) {
                        out.push(h);
                    }
                }
            }
        };
        match stage {
            Stage::Exact => {
                if let Some(&i) = self.exact.get(&query.folded) {
                    out.push(i);
                }
            }
            Stage::Loose => add_loose(&query.folded, &mut out),
            Stage::Trimmed => {
                for v in self.trimmed(query) {
                    add_loose(&v, &mut out);
                }
            }
            Stage::Prefixed => {
                for v in prefixed(&query.bases()) {
                    add_loose(&v, &mut out);
                }
            }
            Stage::TrimmedPrefixed => {
                for v in prefixed(&self.trimmed(query)) {
                    add_loose(&v, &mut out);
                }
            }
        }
        out
    }

    /// Stage-3 variants: without a parenthesised remark, without the province (alone or after
    /// "tỉnh"), with or without a trailing "tỉnh".
    fn trimmed(&self, query: &Query) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let push = |s: String, out: &mut Vec<String>| {
            if !s.is_empty() && !out.contains(&s) {
                out.push(s);
            }
        };
        for base in query.bases() {
            push(base.clone(), &mut out);
            let stripped = strip_suffix_words(&base, &format!("tinh {}", self.key))
                .into_iter()
                .chain(strip_suffix_words(&base, &self.key));
            for s in stripped {
                if says_which_agency(&s) {
                    push(s.clone(), &mut out);
                    push(with_tinh(&s), &mut out);
                }
            }
            if let Some(s) = strip_suffix_words(&base, "tinh") {
                if says_which_agency(&s) {
                    push(s, &mut out);
                }
            } else {
                push(with_tinh(&base), &mut out);
            }
        }
        out
    }
}

/// A written name, folded once.
struct Query {
    folded: String,
    /// Folded text before a parenthesised remark, when there is one.
    before_paren: Option<String>,
}

impl Query {
    fn new(written: &str) -> Self {
        let folded = fold(written);
        let before_paren = written
            .find('(')
            .map(|at| fold(&written[..at]))
            .filter(|s| !s.is_empty() && *s != folded);
        Self {
            folded,
            before_paren,
        }
    }

    fn bases(&self) -> Vec<String> {
        let mut out = vec![self.folded.clone()];
        out.extend(self.before_paren.clone());
        out.retain(|s| !s.is_empty());
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Exact,
    Loose,
    Trimmed,
    Prefixed,
    TrimmedPrefixed,
}

impl Stage {
    const ALL: [Stage; 5] = [
        Stage::Exact,
        Stage::Loose,
        Stage::Trimmed,
        Stage::Prefixed,
        Stage::TrimmedPrefixed,
    ];
}

/// "Sở " / "UBND " in front of each variant; "các sở X" becomes "sở X".
fn prefixed(variants: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in variants {
        let v = v.strip_prefix("cac so ").map_or_else(
            || v.clone(),
            |rest| {
                out.push(format!("so {rest}"));
                rest.to_string()
            },
        );
        let l = loose(&v);
        if l.starts_with("so ") || l.starts_with("ubnd ") {
            continue;
        }
        out.push(format!("so {v}"));
        out.push(format!("ubnd {v}"));
    }
    out
}

/// `text` without the trailing words `suffix` (both folded), if it ends with them.
fn strip_suffix_words(text: &str, suffix: &str) -> Option<String> {
    let rest = text.strip_suffix(suffix)?;
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_suffix(' ').map(str::to_string)
}

fn with_tinh(text: &str) -> String {
    if text.ends_with(" tinh") || text == "tinh" {
        text.to_string()
    } else {
        format!("{text} tinh")
    }
}

/// False for an empty text or one ending with a bare unit word ("ubnd", "tp", "huyen", …):
/// what is left after stripping the province no longer identifies an agency.
fn says_which_agency(folded: &str) -> bool {
    let l = loose(folded);
    match l.rsplit(' ').next() {
        None | Some("") => false,
        Some(last) => !UNIT_WORDS.contains(&last),
    }
}

/// The loose comparison form of a folded text: "uy ban nhan dan" → "ubnd", "thanh pho" →
/// "tp", "thi xa" → "tx", standalone "va" dropped.
fn loose(folded: &str) -> String {
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<&str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let rest = &words[i..];
        if rest.starts_with(&["uy", "ban", "nhan", "dan"]) {
            out.push("ubnd");
            i += 4;
        } else if rest.starts_with(&["thanh", "pho"]) {
            out.push("tp");
            i += 2;
        } else if rest.starts_with(&["thi", "xa"]) {
            out.push("tx");
            i += 2;
        } else if rest[0] == "va" {
            i += 1;
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    out.join(" ")
}

/// Folded province name; a leading "tỉnh" is ignored, and slugs ("tra-vinh") fold alike.
fn province_key(province: &str) -> String {
    let key = fold(province);
    match key.strip_prefix("tinh ") {
        Some(rest) => rest.to_string(),
        None => key,
    }
}

/// A deliberately plain check: one "@", a local part of letters, digits and `._+-`, a domain
/// of at least two dot-separated labels of letters, digits and `-`.
pub fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    const TRA_VINH: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/agencies/tra-vinh.json"
    ));
    const BAC_GIANG: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/agencies/bac-giang.json"
    ));
    const BINH_PHUOC: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/agencies/binh-phuoc.json"
    ));
    const KHANH_HOA: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/agencies/khanh-hoa.json"
    ));
    const ALL_FILES: [(&str, &str); 4] = [
        ("tra-vinh.json", TRA_VINH),
        ("bac-giang.json", BAC_GIANG),
        ("binh-phuoc.json", BINH_PHUOC),
        ("khanh-hoa.json", KHANH_HOA),
    ];

    fn registry() -> AgencyRegistry {
        let files = ALL_FILES
            .iter()
            .map(|(name, json)| {
                AgencyRegistry::parse_json(json).unwrap_or_else(|e| panic!("{name}: {e}"))
            })
            .collect();
        AgencyRegistry::from_files(files).unwrap_or_else(|e| panic!("{e}"))
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn entry(name: &str, aliases: &[&str]) -> AgencyEntry {
        AgencyEntry {
            name: name.to_string(),
            short_name: None,
            kind: "department".to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            emails: vec!["vanthu@x.example".to_string()],
            head_email: None,
            active_from: None,
            active_to: None,
            successor: None,
            successor_from: None,
        }
    }

    fn with_successor(mut e: AgencyEntry, successor: &str, from: &str) -> AgencyEntry {
        e.successor = Some(successor.to_string());
        e.successor_from = Some(date(from));
        e.active_to = date(from).pred_opt();
        e
    }

    fn one(province: &str, agencies: Vec<AgencyEntry>) -> Result<AgencyRegistry, String> {
        AgencyRegistry::from_files(vec![RegistryFile {
            province: province.to_string(),
            agencies,
        }])
    }

    /// Resolves `written` in `province` and returns the canonical name.
    fn name_of(reg: &AgencyRegistry, province: Option<&str>, written: &str) -> Option<String> {
        reg.resolve(province, written).map(|e| e.name.clone())
    }

    fn tv(reg: &AgencyRegistry, written: &str) -> Option<String> {
        name_of(reg, Some("Trà Vinh"), written)
    }

    #[test]
    fn exact_names_and_aliases() {
        let reg = registry();
        assert_eq!(tv(&reg, "Sở Y tế").as_deref(), Some("Sở Y tế"));
        assert_eq!(tv(&reg, "Công an tỉnh").as_deref(), Some("Công an tỉnh"));
        assert_eq!(tv(&reg, "CA tỉnh").as_deref(), Some("Công an tỉnh"));
        assert_eq!(
            tv(&reg, "Công an Trà Vinh").as_deref(),
            Some("Công an tỉnh")
        );
        assert_eq!(
            tv(&reg, "UBND huyện Càng Long").as_deref(),
            Some("UBND huyện Càng Long")
        );
    }

    #[test]
    fn nfc_and_nfd_resolve_alike() {
        let reg = registry();
        let nfc = "Sở Thông tin và Truyền thông";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(tv(&reg, &nfd).as_deref(), Some(nfc));
        let nfd_province: String = "Trà Vinh".nfd().collect();
        assert_eq!(
            name_of(&reg, Some(&nfd_province), "Sở Tư pháp").as_deref(),
            Some("Sở Tư pháp")
        );
    }

    #[test]
    fn tone_mark_placement_does_not_matter() {
        let reg = registry();
        assert_eq!(
            tv(&reg, "UBND xã Hoà Thuận").as_deref(),
            Some("UBND xã Hòa Thuận")
        );
        assert_eq!(
            name_of(&reg, Some("Khánh Hoà"), "UBND thị xã Ninh Hoà").as_deref(),
            Some("UBND thị xã Ninh Hòa")
        );
        assert_eq!(
            tv(&reg, "Sở Văn hoá, Thể thao và Du lịch").as_deref(),
            Some("Sở Văn hóa, Thể thao và Du lịch")
        );
        assert_eq!(
            tv(&reg, "Uỷ ban nhân dân tỉnh").as_deref(),
            Some("UBND tỉnh")
        );
    }

    #[test]
    fn without_diacritics_and_in_capitals() {
        let reg = registry();
        assert_eq!(
            tv(&reg, "So Thong tin va Truyen thong").as_deref(),
            Some("Sở Thông tin và Truyền thông")
        );
        assert_eq!(
            tv(&reg, "UBND huyen Cang Long").as_deref(),
            Some("UBND huyện Càng Long")
        );
        assert_eq!(tv(&reg, "SỞ Y TẾ").as_deref(), Some("Sở Y tế"));
        assert_eq!(
            tv(&reg, "CÔNG AN TỈNH TRÀ VINH").as_deref(),
            Some("Công an tỉnh")
        );
        assert_eq!(
            tv(&reg, "Sở thông tin và truyền thông").as_deref(),
            Some("Sở Thông tin và Truyền thông")
        );
        assert_eq!(
            name_of(&reg, Some("tra vinh"), "so giao duc va dao tao").as_deref(),
            Some("Sở Giáo dục và Đào tạo")
        );
    }

    #[test]
    fn abbreviations() {
        let reg = registry();
        let cases = [
            ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
            ("STTTT", "Sở Thông tin và Truyền thông"),
            ("Sở TTTT", "Sở Thông tin và Truyền thông"),
            ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
            ("SLĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
            ("Sở LĐTBXH", "Sở Lao động - Thương binh và Xã hội"),
            ("VP UBND tỉnh", "Văn phòng UBND tỉnh"),
            ("VPUB", "Văn phòng UBND tỉnh"),
            ("VPUBND", "Văn phòng UBND tỉnh"),
            ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
            ("CAT", "Công an tỉnh"),
            ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
            ("SKHĐT", "Sở Kế hoạch và Đầu tư"),
            ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
            ("Sở GTVT", "Sở Giao thông vận tải"),
            ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
            ("Sở GDĐT", "Sở Giáo dục và Đào tạo"),
            ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
            ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
            ("Sở NN&MT", "Sở Nông nghiệp và Môi trường"),
            ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
            ("Cục thuế", "Cục Thuế tỉnh"),
            ("NHNN chi nhánh tỉnh", "Ngân hàng Nhà nước chi nhánh tỉnh"),
            ("UBND TP Trà Vinh", "UBND thành phố Trà Vinh"),
            ("UBND TX. Duyên Hải", "UBND thị xã Duyên Hải"),
        ];
        for (written, expected) in cases {
            assert_eq!(tv(&reg, written).as_deref(), Some(expected), "{written}");
        }
    }

    #[test]
    fn ampersand_va_and_hyphen_are_interchangeable() {
        let reg = registry();
        let tt = Some("Sở Thông tin và Truyền thông");
        assert_eq!(tv(&reg, "Sở Thông tin & Truyền thông").as_deref(), tt);
        assert_eq!(tv(&reg, "Sở Thông tin - Truyền thông").as_deref(), tt);
        assert_eq!(tv(&reg, "Sở Thông tin-Truyền thông").as_deref(), tt);
        assert_eq!(tv(&reg, "Sở TT - TT").as_deref(), tt);
        let ld = Some("Sở Lao động - Thương binh và Xã hội");
        assert_eq!(
            tv(&reg, "Sở Lao động – Thương binh & Xã hội").as_deref(),
            ld
        );
        assert_eq!(tv(&reg, "Sở LĐ - TB & XH").as_deref(), ld);
        // Only the loose stage knows these ("và" dropped, "Ủy ban nhân dân" = "UBND", "TP").
        assert_eq!(
            tv(&reg, "Sở Khoa học & và Công nghệ").as_deref(),
            Some("Sở Khoa học và Công nghệ")
        );
        assert_eq!(
            tv(&reg, "Ủy ban nhân dân TP Trà Vinh").as_deref(),
            Some("UBND thành phố Trà Vinh")
        );
        assert_eq!(
            tv(&reg, "Ủy ban nhân dân TX Duyên Hải").as_deref(),
            Some("UBND thị xã Duyên Hải")
        );
        assert_eq!(
            tv(&reg, "Văn phòng Ủy ban nhân dân tỉnh.").as_deref(),
            Some("Văn phòng UBND tỉnh")
        );
    }

    #[test]
    fn province_suffix_and_trailing_punctuation() {
        let reg = registry();
        assert_eq!(
            tv(&reg, "Sở Y tế tỉnh Trà Vinh").as_deref(),
            Some("Sở Y tế")
        );
        assert_eq!(
            tv(&reg, "Sở Tư pháp tỉnh Trà Vinh.").as_deref(),
            Some("Sở Tư pháp")
        );
        assert_eq!(tv(&reg, "Sở Y tế tỉnh;").as_deref(), Some("Sở Y tế"));
        assert_eq!(tv(&reg, "- Sở Nội vụ;").as_deref(), Some("Sở Nội vụ"));
        assert_eq!(
            tv(&reg, "Sở Thông tin - Truyền thông tỉnh Trà Vinh").as_deref(),
            Some("Sở Thông tin và Truyền thông")
        );
        assert_eq!(
            tv(&reg, "Bảo hiểm xã hội Trà Vinh").as_deref(),
            Some("Bảo hiểm xã hội tỉnh")
        );
        assert_eq!(tv(&reg, "Thanh tra").as_deref(), Some("Thanh tra tỉnh"));
        assert_eq!(
            tv(&reg, "UBND huyện Cầu Kè, tỉnh Trà Vinh").as_deref(),
            Some("UBND huyện Cầu Kè")
        );
        assert_eq!(
            tv(&reg, "Công an tỉnh (Thường trực Tổ công tác)").as_deref(),
            Some("Công an tỉnh")
        );
        assert_eq!(
            name_of(
                &reg,
                Some("Bắc Giang"),
                "Ngân hàng Nhà nước chi nhánh tỉnh Bắc Giang"
            )
            .as_deref(),
            Some("Ngân hàng Nhà nước chi nhánh tỉnh")
        );
    }

    #[test]
    fn leading_so_is_inserted_when_unambiguous() {
        let reg = registry();
        assert_eq!(tv(&reg, "Tư pháp").as_deref(), Some("Sở Tư pháp"));
        assert_eq!(tv(&reg, "các sở: Tư pháp").as_deref(), Some("Sở Tư pháp"));
        assert_eq!(tv(&reg, "Y tế").as_deref(), Some("Sở Y tế"));
        assert_eq!(
            tv(&reg, "Lao động - Thương binh và Xã hội").as_deref(),
            Some("Sở Lao động - Thương binh và Xã hội")
        );
        assert_eq!(
            tv(&reg, "Văn hoá, Thể thao và Du lịch").as_deref(),
            Some("Sở Văn hóa, Thể thao và Du lịch")
        );
        assert_eq!(
            tv(&reg, "huyện Càng Long").as_deref(),
            Some("UBND huyện Càng Long")
        );
        assert_eq!(
            tv(&reg, "thành phố Trà Vinh").as_deref(),
            Some("UBND thành phố Trà Vinh")
        );
        assert_eq!(tv(&reg, "Y tế tỉnh Trà Vinh").as_deref(), Some("Sở Y tế"));
    }

    #[test]
    fn unknown_names_resolve_to_none() {
        let reg = registry();
        for written in [
            "",
            "  ; ",
            "Bộ Công an",
            "Sở Ngoại vụ",
            "Sở Nông nghiệp",
            "Công an huyện Càng Long",
            "các cơ quan, đơn vị liên quan",
            "Trung tâm Y tế huyện Cầu Kè",
            "UBND huyện Ba Tri",
        ] {
            assert_eq!(tv(&reg, written), None, "{written:?}");
        }
        assert_eq!(name_of(&reg, Some("Bến Tre"), "Sở Y tế"), None);
    }

    #[test]
    fn never_guesses_between_candidates() {
        let reg = registry();
        // Every province has a Sở Y tế: without a province the name is ambiguous …
        assert_eq!(name_of(&reg, None, "Sở Y tế"), None);
        assert_eq!(name_of(&reg, None, "Tư pháp"), None);
        // … unless the text names the province.
        let found = reg.resolve(None, "Sở Y tế tỉnh Bắc Giang").unwrap();
        assert!(std::ptr::eq(
            found,
            reg.resolve(Some("Bắc Giang"), "Sở Y tế").unwrap()
        ));
        assert_eq!(
            name_of(&reg, None, "Báo Bắc Giang").as_deref(),
            Some("Báo Bắc Giang")
        );
        // "UBND Trà Vinh": the province or the city of the same name? Neither.
        assert_eq!(tv(&reg, "UBND Trà Vinh"), None);
        assert_eq!(tv(&reg, "UBND Duyên Hải"), None);

        // Two agencies whose aliases only differ in punctuation: loose match is ambiguous.
        let reg = one(
            "Thử",
            vec![
                entry("Sở Kế hoạch", &["Sở KH&ĐT"]),
                entry("Sở Kế toán", &["Sở KH-ĐT"]),
            ],
        )
        .unwrap();
        assert_eq!(
            name_of(&reg, Some("Thử"), "Sở KH&ĐT").as_deref(),
            Some("Sở Kế hoạch")
        );
        assert_eq!(
            name_of(&reg, Some("Thử"), "Sở KH-ĐT").as_deref(),
            Some("Sở Kế toán")
        );
        assert_eq!(name_of(&reg, Some("Thử"), "Sở KH và & ĐT"), None);

        // "Văn hóa" alone could be "Sở Văn hóa" or "UBND Văn hóa": no guess.
        let reg = one(
            "Thử",
            vec![entry("Sở Văn hóa", &[]), entry("UBND Văn hóa", &[])],
        )
        .unwrap();
        assert_eq!(name_of(&reg, Some("Thử"), "Văn hóa"), None);
        assert_eq!(
            name_of(&reg, Some("Thử"), "Sở Văn hoá").as_deref(),
            Some("Sở Văn hóa")
        );
    }

    #[test]
    fn successors_follow_the_2025_mergers() {
        let reg = registry();
        let before = date("2025-02-28");
        let after = date("2025-03-01");
        let cases = [
            ("Sở TT&TT", "Sở Khoa học và Công nghệ"),
            ("Sở KH&ĐT", "Sở Tài chính"),
            ("Sở LĐ-TB&XH", "Sở Nội vụ"),
            ("Sở NN&PTNT", "Sở Nông nghiệp và Môi trường"),
            ("Sở TN&MT", "Sở Nông nghiệp và Môi trường"),
            ("Sở GTVT", "Sở Xây dựng"),
            ("Ban Dân tộc", "Sở Dân tộc và Tôn giáo"),
        ];
        for (written, successor) in cases {
            let old = reg.resolve(Some("Trà Vinh"), written).unwrap();
            assert_eq!(reg.current(None, old, before).name, old.name, "{written}");
            assert_eq!(
                reg.current(Some("Trà Vinh"), old, before).name,
                old.name,
                "{written}"
            );
            assert_eq!(reg.current(None, old, after).name, successor, "{written}");
            assert_eq!(
                reg.current(None, old, date("2026-01-15")).name,
                successor,
                "{written}"
            );
            assert!(old.is_active_on(before) && !old.is_active_on(after));
        }
        // Agencies that did not merge stay themselves.
        let health = reg.resolve(Some("Trà Vinh"), "Sở Y tế").unwrap();
        assert!(std::ptr::eq(reg.current(None, health, after), health));
        // The new agency did not exist before the merger.
        let nnmt = reg
            .resolve(Some("Trà Vinh"), "Sở Nông nghiệp và Môi trường")
            .unwrap();
        assert!(!nnmt.is_active_on(before) && nnmt.is_active_on(after));
    }

    #[test]
    fn successor_of_a_copy_needs_its_province() {
        let reg = registry();
        let copy = reg
            .resolve(Some("Khánh Hòa"), "Sở Du lịch")
            .unwrap()
            .clone();
        let on = date("2025-06-01");
        assert_eq!(
            reg.current(Some("Khánh Hòa"), &copy, on).name,
            "Sở Văn hóa, Thể thao và Du lịch"
        );
        // "Sở Du lịch" exists only in Khánh Hòa, so the name is enough there …
        assert_eq!(
            reg.current(None, &copy, on).name,
            "Sở Văn hóa, Thể thao và Du lịch"
        );
        // … but a copied "Sở GTVT" exists in four provinces: returned as is.
        let gtvt = reg.resolve(Some("Bắc Giang"), "Sở GTVT").unwrap().clone();
        assert_eq!(reg.current(None, &gtvt, on).name, "Sở Giao thông vận tải");
        assert_eq!(
            reg.current(Some("Bắc Giang"), &gtvt, on).name,
            "Sở Xây dựng"
        );
    }

    #[test]
    fn successor_chains_and_district_changes() {
        let reg = one(
            "Thử",
            vec![
                with_successor(entry("Sở A", &[]), "Sở B", "2024-01-01"),
                with_successor(entry("Sở B", &[]), "Sở C", "2025-03-01"),
                entry("Sở C", &[]),
            ],
        )
        .unwrap();
        let a = reg.resolve(Some("Thử"), "Sở A").unwrap();
        assert_eq!(reg.current(None, a, date("2023-12-31")).name, "Sở A");
        assert_eq!(reg.current(None, a, date("2024-01-01")).name, "Sở B");
        assert_eq!(reg.current(None, a, date("2025-02-28")).name, "Sở B");
        assert_eq!(reg.current(None, a, date("2025-03-01")).name, "Sở C");

        // successor_from defaults to the day after active_to.
        let mut old = entry("Sở Cũ", &[]);
        old.successor = Some("Sở Mới".into());
        old.active_to = Some(date("2025-02-28"));
        let reg = one("Thử", vec![old, entry("Sở Mới", &[])]).unwrap();
        let old = reg.resolve(Some("Thử"), "Sở Cũ").unwrap();
        assert_eq!(reg.current(None, old, date("2025-02-28")).name, "Sở Cũ");
        assert_eq!(reg.current(None, old, date("2025-03-01")).name, "Sở Mới");

        let reg = registry();
        let yen_dung = reg
            .resolve(Some("Bắc Giang"), "UBND huyện Yên Dũng")
            .unwrap();
        assert_eq!(
            reg.current(None, yen_dung, date("2025-01-10")).name,
            "UBND thành phố Bắc Giang"
        );
        let truong_sa = reg
            .resolve(Some("Khánh Hòa"), "UBND huyện Trường Sa")
            .unwrap();
        assert_eq!(
            reg.current(None, truong_sa, date("2025-06-30")).name,
            "UBND huyện Trường Sa"
        );
        assert_eq!(
            reg.current(None, truong_sa, date("2025-07-01")).name,
            "UBND đặc khu Trường Sa"
        );
        // Districts were abolished without a successor.
        let cang_long = reg
            .resolve(Some("Trà Vinh"), "UBND huyện Càng Long")
            .unwrap();
        assert!(!cang_long.is_active_on(date("2025-07-01")));
        assert!(std::ptr::eq(
            reg.current(None, cang_long, date("2025-07-01")),
            cang_long
        ));
    }

    #[test]
    fn validation_reports_every_problem() {
        let err = one(
            "Thử",
            vec![
                entry("Sở Y tế", &["SYT"]),
                entry("Sở Y Tế Dự Phòng", &["syt"]),
            ],
        )
        .unwrap_err();
        assert!(err.contains("names both"), "{err}");

        let err = one(
            "Thử",
            vec![with_successor(
                entry("Sở A", &[]),
                "Sở Không Có",
                "2025-03-01",
            )],
        )
        .unwrap_err();
        assert!(err.contains("not an agency of the province"), "{err}");

        let err = one(
            "Thử",
            vec![
                with_successor(entry("Sở A", &[]), "Sở B", "2025-03-01"),
                with_successor(entry("Sở B", &[]), "Sở A", "2025-03-01"),
            ],
        )
        .unwrap_err();
        assert!(err.contains("cycle"), "{err}");

        let mut bad = entry("Sở A", &[]);
        bad.kind = "ministry".into();
        bad.emails = vec!["vanthu at x.example".into()];
        bad.head_email = Some("giamdoc@localhost".into());
        bad.active_from = Some(date("2025-03-01"));
        bad.active_to = Some(date("2025-02-28"));
        let err = one("Thử", vec![bad]).unwrap_err();
        assert_eq!(err.lines().count(), 4, "{err}");
        assert!(err.contains("unknown kind"), "{err}");
        assert!(err.contains("vanthu at x.example"), "{err}");
        assert!(err.contains("giamdoc@localhost"), "{err}");
        assert!(err.contains("after active_to"), "{err}");

        let file = RegistryFile {
            province: "Trà Vinh".into(),
            agencies: vec![entry("Sở A", &[])],
        };
        let mut twice = file.clone();
        twice.province = "tỉnh Trà Vinh".into();
        let err = AgencyRegistry::from_files(vec![file, twice]).unwrap_err();
        assert!(err.contains("two registry files"), "{err}");

        // The same alias twice on one agency is harmless.
        assert!(one("Thử", vec![entry("Sở Y tế", &["SYT", "S.Y.T", "Sở Y Tế"])]).is_ok());
    }

    #[test]
    fn parse_json_accepts_the_documented_format_and_rejects_typos() {
        let json = r#"{"province": "Trà Vinh",
         "agencies": [
           {"name": "Công an tỉnh", "short_name": "CAT", "kind": "police",
            "aliases": ["Công an tỉnh Trà Vinh", "CA tỉnh", "CAT", "Công an Trà Vinh"],
            "emails": ["vanthu.cat@travinh.example"], "head_email": "giamdoc.cat@travinh.example",
            "active_from": null, "active_to": null, "successor": null, "successor_from": null},
           {"name": "Sở Y tế", "kind": "department"}
         ]}"#;
        let file = AgencyRegistry::parse_json(json).unwrap();
        assert_eq!(file.agencies.len(), 2);
        assert_eq!(file.agencies[1].aliases, Vec::<String>::new());
        let reg = AgencyRegistry::from_files(vec![file]).unwrap();
        assert_eq!(
            name_of(&reg, Some("Trà Vinh"), "CA tỉnh").as_deref(),
            Some("Công an tỉnh")
        );

        let typo =
            r#"{"province": "X", "agencies": [{"name": "A", "kind": "other", "sucessor": "B"}]}"#;
        assert!(AgencyRegistry::parse_json(typo)
            .unwrap_err()
            .contains("sucessor"));
        let bad_date = r#"{"province": "X", "agencies": [{"name": "A", "kind": "other", "active_to": "30/06/2025"}]}"#;
        assert!(AgencyRegistry::parse_json(bad_date).is_err());
        assert!(AgencyRegistry::parse_json("not json").is_err());
    }

    #[test]
    fn province_agencies_by_any_spelling() {
        let reg = registry();
        let n = reg.province_agencies("Trà Vinh").len();
        assert!(n > 40);
        assert_eq!(reg.province_agencies("tra-vinh").len(), n);
        assert_eq!(reg.province_agencies("TỈNH TRÀ VINH").len(), n);
        assert_eq!(
            reg.province_agencies("Khánh Hoà").len(),
            reg.province_agencies("Khánh Hòa").len()
        );
        assert!(reg.province_agencies("Bến Tre").is_empty());
        assert_eq!(
            reg.provinces(),
            vec!["Trà Vinh", "Bắc Giang", "Bình Phước", "Khánh Hòa"]
        );
    }

    #[test]
    fn email_check() {
        assert!(looks_like_email("vanthu.cat@travinh.example"));
        assert!(looks_like_email(
            "vanthu.ubnd-huyen-cang-long@travinh.example"
        ));
        for bad in [
            "",
            "@travinh.example",
            "vanthu@",
            "vanthu@example",
            "van thu@travinh.example",
            "vanthu@@travinh.example",
            "vanthu@travinh..example",
            "thư@travinh.example",
        ] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }

    // ---- the shipped fixtures ----

    #[test]
    fn fixtures_are_valid_and_every_alias_resolves_to_its_agency() {
        let reg = registry();
        for (file, json) in ALL_FILES {
            let parsed = AgencyRegistry::parse_json(json).unwrap();
            let province = parsed.province.as_str();
            let slug = fold(province).replace(' ', "");
            let agencies = reg.province_agencies(province);
            assert_eq!(agencies.len(), parsed.agencies.len(), "{file}");
            for agency in agencies {
                for text in std::iter::once(&agency.name)
                    .chain(&agency.aliases)
                    .chain(&agency.short_name)
                {
                    assert_eq!(
                        text.nfc().collect::<String>(),
                        *text,
                        "{file}: {text:?} is not NFC"
                    );
                    let found = reg.resolve(Some(province), text);
                    assert!(
                        found.is_some_and(|f| std::ptr::eq(f, agency)),
                        "{file}: {text:?} does not resolve to {}",
                        agency.name
                    );
                }
                assert!(
                    !agency.emails.is_empty(),
                    "{file}: {} has no e-mail",
                    agency.name
                );
                for email in agency.emails.iter().chain(&agency.head_email) {
                    assert!(looks_like_email(email), "{file}: {email}");
                    assert!(
                        email.ends_with(&format!("@{slug}.example")),
                        "{file}: {email} is not on the province's example domain"
                    );
                }
                assert!(
                    KINDS.contains(&agency.kind.as_str()),
                    "{file}: {}",
                    agency.kind
                );
            }
        }
    }

    #[test]
    fn fixtures_cover_the_usual_agencies_and_the_2025_changes() {
        let reg = registry();
        let required = [
            "UBND tỉnh",
            "Văn phòng UBND tỉnh",
            "Công an tỉnh",
            "Thanh tra tỉnh",
            "Sở Nội vụ",
            "Sở Tư pháp",
            "Sở Tài chính",
            "Sở Kế hoạch và Đầu tư",
            "Sở Công Thương",
            "Sở Xây dựng",
            "Sở Giao thông vận tải",
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Sở Tài nguyên và Môi trường",
            "Sở Nông nghiệp và Môi trường",
            "Sở Thông tin và Truyền thông",
            "Sở Khoa học và Công nghệ",
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Văn hóa, Thể thao và Du lịch",
            "Sở Giáo dục và Đào tạo",
            "Sở Y tế",
            "Bảo hiểm xã hội tỉnh",
            "Cục Thuế tỉnh",
            "Ngân hàng Nhà nước chi nhánh tỉnh",
            "Bưu điện tỉnh",
        ];
        let merged = [
            "Sở Kế hoạch và Đầu tư",
            "Sở Thông tin và Truyền thông",
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Nông nghiệp và Phát triển nông thôn",
            "Sở Tài nguyên và Môi trường",
            "Sở Giao thông vận tải",
        ];
        for province in reg.provinces() {
            let agencies = reg.province_agencies(province);
            let named = |n: &str| agencies.iter().find(|a| a.name == n);
            for name in required {
                assert!(named(name).is_some(), "{province}: no {name}");
            }
            for name in merged {
                let a = named(name).unwrap();
                assert_eq!(a.active_to, Some(date("2025-02-28")), "{province}: {name}");
                assert_eq!(
                    a.successor_from,
                    Some(date("2025-03-01")),
                    "{province}: {name}"
                );
                assert!(a.successor.is_some(), "{province}: {name}");
            }
            let nnmt = named("Sở Nông nghiệp và Môi trường").unwrap();
            assert_eq!(nnmt.active_from, Some(date("2025-03-01")));
            let count = |kind: &str| agencies.iter().filter(|a| a.kind == kind).count();
            assert_eq!(count("province_committee"), 1, "{province}");
            assert_eq!(count("office"), 1, "{province}");
            assert_eq!(count("police"), 1, "{province}");
            assert!(count("district_committee") >= 8, "{province}");
            assert!((6..=10).contains(&count("commune_committee")), "{province}");
            assert!(count("branch") >= 6, "{province}");
            for district in agencies.iter().filter(|a| a.kind == "district_committee") {
                let to = district.active_to.expect("districts end");
                assert!(to <= date("2025-06-30"), "{province}: {}", district.name);
                assert!(!district.is_active_on(date("2025-07-01")));
            }
        }
    }

    #[test]
    fn seed_plans_agency_names_resolve() {
        let reg = registry();
        // As written in the Bắc Giang plan (KH 2023, 05 nhóm tiện ích).
        let bac_giang = [
            (
                "Sở Thông tin và Truyền thông",
                "Sở Thông tin và Truyền thông",
            ),
            (
                "Sở Thông tin và truyền thông",
                "Sở Thông tin và Truyền thông",
            ),
            ("Công an tỉnh", "Công an tỉnh"),
            ("Văn phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
            ("Văn Phòng UBND tỉnh", "Văn phòng UBND tỉnh"),
            ("VP UBND tỉnh", "Văn phòng UBND tỉnh"),
            ("UBND tỉnh", "UBND tỉnh"),
            ("Sở Y tế", "Sở Y tế"),
            ("Sở Tư pháp", "Sở Tư pháp"),
            (
                "Sở Văn hoá, Thể thao và Du lịch",
                "Sở Văn hóa, Thể thao và Du lịch",
            ),
            ("Sở Giao thông vận tải", "Sở Giao thông vận tải"),
            ("sở Giao thông vận tải", "Sở Giao thông vận tải"),
            (
                "Sở Lao động - Thương binh và Xã hội",
                "Sở Lao động - Thương binh và Xã hội",
            ),
            ("Sở Nội vụ", "Sở Nội vụ"),
            ("Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),
            ("Sở Tài nguyên và Môi trường", "Sở Tài nguyên và Môi trường"),
            ("Sở Tài chính", "Sở Tài chính"),
            (
                "Ngân hàng Nhà nước chi nhánh tỉnh Bắc Giang",
                "Ngân hàng Nhà nước chi nhánh tỉnh",
            ),
            (
                "Ngân hàng nhà nước chi nhánh tỉnh",
                "Ngân hàng Nhà nước chi nhánh tỉnh",
            ),
            ("Báo Bắc Giang", "Báo Bắc Giang"),
            ("Đài truyền hình tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
            ("VNPT", "VNPT Bắc Giang"),
            (
                "Trung tâm Phục vụ hành chính công",
                "Trung tâm Phục vụ hành chính công tỉnh",
            ),
            (
                "Văn hoá, Thể thao và Du lịch",
                "Sở Văn hóa, Thể thao và Du lịch",
            ),
            ("Các Sở: Y tế", "Sở Y tế"),
        ];
        for (written, expected) in bac_giang {
            assert_eq!(
                name_of(&reg, Some("Bắc Giang"), written).as_deref(),
                Some(expected),
                "{written}"
            );
        }
        // As written in the Bình Phước plan of Sở LĐ-TB&XH (2022).
        let binh_phuoc = [
            (
                "Sở Lao động - Thương binh và Xã hội",
                "Sở Lao động - Thương binh và Xã hội",
            ),
            (
                "Sở Lao động – Thương binh và Xã hội",
                "Sở Lao động - Thương binh và Xã hội",
            ),
            ("Công an tỉnh", "Công an tỉnh"),
            ("UBND tỉnh", "UBND tỉnh"),
            ("Phòng Lao động - Việc làm", "Phòng Lao động - Việc làm"),
            (
                "Trung tâm Dịch vụ việc làm tỉnh",
                "Trung tâm Dịch vụ việc làm tỉnh",
            ),
        ];
        for (written, expected) in binh_phuoc {
            assert_eq!(
                name_of(&reg, Some("Bình Phước"), written).as_deref(),
                Some(expected),
                "{written}"
            );
        }
    }
}
