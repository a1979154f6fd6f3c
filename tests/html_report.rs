//! The HTML report of the wallet fixture, parsed: every section and figure is there, the page is
//! self-contained, and the side-by-side SDK table lists every detected and every disclosed SDK
//! with the right status.

mod common;

use common::{apk, appaudit, root, stdout};
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet};

/// One element of the page: its name and attributes.
struct Element {
    name: String,
    attrs: BTreeMap<String, String>,
    /// The `id` of the nearest enclosing `table`, if any.
    table: Option<String>,
}

/// Parses the page as XML (the report is written to be well-formed) into its elements.
fn elements(html: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(html);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    let mut tables: Vec<Option<String>> = Vec::new();
    loop {
        let ev = reader.read_event().expect("the report parses as XML");
        let (e, empty) = match ev {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if e.name().as_ref() == b"table" {
                    tables.pop();
                }
                continue;
            }
            _ => continue,
        };
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        let attrs: BTreeMap<String, String> = e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("attribute value").into_owned(),
                )
            })
            .collect();
        if name == "table" && !empty {
            tables.push(attrs.get("id").cloned());
        }
        out.push(Element {
            name,
            attrs,
            table: tables.last().cloned().flatten(),
        });
    }
    out
}

fn wallet_report(extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("report.html");
    let app = apk("wallet");
    let policy = root().join("fixtures/wallet/policy.txt");
    let mut args = vec![
        "audit",
        app.to_str().expect("utf-8 path"),
        "--policy",
        policy.to_str().expect("utf-8 path"),
        "--format",
        "html",
        "-o",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let o = appaudit(&args);
    assert_eq!(o.status.code(), Some(1), "high findings fail the gate");
    std::fs::read_to_string(&out).expect("report written")
}

fn json(args: &[&str]) -> serde_json::Value {
    let o = appaudit(args);
    serde_json::from_str(&stdout(&o)).expect("json")
}

#[test]
fn the_side_by_side_table_lists_every_detected_and_every_disclosed_sdk() {
    let html = wallet_report(&[]);
    let app = apk("wallet");
    let policy = root().join("fixtures/wallet/policy.txt");
    let (app, policy) = (app.to_str().unwrap(), policy.to_str().unwrap());
    let report = json(&["audit", app, "--policy", policy, "--format", "json"]);
    let understood = json(&["policy", policy, "--format", "json"]);

    let rows: Vec<Element> = elements(&html)
        .into_iter()
        .filter(|e| e.name == "tr" && e.table.as_deref() == Some("sdk-side-by-side"))
        .filter(|e| e.attrs.contains_key("data-status"))
        .collect();
    let by_id: BTreeMap<&str, &str> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r.attrs.get("data-sdk-id")?.as_str(),
                r.attrs["data-status"].as_str(),
            ))
        })
        .collect();
    let detected: BTreeSet<&str> = report["sdks"]
        .as_array()
        .expect("sdks")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .collect();
    assert_eq!(detected.len(), 17);
    assert_eq!(by_id.keys().copied().collect::<BTreeSet<_>>(), detected);
    for id in &detected {
        let want = match *id {
            "umeng_analytics" | "pangle_csj" | "getui_push" => "undisclosed",
            "amap" => "vendor-mismatch",
            _ => "disclosed",
        };
        assert_eq!(by_id[id], want, "{id}");
    }

    // Every row the policy lists is on a line of its own or beside the SDK it names.
    let listed: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.attrs.get("data-policy-row").map(String::as_str))
        .collect();
    let disclosed: BTreeSet<&str> = understood["sdks"]
        .as_array()
        .expect("policy sdks")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(disclosed.len(), 15);
    assert_eq!(listed, disclosed);
    let weibo: Vec<&Element> = rows
        .iter()
        .filter(|r| r.attrs.get("data-policy-row").map(String::as_str) == Some("新浪微博SDK"))
        .collect();
    assert_eq!(weibo.len(), 1);
    assert_eq!(weibo[0].attrs["data-status"], "listed-not-found");
    assert!(!weibo[0].attrs.contains_key("data-sdk-id"));
    let amap = rows
        .iter()
        .find(|r| r.attrs.get("data-sdk-id").map(String::as_str) == Some("amap"))
        .expect("amap row");
    assert_eq!(amap.attrs["data-policy-row"], "高德定位SDK");
    assert_eq!(
        rows.len(),
        18,
        "17 detected SDKs and the one row nothing matched"
    );
}

