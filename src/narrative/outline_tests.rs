//! The outline from a small period built in memory: two groups, tasks done, overdue, due
//! next month and without a report, agencies on time, late and missing, difficulties and
//! proposals.

use chrono::NaiveDate;

use super::{
    layout::NarrativeLayout,
    outline::{build, next_cutoff_end, next_span, state_counts, Figures, Line, Outline},
};
use crate::{
    consolidate::{data::*, task_state::TaskState, workbook::WriteOptions, Consolidated, Options},
    domain::{due::DueKind, period::Month, span::Span},
};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sample() -> PeriodData {
    let month = Month::parse("2022-11").unwrap();
    let (start, end) = month.cutoff_window();
    let deadline = date(2022, 11, 17).and_hms_opt(16, 59, 59).unwrap();
    let window = PeriodWindow {
        month,
        cutoff_start: start,
        cutoff_end: end,
        deadline: Some(deadline),
        stored: true,
    };
    let agency = |id: i64, name: &str| {
        (
            id,
            AgencyInfo {
                id,
                name: name.into(),
                short_name: None,
                successor_id: None,
                successor_from: None,
                active_to: None,
            },
        )
    };
    let task = |id: i64, group: i64, title: &str, end: NaiveDate| TaskInfo {
        id,
        group_id: Some(group),
        code: format!("{id}"),
        title: title.into(),
        due_kind: DueKind::Date,
        due_end: Some(end),
        due_text: format!("Trước ngày {}", end.format("%d/%m/%Y")),
        kpi: Vec::new(),
        position: id as i32,
    };
    let lead = |task_id, agency_id| Assignment {
        task_id,
        agency_id,
        role: "lead".into(),
    };
    let submission = |id, agency_id, at| SubmissionInfo {
        id,
        agency_id,
        period: month,
        version: 1,
        uploaded_at: at,
        outcome: "processed".into(),
        findings: 0,
    };
    let row =
        |submission_id, task_id, status: &str, result: &str, diff: &str, prop: &str| RowInfo {
            submission_id,
            task_id: Some(task_id),
            source_row: 6,
            status: Some(status.into()),
            progress_percent: None,
            result: result.into(),
            difficulties: diff.into(),
            proposals: prop.into(),
        };
    PeriodData {
        span: Span::Month(month),
        plan: PlanInfo {
            id: 1,
            province: "Trà Vinh".into(),
            number: Some("13/KH-UBND".into()),
            title: "Triển khai Đề án 06".into(),
            report_rule: None,
        },
        period: window,
        agencies: [
            agency(1, "Công an tỉnh"),
            agency(2, "Sở Y tế"),
            agency(3, "Sở Tư pháp"),
        ]
        .into_iter()
        .collect(),
        groups: vec![
            GroupInfo {
                id: 100,
                code: "1".into(),
                title: "Dịch vụ công thiết yếu".into(),
                position: 1,
            },
            GroupInfo {
                id: 200,
                code: "2".into(),
                title: "Phát triển công dân số".into(),
                position: 2,
            },
        ],
        tasks: vec![
            task(10, 100, "Cấp căn cước", date(2023, 6, 30)),
            task(11, 100, "Liên thông khai sinh", date(2022, 9, 30)),
            task(12, 200, "Tài khoản định danh", date(2022, 12, 10)),
            task(13, 200, "Lý lịch tư pháp", date(2023, 12, 31)),
        ],
        assignments: vec![lead(10, 1), lead(11, 2), lead(12, 1), lead(13, 3)],
        submissions: vec![
            // Công an tỉnh on time, Sở Y tế a day late, Sở Tư pháp missing.
            submission(500, 1, deadline - chrono::Duration::days(1)),
            submission(501, 2, deadline + chrono::Duration::days(1)),
        ],
        rows: vec![
            row(500, 10, "done", "- Đã cấp 12.000 thẻ\n- Xong", "", ""),
            row(
                501,
                11,
                "in_progress",
                "Đang làm",
                "Thiếu kinh phí",
                "Đề nghị bổ sung kinh phí",
            ),
            row(
                500,
                12,
                "in_progress",
                "Đã tạo 5.000 tài khoản",
                "",
                "Tập huấn",
            ),
        ],
        earlier_done: Vec::new(),
        reminders_sent: Default::default(),
        year_periods: vec![window],
    }
}

fn outline() -> (Consolidated, Outline) {
    let c = Consolidated::build(sample(), Options::default());
    let o = build(
        &c,
        &NarrativeLayout::bundled(),
        &WriteOptions {
            report_date: date(2023, 1, 5),
            number: Some(3),
        },
    );
    (c, o)
}

