//! Native libraries through goblin: ABI, soname, needed libraries, JNI exports.
//!
//! The ELF header is checked by hand first (magic, class, byte order, and that the program and
//! section header tables lie inside the file), so goblin only sees inputs whose tables fit.

use crate::error::ParseError;
use serde::Serialize;

/// What one `.so` tells.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NativeLib {
    /// Archive path (`lib/arm64-v8a/libjcore.so`).
    pub path: String,
    /// Android ABI name from the ELF machine and class (`arm64-v8a`, `armeabi-v7a`, `x86`, `x86_64`...).
    pub abi: String,
    /// `DT_SONAME`.
    pub soname: Option<String>,
    /// `DT_NEEDED` entries.
    pub needed: Vec<String>,
    /// Number of exported dynamic symbols.
    pub exports: usize,
    /// Java classes named by `Java_...` JNI exports, Java form, sorted, unique.
    pub jni_classes: Vec<String>,
    /// Printable strings of the read-only data sections that hold a dotted number (`1.2`), the
    /// shape of a version, in file order: at most [`MAX_VERSION_STRINGS`], each at most
    /// [`MAX_STRING_LEN`] bytes. SDK rules read versions from them (`native-string`); the
    /// reader fills them only for the libraries such a rule names.
    #[serde(skip)]
    pub version_strings: Vec<String>,
}

/// Most version-shaped strings kept per library.
pub const MAX_VERSION_STRINGS: usize = 256;
/// Longest string kept.
pub const MAX_STRING_LEN: usize = 120;

const EM_386: u16 = 3;
const EM_MIPS: u16 = 8;
const EM_ARM: u16 = 40;
const EM_X86_64: u16 = 62;
const EM_AARCH64: u16 = 183;
const EM_RISCV: u16 = 243;

/// The Android ABI name for an ELF machine and class.
pub fn abi_name(machine: u16, is_64: bool) -> String {
    match (machine, is_64) {
        (EM_AARCH64, _) => "arm64-v8a".into(),
        (EM_ARM, _) => "armeabi-v7a".into(),
        (EM_386, _) => "x86".into(),
        (EM_X86_64, _) => "x86_64".into(),
        (EM_MIPS, false) => "mips".into(),
        (EM_MIPS, true) => "mips64".into(),
        (EM_RISCV, true) => "riscv64".into(),
        (EM_RISCV, false) => "riscv32".into(),
        (m, _) => format!("unknown({m})"),
    }
}

/// Reads an unsigned field of `size` bytes (2, 4 or 8) at `off`.
fn field(data: &[u8], off: usize, size: usize, le: bool) -> Option<u64> {
    let b = data.get(off..off.checked_add(size)?)?;
    let mut v = 0u64;
    for i in 0..size {
        let byte = if le { b[size - 1 - i] } else { b[i] };
        v = (v << 8) | u64::from(byte);
    }
    Some(v)
}

/// Checks what goblin would trust: magic, class, byte order, header size, and that the program
/// and section header tables lie inside the file. Returns (is_64, machine).
fn precheck(data: &[u8]) -> Result<(bool, u16), ParseError> {
    let err = |off: u64, msg: String| ParseError::invalid("ELF header", off, msg);
    if data.len() < 16 || &data[..4] != b"\x7fELF" {
        return Err(err(0, "not an ELF file (bad magic)".into()));
    }
    let is_64 = match data[4] {
        1 => false,
        2 => true,
        c => return Err(err(4, format!("bad EI_CLASS {c}"))),
    };
    let le = match data[5] {
        1 => true,
        2 => false,
        d => return Err(err(5, format!("bad EI_DATA {d}"))),
    };
    let header = if is_64 { 64 } else { 52 };
    if data.len() < header {
        return Err(ParseError::truncated(
            "ELF header",
            0,
            header as u64,
            data.len() as u64,
        ));
    }
    let w = if is_64 { 8 } else { 4 };
    let get = |off: usize, size: usize| field(data, off, size, le).unwrap_or(0);
    let machine = u16::try_from(get(18, 2)).unwrap_or(0);
    // e_entry, e_phoff, e_shoff are word-sized from offset 24; then e_flags and e_ehsize.
    let phoff = get(24 + w, w);
    let shoff = get(24 + 2 * w, w);
    let tail = 24 + 3 * w + 4 + 2;
    let (phentsize, phnum) = (get(tail, 2), get(tail + 2, 2));
    let (shentsize, shnum) = (get(tail + 4, 2), get(tail + 6, 2));
    let len = data.len() as u64;
    let table = |name: &str, off: u64, entsize: u64, want: u64, num: u64, at: usize| {
        if off == 0 && num == 0 {
            return Ok(());
        }
        if num != 0 && entsize != want {
            return Err(err(
                at as u64,
                format!("{name} entry size {entsize}, expected {want}"),
            ));
        }
        // num == 0 with an offset: goblin reads the first entry (extended numbering).
        let end = off.saturating_add(entsize.max(want).saturating_mul(num.max(1)));
        if end > len {
            return Err(err(
                at as u64,
                format!("{name} table at {off:#x} ({num} entries of {entsize} bytes) ends past the file's {len} bytes"),
            ));
        }
        Ok(())
    };
    let (ph_want, sh_want) = if is_64 { (56, 64) } else { (32, 40) };
    table("program header", phoff, phentsize, ph_want, phnum, 24 + w)?;
    if shoff != 0 {
        table(
            "section header",
            shoff,
            shentsize,
            sh_want,
            shnum,
            24 + 2 * w,
        )?;
    }
    Ok((is_64, machine))
}

