//! Messy monthly report workbooks of our own making, each in a style clerks really use, with
//! what the ingest pipeline must make of every data row.
//!
//! Two plans: the demo plan (Trà Vinh 13/KH-UBND, codes 1.1 … 5.2) and [`plan_b`], a plan of
//! ours numbered the way Vietnamese plans often are ("III. … 7. … a) … (1)" → "7.a.1").
//! Row numbers are 1-based, as Excel shows them.

#![allow(dead_code)]

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet};
use serde_json::json;
use tonghop::domain::plan::PlanDraft;

/// Which plan a report is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// The demo plan, 13/KH-UBND.
    Demo,
    /// [`plan_b`], 27/KH-UBND.
    PlanB,
}

impl PlanKind {
    pub fn number(self) -> &'static str {
        match self {
            PlanKind::Demo => "13/KH-UBND",
            PlanKind::PlanB => PLAN_B_NUMBER,
        }
    }
}

/// What the findings must say about one data row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// No warning and no error at this row (an info is fine).
    Clean,
    /// At least one warning (or error) at this row.
    Warning,
    /// At least one finding of any severity at this row (e.g. the info that the task is not
    /// assigned to the agency).
    Noted,
    /// Not asserted: a reworded row may fairly be flagged as uncertain.
    Any,
}

/// One data row of a report and what it must become.
#[derive(Debug, Clone)]
pub struct RowExpect {
    pub row: u32,
    pub code: Option<&'static str>,
    pub status: Option<&'static str>,
    pub progress: Option<f64>,
    pub flag: Flag,
}

/// One workbook and its expected result.
pub struct Fixture {
    pub name: &'static str,
    pub style: &'static str,
    pub plan: PlanKind,
    /// The agency as the upload names it (any registry spelling).
    pub agency: &'static str,
    pub period: &'static str,
    pub file_name: &'static str,
    /// The sheet the report table is on.
    pub sheet: &'static str,
    pub bytes: Vec<u8>,
    /// Every data row, in sheet order; no other row may come out as a data row.
    pub rows: Vec<RowExpect>,
}

pub const DONE: Option<&str> = Some("done");
pub const IN_PROGRESS: Option<&str> = Some("in_progress");
pub const NOT_STARTED: Option<&str> = Some("not_started");
pub const ONGOING: Option<&str> = Some("ongoing");

fn x(
    row: u32,
    code: Option<&'static str>,
    status: Option<&'static str>,
    progress: Option<f64>,
    flag: Flag,
) -> RowExpect {
    RowExpect {
        row,
        code,
        status,
        progress,
        flag,
    }
}

// ---------------------------------------------------------------------------------------
// The plans
// ---------------------------------------------------------------------------------------

const DEMO_PLAN_JSON: &str = include_str!("../../fixtures/demo/plan.json");

/// The demo plan's title of a task, as the plan writes it.
pub fn demo_title(code: &str) -> String {
    let plan: serde_json::Value = serde_json::from_str(DEMO_PLAN_JSON).expect("demo plan");
    plan["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["code"] == code)
        .and_then(|t| t["title"].as_str())
        .unwrap_or_else(|| panic!("demo plan has no task {code}"))
        .to_string()
}

pub const PLAN_B_NUMBER: &str = "27/KH-UBND";

/// One task of plan (b): code, title, group, lead, coordinating, (due kind, end, text).
pub type PlanBTask = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    (&'static str, Option<&'static str>, &'static str),
);

pub const PLAN_B_TASKS: [PlanBTask; 9] = [
    (
        "7.a.1",
        "Triển khai cấp tài khoản định danh điện tử mức độ 2 cho công dân trên địa bàn tỉnh",
        "Phát triển định danh và xác thực điện tử",
        &["Công an tỉnh"],
        &["UBND thành phố Trà Vinh"],
        ("recurring", None, "Thường xuyên"),
    ),
    (
        "7.a.2",
        "Tích hợp tài khoản định danh điện tử VNeID với Cổng dịch vụ công và Hệ thống thông tin giải quyết thủ tục hành chính của tỉnh",
        "Phát triển định danh và xác thực điện tử",
        &["Văn phòng UBND tỉnh"],
        &["Công an tỉnh", "Sở Thông tin và Truyền thông"],
        ("month", Some("2022-06-30"), "Trong tháng 6 năm 2022"),
    ),
    (
        "7.b.1",
        "Số hóa, làm sạch dữ liệu hộ tịch và kết nối Cơ sở dữ liệu hộ tịch điện tử với Cơ sở dữ liệu quốc gia về dân cư",
        "Kết nối, chia sẻ dữ liệu chuyên ngành",
        &["Sở Tư pháp"],
        &["Công an tỉnh"],
        ("quarter", Some("2022-09-30"), "Quý III/2022"),
    ),
    (
        "7.b.2",
        "Cập nhật thông tin tiêm chủng, khám sức khỏe của người dân vào Sổ sức khỏe điện tử",
        "Kết nối, chia sẻ dữ liệu chuyên ngành",
        &["Sở Y tế"],
        &["Công an tỉnh"],
        ("year", Some("2022-12-31"), "Trong năm 2022"),
    ),
    (
        "8.1",
        "Triển khai thanh toán viện phí không dùng tiền mặt tại các bệnh viện tuyến tỉnh",
        "Phát triển y tế số",
        &["Sở Y tế"],
        &["Ngân hàng Nhà nước chi nhánh tỉnh"],
        ("quarter", Some("2022-12-31"), "Quý IV/2022"),
    ),
    (
        "8.2",
        "Sử dụng căn cước công dân gắn chip để xác thực thông tin người bệnh khi khám bệnh, chữa bệnh bảo hiểm y tế",
        "Phát triển y tế số",
        &["Sở Y tế"],
        &["Bảo hiểm xã hội tỉnh", "Công an tỉnh"],
        ("month", Some("2022-09-30"), "Trong tháng 9 năm 2022"),
    ),
    (
        "8.3",
        "Tập huấn kỹ năng số cho đội ngũ nhân viên y tế tuyến xã",
        "Phát triển y tế số",
        &["Sở Y tế"],
        &[],
        ("year", Some("2022-12-31"), "Trong năm 2022"),
    ),
    (
        "9.1",
        "Bảo đảm an ninh, an toàn thông tin cho hệ thống kết nối, chia sẻ dữ liệu dân cư của tỉnh",
        "Bảo đảm an ninh, an toàn và kiểm tra, giám sát",
        &["Công an tỉnh"],
        &["Sở Thông tin và Truyền thông"],
        ("recurring", None, "Thường xuyên"),
    ),
    (
        "9.2",
        "Kiểm tra, đánh giá tình hình thực hiện Kế hoạch tại các huyện, thị xã, thành phố",
        "Bảo đảm an ninh, an toàn và kiểm tra, giám sát",
        &["Công an tỉnh"],
        &["Văn phòng UBND tỉnh"],
        ("quarter", Some("2022-12-31"), "Quý IV/2022"),
    ),
];

pub fn plan_b_title(code: &str) -> &'static str {
    PLAN_B_TASKS
        .iter()
        .find(|t| t.0 == code)
        .map(|t| t.1)
        .unwrap_or_else(|| panic!("plan b has no task {code}"))
}

/// Plan (b) as an importer would produce it.
pub fn plan_b() -> PlanDraft {
    let rule = json!({"every": "month", "rule": "before_day", "day": 18,
        "text": "Định kỳ trước ngày 18 hằng tháng báo cáo kết quả về Công an tỉnh để tổng hợp."});
    let tasks: Vec<serde_json::Value> = PLAN_B_TASKS
        .iter()
        .map(
            |(code, title, group, lead, coordinating, (kind, end, text))| {
                json!({"code": code, "title": title, "group": group, "lead": lead,
                   "coordinating": coordinating,
                   "due": {"kind": kind, "end": end, "text": text}, "kpi": []})
            },
        )
        .collect();
    serde_json::from_value(json!({
        "plan": {
            "province": "Trà Vinh",
            "number": PLAN_B_NUMBER,
            "issued_on": "2022-03-15",
            "title": "Kế hoạch thực hiện các nhiệm vụ trọng tâm về phát triển ứng dụng dữ liệu dân cư, định danh và xác thực điện tử năm 2022 trên địa bàn tỉnh Trà Vinh",
            "report_due": rule,
            "report_rules": [rule]
        },
        "tasks": tasks,
        "findings": []
    }))
    .expect("plan b is a valid draft")
}

// ---------------------------------------------------------------------------------------
// Writing cells
// ---------------------------------------------------------------------------------------

