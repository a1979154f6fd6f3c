//! Timing sanity check (not a test): detection over 300,000 synthetic classes.
//! `cargo run --release --example detect_timing`

use appaudit::apk::{App, DexSummary, Manifest};
use appaudit::detect::detect;
use appaudit::rules::sdks::SdkCatalog;
use std::time::Instant;

fn main() {
    let t = Instant::now();
    let cat = match SdkCatalog::builtin() {
        Ok(c) => c,
        Err(d) => {
            eprintln!("{d:?}");
            return;
        }
    };
    println!("catalog: {} SDKs in {:?}", cat.len(), t.elapsed());
    let roots = [
        "com.example.app",
        "cn.jpush.android",
        "com.mobvista.msdk",
        "com.tencent.bugly",
        "androidx.core",
        "com.umeng.analytics",
    ];
    let classes: Vec<String> = (0..300_000)
        .map(|i| format!("{}.p{}.C{}", roots[i % roots.len()], i % 97, i))
        .collect();
    let app = App {
        path: "synthetic.apk".into(),
        sha256: String::new(),
        size: 0,
        manifest: Manifest::default(),
        dex: vec![DexSummary {
            name: "classes.dex".into(),
            classes,
            ..Default::default()
        }],
        native_libs: Vec::new(),
        entries: (0..10_000).map(|i| format!("assets/f{i}.bin")).collect(),
        version_files: Vec::new(),
        string_resources: Vec::new(),
        anomalies: Vec::new(),
    };
    let t = Instant::now();
    let d = detect(&app, cat);
    println!(
        "detect: {} SDKs, {} hints in {:?}",
        d.sdks.len(),
        d.hints.len(),
        t.elapsed()
    );
}
