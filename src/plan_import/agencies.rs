//! Agency lists as plans write them, split into names.
//!
//! "Sở Y tế, Sở Lao động - Thương binh và Xã hội, Sở Văn hoá, Thể thao và Du lịch và các cơ
//! quan, đơn vị có liên quan" is three agencies and a catch-all: commas and "và" separate
//! names, except inside names that contain them, which are protected first (see
//! [`PROTECTED`]). A list with semicolons is split at semicolons only, since its commas then
//! belong to the names. "các sở: Tư pháp, Y tế" means "Sở Tư pháp", "Sở Y tế". "X chủ trì,
//! phối hợp với Y" names a lead and coordinating agencies; a list without "chủ trì" names
//! joint leads. Catch-alls ("các cơ quan, đơn vị có liên quan") are dropped.

use super::folded::Folded;
use crate::domain::fold::fold;

/// Folded phrases that contain a separator (a comma or "và") but belong to one name.
const PROTECTED: [&str; 30] = [
    "van hoa the thao va du lich",
    "lao dong thuong binh va xa hoi",
    "thong tin va truyen thong",
    "tai nguyen va moi truong",
    "ke hoach va dau tu",
    "nong nghiep va phat trien nong thon",
    "nong nghiep va moi truong",
    "giao duc va dao tao",
    "khoa hoc va cong nghe",
    "dan toc va ton giao",
    "phat thanh va truyen hinh",
    "bao va phat thanh truyen hinh",
    "kinh te va ha tang",
    "van hoa va thong tin",
    "van hoa va the thao",
    "doan dai bieu quoc hoi va hoi dong nhan dan",
    "doan dbqh va hdnd",
    "cong nghiep va thuong mai",
    "xay dung va giao thong",
    "co quan don vi",
    "co quan to chuc",
    "so ban nganh",
    "so nganh",
    "ban nganh",
    "huyen thi xa thanh pho",
    "huyen thanh pho",
    "xa phuong thi tran",
    "xa phuong dac khu",
    "phong chuyen mon nghiep vu",
    "to chuc ca nhan",
];

/// Words an agency's name starts with; a list item that starts otherwise after "các sở:"
/// takes the "Sở" prefix.
const ORG_HEADS: [&str; 32] = [
    "so",
    "cong an",
    "ubnd",
    "uy ban",
    "van phong",
    "ban",
    "dai",
    "bao",
    "bao hiem",
    "ngan hang",
    "cuc",
    "chi cuc",
    "trung tam",
    "bo",
    "tinh doan",
    "hoi",
    "lien doan",
    "kho bac",
    "thanh tra",
    "vien",
    "truong",
    "benh vien",
    "cac",
    "dien luc",
    "buu dien",
    "vien thong",
    "phong",
    "toa an",
    "vien kiem sat",
    "bo chi huy",
    "doan",
    "co quan",
];

