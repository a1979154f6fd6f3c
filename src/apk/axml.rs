//! Android binary XML (AXML): the compiled form of `AndroidManifest.xml`.
//!
//! Read through one bounds-checked cursor: the string pool (UTF-8 and UTF-16, styles skipped),
//! the resource-id map, namespaces and elements with typed attribute values. Like Android's
//! `ResXMLParser`, header sizes are honoured rather than assumed and unknown chunks are skipped;
//! an attribute whose name string is empty or renamed is resolved through the resource-id map,
//! which is how Android itself looks attributes up (obfuscated manifests rely on this).

use crate::apk::chunk::{chunk_header, StringPool, RES_STRING_POOL};
use crate::apk::Anomaly;
use crate::cursor::{to_usize, Cursor};
use crate::error::ParseError;
use std::fmt::Write as _;

const RES_XML: u16 = 0x0003;
const RES_XML_START_NAMESPACE: u16 = 0x0100;
const RES_XML_END_NAMESPACE: u16 = 0x0101;
const RES_XML_START_ELEMENT: u16 = 0x0102;
const RES_XML_END_ELEMENT: u16 = 0x0103;
const RES_XML_CDATA: u16 = 0x0104;
const RES_XML_RESOURCE_MAP: u16 = 0x0180;
const NO_INDEX: u32 = 0xffff_ffff;
/// The Android namespace URI.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";
/// Deeper nesting than any real manifest; stops stack-hungry consumers on hostile input.
const MAX_DEPTH: usize = 256;
/// Most string bytes decoded from the pool for one document. Each attribute decodes its own copy
/// of the strings it names, so without a bound a small manifest whose attributes all name one long
/// string would need gigabytes; real manifests decode well under 1 MiB.
pub const MAX_DECODED_STRINGS: usize = 64 << 20;

/// A typed attribute value (`Res_value`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (TYPE_STRING, or the raw value string).
    String(String),
    /// TYPE_INT_DEC.
    Int(i32),
    /// TYPE_INT_HEX.
    Hex(u32),
    /// TYPE_INT_BOOLEAN.
    Bool(bool),
    /// TYPE_REFERENCE: `@0x7f...`.
    Reference(u32),
    /// TYPE_ATTRIBUTE: `?0x...`.
    Attribute(u32),
    /// TYPE_FLOAT.
    Float(f32),
    /// TYPE_DIMENSION (raw complex value).
    Dimension(u32),
    /// TYPE_FRACTION (raw complex value).
    Fraction(u32),
    /// TYPE_INT_COLOR_* (ARGB).
    Color(u32),
    /// TYPE_NULL.
    Null,
    /// Any other type: (type, data).
    Other(u8, u32),
}

impl Value {
    /// The value as Android would read it for a string attribute.
    pub fn as_text(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            Value::Int(v) => v.to_string(),
            Value::Hex(v) => format!("0x{v:x}"),
            Value::Bool(b) => b.to_string(),
            Value::Reference(r) => format!("@0x{r:08x}"),
            Value::Attribute(r) => format!("?0x{r:08x}"),
            Value::Float(f) => f.to_string(),
            Value::Dimension(d) => format!("dimension(0x{d:08x})"),
            Value::Fraction(d) => format!("fraction(0x{d:08x})"),
            Value::Color(c) => format!("#{c:08x}"),
            Value::Null => String::new(),
            Value::Other(t, d) => format!("(type 0x{t:x})0x{d:x}"),
        }
    }

    /// An integer reading (decimal, hex, or a numeric string).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => Some(i64::from(*v)),
            Value::Hex(v) => Some(i64::from(*v)),
            Value::String(s) => s.trim().parse().ok(),
            Value::Other(_, d) => Some(i64::from(*d)),
            _ => None,
        }
    }

    /// A boolean reading (Android: any non-zero data is true; strings "true"/"false").
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Int(v) => Some(*v != 0),
            Value::Hex(v) => Some(*v != 0),
            Value::String(s) => match s.trim() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }
}

/// One attribute of an element.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// Namespace URI, when any.
    pub namespace: Option<String>,
    /// The name Android resolves: from the resource-id map when the id is a known framework
    /// attribute, else the name string.
    pub name: String,
    /// The resource id from the resource map, when the name has one.
    pub resource_id: Option<u32>,
    /// The typed value.
    pub value: Value,
}

impl Attribute {
    /// True for `android:` attributes (by namespace or by a framework resource id).
    pub fn is_android(&self) -> bool {
        self.namespace.as_deref() == Some(ANDROID_NS)
            || self.resource_id.is_some_and(|id| id >> 24 == 0x01)
    }
}

