//! Report rows in PostgreSQL's binary COPY format, so that one `COPY … FROM STDIN` takes a
//! whole upload's rows as the matcher hands them over.
//!
//! Diesel's `copy_from(…).from_insertable(rows)` needs every row of a COPY at once: the
//! storing thread, which gets rows a thousand at a time, ran one COPY per thousand, and each
//! COPY's fixed cost (its start, the per-statement key checks of `report_rows`) held a 100k-row
//! upload's storing at ~170k rows/s against ~270k rows/s for one COPY. Here one COPY reads
//! batches until there are no more, encoding each row as the format says
//! (<https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4>): a signature,
//! then per row the number of fields and each field as a length (−1 for NULL) and its value
//! in the type's binary form (big-endian integers, text as its UTF-8 bytes), then −1.

use std::{cell::RefCell, io::Write};

use diesel::{pg::CopyFormat, ExecuteCopyFromDsl, PgConnection};

use super::{schema::report_rows, submissions::NewReportRow};
use crate::error::{AppError, AppResult};

/// The signature, the flags (none) and the length of the header extension (none).
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// The field count −1 that ends the data.
const TRAILER: &[u8] = &[0xff, 0xff];
/// Fields per row: the columns named in [`copy_batches`], in that order.
const FIELDS: i16 = 11;
/// Encoded bytes handed to libpq at a time.
const FLUSH_AT: usize = 64 * 1024;

/// Stores in one COPY every batch that `next` gives, until it gives `None`.
pub fn copy_batches<B: AsRef<[NewReportRow]>>(
    conn: &mut PgConnection,
    next: &mut dyn FnMut() -> Option<B>,
) -> AppResult<()> {
    // diesel calls the writer through `Fn`: the source of batches is borrowed mutably inside.
    let next = RefCell::new(next);
    diesel::copy_from(report_rows::table)
        .from_raw_data(
            (
                report_rows::submission_id,
                report_rows::task_id,
                report_rows::sheet,
                report_rows::source_row,
                report_rows::status,
                report_rows::progress_percent,
                report_rows::result,
                report_rows::difficulties,
                report_rows::proposals,
                report_rows::match_method,
                report_rows::match_score,
            ),
            |out: &mut dyn Write| -> Result<(), AppError> {
                let mut buffer = Vec::with_capacity(FLUSH_AT + 4096);
                buffer.extend_from_slice(HEADER);
                let mut next = next.borrow_mut();
                while let Some(batch) = next() {
                    for row in batch.as_ref() {
                        encode(row, &mut buffer);
                        if buffer.len() >= FLUSH_AT {
                            out.write_all(&buffer)?;
                            buffer.clear();
                        }
                    }
                }
                buffer.extend_from_slice(TRAILER);
                out.write_all(&buffer)?;
                Ok(())
            },
        )
        .with_format(CopyFormat::Binary)
        .execute(conn)?;
    Ok(())
}

/// One row, its fields in the order of the columns named in [`copy_batches`].
fn encode(row: &NewReportRow, out: &mut Vec<u8>) {
    out.extend_from_slice(&FIELDS.to_be_bytes());
    int8(out, Some(row.submission_id));
    int8(out, row.task_id);
    text(out, Some(&row.sheet));
    int4(out, Some(row.source_row));
    text(out, row.status.as_deref());
    int4(out, row.progress_percent);
    text(out, Some(&row.result));
    text(out, Some(&row.difficulties));
    text(out, Some(&row.proposals));
    text(out, row.match_method.as_deref());
    int4(out, row.match_score);
}

fn null(out: &mut Vec<u8>) {
    out.extend_from_slice(&(-1i32).to_be_bytes());
}

fn int8(out: &mut Vec<u8>, value: Option<i64>) {
    fixed(out, value.map(i64::to_be_bytes));
}

fn int4(out: &mut Vec<u8>, value: Option<i32>) {
    fixed(out, value.map(i32::to_be_bytes));
}

/// A value of a fixed-size type: its length, then its big-endian bytes.
fn fixed<const N: usize>(out: &mut Vec<u8>, bytes: Option<[u8; N]>) {
    match bytes {
        Some(bytes) => {
            out.extend_from_slice(&(N as i32).to_be_bytes());
            out.extend_from_slice(&bytes);
        }
        None => null(out),
    }
}

fn text(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(v) => {
            // A cell's text is far below 2 GB: the read limits cap a whole workbook's texts.
            let length = i32::try_from(v.len()).unwrap_or(i32::MAX);
            out.extend_from_slice(&length.to_be_bytes());
            out.extend_from_slice(v.as_bytes());
        }
        None => null(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_its_field_count_then_each_field_as_length_and_value() {
        let row = NewReportRow {
            submission_id: 7,
            task_id: None,
            sheet: "Báo".into(),
            source_row: 12,
            status: Some("done".into()),
            progress_percent: None,
            result: String::new(),
            difficulties: "x".into(),
            proposals: String::new(),
            match_method: None,
            match_score: Some(-1),
        };
        let mut out = Vec::new();
        encode(&row, &mut out);
        let mut want: Vec<u8> = vec![0, 11];
        want.extend([0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7]); // submission_id
        want.extend([0xff; 4]); // task_id NULL
        want.extend([0, 0, 0, 4, b'B', 0xc3, 0xa1, b'o']); // sheet, UTF-8
        want.extend([0, 0, 0, 4, 0, 0, 0, 12]); // source_row
        want.extend([0, 0, 0, 4, b'd', b'o', b'n', b'e']); // status
        want.extend([0xff; 4]); // progress_percent NULL
        want.extend([0, 0, 0, 0]); // result: empty, not NULL
        want.extend([0, 0, 0, 1, b'x']); // difficulties
        want.extend([0, 0, 0, 0]); // proposals
        want.extend([0xff; 4]); // match_method NULL
        want.extend([0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]); // match_score −1
        assert_eq!(out, want);
        assert_eq!(HEADER.len(), 19);
    }
}
