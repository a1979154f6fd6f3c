//! aapt2's protobuf formats, as an App Bundle holds them: the XML of
//! `<module>/manifest/AndroidManifest.xml` (XmlNode), the resource table `<module>/resources.pb`
//! (ResourceTable) and bundletool's `BundleConfig.pb`.
//!
//! Field numbers are those of AOSP's `frameworks/base/tools/aapt2/Resources.proto` and
//! bundletool's `config.proto`. The XML becomes the same [`Document`] the binary-XML reader
//! gives, so one [`crate::apk::Manifest`] builder serves both. Unknown fields are skipped, as
//! protobuf readers do; a known field written with the wrong wire type is an error.

use crate::apk::axml::{android_attr_name, Attribute, Document, Element, Value};
use crate::apk::protobuf::{Field, Fields, Message};
use crate::error::ParseError;

/// Most elements, attributes and namespace declarations read from one XML document: far above
/// any real manifest (a few thousand). Each costs two bytes of input and about a hundred of
/// memory, so this count, not the input size, bounds the allocation (to tens of MiB).
pub const MAX_XML_NODES: usize = 1 << 18;
/// Most entries read from one resource table (real apps: tens of thousands; each string entry
/// keeps its name).
pub const MAX_RESOURCE_ENTRIES: usize = 1 << 20;
/// Most element levels (as the binary XML reader).
const MAX_ELEMENT_DEPTH: usize = 256;

/// Decodes aapt2's protobuf XML (an `XmlNode` whose element is the root).
///
/// The tree is walked with an explicit stack, not recursion: a hostile document nested 256
/// elements deep must not overflow a worker thread's stack.
pub fn parse_xml(data: &[u8]) -> Result<Document, ParseError> {
    let mut doc = Document::default();
    let mut budget = MAX_XML_NODES;
    let root = Message::root(data, "XmlNode");
    spend(&mut budget, &root)?;
    let mut stack: Vec<Frame<'_>> = vec![Frame::node(root)];
    loop {
        // Frames alternate node, element, node...: the number of nodes open.
        let depth = stack.len().div_ceil(2);
        let Some(top) = stack.last_mut() else {
            return Err(root.err("the root XmlNode holds no element"));
        };
        let next = match top {
            Frame::Node { fields, .. } | Frame::Element { fields, .. } => fields.next(),
        };
        let Some(f) = next else {
            // The frame is complete: hand it to its parent.
            match stack.pop() {
                Some(Frame::Node { element, line, .. }) => {
                    let element = element.map(|mut el| {
                        el.line = line;
                        el
                    });
                    match (stack.last_mut(), element) {
                        (Some(Frame::Element { el, .. }), Some(child)) => el.children.push(child),
                        (None, Some(el)) => {
                            doc.root = el;
                            return Ok(doc);
                        }
                        (None, None) => return Err(root.err("the root XmlNode holds no element")),
                        // Text, or (never: a node's parent is an element) a node in a node.
                        _ => {}
                    }
                }
                Some(Frame::Element { el, .. }) => {
                    if let Some(Frame::Node { element, .. }) = stack.last_mut() {
                        *element = Some(el);
                    }
                }
                None => {}
            }
            continue;
        };
        let f = f?;
        match top {
            Frame::Node { line, .. } => match f.number {
                1 => {
                    let m = f.message("XmlElement")?;
                    stack.push(Frame::Element {
                        fields: m.fields(),
                        el: Element::default(),
                    });
                }
                2 => {
                    f.str()?;
                }
                3 => *line = source_line(&f)?,
                _ => {}
            },
            Frame::Element { el, .. } => match f.number {
                1 => {
                    let ns = f.message("XmlNamespace")?;
                    spend(&mut budget, &ns)?;
                    let pair = xml_namespace(ns)?;
                    if !doc.namespaces.contains(&pair) {
                        doc.namespaces.push(pair);
                    }
                }
                2 => el.namespace = non_empty(f.str()?),
                3 => el.name = f.str()?.to_string(),
                4 => {
                    let a = f.message("XmlAttribute")?;
                    spend(&mut budget, &a)?;
                    el.attributes.push(xml_attribute(a)?);
                }
                5 => {
                    let child = f.message("XmlNode")?;
                    if depth >= MAX_ELEMENT_DEPTH {
                        return Err(ParseError::limit(
                            child.structure(),
                            child.offset() as u64,
                            format!("elements nested more than {MAX_ELEMENT_DEPTH} deep"),
                        ));
                    }
                    spend(&mut budget, &child)?;
                    stack.push(Frame::node(child));
                }
                _ => {}
            },
        }
    }
}

