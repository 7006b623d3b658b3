//! What the CLI subcommands do, one file per command group. `cli.rs` only parses arguments.

pub mod agencies;
pub mod consolidate;
pub mod ingest;
pub mod ingest_dir;
pub mod plan;
pub mod remind;
pub mod report;
pub mod template;
pub mod token;

use std::path::Path;

use crate::error::{AppError, AppResult};

/// Reads an input file, naming the file in the error.
pub fn read_input(path: &Path) -> AppResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| AppError::BadRequest(format!("Không đọc được tệp {}: {e}", path.display())))
}

/// Writes an output file, naming the file in the error.
pub fn write_output(path: &Path, bytes: &[u8]) -> AppResult<()> {
    std::fs::write(path, bytes)
        .map_err(|e| AppError::BadRequest(format!("Không ghi được tệp {}: {e}", path.display())))
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Shortens text for a table column, on a character boundary.
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}
