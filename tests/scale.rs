//! Correctness at scale: generated apps of 10k, 100k and 300k classes (the last over 40 DEX
//! files, a WeChat-size app) read through the whole analysis (`engine::analyze`). Every class is
//! found, in order, in its DEX; every sensitive call is found once, attributed to its class; the
//! SDKs detected are the same at every size and each one's class count is exact. No timing here:
//! time and memory are measured by `scripts/bench --scale` (BENCHMARKS.md).

mod common;
mod scale_gen;

use appaudit::apk::archive::Limits;
use appaudit::apk::dex::java_name;
use appaudit::engine::{self, Analysis};
use scale_gen::{descriptor, dex_range, sensitive_kind, write_apk, Expected, Spec, SENSITIVE};
use std::collections::{BTreeMap, BTreeSet};

/// Generates the app into a temp file and analyses it as `inspect` does.
fn analyse(spec: Spec) -> (Analysis, Expected) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("scale-{}.apk", spec.classes));
    let file = std::fs::File::create(&path).expect("create");
    let manifest = scale_gen::fixture_manifest(&common::root());
    let expected =
        write_apk(spec, &manifest, Some(1), std::io::BufWriter::new(file)).expect("write");
    let catalog = engine::load_catalog(None).expect("catalogue");
    let a = engine::analyze(&path, Limits::default(), catalog).expect("analyze");
    (a, expected)
}

/// The SDKs detected from DEX classes, with each dex-class evidence (prefix, count).
fn sdk_classes(a: &Analysis) -> BTreeMap<String, Vec<(String, usize)>> {
    a.detections
        .sdks
        .iter()
        .map(|d| {
            let ev = d
                .evidence
                .iter()
                .filter(|e| e.source.as_str() == "dex-class")
                .map(|e| (e.value.clone(), e.count))
                .collect();
            (d.id.clone(), ev)
        })
        .collect()
}

fn check(spec: Spec) -> BTreeMap<String, Vec<(String, usize)>> {
    let (a, expected) = analyse(spec);
    assert!(a.app.anomalies.is_empty(), "{:?}", a.app.anomalies);
    // Every DEX, in order, with every class in file order.
    let names: Vec<&str> = a.app.dex.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names.len(), spec.dex_files);
    assert_eq!(names[0], "classes.dex");
    assert_eq!(
        names[spec.dex_files - 1],
        format!("classes{}.dex", spec.dex_files)
    );
    let total: usize = a.app.dex.iter().map(|d| d.classes.len()).sum();
    assert_eq!(total, spec.classes);
    for (k, d) in a.app.dex.iter().enumerate() {
        assert!(d.anomalies.is_empty(), "{}: {:?}", d.name, d.anomalies);
        assert_eq!(d.classes.len(), expected.classes_per_dex[k], "{}", d.name);
        // Class defs are written in global order, so names come back in that order.
        let want: Vec<String> = dex_range(spec, k)
            .map(|g| java_name(&descriptor(g)))
            .collect();
        assert!(d.classes == want, "{}: class names differ", d.name);
    }
    // Sensitive calls: one per sensitive class, of its kind, attributed to it.
    let mut want_calls = BTreeSet::new();
    for g in 0..spec.classes {
        if let Some(kind) = sensitive_kind(g) {
            let (_, api, data_type) = SENSITIVE[kind];
            want_calls.insert((java_name(&descriptor(g)), api.to_string(), data_type));
        }
    }
    let got_calls: BTreeSet<(String, String, &str)> = a
        .calls
        .iter()
        .map(|c| (c.caller.clone(), c.api.clone(), c.data_type.as_str()))
        .collect();
    assert_eq!(a.calls.len(), expected.sensitive.iter().sum::<usize>());
    assert!(got_calls == want_calls, "sensitive calls differ");
    // SDK detection: each dex-class evidence counts exactly the classes under its prefix.
    let sdks = sdk_classes(&a);
    for (id, evidence) in &sdks {
        for (prefix, count) in evidence {
            let under: usize = expected
                .per_prefix
                .iter()
                .filter(|(p, _)| p.starts_with(&format!("{prefix}.")) || *p == prefix)
                .map(|(_, n)| n)
                .sum();
            assert_eq!(*count, under, "{id}: {prefix}");
        }
    }
    sdks
}

/// The SDKs whose packages the generator uses and the knowledge base knows.
const SDKS: [&str; 5] = [
    "amap",
    "jpush",
    "pangle_csj",
    "tencent_bugly",
    "umeng_analytics",
];

#[test]
fn ten_thousand_classes_over_two_dex_files() {
    let sdks = check(Spec {
        classes: 10_000,
        dex_files: 2,
    });
    assert_eq!(sdks.keys().map(String::as_str).collect::<Vec<_>>(), SDKS);
}

#[test]
fn hundred_thousand_classes_over_five_dex_files() {
    let sdks = check(Spec {
        classes: 100_000,
        dex_files: 5,
    });
    assert_eq!(sdks.keys().map(String::as_str).collect::<Vec<_>>(), SDKS);
}

#[test]
fn three_hundred_thousand_classes_over_forty_dex_files() {
    let sdks = check(Spec {
        classes: 300_000,
        dex_files: 40,
    });
    assert_eq!(sdks.keys().map(String::as_str).collect::<Vec<_>>(), SDKS);
}
