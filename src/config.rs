//! Configuration: built-in defaults, then an optional TOML file, then `TONGHOP_*` variables.
//!
//! With nothing configured tonghop runs on a SQLite file under `./data/` and listens on
//! 127.0.0.1:8080. The file is `tonghop.toml` in the working directory when it exists, or the
//! path in `TONGHOP_CONFIG`; `tonghop.example.toml` documents every key. Environment variables
//! override the file:
//!
//! | variable | file key | default |
//! |---|---|---|
//! | `TONGHOP_CONFIG` | – | `./tonghop.toml` if present |
//! | `TONGHOP_DATABASE_URL` | `database.url` | `sqlite://<data_dir>/tonghop.db` |
//! | `TONGHOP_DATABASE_POOL_SIZE` | `database.pool_size` | 8 |
//! | `TONGHOP_LISTEN` | `server.listen` | `127.0.0.1:8080` |
//! | `TONGHOP_PUBLIC_URL` | `server.public_url` | `http://<listen>` |
//! | `TONGHOP_WORKERS` | `server.workers` | number of cores |
//! | `TONGHOP_DATA_DIR` | `storage.data_dir` | `./data` |
//! | `TONGHOP_UPLOAD_MAX_BYTES` | `upload.max_bytes` | 20971520 (20 MiB) |
//! | `TONGHOP_UPLOAD_MAX_CELLS` | `upload.max_cells` | 5000000 |
//! | `TONGHOP_UPLOAD_MAX_ROWS` | `upload.max_rows` | 1048576 |
//! | `TONGHOP_UPLOAD_MAX_COLUMNS` | `upload.max_columns` | 16384 |
//! | `TONGHOP_PARSE_TIMEOUT_SECS` | `upload.parse_timeout_secs` | 15 |
//! | `TONGHOP_PARSE_MEMORY_MB` | `upload.parse_memory_mb` | 1024 |
//! | `TONGHOP_SMTP_HOST` | `smtp.host` | unset: e-mails are not sent |
//! | `TONGHOP_SMTP_PORT` | `smtp.port` | 587 |
//! | `TONGHOP_SMTP_SECURITY` | `smtp.security` | `starttls` (`none`, `starttls`, `tls`) |
//! | `TONGHOP_SMTP_USERNAME` | `smtp.username` | unset |
//! | `TONGHOP_SMTP_PASSWORD` | `smtp.password` | unset |
//! | `TONGHOP_SMTP_FROM` | `smtp.from` | `tonghop <no-reply@localhost>` |
//! | `TONGHOP_SMTP_TIMEOUT_SECS` | `smtp.timeout_secs` | 30 |
//! | `TONGHOP_REMIND_HOUR` | `remind.hour` | 8 (local hour at which reminder steps fall due) |
//! | `TONGHOP_REMIND_LADDER` | `remind.ladder` | `-3,-1,0,+1,+3!` (working days from the deadline; `!` escalates) |
//! | `TONGHOP_REMIND_INTERVAL_SECS` | `remind.interval_secs` | 300 (how often `serve` looks for due reminders) |
//! | `TONGHOP_REMIND_MAX_ATTEMPTS` | `remind.max_attempts` | 10 (retries 1, 2, 4 … 256 minutes apart: about 8½ hours) |
//! | `TONGHOP_REMIND_SECRETARIAT_EMAILS` | `remind.secretariat_emails` | the province's police (`Công an tỉnh`) mailboxes |
//! | `TONGHOP_LOG` | `log.filter` | `info` (tracing filter syntax) |
//! | `TONGHOP_LOG_FORMAT` | `log.format` | `text` (`text` or `json`) |

use std::{env, net::SocketAddr, path::PathBuf};

use serde::Deserialize;

use crate::error::AppError;

pub const DEFAULT_CONFIG_FILE: &str = "tonghop.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub storage: StorageConfig,
    pub upload: UploadConfig,
    pub smtp: SmtpConfig,
    pub remind: RemindConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: String,
    pub public_url: Option<String>,
    pub workers: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path`, a bare file path, or `postgres://…`. None: a file in the data directory.
    pub url: Option<String>,
    pub pool_size: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UploadConfig {
    pub max_bytes: usize,
    /// Cells one workbook may hold (all sheets together).
    pub max_cells: u64,
    /// Rows and columns one sheet may span.
    pub max_rows: u32,
    pub max_columns: u32,
    /// Wall-clock bound on reading one file, in seconds.
    pub parse_timeout_secs: u64,
    /// Address-space bound of the isolated reader process, in MiB.
    pub parse_memory_mb: u64,
    /// The program run as the isolated reader (`<program> read-sheet`); default: this
    /// executable. Tests point it at the built `tonghop` binary.
    pub reader_program: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: Option<String>,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    pub timeout_secs: u64,
}

