//! The review loop of a plan import: the task list as a workbook a secretariat corrects in
//! Excel, and that workbook read back without loss.
//!
//! An import is a draft until activated. `tonghop plan export` writes [`export::write`]'s
//! workbook; `tonghop plan import FILE --plan ID` reads it back with [`read_back::read`] and
//! updates the plan's tasks by code, so submissions already linked to a task stay linked.

pub mod export;
pub mod read_back;

/// Sheet and column names shared by the writer and the reader.
pub(crate) mod layout {
    pub const PLAN_SHEET: &str = "Kế hoạch";
    pub const TASK_SHEET: &str = "Nhiệm vụ";
    pub const HEADER_ROW: u32 = 3;
    pub const COLUMNS: [&str; 10] = [
        "Mã nhiệm vụ",
        "Nhóm",
        "Nội dung nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Thời gian hoàn thành (theo kế hoạch)",
        "Loại thời hạn",
        "Hạn cuối",
        "Chỉ tiêu",
        "Chỉ tiêu (%)",
    ];
    /// Separates agency names in a cell: names themselves contain commas.
    pub const LIST_SEPARATOR: &str = "; ";
    pub const PLAN_KEYS: [&str; 6] = [
        "Tỉnh",
        "Số hiệu",
        "Ngày ban hành",
        "Trích yếu",
        "Chế độ báo cáo",
        "Quy định báo cáo (máy đọc, không sửa)",
    ];

    use crate::domain::due::DueKind;

    pub const DUE_KINDS: [(DueKind, &str); 7] = [
        (DueKind::Date, "Ngày cụ thể"),
        (DueKind::Month, "Trong tháng"),
        (DueKind::Quarter, "Trong quý"),
        (DueKind::Year, "Trong năm"),
        (DueKind::Recurring, "Thường xuyên"),
        (DueKind::Conditional, "Theo điều kiện"),
        (DueKind::Unspecified, "Chưa xác định"),
    ];

    pub fn due_kind_label(kind: DueKind) -> &'static str {
        DUE_KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, l)| *l)
            .unwrap_or("Chưa xác định")
    }

    pub fn due_kind_from_label(label: &str) -> Option<DueKind> {
        let folded = crate::domain::fold::fold(label);
        DUE_KINDS
            .iter()
            .find(|(k, l)| crate::domain::fold::fold(l) == folded || k.as_str() == label.trim())
            .map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests;
