//! Matcher tests: two realistic plans (24 tasks of Bắc Giang's 2023 plan on Đề án 06's five
//! utility groups, coded "1.1"…"5.3"; 15 tasks in the "7.a.1" style) and many row variants:
//! every code form, bare STT under Roman or arabic headings, renumbered groups, texts
//! reworded, shortened, in capitals, without diacritics, in NFD, with typos; unrelated,
//! unassigned, duplicated and contradictory rows. `accuracy_report` prints the figures
//! (`cargo test accuracy_report -- --nocapture`).

use unicode_normalization::UnicodeNormalization;

use super::*;
use crate::domain::finding::Severity;
use crate::ingest::table::{Heading, RawRow};

use AssignmentRole::{Coordinating, Lead};

type TaskSpec = (&'static str, &'static str, Option<AssignmentRole>);

const BG_GROUPS: [&str; 5] = [
    "Nhóm tiện ích phục vụ giải quyết TTHC và cung cấp DVC trực tuyến (bao gồm 03 nhiệm vụ)",
    "Nhóm tiện ích phát triển kinh tế xã hội (bao gồm 07 nhiệm vụ)",
    "Nhóm tiện ích phục vụ công dân số (bao gồm 09 nhiệm vụ)",
    "Nhóm hoàn thiện hệ sinh thái kết nối, khai thác, bổ sung, làm giàu dữ liệu dân cư (bao gồm 02 nhiệm vụ)",
    "Nhóm phục vụ chỉ đạo điều hành của lãnh đạo các cấp (bao gồm 3 nhiệm vụ)",
];

/// Bắc Giang, KH 10/2023, as seen by Sở Y tế.
const BG_TASKS: [TaskSpec; 24] = [
    ("1.1", "Đẩy mạnh triển khai 53 DVC thiết yếu", Some(Lead)),
    ("1.2", "Xây dựng tối thiểu 20 DVC không sử dụng hồ sơ giấy", None),
    ("1.3", "Triển khai cung cấp DVC trực tuyến trên VNeID", Some(Coordinating)),
    ("2.1", "Khám, chữa bệnh sử dụng thẻ CCCD và VNeID", Some(Lead)),
    ("2.2", "Triển khai sử dụng CCCD gắn chip, VNeID tại các tổ chức hành nghề công chứng", None),
    ("2.3", "Triển khai nền tảng quản lý lưu trú tại nhà nghỉ, khách sạn", None),
    ("2.4", "Triển khai nền tảng quản lý lưu trú tại các cơ sở khám chữa bệnh", Some(Coordinating)),
    ("2.5", "Triển khai nền tảng quản lý lưu trú trên xe khách đường dài", None),
    ("2.6", "Đẩy mạnh triển khai giải pháp xử phạt vi phạm trật tự, an toàn giao thông và trật tự, an toàn xã hội", None),
    ("2.7", "Triển khai cho vay tín chấp công dân: Hộ nghèo, người có công.", None),
    ("3.1", "Đảm bảo điều kiện công dân số", None),
    ("3.2", "Chuẩn hóa xác thực tập trung (SSO) qua trục VDXP và NDXP", None),
    ("3.3", "Kết nối, chia sẻ dữ liệu qua nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)", None),
    ("3.4", "Truyền thông chính sách qua hệ thống Led, pano, áp phích, truyền thanh cơ sở, truyền hình địa phương, hệ thống phát thanh thông minh, nền tảng số", None),
    ("3.5", "Triển khai nền tảng đào tạo, giáo dục trực tuyến đại chúng mở (MOOC) để nâng cao nhận thức, hỗ trợ triển khai Đề án 06 cho các cán bộ, công chức, viên chức, giảm chi phí đào tạo truyền thống", Some(Coordinating)),
    ("3.6", "Đẩy mạnh triển khai tổ giác tội phạm qua ứng dụng VNeID", None),
    ("3.7", "Triển khai hệ thống quản lý trường học", None),
    ("3.8", "Cung cấp thông tin lý lịch tư pháp trên VNeID", None),
    ("3.9", "Triển khai tích hợp thông tin Sổ sức khỏe điện tử, Sổ lao động điện tử trên VNeID", Some(Coordinating)),
    ("4.1", "Quản lý thông tin người sử dụng đất, chủ sở hữu nhà ở, tài sản gắn liền với đất thông qua CSDLQG về dân cư, VNeID", None),
    ("4.2", "Quản lý Chương trình an sinh xã hội thông qua VNeID", None),
    ("5.1", "Phân tích tình hình dân cư, lao động, du lịch thông qua lưu trú, tình hình trật tự, an toàn xã hội trên địa bàn", Some(Coordinating)),
    ("5.2", "Trung tâm Giám sát an ninh mạng (SOC) tỉnh", None),
    ("5.3", "Tổ chức đào tạo, tập huấn an ninh, an toàn, bảo mật thông tin cho người sử dụng cuối", Some(Coordinating)),
];