/// A cell value.
#[derive(Clone, Copy)]
pub enum V<'a> {
    /// Text.
    S(&'a str),
    /// A number.
    N(f64),
    /// A number shown as percent (0.8 shows "80%").
    P(f64),
    /// A formula with its cached result, shown as percent.
    FP(&'a str, f64),
    /// A formula with its cached result.
    F(&'a str, f64),
    /// Nothing.
    E,
}
use V::*;

/// "E15" → (row 14, col 4), 0-based.
fn addr(a1: &str) -> (u32, u16) {
    let letters: String = a1.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let digits = &a1[letters.len()..];
    let col = letters.chars().fold(0u32, |acc, c| {
        acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
    }) - 1;
    (digits.parse::<u32>().expect("row") - 1, col as u16)
}

fn cell_format() -> Format {
    Format::new().set_text_wrap().set_border(FormatBorder::Thin)
}

fn bold() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap()
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
}

fn write(ws: &mut Worksheet, row: u32, col: u16, value: V, format: &Format) {
    let percent = format.clone().set_num_format("0%");
    match value {
        S("") => {
            ws.write_blank(row, col, format).unwrap();
        }
        S(text) => {
            ws.write_string_with_format(row, col, text, format).unwrap();
        }
        N(n) => {
            ws.write_number_with_format(row, col, n, format).unwrap();
        }
        P(n) => {
            ws.write_number_with_format(row, col, n, &percent).unwrap();
        }
        F(formula, cached) => {
            ws.write_formula_with_format(
                row,
                col,
                Formula::new(formula).set_result(cached.to_string()),
                format,
            )
            .unwrap();
        }
        FP(formula, cached) => {
            ws.write_formula_with_format(
                row,
                col,
                Formula::new(formula).set_result(cached.to_string()),
                &percent,
            )
            .unwrap();
        }
        E => {
            ws.write_blank(row, col, format).unwrap();
        }
    }
}

/// Writes a table row from column A (1-based `row`).
fn row(ws: &mut Worksheet, row: u32, cells: &[V]) {
    let format = cell_format();
    for (col, value) in cells.iter().enumerate() {
        write(ws, row - 1, col as u16, *value, &format);
    }
}

/// Writes a header row from column A.
fn header(ws: &mut Worksheet, row: u32, labels: &[&str]) {
    let format = header_format();
    for (col, label) in labels.iter().enumerate() {
        write(ws, row - 1, col as u16, S(label), &format);
    }
}

/// A heading row (group) from column A, bold.
fn heading(ws: &mut Worksheet, row: u32, number: &str, text: &str, width: u16) {
    let format = cell_format().set_bold();
    write(ws, row - 1, 0, S(number), &format);
    write(ws, row - 1, 1, S(text), &format);
    for col in 2..width {
        write(ws, row - 1, col, E, &format);
    }
}

/// One cell, free text, at an A1 address.
fn at(ws: &mut Worksheet, a1: &str, text: &str) {
    let (r, c) = addr(a1);
    ws.write_string(r, c, text).unwrap();
}

/// A merged area ("A1:C1") holding `text`.
fn merge(ws: &mut Worksheet, range: &str, text: &str, format: &Format) {
    let (first, last) = range.split_once(':').expect("range");
    let (r1, c1) = addr(first);
    let (r2, c2) = addr(last);
    ws.merge_range(r1, c1, r2, c2, text, format).unwrap();
}

fn widths(ws: &mut Worksheet, widths: &[f64]) {
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, *w).unwrap();
    }
}

fn save(mut wb: Workbook) -> Vec<u8> {
    wb.save_to_buffer().expect("workbook")
}

/// The national motto block on the right and the agency block on the left (rows 1–3).
fn official_block(
    ws: &mut Worksheet,
    parent: &str,
    agency: &str,
    number: &str,
    date: &str,
    right: &str,
) {
    let b = bold();
    let italic = Format::new().set_italic().set_align(FormatAlign::Center);
    merge(
        ws,
        "A1:C1",
        parent,
        &Format::new().set_align(FormatAlign::Center),
    );
    merge(
        ws,
        &format!("E1:{right}1"),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &b,
    );
    merge(ws, "A2:C2", agency, &b);
    merge(
        ws,
        &format!("E2:{right}2"),
        "Độc lập - Tự do - Hạnh phúc",
        &b,
    );
    merge(
        ws,
        "A3:C3",
        number,
        &Format::new().set_align(FormatAlign::Center),
    );
    merge(ws, &format!("E3:{right}3"), date, &italic);
}

// ---------------------------------------------------------------------------------------
// The fixtures
// ---------------------------------------------------------------------------------------

/// Every processed-report fixture.
pub fn all() -> Vec<Fixture> {
    vec![
        official_demo(90.0),
        two_row_header(),
        tick_marks(),
        roman_groups(),
        no_stt_paraphrased(),
        capitals_without_diacritics(),
        code_forms(),
        cover_and_list_sheets(),
        unassigned_duplicate_unrelated(),
        page_break_header_spacers(),
        status_abbreviations(),
        formula_progress(),
        nested_plan_structure(),
        codes_in_task_text(),
        official_plan_b(),
        hidden_old_month_multiline(),
    ]
}

pub fn by_name(name: &str) -> Fixture {
    all()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// 1 + 10: the official layout (agency block, national motto, title, header on row 8, a row
/// of column numbers), STT = plan code, a totals row with a formula and the signature block.
/// `progress_12` is the progress of task 1.2, to make a changed version of the same file.
pub fn official_demo(progress_12: f64) -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[6.0, 45.0, 16.0, 14.0, 45.0, 9.0, 14.0, 25.0, 25.0]);
    official_block(
        ws,
        "UBND TỈNH TRÀ VINH",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "Số: 412/BC-STTTT",
        "Trà Vinh, ngày 12 tháng 12 năm 2022",
        "I",
    );
    merge(
        ws,
        "A5:I5",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG 12/2022",
        &bold(),
    );
    merge(
        ws,
        "A6:I6",
        "(Theo Kế hoạch số 13/KH-UBND ngày 11/02/2022 của Ủy ban nhân dân tỉnh Trà Vinh)",
        &Format::new().set_italic().set_align(FormatAlign::Center),
    );
    header(
        ws,
        8,
        &[
            "STT",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Thời gian hoàn thành",
            "Kết quả thực hiện",
            "Tiến độ (%)",
            "Tình trạng",
            "Khó khăn, vướng mắc",
            "Đề xuất, kiến nghị",
        ],
    );
    header(
        ws,
        9,
        &[
            "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)",
        ],
    );
    let (t11, t12, t51) = (demo_title("1.1"), demo_title("1.2"), demo_title("5.1"));
    row(ws, 10, &[
        S("1.1"),
        S(&t11),
        S("Sở Thông tin và Truyền thông"),
        S("Trong tháng 3 năm 2022"),
        S("Đã hoàn thành rà soát 14 hệ thống thông tin giải quyết thủ tục hành chính; kết quả báo cáo UBND tỉnh tại Báo cáo số 95/BC-STTTT."),
        N(100.0),
        S("Đã hoàn thành"),
        S(""),
        S(""),
    ]);
    row(ws, 11, &[
        S("1.2"),
        S(&t12),
        S("Văn phòng UBND tỉnh"),
        S("Quý II/2022"),
        S("Phối hợp Văn phòng UBND tỉnh kiểm thử kết nối Cổng dịch vụ công với Cơ sở dữ liệu quốc gia về dân cư."),
        N(progress_12),
        S("Đang thực hiện"),
        S("Kinh phí nâng cấp chưa được bố trí."),
        S("Đề nghị Sở Tài chính tham mưu bố trí kinh phí."),
    ]);
    row(ws, 12, &[
        S("5.1"),
        S(&t51),
        S("Công an tỉnh"),
        S("Thường xuyên"),
        S("Đăng 25 tin, bài hướng dẫn kích hoạt tài khoản định danh điện tử trên Cổng Thông tin điện tử tỉnh."),
        E,
        S("Thường xuyên"),
        S(""),
        S(""),
    ]);
    let total = cell_format().set_bold();
    merge(ws, "A13:D13", "Tổng cộng", &total);
    write(ws, 12, 4, S("03 nhiệm vụ"), &total);
    write(
        ws,
        12,
        5,
        F("=AVERAGE(F10:F11)", (100.0 + progress_12) / 2.0),
        &total,
    );
    let italic_bold = Format::new().set_bold().set_italic();
    ws.write_string_with_format(14, 0, "Nơi nhận:", &italic_bold)
        .unwrap();
    merge(ws, "F15:I15", "KT. GIÁM ĐỐC", &bold());
    at(ws, "A16", "- Công an tỉnh (Thường trực Tổ công tác);");
    merge(ws, "F16:I16", "PHÓ GIÁM ĐỐC", &bold());
    at(ws, "A17", "- Lưu: VT, CNTT.");
    merge(ws, "F20:I20", "Nguyễn Văn Bình", &bold());
    Fixture {
        name: "official_demo",
        style: "1+10: official layout (agency block, national motto, header on row 8, column numbers), STT = plan code, totals row with formula, signature block",
        plan: PlanKind::Demo,
        agency: "Sở TT&TT",
        period: "2022-12",
        file_name: "BC_STTTT_T12.2022.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(10, Some("1.1"), DONE, Some(100.0), Flag::Clean),
            x(11, Some("1.2"), IN_PROGRESS, Some(progress_12), Flag::Clean),
            x(12, Some("5.1"), ONGOING, None, Flag::Clean),
        ],
    }
}

