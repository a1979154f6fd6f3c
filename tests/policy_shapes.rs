//! Every policy shape in fixtures/policies/ yields exactly the SDK rows and permissions its
//! README lists; empty, binary and oversized input give a clear error, fast.

use appaudit::policy::{load, parse_bytes, LoadOptions, PolicyDoc};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture(rel: &str) -> PolicyDoc {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/policies")
        .join(rel);
    match load(&path, &LoadOptions::default()) {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

struct Case {
    file: &'static str,
    sdks: &'static [(&'static str, &'static str)],
    listed: &'static [&'static str],
    mentioned: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        file: "flattened/policy.txt",
        sdks: &[
            ("个推推送SDK", "每日互动股份有限公司"),
            ("友盟统计SDK", "友盟同欣（北京）科技有限公司"),
            ("支付宝SDK", "支付宝（中国）网络技术有限公司"),
        ],
        listed: &[
            "android.permission.CAMERA",
            "android.permission.READ_CALENDAR",
            "android.permission.WRITE_CALENDAR",
            "android.permission.POST_NOTIFICATIONS",
        ],
        mentioned: &[
            "android.permission.ACCESS_NETWORK_STATE",
            "android.permission.READ_PHONE_STATE",
            "android.permission.READ_PRIVILEGED_PHONE_STATE",
        ],
    },
    Case {
        file: "html-table/policy.html",
        sdks: &[
            ("高德定位SDK", "高德软件有限公司"),
            ("高德地图SDK", "高德软件有限公司"),
            ("腾讯Bugly", "深圳市腾讯计算机系统有限公司"),
        ],
        listed: &[
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.ACCESS_COARSE_LOCATION",
            "android.permission.READ_PHONE_STATE",
        ],
        mentioned: &[],
    },
    Case {
        file: "word-html/policy.htm",
        sdks: &[
            ("银联支付SDK", "中国银联股份有限公司"),
            ("快递100SDK", "金蝶软件（中国）有限公司"),
        ],
        listed: &["android.permission.CAMERA"],
        mentioned: &[
            "android.permission.ACCESS_NETWORK_STATE",
            "android.permission.READ_EXTERNAL_STORAGE",
            "android.permission.READ_MEDIA_IMAGES",
        ],
    },
    Case {
        file: "markdown/policy.md",
        sdks: &[
            ("穿山甲广告SDK", "北京巨量引擎网络技术有限公司"),
            ("微信开放SDK", "深圳市腾讯计算机系统有限公司"),
            ("神策分析SDK", "神策网络科技（北京）有限公司"),
        ],
        listed: &[
            "android.permission.READ_EXTERNAL_STORAGE",
            "android.permission.WRITE_EXTERNAL_STORAGE",
            "android.permission.RECORD_AUDIO",
        ],
        mentioned: &[
            "android.permission.QUERY_ALL_PACKAGES",
            "com.android.permission.GET_INSTALLED_APPS",
        ],
    },
    Case {
        file: "key-value/policy.txt",
        sdks: &[
            ("美团定位SDK", "北京三快在线科技有限公司"),
            ("QQ互联SDK", "深圳市腾讯计算机系统有限公司"),
            ("数美反欺诈SDK", "北京数美时代科技有限公司"),
        ],
        listed: &[
            "android.permission.READ_CONTACTS",
            "android.permission.READ_SMS",
        ],
        mentioned: &[
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.QUERY_ALL_PACKAGES",
            "com.android.permission.GET_INSTALLED_APPS",
        ],
    },
    Case {
        file: "prose-list/policy.txt",
        sdks: &[
            ("极光推送SDK", "深圳市和讯华谷信息技术有限公司"),
            ("华为运动健康SDK", "华为软件技术有限公司"),
            ("阿里云号码认证SDK", "阿里云计算有限公司"),
        ],
        listed: &[
            "android.permission.ACTIVITY_RECOGNITION",
            "com.google.android.gms.permission.ACTIVITY_RECOGNITION",
            "android.permission.READ_PHONE_STATE",
        ],
        mentioned: &[
            "android.permission.READ_PRIVILEGED_PHONE_STATE",
            "android.permission.ACCESS_WIFI_STATE",
            "android.permission.BODY_SENSORS",
            "android.permission.READ_PHONE_NUMBERS",
            "android.permission.ACCESS_NETWORK_STATE",
        ],
    },
    Case {
        file: "english/policy.txt",
        sdks: &[
            ("Firebase Crashlytics", "Google LLC"),
            ("AppsFlyer SDK", "AppsFlyer Ltd."),
            ("Sentry SDK", "Functional Software, Inc."),
        ],
        listed: &[
            "android.permission.CAMERA",
            "android.permission.RECORD_AUDIO",
            "android.permission.ACCESS_FINE_LOCATION",
            "android.permission.ACCESS_COARSE_LOCATION",
        ],
        mentioned: &["com.google.android.gms.permission.AD_ID"],
    },
    Case {
        file: "english-html/policy.html",
        sdks: &[
            ("Firebase Analytics", "Google LLC"),
            ("Adjust SDK", "adjust GmbH"),
            ("OneSignal SDK", "OneSignal, Inc."),
        ],
        listed: &[
            "android.permission.CAMERA",
            "android.permission.READ_CALENDAR",
        ],
        mentioned: &["com.google.android.gms.permission.AD_ID"],
    },
];