/// Splits an agency list into names as written (trimmed, first letter capitalised).
pub fn split_list(text: &str) -> Vec<String> {
    let text = text
        .trim()
        .trim_start_matches([':', '-', '–', ' '])
        .trim_end_matches(['.', ';', ',', ':', ' '])
        .trim();
    if text.is_empty() {
        return Vec::new();
    }
    let folded = Folded::new(text);
    let mut protected: Vec<(usize, usize)> = Vec::new();
    for phrase in PROTECTED {
        protected.extend(folded.find_all(phrase));
    }
    let inside = |pos: usize| protected.iter().any(|(s, e)| *s <= pos && pos < *e);
    let semicolons = text.char_indices().any(|(i, c)| c == ';' && !inside(i));
    // Cut points: (start of separator, end of separator).
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (i, c) in text.char_indices() {
        let sep = if semicolons {
            c == ';'
        } else {
            c == ',' || c == ';'
        };
        if sep && !inside(i) {
            cuts.push((i, i + 1));
        }
    }
    if !semicolons {
        for word in ["va", "cung", "cung voi"] {
            for (s, e) in folded.find_all(word) {
                if !inside(s) {
                    cuts.push((s, e));
                }
            }
        }
    }
    cuts.sort();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (s, e) in cuts {
        if s < start {
            continue;
        }
        pieces.push(&text[start..s]);
        start = e;
    }
    pieces.push(&text[start..]);

    let mut out: Vec<String> = Vec::new();
    let mut prefix: Option<&str> = None;
    for piece in pieces {
        let mut piece = piece.trim().trim_matches(['.', ':', '-', '–', ' ']).trim();
        if piece.is_empty() {
            continue;
        }
        // "các sở: Tư pháp" → "Sở Tư pháp", and the items after it.
        if let Some((head, rest)) = piece.split_once(':') {
            let h = fold(head);
            let h = h.strip_prefix("cac ").unwrap_or(&h);
            prefix = match h {
                "so" | "so nganh" => Some("Sở"),
                "ban" => Some("Ban"),
                "ubnd huyen" | "ubnd cac huyen" | "huyen" => Some("UBND huyện"),
                _ => prefix,
            };
            piece = rest.trim();
        } else if ORG_HEADS
            .iter()
            .any(|h| fold(piece) == *h || fold(piece).starts_with(&format!("{h} ")))
        {
            prefix = None;
        }
        let name = match prefix {
            Some(p) => format!("{p} {piece}"),
            None => piece.to_string(),
        };
        if !is_catch_all(&name) {
            out.push(capitalise(&name));
        }
    }
    out
}

/// "các cơ quan, đơn vị (có) liên quan", "các sở, ban, ngành", "các địa phương".
pub fn is_catch_all(name: &str) -> bool {
    let f = fold(name);
    let f = f.strip_prefix("va ").unwrap_or(&f);
    let f = f.strip_prefix("cac ").unwrap_or(f);
    const GENERIC: [&str; 9] = [
        "co quan don vi",
        "don vi",
        "co quan",
        "so ban nganh",
        "so nganh",
        "nganh",
        "dia phuong",
        "co quan to chuc",
        "don vi co lien quan",
    ];
    let stem = f
        .strip_suffix(" co lien quan")
        .or_else(|| f.strip_suffix(" lien quan"))
        .unwrap_or(f);
    GENERIC.contains(&stem)
}

fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Verbs that end an agency list written inside a sentence.
const TAIL_VERBS: [&str; 6] = [
    " to chuc trien khai thuc hien",
    " trien khai thuc hien",
    " to chuc thuc hien",
    " thuc hien",
    " trien khai",
    " tham muu",
];

/// Reads "X chủ trì, phối hợp với Y", "X (chủ trì), Y (phối hợp)", "X chủ trì; Y phối hợp",
/// "X phối hợp với Y", or a plain list (joint leads). Returns (lead, coordinating) texts to
/// be split with [`split_list`].
pub fn parse_executor(text: &str) -> (String, String) {
    let folded = Folded::new(text);
    let cut_tail = |s: &str| -> String {
        let s = s.trim().trim_end_matches(['.', ';', ',', ')']);
        let f = Folded::new(s);
        for verb in TAIL_VERBS {
            let v = verb.trim();
            if f.key.ends_with(verb) || f.key == v {
                if let Some((start, _)) = f.find_all(v).last() {
                    return s[..*start].trim().trim_end_matches([',', ';']).to_string();
                }
            }
        }
        s.trim().to_string()
    };
    if let Some((s, e)) = folded.find("chu tri") {
        let lead = text[..s]
            .trim()
            .trim_end_matches(['(', ',', ' '])
            .to_string();
        let rest = &text[e..];
        let rf = Folded::new(rest);
        let coordinating = match rf.find("phoi hop voi").or_else(|| rf.find("phoi hop")) {
            Some((ps, pe)) => {
                let after = rest[pe..].trim().trim_start_matches([':', ' ']);
                if after.trim_matches([')', '.', ';', ' ']).is_empty() {
                    // "X chủ trì; Y phối hợp", "X (chủ trì), Y (phối hợp)"
                    rest[..ps]
                        .trim()
                        .trim_start_matches([')', ',', ';', ' '])
                        .trim_end_matches(['(', ' '])
                        .to_string()
                } else {
                    cut_tail(after)
                }
            }
            None => String::new(),
        };
        return (lead, coordinating);
    }
    if let Some((s, e)) = folded.find("phoi hop voi") {
        return (text[..s].trim().to_string(), cut_tail(&text[e..]));
    }
    (cut_tail(text), String::new())
}

