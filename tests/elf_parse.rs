//! Native library parsing against a minimal ELF64 shared object laid out in the test.

use appaudit::apk::elf::parse_elf;

const DT_NULL: u64 = 0;
const DT_NEEDED: u64 = 1;
const DT_HASH: u64 = 4;
const DT_STRTAB: u64 = 5;
const DT_SYMTAB: u64 = 6;
const DT_STRSZ: u64 = 10;
const DT_SYMENT: u64 = 11;
const DT_SONAME: u64 = 14;

/// (name, st_info, st_shndx)
type SymSpec = (&'static str, u8, u16);

const GLOBAL_FUNC: u8 = 0x12;
const WEAK_FUNC: u8 = 0x22;
const LOCAL_FUNC: u8 = 0x02;

/// An ELF64 little-endian shared object: one PT_LOAD mapping the file at address 0, a
/// PT_DYNAMIC, and dynstr/dynsym/hash/dynamic; no section headers.
fn build_so(machine: u16, soname: &str, needed: &[&str], syms: &[SymSpec]) -> Vec<u8> {
    let mut out = vec![0u8; 64 + 2 * 56];
    let mut dynstr = vec![0u8];
    let mut add = |s: &str| {
        let off = dynstr.len() as u64;
        dynstr.extend_from_slice(s.as_bytes());
        dynstr.push(0);
        off
    };
    let soname_off = add(soname);
    let needed_offs: Vec<u64> = needed.iter().map(|n| add(n)).collect();
    let sym_offs: Vec<u64> = syms.iter().map(|s| add(s.0)).collect();
    let strtab = out.len() as u64;
    out.extend_from_slice(&dynstr);
    while out.len() % 8 != 0 {
        out.push(0);
    }
    let symtab = out.len() as u64;
    out.extend_from_slice(&[0u8; 24]); // the null symbol
    for ((_, info, shndx), name) in syms.iter().zip(&sym_offs) {
        out.extend_from_slice(&(*name as u32).to_le_bytes());
        out.push(*info);
        out.push(0);
        out.extend_from_slice(&shndx.to_le_bytes());
        out.extend_from_slice(&0x1000u64.to_le_bytes());
        out.extend_from_slice(&4u64.to_le_bytes());
    }
    let nsyms = syms.len() as u32 + 1;
    let hash = out.len() as u64;
    out.extend_from_slice(&1u32.to_le_bytes()); // nbucket
    out.extend_from_slice(&nsyms.to_le_bytes()); // nchain
    out.extend_from_slice(&0u32.to_le_bytes());
    for _ in 0..nsyms {
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    while out.len() % 8 != 0 {
        out.push(0);
    }
    let dynamic = out.len() as u64;
    let mut dyns = vec![(DT_SONAME, soname_off)];
    dyns.extend(needed_offs.iter().map(|&o| (DT_NEEDED, o)));
    dyns.extend([
        (DT_STRTAB, strtab),
        (DT_STRSZ, dynstr.len() as u64),
        (DT_SYMTAB, symtab),
        (DT_SYMENT, 24),
        (DT_HASH, hash),
        (DT_NULL, 0),
    ]);
    for (tag, val) in &dyns {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&val.to_le_bytes());
    }
    let dyn_size = out.len() as u64 - dynamic;
    let len = out.len() as u64;
    // ELF header.
    out[..16].copy_from_slice(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    out[16..18].copy_from_slice(&3u16.to_le_bytes()); // ET_DYN
    out[18..20].copy_from_slice(&machine.to_le_bytes());
    out[20..24].copy_from_slice(&1u32.to_le_bytes());
    out[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    out[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    out[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    out[56..58].copy_from_slice(&2u16.to_le_bytes()); // e_phnum
    out[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
    let phdr = |out: &mut Vec<u8>, at: usize, ty: u32, flags: u32, off: u64, size: u64| {
        out[at..at + 4].copy_from_slice(&ty.to_le_bytes());
        out[at + 4..at + 8].copy_from_slice(&flags.to_le_bytes());
        for (k, v) in [off, off, off, size, size, 8].iter().enumerate() {
            out[at + 8 + 8 * k..at + 16 + 8 * k].copy_from_slice(&v.to_le_bytes());
        }
    };
    phdr(&mut out, 64, 1, 5, 0, len); // PT_LOAD
    phdr(&mut out, 120, 2, 6, dynamic, dyn_size); // PT_DYNAMIC
    out
}

fn sample() -> Vec<u8> {
    build_so(
        183,
        "libsample.so",
        &["liblog.so", "libc.so"],
        &[
            ("Java_com_example_Foo_bar", GLOBAL_FUNC, 7),
            (
                "Java_com_example_Foo_00024Inner_baz__Ljava_lang_String_2",
                GLOBAL_FUNC,
                7,
            ),
            ("Java_com_ex_1ample_Bar_qux", WEAK_FUNC, 7),
            ("Java_com_example_Foo_again", GLOBAL_FUNC, 7),
            ("JNI_OnLoad", GLOBAL_FUNC, 7),
            ("Java_com_imported_Only_f", GLOBAL_FUNC, 0), // undefined: an import
            ("Java_com_local_Hidden_f", LOCAL_FUNC, 7),   // local: not exported
        ],
    )
}

#[test]
fn reads_abi_soname_needed_exports_and_jni_classes() {
    let lib = parse_elf("lib/arm64-v8a/libsample.so", &sample()).unwrap();
    assert_eq!(lib.path, "lib/arm64-v8a/libsample.so");
    assert_eq!(lib.abi, "arm64-v8a");
    assert_eq!(lib.soname.as_deref(), Some("libsample.so"));
    assert_eq!(lib.needed, ["liblog.so", "libc.so"]);
    assert_eq!(lib.exports, 5);
    assert_eq!(
        lib.jni_classes,
        [
            "com.ex_ample.Bar",
            "com.example.Foo",
            "com.example.Foo$Inner"
        ]
    );
}

#[test]
fn machine_gives_the_abi() {
    for (machine, abi) in [
        (40u16, "armeabi-v7a"),
        (3, "x86"),
        (62, "x86_64"),
        (8, "mips64"),
        (243, "riscv64"),
        (0x1234, "unknown(4660)"),
    ] {
        let mut so = sample();
        so[18..20].copy_from_slice(&machine.to_le_bytes());
        assert_eq!(parse_elf("x.so", &so).unwrap().abi, abi);
    }
}

#[test]
fn tables_outside_the_file_are_errors() {
    let mut so = sample();
    so[56..58].copy_from_slice(&0xffffu16.to_le_bytes()); // e_phnum
    let e = parse_elf("x.so", &so).unwrap_err();
    assert_eq!((e.structure.as_str(), e.offset), ("ELF header", 32));
    let mut so = sample();
    so[40..48].copy_from_slice(&0xffff_ffff_0000u64.to_le_bytes()); // e_shoff
    so[60..62].copy_from_slice(&3u16.to_le_bytes());
    let e = parse_elf("x.so", &so).unwrap_err();
    assert_eq!((e.structure.as_str(), e.offset), ("ELF header", 40));
    let e = parse_elf("x.so", b"MZ\x90\0 this is not an ELF file").unwrap_err();
    assert_eq!(e.structure, "ELF header");
}

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncations_and_byte_flips_never_panic() {
    let so = sample();
    for len in 0..so.len() {
        let _ = parse_elf("x.so", &so[..len]);
    }
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for _ in 0..3000 {
        let mut d = so.clone();
        for _ in 0..1 + rng.next() % 6 {
            let at = (rng.next() % d.len() as u64) as usize;
            d[at] = rng.next() as u8;
        }
        let _ = parse_elf("x.so", &d);
    }
}

/// A real JNI library from the JDK: its exports name Java classes. Under `CI=true` a missing
/// JDK fails the test (`.ci/run` installs openjdk-17-jre-headless); elsewhere it is skipped with
/// a note.
#[test]
fn a_real_jni_library_from_the_jdk() {
    let path = "/usr/lib/jvm/java-17-openjdk-amd64/lib/libjava.so";
    let Ok(data) = std::fs::read(path) else {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "{path} is missing under CI=true: install openjdk-17-jre-headless (.ci/run does)"
        );
        eprintln!("skipped: {path} is not installed (apt-get install -y openjdk-17-jre-headless); under CI=true this fails");
        return;
    };
    let lib = parse_elf(path, &data).unwrap();
    assert_eq!(lib.abi, "x86_64");
    assert_eq!(lib.soname.as_deref(), Some("libjava.so"));
    assert_eq!(lib.needed, ["libjvm.so", "libc.so.6"]);
    assert!(lib.exports > 200, "{}", lib.exports);
    for class in [
        "java.io.Console",
        "java.lang.Object",
        "jdk.internal.misc.VM",
    ] {
        assert!(
            lib.jni_classes.iter().any(|c| c == class),
            "{class}: {:?}",
            lib.jni_classes
        );
    }
    assert!(lib.jni_classes.windows(2).all(|w| w[0] < w[1]));
    eprintln!(
        "{} exports, {} JNI classes",
        lib.exports,
        lib.jni_classes.len()
    );
}