/// Reworded and shortened texts clerks write, two per task, in `BG_TASKS` order.
const BG_PARAPHRASES: [[&str; 2]; 24] = [
    [
        "Triển khai 53 dịch vụ công thiết yếu theo Đề án 06",
        "53 DVC thiết yếu",
    ],
    [
        "Xây dựng 20 dịch vụ công không dùng hồ sơ giấy",
        "DVC không sử dụng hồ sơ giấy",
    ],
    [
        "Cung cấp dịch vụ công trực tuyến trên ứng dụng VNeID",
        "DVC trực tuyến trên VNeID",
    ],
    [
        "Sử dụng CCCD gắn chip, VNeID khi khám chữa bệnh thay thẻ BHYT",
        "Khám chữa bệnh bằng thẻ CCCD",
    ],
    [
        "CCCD gắn chip tại tổ chức hành nghề công chứng",
        "Sử dụng VNeID khi đi công chứng",
    ],
    [
        "Quản lý lưu trú tại nhà nghỉ, khách sạn (phần mềm ASM)",
        "Lưu trú khách sạn, nhà nghỉ",
    ],
    [
        "Quản lý lưu trú tại cơ sở KCB",
        "Khai báo lưu trú tại các bệnh viện, cơ sở khám chữa bệnh",
    ],
    [
        "Quản lý lưu trú trên xe khách",
        "Lưu trú trên xe khách đường dài",
    ],
    [
        "Xử phạt vi phạm trật tự an toàn giao thông qua camera AI",
        "Giải pháp xử phạt vi phạm TTATGT",
    ],
    [
        "Cho vay tín chấp hộ nghèo, người có công",
        "Vay tín chấp công dân",
    ],
    [
        "Bảo đảm điều kiện công dân số",
        "Điều kiện công dân số: tài khoản định danh, chữ ký số",
    ],
    [
        "Xác thực tập trung SSO qua VDXP, NDXP",
        "Chuẩn hoá xác thực tập trung SSO",
    ],
    [
        "Kết nối chia sẻ dữ liệu qua LGSP của tỉnh",
        "Tích hợp, chia sẻ dữ liệu qua nền tảng LGSP",
    ],
    [
        "Truyền thông chính sách qua pano, áp phích, truyền thanh cơ sở",
        "Tuyên truyền qua hệ thống Led, truyền hình, nền tảng số",
    ],
    [
        "Đào tạo trực tuyến MOOC cho cán bộ, công chức, viên chức",
        "Nền tảng đào tạo trực tuyến đại chúng mở",
    ],
    [
        "Tố giác tội phạm qua VNeID",
        "Triển khai tính năng tố giác tội phạm trên ứng dụng VNeID",
    ],
    [
        "Hệ thống quản lý trường học",
        "Quản lý trường học, xác thực giáo viên, học sinh",
    ],
    [
        "Lý lịch tư pháp trên VNeID",
        "Cung cấp phiếu lý lịch tư pháp qua ứng dụng VNeID",
    ],
    [
        "Tích hợp sổ sức khỏe điện tử trên VNeID",
        "Sổ sức khoẻ điện tử, sổ lao động điện tử",
    ],
    [
        "Quản lý thông tin người sử dụng đất qua CSDL dân cư",
        "Số hoá thông tin chủ sở hữu nhà ở, tài sản gắn liền với đất",
    ],
    [
        "Quản lý an sinh xã hội qua VNeID",
        "Chi trả an sinh xã hội, chương trình an sinh qua VNeID",
    ],
    [
        "Phân tích tình hình dân cư, lao động, du lịch",
        "Phân tích tình hình trật tự an toàn xã hội qua dữ liệu lưu trú",
    ],
    [
        "Trung tâm giám sát an ninh mạng SOC",
        "Xây dựng SOC của tỉnh",
    ],
    [
        "Tập huấn an toàn bảo mật thông tin cho người dùng cuối",
        "Đào tạo an ninh an toàn thông tin người sử dụng cuối",
    ],
];

/// Groups of the "7.a.1" plan: code prefix and title.
const KH_GROUPS: [(&str, &str); 6] = [
    (
        "7.a",
        "Cấp căn cước công dân và tài khoản định danh điện tử",
    ),
    (
        "7.b",
        "Ứng dụng thẻ Căn cước công dân, VNeID trong lĩnh vực y tế, bảo hiểm xã hội",
    ),
    (
        "7.c",
        "Giải quyết thủ tục hành chính, dịch vụ công trực tuyến",
    ),
    ("7.d", "Phát triển kinh tế số"),
    ("7.đ", "Hệ sinh thái dữ liệu dân cư"),
    ("8.a", "Hạ tầng kỹ thuật"),
];
const KH_GROUP_8B: &str = "Bảo đảm an ninh, an toàn thông tin";

/// A plan in the "III.7.a.(1)" style, as seen by Công an tỉnh.
const KH_TASKS: [TaskSpec; 15] = [
    ("7.a.1", "Đẩy mạnh cấp, kích hoạt tài khoản định danh điện tử mức độ 2 cho công dân trên địa bàn tỉnh", Some(Lead)),
    ("7.a.2", "Tổ chức thu nhận hồ sơ cấp thẻ Căn cước công dân gắn chip cho công dân đủ điều kiện, kể cả lưu động tại cơ sở", Some(Lead)),
    ("7.a.3", "Làm sạch, bổ sung dữ liệu dân cư bảo đảm đúng, đủ, sạch, sống", Some(Lead)),
    ("7.b.1", "Sử dụng thẻ CCCD gắn chip, ứng dụng VNeID thay thẻ bảo hiểm y tế giấy khi khám, chữa bệnh", Some(Coordinating)),
    ("7.b.2", "Chi trả trợ cấp thất nghiệp và lương hưu qua tài khoản ngân hàng, xác thực qua CSDL quốc gia về dân cư", Some(Coordinating)),
    ("7.b.3", "Cập nhật thông tin sổ sức khỏe điện tử lên ứng dụng VNeID", Some(Coordinating)),
    ("7.c.1", "Rà soát, tái cấu trúc quy trình thủ tục hành chính để cung cấp dịch vụ công trực tuyến toàn trình", Some(Coordinating)),
    ("7.c.2", "Tích hợp, kết nối Cổng dịch vụ công của tỉnh với Cơ sở dữ liệu quốc gia về dân cư", Some(Coordinating)),
    ("7.c.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận Một cửa các cấp", None),
    ("7.d.1", "Thanh toán không dùng tiền mặt trong thu học phí, viện phí, tiền điện, nước", None),
    ("7.đ.1", "Hoàn thiện hệ sinh thái phục vụ kết nối, khai thác, bổ sung, làm giàu dữ liệu dân cư cho doanh nghiệp", Some(Lead)),
    ("8.a.1", "Nâng cấp đường truyền số liệu chuyên dùng kết nối đến Công an cấp xã", Some(Lead)),
    ("8.a.2", "Trang bị thiết bị đọc mã QR, đầu đọc chip trên thẻ CCCD tại bộ phận Một cửa", Some(Coordinating)),
    ("8.b.1", "Đánh giá, phân loại cấp độ an toàn hệ thống thông tin trước khi kết nối với CSDL quốc gia về dân cư", Some(Lead)),
    ("8.b.2", "Tập huấn kỹ năng bảo đảm an toàn thông tin, bảo vệ dữ liệu cá nhân cho cán bộ, công chức", None),
];

