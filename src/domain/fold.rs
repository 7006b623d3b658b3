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
    let mut out = String::with_capacity(text.len());
    fold_while(text, &mut out, |_| true);
    out
}

/// Folded phrases that texts are tested against many times (a test for every cell of every
/// row), indexed by their first byte.
pub struct Phrases {
    list: Vec<&'static str>,
    /// For each byte, the phrases that start with it (a bit per phrase).
    by_first: [u64; 256],
}

impl Phrases {
    /// At most 64 phrases, each a fold or the start of one, none empty.
    pub fn new(list: impl IntoIterator<Item = &'static str>) -> Phrases {
        let list: Vec<&'static str> = list.into_iter().collect();
        assert!(list.len() <= 64, "at most 64 phrases");
        let mut by_first = [0; 256];
        for (i, phrase) in list.iter().enumerate() {
            let first = phrase.as_bytes().first().expect("phrases are not empty");
            by_first[usize::from(*first)] |= 1 << i;
        }
        Phrases { list, by_first }
    }
}

/// True when [`fold`]`(text)` starts with one of `phrases`. Folding stops as soon as what
/// is folded starts none of them: most texts are told apart by their first letter, looked
/// up in the index.
pub fn fold_starts_with_any(text: &str, phrases: &Phrases) -> bool {
    match first_folded_byte(text) {
        FirstByte::Empty => return false,
        FirstByte::Is(b) if phrases.by_first[usize::from(b)] == 0 => return false,
        _ => {}
    }
    let mut agreeing = Agreeing::new(&phrases.list);
    with_fold_while(
        text,
        |out| {
            if let (0, Some(&first)) = (agreeing.read, out.as_bytes().first()) {
                agreeing.live &= phrases.by_first[usize::from(first)];
            }
            agreeing.read(out)
        },
        |_, _| (),
    );
    agreeing.started != 0
}

/// True when [`fold`]`(text)` is one of `keys` (folds themselves), folding only as far as
/// some key still starts with what is folded.
pub fn fold_is_one_of<K: AsRef<str>>(text: &str, keys: &[K]) -> bool {
    match first_folded_byte(text) {
        FirstByte::Empty => return false,
        FirstByte::Is(b)
            if !keys
                .iter()
                .any(|k| k.as_ref().as_bytes().first() == Some(&b)) =>
        {
            return false
        }
        _ => {}
    }
    let mut agreeing = Agreeing::new(keys);
    with_fold_while(
        text,
        |out| agreeing.read(out),
        |out, whole| whole && !out.is_empty() && keys.iter().any(|k| k.as_ref() == out),
    )
}

/// How [`fold`]`(text)` begins, told from the text's first characters alone.
#[derive(Debug, PartialEq)]
enum FirstByte {
    /// The fold is empty.
    Empty,
    Is(u8),
    /// It begins with a character of the general path: fold to know.
    Unknown,
}

/// The first byte of a text's fold, found without folding (most cells of a row are told
/// from the phrases they are tested against by this byte alone, and the tests run on every
/// cell): what comes before the first letter or digit adds nothing to a fold.
fn first_folded_byte(text: &str) -> FirstByte {
    for ch in text.chars() {
        if ch.is_ascii() {
            match ch {
                '&' => return FirstByte::Is(b'v'),
                c if c.is_ascii_alphanumeric() => {
                    return FirstByte::Is(c.to_ascii_lowercase() as u8)
                }
                _ => continue,
            }
        }
        if is_combining_mark(ch) {
            continue;
        }
        return match latin_letter(ch) {
            Some(letter) => FirstByte::Is(letter),
            None => FirstByte::Unknown,
        };
    }
    FirstByte::Empty
}

/// Which of some folded phrases a fold read so far still agrees with, reading only the
/// bytes added since the last look (a fold only grows): a test against many phrases costs
/// about one byte comparison per phrase and a mismatch ends a phrase for good.
struct Agreeing<'p, P> {
    phrases: &'p [P],
    /// Phrases the fold so far is a proper start of (a bit per phrase).
    live: u64,
    /// Phrases the fold starts with.
    started: u64,
    /// Bytes of the fold read.
    read: usize,
}

impl<'p, P: AsRef<str>> Agreeing<'p, P> {
    fn new(phrases: &'p [P]) -> Self {
        assert!(phrases.len() <= 64, "at most 64 phrases at a time");
        Agreeing {
            phrases,
            live: match phrases.len() {
                64 => u64::MAX,
                n => (1 << n) - 1,
            },
            started: 0,
            read: 0,
        }
    }

