//! The resource table reader (`appaudit::apk::arsc`) against its sources and against hostile
//! tables.
//!
//! The oracle for real tables is the source each was compiled from: the `<string>` elements of
//! `fixtures/<case>/src/res/values/strings.xml` (built by apktool with aapt) and of
//! `tests/data/arsc/sparse/` (built by aapt2 with sparse encoding). Synthetic tables, written
//! here field by field, cover what neither tool writes here (16-bit offsets, compact entries,
//! UTF-16 pools, library/overlayable/staged-alias chunks) and hostile layouts.

mod common;

use appaudit::apk::arsc::{self, ResourceTable, MAX_DECODED};
use appaudit::apk::reader::{analyze, Options, RESOURCES};
use appaudit::error::Problem;
use common::{apk, root};
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// Every fixture APK: the shared case list and the second wallet release.
fn apks() -> impl Iterator<Item = &'static str> {
    common::CASES.iter().copied().chain(["wallet2"])
}

/// `resources.arsc` out of an APK, read with the `zip` crate (not appaudit's reader).
fn arsc_of(apk_path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(apk_path).expect("fixture");
    let mut z = zip::ZipArchive::new(file).expect("zip");
    let mut e = z.by_name(RESOURCES).expect("resources.arsc");
    let mut out = Vec::new();
    e.read_to_end(&mut out).expect("read");
    out
}