/// Reads one ELF shared object, its version-shaped strings included.
pub fn parse_elf(path: &str, data: &[u8]) -> Result<NativeLib, ParseError> {
    parse_elf_keeping_strings(path, data, true)
}

/// Reads one ELF shared object; its read-only data is scanned for version-shaped strings only
/// when `keep_strings` (a rule reads them for this library).
pub fn parse_elf_keeping_strings(
    path: &str,
    data: &[u8],
    keep_strings: bool,
) -> Result<NativeLib, ParseError> {
    let (is_64, machine) = precheck(data)?;
    // goblin checks its reads, but a parser of hostile input may still have a panicking corner;
    // as a last resort a panic becomes a ParseError (the default hook still prints it to stderr).
    let parsed = std::panic::catch_unwind(|| goblin::elf::Elf::parse(data))
        .map_err(|_| ParseError::invalid("ELF file", 0, "the ELF parser panicked on this input"))?;
    let elf = parsed.map_err(|e| ParseError::invalid("ELF file", 0, e.to_string()))?;
    let mut lib = NativeLib {
        path: path.to_string(),
        abi: abi_name(machine, is_64),
        soname: elf.soname.map(str::to_string),
        needed: elf.libraries.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    for sym in elf.dynsyms.iter() {
        let bind = sym.st_bind();
        let exported = sym.st_shndx != 0
            && (bind == goblin::elf::sym::STB_GLOBAL || bind == goblin::elf::sym::STB_WEAK);
        if !exported {
            continue;
        }
        let Some(name) = elf.dynstrtab.get_at(sym.st_name) else {
            continue;
        };
        if name.is_empty() {
            continue;
        }
        lib.exports += 1;
        if let Some(class) = jni_class(name) {
            lib.jni_classes.push(class);
        }
    }
    lib.jni_classes.sort();
    lib.jni_classes.dedup();
    if keep_strings {
        lib.version_strings = read_only_strings(&elf, data);
    }
    Ok(lib)
}

/// The version-shaped strings of the read-only data sections (allocated, neither writable nor
/// executable). Sections may overlap (on purpose, in a hostile file): at most twice the file is
/// scanned.
fn read_only_strings(elf: &goblin::elf::Elf<'_>, data: &[u8]) -> Vec<String> {
    use goblin::elf::section_header::{SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHT_PROGBITS};
    let mut out = Vec::new();
    let mut scan_budget = data.len().saturating_mul(2);
    for sh in &elf.section_headers {
        let read_only_data = sh.sh_type == SHT_PROGBITS
            && sh.sh_flags & u64::from(SHF_ALLOC) != 0
            && sh.sh_flags & u64::from(SHF_WRITE | SHF_EXECINSTR) == 0;
        let bytes = usize::try_from(sh.sh_offset)
            .ok()
            .zip(usize::try_from(sh.sh_size).ok())
            .and_then(|(off, size)| data.get(off..off.checked_add(size)?));
        if let (true, Some(bytes)) = (read_only_data, bytes) {
            if bytes.len() > scan_budget {
                break;
            }
            scan_budget -= bytes.len();
            version_strings(bytes, &mut out);
        }
    }
    out
}

/// Adds the printable strings of `bytes` that contain a dotted number to `out` (up to
/// [`MAX_VERSION_STRINGS`] in all).
fn version_strings(bytes: &[u8], out: &mut Vec<String>) {
    let is_text = |b: u8| (0x20..0x7f).contains(&b);
    let mut start = 0;
    while start < bytes.len() && out.len() < MAX_VERSION_STRINGS {
        let len = bytes[start..].iter().take_while(|&&b| is_text(b)).count();
        let run = &bytes[start..start + len];
        let dotted = run
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit());
        if (3..=MAX_STRING_LEN).contains(&len) && dotted {
            out.push(String::from_utf8_lossy(run).into_owned());
        }
        start += len + 1;
    }
}

