//! Why a file could not be read as a plan, told to the user in Vietnamese.
//!
//! Each variant says what was received and what was expected, so a clerk can fix the file
//! without asking anyone. Problems inside a readable plan are findings, not errors.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanImportError {
    #[error("Tệp «{file}» rỗng, không có nội dung nào để đọc. Hãy tải lên văn bản kế hoạch (.docx, .txt, .md) hoặc bảng phân công nhiệm vụ (.xlsx, .xls).")]
    Empty { file: String },

    #[error("Tệp «{file}» quá lớn ({size_mb} MB, tối đa {limit_mb} MB). Văn bản kế hoạch thường chỉ vài trăm KB; hãy kiểm tra lại tệp hoặc bỏ bớt hình ảnh.")]
    TooLarge {
        file: String,
        size_mb: u64,
        limit_mb: u64,
    },

    #[error("Tệp «{file}» được bảo vệ bằng mật khẩu (đã mã hóa) nên không đọc được nội dung. Hãy mở tệp, gỡ mật khẩu (Tệp › Thông tin › Bảo vệ tài liệu › Mã hóa bằng mật khẩu, xóa mật khẩu), lưu lại rồi tải lên.")]
    Encrypted { file: String },

    #[error("Tệp «{file}» là văn bản Word 97-2003 (.doc), định dạng cũ chưa được hỗ trợ. Hãy mở bằng Word và lưu lại dưới dạng .docx rồi tải lên.")]
    LegacyWord { file: String },

    #[error("Tệp «{file}» là tệp PDF. Chưa đọc trực tiếp được PDF (tệp PDF scan chỉ có hình ảnh, không có chữ). Hãy tải lên bản Word (.docx) của kế hoạch, hoặc chuyển PDF sang văn bản (.txt/.docx) rồi tải lên.")]
    Pdf { file: String },

    #[error("Tệp «{file}» không có chữ nào để đọc (có thể là bản scan chỉ chứa hình ảnh). Hãy tải lên bản Word có nội dung chữ, hoặc nhận dạng chữ (OCR) bản scan rồi tải lên.")]
    NoText { file: String },

    #[error("Tệp «{file}» không phải định dạng được hỗ trợ ({what}). Cần văn bản kế hoạch (.docx, .txt, .md) hoặc bảng phân công nhiệm vụ (.xlsx, .xls).")]
    Unsupported { file: String, what: String },

    #[error("Tệp «{file}» bị hỏng hoặc không đúng định dạng {format}: {detail}. Hãy mở tệp bằng Word/Excel, lưu lại rồi tải lên lại.")]
    Corrupt {
        file: String,
        format: String,
        detail: String,
    },

    #[error("Tệp «{file}» không phải là một kế hoạch: không thấy tiêu đề «KẾ HOẠCH», số hiệu văn bản («Số: …/KH-…») hay phần giao nhiệm vụ («NHIỆM VỤ», «NỘI DUNG», «PHÂN CÔNG NHIỆM VỤ» có các mục đánh số 1., 1.1., a), (1)…). Hãy kiểm tra lại tệp đã chọn.")]
    NotAPlan { file: String },

    #[error("Không tìm thấy phần giao nhiệm vụ trong kế hoạch «{file}». Cần một mục «NHIỆM VỤ», «NHIỆM VỤ VÀ GIẢI PHÁP», «NỘI DUNG» hoặc «PHÂN CÔNG NHIỆM VỤ» có các nhiệm vụ đánh số (1., 1.1., a), (1)…), hoặc một bảng phân công có các cột «Nội dung, nhiệm vụ», «Đơn vị chủ trì», «Đơn vị phối hợp», «Thời gian hoàn thành». (Phần «MỤC TIÊU», «MỤC ĐÍCH» không phải là danh mục nhiệm vụ.)")]
    NoTaskSection { file: String },

    #[error("Không tìm thấy bảng phân công nhiệm vụ trong tệp Excel «{file}» (đã xem các trang tính: {sheets}). Cần một dòng tiêu đề (không bắt buộc ở dòng 1) có các cột «STT», «Nội dung, nhiệm vụ», «Đơn vị chủ trì», và nên có «Đơn vị phối hợp», «Thời gian thực hiện/hoàn thành».")]
    NoTaskTable { file: String, sheets: String },
}