/// 2 + 6: "Kết quả thực hiện" merged over "Kết quả" | "Tỷ lệ (%)"; progress as 0.95 in
/// percent-formatted cells.
fn two_row_header() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("BC thang 12").unwrap();
    widths(ws, &[6.0, 45.0, 45.0, 10.0, 16.0, 14.0]);
    merge(ws, "A1:F1", "CÔNG AN TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:F2",
        "KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 - THÁNG 12/2022",
        &bold(),
    );
    let h = header_format();
    merge(ws, "A4:A5", "TT", &h);
    merge(ws, "B4:B5", "Nhiệm vụ", &h);
    merge(ws, "C4:D4", "Kết quả thực hiện", &h);
    merge(ws, "E4:E5", "Tình trạng", &h);
    merge(ws, "F4:F5", "Ghi chú", &h);
    write(ws, 4, 2, S("Kết quả"), &h);
    write(ws, 4, 3, S("Tỷ lệ (%)"), &h);
    let (t21, t22, t41, t51) = (
        demo_title("2.1"),
        demo_title("2.2"),
        demo_title("4.1"),
        demo_title("5.1"),
    );
    row(
        ws,
        6,
        &[
            S("2.1"),
            S(&t21),
            S("Cập nhật, chỉnh sửa 1.025.318 trường thông tin dân cư."),
            P(0.95),
            S("Đang thực hiện"),
            S(""),
        ],
    );
    row(
        ws,
        7,
        &[
            S("2.2"),
            S(&t22),
            S("Cấp 812.400 thẻ căn cước công dân gắn chip, đạt 100% công dân đủ điều kiện."),
            P(1.0),
            S("Đã hoàn thành"),
            S(""),
        ],
    );
    row(ws, 8, &[
        S("4.1"),
        S(&t41),
        S("Phối hợp Sở Y tế hướng dẫn 68/112 cơ sở khám, chữa bệnh tra cứu thông tin thẻ BHYT bằng CCCD."),
        P(0.6),
        S("Đang thực hiện"),
        S("Phối hợp"),
    ]);
    row(
        ws,
        9,
        &[
            S("5.1"),
            S(&t51),
            S("Kích hoạt 215.000 tài khoản định danh điện tử mức độ 2."),
            P(0.8),
            S("Đang thực hiện"),
            S(""),
        ],
    );
    Fixture {
        name: "two_row_header",
        style: "2+6: two-row merged header (\"Kết quả thực hiện\" over \"Kết quả\" | \"Tỷ lệ (%)\"), progress as 0.95 in percent-formatted cells",
        plan: PlanKind::Demo,
        agency: "Công an tỉnh",
        period: "2022-12",
        file_name: "CAT - bao cao thang 12.xlsx",
        sheet: "BC thang 12",
        bytes: save(wb),
        rows: vec![
            x(6, Some("2.1"), IN_PROGRESS, Some(95.0), Flag::Clean),
            x(7, Some("2.2"), DONE, Some(100.0), Flag::Clean),
            x(8, Some("4.1"), IN_PROGRESS, Some(60.0), Flag::Clean),
            x(9, Some("5.1"), IN_PROGRESS, Some(80.0), Flag::Clean),
        ],
    }
}

/// 3: tick-mark status columns under a merged "Tình hình thực hiện".
fn tick_marks() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    widths(ws, &[6.0, 45.0, 11.0, 11.0, 11.0, 40.0, 25.0]);
    merge(ws, "A1:G1", "VĂN PHÒNG UBND TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:G2",
        "BÁO CÁO TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH 13/KH-UBND (THÁNG 12/2022)",
        &bold(),
    );
    let h = header_format();
    merge(ws, "A4:A5", "STT", &h);
    merge(ws, "B4:B5", "Nội dung nhiệm vụ", &h);
    merge(ws, "C4:E4", "Tình hình thực hiện", &h);
    merge(ws, "F4:F5", "Kết quả cụ thể", &h);
    merge(ws, "G4:G5", "Khó khăn, vướng mắc", &h);
    write(ws, 4, 2, S("Đã hoàn thành"), &h);
    write(ws, 4, 3, S("Đang thực hiện"), &h);
    write(ws, 4, 4, S("Chưa thực hiện"), &h);
    let t: Vec<String> = ["1.1", "1.2", "3.1", "3.3"]
        .iter()
        .map(|c| demo_title(c))
        .collect();
    row(
        ws,
        6,
        &[
            S("1.1"),
            S(&t[0]),
            S("x"),
            E,
            E,
            S("Phối hợp Sở TT&TT rà soát hạ tầng tại Trung tâm Phục vụ hành chính công tỉnh."),
            S(""),
        ],
    );
    row(
        ws,
        7,
        &[
            S("1.2"),
            S(&t[1]),
            E,
            S("x"),
            E,
            S("Đang kiểm thử tích hợp Cổng dịch vụ công với Cơ sở dữ liệu quốc gia về dân cư."),
            S("Phần mềm một cửa điện tử cần nâng cấp."),
        ],
    );
    row(
        ws,
        8,
        &[
            S("3.1"),
            S(&t[2]),
            E,
            S("X"),
            E,
            S("Đã cung cấp 25/25 dịch vụ công thiết yếu; tỷ lệ hồ sơ trực tuyến đạt 21%."),
            S(""),
        ],
    );
    row(
        ws,
        9,
        &[
            S("3.3"),
            S(&t[3]),
            E,
            E,
            S("x"),
            S("Chưa triển khai do chờ bố trí kinh phí số hóa."),
            S("Chưa được bố trí kinh phí."),
        ],
    );
    Fixture {
        name: "tick_marks",
        style: "3: tick-mark status columns (\"Đã hoàn thành\" | \"Đang thực hiện\" | \"Chưa thực hiện\" with x) under a merged header, no progress column",
        plan: PlanKind::Demo,
        agency: "VP UBND tỉnh",
        period: "2022-12",
        file_name: "VPUB_BC_T12.xlsx",
        sheet: "Sheet1",
        bytes: save(wb),
        rows: vec![
            x(6, Some("1.1"), DONE, None, Flag::Clean),
            x(7, Some("1.2"), IN_PROGRESS, None, Flag::Clean),
            x(8, Some("3.1"), IN_PROGRESS, None, Flag::Clean),
            x(9, Some("3.3"), NOT_STARTED, None, Flag::Clean),
        ],
    }
}

