//! The period's reporting status for the secretariat's dashboard: every expected agency
//! with its timeliness, latest version and findings, without reading any report row.
//!
//! It is the same judgement as the consolidated workbook's "Tình hình báo cáo" sheet
//! ([`timeliness::for_period`]) on the same data, loaded without the rows so that a page
//! for 300 agencies stays well under 50 ms.

use super::{
    data::{self, PeriodData, Rows},
    timeliness::{self, AgencyTimeliness, Compliance},
};
use crate::{db::DbConnection, domain::period::Month, error::AppResult};

/// Who had to report for the period and how each did.
#[derive(Debug, Clone)]
pub struct PeriodStatus {
    pub data: PeriodData,
    pub agencies: Vec<AgencyTimeliness>,
    pub compliance: Compliance,
}

impl PeriodStatus {
    /// The expected agencies sorted by name, as a dashboard lists them.
    pub fn by_name(&self) -> Vec<&AgencyTimeliness> {
        let mut list: Vec<&AgencyTimeliness> = self.agencies.iter().collect();
        list.sort_by_cached_key(|a| self.data.agency_name(a.agency_id));
        list
    }
}

/// Loads and judges the period's status.
pub fn period_status(
    conn: &mut DbConnection,
    plan_id: i64,
    period: Month,
) -> AppResult<PeriodStatus> {
    let data = data::load_with(conn, plan_id, period, Rows::Skip)?;
    let agencies = timeliness::for_period(&data);
    let compliance = timeliness::compliance(&agencies);
    Ok(PeriodStatus {
        data,
        agencies,
        compliance,
    })
}