/// The lead named at the start of a sentence ("Công an tỉnh chủ trì cấp tài khoản …" →
/// "Công an tỉnh"), when the sentence has "chủ trì" within its first words.
pub fn lead_of_sentence(text: &str) -> Option<String> {
    let folded = Folded::new(text);
    let (s, _) = folded.find("chu tri")?;
    let before = text[..s].trim().trim_end_matches(['(', ',', ' ']);
    let words = before.split_whitespace().count();
    (words > 0 && words <= 14).then(|| before.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protected_names_stay_whole() {
        assert_eq!(
            split_list("Sở Y tế, Sở Lao động - Thương binh và Xã hội, Sở Văn hoá, Thể thao và Du lịch, Sở Thông tin và Truyền thông, Văn phòng UBND tỉnh và các cơ quan, đơn vị có liên quan;"),
            vec![
                "Sở Y tế",
                "Sở Lao động - Thương binh và Xã hội",
                "Sở Văn hoá, Thể thao và Du lịch",
                "Sở Thông tin và Truyền thông",
                "Văn phòng UBND tỉnh",
            ]
        );
    }

    #[test]
    fn semicolons_split_alone() {
        assert_eq!(
            split_list("Các phòng chuyên môn, nghiệp vụ thuộc Sở; các đơn vị sự nghiệp trực thuộc Sở; cơ quan Lao động – Thương binh và Xã hội cấp huyện"),
            vec![
                "Các phòng chuyên môn, nghiệp vụ thuộc Sở",
                "Các đơn vị sự nghiệp trực thuộc Sở",
                "Cơ quan Lao động – Thương binh và Xã hội cấp huyện",
            ]
        );
        assert_eq!(
            split_list("Công an tỉnh; Văn phòng UBND tỉnh; các cơ quan, đơn vị có DVC toàn trình."),
            vec![
                "Công an tỉnh",
                "Văn phòng UBND tỉnh",
                "Các cơ quan, đơn vị có DVC toàn trình"
            ]
        );
    }

    #[test]
    fn shared_prefix_lists() {
        assert_eq!(
            split_list("Công an tỉnh, các sở: Tư pháp, Y tế và Bảo hiểm xã hội tỉnh"),
            vec![
                "Công an tỉnh",
                "Sở Tư pháp",
                "Sở Y tế",
                "Bảo hiểm xã hội tỉnh"
            ]
        );
    }

    #[test]
    fn catch_alls_are_dropped() {
        assert!(split_list("Các cơ quan, đơn vị.").is_empty());
        assert!(is_catch_all("các cơ quan, đơn vị liên quan"));
        assert!(!is_catch_all("các tổ chức hành nghề công chứng"));
    }

    #[test]
    fn executor_forms() {
        assert_eq!(
            parse_executor(
                "Công an tỉnh chủ trì, phối hợp với Sở Tư pháp, Bảo hiểm xã hội tỉnh thực hiện."
            ),
            (
                "Công an tỉnh".into(),
                "Sở Tư pháp, Bảo hiểm xã hội tỉnh".into()
            )
        );
        assert_eq!(
            parse_executor("Sở Y tế (chủ trì), Sở Tài chính (phối hợp)"),
            ("Sở Y tế".into(), "Sở Tài chính".into())
        );
        assert_eq!(
            parse_executor("Sở Y tế chủ trì; Sở Tài chính phối hợp."),
            ("Sở Y tế".into(), "Sở Tài chính".into())
        );
        assert_eq!(
            parse_executor("Sở Nội vụ, Sở Tư pháp"),
            ("Sở Nội vụ, Sở Tư pháp".into(), String::new())
        );
        assert_eq!(
            lead_of_sentence("Công an tỉnh chủ trì cấp, kích hoạt tài khoản ĐDDT cho công dân."),
            Some("Công an tỉnh".into())
        );
    }
}
