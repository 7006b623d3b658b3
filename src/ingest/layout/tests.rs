//! Realistic messy layouts, built in code, and what must be read from them.

use super::{find_table, take_table, LayoutError, TableReader};
use crate::{
    domain::finding::Severity,
    ingest::{
        grid::{Cell, Grid, Merge, Sheet},
        table::{ColumnRole::*, Heading, RawRow, ReportTable, ReportedStatus::*},
    },
};

/// Builds a sheet row by row; texts that are empty strings become empty cells.
struct Build {
    sheet: Sheet,
}

fn sheet(name: &str) -> Build {
    Build {
        sheet: Sheet::new(name, Vec::new(), Vec::new()),
    }
}

fn t(text: &str) -> Cell {
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text.into())
    }
}

fn n(value: f64) -> Cell {
    Cell::Number(value)
}

/// "B7:C8" → a merge (0-based inside).
fn area(a1: &str) -> Merge {
    let pos = |s: &str| {
        let col = s
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .fold(0u32, |acc, c| {
                acc * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1)
            });
        let row: u32 = s
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .unwrap();
        (row - 1, col - 1)
    };
    let (from, to) = a1.split_once(':').unwrap();
    let ((first_row, first_col), (last_row, last_col)) = (pos(from), pos(to));
    Merge {
        first_row,
        first_col,
        last_row,
        last_col,
    }
}

impl Build {
    fn row(mut self, texts: &[&str]) -> Self {
        self.sheet.rows.push(texts.iter().map(|s| t(s)).collect());
        self
    }
    fn cells(mut self, cells: Vec<Cell>) -> Self {
        self.sheet.rows.push(cells);
        self
    }
    fn blank(self) -> Self {
        self.cells(Vec::new())
    }
    fn merge(mut self, a1: &str) -> Self {
        self.sheet.merges.push(area(a1));
        self
    }
    fn hidden(mut self) -> Self {
        self.sheet.hidden = true;
        self
    }
    /// The administrative block and title of a report: five rows, then a blank one, so the
    /// table starts on row 7.
    fn admin_block(self) -> Self {
        self.row(&[
            "CÔNG AN TỈNH TRÀ VINH",
            "",
            "",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        ])
        .row(&[
            "PHÒNG CẢNH SÁT QLHC VỀ TTXH",
            "",
            "",
            "Độc lập - Tự do - Hạnh phúc",
        ])
        .row(&[
            "Số: 125/BC-PC06",
            "",
            "",
            "Trà Vinh, ngày 14 tháng 11 năm 2023",
        ])
        .row(&["BÁO CÁO"])
        .row(&["Kết quả thực hiện nhiệm vụ Đề án 06 tháng 11 năm 2023"])
        .blank()
        .merge("A1:C1")
        .merge("D1:G1")
        .merge("A4:G4")
        .merge("A5:G5")
    }
    fn done(self) -> Sheet {
        self.sheet
    }
}

fn grid(sheets: Vec<Sheet>) -> Grid {
    Grid { sheets }
}

/// [`find_table`], checking that [`take_table`] (texts moved out of the grid instead of
/// copied) and the pipeline's [`TableReader`] (rows read as they are decoded from the
/// reader's answer) read the same: every layout test checks all three ways.
fn read_both(grid: &Grid) -> std::result::Result<ReportTable, LayoutError> {
    let found = find_table(grid);
    assert_eq!(take_table(grid.clone()), found);
    let streamed = crate::ingest::read::through_wire(grid.clone(), TableReader::default());
    assert_eq!(streamed.finish(), found);
    found
}

fn table(sheets: Vec<Sheet>) -> ReportTable {
    match read_both(&grid(sheets)) {
        Ok(table) => table,
        Err(e) => panic!("no table: {e}"),
    }
}

/// (source row, number, task) of every row.
fn keys(table: &ReportTable) -> Vec<(u32, &str, &str)> {
    table
        .rows
        .iter()
        .map(|r| (r.source_row, r.number.as_str(), r.task_text.as_str()))
        .collect()
}

fn row(table: &ReportTable, source_row: u32) -> &RawRow {
    table
        .rows
        .iter()
        .find(|r| r.source_row == source_row)
        .expect("row")
}

fn heading(number: &str, text: &str) -> Heading {
    Heading {
        number: number.to_string(),
        text: text.to_string(),
    }
}

