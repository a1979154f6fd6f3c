//! `scripts/detect-eval` on a small TSV of fixture APKs: it runs the binary, maps `new:` ids,
//! and counts right, wrong and missed (app, SDK) pairs. Needs python3 (fails without it).

mod common;

use serde_json::Value;

#[test]
fn detect_eval_counts_pairs_and_maps_truth_ids() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixtures = common::root().join("fixtures");
    let sha = |case: &str| {
        use sha2::{Digest, Sha256};
        let bytes = std::fs::read(common::apk(case)).expect("fixture");
        format!("{:x}", Sha256::digest(&bytes))
    };
    // traps-share: right (sharesdk) + one missed pair (new:umeng_update is in no app);
    // traps-config: one wrong pair (umeng_analytics is reported, the truth says none);
    // absent.apk is listed but not in DIR.
    let tsv = format!(
        "filename\tsha256\ttruth_sdks\n\
         traps-share.apk\t{}\tsharesdk,new:umeng_update\n\
         traps-config.apk\t{}\t-\n\
         absent.apk\t-\tjpush\n",
        sha("traps-share"),
        sha("traps-config")
    );
    let tsv_path = dir.path().join("truth.tsv");
    std::fs::write(&tsv_path, tsv).expect("write tsv");
    let out = std::process::Command::new("python3")
        .arg(common::root().join("scripts/detect-eval"))
        .arg(&fixtures)
        .arg(&tsv_path)
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_appaudit"))
        .arg("--json")
        .output()
        .expect("python3 is needed to run scripts/detect-eval");
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v: Value = serde_json::from_str(&common::stdout(&out)).expect("JSON totals");
    assert_eq!(v["apps"], 2, "{v:#}");
    assert_eq!(
        (v["tp"].as_u64(), v["fp"].as_u64(), v["fn"].as_u64()),
        (Some(1), Some(1), Some(1)),
        "{v:#}"
    );
    assert_eq!(v["precision"], 0.5);
    assert_eq!(v["recall"], 0.5);
    assert_eq!(v["wrong"][0][1], "umeng_analytics");
    assert_eq!(
        v["missed"][0],
        serde_json::json!(["traps-share.apk", "umeng_update"])
    );
    assert_eq!(v["absent"], serde_json::json!(["absent.apk"]));
}