    /// Reads the fold so far; true while some phrase goes on past it.
    fn read(&mut self, fold: &str) -> bool {
        let fold = fold.as_bytes();
        let mut bits = self.live;
        while bits != 0 {
            let i = bits.trailing_zeros();
            bits &= bits - 1;
            let phrase = self.phrases[i as usize].as_ref().as_bytes();
            let end = fold.len().min(phrase.len());
            let agrees = (self.read..end).all(|at| fold[at] == phrase[at]);
            if !agrees || phrase.len() <= fold.len() {
                self.live &= !(1 << i);
                if agrees {
                    self.started |= 1 << i;
                }
            }
        }
        self.read = fold.len();
        self.live != 0
    }
}

/// Folds `text` into a buffer this thread reuses (tests run on every cell of every row,
/// where allocating the fold cost as much as folding it) for as long as
/// `wanted(fold so far)` holds, then hands `f` the fold so far and whether it is the whole
/// fold.
fn with_fold_while<R>(
    text: &str,
    wanted: impl FnMut(&str) -> bool,
    f: impl FnOnce(&str, bool) -> R,
) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut out) => {
            out.clear();
            let whole = fold_while(text, &mut out, wanted);
            f(&out, whole)
        }
        // Only when `f` itself folds with this function.
        Err(_) => {
            let mut out = String::new();
            let whole = fold_while(text, &mut out, wanted);
            f(&out, whole)
        }
    })
}

/// Appends [`fold`]`(text)` to `out` (empty, or ending a word) until `wanted(out)` turns
/// false, and a character after that adds to it; true when `out` ends up holding the whole
/// fold (characters that add nothing, such as trailing punctuation, are still read).
/// `wanted` sees every state of `out` it let grow, the last one included.
fn fold_while(text: &str, out: &mut String, mut wanted: impl FnMut(&str) -> bool) -> bool {
    let mut pending_space = false;
    let mut stopped_at = None;
    for ch in text.chars() {
        match stopped_at {
            Some(len) if out.len() > len => return false,
            Some(_) => {}
            None if !wanted(out) => stopped_at = Some(out.len()),
            None => {}
        }
        if ch.is_ascii() {
            fold_char(ch, out, &mut pending_space);
        } else if let Some(letter) = latin_letter(ch) {
            push_letter(out, &mut pending_space, letter);
        } else {
            // Decomposing one character at a time is what NFD does, less the reordering
            // of combining marks among themselves, which cannot matter: the marks are
            // dropped.
            unicode_normalization::char::decompose_canonical(ch, |d| {
                fold_char(d, out, &mut pending_space)
            });
        }
    }
    match stopped_at {
        None => {
            wanted(out);
            true
        }
        Some(len) => out.len() == len,
    }
}

/// Code points of the Latin blocks that hold Vietnamese letters (Latin-1 Supplement to
/// Latin Extended-B, then Latin Extended Additional), whose folds are looked up in a table.
const LATIN_BLOCKS: [std::ops::Range<u32>; 2] = [0x00C0..0x0250, 0x1E00..0x1F00];

/// The folded letter of a precomposed Latin letter ("ế" → 'e', "Đ" → 'd'): what
/// [`fold_char`] makes of its canonical decomposition, when that is one ASCII letter or
/// digit. `None` for other characters (they take the general path).
fn latin_letter(ch: char) -> Option<u8> {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        LATIN_BLOCKS
            .iter()
            .flat_map(|block| block.clone())
            .map(|code| {
                let Some(ch) = char::from_u32(code) else {
                    return 0;
                };
                let (mut out, mut pending_space) = (String::new(), false);
                unicode_normalization::char::decompose_canonical(ch, |d| {
                    fold_char(d, &mut out, &mut pending_space)
                });
                match out.as_bytes() {
                    [b] if !pending_space && b.is_ascii_alphanumeric() => *b,
                    _ => 0,
                }
            })
            .collect()
    });
    let code = ch as u32;
    let mut offset = 0;
    for block in &LATIN_BLOCKS {
        if block.contains(&code) {
            return Some(table[offset + (code - block.start) as usize]).filter(|&b| b != 0);
        }
        offset += block.len();
    }
    None
}

/// One character of the canonical decomposition.
#[inline(always)]
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
    if mapped.is_ascii() {
        push_letter(out, pending_space, mapped.to_ascii_lowercase() as u8);
    } else {
        if *pending_space {
            out.push(' ');
            *pending_space = false;
        }
        for lower in mapped.to_lowercase() {
            out.push(lower);
        }
    }
}

