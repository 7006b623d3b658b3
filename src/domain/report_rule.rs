//! The plan's reporting rule ("Định kỳ trước ngày 18 hàng tháng báo cáo …").
//!
//! Serialised as in DESIGN §5: `{"every": "month", "rule": "before_day", "day": 18}`; weekly
//! rules carry `weekday` (1 = Monday … 7 = Sunday) and `time` ("15:00"); rules counted from
//! the data cut-off carry `working_days`. `scope` tells a rule for reporting to the province
//! from an internal one ("chậm nhất ngày 13" for a department's own units).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// "trước ngày 18": the 17th is the last day.
    BeforeDay,
    /// "chậm nhất ngày 13", "ngày 15 hằng tháng": that day is the last day.
    ByDay,
    /// "02 ngày làm việc kể từ ngày chốt số liệu".
    WorkingDaysAfterCutoff,
    /// "trước 15h00 thứ Tư hằng tuần".
    WeekdayTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Province,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRule {
    pub every: Every,
    pub rule: RuleKind,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub day: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub weekday: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "is_province")]
    pub scope: Scope,
    /// The sentence the rule was read from.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
}

fn is_province(scope: &Scope) -> bool {
    *scope == Scope::Province
}

impl ReportRule {
    /// A monthly "before day N" rule, the most common one.
    pub fn monthly_before_day(day: u32) -> Self {
        ReportRule {
            every: Every::Month,
            rule: RuleKind::BeforeDay,
            day: Some(day),
            weekday: None,
            time: None,
            working_days: None,
            scope: Scope::Province,
            text: None,
        }
    }
}
