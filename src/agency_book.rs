//! The agency registry as a workbook: exported for a secretariat to complete (e-mails,
//! spellings, successors) and imported back. The JSON fixture format is accepted as well.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::{
    domain::{
        agency_registry::{AgencyEntry, AgencyRegistry, RegistryFile, KINDS},
        fold::fold,
    },
    error::{AppError, AppResult},
};

const SHEET: &str = "Danh mục cơ quan";
const HEADER_ROW: u32 = 2;
const COLUMNS: [&str; 10] = [
    "Tên cơ quan",
    "Tên viết tắt",
    "Loại",
    "Các cách viết khác",
    "Email",
    "Email thủ trưởng",
    "Hoạt động từ",
    "Hoạt động đến",
    "Cơ quan kế nhiệm",
    "Kế nhiệm từ ngày",
];
/// Vietnamese labels of [`KINDS`], same order.
const KIND_LABELS: [&str; 8] = [
    "UBND tỉnh",
    "Văn phòng",
    "Sở, ban, ngành",
    "Công an",
    "Chi nhánh, doanh nghiệp",
    "UBND cấp huyện (trước 7/2025)",
    "UBND cấp xã",
    "Khác",
];
const SEPARATOR: &str = "; ";

pub fn write(file: &RegistryFile) -> AppResult<Vec<u8>> {
    build(file).map_err(|e| AppError::Internal(format!("không tạo được tệp Excel: {e}")))
}

fn build(file: &RegistryFile) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let header = Format::new()
        .set_bold()
        .set_font_name("Times New Roman")
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let cell = Format::new()
        .set_font_name("Times New Roman")
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let date = cell.clone().set_num_format("dd/mm/yyyy");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    sheet.write_with_format(0, 0, "Tỉnh:", &header)?;
    sheet.write_string_with_format(0, 1, &file.province, &cell)?;
    for (col, name) in COLUMNS.iter().enumerate() {
        sheet.write_with_format(HEADER_ROW, col as u16, *name, &header)?;
    }
    for (i, a) in file.agencies.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        let kind = KINDS
            .iter()
            .position(|k| *k == a.kind)
            .map(|i| KIND_LABELS[i])
            .unwrap_or(&a.kind);
        let texts = [
            a.name.clone(),
            a.short_name.clone().unwrap_or_default(),
            kind.to_string(),
            a.aliases.join(SEPARATOR),
            a.emails.join(SEPARATOR),
            a.head_email.clone().unwrap_or_default(),
        ];
        for (col, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(row, col as u16, text, &cell)?;
        }
        for (col, value) in [
            (6u16, a.active_from),
            (7, a.active_to),
            (9, a.successor_from),
        ] {
            match value {
                Some(d) => {
                    let d = ExcelDateTime::parse_from_str(&d.format("%Y-%m-%d").to_string())?;
                    sheet.write_datetime_with_format(row, col, &d, &date)?
                }
                None => sheet.write_blank(row, col, &cell)?,
            };
        }
        sheet.write_string_with_format(row, 8, a.successor.clone().unwrap_or_default(), &cell)?;
    }
    let last = HEADER_ROW + file.agencies.len() as u32 + 200;
    sheet.add_data_validation(
        HEADER_ROW + 1,
        2,
        last,
        2,
        &DataValidation::new().allow_list_strings(&KIND_LABELS)?,
    )?;
    for (col, width) in [40, 16, 22, 50, 36, 30, 12, 12, 36, 12].iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, 1)?;
    workbook.save_to_buffer()
}

/// Reads a registry from a workbook made by [`write`] or from the JSON fixture format, and
/// validates it (kinds, e-mails, duplicate spellings, successors).
pub fn read(bytes: &[u8], file_name: &str) -> AppResult<RegistryFile> {
    let file = if file_name.to_lowercase().ends_with(".json") || bytes.first() == Some(&b'{') {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| AppError::BadRequest("Tệp JSON danh mục cơ quan phải là UTF-8.".into()))?;
        AgencyRegistry::parse_json(text).map_err(|e| {
            AppError::BadRequest(format!("Tệp JSON danh mục cơ quan không hợp lệ: {e}"))
        })?
    } else {
        read_workbook(bytes)?
    };
    AgencyRegistry::from_files(vec![file.clone()]).map_err(|e| {
        AppError::BadRequest(format!(
            "Danh mục cơ quan có lỗi: {}",
            e.replace('\n', "; ")
        ))
    })?;
    Ok(file)
}