const KH_PARAPHRASES: [[&str; 2]; 15] = [
    [
        "Triển khai cấp tài khoản ĐDĐT",
        "Kích hoạt tài khoản định danh điện tử mức 2",
    ],
    [
        "Thu nhận hồ sơ cấp CCCD gắn chip",
        "Cấp căn cước công dân lưu động",
    ],
    [
        "Làm sạch dữ liệu dân cư",
        "Rà soát làm sạch CSDL dân cư đúng, đủ, sạch, sống",
    ],
    [
        "Dùng CCCD thay thẻ BHYT khi khám chữa bệnh",
        "Khám chữa bệnh BHYT bằng căn cước công dân",
    ],
    [
        "Chi trả lương hưu, trợ cấp BHXH qua tài khoản ngân hàng",
        "Chi trả trợ cấp thất nghiệp không dùng tiền mặt",
    ],
    [
        "Sổ sức khỏe điện tử trên VNeID",
        "Cập nhật sổ SKĐT lên VNeID",
    ],
    [
        "Tái cấu trúc quy trình TTHC",
        "Cung cấp DVC trực tuyến toàn trình",
    ],
    [
        "Kết nối Cổng DVC tỉnh với CSDLQG về dân cư",
        "Tích hợp cổng dịch vụ công với CSDL dân cư",
    ],
    [
        "Số hoá hồ sơ TTHC tại bộ phận một cửa",
        "Số hóa kết quả giải quyết TTHC",
    ],
    [
        "Thanh toán học phí, viện phí không dùng tiền mặt",
        "Thu tiền điện, nước không dùng tiền mặt",
    ],
    [
        "Làm giàu dữ liệu dân cư, kết nối khai thác cho doanh nghiệp",
        "Hệ sinh thái khai thác dữ liệu dân cư",
    ],
    [
        "Nâng cấp đường truyền số liệu chuyên dùng",
        "Đường truyền đến công an xã",
    ],
    [
        "Trang bị đầu đọc chip CCCD ở bộ phận một cửa",
        "Mua sắm thiết bị đọc mã QR, đọc chip",
    ],
    [
        "Đánh giá cấp độ an toàn hệ thống thông tin",
        "Phân loại cấp độ ATTT trước khi kết nối CSDL dân cư",
    ],
    [
        "Tập huấn bảo vệ dữ liệu cá nhân",
        "Tập huấn ATTT cho cán bộ, công chức",
    ],
];

/// Held out (written after the matcher was tuned): what clerks copy instead of the title —
/// the first sentence of the task's "a) Nhiệm vụ" or of its "Lộ trình" in the seed plan.
const BG_BODIES: [&str; 24] = [
    "Triển khai đồng bộ theo lộ trình Đề án 06 (25 DVC thiết yếu theo Đề án 06/CP; 28 DVC theo Quyết định số 422/QĐ-TTg)",
    "Rà soát triển khai các dịch vụ công đảm bảo điều kiện dữ liệu được làm sạch và được xác minh tại CSDLQG về dân cư để thay thế các hình thức hồ sơ giấy",
    "Tuyên truyền người dân cài đặt sử dụng ứng dụng VNeID, về ứng dụng VNeID đã có các DVC để người dân truy cập vào VNeID thực hiện các DVC trực tuyến",
    "100% cơ sở khám, chữa bệnh thực hiện tiếp nhận CCCD gắn chip hoặc VNeID đảm bảo điều kiện cho người dân sử dụng thẻ CCCD gắn chip hoặc VNeID khi khám, chữa bệnh để thay thế cho thẻ Bảo hiểm y tế giấy",
    "Triển khai toàn bộ các tổ chức hành nghề công chứng đảm bảo điều kiện cho người dân sử dụng CCCD gắn chip hoặc VNeID khi đi công chứng",
    "Triển khai phần mềm thông báo lưu trú ASM để khai báo lưu trú có kết nối, đồng bộ với CSDLQG về dân cư tại các cơ sở lưu trú trên địa bàn",
    "Triển khai phần mềm thông báo lưu trú ASM để khai báo lưu trú có kết nối, đồng bộ với CSDLQG về dân cư tại các cơ sở khám chữa bệnh",
    "Triển khai phần mềm thông báo lưu trú ASM để khai báo lưu trú có kết nối, đồng bộ với CSDLQG về dân cư tại các nhà xe",
    "Đẩy mạnh sử dụng hệ thống camera AI phát hiện các hành vi về vi phạm trật tự, an toàn giao thông trên địa bàn tỉnh",
    "Triển khai giải pháp làm sạch thông tin thuộc diện hộ nghèo, cận nghèo, người có công",
    "Triển khai tạo lập, cấp phát và liên thông dữ liệu dân cư các tài sản tối thiểu cần sở hữu của công dân số bao gồm: Tài khoản định danh điện tử (VNeID), chữ ký số",
    "Sử dụng hệ thống xác thực tập trung (SSO) của Bộ Công an triển khai thông qua CSDLQG về dân cư, hệ thống định danh điện tử cho toàn hệ thống",
    "Tích hợp, kết nối chia sẻ dữ liệu hệ thống thông tin của tỉnh với hệ thống thông tin/cơ sở dữ liệu chuyên ngành",
    "Tăng cường công tác truyền thông đến với mọi người dân nắm, hiểu cùng đồng hành thực hiện thành công Đề án 06/CP",
    "Cung cấp nền tảng đào tạo trực tuyến để nâng cao nhận thức, hỗ trợ triển khai Đề án 06 cho các cán bộ, công chức, viên chức",
    "Sử dụng VNeID trong công tác tổ giác tội phạm bảo đảm an ninh trật tự",
    "Xác thực thông tin giáo viên và học sinh; cho phép giáo viên đăng nhập bằng tài khoản VNeID (SSO); quản lý điểm, lịch học",
    "Hiển thị thông tin lý lịch tư pháp công dân trên VNeID",
    "Trên ứng dụng VNeID cung cấp các thông tin y tế cần thiết về sức khỏe điện tử, thông tin lao động điện tử",
    "Toàn bộ các thông tin người sử dụng đất, chủ sở hữu nhà ở, tài sản gắn liền với đất được số hóa, làm sạch, xác thực",
    "Toàn bộ các đối tượng an sinh xã hội được số hóa, làm sạch, xác thực và triển khai chương trình theo dõi, giám sát, hỗ trợ",
    "Thông qua CSDLQG về dân cư thực hiện phân tích tình hình dân cư, lao động, du lịch thông qua lưu trú",
    "Triển khai các giải pháp bảo đảm an toàn an ninh thông tin tối thiểu cấp độ 3 theo Nghị định số 85/2016/NĐ-CP",
    "Cung cấp kiến thức về an ninh, an toàn bảo mật thông tin cho người sử dụng cuối trong quá trình sử dụng, vận hành các hệ thống công nghệ thông tin",
];