/// 4: Roman-numeral group rows, STT restarting 1, 2 per group, no codes; under group IV the
/// clerk's "2" is task 4.3 (the agency has no part in 4.2).
fn roman_groups() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[6.0, 50.0, 45.0, 9.0, 16.0]);
    merge(ws, "A1:E1", "CÔNG AN TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:E2",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG 01/2023",
        &bold(),
    );
    header(
        ws,
        4,
        &[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Trạng thái",
        ],
    );
    heading(ws, 5, "I", "HOÀN THIỆN THỂ CHẾ, HẠ TẦNG", 5);
    row(ws, 6, &[
        S("1"),
        S("Rà soát, đánh giá hiện trạng hạ tầng, hệ thống thông tin giải quyết thủ tục hành chính của tỉnh"),
        S("Phối hợp cung cấp thông tin về hạ tầng kết nối."),
        N(100.0),
        S("Hoàn thành"),
    ]);
    row(ws, 7, &[
        S("2"),
        S("Nâng cấp Cổng dịch vụ công và Hệ thống thông tin một cửa điện tử tỉnh, kết nối với CSDL quốc gia về dân cư"),
        S("Phối hợp kiểm thử kết nối."),
        N(85.0),
        S("Đang thực hiện"),
    ]);
    heading(ws, 8, "II", "CƠ SỞ DỮ LIỆU QUỐC GIA VỀ DÂN CƯ", 5);
    row(
        ws,
        9,
        &[
            S("1"),
            S("Thu thập, cập nhật, chỉnh sửa thông tin dân cư bảo đảm đúng, đủ, sạch, sống"),
            S("Đã cập nhật 1.040.112 thông tin."),
            N(97.0),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        10,
        &[
            S("2"),
            S("Cấp căn cước công dân gắn chip điện tử cho công dân đủ điều kiện"),
            S("Hoàn thành cấp CCCD cho 100% công dân đủ điều kiện."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    heading(
        ws,
        11,
        "III",
        "NHÓM TIỆN ÍCH PHỤC VỤ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH VÀ DỊCH VỤ CÔNG TRỰC TUYẾN",
        5,
    );
    row(ws, 12, &[
        S("1"),
        S("Triển khai dịch vụ công trực tuyến thiết yếu có sử dụng định danh và xác thực điện tử"),
        S("Phối hợp tích hợp xác thực qua VNeID."),
        N(70.0),
        S("Đang thực hiện"),
    ]);
    row(ws, 13, &[
        S("2"),
        S("Liên thông thủ tục đăng ký khai sinh, đăng ký thường trú, cấp thẻ BHYT cho trẻ em dưới 6 tuổi"),
        S("Đã liên thông 3 thủ tục."),
        N(100.0),
        S("Đã hoàn thành"),
    ]);
    heading(
        ws,
        14,
        "IV",
        "NHÓM TIỆN ÍCH PHỤC VỤ PHÁT TRIỂN KINH TẾ, XÃ HỘI",
        5,
    );
    row(
        ws,
        15,
        &[
            S("1"),
            S("Sử dụng thẻ căn cước công dân gắn chip thay thẻ bảo hiểm y tế khi khám, chữa bệnh"),
            S("112/112 cơ sở khám, chữa bệnh đã triển khai."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    row(ws, 16, &[
        S("2"),
        S("Xác thực thông tin học sinh, sinh viên với Cơ sở dữ liệu quốc gia về dân cư khi tuyển sinh"),
        S("Chưa có hướng dẫn của Bộ Giáo dục và Đào tạo."),
        N(0.0),
        S("Chưa thực hiện"),
    ]);
    heading(ws, 17, "V", "NHÓM TIỆN ÍCH PHỤC VỤ CÔNG DÂN SỐ", 5);
    row(
        ws,
        18,
        &[
            S("1"),
            S("Tuyên truyền, hướng dẫn người dân đăng ký, kích hoạt tài khoản định danh điện tử"),
            S("Tổ chức 120 đợt ra quân hỗ trợ kích hoạt tài khoản."),
            E,
            S("Thường xuyên"),
        ],
    );
    Fixture {
        name: "roman_groups",
        style: "4: Roman-numeral group rows, STT restarting 1, 2 per group, no codes (the \"2\" under IV is task 4.3)",
        plan: PlanKind::Demo,
        agency: "CA tỉnh",
        period: "2023-01",
        file_name: "Bao cao DA06 thang 1-2023.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(6, Some("1.1"), DONE, Some(100.0), Flag::Clean),
            x(7, Some("1.2"), IN_PROGRESS, Some(85.0), Flag::Clean),
            x(9, Some("2.1"), IN_PROGRESS, Some(97.0), Flag::Clean),
            x(10, Some("2.2"), DONE, Some(100.0), Flag::Clean),
            x(12, Some("3.1"), IN_PROGRESS, Some(70.0), Flag::Clean),
            x(13, Some("3.2"), DONE, Some(100.0), Flag::Clean),
            x(15, Some("4.1"), DONE, Some(100.0), Flag::Clean),
            x(16, Some("4.3"), NOT_STARTED, Some(0.0), Flag::Any),
            x(18, Some("5.1"), ONGOING, None, Flag::Clean),
        ],
    }
}

/// 5 + 6: no STT column, tasks by shortened, reworded text with abbreviations; progress as
/// "80%", "80 %", "62,5%".
fn no_stt_paraphrased() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("VP").unwrap();
    widths(ws, &[50.0, 45.0, 14.0, 16.0]);
    merge(
        ws,
        "A1:D1",
        "BÁO CÁO THÁNG 01/2023 - VĂN PHÒNG UBND TỈNH",
        &bold(),
    );
    header(
        ws,
        3,
        &[
            "Nhiệm vụ được giao",
            "Kết quả đạt được",
            "Tỷ lệ hoàn thành",
            "Đánh giá",
        ],
    );
    row(
        ws,
        4,
        &[
            S("Nâng cấp Cổng DVC và hệ thống một cửa điện tử của tỉnh để kết nối CSDL dân cư"),
            S("Đã nâng cấp xong phần mềm; đang kiểm thử kết nối."),
            S("80%"),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        5,
        &[
            S("Cung cấp DVC trực tuyến thiết yếu sử dụng định danh, xác thực điện tử"),
            S("Tỷ lệ hồ sơ trực tuyến đạt 24%."),
            S("80 %"),
            S("Đang triển khai"),
        ],
    );
    row(
        ws,
        6,
        &[
            S("Số hóa hồ sơ, kết quả giải quyết TTHC tại bộ phận một cửa các cấp"),
            S("Đã số hóa 62,5% hồ sơ tiếp nhận trong tháng."),
            S("62,5%"),
            S("Đang thực hiện"),
        ],
    );
    row(ws, 7, &[
        S("Phối hợp rà soát hạ tầng, hệ thống thông tin giải quyết TTHC để kết nối CSDL dân cư"),
        S("Đã phối hợp hoàn thành."),
        S("100%"),
        S("Hoàn thành"),
    ]);
    Fixture {
        name: "no_stt_paraphrased",
        style: "5+6: no STT column, tasks by shortened/reworded text with abbreviations (DVC, CSDL, TTHC), progress as \"80%\", \"80 %\", \"62,5%\"",
        plan: PlanKind::Demo,
        agency: "Văn phòng Ủy ban nhân dân tỉnh",
        period: "2023-01",
        file_name: "bc vp t1.xlsx",
        sheet: "VP",
        bytes: save(wb),
        rows: vec![
            x(4, Some("1.2"), IN_PROGRESS, Some(80.0), Flag::Any),
            x(5, Some("3.1"), IN_PROGRESS, Some(80.0), Flag::Any),
            x(6, Some("3.3"), IN_PROGRESS, Some(62.5), Flag::Any),
            x(7, Some("1.1"), DONE, Some(100.0), Flag::Any),
        ],
    }
}

/// 7: everything in capitals without diacritics; one row without a code.
fn capitals_without_diacritics() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("BAO CAO").unwrap();
    widths(ws, &[6.0, 50.0, 40.0, 10.0, 18.0, 25.0]);
    at(ws, "A1", "CONG AN TINH TRA VINH");
    at(ws, "A2", "BAO CAO KET QUA THUC HIEN DE AN 06 THANG 02/2023");
    header(
        ws,
        4,
        &[
            "STT",
            "NOI DUNG NHIEM VU",
            "KET QUA THUC HIEN",
            "TIEN DO (%)",
            "TINH TRANG",
            "KHO KHAN, VUONG MAC",
        ],
    );
    row(
        ws,
        5,
        &[
            S("2.1"),
            S("THU THAP, CAP NHAT, CHINH SUA THONG TIN DAN CU BAO DAM DUNG, DU, SACH, SONG"),
            S("DA CAP NHAT 1.031.000 THONG TIN"),
            N(98.0),
            S("DANG THUC HIEN"),
            S(""),
        ],
    );
    row(ws, 6, &[
        S(""),
        S("CAP CAN CUOC CONG DAN GAN CHIP DIEN TU CHO CONG DAN DU DIEU KIEN TREN DIA BAN TINH"),
        S("DA CAP 815.000 THE"),
        N(100.0),
        S("DA HOAN THANH"),
        S(""),
    ]);
    row(ws, 7, &[
        S("3.2"),
        S("LIEN THONG THU TUC DANG KY KHAI SINH, DANG KY THUONG TRU, CAP THE BHYT CHO TRE EM DUOI 6 TUOI"),
        S("PHOI HOP SO TU PHAP LIEN THONG 3 THU TUC"),
        N(100.0),
        S("HOAN THANH"),
        S(""),
    ]);
    row(
        ws,
        8,
        &[
            S("4.3"),
            S("XAC THUC THONG TIN HOC SINH, SINH VIEN VOI CSDL QUOC GIA VE DAN CU KHI TUYEN SINH"),
            S("CHUA CO HUONG DAN CUA BO GD&DT"),
            N(0.0),
            S("CHUA THUC HIEN"),
            S("CHO HUONG DAN CUA BO"),
        ],
    );
    row(
        ws,
        9,
        &[
            S("5.1"),
            S("TUYEN TRUYEN, HUONG DAN NGUOI DAN DANG KY, KICH HOAT TAI KHOAN DINH DANH DIEN TU"),
            S("TO CHUC 45 DOT TUYEN TRUYEN LUU DONG"),
            E,
            S("THUONG XUYEN"),
            S(""),
        ],
    );
    Fixture {
        name: "capitals_without_diacritics",
        style: "7: all text in capitals without diacritics (\"DANG THUC HIEN\"), one row without a code",
        plan: PlanKind::Demo,
        agency: "Công an tỉnh",
        period: "2023-02",
        file_name: "BAO CAO T2-2023.xlsx",
        sheet: "BAO CAO",
        bytes: save(wb),
        rows: vec![
            x(5, Some("2.1"), IN_PROGRESS, Some(98.0), Flag::Clean),
            x(6, Some("2.2"), DONE, Some(100.0), Flag::Any),
            x(7, Some("3.2"), DONE, Some(100.0), Flag::Clean),
            x(8, Some("4.3"), NOT_STARTED, Some(0.0), Flag::Clean),
            x(9, Some("5.1"), ONGOING, None, Flag::Clean),
        ],
    }
}

/// 8: codes written "7a1", "III.7.a.(2)", "Mục 7 điểm b khoản (1)", "7.b.(2)",
/// "Nhiệm vụ 9.1", "9.2." with short task names.
fn code_forms() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[22.0, 40.0, 45.0, 10.0, 16.0]);
    merge(ws, "A1:E1", "CÔNG AN TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:E2",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH 27/KH-UBND THÁNG 11/2022",
        &bold(),
    );
    header(
        ws,
        4,
        &[
            "Mã nhiệm vụ",
            "Tên nhiệm vụ",
            "Kết quả thực hiện",
            "Tỷ lệ (%)",
            "Trạng thái",
        ],
    );
    row(
        ws,
        5,
        &[
            S("7a1"),
            S("Cấp tài khoản định danh điện tử mức độ 2"),
            S("Đã cấp 180.000 tài khoản mức độ 2."),
            N(65.0),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        6,
        &[
            S("III.7.a.(2)"),
            S("Tích hợp VNeID với Cổng dịch vụ công tỉnh"),
            S("Phối hợp Văn phòng UBND tỉnh kiểm thử đăng nhập bằng VNeID."),
            N(50.0),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        7,
        &[
            S("Mục 7 điểm b khoản (1)"),
            S("Kết nối CSDL hộ tịch với CSDL dân cư"),
            S("Phối hợp Sở Tư pháp đối soát 420.000 dữ liệu hộ tịch."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    row(
        ws,
        8,
        &[
            S("7.b.(2)"),
            S("Sổ sức khỏe điện tử"),
            S("Phối hợp xác thực thông tin công dân cho Sổ sức khỏe điện tử."),
            N(40.0),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        9,
        &[
            S("Nhiệm vụ 9.1"),
            S("Bảo đảm an ninh, an toàn thông tin"),
            S("Không để xảy ra sự cố mất an toàn thông tin."),
            E,
            S("Thường xuyên"),
        ],
    );
    row(
        ws,
        10,
        &[
            S("9.2."),
            S("Kiểm tra, đánh giá tại các huyện"),
            S("Dự kiến kiểm tra trong tháng 12/2022."),
            N(0.0),
            S("Chưa thực hiện"),
        ],
    );
    Fixture {
        name: "code_forms",
        style: "8: codes written \"7a1\", \"III.7.a.(2)\", \"Mục 7 điểm b khoản (1)\", \"7.b.(2)\", \"Nhiệm vụ 9.1\", \"9.2.\", short task names",
        plan: PlanKind::PlanB,
        agency: "Công an tỉnh",
        period: "2022-11",
        file_name: "CAT_KH27_T11.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(5, Some("7.a.1"), IN_PROGRESS, Some(65.0), Flag::Clean),
            x(6, Some("7.a.2"), IN_PROGRESS, Some(50.0), Flag::Clean),
            x(7, Some("7.b.1"), DONE, Some(100.0), Flag::Clean),
            x(8, Some("7.b.2"), IN_PROGRESS, Some(40.0), Flag::Clean),
            x(9, Some("9.1"), ONGOING, None, Flag::Clean),
            x(10, Some("9.2"), NOT_STARTED, Some(0.0), Flag::Clean),
        ],
    }
}

/// 9 + 10: a cover sheet "Bìa" before the report, a "Danh mục" sheet after it (the plan's
/// task list and the drop-down values), the signature block with "THỦ TRƯỞNG ĐƠN VỊ".
fn cover_and_list_sheets() -> Fixture {
    let mut wb = Workbook::new();
    {
        let cover = wb.add_worksheet();
        cover.set_name("Bìa").unwrap();
        cover.set_column_width(0, 80.0).unwrap();
        let big = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center);
        let center = Format::new().set_align(FormatAlign::Center);
        cover
            .write_string_with_format(1, 0, "ỦY BAN NHÂN DÂN TỈNH TRÀ VINH", &center)
            .unwrap();
        cover
            .write_string_with_format(2, 0, "SỞ Y TẾ", &big)
            .unwrap();
        cover
            .write_string_with_format(7, 0, "BÁO CÁO", &big)
            .unwrap();
        cover
            .write_string_with_format(
                8,
                0,
                "Kết quả thực hiện Kế hoạch số 27/KH-UBND của UBND tỉnh",
                &center,
            )
            .unwrap();
        cover
            .write_string_with_format(9, 0, "Tháng 11/2022", &center)
            .unwrap();
        cover
            .write_string_with_format(
                11,
                0,
                "Kính gửi: Công an tỉnh (Thường trực Tổ công tác)",
                &center,
            )
            .unwrap();
        cover
            .write_string_with_format(20, 0, "Trà Vinh, tháng 11 năm 2022", &center)
            .unwrap();
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Báo cáo").unwrap();
        widths(ws, &[7.0, 45.0, 45.0, 10.0, 16.0, 30.0]);
        merge(ws, "A1:F1", "SỞ Y TẾ", &bold());
        merge(
            ws,
            "A2:F2",
            "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG 11/2022",
            &bold(),
        );
        header(
            ws,
            4,
            &[
                "STT",
                "Nhiệm vụ",
                "Kết quả thực hiện",
                "Tiến độ (%)",
                "Tình trạng",
                "Đề xuất",
            ],
        );
        row(
            ws,
            5,
            &[
                S("7.b.2"),
                S(plan_b_title("7.b.2")),
                S("Đã cập nhật thông tin tiêm chủng cho 70% người dân."),
                N(70.0),
                S("Đang thực hiện"),
                S(""),
            ],
        );
        row(ws, 6, &[
            S("8.1"),
            S(plan_b_title("8.1")),
            S("5/7 bệnh viện tuyến tỉnh đã triển khai thanh toán viện phí không dùng tiền mặt."),
            N(71.4),
            S("Đang thực hiện"),
            S(""),
        ]);
        row(
            ws,
            7,
            &[
                S("8.2"),
                S(plan_b_title("8.2")),
                S("112/112 cơ sở khám bệnh, chữa bệnh BHYT đã triển khai."),
                N(100.0),
                S("Đã hoàn thành"),
                S(""),
            ],
        );
        row(
            ws,
            8,
            &[
                S("8.3"),
                S(plan_b_title("8.3")),
                S("Chưa tổ chức được lớp tập huấn."),
                N(0.0),
                S("Chưa triển khai"),
                S("Đề nghị bố trí kinh phí tập huấn năm 2023."),
            ],
        );
        ws.write_string_with_format(9, 0, "Nơi nhận:", &Format::new().set_bold().set_italic())
            .unwrap();
        merge(ws, "D10:F10", "THỦ TRƯỞNG ĐƠN VỊ", &bold());
        at(ws, "A11", "- Như trên;");
        merge(
            ws,
            "D11:F11",
            "(Ký, ghi rõ họ tên, đóng dấu)",
            &Format::new().set_italic().set_align(FormatAlign::Center),
        );
        at(ws, "A12", "- Lưu: VT, NVY.");
    }
    {
        let list = wb.add_worksheet();
        list.set_name("Danh mục").unwrap();
        widths(list, &[8.0, 60.0, 25.0, 20.0, 4.0, 20.0]);
        at(list, "A1", "DANH MỤC NHIỆM VỤ THEO KẾ HOẠCH SỐ 27/KH-UBND");
        header(
            list,
            2,
            &[
                "Mã",
                "Nội dung nhiệm vụ",
                "Cơ quan chủ trì",
                "Thời gian hoàn thành",
            ],
        );
        for (i, (code, title, _, lead, _, (_, _, due))) in PLAN_B_TASKS.iter().enumerate() {
            row(
                list,
                3 + i as u32,
                &[S(code), S(title), S(lead.join(", ").as_str()), S(due)],
            );
        }
        at(list, "F2", "Danh sách trạng thái");
        for (i, status) in [
            "Đã hoàn thành",
            "Đang thực hiện",
            "Chưa thực hiện",
            "Thường xuyên",
        ]
        .iter()
        .enumerate()
        {
            at(list, &format!("F{}", 3 + i), status);
        }
    }
    Fixture {
        name: "cover_and_list_sheets",
        style: "9+10: cover sheet \"Bìa\" first, report second, \"Danh mục\" sheet (the plan's task list and the status drop-down values) last; signature block \"THỦ TRƯỞNG ĐƠN VỊ\"",
        plan: PlanKind::PlanB,
        agency: "SYT",
        period: "2022-11",
        file_name: "SYT - Bao cao thang 11.2022.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(5, Some("7.b.2"), IN_PROGRESS, Some(70.0), Flag::Clean),
            x(6, Some("8.1"), IN_PROGRESS, Some(71.4), Flag::Clean),
            x(7, Some("8.2"), DONE, Some(100.0), Flag::Clean),
            x(8, Some("8.3"), NOT_STARTED, Some(0.0), Flag::Clean),
        ],
    }
}

/// 11: a row on a task not assigned to the agency (kept, noted), the same task twice (the
/// second row warned), and an unrelated row "Công tác khác" (kept unmatched, warned).
fn unassigned_duplicate_unrelated() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[6.0, 50.0, 45.0, 10.0, 16.0]);
    merge(ws, "A1:E1", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", &bold());
    merge(
        ws,
        "A2:E2",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN ĐỀ ÁN 06 THÁNG 01/2023",
        &bold(),
    );
    header(
        ws,
        4,
        &[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ (%)",
            "Tình trạng",
        ],
    );
    let (t11, t51, t22) = (demo_title("1.1"), demo_title("5.1"), demo_title("2.2"));
    row(
        ws,
        5,
        &[
            S("1.1"),
            S(&t11),
            S("Hoàn thành rà soát; đã gửi báo cáo UBND tỉnh."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    row(
        ws,
        6,
        &[
            S("5.1"),
            S(&t51),
            S("Phối hợp đăng 18 tin, bài tuyên truyền."),
            E,
            S("Thường xuyên"),
        ],
    );
    row(
        ws,
        7,
        &[
            S("2.2"),
            S(&t22),
            S("Hỗ trợ đường truyền cho các điểm cấp căn cước công dân lưu động."),
            E,
            S("Thường xuyên"),
        ],
    );
    row(
        ws,
        8,
        &[
            S("1.1"),
            S(&t11),
            S("Bổ sung: cập nhật danh mục hệ thống thông tin sau rà soát."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    row(
        ws,
        9,
        &[
            S(""),
            S("Công tác khác: tham mưu tổ chức Hội nghị chuyển đổi số tỉnh Trà Vinh năm 2022"),
            S("Đã tổ chức ngày 25/12/2022 với 300 đại biểu tham dự."),
            N(100.0),
            S("Đã hoàn thành"),
        ],
    );
    Fixture {
        name: "unassigned_duplicate_unrelated",
        style: "11: a row on a task not assigned to the agency, a duplicated row, an unrelated \"Công tác khác\" row",
        plan: PlanKind::Demo,
        agency: "Sở TT&TT",
        period: "2023-01",
        file_name: "STTTT_T01_2023.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(5, Some("1.1"), DONE, Some(100.0), Flag::Clean),
            x(6, Some("5.1"), ONGOING, None, Flag::Clean),
            x(7, Some("2.2"), ONGOING, None, Flag::Noted),
            x(8, Some("1.1"), DONE, Some(100.0), Flag::Warning),
            x(9, None, DONE, Some(100.0), Flag::Warning),
        ],
    }
}

/// 12: the header and the column numbers repeated mid-table (a page-break copy), blank
/// spacer rows.
fn page_break_header_spacers() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[7.0, 50.0, 45.0, 10.0, 16.0, 14.0]);
    merge(ws, "A1:F1", "CÔNG AN TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:F2",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 27/KH-UBND THÁNG 12/2022",
        &bold(),
    );
    let labels = [
        "STT",
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ (%)",
        "Tình trạng",
        "Ghi chú",
    ];
    let numbers = ["1", "2", "3", "4", "5", "6"];
    header(ws, 4, &labels);
    header(ws, 5, &numbers);
    row(
        ws,
        6,
        &[
            S("7.a.1"),
            S(plan_b_title("7.a.1")),
            S("Đã cấp 240.000 tài khoản mức độ 2."),
            N(72.0),
            S("Đang thực hiện"),
            S(""),
        ],
    );
    row(
        ws,
        8,
        &[
            S("7.a.2"),
            S(plan_b_title("7.a.2")),
            S("Phối hợp kiểm thử đăng nhập một lần."),
            N(55.0),
            S("Đang thực hiện"),
            S("Phối hợp"),
        ],
    );
    row(
        ws,
        9,
        &[
            S("7.b.1"),
            S(plan_b_title("7.b.1")),
            S("Hoàn thành đối soát dữ liệu hộ tịch."),
            N(100.0),
            S("Đã hoàn thành"),
            S("Phối hợp"),
        ],
    );
    header(ws, 12, &labels);
    header(ws, 13, &numbers);
    row(
        ws,
        14,
        &[
            S("7.b.2"),
            S(plan_b_title("7.b.2")),
            S("Phối hợp xác thực 45% hồ sơ."),
            N(45.0),
            S("Đang thực hiện"),
            S("Phối hợp"),
        ],
    );
    row(
        ws,
        15,
        &[
            S("8.2"),
            S(plan_b_title("8.2")),
            S("Hỗ trợ tra cứu tại 112 cơ sở."),
            N(100.0),
            S("Đã hoàn thành"),
            S("Phối hợp"),
        ],
    );
    row(
        ws,
        17,
        &[
            S("9.1"),
            S(plan_b_title("9.1")),
            S("Giám sát an toàn thông tin 24/7."),
            E,
            S("Thường xuyên"),
            S(""),
        ],
    );
    row(
        ws,
        18,
        &[
            S("9.2"),
            S(plan_b_title("9.2")),
            S("Đã kiểm tra 3/9 huyện, thị xã, thành phố."),
            N(30.0),
            S("Đang thực hiện"),
            S(""),
        ],
    );
    Fixture {
        name: "page_break_header_spacers",
        style:
            "12: header and column numbers repeated mid-table (page-break copy), blank spacer rows",
        plan: PlanKind::PlanB,
        agency: "Công an tỉnh",
        period: "2022-12",
        file_name: "CAT_KH27_T12.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(6, Some("7.a.1"), IN_PROGRESS, Some(72.0), Flag::Clean),
            x(8, Some("7.a.2"), IN_PROGRESS, Some(55.0), Flag::Clean),
            x(9, Some("7.b.1"), DONE, Some(100.0), Flag::Clean),
            x(14, Some("7.b.2"), IN_PROGRESS, Some(45.0), Flag::Clean),
            x(15, Some("8.2"), DONE, Some(100.0), Flag::Clean),
            x(17, Some("9.1"), ONGOING, None, Flag::Clean),
            x(18, Some("9.2"), IN_PROGRESS, Some(30.0), Flag::Clean),
        ],
    }
}

/// 13: status written "HT", "Đang TH", "Chưa triển khai", "Thường xuyên"; one row says done
/// at 70% (kept as written, warned).
fn status_abbreviations() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("T3").unwrap();
    widths(ws, &[6.0, 50.0, 45.0, 12.0, 16.0, 14.0]);
    at(
        ws,
        "A1",
        "BÁO CÁO TIẾN ĐỘ ĐỀ ÁN 06 - CÔNG AN TỈNH - THÁNG 3/2023",
    );
    header(
        ws,
        3,
        &[
            "STT",
            "Nhiệm vụ",
            "Kết quả",
            "% hoàn thành",
            "Trạng thái",
            "Ghi chú",
        ],
    );
    let t: Vec<String> = ["2.1", "2.2", "4.3", "5.1", "3.1"]
        .iter()
        .map(|c| demo_title(c))
        .collect();
    row(
        ws,
        4,
        &[
            S("2.1"),
            S(&t[0]),
            S("Cập nhật 99% thông tin dân cư."),
            N(99.0),
            S("Đang TH"),
            S(""),
        ],
    );
    row(
        ws,
        5,
        &[
            S("2.2"),
            S(&t[1]),
            S("Hoàn thành."),
            N(100.0),
            S("HT"),
            S(""),
        ],
    );
    row(
        ws,
        6,
        &[
            S("4.3"),
            S(&t[2]),
            S("Chờ hướng dẫn của Bộ."),
            N(0.0),
            S("Chưa triển khai"),
            S(""),
        ],
    );
    row(
        ws,
        7,
        &[
            S("5.1"),
            S(&t[3]),
            S("Tuyên truyền tại 106 xã, phường, thị trấn."),
            E,
            S("Thường xuyên"),
            S(""),
        ],
    );
    row(
        ws,
        8,
        &[
            S("3.1"),
            S(&t[4]),
            S("Phối hợp Văn phòng UBND tỉnh tích hợp xác thực VNeID."),
            N(70.0),
            S("Đã hoàn thành"),
            S("Phối hợp"),
        ],
    );
    Fixture {
        name: "status_abbreviations",
        style: "13: status as \"HT\", \"Đang TH\", \"Chưa triển khai\", \"Thường xuyên\"; a \"Đã hoàn thành\" at 70%",
        plan: PlanKind::Demo,
        agency: "Công an tỉnh",
        period: "2023-03",
        file_name: "DA06_CAT_T3.xlsx",
        sheet: "T3",
        bytes: save(wb),
        rows: vec![
            x(4, Some("2.1"), IN_PROGRESS, Some(99.0), Flag::Clean),
            x(5, Some("2.2"), DONE, Some(100.0), Flag::Clean),
            x(6, Some("4.3"), NOT_STARTED, Some(0.0), Flag::Clean),
            x(7, Some("5.1"), ONGOING, None, Flag::Clean),
            x(8, Some("3.1"), DONE, Some(70.0), Flag::Warning),
        ],
    }
}

/// 14: progress as a formula (=D5/C5) in percent-formatted cells with cached values; one row
/// with no status, 100%.
fn formula_progress() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tổng hợp").unwrap();
    widths(ws, &[7.0, 45.0, 10.0, 12.0, 10.0, 16.0, 40.0]);
    merge(ws, "A1:G1", "SỞ Y TẾ TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:G2",
        "KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ THEO KẾ HOẠCH 27/KH-UBND - THÁNG 12/2022",
        &bold(),
    );
    header(
        ws,
        4,
        &[
            "STT",
            "Nội dung nhiệm vụ",
            "Chỉ tiêu",
            "Số lượng đạt được",
            "Tỷ lệ (%)",
            "Tình trạng",
            "Kết quả thực hiện",
        ],
    );
    row(
        ws,
        5,
        &[
            S("7.b.2"),
            S(plan_b_title("7.b.2")),
            N(120000.0),
            N(90000.0),
            FP("=D5/C5", 0.75),
            S("Đang thực hiện"),
            S("Đã cập nhật 90.000 hồ sơ sức khỏe điện tử."),
        ],
    );
    row(
        ws,
        6,
        &[
            S("8.1"),
            S(plan_b_title("8.1")),
            N(7.0),
            N(5.0),
            FP("=D6/C6", 5.0 / 7.0),
            S("Đang thực hiện"),
            S("5/7 bệnh viện đã triển khai."),
        ],
    );
    row(
        ws,
        7,
        &[
            S("8.2"),
            S(plan_b_title("8.2")),
            N(112.0),
            N(112.0),
            FP("=D7/C7", 1.0),
            S(""),
            S("Toàn bộ cơ sở khám bệnh, chữa bệnh BHYT đã triển khai."),
        ],
    );
    row(
        ws,
        8,
        &[
            S("8.3"),
            S(plan_b_title("8.3")),
            N(150.0),
            N(0.0),
            FP("=D8/C8", 0.0),
            S("Chưa thực hiện"),
            S("Chưa tổ chức."),
        ],
    );
    Fixture {
        name: "formula_progress",
        style: "14: progress as formulas (=D5/C5) in percent-formatted cells with cached values; number columns \"Chỉ tiêu\", \"Số lượng đạt được\"; a row with no status at 100%",
        plan: PlanKind::PlanB,
        agency: "Sở Y tế",
        period: "2022-12",
        file_name: "SYT_T12_2022.xlsx",
        sheet: "Tổng hợp",
        bytes: save(wb),
        rows: vec![
            x(5, Some("7.b.2"), IN_PROGRESS, Some(75.0), Flag::Clean),
            x(6, Some("8.1"), IN_PROGRESS, Some(500.0 / 7.0), Flag::Clean),
            x(7, Some("8.2"), DONE, Some(100.0), Flag::Clean),
            x(8, Some("8.3"), NOT_STARTED, Some(0.0), Flag::Clean),
        ],
    }
}

/// 4 + 8: the plan's own nesting copied into the report ("III", "7", "a", "(1)"; "8", "2"),
/// so a row's number is only a code together with the headings above it.
fn nested_plan_structure() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").unwrap();
    widths(ws, &[6.0, 50.0, 45.0, 9.0, 16.0]);
    merge(ws, "A1:E1", "CÔNG AN TỈNH TRÀ VINH", &bold());
    merge(
        ws,
        "A2:E2",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH 27/KH-UBND THÁNG 01/2023",
        &bold(),
    );
    header(
        ws,
        4,
        &[
            "TT",
            "Nội dung",
            "Kết quả thực hiện",
            "Tiến độ",
            "Tình trạng",
        ],
    );
    heading(ws, 5, "III", "NHIỆM VỤ CỤ THỂ", 5);
    heading(
        ws,
        6,
        "7",
        "Phát triển các tiện ích định danh, xác thực và kết nối dữ liệu",
        5,
    );
    heading(ws, 7, "a", "Phát triển định danh và xác thực điện tử", 5);
    row(
        ws,
        8,
        &[
            S("(1)"),
            S(plan_b_title("7.a.1")),
            S("Đã cấp 260.000 tài khoản mức độ 2."),
            N(80.0),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        9,
        &[
            S("(2)"),
            S(plan_b_title("7.a.2")),
            S("Phối hợp kiểm thử đăng nhập bằng VNeID."),
            N(60.0),
            S("Đang thực hiện"),
        ],
    );
    heading(ws, 10, "b", "Kết nối, chia sẻ dữ liệu chuyên ngành", 5);
    row(ws, 11, &[
        S("(1)"),
        S("Số hóa, làm sạch dữ liệu hộ tịch, kết nối CSDL hộ tịch điện tử với CSDL quốc gia về dân cư"),
        S("Hoàn thành."),
        N(100.0),
        S("Hoàn thành"),
    ]);
    row(
        ws,
        12,
        &[
            S("(2)"),
            S(plan_b_title("7.b.2")),
            S("Phối hợp xác thực thông tin."),
            N(50.0),
            S("Đang thực hiện"),
        ],
    );
    heading(ws, 13, "8", "Phát triển y tế số", 5);
    row(ws, 14, &[
        S("2"),
        S("Xác thực thông tin người bệnh bằng căn cước công dân gắn chip khi khám, chữa bệnh BHYT"),
        S("Hỗ trợ 112 cơ sở tra cứu."),
        N(100.0),
        S("Đã hoàn thành"),
    ]);
    heading(
        ws,
        15,
        "9",
        "Bảo đảm an ninh, an toàn và kiểm tra, giám sát",
        5,
    );
    row(
        ws,
        16,
        &[
            S("1"),
            S(plan_b_title("9.1")),
            S("Không để xảy ra sự cố."),
            E,
            S("Thường xuyên"),
        ],
    );
    row(
        ws,
        17,
        &[
            S("2"),
            S(plan_b_title("9.2")),
            S("Đã kiểm tra 2 huyện."),
            N(25.0),
            S("Đang thực hiện"),
        ],
    );
    Fixture {
        name: "nested_plan_structure",
        style: "4+8: the plan's nesting copied (\"III\" / \"7\" / \"a\" / \"(1)\"; \"8\" / \"2\"), numbers that are codes only with the headings above",
        plan: PlanKind::PlanB,
        agency: "CAT",
        period: "2023-01",
        file_name: "CAT_KH27_T01_2023.xlsx",
        sheet: "Báo cáo",
        bytes: save(wb),
        rows: vec![
            x(8, Some("7.a.1"), IN_PROGRESS, Some(80.0), Flag::Clean),
            x(9, Some("7.a.2"), IN_PROGRESS, Some(60.0), Flag::Clean),
            x(11, Some("7.b.1"), DONE, Some(100.0), Flag::Clean),
            x(12, Some("7.b.2"), IN_PROGRESS, Some(50.0), Flag::Clean),
            x(14, Some("8.2"), DONE, Some(100.0), Flag::Any),
            x(16, Some("9.1"), ONGOING, None, Flag::Clean),
            x(17, Some("9.2"), IN_PROGRESS, Some(25.0), Flag::Clean),
        ],
    }
}

/// 6 + 8: no STT column, the code inside the task text ("Nhiệm vụ 1.1: …", "NV 3.1. …"),
/// headers in capitals with diacritics, progress as "100%", "80 %", "12,5", 0.5 (percent).
fn codes_in_task_text() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Tiến độ").unwrap();
    widths(ws, &[55.0, 45.0, 10.0, 16.0]);
    merge(
        ws,
        "A1:D1",
        "VĂN PHÒNG UBND TỈNH - TIẾN ĐỘ ĐỀ ÁN 06 THÁNG 02/2023",
        &bold(),
    );
    header(
        ws,
        3,
        &[
            "NỘI DUNG NHIỆM VỤ",
            "KẾT QUẢ THỰC HIỆN",
            "TIẾN ĐỘ",
            "TÌNH TRẠNG",
        ],
    );
    row(
        ws,
        4,
        &[
            S("Nhiệm vụ 1.1: Phối hợp rà soát hạ tầng, hệ thống thông tin giải quyết TTHC"),
            S("Đã phối hợp hoàn thành."),
            S("100%"),
            S("Đã hoàn thành"),
        ],
    );
    row(
        ws,
        5,
        &[
            S("Nhiệm vụ 1.2 - Nâng cấp Cổng dịch vụ công, Hệ thống một cửa điện tử"),
            S("Đang kiểm thử kết nối với CSDL dân cư."),
            S("80 %"),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        6,
        &[
            S("NV 3.1. Dịch vụ công trực tuyến thiết yếu có sử dụng định danh điện tử"),
            S("Mới tích hợp 3/25 dịch vụ."),
            S("12,5"),
            S("Đang thực hiện"),
        ],
    );
    row(
        ws,
        7,
        &[
            S("Nhiệm vụ 3.3: Số hóa hồ sơ TTHC"),
            S("Đã số hóa một nửa hồ sơ tiếp nhận."),
            P(0.5),
            S("Đang thực hiện"),
        ],
    );
    Fixture {
        name: "codes_in_task_text",
        style: "6+8: no STT column, code inside the task text (\"Nhiệm vụ 1.1: …\", \"NV 3.1. …\"), capital headers, progress as \"100%\", \"80 %\", \"12,5\", 0.5 in a percent cell",
        plan: PlanKind::Demo,
        agency: "VP UBND tỉnh",
        period: "2023-02",
        file_name: "VPUB_T2.xlsx",
        sheet: "Tiến độ",
        bytes: save(wb),
        rows: vec![
            x(4, Some("1.1"), DONE, Some(100.0), Flag::Clean),
            x(5, Some("1.2"), IN_PROGRESS, Some(80.0), Flag::Clean),
            x(6, Some("3.1"), IN_PROGRESS, Some(12.5), Flag::Clean),
            x(7, Some("3.3"), IN_PROGRESS, Some(50.0), Flag::Clean),
        ],
    }
}

/// 1 + 10 + 11 on plan (b): the official layout for November 2022 with "7.a.2"-style codes,
/// a row on a task the agency has no part in, a totals row and "THỦ TRƯỞNG ĐƠN VỊ".
fn official_plan_b() -> Fixture {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("BC T11").unwrap();
    widths(ws, &[8.0, 45.0, 40.0, 10.0, 16.0, 25.0]);
    official_block(
        ws,
        "UBND TỈNH TRÀ VINH",
        "VĂN PHÒNG",
        "Số: 188/BC-VP",
        "Trà Vinh, ngày 14 tháng 11 năm 2022",
        "F",
    );
    merge(
        ws,
        "A5:F5",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 27/KH-UBND THÁNG 11/2022",
        &bold(),
    );
    merge(
        ws,
        "A6:F6",
        "(Kỳ báo cáo từ ngày 15/10/2022 đến ngày 14/11/2022)",
        &Format::new().set_italic().set_align(FormatAlign::Center),
    );
    header(
        ws,
        8,
        &[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ (%)",
            "Tình trạng",
            "Khó khăn, vướng mắc",
        ],
    );
    row(ws, 9, &[
        S("7.a.2"),
        S(plan_b_title("7.a.2")),
        S("Đã tích hợp đăng nhập VNeID trên Cổng dịch vụ công; đang hoàn thiện Hệ thống một cửa."),
        N(60.0),
        S("Đang thực hiện"),
        S("Nhà cung cấp phần mềm chậm cập nhật."),
    ]);
    row(
        ws,
        10,
        &[
            S("9.2"),
            S(plan_b_title("9.2")),
            S("Phối hợp Công an tỉnh kiểm tra 9/9 huyện, thị xã, thành phố."),
            N(100.0),
            S("Đã hoàn thành"),
            S(""),
        ],
    );
    row(
        ws,
        11,
        &[
            S("7.a.1"),
            S("Phối hợp tuyên truyền cấp tài khoản định danh điện tử mức độ 2"),
            S("Đăng tin trên Cổng thông tin điện tử tỉnh."),
            E,
            S("Thường xuyên"),
            S(""),
        ],
    );
    let total = cell_format().set_bold();
    merge(ws, "A12:B12", "Tổng số: 03 nhiệm vụ", &total);
    for col in 2..6 {
        write(ws, 11, col, E, &total);
    }
    ws.write_string_with_format(13, 0, "Nơi nhận:", &Format::new().set_bold().set_italic())
        .unwrap();
    merge(ws, "D14:F14", "THỦ TRƯỞNG ĐƠN VỊ", &bold());
    at(ws, "A15", "- Công an tỉnh;");
    at(ws, "A16", "- Lưu: VT.");
    merge(ws, "D19:F19", "Trần Thị Cúc", &bold());
    Fixture {
        name: "official_plan_b",
        style: "1+10+11 on plan (b): official layout, title THÁNG 11/2022, header on row 8, \"7.a.2\" codes, a row on a task not assigned to the agency, totals row, \"THỦ TRƯỞNG ĐƠN VỊ\"",
        plan: PlanKind::PlanB,
        agency: "Văn phòng UBND tỉnh",
        period: "2022-11",
        file_name: "VP_BC_KH27_T11.xlsx",
        sheet: "BC T11",
        bytes: save(wb),
        rows: vec![
            x(9, Some("7.a.2"), IN_PROGRESS, Some(60.0), Flag::Clean),
            x(10, Some("9.2"), DONE, Some(100.0), Flag::Clean),
            x(11, Some("7.a.1"), ONGOING, None, Flag::Noted),
        ],
    }
}

/// 9 + 12: last month's report left in a hidden first sheet (same layout, other numbers);
/// line breaks inside header, task and result cells; codes with trailing blanks; progress
/// typed as text ("71", "45\u{a0}%"); status cells ending in a line break.
fn hidden_old_month_multiline() -> Fixture {
    let labels = [
        "STT",
        "Nội dung\nnhiệm vụ",
        "Kết quả thực hiện\n(tính đến ngày 14/01/2023)",
        "Tiến độ\n(%)",
        "Tình trạng\nthực hiện",
    ];
    let mut wb = Workbook::new();
    {
        let old = wb.add_worksheet();
        old.set_name("Tháng 12.2022").unwrap();
        widths(old, &[8.0, 45.0, 45.0, 10.0, 16.0]);
        merge(old, "A1:E1", "SỞ Y TẾ - BÁO CÁO THÁNG 12/2022", &bold());
        header(old, 3, &labels);
        row(
            old,
            4,
            &[
                S("7.b.2"),
                S(plan_b_title("7.b.2")),
                S("Đã cập nhật 60% hồ sơ."),
                N(60.0),
                S("Đang thực hiện"),
            ],
        );
        row(
            old,
            5,
            &[
                S("8.1"),
                S(plan_b_title("8.1")),
                S("4/7 bệnh viện."),
                N(57.0),
                S("Đang thực hiện"),
            ],
        );
        row(
            old,
            6,
            &[
                S("8.2"),
                S(plan_b_title("8.2")),
                S("Hoàn thành."),
                N(100.0),
                S("Đã hoàn thành"),
            ],
        );
        row(
            old,
            7,
            &[
                S("8.3"),
                S(plan_b_title("8.3")),
                S("Chưa tổ chức."),
                N(0.0),
                S("Chưa thực hiện"),
            ],
        );
        old.set_hidden(true);
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Tháng 01.2023").unwrap();
        ws.set_active(true);
        widths(ws, &[8.0, 45.0, 45.0, 10.0, 16.0]);
        merge(ws, "A1:E1", "SỞ Y TẾ - BÁO CÁO THÁNG 01/2023", &bold());
        header(ws, 3, &labels);
        row(ws, 4, &[
            S("7.b.2 "),
            S("Cập nhật thông tin tiêm chủng, khám sức khỏe\ncủa người dân vào Sổ sức khỏe điện tử"),
            S("- Đã cập nhật 96.000 hồ sơ;\n- Còn 24.000 hồ sơ chưa xác thực được thông tin."),
            S("80"),
            S("Đang thực hiện\n"),
        ]);
        row(ws, 5, &[
            S(" 8.1"),
            S("Triển khai thanh toán viện phí không dùng tiền mặt\ntại các bệnh viện tuyến tỉnh"),
            S("- Bệnh viện Đa khoa tỉnh: đã triển khai;\n- Bệnh viện Lao và Bệnh phổi: chưa triển khai."),
            S("71"),
            S("Đang thực hiện"),
        ]);
        row(
            ws,
            6,
            &[
                S("8.2"),
                S(plan_b_title("8.2")),
                S("Duy trì tại 112/112 cơ sở."),
                S("100\u{a0}%"),
                S("Đã hoàn thành "),
            ],
        );
        row(
            ws,
            7,
            &[
                S("8.3"),
                S("Tập huấn kỹ năng số cho\nnhân viên y tế tuyến xã"),
                S("Đã mở 2/5 lớp tập huấn."),
                S("45\u{a0}%"),
                S("Đang thực hiện"),
            ],
        );
    }
    Fixture {
        name: "hidden_old_month_multiline",
        style: "9+12: last month's report in a hidden first sheet, line breaks in header/task/result cells, codes with blanks, progress typed as text (\"71\", \"45\u{a0}%\")",
        plan: PlanKind::PlanB,
        agency: "Sở Y tế",
        period: "2023-01",
        file_name: "SYT_BC_thang_01_2023.xlsx",
        sheet: "Tháng 01.2023",
        bytes: save(wb),
        rows: vec![
            x(4, Some("7.b.2"), IN_PROGRESS, Some(80.0), Flag::Clean),
            x(5, Some("8.1"), IN_PROGRESS, Some(71.0), Flag::Clean),
            x(6, Some("8.2"), DONE, Some(100.0), Flag::Clean),
            x(7, Some("8.3"), IN_PROGRESS, Some(45.0), Flag::Clean),
        ],
    }
}

// ---------------------------------------------------------------------------------------
// Files that are not reports
// ---------------------------------------------------------------------------------------

/// A PDF, renamed .xlsx by the clerk.
pub fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
        .to_vec()
}

/// A workbook with a covering letter and a contact list, but no report table.
pub fn letter_without_table() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Công văn").unwrap();
    ws.set_column_width(0, 30.0).unwrap();
    ws.set_column_width(1, 30.0).unwrap();
    ws.set_column_width(2, 20.0).unwrap();
    at(ws, "A1", "UBND TỈNH TRÀ VINH");
    at(ws, "A2", "SỞ Y TẾ");
    at(ws, "C1", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    at(ws, "C2", "Độc lập - Tự do - Hạnh phúc");
    at(
        ws,
        "A4",
        "Kính gửi: Công an tỉnh (Thường trực Tổ công tác Đề án 06)",
    );
    at(
        ws,
        "A6",
        "Sở Y tế xin gửi kèm báo cáo tháng 12/2022 bằng văn bản giấy. Mọi thông tin chi tiết xin liên hệ:",
    );
    header(ws, 8, &["Họ và tên", "Chức vụ", "Số điện thoại"]);
    row(
        ws,
        9,
        &[S("Nguyễn Thị Lan"), S("Chuyên viên"), S("0294 3855 123")],
    );
    row(
        ws,
        10,
        &[
            S("Lê Văn Hùng"),
            S("Phó Chánh Văn phòng"),
            S("0294 3855 456"),
        ],
    );
    at(ws, "A13", "Trân trọng./.");
    save(wb)
}
