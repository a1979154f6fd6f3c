//! The chunk format shared by binary XML ([`super::axml`]) and the resource table
//! ([`super::arsc`]): the `ResChunk_header` that frames every chunk, and the `ResStringPool`
//! (UTF-8 or UTF-16 strings, styles ignored). Zero-copy: a pool borrows the input and decodes a
//! string only when asked, borrowing it too when it is valid UTF-8.

use crate::cursor::{to_usize, Cursor};
use crate::error::ParseError;
use std::borrow::Cow;

/// `RES_STRING_POOL_TYPE`.
pub(crate) const RES_STRING_POOL: u16 = 0x0001;
/// `ResStringPool_header::UTF8_FLAG`: strings are UTF-8 rather than UTF-16.
const UTF8_FLAG: u32 = 1 << 8;

/// A `ResChunk_header` whose sizes were checked against the enclosing chunk.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChunkHeader {
    /// `type`.
    pub kind: u16,
    /// `headerSize`: at least 8 and at most `size`.
    pub header_size: usize,
    /// `size`: the whole chunk, header included.
    pub size: usize,
    /// Offset of the chunk in the input.
    pub start: usize,
}

impl ChunkHeader {
    /// Where the chunk's body (what follows its header) starts.
    pub fn body(&self) -> usize {
        self.start + self.header_size
    }

    /// Where the chunk ends (exclusive).
    pub fn end(&self) -> usize {
        self.start + self.size
    }
}

/// Reads the chunk header at the cursor; the chunk must end by `end` (its parent's end).
pub(crate) fn chunk_header(c: &mut Cursor<'_>, end: usize) -> Result<ChunkHeader, ParseError> {
    let start = c.pos();
    let kind = c.u16()?;
    let header_size = usize::from(c.u16()?);
    let size = to_usize(c.u32()?);
    if header_size < 8 || size < header_size || start.saturating_add(size) > end {
        return Err(c.err_at(
            start,
            format!("chunk type {kind:#06x} has header size {header_size} and size {size}, which do not fit"),
        ));
    }
    Ok(ChunkHeader {
        kind,
        header_size,
        size,
        start,
    })
}

/// A `ResStringPool` chunk, borrowed from the input.
#[derive(Debug, Clone)]
pub(crate) struct StringPool<'a> {
    /// The whole chunk.
    chunk: &'a [u8],
    /// The string offsets array, 4 bytes a string (relative to `strings_start`).
    offsets: &'a [u8],
    /// `stringsStart`, relative to the chunk.
    strings_start: usize,
    utf8: bool,
    /// Offset of the chunk in the input, for errors.
    base: usize,
}

impl<'a> StringPool<'a> {
    /// The pool of chunk `h` inside `data`. The string count is checked against the chunk's bytes
    /// before anything depends on it; strings themselves are checked when read.
    pub(crate) fn parse(data: &'a [u8], h: &ChunkHeader) -> Result<Self, ParseError> {
        let chunk = &data[h.start..h.end()];
        let mut c = Cursor::at(chunk, 8, "string pool header")?;
        let wrap = |e: ParseError| ParseError {
            offset: e.offset + h.start as u64,
            ..e
        };
        let count = c.u32().map_err(wrap)?;
        let _style_count = c.u32().map_err(wrap)?;
        let flags = c.u32().map_err(wrap)?;
        let strings_start = to_usize(c.u32().map_err(wrap)?);
        let _styles_start = c.u32().map_err(wrap)?;
        let offsets_at = h.header_size;
        let count_usize = to_usize(count);
        if count_usize.saturating_mul(4) > chunk.len().saturating_sub(offsets_at) {
            return Err(ParseError::invalid(
                "string pool",
                h.start as u64,
                format!(
                    "{count} strings declared but the chunk holds only {} bytes",
                    chunk.len()
                ),
            ));
        }
        if strings_start > chunk.len() {
            return Err(ParseError::invalid(
                "string pool",
                h.start as u64,
                format!("strings start {strings_start:#x} is past the chunk end"),
            ));
        }
        Ok(StringPool {
            chunk,
            offsets: &chunk[offsets_at..offsets_at + count_usize * 4],
            strings_start,
            utf8: flags & UTF8_FLAG != 0,
            base: h.start,
        })
    }

    /// Number of strings.
    pub(crate) fn len(&self) -> usize {
        self.offsets.len() / 4
    }

    /// Offset of the chunk in the input.
    pub(crate) fn base(&self) -> usize {
        self.base
    }

    /// String `idx`: borrowed when the pool is UTF-8 and the bytes are valid UTF-8, else decoded
    /// (invalid sequences and lone surrogates become U+FFFD).
    pub(crate) fn get(&self, idx: u32) -> Result<Cow<'a, str>, ParseError> {
        let i = to_usize(idx);
        if i >= self.len() {
            return Err(ParseError::invalid(
                "string pool",
                self.base as u64,
                format!("string index {idx} out of range ({} strings)", self.len()),
            ));
        }
        let o = &self.offsets[i * 4..i * 4 + 4];
        let off = u32::from_le_bytes([o[0], o[1], o[2], o[3]]);
        let at = self.strings_start.saturating_add(to_usize(off));
        if at > self.chunk.len() {
            return Err(ParseError::invalid(
                "string pool entry",
                (self.base + self.chunk.len()) as u64,
                format!("string {idx} offset {off:#x} is past the pool"),
            ));
        }
        let mut c = Cursor::at(self.chunk, at, "string pool entry")?;
        let wrap = |e: ParseError| ParseError {
            offset: e.offset + self.base as u64,
            structure: format!("string pool entry {idx}"),
            ..e
        };
        if self.utf8 {
            // UTF-16 length (skipped), then UTF-8 byte length, each 1 or 2 bytes.
            let _u16_len = read_len(&mut c, false).map_err(wrap)?;
            let len = read_len(&mut c, false).map_err(wrap)?;
            let bytes: &'a [u8] = c.bytes(len).map_err(wrap)?;
            Ok(String::from_utf8_lossy(bytes))
        } else {
            let len = read_len(&mut c, true).map_err(wrap)?;
            let bytes = c.bytes(len.saturating_mul(2)).map_err(wrap)?;
            let units = bytes
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]));
            Ok(Cow::Owned(
                char::decode_utf16(units)
                    .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            ))
        }
    }
}

/// A string length in a pool: one unit, or two when the first unit's high bit is set. Units are
/// bytes in UTF-8 pools (15 bits at most) and u16 in UTF-16 pools (31 bits).
fn read_len(c: &mut Cursor<'_>, utf16: bool) -> Result<usize, ParseError> {
    let mut unit = || -> Result<usize, ParseError> {
        if utf16 {
            c.u16().map(usize::from)
        } else {
            c.u8().map(usize::from)
        }
    };
    let bits = if utf16 { 16 } else { 8 };
    let high = 1 << (bits - 1);
    let first = unit()?;
    if first & high != 0 {
        Ok(((first & !high) << bits) | unit()?)
    } else {
        Ok(first)
    }
}