/// Held out: Bình Phước's Department of Labour plan (2022), long and alike titles; groups 3
/// and 4 hold one task each with the same wording. As seen by Văn phòng Sở.
const BP_GROUPS: [(&str, &str); 5] = [
    (
        "2",
        "Phục vụ giải quyết thủ tục hành chính, cung cấp dịch vụ công trực tuyến",
    ),
    ("3", "Phục vụ phát triển kinh tế - xã hội"),
    ("4", "Phục vụ công dân số"),
    (
        "5",
        "Hoàn thiện hệ sinh thái phục vụ kết nối, khai thác, bổ sung làm giàu dữ liệu dân cư",
    ),
    ("6", "Phục vụ công tác chỉ đạo, điều hành"),
];
const BP_TASKS: [TaskSpec; 11] = [
    ("1", "Phối hợp tham gia ý kiến vào các dự thảo văn bản hoàn thiện chính sách, pháp luật về phát triển, cung cấp ứng dụng, dịch vụ số liên quan đến thông tin dân cư khi có yêu cầu.", Some(Coordinating)),
    ("2.1", "Phối hợp với cơ quan chủ trì thực hiện tích hợp, kết nối và chia sẻ dữ liệu dân cư giữa cơ sở dữ liệu quốc gia về dân cư với Cổng Dịch vụ công quốc gia, hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh phục vụ xác thực chia sẻ thông tin công dân khi thực hiện thủ tục hành chính theo nguyên tắc không yêu cầu khai báo lại các thông tin đã có trong Cơ sở dữ liệu quốc gia dân cư theo hướng dẫn của tỉnh.", Some(Lead)),
    ("2.2", "Phối hợp với cơ quan chủ trì thực hiện kết nối, tích hợp Hệ thống định danh và xác thực điện tử của Bộ Công an với Cổng Dịch vụ công quốc gia, Cổng Dịch vụ công của tỉnh phục vụ định danh, xác thực, tạo lập tài khoản điện tử của cá nhân trong giải quyết thủ tục hành chính, cung cấp dịch vụ công trực tuyến của ngành", Some(Lead)),
    ("2.3", "Hoàn thành triển khai thủ tục hành chính “Giải quyết hưởng trợ cấp thất nghiệp” tích hợp, chia sẻ dữ liệu dân cư của cơ sở dữ liệu quốc gia về dân cư với Cổng Dịch vụ công quốc gia, Cổng Dịch vụ công của tỉnh", None),
    ("2.4", "Thực hiện số hóa và tái sử dụng kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính liên quan đến thông tin, giấy tờ cá nhân trong giải quyết thủ tục hành chính để làm giàu, cập nhật, bổ sung, kết nối, chia sẻ và sử dụng có hiệu quả Cơ sở dữ liệu quốc gia về dân cư phục vụ giải quyết thủ tục hành chính", Some(Lead)),
    ("2.5", "Theo dõi đánh giá việc kết nối, tích hợp, chia sẻ dữ liệu dân cư từ Cơ sở dữ liệu quốc gia về dân cư phục vụ xác thực, định danh và giải quyết thủ tục hành chính, cung cấp dịch vụ công trực tuyến", Some(Lead)),
    ("3.1", "Phối hợp triển khai thực hiện các nội dung liên quan đến ngành theo đề nghị của các cơ quan chủ trì thực hiện các hoạt động định danh, xác thực điện tử", Some(Lead)),
    ("4.1", "Phối hợp triển khai thực hiện các nội dung liên quan đến ngành theo đề nghị của các cơ quan chủ trì", Some(Lead)),
    ("5.1", "Kết nối, chia sẻ dữ liệu giữa Cơ sở dữ liệu quốc gia về dân cư với cơ sở dữ liệu an sinh xã hội", Some(Lead)),
    ("5.2", "Phối hợp tạo lập từ dữ liệu dân cư thành các bộ dữ liệu khác nhau, cho phép triển khai các dịch vụ đổi mới, sáng tạo phục vụ phát triển kinh tế - xã hội", None),
    ("6.1", "Phối hợp thực hiện nhiệm vụ thống kê, phân tích dân số trên địa bàn tỉnh theo đề nghị", Some(Lead)),
];
const BP_PARAPHRASES: [[&str; 2]; 11] = [
    ["Tham gia ý kiến dự thảo văn bản, chính sách pháp luật", "Góp ý dự thảo văn bản QPPL liên quan thông tin dân cư"],
    ["Tích hợp, kết nối, chia sẻ dữ liệu dân cư với Cổng DVC quốc gia, hệ thống giải quyết TTHC cấp tỉnh", "Không yêu cầu công dân khai báo lại thông tin đã có trong CSDLQG về dân cư"],
    ["Kết nối hệ thống định danh và xác thực điện tử của Bộ Công an với Cổng DVC", "Tạo lập tài khoản điện tử của cá nhân khi giải quyết TTHC"],
    ["TTHC giải quyết hưởng trợ cấp thất nghiệp", "Hoàn thành thủ tục hưởng trợ cấp thất nghiệp trên Cổng DVC"],
    ["Số hóa, tái sử dụng kết quả số hóa hồ sơ TTHC", "Số hoá hồ sơ, giấy tờ cá nhân để làm giàu CSDL dân cư"],
    ["Theo dõi, đánh giá việc kết nối, chia sẻ dữ liệu dân cư", "Đánh giá kết nối tích hợp phục vụ xác thực, định danh"],
    ["Phối hợp các hoạt động định danh, xác thực điện tử theo đề nghị", "Phối hợp với cơ quan chủ trì hoạt động xác thực điện tử"],
    ["Phối hợp thực hiện nội dung liên quan đến ngành theo đề nghị của cơ quan chủ trì", "Phối hợp theo đề nghị của cơ quan chủ trì"],
    ["Kết nối CSDL dân cư với CSDL an sinh xã hội", "Chia sẻ dữ liệu an sinh xã hội với CSDLQG về dân cư"],
    ["Tạo lập các bộ dữ liệu từ dữ liệu dân cư", "Dịch vụ đổi mới sáng tạo từ dữ liệu dân cư"],
    ["Thống kê, phân tích dân số trên địa bàn tỉnh", "Phân tích dân số theo đề nghị"],
];

/// Rows that belong to no task.
const UNRELATED: [&str; 6] = [
    "Công tác khác",
    "Các nhiệm vụ khác được giao",
    "Tổng hợp chung",
    "Kiến nghị, đề xuất",
    "Ghi chú: số liệu tính đến ngày 14/11/2023",
    "Tình hình biên chế, nhân sự của đơn vị",
];

fn bg_tasks() -> Vec<TaskRef> {
    BG_TASKS
        .iter()
        .enumerate()
        .map(|(index, (code, title, assigned))| {
            let group = code[..1].parse::<usize>().unwrap() - 1;
            TaskRef {
                index,
                code: code.to_string(),
                title: title.to_string(),
                group: BG_GROUPS[group].to_string(),
                assigned: *assigned,
            }
        })
        .collect()
}

fn kh_tasks() -> Vec<TaskRef> {
    KH_TASKS
        .iter()
        .enumerate()
        .map(|(index, (code, title, assigned))| {
            let prefix = &code[..code.rfind('.').unwrap()];
            let group = KH_GROUPS
                .iter()
                .find(|(p, _)| *p == prefix)
                .map_or(KH_GROUP_8B, |(_, t)| t);
            TaskRef {
                index,
                code: code.to_string(),
                title: title.to_string(),
                group: group.to_string(),
                assigned: *assigned,
            }
        })
        .collect()
}

