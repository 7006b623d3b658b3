//! Finding the merged area that covers a cell without scanning every area of the sheet.
//!
//! Layout asks "which merged area covers (row, col)?" several times for every cell of a
//! report. Scanning the sheet's whole list each time made a sheet with one merged area per
//! row quadratic: 30k such rows took 8 s of the server's time (outside the reader's limits),
//! 100k would take minutes. The index lists, for every row of the sheet, the areas that
//! cross it, in the sheet's order, so a lookup reads only those and answers exactly what the
//! scan answered (the first covering area in sheet order).
//!
//! Its size is the number of (area, row) pairs, rows past the sheet's last one left out.
//! The reader charges each area that many cells against its cell limit
//! (`read::parse`), so the index of an accepted sheet is bounded like its cells are.

use std::sync::OnceLock;

use super::grid::Merge;

/// The areas crossing each row of a sheet.
#[derive(Debug)]
pub(crate) struct MergeIndex {
    /// `ids[starts[r]..starts[r + 1]]` are the areas crossing row `r`, for `r < rows`.
    starts: Vec<u32>,
    ids: Vec<u32>,
    /// Areas that reach row `rows` or further, checked one by one for rows from there on.
    beyond: Vec<u32>,
    /// How many areas the index was built from.
    areas: usize,
}

/// The rows from `first_row` to `last_row` that are below `rows`, as a range.
fn rows_within(first_row: u32, last_row: u32, rows: usize) -> std::ops::Range<usize> {
    let first = first_row as usize;
    let end = (last_row as usize).saturating_add(1).min(rows);
    first..end.max(first)
}

/// The number of (area, row) pairs an index of these areas holds on a sheet of `rows`
/// rows: what the reader charges for the areas.
pub(crate) fn pairs(merges: impl IntoIterator<Item = (u32, u32)>, rows: usize) -> u64 {
    merges
        .into_iter()
        .map(|(first_row, last_row)| rows_within(first_row, last_row, rows).len() as u64)
        .sum()
}

impl MergeIndex {
    /// Indexes `merges` for a sheet of `rows` rows.
    pub(crate) fn new(merges: &[Merge], rows: usize) -> MergeIndex {
        let mut counts = vec![0u32; rows + 1];
        let mut beyond = Vec::new();
        for (id, m) in merges.iter().enumerate() {
            for r in rows_within(m.first_row, m.last_row, rows) {
                counts[r] += 1;
            }
            if m.last_row as usize >= rows {
                beyond.push(id as u32);
            }
        }
        let mut starts = Vec::with_capacity(rows + 1);
        let mut total = 0u32;
        for count in &counts {
            starts.push(total);
            total += count;
        }
        // `counts` becomes each row's next free slot.
        counts.copy_from_slice(&starts);
        let mut ids = vec![0u32; total as usize];
        for (id, m) in merges.iter().enumerate() {
            for r in rows_within(m.first_row, m.last_row, rows) {
                ids[counts[r] as usize] = id as u32;
                counts[r] += 1;
            }
        }
        MergeIndex {
            starts,
            ids,
            beyond,
            areas: merges.len(),
        }
    }

    /// The areas crossing `row`, in sheet order.
    pub(crate) fn crossing<'a>(
        &'a self,
        merges: &'a [Merge],
        row: usize,
    ) -> impl Iterator<Item = &'a Merge> + 'a {
        debug_assert_eq!(
            self.areas,
            merges.len(),
            "merged areas changed after indexing"
        );
        let rows = self.starts.len() - 1;
        let ids: &[u32] = if row < rows {
            &self.ids[self.starts[row] as usize..self.starts[row + 1] as usize]
        } else {
            &self.beyond
        };
        ids.iter()
            .map(move |&id| &merges[id as usize])
            .filter(move |m| (m.first_row as usize..=m.last_row as usize).contains(&row))
    }

    /// The first area, in sheet order, that covers (row, col).
    pub(crate) fn covering<'a>(
        &'a self,
        merges: &'a [Merge],
        row: usize,
        col: usize,
    ) -> Option<&'a Merge> {
        self.crossing(merges, row)
            .find(|m| (m.first_col as usize..=m.last_col as usize).contains(&col))
    }
}

/// A sheet's index, built on its first lookup. It is derived data: a copy of the sheet
/// starts without it, and two sheets compare equal whatever their indexes hold.
#[derive(Default)]
pub(crate) struct LazyMergeIndex(OnceLock<MergeIndex>);

impl LazyMergeIndex {
    pub(crate) fn get(&self, merges: &[Merge], rows: usize) -> &MergeIndex {
        self.0.get_or_init(|| MergeIndex::new(merges, rows))
    }
}

impl Clone for LazyMergeIndex {
    fn clone(&self) -> Self {
        LazyMergeIndex::default()
    }
}

impl PartialEq for LazyMergeIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for LazyMergeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LazyMergeIndex")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the index replaces: the first area in sheet order that covers the cell.
    fn scan(merges: &[Merge], row: usize, col: usize) -> Option<&Merge> {
        merges.iter().find(|m| {
            (m.first_row as usize..=m.last_row as usize).contains(&row)
                && (m.first_col as usize..=m.last_col as usize).contains(&col)
        })
    }

    #[test]
    fn answers_what_a_scan_of_every_area_answers() {
        let merges = vec![
            Merge::new(0, 0, 0, 5),
            Merge::new(2, 1, 4, 1),
            // Overlapping areas (Excel refuses them, files still carry them): the first wins.
            Merge::new(3, 0, 3, 3),
            Merge::new(5, 2, 1_048_575, 2),
            Merge::new(9, 0, 12, 0),
            Merge::new(40, 0, 40, 3),
        ];
        let index = MergeIndex::new(&merges, 10);
        for row in 0..45 {
            for col in 0..7 {
                assert_eq!(
                    index.covering(&merges, row, col),
                    scan(&merges, row, col),
                    "({row}, {col})"
                );
            }
        }
    }

    #[test]
    fn lists_the_areas_crossing_a_row_in_sheet_order() {
        let merges = vec![
            Merge::new(0, 3, 2, 4),
            Merge::new(1, 0, 1, 1),
            Merge::new(7, 0, 9, 2),
        ];
        let index = MergeIndex::new(&merges, 5);
        let crossing = |row| -> Vec<&Merge> { index.crossing(&merges, row).collect() };
        assert_eq!(crossing(1), vec![&merges[0], &merges[1]]);
        assert_eq!(crossing(3), Vec::<&Merge>::new());
        assert_eq!(crossing(8), vec![&merges[2]]);
        assert_eq!(crossing(10), Vec::<&Merge>::new());
    }

    #[test]
    fn counts_each_area_once_per_row_of_the_sheet_it_covers() {
        let merges = [(0, 0), (2, 4), (3, 1_048_575), (20, 30)];
        assert_eq!(pairs(merges, 10), 1 + 3 + 7);
        let index = MergeIndex::new(
            &merges.map(|(first, last)| Merge::new(first, 0, last, 1)),
            10,
        );
        assert_eq!(index.ids.len(), 11);
    }

    #[test]
    fn a_copy_starts_without_the_index_and_compares_equal() {
        let merges = vec![Merge::new(0, 0, 1, 1)];
        let lazy = LazyMergeIndex::default();
        assert!(lazy.get(&merges, 2).covering(&merges, 1, 1).is_some());
        let copy = lazy.clone();
        assert!(copy.0.get().is_none());
        assert_eq!(copy, lazy);
    }
}
