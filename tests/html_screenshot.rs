//! The wallet report opened in headless Chromium (`scripts/screenshot`), in Chinese and in
//! English: every section and the figures render, and the page Chromium built (its DOM) is in
//! one language. Needs Chromium: under CI (`CI` set) a missing Chromium fails the test; on a
//! developer machine the test says so and passes.

mod common;
mod lang_check;

use lang_check::{chinese_in, english_badge_words, english_words_in, quotable, text_nodes};
use std::process::Command;

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser"].iter().find_map(|c| {
        Command::new("sh")
            .args(["-c", &format!("command -v {c}")])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    })
}

/// The DOM Chromium builds from a page.
fn dump_dom(chromium: &str, page: &std::path::Path, profile: &std::path::Path) -> String {
    let o = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::stdout(&o)
}

#[test]
fn the_wallet_report_renders_in_headless_chromium_in_each_language() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed (apt-get install -y chromium fonts-wqy-microhei); CI must run this test"
        );
        eprintln!("not run: chromium is not installed (apt-get install -y chromium); CI runs it");
        return;
    };
    let json = common::appaudit(&[
        "audit",
        common::apk("wallet").to_str().expect("utf-8"),
        "--policy",
        common::root()
            .join("fixtures/wallet/policy.txt")
            .to_str()
            .expect("utf-8"),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let dir = tempfile::tempdir().expect("tempdir");
    for lang in ["zh", "en"] {
        let png = dir.path().join(format!("report-{lang}.png"));
        let html = dir.path().join(format!("report-{lang}.html"));
        let o = Command::new(common::root().join("scripts/screenshot"))
            .arg(env!("CARGO_BIN_EXE_appaudit"))
            .env("SCREENSHOT_OUT", &png)
            .env("REPORT_LANG", lang)
            .env("REPORT_OUT", &html)
            .output()
            .expect("run scripts/screenshot");
        assert!(
            o.status.success(),
            "{lang}: {}\n{}",
            common::stdout(&o),
            common::stderr(&o)
        );
        assert!(
            std::fs::metadata(&png).is_ok_and(|m| m.len() > 100_000),
            "{lang}"
        );
        let dom = dump_dom(
            &chromium,
            &html,
            &dir.path().join(format!("profile-{lang}")),
        );
        let nodes = text_nodes(&dom);
        assert!(
            nodes.len() > 200,
            "{lang}: the DOM has {} text nodes",
            nodes.len()
        );
        if lang == "zh" {
            let bad = english_words_in(&nodes, &english_badge_words());
            assert!(
                bad.is_empty(),
                "English badge words in the Chinese DOM: {bad:#?}"
            );
        } else {
            let bad = chinese_in(&nodes, &quotable(&report));
            assert!(bad.is_empty(), "Chinese in the English DOM: {bad:#?}");
        }
    }
}
