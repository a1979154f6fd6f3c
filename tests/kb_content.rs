//! The SDK knowledge base's content (issue #14): its size, the legacy and new SDKs the issue
//! names, signatures that are specific enough for real apps, and coverage of the Exodus trackers.

use appaudit::rules::sdks::{SdkCatalog, SigConfidence};
use std::path::PathBuf;
use std::process::Command;

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
fn at_least_600_sdks_each_with_a_signature_and_its_sources() {
    let cat = builtin();
    let n = cat.iter().filter(|r| r.signature_count() > 0).count();
    assert!(n >= 600, "{n} SDKs with signatures");
    for r in cat.iter() {
        assert!(!r.names.is_empty(), "{}: no names", r.id);
        assert!(
            !r.vendor_en.is_empty() || !r.vendor_zh.is_empty(),
            "{}: no vendor",
            r.id
        );
        for c in &r.class_prefixes {
            assert!(
                !c.meta.source.is_empty(),
                "{}: {} has no source",
                r.id,
                c.value
            );
        }
        for s in r.native_libs.iter().chain(&r.assets) {
            assert!(
                !s.meta.source.is_empty(),
                "{}: {} has no source",
                r.id,
                s.regex
            );
        }
        for m in &r.manifest {
            assert!(
                !m.meta.source.is_empty(),
                "{}: {} has no source",
                r.id,
                m.name
            );
        }
    }
}

/// The SDK's own class signature `value`, of confidence `want`.
fn own(id: &str, value: &str, want: SigConfidence) {
    let r = builtin().get(id).unwrap_or_else(|| panic!("no SDK {id}"));
    let c = r
        .class_prefixes
        .iter()
        .find(|c| c.value == value)
        .unwrap_or_else(|| panic!("{id} has no class signature {value}"));
    assert!(c.is_own(), "{id}: {value} is not its own package");
    assert_eq!(c.meta.confidence, want, "{id}: {value}");
}

/// The SDK's own, high-confidence class signature `value`.
fn own_high(id: &str, value: &str) {
    own(id, value, SigConfidence::High);
}

#[test]
fn legacy_and_new_sdks_of_the_issue_have_their_own_high_signatures() {
    // Medium: with the UMENG_APPKEY key (another kind of evidence) it reports Umeng.
    own(
        "umeng_analytics",
        "com.mobclick.android",
        SigConfidence::Medium,
    );
    own_high("umeng_feedback", "com.feedback.UMFeedbackService");
    own_high("umeng_feedback", "com.feedback.ui.SendFeedback");
    own_high("sharesdk", "cn.smssdk");
    own_high("douyin_open", "com.bytedance.sdk.account.open.aweme");
    own_high("netease_yidun_risk", "com.netease.nis.captcha");
    own_high("cnzz", "com.cnzz.mobile");
    own_high("umeng_update", "com.umeng.update");
    own_high("umeng_exchange", "com.exchange.View.ExchangeViewManager");
    own_high("miiad", "com.mg.comm.MiiBaseAD");
    own_high("singular", "com.apsalar.sdk");
    own_high("tencent_tac", "com.tencent.tac");
}

#[test]
fn generic_packages_are_never_a_signature_on_their_own() {
    // Bare packages that unrelated apps use (com.feedback, com.exchange: the issue's examples),
    // multi-product vendor namespaces, and one-segment names (but a few distinctive ones that
    // vendors really use as their root package).
    let generic = [
        "com.feedback",
        "com.exchange",
        "com.common",
        "com.google",
        "com.google.android",
        "com.google.android.gms",
        "com.tencent",
        "com.baidu",
        "com.alibaba",
        "com.taobao",
        "com.huawei",
        "com.huawei.hms",
        "com.xiaomi",
        "com.bytedance",
        "com.ss.android",
        "com.facebook",
        "com.amazon",
        "com.microsoft",
        "com.samsung",
        "com.umeng",
        "com.netease",
        "com.mg",
        "com.android",
        "android",
        "androidx",
        "kotlin",
        "java",
        "org.apache",
    ];
    for r in builtin().iter() {
        for c in &r.class_prefixes {
            if c.contains {
                continue;
            }
            let counts = c.is_own() && c.meta.confidence == SigConfidence::High;
            assert!(
                !(counts && generic.contains(&c.value.as_str())),
                "{}: {} is a generic package",
                r.id,
                c.value
            );
            assert!(
                c.value.contains('.')
                    || ["mtopsdk", "cmbapi", "zendesk"].contains(&c.value.as_str()),
                "{}: one-segment prefix {}",
                r.id,
                c.value
            );
        }
    }
}

/// `../shared/reference` beside the clone (CI), or beside the worktrees' folder.
fn reference_dir() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../shared/reference"),
        root.join("../../shared/reference"),
    ]
    .into_iter()
    .find(|d| d.join("exodus.tsv").is_file())
}

#[test]
fn every_exodus_tracker_is_covered_or_excluded_with_a_reason() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Some(reference) = reference_dir() else {
        assert!(
            !ci,
            "../shared/reference/exodus.tsv is missing beside the clone"
        );
        eprintln!("note: ../shared/reference is absent; skipping the coverage check");
        return;
    };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = match Command::new("python3")
        .arg(root.join("scripts/kb-coverage"))
        .arg("--reference")
        .arg(&reference)
        .arg("--check")
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            assert!(!ci, "python3 is needed for scripts/kb-coverage: {e}");
            eprintln!("note: python3 is absent ({e}); skipping the coverage check");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // 432 Exodus trackers: none missing.
    assert!(stdout.contains("exodus: 432 entries"), "{stdout}");
    assert!(stdout.contains(", 0 missing"), "{stdout}");
}