fn texts(o: &Outline) -> Vec<&str> {
    o.body.iter().map(Line::text).collect()
}

/// Lines between a heading and the next heading.
fn section<'a>(o: &'a Outline, heading: &str) -> Vec<&'a str> {
    let start = o
        .body
        .iter()
        .position(|l| *l == Line::Heading(heading.into()))
        .unwrap_or_else(|| panic!("no heading {heading}"));
    o.body[start + 1..]
        .iter()
        .take_while(|l| !matches!(l, Line::Heading(_)))
        .map(Line::text)
        .collect()
}

#[test]
fn the_header_block_is_filled() {
    let (_, o) = outline();
    assert_eq!(o.header.parent_body, "UBND TỈNH TRÀ VINH");
    assert_eq!(o.header.issuing_body, "CÔNG AN TỈNH");
    assert_eq!(o.header.number, "Số: 03/BC-CAT");
    assert_eq!(
        o.header.place_and_date,
        "Trà Vinh, ngày 05 tháng 01 năm 2023"
    );
    assert_eq!(o.title, "BÁO CÁO");
    assert_eq!(
        o.summary,
        "Kết quả thực hiện Kế hoạch số 13/KH-UBND tháng 11/2022"
    );
    assert_eq!(o.signature.authority, "KT. TỔ TRƯỞNG");
    assert_eq!(o.recipients[0], "- Chủ tịch UBND tỉnh (để báo cáo);");
}