/// The reminder ladder and its sender (see `src/remind/`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RemindConfig {
    /// Local hour (0–23, Asia/Ho_Chi_Minh) at which a step falls due on its day.
    pub hour: u32,
    /// The default ladder of plans without their own: working days from the deadline day,
    /// `!` marks the escalation step ("-3,-1,0,+1,+3!").
    pub ladder: String,
    /// Seconds between two passes of the background sender in `serve`.
    pub interval_secs: u64,
    /// Attempts before a reminder is marked failed.
    pub max_attempts: i32,
    /// First retry delay in seconds; doubled at each attempt (at most six hours).
    pub retry_base_secs: i64,
    /// Seconds a sender may hold a claimed reminder before another may take it over.
    pub lease_secs: i64,
    /// Copied on escalations; empty: the mailboxes of the province's police (Công an tỉnh),
    /// the usual standing secretariat.
    pub secretariat_emails: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub filter: String,
    pub format: LogFormat,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            workers: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: None,
            pool_size: 8,
        }
    }
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            data_dir: PathBuf::from("data"),
        }
    }
}

impl Default for UploadConfig {
    fn default() -> Self {
        UploadConfig {
            max_bytes: 20 * 1024 * 1024,
            max_cells: 5_000_000,
            max_rows: 1_048_576,
            max_columns: 16_384,
            parse_timeout_secs: 15,
            parse_memory_mb: 1024,
            reader_program: None,
        }
    }
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: None,
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            from: "tonghop <no-reply@localhost>".into(),
            timeout_secs: 30,
        }
    }
}

impl Default for RemindConfig {
    fn default() -> Self {
        RemindConfig {
            hour: 8,
            ladder: "-3,-1,0,+1,+3!".into(),
            interval_secs: 300,
            max_attempts: 10,
            retry_base_secs: 60,
            lease_secs: 300,
            secretariat_emails: Vec::new(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            filter: "info".into(),
            format: LogFormat::Text,
        }
    }
}

impl UploadConfig {
    /// The executable that runs the isolated spreadsheet reader.
    pub fn reader_program(&self) -> PathBuf {
        self.reader_program
            .clone()
            .or_else(|| env::current_exe().ok())
            .unwrap_or_else(|| PathBuf::from("tonghop"))
    }
}

impl Config {
    /// Loads the configuration the way every command does: defaults, file, environment.
    pub fn load() -> Result<Config, AppError> {
        let explicit = env::var("TONGHOP_CONFIG").ok().filter(|v| !v.is_empty());
        let path = explicit
            .clone()
            .unwrap_or_else(|| DEFAULT_CONFIG_FILE.to_string());
        let mut config = match std::fs::read_to_string(&path) {
            Ok(text) => Config::from_toml(&text)
                .map_err(|e| AppError::Config(format!("tệp {path}: {e}")))?,
            Err(e) if explicit.is_some() => {
                return Err(AppError::Config(format!(
                    "không đọc được tệp cấu hình {path}: {e}"
                )))
            }
            Err(_) => Config::default(),
        };
        config.apply_env(|name| env::var(name).ok())?;
        Ok(config)
    }

    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.message().to_string())
    }

    /// Applies `TONGHOP_*` overrides read through `get` (the process environment in
    /// production, a map in tests).
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), AppError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("TONGHOP_DATABASE_URL") {
            self.database.url = Some(v);
        }
        if let Some(v) = get("TONGHOP_DATABASE_POOL_SIZE") {
            self.database.pool_size = parse_number("TONGHOP_DATABASE_POOL_SIZE", &v)?;
        }
        if let Some(v) = get("TONGHOP_LISTEN") {
            self.server.listen = v;
        }
        if let Some(v) = get("TONGHOP_PUBLIC_URL") {
            self.server.public_url = Some(v);
        }
        if let Some(v) = get("TONGHOP_WORKERS") {
            self.server.workers = Some(parse_number("TONGHOP_WORKERS", &v)?);
        }
        if let Some(v) = get("TONGHOP_DATA_DIR") {
            self.storage.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("TONGHOP_UPLOAD_MAX_BYTES") {
            self.upload.max_bytes = parse_number("TONGHOP_UPLOAD_MAX_BYTES", &v)?;
        }
        if let Some(v) = get("TONGHOP_UPLOAD_MAX_CELLS") {
            self.upload.max_cells = parse_number("TONGHOP_UPLOAD_MAX_CELLS", &v)?;
        }
        if let Some(v) = get("TONGHOP_UPLOAD_MAX_ROWS") {
            self.upload.max_rows = parse_number("TONGHOP_UPLOAD_MAX_ROWS", &v)?;
        }
        if let Some(v) = get("TONGHOP_UPLOAD_MAX_COLUMNS") {
            self.upload.max_columns = parse_number("TONGHOP_UPLOAD_MAX_COLUMNS", &v)?;
        }
        if let Some(v) = get("TONGHOP_PARSE_TIMEOUT_SECS") {
            self.upload.parse_timeout_secs = parse_number("TONGHOP_PARSE_TIMEOUT_SECS", &v)?;
        }
        if let Some(v) = get("TONGHOP_PARSE_MEMORY_MB") {
            self.upload.parse_memory_mb = parse_number("TONGHOP_PARSE_MEMORY_MB", &v)?;
        }
        if let Some(v) = get("TONGHOP_SMTP_HOST") {
            self.smtp.host = Some(v);
        }
        if let Some(v) = get("TONGHOP_SMTP_PORT") {
            self.smtp.port = parse_number("TONGHOP_SMTP_PORT", &v)?;
        }
        if let Some(v) = get("TONGHOP_SMTP_SECURITY") {
            self.smtp.security = match v.to_ascii_lowercase().as_str() {
                "none" => SmtpSecurity::None,
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                _ => {
                    return Err(AppError::Config(format!(
                        "TONGHOP_SMTP_SECURITY = {v:?} không hợp lệ; dùng none, starttls hoặc tls"
                    )))
                }
            };
        }
        if let Some(v) = get("TONGHOP_SMTP_USERNAME") {
            self.smtp.username = Some(v);
        }
        if let Some(v) = get("TONGHOP_SMTP_PASSWORD") {
            self.smtp.password = Some(v);
        }
        if let Some(v) = get("TONGHOP_SMTP_FROM") {
            self.smtp.from = v;
        }
        if let Some(v) = get("TONGHOP_SMTP_TIMEOUT_SECS") {
            self.smtp.timeout_secs = parse_number("TONGHOP_SMTP_TIMEOUT_SECS", &v)?;
        }
        if let Some(v) = get("TONGHOP_REMIND_HOUR") {
            self.remind.hour = parse_number("TONGHOP_REMIND_HOUR", &v)?;
            if self.remind.hour > 23 {
                return Err(AppError::Config(format!(
                    "TONGHOP_REMIND_HOUR = {v:?} phải là giờ trong ngày, từ 0 đến 23"
                )));
            }
        }
        if let Some(v) = get("TONGHOP_REMIND_LADDER") {
            self.remind.ladder = v;
        }
        if let Some(v) = get("TONGHOP_REMIND_INTERVAL_SECS") {
            self.remind.interval_secs = parse_number("TONGHOP_REMIND_INTERVAL_SECS", &v)?;
        }
        if let Some(v) = get("TONGHOP_REMIND_MAX_ATTEMPTS") {
            self.remind.max_attempts = parse_number("TONGHOP_REMIND_MAX_ATTEMPTS", &v)?;
        }
        if let Some(v) = get("TONGHOP_REMIND_SECRETARIAT_EMAILS") {
            self.remind.secretariat_emails = v
                .split([',', ';'])
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect();
        }
        if let Some(v) = get("TONGHOP_LOG") {
            self.log.filter = v;
        }
        if let Some(v) = get("TONGHOP_LOG_FORMAT") {
            self.log.format = match v.to_ascii_lowercase().as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(AppError::Config(format!(
                        "TONGHOP_LOG_FORMAT = {v:?} không hợp lệ; dùng text hoặc json"
                    )))
                }
            };
        }
        Ok(())
    }

    /// The database URL in force: the configured one, or a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database.url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}",
                self.storage.data_dir.join("tonghop.db").display()
            ),
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, AppError> {
        self.server.listen.parse().map_err(|_| {
            AppError::Config(format!(
                "địa chỉ lắng nghe {:?} không hợp lệ; ví dụ đúng: 127.0.0.1:8080",
                self.server.listen
            ))
        })
    }
}

