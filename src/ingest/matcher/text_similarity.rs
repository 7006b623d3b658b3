//! Similarity between a row's task text and the plan's task titles.
//!
//! Vietnamese is written in syllables separated by spaces; a word is usually two of them
//! ("định danh", "dữ liệu"). Texts are folded ([`fold`]: no diacritics, lower case, NFC/NFD
//! alike), clerks' abbreviations are expanded ("CSDL" → "cơ sở dữ liệu", "ĐDĐT" → "định danh
//! điện tử"), syllables the plan never uses but that are one edit away from one it uses and
//! then form a known pair with a neighbour are corrected ("dnah" → "danh"), and filler
//! phrases every task shares ("triển khai", "thực hiện", "đẩy mạnh") are dropped.
//!
//! What remains is a set of features: syllables, and pairs of syllables adjacent once function
//! syllables ("các", "và", "của", "về") are skipped, each weighted by how rare it is among the
//! titles (inverse document frequency), so "lưu trú" counts and "công dân" hardly does;
//! generic verbs of administration ("xây dựng", "rà soát") count half. The score blends how
//! much of the row the title covers and how much of the title the row covers, leaning on the
//! larger: a shortened row ("Cấp tài khoản ĐDĐT") and a row that copies the title and adds a
//! sentence both score high. Syllables shared one by one but never as a pair are discounted,
//! so a row that meets a long title only in scattered common syllables scores low.

use std::collections::{HashMap, HashSet};

use crate::domain::fold::fold;

/// Abbreviations clerks write, folded, and what they stand for (folded).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("csdl", "co so du lieu"),
    ("csdlqg", "co so du lieu quoc gia"),
    ("csdlqgdc", "co so du lieu quoc gia dan cu"),
    ("dldc", "du lieu dan cu"),
    ("dvc", "dich vu cong"),
    ("dvctt", "dich vu cong truc tuyen"),
    ("tthc", "thu tuc hanh chinh"),
    ("dddt", "dinh danh dien tu"),
    ("xtdt", "xac thuc dien tu"),
    ("cccd", "can cuoc cong dan"),
    ("cmnd", "chung minh nhan dan"),
    ("bhyt", "bao hiem y te"),
    ("bhxh", "bao hiem xa hoi"),
    ("bhtn", "bao hiem that nghiep"),
    ("cntt", "cong nghe thong tin"),
    ("ubnd", "uy ban nhan dan"),
    ("hdnd", "hoi dong nhan dan"),
    ("ktxh", "kinh te xa hoi"),
    ("antt", "an ninh trat tu"),
    ("anat", "an ninh an toan"),
    ("atgt", "an toan giao thong"),
    ("ttatgt", "trat tu an toan giao thong"),
    ("ttatxh", "trat tu an toan xa hoi"),
    ("skdt", "suc khoe dien tu"),
    ("attt", "an toan thong tin"),
    ("tttt", "thong tin truyen thong"),
    ("stttt", "so thong tin truyen thong"),
    ("ldtbxh", "lao dong thuong binh xa hoi"),
    ("gddt", "giao duc dao tao"),
    ("tnmt", "tai nguyen moi truong"),
    ("gtvt", "giao thong van tai"),
    ("vhttdl", "van hoa the thao du lich"),
    ("khdt", "ke hoach dau tu"),
    ("kcb", "kham chua benh"),
    ("tk", "tai khoan"),
    ("tkdddt", "tai khoan dinh danh dien tu"),
    ("qg", "quoc gia"),
    ("cqdt", "chinh quyen dien tu"),
    ("cds", "chuyen doi so"),
    ("thpt", "trung hoc pho thong"),
    ("thcs", "trung hoc co so"),
    ("gplx", "giay phep lai xe"),
    ("lltp", "ly lich tu phap"),
    ("cbccvc", "can bo cong chuc vien chuc"),
    ("hcc", "hanh chinh cong"),
    ("kh", "ke hoach"),
    ("qd", "quyet dinh"),
    ("vneid", "vneid"),
];

