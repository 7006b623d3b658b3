//! `tonghop plan import | list | show | export | activate`.

use std::path::Path;

use serde_json::json;

use crate::{
    bundled,
    db::{agencies, audit, plans, Db, DbConnection},
    domain::{agency_registry::AgencyRegistry, finding::Finding, plan::PlanDraft},
    error::{AppError, AppResult},
    plan_import, plan_review,
};

use super::{clip, file_name, read_input, write_output};

pub struct ImportOptions<'a> {
    pub province: Option<&'a str>,
    pub activate: bool,
    /// Update this existing plan (by task code) instead of creating a new one.
    pub update: Option<&'a str>,
    pub json: bool,
}

pub fn import(db: &Db, path: &Path, options: &ImportOptions) -> AppResult<()> {
    let bytes = read_input(path)?;
    let name = file_name(path);
    let mut conn = db.get()?;
    let (plan_id, all_findings, summary) = match options.update {
        Some(key) => {
            let (draft, parse_findings) = parse(&mut conn, &bytes, &name, options.province)?;
            let plan = plans::find(&mut conn, key)?;
            let update = plans::update_from_draft(&mut conn, plan.id, &draft)?;
            if options.activate {
                plans::activate(&mut conn, plan.id)?;
            }
            let summary = format!(
                "Đã cập nhật kế hoạch số {}: {} nhiệm vụ giữ nguyên mã được cập nhật, {} nhiệm vụ mới, {} nhiệm vụ không còn trong danh mục (được lưu trữ, không xóa).",
                plan.id, update.updated, update.added, update.retired
            );
            (
                plan.id,
                merge_findings(parse_findings, update.findings),
                summary,
            )
        }
        None => {
            let new = import_new(&mut conn, &bytes, &name, options.province, options.activate)?;
            let state = if options.activate {
                "đang áp dụng"
            } else {
                "bản nháp (chưa áp dụng)"
            };
            let summary = format!(
                "Đã nhập kế hoạch {} của tỉnh {} với số thứ tự {}: {} nhiệm vụ, trạng thái {state}.",
                new.number.as_deref().unwrap_or("(chưa có số)"),
                new.province,
                new.plan_id,
                new.tasks
            );
            (new.plan_id, new.findings, summary)
        }
    };
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        if options.update.is_some() {
            "plan.update"
        } else {
            "plan.import"
        },
        "plan",
        Some(plan_id.to_string()),
        Some(name.clone()),
    )?;
    if options.json {
        let stored = plans::draft_of(&mut conn, plan_id)?;
        let output = json!({"plan": stored.plan, "tasks": stored.tasks, "findings": all_findings});
        println!(
            "{}",
            serde_json::to_string_pretty(&output).expect("json serialises")
        );
        return Ok(());
    }
    println!("{summary}");
    print_findings(&all_findings);
    if !options.activate {
        println!("Xem lại và sửa: tonghop plan export {plan_id} -o danh-muc.xlsx, rồi tonghop plan import danh-muc.xlsx --plan {plan_id}");
        println!("Áp dụng kế hoạch: tonghop plan activate {plan_id}");
    }
    Ok(())
}

/// A plan imported as a new plan.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub plan_id: i64,
    pub number: Option<String>,
    pub province: String,
    pub tasks: usize,
    /// What the importer and the store found, without repeats.
    pub findings: Vec<Finding>,
}

/// Parses a plan document (or a review workbook) and stores it as a new plan: a draft, or
/// active with `activate`. The one import path of the CLI and the administrators' page.
pub fn import_new(
    conn: &mut DbConnection,
    bytes: &[u8],
    name: &str,
    province: Option<&str>,
    activate: bool,
) -> AppResult<NewPlan> {
    let (draft, parse_findings) = parse(conn, bytes, name, province)?;
    let stored = plans::store_draft(conn, &draft, Some(name), activate)?;
    Ok(NewPlan {
        plan_id: stored.plan_id,
        number: draft.plan.number.clone(),
        province: draft.plan.province.clone().unwrap_or_default(),
        tasks: draft.tasks.len(),
        findings: merge_findings(parse_findings, stored.findings),
    })
}

