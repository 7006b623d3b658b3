//! Plans in other layouts and formats, written by the tests themselves: a .docx with "III.
//! NHIỆM VỤ…", "Cơ quan thực hiện: X chủ trì, phối hợp với Y" and "(1) … (11)" sub-items;
//! an .xlsx assignment table whose header is on row 4; and files that are not plans.

use std::io::{Cursor, Write};

use chrono::NaiveDate;

use super::{parse_plan, PlanImportError};
use crate::domain::due::DueKind;
use crate::domain::report_rule::{Every, RuleKind};

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A minimal .docx: one paragraph per line; lines starting with "|" are rows of a table.
fn docx(lines: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    let mut table: Vec<&str> = Vec::new();
    let flush = |table: &mut Vec<&str>, body: &mut String| {
        if table.is_empty() {
            return;
        }
        body.push_str("<w:tbl>");
        for row in table.drain(..) {
            body.push_str("<w:tr>");
            for cell in row.trim_matches('|').split('|') {
                body.push_str(&format!(
                    "<w:tc><w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
                    xml_escape(cell.trim())
                ));
            }
            body.push_str("</w:tr>");
        }
        body.push_str("</w:tbl>");
    };
    for line in lines {
        if line.starts_with('|') {
            table.push(line);
            continue;
        }
        flush(&mut table, &mut body);
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            xml_escape(line)
        ));
    }
    flush(&mut table, &mut body);
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn docx_plan_with_paren_items() {
    let mut lines = vec![
        "|ỦY BAN NHÂN DÂN TỈNH TRÀ VINH|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|",
        "|Số: 13/KH-UBND|Trà Vinh, ngày 11 tháng 02 năm 2022|",
        "KẾ HOẠCH",
        "Triển khai thực hiện Đề án 06 trên địa bàn tỉnh Trà Vinh năm 2022",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "- Tỷ lệ hồ sơ trực tuyến đạt tối thiểu 30%.",
        "II. MỤC TIÊU",
        "1. Đến hết năm 2022, 100% thủ tục hành chính được rà soát.",
        "III. NHIỆM VỤ VÀ GIẢI PHÁP",
        "7. Nhóm nhiệm vụ về làm sạch dữ liệu dân cư",
        "a) Hoàn thiện thể chế, chính sách",
        "Cơ quan thực hiện: Công an tỉnh chủ trì, phối hợp với Sở Tư pháp, Bảo hiểm xã hội tỉnh thực hiện.",
        "Thời gian hoàn thành: Trong tháng 3 năm 2022.",
    ];
    let items: Vec<String> = (1..=11)
        .map(|i| format!("({i}) Rà soát nhóm văn bản thứ {i} liên quan đến dữ liệu dân cư."))
        .collect();
    let item_refs: Vec<&str> = items.iter().map(String::as_str).collect();
    lines.extend(item_refs);
    lines.extend([
        "b) Tuyên truyền, hướng dẫn người dân",
        "Cơ quan thực hiện: Sở Thông tin và Truyền thông, Sở Văn hóa, Thể thao và Du lịch.",
        "Thời gian hoàn thành: Quý II/2022; tỷ lệ người dân được hướng dẫn đạt tối thiểu 30%.",
        "8. Kết nối cơ sở dữ liệu bảo hiểm xã hội",
        "Cơ quan thực hiện: Bảo hiểm xã hội tỉnh chủ trì, phối hợp với Công an tỉnh.",
        "Thời gian hoàn thành: Sau khi Bộ Công an triển khai (dự kiến trong tháng 6/2023).",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Định kỳ trước ngày 18 hàng tháng báo cáo kết quả thực hiện về UBND tỉnh (qua Công an tỉnh).",
        "Nơi nhận:",
    ]);
    let bytes = docx(&lines);
    let known = |name: &str| -> Option<String> {
        match crate::domain::fold::fold(name).as_str() {
            "cong an tinh" => Some("Công an tỉnh".into()),
            "so tu phap" => Some("Sở Tư pháp".into()),
            "bao hiem xa hoi tinh" => Some("Bảo hiểm xã hội tỉnh".into()),
            "so thong tin va truyen thong" => Some("Sở Thông tin và Truyền thông".into()),
            _ => None,
        }
    };
    let draft = parse_plan(&bytes, "KH-13.docx", &known).unwrap();
    let plan = &draft.plan;
    assert_eq!(plan.province.as_deref(), Some("Trà Vinh"));
    assert_eq!(plan.number.as_deref(), Some("13/KH-UBND"));
    assert_eq!(plan.issued_on, date(2022, 2, 11));
    assert_eq!(
        plan.title,
        "Triển khai thực hiện Đề án 06 trên địa bàn tỉnh Trà Vinh năm 2022"
    );
    let rule = plan.report_due.as_ref().unwrap();
    assert_eq!(
        (rule.every, rule.rule, rule.day),
        (Every::Month, RuleKind::BeforeDay, Some(18))
    );

    let codes: Vec<&str> = draft.tasks.iter().map(|t| t.code.as_str()).collect();
    let mut expected: Vec<String> = (1..=11).map(|i| format!("7.a.{i}")).collect();
    expected.extend(["7.b".to_string(), "8".to_string()]);
    assert_eq!(codes, expected);

    let first = &draft.tasks[0];
    assert_eq!(first.group, "Hoàn thiện thể chế, chính sách");
    assert_eq!(first.lead, vec!["Công an tỉnh"]);
    assert_eq!(
        first.coordinating,
        vec!["Sở Tư pháp", "Bảo hiểm xã hội tỉnh"]
    );
    assert_eq!(first.due.kind, DueKind::Month);
    assert_eq!(first.due.end, date(2022, 3, 31));
    assert_eq!(first.due.text, "Trong tháng 3 năm 2022");

    let b = &draft.tasks[11];
    assert_eq!(b.group, "Nhóm nhiệm vụ về làm sạch dữ liệu dân cư");
    assert_eq!(
        b.lead,
        vec![
            "Sở Thông tin và Truyền thông",
            "Sở Văn hóa, Thể thao và Du lịch"
        ]
    );
    assert_eq!(
        (b.due.kind, b.due.end),
        (DueKind::Quarter, date(2022, 6, 30))
    );
    assert_eq!(b.kpi.len(), 1);
    assert_eq!(b.kpi[0].text, "đạt tối thiểu 30%");
    assert_eq!(b.kpi[0].target_percent, Some(30.0));

    let eight = &draft.tasks[12];
    assert_eq!(eight.lead, vec!["Bảo hiểm xã hội tỉnh"]);
    assert_eq!(eight.coordinating, vec!["Công an tỉnh"]);
    assert_eq!(
        (eight.due.kind, eight.due.end),
        (DueKind::Conditional, date(2023, 6, 30))
    );

    // The unknown agency is kept as written, with one warning.
    let unknown: Vec<&str> = draft
        .findings
        .iter()
        .filter(|f| f.message.contains("Không tìm thấy cơ quan"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(unknown[0].contains("«Sở Văn hóa, Thể thao và Du lịch»"));
}

#[test]
fn xlsx_assignment_table_with_header_on_row_4() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Phân công").unwrap();
    ws.write_string(0, 0, "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA")
        .unwrap();
    ws.write_string(1, 0, "PHÂN CÔNG NHIỆM VỤ THỰC HIỆN ĐỀ ÁN 06 NĂM 2023")
        .unwrap();
    let header = [
        "STT",
        "Nội dung, nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    let rows: [[&str; 5]; 6] = [
        ["I", "Nhóm dịch vụ công", "", "", ""],
        [
            "1",
            "Rà soát thủ tục hành chính",
            "Văn phòng UBND tỉnh",
            "Các sở: Tư pháp, Y tế",
            "Quý I/2023",
        ],
        [
            "2",
            "Tích hợp VNeID vào Cổng dịch vụ công",
            "Sở Thông tin và Truyền thông",
            "Công an tỉnh",
            "trước ngày 30/11/2023",
        ],
        ["II", "Nhóm công dân số", "", "", ""],
        [
            "1",
            "Tuyên truyền cài đặt VNeID, đạt tối thiểu 80% dân số trưởng thành",
            "Công an tỉnh",
            "",
            "Thường xuyên",
        ],
        [
            "2",
            "Cấp chữ ký số cho người dân",
            "Sở Thông tin và Truyền thông",
            "",
            "Tháng 6",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if c == 0 && v.chars().all(|ch| ch.is_ascii_digit()) {
                ws.write_number(4 + r as u32, 0, v.parse::<f64>().unwrap())
                    .unwrap();
            } else if !v.is_empty() {
                ws.write_string(4 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let draft = parse_plan(&bytes, "phan-cong.xlsx", &|_| None).unwrap();
    assert_eq!(draft.plan.province.as_deref(), Some("Khánh Hòa"));
    let codes: Vec<&str> = draft.tasks.iter().map(|t| t.code.as_str()).collect();
    assert_eq!(codes, vec!["i.1", "i.2", "ii.1", "ii.2"]);
    let t = &draft.tasks[0];
    assert_eq!(t.group, "Nhóm dịch vụ công");
    assert_eq!(t.lead, vec!["Văn phòng UBND tỉnh"]);
    assert_eq!(t.coordinating, vec!["Sở Tư pháp", "Sở Y tế"]);
    assert_eq!(
        (t.due.kind, t.due.end),
        (DueKind::Quarter, date(2023, 3, 31))
    );
    assert_eq!(draft.tasks[1].due.end, date(2023, 11, 30));
    assert_eq!(draft.tasks[2].due.kind, DueKind::Recurring);
    assert_eq!(draft.tasks[2].kpi[0].target_percent, Some(80.0));
    // "Tháng 6" without a year: unreadable without the plan's date.
    assert_eq!(draft.tasks[3].due.kind, DueKind::Unspecified);
    assert!(draft
        .findings
        .iter()
        .any(|f| f.message.contains("Không hiểu thời hạn «Tháng 6»")));
    assert!(draft.findings.iter().any(|f| f
        .where_
        .as_deref()
        .is_some_and(|w| w.contains("trang «Phân công», dòng 10"))));
}

#[test]
fn workbook_without_expected_columns() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Họ và tên").unwrap();
    ws.write_string(0, 1, "Điện thoại").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let err = parse_plan(&bytes, "danh-ba.xlsx", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::NoTaskTable { .. }));
    let message = err.to_string();
    assert!(message.contains("«Đơn vị chủ trì»"), "{message}");
    assert!(message.contains("«Sheet1»"), "{message}");
}

#[test]
fn not_plans_are_rejected_in_vietnamese() {
    let recipe = "CÁCH NẤU PHỞ BÒ\n\nNguyên liệu:\n- 1 kg xương bò\n- 500 g bánh phở\n\n1. Sơ chế xương, chần qua nước sôi.\n2. Hầm xương trong 6 giờ.\n3. Trụng bánh phở, chan nước dùng.";
    let err = parse_plan(recipe.as_bytes(), "pho.txt", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::NotAPlan { .. }));
    assert!(err.to_string().contains("không phải là một kế hoạch"));

    for empty in [&b""[..], b"  \n\n ", b"\xEF\xBB\xBF"] {
        let err = parse_plan(empty, "rong.txt", &|_| None).unwrap_err();
        assert!(matches!(err, PlanImportError::Empty { .. }), "{err:?}");
        assert!(err.to_string().contains("rỗng"));
    }

    // An encrypted .docx is an OLE compound file holding "EncryptedPackage".
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend(vec![0u8; 504]);
    encrypted.extend(
        "EncryptedPackage"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    let err = parse_plan(&encrypted, "KH.docx", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::Encrypted { .. }));
    assert!(err.to_string().contains("mật khẩu"));

    let err = parse_plan(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", "scan.pdf", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::Pdf { .. }));

    let err = parse_plan(&docx(&[]), "trang.docx", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::NoText { .. }), "{err:?}");

    let no_tasks = "Số: 12/KH-UBND\nKẾ HOẠCH\nTổ chức hội nghị\nI. MỤC ĐÍCH\n1. Nâng cao nhận thức.\nII. TỔ CHỨC THỰC HIỆN\n1. Văn phòng chuẩn bị.";
    let err = parse_plan(no_tasks.as_bytes(), "hoi-nghi.txt", &|_| None).unwrap_err();
    assert!(matches!(err, PlanImportError::NoTaskSection { .. }));
    assert!(err.to_string().contains("MỤC TIÊU"));
}

#[test]
fn markdown_plan_with_pipe_table() {
    let text = "# KẾ HOẠCH\n\n**Chuyển đổi số năm 2024 trên địa bàn tỉnh Bình Định**\n\n## I. PHÂN CÔNG NHIỆM VỤ\n\n| STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời hạn |\n|---|---|---|---|---|\n| 1 | Số hóa hồ sơ | Sở Nội vụ | Sở Tài chính | Trong năm 2024 |\n| 2 | Làm sạch dữ liệu | Công an tỉnh |  | Quý IV/2024 |\n\nBáo cáo gửi trong 02 ngày làm việc kể từ ngày chốt số liệu.\n";
    let draft = parse_plan(text.as_bytes(), "kh.md", &|_| None).unwrap();
    assert_eq!(
        draft.plan.title,
        "Chuyển đổi số năm 2024 trên địa bàn tỉnh Bình Định"
    );
    assert_eq!(draft.plan.province.as_deref(), Some("Bình Định"));
    assert_eq!(draft.tasks.len(), 2);
    assert_eq!(draft.tasks[0].due.end, date(2024, 12, 31));
    assert_eq!(draft.tasks[1].due.kind, DueKind::Quarter);
    let rule = draft.plan.report_due.unwrap();
    assert_eq!(rule.rule, RuleKind::WorkingDaysAfterCutoff);
    assert_eq!(rule.working_days, Some(2));
}