#[test]
fn title_block_then_header_on_row_7_with_column_numbers() {
    let report = sheet("Báo cáo")
        .admin_block()
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Khó khăn, vướng mắc",
            "Đề xuất, kiến nghị",
            "Ghi chú",
        ])
        .row(&["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"])
        .cells(vec![
            n(1.0),
            t("Tiếp nhận hồ sơ cấp CCCD   gắn chip\n  cho công dân "),
            t("Đã tiếp nhận 1.234 hồ sơ"),
            t("100%"),
            t(""),
            t(""),
            t("Vượt chỉ tiêu"),
        ])
        .cells(vec![
            n(2.0),
            t("Kích hoạt tài khoản định danh điện tử"),
            t("Đạt 62.000 tài khoản"),
            t("80%"),
            t("Thiếu thiết bị"),
            t("Đề nghị hỗ trợ 02 máy"),
        ])
        .cells(vec![n(3.0), t("Làm sạch dữ liệu dân cư"), t(""), t("0")])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.sheet, "Báo cáo");
    assert_eq!(table.header_rows, vec![7]);
    assert_eq!(
        table.columns,
        vec![
            (Number, 0),
            (Task, 1),
            (Result, 2),
            (Progress, 3),
            (Difficulties, 4),
            (Proposals, 5),
            (Notes, 6)
        ]
    );
    assert_eq!(
        keys(&table),
        vec![
            (9, "1", "Tiếp nhận hồ sơ cấp CCCD gắn chip\ncho công dân"),
            (10, "2", "Kích hoạt tài khoản định danh điện tử"),
            (11, "3", "Làm sạch dữ liệu dân cư"),
        ]
    );
    let first = row(&table, 9);
    assert_eq!(first.result, "Đã tiếp nhận 1.234 hồ sơ");
    assert_eq!(first.progress_percent, Some(100.0));
    assert_eq!(first.status, Some(Done), "inferred from 100%");
    assert_eq!(first.notes, "Vượt chỉ tiêu");
    let second = row(&table, 10);
    assert_eq!(
        (second.progress_percent, second.status),
        (Some(80.0), Some(InProgress))
    );
    assert_eq!(second.difficulties, "Thiếu thiết bị");
    assert_eq!(second.proposals, "Đề nghị hỗ trợ 02 máy");
    assert_eq!(row(&table, 11).status, Some(NotStarted));
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn two_row_merged_header_with_result_and_percent() {
    let report = sheet("Sheet1")
        .row(&[
            "TT",
            "Tên nhiệm vụ",
            "Kết quả thực hiện",
            "",
            "Trạng thái",
            "Đơn vị chủ trì",
        ])
        .row(&["", "", "Kết quả", "Tỷ lệ (%)", "", ""])
        .merge("A1:A2")
        .merge("B1:B2")
        .merge("C1:D1")
        .merge("E1:E2")
        .merge("F1:F2")
        .row(&[
            "1",
            "Số hóa hồ sơ TTHC",
            "Đã số hóa 85% hồ sơ",
            "85",
            "Đang thực hiện",
            "Sở Tư pháp",
        ])
        .row(&[
            "2",
            "Thanh toán trực tuyến",
            "Hoàn thành",
            "100",
            "Hoàn thành",
            "Sở Tài chính",
        ])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![1, 2]);
    assert_eq!(
        table.columns,
        vec![
            (Number, 0),
            (Task, 1),
            (Result, 2),
            (Progress, 3),
            (Status, 4),
            (Agency, 5)
        ]
    );
    assert_eq!(
        keys(&table),
        vec![
            (3, "1", "Số hóa hồ sơ TTHC"),
            (4, "2", "Thanh toán trực tuyến")
        ]
    );
    let first = row(&table, 3);
    assert_eq!(first.result, "Đã số hóa 85% hồ sơ");
    assert_eq!(
        (first.status, first.progress_percent),
        (Some(InProgress), Some(85.0))
    );
    assert_eq!(first.status_text, "Đang thực hiện");
    assert_eq!(row(&table, 4).status, Some(Done));
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn tick_mark_status_columns_under_a_merged_header() {
    let report = sheet("BC thang 11")
        .admin_block()
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "",
            "",
            "Ghi chú",
        ])
        .row(&[
            "",
            "",
            "Đã hoàn thành",
            "Đang thực hiện",
            "Chưa thực hiện",
            "",
        ])
        .merge("A7:A8")
        .merge("B7:B8")
        .merge("C7:E7")
        .merge("F7:F8")
        .row(&["1", "Cấp căn cước", "x", "", "", ""])
        .row(&["2", "Định danh điện tử", "", "X", "", "Còn 5 xã"])
        .row(&["3", "Phần mềm một cửa", "", "", "✓", ""])
        .row(&["4", "Kết nối CSDL", "x", "x", "", ""])
        .row(&["5", "Chữ ký số", "", "", "", ""])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![7, 8]);
    assert_eq!(
        table.columns,
        vec![
            (Number, 0),
            (Task, 1),
            (Status, 2),
            (Status, 3),
            (Status, 4),
            (Notes, 5)
        ]
    );
    let statuses: Vec<_> = table
        .rows
        .iter()
        .map(|r| (r.source_row, r.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (9, Some(Done)),
            (10, Some(InProgress)),
            (11, Some(NotStarted)),
            (12, None),
            (13, None)
        ]
    );
    assert_eq!(row(&table, 9).status_text, "Đã hoàn thành");
    assert_eq!(row(&table, 10).notes, "Còn 5 xã");
    assert_eq!(table.findings.len(), 1, "{:?}", table.findings);
    assert_eq!(table.findings[0].row, Some(12));
    assert!(table.findings[0].message.contains("nhiều cột trạng thái"));
}