#[test]
fn every_shape_yields_its_readme() {
    for case in CASES {
        let doc = fixture(case.file);
        let got: Vec<(String, String)> = doc
            .sdks
            .iter()
            .map(|s| (s.name.clone(), s.vendor.clone().unwrap_or_default()))
            .collect();
        let want: Vec<(String, String)> = case
            .sdks
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want, "{}: SDK rows", case.file);
        let listed: BTreeSet<&str> = doc
            .permissions
            .iter()
            .filter(|p| p.source == "permission-list")
            .map(|p| p.permission.as_str())
            .collect();
        assert_eq!(
            listed,
            case.listed.iter().copied().collect(),
            "{}: listed permissions",
            case.file
        );
        let all: BTreeSet<&str> = doc
            .permissions
            .iter()
            .map(|p| p.permission.as_str())
            .collect();
        let want_all: BTreeSet<&str> = case.listed.iter().chain(case.mentioned).copied().collect();
        assert_eq!(all, want_all, "{}: all permissions", case.file);
        for s in &doc.sdks {
            assert!(s.line > 0, "{}: {} has no line", case.file, s.name);
        }
    }
}

#[test]
fn encodings_formats_and_details() {
    let d = fixture("word-html/policy.htm");
    assert_eq!(
        (d.encoding.as_str(), d.format.as_str(), d.date.as_deref()),
        ("gb18030", "html", Some("2022-11-20"))
    );
    assert_eq!(
        d.sdks[1].data,
        vec!["收件人手机号码", "收货地址"],
        "a cell wrapped across source lines"
    );
    let d = fixture("key-value/policy.txt");
    assert_eq!(d.encoding, "UTF-16LE");
    assert_eq!(d.sdks[1].packages, vec!["com.tencent.connect"]);
    assert_eq!(
        d.sdks[2].link.as_deref(),
        Some("https://www.ishumei.com/legal/cn/privacy.html")
    );
    let d = fixture("prose-list/policy.txt");
    assert_eq!(
        d.sdks[2].packages,
        vec!["com.mobile.auth", "com.alibaba.sdk"]
    );
    let d = fixture("english/policy.txt");
    assert_eq!((d.language, d.date.as_deref()), ("en", Some("2024-03-03")));
    assert_eq!(
        d.sdks[0].data,
        vec!["device model", "OS version", "installation UUID"]
    );
    let d = fixture("flattened/policy.txt");
    assert_eq!(d.sdks[1].purpose, None, "the empty cell stays empty");
    assert_eq!(d.mentions("ＯＡＩＤ"), Some(19 + 4));
    let d = fixture("markdown/policy.md");
    assert_eq!(d.format, "markdown");
    assert_eq!(d.sdks[0].packages, vec!["com.bytedance.sdk.openadsdk"]);
    let d = fixture("html-table/policy.html");
    assert_eq!(
        d.sdks[1].vendor.as_deref(),
        Some("高德软件有限公司"),
        "rowspan"
    );
    let json = serde_json::to_value(&d).expect("the policy serialises");
    for key in [
        "schema_version",
        "path",
        "language",
        "encoding",
        "sdks",
        "permissions",
        "data_types",
    ] {
        assert!(json.get(key).is_some(), "JSON has {key}");
    }
    assert!(appaudit::policy::render_table(&d)
        .lines()
        .all(|l| l.chars().count() <= 80));
}