/// Appends one folded ASCII letter or digit, after the space a separator left pending.
#[inline]
fn push_letter(out: &mut String, pending_space: &mut bool, letter: u8) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push(char::from(letter));
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
    use super::{fold, Phrases};

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
    fn every_start_of_the_fold_is_found_and_nothing_else() {
        for text in [
            "",
            "Tổng cộng",
            "  Ghi chú: cột (4)",
            "Sở LĐ-TB&XH",
            "Đề án 06 của Chính phủ",
        ] {
            let full: &'static str = fold(text).leak();
            for end in 1..=full.len() {
                let start = Phrases::new([&full[..end]]);
                assert!(super::fold_starts_with_any(text, &start), "{text} / {end}");
            }
            let longer = Phrases::new([format!("{full}x").leak() as &str]);
            assert!(!super::fold_starts_with_any(text, &longer), "{text}");
            assert!(
                !super::fold_starts_with_any(text, &Phrases::new([])),
                "{text}"
            );
        }
    }

    #[test]
    fn the_latin_table_folds_as_the_decomposition_does() {
        for block in super::LATIN_BLOCKS {
            for ch in block.filter_map(char::from_u32) {
                let (mut general, mut pending_space) = (String::from("x"), false);
                unicode_normalization::char::decompose_canonical(ch, |d| {
                    super::fold_char(d, &mut general, &mut pending_space)
                });
                let text = format!("x{ch}");
                if super::latin_letter(ch).is_some() {
                    assert_eq!(fold(&text), general, "U+{:04X}", ch as u32);
                }
            }
        }
        assert_eq!(
            fold("Ủy ban nhân dân XÃ ĐỨC MỸ"),
            "uy ban nhan dan xa duc my"
        );
    }

    #[test]
    fn a_test_made_while_testing_folds_as_alone() {
        let phrases = Phrases::new(["tong cong", "noi nhan"]);
        for text in ["Tổng cộng", "Nơi nhận:", "Đề án", ""] {
            let alone = super::fold_starts_with_any(text, &phrases);
            let nested = super::with_fold_while(
                "xyz",
                |_| true,
                |outer, _| {
                    (
                        super::fold_starts_with_any(text, &phrases),
                        outer.to_string(),
                    )
                },
            );
            assert_eq!(nested, (alone, "xyz".to_string()), "{text}");
        }
    }

    #[test]
    fn early_stopping_tests_agree_with_the_whole_fold() {
        let list = ["noi nhan", "nguoi lap", "ky ten", "ghi chu", "tong cong"];
        let phrases = Phrases::new(list);
        for text in [
            "Nơi nhận:",
            "Nơi nhận",
            "Nơi",
            "Người lập biểu",
            "Nguyễn Văn A",
            "  Ký tên!",
            "Ký tênx",
            "Ghi chú: cột (4)",
            "Tổng",
            "Tổng cộng & Tổng số",
            "",
            "...",
        ] {
            let full = fold(text);
            assert_eq!(
                super::fold_starts_with_any(text, &phrases),
                list.iter().any(|p| full.starts_with(p)),
                "{text}"
            );
            assert_eq!(
                super::fold_is_one_of(text, &list),
                list.contains(&full.as_str()),
                "{text}"
            );
        }
        assert!(super::fold_is_one_of("Ghi chú:", &["ghi chu"]));
        assert!(!super::fold_is_one_of("Ghi chú: x", &["ghi chu"]));
        assert!(!super::fold_is_one_of("", &[""]));
    }

    #[test]
    fn the_first_byte_of_a_fold_is_told_without_folding() {
        use super::{first_folded_byte, FirstByte};
        for text in [
            "Nơi nhận",
            "  - Ký tên",
            "& cộng sự",
            "(1)",
            "\u{301}Ánh",
            "Đề án",
            "đ",
            "...",
            "",
            "\u{a0}Tổng",
            "– Tổng",
            "Ωmega",
            "中文",
            "1.2",
            "ǅ",
        ] {
            let full = fold(text);
            match first_folded_byte(text) {
                FirstByte::Empty => assert_eq!(full, "", "{text:?}"),
                FirstByte::Is(b) => assert_eq!(full.as_bytes().first(), Some(&b), "{text:?}"),
                FirstByte::Unknown => assert!(!text.is_ascii(), "{text:?}"),
            }
        }
        // Every character: what is told agrees with the fold.
        for ch in (0..0x3000u32).filter_map(char::from_u32) {
            let text = format!("{ch}x");
            let full = fold(&text);
            match first_folded_byte(&text) {
                FirstByte::Empty => assert_eq!(full, "", "{ch:?}"),
                FirstByte::Is(b) => assert_eq!(full.as_bytes().first(), Some(&b), "{ch:?}"),
                FirstByte::Unknown => {}
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
