//! Hostile input: truncated APKs, flipped manifest bytes, an empty file, a non-zip, a zip without
//! a manifest. Each ends in a clear error (exit 2 naming the file and the problem) or a result
//! with anomalies; never a panic, a hang or a huge allocation.

mod common;

use appaudit::apk::archive::{Archive, Limits};
use appaudit::apk::reader::{self, analyze_bytes, Options, MANIFEST};
use appaudit::apk::{axml, Manifest};
use common::{apk, stderr, Rng, CASES};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs the binary under a 1 GiB address-space limit; returns (exit code, stderr, elapsed).
fn bounded_run(args: &[&str], file: &Path) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_appaudit"))
        .args(args)
        .arg(file)
        .output()
        .expect("run appaudit");
    (out.status.code(), stderr(&out), start.elapsed())
}

fn assert_clean_outcome(args: &[&str], file: &Path, what: &str) {
    let (code, err, took) = bounded_run(args, file);
    assert!(
        code == Some(0) || code == Some(2),
        "{what}: exit {code:?} (a panic or a signal?): {err}"
    );
    if code == Some(2) {
        assert!(err.contains("appaudit: error:"), "{what}: {err}");
        assert!(
            err.contains(&file.display().to_string()),
            "{what}: error does not name the file: {err}"
        );
        assert!(!err.contains("panicked"), "{what}: {err}");
    }
    assert!(took < Duration::from_secs(10), "{what}: took {took:?}");
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).expect("write temp");
    p
}

#[test]
fn empty_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = temp_file(&dir, "empty.apk", b"");
    let out = common::appaudit_on(&["inspect"], &p, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("empty.apk") && err.contains("end of central directory"),
        "{err}"
    );
}

#[test]
fn non_zip_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = temp_file(
        &dir,
        "notes.apk",
        &b"just some text, not an archive\n".repeat(50),
    );
    let out = common::appaudit_on(&["inspect"], &p, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("notes.apk") && err.contains("not a zip archive"),
        "{err}"
    );
}

#[test]
fn zip_without_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file("classes.dex", opts).expect("start");
        w.write_all(b"dex\n035\0").expect("write");
        w.finish().expect("finish");
    }
    let p = temp_file(&dir, "nomanifest.apk", buf.get_ref());
    let out = common::appaudit_on(&["inspect"], &p, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("nomanifest.apk") && err.contains("no AndroidManifest.xml"),
        "{err}"
    );
}

/// Lengths to cut a file at: every length near both ends, and a spread over the middle.
fn cut_points(len: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..len.min(64)).collect();
    v.extend((len.saturating_sub(256))..len);
    let step = (len / 300).max(1);
    v.extend((0..len).step_by(step));
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn truncated_fixtures_never_panic() {
    for case in CASES {
        let data = std::fs::read(apk(case)).expect("fixture");
        let path = Path::new("truncated.apk");
        for cut in cut_points(data.len()) {
            // Ok (with anomalies) or a clear error; a panic fails the test.
            if let Err(e) = analyze_bytes(path, &data[..cut], &Options::default()) {
                assert!(
                    e.to_string().starts_with("truncated.apk: "),
                    "{case}@{cut}: {e}"
                );
            }
        }
    }
}

#[test]
fn truncated_fixtures_through_the_binary_stay_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    for case in CASES {
        let data = std::fs::read(apk(case)).expect("fixture");
        for (i, cut) in cut_points(data.len()).into_iter().step_by(23).enumerate() {
            let p = temp_file(&dir, &format!("{case}-{i}.apk"), &data[..cut]);
            assert_clean_outcome(
                &["inspect", "--format", "json"],
                &p,
                &format!("{case} cut at {cut}"),
            );
        }
    }
}

/// The fixture's manifest bytes.
fn manifest_bytes(data: &[u8]) -> Vec<u8> {
    let archive = Archive::parse(data, Limits::default()).expect("zip");
    let entry = archive.find(MANIFEST).expect("manifest");
    archive.read(entry).expect("read").0.into_owned()
}

/// A new APK with this manifest and the fixture's other entries.
fn with_manifest(data: &[u8], manifest: &[u8]) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(data)).expect("zip");
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        w.start_file(MANIFEST, opts).expect("start");
        w.write_all(manifest).expect("write");
        for i in 0..src.len() {
            let f = src.by_index_raw(i).expect("entry");
            if f.name() != MANIFEST {
                w.raw_copy_file(f).expect("copy");
            }
        }
        w.finish().expect("finish");
    }
    buf.into_inner()
}

#[test]
fn flipped_manifest_bytes_never_panic() {
    for (n, case) in CASES.iter().enumerate() {
        let data = std::fs::read(apk(case)).expect("fixture");
        let original = manifest_bytes(&data);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ n as u64);
        for round in 0..2000 {
            let mut m = original.clone();
            for _ in 0..=rng.below(8) {
                let i = rng.below(m.len());
                m[i] ^= 1 << rng.below(8);
            }
            // Each flipped document decodes, or fails with a structure and an offset.
            match axml::parse(&m) {
                Ok(doc) => {
                    let _ = Manifest::from_document(&doc);
                    let _ = axml::to_xml(&doc);
                }
                Err(e) => assert!(!e.structure.is_empty(), "{case} round {round}"),
            }
        }
    }
}

#[test]
fn flipped_manifests_through_the_binary_stay_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = std::fs::read(apk("wallet")).expect("fixture");
    let original = manifest_bytes(&data);
    let mut rng = Rng(42);
    let mut errors = 0;
    for round in 0..40 {
        let mut m = original.clone();
        for _ in 0..=rng.below(4) {
            let i = rng.below(m.len());
            m[i] = rng.next() as u8;
        }
        let p = temp_file(
            &dir,
            &format!("flip-{round}.apk"),
            &with_manifest(&data, &m),
        );
        let (code, err, _) = bounded_run(&["inspect"], &p);
        if code == Some(2) {
            errors += 1;
            assert!(err.contains("AndroidManifest.xml"), "round {round}: {err}");
        }
        assert_clean_outcome(
            &["inspect", "--manifest"],
            &p,
            &format!("flip round {round}"),
        );
    }
    // Some flips must hit structure (the test would prove nothing otherwise).
    assert!(errors > 0, "no flipped manifest was rejected");
}

#[test]
fn the_untouched_rebuilt_fixture_still_reads() {
    // Guards the helpers above: rebuilding with the same manifest changes nothing we read.
    let data = std::fs::read(apk("wallet")).expect("fixture");
    let rebuilt = with_manifest(&data, &manifest_bytes(&data));
    let a = analyze_bytes(Path::new("a.apk"), &data, &Options::default()).expect("orig");
    let b = analyze_bytes(Path::new("b.apk"), &rebuilt, &Options::default()).expect("rebuilt");
    assert_eq!(a.manifest, b.manifest);
    let _ = reader::hex(&[1]);
}
