//! Which agency sent a file received by e-mail: from its name ("SoTTTT_TV_BC_thang11_2022.xlsx",
//! "BC DA06 So TTTT (T4-2023).xlsx") or from the header block of its sheets ("CÔNG AN TỈNH
//! TRÀ VINH" in the first rows).
//!
//! A text is cut into words (also at "SoTTTT"-style case changes), folded, and stripped of
//! what is not a name: "BC", "báo cáo", "ĐA 06", month and year tokens ("thang11", "T4",
//! "2023"), the province's initials ("TV"), "KH-UBND" document numbers. Then word windows,
//! longest first, are looked up in the province's registry ([`AgencyRegistry::resolve`]:
//! canonical names, short names, aliases such as "STTTT" or "Sở TTTT"). The first length
//! that names anything decides: one agency is a sure answer, two are not.
//!
//! Pure: the registry and the texts in, a [`Guess`] out. Nothing is ever guessed between
//! two candidates: such a file is left for a person.

use serde::Serialize;

use std::collections::{HashMap, HashSet};

use crate::domain::{
    agency_registry::{AgencyRegistry, RegistryFile},
    fold::fold,
};

/// Where the answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    FileName,
    Header,
}

/// The inference for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guess {
    /// The canonical name when sure.
    pub agency: Option<String>,
    pub source: Option<Source>,
    /// Every agency considered (one when sure; none or several when not).
    pub candidates: Vec<String>,
}

impl Guess {
    fn sure(name: String, source: Source) -> Guess {
        Guess {
            agency: Some(name.clone()),
            source: Some(source),
            candidates: vec![name],
        }
    }

    fn unsure(candidates: Vec<String>) -> Guess {
        Guess {
            agency: None,
            source: None,
            candidates,
        }
    }

    pub fn is_sure(&self) -> bool {
        self.agency.is_some()
    }
}

/// The registry with every agency's short name ("STTTT", "CAT", "SYT") also as an alias:
/// file names use short names most, and the resolver looks only at names and aliases (the
/// stored registry keeps short names apart). A short name two agencies share, or that is
/// already another agency's name or alias, is left out rather than made ambiguous.
pub fn with_short_names(mut file: RegistryFile) -> RegistryFile {
    let taken: HashSet<String> = file
        .agencies
        .iter()
        .flat_map(|a| std::iter::once(&a.name).chain(&a.aliases))
        .map(|w| fold(w))
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for agency in &file.agencies {
        if let Some(short) = &agency.short_name {
            *counts.entry(fold(short)).or_default() += 1;
        }
    }
    for agency in &mut file.agencies {
        if let Some(short) = agency.short_name.clone() {
            let key = fold(&short);
            if !key.is_empty() && counts.get(&key) == Some(&1) && !taken.contains(&key) {
                agency.aliases.push(short);
            }
        }
    }
    file
}

/// One agency named by a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub kind: String,
}

/// Folded words that never name an agency in a file name or a header line.
const NOISE: &[&str] = &[
    "bc",
    "bao cao",
    "baocao",
    "de an",
    "da",
    "ke hoach",
    "kh",
    "ket qua",
    "kq",
    "tien do",
    "tinh hinh",
    "thuc hien",
    "tong hop",
    "co quan",
    "don vi",
    "gui",
    "final",
    "ban sua",
    "sua",
    "moi",
    "copy",
    "v",
    "hang thang",
    "dinh ky",
];

/// Words that are noise before a number ("tháng 11", "năm 2022", "kỳ 3", "quý IV").
const BEFORE_NUMBER: &[&str] = &["thang", "nam", "ky", "quy", "t", "so"];

/// Words that alone never name one agency.
const GENERIC: &[&str] = &[
    "so", "ubnd", "tinh", "cong", "ty", "ban", "chi", "nhanh", "uy", "nhan", "dan", "thanh", "pho",
    "huyen", "xa", "phuong", "thi", "tran", "tp", "tx", "va", "cua", "nha", "nuoc",
];

/// Header cells that name someone else than the sender.
const NOT_SENDER: &[&str] = &[
    "kinh gui", "noi nhan", "cong hoa", "doc lap", "gui", "dong gui",
];