#[test]
fn numbering_restarts_under_roman_numeral_groups() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tình trạng",
        ])
        .row(&["I", "NHÓM NHIỆM VỤ VỀ THỦ TỤC HÀNH CHÍNH", "", ""])
        .row(&["1", "Rà soát TTHC", "Đã rà soát 120 TTHC", "Hoàn thành"])
        .row(&["2", "Cắt giảm giấy tờ", "Đang tổng hợp", "Đang TH"])
        .row(&["II", "Nhóm tiện ích phục vụ người dân", "", ""])
        .row(&[
            "1",
            "Cấp phiếu lý lịch tư pháp",
            "Triển khai tại 9 huyện",
            "Đang triển khai",
        ])
        .row(&["2", "Đăng ký khai sinh", "", "Chưa thực hiện"])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![1]);
    assert_eq!(
        keys(&table),
        vec![
            (3, "1", "Rà soát TTHC"),
            (4, "2", "Cắt giảm giấy tờ"),
            (6, "1", "Cấp phiếu lý lịch tư pháp"),
            (7, "2", "Đăng ký khai sinh"),
        ]
    );
    let first_group = vec![heading("I", "NHÓM NHIỆM VỤ VỀ THỦ TỤC HÀNH CHÍNH")];
    let second_group = vec![heading("II", "Nhóm tiện ích phục vụ người dân")];
    assert_eq!(row(&table, 3).context, first_group);
    assert_eq!(row(&table, 4).context, first_group);
    assert_eq!(row(&table, 6).context, second_group);
    assert_eq!(row(&table, 7).context, second_group);
    let statuses: Vec<_> = table.rows.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        vec![
            Some(Done),
            Some(InProgress),
            Some(InProgress),
            Some(NotStarted)
        ]
    );
}

#[test]
fn nested_headings_merged_across_and_sub_numbered() {
    let report = sheet("Báo cáo")
        .row(&["TT", "Nhiệm vụ", "Kết quả", "Tiến độ", "Ghi chú"])
        .row(&["A. NHIỆM VỤ TRỌNG TÂM", "", "", "", ""])
        .merge("A2:E2")
        .row(&["1", "Hoàn thiện thể chế", "", "", ""])
        .row(&["1.1", "Ban hành quy chế", "Đã ban hành", "100%", ""])
        .row(&["1.2", "Sửa đổi quy trình", "Đang lấy ý kiến", "50%", ""])
        .row(&[
            "2",
            "Tuyên truyền trên báo, đài",
            "Đã đăng 12 tin bài",
            "100%",
            "",
        ])
        .row(&["B. NHIỆM VỤ THƯỜNG XUYÊN", "", "", "", ""])
        .merge("A7:E7")
        .row(&["1", "Báo cáo định kỳ", "Đúng hạn", "Thường xuyên", ""])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![
            (4, "1.1", "Ban hành quy chế"),
            (5, "1.2", "Sửa đổi quy trình"),
            (6, "2", "Tuyên truyền trên báo, đài"),
            (8, "1", "Báo cáo định kỳ"),
        ]
    );
    let a = heading("A", "NHIỆM VỤ TRỌNG TÂM");
    assert_eq!(
        row(&table, 4).context,
        vec![a.clone(), heading("1", "Hoàn thiện thể chế")]
    );
    assert_eq!(
        row(&table, 5).context,
        vec![a.clone(), heading("1", "Hoàn thiện thể chế")]
    );
    assert_eq!(row(&table, 6).context, vec![a], "task 2 leaves heading 1");
    assert_eq!(
        row(&table, 8).context,
        vec![heading("B", "NHIỆM VỤ THƯỜNG XUYÊN")]
    );
    assert_eq!(
        row(&table, 8).status,
        Some(Ongoing),
        "status word in the progress column"
    );
    assert_eq!(row(&table, 8).progress_percent, None);
}

#[test]
fn no_number_column_at_all() {
    let report = sheet("Tổng hợp")
        .row(&["BÁO CÁO TÌNH HÌNH THỰC HIỆN THÁNG 11/2023"])
        .blank()
        .row(&[
            "Nội dung công việc",
            "Tình hình thực hiện",
            "Đánh giá",
            "Kiến nghị",
        ])
        .row(&[
            "Triển khai dịch vụ công trực tuyến toàn trình",
            "Đã cung cấp 250 DVC",
            "Đạt",
            "",
        ])
        .row(&[
            "Tuyên truyền Đề án 06",
            "Tổ chức 3 hội nghị",
            "Chưa hoàn thành",
            "Bổ sung kinh phí",
        ])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![3]);
    assert_eq!(
        table.columns,
        vec![(Task, 0), (Result, 1), (Status, 2), (Proposals, 3)]
    );
    assert_eq!(
        keys(&table),
        vec![
            (4, "", "Triển khai dịch vụ công trực tuyến toàn trình"),
            (5, "", "Tuyên truyền Đề án 06"),
        ]
    );
    assert_eq!(row(&table, 4).status, Some(Done));
    assert_eq!(row(&table, 5).status, Some(InProgress));
    assert_eq!(row(&table, 5).proposals, "Bổ sung kinh phí");
}

