//! Reading an uploaded workbook into a [`Grid`], safely.
//!
//! # Why this is more than a call to calamine
//!
//! Agencies upload whatever their office software produced, and some uploads are broken,
//! mislabelled or hostile. `corpus/hostile/MANIFEST.tsv` (145 real files) records what bare
//! calamine 0.38 does with them:
//!
//! * it **panics** on four files (an xlsb sheet whose relationship id is missing, a corrupt OLE
//!   sector chain, an empty CONTINUE record): `catch_unwind` can stop those;
//! * it **aborts** the whole process on allocation failure: `oleloop.xls` (1 KB, an OLE FAT
//!   chain that loops) grows to 8 GB and then asks for 16 GiB; a two-cell xlsx with cells at A1
//!   and XFD1048576 asks for a 512 GiB dense range at once. No panic guard catches an abort;
//! * it **hangs or grows for tens of seconds**: `Test_git_issue_382_oom.xls` reached 6.7 GB in
//!   20 s; a 2 MB zip bomb inflates to a 1 GB sheet of 67 M cells (4.6 GB, 29 s);
//! * it holds a whole decompressed part or a whole dense range in memory: 1 GB of XML
//!   whitespace, 4 cells spread over a 65536×256 xls range (1 GB);
//! * `open_workbook_auto_from_rs` says only "Cannot detect file format" for a PDF, a PNG, an
//!   HTML "Excel export", a CSV, an encrypted workbook or an empty file.
//!
//! So reading is split in three:
//!
//! * [`sniff`] (pure, in-process) recognises the format from the bytes, never from the
//!   extension, and turns the usual mistakes (PDF, image, HTML, CSV, password, truncated
//!   download, empty file, a zip that is not a workbook) into a Vietnamese message that says
//!   what to do;
//! * [`parse`] calls the matching calamine reader and builds the grid sparsely under limits
//!   (cells materialised, text bytes, rows and columns, declared decompressed size), never asking
//!   calamine for a dense range where it offers a streaming cell reader (xlsx, xlsb);
//! * [`isolated`] runs `parse` in a child process (`tonghop read-sheet`, hidden) with
//!   `RLIMIT_AS` and `RLIMIT_CPU` set, a wall-clock deadline and a cap on its output, so an
//!   abort, a runaway allocation or a hang costs one child, not the server. Children stay
//!   alive between files (a small pool; a dead child is never reused and its file is judged
//!   by a fresh one), and answer in the compact binary form of `wire`.
//!
//! Production code calls [`read_isolated`] (it blocks: run it on a blocking thread, e.g.
//! `actix_web::web::block`, and bound how many run at once). [`parse::parse`] is in-process
//! and meant for trusted bytes (workbooks tonghop wrote itself) and for tests.

use serde::{Deserialize, Serialize};

use crate::config::UploadConfig;
#[cfg(doc)]
use crate::ingest::grid::Grid;

pub mod isolated;
pub mod merge_scan;
pub mod parse;
pub mod sniff;
mod wire;

#[cfg(test)]
pub(crate) use wire::through as through_wire;

pub use isolated::{
    child_exit, child_main, read_isolated, read_isolated_into, read_isolated_outcome,
    retire_idle_readers, ReadSheetArgs,
};
pub use parse::{parse, ReadOutcome};
pub use sniff::{sniff, Format, Sniffed};

const MIB: u64 = 1024 * 1024;

/// What one parse may consume. Built from [`UploadConfig`]; the two derived budgets
/// (decompressed bytes, text bytes) scale with the memory bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadLimits {
    /// Largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// Cells the grid may hold, all sheets together, counting the empty cells a row needs to
    /// reach its last value (what the grid really stores).
    pub max_cells: u64,
    /// Rows and columns a sheet may span.
    pub max_rows: u32,
    pub max_columns: u32,
    /// Wall-clock bound on one read, in seconds (CPU time is bounded slightly above it).
    pub timeout_secs: u64,
    /// Address-space bound of the reader process, in MiB.
    pub memory_mb: u64,
    /// Sum of the declared decompressed sizes of a zip-based workbook's parts.
    pub max_unpacked_bytes: u64,
    /// Bytes of cell text the grid may hold, all sheets together.
    pub max_text_bytes: u64,
}