/// Splits `text` into folded words, also where the case changes inside a word ("SoTTTT" →
/// "so tttt", "SoYTe" → "so y te").
pub fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut spaced = String::with_capacity(text.len() + 8);
    for (i, &ch) in chars.iter().enumerate() {
        if i > 0 && ch.is_uppercase() {
            let previous = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            // "SoTTTT" → "So TTTT"; "SoYTe" → "So Y Te".
            if previous.is_lowercase() || (previous.is_uppercase() && next_lower) {
                spaced.push(' ');
            }
        }
        spaced.push(ch);
    }
    fold(&spaced)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn is_number_like(word: &str) -> bool {
    word.chars().any(|c| c.is_ascii_digit()) || is_roman(word)
}

fn is_roman(word: &str) -> bool {
    matches!(
        word,
        "i" | "ii" | "iii" | "iv" | "vi" | "vii" | "viii" | "ix" | "x" | "xi" | "xii"
    )
}

/// The words of `text` that may be part of an agency's name.
pub fn meaningful_words(text: &str, province: &str) -> Vec<String> {
    let all = words(text);
    let initials: String = words(province)
        .iter()
        .filter_map(|w| w.chars().next())
        .collect();
    let mut keep = vec![true; all.len()];
    let mut i = 0;
    while i < all.len() {
        let word = all[i].as_str();
        let next = all.get(i + 1).map(String::as_str);
        if word.chars().any(|c| c.is_ascii_digit()) || word == initials {
            keep[i] = false;
        } else if BEFORE_NUMBER.contains(&word) && next.is_some_and(is_number_like) {
            keep[i] = false;
            keep[i + 1] = false;
        } else if word == "ubnd" && i > 0 && matches!(all[i - 1].as_str(), "kh" | "qd" | "cv") {
            // "13/KH-UBND": a document number, not the sender.
            keep[i] = false;
        }
        for phrase in NOISE {
            let parts: Vec<&str> = phrase.split(' ').collect();
            if all.len() >= i + parts.len() && parts.iter().zip(&all[i..]).all(|(p, w)| p == w) {
                for k in keep.iter_mut().skip(i).take(parts.len()) {
                    *k = false;
                }
            }
        }
        i += 1;
    }
    all.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(w, _)| w)
        .collect()
}

