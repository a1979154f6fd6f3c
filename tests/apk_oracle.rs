//! The manifest as appaudit decodes it equals what aapt (an independent decoder) printed when the
//! fixtures were built: package, permission set, and every element and attribute of the xmltree.

mod common;

use appaudit::apk::axml::{Element, Value};
use appaudit::apk::reader;
use common::{apk, appaudit_on, expected, stdout, CASES};
use std::collections::BTreeSet;

/// `aapt dump permissions`: (package, uses-permission names incl. sdk-23, declared permissions).
fn aapt_permissions(text: &str) -> (String, BTreeSet<String>, BTreeSet<String>) {
    let mut package = String::new();
    let mut uses = BTreeSet::new();
    let mut declared = BTreeSet::new();
    for line in text.lines() {
        if let Some(p) = line.strip_prefix("package: ") {
            package = p.trim().to_string();
        } else if let Some(rest) = line
            .strip_prefix("uses-permission: name='")
            .or_else(|| line.strip_prefix("uses-permission-sdk-23: name='"))
        {
            uses.insert(rest.split('\'').next().unwrap_or_default().to_string());
        } else if let Some(p) = line.strip_prefix("permission: ") {
            declared.insert(p.trim().to_string());
        }
    }
    (package, uses, declared)
}

#[test]
fn package_and_permissions_equal_aapts() {
    for case in CASES {
        let (package, uses, declared) = aapt_permissions(&expected(case, "permissions.txt"));
        assert!(!package.is_empty(), "{case}: oracle has no package");
        let out = appaudit_on(&["inspect", "--format", "json"], &apk(case), &[]);
        assert_eq!(out.status.code(), Some(0), "{case}: {out:?}");
        let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        assert_eq!(json["schema_version"], 1);
        assert_eq!(json["app"]["package"], package.as_str(), "{case}");
        let ours: BTreeSet<String> = json["permissions"]
            .as_array()
            .expect("permissions")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(ours, uses, "{case}: requested permissions");
        let ours_declared: BTreeSet<String> = json["manifest"]["declared_permissions"]
            .as_array()
            .expect("declared")
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(ours_declared, declared, "{case}: declared permissions");
    }
}

/// One element of `aapt dump xmltree`: name, depth and its attributes as aapt prints them.
#[derive(Debug)]
struct AaptElement {
    depth: usize,
    name: String,
    attrs: Vec<(String, String)>,
}

fn aapt_xmltree(text: &str) -> Vec<AaptElement> {
    let mut out: Vec<AaptElement> = Vec::new();
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("E: ") {
            let name = rest.split(' ').next().unwrap_or_default().to_string();
            out.push(AaptElement {
                depth: indent / 2,
                name,
                attrs: Vec::new(),
            });
        } else if let Some(rest) = t.strip_prefix("A: ") {
            // name[(0xid)]=value[ (Raw: ...)]
            let (lhs, rhs) = rest.split_once('=').expect("attribute line");
            let name = lhs.split('(').next().unwrap_or_default();
            let name = name.rsplit(':').next().unwrap_or_default().to_string();
            let value = match rhs.strip_prefix('"') {
                Some(s) => {
                    let end = s
                        .rfind("\" (Raw")
                        .or_else(|| s.rfind('"'))
                        .unwrap_or(s.len());
                    format!("\"{}\"", &s[..end])
                }
                None => rhs.split(" (Raw").next().unwrap_or_default().to_string(),
            };
            if let Some(el) = out.last_mut() {
                el.attrs.push((name, value));
            }
        }
    }
    out
}

/// Our value in aapt's notation.
fn aapt_repr(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Int(i) => format!("(type 0x10)0x{:x}", *i as u32),
        Value::Hex(h) => format!("(type 0x11)0x{h:x}"),
        Value::Bool(b) => format!("(type 0x12)0x{}", if *b { "ffffffff" } else { "0" }),
        Value::Reference(r) => format!("@0x{r:08x}"),
        Value::Attribute(r) => format!("?0x{r:08x}"),
        Value::Float(f) => format!("(type 0x4)0x{:x}", f.to_bits()),
        Value::Dimension(d) => format!("(type 0x5)0x{d:x}"),
        Value::Fraction(d) => format!("(type 0x6)0x{d:x}"),
        Value::Color(c) => format!("(type 0x1c)0x{c:x}"),
        Value::Null => "(null)".to_string(),
        Value::Other(t, d) => format!("(type 0x{t:x})0x{d:x}"),
    }
}

fn flatten<'a>(el: &'a Element, depth: usize, out: &mut Vec<(usize, &'a Element)>) {
    out.push((depth, el));
    for c in &el.children {
        flatten(c, depth + 1, out);
    }
}

#[test]
fn decoded_manifest_holds_every_element_and_attribute_aapt_shows() {
    for case in CASES {
        let theirs = aapt_xmltree(&expected(case, "manifest-xmltree.txt"));
        assert!(theirs.len() > 3, "{case}: oracle too small");
        let path = apk(case);
        let data = std::fs::read(&path).expect("fixture");
        let doc = reader::manifest_document(&path, &data, Default::default()).expect("manifest");
        let mut ours = Vec::new();
        flatten(&doc.root, 0, &mut ours);
        assert_eq!(ours.len(), theirs.len(), "{case}: element count");
        let base = theirs[0].depth;
        for ((depth, el), t) in ours.iter().zip(&theirs) {
            assert_eq!(el.name, t.name, "{case}: element order");
            assert_eq!(*depth, t.depth - base, "{case}: depth of <{}>", t.name);
            for (name, value) in &t.attrs {
                let found = el
                    .attributes
                    .iter()
                    .any(|a| &a.name == name && &aapt_repr(&a.value) == value);
                assert!(
                    found,
                    "{case}: <{}> lacks {name}={value}; ours: {:?}",
                    el.name, el.attributes
                );
            }
            assert_eq!(
                el.attributes.len(),
                t.attrs.len(),
                "{case}: attributes of <{}>",
                el.name
            );
        }
    }
}