/// Agency-style abbreviations that fold into several syllables ("TT&TT" → "tt va tt").
const PHRASE_ABBREVIATIONS: &[(&[&str], &str)] = &[
    (&["tt", "va", "tt"], "thong tin va truyen thong"),
    (&["ld", "tb", "va", "xh"], "lao dong thuong binh va xa hoi"),
    (&["gd", "va", "dt"], "giao duc va dao tao"),
    (&["tn", "va", "mt"], "tai nguyen va moi truong"),
    (&["kh", "va", "dt"], "ke hoach va dau tu"),
    (&["vh", "tt", "va", "dl"], "van hoa the thao va du lich"),
    (&["dinh", "danh", "dt"], "dinh danh dien tu"),
    (&["y", "te", "dt"], "y te dien tu"),
];

/// Phrases every task text is full of; dropped (with a break, so no pair spans them).
const FILLER_PHRASES: &[&[&str]] = &[
    &["thuc", "hien"],
    &["trien", "khai"],
    &["day", "manh"],
    &["tang", "cuong"],
    &["nhiem", "vu"],
    &["bao", "gom"],
    &["lien", "quan"],
    &["co", "quan"],
    &["don", "vi"],
    &["dia", "ban"],
];

/// Verbs of administration that say little about which task a row is on ("xây dựng SOC":
/// the SOC is the task, not the building); they count at [`GENERIC_VERB_WEIGHT`].
const GENERIC_VERBS: &[&[&str]] = &[
    &["xay", "dung"],
    &["to", "chuc"],
    &["ra", "soat"],
    &["cung", "cap"],
    &["ho", "tro"],
    &["nang", "cao"],
    &["hoan", "thien"],
    &["hoan", "thanh"],
    &["su", "dung"],
    &["ap", "dung"],
    &["phoi", "hop"],
    &["huong", "dan"],
    &["kiem", "tra"],
    &["tham", "muu"],
    &["chi", "dao"],
    &["theo", "doi"],
    &["tiep", "tuc"],
    &["chu", "dong"],
    &["dam", "bao"],
    &["bao", "dam"],
];
const GENERIC_VERB_WEIGHT: f64 = 0.5;

/// Function syllables: no weight, and skipped when pairs are formed.
const STOP_SYLLABLES: &[&str] = &[
    "cac", "va", "cua", "cho", "trong", "voi", "de", "la", "nhung", "theo", "tren", "ve", "duoc",
    "nay", "viec", "cung", "khi", "hoac", "nham", "o", "vao", "thi", "se", "boi",
];

/// Weight of a pair of content syllables relative to a single one: pairs are words.
const PAIR_WEIGHT: f64 = 1.0;

/// How much of the score is lost when the shared syllables never form a shared pair.
const LONE_SYLLABLE_PENALTY: f64 = 0.4;

/// Weight of a pair that no title contains, relative to its rarity weight.
const UNKNOWN_PAIR_WEIGHT: f64 = 0.3;

/// A bag of weighted features of one text.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    weights: HashMap<String, f64>,
    total: f64,
}

impl Features {
    pub fn is_empty(&self) -> bool {
        self.total <= 0.0
    }

    /// How many features the text has.
    pub fn len(&self) -> usize {
        self.weights.len()
    }
}

/// The titles of a plan, prepared for comparison.
#[derive(Debug)]
pub(crate) struct TextIndex {
    docs: Vec<Features>,
    df: HashMap<String, usize>,
    n: usize,
    syllable_df: HashMap<String, usize>,
    pairs: HashSet<(String, String)>,
    /// Feature → the titles that have it: a title sharing no feature with a query scores 0,
    /// so only the titles met here are scored.
    postings: HashMap<String, Vec<usize>>,
}