#[test]
fn the_report_has_every_section_and_figure_and_fetches_nothing() {
    let html = wallet_report(&[]);
    let els = elements(&html);
    let ids: BTreeSet<&str> = els
        .iter()
        .filter_map(|e| e.attrs.get("id").map(String::as_str))
        .collect();
    for id in [
        "verdict",
        "app-policy",
        "sdks",
        "sdk-side-by-side",
        "permissions",
        "data-access",
        "hygiene",
        "findings",
        "repro",
        "fig-severity",
        "fig-grid",
    ] {
        assert!(ids.contains(id), "missing #{id}");
    }
    assert!(
        html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"),
        "Chinese policy, Chinese report"
    );
    assert!(
        html.contains("不通过") && html.contains("《App违法违规收集使用个人信息行为认定方法》")
    );
    assert!(html.contains("GB/T 41391-2022") && html.contains("《个人信息保护法》第二十三条"));
    assert!(html.contains("sha256:") && html.contains(env!("CARGO_PKG_VERSION")));
    for e in &els {
        assert!(
            !matches!(
                e.name.as_str(),
                "script" | "link" | "img" | "iframe" | "object" | "embed"
            ),
            "<{}> in a self-contained report",
            e.name
        );
        assert!(!e.attrs.contains_key("src"), "<{} src>", e.name);
        for (k, v) in &e.attrs {
            assert!(!k.starts_with("on"), "event handler {k}");
            if k == "href" {
                assert!(v.starts_with("https://") || v.starts_with("http://"), "{v}");
            }
        }
    }
    for needle in ["@import", "url(", "@font-face"] {
        assert!(!html.contains(needle), "{needle}");
    }
    // Status of permissions and data access, as the audit decided them.
    let status_of = |attr: &str, key: &str| {
        els.iter()
            .find(|e| e.attrs.get(attr).map(String::as_str) == Some(key))
            .and_then(|e| e.attrs.get("data-status").cloned())
    };
    assert_eq!(
        status_of("data-permission", "android.permission.READ_CONTACTS").as_deref(),
        Some("undisclosed")
    );
    assert_eq!(
        status_of("data-permission", "android.permission.CAMERA").as_deref(),
        Some("disclosed")
    );
    assert_eq!(
        status_of("data-data-type", "clipboard").as_deref(),
        Some("undisclosed")
    );
}

#[test]
fn english_on_request_and_markdown_carries_the_same_content() {
    let html = wallet_report(&["--lang", "en"]);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("Verdict at a glance") && html.contains("listed but not found"));
    assert!(html.contains("GDPR art. 13"));
    elements(&html);

    let app = apk("wallet");
    let policy = root().join("fixtures/wallet/policy.txt");
    let o = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "markdown",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let md = stdout(&o);
    for heading in [
        "### 1. Verdict at a glance",
        "### 2. The app and the policy",
        "### 3. Third-party SDKs",
        "### 4. Permissions",
        "### 5. Sensitive data access",
        "### 6. Before consent",
        "### 7. Manifest hygiene",
        "### 8. Findings",
        "### 9. Reproducing",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    for id in [
        "umeng_analytics",
        "pangle_csj",
        "getui_push",
        "amap",
        "jpush",
    ] {
        assert!(md.contains(&format!("`{id}`")), "{id}");
    }
    assert!(md.contains("新浪微博SDK") && md.contains("listed but not found"));
}

#[test]
fn strings_from_a_hostile_policy_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = dir.path().join("policy.md");
    std::fs::write(
        &policy,
        "# 隐私政策\n\n更新日期：2024年1月1日\n\n## 第三方SDK清单\n\n| SDK名称 | 使用目的 | 收集个人信息类型 | 第三方主体 | 隐私政策链接 |\n|---|---|---|---|---|\n| <script>alert(1)</script>SDK | 推送 | IMEI | <img src=x onerror=alert(2)>有限公司 | javascript:alert(3) |\n| 极光推送SDK | 推送 | IMEI | \"><b>深圳市和讯华谷信息技术有限公司 | https://example.com/\"onmouseover=\"x |\n",
    )
    .expect("write policy");
    let out = dir.path().join("r.html");
    let app = apk("wallet");
    let o = appaudit(&[
        "audit",
        app.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let html = std::fs::read_to_string(&out).expect("report");
    assert!(
        html.contains("&lt;script&gt;alert(1)"),
        "the row was read and escaped"
    );
    assert!(!html.contains("<script") && !html.contains("<img"));
    assert!(
        !html.contains("javascript:alert(3)\""),
        "no javascript: link"
    );
    for e in elements(&html) {
        assert!(
            !e.attrs.keys().any(|k| k.starts_with("on")),
            "{:?}",
            e.attrs
        );
        if let Some(h) = e.attrs.get("href") {
            assert!(h.starts_with("http"), "{h}");
        }
    }
}

/// The versions the app reveals are shown beside the SDK, with where each was read as the
/// badge's title (fixtures/wallet/expected/versions.txt).
#[test]
fn versions_are_shown_with_their_source() {
    let html = wallet_report(&[]);
    let badges: Vec<String> = elements(&html)
        .into_iter()
        .filter(|e| {
            e.name == "span"
                && e.table.as_deref() == Some("sdk-side-by-side")
                && e.attrs.get("class").map(String::as_str) == Some("ver")
        })
        .map(|e| e.attrs.get("title").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        badges,
        [
            r#"constant com.igexin.sdk.PushBuildConfig.sdk_conf_version = "3.1.2.0""#,
            r#"constant com.tencent.mm.opensdk.constants.Build.SDK_VERSION_NAME = "android 6.7.9""#,
            r#"constant com.tencent.mm.opensdk.constants.Build.SDK_VERSION_NAME = "android 6.7.9""#,
        ]
    );
    assert!(html.contains(">6.7.9</span>") && html.contains(">3.1.2.0</span>"));
}
