//! The reader child's answer on its pipe: a compact binary stream, written as the workbook
//! is read and decoded as it arrives.
//!
//! A 100k-row report is 1.2 M cells; as JSON that is ~40 MB to escape, write, scan and
//! unescape. Here a grid travels as its non-empty cells only, each a column number, a tag and
//! a length-prefixed payload. The child writes each row as soon as the reader has it
//! ([`AnswerWriter`], a [`ReadSink`]), and the parent hands each row on as soon as it is
//! decoded ([`decode_from`], into a [`GridSink`]: a [`Grid`], or the layout reading rows as
//! they come): neither holds a large upload's grid whole, and the parent's work overlaps the
//! child's.
//!
//! On the pipe an answer is a run of chunks, each a `u32` length and that many bytes, ended
//! by an empty chunk. Their bytes, joined, are elements, each a `u8` tag, little-endian:
//! `FORMAT` (the format, first), then for each sheet `SHEET` (name, hidden, merged areas, the
//! rows it declares) and its `ROW`s (length, then the non-empty cells `(u32 column, u8
//! kind, payload)`), `DROP` when a sheet begun is void (broken half-way, or sent again
//! whole), and last `END` with the notes, or `REJECT` with the rejection as JSON, which
//! voids everything before it. Strings are `u32` length + UTF-8. Decoding checks every
//! length against what is left of the answer's size cap, so a garbled answer is an error,
//! never a huge allocation.

use std::io::{self, BufRead, Read, Write};

use chrono::DateTime;

use super::parse::{CellRef, ReadOutcome, ReadSink};
use super::sniff::Format;
use super::ReadError;
use crate::ingest::grid::{Cell, Grid, GridSink, Merge};

/// What the child answers for one file; decoded, its workbook is whatever the parent's
/// [`GridSink`] made of it.
#[derive(Debug)]
pub(crate) enum Reply<G = Grid> {
    Ok(ReadOutcome<G>),
    Rejected(ReadError),
}

const FORMAT: u8 = 1;
const SHEET: u8 = 2;
const ROW: u8 = 3;
const DROP: u8 = 4;
const END: u8 = 5;
const REJECT: u8 = 6;

const CELL_TEXT: u8 = 1;
const CELL_NUMBER: u8 = 2;
const CELL_BOOL: u8 = 3;
const CELL_DATE_TIME: u8 = 4;
const CELL_ERROR: u8 = 5;

/// The least a row takes in an answer (tag, length, cell count): no sheet has more rows
/// than what is left of the answer allows.
const ROW_BYTES: usize = 9;

/// Bytes gathered into one chunk before it is written.
const CHUNK: usize = 64 * 1024;

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

/// Writes one answer as the workbook is read, in chunks, keeping the first write error
/// for the end.
pub(crate) struct AnswerWriter<W: Write> {
    writer: W,
    chunk: Vec<u8>,
    error: Option<io::Error>,
}

