use super::{export, read_back};
use crate::domain::plan::PlanDraft;

fn demo_plan() -> PlanDraft {
    serde_json::from_str(include_str!("../../fixtures/demo/plan.json")).unwrap()
}

#[test]
fn export_then_read_back_loses_nothing() {
    let plan = demo_plan();
    let bytes = export::write(&plan).unwrap();
    assert!(read_back::is_review_workbook(&bytes));
    let back = read_back::read(&bytes).unwrap();
    assert_eq!(back.plan.province, plan.plan.province);
    assert_eq!(back.plan.number, plan.plan.number);
    assert_eq!(back.plan.issued_on, plan.plan.issued_on);
    assert_eq!(back.plan.title, plan.plan.title);
    assert_eq!(back.plan.report_rules, plan.plan.report_rules);
    assert_eq!(back.tasks, plan.tasks);
    assert!(back.findings.is_empty());
}

#[test]
fn export_is_deterministic() {
    let plan = demo_plan();
    assert_eq!(export::write(&plan).unwrap(), export::write(&plan).unwrap());
}

#[test]
fn other_workbooks_are_not_review_workbooks() {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().write(0, 0, "STT").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    assert!(!read_back::is_review_workbook(&bytes));
    assert!(!read_back::is_review_workbook(b"not a zip"));
}