impl ReadLimits {
    /// Upper bound on the child's encoded answer: every text byte escaped, every cell spelt
    /// out, plus room for names and merges.
    pub fn max_output_bytes(&self) -> u64 {
        self.max_text_bytes
            .saturating_mul(2)
            .saturating_add(self.max_cells.saturating_mul(40))
            .saturating_add(16 * MIB)
    }
}

impl From<&UploadConfig> for ReadLimits {
    fn from(c: &UploadConfig) -> Self {
        let memory = c.parse_memory_mb.max(64);
        ReadLimits {
            max_bytes: c.max_bytes,
            max_cells: c.max_cells,
            max_rows: c.max_rows,
            max_columns: c.max_columns,
            timeout_secs: c.parse_timeout_secs.max(1),
            memory_mb: memory,
            max_unpacked_bytes: memory * MIB / 2,
            max_text_bytes: memory * MIB / 8,
        }
    }
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits::from(&UploadConfig::default())
    }
}

/// Why a file could not be read. `Display` is the Vietnamese message shown to the clerk who
/// uploaded it; [`ReadError::code`] is the stable machine code for logs, APIs and tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReadError {
    #[error("Tệp trống (0 byte), không có nội dung. Hãy kiểm tra lại tệp trên máy (mở thử bằng Excel) rồi tải lên lại.")]
    Empty,
    #[error("Tệp quá lớn hoặc hỏng: {detail}. Hãy xoá các trang tính, hàng, cột không cần thiết (hoặc chia nhỏ tệp), lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    TooLarge { detail: String },
    #[error("Tệp này không phải bảng tính ({what}). Hãy tải lên báo cáo dạng Excel (.xlsx, .xls, .xlsb) hoặc OpenDocument (.ods).")]
    NotSpreadsheet { what: String },
    #[error("Tệp được đặt mật khẩu nên hệ thống không đọc được. Hãy mở tệp bằng Excel, gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu, xoá mật khẩu rồi bấm OK), lưu lại và tải lên lại.")]
    Encrypted,
    #[error("Tệp này là trang HTML được đổi tên thành .xls/.xlsx (thường do phần mềm khác \"xuất ra Excel\"), không phải bảng tính Excel thật. Hãy mở bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    Html,
    #[error("Tệp này là văn bản CSV (các giá trị ngăn cách bằng dấu phẩy hoặc chấm phẩy) được đổi tên, không phải bảng tính Excel. Hãy mở bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    Csv,
    #[error("Tệp này là tài liệu PDF, không phải bảng tính Excel. Hãy tải lên tệp Excel gốc của báo cáo (.xlsx), không phải bản PDF hay bản quét.")]
    Pdf,
    #[error("Tệp này là ảnh {kind}, không phải bảng tính Excel. Hãy tải lên tệp Excel gốc của báo cáo (.xlsx), không phải ảnh chụp màn hình hay ảnh chụp văn bản.")]
    Image { kind: String },
    #[error("Tệp bị cắt cụt (thiếu phần cuối), thường do tải xuống hoặc sao chép chưa xong. Hãy mở thử tệp bằng Excel trên máy; nếu mở được thì lưu lại dưới dạng .xlsx và tải lên lại, nếu không thì lấy lại tệp gốc.")]
    Truncated,
    #[error("Tệp bị hỏng, không đọc được nội dung bảng tính (chi tiết kỹ thuật: {detail}). Hãy mở tệp bằng Excel, lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    Corrupt { detail: String },
    #[error("Tệp là {what}, định dạng mà hệ thống không đọc được. Hãy mở bằng Excel (hoặc LibreOffice Calc) và lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    Unsupported { what: String },
    #[error("Tệp không có trang tính nào đọc được ({detail}). Hãy kiểm tra tệp có bảng báo cáo, lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    NoSheets { detail: String },
    #[error("Đọc tệp quá {secs} giây nên hệ thống đã dừng: tệp quá lớn hoặc có cấu trúc bất thường. Hãy xoá các trang tính, hàng, cột thừa (hoặc chia nhỏ tệp), lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại.")]
    Timeout { secs: u64 },
    #[error("Tệp quá lớn hoặc hỏng: trình đọc bảng tính dừng bất thường ({detail}). Hãy mở tệp bằng Excel, lưu lại dưới dạng Excel Workbook (.xlsx) rồi tải lên lại; nếu vẫn lỗi, gửi tệp cho bộ phận kỹ thuật.")]
    Crashed { detail: String },
    #[error("Hệ thống chưa đọc được tệp do lỗi phía máy chủ, không phải do tệp ({detail}). Hãy thử lại sau ít phút; nếu vẫn lỗi, báo cho bộ phận kỹ thuật.")]
    Internal { detail: String },
}

