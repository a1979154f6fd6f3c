//! A bounds-checked reader of the protobuf wire format, for the files of an Android App Bundle
//! (aapt2's XML and resource tables, bundletool's `BundleConfig.pb`).
//!
//! No schema and no code generation: a [`Message`] is a borrowed slice whose fields are read one
//! at a time, in file order, through the project's [`Cursor`]. Every length is checked against
//! the bytes of the enclosing message, nesting is bounded ([`MAX_DEPTH`]), a field read as the
//! wrong wire type is an error naming the message, the field and the offset. Nothing is
//! allocated from a count in the file: protobuf has none (a repeated field is repeated tags), so
//! the callers bound what they build from the number of fields they meet.

use crate::cursor::Cursor;
use crate::error::ParseError;

/// Deepest nesting of messages inside one another. aapt2's XML nests two messages per element
/// (XmlNode, XmlElement), so this allows the 256 levels of elements the binary XML reader allows.
pub const MAX_DEPTH: u32 = 2 * 256 + 8;

/// How a field's value is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireType {
    /// 0: a varint (int32, uint32, bool, enum...).
    Varint,
    /// 1: eight bytes (fixed64, double).
    I64,
    /// 2: a length and that many bytes (string, bytes, a nested message).
    Len,
    /// 5: four bytes (fixed32, float).
    I32,
}

impl WireType {
    fn name(self) -> &'static str {
        match self {
            WireType::Varint => "varint",
            WireType::I64 => "64-bit",
            WireType::Len => "length-delimited",
            WireType::I32 => "32-bit",
        }
    }
}

/// One message: the input up to the message's end, and where the message starts. Offsets in
/// errors are offsets in the whole input.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    data: &'a [u8],
    start: usize,
    structure: &'static str,
    depth: u32,
}

/// One field of a message.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    /// The field number.
    pub number: u32,
    /// Offset of the field's tag in the input.
    pub offset: usize,
    structure: &'static str,
    depth: u32,
    value: Raw<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Raw<'a> {
    Varint(u64),
    I64(u64),
    I32(u32),
    /// The input up to the end of the bytes, and where they start.
    Len(&'a [u8], usize),
}

impl<'a> Message<'a> {
    /// The top-level message of `data`.
    pub fn root(data: &'a [u8], structure: &'static str) -> Self {
        Message {
            data,
            start: 0,
            structure,
            depth: 0,
        }
    }

    /// The message's name, for errors.
    pub fn structure(&self) -> &'static str {
        self.structure
    }

    /// Offset of the message's first byte in the input.
    pub fn offset(&self) -> usize {
        self.start
    }

    /// Its fields in file order; the iterator ends after the first error.
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            cur: Cursor::at(self.data, self.start, self.structure).ok(),
            structure: self.structure,
            depth: self.depth,
        }
    }

    /// An "invalid" error at the message's start.
    pub fn err(&self, msg: impl Into<String>) -> ParseError {
        ParseError::invalid(self.structure, self.start as u64, msg)
    }
}

/// The fields of a message, read one at a time.
pub struct Fields<'a> {
    cur: Option<Cursor<'a>>,
    structure: &'static str,
    depth: u32,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<Field<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        let cur = self.cur.as_mut()?;
        if cur.remaining() == 0 {
            self.cur = None;
            return None;
        }
        let r = read_field(cur, self.structure, self.depth);
        if r.is_err() {
            self.cur = None;
        }
        Some(r)
    }
}

fn read_field<'a>(
    cur: &mut Cursor<'a>,
    structure: &'static str,
    depth: u32,
) -> Result<Field<'a>, ParseError> {
    let offset = cur.pos();
    let tag = varint(cur)?;
    let number = u32::try_from(tag >> 3)
        .ok()
        .filter(|&n| n != 0 && n < 1 << 29)
        .ok_or_else(|| cur.err_at(offset, format!("field number {} out of range", tag >> 3)))?;
    let value = match tag & 7 {
        0 => Raw::Varint(varint(cur)?),
        1 => Raw::I64(cur.u64()?),
        2 => {
            let len_at = cur.pos();
            let len = varint(cur)?;
            let len = usize::try_from(len)
                .ok()
                .filter(|&n| n <= cur.remaining())
                .ok_or_else(|| {
                    cur.err_at(
                        len_at,
                        format!(
                            "field {number}: length {len} runs past the end of the {structure} \
                             ({} bytes remain)",
                            cur.remaining()
                        ),
                    )
                })?;
            let start = cur.pos();
            cur.skip(len)?;
            Raw::Len(&cur.data()[..start + len], start)
        }
        5 => Raw::I32(cur.u32()?),
        3 | 4 => {
            return Err(cur.err_at(
                offset,
                format!(
                    "field {number}: group wire type {} (not used by aapt2 or bundletool)",
                    tag & 7
                ),
            ))
        }
        t => return Err(cur.err_at(offset, format!("field {number}: unknown wire type {t}"))),
    };
    Ok(Field {
        number,
        offset,
        structure,
        depth,
        value,
    })
}

