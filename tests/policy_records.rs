//! Policy shapes of issue 13, one fixture each (written for appaudit, in
//! fixtures/policies/<shape>/): exact rows (name, vendor, packages, source, line) and the
//! permissions disclosed as such. Each fixture's README lists what it must give.

use appaudit::policy::{load, LoadOptions, PolicyDoc, SdkSource};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(rel: &str) -> PolicyDoc {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/policies")
        .join(rel);
    load(&path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (name, vendor or "", packages joined by ",", source, line) of every row.
fn rows(d: &PolicyDoc) -> Vec<(String, String, String, SdkSource, usize)> {
    d.sdks
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.vendor.clone().unwrap_or_default(),
                s.packages.join(","),
                s.source,
                s.line,
            )
        })
        .collect()
}

fn row(
    name: &str,
    vendor: &str,
    packages: &str,
    source: SdkSource,
    line: usize,
) -> (String, String, String, SdkSource, usize) {
    (name.into(), vendor.into(), packages.into(), source, line)
}

/// Short names of the permissions disclosed as permissions (`via: "permission"`).
fn disclosed(d: &PolicyDoc) -> BTreeSet<String> {
    d.permissions
        .iter()
        .filter(|p| p.via == "permission")
        .map(|p| p.permission.rsplit('.').next().unwrap_or("").to_string())
        .collect()
}

fn set(xs: &[&str]) -> BTreeSet<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

#[test]
fn nested_key_value_items() {
    let d = fixture("nested-kv/policy.md");
    use SdkSource::KeyValue as K;
    assert_eq!(
        rows(&d),
        vec![
            row("友盟统计SDK", "友盟同欣（北京）科技有限公司", "", K, 9),
            row(
                "极光推送SDK",
                "深圳市和讯华谷信息技术有限公司",
                "cn.jpush.android",
                K,
                15
            ),
            row("腾讯Bugly", "深圳市腾讯计算机系统有限公司", "", K, 20),
        ]
    );
    assert_eq!(d.sdks[1].purpose.as_deref(), Some("向您推送账单提醒"));
    assert!(d.sdks[1].data.iter().any(|f| f == "MAC地址"));
    assert_eq!(
        disclosed(&d),
        set(&[
            "CAMERA",
            "READ_EXTERNAL_STORAGE",
            "WRITE_EXTERNAL_STORAGE",
            "WAKE_LOCK"
        ]),
        "negated READ_CONTACTS/SMS and the SDK's 网络状态 are not the app's permissions"
    );
    // The SDK row's 网络状态 is kept for the audit, as data.
    assert!(d
        .permissions
        .iter()
        .any(|p| p.permission.ends_with("ACCESS_NETWORK_STATE") && p.via == "data"));
    assert!(!d
        .permissions
        .iter()
        .any(|p| p.permission.ends_with("READ_CONTACTS")));
}

#[test]
fn english_service_table() {
    let d = fixture("service-table/policy.md");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("Firebase Analytics", "Google LLC", "", T, 9),
            row("Sentry", "Functional Software, Inc.", "", T, 10),
            row("Mapbox Maps SDK", "Mapbox, Inc.", "", T, 11),
        ]
    );
    assert_eq!(d.sdks[0].data, vec!["app instance ID", "device model"]);
    assert!(
        d.collection.is_empty(),
        "an SDK table, not a collection table"
    );
    assert_eq!(disclosed(&d), set(&["ACCESS_FINE_LOCATION", "CAMERA"]));
}

#[test]
fn html_table_inside_markdown() {
    let d = fixture("html-in-markdown/policy.md");
    use SdkSource::Table as T;
    assert_eq!(d.format, "markdown");
    assert_eq!(
        rows(&d),
        vec![
            row("高德定位SDK", "高德软件有限公司", "", T, 9),
            row("穿山甲广告SDK", "北京巨量引擎网络技术有限公司", "", T, 10),
        ]
    );
}

#[test]
fn heading_with_bullets() {
    let d = fixture("heading-bullets/policy.md");
    use SdkSource::KeyValue as K;
    assert_eq!(
        rows(&d),
        vec![
            row("Firebase Crashlytics", "Google LLC", "", K, 7),
            row("OneSignal", "OneSignal, Inc.", "", K, 13),
        ]
    );
    assert_eq!(d.sdks[1].data, vec!["push token"]);
}

#[test]
fn repeated_header_rows() {
    let d = fixture("repeated-header/policy.html");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("微信开放平台SDK", "深圳市腾讯计算机系统有限公司", "", T, 7),
            row("个推推送SDK", "每日互动股份有限公司", "", T, 9),
            row("阿里云OSS", "阿里云计算有限公司", "", T, 11),
        ]
    );
    assert!(d.sdks[2].data.is_empty(), "无 is no data");
}

