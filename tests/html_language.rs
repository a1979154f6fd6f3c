//! The HTML report is in one language: the Chinese page shows none of the English badge words,
//! the English page no Chinese outside the policy's quotes and the names that have no English
//! form. Markdown is checked the same way.

mod common;
mod lang_check;

use common::root;
use lang_check::{chinese_in, english_badge_words, english_words_in, quotable, text_nodes};
use std::process::Command;

fn wallet(format: &str, lang: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args([
            "audit",
            "fixtures/wallet.apk",
            "--policy",
            "fixtures/wallet/policy.txt",
            "--format",
            format,
            "--lang",
            lang,
        ])
        .output()
        .expect("run appaudit");
    assert_eq!(out.status.code(), Some(1), "{format} {lang}");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_chinese_page_shows_no_english_badge_word() {
    let nodes = text_nodes(&wallet("html", "zh"));
    let words = english_badge_words();
    assert!(words.iter().any(|w| w == "vendor mismatch"), "{words:?}");
    let bad = english_words_in(&nodes, &words);
    assert!(
        bad.is_empty(),
        "English words in the Chinese report: {bad:#?}"
    );
    // The Chinese words are there instead.
    let text = nodes.join("\n");
    for w in ["未披露", "主体不符", "已列出但未发现", "不通过", "高"] {
        assert!(text.contains(w), "{w}");
    }
}

#[test]
fn the_english_page_shows_chinese_only_in_quotes_and_names() {
    let html = wallet("html", "en");
    let json: serde_json::Value = serde_json::from_str(&wallet("json", "en")).expect("json report");
    let allowed = quotable(&json);
    let bad = chinese_in(&text_nodes(&html), &allowed);
    assert!(bad.is_empty(), "Chinese in the English report: {bad:#?}");
    // The check can fail: the Chinese page has Chinese outside any quote.
    let zh = chinese_in(&text_nodes(&wallet("html", "zh")), &allowed);
    assert!(zh.len() > 20, "{zh:?}");
    // English names and vendors from the knowledge base are used.
    assert!(html.contains("Umeng"), "English SDK names");
    assert!(
        !html.contains("友盟同欣"),
        "a Chinese vendor with an English form"
    );
}

#[test]
fn markdown_is_in_one_language_too() {
    let json: serde_json::Value = serde_json::from_str(&wallet("json", "en")).expect("json report");
    let en: Vec<String> = wallet("markdown", "en")
        .lines()
        .map(str::to_string)
        .collect();
    let bad = chinese_in(&en, &quotable(&json));
    assert!(bad.is_empty(), "Chinese in the English Markdown: {bad:#?}");
    let zh: Vec<String> = wallet("markdown", "zh")
        .lines()
        .filter(|l| !l.contains('`'))
        .map(str::to_string)
        .collect();
    let bad = english_words_in(&zh, &english_badge_words());
    assert!(
        bad.is_empty(),
        "English words in the Chinese Markdown: {bad:#?}"
    );
}

#[test]
fn json_messages_are_english_unless_asked() {
    let out = Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args([
            "audit",
            "fixtures/wallet.apk",
            "--policy",
            "fixtures/wallet/policy.txt",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(messages.iter().any(|m| m.contains("does not disclose")));
    let zh: serde_json::Value = serde_json::from_str(&wallet("json", "zh")).expect("json");
    assert!(zh["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("隐私政策未披露"))));
}
