//! Plans, their task groups, tasks and task assignments.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{
    agencies::{self, NewAgency},
    now_utc,
    schema::{plans, task_assignments, task_groups, tasks},
    DbConnection,
};
use crate::{
    domain::{
        finding::Finding,
        plan::{PlanDraft, TaskDraft},
    },
    error::{AppError, AppResult},
};

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = plans)]
pub struct Plan {
    pub id: i64,
    pub province: String,
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub title: String,
    pub report_rule: Option<String>,
    pub report_rules: String,
    pub status: String,
    /// The plan's own reminder ladder ("-3,-1,0,+1,+3!"); None: the configured default.
    pub reminder_ladder: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = tasks)]
pub struct Task {
    pub id: i64,
    pub plan_id: i64,
    pub group_id: Option<i64>,
    pub code: String,
    pub title: String,
    pub due_kind: String,
    pub due_end: Option<NaiveDate>,
    pub due_text: String,
    pub kpi: String,
    pub position: i32,
}

/// The result of storing a draft: the plan's id and what was noticed while linking agencies.
#[derive(Debug)]
pub struct StoredPlan {
    pub plan_id: i64,
    pub findings: Vec<Finding>,
}

/// Stores a plan draft in one transaction: plan, groups, tasks, and assignments to agencies
/// of the plan's province. A name the registry does not know becomes a new, unconfirmed
/// agency and a finding; nothing is dropped.
pub fn store_draft(
    conn: &mut DbConnection,
    draft: &PlanDraft,
    source_file_name: Option<&str>,
    activate: bool,
) -> AppResult<StoredPlan> {
    let province = draft.plan.province.clone().ok_or_else(|| {
        AppError::BadRequest(
            "Không xác định được tỉnh của kế hoạch; hãy chỉ rõ tỉnh (ví dụ --province \"Trà Vinh\")."
                .into(),
        )
    })?;
    conn.transaction(|conn| {
        if let Some(number) = &draft.plan.number {
            let existing: Option<i64> = plans::table
                .filter(plans::province.eq(&province))
                .filter(plans::number.eq(number))
                .select(plans::id)
                .first(conn)
                .optional()?;
            if let Some(id) = existing {
                return Err(AppError::Conflict(format!(
                    "Kế hoạch {number} của tỉnh {province} đã có (số {id}). Để cập nhật danh mục nhiệm vụ, dùng: tonghop plan import TỆP --plan {id}"
                )));
            }
        }
        let (rules, rule) = rules_json(draft);
        let now = now_utc();
        let row = (
            plans::province.eq(&province),
            plans::number.eq(&draft.plan.number),
            plans::issued_on.eq(draft.plan.issued_on),
            plans::title.eq(&draft.plan.title),
            plans::report_rule.eq(rule),
            plans::report_rules.eq(rules),
            plans::status.eq(if activate { "active" } else { "draft" }),
            plans::source_file_name.eq(source_file_name),
            plans::created_at.eq(now),
            plans::activated_at.eq(activate.then_some(now)),
        );
        let plan_id: i64 = crate::with_backend!(conn, |c| {
            diesel::insert_into(plans::table)
                .values(row)
                .returning(plans::id)
                .get_result(c)?
        });
        let findings = apply_tasks(conn, plan_id, &province, &draft.tasks)?;
        Ok(StoredPlan { plan_id, findings })
    })
}

/// What re-importing a corrected task list changed.
#[derive(Debug, Default, serde::Serialize)]
pub struct PlanUpdate {
    pub added: usize,
    pub updated: usize,
    pub retired: usize,
    pub findings: Vec<Finding>,
}