/// The agencies a text names: the longest word windows that resolve, all of them.
pub fn named_in(registry: &AgencyRegistry, province: &str, text: &str) -> Vec<Named> {
    let words = meaningful_words(text, province);
    for length in (1..=words.len().min(12)).rev() {
        let mut found: Vec<Named> = Vec::new();
        for window in words.windows(length) {
            if length == 1 && GENERIC.contains(&window[0].as_str()) {
                continue;
            }
            if window.iter().all(|w| GENERIC.contains(&w.as_str())) {
                continue;
            }
            if let Some(entry) = registry.resolve(Some(province), &window.join(" ")) {
                if !found.iter().any(|f| f.name == entry.name) {
                    found.push(Named {
                        name: entry.name.clone(),
                        kind: entry.kind.clone(),
                    });
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
    }
    Vec::new()
}

/// The file name without its folder and extension.
pub fn stem(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rfind('.') {
        Some(dot) if dot > 0 => &base[..dot],
        _ => base,
    }
}

/// The agencies named by the sender lines of a header block (the first rows' cells). The
/// parent line of the official block ("UBND TỈNH TRÀ VINH" above "SỞ Y TẾ") is dropped when
/// something else is named.
pub fn named_in_header(registry: &AgencyRegistry, province: &str, cells: &[String]) -> Vec<Named> {
    let mut found: Vec<Named> = Vec::new();
    for cell in cells {
        let folded = fold(cell);
        if folded.is_empty() || NOT_SENDER.iter().any(|p| folded.starts_with(p)) {
            continue;
        }
        for named in named_in(registry, province, cell) {
            if !found.contains(&named) {
                found.push(named);
            }
        }
    }
    if found.len() > 1 && found.iter().any(|n| n.kind != "province_committee") {
        found.retain(|n| n.kind != "province_committee");
    }
    found
}

/// Decides from the file name, then the header block (`header` may be empty when the file
/// was not read: only the name is used then).
pub fn infer(
    registry: &AgencyRegistry,
    province: &str,
    file_name: &str,
    header: &[String],
) -> Guess {
    let by_name = named_in(registry, province, stem(file_name));
    let by_header = named_in_header(registry, province, header);
    let names = |list: &[Named]| list.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
    match (by_name.as_slice(), by_header.as_slice()) {
        ([one], []) => Guess::sure(one.name.clone(), Source::FileName),
        ([one], [other]) if one.name == other.name => {
            Guess::sure(one.name.clone(), Source::FileName)
        }
        ([one], several) if several.iter().any(|n| n.name == one.name) => {
            Guess::sure(one.name.clone(), Source::FileName)
        }
        ([one], others) => {
            let mut all = vec![one.name.clone()];
            all.extend(names(others));
            Guess::unsure(all)
        }
        ([], [one]) => Guess::sure(one.name.clone(), Source::Header),
        ([], others) => Guess::unsure(names(others)),
        (several, [one]) if several.iter().any(|n| n.name == one.name) => {
            Guess::sure(one.name.clone(), Source::Header)
        }
        (several, others) => {
            let mut all = names(several);
            for name in names(others) {
                if !all.contains(&name) {
                    all.push(name);
                }
            }
            Guess::unsure(all)
        }
    }
}

/// Whether the file name alone is enough (one agency named): then the file need not be
/// read before ingest.
pub fn sure_by_name(registry: &AgencyRegistry, province: &str, file_name: &str) -> Option<String> {
    match named_in(registry, province, stem(file_name)).as_slice() {
        [one] => Some(one.name.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Trà Vinh registry as the database gives it back: short names kept apart from the
    /// aliases (`db::agencies::registry_of`), then prepared for inference.
    fn registry() -> AgencyRegistry {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/agencies/tra-vinh.json"
        ))
        .unwrap();
        let mut file = AgencyRegistry::parse_json(&json).unwrap();
        for agency in &mut file.agencies {
            let short = agency.short_name.as_deref().map(fold).unwrap_or_default();
            agency.aliases.retain(|a| fold(a) != short);
        }
        AgencyRegistry::from_files(vec![with_short_names(file)]).unwrap()
    }

    fn by_name(file: &str) -> Guess {
        infer(&registry(), "Trà Vinh", file, &[])
    }

    #[test]
    fn words_split_at_case_changes_and_fold() {
        assert_eq!(
            words("SoTTTT_TV_BC_thang11"),
            ["so", "tttt", "tv", "bc", "thang11"]
        );
        assert_eq!(
            meaningful_words("BC DA06 So TTTT (T4-2023)", "Trà Vinh"),
            ["so", "tttt"]
        );
        assert_eq!(
            meaningful_words("Báo cáo tháng 11 năm 2022 Sở Y tế", "Trà Vinh"),
            ["so", "y", "te"]
        );
    }

    #[test]
    fn many_file_name_styles_name_their_agency() {
        let cases = [
            (
                "SoTTTT_TV_BC_thang11_2022.xlsx",
                "Sở Thông tin và Truyền thông",
            ),
            (
                "BC DA06 So TTTT (T4-2023).xlsx",
                "Sở Thông tin và Truyền thông",
            ),
            ("BC_STTTT_T12.2022.xlsx", "Sở Thông tin và Truyền thông"),
            ("STTTT_T01_2023.xlsx", "Sở Thông tin và Truyền thông"),
            (
                "Sở TT&TT - báo cáo tháng 10.xlsx",
                "Sở Thông tin và Truyền thông",
            ),
            ("CAT - bao cao thang 12.xlsx", "Công an tỉnh"),
            ("CAT_KH27_T11.xlsx", "Công an tỉnh"),
            ("DA06_CAT_T3.xlsx", "Công an tỉnh"),
            ("Cong an tinh Tra Vinh - BC thang 11.xls", "Công an tỉnh"),
            ("VPUB_BC_T12.xlsx", "Văn phòng UBND tỉnh"),
            ("VPUB_T2.xlsx", "Văn phòng UBND tỉnh"),
            ("SYT - Bao cao thang 11.2022.xlsx", "Sở Y tế"),
            ("SYT_BC_thang_01_2023.xlsx", "Sở Y tế"),
            ("SoYTe_BC_DA06_T11-2022.xlsx", "Sở Y tế"),
            ("BaoCao_SoTuPhap_11.2022.xlsx", "Sở Tư pháp"),
            ("BHXH tinh TV bao cao T11.xlsx", "Bảo hiểm xã hội tỉnh"),
            (
                "UBND TP Tra Vinh - BC DA06 thang 11-2022.xlsx",
                "UBND thành phố Trà Vinh",
            ),
            ("UBND huyen Cang Long_BC_T11.xlsx", "UBND huyện Càng Long"),
            (
                "bao cao DA06 - So GDDT - thang 11.xlsx",
                "Sở Giáo dục và Đào tạo",
            ),
            (
                "2022.11 - Sở LĐTBXH - Báo cáo Đề án 06.xlsx",
                "Sở Lao động - Thương binh và Xã hội",
            ),
        ];
        for (file, agency) in cases {
            let guess = by_name(file);
            assert_eq!(guess.agency.as_deref(), Some(agency), "{file}: {guess:?}");
            assert_eq!(guess.source, Some(Source::FileName), "{file}");
        }
    }

    #[test]
    fn names_without_an_agency_or_with_two_are_unsure() {
        for file in [
            "Bao cao DA06 thang 1-2023.xlsx",
            "bc vp t1.xlsx",
            "BAO CAO T2-2023.xlsx",
            "Báo cáo KH 13/KH-UBND tháng 11.xlsx",
            "scan0001.xlsx",
        ] {
            let guess = by_name(file);
            assert!(!guess.is_sure(), "{file}: {guess:?}");
            assert!(guess.candidates.is_empty(), "{file}: {guess:?}");
        }
        let two = by_name("SYT_STTTT_BC_T11.xlsx");
        assert!(!two.is_sure());
        assert_eq!(
            two.candidates,
            ["Sở Y tế", "Sở Thông tin và Truyền thông"],
            "{two:?}"
        );
    }

    #[test]
    fn the_header_block_names_the_sender_under_its_parent() {
        let header: Vec<String> = [
            "UBND TỈNH TRÀ VINH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "SỞ Y TẾ",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: 123/BC-SYT",
            "BÁO CÁO Kết quả thực hiện Kế hoạch số 13/KH-UBND tháng 11/2022",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let guess = infer(&registry(), "Trà Vinh", "Bao cao thang 11.xlsx", &header);
        assert_eq!(guess.agency.as_deref(), Some("Sở Y tế"), "{guess:?}");
        assert_eq!(guess.source, Some(Source::Header));
        let police = vec![
            "BỘ CÔNG AN".to_string(),
            "CÔNG AN TỈNH TRÀ VINH".to_string(),
        ];
        let guess = infer(&registry(), "Trà Vinh", "BAO CAO T2-2023.xlsx", &police);
        assert_eq!(guess.agency.as_deref(), Some("Công an tỉnh"), "{guess:?}");
        let receiver = vec!["Kính gửi: Công an tỉnh".to_string()];
        assert!(!infer(&registry(), "Trà Vinh", "bc.xlsx", &receiver).is_sure());
    }

    #[test]
    fn a_name_and_a_header_that_disagree_are_unsure() {
        let header = vec!["SỞ Y TẾ".to_string()];
        let guess = infer(&registry(), "Trà Vinh", "STTTT_T11.xlsx", &header);
        assert!(!guess.is_sure());
        assert_eq!(
            guess.candidates,
            ["Sở Thông tin và Truyền thông", "Sở Y tế"]
        );
        let agree = infer(&registry(), "Trà Vinh", "SYT_T11.xlsx", &header);
        assert_eq!(agree.agency.as_deref(), Some("Sở Y tế"));
    }
}
