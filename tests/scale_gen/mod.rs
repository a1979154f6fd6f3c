//! A generator of large synthetic apps for the scale tests (`tests/scale.rs`) and the scale
//! benchmark (`examples/scale_apk.rs`, `scripts/bench --scale`): N classes over K DEX files,
//! written as valid DEX 035 (sorted id sections, a map_list, the Adler-32 checksum; checked
//! against Debian's `dexdump` by `scripts/bench --scale`), zipped with the binary manifest of
//! `fixtures/clean.apk` (built by aapt). No Android tool is needed to generate.
//!
//! Every class is `L<prefix>/<name>;` under one of [`PREFIXES`] (weighted; SDK packages the
//! knowledge base knows, and the app's own), half with obfuscated names; it has a static field,
//! a static method `a()` (a field read, a const-string, `Log.d`, calls to two neighbour classes)
//! and a virtual method `b()` (a call to `a()`, `String.length()`). One class in [`SENSITIVE_EVERY`]
//! also calls one of the [`SENSITIVE`] APIs (rotating) from `a()`.
//!
//! Deterministic: the same (classes, dex files) give the same bytes.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

/// Package prefixes (slash form) and their weights.
pub const PREFIXES: &[(&str, usize)] = &[
    ("com/example/bigapp", 25),
    ("androidx/core", 8),
    ("kotlin/collections", 5),
    ("com/google/android/gms/internal", 10),
    ("okhttp3/internal", 4),
    ("com/tencent/bugly/crashreport", 3),
    ("com/umeng/analytics/pro", 5),
    ("cn/jpush/android/service", 4),
    ("com/amap/api/location", 4),
    ("com/bytedance/sdk/openadsdk", 5),
    ("io/reactivex/internal/operators", 5),
];

/// One class in this many calls a sensitive API.
pub const SENSITIVE_EVERY: usize = 97;

/// The sensitive references, by kind: (what, the catalogue's api, its data type).
pub const SENSITIVE: &[(&str, &str, &str)] = &[
    (
        "invoke",
        "Landroid/telephony/TelephonyManager;->getDeviceId",
        "imei",
    ),
    (
        "invoke",
        "Landroid/net/wifi/WifiInfo;->getMacAddress",
        "wifi_mac",
    ),
    (
        "invoke",
        "Landroid/location/LocationManager;->getLastKnownLocation",
        "precise_location",
    ),
    (
        "field",
        "Landroid/provider/ContactsContract$Contacts;->CONTENT_URI",
        "contacts",
    ),
    ("string", "content://sms", "sms"),
];

/// The shape of a generated app.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub classes: usize,
    pub dex_files: usize,
}

/// What a generated app holds, for the assertions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// Classes per DEX file, in order.
    pub classes_per_dex: Vec<usize>,
    /// Classes per prefix (dot form).
    pub per_prefix: BTreeMap<String, usize>,
    /// Classes calling a sensitive API, per SENSITIVE index.
    pub sensitive: Vec<usize>,
    /// Total bytes of DEX.
    pub dex_bytes: usize,
}

/// The prefix index of global class `g` (weighted, spread over the app).
fn prefix_of(g: usize) -> usize {
    let total: usize = PREFIXES.iter().map(|p| p.1).sum();
    let mut x = (g.wrapping_mul(7919) + g / 3) % total;
    for (i, p) in PREFIXES.iter().enumerate() {
        if x < p.1 {
            return i;
        }
        x -= p.1;
    }
    0
}

/// The descriptor of global class `g`.
pub fn descriptor(g: usize) -> String {
    let prefix = PREFIXES[prefix_of(g)].0;
    if g % 2 == 0 {
        format!("L{prefix}/C{g};")
    } else {
        // Obfuscated: base-26 letters, unique per g.
        let mut n = g;
        let mut s = String::new();
        loop {
            s.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
            if n == 0 {
                break;
            }
        }
        format!("L{prefix}/{s};")
    }
}

/// The range of global classes in DEX `k`.
pub fn dex_range(spec: Spec, k: usize) -> std::ops::Range<usize> {
    let per = spec.classes.div_ceil(spec.dex_files);
    let start = (k * per).min(spec.classes);
    start..((k + 1) * per).min(spec.classes)
}