#[test]
fn progress_as_fractions_formatted_as_percent() {
    let report = sheet("Báo cáo")
        .row(&["STT", "Nhiệm vụ", "Kết quả", "Tỷ lệ hoàn thành (%)"])
        .cells(vec![n(1.0), t("Việc một"), t("Xong"), n(1.0)])
        .cells(vec![n(2.0), t("Việc hai"), t("Đang làm"), n(0.8)])
        .cells(vec![n(3.0), t("Việc ba"), t(""), n(0.0)])
        .cells(vec![n(4.0), t("Việc bốn"), t("Chưa có số liệu"), t("")])
        .done();
    let table = table(vec![report]);
    let values: Vec<_> = table
        .rows
        .iter()
        .map(|r| (r.progress_percent, r.status))
        .collect();
    assert_eq!(
        values,
        vec![
            (Some(100.0), Some(Done)),
            (Some(80.0), Some(InProgress)),
            (Some(0.0), Some(NotStarted)),
            (None, None),
        ]
    );
}

#[test]
fn progress_as_percent_texts_with_findings() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "% hoàn thành",
            "Trạng thái",
        ])
        .row(&["1", "Việc một", "Ổn", "80%", ""])
        .row(&["2", "Việc hai", "", "80,5 %", ""])
        .row(&["3", "Việc ba", "", "đạt 50%", "Đang thực hiện"])
        .row(&["4", "Việc bốn", "", "120%", ""])
        .row(&["5", "Việc năm", "", "40%", "Đã hoàn thành"])
        .row(&["6", "Việc sáu", "", "", "Gần xong"])
        .done();
    let table = table(vec![report]);
    let values: Vec<_> = table
        .rows
        .iter()
        .map(|r| (r.progress_percent, r.status))
        .collect();
    assert_eq!(
        values,
        vec![
            (Some(80.0), Some(InProgress)),
            (Some(80.5), Some(InProgress)),
            (Some(50.0), Some(InProgress)),
            (None, None),
            (Some(40.0), Some(Done)),
            (None, None),
        ]
    );
    let rows: Vec<_> = table.findings.iter().map(|f| (f.row, f.severity)).collect();
    assert_eq!(
        rows,
        vec![
            (Some(5), Severity::Warning),
            (Some(6), Severity::Warning),
            (Some(7), Severity::Warning)
        ]
    );
    assert!(table.findings[0].message.contains("120%"));
    assert!(table.findings[1].message.contains("'Đã hoàn thành'"));
    assert!(table.findings[2].message.contains("'Gần xong'"));
}

#[test]
fn headers_in_capitals_without_diacritics() {
    let report = sheet("BAO CAO")
        .row(&["UBND TINH TRA VINH"])
        .row(&["SO TU PHAP"])
        .blank()
        .row(&[
            "STT",
            "NOI DUNG NHIEM VU",
            "KET QUA THUC HIEN",
            "TIEN DO (%)",
            "TRANG THAI",
            "KHO KHAN VUONG MAC",
        ])
        .row(&[
            "1",
            "Cap phieu ly lich tu phap truc tuyen",
            "Da cap 300 phieu",
            "100",
            "Hoan thanh",
            "",
        ])
        .row(&[
            "2",
            "So hoa ho so ho tich",
            "Dang so hoa",
            "60",
            "dang thuc hien",
            "Thieu nhan luc",
        ])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![4]);
    assert_eq!(
        table.columns,
        vec![
            (Number, 0),
            (Task, 1),
            (Result, 2),
            (Progress, 3),
            (Status, 4),
            (Difficulties, 5)
        ]
    );
    assert_eq!(
        keys(&table),
        vec![
            (5, "1", "Cap phieu ly lich tu phap truc tuyen"),
            (6, "2", "So hoa ho so ho tich")
        ]
    );
    assert_eq!(row(&table, 5).status, Some(Done));
    assert_eq!(row(&table, 6).status, Some(InProgress));
    assert_eq!(row(&table, 6).difficulties, "Thieu nhan luc");
}

fn small_report(name: &str) -> Sheet {
    sheet(name)
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tiến độ"])
        .row(&["1", "Việc thật", "Đã làm", "100%"])
        .row(&["2", "Việc thật hai", "Đang làm", "30%"])
        .done()
}

