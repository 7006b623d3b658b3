//! The span a consolidated report covers: a month (the monthly report), a quarter or a
//! year (the periodic reports the Chairman also asks for).
//!
//! A quarter or year report is the consolidation as of its last reporting month, with each
//! agency's latest report within the span, reporting compliance summed over its months,
//! and the tracking matrix limited to them (see `consolidate::data::load_span`).

use std::fmt;

use super::period::Month;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    Month(Month),
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

const ROMAN_QUARTERS: [&str; 4] = ["I", "II", "III", "IV"];

impl Span {
    /// Parses "2022-11" (or "11/2022"), "2022-Q4" (also "Q4/2022", "2022-q4") and "2022".
    pub fn parse(text: &str) -> Option<Span> {
        let text = text.trim();
        if let Some(month) = Month::parse(text) {
            return Some(Span::Month(month));
        }
        let upper = text.to_uppercase();
        let quarter = |year: &str, q: &str| -> Option<Span> {
            let year: i32 = year.trim().parse().ok()?;
            let quarter: u32 = q.trim().strip_prefix('Q')?.parse().ok()?;
            ((1..=4).contains(&quarter) && (2000..=2100).contains(&year))
                .then_some(Span::Quarter { year, quarter })
        };
        if let Some((a, b)) = upper.split_once(['-', '/']) {
            return if a.trim().starts_with('Q') {
                quarter(b, a)
            } else {
                quarter(a, b)
            };
        }
        let year: i32 = text.parse().ok()?;
        (2000..=2100).contains(&year).then_some(Span::Year(year))
    }

    /// The reporting months it covers, in order.
    pub fn months(self) -> Vec<Month> {
        let (year, first, last) = match self {
            Span::Month(m) => return vec![m],
            Span::Quarter { year, quarter } => (year, quarter * 3 - 2, quarter * 3),
            Span::Year(year) => (year, 1, 12),
        };
        (first..=last).map(|month| Month { year, month }).collect()
    }

    pub fn first(self) -> Month {
        self.months()[0]
    }

    pub fn last(self) -> Month {
        *self.months().last().expect("a span has a month")
    }

    pub fn contains(self, month: Month) -> bool {
        self.first() <= month && month <= self.last()
    }

    pub fn is_month(self) -> bool {
        matches!(self, Span::Month(_))
    }

    /// "tháng 11/2022", "quý IV/2022", "năm 2022", as the report's title reads.
    pub fn label(self) -> String {
        match self {
            Span::Month(m) => m.label(),
            Span::Quarter { year, quarter } => {
                format!("quý {}/{year}", ROMAN_QUARTERS[quarter as usize - 1])
            }
            Span::Year(year) => format!("năm {year}"),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::Month(m) => m.fmt(f),
            Span::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Span::Year(year) => write!(f, "{year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_months_quarters_and_years() {
        assert_eq!(
            Span::parse("2022-11"),
            Some(Span::Month(Month {
                year: 2022,
                month: 11
            }))
        );
        let q4 = Span::Quarter {
            year: 2022,
            quarter: 4,
        };
        for text in ["2022-Q4", "2022-q4", "Q4/2022", "q4-2022"] {
            assert_eq!(Span::parse(text), Some(q4), "{text}");
        }
        assert_eq!(Span::parse("2022"), Some(Span::Year(2022)));
        for bad in ["2022-Q5", "2022-Q0", "1999", "Q4", "quý 4", ""] {
            assert_eq!(Span::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_labels_and_keys() {
        let q = Span::parse("2022-Q4").unwrap();
        assert_eq!(
            q.months().iter().map(|m| m.to_string()).collect::<Vec<_>>(),
            ["2022-10", "2022-11", "2022-12"]
        );
        assert_eq!(q.label(), "quý IV/2022");
        assert_eq!(q.to_string(), "2022-Q4");
        let y = Span::Year(2023);
        assert_eq!(y.months().len(), 12);
        assert_eq!(y.label(), "năm 2023");
        assert!(y.contains(Month {
            year: 2023,
            month: 7
        }));
        assert!(!q.contains(Month {
            year: 2022,
            month: 9
        }));
        assert_eq!(Span::parse("2022-11").unwrap().label(), "tháng 11/2022");
    }
}