fn bp_tasks() -> Vec<TaskRef> {
    BP_TASKS
        .iter()
        .enumerate()
        .map(|(index, (code, title, assigned))| {
            let prefix = code.split('.').next().unwrap();
            let group = BP_GROUPS
                .iter()
                .find(|(p, _)| *p == prefix && code.contains('.'))
                .map_or("", |(_, t)| t);
            TaskRef {
                index,
                code: code.to_string(),
                title: title.to_string(),
                group: group.to_string(),
                assigned: *assigned,
            }
        })
        .collect()
}

fn heading(number: &str, text: &str) -> Heading {
    Heading {
        number: number.to_string(),
        text: text.to_string(),
    }
}

/// A test row: what the clerk wrote, and the task code it is about (None: no task).
#[derive(Clone)]
struct Case {
    kind: &'static str,
    number: String,
    text: String,
    context: Vec<Heading>,
    expect: Option<String>,
}

fn case(kind: &'static str, number: &str, text: &str, expect: Option<&str>) -> Case {
    Case {
        kind,
        number: number.to_string(),
        text: text.to_string(),
        context: Vec::new(),
        expect: expect.map(str::to_string),
    }
}

fn with_context(mut c: Case, context: &[Heading]) -> Case {
    c.context = context.to_vec();
    c
}

fn upper(text: &str) -> String {
    text.to_uppercase()
}

fn no_diacritics(text: &str) -> String {
    text.nfd()
        .filter(|c| !matches!(c, '\u{0300}'..='\u{036F}'))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
}

fn nfd(text: &str) -> String {
    text.nfd().collect()
}

/// One typo in the `k`-th long word: a letter dropped (even `k`) or two letters swapped.
fn typo(text: &str, k: usize) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let long: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    if long.is_empty() {
        return text.to_string();
    }
    let target = long[k % long.len()];
    let mut chars: Vec<char> = words[target].chars().collect();
    if k % 2 == 0 {
        chars.remove(chars.len() / 2);
    } else {
        chars.swap(1, 2);
    }
    let changed: String = chars.into_iter().collect();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i == target { changed.as_str() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"][n - 1]
}

/// Text-only variants of every title (no code), plus the paraphrases.
fn text_cases(specs: &[TaskSpec], paraphrases: &[[&str; 2]]) -> Vec<Case> {
    let mut out = Vec::new();
    for (k, ((code, title, _), para)) in specs.iter().zip(paraphrases).enumerate() {
        let c = Some(*code);
        out.push(case("text: exact title", "", title, c));
        out.push(case("text: upper-case", "", &upper(title), c));
        out.push(case("text: no diacritics", "", &no_diacritics(title), c));
        out.push(case("text: NFD", "", &nfd(title), c));
        out.push(case("text: one typo", "", &typo(title, k), c));
        out.push(case(
            "text: two typos",
            "",
            &typo(&typo(title, k), k + 3),
            c,
        ));
        out.push(case(
            "text: title + extra sentence",
            "",
            &format!("{title}. Đơn vị đã phối hợp thực hiện, kết quả đạt yêu cầu đề ra"),
            c,
        ));
        for p in para {
            out.push(case("text: paraphrase/short", "", p, c));
            out.push(case(
                "text: paraphrase, no diacritics",
                "",
                &no_diacritics(p),
                c,
            ));
        }
        out.push(case(
            "text: paraphrase with typo",
            "",
            &typo(para[0], k + 1),
            c,
        ));
    }
    out
}

/// Every code form, with and without the title beside it.
fn code_cases_two_level() -> Vec<Case> {
    let mut out = Vec::new();
    for (code, title, _) in BG_TASKS.iter() {
        let (g, t) = code.split_once('.').unwrap();
        let c = Some(*code);
        for form in [
            code.to_string(),
            format!("{code}."),
            format!("Nhiệm vụ {code}"),
            format!("NV {code}"),
            format!("NV{code}"),
            format!("II.{code}"),
            format!("0{g}.0{t}"),
            format!("{g}.({t})"),
        ] {
            out.push(case("code: form only", &form, "", c));
        }
        out.push(case("code + title", code, title, c));
        out.push(case(
            "code in text cell",
            "",
            &format!("{code}. {title}"),
            c,
        ));
        out.push(case(
            "code in text cell, upper",
            "",
            &upper(&format!("{code}. {title}")),
            c,
        ));
    }
    out
}

fn code_cases_three_level() -> Vec<Case> {
    let mut out = Vec::new();
    for (code, title, _) in KH_TASKS.iter() {
        let parts: Vec<&str> = code.split('.').collect();
        let (a, b, n) = (parts[0], parts[1], parts[2]);
        let c = Some(*code);
        for form in [
            format!("{a}.{b}.({n})"),
            format!("{a}{b}{n}"),
            code.to_string(),
            format!("III.{a}.{b}.({n})"),
            format!("Mục {a} điểm {b} khoản ({n})"),
            format!("Điểm {b} khoản {n} mục {a}"),
            format!("NV {code}"),
            format!("{a}.{}.{n}", b.to_uppercase()),
            format!("{a}. {b}. ({n})"),
        ] {
            out.push(case("code: form only", &form, "", c));
        }
        out.push(case("code + title", &format!("{a}.{b}.({n})"), title, c));
        out.push(case(
            "code in text cell",
            "",
            &format!("{a}.{b}.({n}) {title}"),
            c,
        ));
    }
    out
}

