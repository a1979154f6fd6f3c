//! Detection on the committed fixture APKs, through the real binary: `inspect --format json` must
//! report exactly the SDK ids of `fixtures/<case>/expected/sdks.txt` (hand-written from each case's
//! README), the packer where there is one and none elsewhere, and on `lookalike` no evidence taken
//! from a decoy (names that a substring matcher would hit but a package-boundary or anchored
//! matcher must not).

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

/// Every case and the packer its README names (`None`: `app.packer` must be null).
const CASES: &[(&str, Option<&str>)] = &[
    // wallet: the bundled copy com.tencent.bugly.webank / libBugly-webank.so does not make
    // tencent_bugly (its own classes do); it is still listed under tencent_bugly as "weak"
    // evidence, which records that a copy ships inside another SDK.
    ("wallet", Some("bangcle")),
    ("clean", None),
    ("multidex", None),
    ("codeshapes", None),
    ("lookalike", None),
    ("packer", Some("bangcle")),
    ("wallet2", Some("bangcle")),
    ("versions", None),
    ("traps-config", None),
    ("traps-share", None),
];

/// The decoys of fixtures/lookalike/README.md: none may appear in any evidence value.
const LOOKALIKE_DECOYS: &[&str] = &[
    "com.mobx",
    "com.mobile.sdk",
    "com.mobvistax",
    "com.umengx",
    "com.umeng.analyticsx",
    "cn.jpushx",
    "cn.jpush.androidx",
    "com.buglyx",
    "com.tencentx",
    "com.tencent.buglyx",
    "com.example.lookalike",
    "libnotjcore",
    "libBuglyx",
    "JPUSH_APPKEY_BACKUP",
    "UMENG_APPKEY_OLD",
    "JPUSH_MESSAGE_V2",
    "WXPayEntryActivityOld",
    "assets/mirror/",
];

fn inspect(case: &str) -> Value {
    let out = common::appaudit_on(&["inspect", "--format", "json"], &common::apk(case), &[]);
    assert!(
        out.status.success(),
        "inspect fixtures/{case}.apk failed ({:?}):\n{}",
        out.status.code(),
        common::stderr(&out)
    );
    serde_json::from_str(&common::stdout(&out))
        .unwrap_or_else(|e| panic!("fixtures/{case}.apk: inspect printed invalid JSON: {e}"))
}

fn sdk_ids(report: &Value) -> BTreeSet<String> {
    report["sdks"]
        .as_array()
        .expect("`sdks` is an array")
        .iter()
        .map(|s| s["id"].as_str().expect("sdk id is a string").to_string())
        .collect()
}

