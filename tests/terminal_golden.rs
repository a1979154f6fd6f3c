//! Goldens of the text people read: the wallet audit's table at 80 and 120 columns, and its
//! `draft` in Chinese and English. Each is compared to a file in tests/snapshots/; after a
//! reviewed change, rewrite them with `APPAUDIT_UPDATE_SNAPSHOTS=1 cargo test --test terminal_golden`.
//! Beside the equality, each golden is checked for what it promises: the table fits its width and
//! never breaks an identifier; the draft holds only text meant for a policy.

mod common;

use common::{golden, root};
use std::process::{Command, Output};
use unicode_width::UnicodeWidthStr;

/// Runs the binary from the crate root (so paths in the output are the relative ones given).
fn run(args: &[&str], columns: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_appaudit"));
    cmd.current_dir(root()).args(args).env_remove("COLUMNS");
    if let Some(c) = columns {
        cmd.env("COLUMNS", c);
    }
    cmd.output().expect("run appaudit")
}

fn text(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

const AUDIT: &[&str] = &[
    "audit",
    "fixtures/wallet.apk",
    "--policy",
    "fixtures/wallet/policy.txt",
];

/// The identifiers the audit table shows: every finding's subject and the parts of its
/// first evidence line (class names, permissions, paths).
fn identifiers() -> Vec<String> {
    let mut args = AUDIT.to_vec();
    args.extend(["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&text(&run(&args, None))).expect("JSON");
    let mut out = Vec::new();
    for f in json["findings"].as_array().expect("findings") {
        out.push(f["subject"].as_str().unwrap_or_default().to_string());
        if let Some(ev) = f["evidence"][0].as_str() {
            out.extend(
                ev.split([' ', '"', '<', '>', '='])
                    .filter(|w| w.contains('.') && w.len() > 12)
                    .map(str::to_string),
            );
        }
    }
    out
}

/// The pieces of an identifier a line may break between (after `.` `/` `$` `;` `,` `:`).
fn pieces(id: &str) -> Vec<&str> {
    id.split_inclusive(['.', '/', '$', ';', ',', ':'])
        .map(|p| p.trim_end_matches(['.', '/', '$', ';', ',', ':']))
        .filter(|p| !p.is_empty())
        .collect()
}

fn check_table(columns: usize) {
    let out = run(AUDIT, Some(&columns.to_string()));
    assert_eq!(out.status.code(), Some(1));
    let got = text(&out);
    for line in got.lines() {
        assert!(
            line.width() <= columns,
            "{} columns > {columns}: {line:?}",
            line.width()
        );
    }
    assert!(!got.contains("(+0 more)"), "{got}");
    // Every identifier is whole, or broken only at its separators.
    let flat: String = got
        .lines()
        .flat_map(|l| l.split('|'))
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    for id in identifiers() {
        for piece in pieces(&id) {
            assert!(
                flat.contains(piece) || piece.width() > 40,
                "{id}: {piece:?} broken at {columns} columns\n{got}"
            );
        }
    }
    golden(&format!("wallet-audit-{columns}.txt"), &got);
}

#[test]
fn the_audit_table_at_80_columns() {
    check_table(80);
}

#[test]
fn the_audit_table_at_120_columns() {
    check_table(120);
}

/// `--lang zh` words the whole table in Chinese: the verdict, the column titles, the severities,
/// the disclosure cells and the evidence lines; only identifiers and names stay as they are.
#[test]
fn the_audit_table_in_chinese_has_no_english_words() {
    let args = [
        "audit",
        "fixtures/wallet.apk",
        "--policy",
        "fixtures/wallet/policy.txt",
        "--lang",
        "zh",
    ];
    let out = run(&args, Some("120"));
    assert_eq!(out.status.code(), Some(1));
    let got = text(&out);
    for want in [
        "结论：不通过",
        "隐私政策披露",
        "规则 / 对象",
        "高 (8)",
        "未披露",
        "第 82 行",
    ] {
        assert!(got.contains(want), "{want:?} missing in\n{got}");
    }
    for english in [
        "verdict",
        "policy:",
        "app:",
        "| version ",
        "| vendor ",
        "| disclosed ",
        "rule / subject",
        "finding",
        "HIGH",
        "MEDIUM",
        " more)",
        " calls ",
        "(app)",
        "line ",
        "Explain",
    ] {
        assert!(
            !got.contains(english),
            "{english:?} in the Chinese table\n{got}"
        );
    }
    // The default stays English, as the JSON messages.
    let en = text(&run(&args[..4], Some("120")));
    assert!(en.contains("verdict: FAIL") && en.contains("rule / subject"));
}

#[test]
fn to_a_pipe_without_columns_nothing_wraps() {
    let got = text(&run(AUDIT, None));
    // One line per finding row (no wrapped continuation): rule and subject stacked, message and
    // evidence on two lines, nothing more.
    assert!(got.contains("| undisclosed-permission "), "{got}");
    assert!(
        got.contains("android.permission.ACCESS_BACKGROUND_LOCATION")
            || got.contains("android.permission.READ_CONTACTS"),
        "{got}"
    );
    assert!(got.lines().any(|l| l.width() > 120), "nothing was wrapped");
}

#[test]
fn with_o_file_the_verdict_reaches_stderr() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("report.json");
    let mut args = AUDIT.to_vec();
    let f = file.to_str().expect("utf-8");
    args.extend(["--format", "json", "-o", f]);
    let out = run(&args, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        format!(
            "verdict: FAIL (--fail-on high): 8 high, 4 medium, 10 low, 1 info (report written to {f})"
        )
    );
}

/// Text a policy must never carry: the knowledge base's notes and sources.
const NOT_FOR_A_POLICY: &[&str] = &[
    "seed",
    "documented",
    "optional",
    "other policies",
    "older versions",
    "github",
    "csdn",
    "LibChecker",
    " – ",
];

fn check_draft(lang: &str, extra: &[&str]) -> String {
    let mut args = vec!["draft", "fixtures/wallet.apk", "--lang", lang];
    args.extend_from_slice(extra);
    let out = run(&args, None);
    assert_eq!(out.status.code(), Some(0));
    let got = text(&out);
    for bad in NOT_FOR_A_POLICY {
        assert!(!got.contains(bad), "{lang}: {bad:?} in the draft\n{got}");
    }
    // No data label twice in a row of the SDK table.
    for line in got
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| SDK"))
    {
        let cells: Vec<&str> = line.split(" | ").collect();
        if let Some(data) = cells.get(3) {
            let sep = if lang == "zh" { "、" } else { ", " };
            let items: Vec<&str> = data.split(sep).collect();
            let mut unique = items.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), items.len(), "{line}");
        }
    }
    got
}