/// Re-imports a corrected task list into an existing plan, by task code: tasks with a known
/// code are updated in place (so report rows already linked to them stay linked), new codes
/// are added, and codes no longer listed are retired, not deleted. One transaction.
pub fn update_from_draft(
    conn: &mut DbConnection,
    plan_id: i64,
    draft: &PlanDraft,
) -> AppResult<PlanUpdate> {
    conn.transaction(|conn| {
        let plan = get(conn, plan_id)?;
        let (rules, rule) = rules_json(draft);
        diesel::update(plans::table.find(plan_id))
            .set((
                plans::number.eq(draft.plan.number.as_ref().or(plan.number.as_ref())),
                plans::issued_on.eq(draft.plan.issued_on.or(plan.issued_on)),
                plans::title.eq(if draft.plan.title.is_empty() {
                    &plan.title
                } else {
                    &draft.plan.title
                }),
                plans::report_rule.eq(rule.or(plan.report_rule.clone())),
                plans::report_rules.eq(rules),
            ))
            .execute(conn)?;
        let before: Vec<(String, bool)> = tasks::table
            .filter(tasks::plan_id.eq(plan_id))
            .select((tasks::code, tasks::retired_at.is_null()))
            .load(conn)?;
        let findings = apply_tasks(conn, plan_id, &plan.province, &draft.tasks)?;
        let listed: std::collections::HashSet<&str> =
            draft.tasks.iter().map(|t| t.code.as_str()).collect();
        let retired = diesel::update(
            tasks::table
                .filter(tasks::plan_id.eq(plan_id))
                .filter(tasks::retired_at.is_null())
                .filter(tasks::code.ne_all(listed.iter().copied().collect::<Vec<_>>())),
        )
        .set(tasks::retired_at.eq(now_utc()))
        .execute(conn)?;
        let known: std::collections::HashSet<&str> =
            before.iter().map(|(c, _)| c.as_str()).collect();
        let added = draft
            .tasks
            .iter()
            .filter(|t| !known.contains(t.code.as_str()))
            .count();
        Ok(PlanUpdate {
            added,
            updated: draft.tasks.len() - added,
            retired,
            findings,
        })
    })
}

pub fn get(conn: &mut DbConnection, plan_id: i64) -> AppResult<Plan> {
    plans::table
        .find(plan_id)
        .select(Plan::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("kế hoạch số {plan_id}")))
}

