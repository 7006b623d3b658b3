//! Demo data: a province's agencies with their aliases, a plan, three reporting periods,
//! sample submissions and one account per role, so that a fresh clone shows a working
//! service with one command.
//!
//! The fixtures live in `fixtures/` and are compiled in, so the binary works from any
//! directory. Loading is idempotent: when the demo plan exists, nothing is loaded again.

use diesel::Connection;
use rust_xlsxwriter::Workbook;

use crate::{
    db::{
        agencies,
        audit::{self, Actor},
        periods, plans,
        submissions::{self, NewReportRow, NewSubmission},
        users::{self, Role},
        DbConnection,
    },
    domain::{
        agency_registry::AgencyRegistry,
        calendar::Calendar,
        period::{to_utc, Month},
        plan::PlanDraft,
    },
    error::{AppError, AppResult},
};

const AGENCIES_JSON: &str = include_str!("../fixtures/agencies/tra-vinh.json");
const PLAN_JSON: &str = include_str!("../fixtures/demo/plan.json");
pub const DEMO_PLAN_NUMBER: &str = "13/KH-UBND";
pub const DEMO_PERIODS: [&str; 3] = ["2022-09", "2022-10", "2022-11"];

/// A demo login, printed for the person trying tonghop.
pub struct DemoAccount {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
    /// Canonical name of the clerk's agency.
    pub agency: Option<&'static str>,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 3] = [
    DemoAccount {
        login: "quantri",
        password: "quantri-demo",
        role: Role::Admin,
        agency: None,
    },
    DemoAccount {
        login: "thuongtruc",
        password: "thuongtruc-demo",
        role: Role::Secretariat,
        agency: None,
    },
    DemoAccount {
        login: "vanthu.stttt",
        password: "vanthu-demo",
        role: Role::Clerk,
        agency: Some("Sở Thông tin và Truyền thông"),
    },
];

/// What loading did.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub already_loaded: bool,
    pub agencies: usize,
    pub tasks: usize,
    pub submissions: usize,
    pub plan_id: i64,
}

pub fn load(conn: &mut DbConnection) -> AppResult<DemoSummary> {
    if let Ok(plan) = plans::find(conn, DEMO_PLAN_NUMBER) {
        return Ok(DemoSummary {
            already_loaded: true,
            plan_id: plan.id,
            ..DemoSummary::default()
        });
    }
    let registry_file = AgencyRegistry::parse_json(AGENCIES_JSON).map_err(AppError::Fixture)?;
    AgencyRegistry::from_files(vec![registry_file.clone()]).map_err(AppError::Fixture)?;
    let draft: PlanDraft =
        serde_json::from_str(PLAN_JSON).map_err(|e| AppError::Fixture(e.to_string()))?;
    conn.transaction(|conn| {
        agencies::import_registry(conn, &registry_file)?;
        let province = registry_file.province.clone();
        let stored = plans::store_draft(conn, &draft, Some("fixtures/demo/plan.json"), true)?;
        if let Some(finding) = stored.findings.first() {
            return Err(AppError::Fixture(finding.message.clone()));
        }
        let plan_id = stored.plan_id;
        let calendar = Calendar::bundled();
        let rule = draft
            .plan
            .report_due
            .clone()
            .ok_or_else(|| AppError::Fixture("kế hoạch mẫu thiếu quy định báo cáo".into()))?;
        for period in DEMO_PERIODS {
            let month = Month::parse(period).expect("demo periods are valid");
            let deadline = calendar.monthly_deadline(&rule, month).ok_or_else(|| {
                AppError::Fixture("quy định báo cáo của kế hoạch mẫu không phải hằng tháng".into())
            })?;
            periods::upsert(
                conn,
                plan_id,
                period,
                month.cutoff_window(),
                to_utc(deadline),
            )?;
        }
        let mut user_ids = Vec::new();
        for account in &DEMO_ACCOUNTS {
            let agency_id = match account.agency {
                Some(name) => Some(
                    agencies::find_by_spelling(conn, &province, name)?
                        .ok_or_else(|| AppError::Fixture(format!("không có cơ quan {name}")))?
                        .id,
                ),
                None => None,
            };
            let display = match account.agency {
                Some(name) => format!("Văn thư {name}"),
                None => account.role.label().to_string(),
            };
            user_ids.push(users::create(
                conn,
                account.login,
                account.password,
                &display,
                account.role,
                agency_id,
            )?);
        }
        let submissions = load_sample_submissions(conn, plan_id, user_ids[2])?;
        audit::record(
            conn,
            &Actor::system("demo"),
            "demo.load",
            "plan",
            Some(plan_id.to_string()),
            None,
        )?;
        Ok(DemoSummary {
            already_loaded: false,
            agencies: registry_file.agencies.len(),
            tasks: draft.tasks.len(),
            submissions,
            plan_id,
        })
    })
}

