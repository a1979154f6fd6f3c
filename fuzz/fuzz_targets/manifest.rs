//! The manifest from structured input: a random element tree (manifest vocabulary, arbitrary
//! names and values) is written as well-formed binary XML (UTF-8 or UTF-16 pool); the reader must
//! decode exactly that tree, render well-formed XML from it, and build a consistent manifest.
#![no_main]

use appaudit::apk::axml::{self, Value};
use appaudit::apk::Manifest;
use appaudit_fuzz::{check_document, encode, WAttr, WElement};
use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

const TAGS: &[&str] = &[
    "manifest",
    "uses-sdk",
    "uses-permission",
    "uses-permission-sdk-23",
    "uses-permission-sdk-m",
    "permission",
    "application",
    "activity",
    "activity-alias",
    "service",
    "receiver",
    "provider",
    "intent-filter",
    "action",
    "category",
    "data",
    "meta-data",
    "queries",
];
const ATTRS: &[&str] = &[
    "name",
    "package",
    "versionCode",
    "versionName",
    "versionCodeMajor",
    "minSdkVersion",
    "targetSdkVersion",
    "maxSdkVersion",
    "protectionLevel",
    "exported",
    "enabled",
    "permission",
    "authorities",
    "targetActivity",
    "debuggable",
    "allowBackup",
    "usesCleartextTraffic",
    "networkSecurityConfig",
    "label",
    "value",
    "resource",
    "scheme",
];
const TEXT: &[&str] = &[
    "android.permission.CAMERA",
    "android.permission.READ_PHONE_STATE",
    ".Main",
    "com.example.app",
    "signature|privileged",
    "true",
    "false",
    "23",
    "Q",
    "",
    ".",
    "..",
    "cn.jpush.android.service.PushService",
];

fn pick<'a>(u: &mut Unstructured<'_>, words: &[&'a str]) -> arbitrary::Result<String> {
    if u.ratio(1, 8)? {
        let s: String = u.arbitrary()?;
        Ok(s.chars().take(64).collect())
    } else {
        Ok(u.choose(words)?.to_string())
    }
}

fn value(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    Ok(match u.int_in_range(0..=4)? {
        0 => Value::String(pick(u, TEXT)?),
        1 => Value::Int(u.arbitrary()?),
        2 => Value::Hex(u.arbitrary()?),
        3 => Value::Bool(u.arbitrary()?),
        _ => Value::Reference(u.arbitrary()?),
    })
}

fn element(
    u: &mut Unstructured<'_>,
    depth: usize,
    budget: &mut usize,
) -> arbitrary::Result<WElement> {
    *budget = budget.saturating_sub(1);
    let name = if depth == 0 && u.ratio(7, 8)? {
        "manifest".to_string()
    } else {
        pick(u, TAGS)?
    };
    let mut attrs = Vec::new();
    for _ in 0..u.int_in_range(0..=5)? {
        let name = pick(u, ATTRS)?;
        let android = name != "package" && u.ratio(7, 8)?;
        attrs.push(WAttr {
            android,
            with_id: android && u.ratio(3, 4)?,
            name,
            value: value(u)?,
        });
    }
    let mut children = Vec::new();
    if depth < 12 {
        for _ in 0..u.int_in_range(0..=4)? {
            if *budget == 0 || u.is_empty() {
                break;
            }
            children.push(element(u, depth + 1, budget)?);
        }
    }
    Ok(WElement {
        name,
        line: u.arbitrary()?,
        attrs,
        children,
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(utf8) = bool::arbitrary(&mut u) else {
        return;
    };
    let mut budget = 400;
    let Ok(root) = element(&mut u, 0, &mut budget) else {
        return;
    };
    let (bytes, expected) = encode(&root, utf8);
    let doc = axml::parse(&bytes).unwrap_or_else(|e| panic!("well-formed AXML refused: {e}"));
    assert_eq!(
        doc.root, expected,
        "the decoded tree differs from the written one"
    );
    assert_eq!(
        doc.namespaces,
        vec![("android".to_string(), axml::ANDROID_NS.to_string())]
    );
    check_document(&doc);
    if expected.name == "manifest" {
        let m = Manifest::from_document(&doc).expect("a <manifest> root gives a manifest");
        // Every requested permission was written as the android:name of a uses-permission element.
        for p in &m.uses_permissions {
            assert!(expected
                .children
                .iter()
                .any(|c| c.name.starts_with("uses-permission")
                    && c.android_attr("name").map(Value::as_text).as_deref()
                        == Some(p.name.as_str())));
        }
        let pkg = expected
            .plain_attr("package")
            .map(Value::as_text)
            .unwrap_or_default();
        assert_eq!(m.package, pkg);
    }
});
