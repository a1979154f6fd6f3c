//! Shared invariant checks for the fuzz targets, and a small binary-XML writer that the manifest
//! target uses to turn structured input into well-formed AXML.
//!
//! Every target walks what was parsed (lazy accessors included) and checks properties that must
//! hold for any input, not only that nothing panicked.

use appaudit::apk::arsc::ResourceTable;
use appaudit::apk::axml::{self, Document, Element, Value};
use appaudit::apk::{App, Manifest};
use appaudit::error::{Error, ParseError, Problem};

/// Elements nested deeper than this are refused by the AXML reader.
pub const AXML_MAX_DEPTH: usize = 256;

/// A parse error names a structure, an offset and a problem, and displays all three.
pub fn check_parse_error(e: &ParseError) {
    assert!(!e.structure.is_empty(), "error without a structure: {e:?}");
    let shown = e.to_string();
    assert!(shown.contains(&e.structure), "{shown}");
    assert!(shown.contains("offset"), "{shown}");
    match &e.problem {
        Problem::Truncated { need, have } => assert!(need > have, "{e:?}"),
        Problem::Invalid(m) | Problem::Limit(m) => assert!(!m.is_empty(), "{e:?}"),
    }
}

/// A top-level error names the input and never reports a panic.
pub fn check_error(e: &Error, path: &str) {
    let shown = e.to_string();
    assert!(!shown.contains("panicked"), "{shown}");
    match e {
        Error::Input {
            source, context, ..
        } => {
            assert!(!context.is_empty());
            assert!(shown.starts_with(path), "{shown}");
            check_parse_error(source);
        }
        Error::Unsupported { message, .. } => {
            assert!(shown.starts_with(path), "{shown}");
            assert!(!message.is_empty());
        }
        other => panic!("unexpected error kind for in-memory input: {other:?}"),
    }
}

/// Walks an element tree: depth bounded, every attribute read through every accessor.
pub fn walk_element(el: &Element, depth: usize) -> usize {
    assert!(
        depth < AXML_MAX_DEPTH + 1,
        "tree deeper than the reader's limit"
    );
    let mut n = 1;
    for a in &el.attributes {
        let text = a.value.as_text();
        let _ = a.value.as_int();
        let _ = a.value.as_bool();
        let _ = a.is_android();
        if let Value::String(s) = &a.value {
            assert_eq!(&text, s);
        }
        if let Some(id) = a.resource_id {
            if let Some(known) = axml::android_attr_name(id) {
                assert_eq!(a.name, known, "a known resource id names the attribute");
            }
        }
        let _ = el.android_attr(&a.name);
        assert!(el.plain_attr(&a.name).is_some());
    }
    for c in &el.children {
        n += walk_element(c, depth + 1);
    }
    n
}

/// Checks a decoded document: the tree, the rendered XML (well-formed), the typed manifest.
pub fn check_document(doc: &Document) {
    walk_element(&doc.root, 0);
    for a in &doc.anomalies {
        assert_eq!(a.source, "AndroidManifest.xml");
        assert!(!a.message.is_empty());
    }
    let xml = axml::to_xml(doc);
    check_well_formed(&xml);
    match Manifest::from_document(doc) {
        Ok(m) => check_manifest(&m, doc),
        Err(msg) => {
            assert!(!msg.is_empty());
            assert_ne!(
                doc.root.name, "manifest",
                "a <manifest> root must give a manifest"
            );
        }
    }
}

