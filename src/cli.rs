//! The command line: `tonghop serve | migrate | demo`, with help in Vietnamese for the
//! secretariat's IT officer. Errors print as one line, `lỗi: …`, with exit status 1.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    app::{open_database, Application},
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
}

/// Parses the arguments, runs the command and turns any error into one line on stderr.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
    telemetry::init(&config.log);
    match cli.command {
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
        let app = Application::build(config)?;
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
