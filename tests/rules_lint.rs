//! The shipped SDK rules lint clean, cover the knowledge base, and bad rules are reported with
//! their file and line.

use appaudit::rules::lint::{lint, list_table};
use appaudit::rules::sdks::SdkCatalog;
use std::path::Path;

fn builtin() -> &'static SdkCatalog {
    match SdkCatalog::builtin() {
        Ok(c) => c,
        Err(diags) => {
            let text: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            panic!("built-in rules do not load:\n{}", text.join("\n"));
        }
    }
}

#[test]
fn shipped_rules_lint_clean() {
    let diags = lint(None);
    assert!(diags.is_empty(), "{diags:#?}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let diags = lint(Some(&dir));
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn at_least_240_sdks_have_signatures() {
    let n = builtin().iter().filter(|r| r.signature_count() > 0).count();
    assert!(n >= 240, "{n} SDKs with signatures");
}

#[test]
fn every_packer_is_present() {
    let cat = builtin();
    for id in [
        "bangcle",
        "qihoo_jiagu",
        "tencent_legu",
        "tencent_yusec",
        "ijiami",
        "baidu_jiagu",
        "ali_jiagu",
        "netease_yidun_jiagu",
        "dingxiang_jiagu",
        "naga",
        "kiwisec",
        "payegis",
        "cmcc_mogosec",
        "manxi",
        "google_pairip",
        "dexprotector",
        "appsealing",
    ] {
        let r = cat.get(id).unwrap_or_else(|| panic!("packer {id} missing"));
        assert_eq!(r.category, "packer", "{id}");
        assert!(r.signature_count() > 0, "{id}");
    }
    assert!(cat.iter().filter(|r| r.is_packer()).count() >= 17);
}

#[test]
fn list_table_filters_by_category() {
    let t = list_table(builtin(), Some("packer"));
    assert!(t.contains("bangcle"));
    assert!(!t.contains("jpush"));
}

const GOOD: &str = r#"id = "good_sdk"
name_en = "Good"
names = ["好SDK"]
vendor_zh = "好公司"
vendor_en = "Good Inc."
category = "push"

[[class_prefixes]]
value = "com.good.sdk"
confidence = "high"
"#;

fn lint_files(files: &[(&str, &str)]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let base = dir.path().display().to_string();
    lint(Some(dir.path()))
        .iter()
        .map(|d| {
            let s = d.to_string();
            s.strip_prefix(&base)
                .map(|r| r.trim_start_matches('/').to_string())
                .unwrap_or(s)
        })
        .collect()
}

#[test]
fn bad_rules_give_every_diagnostic_with_file_and_line() {
    let unknown_key = GOOD.replace("good_sdk", "unknown_key").replace(
        "confidence = \"high\"\n",
        "confidence = \"high\"\nweight = 3\n",
    );
    let bad_regex = r#"id = "bad_regex"
name_en = "Bad regex"
category = "ads"

[[native_libs]]
regex = '^libbad(\.so$'
confidence = "high"

[[class_prefixes]]
value = "com.bad.regex"
confidence = "certain"
"#;
    let dup = GOOD.replace("com.good.sdk", "com.dup.sdk");
    let conflict = r#"id = "conflict"
name_en = "Conflict"
category = "analytics"

[[class_prefixes]]
value = "com.other"
confidence = "medium"

[[class_prefixes]]
value = "com.good.sdk"
confidence = "high"
"#;
    let got = lint_files(&[
        ("a_good.toml", GOOD),
        ("b_unknown.toml", &unknown_key),
        ("c_regex.toml", bad_regex),
        ("d_dup.toml", &dup),
        ("e_conflict.toml", conflict),
    ]);
    let has = |prefix: &str, needle: &str| {
        got.iter()
            .any(|d| d.starts_with(prefix) && d.contains(needle))
    };
    assert!(has("b_unknown.toml:11:", "weight"), "{got:#?}");
    assert!(
        has("c_regex.toml:6:", "invalid native library regex"),
        "{got:#?}"
    );
    assert!(has("c_regex.toml:11:", "confidence"), "{got:#?}");
    assert!(
        has("d_dup.toml:1:", "duplicate id \"good_sdk\""),
        "{got:#?}"
    );
    assert!(has("e_conflict.toml:10:", "com.good.sdk"), "{got:#?}");
    assert_eq!(got.len(), 5, "{got:#?}");
}

#[test]
fn shared_with_allows_a_common_prefix() {
    let a = GOOD.replace(
        "category = \"push\"",
        "category = \"push\"\nshared_with = [\"other_sdk\"]",
    );
    let b = GOOD
        .replace("good_sdk", "other_sdk")
        .replace("category = \"push\"", "category = \"share\"");
    let got = lint_files(&[("a.toml", &a), ("b.toml", &b)]);
    assert!(got.is_empty(), "{got:#?}");
}

#[test]
fn version_tables_are_checked() {
    let versions = GOOD.to_string()
        + r#"
[[version]]
kind = "dex-constant"
class = "com.good.sdk.Build"
field = "SDK_VERSION"

[[version]]
kind = "dex-constant"
class = "com.good.sdk.Build"
field = "NAME"
lib = '^libgood\.so$'

[[version]]
kind = "native-name"
pattern = '^libgood_v\d+\.so$'

[[version]]
kind = "native-string"
pattern = '^good/(\d+\.\d+)$'

[[version]]
kind = "apk-name"
pattern = '(\d+)'

[[version]]
kind = "native-string"
lib = '^libgood(\.so$'
pattern = '^good/(\d+\.\d+)$'
"#;
    let got = lint_files(&[("v.toml", &versions)]);
    let has = |prefix: &str, needle: &str| {
        got.iter()
            .any(|d| d.starts_with(prefix) && d.contains(needle))
    };
    assert!(has("v.toml:18:", "must mention \"version\""), "{got:#?}");
    assert!(has("v.toml:18:", "lib does not apply"), "{got:#?}");
    assert!(has("v.toml:25:", "has no capture group"), "{got:#?}");
    assert!(has("v.toml:28:", "needs lib"), "{got:#?}");
    assert!(
        has("v.toml:32:", "unknown version kind \"apk-name\""),
        "{got:#?}"
    );
    assert!(has("v.toml:37:", "invalid version lib regex"), "{got:#?}");
    assert_eq!(got.len(), 6, "{got:#?}");
}

#[test]
fn shipped_version_rules_name_their_source() {
    let mut n = 0;
    for rule in builtin().iter() {
        for v in &rule.versions {
            n += 1;
            assert!(
                !v.source.is_empty(),
                "{}: a version rule without a source",
                rule.id
            );
        }
    }
    assert!(n >= 10, "{n} version rules");
}

/// Issue #14 item 6: an `activity-suffix` without its leading dot is an error at load, with its
/// file and line; so are the ownership keys used wrongly (`disabled_when` off meta-data, two
/// owners for one signature, `via` naming an unknown entry, a `shipped_with` that is no name).
#[test]
fn ownership_and_suffix_keys_are_validated_with_file_and_line() {
    let bad = r#"id = "bad_keys"
name_en = "Bad keys"
category = "share"

[[manifest]]
kind = "activity-suffix"
name = "WXEntryActivity"
confidence = "high"

[[manifest]]
kind = "activity"
name = "com.bad.keys.A"
confidence = "high"
disabled_when = ["false"]

[[class_prefixes]]
value = "com.bad.keys"
confidence = "high"
via = "good_sdk"
shipped_with = "play-services-base"

[[class_prefixes]]
value = "com.bad.keys.adapter"
confidence = "high"
via = "nobody"

[[class_prefixes]]
value = "com.bad.keys.base"
confidence = "high"
shipped_with = "play services"
"#;
    let got = lint_files(&[("a_good.toml", GOOD), ("b_bad.toml", bad)]);
    let has = |prefix: &str, needle: &str| {
        got.iter()
            .any(|d| d.starts_with(prefix) && d.contains(needle))
    };
    assert!(
        has(
            "b_bad.toml:7:",
            "activity-suffix \"WXEntryActivity\" must start with '.'"
        ),
        "{got:#?}"
    );
    assert!(has("b_bad.toml:14:", "disabled_when"), "{got:#?}");
    assert!(has("b_bad.toml:17:", "exclude each other"), "{got:#?}");
    assert!(
        has("b_bad.toml:25:", "via names an unknown SDK id \"nobody\""),
        "{got:#?}"
    );
    assert!(has("b_bad.toml:30:", "shipped_with"), "{got:#?}");
    assert_eq!(got.len(), 5, "{got:#?}");
}

/// The same rules through the binary's `--rules DIR`: the tool refuses them (exit 2) and names
/// the file and line, instead of loading a suffix rule that matching would slice on.
#[test]
fn custom_rules_with_a_dotless_suffix_are_refused_by_the_cli() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sdks = dir.path().join("sdks");
    std::fs::create_dir_all(&sdks).expect("mkdir");
    std::fs::write(
        sdks.join("x.toml"),
        "id = \"x\"\nname_en = \"X\"\ncategory = \"share\"\n\n[[manifest]]\nkind = \"activity-suffix\"\nname = \"é\"\nconfidence = \"high\"\n",
    )
    .expect("write");
    let apk = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/clean.apk");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .arg("inspect")
        .arg(&apk)
        .arg("--rules")
        .arg(dir.path())
        .output()
        .expect("run appaudit");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("x.toml:7:"), "{err}");
    assert!(err.contains("must start with '.'"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A `via` prefix may equal the aggregator's own: the key says whose code it is, no conflict.
#[test]
fn a_via_prefix_may_equal_the_aggregators_own() {
    let vendor = GOOD.replace("good_sdk", "vendor_sdk").replace(
        "confidence = \"high\"\n",
        "confidence = \"high\"\nvia = \"good_sdk\"\n",
    );
    let got = lint_files(&[("a_good.toml", GOOD), ("b_vendor.toml", &vendor)]);
    assert!(got.is_empty(), "{got:#?}");
    let plain = GOOD.replace("good_sdk", "vendor_sdk");
    let got = lint_files(&[("a_good.toml", GOOD), ("b_vendor.toml", &plain)]);
    assert_eq!(got.len(), 1, "{got:#?}");
}