#[test]
fn records_run_together_on_one_line() {
    let d = fixture("oneline-kv/policy.txt");
    use SdkSource::KeyValue as K;
    assert_eq!(
        rows(&d),
        vec![
            row("淘宝联盟SDK", "阿里巴巴（中国）网络技术有限公司", "", K, 1),
            row("京东开普勒SDK", "北京京东世纪贸易有限公司", "", K, 1),
            row("美洽客服SDK", "成都美洽网络科技有限公司", "", K, 1),
        ]
    );
    let links: Vec<Option<&str>> = d.sdks.iter().map(|s| s.link.as_deref()).collect();
    assert_eq!(
        links,
        vec![
            Some("https://example.com/a"),
            Some("https://example.com/b"),
            Some("https://example.com/c")
        ],
        "a link glued to the next item's number (`…/b3、SDK名称`) loses the number"
    );
    assert_eq!(d.sdks[2].data, vec!["设备型号", "网络信息"]);
}

#[test]
fn table_flattened_with_blank_lines() {
    let d = fixture("spaced-flat/policy.txt");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("百度移动统计SDK", "", "com.baidu.mobstat", T, 18),
            row("腾讯浏览服务SDK", "", "com.tencent.smtt", T, 30),
            row("华为推送SDK", "", "com.huawei.hms", T, 43),
        ]
    );
    assert_eq!(d.sdks[1].purpose.as_deref(), Some("网页浏览 加载小说正文"));
    assert_eq!(d.sdks[2].link.as_deref(), Some("https://example.com/hms"));
}

#[test]
fn third_party_link_list_and_open_source_list() {
    let d = fixture("link-list/policy.md");
    use SdkSource::{OpenSource as O, ProseList as L};
    assert_eq!(
        rows(&d),
        vec![
            row("AdMob", "", "", L, 8),
            row("Firebase Crashlytics", "", "", L, 9),
            row("OneSignal", "", "", L, 10),
            row("OkHttp", "", "", O, 14),
            row("Glide", "", "", O, 15),
        ]
    );
    assert_eq!(
        d.sdks[1].link.as_deref(),
        Some("https://example.com/crashlytics-privacy")
    );
    assert_eq!(d.sdks[1].purpose.as_deref(), Some("crash reports"));
    assert!(appaudit::policy::render_table(&d).contains("3 (and 2 open-source components"));
    let json = serde_json::to_value(&d).expect("the policy serialises");
    assert_eq!(json["sdks"][3]["source"], "open-source");
}

#[test]
fn sdks_named_in_running_text() {
    let d = fixture("prose-mentions/policy.txt");
    use SdkSource::Prose as P;
    assert_eq!(
        rows(&d),
        vec![
            row("高德定位SDK", "", "", P, 6),
            row("支付宝SDK", "", "", P, 6),
            row("微信支付SDK", "", "", P, 6),
        ]
    );
}

/// Short names of the permissions present only as data (`via: "data"`, never as a permission).
fn only_data(d: &PolicyDoc) -> BTreeSet<String> {
    let stated = disclosed(d);
    d.permissions
        .iter()
        .filter(|p| p.via == "data")
        .map(|p| p.permission.rsplit('.').next().unwrap_or("").to_string())
        .filter(|p| !stated.contains(p))
        .collect()
}

#[test]
fn tiered_blank_line_table() {
    let d = fixture("tiered-table/policy.txt");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("个推推送SDK", "", "com.igexin", T, 35),
            row("高德定位SDK", "", "com.amap.api", T, 63),
            row("穿山甲SDK", "", "", T, 97),
        ]
    );
    assert_eq!(d.sdks[1].purpose.as_deref(), Some("定位与附近门店"));
    // The data cell came before the permission cell in the last row: it is still the data.
    assert!(
        d.sdks[2].data.iter().any(|f| f.contains("位置信息")),
        "{:?}",
        d.sdks[2].data
    );
    assert_eq!(
        d.sdks[0].link.as_deref(),
        Some("https://docs.getui.com/privacy")
    );
    assert_eq!(
        disclosed(&d),
        set(&["CAMERA", "READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE"])
    );
    // The SDKs' permission cells (the cut-off row's line included) are data at most.
    assert!(only_data(&d).contains("CHANGE_WIFI_STATE"));
    assert!(only_data(&d).contains("READ_PHONE_STATE"));
}

#[test]
fn grouped_table_with_run_together_cells() {
    let d = fixture("grouped-runs/policy.txt");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("友盟统计SDK", "友盟同欣（北京）科技有限公司", "", T, 13),
            row("腾讯Bugly", "深圳市腾讯计算机系统有限公司", "", T, 30),
            row("Glide", "bumptech", "", T, 43),
            row("OkHttp", "Square", "", T, 56),
            row("Okio", "Square", "", T, 56),
            row("微信开放平台SDK", "深圳市腾讯计算机系统有限公司", "", T, 68),
        ]
    );
    assert!(disclosed(&d).is_empty(), "{:?}", disclosed(&d));
}

