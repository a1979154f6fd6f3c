//! Issue #14's traps on the committed `traps-config` and `traps-share` fixtures, through the real
//! binary: exact SDK sets, the hints and why they are hints (`via`, `disabled`, configuration
//! only, a shared base), the kind of every evidence item, and the audit's findings.

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

fn json(args: &[&str], case: &str, tail: &[&str]) -> Value {
    let out = common::appaudit_on(args, &common::apk(case), tail);
    assert!(
        out.status.code().is_some_and(|c| c == 0 || c == 1),
        "{args:?} fixtures/{case}.apk failed ({:?}):\n{}",
        out.status.code(),
        common::stderr(&out)
    );
    serde_json::from_str(&common::stdout(&out))
        .unwrap_or_else(|e| panic!("fixtures/{case}.apk: invalid JSON: {e}"))
}

fn ids(report: &Value, list: &str) -> BTreeSet<String> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("`{list}` is an array"))
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect()
}

fn entry<'a>(report: &'a Value, list: &str, id: &str) -> &'a Value {
    report[list]
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in {list}: {report:#}"))
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// (value, kind) of every evidence item.
fn evidence(det: &Value) -> Vec<(String, String)> {
    det["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| {
            (
                e["value"].as_str().expect("value").to_string(),
                e["kind"].as_str().expect("kind").to_string(),
            )
        })
        .collect()
}

#[test]
fn config_traps_report_only_the_legacy_package() {
    let r = json(&["inspect", "--format", "json"], "traps-config", &[]);
    assert_eq!(ids(&r, "sdks"), set(&["umeng_analytics"]));
    assert_eq!(
        ids(&r, "sdk_hints"),
        set(&["firebase_analytics", "jpush"]),
        "{r:#}"
    );

    // The legacy package is code: reported (medium with the app key as a second kind while the
    // prefix is a medium signature, high once the knowledge base marks it high).
    let umeng = entry(&r, "sdks", "umeng_analytics");
    assert!(
        umeng["confidence"] == "medium" || umeng["confidence"] == "high",
        "{umeng:#}"
    );
    assert_eq!(
        evidence(umeng),
        [
            ("com.mobclick.android".to_string(), "code".to_string()),
            ("UMENG_APPKEY".to_string(), "config".to_string())
        ]
    );

    // The switch that turns analytics off is said as such, never as presence.
    let fa = entry(&r, "sdk_hints", "firebase_analytics");
    assert_eq!(fa["confidence"], "weak");
    assert_eq!(
        fa["disabled"],
        "firebase_analytics_collection_enabled=false"
    );
    assert!(evidence(fa).iter().all(|(_, k)| k == "config"), "{fa:#}");
    let provider = fa["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .find(|e| e["value"] == "com.google.firebase.provider.FirebaseInitProvider")
        .expect("the provider is evidence");
    assert!(
        provider["note"]
            .as_str()
            .is_some_and(|n| n.contains("absent from the DEX")),
        "{provider:#}"
    );

    // An app key and a receiver whose class is absent: configuration only.
    let jpush = entry(&r, "sdk_hints", "jpush");
    assert_eq!(jpush["confidence"], "weak");
    assert!(evidence(jpush).iter().all(|(_, k)| k == "config"));
    assert!(jpush.get("disabled").is_none());
}

#[test]
fn support_library_location_without_permission_is_info_and_not_the_apps() {
    let policy = common::root().join("fixtures/traps-config/policy.txt");
    let policy = policy.to_str().expect("utf-8 path");
    let r = json(
        &["audit", "--format", "json"],
        "traps-config",
        &["--policy", policy],
    );
    let findings: Vec<(String, String, String)> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_string(),
                f["subject"].as_str().expect("subject").to_string(),
                f["severity"].as_str().expect("severity").to_string(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [(
            "undisclosed-data-access".to_string(),
            "precise_location".to_string(),
            "info".to_string()
        )],
        "{r:#}"
    );
    let f = &r["findings"][0];
    assert!(f["message"]
        .as_str()
        .is_some_and(|m| m.contains("code present, permission not requested")));
    let ev: Vec<&str> = f["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        ev.iter()
            .any(|e| e.starts_with("android.support.v7.app.k calls")
                && e.ends_with("(android-support library)")),
        "{ev:?}"
    );
    assert!(!ev.iter().any(|e| e.ends_with("(app)")), "{ev:?}");
    assert!(
        ev.iter()
            .any(|e| e.contains("android.permission.ACCESS_FINE_LOCATION")),
        "{ev:?}"
    );
}

#[test]
fn aggregator_adapters_and_shared_bases_are_not_vendor_sdks() {
    let r = json(&["inspect", "--format", "json"], "traps-share", &[]);
    assert_eq!(ids(&r, "sdks"), set(&["sharesdk"]), "{r:#}");
    let sharesdk = entry(&r, "sdks", "sharesdk");
    assert_eq!(sharesdk["confidence"], "high");
    assert_eq!(
        sharesdk["channels"],
        serde_json::json!(["qq_connect", "wechat_share", "weibo_sdk"])
    );
    assert_eq!(
        ids(&r, "sdk_hints"),
        set(&[
            "google_signin",
            "mob_push",
            "qq_connect",
            "tencent_mta",
            "wechat_login",
            "wechat_share",
            "weibo_sdk"
        ])
    );
    for id in ["wechat_share", "qq_connect", "weibo_sdk"] {
        let h = entry(&r, "sdk_hints", id);
        assert_eq!(h["via"], "sharesdk", "{id}: {h:#}");
        assert_eq!(h["confidence"], "weak", "{id}");
    }
    let weibo: Vec<String> = evidence(entry(&r, "sdk_hints", "weibo_sdk"))
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(weibo, ["cn.sharesdk.sina.weibo", "com.sina.weibo.sdk.api"]);

    let signin = entry(&r, "sdk_hints", "google_signin");
    assert!(signin.get("via").is_none());
    let note = signin["evidence"][0]["note"].as_str().unwrap_or_default();
    assert!(note.contains("play-services-base"), "{signin:#}");

    let mta = entry(&r, "sdk_hints", "tencent_mta");
    assert_eq!(mta["confidence"], "weak");
    assert!(mta.get("via").is_none());
}

/// The inspect table names the support library as the caller's owner, not "app / other".
#[test]
fn inspect_table_names_the_library_of_a_call() {
    let out = common::appaudit_on(&["inspect"], &common::apk("traps-config"), &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let calls: String = text
        .split("Sensitive API calls")
        .nth(1)
        .and_then(|t| t.split("Permissions").next())
        .unwrap_or_default()
        .to_string();
    assert!(calls.contains("android-support"), "{text}");
    assert!(!calls.contains("app / other"), "{text}");
}