/// The `<string name="...">text</string>` elements of a values XML file: name -> text.
fn source_strings(path: &Path) -> BTreeMap<String, String> {
    let xml = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = quick_xml::Reader::from_str(&xml);
    let mut out = BTreeMap::new();
    let mut open: Option<String> = None;
    loop {
        match r.read_event().expect("well-formed values XML") {
            Event::Start(e) if e.name().as_ref() == b"string" => {
                let name = e
                    .try_get_attribute("name")
                    .expect("attribute")
                    .expect("a string has a name");
                let name = name.unescape_value().expect("name").into_owned();
                out.insert(name.clone(), String::new());
                open = Some(name);
            }
            Event::Text(t) => {
                if let Some(n) = &open {
                    let text = t.unescape().expect("text");
                    out.get_mut(n).expect("open").push_str(&text);
                }
            }
            Event::End(_) => open = None,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// The resource id of (type, name), found by asking `name_of` about every id of the first 32
/// types and 256 entries of package 0x7f (the tables here are small).
fn id_of(t: &ResourceTable<'_>, type_name: &str, name: &str) -> Option<u32> {
    (1..32u32)
        .flat_map(|ty| (0..256u32).map(move |e| 0x7f00_0000 | ty << 16 | e))
        .find(|&id| t.name_of(id) == Some((type_name, name)))
}

/// Reads a table and calls everything on it: what must hold whatever the input.
fn exercise(data: &[u8]) -> Result<(), appaudit::ParseError> {
    let t = arsc::parse(data).inspect_err(|e| {
        assert!(!e.structure.is_empty(), "{e:?}");
        assert!(e.to_string().contains("offset"), "{e}");
    })?;
    let names = t.names_of_type("string");
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted, unique");
    let _ = t.package_name();
    for ty in 1..8u32 {
        for e in 0..64u32 {
            let id = 0x7f00_0000 | ty << 16 | e;
            if let Some((type_name, key)) = t.name_of(id) {
                let _ = t.string_value(id);
                assert!(t.names_of_type(type_name).contains(&key), "{id:#x}");
            }
        }
    }
    Ok(())
}

/// The offset of the first package chunk of a table (walking the top-level chunks).
fn package_at(data: &[u8]) -> usize {
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([data[at], data[at + 1]]));
    let mut at = u16_at(2);
    while u16_at(at) != 0x0200 {
        at += u32::from_le_bytes(data[at + 4..at + 8].try_into().expect("4 bytes")) as usize;
    }
    at
}

// ---------------------------------------------------------------------------------------------
// Real tables against their sources.

#[test]
fn every_fixture_table_holds_exactly_the_strings_of_its_source() {
    for case in apks() {
        let data = arsc_of(&apk(case));
        let t = arsc::parse(&data).unwrap_or_else(|e| panic!("{case}: {e}"));
        let src = source_strings(
            &root()
                .join("fixtures")
                .join(case)
                .join("src/res/values/strings.xml"),
        );
        let want: Vec<&str> = src.keys().map(String::as_str).collect();
        assert_eq!(t.names_of_type("string"), want, "{case}");
        assert_eq!(t.skipped_entries(), 0, "{case}");
        for (name, text) in &src {
            let id =
                id_of(&t, "string", name).unwrap_or_else(|| panic!("{case}: no id for {name}"));
            assert_eq!(id >> 24, 0x7f, "{case}: {name} is the app's");
            assert_eq!(t.string_value(id), Some(text.as_str()), "{case}: {name}");
        }
        assert!(t.names_of_type("no-such-type").is_empty());
        assert!(
            t.package_name().is_some_and(|p| p.starts_with("com.")),
            "{case}"
        );
    }
}

#[test]
fn the_wallet_table_names_its_xml_files_and_their_paths() {
    let data = arsc_of(&apk("wallet"));
    let t = arsc::parse(&data).expect("wallet");
    assert_eq!(t.package_name(), Some("com.example.wallet"));
    assert_eq!(
        t.names_of_type("xml"),
        ["file_paths", "network_security_config"]
    );
    let id = id_of(&t, "xml", "file_paths").expect("id");
    // A file resource's value is its path, a string of the global pool.
    assert_eq!(t.string_value(id), Some("res/xml/file_paths.xml"));
    assert_eq!(t.string_value(0x7fff_0000), None);
    assert_eq!(t.name_of(0x7f00_ffff), None);
}

#[test]
fn the_aapt2_sparse_table_matches_its_sources() {
    let data = std::fs::read(root().join("tests/data/arsc/sparse.arsc")).expect("sparse.arsc");
    let t = arsc::parse(&data).expect("sparse.arsc");
    let dir = root().join("tests/data/arsc/sparse/res");
    let default = source_strings(&dir.join("values/strings.xml"));
    let fr = source_strings(&dir.join("values-fr/strings.xml"));
    let want: Vec<&str> = default.keys().map(String::as_str).collect();
    assert_eq!(t.names_of_type("string"), want);
    assert_eq!(t.package_name(), Some("com.example.sparse"));
    assert_eq!(t.skipped_entries(), 0);
    // Default-configuration values win over the (sparse) fr ones.
    for (name, text) in &default {
        let id = id_of(&t, "string", name).expect("id");
        assert_eq!(t.string_value(id), Some(text.as_str()), "{name}");
    }
    assert!(fr.keys().all(|k| default.contains_key(k)));
    // Map entries (plurals, arrays, styles) are named but have no string value.
    assert_eq!(t.names_of_type("plurals"), ["apples"]);
    assert_eq!(t.names_of_type("array"), ["colors"]);
    assert_eq!(t.names_of_type("style"), ["AppTheme"]);
    assert_eq!(t.names_of_type("color"), ["accent"]);
    assert_eq!(t.names_of_type("bool"), ["flag"]);
    let plurals = id_of(&t, "plurals", "apples").expect("id");
    assert_eq!(t.string_value(plurals), None);
}

#[test]
fn the_reader_lists_the_wallet_string_resources() {
    let app = analyze(&apk("wallet"), &Options::default()).expect("wallet");
    let src = source_strings(&root().join("fixtures/wallet/src/res/values/strings.xml"));
    let want: Vec<String> = src.into_keys().collect();
    assert_eq!(app.string_resources, want);
    assert!(
        !app.anomalies.iter().any(|a| a.source == RESOURCES),
        "{:?}",
        app.anomalies
    );
}

#[test]
fn truncation_at_every_byte_of_real_tables_never_panics() {
    let tables = [
        arsc_of(&apk("wallet")),
        std::fs::read(root().join("tests/data/arsc/sparse.arsc")).expect("sparse.arsc"),
        Table::sample(Enc::Offset16).build().bytes,
    ];
    for data in &tables {
        exercise(data).expect("the whole table");
        let package = package_at(data);
        let (mut as_is, mut resized) = (0, 0);
        for n in 0..data.len() {
            // Cut as it is: the table's size no longer fits.
            if exercise(&data[..n]).is_ok() {
                as_is += 1;
            }
            // Cut with the table's and the package's sizes made to fit, so that the cut lands
            // inside a pool, a type or an entry.
            let mut d = data[..n].to_vec();
            if n >= 8 {
                put32(&mut d, 4, n as u32);
            }
            if n >= package + 8 {
                put32(&mut d, package + 4, (n - package) as u32);
            }
            if exercise(&d).is_ok() {
                resized += 1;
            }
        }
        assert_eq!(as_is, 0, "a table shorter than its size was read");
        assert!(resized > 0, "no resized cut was read");
    }
}

// ---------------------------------------------------------------------------------------------
// A table writer, field by field, so that tests can say exactly what is in the bytes.

const TYPE_STRING: u8 = 0x03;
const TYPE_INT_DEC: u8 = 0x10;
const NO_ENTRY: u32 = 0xffff_ffff;

/// How a type chunk stores its entry offsets.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Enc {
    /// 32-bit offsets, one per index.
    Dense,
    /// 16-bit offsets in units of 4 bytes (flag 0x02), 0xffff for none.
    Offset16,
    /// (index, offset / 4) pairs for the present entries only (flag 0x01).
    Sparse,
}

/// One entry.
#[derive(Clone, Debug)]
enum E {
    /// A `ResTable_entry` and a `Res_value` (key, data type, data).
    Value(u32, u8, u32),
    /// A map entry with this many maps (key, count).
    Map(u32, u32),
    /// A compact entry (flag 0x08): the 16-bit key, the type in the flags, the data.
    Compact(u16, u8, u32),
    /// Raw bytes as the entry.
    Raw(Vec<u8>),
}

/// One type chunk: a type id, a language (empty for the default configuration), its entries
/// as (index, entry).
#[derive(Clone, Debug)]
struct Type {
    id: u8,
    lang: &'static [u8],
    enc: Enc,
    entries: Vec<(u16, E)>,
}

impl Type {
    /// Entry slots a dense chunk or a type spec needs: the highest index, plus one.
    fn slots(&self) -> u32 {
        self.entries
            .iter()
            .map(|(i, _)| u32::from(*i) + 1)
            .max()
            .unwrap_or(0)
    }
}

#[derive(Clone, Debug)]
struct Table {
    values: Vec<String>,
    types: Vec<String>,
    keys: Vec<String>,
    utf8: bool,
    package: String,
    chunks: Vec<Type>,
    /// Raw chunks written among the package's chunks, before its types.
    package_extra: Vec<Vec<u8>>,
    /// Raw chunks written at the table's level, before the package.
    table_extra: Vec<Vec<u8>>,
}

/// Where the writer put things, as offsets in the table.
#[derive(Debug)]
struct Built {
    bytes: Vec<u8>,
    values_pool: usize,
    package: usize,
    key_pool: usize,
    /// Each type chunk's start.
    types: Vec<usize>,
}

fn le16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn le32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A chunk: its 8-byte header (type, header size, size), the rest of its header, its body.
fn chunk(kind: u16, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    le16(&mut out, kind);
    le16(&mut out, (8 + header.len()) as u16);
    le32(&mut out, (8 + header.len() + body.len()) as u32);
    out.extend_from_slice(header);
    out.extend_from_slice(body);
    out
}

/// A string's bytes in a pool: lengths in their one- or two-unit forms, the text, a NUL.
fn pooled(s: &str, utf8: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if utf8 {
        for n in [s.chars().count(), s.len()] {
            if n < 0x80 {
                out.push(n as u8);
            } else {
                out.extend_from_slice(&[0x80 | (n >> 8) as u8, n as u8]);
            }
        }
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    } else {
        let units: Vec<u16> = s.encode_utf16().collect();
        if units.len() < 0x8000 {
            le16(&mut out, units.len() as u16);
        } else {
            le16(&mut out, 0x8000 | (units.len() >> 16) as u16);
            le16(&mut out, units.len() as u16);
        }
        units.iter().for_each(|&u| le16(&mut out, u));
        le16(&mut out, 0);
    }
    out
}

/// A string pool chunk whose strings are at `offsets` in `blob` (so tests can make strings
/// share or overlap bytes).
fn pool_chunk(offsets: &[u32], blob: &[u8], utf8: bool) -> Vec<u8> {
    let mut header = Vec::new();
    let strings_start = 28 + 4 * offsets.len() as u32;
    let flags = if utf8 { 1 << 8 } else { 0 };
    for v in [offsets.len() as u32, 0, flags, strings_start, 0] {
        le32(&mut header, v);
    }
    let mut body = Vec::new();
    offsets.iter().for_each(|&o| le32(&mut body, o));
    body.extend_from_slice(blob);
    while body.len() % 4 != 0 {
        body.push(0);
    }
    chunk(0x0001, &header, &body)
}

fn pool(strings: &[String], utf8: bool) -> Vec<u8> {
    let mut blob = Vec::new();
    let offsets: Vec<u32> = strings
        .iter()
        .map(|s| {
            let at = blob.len() as u32;
            blob.extend(pooled(s, utf8));
            at
        })
        .collect();
    pool_chunk(&offsets, &blob, utf8)
}

fn entry_bytes(e: &E) -> Vec<u8> {
    let mut out = Vec::new();
    match e {
        E::Value(key, t, d) => {
            for v in [8u16, 0] {
                le16(&mut out, v);
            }
            le32(&mut out, *key);
            le16(&mut out, 8);
            out.extend_from_slice(&[0, *t]);
            le32(&mut out, *d);
        }
        E::Map(key, count) => {
            le16(&mut out, 16);
            le16(&mut out, 0x0001);
            for v in [*key, 0, *count] {
                le32(&mut out, v);
            }
            for i in 0..*count {
                le32(&mut out, 0x0101_0000 + i);
                le16(&mut out, 8);
                out.extend_from_slice(&[0, TYPE_INT_DEC]);
                le32(&mut out, i);
            }
        }
        E::Compact(key, t, d) => {
            le16(&mut out, *key);
            le16(&mut out, 0x0008 | u16::from(*t) << 8);
            le32(&mut out, *d);
        }
        E::Raw(b) => out.extend_from_slice(b),
    }
    out
}

fn type_chunk(t: &Type) -> Vec<u8> {
    let mut entries = Vec::new();
    let mut at: Vec<(u16, u32)> = Vec::new();
    for (i, e) in &t.entries {
        at.push((*i, entries.len() as u32));
        entries.extend(entry_bytes(e));
    }
    let slots = t.slots() as usize;
    let offset_of = |i: usize| at.iter().find(|(j, _)| *j as usize == i).map(|(_, o)| *o);
    let mut offsets = Vec::new();
    let (flags, count) = match t.enc {
        Enc::Dense => {
            (0..slots).for_each(|i| le32(&mut offsets, offset_of(i).unwrap_or(NO_ENTRY)));
            (0u8, slots)
        }
        Enc::Offset16 => {
            (0..slots).for_each(|i| {
                le16(
                    &mut offsets,
                    offset_of(i).map_or(0xffff, |o| (o / 4) as u16),
                )
            });
            (0x02, slots)
        }
        Enc::Sparse => {
            for (i, o) in &at {
                le16(&mut offsets, *i);
                le16(&mut offsets, (o / 4) as u16);
            }
            (0x01, at.len())
        }
    };
    while offsets.len() % 4 != 0 {
        offsets.push(0);
    }
    // A 64-byte config: its size, then mcc, mnc, language...
    let mut config = vec![0u8; 64];
    config[..4].copy_from_slice(&64u32.to_le_bytes());
    config[8..8 + t.lang.len()].copy_from_slice(t.lang);
    let mut header = vec![t.id, flags, 0, 0];
    le32(&mut header, count as u32);
    le32(&mut header, (8 + 12 + 64 + offsets.len()) as u32);
    header.extend_from_slice(&config);
    offsets.extend(entries);
    chunk(0x0201, &header, &offsets)
}

impl Table {
    /// Strings `app_name` (0), `greeting` (1) and a map, an int and a compact string, in the
    /// default configuration and in `fr`.
    fn sample(enc: Enc) -> Table {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Table {
            values: s(&[
                "Wallet",
                "Hello",
                "Portefeuille",
                "Bonjour",
                "res/xml/a.xml",
            ]),
            types: s(&["attr", "string", "plurals", "integer"]),
            keys: s(&["app_name", "greeting", "apples", "count", "compact_name"]),
            utf8: true,
            package: "com.example.synthetic".into(),
            chunks: vec![
                Type {
                    id: 2,
                    lang: b"",
                    enc,
                    entries: vec![
                        (0, E::Value(0, TYPE_STRING, 0)),
                        (1, E::Value(1, TYPE_STRING, 1)),
                        (3, E::Compact(4, TYPE_STRING, 4)),
                    ],
                },
                Type {
                    id: 2,
                    lang: b"fr",
                    enc: Enc::Sparse,
                    entries: vec![
                        (0, E::Value(0, TYPE_STRING, 2)),
                        (1, E::Value(1, TYPE_STRING, 3)),
                    ],
                },
                Type {
                    id: 3,
                    lang: b"",
                    enc,
                    entries: vec![(0, E::Map(2, 2))],
                },
                Type {
                    id: 4,
                    lang: b"",
                    enc,
                    entries: vec![(5, E::Value(3, TYPE_INT_DEC, 42))],
                },
            ],
            package_extra: Vec::new(),
            table_extra: Vec::new(),
        }
    }

    fn build(&self) -> Built {
        let mut body = Vec::new();
        for c in &self.table_extra {
            body.extend_from_slice(c);
        }
        let values_pool = 12 + body.len();
        body.extend(pool(&self.values, self.utf8));
        let package = 12 + body.len();
        let type_pool = pool(&self.types, self.utf8);
        let mut pkg_body = type_pool.clone();
        let key_pool = package + 288 + pkg_body.len();
        pkg_body.extend(pool(&self.keys, self.utf8));
        for c in &self.package_extra {
            pkg_body.extend_from_slice(c);
        }
        let mut types = Vec::new();
        for (n, t) in self.chunks.iter().enumerate() {
            if self.chunks[..n].iter().all(|p| p.id != t.id) {
                // The type spec, before the type's first chunk.
                let count = t.slots();
                let mut h = vec![t.id, 0, 0, 0];
                le32(&mut h, count);
                pkg_body.extend(chunk(0x0202, &h, &vec![0; 4 * count as usize]));
            }
            types.push(package + 288 + pkg_body.len());
            pkg_body.extend(type_chunk(t));
        }
        let mut header = Vec::new();
        le32(&mut header, 0x7f);
        let mut name: Vec<u16> = self.package.encode_utf16().collect();
        name.resize(128, 0);
        name.iter().for_each(|&u| le16(&mut header, u));
        for v in [288, 0, 288 + type_pool.len() as u32, 0, 0] {
            le32(&mut header, v);
        }
        body.extend(chunk(0x0200, &header, &pkg_body));
        let mut count = Vec::new();
        le32(&mut count, 1);
        Built {
            bytes: chunk(0x0002, &count, &body),
            values_pool,
            package,
            key_pool,
            types,
        }
    }
}

fn put32(d: &mut [u8], at: usize, v: u32) {
    d[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// `data` with the u32 at `at` set to `v`.
fn patched(data: &[u8], at: usize, v: u32) -> Vec<u8> {
    let mut d = data.to_vec();
    put32(&mut d, at, v);
    d
}

fn err_of(data: &[u8]) -> appaudit::ParseError {
    match arsc::parse(data) {
        Ok(t) => panic!("read: {:?}", t.names_of_type("string")),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------
// Format features.

#[test]
fn dense_16_bit_and_sparse_offsets_read_alike() {
    for enc in [Enc::Dense, Enc::Offset16, Enc::Sparse] {
        for utf8 in [true, false] {
            let mut table = Table::sample(enc);
            table.utf8 = utf8;
            let b = table.build();
            let t = arsc::parse(&b.bytes).unwrap_or_else(|e| panic!("{enc:?} utf8={utf8}: {e}"));
            let what = format!("{enc:?} utf8={utf8}");
            assert_eq!(
                t.names_of_type("string"),
                ["app_name", "compact_name", "greeting"],
                "{what}"
            );
            assert_eq!(t.names_of_type("plurals"), ["apples"], "{what}");
            assert_eq!(t.names_of_type("integer"), ["count"], "{what}");
            assert_eq!(t.package_name(), Some("com.example.synthetic"), "{what}");
            assert_eq!(
                t.name_of(0x7f02_0000),
                Some(("string", "app_name")),
                "{what}"
            );
            assert_eq!(t.name_of(0x7f02_0002), None, "{what}: a gap");
            assert_eq!(t.name_of(0x7f04_0005), Some(("integer", "count")), "{what}");
            // The default configuration's value, though `fr` holds one too.
            assert_eq!(t.string_value(0x7f02_0000), Some("Wallet"), "{what}");
            assert_eq!(t.string_value(0x7f02_0001), Some("Hello"), "{what}");
            assert_eq!(t.string_value(0x7f02_0003), Some("res/xml/a.xml"), "{what}");
            assert_eq!(t.string_value(0x7f03_0000), None, "{what}: a map");
            assert_eq!(t.string_value(0x7f04_0005), None, "{what}: an integer");
            assert_eq!(t.skipped_entries(), 0, "{what}");
        }
    }
}

#[test]
fn without_a_default_configuration_the_first_one_gives_the_value() {
    let mut table = Table::sample(Enc::Dense);
    table.chunks.remove(0);
    table.chunks.insert(
        1,
        Type {
            id: 2,
            lang: b"de",
            enc: Enc::Dense,
            entries: vec![(0, E::Value(0, TYPE_STRING, 1))],
        },
    );
    let b = table.build();
    let t = arsc::parse(&b.bytes).expect("table");
    assert_eq!(t.string_value(0x7f02_0000), Some("Portefeuille"));
    assert_eq!(t.names_of_type("string"), ["app_name", "greeting"]);
}

#[test]
fn the_default_configuration_wins_wherever_it_stands() {
    let mut table = Table::sample(Enc::Dense);
    table.chunks.swap(0, 1);
    let b = table.build();
    let t = arsc::parse(&b.bytes).expect("table");
    assert_eq!(t.string_value(0x7f02_0000), Some("Wallet"));
    assert_eq!(t.string_value(0x7f02_0001), Some("Hello"));
}

#[test]
fn a_name_held_twice_in_the_key_pool_is_listed_once() {
    let mut table = Table::sample(Enc::Dense);
    table.keys.push("app_name".into());
    table.chunks[0]
        .entries
        .push((4, E::Value(5, TYPE_STRING, 1)));
    let b = table.build();
    let t = arsc::parse(&b.bytes).expect("table");
    assert_eq!(
        t.names_of_type("string"),
        ["app_name", "compact_name", "greeting"]
    );
    assert_eq!(t.name_of(0x7f02_0004), Some(("string", "app_name")));
}

#[test]
fn library_overlayable_staged_alias_and_unknown_chunks_are_skipped() {
    let mut table = Table::sample(Enc::Dense);
    let mut lib = Vec::new();
    le32(&mut lib, 1);
    let mut lib_entry = Vec::new();
    le32(&mut lib_entry, 0x02);
    lib_entry.extend(vec![0u8; 256]);
    let mut overlay_header = vec![0u8; 1024];
    overlay_header[0] = b'x';
    let policy = {
        let mut h = Vec::new();
        le32(&mut h, 1);
        le32(&mut h, 1);
        let mut ids = Vec::new();
        le32(&mut ids, 0x7f02_0000);
        chunk(0x0205, &h, &ids)
    };
    let mut alias = Vec::new();
    le32(&mut alias, 1);
    let mut pair = Vec::new();
    le32(&mut pair, 0x7f02_0000);
    le32(&mut pair, 0x0101_0000);
    table.package_extra = vec![
        chunk(0x0203, &lib, &lib_entry),
        chunk(0x0204, &overlay_header, &policy),
        chunk(0x0206, &alias, &pair),
        chunk(0x7777, &[1, 2, 3, 4], &[0xff; 12]),
    ];
    table.table_extra = vec![chunk(0x0000, &[], &[0xee; 8])];
    let b = table.build();
    let t = arsc::parse(&b.bytes).expect("table");
    assert_eq!(
        t.names_of_type("string"),
        ["app_name", "compact_name", "greeting"]
    );
    assert_eq!(t.string_value(0x7f02_0001), Some("Hello"));
}

#[test]
fn a_second_global_pool_is_ignored() {
    let b = Table::sample(Enc::Dense).build();
    let mut d = b.bytes.clone();
    d.extend(pool(&["decoy".to_string()], true));
    let total = d.len() as u32;
    put32(&mut d, 4, total);
    let t = arsc::parse(&d).expect("table");
    assert_eq!(t.string_value(0x7f02_0000), Some("Wallet"));
}

#[test]
fn the_package_header_says_which_pool_holds_type_names() {
    // Swap the header's typeStrings and keyStrings: type names now come from the key pool.
    let b = Table::sample(Enc::Dense).build();
    let mut d = b.bytes.clone();
    let field = b.package + 268;
    let type_strings = u32::from_le_bytes(d[field..field + 4].try_into().unwrap());
    let key_strings = u32::from_le_bytes(d[field + 8..field + 12].try_into().unwrap());
    put32(&mut d, field, key_strings);
    put32(&mut d, field + 8, type_strings);
    let t = arsc::parse(&d).expect("table");
    assert!(t.names_of_type("string").is_empty());
    assert_eq!(t.name_of(0x7f02_0000), Some(("greeting", "attr")));
}

// ---------------------------------------------------------------------------------------------
// Hostile tables.

#[test]
fn what_is_not_a_table_is_refused() {
    assert!(arsc::parse(b"").is_err());
    let e = err_of(&chunk(0x0003, &[0; 4], &[]));
    assert!(e.to_string().contains("not a resource table"), "{e}");
    let e = err_of(&chunk(0x0002, &[], &[]));
    assert!(e.to_string().contains("header size 8 is below 12"), "{e}");
}

#[test]
fn a_chunk_of_size_zero_is_an_error_at_its_offset() {
    let b = Table::sample(Enc::Dense).build();
    let e = err_of(&patched(&b.bytes, b.types[1] + 4, 0));
    assert_eq!(e.offset, b.types[1] as u64, "{e}");
    assert!(e.to_string().contains("size 0, which do not fit"), "{e}");
    assert_eq!(err_of(&patched(&b.bytes, 4, 0)).offset, 0);
}

#[test]
fn a_chunk_past_its_parent_is_an_error() {
    let b = Table::sample(Enc::Dense).build();
    // The key pool claims more bytes than its package holds.
    let e = err_of(&patched(&b.bytes, b.key_pool + 4, 0x00ff_0000));
    assert_eq!(e.offset, b.key_pool as u64, "{e}");
    // The table claims more bytes than the input.
    let mut d = b.bytes.clone();
    let too_long = d.len() as u32 + 1;
    put32(&mut d, 4, too_long);
    assert!(err_of(&d).to_string().contains("do not fit"));
    // Bytes after the table are ignored.
    let mut d = b.bytes.clone();
    d.extend_from_slice(&[0xab; 13]);
    assert!(arsc::parse(&d).is_ok());
}

#[test]
fn huge_entry_and_string_counts_are_refused_before_any_allocation() {
    let b = Table::sample(Enc::Dense).build();
    let e = err_of(&patched(&b.bytes, b.types[0] + 12, 0x4000_0000));
    assert_eq!(e.structure, "type");
    assert_eq!(e.offset, (b.types[0] + 12) as u64);
    assert!(
        e.to_string()
            .contains("1073741824 entries of 4 bytes declared"),
        "{e}"
    );
    let e = err_of(&patched(&b.bytes, b.values_pool + 8, u32::MAX));
    assert!(e.to_string().contains("4294967295 strings declared"), "{e}");
    // A type spec's flags too.
    let spec = b.types[0] - 16 - 4 * 4;
    let e = err_of(&patched(&b.bytes, spec + 12, 0x1000_0000));
    assert_eq!(e.structure, "type spec", "{e}");
}

#[test]
fn a_million_entries_at_one_offset_read_in_linear_time() {
    for enc in [Enc::Dense, Enc::Sparse] {
        // Build one entry, then point a million slots at it.
        let mut table = Table::sample(enc);
        table.chunks.truncate(1);
        table.chunks[0].entries.truncate(1);
        let b = table.build();
        let start = b.types[0];
        let header_size = 8 + 12 + 64;
        let entry = b.bytes[start + header_size + 4..start + header_size + 4 + 16].to_vec();
        let n = 1_000_000usize;
        let mut offsets = Vec::with_capacity(n * 4);
        for i in 0..n {
            match enc {
                Enc::Sparse => {
                    le16(&mut offsets, (i % 0x1_0000) as u16);
                    le16(&mut offsets, 0);
                }
                _ => le32(&mut offsets, 0),
            }
        }
        let mut header = b.bytes[start + 8..start + header_size].to_vec();
        header[4..8].copy_from_slice(&(n as u32).to_le_bytes());
        header[8..12].copy_from_slice(&((header_size + offsets.len()) as u32).to_le_bytes());
        offsets.extend(entry);
        let mut d = b.bytes[..start].to_vec();
        d.extend(chunk(0x0201, &header, &offsets));
        let total = d.len() as u32;
        put32(&mut d, 4, total);
        put32(&mut d, b.package + 4, total - b.package as u32);
        let started = Instant::now();
        let t = arsc::parse(&d).unwrap_or_else(|e| panic!("{enc:?}: {e}"));
        assert_eq!(t.names_of_type("string"), ["app_name"], "{enc:?}");
        assert_eq!(t.string_value(0x7f02_ffff), Some("Wallet"), "{enc:?}");
        // Index 0x10000 and above name no resource: not read into type 3's ids.
        assert_eq!(t.name_of(0x7f03_0000), None, "{enc:?}");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(5), "{enc:?}: {took:?}");
    }
}

#[test]
fn broken_strings_skip_their_entries_or_fail_their_type() {
    // A key whose offset is past its pool: that entry is left out, the others read.
    let b = Table::sample(Enc::Dense).build();
    let mut d = b.bytes.clone();
    let first_offset = b.key_pool + 28;
    put32(&mut d, first_offset + 4, 0x00ff_ffff); // "greeting"
    let t = arsc::parse(&d).expect("table");
    assert_eq!(t.names_of_type("string"), ["app_name", "compact_name"]);
    assert_eq!(t.skipped_entries(), 2, "greeting in two configurations");
    assert_eq!(t.name_of(0x7f02_0001), None);
    // A key whose UTF-8 length lies (0x7fff bytes claimed): the same.
    let mut d = b.bytes.clone();
    let strings_start = b.key_pool + 28 + 4 * 5;
    d[strings_start] = 0x80 | 0x7f;
    d[strings_start + 1] = 0xff;
    d[strings_start + 2] = 0x80 | 0x7f;
    d[strings_start + 3] = 0xff;
    let t = arsc::parse(&d).expect("table");
    assert!(!t.names_of_type("string").contains(&"app_name"));
    // A value whose offset is past its pool, or whose length lies: no value, no panic.
    let mut d = b.bytes.clone();
    put32(&mut d, b.values_pool + 28, 0x0100_0000);
    let values_start = b.values_pool + 28 + 4 * 5;
    d[values_start + 9 + 1] = 0x7f; // "Hello", after "Wallet" (9 bytes): 127 bytes claimed
    let t = arsc::parse(&d).expect("table");
    assert_eq!(t.string_value(0x7f02_0000), None);
    assert_eq!(t.string_value(0x7f02_0001), None);
    assert_eq!(t.string_value(0x7f02_0003), Some("res/xml/a.xml"));
    // A type whose name cannot be read fails the table: the framing is broken.
    let mut d = b.bytes.clone();
    d[b.types[0] + 8] = 200;
    let e = err_of(&d);
    assert_eq!(
        (e.structure.as_str(), e.offset),
        ("type", (b.types[0] + 8) as u64)
    );
    assert!(
        e.to_string().contains("type id 200 has no readable name"),
        "{e}"
    );
}

#[test]
fn broken_entries_are_skipped_and_counted() {
    let mut table = Table::sample(Enc::Dense);
    table.chunks[0].entries = vec![
        (0, E::Value(0, TYPE_STRING, 0)),
        // size 4: below a ResTable_entry
        (
            1,
            E::Raw(vec![4, 0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 3, 1, 0, 0, 0]),
        ),
        // a map whose 1000 maps do not fit
        (
            2,
            E::Raw({
                let mut m = vec![16, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0];
                m.extend_from_slice(&1000u32.to_le_bytes());
                m
            }),
        ),
        // a Res_value whose size is 0
        (
            3,
            E::Raw(vec![8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0]),
        ),
        // no key
        (4, E::Value(NO_ENTRY, TYPE_STRING, 1)),
        // a key index past the pool
        (5, E::Value(99, TYPE_STRING, 1)),
        // a compact entry whose key is past the pool
        (6, E::Compact(999, TYPE_STRING, 1)),
        // pointed past the chunk below
        (7, E::Value(0, TYPE_STRING, 0)),
    ];
    let b = table.build();
    let mut d = b.bytes.clone();
    let offsets = b.types[0] + 8 + 12 + 64;
    put32(&mut d, offsets + 7 * 4, 0x7fff_0000);
    let t = arsc::parse(&d).expect("table");
    // greeting from the fr configuration
    assert_eq!(t.names_of_type("string"), ["app_name", "greeting"]);
    assert_eq!(t.skipped_entries(), 7);
    assert_eq!(t.string_value(0x7f02_0000), Some("Wallet"));
}

#[test]
fn names_decoded_over_and_over_hit_the_budget() {
    // 3000 key indices, all at one 32000-byte name: 96 MB if each were decoded on its own.
    let long = "k".repeat(32_000);
    let blob = pooled(&long, true);
    let mut table = Table::sample(Enc::Dense);
    table.chunks = vec![Type {
        id: 2,
        lang: b"",
        enc: Enc::Offset16,
        entries: (0..3000u16)
            .map(|i| (i, E::Value(u32::from(i), TYPE_STRING, 0)))
            .collect(),
    }];
    table.keys = vec![String::new(); 3000];
    let b = table.build();
    // Swap in the hostile key pool: same size of offsets array, all at 0.
    let keys = pool_chunk(&[0; 3000], &blob, true);
    let old_len =
        u32::from_le_bytes(b.bytes[b.key_pool + 4..b.key_pool + 8].try_into().unwrap()) as usize;
    let mut d = b.bytes[..b.key_pool].to_vec();
    d.extend_from_slice(&keys);
    d.extend_from_slice(&b.bytes[b.key_pool + old_len..]);
    let grow = keys.len() - old_len;
    let total = d.len() as u32;
    put32(&mut d, 4, total);
    let pkg_size = u32::from_le_bytes(d[b.package + 4..b.package + 8].try_into().unwrap());
    put32(&mut d, b.package + 4, pkg_size + grow as u32);
    let started = Instant::now();
    let e = err_of(&d);
    assert!(matches!(e.problem, Problem::Limit(_)), "{e}");
    assert!(
        e.to_string()
            .contains(&format!("more than {MAX_DECODED} bytes")),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The same index named by every entry is decoded once.
    let mut table = Table::sample(Enc::Dense);
    table.keys[0] = long.clone();
    table.chunks = vec![Type {
        id: 2,
        lang: b"",
        enc: Enc::Dense,
        entries: (0..3000u16)
            .map(|i| (i, E::Value(0, TYPE_STRING, 0)))
            .collect(),
    }];
    let b = table.build();
    let t = arsc::parse(&b.bytes).expect("table");
    assert_eq!(t.names_of_type("string"), [long.as_str()]);
}

/// Writes the synthetic tables (every offset encoding, UTF-8 and UTF-16) as fuzzing seeds:
/// `cargo test --test arsc_parse -- --ignored write_fuzz_seeds` (into fuzz/corpus/arsc/).
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let dir = root().join("fuzz/corpus/arsc");
    std::fs::create_dir_all(&dir).expect("corpus dir");
    for enc in [Enc::Dense, Enc::Offset16, Enc::Sparse] {
        for utf8 in [true, false] {
            let mut table = Table::sample(enc);
            table.utf8 = utf8;
            let name = format!(
                "synthetic-{enc:?}-{}.arsc",
                if utf8 { "utf8" } else { "utf16" }
            );
            std::fs::write(dir.join(name), table.build().bytes).expect("write seed");
        }
    }
}
