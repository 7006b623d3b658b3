//! Field labels inside a task: "Cơ quan chủ trì:", "Cơ quan phối hợp:", "Cơ quan thực hiện:",
//! "Thời gian hoàn thành:", "Lộ trình thực hiện", "Nhiệm vụ:", "Công cụ triển khai"…
//!
//! Plans lay out a task's attributes as labelled lines ("Cơ quan chủ trì: Sở Y tế."), as
//! lettered sub-items ("b) Cơ quan chủ trì:" followed by dash lines, as in the Bắc Giang
//! plan), or inline after the task's sentence ("… Cơ quan chủ trì: Sở Tư pháp; thời gian:
//! Quý II/2023"). These are fields of the task, never sub-tasks; this module recognises them
//! and sorts a task's text into title, content, agencies and time.

use super::folded::Folded;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// "Cơ quan chủ trì", "Đơn vị chủ trì".
    Lead,
    /// "Cơ quan phối hợp".
    Coordinating,
    /// "Cơ quan thực hiện: X chủ trì, phối hợp với Y".
    Executor,
    /// "Thời gian hoàn thành", "Lộ trình thực hiện", "Tiến độ".
    Time,
    /// "Nhiệm vụ:", "Nội dung:".
    Content,
    /// "Công cụ triển khai", "Kinh phí", "Sản phẩm" …: kept as content.
    Other,
}

impl FieldKind {
    /// Fields that make their parent item a task (its sub-items are then fields, not tasks).
    pub fn is_decisive(self) -> bool {
        matches!(
            self,
            FieldKind::Lead | FieldKind::Coordinating | FieldKind::Executor | FieldKind::Time
        )
    }
}

/// Labels, folded, longest first within a kind so that the longest match wins.
const LABELS: [(&str, FieldKind); 40] = [
    ("co quan chu tri thuc hien", FieldKind::Lead),
    ("don vi chu tri thuc hien", FieldKind::Lead),
    ("co quan don vi chu tri", FieldKind::Lead),
    ("co quan chiu trach nhiem", FieldKind::Lead),
    ("don vi chiu trach nhiem", FieldKind::Lead),
    ("co quan chu tri", FieldKind::Lead),
    ("don vi chu tri", FieldKind::Lead),
    ("chu tri thuc hien", FieldKind::Lead),
    ("chu tri", FieldKind::Lead),
    ("co quan phoi hop thuc hien", FieldKind::Coordinating),
    ("don vi phoi hop thuc hien", FieldKind::Coordinating),
    ("co quan don vi phoi hop", FieldKind::Coordinating),
    ("co quan phoi hop", FieldKind::Coordinating),
    ("don vi phoi hop", FieldKind::Coordinating),
    ("phoi hop thuc hien", FieldKind::Coordinating),
    ("phoi hop", FieldKind::Coordinating),
    ("co quan don vi thuc hien", FieldKind::Executor),
    ("co quan thuc hien", FieldKind::Executor),
    ("don vi thuc hien", FieldKind::Executor),
    ("trach nhiem thuc hien", FieldKind::Executor),
    ("phan cong thuc hien", FieldKind::Executor),
    ("thoi gian hoan thanh", FieldKind::Time),
    ("thoi gian thuc hien", FieldKind::Time),
    ("thoi han hoan thanh", FieldKind::Time),
    ("lo trinh thuc hien", FieldKind::Time),
    ("tien do thuc hien", FieldKind::Time),
    ("tien do hoan thanh", FieldKind::Time),
    ("thoi gian", FieldKind::Time),
    ("thoi han", FieldKind::Time),
    ("lo trinh", FieldKind::Time),
    ("tien do", FieldKind::Time),
    ("noi dung nhiem vu", FieldKind::Content),
    ("noi dung thuc hien", FieldKind::Content),
    ("noi dung", FieldKind::Content),
    ("nhiem vu", FieldKind::Content),
    ("cong cu trien khai", FieldKind::Other),
    ("kinh phi", FieldKind::Other),
    ("san pham", FieldKind::Other),
    ("ket qua dau ra", FieldKind::Other),
    ("ghi chu", FieldKind::Other),
];

/// How many words may sit between a label and its colon ("Thời gian thực hiện dự kiến:").
const WORDS_BEFORE_COLON: usize = 5;

