//! Dalvik bytecode: instruction widths, payload sizes, and a walk that reports the references an
//! audit cares about (invoked methods, read fields, loaded strings) without allocating.

/// Width in 16-bit code units of every opcode, from its format in the Dalvik bytecode spec;
/// 0 marks an unused opcode. `nop` (0x00) is 1 unless it heads a payload (see [`payload_units`]).
pub const WIDTH: [u8; 256] = build_width();

const fn build_width() -> [u8; 256] {
    let mut w = [0u8; 256];
    let mut op = 0;
    while op < 256 {
        w[op] = match op as u8 {
            // 10x 12x 11n 11x 10t
            0x00 | 0x01 | 0x04 | 0x07 => 1,
            0x0a..=0x12 | 0x1d | 0x1e | 0x21 | 0x27 | 0x28 => 1,
            0x7b..=0x8f | 0xb0..=0xcf => 1,
            // 20t 22x 21t 21s 21h 21c 23x 22b 22t 22s 22c
            0x02 | 0x05 | 0x08 | 0x13 | 0x15 | 0x16 | 0x19 | 0x1a | 0x1c | 0x1f => 2,
            0x20 | 0x22 | 0x23 | 0x29 => 2,
            0x2d..=0x3d | 0x44..=0x6d | 0x90..=0xaf | 0xd0..=0xe2 | 0xfe | 0xff => 2,
            // 32x 30t 31t 31i 31c 35c 3rc
            0x03 | 0x06 | 0x09 | 0x14 | 0x17 | 0x1b | 0x24..=0x26 | 0x2a..=0x2c => 3,
            0x6e..=0x72 | 0x74..=0x78 | 0xfc | 0xfd => 3,
            // 45cc 4rcc
            0xfa | 0xfb => 4,
            // 51l
            0x18 => 5,
            // unused: 3e..43, 73, 79, 7a, e3..f9
            _ => 0,
        };
        op += 1;
    }
    w
}

/// A reference found in the bytecode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ref {
    /// invoke-virtual/super/direct/static/interface (and /range), invoke-polymorphic: a method_id.
    Invoke(u32),
    /// invoke-custom (and /range): a call_site_id.
    InvokeCustom(u32),
    /// const-string, const-string/jumbo: a string_id.
    String(u32),
    /// iget* (0x52-0x58) and sget* (0x60-0x66), field reads: a field_id.
    Field(u32),
}

/// Why a walk stopped before the end of the method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkError {
    /// Code unit (index into insns) of the offending instruction.
    pub unit: usize,
    /// What was wrong.
    pub problem: String,
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at code unit {}: {}", self.unit, self.problem)
    }
}

