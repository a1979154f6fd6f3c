//! The `inspect` and `policy` tables in both languages, on the wallet fixture: goldens
//! (tests/snapshots/wallet-inspect.{zh,en}.txt, wallet-policy.{zh,en}.txt, wallet-inspect.json)
//! and what each language promises. `--lang zh` words the table in Chinese (identifiers, ids and
//! what the policy says stay as they are); `--lang en` shows no Chinese in `inspect` (the
//! knowledge base has English names for every SDK of the wallet); without `--lang` the tables
//! are as before (English words; `inspect` shows the names Chinese policies use).
//! After a reviewed change: `APPAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test lang_tables`.

mod common;

use appaudit::model::locale::{catalogue, has_cjk};
use appaudit::model::Lang;
use common::{golden, root};
use std::process::{Command, Output};

/// Runs the binary from the crate root with these arguments at this width.
fn output(args: &[&str], columns: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(root())
        .args(args)
        .env("COLUMNS", columns)
        .output()
        .expect("run appaudit")
}

/// Runs the binary at 100 columns; it must succeed.
fn run(args: &[&str]) -> String {
    let out = output(args, "100");
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The English words of a catalogue section that differ from the Chinese ones and are words
/// (not identifiers such as `API`, `DEX`, `sha256`), without their placeholders.
fn english_words(section: &str) -> Vec<String> {
    let (en, zh) = (catalogue(Lang::En), catalogue(Lang::Zh));
    let mut out = Vec::new();
    for (key, text) in en.sections.get(section).expect("section") {
        if zh.get(section, key) == Some(text.as_str()) {
            continue;
        }
        // Outside the placeholders (`{name}`: the even parts).
        for part in text.split(['{', '}']).step_by(2) {
            let part = part.trim_matches(|c: char| !c.is_ascii_alphabetic());
            // Words of the catalogue, not the attribute names it quotes.
            if part.len() >= 4
                && part.contains(|c: char| c.is_ascii_lowercase())
                && ![
                    "debuggable",
                    "allowBackup",
                    "cleartext",
                    "maxSdkVersion",
                    // also meta-data values
                    "true",
                    "false",
                ]
                .contains(&part)
            {
                out.push(part.to_string());
            }
        }
    }
    assert!(!out.is_empty(), "{section}: {out:?}");
    out
}

/// Whether `text` holds `word` as a word of its own, not inside an identifier
/// (`android.permission.CAMERA` does not hold "permission").
fn has_word(text: &str, word: &str) -> bool {
    let part =
        |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || "._-/$".contains(c));
    text.match_indices(word).any(|(i, _)| {
        !part(text[..i].chars().next_back()) && !part(text[i + word.len()..].chars().next())
    })
}

#[test]
fn inspect_in_chinese_and_english() {
    let base = ["inspect", "fixtures/wallet.apk"];
    let zh = run(&[&base[..], &["--lang", "zh"]].concat());
    let en = run(&[&base[..], &["--lang", "en"]].concat());
    for want in [
        "包名",
        "开发者",
        "类别",
        "敏感 API 调用（21）",
        "权限（",
        "组件（",
        "推送",
    ] {
        assert!(zh.contains(want), "{want:?} missing\n{zh}");
    }
    for word in english_words("inspect") {
        assert!(!has_word(&zh, &word), "{word:?} in the Chinese table\n{zh}");
    }
    assert!(!has_cjk(&en), "Chinese in the English table\n{en}");
    for want in ["| vendor", "JPush", "Sensitive API calls (21)"] {
        assert!(en.contains(want), "{want:?} missing\n{en}");
    }
    // Without --lang: English words, the names Chinese policies use.
    let plain = run(&base);
    assert!(
        plain.contains("| vendor") && plain.contains("极光推送SDK"),
        "{plain}"
    );
    golden("wallet-inspect.zh.txt", &zh);
    golden("wallet-inspect.en.txt", &en);
}

