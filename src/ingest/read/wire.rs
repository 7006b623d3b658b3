//! The reader child's answer on its pipe: a compact binary encoding instead of JSON.
//!
//! A 100k-row report is 1.2 M cells; as JSON that is ~40 MB to escape, write, scan and
//! unescape. Here a grid travels as its non-empty cells only, each a column number, a tag and
//! a length-prefixed payload, handed row by row to the parent's [`GridSink`] (a [`Grid`], or
//! the layout reading each row as it comes). Rejections (small, rare) stay JSON inside the
//! frame.
//!
//! Layout, little-endian: `u8` tag (`0` outcome, `1` rejection); an outcome is the format
//! (`u8`), the notes, then each sheet: name, hidden, merges, and its rows, each as its length
//! and its non-empty cells `(u32 column, u8 kind, payload)`. Strings are `u32` length + UTF-8.
//! Decoding checks every length against what is left of the frame, so a truncated or garbled
//! answer is an error, never a huge allocation. The parent decodes straight from the pipe
//! ([`decode_from`]) while the child is still writing: the answer's bytes are never held
//! whole, and an upload's grid need not be either.

use std::io::{self, Read, Write};

use chrono::DateTime;

use super::parse::ReadOutcome;
use super::sniff::Format;
use super::ReadError;
use crate::ingest::grid::{Cell, Grid, GridSink, Merge, Sheet};

/// What the child answers for one file; decoded, its workbook is whatever the parent's
/// [`GridSink`] made of it.
#[derive(Debug)]
pub(crate) enum Reply<G = Grid> {
    Ok(ReadOutcome<G>),
    Rejected(ReadError),
}

const REPLY_OK: u8 = 0;
const REPLY_REJECTED: u8 = 1;

const CELL_TEXT: u8 = 1;
const CELL_NUMBER: u8 = 2;
const CELL_BOOL: u8 = 3;
const CELL_DATE_TIME: u8 = 4;
const CELL_ERROR: u8 = 5;

fn format_code(f: Format) -> u8 {
    match f {
        Format::Xlsx => 0,
        Format::Xlsm => 1,
        Format::Xlsb => 2,
        Format::Ods => 3,
        Format::Xls => 4,
    }
}

fn format_of(code: u8) -> Option<Format> {
    Some(match code {
        0 => Format::Xlsx,
        1 => Format::Xlsm,
        2 => Format::Xlsb,
        3 => Format::Ods,
        4 => Format::Xls,
        _ => return None,
    })
}

/// Where encoded bytes go: a counter (to size the frame before writing it) or the stream.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

/// Counts the bytes an answer takes.
struct Count(usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Writes to a stream, keeping the first error.
struct Stream<'a, W: Write> {
    writer: &'a mut W,
    error: Option<io::Error>,
}

impl<W: Write> Sink for Stream<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.error.is_none() {
            if let Err(e) = self.writer.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }
}

struct Out<'s>(&'s mut dyn Sink);

impl Out<'_> {
    fn u8(&mut self, v: u8) {
        self.0.put(&[v]);
    }
    fn u32(&mut self, v: usize) {
        // Sheets are bounded far below 4 G rows, columns, cells and bytes by the read limits.
        self.0.put(&(v as u32).to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len());
        self.0.put(s.as_bytes());
    }
}

/// The length of a reply once encoded, without encoding it into memory.
pub(crate) fn encoded_len(reply: &Reply) -> usize {
    let mut count = Count(0);
    encode_into(reply, &mut count);
    count.0
}

/// Writes one frame (length prefix, then the encoded reply) straight to `writer`: the child
/// never holds its answer twice (grid and bytes), which for a 100k-row sheet is tens of MB.
pub(crate) fn write_frame(reply: &Reply, writer: &mut impl Write) -> io::Result<()> {
    writer.write_all(&(encoded_len(reply) as u64).to_le_bytes())?;
    let mut stream = Stream {
        writer,
        error: None,
    };
    encode_into(reply, &mut stream);
    stream.error.map_or(Ok(()), Err)
}

