//! A task's due time ("Thời gian hoàn thành / thực hiện"), as the plan states it.
//!
//! Plans write due times in prose ("Trong tháng 3 năm 2022", "Quý I/2023", "Thường xuyên",
//! "Theo lộ trình của Bộ Công an"). [`Due`] keeps the original text and, where it names a
//! window, the last day of that window, which is what timeliness is judged against.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DueKind {
    Date,
    Month,
    Quarter,
    Year,
    Recurring,
    Conditional,
    Unspecified,
}

impl DueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::Date => "date",
            DueKind::Month => "month",
            DueKind::Quarter => "quarter",
            DueKind::Year => "year",
            DueKind::Recurring => "recurring",
            DueKind::Conditional => "conditional",
            DueKind::Unspecified => "unspecified",
        }
    }

    pub fn parse_code(code: &str) -> Option<DueKind> {
        Some(match code {
            "date" => DueKind::Date,
            "month" => DueKind::Month,
            "quarter" => DueKind::Quarter,
            "year" => DueKind::Year,
            "recurring" => DueKind::Recurring,
            "conditional" => DueKind::Conditional,
            "unspecified" => DueKind::Unspecified,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Due {
    pub kind: DueKind,
    /// Last day of the window, when the text names one.
    pub end: Option<NaiveDate>,
    /// The plan's own words.
    pub text: String,
}

impl Due {
    pub fn unspecified(text: impl Into<String>) -> Self {
        Due {
            kind: DueKind::Unspecified,
            end: None,
            text: text.into(),
        }
    }
}