#[test]
fn inspect_json_is_the_contract() {
    let json = run(&["inspect", "fixtures/wallet.apk", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["tool"]["version"], env!("CARGO_PKG_VERSION"));
    // --lang changes the table only.
    let zh = run(&[
        "inspect",
        "fixtures/wallet.apk",
        "--format",
        "json",
        "--lang",
        "zh",
    ]);
    assert_eq!(json, zh);
    // The tool's version blanked (the first "version" is the tool's), the key order kept.
    let text = json.replacen(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"VERSION\"",
        1,
    );
    golden("wallet-inspect.json", &text);
}

#[test]
fn policy_in_chinese_and_english() {
    let base = ["policy", "fixtures/wallet/policy.txt"];
    let zh = run(&[&base[..], &["--lang", "zh"]].concat());
    let en = run(&[&base[..], &["--lang", "en"]].concat());
    assert_eq!(run(&base), en, "the default is English");
    for want in [
        "隐私政策：",
        "披露的SDK和第三方：15",
        "披露的权限：",
        "第三方主体",
    ] {
        assert!(zh.contains(want), "{want:?} missing\n{zh}");
    }
    for word in english_words("policy-table") {
        assert!(!has_word(&zh, &word), "{word:?} in the Chinese table\n{zh}");
    }
    assert!(en.contains("SDKs and third parties disclosed: 15"), "{en}");
    golden("wallet-policy.zh.txt", &zh);
    golden("wallet-policy.en.txt", &en);
}

/// `audit --lang en`: the SDK table names every SDK and vendor in English (the findings below
/// may quote the policy's Chinese rows); without `--lang` it keeps the names Chinese policies use.
#[test]
fn the_audit_table_in_english_names_sdks_in_english() {
    let args = [
        "audit",
        "fixtures/wallet.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
    ];
    let table = |extra: &[&str]| {
        let out = output(&[&args[..], extra].concat(), "120");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        // The SDK table: from its header to the first blank line.
        let start = text.find("| SDK").expect("SDK table");
        let end = text[start..].find("\n\n").map_or(text.len(), |e| start + e);
        text[start..end].to_string()
    };
    let en = table(&["--lang", "en"]);
    assert!(!has_cjk(&en), "Chinese in the English SDK table\n{en}");
    assert!(en.contains("JPush") && en.contains("Aurora Mobile"), "{en}");
    let plain = table(&[]);
    assert!(plain.contains("极光推送SDK"), "{plain}");
}

/// `diff` and `scan` tables in both languages: the English default is unchanged, Chinese has
/// the catalogue's words (goldens of the wallet's release diff with its policy).
#[test]
fn diff_and_scan_in_chinese_and_english() {
    let base = [
        "diff",
        "fixtures/wallet.apk",
        "fixtures/wallet2.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
    ];
    let diff = |extra: &[&str]| {
        let out = output(&[&base[..], extra].concat(), "100");
        assert_eq!(out.status.code(), Some(1), "undisclosed additions fail");
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let (zh, en) = (diff(&["--lang", "zh"]), diff(&["--lang", "en"]));
    assert_eq!(diff(&[]), en, "the default is English");
    for want in ["9 处变化", "未披露", "类型", "分析"] {
        assert!(zh.contains(want), "{want:?} missing\n{zh}");
    }
    for word in english_words("diff") {
        assert!(!has_word(&zh, &word), "{word:?} in the Chinese diff\n{zh}");
    }
    assert!(
        en.contains("9 changes; 2 added items not disclosed"),
        "{en}"
    );
    golden("wallet-diff.zh.txt", &zh);
    golden("wallet-diff.en.txt", &en);
    let md = diff(&["--lang", "zh", "--format", "markdown"]);
    assert!(
        md.contains("| | 类型 | 对象 | 详情 | 隐私政策 |") && md.contains("**未披露**"),
        "{md}"
    );

    let scan = run(&["scan", "fixtures", "--lang", "zh"]);
    for want in ["| 文件", "| 状态", "通过"] {
        assert!(scan.contains(want), "{want:?} missing\n{scan}");
    }
    for word in english_words("scan") {
        assert!(
            !has_word(&scan, &word),
            "{word:?} in the Chinese scan\n{scan}"
        );
    }
}

/// `rules list --lang zh` words its titles and categories in Chinese; the default is English.
#[test]
fn rules_list_in_chinese() {
    let zh = run(&["rules", "list", "--category", "push", "--lang", "zh"]);
    assert!(zh.contains("| 名称") && zh.contains("| 推送"), "{zh}");
    for word in english_words("rules-list") {
        assert!(!has_word(&zh, &word), "{word:?} in the Chinese list\n{zh}");
    }
    let en = run(&["rules", "list", "--category", "push"]);
    assert!(en.contains("| vendor") && en.contains("| push"), "{en}");
}

/// SARIF with `--lang zh`: the rules' help and the results' evidence in Chinese; the English
/// default is the one the schema test and the golden check.
#[test]
fn sarif_in_chinese() {
    let args = [
        "audit",
        "fixtures/wallet.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
        "--format",
        "sarif",
    ];
    let sarif = |extra: &[&str]| {
        let out = output(&[&args[..], extra].concat(), "100");
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
        log
    };
    let (zh, en) = (sarif(&["--lang", "zh"]), sarif(&[]));
    assert_eq!(sarif(&["--lang", "en"]), en);
    let help = zh["runs"][0]["tool"]["driver"]["rules"][0]["help"]["text"]
        .as_str()
        .expect("help");
    assert!(
        help.contains("为何重要：") && !help.contains("Why:"),
        "{help}"
    );
    for r in zh["runs"][0]["results"].as_array().expect("results") {
        let text = r["message"]["text"].as_str().expect("message");
        for english in [" calls ", "policy line ", "manifest: ", "not requested"] {
            assert!(!text.contains(english), "{english:?} in {text}");
        }
    }
    assert_eq!(
        zh["runs"][0]["results"].as_array().map(Vec::len),
        en["runs"][0]["results"].as_array().map(Vec::len)
    );
}