/// Sample reports for the demo periods: each agency with tasks reports on its lead tasks.
/// The workbook bytes are real .xlsx files, stored as originals like any upload.
fn load_sample_submissions(
    conn: &mut DbConnection,
    plan_id: i64,
    clerk_id: i64,
) -> AppResult<usize> {
    let mut count = 0;
    let agency_ids = plans::assigned_agency_ids(conn, plan_id)?;
    let deadlines: std::collections::HashMap<String, chrono::NaiveDateTime> =
        periods::list(conn, plan_id)?
            .into_iter()
            .map(|p| (p.period, p.deadline))
            .collect();
    for (period_index, period) in DEMO_PERIODS.iter().enumerate() {
        for (agency_index, agency_id) in agency_ids.iter().enumerate() {
            // Leave some agencies missing in later periods, as real months do.
            if (agency_index + period_index) % 4 == 3 {
                continue;
            }
            let agency = agencies::get(conn, *agency_id)?;
            let tasks = plans::tasks_of_agency(conn, plan_id, *agency_id)?;
            let rows: Vec<SampleRow> = tasks
                .iter()
                .enumerate()
                .map(|(i, (task, role))| {
                    SampleRow::new(&task.code, &task.title, role, period_index, i)
                })
                .collect();
            let bytes = sample_workbook(&agency.name, period, &rows)?;
            let file_name = format!(
                "BC_{}_{}.xlsx",
                agency
                    .short_name
                    .as_deref()
                    .unwrap_or("DV")
                    .replace(['&', ' ', '/'], ""),
                period
            );
            let stored = submissions::store_original(
                conn,
                &NewSubmission {
                    plan_id,
                    agency_id: *agency_id,
                    period,
                    uploaded_by: (agency.name == "Sở Thông tin và Truyền thông")
                        .then_some(clerk_id),
                    file_name: &file_name,
                    content_type:
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    bytes: &bytes,
                },
            )?;
            let report_rows: Vec<NewReportRow> = tasks
                .iter()
                .zip(&rows)
                .enumerate()
                .map(|(i, ((task, _), row))| NewReportRow {
                    submission_id: stored.id,
                    task_id: Some(task.id),
                    sheet: "Báo cáo".into(),
                    source_row: 6 + i as i32,
                    status: Some(row.status.to_string()),
                    progress_percent: Some(row.progress),
                    result: row.result.clone(),
                    difficulties: row.difficulties.clone(),
                    proposals: row.proposals.clone(),
                    match_method: Some("code".into()),
                    match_score: Some(1000),
                })
                .collect();
            // Most agencies report a day or two before the deadline; every fifth is late.
            let deadline = deadlines[*period];
            let uploaded_at = if (agency_index + period_index) % 5 == 2 {
                deadline + chrono::Duration::hours(26 + agency_index as i64)
            } else {
                deadline - chrono::Duration::hours(30 + 3 * agency_index as i64)
            };
            submissions::set_uploaded_at(conn, stored.id, uploaded_at)?;
            submissions::insert_rows(conn, &report_rows)?;
            submissions::set_outcome(conn, stored.id, "processed", None, "[]")?;
            count += 1;
        }
    }
    Ok(count)
}

struct SampleRow {
    code: String,
    title: String,
    status: &'static str,
    progress: i32,
    result: String,
    difficulties: String,
    proposals: String,
}

impl SampleRow {
    fn new(
        code: &str,
        title: &str,
        role: &str,
        period_index: usize,
        task_index: usize,
    ) -> SampleRow {
        let progress = (40 + 25 * period_index as i32 + 10 * (task_index as i32 % 3)).min(100);
        let status = if progress >= 100 {
            "done"
        } else {
            "in_progress"
        };
        let result = if role == "lead" {
            format!("Đã triển khai {progress}% khối lượng công việc; tiếp tục đôn đốc các đơn vị phối hợp.")
        } else {
            "Phối hợp cung cấp số liệu, cử cán bộ tham gia tổ công tác.".to_string()
        };
        SampleRow {
            code: code.to_string(),
            title: title.to_string(),
            status,
            progress,
            result,
            difficulties: if task_index % 2 == 0 {
                "Hạ tầng mạng tại một số xã còn chập chờn.".into()
            } else {
                String::new()
            },
            proposals: if task_index % 3 == 0 {
                "Đề nghị bổ sung kinh phí tập huấn cho cán bộ cấp xã.".into()
            } else {
                String::new()
            },
        }
    }
}

fn sample_workbook(agency: &str, period: &str, rows: &[SampleRow]) -> AppResult<Vec<u8>> {
    let fail =
        |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("không tạo được tệp mẫu: {e}"));
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Báo cáo").map_err(fail)?;
    sheet.write(0, 0, agency.to_uppercase()).map_err(fail)?;
    sheet
        .write(
            2,
            0,
            format!("BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG {period}"),
        )
        .map_err(fail)?;
    let headers = [
        "STT",
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ (%)",
        "Tình trạng",
        "Khó khăn, vướng mắc",
        "Đề xuất, kiến nghị",
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write(4, col as u16, *header).map_err(fail)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = 5 + i as u32;
        let status = if row.status == "done" {
            "Đã hoàn thành"
        } else {
            "Đang thực hiện"
        };
        sheet.write(r, 0, row.code.as_str()).map_err(fail)?;
        sheet.write(r, 1, row.title.as_str()).map_err(fail)?;
        sheet.write(r, 2, row.result.as_str()).map_err(fail)?;
        sheet.write(r, 3, row.progress).map_err(fail)?;
        sheet.write(r, 4, status).map_err(fail)?;
        sheet.write(r, 5, row.difficulties.as_str()).map_err(fail)?;
        sheet.write(r, 6, row.proposals.as_str()).map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}