#[test]
fn cover_sheet_before_the_report_and_hidden_sheets_skipped() {
    let cover = sheet("Bìa")
        .row(&["ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC"])
        .row(&["BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 13/KH-UBND"])
        .row(&["Tháng 11 năm 2023"])
        .done();
    let hidden = sheet("Sheet3")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Trạng thái",
            "Khó khăn",
        ])
        .row(&["1", "Dữ liệu ẩn", "x", "1", "Xong", ""])
        .row(&["2", "Dữ liệu ẩn hai", "x", "1", "Xong", ""])
        .hidden()
        .done();
    let empty = sheet("Sheet2").done();
    let table = table(vec![cover, hidden, small_report("Báo cáo T11"), empty]);
    assert_eq!(table.sheet, "Báo cáo T11");
    assert_eq!(
        keys(&table),
        vec![(2, "1", "Việc thật"), (3, "2", "Việc thật hai")]
    );
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn danh_muc_and_instruction_sheets_lose_to_the_report() {
    let guide = sheet("Hướng dẫn")
        .row(&["Hướng dẫn điền báo cáo"])
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Trạng thái",
            "Ghi chú",
        ])
        .row(&[
            "1",
            "Ví dụ: Tên nhiệm vụ theo kế hoạch",
            "Ghi kết quả cụ thể",
            "80%",
            "Đang thực hiện",
            "Cột không bắt buộc",
        ])
        .done();
    let lists = sheet("Danh mục")
        .row(&["Trạng thái", "Đơn vị"])
        .row(&["Đã hoàn thành", "Sở Tư pháp"])
        .row(&["Đang thực hiện", "Sở Y tế"])
        .row(&["Chưa thực hiện", "Công an tỉnh"])
        .done();
    let table = table(vec![guide, small_report("Báo cáo"), lists]);
    assert_eq!(table.sheet, "Báo cáo");
    assert_eq!(table.rows.len(), 2);
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn two_report_sheets_choose_the_fuller_and_say_so() {
    let october = small_report("T10");
    let november = sheet("T11")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tiến độ"])
        .row(&["1", "Việc thật", "Đã làm", "100%"])
        .row(&["2", "Việc thật hai", "Đã làm", "100%"])
        .row(&["3", "Việc thật ba", "Đang làm", "10%"])
        .done();
    let table = table(vec![october, november]);
    assert_eq!(table.sheet, "T11");
    assert_eq!(table.findings.len(), 1);
    assert_eq!(table.findings[0].severity, Severity::Info);
    assert!(table.findings[0].message.contains("'T10'"));
}

#[test]
fn signature_block_and_date_line_end_the_table() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Trạng thái",
        ])
        .row(&["1", "Việc một", "Đã xong", "Hoàn thành"])
        .row(&["2", "Việc hai", "Đang làm", "Đang thực hiện"])
        .blank()
        .row(&["", "", "", "Trà Vinh, ngày 14 tháng 11 năm 2023"])
        .row(&["Nơi nhận:", "", "", "KT. GIÁM ĐỐC"])
        .row(&["- Như trên;", "", "", "PHÓ GIÁM ĐỐC"])
        .row(&["- Lưu: VT.", "", "", ""])
        .row(&["NGƯỜI LẬP BIỂU", "", "", "THỦ TRƯỞNG ĐƠN VỊ"])
        .row(&["Nguyễn Văn A", "", "", "Trần Thị B"])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![(2, "1", "Việc một"), (3, "2", "Việc hai")]
    );
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn date_line_before_signature_is_not_a_row() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Trạng thái",
        ])
        .row(&["1", "Việc một", "Đã xong", "Hoàn thành"])
        .row(&["", "", "", "Bình Phước, ngày 14 tháng 11 năm 2023"])
        .row(&["", "", "", "THỦ TRƯỞNG ĐƠN VỊ"])
        .done();
    let table = table(vec![report]);
    assert_eq!(keys(&table), vec![(2, "1", "Việc một")]);
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn totals_rows_are_skipped() {
    let report = sheet("Báo cáo")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tỷ lệ (%)"])
        .cells(vec![n(1.0), t("Việc một"), t("Xong"), n(100.0)])
        .cells(vec![n(2.0), t("Việc hai"), t("Dở"), n(50.0)])
        .cells(vec![t("Tổng cộng"), t(""), t(""), n(75.0)])
        .merge("A4:B4")
        .cells(vec![t(""), t("Tổng số: 02 nhiệm vụ"), t(""), n(75.0)])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![(2, "1", "Việc một"), (3, "2", "Việc hai")]
    );
    assert!(table.findings.is_empty(), "{:?}", table.findings);
}

#[test]
fn header_repeated_after_a_page_break() {
    let report = sheet("Báo cáo")
        .admin_block()
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Ghi chú",
        ])
        .row(&["1", "2", "3", "4", "5"])
        .row(&["1", "Việc một", "Xong", "100%", ""])
        .row(&["2", "Việc hai", "Dở", "20%", ""])
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tiến độ",
            "Ghi chú",
        ])
        .row(&["1", "2", "3", "4", "5"])
        .row(&["3", "Việc ba", "Chưa", "0%", ""])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![7]);
    assert_eq!(
        keys(&table),
        vec![
            (9, "1", "Việc một"),
            (10, "2", "Việc hai"),
            (13, "3", "Việc ba")
        ]
    );
}

