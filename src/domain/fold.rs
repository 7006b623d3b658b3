//! Folding of Vietnamese text for comparison.
//!
//! Clerks write the same name in many ways: NFC or NFD, the tone mark on a different vowel
//! ("Hòa" / "Hoà"), upper case, no diacritics at all, "&" for "và", hyphens with or without
//! spaces. Every comparison of names, headers or task texts goes through [`fold`], which maps
//! all of those to one ASCII, lower-case, single-spaced key. "đ" has no decomposition in
//! Unicode, so it is mapped to "d" by hand.

/// Folds `text` to a comparison key: lower-case ASCII letters and digits, words separated by
/// single spaces; "&" becomes "va" and every other punctuation mark separates words.
pub fn fold(text: &str) -> String {
    fold_prefix(text, usize::MAX)
}

/// The start of [`fold`]`(text)`: folding stops once `bytes` bytes are out (a few more may
/// follow from the last character). Cheap where only the first words matter, or where a
/// fold longer than `bytes` cannot be what is looked for.
pub fn fold_prefix(text: &str, bytes: usize) -> String {
    let mut out = String::with_capacity(text.len().min(bytes.saturating_add(8)));
    let mut pending_space = false;
    // Decomposing one character at a time is what NFD does, less the reordering of
    // combining marks among themselves, which cannot matter: the marks are dropped.
    for ch in text.chars() {
        if out.len() >= bytes {
            break;
        }
        if ch.is_ascii() {
            fold_char(ch, &mut out, &mut pending_space);
        } else {
            unicode_normalization::char::decompose_canonical(ch, |d| {
                fold_char(d, &mut out, &mut pending_space)
            });
        }
    }
    out
}

/// One character of the canonical decomposition.
#[inline]
fn fold_char(ch: char, out: &mut String, pending_space: &mut bool) {
    if is_combining_mark(ch) {
        return;
    }
    let mapped = match ch {
        'đ' | 'Đ' => 'd',
        '&' => {
            push_word(out, pending_space, "va");
            return;
        }
        c if c.is_ascii_alphanumeric() => c,
        c if c.is_ascii() => {
            *pending_space = !out.is_empty();
            return;
        }
        c if c.is_alphanumeric() => c,
        _ => {
            *pending_space = !out.is_empty();
            return;
        }
    };
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    if mapped.is_ascii() {
        out.push(mapped.to_ascii_lowercase());
    } else {
        for lower in mapped.to_lowercase() {
            out.push(lower);
        }
    }
}

/// The first character of [`fold`]`(text)`, without folding the rest: a cheap test before
/// comparing a long cell with short folded phrases.
pub fn folded_first_char(text: &str) -> Option<char> {
    let mut first = None;
    for ch in text.chars() {
        let mut probe = |d: char| {
            if first.is_some() || is_combining_mark(d) {
                return;
            }
            first = match d {
                'đ' | 'Đ' => Some('d'),
                '&' => Some('v'),
                c if c.is_alphanumeric() => c.to_lowercase().next(),
                _ => None,
            };
        };
        if ch.is_ascii() {
            probe(ch);
        } else {
            unicode_normalization::char::decompose_canonical(ch, probe);
        }
        if first.is_some() {
            break;
        }
    }
    first
}

fn push_word(out: &mut String, pending_space: &mut bool, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
    *pending_space = true;
}

fn is_combining_mark(ch: char) -> bool {
    matches!(ch, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn nfc_nfd_and_tone_placement_fold_alike() {
        let nfc = "Khánh Hòa";
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd(nfc).collect();
        assert_eq!(fold(nfc), "khanh hoa");
        assert_eq!(fold(&nfd), "khanh hoa");
        assert_eq!(fold("Khánh Hoà"), "khanh hoa");
        assert_eq!(fold("KHANH HOA"), "khanh hoa");
    }

    #[test]
    fn first_folded_char_is_folds_first() {
        for text in ["", " - Đề án", "& co", "(1) Ánh", "  Ủy ban", "...", "ÑA"] {
            assert_eq!(
                super::folded_first_char(text),
                fold(text).chars().next(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_prefix_is_the_start_of_the_fold() {
        for text in [
            "",
            "Tổng cộng",
            "  Ghi chú: cột (4)",
            "Sở LĐ-TB&XH",
            "Đề án 06 của Chính phủ",
        ] {
            let full = fold(text);
            for bytes in 0..=full.len() + 2 {
                let prefix = super::fold_prefix(text, bytes);
                assert!(full.starts_with(&prefix), "{text} / {bytes}: {prefix}");
                assert!(
                    prefix.len() >= bytes.min(full.len()),
                    "{text} / {bytes}: {prefix}"
                );
            }
        }
    }

    #[test]
    fn d_with_stroke_folds_to_d() {
        assert_eq!(fold("Đề án"), "de an");
        assert_eq!(fold("đ)"), "d");
    }

    #[test]
    fn ampersand_and_hyphens() {
        assert_eq!(fold("Sở LĐ-TB&XH"), "so ld tb va xh");
        assert_eq!(fold("Sở LĐ - TB & XH"), "so ld tb va xh");
        assert_eq!(
            fold("Sở Lao động - Thương binh và Xã hội"),
            "so lao dong thuong binh va xa hoi"
        );
    }

    #[test]
    fn whitespace_and_punctuation_collapse() {
        assert_eq!(fold("  Công   an\ttỉnh. "), "cong an tinh");
        assert_eq!(fold(""), "");
    }
}
