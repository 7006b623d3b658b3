//! The rows of the period dashboard, sorted and filtered from query parameters (pure), so
//! the page works without JavaScript: every header is a link.

use chrono::NaiveDateTime;

use crate::{consolidate::timeliness::Timeliness, domain::fold};

/// One expected agency's line.
#[derive(Debug, Clone)]
pub struct Line {
    pub agency_id: i64,
    pub agency: String,
    pub timeliness: Timeliness,
    pub submission_id: Option<i64>,
    pub version: Option<i32>,
    pub uploaded_at: Option<NaiveDateTime>,
    pub findings: usize,
    pub reminders: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Agency,
    State,
    Time,
    Findings,
}

impl Sort {
    pub fn parse(text: Option<&str>) -> Sort {
        match text {
            Some("trang-thai") => Sort::State,
            Some("thoi-gian") => Sort::Time,
            Some("phat-hien") => Sort::Findings,
            _ => Sort::Agency,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::Agency => "ten",
            Sort::State => "trang-thai",
            Sort::Time => "thoi-gian",
            Sort::Findings => "phat-hien",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    OnTime,
    Late,
    Missing,
}

impl Filter {
    pub fn parse(text: Option<&str>) -> Filter {
        match text {
            Some("dung-han") => Filter::OnTime,
            Some("tre-han") => Filter::Late,
            Some("chua-bao-cao") => Filter::Missing,
            _ => Filter::All,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Filter::All => "",
            Filter::OnTime => "dung-han",
            Filter::Late => "tre-han",
            Filter::Missing => "chua-bao-cao",
        }
    }

    fn keeps(self, t: Timeliness) -> bool {
        match self {
            Filter::All => true,
            Filter::OnTime => t == Timeliness::OnTime,
            Filter::Late => matches!(t, Timeliness::Late { .. }),
            Filter::Missing => t == Timeliness::Missing,
        }
    }
}

fn rank(t: Timeliness) -> u8 {
    match t {
        Timeliness::Missing => 0,
        Timeliness::Late { .. } => 1,
        Timeliness::OnTime => 2,
    }
}

/// Filters by state and by a name search (diacritics and case ignored), then sorts; ties
/// fall back to the agency name. Missing agencies come first when sorted by state.
pub fn arrange(mut lines: Vec<Line>, sort: Sort, filter: Filter, search: &str) -> Vec<Line> {
    let needle = fold::fold(search.trim());
    lines.retain(|l| filter.keeps(l.timeliness));
    if !needle.is_empty() {
        lines.retain(|l| fold::fold(&l.agency).contains(&needle));
    }
    let name = |l: &Line| fold::fold(&l.agency);
    match sort {
        Sort::Agency => lines.sort_by_key(name),
        Sort::State => lines.sort_by_key(|l| (rank(l.timeliness), name(l))),
        Sort::Time => lines.sort_by_key(|l| (l.uploaded_at.is_none(), l.uploaded_at, name(l))),
        Sort::Findings => lines.sort_by_key(|l| (std::cmp::Reverse(l.findings), name(l))),
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, t: Timeliness, findings: usize) -> Line {
        Line {
            agency_id: 0,
            agency: name.into(),
            timeliness: t,
            submission_id: None,
            version: None,
            uploaded_at: None,
            findings,
            reminders: 0,
        }
    }

    #[test]
    fn filters_sorts_and_searches() {
        let lines = vec![
            line("Sở Y tế", Timeliness::OnTime, 1),
            line("Công an tỉnh", Timeliness::Missing, 0),
            line("Sở Tài chính", Timeliness::Late { days: 1, hours: 2 }, 5),
        ];
        let names = |v: Vec<Line>| v.into_iter().map(|l| l.agency).collect::<Vec<_>>();
        assert_eq!(
            names(arrange(lines.clone(), Sort::State, Filter::All, "")),
            ["Công an tỉnh", "Sở Tài chính", "Sở Y tế"]
        );
        assert_eq!(
            names(arrange(lines.clone(), Sort::Findings, Filter::All, "")),
            ["Sở Tài chính", "Sở Y tế", "Công an tỉnh"]
        );
        assert_eq!(
            names(arrange(lines.clone(), Sort::Agency, Filter::Late, "")),
            ["Sở Tài chính"]
        );
        assert_eq!(
            names(arrange(lines, Sort::Agency, Filter::All, "so y te")),
            ["Sở Y tế"]
        );
    }
}
