//! The DEX header and its id sections. Every section is checked against the file, and every id
//! entry against the section it points into, before anything is read through them; afterwards the
//! accessors only read what was validated (they still return errors rather than panic).

use super::mutf8;
use crate::cursor::{to_usize, Cursor};
use crate::error::ParseError;

const HEADER_SIZE: usize = 0x70;
const ENDIAN_CONSTANT: u32 = 0x1234_5678;
const REVERSE_ENDIAN_CONSTANT: u32 = 0x7856_3412;

/// An id section: where it starts and how many fixed-size items it holds (both validated).
#[derive(Debug, Clone, Copy, Default)]
pub struct Section {
    pub off: usize,
    pub count: usize,
}

/// A `class_def_item`.
#[derive(Debug, Clone, Copy)]
pub struct ClassDef {
    pub class_idx: u32,
    pub class_data_off: u32,
    /// Offset of the `encoded_array_item` of initial static field values (0: none).
    pub static_values_off: u32,
}

/// A `method_id_item`.
#[derive(Debug, Clone, Copy)]
pub struct MethodId {
    pub class_idx: u16,
    pub proto_idx: u16,
    pub name_idx: u32,
}

/// A `field_id_item`.
#[derive(Debug, Clone, Copy)]
pub struct FieldId {
    pub class_idx: u16,
    pub type_idx: u16,
    pub name_idx: u32,
}

/// A DEX file whose header and id sections were validated.
#[derive(Debug)]
pub struct Dex<'a> {
    pub data: &'a [u8],
    pub version: u32,
    /// The checksum stored in the header.
    pub checksum: u32,
    /// The `file_size` from the header.
    pub file_size: usize,
    pub strings: Section,
    pub types: Section,
    pub protos: Section,
    pub fields: Section,
    pub methods: Section,
    pub class_defs: Section,
    /// call_site_ids and method_handles, from the map_list (empty if absent or unusable: they
    /// only serve to name the bootstrap method of invoke-custom).
    pub call_sites: Section,
    pub method_handles: Section,
}