fn expected_ids(case: &str) -> BTreeSet<String> {
    common::expected(case, "sdks.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every `(sdk id, evidence value)` of the reported SDKs and of the hints.
fn evidence_values(report: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for list in ["sdks", "sdk_hints"] {
        for sdk in report[list].as_array().into_iter().flatten() {
            let id = sdk["id"].as_str().unwrap_or("?").to_string();
            for ev in sdk["evidence"].as_array().into_iter().flatten() {
                if let Some(v) = ev["value"].as_str() {
                    out.push((id.clone(), v.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn every_case_reports_exactly_its_expected_sdks_and_packer() {
    let mut failures = Vec::new();
    for &(case, packer) in CASES {
        let report = inspect(case);
        let got = sdk_ids(&report);
        let want = expected_ids(case);
        if got != want {
            failures.push(format!(
                "fixtures/{case}: detected SDKs differ from expected/sdks.txt\n  expected: {want:?}\n  detected: {got:?}\n  missing:  {:?}\n  extra:    {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>(),
            ));
        }
        let got_packer = &report["app"]["packer"];
        let ok = match packer {
            Some(p) => got_packer.as_str() == Some(p),
            None => got_packer.is_null(),
        };
        if !ok {
            failures.push(format!(
                "fixtures/{case}: app.packer is {got_packer}, expected {}",
                packer.map_or("null".to_string(), |p| format!("\"{p}\""))
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lookalike_decoys_give_no_evidence() {
    let report = inspect("lookalike");
    let hits: Vec<_> = evidence_values(&report)
        .into_iter()
        .filter(|(_, v)| LOOKALIKE_DECOYS.iter().any(|d| v.contains(d)))
        .collect();
    assert!(hits.is_empty(), "decoys matched as SDK evidence: {hits:?}");

    // The one real SDK is found through its own class and key only: the prefix com.tencent.bugly
    // counts one class (CrashReport), not com.tencent.buglyx.CrashReport as well.
    let bugly = report["sdks"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == "tencent_bugly"))
        .expect("tencent_bugly detected");
    let ev: BTreeSet<(String, String, u64)> = bugly["evidence"]
        .as_array()
        .expect("evidence array")
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap_or("").to_string(),
                e["value"].as_str().unwrap_or("").to_string(),
                e["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, u64)> = [
        ("dex-class", "com.tencent.bugly", 1),
        ("manifest-meta-data", "BUGLY_APPID", 1),
    ]
    .into_iter()
    .map(|(s, v, n)| (s.to_string(), v.to_string(), n))
    .collect();
    assert_eq!(ev, want, "tencent_bugly evidence on lookalike");

    assert!(
        report["sdk_hints"].as_array().is_none_or(|h| h.is_empty()),
        "lookalike: no hint expected either, got {}",
        report["sdk_hints"]
    );
}

#[test]
fn packer_evidence_comes_from_stub_libraries_manifest_and_payload() {
    let report = inspect("packer");
    let values: BTreeSet<String> = evidence_values(&report)
        .into_iter()
        .filter(|(id, _)| id == "bangcle")
        .map(|(_, v)| v)
        .collect();
    for want in [
        "com.secneo.apkwrapper",
        "lib/arm64-v8a/libDexHelper.so",
        "lib/arm64-v8a/libSecShell.so",
        "com.secneo.apkwrapper.CP",
        "assets/classes0.jar",
    ] {
        assert!(
            values.contains(want),
            "packer: bangcle evidence lacks {want}; has {values:?}"
        );
    }
}

/// `expected/versions.txt` (hand-written from each README): every SDK's version and where it was
/// read, exactly; SDKs not listed (and every SDK of a case without the file) show no version.
#[test]
fn versions_equal_each_readme() {
    let mut with_versions = 0;
    for (case, _) in CASES {
        let path = common::root()
            .join("fixtures")
            .join(case)
            .join("expected/versions.txt");
        let want: BTreeSet<(String, String, String)> = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                assert_eq!(f.len(), 3, "{}: bad line {l:?}", path.display());
                (f[0].to_string(), f[1].to_string(), f[2].to_string())
            })
            .collect();
        with_versions += usize::from(!want.is_empty());
        let report = inspect(case);
        let got: BTreeSet<(String, String, String)> = report["sdks"]
            .as_array()
            .expect("sdks")
            .iter()
            .filter(|s| !s["version"].is_null())
            .map(|s| {
                let text = |k: &str| s[k].as_str().unwrap_or_default().to_string();
                (text("id"), text("version"), text("version_source"))
            })
            .collect();
        assert_eq!(got, want, "fixtures/{case}.apk");
    }
    assert!(with_versions >= 3, "{with_versions} cases reveal versions");
}

/// A string resource is evidence, but configuration: GrowingIO, known here only from
/// `growingio_project_id`, stays a hint (no code of its own); `google_app_id` corroborates
/// Firebase Analytics, whose classes are there; a resource merely named alike is nothing.
#[test]
fn string_resources_are_evidence() {
    let report = inspect("versions");
    let find = |list: &str, id: &str| {
        report[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {list}"))
            .clone()
    };
    let resource_values = |s: &Value| -> Vec<String> {
        s["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["source"] == "resource-string")
            .map(|e| e["value"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        report["sdks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != "growingio"),
        "configuration alone must not report GrowingIO"
    );
    let growingio = find("sdk_hints", "growingio");
    assert_eq!(resource_values(&growingio), ["growingio_project_id"]);
    assert_eq!(growingio["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(growingio["evidence"][0]["kind"], "config");
    assert_eq!(growingio["confidence"], "weak");
    let firebase = find("sdks", "firebase_analytics");
    assert_eq!(resource_values(&firebase), ["google_app_id"]);
    assert_eq!(firebase["confidence"], "high");
    let all = report.to_string();
    assert!(
        !all.contains("growingio_url_scheme_hint"),
        "a decoy became evidence"
    );
}

/// The reader scans a native library's read-only data for version strings only when a
/// `native-string` rule names the library (libsentry.so), not every library of the app.
#[test]
fn native_strings_are_read_only_where_a_rule_looks() {
    let catalog = appaudit::engine::load_catalog(None).expect("built-in rules");
    let analysis = appaudit::engine::analyze(
        &common::apk("versions"),
        appaudit::apk::archive::Limits::default(),
        catalog,
    )
    .expect("versions.apk");
    let strings = |name: &str| {
        analysis
            .app
            .native_libs
            .iter()
            .find(|l| l.path.ends_with(name))
            .unwrap_or_else(|| panic!("{name}"))
            .version_strings
            .clone()
    };
    assert!(strings("/libsentry.so").contains(&"sentry.native.android/0.7.2".to_string()));
    assert!(strings("/libAMapSDK_MAP_v9_2_0.so").is_empty());
    // The same library read with a filter that does not name it: no strings; with none: all.
    let read = |native_strings| {
        let opts = appaudit::apk::reader::Options {
            native_strings,
            ..Default::default()
        };
        let app = appaudit::apk::reader::analyze(&common::apk("versions"), &opts).expect("read");
        let sentry = app
            .native_libs
            .iter()
            .find(|l| l.path.ends_with("/libsentry.so"));
        sentry.expect("libsentry.so").version_strings.clone()
    };
    let other = regex::RegexSet::new([r"^libother\.so$"]).unwrap();
    assert!(read(Some(other)).is_empty());
    assert!(read(None).contains(&"deflate 1.2.13 Copyright 1995-2022 Jean-loup Gailly".to_string()));
}