/// The sensitive kind of class `g`, if it has one.
pub fn sensitive_kind(g: usize) -> Option<usize> {
    (g % SENSITIVE_EVERY == 3).then(|| (g / SENSITIVE_EVERY) % SENSITIVE.len())
}

/// What the app holds, computed from the spec alone.
pub fn expected(spec: Spec) -> Expected {
    let mut e = Expected {
        sensitive: vec![0; SENSITIVE.len()],
        ..Default::default()
    };
    for k in 0..spec.dex_files {
        let r = dex_range(spec, k);
        e.classes_per_dex.push(r.len());
        for g in r {
            *e.per_prefix
                .entry(PREFIXES[prefix_of(g)].0.replace('/', "."))
                .or_default() += 1;
            if let Some(s) = sensitive_kind(g) {
                e.sensitive[s] += 1;
            }
        }
    }
    e
}

// ---------------------------------------------------------------------------------------------
// The DEX writer: symbolic items, sorted and numbered at the end.

type Proto = (&'static str, &'static str, &'static [&'static str]); // shorty, return, params

const P_V: Proto = ("V", "V", &[]);
const P_I: Proto = ("I", "I", &[]);
const P_STR: Proto = ("L", "Ljava/lang/String;", &[]);
const P_LOG: Proto = ("ILL", "I", &["Ljava/lang/String;", "Ljava/lang/String;"]);
const P_LOC: Proto = ("LL", "Landroid/location/Location;", &["Ljava/lang/String;"]);
const P_URI: Proto = ("LL", "Landroid/net/Uri;", &["Ljava/lang/String;"]);

