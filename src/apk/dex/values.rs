//! Version constants: the initial values of `static final String` fields whose name mentions
//! "version" (`SDK_VERSION_NAME`, `VERSION_INFO`, `sdk_conf_version`...), read from a class's
//! `encoded_array_item` of static values. That is where javac and d8 put compile-time constants,
//! and where SDKs keep the version they report to their servers.
//!
//! The work is bounded by a budget per DEX file (values read or skipped, fields looked at) so
//! that hostile files sharing one class_data or one value array between many classes stay linear.

use super::header::Dex;
use super::{index_from_diff, uleb, uleb_error};
use crate::cursor::to_usize;
use crate::error::ParseError;
use serde::Serialize;

/// A string constant of a static field that names a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct DexConstant {
    /// The class, Java form.
    pub class: String,
    /// The field name.
    pub field: String,
    /// The initial value.
    pub value: String,
}

/// Longest value kept: versions are short; anything longer is not one.
const MAX_VALUE_LEN: usize = 128;
/// Nesting depth of encoded arrays and annotations accepted while skipping values.
const MAX_DEPTH: usize = 8;

const VALUE_STRING: u8 = 0x17;
const VALUE_ARRAY: u8 = 0x1c;
const VALUE_ANNOTATION: u8 = 0x1d;
const VALUE_NULL: u8 = 0x1e;
const VALUE_BOOLEAN: u8 = 0x1f;

/// Static String fields of a class_data_item whose name mentions a version: (position among the
/// static fields, field name).
pub(super) type Wanted = Vec<(usize, String)>;

/// True when `name` contains "version" in any ASCII case.
fn names_version(name: &[u8]) -> bool {
    name.windows(7).any(|w| w.eq_ignore_ascii_case(b"version"))
}

/// The static fields of the class_data_item at `off` that may hold a version constant.
pub(super) fn wanted_fields(
    dex: &Dex<'_>,
    off: u32,
    budget: &mut usize,
) -> Result<Wanted, ParseError> {
    let data = dex.data;
    let mut pos = to_usize(off);
    let next =
        |pos: &mut usize| uleb(data, pos).ok_or_else(|| uleb_error(data, *pos, "class_data_item"));
    let static_fields = next(&mut pos)?;
    for _ in 0..3 {
        next(&mut pos)?; // instance fields, direct and virtual methods
    }
    let mut out = Vec::new();
    let mut field_idx: u32 = 0;
    for i in 0..to_usize(static_fields) {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        let entry = pos;
        let diff = next(&mut pos)?;
        next(&mut pos)?; // access_flags
        field_idx = index_from_diff(field_idx, diff, i == 0, entry, "field_idx")?;
        let field = dex.field(field_idx)?;
        if dex.type_bytes(u32::from(field.type_idx))? != b"Ljava/lang/String;" {
            continue;
        }
        let name = dex.string_bytes(field.name_idx)?;
        if names_version(name) {
            out.push((i, dex.string(field.name_idx)?.into_owned()));
        }
    }
    Ok(out)
}

/// The values of the `wanted` fields from the encoded_array_item at `off`: (field name, value),
/// for values that are strings of at most [`MAX_VALUE_LEN`] bytes with a digit in them.
pub(super) fn read_constants(
    dex: &Dex<'_>,
    off: u32,
    wanted: &Wanted,
    budget: &mut usize,
) -> Result<Vec<(String, String)>, ParseError> {
    let Some(last) = wanted.last().map(|w| w.0) else {
        return Ok(Vec::new());
    };
    let data = dex.data;
    let mut pos = to_usize(off);
    let size =
        to_usize(uleb(data, &mut pos).ok_or_else(|| uleb_error(data, pos, "encoded_array"))?);
    let mut out = Vec::new();
    let mut want = wanted.iter().peekable();
    for i in 0..size.min(last + 1) {
        let at = pos;
        let header = *data
            .get(pos)
            .ok_or_else(|| ParseError::truncated("encoded_value", pos as u64, 1, 0))?;
        if want.peek().is_some_and(|w| w.0 == i) {
            let (_, name) = want.next().expect("peeked");
            if header & 0x1f == VALUE_STRING {
                pos += 1;
                let idx = read_index(data, &mut pos, header >> 5, at)?;
                let value = dex.string(idx)?;
                if value.len() <= MAX_VALUE_LEN && value.bytes().any(|b| b.is_ascii_digit()) {
                    out.push((name.clone(), value.trim().to_string()));
                }
                continue;
            }
        }
        skip_value(data, &mut pos, budget)?;
    }
    Ok(out)
}

