//! A plan and its task list as an importer produces it and the database stores it.
//!
//! The JSON shape is the contract of `tonghop plan import --json` (DESIGN §5). The demo
//! fixtures are written in the same shape, so the demo loads a plan the way an import would.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{due::Due, finding::Finding, report_rule::ReportRule};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDraft {
    pub plan: PlanHeader,
    pub tasks: Vec<TaskDraft>,
    #[serde(default)]
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlanHeader {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id: Option<i64>,
    pub province: Option<String>,
    /// "13/KH-UBND"; None for an unnumbered draft ("Số: /KH-UBND").
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    #[serde(default)]
    pub title: String,
    /// The rule for reporting to the province (the main monthly one when there are several).
    pub report_due: Option<ReportRule>,
    /// Every reporting rule the plan states (monthly, weekly, internal).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub report_rules: Vec<ReportRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskDraft {
    /// The plan's numbering, dot-separated lower-case tokens: "7.a.1".
    pub code: String,
    pub title: String,
    /// Heading the task sits under ("" when none).
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub lead: Vec<String>,
    #[serde(default)]
    pub coordinating: Vec<String>,
    pub due: Due,
    #[serde(default)]
    pub kpi: Vec<Kpi>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub target_percent: Option<f64>,
}