impl TextIndex {
    pub fn new<S: AsRef<str>>(texts: &[S]) -> Self {
        let sequences: Vec<Vec<String>> = texts.iter().map(|t| expand(t.as_ref())).collect();
        let mut syllable_df: HashMap<String, usize> = HashMap::new();
        let mut pairs = HashSet::new();
        for seq in &sequences {
            let unique: HashSet<&String> = seq.iter().collect();
            for s in unique {
                *syllable_df.entry(s.clone()).or_default() += 1;
            }
            for w in seq.windows(2) {
                pairs.insert((w[0].clone(), w[1].clone()));
            }
        }
        let raw: Vec<HashMap<String, f64>> = sequences.iter().map(|s| raw_features(s)).collect();
        let mut df: HashMap<String, usize> = HashMap::new();
        for doc in &raw {
            for f in doc.keys() {
                *df.entry(f.clone()).or_default() += 1;
            }
        }
        let mut index = TextIndex {
            docs: Vec::new(),
            df,
            n: texts.len().max(1),
            syllable_df,
            pairs,
            postings: HashMap::new(),
        };
        index.docs = raw.iter().map(|r| index.weigh(r)).collect();
        let mut postings: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, doc) in index.docs.iter().enumerate() {
            for f in doc.weights.keys() {
                postings.entry(f.clone()).or_default().push(i);
            }
        }
        index.postings = postings;
        index
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// The features of a text to compare against the titles, with typos corrected.
    pub fn query(&self, text: &str) -> Features {
        let mut seq = expand(text);
        self.correct_typos(&mut seq);
        self.weigh(&raw_features(&seq))
    }

    /// 0..1: how alike the query and title `doc` are.
    pub fn score(&self, query: &Features, doc: usize) -> f64 {
        let title = &self.docs[doc];
        if query.is_empty() || title.is_empty() {
            return 0.0;
        }
        let mut shared_q = 0.0;
        let mut shared_t = 0.0;
        let mut in_shared_pair: HashSet<&str> = HashSet::new();
        let mut query_has_pairs = false;
        for (f, wq) in &query.weights {
            let pair = f.split_once(' ');
            query_has_pairs |= pair.is_some();
            if let Some(wt) = title.weights.get(f) {
                shared_q += wq;
                shared_t += wt;
                if let Some((a, b)) = pair {
                    in_shared_pair.insert(a);
                    in_shared_pair.insert(b);
                }
            }
        }
        let cov_query = shared_q / query.total;
        let cov_title = shared_t / title.total;
        let (hi, lo) = if cov_query >= cov_title {
            (cov_query, cov_title)
        } else {
            (cov_title, cov_query)
        };
        // Syllables shared only one by one, never as a pair, are likely coincidences
        // ("công tác khác" and "… Cổng … nguyên tắc …").
        let coherence = if query_has_pairs {
            let mut single = 0.0;
            let mut paired = 0.0;
            for (f, wq) in &query.weights {
                if !f.contains(' ') && title.weights.contains_key(f) {
                    single += wq;
                    if in_shared_pair.contains(f.as_str()) {
                        paired += wq;
                    }
                }
            }
            if single > 0.0 {
                paired / single
            } else {
                1.0
            }
        } else {
            1.0
        };
        ((0.6 * hi + 0.4 * lo) * (1.0 - LONE_SYLLABLE_PENALTY * (1.0 - coherence))).clamp(0.0, 1.0)
    }

    /// [`Self::score`] against every title; titles sharing no feature with the query are 0
    /// without being scored.
    pub fn scores(&self, query: &Features) -> Vec<f64> {
        let mut out = vec![0.0; self.docs.len()];
        let mut met = vec![false; self.docs.len()];
        for f in query.weights.keys() {
            for &doc in self.postings.get(f).map(Vec::as_slice).unwrap_or_default() {
                if !met[doc] {
                    met[doc] = true;
                    out[doc] = self.score(query, doc);
                }
            }
        }
        out
    }

    fn idf(&self, feature: &str) -> f64 {
        let df = self.df.get(feature).copied().unwrap_or(0).max(1);
        (1.0 + self.n as f64 / df as f64).ln()
    }