#[test]
fn two_row_header_repeated_after_a_page_break() {
    let report = sheet("Báo cáo")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", ""])
        .row(&["", "", "Kết quả", "Tỷ lệ (%)"])
        .merge("A1:A2")
        .merge("B1:B2")
        .merge("C1:D1")
        .row(&["1", "Việc một", "Xong", "100"])
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", ""])
        .row(&["", "", "Kết quả", "Tỷ lệ (%)"])
        .merge("A4:A5")
        .merge("B4:B5")
        .merge("C4:D4")
        .row(&["2", "Việc hai", "Dở", "30"])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![1, 2]);
    assert_eq!(
        keys(&table),
        vec![(3, "1", "Việc một"), (6, "2", "Việc hai")]
    );
}

#[test]
fn task_merged_down_over_two_rows_joins_its_results() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Khó khăn",
            "Tiến độ",
        ])
        .row(&["1", "Tuyên truyền Đề án 06", "Đài PT-TH: 20 tin", "", "60%"])
        .row(&["", "", "Báo Trà Vinh: 15 bài", "Thiếu kinh phí", ""])
        .merge("A2:A3")
        .merge("B2:B3")
        .merge("E2:E3")
        .row(&["2", "Triển khai VNeID", "Kích hoạt 70%", "", "70%"])
        .row(&["", "", "Bổ sung: tập huấn 3 đợt", "", ""])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![
            (2, "1", "Tuyên truyền Đề án 06"),
            (4, "2", "Triển khai VNeID")
        ]
    );
    let first = row(&table, 2);
    assert_eq!(first.result, "Đài PT-TH: 20 tin\nBáo Trà Vinh: 15 bài");
    assert_eq!(first.difficulties, "Thiếu kinh phí");
    assert_eq!(first.progress_percent, Some(60.0));
    assert_eq!(
        row(&table, 4).result,
        "Kích hoạt 70%\nBổ sung: tập huấn 3 đợt"
    );
}

#[test]
fn notes_under_the_table_are_not_rows() {
    let report = sheet("Báo cáo")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"])
        .row(&["1", "Việc một", "Xong"])
        .row(&["Ghi chú: Cột (3) ghi rõ số liệu.", "", ""])
        .merge("A3:C3")
        .done();
    let table = table(vec![report]);
    assert_eq!(keys(&table), vec![(2, "1", "Việc một")]);
}

#[test]
fn status_as_percent_and_unknown_words() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Tình trạng",
        ])
        .row(&["1", "Việc một", "", "90%"])
        .row(&["2", "Việc hai", "", "Đang thực hiện (40%)"])
        .row(&["3", "Việc ba", "", "Tạm dừng"])
        .done();
    let table = table(vec![report]);
    let values: Vec<_> = table
        .rows
        .iter()
        .map(|r| (r.status, r.progress_percent))
        .collect();
    assert_eq!(
        values,
        vec![
            (Some(InProgress), Some(90.0)),
            (Some(InProgress), Some(40.0)),
            (None, None)
        ]
    );
    assert_eq!(table.findings.len(), 1, "{:?}", table.findings);
    assert_eq!(table.findings[0].row, Some(4));
}

#[test]
fn errors_say_what_to_do() {
    let prose = sheet("Sheet1")
        .row(&["Kính gửi: Công an tỉnh"])
        .row(&["Đơn vị báo cáo kết quả như sau: đã hoàn thành các nhiệm vụ được giao."])
        .done();
    let err = read_both(&grid(vec![prose])).unwrap_err();
    assert_eq!(err, LayoutError::NoTable);
    assert!(err.to_string().starts_with("Không tìm thấy bảng báo cáo"));

    let no_task = sheet("Sheet1")
        .blank()
        .row(&["STT", "Kết quả thực hiện", "Tiến độ", "Trạng thái"])
        .row(&["1", "Xong", "100%", "Hoàn thành"])
        .done();
    let err = read_both(&grid(vec![no_task])).unwrap_err();
    assert_eq!(
        err,
        LayoutError::NoTaskColumn {
            sheet: "Sheet1".into(),
            row: 2
        }
    );
    assert!(err.to_string().contains("'Nội dung nhiệm vụ'"));

    let template = sheet("Báo cáo")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tiến độ"])
        .row(&["(1)", "(2)", "(3)", "(4)"])
        .done();
    let err = read_both(&grid(vec![template])).unwrap_err();
    assert_eq!(
        err,
        LayoutError::NoRows {
            sheet: "Báo cáo".into(),
            row: 1
        }
    );

    let err = read_both(&grid(vec![sheet("Sheet1").done()])).unwrap_err();
    assert_eq!(err, LayoutError::EmptyWorkbook);
    assert_eq!(
        read_both(&Grid::default()).unwrap_err(),
        LayoutError::EmptyWorkbook
    );
}

#[test]
fn a_plain_task_list_warns_that_nothing_is_reported() {
    let report = sheet("Sheet1")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Thời gian hoàn thành",
        ])
        .row(&["1", "Việc một", "Sở Tư pháp", "Tháng 3/2023"])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        table.columns,
        vec![(Number, 0), (Task, 1), (Agency, 2), (Due, 3)]
    );
    assert_eq!(keys(&table), vec![(2, "1", "Việc một")]);
    assert_eq!(table.findings.len(), 1);
    assert_eq!(table.findings[0].severity, Severity::Warning);
}

