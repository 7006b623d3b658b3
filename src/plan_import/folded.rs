//! Finding folded phrases in original text.
//!
//! [`fold`](crate::domain::fold::fold) gives a comparison key but loses positions. Splitting an
//! agency list or a labelled paragraph needs both: match "van hoa the thao va du lich" against
//! "Sở Văn hoá, Thể thao và Du lịch" and cut the original at the right byte. [`Folded`] keeps,
//! for every byte of the folded key, the byte of the original it came from.

use unicode_normalization::UnicodeNormalization;

/// A folded copy of a text with a map back to the original's byte offsets.
#[derive(Debug, Clone)]
pub struct Folded {
    /// Lower-case ASCII words separated by single spaces, as `fold` produces.
    pub key: String,
    /// `starts[i]`: byte offset in `original` of the character key byte `i` came from.
    starts: Vec<usize>,
    /// `ends[i]`: byte offset just past that character.
    ends: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Self {
        let mut key = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len());
        let mut ends = Vec::with_capacity(original.len());
        let mut pending_space = false;
        for (pos, ch) in original.char_indices() {
            let end = pos + ch.len_utf8();
            let mut push = |s: &str, key: &mut String, pending: &mut bool| {
                if *pending && !key.is_empty() {
                    key.push(' ');
                    starts.push(pos);
                    ends.push(pos);
                }
                *pending = false;
                for b in s.chars() {
                    key.push(b);
                    starts.push(pos);
                    ends.push(end);
                }
            };
            match ch {
                'đ' | 'Đ' => push("d", &mut key, &mut pending_space),
                '&' => {
                    pending_space = true;
                    push("va", &mut key, &mut pending_space);
                    pending_space = true;
                }
                c if is_combining_mark(c) => {
                    // Extend the previous character over its mark.
                    if let Some(last) = ends.last_mut() {
                        *last = end;
                    }
                }
                c if c.is_alphanumeric() => {
                    let base: String = c
                        .nfd()
                        .filter(|m| !is_combining_mark(*m))
                        .flat_map(char::to_lowercase)
                        .collect();
                    push(&base, &mut key, &mut pending_space);
                }
                _ => pending_space = true,
            }
        }
        Folded { key, starts, ends }
    }

    /// Every occurrence of `phrase` (already folded) as whole words: ranges in the original.
    pub fn find_all(&self, phrase: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if phrase.is_empty() {
            return out;
        }
        let key = self.key.as_bytes();
        let mut from = 0;
        while let Some(rel) = self.key[from..].find(phrase) {
            let at = from + rel;
            let end = at + phrase.len();
            let left_ok = at == 0 || key[at - 1] == b' ';
            let right_ok = end == key.len() || key[end] == b' ';
            if left_ok && right_ok {
                out.push((self.starts[at], self.ends[end - 1]));
            }
            from = at + 1;
        }
        out
    }

    /// The first occurrence of `phrase` as whole words.
    pub fn find(&self, phrase: &str) -> Option<(usize, usize)> {
        self.find_all(phrase).into_iter().next()
    }

    /// Whether the folded text starts with `phrase` as whole words; returns the original
    /// byte offset just past it.
    pub fn starts_with(&self, phrase: &str) -> Option<usize> {
        let key = self.key.as_bytes();
        (self.key.starts_with(phrase)
            && !phrase.is_empty()
            && (key.len() == phrase.len() || key[phrase.len()] == b' '))
            .then(|| self.ends[phrase.len() - 1])
    }
}

fn is_combining_mark(ch: char) -> bool {
    matches!(ch, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fold::fold;

    #[test]
    fn key_matches_fold() {
        for text in [
            "Sở Văn hoá, Thể thao và Du lịch",
            "Sở LĐ-TB&XH tỉnh",
            "  Công   an\ttỉnh. ",
            "ĐỀ ÁN 06",
        ] {
            assert_eq!(Folded::new(text).key, fold(text), "{text}");
        }
        let nfd: String = "Khánh Hòa".nfd().collect();
        assert_eq!(Folded::new(&nfd).key, "khanh hoa");
    }

    #[test]
    fn finds_original_ranges() {
        let text = "Công an tỉnh, Sở Văn hoá, Thể thao và Du lịch và các cơ quan";
        let f = Folded::new(text);
        let (s, e) = f.find("van hoa the thao va du lich").unwrap();
        assert_eq!(&text[s..e], "Văn hoá, Thể thao và Du lịch");
        assert_eq!(
            f.find("an tinh so").map(|(s, e)| &text[s..e]),
            Some("an tỉnh, Sở")
        );
        assert_eq!(f.find("ca"), None);
        assert_eq!(f.starts_with("cong an"), Some("Công an".len()));
        assert_eq!(f.starts_with("cong a"), None);
    }

    #[test]
    fn nfd_marks_stay_inside_the_range() {
        let text: String = "Hòa Bình".nfd().collect();
        let f = Folded::new(&text);
        let (s, e) = f.find("hoa").unwrap();
        assert_eq!(&text[s..e], "Hòa".nfd().collect::<String>());
    }
}