    fn weigh(&self, raw: &HashMap<String, f64>) -> Features {
        let weights: HashMap<String, f64> = raw
            .iter()
            .filter(|(_, factor)| **factor > 0.0)
            .map(|(f, factor)| {
                // A pair no title has mostly straddles two words ("dựng SOC"): it says
                // little, so it weighs less than an unknown syllable.
                let unknown_pair = f.contains(' ') && !self.df.contains_key(f);
                let factor = if unknown_pair {
                    factor * UNKNOWN_PAIR_WEIGHT
                } else {
                    *factor
                };
                (f.clone(), factor * self.idf(f))
            })
            .collect();
        let total = weights.values().sum();
        Features { weights, total }
    }

    /// Replaces syllables the plan never uses by one a single edit away (missing, extra,
    /// wrong or swapped letter) when the replacement forms a pair the plan uses with a
    /// neighbour — so "dinh dnah" becomes "dinh danh" but "cong tac" stays.
    fn correct_typos(&self, seq: &mut [String]) {
        for i in 0..seq.len() {
            let word = &seq[i];
            if word.len() < 3 || self.syllable_df.contains_key(word) || is_number(word) {
                continue;
            }
            let mut best: Option<(&String, usize)> = None;
            for (cand, &df) in &self.syllable_df {
                if cand.len() < 3 || !within_one_edit(word, cand) {
                    continue;
                }
                let left = i
                    .checked_sub(1)
                    .is_some_and(|j| self.pairs.contains(&(seq[j].clone(), cand.clone())));
                let right = seq
                    .get(i + 1)
                    .is_some_and(|next| self.pairs.contains(&(cand.clone(), next.clone())));
                if !(left || right) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((b, bdf)) => df > bdf || (df == bdf && cand < b),
                };
                if better {
                    best = Some((cand, df));
                }
            }
            if let Some((cand, _)) = best {
                seq[i] = cand.clone();
            }
        }
    }
}

/// Folded syllables with abbreviations expanded; filler phrases become "" (a break).
fn expand(text: &str) -> Vec<String> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len() + 8);
    let mut i = 0;
    'outer: while i < words.len() {
        for (pattern, expansion) in PHRASE_ABBREVIATIONS {
            if words[i..].starts_with(pattern) {
                out.extend(expansion.split(' ').map(str::to_string));
                i += pattern.len();
                continue 'outer;
            }
        }
        let w = words[i];
        match ABBREVIATIONS.iter().find(|(abbr, _)| *abbr == w) {
            Some((_, expansion)) => out.extend(expansion.split(' ').map(str::to_string)),
            None => out.push(w.to_string()),
        }
        i += 1;
    }
    // Filler phrases → breaks.
    let mut result = Vec::with_capacity(out.len());
    let mut i = 0;
    'filler: while i < out.len() {
        for phrase in FILLER_PHRASES {
            if out[i..].len() >= phrase.len() && out[i..i + phrase.len()] == **phrase {
                result.push(String::new());
                i += phrase.len();
                continue 'filler;
            }
        }
        result.push(out[i].clone());
        i += 1;
    }
    result
}