/// An element with its attributes and children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Element {
    /// Namespace URI of the element, when any.
    pub namespace: Option<String>,
    /// Element name (`manifest`, `uses-permission`...).
    pub name: String,
    /// Source line recorded by the compiler.
    pub line: u32,
    /// Attributes in file order.
    pub attributes: Vec<Attribute>,
    /// Child elements in file order.
    pub children: Vec<Element>,
}

impl Element {
    /// The `android:` attribute with this name.
    pub fn android_attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name == name && a.is_android())
            .map(|a| &a.value)
    }

    /// An attribute without a namespace (such as `package` on `<manifest>`).
    pub fn plain_attr(&self, name: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.name == name && a.namespace.is_none())
            .or_else(|| self.attributes.iter().find(|a| a.name == name))
            .map(|a| &a.value)
    }

    /// Child elements with this name.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// A decoded document: the root element, namespace prefixes, and what was odd.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The root element.
    pub root: Element,
    /// (prefix, uri) pairs declared.
    pub namespaces: Vec<(String, String)>,
    /// Tolerated oddities (unknown chunks, header sizes, unresolved names...).
    pub anomalies: Vec<Anomaly>,
}

/// The document's string pool, each string decoded once and handed out as a copy within the
/// document's budget ([`MAX_DECODED_STRINGS`]).
struct Strings<'a> {
    pool: StringPool<'a>,
    /// String bytes handed out so far.
    decoded: std::cell::Cell<usize>,
    /// Each string is decoded once; later uses copy it.
    cache: std::cell::RefCell<std::collections::HashMap<u32, String>>,
}

impl<'a> Strings<'a> {
    fn new(pool: StringPool<'a>) -> Self {
        Strings {
            pool,
            decoded: std::cell::Cell::new(0),
            cache: Default::default(),
        }
    }

    /// String `idx`, decoded once and copied afterwards, within the document's budget.
    fn get(&self, idx: u32) -> Result<String, ParseError> {
        let cached = self.cache.borrow().get(&idx).cloned();
        let s = match cached {
            Some(s) => s,
            None => {
                let s = self.pool.get(idx)?.into_owned();
                self.cache.borrow_mut().insert(idx, s.clone());
                s
            }
        };
        let total = self.decoded.get().saturating_add(s.len());
        self.decoded.set(total);
        if total > MAX_DECODED_STRINGS {
            return Err(ParseError::limit(
                format!("string pool entry {idx}"),
                self.pool.base() as u64,
                format!("more than {MAX_DECODED_STRINGS} bytes of strings decoded for one document (the same long strings named over and over?)"),
            ));
        }
        Ok(s)
    }
}

