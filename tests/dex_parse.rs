//! DEX parsing against small DEX files laid out by a writer in this file: every invoke form,
//! payloads, MUTF-8, and malformed input (truncations, huge counts, bad offsets, byte flips).

mod common;

use appaudit::apk::dex::{self, adler32, class_refs, invoked_methods, parse_dex, DexOptions};
use appaudit::rules::apis::ApiCatalog;
use common::uleb;
use std::collections::HashMap;

// ---------------------------------------------------------------------------------------------
// A tiny DEX writer.

#[derive(Default)]
struct DexBuilder {
    strings: Vec<Vec<u8>>,
    string_index: HashMap<Vec<u8>, u32>,
    types: Vec<u32>,
    type_index: HashMap<u32, u32>,
    protos: Vec<(u32, Vec<u32>)>,
    methods: Vec<(u32, u32, u32)>, // class type, proto, name string
    method_index: HashMap<(u32, u32, u32), u32>,
    classes: Vec<ClassSpec>,
    /// Call sites (for invoke-custom), each given by its bootstrap method id.
    call_sites: Vec<u32>,
    version: [u8; 3],
}

struct ClassSpec {
    type_idx: u32,
    direct: Vec<(u32, Vec<u16>)>,
    virtual_: Vec<(u32, Vec<u16>)>,
    no_data: bool,
}

/// Where the builder put things, for tests that break them.
#[derive(Debug, Default)]
struct Layout {
    string_ids_off: usize,
    type_ids_off: usize,
    method_ids_off: usize,
    class_defs_off: usize,
    class_data: Vec<usize>,
    code: Vec<usize>,
}