/// The Java class (`com.example.Foo$Bar`) named by a JNI export (`Java_com_example_Foo_00024Bar_run`),
/// or None if the symbol is not a well-formed JNI name. Escapes: `_1` `_`, `_2` `;`, `_3` `[`,
/// `_0xxxx` a UTF-16 unit; a lone `_` separates components; `__` starts the overload signature.
pub fn jni_class(symbol: &str) -> Option<String> {
    let b = symbol.strip_prefix("Java_")?.as_bytes();
    let mut comps: Vec<Vec<u16>> = vec![Vec::new()];
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c != b'_' {
            if !c.is_ascii_alphanumeric() {
                return None;
            }
            comps.last_mut()?.push(u16::from(c));
            i += 1;
            continue;
        }
        let push = |comps: &mut Vec<Vec<u16>>, u: u16| {
            if let Some(v) = comps.last_mut() {
                v.push(u);
            }
        };
        match b.get(i + 1) {
            Some(b'1') => push(&mut comps, u16::from(b'_')),
            Some(b'2') => push(&mut comps, u16::from(b';')),
            Some(b'3') => push(&mut comps, u16::from(b'[')),
            Some(b'0') => {
                let hex = std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?;
                push(&mut comps, u16::from_str_radix(hex, 16).ok()?);
                i += 6;
                continue;
            }
            // `__` is the signature unless an escape follows (an identifier may start with `_`
            // or a non-ASCII letter, never with `;` or `[`).
            Some(b'_') if !matches!(b.get(i + 2), Some(b'0' | b'1')) => break,
            Some(_) => {
                comps.push(Vec::new());
                i += 1;
                continue;
            }
            None => return None,
        }
        i += 2;
    }
    if comps.len() < 2 || comps.iter().any(Vec::is_empty) {
        return None;
    }
    comps.pop(); // the method name
    let parts: Vec<String> = comps.iter().map(|c| String::from_utf16_lossy(c)).collect();
    Some(parts.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jni_names_decode_to_classes() {
        let cases = [
            ("Java_com_example_Foo_bar", Some("com.example.Foo")),
            ("Java_Foo_bar", Some("Foo")),
            (
                "Java_com_example_Foo_00024Inner_baz",
                Some("com.example.Foo$Inner"),
            ),
            ("Java_com_ex_1ample_Bar_do_1it", Some("com.ex_ample.Bar")),
            (
                "Java_cn_jpush_android_service_PushReceiver_onEvent__Ljava_lang_String_2I",
                Some("cn.jpush.android.service.PushReceiver"),
            ),
            ("Java_a_B_m___3I", Some("a.B")),
            ("Java_a__1b_C_m", Some("a._b.C")),
            ("Java_a_u4e2d_m", Some("a.u4e2d")),
            ("Java_a_04e2d_m", Some("a\u{4e2d}")),
            ("Java_a__04e2d_m", Some("a.\u{4e2d}")),
            ("Java_onlymethod", None),
            ("Java_a_", None),
            ("Java_a_0zz", None),
            ("JNI_OnLoad", None),
            ("Java_a.b_c", None),
        ];
        for (sym, want) in cases {
            assert_eq!(jni_class(sym).as_deref(), want, "{sym}");
        }
    }

    #[test]
    fn version_strings_are_dotted_printable_runs() {
        let mut out = Vec::new();
        let blob = b"\0sdk/2.4.1\0no version here\0\x01v1.0\0x.y\0GCC: (GNU) 12.2.0\0";
        version_strings(blob, &mut out);
        assert_eq!(out, ["sdk/2.4.1", "v1.0", "GCC: (GNU) 12.2.0"]);
        let long = [b'1', b'.', b'2'].repeat(MAX_STRING_LEN);
        out.clear();
        version_strings(&long, &mut out);
        assert!(
            out.is_empty(),
            "a run longer than {MAX_STRING_LEN} bytes is not a version"
        );
        let many = b"1.2\0".repeat(MAX_VERSION_STRINGS * 2);
        version_strings(&many, &mut out);
        assert_eq!(out.len(), MAX_VERSION_STRINGS);
    }

    #[test]
    fn abi_names() {
        assert_eq!(abi_name(EM_AARCH64, true), "arm64-v8a");
        assert_eq!(abi_name(EM_ARM, false), "armeabi-v7a");
        assert_eq!(abi_name(EM_MIPS, true), "mips64");
        assert_eq!(abi_name(0x1234, true), "unknown(4660)");
    }

    #[test]
    fn not_elf_names_the_header() {
        for data in [
            &b""[..],
            b"\x7fELF",
            b"PK\x03\x04xxxxxxxxxxxxxxxx",
            b"\x7fELF\x03\x01xxxxxxxxxx",
        ] {
            let e = parse_elf("x.so", data).unwrap_err();
            assert_eq!(e.structure, "ELF header");
        }
    }
}