#[test]
fn title_merged_right_above_the_header_is_not_part_of_it() {
    let report = sheet("Báo cáo")
        .row(&["Kết quả thực hiện nhiệm vụ tháng 11 năm 2023", "", "", ""])
        .merge("A1:D1")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", "Tiến độ"])
        .row(&["1", "Việc một", "Xong", "100%"])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![2]);
    assert_eq!(
        table.columns,
        vec![(Number, 0), (Task, 1), (Result, 2), (Progress, 3)]
    );
    assert_eq!(keys(&table), vec![(3, "1", "Việc một")]);
}

#[test]
fn table_starting_in_column_c_with_numbers_in_text_cells() {
    let report = sheet("Sheet1")
        .row(&["", "", "Đơn vị: Sở Tư pháp"])
        .blank()
        .row(&[
            "",
            "",
            "Số TT",
            "Nội dung",
            "Kết quả triển khai",
            "Mức độ hoàn thành",
            "Tồn tại, hạn chế",
        ])
        .row(&[
            "",
            "",
            "1.",
            "Rà soát quy trình nội bộ",
            "Đã ban hành 45 quy trình",
            "Đã hoàn thành",
            "",
        ])
        .row(&[
            "",
            "",
            "2.",
            "Cập nhật CSDL hộ tịch",
            "",
            "Chưa triển khai",
            "Chưa có kinh phí",
        ])
        .done();
    let table = table(vec![report]);
    assert_eq!(table.header_rows, vec![3]);
    assert_eq!(
        table.columns,
        vec![
            (Number, 2),
            (Task, 3),
            (Result, 4),
            (Status, 5),
            (Difficulties, 6)
        ]
    );
    assert_eq!(
        keys(&table),
        vec![
            (4, "1.", "Rà soát quy trình nội bộ"),
            (5, "2.", "Cập nhật CSDL hộ tịch")
        ]
    );
    assert_eq!(row(&table, 5).status, Some(NotStarted));
    assert_eq!(row(&table, 5).difficulties, "Chưa có kinh phí");
}

#[test]
fn group_rows_with_a_lead_agency_and_sub_items_are_headings() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Kết quả thực hiện",
            "Trạng thái",
        ])
        .row(&[
            "7",
            "Triển khai các tiện ích phục vụ người dân",
            "Công an tỉnh",
            "",
            "",
        ])
        .row(&["7.a", "Tích hợp thẻ BHYT", "", "", ""])
        .row(&[
            "7.a.1",
            "Khám chữa bệnh bằng CCCD",
            "",
            "100% cơ sở KCB",
            "Hoàn thành",
        ])
        .row(&[
            "7.a.2",
            "Tra cứu thông tin thẻ BHYT",
            "",
            "",
            "Đang thực hiện",
        ])
        .row(&["8", "Chữ ký số cho người dân", "Sở TT&TT", "", ""])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![
            (4, "7.a.1", "Khám chữa bệnh bằng CCCD"),
            (5, "7.a.2", "Tra cứu thông tin thẻ BHYT"),
            (6, "8", "Chữ ký số cho người dân"),
        ]
    );
    assert_eq!(
        row(&table, 4).context,
        vec![
            heading("7", "Triển khai các tiện ích phục vụ người dân"),
            heading("7.a", "Tích hợp thẻ BHYT"),
        ]
    );
    assert!(row(&table, 6).context.is_empty());
    assert_eq!(row(&table, 6).status, None);
}

#[test]
fn group_text_typed_in_the_number_cell_without_merging() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Trạng thái",
        ])
        .row(&["I. Nhóm dịch vụ công trực tuyến"])
        .row(&["1", "Đăng ký thường trú", "Đã cung cấp", "Xong"])
        .row(&["2. Nhóm tiện ích"])
        .row(&["2.1", "Thông báo lưu trú", "", "Đang TH"])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![
            (3, "1", "Đăng ký thường trú"),
            (5, "2.1", "Thông báo lưu trú")
        ]
    );
    assert_eq!(
        row(&table, 3).context,
        vec![heading("I", "Nhóm dịch vụ công trực tuyến")]
    );
    assert_eq!(
        row(&table, 5).context,
        vec![
            heading("I", "Nhóm dịch vụ công trực tuyến"),
            heading("2", "Nhóm tiện ích")
        ]
    );
}

#[test]
fn workbooks_read_row_by_row_read_as_given_whole() {
    let cover = sheet("Hướng dẫn")
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện"])
        .row(&["1", "Ví dụ", "Ghi kết quả"])
        .done();
    let report = table(vec![
        cover,
        small_report("Báo cáo"),
        small_report("Tháng trước"),
    ]);
    assert_eq!(report.sheet, "Báo cáo");
    let cover_only = grid(vec![sheet("Bìa").row(&["BÁO CÁO"]).done()]);
    assert_eq!(read_both(&cover_only), Err(LayoutError::NoTable));
    let empty = grid(vec![
        sheet("Trống").done(),
        sheet("Ẩn").row(&["x"]).hidden().done(),
    ]);
    assert_eq!(read_both(&empty), Err(LayoutError::EmptyWorkbook));
}

