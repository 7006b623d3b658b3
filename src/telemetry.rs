//! Logging setup: `tracing` to standard error, as text or JSON lines.
//!
//! The server logs at `info` by default. One-shot commands (import, ingest, export) print
//! their own results for a person to read, so they log only warnings unless `TONGHOP_LOG`
//! or the configuration file asks for more.

use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber once; later calls do nothing (tests build many apps).
/// `quiet` lowers the default level to warnings for one-shot commands.
pub fn init(config: &LogConfig, quiet: bool) {
    let explicit =
        std::env::var("TONGHOP_LOG").is_ok_and(|v| !v.is_empty()) || config.filter != "info";
    let filter = if quiet && !explicit {
        "warn"
    } else {
        config.filter.as_str()
    };
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true);
    let _ = match config.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