/// The text `to_xml` renders parses as XML, whatever the names and values held.
pub fn check_well_formed(xml: &str) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut depth = 0i64;
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(quick_xml::events::Event::Start(s)) => {
                depth += 1;
                for a in s.attributes().with_checks(false) {
                    let a =
                        a.unwrap_or_else(|e| panic!("bad attribute in rendered XML: {e}\n{xml}"));
                    a.unescape_value().unwrap_or_else(|e| {
                        panic!("bad attribute value in rendered XML: {e}\n{xml}")
                    });
                }
            }
            Ok(quick_xml::events::Event::Empty(s)) => {
                for a in s.attributes().with_checks(false) {
                    let a =
                        a.unwrap_or_else(|e| panic!("bad attribute in rendered XML: {e}\n{xml}"));
                    a.unescape_value().unwrap_or_else(|e| {
                        panic!("bad attribute value in rendered XML: {e}\n{xml}")
                    });
                }
            }
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(_) => {}
            Err(e) => panic!("rendered manifest is not well-formed XML: {e}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "unbalanced rendered XML\n{xml}");
}

/// Properties of the typed manifest that hold for any document.
pub fn check_manifest(m: &Manifest, doc: &Document) {
    assert_eq!(doc.root.name, "manifest");
    let mut names: Vec<&str> = m.permission_names().collect();
    let before = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate uses-permission kept");
    let requested = doc
        .root
        .children
        .iter()
        .filter(|c| c.name.starts_with("uses-permission"))
        .count();
    assert!(m.uses_permissions.len() <= requested);
    let declared = doc.root.children_named("permission").count();
    assert!(m.declared_permissions.len() <= declared);
    let meta = m.all_meta_data().count();
    assert_eq!(
        meta,
        m.meta_data.len()
            + m.components
                .iter()
                .map(|c| c.meta_data.len())
                .sum::<usize>()
    );
    for c in &m.components {
        let _ = c.kind.tag();
        if c.exported_explicit {
            // an explicit value is what was written; nothing more to check here
        }
    }
    let json = serde_json::to_string(m).expect("a manifest always serializes");
    assert!(json.starts_with('{'));
}

/// Checks everything read from an APK.
pub fn check_app(app: &App, input_len: usize) {
    assert_eq!(app.size, input_len as u64);
    assert_eq!(app.sha256.len(), 64);
    for name in &app.entries {
        assert!(
            !name.chars().any(char::is_control),
            "entry name with a raw control character: {name:?}"
        );
    }
    for a in &app.anomalies {
        assert!(!a.source.is_empty() && !a.message.is_empty(), "{a:?}");
    }
    assert!(
        app.string_resources.windows(2).all(|w| w[0] < w[1]),
        "string resources sorted and unique: {:?}",
        app.string_resources
    );
    for d in &app.dex {
        check_dex_summary(d);
    }
    for lib in &app.native_libs {
        assert!(!lib.path.is_empty());
        assert!(!lib.abi.is_empty());
        check_jni_classes(&lib.jni_classes, lib.exports);
    }
    let _ = serde_json::to_string(app).expect("an app always serializes");
}

/// Type names looked up in every resource table the fuzzer reads.
const RESOURCE_TYPES: &[&str] = &[
    "string", "attr", "xml", "plurals", "array", "style", "id", "",
];

/// Checks a resource table: every listed name is sorted and unique; every resource id of the
/// first types and entries of the usual packages that has a name is listed under its type, and
/// one with a string value has a name.
pub fn check_resource_table(t: &ResourceTable<'_>) {
    let _ = t.skipped_entries();
    if let Some(p) = t.package_name() {
        assert!(!p.contains('\0'), "{p:?}");
    }
    for ty in RESOURCE_TYPES {
        let names = t.names_of_type(ty);
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{ty}: {names:?}");
    }
    for package in [0x7f_u32, 0x01, 0x00] {
        for ty in 1..=16u32 {
            for entry in 0..64u32 {
                let id = package << 24 | ty << 16 | entry;
                let name = t.name_of(id);
                if let Some((type_name, key)) = name {
                    let listed = t.names_of_type(type_name);
                    assert!(
                        listed.binary_search(&key).is_ok(),
                        "{id:#x}: {key:?} not listed"
                    );
                }
                if t.string_value(id).is_some() {
                    assert!(name.is_some(), "{id:#x} has a value but no name");
                }
            }
        }
    }
}