/// A message being read: an XmlNode (its element once read, its line) or an XmlElement.
enum Frame<'a> {
    Node {
        fields: Fields<'a>,
        element: Option<Element>,
        line: u32,
    },
    Element {
        fields: Fields<'a>,
        el: Element,
    },
}

impl<'a> Frame<'a> {
    fn node(m: Message<'a>) -> Self {
        Frame::Node {
            fields: m.fields(),
            element: None,
            line: 0,
        }
    }
}

/// Counts one node against the document's budget.
fn spend(budget: &mut usize, m: &Message<'_>) -> Result<(), ParseError> {
    if *budget == 0 {
        return Err(ParseError::limit(
            m.structure(),
            m.offset() as u64,
            format!("more than {MAX_XML_NODES} elements, attributes and namespaces"),
        ));
    }
    *budget -= 1;
    Ok(())
}

/// `SourcePosition.line_number`.
fn source_line(f: &Field<'_>) -> Result<u32, ParseError> {
    let mut line = 0;
    for g in f.message("SourcePosition")?.fields() {
        let g = g?;
        if g.number == 1 {
            line = g.u32()?;
        }
    }
    Ok(line)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// An `XmlNamespace`: (prefix, uri).
fn xml_namespace(m: Message<'_>) -> Result<(String, String), ParseError> {
    let (mut prefix, mut uri) = (String::new(), String::new());
    for g in m.fields() {
        let g = g?;
        match g.number {
            1 => prefix = g.str()?.to_string(),
            2 => uri = g.str()?.to_string(),
            _ => {}
        }
    }
    Ok((prefix, uri))
}

fn xml_attribute(m: Message<'_>) -> Result<Attribute, ParseError> {
    let (mut namespace, mut name, mut raw) = (None, String::new(), String::new());
    let (mut resource_id, mut compiled) = (None, None);
    for f in m.fields() {
        let f = f?;
        match f.number {
            1 => namespace = non_empty(f.str()?),
            2 => name = f.str()?.to_string(),
            3 => raw = f.str()?.to_string(),
            5 => resource_id = Some(f.u32()?).filter(|&id| id != 0),
            6 => compiled = item_value(f.message("Item")?)?,
            _ => {}
        }
    }
    // As in binary XML, a framework attribute is known by its id, whatever its name says.
    if let Some(known) = resource_id.and_then(android_attr_name) {
        name = known.to_string();
    }
    Ok(Attribute {
        namespace,
        name,
        resource_id,
        value: compiled.unwrap_or(Value::String(raw)),
    })
}

/// The first string field 1 of a message (String, RawString, StyledString, FileReference).
fn text_of(m: Message<'_>) -> Result<String, ParseError> {
    for f in m.fields() {
        let f = f?;
        if f.number == 1 {
            return Ok(f.str()?.to_string());
        }
    }
    Ok(String::new())
}

/// An `Item` as the typed value binary XML would hold; `None` where the raw string says more
/// (an `Id`, an unknown kind).
fn item_value(m: Message<'_>) -> Result<Option<Value>, ParseError> {
    let mut value = None;
    for f in m.fields() {
        let f = f?;
        value = match f.number {
            1 => Some(reference(f.message("Reference")?)?),
            2 => Some(Value::String(text_of(f.message("String")?)?)),
            3 => Some(Value::String(text_of(f.message("RawString")?)?)),
            4 => Some(Value::String(text_of(f.message("StyledString")?)?)),
            5 => Some(Value::String(text_of(f.message("FileReference")?)?)),
            7 => primitive(f.message("Primitive")?)?,
            _ => value,
        };
    }
    Ok(value)
}

fn reference(m: Message<'_>) -> Result<Value, ParseError> {
    let (mut attribute, mut id, mut name) = (false, 0, String::new());
    for f in m.fields() {
        let f = f?;
        match f.number {
            1 => attribute = f.varint()? == 1,
            2 => id = f.u32()?,
            3 => name = f.str()?.to_string(),
            _ => {}
        }
    }
    Ok(match (id, attribute) {
        (0, _) => Value::String(name),
        (id, true) => Value::Attribute(id),
        (id, false) => Value::Reference(id),
    })
}

/// `Primitive`: one field of a oneof. The first aapt2 releases wrote Res_value's type and data
/// as varint fields 1 and 2; such a value is left to the raw string.
fn primitive(m: Message<'_>) -> Result<Option<Value>, ParseError> {
    let mut value = None;
    for f in m.fields() {
        let f = f?;
        if matches!(f.number, 1 | 2) && f.wire_type() == crate::apk::protobuf::WireType::Varint {
            return Ok(None);
        }
        value = Some(match f.number {
            1 | 2 => {
                f.message("Primitive.NullType")?;
                Value::Null
            }
            3..=5 => Value::Float(f.f32()?),
            6 => Value::Int(i32::from_le_bytes(f.u32()?.to_le_bytes())),
            7 => Value::Hex(f.u32()?),
            8 => Value::Bool(f.bool()?),
            9..=12 => Value::Color(f.u32()?),
            13 => Value::Dimension(f.u32()?),
            14 => Value::Fraction(f.u32()?),
            _ => continue,
        });
    }
    Ok(value)
}

/// What appaudit reads of a `resources.pb`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceTable {
    /// The first package's name.
    pub package_name: Option<String>,
    /// The names of the `string` resources, sorted, without duplicates.
    pub string_names: Vec<String>,
    /// Each string resource's id and its value in the default configuration (else the first).
    pub string_values: Vec<(u32, String)>,
}