#[test]
fn the_four_sections_come_in_order() {
    let (_, o) = outline();
    let headings: Vec<&str> = o
        .body
        .iter()
        .filter_map(|l| match l {
            Line::Heading(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        headings,
        [
            "I. KẾT QUẢ THỰC HIỆN",
            "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
            "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI",
            "IV. ĐỀ XUẤT, KIẾN NGHỊ"
        ]
    );
    assert!(texts(&o)[0].starts_with("Thực hiện Kế hoạch số 13/KH-UBND của UBND tỉnh Trà Vinh"));
    assert!(texts(&o).last().unwrap().ends_with("./."));
}

#[test]
fn figures_are_the_consolidations() {
    let (c, o) = outline();
    assert_eq!(o.figures, Figures::of(&c));
    assert_eq!(o.figures.total, 4);
    let state =
        |s: TaskState| o.figures.states[TaskState::ALL.iter().position(|x| *x == s).unwrap()];
    assert_eq!(state(TaskState::DoneOnTime), 1);
    assert_eq!(state(TaskState::InProgressOverdue), 1);
    assert_eq!(state(TaskState::DueSoon), 1);
    assert_eq!(state(TaskState::NoReport), 1);
    let k = o.figures.compliance;
    assert_eq!((k.expected, k.on_time, k.late, k.missing), (3, 1, 1, 1));

    let results = section(&o, "I. KẾT QUẢ THỰC HIỆN");
    assert!(results.contains(&"Tổng số nhiệm vụ theo dõi: 04 nhiệm vụ, trong đó:"));
    assert!(results.contains(&"- Hoàn thành đúng hạn: 01 nhiệm vụ (25%);"));
    assert!(!results
        .iter()
        .any(|l| l.starts_with("- Hoàn thành quá hạn")));
    assert!(results.contains(
        &"Tình hình gửi báo cáo: 03 cơ quan, đơn vị phải báo cáo; 01 đơn vị gửi đúng hạn; 01 đơn vị gửi trễ hạn; 01 đơn vị chưa gửi báo cáo."
    ));
    assert!(results.contains(&"(Chi tiết tại Phụ lục tổng hợp kèm theo.)"));
}

#[test]
fn groups_list_their_tasks_with_condensed_lead_results() {
    let (_, o) = outline();
    let results = section(&o, "I. KẾT QUẢ THỰC HIỆN");
    let g1 = results
        .iter()
        .position(|l| *l == "2.1. Dịch vụ công thiết yếu")
        .unwrap();
    assert_eq!(
        results[g1 + 1],
        "Nhóm có 02 nhiệm vụ: 01 hoàn thành đúng hạn, 01 đang thực hiện quá hạn."
    );
    assert_eq!(
        results[g1 + 2],
        "- Cấp căn cước (Công an tỉnh): Đã cấp 12.000 thẻ; Xong."
    );
    assert_eq!(
        results[g1 + 3],
        "- Liên thông khai sinh (Sở Y tế): Đang làm."
    );
    assert!(results.contains(&"2.2. Phát triển công dân số"));
    assert!(results.contains(&"- Lý lịch tư pháp (Sở Tư pháp): chưa có báo cáo kết quả."));
}

#[test]
fn shortcomings_name_overdue_tasks_missing_agencies_and_difficulties() {
    let (_, o) = outline();
    let ii = section(&o, "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN");
    assert_eq!(ii[0], "Còn 01 nhiệm vụ đang thực hiện quá hạn:");
    assert_eq!(
        ii[1],
        "- Liên thông khai sinh (Sở Y tế; thời hạn: Trước ngày 30/09/2022);"
    );
    assert!(ii.contains(&"Có 01 nhiệm vụ cơ quan chủ trì chưa báo cáo kết quả:"));
    assert!(ii.contains(&"Có 01 cơ quan, đơn vị chưa gửi báo cáo: Sở Tư pháp."));
    assert!(ii.contains(&"Có 01 cơ quan, đơn vị gửi báo cáo trễ hạn: Sở Y tế."));
    assert!(ii.contains(&"- Thiếu kinh phí (Sở Y tế)."));
    assert!(ii.last().unwrap().starts_with("Nguyên nhân"));
}

#[test]
fn the_next_period_lists_tasks_due_by_its_cutoff() {
    let (_, o) = outline();
    let iii = section(&o, "III. NHIỆM VỤ TRỌNG TÂM KỲ TỚI");
    assert_eq!(
        iii[0],
        "Trong tháng 12/2022, các cơ quan, đơn vị tập trung thực hiện:"
    );
    // Due 10/12/2022: within the next window (to 14/12); the 2023 tasks are not.
    assert_eq!(
        iii[1],
        "- Tài khoản định danh (Công an tỉnh; thời hạn: Trước ngày 10/12/2022);"
    );
    assert!(iii[2].contains("01 nhiệm vụ đang thực hiện quá hạn"));
    assert_eq!(iii.len(), 4);
}

#[test]
fn proposals_are_grouped_by_what_they_say() {
    let mut data = sample();
    // Sở Y tế also asks for training, on another task, written differently.
    data.rows.push(RowInfo {
        submission_id: 501,
        task_id: Some(10),
        source_row: 7,
        status: None,
        progress_percent: None,
        result: String::new(),
        difficulties: String::new(),
        proposals: "- tập huấn;".into(),
    });
    let c = Consolidated::build(data, Options::default());
    let o = build(
        &c,
        &NarrativeLayout::bundled(),
        &WriteOptions {
            report_date: date(2023, 1, 5),
            number: None,
        },
    );
    let iv = section(&o, "IV. ĐỀ XUẤT, KIẾN NGHỊ");
    assert_eq!(
        iv[..2],
        [
            "- Tập huấn (Công an tỉnh, Sở Y tế).",
            "- Đề nghị bổ sung kinh phí (Sở Y tế)."
        ]
    );
}

#[test]
fn a_quiet_period_says_so() {
    let mut data = sample();
    data.rows.iter_mut().for_each(|r| {
        r.difficulties.clear();
        r.proposals.clear();
    });
    let c = Consolidated::build(data, Options::default());
    let mut layout = NarrativeLayout::bundled();
    layout.signature.signer = "Nguyễn Văn A".into();
    let o = build(
        &c,
        &layout,
        &WriteOptions {
            report_date: date(2022, 11, 21),
            number: None,
        },
    );
    assert_eq!(o.header.number, "Số:        /BC-CAT");
    assert_eq!(o.signature.signer, "Nguyễn Văn A");
    assert_eq!(
        section(&o, "IV. ĐỀ XUẤT, KIẾN NGHỊ")[0],
        "Trong kỳ, các cơ quan, đơn vị không có đề xuất, kiến nghị."
    );
}

#[test]
fn next_periods() {
    let m = |s: &str| Span::parse(s).unwrap();
    assert_eq!(next_span(m("2022-12")), m("2023-01"));
    assert_eq!(next_span(m("2022-Q4")), m("2023-Q1"));
    assert_eq!(next_span(m("2022-Q2")), m("2022-Q3"));
    assert_eq!(next_span(m("2022")), m("2023"));
    assert_eq!(next_cutoff_end(m("2022-11")), date(2022, 12, 14));
    assert_eq!(next_cutoff_end(m("2022-Q4")), date(2023, 3, 14));
    assert_eq!(
        state_counts(&[2, 0, 0, 1, 0, 0, 0, 0]),
        "02 hoàn thành đúng hạn, 01 đang thực hiện quá hạn"
    );
}