/// A label at the start of a line (after any bullet): its kind and the value after it.
/// The label must end the line or be followed by ":" (possibly after a few words: "Kinh phí
/// mua sắm thiết bị: …"), so "Nhiệm vụ trọng tâm về …" is not a label.
pub fn label_at_start(line: &str) -> Option<(FieldKind, String)> {
    let line = strip_bullet(line);
    let folded = Folded::new(line);
    for (label, kind) in LABELS {
        let Some(after) = folded.starts_with(label) else {
            continue;
        };
        let rest = &line[after..];
        let trimmed = rest.trim_start();
        if trimmed.is_empty() || trimmed.trim_matches(['.', ' ']).is_empty() {
            return Some((kind, String::new()));
        }
        if let Some(value) = trimmed.strip_prefix(':') {
            return Some((kind, value.trim().to_string()));
        }
        if let Some(colon) = trimmed.find(':') {
            let between = &trimmed[..colon];
            let words = between.split_whitespace().count();
            let clean = !between.contains(['.', ';', ',', '(']);
            if words <= WORDS_BEFORE_COLON && clean && !kind.is_decisive_word_lead(label) {
                return Some((kind, trimmed[colon + 1..].trim().to_string()));
            }
        }
        return None;
    }
    None
}

impl FieldKind {
    /// "chủ trì" and "phối hợp" alone start many ordinary sentences ("Chủ trì, phối hợp với
    /// …"): as bare labels they need their colon right after them.
    fn is_decisive_word_lead(self, label: &str) -> bool {
        matches!(label, "chu tri" | "phoi hop")
    }
}

/// Removes a leading bullet ("- ", "+ ", "• ").
pub fn strip_bullet(line: &str) -> &str {
    let t = line.trim_start();
    for b in ['-', '+', '•', '–', '*'] {
        if let Some(rest) = t.strip_prefix(b) {
            if rest.starts_with(char::is_whitespace) || rest.is_empty() {
                return rest.trim_start();
            }
        }
    }
    t
}

/// Whether a line is a bullet ("- …", "+ …").
pub fn is_bullet(line: &str) -> bool {
    strip_bullet(line).len() != line.trim_start().len()
}

/// Splits a paragraph at labels of the decisive kinds written inline: "Rà soát văn bản. Cơ
/// quan chủ trì: Sở Tư pháp; thời gian hoàn thành: Quý II/2023" → [(None, "Rà soát văn
/// bản."), (Lead, "Sở Tư pháp"), (Time, "Quý II/2023")]. A label counts only right after
/// a sentence or clause boundary (start, ".", ";", ",", "(", "-") and right before ":".
pub fn split_inline(text: &str) -> Vec<(Option<FieldKind>, String)> {
    let folded = Folded::new(text);
    // (label start, value start, kind)
    let mut cuts: Vec<(usize, usize, FieldKind)> = Vec::new();
    for (label, kind) in LABELS {
        if !kind.is_decisive() {
            continue;
        }
        for (start, end) in folded.find_all(label) {
            let after = text[end..].trim_start();
            if !after.starts_with(':') {
                continue;
            }
            let before = text[..start].trim_end();
            let boundary = before.is_empty()
                || before.ends_with(['.', ';', ',', '(', '-', '–', ':', '\n'])
                || before.ends_with(" và");
            if !boundary {
                continue;
            }
            let value_start = text.len() - after.len() + 1;
            if cuts.iter().any(|(s, v, _)| start < *v && *s < value_start) {
                continue; // overlaps a longer label already found
            }
            cuts.push((start, value_start, kind));
        }
    }
    cuts.sort_by_key(|c| c.0);
    let mut out = Vec::new();
    let head = cuts.first().map_or(text.len(), |c| c.0);
    let head_text = text[..head].trim().trim_end_matches([';', ',', '(']).trim();
    if !head_text.is_empty() {
        out.push((None, head_text.to_string()));
    }
    for (i, (_, value_start, kind)) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).map_or(text.len(), |c| c.0);
        let value = text[*value_start..end]
            .trim()
            .trim_end_matches([';', ',', '('])
            .trim();
        out.push((Some(*kind), value.to_string()));
    }
    out
}

/// A task's text sorted by field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub title: String,
    pub content: Vec<String>,
    pub lead: Vec<String>,
    pub coordinating: Vec<String>,
    pub executor: Vec<String>,
    pub time: Vec<String>,
}

impl Fields {
    fn push(&mut self, kind: Option<FieldKind>, value: String) {
        if value.trim().is_empty() {
            return;
        }
        match kind {
            Some(FieldKind::Lead) => self.lead.push(value),
            Some(FieldKind::Coordinating) => self.coordinating.push(value),
            Some(FieldKind::Executor) => self.executor.push(value),
            Some(FieldKind::Time) => self.time.push(value),
            Some(FieldKind::Content) | Some(FieldKind::Other) | None => self.content.push(value),
        }
    }