/// Makes a draft plan the one agencies report against.
pub fn activate(conn: &mut DbConnection, plan_id: i64) -> AppResult<()> {
    diesel::update(plans::table.find(plan_id))
        .set((
            plans::status.eq("active"),
            plans::activated_at.eq(now_utc()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets the plan's own reminder ladder (canonical text), or None for the configured default.
pub fn set_reminder_ladder(
    conn: &mut DbConnection,
    plan_id: i64,
    ladder: Option<&str>,
) -> AppResult<()> {
    diesel::update(plans::table.find(plan_id))
        .set(plans::reminder_ladder.eq(ladder))
        .execute(conn)?;
    Ok(())
}

/// Inserts or updates (by code) every task with its group and assignments.
fn apply_tasks(
    conn: &mut DbConnection,
    plan_id: i64,
    province: &str,
    drafts: &[TaskDraft],
) -> AppResult<Vec<Finding>> {
    let mut findings = Vec::new();
    let mut group_ids: HashMap<String, i64> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for (position, task) in drafts.iter().enumerate() {
        if !seen.insert(task.code.as_str()) {
            return Err(AppError::BadRequest(format!(
                "Mã nhiệm vụ \"{}\" xuất hiện hai lần trong kế hoạch; mỗi nhiệm vụ cần một mã riêng.",
                task.code
            )));
        }
        let group_id = match task.group.as_str() {
            "" => None,
            title => Some(match group_ids.get(title) {
                Some(id) => *id,
                None => {
                    let id =
                        upsert_group(conn, plan_id, group_ids.len(), &group_code(task), title)?;
                    group_ids.insert(title.to_string(), id);
                    id
                }
            }),
        };
        let task_id = upsert_task(conn, plan_id, group_id, position, task)?;
        diesel::delete(task_assignments::table.filter(task_assignments::task_id.eq(task_id)))
            .execute(conn)?;
        assign(conn, province, task_id, task, &mut findings)?;
    }
    Ok(findings)
}

/// The plan's reporting rules as stored: every rule, and the main one.
fn rules_json(draft: &PlanDraft) -> (String, Option<String>) {
    let rules = serde_json::to_string(&draft.plan.report_rules).expect("rules serialise");
    let rule = draft
        .plan
        .report_due
        .as_ref()
        .map(|r| serde_json::to_string(r).expect("rule serialises"));
    (rules, rule)
}

/// A group's code is its leaves' code without the last token ("7.a.1" → "7.a").
fn group_code(task: &TaskDraft) -> String {
    match task.code.rsplit_once('.') {
        Some((head, _)) => head.to_string(),
        None => task.group.clone(),
    }
}

fn upsert_group(
    conn: &mut DbConnection,
    plan_id: i64,
    position: usize,
    code: &str,
    title: &str,
) -> AppResult<i64> {
    let row = (
        task_groups::plan_id.eq(plan_id),
        task_groups::code.eq(code),
        task_groups::title.eq(title),
        task_groups::position.eq(position as i32),
    );
    Ok(crate::with_backend!(conn, |c| {
        diesel::insert_into(task_groups::table)
            .values(row)
            .on_conflict((task_groups::plan_id, task_groups::code))
            .do_update()
            .set(task_groups::title.eq(title))
            .returning(task_groups::id)
            .get_result(c)?
    }))
}

fn upsert_task(
    conn: &mut DbConnection,
    plan_id: i64,
    group_id: Option<i64>,
    position: usize,
    task: &TaskDraft,
) -> AppResult<i64> {
    let kpi = serde_json::to_string(&task.kpi).expect("kpi serialises");
    let values = (
        tasks::group_id.eq(group_id),
        tasks::title.eq(&task.title),
        tasks::due_kind.eq(task.due.kind.as_str()),
        tasks::due_end.eq(task.due.end),
        tasks::due_text.eq(&task.due.text),
        tasks::kpi.eq(&kpi),
        tasks::position.eq(position as i32),
    );
    let existing: Option<i64> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .filter(tasks::code.eq(&task.code))
        .select(tasks::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        diesel::update(tasks::table.find(id))
            .set((values, tasks::retired_at.eq(None::<chrono::NaiveDateTime>)))
            .execute(conn)?;
        return Ok(id);
    }
    let row = (
        tasks::plan_id.eq(plan_id),
        tasks::code.eq(&task.code),
        values,
    );
    Ok(crate::with_backend!(conn, |c| {
        diesel::insert_into(tasks::table)
            .values(row)
            .returning(tasks::id)
            .get_result(c)?
    }))
}

fn assign(
    conn: &mut DbConnection,
    province: &str,
    task_id: i64,
    task: &TaskDraft,
    findings: &mut Vec<Finding>,
) -> AppResult<()> {
    let roles = task
        .lead
        .iter()
        .map(|n| (n, "lead"))
        .chain(task.coordinating.iter().map(|n| (n, "coordinating")));
    for (name, role) in roles {
        let agency_id = match agencies::find_by_spelling(conn, province, name)? {
            Some(agency) => agency.id,
            None => {
                findings.push(new_agency_finding(province, name));
                agencies::insert(
                    conn,
                    &NewAgency {
                        province: province.to_string(),
                        name: name.clone(),
                        kind: "other".into(),
                        confirmed: false,
                        ..NewAgency::default()
                    },
                )?
            }
        };
        // A name listed twice for one task (lead and coordinating) keeps its first role.
        let exists: i64 = task_assignments::table
            .filter(task_assignments::task_id.eq(task_id))
            .filter(task_assignments::agency_id.eq(agency_id))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(task_assignments::table)
                .values((
                    task_assignments::task_id.eq(task_id),
                    task_assignments::agency_id.eq(agency_id),
                    task_assignments::role.eq(role),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The finding for a name the registry did not know, which became an unconfirmed agency.
/// `where_` holds the name, so callers can tell which names these findings are about.
fn new_agency_finding(province: &str, name: &str) -> Finding {
    Finding::warning(format!(
        "Cơ quan «{name}» chưa có trong danh mục của tỉnh {province}; đã tạo mới ở trạng thái chờ xác nhận. Hãy kiểm tra tên hoặc thêm cách viết này cho cơ quan đúng (tonghop agencies export/import)."
    ))
    .at(name)
}

/// Finds a plan by its id ("3") or its number ("13/KH-UBND").
pub fn find(conn: &mut DbConnection, key: &str) -> AppResult<Plan> {
    let key = key.trim();
    let by_id = key.parse::<i64>().ok();
    let mut query = plans::table.select(Plan::as_select()).into_boxed();
    query = match by_id {
        Some(id) => query.filter(plans::id.eq(id)),
        None => query.filter(plans::number.eq(key)),
    };
    let found: Vec<Plan> = query.order(plans::id.desc()).limit(2).load(conn)?;
    match found.len() {
        0 => Err(AppError::NotFound(format!("kế hoạch \"{key}\" (nhập số thứ tự hoặc số hiệu như 13/KH-UBND)"))),
        1 => Ok(found.into_iter().next().expect("one row")),
        _ => Err(AppError::BadRequest(format!(
            "Có nhiều kế hoạch mang số hiệu \"{key}\" (ở các tỉnh khác nhau); hãy dùng số thứ tự của kế hoạch."
        ))),
    }
}

pub fn list(conn: &mut DbConnection) -> AppResult<Vec<Plan>> {
    Ok(plans::table
        .order(plans::id)
        .select(Plan::as_select())
        .load(conn)?)
}

pub fn tasks_of(conn: &mut DbConnection, plan_id: i64) -> AppResult<Vec<Task>> {
    Ok(tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .filter(tasks::retired_at.is_null())
        .order(tasks::position)
        .select(Task::as_select())
        .load(conn)?)
}

/// The tasks an agency has in a plan, with its role ("lead" or "coordinating").
pub fn tasks_of_agency(
    conn: &mut DbConnection,
    plan_id: i64,
    agency_id: i64,
) -> AppResult<Vec<(Task, String)>> {
    Ok(tasks::table
        .inner_join(task_assignments::table)
        .filter(tasks::plan_id.eq(plan_id))
        .filter(task_assignments::agency_id.eq(agency_id))
        .filter(tasks::retired_at.is_null())
        .order(tasks::position)
        .select((Task::as_select(), task_assignments::role))
        .load(conn)?)
}

/// Every agency that has at least one task in the plan: the agencies expected to report.
pub fn assigned_agency_ids(conn: &mut DbConnection, plan_id: i64) -> AppResult<Vec<i64>> {
    Ok(task_assignments::table
        .inner_join(tasks::table)
        .filter(tasks::plan_id.eq(plan_id))
        .select(task_assignments::agency_id)
        .distinct()
        .order(task_assignments::agency_id)
        .load(conn)?)
}

/// The titles of the plan's task groups (the headings tasks sit under), by group id.
pub fn group_titles(conn: &mut DbConnection, plan_id: i64) -> AppResult<HashMap<i64, String>> {
    Ok(task_groups::table
        .filter(task_groups::plan_id.eq(plan_id))
        .select((task_groups::id, task_groups::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}

/// The stored plan in the import/export shape (DESIGN §5), for `plan show` and `plan export`.
pub fn draft_of(conn: &mut DbConnection, plan_id: i64) -> AppResult<PlanDraft> {
    use super::schema::agencies;
    let plan = get(conn, plan_id)?;
    let tasks = tasks_of(conn, plan_id)?;
    let groups = group_titles(conn, plan_id)?;
    let assignments: Vec<(i64, String, String)> = task_assignments::table
        .inner_join(tasks::table)
        .inner_join(agencies::table)
        .filter(tasks::plan_id.eq(plan_id))
        .order(task_assignments::id)
        .select((
            task_assignments::task_id,
            task_assignments::role,
            agencies::name,
        ))
        .load(conn)?;
    let mut lead: HashMap<i64, Vec<String>> = HashMap::new();
    let mut coordinating: HashMap<i64, Vec<String>> = HashMap::new();
    for (task_id, role, name) in assignments {
        let target = if role == "lead" {
            &mut lead
        } else {
            &mut coordinating
        };
        target.entry(task_id).or_default().push(name);
    }
    let report_rules: Vec<crate::domain::report_rule::ReportRule> =
        serde_json::from_str(&plan.report_rules).unwrap_or_default();
    let report_due = plan
        .report_rule
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok());
    Ok(PlanDraft {
        plan: crate::domain::plan::PlanHeader {
            id: Some(plan.id),
            province: Some(plan.province),
            number: plan.number,
            issued_on: plan.issued_on,
            title: plan.title,
            report_due,
            report_rules,
        },
        tasks: tasks
            .into_iter()
            .map(|t| TaskDraft {
                group: t
                    .group_id
                    .and_then(|g| groups.get(&g).cloned())
                    .unwrap_or_default(),
                lead: lead.remove(&t.id).unwrap_or_default(),
                coordinating: coordinating.remove(&t.id).unwrap_or_default(),
                due: crate::domain::due::Due {
                    kind: crate::domain::due::DueKind::parse_code(&t.due_kind)
                        .unwrap_or(crate::domain::due::DueKind::Unspecified),
                    end: t.due_end,
                    text: t.due_text,
                },
                kpi: serde_json::from_str(&t.kpi).unwrap_or_default(),
                code: t.code,
                title: t.title,
            })
            .collect(),
        findings: Vec::new(),
    })
}