fn read_workbook(bytes: &[u8]) -> AppResult<RegistryFile> {
    let bad =
        |what: String| AppError::BadRequest(format!("Tệp danh mục cơ quan không đọc được: {what}"));
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|_| {
        bad("cần tệp .xlsx xuất từ lệnh tonghop agencies export, hoặc tệp .json".into())
    })?;
    let range = book
        .worksheet_range(SHEET)
        .map_err(|_| bad(format!("thiếu trang \"{SHEET}\"")))?;
    let start = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let rows: Vec<&[Data]> = range.rows().collect();
    let at = |r: usize| rows.get(r.wrapping_sub(start)).copied().unwrap_or(&[]);
    let text = |cell: Option<&Data>| {
        cell.map(|c| c.to_string().trim().to_string())
            .unwrap_or_default()
    };
    let province = text(at(0).get(1));
    if province.is_empty() {
        return Err(bad("ô B1 phải ghi tên tỉnh".into()));
    }
    for (i, name) in COLUMNS.iter().enumerate() {
        if fold(&text(at(HEADER_ROW as usize).get(i))) != fold(name) {
            return Err(bad(format!(
                "dòng {} phải là dòng tiêu đề với cột \"{name}\"",
                HEADER_ROW + 1
            )));
        }
    }
    let mut agencies = Vec::new();
    for r in (HEADER_ROW as usize + 1)..(start + rows.len()) {
        let row = at(r);
        let get = |i: usize| text(row.get(i));
        let list = |i: usize| -> Vec<String> {
            get(i)
                .split([';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        };
        let date = |i: usize| -> AppResult<Option<NaiveDate>> {
            match row.get(i) {
                None | Some(Data::Empty) => Ok(None),
                Some(cell @ (Data::DateTime(_) | Data::DateTimeIso(_))) => Ok(cell.as_date()),
                Some(cell) => {
                    let t = cell.to_string();
                    if t.trim().is_empty() {
                        return Ok(None);
                    }
                    NaiveDate::parse_from_str(t.trim(), "%d/%m/%Y")
                        .map(Some)
                        .map_err(|_| {
                            bad(format!(
                                "ngày \"{t}\" ở dòng {} phải viết dạng 31/12/2025",
                                r + 1
                            ))
                        })
                }
            }
        };
        let name = get(0);
        if name.is_empty() {
            continue;
        }
        let kind_text = get(2);
        let kind = KIND_LABELS
            .iter()
            .position(|l| fold(l) == fold(&kind_text))
            .map(|i| KINDS[i].to_string())
            .or_else(|| {
                KINDS
                    .iter()
                    .find(|k| **k == kind_text)
                    .map(|k| k.to_string())
            })
            .unwrap_or_else(|| "other".to_string());
        agencies.push(AgencyEntry {
            short_name: Some(get(1)).filter(|s| !s.is_empty()),
            kind,
            aliases: list(3),
            emails: list(4),
            head_email: Some(get(5)).filter(|s| !s.is_empty()),
            active_from: date(6)?,
            active_to: date(7)?,
            successor: Some(get(8)).filter(|s| !s.is_empty()),
            successor_from: date(9)?,
            name,
        });
    }
    Ok(RegistryFile { province, agencies })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_round_trip_keeps_every_field() {
        let file =
            AgencyRegistry::parse_json(include_str!("../fixtures/agencies/tra-vinh.json")).unwrap();
        let bytes = write(&file).unwrap();
        assert_eq!(read(&bytes, "danh-muc.xlsx").unwrap(), file);
    }

    #[test]
    fn json_is_accepted_and_validated() {
        let json = include_str!("../fixtures/agencies/khanh-hoa.json");
        assert_eq!(
            read(json.as_bytes(), "kh.json").unwrap().province,
            "Khánh Hòa"
        );
        let broken = r#"{"province": "X", "agencies": [{"name": "Sở A", "kind": "department", "successor": "Sở B"}]}"#;
        let err = read(broken.as_bytes(), "x.json").unwrap_err().to_string();
        assert!(err.contains("Sở B"), "{err}");
    }
}