fn parse_number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, AppError> {
    value
        .trim()
        .parse()
        .map_err(|_| AppError::Config(format!("{name} = {value:?} phải là một số nguyên dương")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_example_file_parses() {
        let config = Config::from_toml(include_str!("../tonghop.example.toml")).unwrap();
        assert_eq!(config.upload.max_bytes, 20 * 1024 * 1024);
    }

    #[test]
    fn defaults_need_no_configuration() {
        let config = Config::default();
        assert_eq!(config.server.listen, "127.0.0.1:8080");
        assert_eq!(config.database_url(), "sqlite://data/tonghop.db");
    }

    #[test]
    fn file_then_environment() {
        let mut config = Config::from_toml(
            "[server]\nlisten = \"0.0.0.0:9000\"\n[database]\nurl = \"postgres://a/b\"\n",
        )
        .unwrap();
        let env: HashMap<&str, &str> = [
            ("TONGHOP_LISTEN", "127.0.0.1:1"),
            ("TONGHOP_SMTP_SECURITY", "tls"),
        ]
        .into();
        config
            .apply_env(|k| env.get(k).map(|v| v.to_string()))
            .unwrap();
        assert_eq!(config.server.listen, "127.0.0.1:1");
        assert_eq!(config.database_url(), "postgres://a/b");
        assert_eq!(config.smtp.security, SmtpSecurity::Tls);
    }

    #[test]
    fn unknown_keys_and_bad_numbers_are_reported() {
        assert!(Config::from_toml("[server]\nlisen = \"x\"\n").is_err());
        let mut config = Config::default();
        let err = config
            .apply_env(|k| (k == "TONGHOP_UPLOAD_MAX_BYTES").then(|| "nhiều".to_string()))
            .unwrap_err();
        assert!(err.to_string().contains("TONGHOP_UPLOAD_MAX_BYTES"));
    }
}