#[test]
fn merge_keeps_rows_with_their_file() {
    let docs = vec![
        fixture("flattened/policy.txt"),
        fixture("markdown/policy.md"),
    ];
    let m = appaudit::policy::merge(docs);
    assert_eq!(m.sdks.len(), 6);
    assert!(m.sdks.iter().all(|s| s.file.is_some()));
    assert!(m.path.contains("flattened") && m.path.contains("markdown"));
}

fn refused(name: &str, bytes: &[u8]) -> String {
    match parse_bytes(name, bytes, &LoadOptions::default()) {
        Ok(_) => panic!("{name} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn empty_binary_and_huge_input() {
    assert!(refused("empty.txt", b"").contains("empty"));
    assert!(refused("blank.txt", b" \n\r\n\t").contains("white space"));
    assert!(refused("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").contains("PNG"));
    assert!(refused("policy.docx", b"PK\x03\x04\x14\0\x06\0\x08\0").contains("zip"));
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let random: Vec<u8> = (0..65536)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect();
    let msg = refused("random.bin", &random);
    assert!(
        msg.contains("random.bin") && (msg.contains("binary") || msg.contains("not text")),
        "{msg}"
    );

    // 100 MB on disk: refused from its size before it is read.
    let dir = std::env::temp_dir().join(format!("appaudit-policy-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let big = dir.join("huge.txt");
    let file = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    file.set_len(100 * 1024 * 1024)
        .unwrap_or_else(|e| panic!("{e}"));
    let start = std::time::Instant::now();
    let err = match load(&big, &LoadOptions::default()) {
        Ok(_) => panic!("a 100 MB policy was accepted"),
        Err(e) => e.to_string(),
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        err.contains("104857600") && err.contains("33554432"),
        "{err}"
    );
    assert!(start.elapsed().as_secs() < 5);
    // The same bytes in memory, and a low limit: the same error, no work done.
    let opts = LoadOptions {
        encoding: None,
        max_bytes: 1024,
    };
    let msg = match parse_bytes("big.txt", &vec![b'a'; 4096], &opts) {
        Ok(_) => panic!("over the limit"),
        Err(e) => e.to_string(),
    };
    assert!(msg.contains("1024"), "{msg}");
}

#[test]
fn forced_encoding() {
    let text = "隐私政策\n我们使用极光推送SDK。\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    let opts = LoadOptions {
        encoding: Some("gbk".into()),
        ..LoadOptions::default()
    };
    let doc = parse_bytes("p.txt", &gbk, &opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.encoding, "GBK");
    let opts = LoadOptions {
        encoding: Some("klingon".into()),
        ..LoadOptions::default()
    };
    assert!(parse_bytes("p.txt", &gbk, &opts).is_err());
}

#[test]
fn truncated_and_mangled_input_never_panics() {
    for rel in [
        "word-html/policy.htm",
        "html-table/policy.html",
        "markdown/policy.md",
        "flattened/policy.txt",
    ] {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/policies")
            .join(rel);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for cut in (1..bytes.len()).step_by(7) {
            let _ = parse_bytes(rel, &bytes[..cut], &LoadOptions::default());
            let _ = parse_bytes(rel, &bytes[cut..], &LoadOptions::default());
        }
    }
}

#[test]
fn english_html_table_header() {
    let d = fixture("english-html/policy.html");
    assert_eq!(
        (d.language, d.format.as_str(), d.date.as_deref()),
        ("en", "html", Some("2024-05-02"))
    );
    let s = &d.sdks[1];
    assert_eq!(s.source, appaudit::policy::SdkSource::Table);
    assert_eq!(s.purpose.as_deref(), Some("Install attribution"));
    assert_eq!(s.data, vec!["Advertising ID", "IP address"]);
    assert_eq!(
        s.link.as_deref(),
        Some("https://www.adjust.com/terms/privacy-policy/")
    );
    // The permission list follows its heading after an intro sentence.
    let camera = d
        .permissions
        .iter()
        .find(|p| p.permission == "android.permission.CAMERA");
    assert_eq!(
        camera.map(|p| (p.line, p.source)),
        Some((46, "permission-list"))
    );
}

/// The wallet fixture: chapter 二 "设备权限的调用" is a heading, then an intro sentence, then
/// eight items "（1）相机权限：…" .. "（8）日历权限：…" on lines 60-67. Each is a permission-list
/// disclosure at its own line, even when a word met earlier in passing (摄像头, line 41) names
/// the same permission.
#[test]
fn wallet_permission_chapter() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/wallet/policy.txt");
    let d = load(&path, &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let listed: Vec<(usize, &str)> = d
        .permissions
        .iter()
        .filter(|p| p.source == "permission-list")
        .map(|p| (p.line, p.permission.rsplit('.').next().unwrap_or("")))
        .collect();
    let lines: BTreeSet<usize> = listed.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, (60..=67).collect(), "one item per line 60-67");
    let at = |line: usize| -> BTreeSet<&str> {
        listed
            .iter()
            .filter(|(l, _)| *l == line)
            .map(|(_, p)| *p)
            .collect()
    };
    let set = |xs: &[&'static str]| xs.iter().copied().collect::<BTreeSet<&str>>();
    assert_eq!(at(60), set(&["CAMERA"]));
    assert_eq!(
        at(61),
        set(&["ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"])
    );
    assert_eq!(
        at(62),
        set(&["READ_EXTERNAL_STORAGE", "WRITE_EXTERNAL_STORAGE"])
    );
    assert_eq!(at(63), set(&["READ_PHONE_STATE"]));
    assert_eq!(at(64), set(&["INTERNET"]));
    assert_eq!(at(65), set(&["QUERY_ALL_PACKAGES", "GET_INSTALLED_APPS"]));
    // 通知与振动: notifications and vibration, both stated.
    assert_eq!(at(66), set(&["POST_NOTIFICATIONS", "VIBRATE"]));
    assert_eq!(at(67), set(&["READ_CALENDAR", "WRITE_CALENDAR"]));
    for p in &d.permissions {
        if p.permission == "android.permission.CAMERA" {
            assert_eq!(p.source, "permission-list", "{p:?}");
        }
    }
}

/// Permission sections in other shapes: a title line, a numbered sub-heading per permission,
/// marker-less "X权限：" lines, a "名称 | 用途" table; and where a section ends.
#[test]
fn permission_section_shapes() {
    let parse = |name: &str, text: &str| {
        parse_bytes(name, text.as_bytes(), &LoadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let listed = |d: &PolicyDoc| -> Vec<(usize, String)> {
        d.permissions
            .iter()
            .filter(|p| p.source == "permission-list")
            .map(|p| {
                (
                    p.line,
                    p.permission.rsplit('.').next().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    // Markdown: sub-headings under "## 三、权限说明", each naming one permission.
    let d = parse(
        "p.md",
        "# 隐私政策\n\n## 三、权限说明\n\n我们按需申请权限。\n\n### 3.1 相机权限\n\n用于扫码。\n\n### 3.2 麦克风\n\n用于语音输入。\n\n## 四、联系我们\n\n1. 通知：我们不会发送广告。\n",
    );
    assert_eq!(
        listed(&d),
        vec![(7, "CAMERA".to_string()), (11, "RECORD_AUDIO".to_string())]
    );
    // Plain text: a title line, marker-less "X权限：" lines; the next title ends the section.
    let d = parse(
        "p.txt",
        "隐私政策\n\n设备权限\n相机权限：用于扫码。\n日历权限：用于添加提醒。\n\n联系我们\n1、通知：我们不会发送广告。\n",
    );
    let got = listed(&d);
    assert!(got.contains(&(4, "CAMERA".to_string())), "{got:?}");
    assert!(got.contains(&(5, "READ_CALENDAR".to_string())), "{got:?}");
    assert!(got.iter().all(|(l, _)| *l <= 5), "{got:?}");
    // HTML: a bold line, then a table whose first column is the permission's name.
    let d = parse(
        "p.html",
        "<html><body><p><strong>申请的权限</strong></p>\n<table><tr><th>名称</th><th>用途</th></tr>\n<tr><td>相机</td><td>扫码</td></tr>\n<tr><td>位置</td><td>附近门店</td></tr></table>\n</body></html>",
    );
    let got = listed(&d);
    assert!(got.contains(&(3, "CAMERA".to_string())), "{got:?}");
    assert!(
        got.contains(&(4, "ACCESS_FINE_LOCATION".to_string())),
        "{got:?}"
    );
}
