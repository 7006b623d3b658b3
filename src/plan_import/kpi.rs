//! KPI targets stated in a task's text: "đạt tối thiểu 30%", "100% cơ sở khám, chữa bệnh …".

use crate::domain::fold::fold;
use crate::domain::plan::Kpi;

/// Words before a percentage that state a target ("đạt tối thiểu 30%").
const CUES: [&str; 9] = [
    "dat",
    "toi thieu",
    "it nhat",
    "tren",
    "khong duoi",
    "toi da",
    "tang",
    "giam",
    "len",
];
/// Words kept after a bare percentage ("100% cơ sở …") at most.
const TAIL_WORDS: usize = 12;

/// Every percentage target in `text`, in order, without duplicates.
pub fn find(text: &str) -> Vec<Kpi> {
    let mut out: Vec<Kpi> = Vec::new();
    for (pct, _) in text.match_indices('%') {
        let before = text[..pct].trim_end();
        let num_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || *c == ',' || *c == '.')
            .last()
            .map(|(i, _)| i);
        let Some(num_start) = num_start else {
            continue;
        };
        let number = before[num_start..].trim_start_matches([',', '.']);
        let Ok(value) = number.replace(',', ".").parse::<f64>() else {
            continue;
        };
        let head = &text[..num_start];
        let words: Vec<(usize, &str)> = word_starts(head);
        // The cue may be one or two words, up to three words before the number.
        let mut cue_start = None;
        for take in 1..=3.min(words.len()) {
            let (start, _) = words[words.len() - take];
            let phrase = fold(&head[start..]);
            if CUES.iter().any(|c| phrase.starts_with(c)) {
                cue_start = Some(start);
            }
        }
        let kpi_text = match cue_start {
            Some(start) => text[start..=pct].trim().to_string(),
            None => {
                let tail = &text[pct + 1..];
                let end = tail.find(['.', ';', '(', ':', '\n']).unwrap_or(tail.len());
                let kept: Vec<&str> = tail[..end].split_whitespace().take(TAIL_WORDS).collect();
                format!("{}% {}", number, kept.join(" ")).trim().to_string()
            }
        };
        if !out.iter().any(|k| k.text == kpi_text) {
            out.push(Kpi {
                text: kpi_text,
                target_percent: Some(value),
            });
        }
    }
    out
}

fn word_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, &text[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cue_and_bare_forms() {
        let k = find("Tỷ lệ hồ sơ trực tuyến đạt tối thiểu 30% trong năm 2022.");
        assert_eq!(k.len(), 1);
        assert_eq!(k[0].text, "đạt tối thiểu 30%");
        assert_eq!(k[0].target_percent, Some(30.0));
        let k = find("100% cơ sở khám, chữa bệnh thực hiện tiếp nhận CCCD gắn chip.");
        assert_eq!(k[0].target_percent, Some(100.0));
        assert!(k[0].text.starts_with("100% cơ sở khám"));
        let k = find("đạt 99,5% và 50 % hồ sơ");
        assert_eq!(k[0].target_percent, Some(99.5));
        assert_eq!(k[1].target_percent, Some(50.0));
        assert!(find("không có chỉ tiêu").is_empty());
    }
}
