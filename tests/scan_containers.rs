//! Containers that are not plain APKs: an App Bundle whose manifest is broken gets a clear error
//! naming the entry; a zip with neither a manifest nor APKs inside is "not an APK"; a split set whose
//! APKs all name a split has no base.

mod common;

use common::{appaudit_on, stdout};
use std::io::Write;
use std::path::Path;

fn write_zip(path: &Path, entries: &[(&str, &[u8])]) {
    let file = std::fs::File::create(path).expect("create");
    let mut zip = zip::ZipWriter::new(file);
    for (name, data) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("finish");
}

fn error_of(path: &Path) -> String {
    let out = appaudit_on(&["scan", "--format", "jsonl"], path, &[]);
    assert_eq!(out.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON line");
    line["error"].as_str().expect("error").to_string()
}

#[test]
fn an_app_bundle_with_a_broken_manifest_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let aab = tmp.path().join("app.aab");
    // An XmlNode holding an empty element: no <manifest> root.
    write_zip(
        &aab,
        &[
            ("base/manifest/AndroidManifest.xml", b"\x0a\x00"),
            ("base/dex/classes.dex", b"dex\n035\0"),
        ],
    );
    let e = error_of(&aab);
    assert!(e.contains("base/manifest/AndroidManifest.xml"), "{e}");
    assert!(e.contains("manifest"), "{e}");
}

#[test]
fn a_zip_with_no_manifest_and_no_apk_is_not_an_app() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = tmp.path().join("photos.apk");
    write_zip(&p, &[("a.jpg", b"\xff\xd8\xff")]);
    let e = error_of(&p);
    assert!(e.contains("not an APK, split APK set or App Bundle"), "{e}");
}

#[test]
fn a_split_set_without_a_base_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let split = std::fs::read(common::root().join("fixtures/clean-split.apks")).expect("read");
    // Keep only the config split out of the fixture set.
    let inner = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(split)).expect("zip");
        let mut f = z.by_name("split_config.arm64_v8a.apk").expect("split");
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut v).expect("read split");
        v
    };
    let p = tmp.path().join("nobase.apks");
    write_zip(&p, &[("split_config.arm64_v8a.apk", &inner)]);
    let e = error_of(&p);
    assert!(e.contains("without a base APK"), "{e}");
}

#[test]
fn a_split_set_lists_the_string_resources_of_every_apk() {
    // The base (clean: app_name) and a second APK (wallet: amap_key, app_name) read as its split.
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = std::fs::read(common::apk("clean")).expect("clean");
    let other = std::fs::read(common::apk("wallet")).expect("wallet");
    let p = tmp.path().join("two.apks");
    write_zip(&p, &[("base.apk", &base), ("split_feature.apk", &other)]);
    let app = appaudit::apk::reader::analyze(&p, &Default::default()).expect("split set");
    assert_eq!(app.string_resources, ["amap_key", "app_name"]);
}
