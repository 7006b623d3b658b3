//! A generated province for tests that need many agencies: `agencies` agencies of "Tỉnh
//! Thử", an active plan "01/KH-UBND" ("trước ngày 18") with `tasks` tasks in groups of ten,
//! and agency `a` leading task `a % tasks`.

#![allow(dead_code)]

use diesel::prelude::*;
use tonghop::{
    db::{
        agencies::{self, NewAgency},
        plans,
        schema::{task_assignments, tasks},
        DbConnection,
    },
    domain::{
        due::Due,
        plan::{PlanDraft, PlanHeader, TaskDraft},
        report_rule::ReportRule,
    },
};

pub const PROVINCE: &str = "Tỉnh Thử";

pub struct Province {
    pub plan_id: i64,
    pub agency_ids: Vec<i64>,
    pub task_ids: Vec<i64>,
}

/// `name(i)` names agency `i`; `emails(i)` gives its mailboxes.
pub fn generate(
    conn: &mut DbConnection,
    agency_count: usize,
    task_count: usize,
    name: impl Fn(usize) -> String,
    emails: impl Fn(usize) -> Vec<String>,
) -> Province {
    let agency_ids: Vec<i64> = conn
        .transaction(|conn| {
            (0..agency_count)
                .map(|i| {
                    agencies::insert(
                        conn,
                        &NewAgency {
                            province: PROVINCE.into(),
                            name: name(i),
                            kind: "department".into(),
                            emails: emails(i),
                            confirmed: true,
                            ..NewAgency::default()
                        },
                    )
                })
                .collect::<Result<Vec<i64>, _>>()
        })
        .unwrap();
    let draft = PlanDraft {
        plan: PlanHeader {
            province: Some(PROVINCE.into()),
            number: Some("01/KH-UBND".into()),
            report_due: Some(ReportRule::monthly_before_day(18)),
            title: "Kế hoạch thử tải".into(),
            ..PlanHeader::default()
        },
        tasks: (0..task_count)
            .map(|i| TaskDraft {
                code: format!("{}.{}", i / 10 + 1, i % 10 + 1),
                title: format!("Nhiệm vụ thử số {i}"),
                group: format!("Nhóm {}", i / 10 + 1),
                lead: Vec::new(),
                coordinating: Vec::new(),
                due: Due::parse("Thường xuyên"),
                kpi: Vec::new(),
            })
            .collect(),
        findings: Vec::new(),
    };
    let plan_id = plans::store_draft(conn, &draft, None, true)
        .unwrap()
        .plan_id;
    let task_ids: Vec<i64> = tasks::table
        .filter(tasks::plan_id.eq(plan_id))
        .order(tasks::position)
        .select(tasks::id)
        .load(conn)
        .unwrap();
    conn.transaction(|conn| -> diesel::QueryResult<()> {
        for (a, agency) in agency_ids.iter().enumerate() {
            diesel::insert_into(task_assignments::table)
                .values((
                    task_assignments::task_id.eq(task_ids[a % task_count]),
                    task_assignments::agency_id.eq(*agency),
                    task_assignments::role.eq("lead"),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
    Province {
        plan_id,
        agency_ids,
        task_ids,
    }
}