/// Properties of a DEX summary.
pub fn check_dex_summary(d: &appaudit::apk::DexSummary) {
    assert!((35..=41).contains(&d.version), "version {}", d.version);
    let mut calls = d.api_calls.clone();
    calls.sort();
    calls.dedup();
    assert_eq!(calls, d.api_calls, "api_calls sorted and unique");
    for c in &d.api_calls {
        assert!(
            d.classes.iter().any(|k| *k == c.caller),
            "a call's caller is a defined class: {c:?}"
        );
        assert!(!c.api.is_empty() && !c.data_type.is_empty());
    }
    for a in &d.anomalies {
        assert!(!a.is_empty());
    }
}

/// JNI classes: sorted, unique, non-empty components, no more than the exports.
pub fn check_jni_classes(classes: &[String], exports: usize) {
    assert!(
        classes.len() <= exports,
        "{} classes from {exports} exports",
        classes.len()
    );
    for w in classes.windows(2) {
        assert!(w[0] < w[1], "jni_classes sorted and unique");
    }
    for c in classes {
        assert!(
            !c.is_empty() && c.split('.').all(|p| !p.is_empty()),
            "{c:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A small AXML writer, for the structured manifest target.

/// An attribute to write.
#[derive(Debug, Clone)]
pub struct WAttr {
    /// Android namespace (and, for a known name, the framework resource id).
    pub android: bool,
    /// Give it the framework resource id of `name` when one exists.
    pub with_id: bool,
    /// The name string.
    pub name: String,
    /// The typed value.
    pub value: Value,
}

/// An element to write.
#[derive(Debug, Clone)]
pub struct WElement {
    /// The element name.
    pub name: String,
    /// Line number.
    pub line: u32,
    /// Attributes in order.
    pub attrs: Vec<WAttr>,
    /// Children in order.
    pub children: Vec<WElement>,
}

/// The framework resource id of an attribute name, when the reader knows it.
pub fn known_id(name: &str) -> Option<u32> {
    (0x0101_0000u32..0x0101_0700).find(|&id| axml::android_attr_name(id) == Some(name))
}

struct Pool {
    /// Strings with a resource id come first (the resource map is parallel to the pool).
    with_id: Vec<(String, u32)>,
    plain: Vec<String>,
}

impl Pool {
    fn id_index(&mut self, s: &str, id: u32) -> usize {
        if let Some(i) = self.with_id.iter().position(|(t, _)| t == s) {
            return i;
        }
        self.with_id.push((s.to_string(), id));
        self.with_id.len() - 1
    }
    fn plain_index(&mut self, s: &str) -> usize {
        if let Some(i) = self.plain.iter().position(|t| t == s) {
            return i;
        }
        self.plain.push(s.to_string());
        self.plain.len() - 1
    }
}

enum Ev {
    Start(u32, u32, Vec<(u32, u32, u32, u8, u32)>),
    End(u32, u32),
}

/// Encodes a tree as binary XML (UTF-8 or UTF-16 string pool) with the android namespace declared.
/// Returns the bytes and the tree the reader must decode from them.
pub fn encode(root: &WElement, utf8: bool) -> (Vec<u8>, Element) {
    let mut pool = Pool {
        with_id: Vec::new(),
        plain: Vec::new(),
    };
    // First pass: intern every string, decide each attribute's name slot.
    enum Slot {
        Id(usize),
        Plain(usize),
    }
    struct Flat {
        name: usize,
        line: u32,
        attrs: Vec<(Option<usize>, Slot, Value, Option<usize>)>,
        depth_change: i32,
    }
    let mut flat: Vec<Flat> = Vec::new();
    let mut expected_stack: Vec<Element> = Vec::new();
    let mut expected_root: Option<Element> = None;
    let android_ns = pool.plain_index(axml::ANDROID_NS);
    let android_prefix = pool.plain_index("android");
    fn visit(
        el: &WElement,
        pool: &mut Pool,
        flat: &mut Vec<Flat>,
        android_ns: usize,
        out: &mut Vec<Element>,
        root: &mut Option<Element>,
    ) {
        let name = pool.plain_index(&el.name);
        let mut attrs = Vec::new();
        let mut e = Element {
            namespace: None,
            name: el.name.clone(),
            line: el.line,
            attributes: Vec::new(),
            children: Vec::new(),
        };
        for a in &el.attrs {
            let id = if a.with_id { known_id(&a.name) } else { None };
            let slot = match id {
                Some(id) => Slot::Id(pool.id_index(&a.name, id)),
                None => Slot::Plain(pool.plain_index(&a.name)),
            };
            let sidx = match &a.value {
                Value::String(s) => Some(pool.plain_index(s)),
                _ => None,
            };
            e.attributes.push(appaudit::apk::axml::Attribute {
                namespace: a.android.then(|| axml::ANDROID_NS.to_string()),
                name: a.name.clone(),
                resource_id: id,
                value: a.value.clone(),
            });
            attrs.push((a.android.then_some(android_ns), slot, a.value.clone(), sidx));
        }
        flat.push(Flat {
            name,
            line: el.line,
            attrs,
            depth_change: 1,
        });
        out.push(e);
        for c in &el.children {
            visit(c, pool, flat, android_ns, out, root);
        }
        flat.push(Flat {
            name,
            line: el.line,
            attrs: Vec::new(),
            depth_change: -1,
        });
        let done = out.pop().expect("pushed above");
        match out.last_mut() {
            Some(p) => p.children.push(done),
            None => *root = Some(done),
        }
    }
    visit(
        root,
        &mut pool,
        &mut flat,
        android_ns,
        &mut expected_stack,
        &mut expected_root,
    );
    let k = pool.with_id.len() as u32;
    let plain = |i: usize| k + i as u32;
    let events: Vec<Ev> = flat
        .iter()
        .map(|f| {
            if f.depth_change > 0 {
                Ev::Start(
                    plain(f.name),
                    f.line,
                    f.attrs
                        .iter()
                        .map(|(ns, slot, v, sidx)| {
                            let ns = ns.map_or(u32::MAX, plain);
                            let name = match slot {
                                Slot::Id(i) => *i as u32,
                                Slot::Plain(i) => plain(*i),
                            };
                            let (raw, t, d) = match v {
                                Value::String(_) => {
                                    let s = plain(sidx.expect("interned"));
                                    (s, 0x03u8, s)
                                }
                                Value::Int(i) => (u32::MAX, 0x10, *i as u32),
                                Value::Hex(h) => (u32::MAX, 0x11, *h),
                                Value::Bool(b) => (u32::MAX, 0x12, if *b { u32::MAX } else { 0 }),
                                Value::Reference(r) => (u32::MAX, 0x01, *r),
                                other => panic!("the writer does not encode {other:?}"),
                            };
                            (ns, name, raw, t, d)
                        })
                        .collect(),
                )
            } else {
                Ev::End(plain(f.name), f.line)
            }
        })
        .collect();

    let strings: Vec<&str> = pool
        .with_id
        .iter()
        .map(|(s, _)| s.as_str())
        .chain(pool.plain.iter().map(String::as_str))
        .collect();
    let mut out = Vec::new();
    // Document header; the size is patched at the end.
    out.extend_from_slice(&0x0003u16.to_le_bytes());
    out.extend_from_slice(&8u16.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&string_pool(&strings, utf8));
    // Resource map.
    if k > 0 {
        out.extend_from_slice(&0x0180u16.to_le_bytes());
        out.extend_from_slice(&8u16.to_le_bytes());
        out.extend_from_slice(&(8 + 4 * k).to_le_bytes());
        for (_, id) in &pool.with_id {
            out.extend_from_slice(&id.to_le_bytes());
        }
    }
    let ns_chunk = |kind: u16, out: &mut Vec<u8>| {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(&24u32.to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&u32::MAX.to_le_bytes());
        out.extend_from_slice(&plain(android_prefix).to_le_bytes());
        out.extend_from_slice(&plain(android_ns).to_le_bytes());
    };
    ns_chunk(0x0100, &mut out);
    for ev in &events {
        match ev {
            Ev::Start(name, line, attrs) => {
                let size = 16 + 20 + 20 * attrs.len() as u32;
                out.extend_from_slice(&0x0102u16.to_le_bytes());
                out.extend_from_slice(&16u16.to_le_bytes());
                out.extend_from_slice(&size.to_le_bytes());
                out.extend_from_slice(&line.to_le_bytes());
                out.extend_from_slice(&u32::MAX.to_le_bytes());
                out.extend_from_slice(&u32::MAX.to_le_bytes()); // ns
                out.extend_from_slice(&name.to_le_bytes());
                out.extend_from_slice(&20u16.to_le_bytes());
                out.extend_from_slice(&20u16.to_le_bytes());
                out.extend_from_slice(&(attrs.len() as u16).to_le_bytes());
                out.extend_from_slice(&[0u8; 6]); // id, class, style indices
                for (ns, n, raw, t, d) in attrs {
                    out.extend_from_slice(&ns.to_le_bytes());
                    out.extend_from_slice(&n.to_le_bytes());
                    out.extend_from_slice(&raw.to_le_bytes());
                    out.extend_from_slice(&8u16.to_le_bytes());
                    out.push(0);
                    out.push(*t);
                    out.extend_from_slice(&d.to_le_bytes());
                }
            }
            Ev::End(name, line) => {
                out.extend_from_slice(&0x0103u16.to_le_bytes());
                out.extend_from_slice(&16u16.to_le_bytes());
                out.extend_from_slice(&24u32.to_le_bytes());
                out.extend_from_slice(&line.to_le_bytes());
                out.extend_from_slice(&u32::MAX.to_le_bytes());
                out.extend_from_slice(&u32::MAX.to_le_bytes());
                out.extend_from_slice(&name.to_le_bytes());
            }
        }
    }
    ns_chunk(0x0101, &mut out);
    let total = out.len() as u32;
    out[4..8].copy_from_slice(&total.to_le_bytes());
    (out, expected_root.expect("the root was visited"))
}

fn string_pool(strings: &[&str], utf8: bool) -> Vec<u8> {
    let mut offsets = Vec::new();
    let mut data = Vec::new();
    for s in strings {
        offsets.push(data.len() as u32);
        if utf8 {
            let units = s.encode_utf16().count();
            push_len8(&mut data, units);
            push_len8(&mut data, s.len());
            data.extend_from_slice(s.as_bytes());
            data.push(0);
        } else {
            let units: Vec<u16> = s.encode_utf16().collect();
            let n = units.len();
            if n > 0x7fff {
                data.extend_from_slice(&((0x8000 | (n >> 16)) as u16).to_le_bytes());
                data.extend_from_slice(&((n & 0xffff) as u16).to_le_bytes());
            } else {
                data.extend_from_slice(&(n as u16).to_le_bytes());
            }
            for u in units {
                data.extend_from_slice(&u.to_le_bytes());
            }
            data.extend_from_slice(&[0, 0]);
        }
    }
    while data.len() % 4 != 0 {
        data.push(0);
    }
    let header = 28u32;
    let strings_start = header + 4 * strings.len() as u32;
    let size = strings_start + data.len() as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001u16.to_le_bytes());
    out.extend_from_slice(&(header as u16).to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(if utf8 { 1u32 << 8 } else { 0 }).to_le_bytes());
    out.extend_from_slice(&strings_start.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    for o in offsets {
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&data);
    out
}

fn push_len8(out: &mut Vec<u8>, n: usize) {
    if n > 0x7f {
        out.push(0x80 | ((n >> 8) & 0x7f) as u8);
        out.push((n & 0xff) as u8);
    } else {
        out.push(n as u8);
    }
}