#[test]
fn one_line_policy_with_glued_outline_items() {
    let d = fixture("oneline-outline/policy.txt");
    assert!(d.sdks.is_empty(), "{:?}", d.sdks);
    assert_eq!(
        disclosed(&d),
        set(&[
            "CAMERA",
            "READ_EXTERNAL_STORAGE",
            "WRITE_EXTERNAL_STORAGE",
            "VIBRATE",
            "FLASHLIGHT",
            "RECEIVE_BOOT_COMPLETED",
            "READ_CONTACTS",
            "RECORD_AUDIO",
            "READ_CALENDAR",
        ])
    );
    assert_eq!(only_data(&d), set(&["WRITE_CONTACTS", "WRITE_CALENDAR"]));
    assert!(d
        .permissions
        .iter()
        .filter(|p| p.via == "permission")
        .all(|p| p.source == "permission-list"));
}

#[test]
fn permission_statements_in_prose_and_lists() {
    let d = fixture("permission-prose/policy.txt");
    let stated: BTreeSet<(String, usize)> = d
        .permissions
        .iter()
        .filter(|p| p.via == "permission")
        .map(|p| (p.permission.clone(), p.line))
        .collect();
    let want: BTreeSet<(String, usize)> = [
        ("android.permission.CAMERA", 5),
        ("android.permission.ACCESS_FINE_LOCATION", 6),
        ("android.permission.READ_EXTERNAL_STORAGE", 11),
        ("android.permission.WRITE_EXTERNAL_STORAGE", 11),
        ("android.permission.SYSTEM_ALERT_WINDOW", 15),
        ("com.android.launcher.permission.INSTALL_SHORTCUT", 16),
    ]
    .iter()
    .map(|(p, l)| (p.to_string(), *l))
    .collect();
    assert_eq!(stated, want);
    let data = only_data(&d);
    for p in [
        "READ_PHONE_STATE",
        "ACCESS_WIFI_STATE",
        "ACCESS_COARSE_LOCATION",
        "RECORD_AUDIO",
        "READ_CALENDAR",
    ] {
        assert!(data.contains(p), "{p} as data: {data:?}");
    }
    let all: BTreeSet<String> = d
        .permissions
        .iter()
        .map(|p| p.permission.rsplit('.').next().unwrap_or("").to_string())
        .collect();
    for p in [
        "READ_CONTACTS",
        "BLUETOOTH",
        "POST_NOTIFICATIONS",
        "READ_SMS",
    ] {
        assert!(!all.contains(p), "{p} disclosed: {all:?}");
    }
}

#[test]
fn glued_header_table() {
    let d = fixture("glued-header/policy.txt");
    use SdkSource::Table as T;
    assert_eq!(
        rows(&d),
        vec![
            row("极光推送", "", "", T, 6),
            row("高德地图SDK", "", "", T, 8),
            row("阿里云号码认证SDK", "", "", T, 10),
            row("微信/朋友圈分享", "", "", T, 14),
        ]
    );
    assert_eq!(d.sdks[0].purpose.as_deref(), Some("消息推送"));
    assert!(
        d.sdks[1].data.iter().any(|f| f == "位置信息"),
        "{:?}",
        d.sdks[1].data
    );
    assert!(disclosed(&d).is_empty(), "{:?}", disclosed(&d));
}

#[test]
fn branches_in_the_contact_section_are_not_rows() {
    let d = fixture("contact-branches/policy.txt");
    use SdkSource::KeyValue as K;
    assert_eq!(
        rows(&d),
        vec![
            row("极光推送SDK", "深圳市和讯华谷信息技术有限公司", "", K, 4),
            row("百度地图SDK", "北京百度网讯科技有限公司", "", K, 7),
        ]
    );
}

#[test]
fn fragmented_runs_joined_back() {
    let d = fixture("fragmented/policy.txt");
    use SdkSource::KeyValue as K;
    assert_eq!(
        rows(&d),
        vec![
            row("极光推送SDK", "深圳市和讯华谷信息技术有限公司", "", K, 49),
            row("高德定位SDK", "高德软件有限公司", "", K, 87),
        ]
    );
    assert_eq!(d.sdks[0].purpose.as_deref(), Some("推送订单状态消息"));
    assert_eq!(disclosed(&d), set(&["CAMERA"]));
    assert!(d
        .permissions
        .iter()
        .all(|p| !p.permission.ends_with("READ_CONTACTS")));
    let camera = d
        .permissions
        .iter()
        .find(|p| p.permission.ends_with("CAMERA"));
    assert_eq!(camera.map(|p| p.line), Some(125));
}