impl ResourceTable {
    /// The value of a string resource by id.
    pub fn string_value(&self, id: u32) -> Option<&str> {
        self.string_values
            .binary_search_by_key(&id, |(i, _)| *i)
            .ok()
            .map(|i| self.string_values[i].1.as_str())
    }
}

/// Decodes a `resources.pb` (ResourceTable): its packages, the names of its string resources
/// and their values.
pub fn parse_resource_table(data: &[u8]) -> Result<ResourceTable, ParseError> {
    let mut table = ResourceTable::default();
    let mut budget = MAX_RESOURCE_ENTRIES;
    for f in Message::root(data, "ResourceTable").fields() {
        let f = f?;
        match f.number {
            1 => {
                f.message("StringPool")?;
            }
            2 => package(f.message("Package")?, &mut table, &mut budget)?,
            _ => {}
        }
    }
    table.string_names.sort_unstable();
    table.string_names.dedup();
    table.string_values.sort_by_key(|(id, _)| *id);
    table.string_values.dedup_by_key(|(id, _)| *id);
    Ok(table)
}

fn package(
    m: Message<'_>,
    table: &mut ResourceTable,
    budget: &mut usize,
) -> Result<(), ParseError> {
    let mut package_id = 0;
    let mut types = Vec::new();
    for f in m.fields() {
        let f = f?;
        match f.number {
            1 => package_id = f.id("PackageId")?,
            2 => {
                let name = f.str()?;
                if table.package_name.is_none() {
                    table.package_name = Some(name.to_string());
                }
            }
            3 => types.push(f.message("Type")?),
            _ => {}
        }
    }
    // The package id may follow its types in the file: the ids are made once all are read.
    for t in types {
        let mut type_id = 0;
        let mut name = "";
        let mut entries = Vec::new();
        for f in t.fields() {
            let f = f?;
            match f.number {
                1 => type_id = f.id("TypeId")?,
                2 => name = f.str()?,
                3 => entries.push(f.message("Entry")?),
                _ => {}
            }
        }
        for e in entries {
            if *budget == 0 {
                return Err(ParseError::limit(
                    "Entry",
                    e.offset() as u64,
                    format!("more than {MAX_RESOURCE_ENTRIES} resource entries"),
                ));
            }
            *budget -= 1;
            if name != "string" {
                continue;
            }
            let (entry_id, entry_name, value) = entry(e)?;
            let id = (package_id & 0xff) << 24 | (type_id & 0xff) << 16 | (entry_id & 0xffff);
            if let Some(v) = value {
                table.string_values.push((id, v));
            }
            table.string_names.push(entry_name);
        }
    }
    Ok(())
}