/// A base-128 varint of at most 10 bytes (a u64).
fn varint(cur: &mut Cursor<'_>) -> Result<u64, ParseError> {
    let start = cur.pos();
    let mut value: u64 = 0;
    for i in 0..10u64 {
        // A varint cut short is reported at its first byte.
        let b = cur
            .u8()
            .map_err(|_| ParseError::truncated(cur.structure(), start as u64, i + 1, i))?;
        if i == 9 && b > 1 {
            return Err(cur.err_at(start, "varint does not fit in 64 bits"));
        }
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(cur.err_at(start, "varint longer than 10 bytes"))
}

impl<'a> Field<'a> {
    /// The wire type the field was written with.
    pub fn wire_type(&self) -> WireType {
        match self.value {
            Raw::Varint(_) => WireType::Varint,
            Raw::I64(_) => WireType::I64,
            Raw::I32(_) => WireType::I32,
            Raw::Len(..) => WireType::Len,
        }
    }

    fn wrong(&self, want: WireType) -> ParseError {
        ParseError::invalid(
            self.structure,
            self.offset as u64,
            format!(
                "field {} is {}, expected {}",
                self.number,
                self.wire_type().name(),
                want.name()
            ),
        )
    }

    /// A varint field (uint64, int64, enum).
    pub fn varint(&self) -> Result<u64, ParseError> {
        match self.value {
            Raw::Varint(v) => Ok(v),
            _ => Err(self.wrong(WireType::Varint)),
        }
    }

    /// A uint32 or int32 field: protobuf keeps the low 32 bits of the varint.
    pub fn u32(&self) -> Result<u32, ParseError> {
        self.varint().map(|v| (v & 0xffff_ffff) as u32)
    }

    /// A bool field.
    pub fn bool(&self) -> Result<bool, ParseError> {
        self.varint().map(|v| v != 0)
    }

    /// A float field.
    pub fn f32(&self) -> Result<f32, ParseError> {
        match self.value {
            Raw::I32(v) => Ok(f32::from_bits(v)),
            _ => Err(self.wrong(WireType::I32)),
        }
    }

    /// A fixed64 or double field's bits.
    pub fn fixed64(&self) -> Result<u64, ParseError> {
        match self.value {
            Raw::I64(v) => Ok(v),
            _ => Err(self.wrong(WireType::I64)),
        }
    }

    /// A bytes field, borrowed from the input.
    pub fn bytes(&self) -> Result<&'a [u8], ParseError> {
        match self.value {
            Raw::Len(data, start) => Ok(&data[start..]),
            _ => Err(self.wrong(WireType::Len)),
        }
    }

    /// A string field (UTF-8, as protobuf requires).
    pub fn str(&self) -> Result<&'a str, ParseError> {
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes).map_err(|e| {
            ParseError::invalid(
                self.structure,
                self.offset as u64,
                format!("field {}: string is not UTF-8 ({e})", self.number),
            )
        })
    }

    /// A nested message, named `structure` in errors.
    pub fn message(&self, structure: &'static str) -> Result<Message<'a>, ParseError> {
        match self.value {
            Raw::Len(data, start) => {
                if self.depth + 1 > MAX_DEPTH {
                    return Err(ParseError::limit(
                        structure,
                        start as u64,
                        format!("messages nested more than {MAX_DEPTH} deep"),
                    ));
                }
                Ok(Message {
                    data,
                    start,
                    structure,
                    depth: self.depth + 1,
                })
            }
            _ => Err(self.wrong(WireType::Len)),
        }
    }

    /// An id written either as a varint (aapt2 before 2018) or as a message holding it in field
    /// 1 (`PackageId`, `TypeId`, `EntryId` since then).
    pub fn id(&self, structure: &'static str) -> Result<u32, ParseError> {
        if let Raw::Varint(_) = self.value {
            return self.u32();
        }
        let mut id = 0;
        for f in self.message(structure)?.fields() {
            let f = f?;
            if f.number == 1 {
                id = f.u32()?;
            }
        }
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(data: &[u8]) -> Result<Vec<(u32, WireType)>, ParseError> {
        Message::root(data, "test")
            .fields()
            .map(|f| f.map(|f| (f.number, f.wire_type())))
            .collect()
    }

    #[test]
    fn reads_each_wire_type() {
        // 1: varint 150; 2: "hi"; 3: fixed32; 4: fixed64
        let data = [
            0x08, 0x96, 0x01, 0x12, 2, b'h', b'i', 0x1d, 1, 0, 0, 0, 0x21, 1, 0, 0, 0, 0, 0, 0, 0,
        ];
        let m = Message::root(&data, "test");
        let all: Vec<Field<'_>> = m.fields().collect::<Result<_, _>>().unwrap();
        assert_eq!(all[0].varint().unwrap(), 150);
        assert_eq!(all[1].str().unwrap(), "hi");
        assert_eq!(all[1].offset, 3);
        assert_eq!(all[2].wire_type(), WireType::I32);
        assert_eq!(all[3].fixed64().unwrap(), 1);
        assert!(all[3].f32().is_err());
        let e = all[1].varint().unwrap_err();
        assert!(
            e.to_string()
                .contains("field 2 is length-delimited, expected varint"),
            "{e}"
        );
    }

    #[test]
    fn rejects_bad_input_with_offsets() {
        let e = fields(&[0x08, 0x80]).unwrap_err();
        assert_eq!(e.offset, 1);
        assert!(
            e.to_string().contains("truncated: needs 2 bytes, 1 remain"),
            "{e}"
        );
        let e = fields(&[0x08, 0x01, 0x12, 0x05, b'a']).unwrap_err();
        assert_eq!(e.offset, 3);
        assert!(e.to_string().contains("length 5 runs past the end"), "{e}");
        let e = fields(&[0x0b]).unwrap_err();
        assert!(e.to_string().contains("group wire type 3"), "{e}");
        let e = fields(&[0x0f]).unwrap_err();
        assert!(e.to_string().contains("unknown wire type 7"), "{e}");
        let e = fields(&[0x00, 0x00]).unwrap_err();
        assert!(e.to_string().contains("field number 0"), "{e}");
        let e = fields(&[
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ])
        .unwrap_err();
        assert!(e.to_string().contains("64 bits"), "{e}");
        // A length that does not fit in usize / u64 tricks.
        let e = fields(&[
            0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ])
        .unwrap_err();
        assert!(e.to_string().contains("runs past the end"), "{e}");
    }

    #[test]
    fn nested_lengths_are_checked_against_the_parent() {
        // Field 1 holds 3 bytes: a nested field 1 claiming 5 bytes.
        let data = [0x0a, 0x03, 0x0a, 0x05, b'x', b'y', b'z', b'w'];
        let m = Message::root(&data, "outer");
        let f = m.fields().next().unwrap().unwrap();
        let inner = f.message("inner").unwrap();
        let e = inner.fields().next().unwrap().unwrap_err();
        assert_eq!(e.structure, "inner");
        assert_eq!(e.offset, 3);
    }

    #[test]
    fn nesting_is_bounded() {
        // MAX_DEPTH + 1 messages, each the only field 1 of its parent.
        let mut data: Vec<u8> = Vec::new();
        for _ in 0..=MAX_DEPTH {
            let mut outer = vec![0x0a];
            let mut len = data.len();
            loop {
                let b = (len & 0x7f) as u8;
                len >>= 7;
                if len == 0 {
                    outer.push(b);
                    break;
                }
                outer.push(b | 0x80);
            }
            outer.extend_from_slice(&data);
            data = outer;
        }
        fn walk(m: Message<'_>) -> Result<u32, ParseError> {
            let mut depth = 0;
            for f in m.fields() {
                depth = walk(f?.message("nested")?)? + 1;
            }
            Ok(depth)
        }
        let e = walk(Message::root(&data, "nested")).unwrap_err();
        assert!(e.to_string().contains("nested more than"), "{e}");
    }
}
