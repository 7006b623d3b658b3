//! Title indexes kept between uploads.
//!
//! Every upload is matched against its plan's task and group titles, and building their
//! [`TextIndex`] was a tenth of the server's work per file in a batch of 150-row reports
//! (the same plan, file after file). An index is a pure function of its titles, so it is
//! kept here by those titles — a plan edited in between simply gets a new one — for the
//! [`CAPACITY`] most recently used title lists.

use std::sync::{Arc, Mutex};

use super::text_similarity::TextIndex;

/// Title lists whose index is kept (a province runs a handful of plans at a time).
const CAPACITY: usize = 16;

/// Most recently used first.
static KEPT: Mutex<Vec<(Vec<String>, Arc<TextIndex>)>> = Mutex::new(Vec::new());

/// The index of `titles`, built once and shared while it stays among the recently used.
pub(crate) fn text_index(titles: &[&str]) -> Arc<TextIndex> {
    let same = |kept: &[String]| {
        kept.len() == titles.len() && kept.iter().zip(titles).all(|(a, b)| a == b)
    };
    {
        let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(at) = kept.iter().position(|(k, _)| same(k)) {
            let entry = kept.remove(at);
            let index = Arc::clone(&entry.1);
            kept.insert(0, entry);
            return index;
        }
    }
    // Built outside the lock: two workers missing at once both build, one result is kept.
    let index = Arc::new(TextIndex::new(titles));
    let mut kept = KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    kept.insert(
        0,
        (
            titles.iter().map(|t| t.to_string()).collect(),
            Arc::clone(&index),
        ),
    );
    kept.truncate(CAPACITY);
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_titles_share_one_index_and_old_lists_make_room() {
        let a = text_index(&["Cấp căn cước", "Định danh điện tử", "cache-test-a"]);
        let again = text_index(&["Cấp căn cước", "Định danh điện tử", "cache-test-a"]);
        assert!(Arc::ptr_eq(&a, &again));
        let edited = text_index(&["Cấp căn cước", "Định danh điện tử (sửa)", "cache-test-a"]);
        assert!(!Arc::ptr_eq(&a, &edited));
        assert_eq!(edited.len(), 3);
        for i in 0..CAPACITY {
            text_index(&[format!("cache-test-filler {i}").as_str()]);
        }
        let rebuilt = text_index(&["Cấp căn cước", "Định danh điện tử", "cache-test-a"]);
        assert!(
            !Arc::ptr_eq(&a, &rebuilt),
            "pushed out by newer lists, built again"
        );
    }
}