/// Decodes a binary XML document.
pub fn parse(data: &[u8]) -> Result<Document, ParseError> {
    let mut c = Cursor::new(data, "XML chunk header");
    let top = chunk_header(&mut c, data.len()).map_err(|e| {
        if data.len() < 8 {
            e
        } else {
            ParseError::invalid("XML chunk header", 0, "not a binary XML document")
        }
    })?;
    let mut anomalies = Vec::new();
    if top.kind != RES_XML {
        return Err(ParseError::invalid(
            "XML chunk header",
            0,
            format!(
                "type {:#06x} is not a binary XML document (0x0003)",
                top.kind
            ),
        ));
    }
    if top.size < data.len() {
        anomalies.push(axml_anomaly(format!(
            "{} bytes follow the XML chunk",
            data.len() - top.size
        )));
    }
    let end = top.size;
    c.seek(top.header_size)?;
    let mut pool: Option<Strings<'_>> = None;
    let mut res_ids: Vec<u32> = Vec::new();
    let mut namespaces: Vec<(String, String)> = Vec::new();
    let mut ns_stack: Vec<(String, String)> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut unknown_reported = false;
    let (mut nameless_reported, mut no_ns_reported) = (false, false);
    while c.pos() + 8 <= end {
        c.set_structure("XML chunk header");
        let h = chunk_header(&mut c, end)?;
        let body = h.start + h.header_size;
        let chunk_end = h.start + h.size;
        match h.kind {
            RES_STRING_POOL => {
                if pool.is_some() {
                    anomalies.push(axml_anomaly("a second string pool is ignored".into()));
                } else {
                    pool = Some(Strings::new(StringPool::parse(data, &h)?));
                }
            }
            RES_XML_RESOURCE_MAP => {
                let mut rc = Cursor::at(&data[..chunk_end], body, "resource map")?;
                res_ids.clear();
                while rc.remaining() >= 4 {
                    res_ids.push(rc.u32()?);
                }
            }
            RES_XML_START_NAMESPACE | RES_XML_END_NAMESPACE => {
                let sp = pool.as_ref().ok_or_else(|| {
                    ParseError::invalid("namespace", h.start as u64, "before the string pool")
                })?;
                let mut nc = Cursor::at(&data[..chunk_end], body, "namespace")?;
                let prefix = nc.u32()?;
                let uri = nc.u32()?;
                if h.kind == RES_XML_START_NAMESPACE {
                    let p = opt_string(sp, prefix)?.unwrap_or_default();
                    let u = opt_string(sp, uri)?.unwrap_or_default();
                    namespaces.push((p.clone(), u.clone()));
                    ns_stack.push((p, u));
                } else {
                    ns_stack.pop();
                }
            }
            RES_XML_START_ELEMENT => {
                let sp = pool.as_ref().ok_or_else(|| {
                    ParseError::invalid("start element", h.start as u64, "before the string pool")
                })?;
                let mut ec = Cursor::at(&data[..chunk_end], h.start + 8, "start element")?;
                let line = ec.u32()?;
                ec.seek(body)?;
                let ns = ec.u32()?;
                let name = ec.u32()?;
                let attr_start = usize::from(ec.u16()?);
                let attr_size = usize::from(ec.u16()?);
                let attr_count = usize::from(ec.u16()?);
                let el_name = opt_string(sp, name)?.unwrap_or_default();
                if el_name.is_empty() {
                    anomalies.push(axml_anomaly(format!(
                        "element at offset {:#x} has no name",
                        h.start
                    )));
                }
                let mut el = Element {
                    namespace: opt_string(sp, ns)?,
                    name: el_name,
                    line,
                    attributes: Vec::with_capacity(attr_count.min(64)),
                    children: Vec::new(),
                };
                if attr_count > 0 && attr_size < 20 {
                    return Err(ec.err_at(body, format!("attribute size {attr_size} is below 20")));
                }
                for i in 0..attr_count {
                    let at = body + attr_start + i * attr_size;
                    let mut ac = Cursor::at(&data[..chunk_end], at.min(chunk_end), "attribute")?;
                    if at > chunk_end {
                        return Err(
                            ac.err_at(at, format!("attribute {i} lies past the element chunk"))
                        );
                    }
                    let ans = ac.u32()?;
                    let aname = ac.u32()?;
                    let raw = ac.u32()?;
                    let _size = ac.u16()?;
                    let _res0 = ac.u8()?;
                    let dtype = ac.u8()?;
                    let d = ac.u32()?;
                    let resource_id = res_ids.get(to_usize(aname)).copied();
                    let string_name = opt_string(sp, aname)?.unwrap_or_default();
                    let name = match resource_id.and_then(android_attr_name) {
                        Some(known) => {
                            if !string_name.is_empty() && string_name != known {
                                anomalies.push(axml_anomaly(format!(
                                    "attribute named {string_name:?} has the resource id of android:{known}; Android reads it as {known}"
                                )));
                            }
                            known.to_string()
                        }
                        None => string_name,
                    };
                    if name.is_empty() && !nameless_reported {
                        nameless_reported = true;
                        anomalies.push(axml_anomaly(format!(
                            "attribute {i} of <{}> at offset {at:#x} has no name (Android ignores it)",
                            el.name
                        )));
                    }
                    let namespace = opt_string(sp, ans)?;
                    if namespace.is_none()
                        && resource_id.is_some_and(|id| id >> 24 == 0x01)
                        && !no_ns_reported
                    {
                        no_ns_reported = true;
                        anomalies.push(axml_anomaly(format!(
                            "attribute {name:?} of <{}> at offset {at:#x} has no namespace but a framework resource id; Android reads it as android:{name}",
                            el.name
                        )));
                    }
                    let value = typed_value(sp, dtype, d, raw)?;
                    el.attributes.push(Attribute {
                        namespace,
                        name,
                        resource_id,
                        value,
                    });
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(ParseError::limit(
                        "start element",
                        h.start as u64,
                        format!("elements nested deeper than {MAX_DEPTH}"),
                    ));
                }
                stack.push(el);
            }
            RES_XML_END_ELEMENT => match stack.pop() {
                Some(el) => match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => {
                        if root.is_some() {
                            anomalies.push(axml_anomaly(format!(
                                "a second root element <{}> is ignored",
                                el.name
                            )));
                        } else {
                            root = Some(el);
                        }
                    }
                },
                None => anomalies.push(axml_anomaly(format!(
                    "end element at offset {:#x} without a start",
                    h.start
                ))),
            },
            RES_XML_CDATA => {}
            other => {
                if !unknown_reported {
                    unknown_reported = true;
                    anomalies.push(axml_anomaly(format!(
                        "unknown chunk type {other:#06x} at offset {:#x} skipped",
                        h.start
                    )));
                }
            }
        }
        c.seek(chunk_end)?;
    }
    // Close what the document left open, as a lenient reader would.
    if !stack.is_empty() {
        anomalies.push(axml_anomaly(format!(
            "{} element(s) left open at the end",
            stack.len()
        )));
        while let Some(el) = stack.pop() {
            match stack.last_mut() {
                Some(parent) => parent.children.push(el),
                None => {
                    if root.is_none() {
                        root = Some(el);
                    }
                }
            }
        }
    }
    let root = root.ok_or_else(|| ParseError::invalid("XML document", 0, "no element found"))?;
    Ok(Document {
        root,
        namespaces,
        anomalies,
    })
}