/// The code unit at `i` of `insns` (bytes, little-endian), or None past the end.
#[inline]
fn unit(insns: &[u8], i: usize) -> Option<u16> {
    let b = insns.get(i.checked_mul(2)?..i.checked_mul(2)?.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

/// The size in code units of the payload whose `nop` head unit is at `pc`, or an error if its
/// header is cut or its ident is unknown. The result is not yet checked against insns_size.
fn payload_units(insns: &[u8], pc: usize, head: u16) -> Result<u64, String> {
    let get = |i: usize| {
        unit(insns, pc + i).ok_or_else(|| "payload header cut by the end of insns".to_string())
    };
    match head {
        0x0100 => Ok(4 + 2 * u64::from(get(1)?)),
        0x0200 => Ok(2 + 4 * u64::from(get(1)?)),
        0x0300 => {
            let width = u64::from(get(1)?);
            let size = u64::from(get(2)?) | (u64::from(get(3)?) << 16);
            Ok(4 + (size * width).div_ceil(2))
        }
        _ => Err(format!("nop with unknown payload ident {head:#06x}")),
    }
}

/// Walks the instructions of one method (`insns`: insns_size code units as bytes), calling `f`
/// for each reference. Stops at the first unused opcode, an instruction or payload that runs
/// past the end, or an error from `f`.
pub fn walk(insns: &[u8], mut f: impl FnMut(Ref) -> Result<(), String>) -> Result<(), WalkError> {
    let n = insns.len() / 2;
    let mut pc = 0usize;
    while let Some(u) = unit(insns, pc) {
        let op = (u & 0xff) as u8;
        let err = |problem: String| WalkError { unit: pc, problem };
        let width = if op == 0 && u != 0 {
            payload_units(insns, pc, u).map_err(err)?
        } else {
            match WIDTH[usize::from(op)] {
                0 => return Err(err(format!("unused opcode {op:#04x}"))),
                w => u64::from(w),
            }
        };
        let end = (pc as u64).saturating_add(width);
        if end > n as u64 {
            return Err(err(format!(
                "instruction of {width} code units runs past insns_size {n}"
            )));
        }
        let arg = |i| unit(insns, pc + i).map_or(0, u32::from);
        let r = match op {
            0x1a => Some(Ref::String(arg(1))),
            0x1b => Some(Ref::String(arg(1) | (arg(2) << 16))),
            0x6e..=0x72 | 0x74..=0x78 | 0xfa | 0xfb => Some(Ref::Invoke(arg(1))),
            0xfc | 0xfd => Some(Ref::InvokeCustom(arg(1))),
            0x52..=0x58 | 0x60..=0x66 => Some(Ref::Field(arg(1))),
            _ => None,
        };
        if let Some(r) = r {
            f(r).map_err(err)?;
        }
        // end <= n, a usize, so this fits.
        pc = usize::try_from(end).unwrap_or(usize::MAX);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(units: &[u16]) -> Vec<u8> {
        units.iter().flat_map(|u| u.to_le_bytes()).collect()
    }

    fn refs(units: &[u16]) -> Result<Vec<Ref>, WalkError> {
        let mut v = Vec::new();
        walk(&bytes(units), |r| {
            v.push(r);
            Ok(())
        })?;
        Ok(v)
    }

    #[test]
    fn width_table_matches_the_formats() {
        assert_eq!(WIDTH.iter().filter(|&&w| w == 0).count(), 6 + 1 + 2 + 23);
        assert_eq!(WIDTH[0x18], 5);
        assert_eq!(WIDTH[0xfa], 4);
        assert_eq!(WIDTH[0x6e], 3);
        assert_eq!(WIDTH[0x74], 3);
        assert_eq!(WIDTH[0x1a], 2);
        assert_eq!(WIDTH[0x1b], 3);
        assert_eq!(WIDTH[0xe2], 2);
        assert_eq!(WIDTH[0xe3], 0);
        assert_eq!(WIDTH[0x26], 3);
        assert_eq!(WIDTH[0x12], 1);
    }

    #[test]
    fn walks_invokes_strings_and_payloads() {
        let code = [
            0x2070, 7, 0x0010, // invoke-direct {v0, v1}, method@7
            0x001a, 3, // const-string v0, string@3
            0x001b, 0x0001, 0x0001, // const-string/jumbo v0, string@0x10001
            0x0018, 1, 2, 3, 4, // const-wide v0, ...
            0x0100, 2, 0, 0, 0x6e, 0, 0x6e,
            0, // packed-switch payload, 2 targets, looks like invokes
            0x0200, 1, 0x6e, 0, 0x6e, 0, // sparse-switch payload, 1 entry
            0x0300, 1, 3, 0, 0x6e6e, 0x6e, // fill-array-data payload, 3 bytes
            0x0377, 9, 0, // invoke-static/range method@9
            0x00fa, 4, 0, 5, // invoke-polymorphic
            0x00fc, 2, 0, // invoke-custom call_site@2
            0x0162, 5, // sget-object v1, field@5
            0x0167, 6, // sput v1, field@6: a write, not reported
            0x1054, 7, // iget-object v0, v1, field@7
            0x1059, 8,      // iput v0, v1, field@8: a write
            0x000e, // return-void
        ];
        assert_eq!(
            refs(&code).unwrap(),
            [
                Ref::Invoke(7),
                Ref::String(3),
                Ref::String(0x10001),
                Ref::Invoke(9),
                Ref::Invoke(4),
                Ref::InvokeCustom(2),
                Ref::Field(5),
                Ref::Field(7),
            ]
        );
    }

    #[test]
    fn stops_at_unused_opcodes_and_overruns() {
        let e = refs(&[0x0070, 1, 0, 0x003e, 0x0070, 2, 0]).unwrap_err();
        assert_eq!(e.unit, 3);
        assert!(e.problem.contains("0x3e"), "{e}");
        assert_eq!(refs(&[0x006e, 1]).unwrap_err().unit, 0);
        assert!(refs(&[0x000e, 0x0100, 0xffff, 0, 0]).is_err());
        assert!(refs(&[0x0300, 4, 0xffff, 0xffff]).is_err());
        assert!(refs(&[0x0500]).is_err());
        assert!(refs(&[0x0100]).is_err());
    }
}
