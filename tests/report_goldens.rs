//! Golden files for every audit format of the wallet fixture: SARIF, Markdown and HTML, each in
//! Chinese and English where the format has words (the JSON golden is in audit_e2e.rs). What
//! changes between builds (the tool's version, the rules' hash) is blanked. After a reviewed
//! change: `APPAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test report_goldens`.

mod common;

use common::root;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run appaudit")
}

/// The wallet audit in a format (and a language), with the build's versions blanked.
fn wallet(format: &str, lang: Option<&str>) -> String {
    let mut args = vec![
        "audit",
        "fixtures/wallet.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
        "--format",
        format,
    ];
    if let Some(l) = lang {
        args.extend(["--lang", l]);
    }
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1), "{format}: high findings fail");
    let json = run(&[
        "audit",
        "fixtures/wallet.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let rules = v["rules"]["version"].as_str().expect("rules version");
    let version = v["tool"]["version"].as_str().expect("tool version");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .replace(rules, "<rules>")
        .replace(&format!("appaudit {version}"), "appaudit <version>")
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"<version>\"",
        )
        .replace(
            &format!("\"semanticVersion\": \"{version}\""),
            "\"semanticVersion\": \"<version>\"",
        )
        .replace(&format!("| {version} |"), "| <version> |")
}

fn check(name: &str, got: &str) {
    common::golden(name, got);
}

#[test]
fn sarif_matches_the_golden() {
    check("wallet-audit.sarif", &wallet("sarif", None));
}

#[test]
fn markdown_matches_the_goldens_in_both_languages() {
    check("wallet-audit.zh.md", &wallet("markdown", Some("zh")));
    check("wallet-audit.en.md", &wallet("markdown", Some("en")));
}

#[test]
fn html_matches_the_goldens_in_both_languages() {
    check("wallet-audit.zh.html", &wallet("html", Some("zh")));
    check("wallet-audit.en.html", &wallet("html", Some("en")));
}

#[test]
fn no_view_shows_a_missing_catalogue_key() {
    for (format, lang) in [
        ("markdown", "zh"),
        ("markdown", "en"),
        ("html", "zh"),
        ("html", "en"),
        ("json", "zh"),
        ("json", "en"),
    ] {
        let text = wallet(format, Some(lang));
        assert!(
            !text.contains('⟦'),
            "{format} {lang}: a catalogue key is missing"
        );
    }
}