/// Whole reports whose STT restarts in every group, under various headings.
fn bare_stt_cases_two_level() -> Vec<Case> {
    let mut out = Vec::new();
    for (with_text, kind_roman, kind_section, kind_text_only) in [
        (
            false,
            "bare STT: Roman group headings, no text",
            "bare STT: section II + arabic groups, no text",
            "bare STT: unnumbered group headings, no text",
        ),
        (
            true,
            "bare STT: Roman group headings + text",
            "bare STT: section II + arabic groups + text",
            "bare STT: unnumbered group headings + text",
        ),
    ] {
        for (code, title, _) in BG_TASKS.iter() {
            let (g, t) = code.split_once('.').unwrap();
            let gi: usize = g.parse().unwrap();
            let text = if with_text { *title } else { "" };
            let group = BG_GROUPS[gi - 1];
            out.push(with_context(
                case(kind_roman, t, text, Some(code)),
                &[heading(roman(gi), &upper(group))],
            ));
            out.push(with_context(
                case(kind_section, &format!("{t}."), text, Some(code)),
                &[heading("II", "NHIỆM VỤ"), heading(&format!("{g}."), group)],
            ));
            out.push(with_context(
                case(kind_text_only, t, text, Some(code)),
                &[heading("", &no_diacritics(group))],
            ));
        }
    }
    // An agency that reports only groups 2, 3 and 5, numbering them I, II, III, headed by
    // reworded group titles.
    let renamed = [
        (2, "NHÓM TIỆN ÍCH PHÁT TRIỂN KINH TẾ - XÃ HỘI"),
        (3, "Nhóm tiện ích phục vụ công dân số"),
        (5, "Nhóm phục vụ chỉ đạo, điều hành của lãnh đạo các cấp"),
    ];
    for (pos, (gi, title)) in renamed.iter().enumerate() {
        for (code, task_title, _) in BG_TASKS
            .iter()
            .filter(|t| t.0.starts_with(&format!("{gi}.")))
        {
            let t = code.split_once('.').unwrap().1;
            out.push(with_context(
                case(
                    "bare STT: subset of groups renumbered I, II, III",
                    t,
                    "",
                    Some(code),
                ),
                &[heading(roman(pos + 1), title)],
            ));
            out.push(with_context(
                case(
                    "bare STT: subset renumbered + text",
                    t,
                    task_title,
                    Some(code),
                ),
                &[heading(roman(pos + 1), title)],
            ));
        }
    }
    // The clerk lists only their own tasks of group 2 and numbers them 1, 2: the text must
    // overrule the STT.
    let own = [("2.1", 0usize), ("2.4", 1)];
    for (n, (code, para)) in own.iter().enumerate() {
        let idx = BG_TASKS.iter().position(|t| t.0 == *code).unwrap();
        out.push(with_context(
            case(
                "bare STT: own tasks renumbered, text decides",
                &(n + 1).to_string(),
                BG_PARAPHRASES[idx][*para],
                Some(code),
            ),
            &[heading("I", BG_GROUPS[1])],
        ));
    }
    // No headings at all: the STT narrows, the text decides.
    for (k, (code, title, _)) in BG_TASKS.iter().enumerate() {
        let t = code.split_once('.').unwrap().1;
        let text = if k % 2 == 0 {
            title.to_string()
        } else {
            BG_PARAPHRASES[k][0].to_string()
        };
        out.push(case("bare STT: no headings, text", t, &text, Some(code)));
    }
    out
}

fn bare_stt_cases_three_level() -> Vec<Case> {
    let mut out = Vec::new();
    for (code, title, _) in KH_TASKS.iter() {
        let parts: Vec<&str> = code.split('.').collect();
        let (a, b, n) = (parts[0], parts[1], parts[2]);
        let prefix = format!("{a}.{b}");
        let group = KH_GROUPS
            .iter()
            .find(|(p, _)| *p == prefix)
            .map_or(KH_GROUP_8B, |(_, t)| t);
        let outer = if a == "7" {
            "Nhiệm vụ về định danh và xác thực điện tử"
        } else {
            "Nhiệm vụ bảo đảm hạ tầng, an ninh an toàn"
        };
        let ctx = [
            heading("III", "NHIỆM VỤ TRỌNG TÂM"),
            heading(&format!("{a}."), outer),
            heading(&format!("{b})"), group),
        ];
        out.push(with_context(
            case(
                "bare STT: (1) under 7. and a), no text",
                &format!("({n})"),
                "",
                Some(code),
            ),
            &ctx,
        ));
        out.push(with_context(
            case(
                "bare STT: (1) under 7. and a) + text",
                &format!("({n})"),
                title,
                Some(code),
            ),
            &ctx,
        ));
        // Headings with numbers only in the text cell.
        let ctx_in_text = [
            heading("", &format!("{a}. {}", upper(outer))),
            heading("", &format!("{b}) {group}")),
        ];
        out.push(with_context(
            case(
                "bare STT: headings numbered in text cell",
                n,
                "",
                Some(code),
            ),
            &ctx_in_text,
        ));
        // "a.1" under "7."
        out.push(with_context(
            case(
                "partial code b.n under a.",
                &format!("{b}.{n}"),
                "",
                Some(code),
            ),
            &[heading(&format!("{a}."), outer)],
        ));
    }
    out
}

/// Rows that must not match, rows on unassigned tasks, duplicates, contradictions.
fn special_cases(specs: &[TaskSpec], paraphrases: &[[&str; 2]]) -> Vec<Case> {
    let mut out = Vec::new();
    for text in UNRELATED {
        out.push(case("unrelated row", "", text, None));
        out.push(case("unrelated row, upper", "", &upper(text), None));
    }
    out.push(case(
        "unrelated row with odd STT",
        "x",
        "Công tác khác",
        None,
    ));
    out.push(case("code not in plan, no text", "9.9", "", None));
    for (k, (code, _, assigned)) in specs.iter().enumerate() {
        if assigned.is_none() {
            out.push(case(
                "unassigned task (kept)",
                "",
                paraphrases[k][0],
                Some(code),
            ));
        }
    }
    // The code says one task, the text clearly another: the text wins.
    let n = specs.len();
    for k in [0, n / 3, n / 2, n - 2] {
        let other = (k + n / 2 + 1) % n;
        out.push(case(
            "code/text disagree: text wins",
            specs[k].0,
            specs[other].1,
            Some(specs[other].0),
        ));
    }
    out
}

/// Held-out rows: the BG "Nhiệm vụ" bodies, and the Bình Phước plan end to end.
fn held_out_bg() -> Vec<Case> {
    BG_TASKS
        .iter()
        .zip(BG_BODIES)
        .map(|((code, _, _), body)| case("held-out BG: body text copied", "", body, Some(code)))
        .collect()
}

fn held_out_bp() -> Vec<Case> {
    let mut out = Vec::new();
    for (k, ((code, title, _), para)) in BP_TASKS.iter().zip(BP_PARAPHRASES).enumerate() {
        let c = Some(*code);
        for p in para {
            out.push(case("held-out BP: paraphrase/short", "", p, c));
            out.push(case(
                "held-out BP: paraphrase, upper, typo",
                "",
                &upper(&typo(p, k)),
                c,
            ));
        }
        out.push(case(
            "held-out BP: code form",
            &format!("NV {code}."),
            "",
            c,
        ));
        out.push(case("held-out BP: code + title", code, title, c));
        if let Some((g, t)) = code.split_once('.') {
            let gi = BP_GROUPS.iter().position(|(p, _)| *p == g).unwrap();
            let ctx = [heading(roman(gi + 2), &upper(BP_GROUPS[gi].1))];
            out.push(with_context(
                case("held-out BP: bare STT under group", t, "", c),
                &ctx,
            ));
            out.push(with_context(
                case(
                    "held-out BP: bare STT + paraphrase under group",
                    t,
                    para[0],
                    c,
                ),
                &ctx,
            ));
            out.push(with_context(
                case(
                    "held-out BP: paraphrase under unnumbered group",
                    "",
                    para[1],
                    c,
                ),
                &[heading("", BP_GROUPS[gi].1)],
            ));
        }
    }
    for text in UNRELATED {
        out.push(case("held-out BP: unrelated row", "", text, None));
    }
    out
}