fn axml_anomaly(message: String) -> Anomaly {
    Anomaly {
        source: "AndroidManifest.xml".to_string(),
        message,
    }
}

fn opt_string(sp: &Strings<'_>, idx: u32) -> Result<Option<String>, ParseError> {
    if idx == NO_INDEX {
        Ok(None)
    } else {
        sp.get(idx).map(Some)
    }
}

fn typed_value(sp: &Strings<'_>, dtype: u8, d: u32, raw: u32) -> Result<Value, ParseError> {
    Ok(match dtype {
        0x00 => {
            if raw != NO_INDEX {
                Value::String(sp.get(raw)?)
            } else {
                Value::Null
            }
        }
        0x01 => Value::Reference(d),
        0x02 => Value::Attribute(d),
        0x03 => Value::String(if raw != NO_INDEX {
            sp.get(raw)?
        } else {
            sp.get(d)?
        }),
        0x04 => Value::Float(f32::from_bits(d)),
        0x05 => Value::Dimension(d),
        0x06 => Value::Fraction(d),
        0x10 => Value::Int(i32::from_le_bytes(d.to_le_bytes())),
        0x11 => Value::Hex(d),
        0x12 => Value::Bool(d != 0),
        0x1c..=0x1f => Value::Color(d),
        t => Value::Other(t, d),
    })
}

/// Names of the framework attributes a manifest uses, by resource id (android.R.attr).
pub fn android_attr_name(id: u32) -> Option<&'static str> {
    Some(match id {
        0x0101_0000 => "theme",
        0x0101_0001 => "label",
        0x0101_0002 => "icon",
        0x0101_0003 => "name",
        0x0101_0006 => "permission",
        0x0101_0009 => "protectionLevel",
        0x0101_000e => "enabled",
        0x0101_000f => "debuggable",
        0x0101_0010 => "exported",
        0x0101_0011 => "process",
        0x0101_0018 => "authorities",
        0x0101_001b => "grantUriPermissions",
        0x0101_001c => "priority",
        0x0101_001d => "launchMode",
        0x0101_001e => "screenOrientation",
        0x0101_001f => "configChanges",
        0x0101_0020 => "description",
        0x0101_0024 => "value",
        0x0101_0025 => "resource",
        0x0101_0026 => "mimeType",
        0x0101_0027 => "scheme",
        0x0101_0028 => "host",
        0x0101_0029 => "port",
        0x0101_002a => "path",
        0x0101_002b => "pathPrefix",
        0x0101_002c => "pathPattern",
        0x0101_002d => "action",
        0x0101_0202 => "targetActivity",
        0x0101_020c => "minSdkVersion",
        0x0101_021b => "versionCode",
        0x0101_021c => "versionName",
        0x0101_0270 => "targetSdkVersion",
        0x0101_0271 => "maxSdkVersion",
        0x0101_0280 => "allowBackup",
        0x0101_04ec => "usesCleartextTraffic",
        0x0101_0527 => "networkSecurityConfig",
        0x0101_0572 => "compileSdkVersion",
        0x0101_0573 => "compileSdkVersionCodename",
        0x0101_0611 => "versionCodeMajor",
        _ => return None,
    })
}