/// Adler-32, the DEX checksum (over everything after the checksum field).
pub fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before b could overflow a u32.
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[inline]
fn le_u32(data: &[u8], off: usize) -> Option<u32> {
    let b = data.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[inline]
fn le_u16(data: &[u8], off: usize) -> Option<u16> {
    let b = data.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// The call_site_ids and method_handles sections from the map_list at `map_off`; empty
/// sections for anything missing, out of range or malformed.
fn map_sections(data: &[u8], map_off: usize) -> (Section, Section) {
    let mut found = (Section::default(), Section::default());
    let Some(n) = le_u32(data, map_off).map(to_usize) else {
        return found;
    };
    let items = map_off.saturating_add(4);
    if n.saturating_mul(12) > data.len().saturating_sub(items) {
        return found;
    }
    for k in 0..n {
        let at = items + 12 * k;
        let (Some(ty), Some(size), Some(off)) = (
            le_u16(data, at),
            le_u32(data, at + 4).map(to_usize),
            le_u32(data, at + 8).map(to_usize),
        ) else {
            break;
        };
        let item = match ty {
            0x0007 => 4,
            0x0008 => 8,
            _ => continue,
        };
        let fits =
            off >= HEADER_SIZE && size.saturating_mul(item) <= data.len().saturating_sub(off);
        if !fits {
            continue;
        }
        let sec = Section { off, count: size };
        if ty == 0x0007 {
            found.0 = sec;
        } else {
            found.1 = sec;
        }
    }
    found
}

impl<'a> Dex<'a> {
    /// Reads and validates the header and the id sections.
    pub fn parse(data: &'a [u8]) -> Result<Self, ParseError> {
        let dex = Self::parse_header(data)?;
        dex.validate_ids()?;
        Ok(dex)
    }

    /// [`Dex::parse`] without checking the id entries again: only for bytes that `parse`
    /// already accepted (the consent search's copy of a DEX file the reader parsed).
    pub(crate) fn parse_accepted(data: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_header(data)
    }

    /// The header and the sections, checked; the id entries are not.
    fn parse_header(data: &'a [u8]) -> Result<Self, ParseError> {
        let mut c = Cursor::new(data, "DEX header");
        let magic = c.bytes(8)?;
        if &magic[..4] != b"dex\n" || magic[7] != 0 {
            return Err(c.err_at(0, "not a DEX file (bad magic)"));
        }
        let version = std::str::from_utf8(&magic[4..7])
            .ok()
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|v| (35..=41).contains(v))
            .ok_or_else(|| c.err_at(4, format!("unsupported DEX version {:?}", &magic[4..7])))?;
        let checksum = c.u32()?;
        c.skip(20)?; // SHA-1 signature
        let file_size = c.u32()?;
        let header_size = c.u32()?;
        let endian = c.u32()?;
        match endian {
            ENDIAN_CONSTANT => {}
            REVERSE_ENDIAN_CONSTANT => {
                return Err(c.err_at(0x28, "big-endian DEX is not supported"))
            }
            other => return Err(c.err_at(0x28, format!("bad endian_tag {other:#010x}"))),
        }
        if to_usize(header_size) < HEADER_SIZE || to_usize(header_size) > data.len() {
            return Err(c.err_at(0x24, format!("bad header_size {header_size:#x}")));
        }
        let file_size = to_usize(file_size);
        if file_size < HEADER_SIZE {
            return Err(c.err_at(
                0x20,
                format!("file_size {file_size} is smaller than the header"),
            ));
        }
        if file_size > data.len() {
            return Err(ParseError::truncated(
                "DEX file",
                0,
                file_size as u64,
                data.len() as u64,
            ));
        }
        c.skip(8)?; // link_size, link_off
        let map_off = to_usize(c.u32()?);
        let mut section = |name: &'static str, item: usize| -> Result<Section, ParseError> {
            let field = c.pos();
            let count = to_usize(c.u32()?);
            let off = to_usize(c.u32()?);
            if count == 0 {
                return Ok(Section::default());
            }
            let need = (count as u64).saturating_mul(item as u64);
            let fits = off >= HEADER_SIZE && (off as u64).saturating_add(need) <= data.len() as u64;
            if !fits {
                return Err(ParseError::invalid(
                    name,
                    off as u64,
                    format!(
                        "{count} items of {item} bytes (declared at header offset {field:#x}) need {need} bytes at offset {off:#x}; the file has {} bytes",
                        data.len()
                    ),
                ));
            }
            Ok(Section { off, count })
        };
        let strings = section("string_ids", 4)?;
        let types = section("type_ids", 4)?;
        let protos = section("proto_ids", 12)?;
        let fields = section("field_ids", 8)?;
        let methods = section("method_ids", 8)?;
        let class_defs = section("class_defs", 32)?;
        let dex = Dex {
            data,
            version,
            checksum,
            file_size,
            strings,
            types,
            protos,
            fields,
            methods,
            class_defs,
            call_sites: Section::default(),
            method_handles: Section::default(),
        };
        let mut dex = dex;
        (dex.call_sites, dex.method_handles) = map_sections(data, map_off);
        Ok(dex)
    }

    /// Checks every id entry's references, so later reads through them stay in range.
    fn validate_ids(&self) -> Result<(), ParseError> {
        let d = self.data;
        let bad = |structure: &str, i: usize, off: usize, msg: String| {
            ParseError::invalid(format!("{structure} #{i}"), off as u64, msg)
        };
        for i in 0..self.strings.count {
            let off = self.strings.off + 4 * i;
            let s = le_u32(d, off).map_or(usize::MAX, to_usize);
            if s < HEADER_SIZE || s >= d.len() {
                return Err(bad(
                    "string_id_item",
                    i,
                    off,
                    format!("string_data_off {s:#x} is outside the file"),
                ));
            }
        }
        for i in 0..self.types.count {
            let off = self.types.off + 4 * i;
            let s = le_u32(d, off).map_or(usize::MAX, to_usize);
            if s >= self.strings.count {
                return Err(bad(
                    "type_id_item",
                    i,
                    off,
                    format!(
                        "descriptor_idx {s} >= string_ids_size {}",
                        self.strings.count
                    ),
                ));
            }
        }
        for i in 0..self.protos.count {
            let off = self.protos.off + 12 * i;
            let shorty = le_u32(d, off).map_or(usize::MAX, to_usize);
            let ret = le_u32(d, off + 4).map_or(usize::MAX, to_usize);
            if shorty >= self.strings.count || ret >= self.types.count {
                return Err(bad(
                    "proto_id_item",
                    i,
                    off,
                    "shorty_idx or return_type_idx out of range".into(),
                ));
            }
        }
        for i in 0..self.fields.count {
            let off = self.fields.off + 8 * i;
            let (Some(class_idx), Some(type_idx), Some(name_idx)) =
                (le_u16(d, off), le_u16(d, off + 2), le_u32(d, off + 4))
            else {
                return Err(bad("field_id_item", i, off, "cut".into()));
            };
            if usize::from(class_idx) >= self.types.count
                || usize::from(type_idx) >= self.types.count
                || to_usize(name_idx) >= self.strings.count
            {
                return Err(bad(
                    "field_id_item",
                    i,
                    off,
                    format!(
                        "class_idx {class_idx}, type_idx {type_idx} or name_idx {name_idx} out of range"
                    ),
                ));
            }
        }
        for i in 0..self.methods.count {
            let off = self.methods.off + 8 * i;
            let m = self
                .method_at(off)
                .ok_or_else(|| bad("method_id_item", i, off, "cut".into()))?;
            if usize::from(m.class_idx) >= self.types.count
                || usize::from(m.proto_idx) >= self.protos.count
                || to_usize(m.name_idx) >= self.strings.count
            {
                return Err(bad(
                    "method_id_item",
                    i,
                    off,
                    format!(
                        "class_idx {}, proto_idx {} or name_idx {} out of range",
                        m.class_idx, m.proto_idx, m.name_idx
                    ),
                ));
            }
        }
        for i in 0..self.class_defs.count {
            let off = self.class_defs.off + 32 * i;
            let cls = le_u32(d, off).map_or(usize::MAX, to_usize);
            if cls >= self.types.count {
                return Err(bad(
                    "class_def_item",
                    i,
                    off,
                    format!("class_idx {cls} >= type_ids_size {}", self.types.count),
                ));
            }
        }
        Ok(())
    }

    /// The bootstrap method of call site `idx` (invoke-custom), if it can be read: the first
    /// element of the call site's encoded array is a method handle of an invoke kind.
    pub fn call_site_bootstrap(&self, idx: u32) -> Option<u32> {
        let i = to_usize(idx);
        if i >= self.call_sites.count {
            return None;
        }
        let off = to_usize(le_u32(self.data, self.call_sites.off + 4 * i)?);
        let mut c = Cursor::at(self.data, off, "call_site_item").ok()?;
        if c.uleb128().ok()? < 1 {
            return None;
        }
        let head = c.u8().ok()?;
        const VALUE_METHOD_HANDLE: u8 = 0x16;
        if head & 0x1f != VALUE_METHOD_HANDLE || head >> 5 > 3 {
            return None;
        }
        let mut mh = 0u32;
        for (k, b) in c.bytes(usize::from(head >> 5) + 1).ok()?.iter().enumerate() {
            mh |= u32::from(*b) << (8 * k);
        }
        let mh = to_usize(mh);
        if mh >= self.method_handles.count {
            return None;
        }
        let item = self.method_handles.off + 8 * mh;
        let kind = le_u16(self.data, item)?;
        // 0x04..=0x08: invoke-static, -instance, -constructor, -direct, -interface.
        if !(0x04..=0x08).contains(&kind) {
            return None;
        }
        let m = u32::from(le_u16(self.data, item + 4)?);
        (to_usize(m) < self.methods.count).then_some(m)
    }

    fn method_at(&self, off: usize) -> Option<MethodId> {
        Some(MethodId {
            class_idx: le_u16(self.data, off)?,
            proto_idx: le_u16(self.data, off + 2)?,
            name_idx: le_u32(self.data, off + 4)?,
        })
    }

    fn out_of_range(structure: &str, idx: u32, count: usize) -> ParseError {
        ParseError::invalid(structure, 0, format!("index {idx} >= size {count}"))
    }

    /// Offset of string `idx`'s string_data_item.
    pub fn string_data_off(&self, idx: u32) -> Result<usize, ParseError> {
        let i = to_usize(idx);
        if i >= self.strings.count {
            return Err(Self::out_of_range("string_ids", idx, self.strings.count));
        }
        le_u32(self.data, self.strings.off + 4 * i)
            .map(to_usize)
            .ok_or_else(|| Self::out_of_range("string_ids", idx, self.strings.count))
    }

    /// The raw MUTF-8 bytes of string `idx` (without its length prefix and NUL): no decoding.
    pub fn string_bytes(&self, idx: u32) -> Result<&'a [u8], ParseError> {
        self.string_span(idx).map(|(_, b)| b)
    }

    /// The file offset and raw MUTF-8 bytes of string `idx`.
    pub fn string_span(&self, idx: u32) -> Result<(usize, &'a [u8]), ParseError> {
        let off = self.string_data_off(idx)?;
        // utf16_size (a uleb128, not needed to find the end): skipped in place when whole.
        let start = match self.data.get(off..off.saturating_add(5)) {
            Some(head) => match head.iter().position(|b| b & 0x80 == 0) {
                Some(n) => off + n + 1,
                None => self.utf16_size_end(off)?,
            },
            None => self.utf16_size_end(off)?,
        };
        let rest = self.data.get(start..).unwrap_or_default();
        match memchr::memchr(0, rest) {
            Some(len) => Ok((start, rest.get(..len).unwrap_or_default())),
            None => Err(ParseError::invalid(
                format!("string_data_item #{idx}"),
                off as u64,
                "no terminating NUL before the end of the file",
            )),
        }
    }

    /// Where the uleb128 at `off` ends, through a Cursor (the slow path, with its errors).
    #[cold]
    fn utf16_size_end(&self, off: usize) -> Result<usize, ParseError> {
        let mut c = Cursor::at(self.data, off, "string_data_item")?;
        c.uleb128()?;
        Ok(c.pos())
    }

    /// String `idx` decoded; invalid MUTF-8 is an error naming the string and the byte's offset.
    pub fn string(&self, idx: u32) -> Result<std::borrow::Cow<'a, str>, ParseError> {
        let (start, bytes) = self.string_span(idx)?;
        mutf8::decode(bytes).map_err(|e| Self::mutf8_error(idx, start, e))
    }

    /// The error for invalid MUTF-8 inside string `idx`, whose bytes start at `start`.
    pub fn mutf8_error(idx: u32, start: usize, e: mutf8::Mutf8Error) -> ParseError {
        ParseError::invalid(
            format!("string_data_item #{idx}"),
            start.saturating_add(e.pos) as u64,
            e.to_string(),
        )
    }

    /// The string index of type `idx`'s descriptor.
    pub fn type_string_idx(&self, idx: u32) -> Result<u32, ParseError> {
        let i = to_usize(idx);
        if i >= self.types.count {
            return Err(Self::out_of_range("type_ids", idx, self.types.count));
        }
        le_u32(self.data, self.types.off + 4 * i)
            .ok_or_else(|| Self::out_of_range("type_ids", idx, self.types.count))
    }

    /// The raw descriptor bytes of type `idx` (`Lcom/a/B;`).
    pub fn type_bytes(&self, idx: u32) -> Result<&'a [u8], ParseError> {
        self.string_bytes(self.type_string_idx(idx)?)
    }

    /// Method id `idx`.
    pub fn method(&self, idx: u32) -> Result<MethodId, ParseError> {
        let i = to_usize(idx);
        if i >= self.methods.count {
            return Err(Self::out_of_range("method_ids", idx, self.methods.count));
        }
        self.method_at(self.methods.off + 8 * i)
            .ok_or_else(|| Self::out_of_range("method_ids", idx, self.methods.count))
    }

    /// Field id `idx`.
    pub fn field(&self, idx: u32) -> Result<FieldId, ParseError> {
        let i = to_usize(idx);
        let off = self.fields.off.saturating_add(8 * i);
        match (
            le_u16(self.data, off),
            le_u16(self.data, off + 2),
            le_u32(self.data, off + 4),
        ) {
            (Some(class_idx), Some(type_idx), Some(name_idx)) if i < self.fields.count => {
                Ok(FieldId {
                    class_idx,
                    type_idx,
                    name_idx,
                })
            }
            _ => Err(Self::out_of_range("field_ids", idx, self.fields.count)),
        }
    }

    /// Class def `i` (0 <= i < class_defs.count).
    pub fn class_def(&self, i: usize) -> Result<ClassDef, ParseError> {
        let off = self.class_defs.off + 32 * i;
        match (
            le_u32(self.data, off),
            le_u32(self.data, off + 24),
            le_u32(self.data, off + 28),
        ) {
            (Some(class_idx), Some(class_data_off), Some(static_values_off))
                if i < self.class_defs.count =>
            {
                Ok(ClassDef {
                    class_idx,
                    class_data_off,
                    static_values_off,
                })
            }
            _ => Err(ParseError::invalid(
                "class_defs",
                off as u64,
                format!("no class_def #{i}"),
            )),
        }
    }

    /// A proto's return type and parameter types, as type indices.
    pub fn proto(&self, idx: u16) -> Result<(u32, Vec<u32>), ParseError> {
        let i = usize::from(idx);
        let off = self.protos.off + 12 * i;
        let (Some(ret), Some(params_off)) =
            (le_u32(self.data, off + 4), le_u32(self.data, off + 8))
        else {
            return Err(Self::out_of_range(
                "proto_ids",
                u32::from(idx),
                self.protos.count,
            ));
        };
        if i >= self.protos.count {
            return Err(Self::out_of_range(
                "proto_ids",
                u32::from(idx),
                self.protos.count,
            ));
        }
        let mut params = Vec::new();
        if params_off != 0 {
            let mut c = Cursor::at(self.data, to_usize(params_off), "type_list")?;
            let size = to_usize(c.u32()?);
            c.need(size.saturating_mul(2))?;
            params.reserve(size);
            for _ in 0..size {
                params.push(u32::from(c.u16()?));
            }
        }
        Ok((ret, params))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_known_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let big = vec![0xffu8; 100_000];
        // Reference value computed with the textbook per-byte modulo.
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &big {
            a = (a + u64::from(x)) % 65521;
            b = (b + a) % 65521;
        }
        assert_eq!(u64::from(adler32(&big)), (b << 16) | a);
    }

    #[test]
    fn rejects_what_is_not_dex() {
        let e = Dex::parse(b"PK\x03\x04").unwrap_err();
        assert_eq!(e.structure, "DEX header");
        let mut h = vec![0u8; 0x70];
        h[..8].copy_from_slice(b"dex\n099\0");
        assert!(Dex::parse(&h).unwrap_err().to_string().contains("version"));
    }
}