impl ReadError {
    /// Stable machine code: `empty`, `too_large`, `not_spreadsheet`, `encrypted`, `html`,
    /// `csv`, `pdf`, `image`, `truncated`, `corrupt`, `unsupported`, `no_sheets`, `timeout`,
    /// `crashed`, `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Empty => "empty",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::NotSpreadsheet { .. } => "not_spreadsheet",
            ReadError::Encrypted => "encrypted",
            ReadError::Html => "html",
            ReadError::Csv => "csv",
            ReadError::Pdf => "pdf",
            ReadError::Image { .. } => "image",
            ReadError::Truncated => "truncated",
            ReadError::Corrupt { .. } => "corrupt",
            ReadError::Unsupported { .. } => "unsupported",
            ReadError::NoSheets { .. } => "no_sheets",
            ReadError::Timeout { .. } => "timeout",
            ReadError::Crashed { .. } => "crashed",
            ReadError::Internal { .. } => "internal",
        }
    }

    pub(crate) fn too_large(detail: impl Into<String>) -> Self {
        ReadError::TooLarge {
            detail: detail.into(),
        }
    }

    pub(crate) fn corrupt(detail: impl std::fmt::Display) -> Self {
        let mut detail = detail.to_string();
        truncate_chars(&mut detail, 300);
        ReadError::Corrupt { detail }
    }
}

/// Cuts `s` to at most `max` characters, marking the cut.
pub(crate) fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
        s.push('…');
    }
}

/// "1,5 MB"-style size for messages.
pub(crate) fn human_bytes(n: u64) -> String {
    if n >= 1024 * MIB {
        format!("{:.1} GB", n as f64 / (1024 * MIB) as f64).replace('.', ",")
    } else if n >= MIB {
        format!("{:.1} MB", n as f64 / MIB as f64).replace('.', ",")
    } else if n >= 1024 {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} byte")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_configuration() {
        let limits = ReadLimits::default();
        assert_eq!(limits.max_cells, 5_000_000);
        assert_eq!(limits.timeout_secs, 15);
        assert_eq!(limits.max_unpacked_bytes, 512 * MIB);
        assert!(limits.max_output_bytes() > limits.max_text_bytes);
    }

    #[test]
    fn every_error_has_a_code_and_a_vietnamese_message() {
        let all = [
            ReadError::Empty,
            ReadError::too_large("x"),
            ReadError::Encrypted,
            ReadError::Html,
            ReadError::Csv,
            ReadError::Pdf,
            ReadError::Truncated,
            ReadError::Timeout { secs: 15 },
        ];
        for e in all {
            assert!(!e.code().is_empty());
            assert!(e.to_string().contains("Tệp") || e.to_string().contains("tệp"));
        }
        assert_eq!(human_bytes(1536 * 1024), "1,5 MB");
    }

    #[test]
    fn errors_travel_as_json() {
        let e = ReadError::Image { kind: "PNG".into() };
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"code\":\"image\""));
        assert_eq!(serde_json::from_str::<ReadError>(&json).unwrap(), e);
    }
}