/// Renders a document as XML text (for `inspect --manifest`), escaping every value.
pub fn to_xml(doc: &Document) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let prefix_of = |uri: &str| -> Option<&str> {
        doc.namespaces
            .iter()
            .find(|(_, u)| u == uri)
            .map(|(p, _)| p.as_str())
    };
    // Iterative walk: (element, depth, children visited?)
    let mut work: Vec<(&Element, usize, bool)> = vec![(&doc.root, 0, false)];
    while let Some((el, depth, closing)) = work.pop() {
        let pad = "    ".repeat(depth);
        if closing {
            let _ = writeln!(out, "{pad}</{}>", xml_name(&el.name));
            continue;
        }
        let _ = write!(out, "{pad}<{}", xml_name(&el.name));
        if depth == 0 {
            for (p, u) in &doc.namespaces {
                let _ = write!(out, " xmlns:{}=\"{}\"", xml_name(p), escape(u));
            }
        }
        for a in &el.attributes {
            let name = match a.namespace.as_deref() {
                Some(uri) => match prefix_of(uri) {
                    Some(p) if !p.is_empty() => format!("{}:{}", xml_name(p), xml_name(&a.name)),
                    _ => xml_name(&a.name),
                },
                None => xml_name(&a.name),
            };
            let _ = write!(out, " {name}=\"{}\"", escape(&a.value.as_text()));
        }
        if el.children.is_empty() {
            out.push_str("/>\n");
        } else {
            out.push_str(">\n");
            work.push((el, depth, true));
            for child in el.children.iter().rev() {
                work.push((child, depth + 1, false));
            }
        }
    }
    out
}

/// A name from the string pool made safe to print as an XML name: a hostile manifest may name an
/// element `a b="c"` or `x><y`. Characters that cannot appear in a name become `_`.
fn xml_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Not characters in XML 1.0, not even as references: a hostile value may hold them.
            c if (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}') =>
            {
                out.push(char::REPLACEMENT_CHARACTER)
            }
            c if c.is_control() => {
                let _ = write!(out, "&#x{:x};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_binary_xml() {
        assert!(parse(b"").is_err());
        let e = parse(b"<?xml version=\"1.0\"?><manifest/>").unwrap_err();
        assert!(e.to_string().contains("binary XML"), "{e}");
    }

    /// A document of one element with one `android:` attribute whose namespace has `prefix`.
    fn one_attribute(element: &str, attribute: &str, value: &str, prefix: String) -> Document {
        Document {
            root: Element {
                name: element.into(),
                attributes: vec![Attribute {
                    namespace: Some(ANDROID_NS.into()),
                    name: attribute.into(),
                    resource_id: None,
                    value: Value::String(value.into()),
                }],
                ..Default::default()
            },
            namespaces: vec![(prefix, ANDROID_NS.into())],
            anomalies: Vec::new(),
        }
    }

    #[test]
    fn regression_hostile_names_broke_the_rendered_xml() {
        assert_eq!(xml_name("uses-permission"), "uses-permission");
        assert_eq!(xml_name("a b=\"c\""), "a_b__c_");
        assert_eq!(xml_name("x><y"), "x__y");
        assert_eq!(xml_name(""), "_");
        assert_eq!(xml_name("1a"), "_1a");
        let doc = one_attribute(
            "manifest x=\"1\"><evil",
            "name\" onload=\"x",
            "v",
            String::new(),
        );
        let xml = to_xml(&doc);
        assert!(
            !xml.contains("<evil") && !xml.contains("onload=\""),
            "{xml}"
        );
    }

    #[test]
    fn escapes_values() {
        assert_eq!(escape("a<b&\"c\"\n"), "a&lt;b&amp;&quot;c&quot;&#xa;");
    }

    #[test]
    fn regression_nul_in_a_value_broke_the_rendered_xml() {
        // Found by the `manifest` fuzz target (tests/data/regressions/fuzz-manifest-nul-value.bin):
        // `&#x0;` is not allowed in XML 1.0, so `inspect --manifest` printed unparseable XML.
        assert_eq!(escape("a\0b\u{1}\u{ffff}"), "a\u{fffd}b\u{fffd}\u{fffd}");
        assert_eq!(escape("\t\r\u{85}"), "&#x9;&#xd;&#x85;");
        let doc = one_attribute("manifest", "permission", "\0", "android".into());
        let xml = to_xml(&doc);
        let mut r = quick_xml::Reader::from_str(&xml);
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Empty(e)) => {
                    for a in e.attributes() {
                        a.expect("attribute").unescape_value().expect("value");
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("{e}: {xml}"),
            }
        }
    }
}