/// An Entry's id, name and string value (default configuration first).
fn entry(m: Message<'_>) -> Result<(u32, String, Option<String>), ParseError> {
    let (mut id, mut name) = (0, String::new());
    let (mut default, mut first) = (None, None);
    for f in m.fields() {
        let f = f?;
        match f.number {
            1 => id = f.id("EntryId")?,
            2 => name = f.str()?.to_string(),
            6 => {
                let mut is_default = true;
                let mut text = None;
                for g in f.message("ConfigValue")?.fields() {
                    let g = g?;
                    match g.number {
                        1 => is_default = g.bytes()?.is_empty(),
                        2 => text = value_string(g.message("Value")?)?,
                        _ => {}
                    }
                }
                if let Some(t) = text {
                    if is_default && default.is_none() {
                        default = Some(t.clone());
                    }
                    first.get_or_insert(t);
                }
            }
            _ => {}
        }
    }
    Ok((id, name, default.or(first)))
}

/// The text of a `Value` whose item is a string.
fn value_string(m: Message<'_>) -> Result<Option<String>, ParseError> {
    for f in m.fields() {
        let f = f?;
        if f.number == 4 {
            if let Some(Value::String(s)) = item_value(f.message("Item")?)? {
                return Ok(Some(s));
            }
        }
    }
    Ok(None)
}

