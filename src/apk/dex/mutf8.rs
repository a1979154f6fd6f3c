//! Modified UTF-8, the encoding of DEX strings: UTF-8 where U+0000 is the two bytes `C0 80` and
//! characters past U+FFFF are a UTF-16 surrogate pair, each half encoded as three bytes (CESU-8).
//!
//! Policy: malformed byte sequences are errors ([`Mutf8Error`] says where); a lone surrogate is
//! well-formed MUTF-8 (Java strings may hold one) but has no Rust `char`, so it decodes to
//! U+FFFD without an error. The 4-byte UTF-8 form, which no DEX writer produces, is accepted.

use std::borrow::Cow;

/// Where and why a byte sequence is not MUTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mutf8Error {
    /// Offset of the offending byte inside the string's bytes.
    pub pos: usize,
    /// What was wrong.
    pub what: &'static str,
}

impl std::fmt::Display for Mutf8Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid MUTF-8 at byte {}: {}", self.pos, self.what)
    }
}

/// Decodes MUTF-8 (without the terminating NUL). ASCII, by far the common case, is borrowed.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Mutf8Error> {
    if bytes.is_ascii() && !bytes.contains(&0) {
        // ASCII is valid UTF-8, so this cannot fail.
        return Ok(Cow::Borrowed(
            std::str::from_utf8(bytes).unwrap_or_default(),
        ));
    }
    let mut out = String::with_capacity(bytes.len());
    decode_into(bytes, &mut out, false)?;
    Ok(Cow::Owned(out))
}

/// Decodes MUTF-8, replacing each undecodable byte by U+FFFD; also returns the first error.
pub fn decode_lossy(bytes: &[u8]) -> (Cow<'_, str>, Option<Mutf8Error>) {
    match decode(bytes) {
        Ok(s) => (s, None),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            let first = decode_into(bytes, &mut out, true).err();
            (Cow::Owned(out), first)
        }
    }
}

/// Decodes into `out`; in lossy mode a bad byte becomes U+FFFD and decoding goes on, and the
/// first error is still returned at the end.
fn decode_into(bytes: &[u8], out: &mut String, lossy: bool) -> Result<(), Mutf8Error> {
    let mut first = None;
    let mut i = 0;
    while i < bytes.len() {
        let (unit, len) = match unit_at(bytes, i) {
            Ok(u) => u,
            Err(e) if lossy => {
                first.get_or_insert(e);
                out.push(char::REPLACEMENT_CHARACTER);
                i += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        match unit {
            Unit::Char(c) => {
                out.push(c);
                i += len;
            }
            Unit::Surrogate(hi) => {
                // A high surrogate followed by a low one is one supplementary character.
                let paired = match unit_at(bytes, i + len) {
                    Ok((Unit::Surrogate(lo), 3))
                        if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) =>
                    {
                        char::from_u32(
                            0x10000 + ((u32::from(hi) - 0xD800) << 10) + (u32::from(lo) - 0xDC00),
                        )
                    }
                    _ => None,
                };
                match paired {
                    Some(c) => {
                        out.push(c);
                        i += len + 3;
                    }
                    None => {
                        out.push(char::REPLACEMENT_CHARACTER);
                        i += len;
                    }
                }
            }
        }
    }
    first.map_or(Ok(()), Err)
}

/// Encodes a Rust string as MUTF-8 (to search raw DEX bytes for it).
pub fn encode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let v = u32::from(c);
        if v == 0 {
            out.extend_from_slice(&[0xC0, 0x80]);
        } else if v >= 0x10000 {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let u = u32::from(*u);
                out.extend_from_slice(&[
                    0xE0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3F) as u8,
                    0x80 | (u & 0x3F) as u8,
                ]);
            }
        } else {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    out
}

enum Unit {
    Char(char),
    Surrogate(u16),
}

