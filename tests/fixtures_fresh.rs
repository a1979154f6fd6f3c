//! The committed APKs are built from the committed sources: each case's source hash, recorded by
//! `fixtures/build`, must match the sources as they are now. A failure means: run `fixtures/build`.

mod common;

use sha2::{Digest, Sha256};
use std::path::Path;

fn files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read_dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            files(&p, base, out);
        } else if p.is_file() {
            let rel = p.strip_prefix(base).expect("prefix");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The algorithm of fixtures/README.md: sha256 over `sha256sum`-style lines, sorted by path bytes.
fn source_hash(src: &Path) -> String {
    let mut paths = Vec::new();
    files(src, src, &mut paths);
    paths.sort();
    let mut listing = String::new();
    for rel in paths {
        let bytes = std::fs::read(src.join(&rel)).expect("read source");
        listing.push_str(&format!("{:x}  {rel}\n", Sha256::digest(&bytes)));
    }
    format!("{:x}", Sha256::digest(listing.as_bytes()))
}

#[test]
fn every_fixture_apk_is_fresh() {
    let fixtures = common::root().join("fixtures");
    let mut checked = 0;
    for entry in std::fs::read_dir(&fixtures).expect("fixtures").flatten() {
        let src = entry.path().join("src");
        if !src.is_dir() {
            continue;
        }
        let case = entry.file_name().to_string_lossy().into_owned();
        let recorded = common::expected(&case, "source.sha256");
        assert_eq!(
            source_hash(&src),
            recorded.trim(),
            "fixtures/{case}: sources changed since the APK was built; run fixtures/build {case}"
        );
        assert!(
            common::apk(&case).is_file(),
            "fixtures/{case}.apk is missing"
        );
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} fixture cases found");
}