fn align4(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

fn put_u32(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

impl DexBuilder {
    fn new() -> Self {
        DexBuilder {
            version: *b"035",
            ..Default::default()
        }
    }

    /// A string from raw MUTF-8 bytes.
    fn raw_string(&mut self, bytes: &[u8]) -> u32 {
        if let Some(&i) = self.string_index.get(bytes) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(bytes.to_vec());
        self.string_index.insert(bytes.to_vec(), i);
        i
    }

    fn string(&mut self, s: &str) -> u32 {
        self.raw_string(&dex::mutf8::encode(s))
    }

    fn ty(&mut self, descriptor: &str) -> u32 {
        let s = self.string(descriptor);
        self.raw_type(s)
    }

    fn raw_type(&mut self, s: u32) -> u32 {
        if let Some(&t) = self.type_index.get(&s) {
            return t;
        }
        let t = self.types.len() as u32;
        self.types.push(s);
        self.type_index.insert(s, t);
        t
    }

    /// A method id from `Lcls;`, name, `(params)ret` given as return and params.
    fn method(&mut self, class: &str, name: &str, ret: &str, params: &[&str]) -> u32 {
        let c = self.ty(class);
        let n = self.string(name);
        let r = self.ty(ret);
        let ps: Vec<u32> = params.iter().map(|p| self.ty(p)).collect();
        let p = match self.protos.iter().position(|x| x.0 == r && x.1 == ps) {
            Some(p) => p as u32,
            None => {
                self.protos.push((r, ps));
                (self.protos.len() - 1) as u32
            }
        };
        let key = (c, p, n);
        if let Some(&m) = self.method_index.get(&key) {
            return m;
        }
        let m = self.methods.len() as u32;
        self.methods.push(key);
        self.method_index.insert(key, m);
        m
    }

    /// A class whose direct methods `run0`, `run1`... and virtual methods `v0`... have the given code.
    fn class(&mut self, descriptor: &str, direct: Vec<Vec<u16>>, virtual_: Vec<Vec<u16>>) {
        let t = self.ty(descriptor);
        let direct = direct
            .into_iter()
            .enumerate()
            .map(|(i, c)| (self.method(descriptor, &format!("run{i}"), "V", &[]), c))
            .collect();
        let virtual_ = virtual_
            .into_iter()
            .enumerate()
            .map(|(i, c)| (self.method(descriptor, &format!("v{i}"), "V", &[]), c))
            .collect();
        self.classes.push(ClassSpec {
            type_idx: t,
            direct,
            virtual_,
            no_data: false,
        });
    }

    fn class_without_data(&mut self, descriptor: &str) {
        let t = self.ty(descriptor);
        self.classes.push(ClassSpec {
            type_idx: t,
            direct: vec![],
            virtual_: vec![],
            no_data: true,
        });
    }

    fn build(&self) -> (Vec<u8>, Layout) {
        let mut lay = Layout::default();
        let mut out = vec![0u8; 0x70];
        lay.string_ids_off = out.len();
        out.resize(out.len() + 4 * self.strings.len(), 0);
        lay.type_ids_off = out.len();
        out.resize(out.len() + 4 * self.types.len(), 0);
        let proto_ids_off = out.len();
        out.resize(out.len() + 12 * self.protos.len(), 0);
        lay.method_ids_off = out.len();
        out.resize(out.len() + 8 * self.methods.len(), 0);
        lay.class_defs_off = out.len();
        out.resize(out.len() + 32 * self.classes.len(), 0);
        let data_off = out.len();
        for (i, s) in self.strings.iter().enumerate() {
            let at = out.len() as u32;
            put_u32(&mut out, lay.string_ids_off + 4 * i, at);
            uleb(&mut out, s.len() as u32);
            out.extend_from_slice(s);
            out.push(0);
        }
        for (i, &s) in self.types.iter().enumerate() {
            put_u32(&mut out, lay.type_ids_off + 4 * i, s);
        }
        for (i, (ret, params)) in self.protos.iter().enumerate() {
            let at = proto_ids_off + 12 * i;
            let shorty = self.string_index.get(&b"V"[..]).copied().unwrap_or(0);
            put_u32(&mut out, at, shorty);
            put_u32(&mut out, at + 4, *ret);
            if !params.is_empty() {
                align4(&mut out);
                let off = out.len() as u32;
                put_u32(&mut out, at + 8, off);
                out.extend_from_slice(&(params.len() as u32).to_le_bytes());
                for &p in params {
                    out.extend_from_slice(&(p as u16).to_le_bytes());
                }
            }
        }
        for (i, &(c, p, n)) in self.methods.iter().enumerate() {
            let at = lay.method_ids_off + 8 * i;
            out[at..at + 2].copy_from_slice(&(c as u16).to_le_bytes());
            out[at + 2..at + 4].copy_from_slice(&(p as u16).to_le_bytes());
            put_u32(&mut out, at + 4, n);
        }
        for (i, cls) in self.classes.iter().enumerate() {
            let at = lay.class_defs_off + 32 * i;
            put_u32(&mut out, at, cls.type_idx);
            put_u32(&mut out, at + 4, 1); // public
            put_u32(&mut out, at + 8, u32::MAX); // no superclass
            put_u32(&mut out, at + 16, u32::MAX); // no source file
            if cls.no_data {
                lay.class_data.push(0);
                continue;
            }
            let mut lists = [cls.direct.clone(), cls.virtual_.clone()];
            let mut code_offs = [Vec::new(), Vec::new()];
            for (l, list) in lists.iter_mut().enumerate() {
                list.sort_by_key(|m| m.0);
                for (_, code) in list.iter() {
                    align4(&mut out);
                    code_offs[l].push(out.len() as u32);
                    lay.code.push(out.len());
                    out.extend_from_slice(&[4, 0, 1, 0, 2, 0, 0, 0]); // registers, ins, outs, tries
                    out.extend_from_slice(&0u32.to_le_bytes()); // debug_info_off
                    out.extend_from_slice(&(code.len() as u32).to_le_bytes());
                    for u in code {
                        out.extend_from_slice(&u.to_le_bytes());
                    }
                }
            }
            let cd = out.len();
            lay.class_data.push(cd);
            put_u32(&mut out, at + 24, cd as u32);
            uleb(&mut out, 0);
            uleb(&mut out, 0);
            uleb(&mut out, lists[0].len() as u32);
            uleb(&mut out, lists[1].len() as u32);
            for (l, list) in lists.iter().enumerate() {
                let mut prev = 0;
                for (k, (m, _)) in list.iter().enumerate() {
                    uleb(&mut out, if k == 0 { *m } else { m - prev });
                    prev = *m;
                    uleb(&mut out, 1);
                    uleb(&mut out, code_offs[l][k]);
                }
            }
        }
        if !self.call_sites.is_empty() {
            // method_handle_items (invoke-static), call_site_items, and a map_list naming them.
            align4(&mut out);
            let handles = out.len();
            for &m in &self.call_sites {
                out.extend_from_slice(&4u16.to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
                out.extend_from_slice(&(m as u16).to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
            }
            let mut items = Vec::new();
            for k in 0..self.call_sites.len() {
                items.push(out.len() as u32);
                // [method handle k, string 0, method type 0]
                out.extend_from_slice(&[3, 0x16 | (1 << 5)]);
                out.extend_from_slice(&(k as u16).to_le_bytes());
                out.extend_from_slice(&[0x17, 0, 0x15, 0]);
            }
            align4(&mut out);
            let ids = out.len();
            for off in items {
                out.extend_from_slice(&off.to_le_bytes());
            }
            let map = out.len();
            out.extend_from_slice(&2u32.to_le_bytes());
            for (ty, off) in [(7u16, ids), (8u16, handles)] {
                out.extend_from_slice(&ty.to_le_bytes());
                out.extend_from_slice(&0u16.to_le_bytes());
                out.extend_from_slice(&(self.call_sites.len() as u32).to_le_bytes());
                out.extend_from_slice(&(off as u32).to_le_bytes());
            }
            put_u32(&mut out, 0x34, map as u32);
        }
        let file_size = out.len() as u32;
        out[..8].copy_from_slice(b"dex\n000\0");
        out[4..7].copy_from_slice(&self.version);
        put_u32(&mut out, 0x20, file_size);
        put_u32(&mut out, 0x24, 0x70);
        put_u32(&mut out, 0x28, 0x1234_5678);
        let sections = [
            (self.strings.len(), lay.string_ids_off),
            (self.types.len(), lay.type_ids_off),
            (self.protos.len(), proto_ids_off),
            (0, 0),
            (self.methods.len(), lay.method_ids_off),
            (self.classes.len(), lay.class_defs_off),
            (out.len() - data_off, data_off),
        ];
        for (k, (n, off)) in sections.iter().enumerate() {
            put_u32(&mut out, 0x38 + 8 * k, *n as u32);
            put_u32(
                &mut out,
                0x3c + 8 * k,
                if *n == 0 { 0 } else { *off as u32 },
            );
        }
        fix_checksum(&mut out);
        (out, lay)
    }
}

fn fix_checksum(d: &mut [u8]) {
    let sum = adler32(&d[12..]);
    put_u32(d, 8, sum);
}

/// Re-declares `file_size` as the slice's length and fixes the checksum (to reach past the header).
fn reseal(d: &mut [u8]) {
    if d.len() >= 0x70 {
        let n = d.len() as u32;
        put_u32(d, 0x20, n);
        fix_checksum(d);
    }
}

// Instruction helpers: code units.
fn invoke35(op: u8, m: u32) -> Vec<u16> {
    vec![0x1000 | u16::from(op), m as u16, 0x0000] // one argument register
}
fn invoke3r(op: u8, m: u32) -> Vec<u16> {
    vec![0x0200 | u16::from(op), m as u16, 0x0000] // two registers from v0
}
fn const_string(s: u32) -> Vec<u16> {
    vec![0x001a, s as u16]
}
fn const_string_jumbo(s: u32) -> Vec<u16> {
    vec![0x001b, s as u16, (s >> 16) as u16]
}
const RETURN_VOID: u16 = 0x000e;

fn opts() -> DexOptions<'static> {
    DexOptions::default()
}

const TM: &str = "Landroid/telephony/TelephonyManager;";

// ---------------------------------------------------------------------------------------------

/// A DEX with one class using every invoke form, payloads between calls and both const-strings.
fn every_form() -> (Vec<u8>, Vec<String>, Vec<String>) {
    let mut b = DexBuilder::new();
    let str_ = "Ljava/lang/String;";
    let forms: [(u8, &str, &str); 5] = [
        (0x6e, TM, "getDeviceId"),
        (0x6f, "Ljava/lang/Object;", "toString"),
        (0x70, "Lcom/example/Main;", "helper"),
        (0x71, "Landroid/provider/Settings$Secure;", "getString"),
        (0x72, "Ljava/util/List;", "size"),
    ];
    let mut code = Vec::new();
    let mut expected = Vec::new();
    for (k, (op, cls, name)) in forms.iter().enumerate() {
        let m = b.method(cls, name, str_, &[]);
        code.extend(invoke35(*op, m));
        expected.push(format!("{cls}->{name}(){str_}"));
        // The /range form of the same kind, on another method with parameters.
        let pname = format!("{name}R{k}");
        let m = b.method(cls, &pname, "I", &["I", "[J"]);
        code.extend(invoke3r(op + 6, m));
        expected.push(format!("{cls}->{pname}(I[J)I"));
    }
    // A packed-switch payload (its targets look like invokes) must be skipped.
    code.extend([0x0000]); // nop padding
    code.extend([0x0100, 2, 0, 0, 0x006e, 0, 0x006e, 0]);
    let poly = b.method(
        "Ljava/lang/invoke/MethodHandle;",
        "invokeExact",
        "Ljava/lang/Object;",
        &["[Ljava/lang/Object;"],
    );
    code.extend([0x10fa, poly as u16, 0, 0]); // invoke-polymorphic (proto index ignored)
    expected.push(
        "Ljava/lang/invoke/MethodHandle;->invokeExact([Ljava/lang/Object;)Ljava/lang/Object;"
            .into(),
    );
    code.extend([0x0200, 1, 0x006e, 0, 0x0071, 0]); // sparse-switch payload
    code.extend([0x03fb, poly as u16, 0, 0]); // invoke-polymorphic/range
    expected.push(
        "Ljava/lang/invoke/MethodHandle;->invokeExact([Ljava/lang/Object;)Ljava/lang/Object;"
            .into(),
    );
    code.extend([0x0300, 2, 3, 0, 0x6e6e, 0x7070, 0x7171]); // fill-array-data, 3 shorts
    let boot = b.method(
        "Ljava/lang/invoke/LambdaMetafactory;",
        "metafactory",
        "Ljava/lang/invoke/CallSite;",
        &[
            "Ljava/lang/invoke/MethodHandles$Lookup;",
            "Ljava/lang/String;",
            "Ljava/lang/invoke/MethodType;",
        ],
    );
    b.call_sites.push(boot);
    let boot_sig = "Ljava/lang/invoke/LambdaMetafactory;->metafactory(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;";
    code.extend([0x10fc, 0, 0]); // invoke-custom call_site@0: its bootstrap method
    expected.push(boot_sig.into());
    code.extend([0x00fd, 0, 0]); // invoke-custom/range
    expected.push(boot_sig.into());
    code.extend([0x00fd, 9, 0]); // a call site that does not exist: nothing
    code.extend([0x0018, 1, 2, 3, 4]); // const-wide (51l)
    let s1 = b.string("plain string");
    let s2 = b.string("jumbo \u{1F600} a\0b");
    code.extend(const_string(s1));
    code.extend(const_string_jumbo(s2));
    code.push(RETURN_VOID);
    b.class("Lcom/example/Main;", vec![code], vec![vec![RETURN_VOID]]);
    let strings = vec![
        "plain string".to_string(),
        "jumbo \u{1F600} a\0b".to_string(),
    ];
    (b.build().0, expected, strings)
}

#[test]
fn every_invoke_form_is_found_with_its_exact_target() {
    let (data, expected, strings) = every_form();
    assert_eq!(
        invoked_methods(&data, "com.example.Main").unwrap(),
        expected
    );
    let refs = class_refs(&data, "Lcom/example/Main;").unwrap().unwrap();
    assert_eq!(refs.invoked, expected);
    assert_eq!(refs.strings, strings);
    assert_eq!(
        invoked_methods(&data, "com.example.Missing").unwrap(),
        Vec::<String>::new()
    );
    let s = parse_dex("classes.dex", &data, &opts()).unwrap();
    assert!(s.anomalies.is_empty(), "{:?}", s.anomalies);
    assert_eq!(s.classes, ["com.example.Main"]);
    let apis: Vec<_> = s.api_calls.iter().map(|c| c.api.as_str()).collect();
    assert_eq!(
        apis,
        [
            "Landroid/provider/Settings$Secure;->getString",
            "Landroid/telephony/TelephonyManager;->getDeviceId"
        ]
    );
}

#[test]
fn invoke_custom_matches_through_its_bootstrap_method() {
    let mut b = DexBuilder::new();
    let imei = b.method(TM, "getDeviceId", "Ljava/lang/String;", &[]);
    b.call_sites.push(imei);
    b.class(
        "Lcom/x/Indy;",
        vec![vec![0x00fc, 0, 0, RETURN_VOID]],
        vec![],
    );
    let (data, _) = b.build();
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    assert_eq!(s.api_calls.len(), 1);
    assert_eq!(s.api_calls[0].caller, "com.x.Indy");
    assert_eq!(s.api_calls[0].data_type, "imei");
}

#[test]
fn api_calls_are_unique_sorted_and_attributed_to_the_caller() {
    let mut b = DexBuilder::new();
    let imei = b.method(TM, "getDeviceId", "Ljava/lang/String;", &[]);
    let mac = b.method(
        "Landroid/net/wifi/WifiInfo;",
        "getMacAddress",
        "Ljava/lang/String;",
        &[],
    );
    let other = b.method(TM, "getPhoneType", "I", &[]); // not in the catalogue
    let amap = b.method(
        "Lcom/amap/api/location/AMapLocationClient;",
        "startLocation",
        "V",
        &[],
    );
    let mut twice = invoke35(0x6e, imei);
    twice.extend(invoke3r(0x74, imei));
    twice.extend(invoke35(0x6e, other));
    twice.push(RETURN_VOID);
    let mut mac_code = invoke35(0x6e, mac);
    mac_code.push(RETURN_VOID);
    b.class("Lcom/z/Last;", vec![twice.clone()], vec![]);
    b.class("Lcom/a/First$Inner;", vec![mac_code], vec![twice]);
    b.class_without_data("Lcom/a/Iface;");
    let mut amap_code = invoke35(0x6e, amap);
    amap_code.push(RETURN_VOID);
    b.class("Lcom/app/Loc;", vec![], vec![amap_code]);
    let (data, _) = b.build();
    let s = parse_dex("classes.dex", &data, &opts()).unwrap();
    assert_eq!(
        s.classes,
        [
            "com.z.Last",
            "com.a.First$Inner",
            "com.a.Iface",
            "com.app.Loc"
        ]
    );
    let got: Vec<(String, String, String)> = s
        .api_calls
        .iter()
        .map(|c| (c.caller.clone(), c.api.clone(), c.data_type.clone()))
        .collect();
    let e = |c: &str, a: &str, d: &str| (c.to_string(), a.to_string(), d.to_string());
    assert_eq!(
        got,
        [
            e(
                "com.a.First$Inner",
                "Landroid/net/wifi/WifiInfo;->getMacAddress",
                "wifi_mac"
            ),
            e(
                "com.a.First$Inner",
                "Landroid/telephony/TelephonyManager;->getDeviceId",
                "imei"
            ),
            e(
                "com.app.Loc",
                "Lcom/amap/api/location/AMapLocationClient;->startLocation",
                "precise_location"
            ),
            e(
                "com.z.Last",
                "Landroid/telephony/TelephonyManager;->getDeviceId",
                "imei"
            ),
        ]
    );
    // A custom catalogue replaces the built-in one.
    let cat = ApiCatalog::from_toml(
        "[[api]]\napi = \"Landroid/telephony/TelephonyManager;->getPhoneType\"\ndata_type = \"phone_type\"\nkind = \"invoke\"\nconfidence = \"low\"\n",
        "custom.toml",
    )
    .unwrap();
    let o = DexOptions {
        apis: Some(&cat),
        ..opts()
    };
    // Its only entry is of low confidence: skipped unless asked for.
    assert!(parse_dex("classes.dex", &data, &o)
        .unwrap()
        .api_calls
        .is_empty());
    let o = DexOptions {
        include_low: true,
        ..o
    };
    let s = parse_dex("classes.dex", &data, &o).unwrap();
    let apis: Vec<_> = s
        .api_calls
        .iter()
        .map(|c| (c.caller.as_str(), c.data_type.as_str()))
        .collect();
    assert_eq!(
        apis,
        [
            ("com.a.First$Inner", "phone_type"),
            ("com.z.Last", "phone_type")
        ]
    );
}

#[test]
fn mutf8_class_names_and_strings() {
    let mut b = DexBuilder::new();
    // U+1F600 as a CESU-8 surrogate pair, and U+0000 as C0 80.
    b.class("Lcom/\u{1F600}/A\0b;", vec![vec![RETURN_VOID]], vec![]);
    b.class("Lcom/\u{4e2d}/B;", vec![], vec![]);
    let (data, _) = b.build();
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    assert_eq!(s.classes, ["com.\u{1F600}.A\0b", "com.\u{4e2d}.B"]);
    assert!(data
        .windows(6)
        .any(|w| w == [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]));
    assert!(data.windows(3).any(|w| w == [b'A', 0xC0, 0x80]));
    assert!(invoked_methods(&data, "com.\u{1F600}.A\0b")
        .unwrap()
        .is_empty());
}

#[test]
fn bad_mutf8_is_an_anomaly_or_in_strict_mode_an_error() {
    let mut b = DexBuilder::new();
    let bad = b.raw_string(b"Lcom/bad\xff;");
    let t = b.raw_type(bad);
    b.class("Lcom/good/A;", vec![], vec![]);
    b.classes.push(ClassSpec {
        type_idx: t,
        direct: vec![],
        virtual_: vec![],
        no_data: true,
    });
    let (data, lay) = b.build();
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    assert_eq!(s.classes, ["com.good.A", "com.bad\u{FFFD}"]);
    assert_eq!(s.anomalies.len(), 1, "{:?}", s.anomalies);
    assert!(
        s.anomalies[0].contains(&format!("string_data_item #{bad}")),
        "{:?}",
        s.anomalies
    );
    let strict = DexOptions {
        strict: true,
        ..opts()
    };
    let e = parse_dex("c.dex", &data, &strict).unwrap_err();
    assert_eq!(e.structure, format!("string_data_item #{bad}"));
    let str_off = u32::from_le_bytes(
        data[lay.string_ids_off + 4 * bad as usize..][..4]
            .try_into()
            .unwrap(),
    );
    // The bad byte: after the uleb128 length (1 byte) and "Lcom/bad" (8 bytes).
    assert_eq!(e.offset, u64::from(str_off) + 1 + 8);
    assert!(e.to_string().contains("MUTF-8"), "{e}");
}

#[test]
fn unused_opcode_stops_only_that_method() {
    let mut b = DexBuilder::new();
    let imei = b.method(TM, "getDeviceId", "Ljava/lang/String;", &[]);
    let imsi = b.method(TM, "getSubscriberId", "Ljava/lang/String;", &[]);
    let line1 = b.method(TM, "getLine1Number", "Ljava/lang/String;", &[]);
    let mut bad = invoke35(0x6e, imei);
    bad.push(0x0073); // unused opcode
    bad.extend(invoke35(0x6e, imsi));
    bad.push(RETURN_VOID);
    let mut good = invoke35(0x6e, line1);
    good.push(RETURN_VOID);
    b.class("Lcom/x/A;", vec![bad], vec![good]);
    let (data, lay) = b.build();
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    let apis: Vec<_> = s.api_calls.iter().map(|c| c.api.as_str()).collect();
    assert_eq!(
        apis,
        [
            "Landroid/telephony/TelephonyManager;->getDeviceId",
            "Landroid/telephony/TelephonyManager;->getLine1Number"
        ]
    );
    assert_eq!(s.anomalies.len(), 1);
    assert!(
        s.anomalies[0].contains("com.x.A") && s.anomalies[0].contains("unused opcode 0x73"),
        "{:?}",
        s.anomalies
    );
    let at = lay.code[0] + 16 + 2 * 3; // the unused opcode follows a 3-unit invoke
    assert!(
        s.anomalies[0].contains(&format!("offset {at:#x}")),
        "{:?}",
        s.anomalies
    );
    let e = invoked_methods(&data, "com.x.A").unwrap_err();
    assert_eq!((e.structure.as_str(), e.offset), ("code_item", at as u64));
    assert!(invoked_methods(&data, "com.x.A").is_err());
}

#[test]
fn broken_class_data_is_an_anomaly_and_later_classes_are_still_read() {
    let mut b = DexBuilder::new();
    let imei = b.method(TM, "getDeviceId", "Ljava/lang/String;", &[]);
    let mut code = invoke35(0x6e, imei);
    code.push(RETURN_VOID);
    b.class("Lcom/x/Broken;", vec![code.clone()], vec![]);
    b.class("Lcom/x/Fine;", vec![code.clone()], vec![]);
    b.class("Lcom/x/BadCode;", vec![code], vec![]);
    let (mut data, lay) = b.build();
    // class_data_off of the first class past the end of the file.
    put_u32(&mut data, lay.class_defs_off + 24, 0x7fff_0000);
    // The third class's code item claims more insns than the file holds.
    put_u32(&mut data, lay.code[2] + 12, 0x4000_0000);
    fix_checksum(&mut data);
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    assert_eq!(s.classes, ["com.x.Broken", "com.x.Fine", "com.x.BadCode"]);
    assert_eq!(s.api_calls.len(), 1);
    assert_eq!(s.api_calls[0].caller, "com.x.Fine");
    assert_eq!(s.anomalies.len(), 2, "{:?}", s.anomalies);
    assert!(s.anomalies[0].contains("com.x.Broken") && s.anomalies[0].contains("class_data_item"));
    assert!(s.anomalies[0].contains("0x7fff0000"), "{:?}", s.anomalies);
    assert!(s.anomalies[1].contains("com.x.BadCode") && s.anomalies[1].contains("code_item"));
    let strict = DexOptions {
        strict: true,
        ..opts()
    };
    let e = parse_dex("c.dex", &data, &strict).unwrap_err();
    assert_eq!(e.structure, "class_data_item");
    assert_eq!(e.offset, 0x7fff_0000);
    // A class_data whose method count cannot fit in the file.
    let (mut data, lay) = b.build();
    data[lay.class_data[1] + 2] = 0xff;
    data.splice(
        lay.class_data[1] + 3..lay.class_data[1] + 3,
        [0xff, 0xff, 0xff, 0x0f],
    );
    reseal(&mut data);
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    assert!(
        s.anomalies
            .iter()
            .any(|a| a.contains("com.x.Fine") && a.contains("cannot fit")),
        "{:?}",
        s.anomalies
    );
}

#[test]
fn huge_counts_and_bad_offsets_in_the_ids_are_errors() {
    let (data, _, _) = every_form();
    let check = |field: usize, value: u32, structure: &str| {
        let mut d = data.clone();
        put_u32(&mut d, field, value);
        fix_checksum(&mut d);
        let e = parse_dex("c.dex", &d, &opts()).unwrap_err();
        assert!(e.structure.starts_with(structure), "{e}");
        e
    };
    let e = check(0x38, 0xFFFF_FFFF, "string_ids");
    assert_eq!(e.offset, 0x70);
    assert!(e.to_string().contains("4294967295 items"), "{e}");
    check(0x40, 0x0100_0000, "type_ids");
    check(0x48, 0x0FFF_FFFF, "proto_ids");
    check(0x50, 0x10, "field_ids");
    check(0x58, 0x2000_0000, "method_ids");
    check(0x60, 0x0800_0000, "class_defs");
    check(0x3c, 0xFFFF_FFF0, "string_ids"); // offset past the end
    check(0x64, 0x10, "class_defs"); // offset inside the header
                                     // An id entry pointing outside its target section.
    let (_, lay) = {
        let mut b = DexBuilder::new();
        b.class("La;", vec![], vec![]);
        b.build()
    };
    let (d, _) = {
        let mut b = DexBuilder::new();
        b.class("La;", vec![], vec![]);
        b.build()
    };
    let mut d1 = d.clone();
    put_u32(&mut d1, lay.string_ids_off, 0x00FF_FFFF);
    fix_checksum(&mut d1);
    assert_eq!(
        parse_dex("c", &d1, &opts()).unwrap_err().structure,
        "string_id_item #0"
    );
    let mut d2 = d.clone();
    put_u32(&mut d2, lay.type_ids_off, 99);
    fix_checksum(&mut d2);
    assert_eq!(
        parse_dex("c", &d2, &opts()).unwrap_err().structure,
        "type_id_item #0"
    );
    let mut d3 = d.clone();
    put_u32(&mut d3, lay.class_defs_off, 7);
    fix_checksum(&mut d3);
    assert_eq!(
        parse_dex("c", &d3, &opts()).unwrap_err().structure,
        "class_def_item #0"
    );
}

#[test]
fn header_checks_versions_and_checksum() {
    let (mut data, _, _) = every_form();
    for v in 35..=41 {
        data[4..7].copy_from_slice(format!("{v:03}").as_bytes());
        fix_checksum(&mut data);
        assert_eq!(parse_dex("c", &data, &opts()).unwrap().version, v);
    }
    for bad in [b"034", b"042", b"0x5"] {
        let mut d = data.clone();
        d[4..7].copy_from_slice(bad);
        let e = parse_dex("c", &d, &opts()).unwrap_err();
        assert_eq!((e.structure.as_str(), e.offset), ("DEX header", 4));
    }
    let mut d = data.clone();
    put_u32(&mut d, 0x28, 0x7856_3412);
    assert!(parse_dex("c", &d, &opts())
        .unwrap_err()
        .to_string()
        .contains("big-endian"));
    let e = parse_dex("c", b"PK\x03\x04 not a dex", &opts()).unwrap_err();
    assert_eq!(e.structure, "DEX header");
    // The checksum is verified only on request, and a mismatch is an anomaly.
    let check = DexOptions {
        verify_checksum: true,
        ..opts()
    };
    assert!(parse_dex("c", &data, &check).unwrap().anomalies.is_empty());
    data[20] ^= 0x55; // inside the SHA-1 signature: covered by the checksum only
    assert!(parse_dex("c", &data, &opts()).unwrap().anomalies.is_empty());
    let s = parse_dex("c", &data, &check).unwrap();
    assert!(
        s.anomalies[0].contains("checksum mismatch"),
        "{:?}",
        s.anomalies
    );
}

#[test]
fn string_needles_are_found_in_the_pool() {
    let (data, _, _) = every_form();
    let needles: Vec<String> = [
        "\u{1F600} a\0",
        "plain",
        "nowhere",
        "TelephonyManager",
        "lain str",
    ]
    .map(String::from)
    .to_vec();
    let o = DexOptions {
        string_needles: &needles,
        ..opts()
    };
    let s = parse_dex("c", &data, &o).unwrap();
    assert_eq!(
        s.strings_found,
        ["\u{1F600} a\0", "plain", "TelephonyManager", "lain str"]
    );
}

#[test]
fn truncated_at_every_length_is_an_error_not_a_panic() {
    let (data, _, _) = every_form();
    let strict = DexOptions {
        strict: true,
        ..opts()
    };
    for len in 0..data.len() {
        let cut = &data[..len];
        let e = parse_dex("c", cut, &opts()).unwrap_err();
        assert!(!e.structure.is_empty());
        // With file_size re-declared, parsing reaches the sections and the code.
        let mut sealed = cut.to_vec();
        reseal(&mut sealed);
        let _ = parse_dex("c", &sealed, &opts());
        let _ = parse_dex("c", &sealed, &strict);
        let _ = class_refs(&sealed, "com.example.Main");
    }
}

/// A tiny xorshift PRNG, so the "fuzz" loop is reproducible.
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
fn seeded_byte_flips_never_panic() {
    let (data, _, _) = every_form();
    let needles = vec!["plain".to_string()];
    let o = DexOptions {
        string_needles: &needles,
        verify_checksum: true,
        ..opts()
    };
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let mut d = data.clone();
        for _ in 0..1 + rng.next() % 8 {
            let at = (rng.next() % d.len() as u64) as usize;
            d[at] = rng.next() as u8;
        }
        reseal(&mut d);
        let _ = parse_dex("c", &d, &o);
        let _ = parse_dex("c", &d, &DexOptions { strict: true, ..o });
        let _ = class_refs(&d, "com.example.Main");
    }
}

/// Speed check, not run by default:
/// `cargo test --release --test dex_parse -- --ignored --nocapture speed`.
#[test]
#[ignore]
fn speed_100k_classes_over_5_dex() {
    let mut files = Vec::new();
    for f in 0..5 {
        let mut b = DexBuilder::new();
        let framework: Vec<u32> = [
            (TM, "getDeviceId"),
            (TM, "getPhoneType"),
            ("Ljava/lang/StringBuilder;", "append"),
            ("Ljava/lang/String;", "length"),
            ("Landroid/util/Log;", "d"),
            ("Landroid/net/wifi/WifiInfo;", "getMacAddress"),
        ]
        .iter()
        .map(|(c, n)| b.method(c, n, "Ljava/lang/String;", &[]))
        .collect();
        for k in 0..20_000u32 {
            let s = b.string(&format!("string constant {k}"));
            let own = b.method(
                &format!("Lcom/app{f}/pkg{}/C{k};", k % 97),
                "helper",
                "V",
                &[],
            );
            let mut code = Vec::new();
            for j in 0..6u32 {
                code.extend(invoke35(
                    0x6e,
                    framework[((k + j) % 5) as usize + u32::from(k % 100 == 0) as usize],
                ));
                code.extend(const_string(s));
                code.extend([0x0112, 0x00d8, 0x0101, 0x0028 | 0x0100]); // const/4, add-int/lit8, goto +1
                code.extend(invoke35(0x71, own));
            }
            code.push(RETURN_VOID);
            b.class(
                &format!("Lcom/app{f}/pkg{}/C{k};", k % 97),
                vec![code.clone()],
                vec![code],
            );
        }
        files.push(b.build().0);
    }
    let needles: Vec<String> = ["constant 1999", "jpush", "umeng"]
        .map(String::from)
        .to_vec();
    let o = DexOptions {
        string_needles: &needles,
        ..opts()
    };
    let start = std::time::Instant::now();
    let mut classes = 0;
    let mut calls = 0;
    for d in &files {
        let s = parse_dex("c.dex", d, &o).unwrap();
        assert!(s.anomalies.is_empty(), "{:?}", &s.anomalies[..1]);
        classes += s.classes.len();
        calls += s.api_calls.len();
    }
    let took = start.elapsed();
    let mb: usize = files.iter().map(Vec::len).sum::<usize>() / (1 << 20);
    eprintln!("{classes} classes, {calls} api calls, {mb} MiB of DEX in {took:?} (one thread)");
    assert_eq!(classes, 100_000);
}

#[test]
fn classes_sharing_one_class_data_each_get_its_calls_and_problems() {
    // A hostile (or merely deduplicated) file may point several class_defs at one
    // class_data_item; it is walked once, and what it found is given to every class.
    let mut b = DexBuilder::new();
    let imei = b.method(TM, "getDeviceId", "Ljava/lang/String;", &[]);
    let mut calls = invoke35(0x6e, imei);
    calls.push(RETURN_VOID);
    let mut bad = vec![0x0073]; // unused opcode
    bad.push(RETURN_VOID);
    b.class("Lcom/x/A;", vec![calls, bad], vec![]);
    b.class("Lcom/x/B;", vec![vec![RETURN_VOID]], vec![]);
    b.class("Lcom/x/Quiet;", vec![vec![RETURN_VOID]], vec![]);
    b.class("Lcom/x/AlsoQuiet;", vec![vec![RETURN_VOID]], vec![]);
    b.class("Lcom/x/C;", vec![vec![RETURN_VOID]], vec![]);
    let (mut data, lay) = b.build();
    let def = |i: usize| lay.class_defs_off + 32 * i + 24;
    let a_data = lay.class_data[0] as u32;
    let quiet_data = lay.class_data[2] as u32;
    put_u32(&mut data, def(1), a_data);
    put_u32(&mut data, def(4), a_data);
    put_u32(&mut data, def(3), quiet_data);
    fix_checksum(&mut data);
    let s = parse_dex("c.dex", &data, &opts()).unwrap();
    let callers: Vec<&str> = s.api_calls.iter().map(|c| c.caller.as_str()).collect();
    assert_eq!(callers, ["com.x.A", "com.x.B", "com.x.C"]);
    assert_eq!(s.anomalies.len(), 3, "{:?}", s.anomalies);
    for (anomaly, class) in s.anomalies.iter().zip(["com.x.A", "com.x.B", "com.x.C"]) {
        assert!(
            anomaly.contains(&format!("class {class}:")) && anomaly.contains("unused opcode 0x73"),
            "{anomaly}"
        );
    }
}
