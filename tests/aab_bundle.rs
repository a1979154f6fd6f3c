//! The `bundle` fixture: an Android App Bundle (`fixtures/bundle.aab`, base + the
//! `feature_camera` module, built with aapt2 by `fixtures/build bundle`) and the same app as an
//! APK (`fixtures/bundle.apk`). The bundle must read as the APK does; its protobuf manifests and
//! resource table as aapt2 dumps them; every command that takes an APK takes the bundle.

mod common;

use appaudit::apk::aab;
use appaudit::apk::aapt2;
use appaudit::apk::archive::{Archive, Limits};
use appaudit::apk::axml::{Element, Value};
use common::{appaudit, expected, root, stderr, stdout};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn aab_path() -> PathBuf {
    root().join("fixtures/bundle.aab")
}

fn apk_path() -> PathBuf {
    root().join("fixtures/bundle.apk")
}

fn inspect_json(path: &Path) -> Json {
    let out = appaudit(&["inspect", path.to_str().expect("path"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON")
}

fn ids(v: &Json, key: &str, field: &str) -> Vec<String> {
    let mut out: Vec<String> = v[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}"))
        .iter()
        .map(|x| x[field].as_str().expect(field).to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn inspect_of_the_bundle_equals_the_apk() {
    let (aab, apk) = (inspect_json(&aab_path()), inspect_json(&apk_path()));
    for key in [
        "package",
        "version_name",
        "version_code",
        "min_sdk",
        "target_sdk",
    ] {
        assert_eq!(aab["app"][key], apk["app"][key], "app.{key}");
    }
    assert_eq!(aab["app"]["package"], "com.example.bundle");
    assert_eq!(aab["app"]["version_code"], 42);
    assert_eq!(aab["app"]["min_sdk"], 24);
    // Permissions (with maxSdkVersion and sdk-23 in the manifest), components, meta-data, flags.
    assert_eq!(aab["permissions"], apk["permissions"]);
    assert_eq!(aab["manifest"], apk["manifest"]);
    let perms = ids(&aab, "permissions", "name");
    assert!(
        perms.contains(&"android.permission.CAMERA".to_string()),
        "{perms:?}"
    );
    let components: Vec<&str> = aab["manifest"]["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert!(components.contains(&"com.example.bundle.camera.CameraActivity"));
    // SDKs (jpush from the base, megvii_faceid from the feature only) and data access.
    assert_eq!(ids(&aab, "sdks", "id"), ["jpush", "megvii_faceid"]);
    assert_eq!(ids(&aab, "sdks", "id"), ids(&apk, "sdks", "id"));
    // The same calls; each names its DEX file, the feature's by its path in the bundle.
    let calls = |v: &Json| -> Vec<Json> {
        let mut calls = v["data_access"].as_array().expect("data_access").clone();
        for c in &mut calls {
            c.as_object_mut().expect("call").remove("dex");
        }
        calls
    };
    assert_eq!(calls(&aab), calls(&apk));
    let camera = aab["data_access"]
        .as_array()
        .expect("data_access")
        .iter()
        .find(|c| c["data_type"] == "camera")
        .expect("camera call");
    assert_eq!(camera["dex"], "feature_camera/dex/classes.dex");
    // Classes: the same set, the same count.
    let classes = |p: &PathBuf| {
        let out = appaudit(&["inspect", p.to_str().expect("path"), "--classes"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let aab_classes = classes(&aab_path());
    assert_eq!(aab_classes, classes(&apk_path()));
    assert_eq!(aab_classes, expected("bundle", "classes.txt"));
    assert!(
        aab["anomalies"].as_array().expect("anomalies").is_empty(),
        "{}",
        aab["anomalies"]
    );
}

#[test]
fn evidence_names_the_feature_module() {
    let aab = inspect_json(&aab_path());
    let dex = ids(&aab, "dex", "name");
    assert_eq!(dex, ["classes.dex", "feature_camera/dex/classes.dex"]);
    let megvii = aab["sdks"]
        .as_array()
        .expect("sdks")
        .iter()
        .find(|s| s["id"] == "megvii_faceid")
        .expect("megvii_faceid");
    let values: Vec<&str> = megvii["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["value"].as_str().expect("value"))
        .collect();
    assert!(
        values.contains(&"feature_camera!lib/arm64-v8a/libMegActionFmpJni.so"),
        "{values:?}"
    );
    // The base's library keeps its APK name.
    let libs = ids(&aab, "native_libs", "path");
    assert_eq!(
        libs,
        [
            "feature_camera!lib/arm64-v8a/libMegActionFmpJni.so",
            "lib/arm64-v8a/libjcore330.so"
        ]
    );
}

#[test]
fn classes_per_module_equal_dexdump() {
    let data = std::fs::read(aab_path()).expect("aab");
    let app = appaudit::apk::reader::analyze_bytes(&aab_path(), &data, &Default::default())
        .expect("bundle");
    let mut ours: Vec<String> = app
        .dex
        .iter()
        .flat_map(|d| {
            let module = if d.name.contains('/') {
                d.name.clone()
            } else {
                format!("base/dex/{}", d.name)
            };
            d.classes.iter().map(move |c| {
                format!(
                    "{module} {}",
                    c.trim_start_matches('L')
                        .trim_end_matches(';')
                        .replace('/', ".")
                )
            })
        })
        .collect();
    ours.sort();
    let oracle: Vec<String> = expected("bundle", "aab-classes.txt")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(ours, oracle);
    // The version file under base/root/ is read as the APK's META-INF file.
    assert_eq!(
        app.version_files,
        [(
            "META-INF/cn.jiguang.sdk_jpush.version".to_string(),
            "5.2.0".to_string()
        )]
    );
    assert_eq!(app.string_resources, ["app_name", "jpush_channel_label"]);
    assert_eq!(app.manifest.application.label.as_deref(), Some("Snapshot"));
    // The APK's label is resolved through resources.arsc the same way.
    let data = std::fs::read(apk_path()).expect("apk");
    let apk =
        appaudit::apk::reader::analyze_bytes(&apk_path(), &data, &Default::default()).expect("apk");
    assert_eq!(apk.manifest.application.label.as_deref(), Some("Snapshot"));
    assert_eq!(apk.string_resources, app.string_resources);
}

/// `id -> type/name` from `aapt2 dump resources`.
fn resource_names(dump: &str) -> BTreeMap<u32, String> {
    dump.lines()
        .filter_map(|l| l.trim().strip_prefix("resource 0x"))
        .filter_map(|l| {
            let (id, name) = l.split_once(' ')?;
            Some((u32::from_str_radix(id, 16).ok()?, name.to_string()))
        })
        .collect()
}

/// Our decoded element tree in the shape of `aapt2 dump xmltree` (elements and attributes,
/// text nodes and the raw strings left out).
fn render(el: &Element, names: &BTreeMap<u32, String>, out: &mut Vec<String>) {
    let ns = |n: &Option<String>| n.as_ref().map(|u| format!("{u}:")).unwrap_or_default();
    out.push(format!(
        "E: {}{} (line={})",
        ns(&el.namespace),
        el.name,
        el.line
    ));
    for a in &el.attributes {
        let id = a
            .resource_id
            .map(|id| format!("(0x{id:08x})"))
            .unwrap_or_default();
        let value = match &a.value {
            Value::String(s) => format!("\"{s}\""),
            Value::Int(i) => i.to_string(),
            Value::Hex(h) => format!("0x{h:08x}"),
            Value::Bool(b) => b.to_string(),
            Value::Reference(r) => format!("@{}", names.get(r).map_or("?", String::as_str)),
            other => format!("{other:?}"),
        };
        out.push(format!("A: {}{}{id}={value}", ns(&a.namespace), a.name));
    }
    for c in &el.children {
        render(c, names, out);
    }
}

fn aapt2_lines(dump: &str) -> Vec<String> {
    dump.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("E: ") || l.starts_with("A: "))
        .map(|l| match l.rfind(" (Raw: ") {
            Some(i) if l.starts_with("A: ") => l[..i].to_string(),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn protobuf_manifests_equal_aapt2s_dump() {
    let data = std::fs::read(aab_path()).expect("aab");
    let archive = Archive::parse(&data, Limits::default()).expect("zip");
    assert_eq!(aab::modules(&archive), ["base", "feature_camera"]);
    let names = resource_names(&expected("bundle", "aab-base-resources.txt"));
    assert_eq!(
        names.get(&0x7f01_0000).map(String::as_str),
        Some("string/app_name")
    );
    for module in ["base", "feature_camera"] {
        let doc = aab::manifest_document(&archive, module).expect("manifest");
        let mut ours = Vec::new();
        render(&doc.root, &names, &mut ours);
        let theirs = aapt2_lines(&expected("bundle", &format!("aab-{module}-xmltree.txt")));
        assert!(theirs.len() > 10, "{module}: {theirs:?}");
        assert_eq!(ours, theirs, "{module}");
        assert!(doc.namespaces.contains(&(
            "dist".into(),
            "http://schemas.android.com/apk/distribution".into()
        )));
    }
}

#[test]
fn resource_table_equals_aapt2s_dump() {
    let data = std::fs::read(aab_path()).expect("aab");
    let archive = Archive::parse(&data, Limits::default()).expect("zip");
    let entry = archive.find("base/resources.pb").expect("resources.pb");
    let bytes = archive.read(entry).expect("read").0;
    let table = aapt2::parse_resource_table(&bytes).expect("table");
    let dump = expected("bundle", "aab-base-resources.txt");
    assert_eq!(table.package_name.as_deref(), Some("com.example.bundle"));
    let mut strings = 0;
    for (id, name) in resource_names(&dump) {
        let Some(n) = name.strip_prefix("string/") else {
            continue;
        };
        strings += 1;
        assert!(table.string_names.iter().any(|s| s == n), "{n}");
        // The value line follows the resource line: `() "Snapshot" src=...`.
        let after = dump
            .split(&format!("resource 0x{id:08x} {name}"))
            .nth(1)
            .expect("entry");
        let value = after.split('"').nth(1).expect("value");
        assert_eq!(table.string_value(id), Some(value), "{name}");
    }
    assert_eq!(strings, table.string_names.len());
    let config = archive.find("BundleConfig.pb").expect("BundleConfig.pb");
    let bytes = archive.read(config).expect("read").0;
    assert_eq!(
        aapt2::bundletool_version(&bytes)
            .expect("config")
            .as_deref(),
        Some("1.15.6")
    );
}

#[test]
fn inspect_manifest_prints_the_base_manifest() {
    let out = appaudit(&["inspect", aab_path().to_str().expect("path"), "--manifest"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let xml = stdout(&out);
    assert!(xml.contains("<manifest"), "{xml}");
    assert!(xml.contains("package=\"com.example.bundle\""), "{xml}");
    assert!(xml.contains("android:maxSdkVersion=\"28\""), "{xml}");
    assert!(xml.contains("<uses-permission-sdk-23"), "{xml}");
}

#[test]
fn diff_of_the_bundle_and_its_apk_shows_no_change() {
    for (old, new) in [(aab_path(), apk_path()), (apk_path(), aab_path())] {
        let out = appaudit(&[
            "diff",
            old.to_str().expect("path"),
            new.to_str().expect("path"),
            "--fail-on-change",
            "--format",
            "json",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}\n{}",
            stdout(&out),
            stderr(&out)
        );
    }
    // And a real change is seen: the wallet release against the bundle.
    let out = appaudit(&[
        "diff",
        aab_path().to_str().expect("path"),
        common::apk("clean").to_str().expect("path"),
        "--fail-on-change",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn audit_and_draft_of_the_bundle_equal_the_apk() {
    let policy = root().join("fixtures/clean/policy.txt");
    let run = |cmd: &str, p: &PathBuf, format: &str| {
        let out = appaudit(&[
            cmd,
            p.to_str().expect("path"),
            "--policy",
            policy.to_str().expect("policy"),
            "--format",
            format,
        ]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{cmd}: {}",
            stderr(&out)
        );
        (out.status.code(), stdout(&out))
    };
    let (aab_code, aab_json) = run("audit", &aab_path(), "json");
    let (apk_code, apk_json) = run("audit", &apk_path(), "json");
    assert_eq!(aab_code, apk_code);
    let findings = |s: &str| -> Vec<(String, String)> {
        let v: Json = serde_json::from_str(s).expect("JSON");
        let mut f: Vec<(String, String)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| (f["rule"].to_string(), f["subject"].to_string()))
            .collect();
        f.sort();
        f
    };
    let aab_findings = findings(&aab_json);
    assert_eq!(aab_findings, findings(&apk_json));
    // The feature's SDK and permission are audited: neither is in the clean policy.
    assert!(
        aab_findings
            .iter()
            .any(|(r, s)| r == "\"undisclosed-sdk\"" && s == "\"megvii_faceid\""),
        "{aab_findings:?}"
    );
    assert!(
        aab_findings
            .iter()
            .any(|(_, s)| s == "\"android.permission.CAMERA\""),
        "{aab_findings:?}"
    );
    let (_, aab_draft) = run("draft", &aab_path(), "markdown");
    let (_, apk_draft) = run("draft", &apk_path(), "markdown");
    assert_eq!(aab_draft, apk_draft);
    assert!(aab_draft.contains("旷视"), "{aab_draft}");
}

#[test]
fn scan_walks_bundles() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::copy(aab_path(), tmp.path().join("release.aab")).expect("copy");
    std::fs::copy(apk_path(), tmp.path().join("release.apk")).expect("copy");
    let out = appaudit(&[
        "scan",
        tmp.path().to_str().expect("path"),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Json> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    for l in &lines {
        assert_eq!(l["app"]["package"], "com.example.bundle", "{l}");
    }
}

/// A protobuf field: `tag` then a length-delimited body.
fn pb_len(field: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    common::uleb(&mut out, field << 3 | 2);
    common::uleb(&mut out, u32::try_from(body.len()).expect("small"));
    out.extend_from_slice(body);
    out
}

#[test]
fn regression_deep_protobuf_xml_overflowed_a_scan_thread() {
    // 256 elements, each the only child of the one above: the deepest the reader accepts. The
    // first reader recursed twice per level and overflowed a scan worker's 2 MiB stack.
    let mut node = pb_len(1, &pb_len(3, b"a"));
    for _ in 0..254 {
        let mut el = pb_len(3, b"a");
        el.extend(pb_len(5, &node));
        node = pb_len(1, &el);
    }
    let mut root = pb_len(3, b"manifest");
    root.extend(pb_len(4, &{
        let mut a = pb_len(2, b"package");
        a.extend(pb_len(3, b"com.example.deep"));
        a
    }));
    root.extend(pb_len(5, &node));
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("deep.aab");
    {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).expect("create"));
        zip.start_file(
            "base/manifest/AndroidManifest.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        zip.write_all(&pb_len(1, &root)).expect("write");
        zip.finish().expect("finish");
    }
    let out = appaudit(&[
        "scan",
        tmp.path().to_str().expect("path"),
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("com.example.deep"),
        "{}",
        stdout(&out)
    );
    let data = std::fs::read(&path).expect("read");
    let archive = Archive::parse(&data, Limits::default()).expect("zip");
    let doc = aab::manifest_document(&archive, "base").expect("manifest");
    let mut depth = 0;
    let mut el = &doc.root;
    while let Some(c) = el.children.first() {
        depth += 1;
        el = c;
    }
    assert_eq!(depth, 255);
}