#[derive(Clone, PartialEq, Eq, Hash)]
struct MRef(String, &'static str, Proto);
#[derive(Clone, PartialEq, Eq, Hash)]
struct FRef(String, &'static str, &'static str);

/// A code unit, or a reference to be numbered.
enum U {
    Raw(u16),
    Str(String),
    Method(MRef),
    Field(FRef),
}

struct Method {
    mref: MRef,
    access: u32,
    registers: u16,
    ins: u16,
    outs: u16,
    code: Vec<U>,
}

struct Class {
    desc: String,
    field: FRef,
    direct: Method,
    virtual_: Method,
}

fn class_code(spec: Spec, k: usize, g: usize) -> Class {
    let range = dex_range(spec, k);
    let desc = descriptor(g);
    let neighbour = |step: usize| {
        let n = range.start + (g - range.start + step) % range.len();
        MRef(descriptor(n), "a", P_V)
    };
    let field = FRef(desc.clone(), "f", "Ljava/lang/String;");
    let log = MRef("Landroid/util/Log;".into(), "d", P_LOG);
    let mut a = vec![
        U::Raw(0x0062), // sget-object v0, field
        U::Field(field.clone()),
        U::Raw(0x011a), // const-string v1, string
        U::Str(format!("s{g}")),
        U::Raw(0x2071), // invoke-static {v1, v0}, Log.d
        U::Method(log),
        U::Raw(0x0001),
        U::Raw(0x020a), // move-result v2
        U::Raw(0x0071), // invoke-static {}, neighbour.a()
        U::Method(neighbour(1)),
        U::Raw(0),
        U::Raw(0x0071),
        U::Method(neighbour(7)),
        U::Raw(0),
    ];
    match sensitive_kind(g) {
        Some(0) | Some(1) => {
            let (cls, name) = if sensitive_kind(g) == Some(0) {
                ("Landroid/telephony/TelephonyManager;", "getDeviceId")
            } else {
                ("Landroid/net/wifi/WifiInfo;", "getMacAddress")
            };
            a.extend([
                U::Raw(0x0012), // const/4 v0, 0
                U::Raw(0x106e), // invoke-virtual {v0}
                U::Method(MRef(cls.into(), name, P_STR)),
                U::Raw(0x0000),
                U::Raw(0x000c), // move-result-object v0
            ]);
        }
        Some(2) => a.extend([
            U::Raw(0x0012),
            U::Raw(0x011a), // const-string v1, "gps"
            U::Str("gps".into()),
            U::Raw(0x206e), // invoke-virtual {v0, v1}
            U::Method(MRef(
                "Landroid/location/LocationManager;".into(),
                "getLastKnownLocation",
                P_LOC,
            )),
            U::Raw(0x0010),
            U::Raw(0x000c),
        ]),
        Some(3) => a.extend([
            U::Raw(0x0062), // sget-object v0
            U::Field(FRef(
                "Landroid/provider/ContactsContract$Contacts;".into(),
                "CONTENT_URI",
                "Landroid/net/Uri;",
            )),
        ]),
        Some(_) => a.extend([
            U::Raw(0x001a), // const-string v0
            U::Str("content://sms/inbox".into()),
            U::Raw(0x1071), // invoke-static {v0}, Uri.parse
            U::Method(MRef("Landroid/net/Uri;".into(), "parse", P_URI)),
            U::Raw(0x0000),
            U::Raw(0x000c),
        ]),
        None => {}
    }
    a.push(U::Raw(0x000e)); // return-void
    let b = vec![
        U::Raw(0x0071), // invoke-static {}, a()
        U::Method(MRef(desc.clone(), "a", P_V)),
        U::Raw(0),
        U::Raw(0x106e), // invoke-virtual {v1}, String.length()
        U::Method(MRef("Ljava/lang/String;".into(), "length", P_I)),
        U::Raw(0x0001),
        U::Raw(0x000a), // move-result v0
        U::Raw(0x000e),
    ];
    Class {
        direct: Method {
            mref: MRef(desc.clone(), "a", P_V),
            access: 0x9,
            registers: 3,
            ins: 0,
            outs: 2,
            code: a,
        },
        virtual_: Method {
            mref: MRef(desc.clone(), "b", P_V),
            access: 0x1,
            registers: 2,
            ins: 1,
            outs: 1,
            code: b,
        },
        field,
        desc,
    }
}

fn put(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn uleb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn align4(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

/// Adler-32, as the DEX header's checksum.
fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// The bytes of DEX file `k` of the app.
pub fn dex_file(spec: Spec, k: usize) -> Vec<u8> {
    let classes: Vec<Class> = dex_range(spec, k).map(|g| class_code(spec, k, g)).collect();
    // Every symbol.
    let mut strings: BTreeSet<String> = BTreeSet::new();
    let mut types: BTreeSet<String> = BTreeSet::new();
    let mut protos: Vec<Proto> = Vec::new();
    let mut methods: Vec<MRef> = Vec::new();
    let mut fields: Vec<FRef> = Vec::new();
    types.insert("Ljava/lang/Object;".into());
    let add_proto = |p: Proto, protos: &mut Vec<Proto>| {
        if !protos.contains(&p) {
            protos.push(p);
        }
    };
    for c in &classes {
        types.insert(c.desc.clone());
        for m in [&c.direct, &c.virtual_] {
            methods.push(m.mref.clone());
            for u in &m.code {
                match u {
                    U::Str(s) => {
                        strings.insert(s.clone());
                    }
                    U::Method(r) => methods.push(r.clone()),
                    U::Field(f) => fields.push(f.clone()),
                    U::Raw(_) => {}
                }
            }
        }
        fields.push(c.field.clone());
    }
    methods.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    methods.dedup();
    fields.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    fields.dedup();
    for m in &methods {
        types.insert(m.0.clone());
        strings.insert(m.1.into());
        add_proto(m.2, &mut protos);
    }
    for f in &fields {
        types.insert(f.0.clone());
        types.insert(f.2.into());
        strings.insert(f.1.into());
    }
    for p in &protos {
        strings.insert(p.0.into());
        types.insert(p.1.into());
        types.extend(p.2.iter().map(|s| s.to_string()));
    }
    strings.extend(types.iter().cloned());
    // Numbering: strings sorted (ASCII: byte order is UTF-16 order), types by string index
    // (sorted descriptors), protos by (return, params), fields and methods by (class, name, ...).
    let strings: Vec<String> = strings.into_iter().collect();
    assert!(strings.len() < 65536, "too many strings for const-string");
    let sidx: HashMap<&str, u32> = strings
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let types: Vec<String> = types.into_iter().collect();
    let tidx: HashMap<&str, u32> = types
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let proto_key = |p: &Proto| {
        (
            tidx[p.1],
            p.2.iter().map(|t| tidx[*t]).collect::<Vec<u32>>(),
        )
    };
    protos.sort_by_key(proto_key);
    let pidx: HashMap<Proto, u32> = protos
        .iter()
        .enumerate()
        .map(|(i, p)| (*p, i as u32))
        .collect();
    methods.sort_by_key(|m| (tidx[m.0.as_str()], sidx[m.1], pidx[&m.2]));
    assert!(methods.len() <= 65536, "too many methods in one DEX");
    let midx: HashMap<&MRef, u32> = methods
        .iter()
        .enumerate()
        .map(|(i, m)| (m, i as u32))
        .collect();
    fields.sort_by_key(|f| (tidx[f.0.as_str()], sidx[f.1], tidx[f.2]));
    let fidx: HashMap<&FRef, u32> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f, i as u32))
        .collect();

    // Layout.
    let string_ids = 0x70;
    let type_ids = string_ids + 4 * strings.len();
    let proto_ids = type_ids + 4 * types.len();
    let field_ids = proto_ids + 12 * protos.len();
    let method_ids = field_ids + 8 * fields.len();
    let class_defs = method_ids + 8 * methods.len();
    let data_off = class_defs + 32 * classes.len();
    let mut out = vec![0u8; data_off];
    let mut map: Vec<(u16, u32, u32)> = vec![
        (0x0000, 1, 0),
        (0x0001, strings.len() as u32, string_ids as u32),
        (0x0002, types.len() as u32, type_ids as u32),
        (0x0003, protos.len() as u32, proto_ids as u32),
        (0x0004, fields.len() as u32, field_ids as u32),
        (0x0005, methods.len() as u32, method_ids as u32),
        (0x0006, classes.len() as u32, class_defs as u32),
    ];
    for (i, t) in types.iter().enumerate() {
        put(&mut out, type_ids + 4 * i, sidx[t.as_str()]);
    }
    // type_lists of the protos with parameters.
    let lists_at = out.len();
    let mut lists = 0;
    for (i, p) in protos.iter().enumerate() {
        let at = proto_ids + 12 * i;
        put(&mut out, at, sidx[p.0]);
        put(&mut out, at + 4, tidx[p.1]);
        if !p.2.is_empty() {
            align4(&mut out);
            let off = out.len() as u32;
            put(&mut out, at + 8, off);
            out.extend_from_slice(&(p.2.len() as u32).to_le_bytes());
            for t in p.2 {
                out.extend_from_slice(&(tidx[*t] as u16).to_le_bytes());
            }
            lists += 1;
        }
    }
    if lists > 0 {
        map.push((0x1001, lists, lists_at as u32));
    }
    for (i, f) in fields.iter().enumerate() {
        let at = field_ids + 8 * i;
        out[at..at + 2].copy_from_slice(&(tidx[f.0.as_str()] as u16).to_le_bytes());
        out[at + 2..at + 4].copy_from_slice(&(tidx[f.2] as u16).to_le_bytes());
        put(&mut out, at + 4, sidx[f.1]);
    }
    for (i, m) in methods.iter().enumerate() {
        let at = method_ids + 8 * i;
        out[at..at + 2].copy_from_slice(&(tidx[m.0.as_str()] as u16).to_le_bytes());
        out[at + 2..at + 4].copy_from_slice(&(pidx[&m.2] as u16).to_le_bytes());
        put(&mut out, at + 4, sidx[m.1]);
    }
    // code_items.
    align4(&mut out);
    let code_at = out.len();
    let mut code_offs = Vec::with_capacity(classes.len());
    for c in &classes {
        let mut offs = [0u32; 2];
        for (j, m) in [&c.direct, &c.virtual_].into_iter().enumerate() {
            align4(&mut out);
            offs[j] = out.len() as u32;
            for v in [m.registers, m.ins, m.outs, 0] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&0u32.to_le_bytes()); // debug_info_off
            out.extend_from_slice(&(m.code.len() as u32).to_le_bytes());
            for u in &m.code {
                let v = match u {
                    U::Raw(v) => *v,
                    U::Str(s) => sidx[s.as_str()] as u16,
                    U::Method(r) => midx[r] as u16,
                    U::Field(f) => fidx[f] as u16,
                };
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        code_offs.push(offs);
    }
    map.push((0x2001, 2 * classes.len() as u32, code_at as u32));
    // string_data_items.
    let strings_at = out.len();
    for (i, s) in strings.iter().enumerate() {
        let here = out.len() as u32;
        put(&mut out, string_ids + 4 * i, here);
        uleb(&mut out, s.len() as u32);
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }
    map.push((0x2002, strings.len() as u32, strings_at as u32));
    // class_data_items and class_defs.
    let class_data_at = out.len();
    let object = tidx["Ljava/lang/Object;"];
    for (i, c) in classes.iter().enumerate() {
        let at = class_defs + 32 * i;
        put(&mut out, at, tidx[c.desc.as_str()]);
        put(&mut out, at + 4, 1); // public
        put(&mut out, at + 8, object);
        put(&mut out, at + 16, u32::MAX); // no source file
        let here = out.len() as u32;
        put(&mut out, at + 24, here);
        for n in [1, 0, 1, 1] {
            uleb(&mut out, n);
        }
        uleb(&mut out, fidx[&c.field]);
        uleb(&mut out, 0x9);
        for (j, m) in [&c.direct, &c.virtual_].into_iter().enumerate() {
            uleb(&mut out, midx[&m.mref]);
            uleb(&mut out, m.access);
            uleb(&mut out, code_offs[i][j]);
        }
    }
    map.push((0x2000, classes.len() as u32, class_data_at as u32));
    // map_list.
    align4(&mut out);
    let map_at = out.len();
    map.push((0x1000, 1, map_at as u32));
    out.extend_from_slice(&(map.len() as u32).to_le_bytes());
    for (ty, n, off) in &map {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&off.to_le_bytes());
    }
    // Header.
    let size = out.len();
    out[..8].copy_from_slice(b"dex\n035\0");
    put(&mut out, 0x20, size as u32);
    put(&mut out, 0x24, 0x70);
    put(&mut out, 0x28, 0x1234_5678);
    put(&mut out, 0x34, map_at as u32);
    let sections = [
        (strings.len(), string_ids),
        (types.len(), type_ids),
        (protos.len(), proto_ids),
        (fields.len(), field_ids),
        (methods.len(), method_ids),
        (classes.len(), class_defs),
        (size - data_off, data_off),
    ];
    for (j, (n, off)) in sections.into_iter().enumerate() {
        put(&mut out, 0x38 + 8 * j, n as u32);
        put(&mut out, 0x3c + 8 * j, if n == 0 { 0 } else { off as u32 });
    }
    let sum = adler32(&out[12..]);
    put(&mut out, 8, sum);
    out
}

/// Writes the app as an APK: `manifest` (a binary AndroidManifest.xml) and classes*.dex,
/// deflated at `level` (None: stored). Returns what it holds.
pub fn write_apk(
    spec: Spec,
    manifest: &[u8],
    level: Option<i64>,
    w: impl Write + std::io::Seek,
) -> std::io::Result<Expected> {
    use zip::write::SimpleFileOptions;
    let opts = match level {
        Some(l) => SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(l)),
        None => SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    }
    .large_file(false);
    let mut zip = zip::ZipWriter::new(w);
    zip.start_file("AndroidManifest.xml", opts)?;
    zip.write_all(manifest)?;
    let mut e = expected(spec);
    for k in 0..spec.dex_files {
        let name = if k == 0 {
            "classes.dex".to_string()
        } else {
            format!("classes{}.dex", k + 1)
        };
        let dex = dex_file(spec, k);
        e.dex_bytes += dex.len();
        zip.start_file(name, opts)?;
        zip.write_all(&dex)?;
    }
    zip.finish()?;
    Ok(e)
}

/// The binary manifest of `fixtures/clean.apk` (package `com.example.clean`, built by aapt).
pub fn fixture_manifest(root: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let f = std::fs::File::open(root.join("fixtures/clean.apk")).expect("fixtures/clean.apk");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    let mut m = z.by_name("AndroidManifest.xml").expect("manifest");
    let mut v = Vec::new();
    m.read_to_end(&mut v).expect("read");
    v
}