impl<W: Write> AnswerWriter<W> {
    pub(crate) fn new(writer: W) -> Self {
        AnswerWriter {
            writer,
            chunk: Vec::with_capacity(CHUNK + 1024),
            error: None,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        self.chunk.extend_from_slice(bytes);
        if self.chunk.len() >= CHUNK {
            self.send_chunk();
        }
    }

    fn send_chunk(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        if self.error.is_none() {
            let len = (self.chunk.len() as u32).to_le_bytes();
            let sent = self
                .writer
                .write_all(&len)
                .and_then(|()| self.writer.write_all(&self.chunk));
            self.error = sent.err();
        }
        self.chunk.clear();
    }

    fn u8(&mut self, v: u8) {
        self.put(&[v]);
    }

    fn u32(&mut self, v: usize) {
        // Sheets are bounded far below 4 G rows, columns, cells and bytes by the read limits.
        self.put(&(v as u32).to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.u32(s.len());
        self.put(s.as_bytes());
    }

    /// The workbook is read: its notes end the answer.
    pub(crate) fn end(mut self, notes: &[String]) -> io::Result<()> {
        self.u8(END);
        self.u32(notes.len());
        for note in notes {
            self.str(note);
        }
        self.finish()
    }

    /// The workbook is rejected: what was written before is void.
    pub(crate) fn reject(mut self, e: &ReadError) -> io::Result<()> {
        let json = serde_json::to_vec(e).expect("errors serialise");
        self.u8(REJECT);
        self.u32(json.len());
        self.put(&json);
        self.finish()
    }

    fn finish(mut self) -> io::Result<()> {
        self.send_chunk();
        if self.error.is_none() {
            self.error = self
                .writer
                .write_all(&0u32.to_le_bytes())
                .and_then(|()| self.writer.flush())
                .err();
        }
        self.error.map_or(Ok(()), Err)
    }
}

impl<W: Write> GridSink for AnswerWriter<W> {
    fn begin_sheet(&mut self, name: String, hidden: bool, merges: Vec<Merge>, rows: usize) {
        self.u8(SHEET);
        self.str(&name);
        self.u8(u8::from(hidden));
        self.u32(merges.len());
        for m in &merges {
            for v in [m.first_row, m.first_col, m.last_row, m.last_col] {
                self.u32(v as usize);
            }
        }
        self.u32(rows);
    }

    fn row(&mut self, row: Vec<Cell>) {
        self.u8(ROW);
        self.u32(row.len());
        let filled = row.iter().filter(|c| !matches!(c, Cell::Empty)).count();
        self.u32(filled);
        for (col, cell) in row.iter().enumerate() {
            self.cell(col, cell);
        }
    }

    fn drop_sheet(&mut self) {
        self.u8(DROP);
    }
}

impl<W: Write> ReadSink for AnswerWriter<W> {
    fn format(&mut self, format: Format) {
        self.u8(FORMAT);
        self.u8(format_code(format));
    }

    /// The same bytes as [`GridSink::row`] of those cells, the borrowed texts written
    /// straight from the workbook's shared strings.
    fn row_of_refs(&mut self, width: usize, cells: &[(u32, CellRef<'_>)]) {
        self.u8(ROW);
        self.u32(width);
        self.u32(cells.len());
        for (col, value) in cells {
            match value {
                CellRef::Text(t) => self.text_cell(*col as usize, CELL_TEXT, t),
                CellRef::Owned(cell) => self.cell(*col as usize, cell),
            }
        }
    }
}

impl<W: Write> AnswerWriter<W> {
    /// One non-empty cell of a row (an empty one is not written).
    fn cell(&mut self, col: usize, cell: &Cell) {
        match cell {
            Cell::Empty => {}
            Cell::Text(t) => self.text_cell(col, CELL_TEXT, t),
            Cell::Error(t) => self.text_cell(col, CELL_ERROR, t),
            Cell::Number(n) => {
                self.u32(col);
                self.u8(CELL_NUMBER);
                self.put(&n.to_le_bytes());
            }
            Cell::Bool(b) => {
                self.u32(col);
                self.u8(CELL_BOOL);
                self.u8(u8::from(*b));
            }
            Cell::DateTime(d) => {
                self.u32(col);
                self.u8(CELL_DATE_TIME);
                let utc = d.and_utc();
                self.put(&utc.timestamp().to_le_bytes());
                self.put(&utc.timestamp_subsec_nanos().to_le_bytes());
            }
        }
    }

    fn text_cell(&mut self, col: usize, kind: u8, text: &str) {
        self.u32(col);
        self.u8(kind);
        self.str(text);
    }
}

/// A whole reply written as a child writes one, for tests.
#[cfg(test)]
pub(crate) fn write_reply(reply: &Reply, writer: impl Write) -> io::Result<()> {
    let mut answer = AnswerWriter::new(writer);
    match reply {
        Reply::Rejected(e) => answer.reject(e),
        Reply::Ok(outcome) => {
            answer.format(outcome.format);
            outcome.grid.feed_copies(&mut answer);
            answer.end(&outcome.notes)
        }
    }
}

/// The chunks of one answer read as one stream, which ends at the empty chunk.
struct Dechunk<R: BufRead> {
    reader: R,
    /// Bytes left in the current chunk.
    left: usize,
    ended: bool,
}

impl<R: BufRead> Read for Dechunk<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        read_buffered(self, buf)
    }
}

/// [`Read::read`] of a reader whose bytes are already in its buffer ([`BufRead`]): copies
/// what is at hand, waiting for more only when nothing is.
pub(super) fn read_buffered(reader: &mut impl BufRead, buf: &mut [u8]) -> io::Result<usize> {
    let at_hand = reader.fill_buf()?;
    let n = buf.len().min(at_hand.len());
    buf[..n].copy_from_slice(&at_hand[..n]);
    reader.consume(n);
    Ok(n)
}

impl<R: BufRead> BufRead for Dechunk<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.left == 0 {
            if self.ended {
                return Ok(&[]);
            }
            let mut len = [0u8; 4];
            self.reader.read_exact(&mut len)?;
            self.left = u32::from_le_bytes(len) as usize;
            self.ended = self.left == 0;
        }
        let left = self.left;
        let buf = self.reader.fill_buf()?;
        if buf.is_empty() {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        Ok(&buf[..buf.len().min(left)])
    }

    fn consume(&mut self, n: usize) {
        self.reader.consume(n);
        self.left -= n;
    }
}

/// Reads an answer of at most `left` bytes (the answer's size cap). Values are taken
/// straight from the buffer of the piece at hand; only one that straddles two pieces is
/// gathered by a copy.
struct In<R: BufRead> {
    reader: R,
    left: usize,
}

/// Why an answer could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// The stream ended or failed before the answer's end: the child is gone.
    Io(io::Error),
    /// The answer is larger than its cap allows.
    Overflow,
    /// The bytes do not form an answer.
    Garbled(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Io(e) => write!(f, "answer cut short: {e}"),
            DecodeError::Overflow => f.write_str("answer over its size cap"),
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

impl<R: BufRead> In<R> {
    /// Checks that `n` more bytes fit in the answer.
    fn claim(&mut self, n: usize) -> Decoded<()> {
        if n > self.left {
            return Err(DecodeError::Overflow);
        }
        self.left -= n;
        Ok(())
    }
    fn array<const N: usize>(&mut self) -> Decoded<[u8; N]> {
        self.claim(N)?;
        let buf = self.reader.fill_buf().map_err(DecodeError::Io)?;
        if let Some(at_hand) = buf.get(..N) {
            let a = at_hand.try_into().expect("N bytes");
            self.reader.consume(N);
            return Ok(a);
        }
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
    /// The next `n` bytes, in a vector of their own.
    fn bytes(&mut self, n: usize) -> Decoded<Vec<u8>> {
        // Claimed against the answer's cap first, so `n` is bounded before it is allocated.
        self.claim(n)?;
        if n == 0 {
            return Ok(Vec::new());
        }
        let buf = self.reader.fill_buf().map_err(DecodeError::Io)?;
        if let Some(at_hand) = buf.get(..n) {
            let v = at_hand.to_vec();
            self.reader.consume(n);
            return Ok(v);
        }
        let mut v = vec![0; n];
        self.reader.read_exact(&mut v).map_err(DecodeError::Io)?;
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
            return Err(DecodeError::Overflow);
        }
        Ok(n)
    }
    /// Checks that the answer ends here.
    fn end(&mut self) -> Decoded<()> {
        match self.reader.read(&mut [0u8; 1]) {
            Ok(0) => Ok(()),
            Ok(_) => Err("bytes after the answer's end".into()),
            Err(e) => Err(DecodeError::Io(e)),
        }
    }
}

/// Decodes what [`write_reply`] wrote. Rows may hold at most `max_cells` cells in all (empty
/// ones included), as the child's own budget allowed.
#[cfg(test)]
pub(crate) fn decode(bytes: &[u8], max_cells: u64) -> Decoded<Reply> {
    decode_from(bytes, bytes.len(), max_cells, Grid::default())
}

/// Reads one answer of at most `cap` bytes from `reader` as its chunks come, handing each
/// sheet and row to `sink` as soon as it is decoded. The sink comes back as the outcome's
/// `grid`; on an error (a stream that ends early is [`DecodeError::Io`]) it holds part of a
/// workbook, to be thrown away. Reads the answer to its end and no further.
pub(crate) fn decode_from<S: GridSink>(
    reader: impl BufRead,
    cap: usize,
    max_cells: u64,
    mut sink: S,
) -> Decoded<Reply<S>> {
    let mut r = In {
        reader: Dechunk {
            reader,
            left: 0,
            ended: false,
        },
        left: cap,
    };
    let mut cells_left = max_cells;
    // The cell budget when the open sheet began: a sheet dropped gives its cells back.
    let mut open: Option<u64> = None;
    let mut format = None;
    loop {
        match r.u8()? {
            FORMAT if format.is_none() => {
                format = Some(format_of(r.u8()?).ok_or("unknown format")?);
            }
            SHEET if format.is_some() => {
                decode_sheet(&mut r, &mut sink)?;
                open = Some(cells_left);
            }
            ROW if open.is_some() => sink.row(decode_row(&mut r, &mut cells_left)?),
            DROP if open.is_some() => {
                sink.drop_sheet();
                cells_left = open.take().unwrap_or(cells_left);
            }
            END => {
                let format = format.ok_or("an answer without its format")?;
                let notes = (0..r.count(4)?)
                    .map(|_| r.str())
                    .collect::<Decoded<Vec<_>>>()?;
                r.end()?;
                return Ok(Reply::Ok(ReadOutcome {
                    format,
                    grid: sink,
                    notes,
                }));
            }
            REJECT => {
                let n = r.u32()?;
                let json = r.bytes(n)?;
                r.end()?;
                return serde_json::from_slice(&json)
                    .map(Reply::Rejected)
                    .map_err(|e| e.to_string().into());
            }
            other => return Err(format!("unexpected answer element {other}").into()),
        }
    }
}

fn decode_sheet<R: BufRead>(r: &mut In<R>, sink: &mut impl GridSink) -> Decoded<()> {
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
    // What the sheet declares; no more rows than the answer has room for can come.
    let rows = r.u32()?.min(r.left / ROW_BYTES);
    sink.begin_sheet(name, hidden, merges, rows);
    Ok(())
}

fn decode_row<R: BufRead>(r: &mut In<R>, cells_left: &mut u64) -> Decoded<Vec<Cell>> {
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
    Ok(row)
}

/// `grid` written as a child's answer and decoded into `sink` as the parent does: for tests
/// of sinks that read rows as they come.
#[cfg(test)]
pub(crate) fn through<S: GridSink>(grid: Grid, sink: S) -> S {
    let outcome = ReadOutcome {
        format: Format::Xlsx,
        grid,
        notes: Vec::new(),
    };
    let mut answer = Vec::new();
    write_reply(&Reply::Ok(outcome), &mut answer).expect("a vector takes every byte");
    match decode_from(&answer[..], answer.len(), u64::MAX, sink) {
        Ok(Reply::Ok(outcome)) => outcome.grid,
        _ => panic!("a grid written here decodes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::grid::Sheet;

    fn written(reply: &Reply) -> Vec<u8> {
        let mut answer = Vec::new();
        write_reply(reply, &mut answer).unwrap();
        answer
    }

    fn outcome() -> ReadOutcome {
        let date = chrono::NaiveDate::from_ymd_opt(2023, 11, 5)
            .unwrap()
            .and_hms_milli_opt(8, 30, 0, 250)
            .unwrap();
        ReadOutcome {
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
        }
    }

    #[test]
    fn a_grid_travels_unchanged() {
        let outcome = outcome();
        let bytes = written(&Reply::Ok(outcome.clone()));
        // Chunked: a length, the bytes, then the empty chunk that ends the answer.
        assert_eq!(bytes[..4], ((bytes.len() - 8) as u32).to_le_bytes());
        assert_eq!(bytes[bytes.len() - 4..], [0, 0, 0, 0]);
        match decode(&bytes, 100).unwrap() {
            Reply::Ok(back) => assert_eq!(back, outcome),
            other => panic!("{other:?}"),
        }
        for cut in [1, 5, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut], 100).is_err(), "cut at {cut}");
        }
        assert!(decode(&bytes, 5).is_err(), "over the cell budget");
        // From a stream: one that ends early is the child's end, not a garbled answer.
        match decode_from(&bytes[..bytes.len() - 3], bytes.len(), 100, Grid::default()) {
            Err(DecodeError::Io(_)) => {}
            other => panic!("a stream cut short: {other:?}"),
        }
        match decode_from(&bytes[..], 20, 100, Grid::default()) {
            Err(DecodeError::Overflow) => {}
            other => panic!("an answer over its cap: {other:?}"),
        }
        let mut garbled = bytes.clone();
        garbled[5] = 99; // the format
        match decode(&garbled, 100) {
            Err(DecodeError::Garbled(why)) => assert_eq!(why, "unknown format"),
            other => panic!("a garbled answer: {other:?}"),
        }
        // A text that is not UTF-8.
        let mut garbled = bytes.clone();
        let at = garbled.windows(3).position(|w| w == b"STT").unwrap();
        garbled[at + 1] = 0xFF;
        match decode(&garbled, 100) {
            Err(DecodeError::Garbled(why)) => assert!(why.contains("utf-8"), "{why}"),
            other => panic!("a text not UTF-8: {other:?}"),
        }
        let rejected = written(&Reply::Rejected(ReadError::Encrypted));
        assert!(matches!(
            decode(&rejected, 100).unwrap(),
            Reply::Rejected(ReadError::Encrypted)
        ));
    }

    #[test]
    fn a_sheet_dropped_half_way_leaves_nothing_and_gives_its_cells_back() {
        let mut answer = Vec::new();
        let mut writer = AnswerWriter::new(&mut answer);
        writer.format(Format::Xlsx);
        writer.begin_sheet("Báo cáo".into(), false, Vec::new(), 3);
        writer.row(vec![Cell::Text("một".into()), Cell::Number(1.0)]);
        writer.drop_sheet();
        writer.begin_sheet("Báo cáo".into(), false, Vec::new(), 2);
        writer.row(vec![Cell::Text("hai".into()), Cell::Number(2.0)]);
        writer.end(&[]).unwrap();
        // Two cells allowed: the dropped sheet's two are given back.
        match decode(&answer, 2).unwrap() {
            Reply::Ok(back) => {
                assert_eq!(back.grid.sheets.len(), 1);
                assert_eq!(back.grid.sheets[0].cell(0, 0), &Cell::Text("hai".into()));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_row_of_borrowed_cells_is_written_as_the_same_row_owned() {
        let date = chrono::NaiveDate::from_ymd_opt(2023, 11, 5)
            .unwrap()
            .and_hms_opt(8, 30, 0)
            .unwrap();
        let refs = [
            (1, CellRef::Text("Nhiệm vụ")),
            (2, CellRef::Owned(Cell::Number(2.5))),
            (4, CellRef::Owned(Cell::Text("nội tuyến".into()))),
            (5, CellRef::Owned(Cell::Error("#REF!".into()))),
            (6, CellRef::Owned(Cell::Bool(false))),
            (9, CellRef::Owned(Cell::DateTime(date))),
        ];
        let owned: Vec<Cell> = {
            let mut row = vec![Cell::Empty; 10];
            for (col, value) in &refs {
                row[*col as usize] = value.to_cell();
            }
            row
        };
        let answer = |write: &dyn Fn(&mut AnswerWriter<&mut Vec<u8>>)| {
            let mut bytes = Vec::new();
            let mut writer = AnswerWriter::new(&mut bytes);
            writer.begin_sheet("Báo cáo".into(), false, Vec::new(), 2);
            write(&mut writer);
            writer.end(&[]).unwrap();
            bytes
        };
        let borrowed = answer(&|w| {
            w.row_of_refs(10, &refs);
            w.row_of_refs(0, &[]);
        });
        let copied = answer(&|w| {
            w.row(owned.clone());
            w.row(Vec::new());
        });
        assert_eq!(borrowed, copied);
    }

    #[test]
    fn a_large_answer_travels_in_chunks_and_ends_where_it_ends() {
        let rows: Vec<Vec<Cell>> = (0..5000)
            .map(|i| {
                vec![
                    Cell::Text(format!("Nhiệm vụ số {i}").into()),
                    Cell::Number(1.0),
                ]
            })
            .collect();
        let grid = Grid {
            sheets: vec![Sheet::new("Báo cáo", rows, Vec::new())],
        };
        let mut bytes = written(&Reply::Ok(ReadOutcome {
            format: Format::Xlsx,
            grid: grid.clone(),
            notes: Vec::new(),
        }));
        let first = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
        assert!(first >= CHUNK && first < bytes.len() - 8, "{first}");
        // The next answer's bytes are not read.
        bytes.extend_from_slice(b"next");
        let mut stream = &bytes[..];
        match decode_from(&mut stream, usize::MAX, u64::MAX, Grid::default()).unwrap() {
            Reply::Ok(back) => assert_eq!(back.grid, grid),
            other => panic!("{other:?}"),
        }
        assert_eq!(stream, b"next");
        // In pieces of every small size: values straddling two pieces are gathered.
        for size in 1..=9 {
            let pieces = io::BufReader::with_capacity(size, &bytes[..]);
            match decode_from(pieces, usize::MAX, u64::MAX, Grid::default()).unwrap() {
                Reply::Ok(back) => assert_eq!(back.grid, grid, "pieces of {size}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
