//! End to end: the real binary audits the fixtures against their policies. The wallet case must
//! give exactly the findings its README lists; the clean case none; every finding rule has a case
//! that fires it and one that does not; the gate's exit codes, the baseline and overrides work.

mod common;

use common::root;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the binary from the crate root (so paths in reports are the relative ones given).
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run appaudit")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn audit_json(apk: &str, policies: &[&str], extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["audit", apk, "--format", "json"];
    for p in policies {
        args.push("--policy");
        args.push(p);
    }
    args.extend_from_slice(extra);
    let out = run(&args);
    (out.status.code(), json_of(&out))
}

/// (rule, subject) of every unsuppressed finding.
fn pairs(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.get("suppressed").is_none())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["subject"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn rules_fired(report: &Value) -> BTreeSet<String> {
    pairs(report).into_iter().map(|(r, _)| r).collect()
}

const WALLET: &str = "fixtures/wallet.apk";
const WALLET_POLICY: &str = "fixtures/wallet/policy.txt";
const CLEAN: &str = "fixtures/clean.apk";
const CLEAN_POLICY: &str = "fixtures/clean/policy.txt";

/// The findings fixtures/wallet/README.md says an audit must produce.
fn wallet_expected() -> BTreeSet<(String, String)> {
    let p = |r: &str, s: &str| (r.to_string(), s.to_string());
    let mut set: BTreeSet<(String, String)> = [
        p("undisclosed-sdk", "umeng_analytics"),
        p("undisclosed-sdk", "pangle_csj"),
        p("undisclosed-sdk", "getui_push"),
        p("disclosed-sdk-not-found", "新浪微博SDK"),
        p("sdk-vendor-mismatch", "amap"),
        p("undisclosed-permission", "android.permission.READ_CONTACTS"),
        p("undisclosed-permission", "android.permission.RECORD_AUDIO"),
        p(
            "disclosed-permission-not-requested",
            "android.permission.READ_CALENDAR",
        ),
        p("undisclosed-data-access", "contacts"),
        p("undisclosed-data-access", "microphone"),
        p("undisclosed-data-access", "clipboard"),
        p("sdk-data-not-disclosed", "jpush"),
        p("packed-app", "bangcle"),
        p("allow-backup", "application"),
        p("cleartext-traffic", "application"),
    ]
    .into_iter()
    .collect();
    for c in [
        "com.example.wallet.LoginActivity",
        "com.example.wallet.wxapi.WXPayEntryActivity",
        "com.example.wallet.wxapi.WXEntryActivity",
        "com.example.wallet.push.WalletPushReceiver",
        "com.meizu.cloud.pushsdk.SystemReceiver",
        "com.meizu.cloud.pushsdk.NotificationService",
        "com.xiaomi.mipush.sdk.PushMessageHandler",
        "com.xiaomi.push.service.receivers.NetworkStatusReceiver",
    ] {
        set.insert(p("exported-without-permission", c));
    }
    set
}

#[test]
fn wallet_gives_exactly_the_findings_its_readme_lists() {
    let (code, report) = audit_json(WALLET, &[WALLET_POLICY], &[]);
    assert_eq!(code, Some(1), "high findings fail the default gate");
    let got = pairs(&report);
    let want = wallet_expected();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nextra: {extra:#?}"
    );
}

#[test]
fn wallet_key_findings_carry_their_evidence() {
    let (_, report) = audit_json(WALLET, &[WALLET_POLICY], &[]);
    let find = |rule: &str, subject: &str| -> Value {
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["rule"] == rule && f["subject"] == subject)
            .cloned()
            .unwrap_or_else(|| panic!("no {rule} {subject}"))
    };
    let text = |f: &Value| f["evidence"].to_string();
    let umeng = find("undisclosed-sdk", "umeng_analytics");
    assert_eq!(umeng["severity"], "high");
    assert!(text(&umeng).contains("com.umeng.analytics"), "{umeng}");
    let amap = find("sdk-vendor-mismatch", "amap");
    assert_eq!(amap["severity"], "medium");
    assert!(text(&amap).contains("北京百度网讯科技有限公司"), "{amap}");
    assert!(text(&amap).contains("policy line"), "{amap}");
    // Structured locations: the policy line first, file and line as fields.
    assert_eq!(
        amap["locations"][0],
        serde_json::json!({"kind": "policy", "file": WALLET_POLICY, "line": 154})
    );
    assert_eq!(amap["subject_kind"], "sdk");
    assert_eq!(amap["message_key"], "sdk-vendor-mismatch.wrong");
    assert_eq!(amap["evidence_items"][0]["kind"], "policy-line");
    let weibo = find("disclosed-sdk-not-found", "新浪微博SDK");
    assert_eq!(weibo["severity"], "low");
    assert_eq!(weibo["subject_kind"], "policy-row");
    assert_eq!(weibo["locations"][0]["line"], 194);
    let contacts = find("undisclosed-permission", "android.permission.READ_CONTACTS");
    assert_eq!(contacts["severity"], "high");
    assert_eq!(
        contacts["locations"][0],
        serde_json::json!({"kind": "apk", "entry": "AndroidManifest.xml"})
    );
    let clip = find("undisclosed-data-access", "clipboard");
    assert!(
        text(&clip).contains("com.example.wallet.ui.PasteHelper"),
        "{clip}"
    );
    assert_eq!(clip["locations"][0]["kind"], "apk");
    assert!(clip["locations"][0]["entry"]
        .as_str()
        .is_some_and(|e| e.ends_with(".dex")));
    let jpush = find("sdk-data-not-disclosed", "jpush");
    assert!(text(&jpush).contains("getMacAddress"), "{jpush}");
    assert!(find("packed-app", "bangcle")["message"]
        .as_str()
        .unwrap_or_default()
        .contains("incomplete"));
    // Every detected SDK of the README is in the report, disclosed or not as it says.
    let sdks = report["sdks"].as_array().expect("sdks");
    let status = |id: &str| {
        sdks.iter()
            .find(|s| s["id"] == id)
            .map(|s| !s["disclosed_as"].is_null())
            .unwrap_or_else(|| panic!("{id} not detected"))
    };
    for id in [
        "jpush",
        "amap",
        "tencent_bugly",
        "wechat_pay",
        "wechat_share",
        "tencent_gdt",
    ] {
        assert!(status(id), "{id} should be disclosed");
    }
    for id in ["umeng_analytics", "pangle_csj", "getui_push"] {
        assert!(!status(id), "{id} should be undisclosed");
    }
    assert_eq!(report["app"]["packer"], "bangcle");
    assert_eq!(report["policy"]["sdk_rows"], 15);
    assert_eq!(report["schema_version"], 1);
    assert!(report["rules"]["version"]
        .as_str()
        .unwrap_or_default()
        .starts_with("sha256:"));
}

