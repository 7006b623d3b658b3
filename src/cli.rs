//! The command line: `tonghop serve | migrate | demo`, with help in Vietnamese for the
//! secretariat's IT officer. Errors print as one line, `lỗi: …`, with exit status 1.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    app::{open_database, open_database_for_uploads, Application},
    commands,
    config::Config,
    db::migrations,
    demo,
    error::AppResult,
    telemetry,
};

#[derive(Debug, Parser)]
#[command(
    name = "tonghop",
    version,
    about = "Tổng hợp báo cáo tiến độ thực hiện kế hoạch của các cơ quan, đơn vị.",
    long_about = "Tổng hợp báo cáo tiến độ thực hiện kế hoạch (tonghop).\n\n\
Các cơ quan, đơn vị gửi báo cáo tháng (tệp Excel); tonghop đối chiếu với danh mục nhiệm vụ của \
kế hoạch, lưu nguyên bản tệp gốc và giúp Thường trực Tổ công tác tổng hợp, đôn đốc.\n\n\
Không cần cấu hình gì: dữ liệu nằm trong tệp SQLite ./data/tonghop.db, máy chủ nghe ở \
127.0.0.1:8080. Cấu hình bằng tệp tonghop.toml hoặc biến môi trường TONGHOP_* (xem README).",
    after_help = "Ví dụ:\n  tonghop demo                       nạp dữ liệu mẫu và chạy máy chủ\n  \
tonghop serve                      chạy máy chủ\n  \
TONGHOP_DATABASE_URL=postgres://tonghop@localhost/tonghop tonghop migrate"
)]
pub struct Cli {
    /// Địa chỉ cơ sở dữ liệu: sqlite://đường/dẫn.db hoặc postgres://người_dùng@máy/tên_csdl
    /// (mặc định: biến TONGHOP_DATABASE_URL hoặc tệp cấu hình, nếu không có: ./data/tonghop.db).
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Chạy máy chủ web (cập nhật cấu trúc cơ sở dữ liệu trước khi chạy).
    Serve,
    /// Cập nhật cấu trúc cơ sở dữ liệu rồi thoát.
    Migrate,
    /// Nạp dữ liệu mẫu (cơ quan của tỉnh Trà Vinh, kế hoạch 13/KH-UBND, các kỳ báo cáo,
    /// báo cáo mẫu, tài khoản demo) rồi chạy máy chủ.
    Demo {
        /// Chỉ nạp dữ liệu mẫu, không chạy máy chủ.
        #[arg(long)]
        load_only: bool,
    },
    /// Nhận một báo cáo tháng (.xlsx, .xls, .xlsb, .ods) của một cơ quan: lưu nguyên bản tệp,
    /// đối chiếu với danh mục nhiệm vụ của kế hoạch, in kết quả và các điểm cần sửa.
    /// Thoát với mã 2 nếu tệp không đọc được (tệp gốc vẫn được lưu).
    Ingest {
        /// Tệp báo cáo.
        file: std::path::PathBuf,
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Cơ quan gửi báo cáo: tên, tên viết tắt hoặc cách viết khác (Sở TT&TT).
        #[arg(long)]
        agency: String,
        /// Kỳ báo cáo, dạng 2023-11.
        #[arg(long)]
        period: String,
        /// In kết quả dạng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Nhận cả một thư mục báo cáo (tệp nhận qua email): tự nhận ra cơ quan gửi từ tên tệp
    /// hoặc phần đầu báo cáo, in bảng kết quả và các tệp cần người xử lý.
    /// Thoát với mã 2 nếu còn tệp chưa nhận được.
    IngestDir {
        /// Thư mục chứa các tệp báo cáo.
        dir: std::path::PathBuf,
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Kỳ báo cáo, dạng 2023-11.
        #[arg(long)]
        period: String,
        /// In kết quả dạng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mẫu báo cáo tháng (.xlsx) cho một cơ quan, điền sẵn các nhiệm vụ chủ trì và phối hợp.
    Template {
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Cơ quan: tên, tên viết tắt hoặc cách viết khác.
        #[arg(long)]
        agency: String,
        /// Kỳ báo cáo, dạng 2023-11.
        #[arg(long)]
        period: String,
        /// Tệp Excel ghi ra.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Bản có ghi chú của một báo cáo đã nhận: tệp của cơ quan kèm cột ghi chú các điểm cần sửa.
    Annotate {
        /// Số thứ tự của báo cáo đã nhận (in ra khi nhận báo cáo).
        submission: i64,
        /// Tệp Excel ghi ra.
        #[arg(short, long)]
        output: std::path::PathBuf,
    },
    /// Lập báo cáo tổng hợp (tệp Excel) gửi Chủ tịch UBND tỉnh cho một tháng, một quý hoặc
    /// một năm.
    Consolidate {
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Kỳ báo cáo: tháng (2022-11), quý (2022-Q4) hoặc năm (2022).
        #[arg(long)]
        period: String,
        /// Tệp Excel ghi ra.
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Tệp bố cục thay cho report_templates/consolidated/layout.toml (chỉ cần ghi mục muốn đổi).
        #[arg(long)]
        layout: Option<std::path::PathBuf>,
    },
    /// Lập dự thảo báo cáo (tệp Word) gửi Chủ tịch UBND tỉnh theo thể thức Nghị định
    /// 30/2020/NĐ-CP, số liệu lấy từ báo cáo tổng hợp (kèm theo làm Phụ lục).
    Report {
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Kỳ báo cáo: tháng (2022-11), quý (2022-Q4) hoặc năm (2022).
        #[arg(long)]
        period: String,
        /// Tệp Word (.docx) ghi ra.
        #[arg(short, long)]
        output: std::path::PathBuf,
        /// Tệp lời văn thay cho report_templates/narrative/layout.toml (chỉ cần ghi mục muốn đổi).
        #[arg(long)]
        layout: Option<std::path::PathBuf>,
        /// Ngày ký báo cáo (2023-01-05); mặc định hôm nay.
        #[arg(long, value_name = "NGÀY")]
        date: Option<chrono::NaiveDate>,
        /// Số văn bản ("5" thành "Số: 05/BC-…"); mặc định để trống cho văn thư điền.
        #[arg(long, value_name = "SỐ")]
        number: Option<u32>,
    },
    /// Lịch các kỳ báo cáo trong năm: thời gian chốt số liệu, hạn gửi, ngày nghỉ làm dời hạn.
    Calendar {
        /// Kế hoạch: số thứ tự hoặc số hiệu (13/KH-UBND).
        #[arg(long)]
        plan: String,
        /// Năm, ví dụ 2023.
        #[arg(long)]
        year: i32,
    },
    /// Nhắc các cơ quan chưa gửi báo cáo qua thư điện tử, theo thang nhắc của từng kế hoạch
    /// (mặc định 3 và 1 ngày làm việc trước hạn, ngày hết hạn, 1 ngày sau, và 3 ngày sau có
    /// đồng gửi Thường trực và Thủ trưởng đơn vị). Mỗi bước chỉ gửi một lần; cơ quan đã báo cáo
    /// không nhận thư. `tonghop serve` tự chạy việc này định kỳ khi có cấu hình máy chủ thư.
    Remind {
        /// Chỉ xem trước ai sẽ nhận bước nhắc nào và vì sao; không gửi, không ghi gì.
        #[arg(long)]
        dry_run: bool,
        /// Coi như đang ở thời điểm này (giờ Việt Nam), ví dụ "2023-11-16 08:00".
        #[arg(long, value_name = "THỜI_ĐIỂM")]
        at: Option<String>,
        /// Chỉ xét một kế hoạch (với --dry-run).
        #[arg(long)]
        plan: Option<String>,
        /// In kết quả dạng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Đo tốc độ và bộ nhớ so với việc đọc thô cùng các tệp (dữ liệu thử tự sinh).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Kế hoạch: nhập từ văn bản (.docx, .txt, .md) hoặc bảng phân công (.xlsx, .xls), xem,
    /// xuất danh mục nhiệm vụ để rà soát, áp dụng.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Danh mục cơ quan, đơn vị của tỉnh (tên, tên viết tắt, cách viết khác, email, cơ quan
    /// kế nhiệm sau sắp xếp 2025).
    #[command(subcommand)]
    Agencies(AgencyCommand),
    /// Mã truy cập API (/api/v1) cho một tài khoản.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Nội bộ: đọc một bảng tính từ stdin trong tiến trình con có giới hạn (máy chủ tự gọi).
    #[command(hide = true)]
    ReadSheet(crate::ingest::read::ReadSheetArgs),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Nhận báo cáo: một tệp lớn và một tháng của tỉnh (nhiều tệp nhỏ, hai luồng).
    Ingest {
        /// Số dòng của tệp lớn.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Số tệp của một tháng.
        #[arg(long, default_value_t = 300)]
        files: usize,
        /// Số dòng mỗi tệp.
        #[arg(long, default_value_t = 150)]
        rows_per_file: usize,
        /// Lưu các tệp thử vào thư mục này (tệp lớn là lon.xlsx, tệp của tháng là thang_N.xlsx) để chạy lại bằng `tonghop ingest` hoặc `tonghop ingest-dir`.
        #[arg(long, value_name = "THƯ_MỤC")]
        save_inputs: Option<std::path::PathBuf>,
    },
    /// Tổng hợp: sinh tỉnh thử trong CSDL SQLite tạm, đo thời gian và bộ nhớ khi đọc dữ liệu,
    /// tổng hợp và ghi tệp; trạng thái kỳ báo cáo cho trang theo dõi; một bảng chi tiết lớn so
    /// với mức sàn nén.
    Consolidate {
        /// Số cơ quan của tỉnh thử.
        #[arg(long, default_value_t = 300)]
        agencies: usize,
        /// Số dòng mỗi báo cáo.
        #[arg(long, default_value_t = 150)]
        rows: usize,
        /// Số dòng của bảng chi tiết nhiệm vụ lớn.
        #[arg(long, default_value_t = 100_000)]
        detail_rows: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Nhập kế hoạch từ tệp; kế hoạch mới ở dạng bản nháp cho đến khi được áp dụng.
    Import {
        /// Tệp kế hoạch: .docx, .txt, .md, .xlsx, .xls (hoặc tệp danh mục đã xuất và sửa).
        file: std::path::PathBuf,
        /// In kết quả dạng JSON (cho các chương trình khác).
        #[arg(long)]
        json: bool,
        /// Tỉnh ban hành, khi văn bản không ghi rõ.
        #[arg(long)]
        province: Option<String>,
        /// Áp dụng ngay, không qua bước rà soát.
        #[arg(long)]
        activate: bool,
        /// Cập nhật danh mục nhiệm vụ của kế hoạch đã có (theo mã nhiệm vụ) thay vì tạo mới.
        #[arg(long, value_name = "KẾ_HOẠCH")]
        plan: Option<String>,
    },
    /// Liệt kê các kế hoạch.
    List,
    /// Xem một kế hoạch (số thứ tự hoặc số hiệu như 13/KH-UBND) và các nhiệm vụ.
    Show {
        plan: String,
        /// In dạng JSON.
        #[arg(long)]
        json: bool,
    },
    /// Xuất danh mục nhiệm vụ ra tệp Excel để rà soát, sửa rồi nhập lại bằng --plan.
    Export {
        plan: String,
        /// Tệp .xlsx cần ghi.
        #[arg(short = 'o', long = "output")]
        output: std::path::PathBuf,
    },
    /// Áp dụng kế hoạch (kết thúc bước rà soát).
    Activate { plan: String },
    /// Thang nhắc báo cáo của kế hoạch: xem các bước và ngày nhắc của một kỳ, hoặc đặt thang
    /// riêng (số ngày làm việc so với hạn gửi, dấu ! là bước báo cáo cấp trên).
    Ladder {
        plan: String,
        /// Thang nhắc mới, ví dụ "-3,-1,0,+1,+3!".
        #[arg(long, value_name = "THANG", allow_hyphen_values = true)]
        set: Option<String>,
        /// Bỏ thang riêng, dùng thang mặc định trong cấu hình.
        #[arg(long, conflicts_with = "set")]
        reset: bool,
        /// Kỳ báo cáo để xem ngày nhắc, dạng 2023-11 (mặc định: tháng hiện tại).
        #[arg(long)]
        period: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Cấp mã truy cập API mới cho một tài khoản và in ra một lần duy nhất (hệ thống chỉ lưu
    /// mã băm). Mã của văn thư chỉ dùng được cho cơ quan của văn thư đó.
    Create {
        /// Tên đăng nhập của tài khoản.
        #[arg(long)]
        login: String,
        /// Ghi chú để nhận ra mã (ví dụ: "Hệ thống quản lý văn bản").
        #[arg(long, default_value = "")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// Nhập danh mục cơ quan từ tệp .xlsx (mẫu xuất ra bằng lệnh export) hoặc .json.
    Import {
        file: std::path::PathBuf,
        /// Tỉnh, nếu khác với tỉnh ghi trong tệp.
        #[arg(long)]
        province: Option<String>,
    },
    /// Xuất danh mục cơ quan của một tỉnh ra .xlsx (hoặc .json theo phần mở rộng).
    Export {
        #[arg(long)]
        province: String,
        #[arg(short = 'o', long = "output")]
        output: std::path::PathBuf,
    },
    /// Liệt kê cơ quan của một tỉnh.
    List {
        #[arg(long)]
        province: String,
    },
}

/// Parses the arguments, runs the command and turns any error into one line on stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::ReadSheet(args) = &cli.command {
        return crate::ingest::read::child_main(args);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lỗi: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> AppResult<()> {
    let mut config = Config::load()?;
    if let Some(url) = cli.database_url {
        config.database.url = Some(url);
    }
    let serves = matches!(
        cli.command,
        Command::Serve | Command::Demo { load_only: false }
    );
    telemetry::init(&config.log, !serves);
    if !serves {
        restore_default_sigpipe();
    }
    match cli.command {
        Command::ReadSheet(args) => crate::ingest::read::child_exit(&args),
        Command::Serve => serve(config, None),
        Command::Migrate => {
            let db = open_database(&config)?;
            let pending = migrations::pending_count(&mut *db.get()?)?;
            println!(
                "Cơ sở dữ liệu {} đã được cập nhật cấu trúc (còn {pending} bước chưa chạy).",
                db.url().redacted()
            );
            Ok(())
        }
        Command::Ingest {
            file,
            plan,
            agency,
            period,
            json,
        } => {
            let db = open_database_for_uploads(&config)?;
            let processed =
                commands::ingest::run(&db, &config, &file, &plan, &agency, &period, json)?;
            if !processed {
                std::process::exit(2);
            }
            Ok(())
        }
        Command::IngestDir {
            dir,
            plan,
            period,
            json,
        } => {
            let db = open_database_for_uploads(&config)?;
            let all_stored = commands::ingest_dir::run(&db, &config, &dir, &plan, &period, json)?;
            if !all_stored {
                std::process::exit(2);
            }
            Ok(())
        }
        Command::Template {
            plan,
            agency,
            period,
            output,
        } => {
            let db = open_database(&config)?;
            commands::template::run(&db, &plan, &agency, &period, &output)
        }
        Command::Annotate { submission, output } => {
            let db = open_database(&config)?;
            commands::template::annotate_submission(&db, submission, &output)
        }
        Command::Bench(BenchCommand::Ingest {
            rows,
            files,
            rows_per_file,
            save_inputs,
        }) => crate::bench::ingest(&crate::bench::BenchOptions {
            rows,
            files,
            rows_per_file,
            save_inputs,
        }),
        Command::Consolidate {
            plan,
            period,
            output,
            layout,
        } => {
            let db = open_database(&config)?;
            commands::consolidate::run(&db, &plan, &period, &output, layout.as_deref())
        }
        Command::Report {
            plan,
            period,
            output,
            layout,
            date,
            number,
        } => {
            let db = open_database(&config)?;
            commands::report::run(
                &db,
                &commands::report::ReportArgs {
                    plan: &plan,
                    period: &period,
                    output: &output,
                    layout: layout.as_deref(),
                    report_date: date,
                    number,
                },
            )
        }
        Command::Calendar { plan, year } => {
            let db = open_database(&config)?;
            commands::consolidate::calendar(&db, &plan, year)
        }
        Command::Remind {
            dry_run,
            at,
            plan,
            json,
        } => {
            let db = open_database(&config)?;
            commands::remind::run(&db, &config, at.as_deref(), dry_run, plan.as_deref(), json)
        }
        Command::Bench(BenchCommand::Consolidate {
            agencies,
            rows,
            detail_rows,
        }) => crate::consolidate::bench::run(&crate::consolidate::bench::BenchOptions {
            agencies,
            rows,
            detail_rows,
        }),
        Command::Plan(command) => {
            let db = open_database(&config)?;
            match command {
                PlanCommand::Import {
                    file,
                    json,
                    province,
                    activate,
                    plan,
                } => commands::plan::import(
                    &db,
                    &file,
                    &commands::plan::ImportOptions {
                        province: province.as_deref(),
                        activate,
                        update: plan.as_deref(),
                        json,
                    },
                ),
                PlanCommand::List => commands::plan::list(&db),
                PlanCommand::Show { plan, json } => commands::plan::show(&db, &plan, json),
                PlanCommand::Export { plan, output } => commands::plan::export(&db, &plan, &output),
                PlanCommand::Activate { plan } => commands::plan::activate(&db, &plan),
                PlanCommand::Ladder {
                    plan,
                    set,
                    reset,
                    period,
                } => commands::remind::ladder(
                    &db,
                    &config,
                    &plan,
                    set.as_deref(),
                    reset,
                    period.as_deref(),
                ),
            }
        }
        Command::Agencies(command) => {
            let db = open_database(&config)?;
            match command {
                AgencyCommand::Import { file, province } => {
                    commands::agencies::import(&db, &file, province.as_deref())
                }
                AgencyCommand::Export { province, output } => {
                    commands::agencies::export(&db, &province, &output)
                }
                AgencyCommand::List { province } => commands::agencies::list(&db, &province),
            }
        }
        Command::Token(TokenCommand::Create { login, name }) => {
            let db = open_database(&config)?;
            commands::token::create(&db, &login, &name)
        }
        Command::Demo { load_only } => {
            let db = open_database(&config)?;
            let summary = demo::load(&mut *db.get()?)?;
            if summary.already_loaded {
                println!(
                    "Dữ liệu mẫu đã có sẵn trong {} (kế hoạch số {}).",
                    db.url().redacted(),
                    summary.plan_id
                );
            } else {
                println!(
                    "Đã nạp dữ liệu mẫu vào {}: {} cơ quan, {} nhiệm vụ, {} báo cáo.",
                    db.url().redacted(),
                    summary.agencies,
                    summary.tasks,
                    summary.submissions
                );
            }
            drop(db);
            if load_only {
                print_demo_accounts();
                Ok(())
            } else {
                serve(config, Some(print_demo_accounts))
            }
        }
    }
}

/// One-shot commands end quietly when their output is cut (`tonghop plan list | head`), as
/// command-line tools do, instead of failing on a broken pipe. The server keeps Rust's
/// default of ignoring SIGPIPE: a client that goes away must not end it.
fn restore_default_sigpipe() {
    // SAFETY: setting a signal disposition to SIG_DFL installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn print_demo_accounts() {
    println!("Tài khoản demo (tên đăng nhập / mật khẩu):");
    for account in &demo::DEMO_ACCOUNTS {
        let who = account.agency.map(|a| format!(", {a}")).unwrap_or_default();
        println!(
            "  {:<14} / {:<16} {}{who}",
            account.login,
            account.password,
            account.role.label()
        );
    }
}

fn serve(config: Config, after_start: Option<fn()>) -> AppResult<()> {
    actix_web::rt::System::new().block_on(async move {
        let public_url = config.server.public_url.clone();
        let mailer = crate::remind::mailer::Mailer::from_config(&config.smtp)?;
        let app = Application::build(config.clone())?;
        match mailer {
            Some(mailer) => {
                crate::remind::spawn_background(app.db().clone(), config.clone(), mailer)
            }
            None => tracing::info!("no SMTP host configured: reminders are not sent"),
        }
        let url = public_url.unwrap_or_else(|| format!("http://127.0.0.1:{}", app.port()));
        println!(
            "tonghop đang chạy tại {url} (cơ sở dữ liệu {}). Nhấn Ctrl+C để dừng.",
            app.db().url().redacted()
        );
        if let Some(after) = after_start {
            after();
        }
        app.run_until_stopped().await?;
        Ok(())
    })
}