struct Outcome {
    kind: &'static str,
    correct: bool,
    flagged: bool,
    /// Text score when matched by text (or the best text score of an unmatched row).
    text_score: Option<f64>,
    expected_none: bool,
}

/// The cases as the rows of one report, from row 2.
fn rows_of<'a>(cases: impl Iterator<Item = &'a Case>) -> Vec<RawRow> {
    cases
        .enumerate()
        .map(|(i, c)| RawRow {
            source_row: i as u32 + 2,
            number: c.number.clone(),
            task_text: c.text.clone(),
            context: c.context.clone(),
            ..RawRow::default()
        })
        .collect()
}

fn run(cases: &[Case], tasks: &[TaskRef]) -> Vec<Outcome> {
    let rows = rows_of(cases.iter());
    // One row per call: the duplicate rule would otherwise flag every second variant.
    rows.iter()
        .zip(cases)
        .map(|(row, c)| {
            let m = match_rows(std::slice::from_ref(row), tasks).rows.remove(0);
            let got = m.task.map(|i| tasks[i].code.clone());
            let flagged = m.findings.iter().any(|f| f.severity >= Severity::Warning);
            if got != c.expect {
                eprintln!(
                    "MISS [{}] number={:?} text={:?} ctx={:?} → {:?} (want {:?}) score={:.2} {:?}",
                    c.kind,
                    c.number,
                    c.text,
                    c.context
                        .iter()
                        .map(|h| format!("{} {}", h.number, h.text))
                        .collect::<Vec<_>>(),
                    got,
                    c.expect,
                    m.score,
                    m.findings
                        .iter()
                        .map(|f| f.message.as_str())
                        .collect::<Vec<_>>()
                );
            }
            Outcome {
                kind: c.kind,
                correct: got == c.expect,
                flagged,
                text_score: (m.method != Some(MatchMethod::Code)).then_some(m.score),
                expected_none: c.expect.is_none(),
            }
        })
        .collect()
}

fn all_outcomes() -> Vec<Outcome> {
    let bg = bg_tasks();
    let kh = kh_tasks();
    let mut out = Vec::new();
    out.extend(run(&text_cases(&BG_TASKS, &BG_PARAPHRASES), &bg));
    out.extend(run(&text_cases(&KH_TASKS, &KH_PARAPHRASES), &kh));
    out.extend(run(&code_cases_two_level(), &bg));
    out.extend(run(&code_cases_three_level(), &kh));
    out.extend(run(&bare_stt_cases_two_level(), &bg));
    out.extend(run(&bare_stt_cases_three_level(), &kh));
    out.extend(run(&special_cases(&BG_TASKS, &BG_PARAPHRASES), &bg));
    out.extend(run(&special_cases(&KH_TASKS, &KH_PARAPHRASES), &kh));
    out.extend(run(&held_out_bg(), &bg));
    out.extend(run(&held_out_bp(), &bp_tasks()));
    out
}

#[test]
fn accuracy_report() {
    let outcomes = all_outcomes();
    let mut kinds: Vec<&str> = outcomes.iter().map(|o| o.kind).collect();
    kinds.dedup();
    let mut seen = Vec::new();
    println!(
        "{:<52} {:>5} {:>7} {:>7} {:>7}",
        "case", "rows", "right", "flagged", "silent"
    );
    for kind in kinds {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        let of: Vec<&Outcome> = outcomes.iter().filter(|o| o.kind == kind).collect();
        println!(
            "{:<52} {:>5} {:>7} {:>7} {:>7}",
            kind,
            of.len(),
            of.iter().filter(|o| o.correct).count(),
            of.iter().filter(|o| o.flagged).count(),
            of.iter().filter(|o| !o.correct && !o.flagged).count()
        );
    }
    let total = outcomes.len();
    let right = outcomes.iter().filter(|o| o.correct).count();
    let flagged = outcomes.iter().filter(|o| o.flagged).count();
    let wrong_unflagged = outcomes.iter().filter(|o| !o.correct && !o.flagged).count();
    println!(
        "TOTAL {total} rows: {right} right ({:.1}%), {flagged} flagged, {wrong_unflagged} wrong and not flagged",
        100.0 * right as f64 / total as f64
    );
    let mut unrelated: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.expected_none)
        .filter_map(|o| o.text_score)
        .collect();
    let mut matched: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.correct && !o.expected_none)
        .filter_map(|o| o.text_score)
        .collect();
    unrelated.sort_by(f64::total_cmp);
    matched.sort_by(f64::total_cmp);
    println!(
        "text scores: unrelated rows max {:.2}; rows matched right by text: min {:.2}, 5th percentile {:.2}, median {:.2}",
        unrelated.last().copied().unwrap_or(0.0),
        matched.first().copied().unwrap_or(0.0),
        matched.get(matched.len() / 20).copied().unwrap_or(0.0),
        matched.get(matched.len() / 2).copied().unwrap_or(0.0),
    );
    assert!(
        right as f64 / total as f64 >= 0.95,
        "accuracy fell: {right}/{total}"
    );
    assert!(
        wrong_unflagged as f64 / total as f64 <= 0.01,
        "silent errors: {wrong_unflagged}"
    );
}

fn raw(row: u32, number: &str, text: &str) -> RawRow {
    RawRow {
        source_row: row,
        number: number.to_string(),
        task_text: text.to_string(),
        ..RawRow::default()
    }
}