/// The importer already warned about names it could not resolve; the store's findings about
/// the same names (located by name) would say it twice.
fn merge_findings(parse_findings: Vec<Finding>, mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.retain(|f| {
        let name = f.where_.as_deref().unwrap_or_default();
        !parse_findings
            .iter()
            .any(|p| p.message.contains(&format!("«{name}»")))
    });
    let mut all = parse_findings;
    all.append(&mut findings);
    all
}

/// Parses the file into a draft: our own review workbook read back exactly, anything else
/// through the plan importer. Agency names are resolved against the province's registry
/// (loaded from the bundled fixtures the first time a province is seen).
fn parse(
    conn: &mut DbConnection,
    bytes: &[u8],
    name: &str,
    province: Option<&str>,
) -> AppResult<(PlanDraft, Vec<Finding>)> {
    if plan_review::read_back::is_review_workbook(bytes) {
        let mut draft = plan_review::read_back::read(bytes)?;
        if let Some(p) = province {
            draft.plan.province = Some(p.to_string());
        }
        let findings = std::mem::take(&mut draft.findings);
        return Ok((draft, findings));
    }
    // First pass: learn the province from the document (agency names unresolved).
    let first = plan_import::parse_plan(bytes, name, &|_| None)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let province = province.map(str::to_string).or(first.plan.province.clone()).ok_or_else(|| {
        AppError::BadRequest(
            "Không xác định được tỉnh ban hành kế hoạch từ nội dung tệp; hãy ghi rõ bằng --province \"Tên tỉnh\".".into(),
        )
    })?;
    let registry = registry_for(conn, &province)?;
    let mut draft = plan_import::parse_plan(bytes, name, &|written| {
        registry
            .resolve(Some(&province), written)
            .map(|entry| entry.name.clone())
    })
    .map_err(|e| AppError::BadRequest(e.to_string()))?;
    draft.plan.province = Some(province);
    let findings = std::mem::take(&mut draft.findings);
    Ok((draft, findings))
}

/// The province's registry from the database, seeded from the bundled one when empty.
fn registry_for(conn: &mut DbConnection, province: &str) -> AppResult<AgencyRegistry> {
    let mut file = agencies::registry_of(conn, province)?;
    if file.agencies.is_empty() {
        if let Some(bundled) = bundled::registry(province) {
            agencies::import_registry(conn, &bundled)?;
            eprintln!(
                "Đã nạp danh mục cơ quan có sẵn của tỉnh {} ({} cơ quan).",
                bundled.province,
                bundled.agencies.len()
            );
            file = agencies::registry_of(conn, &bundled.province)?;
        }
    }
    file.province = province.to_string();
    AgencyRegistry::from_files(vec![file]).map_err(|e| {
        AppError::Internal(format!(
            "danh mục cơ quan trong cơ sở dữ liệu không nhất quán: {e}"
        ))
    })
}

fn print_findings(findings: &[Finding]) {
    if findings.is_empty() {
        println!("Không có cảnh báo.");
        return;
    }
    println!("{} điểm cần xem lại:", findings.len());
    for f in findings {
        let level = match f.severity {
            crate::domain::finding::Severity::Error => "LỖI",
            crate::domain::finding::Severity::Warning => "cảnh báo",
            crate::domain::finding::Severity::Info => "lưu ý",
        };
        let place = f
            .where_
            .as_deref()
            .map(|w| format!(" [{w}]"))
            .unwrap_or_default();
        println!("  - {level}{place}: {}", f.message);
    }
}

