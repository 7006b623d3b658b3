//! The plans in `../shared/seeds/`, read end to end. Expected values were taken by reading
//! the seed texts.

use chrono::NaiveDate;

use super::{parse_plan, PlanImportError};
use crate::domain::due::DueKind;
use crate::domain::plan::PlanDraft;
use crate::domain::report_rule::{Every, RuleKind, Scope};

const BAC_GIANG: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/bacgiang_KH_2023_05-nhom-tien-ich.txt"
));
const BINH_PHUOC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/binhphuoc_SLDTBXH_KH_2022.txt"
));
const DE_AN_06: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/seeds/de-an-06_muc-tieu_hoi-dap.txt"
));

fn parse(text: &str, name: &str) -> PlanDraft {
    parse_plan(text.as_bytes(), name, &|_| None).expect("seed parses")
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[test]
fn bac_giang_tasks() {
    let draft = parse(BAC_GIANG, "bacgiang.txt");
    assert_eq!(draft.plan.province.as_deref(), Some("Bắc Giang"));
    assert_eq!(draft.plan.number, None);
    assert_eq!(draft.plan.issued_on, None);
    assert!(draft
        .plan
        .title
        .starts_with("Đẩy mạnh triển khai, thực hiện 05 nhóm tiện ích"));

    // (code, lead, due kind, due end)
    let expected: [(&str, &[&str], DueKind, &str); 24] = [
        (
            "1.1",
            &["Các cơ quan, đơn vị có thủ tục trong 53 DVC thiết yếu"],
            DueKind::Conditional,
            "",
        ),
        (
            "1.2",
            &["Sở Thông tin và Truyền thông"],
            DueKind::Date,
            "2023-11-30",
        ),
        ("1.3", &["Công an tỉnh"], DueKind::Conditional, ""),
        ("2.1", &["Sở Y tế"], DueKind::Date, "2023-12-31"),
        ("2.2", &["Sở Tư pháp"], DueKind::Date, "2023-12-31"),
        ("2.3", &["Công an tỉnh"], DueKind::Date, "2023-12-31"),
        ("2.4", &["Công an tỉnh"], DueKind::Date, "2023-12-31"),
        ("2.5", &["Công an tỉnh"], DueKind::Date, "2023-12-31"),
        ("2.6", &["Công an tỉnh"], DueKind::Date, "2023-12-31"),
        (
            "2.7",
            &["Sở Lao động - Thương binh và Xã hội"],
            DueKind::Date,
            "2023-12-31",
        ),
        (
            "3.1",
            &["Công an tỉnh", "Sở Thông tin và truyền thông"],
            DueKind::Date,
            "2023-12-15",
        ),
        (
            "3.2",
            &["Sở Thông tin và Truyền thông"],
            DueKind::Date,
            "2023-12-31",
        ),
        (
            "3.3",
            &["Sở Thông tin và Truyền thông"],
            DueKind::Date,
            "2023-12-31",
        ),
        (
            "3.4",
            &[
                "Sở Văn hóa, Thể thao và Du lịch",
                "Sở Thông tin và Truyền thông",
            ],
            DueKind::Recurring,
            "",
        ),
        ("3.5", &["Sở Nội vụ"], DueKind::Recurring, ""),
        ("3.6", &["Công an tỉnh"], DueKind::Recurring, ""),
        (
            "3.7",
            &["Sở Giáo dục và Đào tạo"],
            DueKind::Date,
            "2023-12-31",
        ),
        ("3.8", &["Công an tỉnh"], DueKind::Conditional, ""),
        ("3.9", &["Công an tỉnh"], DueKind::Date, "2024-03-31"),
        (
            "4.1",
            &["Sở Tài nguyên và Môi trường"],
            DueKind::Date,
            "2023-11-10",
        ),
        (
            "4.2",
            &["Sở Lao động - Thương binh và Xã hội"],
            DueKind::Date,
            "2023-11-10",
        ),
        ("5.1", &["Công an tỉnh"], DueKind::Date, "2023-12-31"),
        (
            "5.2",
            &["Sở Thông tin và Truyền thông"],
            DueKind::Unspecified,
            "",
        ),
        ("5.3", &["Công an tỉnh"], DueKind::Quarter, "2024-03-31"),
    ];
    assert_eq!(draft.tasks.len(), 24);
    for (task, (code, lead, kind, end)) in draft.tasks.iter().zip(expected) {
        assert_eq!(task.code, code);
        assert_eq!(task.lead, lead, "lead of {code}");
        assert_eq!(task.due.kind, kind, "due of {code}: {:?}", task.due);
        assert_eq!(task.due.end, date(end), "due end of {code}");
    }
    let groups: Vec<usize> = ["1.", "2.", "3.", "4.", "5."]
        .iter()
        .map(|p| draft.tasks.iter().filter(|t| t.code.starts_with(p)).count())
        .collect();
    assert_eq!(groups, vec![3, 7, 9, 2, 3]);
    let t = &draft.tasks[0];
    assert_eq!(t.title, "Đẩy mạnh triển khai 53 DVC thiết yếu");
    assert!(t.group.starts_with("Nhóm tiện ích phục vụ giải quyết TTHC"));
    assert_eq!(t.due.text, "Theo lộ trình của Chính phủ, Bộ Công an");
    assert_eq!(
        draft.tasks[21].coordinating,
        vec![
            "Sở Y tế",
            "Sở Lao động - Thương binh và Xã hội",
            "Sở Văn hoá, Thể thao và Du lịch",
            "Sở Thông tin và Truyền thông",
            "Văn phòng UBND tỉnh"
        ]
    );
    assert_eq!(draft.tasks[3].kpi[0].target_percent, Some(100.0));
    // The task without any time in its roadmap is reported.
    assert!(draft
        .findings
        .iter()
        .any(|f| f.where_.as_deref() == Some("Nhiệm vụ 5.2") && f.message.contains("thời hạn")));
}

#[test]
fn bac_giang_rules() {
    let draft = parse(BAC_GIANG, "bacgiang.txt");
    let rules = &draft.plan.report_rules;
    assert_eq!(rules.len(), 2, "{rules:?}");
    let weekly = rules.iter().find(|r| r.every == Every::Week).unwrap();
    assert_eq!(weekly.rule, RuleKind::WeekdayTime);
    assert_eq!(weekly.weekday, Some(3));
    assert_eq!(weekly.time.as_deref(), Some("15:00"));
    let main = draft.plan.report_due.as_ref().unwrap();
    assert_eq!(
        (main.every, main.rule, main.day),
        (Every::Month, RuleKind::BeforeDay, Some(15))
    );
}

#[test]
fn binh_phuoc_assignment_table() {
    let draft = parse(BINH_PHUOC, "binhphuoc.txt");
    assert_eq!(draft.plan.province.as_deref(), Some("Bình Phước"));
    assert_eq!(draft.plan.issued_on, date("2022-05-09"));
    assert!(draft
        .plan
        .title
        .starts_with("Triển khai, thực hiện Đề án phát triển ứng dụng"));
    let expected: [(&str, bool, DueKind, &str); 12] = [
        ("1", true, DueKind::Conditional, ""),
        ("2.1", true, DueKind::Month, "2022-02-28"),
        ("2.2", true, DueKind::Month, "2022-03-31"),
        ("2.3", true, DueKind::Month, "2022-05-31"),
        ("2.4", true, DueKind::Recurring, ""),
        ("2.5", true, DueKind::Month, "2022-06-30"),
        ("3", true, DueKind::Conditional, ""),
        ("4", true, DueKind::Conditional, ""),
        ("5.1", true, DueKind::Month, "2022-03-31"),
        ("5.2", false, DueKind::Recurring, ""),
        ("6.1", true, DueKind::Conditional, ""),
        ("6.2", false, DueKind::Month, "2022-12-31"),
    ];
    assert_eq!(draft.tasks.len(), expected.len());
    for (task, (code, has_lead, kind, end)) in draft.tasks.iter().zip(expected) {
        assert_eq!(task.code, code);
        if has_lead {
            assert_eq!(task.lead, vec!["Văn phòng Sở"], "lead of {code}");
        } else {
            assert!(task.lead.is_empty(), "lead of {code}");
        }
        assert_eq!(task.due.kind, kind, "due of {code}");
        assert_eq!(task.due.end, date(end), "due end of {code}");
    }
    assert_eq!(
        draft.tasks[3].coordinating,
        vec![
            "Phòng Lao động - Việc làm",
            "Trung tâm Dịch vụ việc làm tỉnh"
        ]
    );
    assert_eq!(draft.tasks[6].group, "Phục vụ phát triển kinh tế - xã hội");
    assert_eq!(
        draft.tasks[1].group,
        "Phục vụ giải quyết thủ tục hành chính, cung cấp dịch vụ công trực tuyến"
    );
    assert!(draft
        .findings
        .iter()
        .any(|f| f.message.contains("Nhiệm vụ 5.2 chưa có cơ quan chủ trì")));
}

#[test]
fn binh_phuoc_rules() {
    let draft = parse(BINH_PHUOC, "binhphuoc.txt");
    let rules = &draft.plan.report_rules;
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert_eq!((rules[0].day, rules[0].scope), (Some(15), Scope::Province));
    assert_eq!((rules[1].day, rules[1].scope), (Some(13), Scope::Internal));
    assert_eq!(draft.plan.report_due.as_ref().unwrap().day, Some(15));
}

#[test]
fn objectives_qa_is_not_a_plan() {
    let err = parse_plan(DE_AN_06.as_bytes(), "hoi-dap.txt", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::NotAPlan { .. }), "{err:?}");
}

#[test]
fn resolver_names_are_used() {
    let draft = parse_plan(BAC_GIANG.as_bytes(), "bacgiang.txt", &|name| {
        (crate::domain::fold::fold(name) == "so thong tin va truyen thong")
            .then(|| "Sở Khoa học và Công nghệ".to_string())
    })
    .unwrap();
    assert_eq!(draft.tasks[1].lead, vec!["Sở Khoa học và Công nghệ"]);
    assert!(!draft
        .findings
        .iter()
        .any(|f| f.message.contains("«Sở Thông tin và Truyền thông»")));
}