#[test]
fn a_full_report_in_one_call() {
    let tasks = bg_tasks();
    let ctx2 = vec![heading("II", "NHÓM TIỆN ÍCH PHÁT TRIỂN KINH TẾ XÃ HỘI")];
    let mut rows = vec![
        raw(5, "1.1", "Đẩy mạnh triển khai 53 DVC thiết yếu"),
        RawRow {
            context: ctx2.clone(),
            ..raw(7, "1", "Khám, chữa bệnh sử dụng thẻ CCCD và VNeID")
        },
        RawRow {
            context: ctx2,
            ..raw(8, "4", "Quản lý lưu trú tại cơ sở KCB")
        },
        raw(9, "", "Công tác khác"),
        raw(10, "", "Quan ly luu tru tai co so kham chua benh"),
        raw(11, "2.3", ""),
    ];
    rows.push(raw(
        12,
        "5.2",
        "Xây dựng tối thiểu 20 DVC không sử dụng hồ sơ giấy",
    ));
    let matches = match_rows(&rows, &tasks).rows;
    let codes: Vec<Option<&str>> = matches
        .iter()
        .map(|m| m.task.map(|i| tasks[i].code.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            Some("1.1"),
            Some("2.1"),
            Some("2.4"),
            None,
            Some("2.4"),
            Some("2.3"),
            Some("1.2")
        ]
    );
    assert_eq!(matches[0].method, Some(MatchMethod::Code));
    assert_eq!(matches[0].score, 1.0);
    assert!(matches[0].findings.is_empty(), "{:?}", matches[0].findings);
    // Unrelated: the standard message.
    assert_eq!(matches[3].findings.len(), 1);
    assert_eq!(matches[3].findings[0].message, UNMATCHED_MESSAGE);
    assert_eq!(matches[3].findings[0].severity, Severity::Warning);
    // Duplicate: the second row on 2.4 is flagged, the first is not.
    assert!(!matches[2]
        .findings
        .iter()
        .any(|f| f.message.contains("trùng")));
    assert!(matches[4]
        .findings
        .iter()
        .any(|f| f.message.contains("dòng 8")));
    // Unassigned 2.3 kept with an info finding.
    assert!(matches[5]
        .findings
        .iter()
        .any(|f| f.severity == Severity::Info && f.message.contains("không được giao")));
    // Code/text disagreement: text wins, warned.
    assert_eq!(matches[6].method, Some(MatchMethod::Text));
    assert!(matches[6]
        .findings
        .iter()
        .any(|f| f.message.contains("5.2")));
    // Every finding carries its row.
    for (row, m) in rows.iter().zip(&matches) {
        for f in &m.findings {
            assert_eq!(f.row, Some(row.source_row));
        }
    }
}

#[test]
fn ambiguous_text_is_flagged() {
    let tasks = bg_tasks();
    let m = match_rows(&[raw(3, "", "Quản lý lưu trú")], &tasks)
        .rows
        .remove(0);
    assert!(
        m.findings.iter().any(|f| f.severity == Severity::Warning),
        "{m:?}"
    );
}

#[test]
fn bare_stt_without_context_or_text_is_not_guessed() {
    let tasks = bg_tasks();
    let m = match_rows(&[raw(3, "2", "")], &tasks).rows.remove(0);
    assert_eq!(m.task, None);
    assert!(m.findings[0].message.contains("1.2"), "{:?}", m.findings);
}

/// Three tasks of a plan numbered 1, 2, 3 without groups, all led by the agency.
fn flat_tasks() -> Vec<TaskRef> {
    [
        "Rà soát thủ tục hành chính",
        "Cấp tài khoản định danh điện tử",
        "Tuyên truyền",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| TaskRef {
        index: i,
        code: (i + 1).to_string(),
        title: t.to_string(),
        group: String::new(),
        assigned: Some(Lead),
    })
    .collect()
}

#[test]
fn flat_plan_numbers_are_full_codes() {
    let tasks = flat_tasks();
    let m = match_rows(&[raw(3, "2", "")], &tasks).rows.remove(0);
    assert_eq!(m.task, Some(1));
    assert_eq!(m.method, Some(MatchMethod::Code));
}

#[test]
fn task_index_is_returned_not_position() {
    let mut tasks = kh_tasks();
    for t in &mut tasks {
        t.index += 100;
    }
    let m = match_rows(&[raw(3, "7a1", "")], &tasks).rows.remove(0);
    assert_eq!(m.task, Some(100));
}

#[test]
fn method_serialises_lower_case() {
    assert_eq!(
        serde_json::to_string(&MatchMethod::Code).unwrap(),
        "\"code\""
    );
    assert_eq!(
        serde_json::to_string(&MatchMethod::Text).unwrap(),
        "\"text\""
    );
}

#[test]
fn no_tasks_no_panic() {
    let m = match_rows(&[raw(3, "1.1", "Đẩy mạnh"), raw(4, "", "")], &[]).rows;
    assert!(m.iter().all(|m| m.task.is_none()));
}

#[test]
fn text_comparison_stops_at_its_budget_and_codes_still_match() {
    let tasks = flat_tasks();
    let rows = [
        raw(3, "", "Cấp tài khoản định danh điện tử"),
        raw(4, "", "Rà soát thủ tục hành chính"),
        raw(5, "3", "Tuyên truyền trên báo"),
        // Seen before: remembered, so it costs nothing more.
        raw(6, "", "Cấp tài khoản định danh điện tử"),
    ];
    let all = match_rows(&rows, &tasks);
    assert!(all.findings.is_empty());
    assert_eq!(
        all.rows.iter().map(|m| m.task).collect::<Vec<_>>(),
        [Some(1), Some(0), Some(2), Some(1)]
    );

    // A budget the first row spends.
    let mut matched = Vec::new();
    let findings = match_each_within(&rows, &tasks, 1, |m| matched.push(m));
    let capped = Matched {
        rows: matched,
        findings,
    };
    assert_eq!(
        capped.rows.iter().map(|m| m.task).collect::<Vec<_>>(),
        [Some(1), None, Some(2), Some(1)]
    );
    assert_eq!(capped.rows[2].method, Some(MatchMethod::Code));
    assert_eq!(capped.findings.len(), 1);
    assert!(
        capped.findings[0].message.contains("từ dòng 4 trở đi"),
        "{:?}",
        capped.findings
    );
    assert_eq!(capped.findings[0].row, None);
}

#[test]
fn rows_matched_in_one_report_match_as_they_would_alone() {
    // Bare STT numbers repeat under every group heading: the remembered matches must tell
    // the same number under different headings apart. Each row comes twice.
    let tasks = bg_tasks();
    let cases = bare_stt_cases_two_level();
    let rows = rows_of(cases.iter().chain(&cases));
    let together = match_rows(&rows, &tasks).rows;
    let mut distinct_tasks = std::collections::HashSet::new();
    for (row, m) in rows.iter().zip(&together) {
        let alone = match_rows(std::slice::from_ref(row), &tasks).rows.remove(0);
        assert_eq!((m.task, m.method), (alone.task, alone.method), "{row:?}");
        // Remembered text scores may differ in the last bit from scores computed afresh.
        assert!((m.score - alone.score).abs() < 1e-9, "{row:?}");
        distinct_tasks.insert(m.task);
    }
    assert!(distinct_tasks.len() > 5, "{distinct_tasks:?}");
    let second = &together[cases.len()..];
    assert!(second.iter().filter(|m| m.task.is_some()).all(|m| m
        .findings
        .iter()
        .any(|f| f.message.contains("đã được báo cáo ở dòng"))));
}