#[test]
fn the_draft_in_chinese() {
    let got = check_draft("zh", &[]);
    assert_eq!(
        got.matches("\n| ").count() - 2,
        17 + 8,
        "17 SDKs, 8 permission rows\n{got}"
    );
    assert!(
        got.contains("| 友盟统计 | 友盟同欣（北京）科技有限公司 | 统计分析 |"),
        "{got}"
    );
    assert!(got.contains(
        "`android.permission.WRITE_EXTERNAL_STORAGE`、`android.permission.READ_EXTERNAL_STORAGE`"
    ));
    golden("wallet-draft-zh.md", &got);
}

#[test]
fn the_draft_in_english() {
    let got = check_draft("en", &[]);
    assert!(
        got.contains("| Umeng U-App Analytics | Umeng (友盟同欣（北京）科技有限公司) | Usage statistics and analytics |"),
        "{got}"
    );
    // Outside the vendors' registered Chinese names, an English draft is in English.
    for line in got.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        for (i, cell) in cells.iter().enumerate() {
            if i == 0 {
                continue;
            }
            let cjk = cell.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(!cjk || i == 1, "CJK in column {i}: {line}");
        }
    }
    golden("wallet-draft-en.md", &got);
}

#[test]
fn the_draft_against_the_policy_in_plain_text() {
    let got = check_draft(
        "zh",
        &["--policy", "fixtures/wallet/policy.txt", "--format", "txt"],
    );
    golden("wallet-draft-missing-zh.txt", &got);
}

#[test]
fn inspect_and_scan_fit_80_columns_without_shortening() {
    for args in [
        vec!["inspect", "fixtures/wallet.apk"],
        vec![
            "scan",
            "fixtures/wallet.apk",
            "fixtures/clean.apk",
            "fixtures/packer.apk",
        ],
    ] {
        let got = text(&run(&args, Some("80")));
        for line in got.lines() {
            assert!(line.width() <= 80, "{args:?}: {line:?}");
        }
        assert!(!got.contains('…'), "{args:?}: a word was shortened\n{got}");
        assert!(!got.contains("(+0 more"), "{args:?}\n{got}");
    }
}

/// On a terminal, the width is the terminal's (asked of the tty, not of `$COLUMNS`, which bash
/// does not export): run under `script` (util-linux, Essential in Debian) with a 100-column pty.
#[test]
fn on_a_terminal_the_table_fits_the_terminal() {
    if !std::path::Path::new("/usr/bin/script").exists() {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(!ci, "/usr/bin/script (bsdutils) is missing under CI=true");
        eprintln!("skipped: /usr/bin/script is not installed; under CI=true this fails");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_appaudit");
    let inner = format!(
        "stty cols 100 rows 40; {bin} audit fixtures/wallet.apk --policy fixtures/wallet/policy.txt"
    );
    let out = Command::new("/usr/bin/script")
        .args(["-qec", &inner, "/dev/null"])
        .current_dir(root())
        .env_remove("COLUMNS")
        .output()
        .expect("run script");
    let got = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let widest = got.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    // Wider than the 80 columns of old, within the terminal's 100.
    assert!(widest > 80 && widest <= 100, "widest line {widest}\n{got}");
}