    /// Sorts a task's heading and lines into fields. Unlabelled lines belong to the field
    /// opened last ("b) Cơ quan chủ trì:" followed by dash lines naming agencies), or to the
    /// content before any label.
    pub fn collect(heading: &str, lines: &[String]) -> Fields {
        let mut fields = Fields::default();
        let mut current: Option<FieldKind> = None;
        for (i, (kind, value)) in split_inline(heading).into_iter().enumerate() {
            if i == 0 && kind.is_none() {
                fields.title = value;
            } else {
                fields.push(kind, value);
                current = kind;
            }
        }
        for line in lines {
            if let Some((kind, value)) = label_at_start(line) {
                current = Some(kind);
                // "Cơ quan chủ trì: Sở Y tế; thời gian: Quý II/2023" on one line.
                let mut parts = split_inline(&value).into_iter();
                if let Some((None, first)) = parts.next() {
                    fields.push(Some(kind), first);
                }
                for (k, v) in parts {
                    fields.push(k, v);
                    current = k;
                }
                continue;
            }
            let line = strip_bullet(line);
            let parts = split_inline(line);
            if parts.iter().any(|(k, _)| k.is_some()) {
                for (k, v) in parts {
                    let k = k.or(current);
                    fields.push(k, v);
                }
                continue;
            }
            fields.push(current, line.to_string());
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_at_start() {
        assert_eq!(
            label_at_start("Cơ quan chủ trì: Sở Y tế."),
            Some((FieldKind::Lead, "Sở Y tế.".into()))
        );
        assert_eq!(
            label_at_start("Lộ trình thực hiện"),
            Some((FieldKind::Time, String::new()))
        );
        assert_eq!(
            label_at_start("Đơn vị Chủ trì: Công an tỉnh."),
            Some((FieldKind::Lead, "Công an tỉnh.".into()))
        );
        assert_eq!(
            label_at_start("Kinh phí mua sắm thiết bị: Các tổ chức tự bố trí."),
            Some((FieldKind::Other, "Các tổ chức tự bố trí.".into()))
        );
        assert_eq!(label_at_start("Nhiệm vụ trọng tâm về chuyển đổi số"), None);
        assert_eq!(
            label_at_start("Chủ trì, phối hợp với các cơ quan triển khai: tuyên truyền"),
            None
        );
        assert_eq!(
            label_at_start("- Thời gian thực hiện: Giai đoạn 1, hoàn thành trong Quý I năm 2024."),
            Some((
                FieldKind::Time,
                "Giai đoạn 1, hoàn thành trong Quý I năm 2024.".into()
            ))
        );
    }

    #[test]
    fn inline_labels() {
        let parts = split_inline(
            "Rà soát văn bản quy phạm pháp luật. Cơ quan chủ trì: Sở Tư pháp; thời gian hoàn thành: Quý II/2023",
        );
        assert_eq!(
            parts,
            vec![
                (None, "Rà soát văn bản quy phạm pháp luật.".to_string()),
                (Some(FieldKind::Lead), "Sở Tư pháp".to_string()),
                (Some(FieldKind::Time), "Quý II/2023".to_string()),
            ]
        );
        // "chủ trì" inside a sentence is not a label.
        assert_eq!(split_inline("Công an tỉnh chủ trì: triển khai").len(), 1);
    }

    #[test]
    fn collects_lettered_fields() {
        let lines: Vec<String> = [
            "Nhiệm vụ: Tuyên truyền người dân cài đặt VNeID.",
            "Cơ quan chủ trì:",
            "- Công an tỉnh chủ trì cấp tài khoản.",
            "- Sở Thông tin và Truyền thông chủ trì cung cấp chữ ký số.",
            "Cơ quan phối hợp: Các cơ quan, đơn vị.",
            "Lộ trình thực hiện",
            "- Rà soát; hoàn thành trước ngày 10/11/2023.",
            "Công cụ triển khai: VNeID.",
        ]
        .map(String::from)
        .to_vec();
        let f = Fields::collect("Triển khai DVC trên VNeID", &lines);
        assert_eq!(f.title, "Triển khai DVC trên VNeID");
        assert_eq!(f.lead.len(), 2);
        assert_eq!(f.coordinating, vec!["Các cơ quan, đơn vị."]);
        assert_eq!(f.time, vec!["Rà soát; hoàn thành trước ngày 10/11/2023."]);
        assert_eq!(
            f.content,
            vec!["Tuyên truyền người dân cài đặt VNeID.", "VNeID."]
        );
    }
}