fn encode_into(reply: &Reply, sink: &mut dyn Sink) {
    let mut out = Out(sink);
    match reply {
        Reply::Rejected(e) => {
            out.u8(REPLY_REJECTED);
            out.0.put(&serde_json::to_vec(e).expect("errors serialise"));
        }
        Reply::Ok(outcome) => {
            out.u8(REPLY_OK);
            out.u8(format_code(outcome.format));
            out.u32(outcome.notes.len());
            for note in &outcome.notes {
                out.str(note);
            }
            out.u32(outcome.grid.sheets.len());
            for sheet in &outcome.grid.sheets {
                encode_sheet(&mut out, sheet);
            }
        }
    }
}

fn encode_sheet(out: &mut Out, sheet: &Sheet) {
    out.str(&sheet.name);
    out.u8(u8::from(sheet.hidden));
    out.u32(sheet.merges.len());
    for m in &sheet.merges {
        for v in [m.first_row, m.first_col, m.last_row, m.last_col] {
            out.u32(v as usize);
        }
    }
    out.u32(sheet.rows.len());
    for row in &sheet.rows {
        out.u32(row.len());
        let filled = row.iter().filter(|c| !matches!(c, Cell::Empty)).count();
        out.u32(filled);
        for (col, cell) in row.iter().enumerate() {
            match cell {
                Cell::Empty => continue,
                Cell::Text(t) => {
                    out.u32(col);
                    out.u8(CELL_TEXT);
                    out.str(t);
                }
                Cell::Error(t) => {
                    out.u32(col);
                    out.u8(CELL_ERROR);
                    out.str(t);
                }
                Cell::Number(n) => {
                    out.u32(col);
                    out.u8(CELL_NUMBER);
                    out.0.put(&n.to_le_bytes());
                }
                Cell::Bool(b) => {
                    out.u32(col);
                    out.u8(CELL_BOOL);
                    out.u8(u8::from(*b));
                }
                Cell::DateTime(d) => {
                    out.u32(col);
                    out.u8(CELL_DATE_TIME);
                    let utc = d.and_utc();
                    out.0.put(&utc.timestamp().to_le_bytes());
                    out.0.put(&utc.timestamp_subsec_nanos().to_le_bytes());
                }
            }
        }
    }
}

/// Reads an answer from a stream of `left` bytes (the frame's announced length).
struct In<R: Read> {
    reader: R,
    left: usize,
}

/// Why an answer could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The stream ended or failed before the frame's announced end: the child is gone.
    Io(io::Error),
    /// The bytes do not form an answer.
    Garbled(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Io(e) => write!(f, "answer cut short: {e}"),
            DecodeError::Garbled(why) => f.write_str(why),
        }
    }
}

impl From<String> for DecodeError {
    fn from(why: String) -> Self {
        DecodeError::Garbled(why)
    }
}

impl From<&str> for DecodeError {
    fn from(why: &str) -> Self {
        DecodeError::Garbled(why.to_string())
    }
}

type Decoded<T> = Result<T, DecodeError>;