/// `BundleConfig.pb`: the version of bundletool that built the bundle, when recorded.
pub fn bundletool_version(data: &[u8]) -> Result<Option<String>, ParseError> {
    let mut version = None;
    for f in Message::root(data, "BundleConfig").fields() {
        let f = f?;
        if f.number == 1 {
            for g in f.message("Bundletool")?.fields() {
                let g = g?;
                if g.number == 2 {
                    version = non_empty(g.str()?);
                }
            }
        }
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Protobuf writer for tests: (field, bytes) as a length-delimited field.
    fn len(field: u32, body: &[u8]) -> Vec<u8> {
        let mut out = varint(u64::from(field) << 3 | 2);
        out.extend(varint(body.len() as u64));
        out.extend_from_slice(body);
        out
    }
    fn var(field: u32, v: u64) -> Vec<u8> {
        let mut out = varint(u64::from(field) << 3);
        out.extend(varint(v));
        out
    }
    fn varint(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return out;
            }
            out.push(b | 0x80);
        }
    }

    fn attribute(ns: &str, name: &str, raw: &str, id: u32, item: Option<Vec<u8>>) -> Vec<u8> {
        let mut a = len(1, ns.as_bytes());
        a.extend(len(2, name.as_bytes()));
        a.extend(len(3, raw.as_bytes()));
        a.extend(var(5, u64::from(id)));
        if let Some(item) = item {
            a.extend(len(6, &item));
        }
        len(4, &a)
    }

    #[test]
    fn xml_becomes_the_binary_xml_document() {
        const NS: &str = crate::apk::axml::ANDROID_NS;
        let prim_int = len(7, &var(6, 21));
        let prim_bool = len(7, &var(8, 1));
        let mut uses_sdk = len(3, b"uses-sdk");
        uses_sdk.extend(attribute(
            NS,
            "minSdkVersion",
            "21",
            0x0101_020c,
            Some(prim_int),
        ));
        let mut app = len(3, b"application");
        app.extend(attribute(
            NS,
            "debuggable",
            "true",
            0x0101_000f,
            Some(prim_bool),
        ));
        app.extend(attribute(
            NS,
            "label",
            "@string/app_name",
            0x0101_0001,
            Some(len(1, &var(2, 0x7f0b_0000))),
        ));
        let mut root = len(1, &{
            let mut ns = len(1, b"android");
            ns.extend(len(2, NS.as_bytes()));
            ns
        });
        root.extend(len(3, b"manifest"));
        root.extend(attribute("", "package", "com.example.x", 0, None));
        root.extend(len(5, &len(1, &uses_sdk)));
        root.extend(len(5, &len(2, b"\n  ")));
        root.extend(len(5, &{
            let mut n = len(1, &app);
            n.extend(len(3, &var(1, 7)));
            n
        }));
        let doc = parse_xml(&len(1, &root)).unwrap();
        assert_eq!(doc.root.name, "manifest");
        assert_eq!(doc.namespaces, vec![("android".into(), NS.into())]);
        assert_eq!(
            doc.root.plain_attr("package"),
            Some(&Value::String("com.example.x".into()))
        );
        assert_eq!(doc.root.children.len(), 2);
        let sdk = &doc.root.children[0];
        assert_eq!(sdk.android_attr("minSdkVersion"), Some(&Value::Int(21)));
        let app = &doc.root.children[1];
        assert_eq!(app.line, 7);
        assert_eq!(app.android_attr("debuggable"), Some(&Value::Bool(true)));
        assert_eq!(
            app.android_attr("label"),
            Some(&Value::Reference(0x7f0b_0000))
        );
    }

    #[test]
    fn a_root_without_element_is_an_error() {
        let e = parse_xml(&len(2, b"text")).unwrap_err();
        assert!(e.to_string().contains("no element"), "{e}");
        let e = parse_xml(&var(1, 3)).unwrap_err();
        assert!(e.to_string().contains("expected length-delimited"), "{e}");
    }

    #[test]
    fn many_attributes_hit_the_budget() {
        let mut el = len(3, b"manifest");
        for _ in 0..=MAX_XML_NODES {
            el.extend_from_slice(&[0x22, 0x00]);
        }
        let e = parse_xml(&len(1, &el)).unwrap_err();
        assert!(e.to_string().contains("over a limit"), "{e}");
    }

    #[test]
    fn resource_table_names_and_values() {
        let string = |v: &str| len(2, &len(4, &len(2, &len(1, v.as_bytes()))));
        let mut entry = len(1, &var(1, 1));
        entry.extend(len(2, b"app_name"));
        entry.extend(len(6, &{
            let mut cv = len(1, b"\x01\x02");
            cv.extend(string("Appli"));
            cv
        }));
        entry.extend(len(6, &{
            let mut cv = len(1, b"");
            cv.extend(string("App"));
            cv
        }));
        let mut ty = len(1, &var(1, 0x0b));
        ty.extend(len(2, b"string"));
        ty.extend(len(3, &entry));
        let mut other = len(2, b"layout");
        other.extend(len(3, &len(2, b"main")));
        let mut pkg = len(3, &ty);
        pkg.extend(len(3, &other));
        pkg.extend(len(2, b"com.example.x"));
        pkg.extend(len(1, &var(1, 0x7f)));
        let t = parse_resource_table(&len(2, &pkg)).unwrap();
        assert_eq!(t.package_name.as_deref(), Some("com.example.x"));
        assert_eq!(t.string_names, vec!["app_name".to_string()]);
        assert_eq!(t.string_value(0x7f0b_0001), Some("App"));
        assert_eq!(t.string_value(0x7f0b_0002), None);
    }

    #[test]
    fn bundle_config_version() {
        let data = len(1, &len(2, b"1.15.6"));
        assert_eq!(
            bundletool_version(&data).unwrap().as_deref(),
            Some("1.15.6")
        );
        assert_eq!(bundletool_version(&[]).unwrap(), None);
    }
}