fn cont(bytes: &[u8], i: usize) -> Result<u32, Mutf8Error> {
    match bytes.get(i) {
        Some(&b) if b & 0xC0 == 0x80 => Ok(u32::from(b & 0x3F)),
        Some(_) => Err(Mutf8Error {
            pos: i,
            what: "expected a continuation byte",
        }),
        None => Err(Mutf8Error {
            pos: i,
            what: "sequence cut by the end of the string",
        }),
    }
}

/// One encoded unit at `i`: a character or a surrogate half, and its length in bytes.
fn unit_at(bytes: &[u8], i: usize) -> Result<(Unit, usize), Mutf8Error> {
    let Some(&b) = bytes.get(i) else {
        return Err(Mutf8Error {
            pos: i,
            what: "sequence cut by the end of the string",
        });
    };
    let bad = |what| Err(Mutf8Error { pos: i, what });
    match b {
        0 => bad("raw NUL byte (MUTF-8 writes U+0000 as C0 80)"),
        0x01..=0x7F => Ok((Unit::Char(char::from(b)), 1)),
        0xC0..=0xDF => {
            let v = (u32::from(b & 0x1F) << 6) | cont(bytes, i + 1)?;
            if v != 0 && v < 0x80 {
                return bad("overlong two-byte sequence");
            }
            Ok((Unit::Char(char::from_u32(v).unwrap_or('\u{FFFD}')), 2))
        }
        0xE0..=0xEF => {
            let v = (u32::from(b & 0x0F) << 12) | (cont(bytes, i + 1)? << 6) | cont(bytes, i + 2)?;
            if v < 0x800 {
                return bad("overlong three-byte sequence");
            }
            match char::from_u32(v) {
                Some(c) => Ok((Unit::Char(c), 3)),
                None => Ok((Unit::Surrogate(u16::try_from(v).unwrap_or(0xFFFD)), 3)),
            }
        }
        0xF0..=0xF4 => {
            let v = (u32::from(b & 0x07) << 18)
                | (cont(bytes, i + 1)? << 12)
                | (cont(bytes, i + 2)? << 6)
                | cont(bytes, i + 3)?;
            match char::from_u32(v) {
                Some(c) if v >= 0x10000 => Ok((Unit::Char(c), 4)),
                _ => bad("invalid four-byte sequence"),
            }
        }
        _ => bad("invalid lead byte"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_borrowed() {
        assert!(matches!(
            decode(b"Lcom/a/B;"),
            Ok(Cow::Borrowed("Lcom/a/B;"))
        ));
    }

    #[test]
    fn nul_two_byte_form_and_surrogate_pairs() {
        assert_eq!(decode(&[b'a', 0xC0, 0x80, b'b']).unwrap(), "a\0b");
        // U+1F600 as the CESU pair D83D DE00.
        let smile = [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80];
        assert_eq!(decode(&smile).unwrap(), "\u{1F600}");
        assert_eq!(encode("\u{1F600}"), smile);
        assert_eq!(
            encode("a\0é中"),
            [b'a', 0xC0, 0x80, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD]
        );
        assert_eq!(
            decode(&encode("a\0é中\u{10FFFF}")).unwrap(),
            "a\0é中\u{10FFFF}"
        );
        // A lone high surrogate is a Java string Rust cannot hold.
        assert_eq!(decode(&[0xED, 0xA0, 0xBD, b'x']).unwrap(), "\u{FFFD}x");
    }

    #[test]
    fn malformed_sequences_say_where() {
        assert_eq!(decode(&[b'a', 0x80]).unwrap_err().pos, 1);
        assert_eq!(decode(&[b'a', b'b', 0xE4, 0xB8]).unwrap_err().pos, 4);
        assert_eq!(decode(&[0xC1, 0x81]).unwrap_err().pos, 0);
        assert_eq!(decode(&[0xFF]).unwrap_err().what, "invalid lead byte");
        let (s, e) = decode_lossy(&[b'a', 0xFF, b'b', 0xE4, 0xB8, 0xAD]);
        assert_eq!(s, "a\u{FFFD}b中");
        assert_eq!(e.map(|e| e.pos), Some(1));
    }
}