/// Reads the `arg + 1` little-endian bytes of an index value at `*pos`.
fn read_index(data: &[u8], pos: &mut usize, arg: u8, at: usize) -> Result<u32, ParseError> {
    let n = usize::from(arg) + 1;
    if n > 4 {
        return Err(ParseError::invalid(
            "encoded_value",
            at as u64,
            format!("a string index of {n} bytes"),
        ));
    }
    let bytes = data
        .get(*pos..*pos + n)
        .ok_or_else(|| ParseError::truncated("encoded_value", *pos as u64, n as u64, 0))?;
    *pos += n;
    Ok(bytes
        .iter()
        .rev()
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

/// Moves `*pos` past one encoded_value (arrays and annotations included, with an explicit stack
/// rather than recursion), charging one unit of `budget` per value.
fn skip_value(data: &[u8], pos: &mut usize, budget: &mut usize) -> Result<(), ParseError> {
    let next =
        |pos: &mut usize| uleb(data, pos).ok_or_else(|| uleb_error(data, *pos, "encoded_value"));
    // Open levels: values still to skip, and whether each is preceded by a name_idx (the
    // elements of an encoded_annotation).
    let mut stack: Vec<(u64, bool)> = vec![(1, false)];
    while let Some((left, named)) = stack.last_mut() {
        if *left == 0 {
            stack.pop();
            continue;
        }
        *left -= 1;
        if *named {
            next(pos)?; // name_idx
        }
        if *budget == 0 {
            return Err(ParseError::invalid(
                "encoded_value",
                *pos as u64,
                "too many values to skip in this file",
            ));
        }
        *budget -= 1;
        let at = *pos;
        let header = *data
            .get(at)
            .ok_or_else(|| ParseError::truncated("encoded_value", at as u64, 1, 0))?;
        *pos += 1;
        let (kind, arg) = (header & 0x1f, usize::from(header >> 5));
        match kind {
            VALUE_NULL | VALUE_BOOLEAN => {}
            VALUE_ARRAY | VALUE_ANNOTATION => {
                if stack.len() > MAX_DEPTH {
                    return Err(ParseError::invalid(
                        "encoded_value",
                        at as u64,
                        format!("nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                if kind == VALUE_ANNOTATION {
                    next(pos)?; // type_idx
                }
                let n = u64::from(next(pos)?);
                stack.push((n, kind == VALUE_ANNOTATION));
            }
            0x00 | 0x02 | 0x03 | 0x04 | 0x06 | 0x10 | 0x11 | 0x15..=0x1b => {
                let n = arg + 1;
                if data.len() < *pos + n {
                    return Err(ParseError::truncated(
                        "encoded_value",
                        *pos as u64,
                        n as u64,
                        data.len().saturating_sub(*pos) as u64,
                    ));
                }
                *pos += n;
            }
            _ => {
                return Err(ParseError::invalid(
                    "encoded_value",
                    at as u64,
                    format!("unknown value type {kind:#04x}"),
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(data: &[u8], budget: usize) -> Result<(usize, usize), ParseError> {
        let (mut pos, mut left) = (0, budget);
        skip_value(data, &mut pos, &mut left)?;
        Ok((pos, budget - left))
    }

    #[test]
    fn skips_every_value_kind() {
        // int of 4 bytes, null, boolean true, string idx of 2 bytes, long of 8 bytes.
        assert_eq!(skip(&[0x64, 1, 2, 3, 4], 10).unwrap(), (5, 1));
        assert_eq!(skip(&[VALUE_NULL], 10).unwrap(), (1, 1));
        assert_eq!(skip(&[VALUE_BOOLEAN | 0x20], 10).unwrap(), (1, 1));
        assert_eq!(skip(&[0x37, 9, 0], 10).unwrap(), (3, 1));
        assert_eq!(skip(&[0xe6, 1, 2, 3, 4, 5, 6, 7, 8], 10).unwrap(), (9, 1));
        // array of [byte 7, array of [null]]
        let nested = [VALUE_ARRAY, 2, 0x00, 7, VALUE_ARRAY, 1, VALUE_NULL];
        assert_eq!(skip(&nested, 10).unwrap(), (7, 4));
        // annotation type 5 with 2 elements: (name 1, int 1 byte) and (name 2, null)
        let ann = [VALUE_ANNOTATION, 5, 2, 1, 0x04, 9, 2, VALUE_NULL];
        assert_eq!(skip(&ann, 10).unwrap(), (8, 3));
    }

    #[test]
    fn hostile_values_are_errors_not_panics() {
        // Unknown type 0x05.
        let e = skip(&[0x05], 10).unwrap_err();
        assert!(e.to_string().contains("unknown value type 0x05"), "{e}");
        // Truncated int.
        let e = skip(&[0x64, 1], 10).unwrap_err();
        assert_eq!(e.structure, "encoded_value");
        // An array claiming 2^32-1 values stops at the budget.
        let mut huge = vec![VALUE_ARRAY, 0xff, 0xff, 0xff, 0xff, 0x0f];
        huge.extend([VALUE_NULL; 200]);
        let e = skip(&huge, 100).unwrap_err();
        assert!(e.to_string().contains("too many values"), "{e}");
        // Nesting deeper than the limit.
        let deep: Vec<u8> = [VALUE_ARRAY, 1].repeat(MAX_DEPTH + 2);
        let e = skip(&deep, 1000).unwrap_err();
        assert!(e.to_string().contains("nested deeper"), "{e}");
        // A string index wider than 4 bytes.
        let e = read_index(&[1, 2, 3, 4, 5], &mut 0, 4, 0).unwrap_err();
        assert!(e.to_string().contains("5 bytes"), "{e}");
    }

    #[test]
    fn version_names_are_found_in_any_case() {
        assert!(names_version(b"SDK_VERSION_NAME"));
        assert!(names_version(b"sdk_conf_version"));
        assert!(names_version(b"sdkVersion"));
        assert!(!names_version(b"VERSIO"));
        assert!(!names_version(b"APP_KEY"));
    }
}