impl<R: Read> In<R> {
    /// Checks that `n` more bytes belong to the frame.
    fn claim(&mut self, n: usize) -> Decoded<()> {
        if n > self.left {
            return Err(format!("answer cut short: {n} bytes wanted, {} left", self.left).into());
        }
        self.left -= n;
        Ok(())
    }
    fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        self.claim(N)?;
        let mut a = [0u8; N];
        self.reader.read_exact(&mut a).map_err(DecodeError::Io)?;
        Ok(a)
    }
    fn u8(&mut self) -> Decoded<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u32(&mut self) -> Decoded<usize> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }
    /// The next `n` bytes, read straight into their own vector.
    fn bytes(&mut self, n: usize) -> Decoded<Vec<u8>> {
        self.claim(n)?;
        let mut v = Vec::with_capacity(n);
        let got = (&mut self.reader)
            .take(n as u64)
            .read_to_end(&mut v)
            .map_err(DecodeError::Io)?;
        if got != n {
            return Err(DecodeError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        Ok(v)
    }
    fn str(&mut self) -> Decoded<String> {
        let n = self.u32()?;
        String::from_utf8(self.bytes(n)?).map_err(|e| e.to_string().into())
    }
    /// A count of items each at least `min_size` bytes long, checked against what is left.
    fn count(&mut self, min_size: usize) -> Decoded<usize> {
        let n = self.u32()?;
        if n.saturating_mul(min_size) > self.left {
            return Err(format!("answer cut short: {n} items announced").into());
        }
        Ok(n)
    }
}

/// Decodes what [`write_frame`] wrote, without its length. Rows may hold at most
/// `max_cells` cells in all (empty ones included), as the child's own budget allowed.
#[cfg(test)]
pub(crate) fn decode(bytes: &[u8], max_cells: u64) -> Decoded<Reply> {
    decode_from(bytes, bytes.len(), max_cells, Grid::default())
}

/// [`decode`] reading the answer's `len` bytes from `reader` as they come, and handing each
/// sheet and row to `sink` as soon as it is decoded: a large answer is never held whole,
/// neither as bytes nor, when the sink reads rows as they come, as a grid. The sink comes
/// back as the outcome's `grid`. Reads exactly `len` bytes when it succeeds; a stream that
/// ends early is [`DecodeError::Io`], whatever the sink was given by then.
pub(crate) fn decode_from<S: GridSink>(
    reader: impl Read,
    len: usize,
    max_cells: u64,
    mut sink: S,
) -> Decoded<Reply<S>> {
    let mut r = In { reader, left: len };
    let mut cells_left = max_cells;
    match r.u8()? {
        REPLY_REJECTED => {
            let rest = r.bytes(r.left)?;
            serde_json::from_slice(&rest)
                .map(Reply::Rejected)
                .map_err(|e| e.to_string().into())
        }
        REPLY_OK => {
            let format = format_of(r.u8()?).ok_or("unknown format")?;
            let notes = (0..r.count(4)?)
                .map(|_| r.str())
                .collect::<Decoded<Vec<_>>>()?;
            for _ in 0..r.count(13)? {
                decode_sheet(&mut r, &mut cells_left, &mut sink)?;
            }
            if r.left != 0 {
                return Err("trailing bytes after the answer".into());
            }
            Ok(Reply::Ok(ReadOutcome {
                format,
                grid: sink,
                notes,
            }))
        }
        other => Err(format!("unknown answer tag {other}").into()),
    }
}

/// `grid` encoded as a child's answer and decoded into `sink` as the parent does: for tests
/// of sinks that read rows as they come.
#[cfg(test)]
pub(crate) fn through<S: GridSink>(grid: Grid, sink: S) -> S {
    let outcome = ReadOutcome {
        format: Format::Xlsx,
        grid,
        notes: Vec::new(),
    };
    let mut frame = Vec::new();
    write_frame(&Reply::Ok(outcome), &mut frame).expect("a vector takes every byte");
    let answer = &frame[8..];
    match decode_from(answer, answer.len(), u64::MAX, sink) {
        Ok(Reply::Ok(outcome)) => outcome.grid,
        _ => panic!("a grid encoded here decodes"),
    }
}

fn decode_sheet<R: Read>(
    r: &mut In<R>,
    cells_left: &mut u64,
    sink: &mut impl GridSink,
) -> Decoded<()> {
    let name = r.str()?;
    let hidden = r.u8()? != 0;
    let merges = (0..r.count(16)?)
        .map(|_| {
            Ok(Merge {
                first_row: r.u32()? as u32,
                first_col: r.u32()? as u32,
                last_row: r.u32()? as u32,
                last_col: r.u32()? as u32,
            })
        })
        .collect::<Decoded<Vec<_>>>()?;
    let n_rows = r.count(8)?;
    sink.begin_sheet(name, hidden, merges, n_rows);
    for _ in 0..n_rows {
        let len = r.u32()?;
        let filled = r.count(6)?;
        if filled > len {
            return Err("row with more cells than its length".into());
        }
        *cells_left = cells_left
            .checked_sub(len as u64)
            .ok_or("more cells than the read limits allow")?;
        let mut row = Vec::with_capacity(len);
        for _ in 0..filled {
            let col = r.u32()?;
            if col >= len || col < row.len() {
                return Err("cell out of order".into());
            }
            row.resize(col, Cell::Empty);
            let cell = match r.u8()? {
                CELL_TEXT => Cell::Text(r.str()?.into_boxed_str()),
                CELL_ERROR => Cell::Error(r.str()?.into_boxed_str()),
                CELL_NUMBER => Cell::Number(f64::from_le_bytes(r.array()?)),
                CELL_BOOL => Cell::Bool(r.u8()? != 0),
                CELL_DATE_TIME => {
                    let secs = i64::from_le_bytes(r.array()?);
                    let nanos = u32::from_le_bytes(r.array()?);
                    let d = DateTime::from_timestamp(secs, nanos).ok_or("date out of range")?;
                    Cell::DateTime(d.naive_utc())
                }
                other => return Err(format!("unknown cell kind {other}").into()),
            };
            row.push(cell);
        }
        row.resize(len, Cell::Empty);
        sink.row(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framed(reply: &Reply) -> Vec<u8> {
        let mut frame = Vec::new();
        write_frame(reply, &mut frame).unwrap();
        frame
    }

    #[test]
    fn a_grid_travels_unchanged() {
        let date = chrono::NaiveDate::from_ymd_opt(2023, 11, 5)
            .unwrap()
            .and_hms_milli_opt(8, 30, 0, 250)
            .unwrap();
        let outcome = ReadOutcome {
            format: Format::Xlsb,
            notes: vec!["Bỏ qua trang biểu đồ".into()],
            grid: Grid {
                sheets: vec![
                    Sheet::new(
                        "Báo cáo",
                        vec![
                            vec![Cell::Text("STT".into()), Cell::Empty, Cell::Number(1.5)],
                            vec![],
                            vec![
                                Cell::Empty,
                                Cell::Bool(true),
                                Cell::DateTime(date),
                                Cell::Error("#REF!".into()),
                                Cell::Text("  ".into()),
                                Cell::Empty,
                            ],
                        ],
                        vec![Merge {
                            first_row: 0,
                            first_col: 0,
                            last_row: 1,
                            last_col: 2,
                        }],
                    ),
                    {
                        let mut hidden = Sheet::new("Ẩn", Vec::new(), Vec::new());
                        hidden.hidden = true;
                        hidden
                    },
                ],
            },
        };
        let reply = Reply::Ok(outcome.clone());
        let frame = framed(&reply);
        // What the child writes: the length, then the encoded reply.
        let bytes = &frame[8..];
        assert_eq!(frame[..8], (bytes.len() as u64).to_le_bytes());
        assert_eq!(encoded_len(&reply), bytes.len());
        match decode(bytes, 100).unwrap() {
            Reply::Ok(back) => assert_eq!(back, outcome),
            other => panic!("{other:?}"),
        }
        for cut in [1, 5, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], 100).is_err(), "cut at {cut}");
        }
        assert!(decode(bytes, 5).is_err(), "over the cell budget");
        // From a stream: one that ends early is the child's end, not a garbled answer.
        match decode_from(&bytes[..bytes.len() - 3], bytes.len(), 100, Grid::default()) {
            Err(DecodeError::Io(_)) => {}
            other => panic!("a stream cut short: {other:?}"),
        }
        let mut garbled = bytes.to_vec();
        garbled[1] = 99; // the format
        match decode_from(&garbled[..], garbled.len(), 100, Grid::default()) {
            Err(DecodeError::Garbled(why)) => assert_eq!(why, "unknown format"),
            other => panic!("a garbled answer: {other:?}"),
        }
        let rejected = framed(&Reply::Rejected(ReadError::Encrypted));
        assert!(matches!(
            decode(&rejected[8..], 100).unwrap(),
            Reply::Rejected(ReadError::Encrypted)
        ));
    }
}