/// Features with their factor before rarity weighting: 1 for a content syllable, and for a
/// pair of content syllables adjacent once function syllables are skipped ("dữ liệu về dân
/// cư" and "dữ liệu dân cư" share "lieu dan"); [`GENERIC_VERB_WEIGHT`] inside a generic verb.
fn raw_features(seq: &[String]) -> HashMap<String, f64> {
    // Content syllables, "" for a break, and whether each sits in a generic verb.
    let mut generic = vec![false; seq.len()];
    for i in 0..seq.len().saturating_sub(1) {
        if GENERIC_VERBS
            .iter()
            .any(|v| seq[i] == v[0] && seq[i + 1] == v[1])
        {
            generic[i] = true;
            generic[i + 1] = true;
        }
    }
    let content: Vec<(&str, bool)> = seq
        .iter()
        .zip(&generic)
        .filter(|(s, _)| !is_stop(s))
        .map(|(s, g)| (s.as_str(), *g))
        .collect();
    let mut out: HashMap<String, f64> = HashMap::new();
    let mut put = |key: String, factor: f64| {
        let entry = out.entry(key).or_insert(0.0);
        *entry = entry.max(factor);
    };
    for (s, g) in &content {
        if !s.is_empty() {
            put(s.to_string(), if *g { GENERIC_VERB_WEIGHT } else { 1.0 });
        }
    }
    for w in content.windows(2) {
        let ((a, ga), (b, gb)) = (w[0], w[1]);
        if a.is_empty() || b.is_empty() {
            continue;
        }
        let factor = if ga && gb { GENERIC_VERB_WEIGHT } else { 1.0 };
        put(format!("{a} {b}"), factor * PAIR_WEIGHT);
    }
    out
}

fn is_stop(s: &str) -> bool {
    STOP_SYLLABLES.contains(&s)
}

fn is_number(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// Damerau–Levenshtein distance ≤ 1 (one letter missing, extra, wrong, or two swapped).
pub(crate) fn within_one_edit(a: &str, b: &str) -> bool {
    let a = a.as_bytes();
    let b = b.as_bytes();
    if a == b {
        return true;
    }
    match a.len() as isize - b.len() as isize {
        0 => {
            let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
            match diffs.as_slice() {
                [_] => true,
                [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
                _ => false,
            }
        }
        1 => one_deletion(a, b),
        -1 => one_deletion(b, a),
        _ => false,
    }
}

/// `long` with one byte removed equals `short`.
fn one_deletion(long: &[u8], short: &[u8]) -> bool {
    let mut i = 0;
    while i < short.len() && long[i] == short[i] {
        i += 1;
    }
    long[i + 1..] == short[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_expand() {
        assert_eq!(
            expand("Cấp tài khoản ĐDĐT").join(" "),
            "cap tai khoan dinh danh dien tu"
        );
        assert_eq!(expand("Kết nối CSDL").join(" "), "ket noi co so du lieu");
        assert_eq!(expand("Triển khai DVC").join("|"), "|dich|vu|cong");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("dnah", "danh"));
        assert!(within_one_edit("din", "dinh"));
        assert!(within_one_edit("dinhh", "dinh"));
        assert!(within_one_edit("dimh", "dinh"));
        assert!(!within_one_edit("tac", "khach"));
        assert!(!within_one_edit("abcd", "badc"));
    }

    #[test]
    fn typo_needs_a_known_pair() {
        let index = TextIndex::new(&["Cấp tài khoản định danh điện tử", "Công tác tuyên truyền"]);
        let mut seq: Vec<String> = ["dinh", "dnah", "dien", "tu"].map(String::from).to_vec();
        index.correct_typos(&mut seq);
        assert_eq!(seq.join(" "), "dinh danh dien tu");
        let mut seq: Vec<String> = ["viec", "khac"].map(String::from).to_vec();
        index.correct_typos(&mut seq);
        assert_eq!(seq.join(" "), "viec khac");
    }

    #[test]
    fn shortened_and_unrelated() {
        let index = TextIndex::new(&[
            "Đẩy mạnh cấp, kích hoạt tài khoản định danh điện tử mức độ 2 cho công dân",
            "Triển khai nền tảng quản lý lưu trú tại nhà nghỉ, khách sạn",
            "Sử dụng thẻ CCCD gắn chip thay thẻ bảo hiểm y tế khi khám, chữa bệnh",
        ]);
        let q = index.query("Triển khai cấp tài khoản ĐDĐT");
        let s = index.scores(&q);
        assert!(s[0] > 0.6 && s[1] < 0.2 && s[2] < 0.2, "{s:?}");
        let q = index.query("Công tác khác");
        assert!(index.scores(&q).iter().all(|&x| x < 0.2));
    }
}
