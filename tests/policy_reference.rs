//! The reference policy (a real fintech app's policy, kept beside the clone, not in it).

mod policy_support;

use appaudit::policy::{load, LoadOptions, SdkSource};
use std::collections::BTreeSet;

#[test]
fn reference_policy() {
    let Some(path) = policy_support::shared("reference/policy-zh-fintech-2022.txt") else {
        return;
    };
    let doc = match load(&path, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    };
    if std::env::var("DUMP").is_ok() {
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        println!("{}", appaudit::policy::render_table(&doc));
    }
    let rows: Vec<(&str, &str)> = doc
        .sdks
        .iter()
        .filter(|s| s.source == SdkSource::Table)
        .map(|s| (s.name.as_str(), s.vendor.as_deref().unwrap_or("")))
        .collect();
    let tencent = "深圳市腾讯计算机系统有限公司";
    let want = vec![
        ("极光推送SDK", "深圳市和讯华谷信息技术有限公司"),
        ("魅族推送SDK", "魅族科技有限公司"),
        ("小米推送SDK", "小米科技有限责任公司"),
        ("华为推送SDK", "华为技术有限公司"),
        ("微信支付SDK", "财付通支付科技有限公司"),
        ("微众银行SDK", tencent),
        ("微信分享SDK", tencent),
        ("腾讯bugly崩溃分析SDK", tencent),
        ("同盾SDK", "同盾科技有限公司"),
        ("青鸾SDK", "天冕信息技术（深圳）有限公司"),
        ("高德地图SDK", "高德软件有限公司"),
        ("xsdk", "天冕信息技术(深圳)有限公司"),
        ("梆梆加固", "北京梆梆安全科技有限公司"),
        ("旷视SDK", "北京旷视科技有限公司"),
        ("百度地图", "北京百度网讯科技有限公司"),
        ("阿里云OSS", "阿里云计算有限公司"),
        ("兔小巢", tencent),
    ];
    assert_eq!(rows, want);
    // The app-list item names an SDK that has no row (regulation.md §7, gap 1).
    assert!(doc
        .sdks
        .iter()
        .any(|s| s.name == "广点通SDK" && s.source == SdkSource::Prose));
    // The data-collection table: six rows.
    assert_eq!(doc.collection.len(), 6);
    assert_eq!(doc.collection[0].data, vec!["手机号码"]);
    assert_eq!(doc.date.as_deref(), Some("2022-02-28"));

    // Section (三)7: eight permission items, each mapped to its Android permissions.
    let mut items: Vec<(usize, BTreeSet<&str>)> = Vec::new();
    for p in doc
        .permissions
        .iter()
        .filter(|p| p.source == "permission-list")
    {
        let name = p.permission.rsplit('.').next().unwrap_or("");
        match items.iter_mut().find(|(l, _)| *l == p.line) {
            Some((_, set)) => {
                set.insert(name);
            }
            None => items.push((p.line, BTreeSet::from([name]))),
        }
    }
    let set = |xs: &[&'static str]| xs.iter().copied().collect::<BTreeSet<&str>>();
    let want_items = vec![
        set(&["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"]),
        // 相册 is storage, read and written (READ_MEDIA_* are implied: via "data").
        set(&[
            "CAMERA",
            "READ_EXTERNAL_STORAGE",
            "WRITE_EXTERNAL_STORAGE",
            "READ_MEDIA_IMAGES",
            "READ_MEDIA_VIDEO",
        ]),
        set(&["WRITE_EXTERNAL_STORAGE"]),
        set(&["READ_PHONE_STATE"]),
        set(&["INTERNET"]),
        set(&["QUERY_ALL_PACKAGES", "GET_INSTALLED_APPS"]),
        set(&["ACTIVITY_RECOGNITION"]),
        set(&["POST_NOTIFICATIONS"]),
    ];
    assert_eq!(
        items.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>(),
        want_items
    );
    assert_eq!(
        items.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![106, 109, 110, 111, 112, 113, 114, 115]
    );
    for id in [
        "imei",
        "imsi",
        "wifi_mac",
        "android_id",
        "installed_apps",
        "oaid",
        "precise_location",
    ] {
        assert!(
            doc.data_types.iter().any(|d| d.data_type == id),
            "data type {id}"
        );
    }
}

/// Issue 13, item 6: the 极光 and 同盾 rows list MAC (inside 设备标识符（…、MAC、…）): their code
/// reading the Wi-Fi MAC is disclosed, so sdk-data-not-disclosed names other types only.
#[test]
fn mac_in_a_row_discloses_the_wifi_mac() {
    let Some(policy) = policy_support::shared("reference/policy-zh-fintech-2022.txt") else {
        return;
    };
    let apk = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/wallet.apk");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .args(["audit", "--format", "json", "--fail-on", "none"])
        .arg(&apk)
        .arg("--policy")
        .arg(&policy)
        .output()
        .expect("run appaudit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("audit JSON");
    let findings = report["findings"].as_array().expect("findings");
    let of = |sdk: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == "sdk-data-not-disclosed" && f["subject"] == sdk)
            .map(|f| f["message"].as_str().unwrap_or_default().to_string())
    };
    for sdk in ["jpush", "tongdun"] {
        let msg = of(sdk)
            .unwrap_or_else(|| panic!("{sdk}: its other undisclosed types are still reported"));
        // The message names data types by id or by name, depending on the report model.
        assert!(
            !msg.contains("wifi_mac") && !msg.contains("MAC address"),
            "{sdk}: {msg}"
        );
        assert!(
            msg.contains("wifi_info") || msg.contains("Wi-Fi information"),
            "{sdk}: {msg}"
        );
    }
}
