//! `appaudit diff` on two releases of the wallet fixture: wallet2 adds Sensors Analytics and
//! ACCESS_BACKGROUND_LOCATION, drops TongDun and upgrades the WeChat OpenSDK
//! (fixtures/wallet2/README.md).

mod common;

use common::{appaudit, root, stdout};

fn diff(tail: &[&str]) -> (Option<i32>, serde_json::Value) {
    let f = root().join("fixtures");
    let old = f.join("wallet.apk").display().to_string();
    let new = f.join("wallet2.apk").display().to_string();
    let mut args = vec!["diff", old.as_str(), new.as_str(), "--format", "json"];
    args.extend_from_slice(tail);
    let out = appaudit(&args);
    let json = serde_json::from_str(&stdout(&out)).expect("diff JSON");
    (out.status.code(), json)
}

fn ids(v: &serde_json::Value, key: &str, field: &str) -> Vec<String> {
    v[key]
        .as_array()
        .expect(key)
        .iter()
        .filter_map(|x| x[field].as_str().map(str::to_string))
        .collect()
}

#[test]
fn wallet2_adds_an_sdk_and_a_permission_and_drops_an_sdk() {
    let (code, d) = diff(&[]);
    assert_eq!(code, Some(0), "no policy, no --fail-on-change: pass");
    assert_eq!(ids(&d, "sdks_added", "id"), ["sensorsdata"]);
    assert_eq!(ids(&d, "sdks_removed", "id"), ["tongdun"]);
    // WeChat OpenSDK moves from 6.7.9 to 6.8.0 (its Build.SDK_VERSION_NAME); Getui stays 3.1.2.0.
    assert_eq!(
        ids(&d, "sdk_versions", "id"),
        ["wechat_pay", "wechat_share"]
    );
    for change in d["sdk_versions"].as_array().expect("sdk_versions") {
        assert_eq!(change["old"], "6.7.9", "{change}");
        assert_eq!(change["new"], "6.8.0", "{change}");
    }
    assert_eq!(
        ids(&d, "permissions_added", "name"),
        ["android.permission.ACCESS_BACKGROUND_LOCATION"]
    );
    assert!(ids(&d, "permissions_removed", "name").is_empty());
    assert!(ids(&d, "data_access_added", "data_type").is_empty());
    // TongDun's own data access goes with it.
    let removed: Vec<(String, String)> = d["data_access_removed"]
        .as_array()
        .expect("removed")
        .iter()
        .map(|a| {
            (
                a["data_type"].as_str().unwrap_or_default().to_string(),
                a["sdk"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(!removed.is_empty() && removed.iter().all(|(_, sdk)| sdk == "tongdun"));
    assert_eq!(d["old"]["version_code"], 312);
    assert_eq!(d["new"]["version_code"], 320);
    assert!(d["sdks_added"][0].get("undisclosed").is_none());
}

#[test]
fn with_the_policy_the_added_items_are_undisclosed_and_the_diff_fails() {
    let policy = root()
        .join("fixtures/wallet/policy.txt")
        .display()
        .to_string();
    let (code, d) = diff(&["--policy", &policy]);
    assert_eq!(code, Some(1));
    assert_eq!(d["sdks_added"][0]["undisclosed"], true);
    assert_eq!(d["permissions_added"][0]["undisclosed"], true);
    assert_eq!(d["summary"]["undisclosed_added"], 2);
}

#[test]
fn fail_on_change_fails_without_a_policy() {
    let (code, _) = diff(&["--fail-on-change"]);
    assert_eq!(code, Some(1));
}

#[test]
fn a_release_against_itself_has_no_change() {
    let f = root().join("fixtures/wallet.apk").display().to_string();
    let out = appaudit(&["diff", &f, &f, "--fail-on-change"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("0 changes"));
}

#[test]
fn markdown_and_table_show_the_changes() {
    let f = root().join("fixtures");
    let (old, new) = (
        f.join("wallet.apk").display().to_string(),
        f.join("wallet2.apk").display().to_string(),
    );
    for format in ["table", "markdown"] {
        // Wide enough that no cell wraps.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
            .args(["diff", &old, &new, "--format", format])
            .env("COLUMNS", "250")
            .output()
            .expect("run appaudit");
        let text = stdout(&out);
        for needle in ["sensorsdata", "tongdun", "ACCESS_BACKGROUND_LOCATION"] {
            assert!(
                text.replace(['\n', '|', ' '], "").contains(needle),
                "{format}: {needle} missing\n{text}"
            );
        }
    }
}

#[test]
fn two_different_apps_are_named_as_such() {
    let f = root().join("fixtures");
    let (old, new) = (
        f.join("clean.apk").display().to_string(),
        f.join("wallet.apk").display().to_string(),
    );
    let out = appaudit(&["diff", &old, &new]);
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("two different apps: com.example.clean ")
            && first.contains(" -> com.example.wallet "),
        "{text}"
    );
    assert!(text.contains("not a new release of one app"), "{text}");
    let out = appaudit(&["diff", &old, &new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("diff JSON");
    assert_eq!(json["same_package"], false);
    let md = stdout(&appaudit(&["diff", &old, &new, "--format", "markdown"]));
    assert!(md.starts_with("## appaudit diff of two different apps: `com.example.clean`"));
    // One app's two releases: the plain header.
    let (_, json) = diff(&[]);
    assert_eq!(json["same_package"], true);
}

#[test]
fn with_o_file_the_verdict_still_reaches_stderr() {
    let f = root().join("fixtures");
    let tmp = tempfile::tempdir().expect("tempdir");
    let to = tmp.path().join("diff.md");
    let (old, new) = (
        f.join("wallet.apk").display().to_string(),
        f.join("wallet2.apk").display().to_string(),
    );
    let out = appaudit(&["diff", &old, &new, "-o", to.to_str().expect("utf-8")]);
    assert!(stdout(&out).is_empty());
    let err = common::stderr(&out);
    assert!(
        err.contains(" changes") && err.contains("report written to"),
        "{err}"
    );
}