#[test]
fn a_long_report_read_row_by_row_keeps_what_merged_areas_show_further_down() {
    // Every row is freed once read, but for rows where a merged area starts: the note
    // merged over thousands of rows and the task merged over its continuation rows.
    let table = table(vec![long_report_with_merges_across_stretches()]);
    assert_eq!(table.rows.len(), 4087 + 1 + 4092);
    assert_eq!(row(&table, 21).notes, "Theo dõi chung");
    assert_eq!(row(&table, 6000).notes, "Theo dõi chung");
    assert_eq!(row(&table, 6001).notes, "");
    let merged_task = row(&table, 4096);
    assert_eq!(merged_task.task_text, "Kích hoạt tài khoản định danh");
    assert_eq!(
        merged_task.result,
        "Đợt 1: 200 tài khoản\nĐợt 2: 300 tài khoản\nĐợt 3: 300 tài khoản"
    );
    assert_eq!(merged_task.context[0].text, "II");
    // The signature block on row 8191 ends the table.
    assert_eq!(table.rows.last().map(|r| r.source_row), Some(8190));
}

#[test]
fn a_header_at_the_bottom_of_the_search_is_found_on_a_long_sheet() {
    let mut b = sheet("Báo cáo");
    for i in 0..59 {
        b = b.row(&[&format!("Dòng giới thiệu {i}")]);
    }
    // Rows 60 and 61: the last row searched and the one under it.
    b = b
        .row(&["STT", "Nội dung nhiệm vụ", "Kết quả thực hiện", ""])
        .row(&["", "", "Đã hoàn thành", "Đang thực hiện"])
        .merge("A60:A61")
        .merge("B60:B61")
        .merge("C60:D60");
    for i in 1..=300 {
        b = b.row(&[&i.to_string(), &format!("Nhiệm vụ {i}"), "Xong", ""]);
    }
    let table = table(vec![b.done()]);
    assert_eq!(table.header_rows, vec![60, 61]);
    assert_eq!(table.rows.len(), 300);
    assert_eq!(row(&table, 62).task_text, "Nhiệm vụ 1");
}

#[test]
fn taken_texts_read_as_copied_ones_where_a_cell_shows_twice_or_reads_blank() {
    let report = sheet("Báo cáo")
        .row(&[
            "STT",
            "Nội dung nhiệm vụ",
            "Kết quả thực hiện",
            "Kết quả đạt được",
            "Tiến độ",
        ])
        .row(&["1", "Việc một", "Đã cấp 120 tài khoản", "", "50%"])
        .merge("C2:D2")
        .row(&["2", "Việc hai", "Đang làm", "Đã rà soát", "70%"])
        .row(&[
            "",
            "\u{200b}",
            "",
            "Trà Vinh, ngày 14 tháng 11 năm 2023",
            "",
        ])
        .done();
    let table = table(vec![report]);
    assert_eq!(
        keys(&table),
        vec![(2, "1", "Việc một"), (3, "2", "Việc hai")]
    );
    // The result merged across both result columns is read once; unmerged ones are joined.
    assert_eq!(row(&table, 2).result, "Đã cấp 120 tài khoản");
    assert_eq!(row(&table, 3).result, "Đang làm\nĐã rà soát");
}

/// A long report with merged areas far from the header: a task merged down over
/// continuation rows, a group heading, a note merged over thousands of rows, and a
/// signature block ending the table.
fn long_report_with_merges_across_stretches() -> Sheet {
    let mut b = sheet("Báo cáo").admin_block().row(&[
        "STT",
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ",
        "Ghi chú",
    ]);
    // Header on row 7 (index 6); data from index 7.
    for i in 7..10_000usize {
        b = match i {
            4094 => b.row(&["II", "NHÓM NHIỆM VỤ VỀ ĐỊNH DANH ĐIỆN TỬ", "", "", ""]),
            4095 => b.row(&[
                "",
                "Kích hoạt tài khoản định danh",
                "Đợt 1: 200 tài khoản",
                "",
                "",
            ]),
            4096 | 4097 => b.row(&[
                "",
                "",
                &format!("Đợt {}: 300 tài khoản", i - 4094),
                "60%",
                "",
            ]),
            8190 => b.row(&["Người lập biểu", "", "", "", ""]),
            _ => b.row(&[
                &format!("{}", i - 6),
                &format!("Nhiệm vụ số {i}"),
                &format!("Kết quả {i}"),
                "50%",
                if i == 20 { "Theo dõi chung" } else { "" },
            ]),
        };
    }
    b.merge("A4095:E4095")
        .merge("B4096:B4098")
        .merge("E21:E6000")
        .done()
}