/// The report with what changes between builds and machines blanked.
fn normalized(mut v: Value) -> Value {
    v["tool"]["version"] = Value::from("<version>");
    v["rules"]["version"] = Value::from("<rules>");
    v
}

#[test]
fn wallet_json_matches_the_snapshot() {
    let (_, report) = audit_json(WALLET, &[WALLET_POLICY], &[]);
    let got = serde_json::to_string_pretty(&normalized(report)).expect("json") + "\n";
    let path = root().join("tests/snapshots/wallet-audit.json");
    if std::env::var_os("APPAUDIT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("dir")).expect("mkdir");
        std::fs::write(&path, &got).expect("write snapshot");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with APPAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test audit_e2e",
            path.display()
        )
    });
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the audit JSON changed (first difference at line {}):\n got: {}\nwant: {}\nreview, then APPAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test audit_e2e",
            first + 1,
            got.lines().nth(first).unwrap_or_default(),
            want.lines().nth(first).unwrap_or_default()
        );
    }
}

#[test]
fn clean_passes_with_no_finding() {
    let (code, report) = audit_json(CLEAN, &[CLEAN_POLICY], &["--fail-on", "info"]);
    assert_eq!(pairs(&report), BTreeSet::new());
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["verdict"], "pass");
    // Both SDKs are matched to their rows.
    for s in report["sdks"].as_array().expect("sdks") {
        assert!(!s["disclosed_as"].is_null(), "{s}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

#[test]
fn every_rule_has_a_case_that_fires_it_and_one_that_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The clean app with a policy that names AMap only in prose, not in its SDK list.
    let prose_policy = write(
        dir.path(),
        "prose.txt",
        "隐私政策\n\n一、第三方SDK\nSDK名称：极光推送SDK\n使用目的：消息推送\n收集个人信息类型：设备标识符（IMEI）\n第三方主体：深圳市和讯华谷信息技术有限公司\n\n二、其他\n我们还使用高德定位SDK为您提供定位服务，会收集位置信息。\n我们会申请相机、位置、电话权限，用于设备识别码读取（IMEI）。\n",
    );
    let (_, wallet) = audit_json(WALLET, &[WALLET_POLICY], &[]);
    let (_, clean) = audit_json(CLEAN, &[CLEAN_POLICY], &[]);
    let (_, prose) = audit_json(CLEAN, &[&prose_policy], &[]);
    let (_, multidex) = audit_json("fixtures/multidex.apk", &[CLEAN_POLICY], &[]);
    let (_, consent_bad) = audit_json("fixtures/consent-bad.apk", &[CLEAN_POLICY], &[]);
    let (_, consent_ok) = audit_json("fixtures/consent-ok.apk", &[CLEAN_POLICY], &[]);
    let fired = |r: &Value, rule: &str| rules_fired(r).contains(rule);
    let cases: &[(&str, &Value, &Value)] = &[
        ("undisclosed-sdk", &wallet, &clean),
        ("disclosed-sdk-not-found", &wallet, &clean),
        ("sdk-vendor-mismatch", &wallet, &clean),
        ("sdk-disclosed-in-prose-only", &prose, &clean),
        ("undisclosed-permission", &wallet, &clean),
        ("disclosed-permission-not-requested", &wallet, &clean),
        ("undisclosed-data-access", &wallet, &clean),
        ("sdk-data-not-disclosed", &wallet, &clean),
        ("packed-app", &wallet, &clean),
        ("debuggable-release", &multidex, &wallet),
        ("cleartext-traffic", &wallet, &clean),
        ("allow-backup", &wallet, &clean),
        ("exported-without-permission", &wallet, &clean),
        ("sdk-init-before-consent", &consent_bad, &consent_ok),
        ("data-before-consent", &consent_bad, &consent_ok),
        ("sdk-auto-init-provider", &consent_bad, &consent_ok),
    ];
    for (rule, fires, quiet) in cases {
        assert!(fired(fires, rule), "{rule} does not fire where it should");
        assert!(!fired(quiet, rule), "{rule} fires where it should not");
    }
    // Every rule of the registry is covered here or by a dedicated test.
    let dedicated = [
        "baseline-entry-unmatched",
        "baseline-entry-expired",
        "tampered-archive",
        "tampered-manifest",
    ];
    for r in appaudit::model::RuleId::ALL {
        assert!(
            cases.iter().any(|(id, _, _)| *id == r.as_str()) || dedicated.contains(&r.as_str()),
            "rule {r} has no fixture in this test"
        );
    }
}

#[test]
fn the_gate_follows_fail_on_and_severity_overrides() {
    let code = |extra: &[&str]| audit_json(WALLET, &[WALLET_POLICY], extra).0;
    assert_eq!(code(&["--fail-on", "none"]), Some(0));
    assert_eq!(code(&["--fail-on", "info"]), Some(1));
    // Turning every high and medium rule that fires into info passes a medium gate.
    let mut args = vec!["--fail-on", "medium"];
    let overrides: Vec<String> = [
        "undisclosed-sdk",
        "undisclosed-permission",
        "undisclosed-data-access",
        "sdk-data-not-disclosed",
        "sdk-vendor-mismatch",
        "packed-app",
        "cleartext-traffic",
    ]
    .iter()
    .map(|r| format!("{r}=info"))
    .collect();
    for o in &overrides {
        args.push("--severity");
        args.push(o);
    }
    assert_eq!(code(&args), Some(0));
    let (_, report) = audit_json(WALLET, &[WALLET_POLICY], &args);
    for f in report["findings"].as_array().expect("findings") {
        if f["rule"] == "undisclosed-sdk" {
            assert_eq!(f["severity"], "info");
        }
    }
}

#[test]
fn a_baseline_suppresses_and_reports_stale_entries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let written = dir.path().join("baseline.toml");
    let written_s = written.display().to_string();
    let (code, _) = audit_json(WALLET, &[WALLET_POLICY], &["--write-baseline", &written_s]);
    assert_eq!(
        code,
        Some(1),
        "writing a baseline does not change this run's verdict"
    );
    // With every finding accepted the gate passes, and each is reported as suppressed.
    let (code, report) = audit_json(WALLET, &[WALLET_POLICY], &["--baseline", &written_s]);
    assert_eq!(code, Some(0), "{}", report["summary"]);
    assert!(pairs(&report).is_empty(), "{:?}", pairs(&report));
    assert_eq!(
        report["summary"]["suppressed"].as_u64(),
        Some(wallet_expected().len() as u64)
    );
    // An expired entry counts again; an entry matching nothing is reported.
    let text = std::fs::read_to_string(&written).expect("baseline");
    let edited = text.replacen(
        "subject = \"umeng_analytics\"",
        "subject = \"umeng_analytics\"\nexpires = \"2001-01-01\"",
        1,
    ) + "\n[[accepted]]\nrule = \"undisclosed-sdk\"\nsubject = \"no_such_sdk\"\nreason = \"removed long ago\"\n";
    let edited_path = write(dir.path(), "edited.toml", &edited);
    let (code, report) = audit_json(WALLET, &[WALLET_POLICY], &["--baseline", &edited_path]);
    assert_eq!(code, Some(1));
    let got = pairs(&report);
    assert!(
        got.contains(&("undisclosed-sdk".into(), "umeng_analytics".into())),
        "{got:?}"
    );
    assert!(got.contains(&(
        "baseline-entry-expired".into(),
        "undisclosed-sdk:umeng_analytics".into()
    )));
    assert!(got.contains(&(
        "baseline-entry-unmatched".into(),
        "undisclosed-sdk:no_such_sdk".into()
    )));
    // A malformed baseline is an error before any work (exit 2), naming the file and line.
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[accepted]]\nrule = \"undisclosed-sdk\"\nsubjct = \"x\"\n",
    );
    let out = run(&[
        "audit",
        WALLET,
        "--policy",
        WALLET_POLICY,
        "--baseline",
        &bad,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("line 3"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["audit", WALLET],
        vec![
            "audit",
            WALLET,
            "--policy",
            WALLET_POLICY,
            "--fail-on",
            "severe",
        ],
        vec![
            "audit",
            WALLET,
            "--policy",
            WALLET_POLICY,
            "--severity",
            "no-such-rule=high",
        ],
        vec!["audit", WALLET, "--policy", "fixtures/does-not-exist.txt"],
        vec![
            "audit",
            "fixtures/does-not-exist.apk",
            "--policy",
            WALLET_POLICY,
        ],
        vec!["rules", "explain", "no-such-rule"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: says nothing");
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args([
            "audit",
            WALLET,
            "--policy",
            WALLET_POLICY,
            "--fail-on",
            "none",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_format_renders_and_output_files_are_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    for format in ["table", "json", "sarif", "markdown"] {
        let file = dir.path().join(format!("out.{format}"));
        let file_s = file.display().to_string();
        let out = run(&[
            "audit",
            WALLET,
            "--policy",
            WALLET_POLICY,
            "--format",
            format,
            "-o",
            &file_s,
        ]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            out.stdout.is_empty(),
            "{format}: -o writes nothing to stdout"
        );
        let text = std::fs::read_to_string(&file).expect("output file");
        assert!(text.contains("umeng_analytics"), "{format}: {text}");
    }
    let md = std::fs::read_to_string(dir.path().join("out.markdown")).expect("md");
    // The policy is Chinese, so is the Markdown (its heading included).
    assert!(
        md.starts_with("## appaudit：") && md.contains("不通过"),
        "{md}"
    );
    let table = std::fs::read_to_string(dir.path().join("out.table")).expect("table");
    assert!(
        table
            .lines()
            .all(|l| l.chars().count() <= 80 || !l.is_ascii()),
        "table wider than 80 columns"
    );
}

#[test]
fn rules_explain_prints_every_heading() {
    let out = run(&["rules", "explain", "undisclosed-sdk"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for h in [
        "## What it checks",
        "## Why it matters",
        "## How to fix",
        "## Clauses",
        "No. 191",
    ] {
        assert!(text.contains(h), "{h}: {text}");
    }
    let out = run(&["rules", "explain"]);
    let list = String::from_utf8_lossy(&out.stdout);
    for r in appaudit::model::RuleId::ALL {
        assert!(list.contains(r.as_str()), "{r}");
    }
}
