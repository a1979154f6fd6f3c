//! One bounds-checked, little-endian reader over a borrowed byte slice, shared by every binary
//! parser (zip, AXML, DEX). Every read checks the bytes that remain; offsets are `usize` inside
//! the slice and reported as `u64` in errors.

use crate::error::ParseError;

/// A position inside `data`; reads advance it. `structure` names what is being read, for errors.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    structure: &'static str,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8], structure: &'static str) -> Self {
        Cursor {
            data,
            pos: 0,
            structure,
        }
    }

    /// A cursor at `pos`, which must lie within `data` (equal to its length is allowed).
    pub fn at(data: &'a [u8], pos: usize, structure: &'static str) -> Result<Self, ParseError> {
        if pos > data.len() {
            return Err(ParseError::invalid(
                structure,
                pos as u64,
                format!("offset past the end of {} bytes", data.len()),
            ));
        }
        Ok(Cursor {
            data,
            pos,
            structure,
        })
    }

    /// Names the structure read from now on (for error messages).
    pub fn set_structure(&mut self, structure: &'static str) {
        self.structure = structure;
    }

    /// The structure name used in errors.
    pub fn structure(&self) -> &'static str {
        self.structure
    }

    /// The whole underlying slice.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Current offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left after the current offset.
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Moves to `pos`, which must lie within the data.
    pub fn seek(&mut self, pos: usize) -> Result<(), ParseError> {
        if pos > self.data.len() {
            return Err(self.err_at(
                pos,
                format!("seek past the end of {} bytes", self.data.len()),
            ));
        }
        self.pos = pos;
        Ok(())
    }

    /// An "invalid" error at the current offset, naming this cursor's structure.
    pub fn err(&self, msg: impl Into<String>) -> ParseError {
        ParseError::invalid(self.structure, self.pos as u64, msg)
    }

    /// An "invalid" error at `pos`.
    pub fn err_at(&self, pos: usize, msg: impl Into<String>) -> ParseError {
        ParseError::invalid(self.structure, pos as u64, msg)
    }

    /// Checks that `n` more bytes exist without consuming them.
    pub fn need(&self, n: usize) -> Result<(), ParseError> {
        if n > self.remaining() {
            return Err(ParseError::truncated(
                self.structure,
                self.pos as u64,
                n as u64,
                self.remaining() as u64,
            ));
        }
        Ok(())
    }

    /// Borrows the next `n` bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        self.need(n)?;
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Result<(), ParseError> {
        self.bytes(n).map(|_| ())
    }

    /// Reads one byte.
    pub fn u8(&mut self) -> Result<u8, ParseError> {
        Ok(self.bytes(1)?[0])
    }

    /// Reads a little-endian u16.
    pub fn u16(&mut self) -> Result<u16, ParseError> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// Reads a little-endian u32.
    pub fn u32(&mut self) -> Result<u32, ParseError> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads a little-endian u64.
    pub fn u64(&mut self) -> Result<u64, ParseError> {
        let b = self.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }

    /// Reads an unsigned LEB128 of at most 5 bytes (DEX's uleb128, a u32).
    pub fn uleb128(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        let mut result: u32 = 0;
        for i in 0..5 {
            let b = self.u8()?;
            result |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(result);
            }
        }
        Err(self.err_at(start, "uleb128 longer than 5 bytes"))
    }

    /// Reads a signed LEB128 of at most 5 bytes (DEX's sleb128, an i32).
    pub fn sleb128(&mut self) -> Result<i32, ParseError> {
        let start = self.pos;
        let mut result: u32 = 0;
        for i in 0..5 {
            let b = self.u8()?;
            result |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                let shift = 7 * (i + 1);
                if shift < 32 && b & 0x40 != 0 {
                    result |= u32::MAX << shift;
                }
                return Ok(result as i32);
            }
        }
        Err(self.err_at(start, "sleb128 longer than 5 bytes"))
    }
}

/// Converts a file-controlled `u32` to `usize` (lossless on every platform we build for).
pub fn to_usize(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_little_endian_and_reports_truncation() {
        let data = [1u8, 0, 2, 0, 0, 0, 9];
        let mut c = Cursor::new(&data, "test");
        assert_eq!(c.u16().unwrap(), 1);
        assert_eq!(c.u32().unwrap(), 2);
        let e = c.u32().unwrap_err();
        assert_eq!(e.offset, 6);
        assert_eq!(
            e.problem,
            crate::error::Problem::Truncated { need: 4, have: 1 }
        );
    }

    #[test]
    fn leb128_values_from_the_dex_spec() {
        for (bytes, u, s) in [
            (&[0x00u8][..], 0u32, 0i32),
            (&[0x01], 1, 1),
            (&[0x7f], 127, -1),
            (&[0x80, 0x7f], 16256, -128),
        ] {
            assert_eq!(Cursor::new(bytes, "t").uleb128().unwrap(), u);
            assert_eq!(Cursor::new(bytes, "t").sleb128().unwrap(), s);
        }
        assert!(Cursor::new(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], "t")
            .uleb128()
            .is_err());
    }
}