pub fn list(db: &Db) -> AppResult<()> {
    let mut conn = db.get()?;
    let all = plans::list(&mut conn)?;
    if all.is_empty() {
        println!("Chưa có kế hoạch nào. Nhập kế hoạch: tonghop plan import TỆP");
        return Ok(());
    }
    println!(
        "{:>4}  {:<14} {:<16} {:<11} {:<10} {:>8}  Trích yếu",
        "Số", "Tỉnh", "Số hiệu", "Ban hành", "Trạng thái", "Nhiệm vụ"
    );
    for plan in all {
        let tasks = plans::tasks_of(&mut conn, plan.id)?.len();
        println!(
            "{:>4}  {:<14} {:<16} {:<11} {:<10} {:>8}  {}",
            plan.id,
            clip(&plan.province, 14),
            clip(plan.number.as_deref().unwrap_or("-"), 16),
            plan.issued_on
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|| "-".into()),
            status_label(&plan.status),
            tasks,
            clip(&plan.title, 60)
        );
    }
    Ok(())
}

fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "áp dụng",
        "archived" => "lưu trữ",
        _ => "bản nháp",
    }
}

pub fn show(db: &Db, key: &str, json: bool) -> AppResult<()> {
    let mut conn = db.get()?;
    let plan = plans::find(&mut conn, key)?;
    let draft = plans::draft_of(&mut conn, plan.id)?;
    if json {
        let output = json!({"plan": draft.plan, "tasks": draft.tasks, "findings": []});
        println!(
            "{}",
            serde_json::to_string_pretty(&output).expect("json serialises")
        );
        return Ok(());
    }
    println!(
        "Kế hoạch số {} ({}): {}",
        plan.id,
        status_label(&plan.status),
        draft.plan.number.as_deref().unwrap_or("(chưa có số)")
    );
    println!("Tỉnh: {}", plan.province);
    if let Some(d) = plan.issued_on {
        println!("Ngày ban hành: {}", d.format("%d/%m/%Y"));
    }
    println!("Trích yếu: {}", plan.title);
    for rule in &draft.plan.report_rules {
        if let Some(text) = &rule.text {
            println!("Chế độ báo cáo: {text}");
        }
    }
    let mut group = None;
    for task in &draft.tasks {
        if group != Some(&task.group) {
            println!(
                "\n{}",
                if task.group.is_empty() {
                    "(không thuộc nhóm)"
                } else {
                    &task.group
                }
            );
            group = Some(&task.group);
        }
        println!("  {:<8} {}", task.code, task.title);
        println!("           Chủ trì: {}", task.lead.join("; "));
        if !task.coordinating.is_empty() {
            println!("           Phối hợp: {}", task.coordinating.join("; "));
        }
        println!(
            "           Thời hạn: {}",
            if task.due.text.is_empty() {
                "(không ghi)"
            } else {
                &task.due.text
            }
        );
    }
    Ok(())
}

pub fn export(db: &Db, key: &str, output: &Path) -> AppResult<()> {
    let mut conn = db.get()?;
    let plan = plans::find(&mut conn, key)?;
    let draft = plans::draft_of(&mut conn, plan.id)?;
    write_output(output, &plan_review::export::write(&draft)?)?;
    println!(
        "Đã xuất {} nhiệm vụ của kế hoạch số {} ra {}.",
        draft.tasks.len(),
        plan.id,
        output.display()
    );
    Ok(())
}

pub fn activate(db: &Db, key: &str) -> AppResult<()> {
    let mut conn = db.get()?;
    let plan = plans::find(&mut conn, key)?;
    plans::activate(&mut conn, plan.id)?;
    audit::record(
        &mut conn,
        &audit::Actor::system("cli"),
        "plan.activate",
        "plan",
        Some(plan.id.to_string()),
        None,
    )?;
    println!(
        "Kế hoạch số {} đã được áp dụng: các đơn vị báo cáo theo danh mục nhiệm vụ này.",
        plan.id
    );
    Ok(())
}
