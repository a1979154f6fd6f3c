//! `appaudit scan` over a directory holding good apps, a split APK set, a corrupt file and an
//! unrelated file: every app file is accounted for, in each format, the unrelated file only counted
//! in the summary, and the exit code says what happened (1 findings, 2 an error, 0 otherwise).

mod common;

use common::{appaudit_on, root, stdout};
use std::path::{Path, PathBuf};

/// A temp dir: `apps/{clean,wallet}.apk`, `apps/splits/clean-split.apks`,
/// `apps/broken/corrupt.apk` (a truncated zip), `apps/notes.txt`; and `policies/` with the wallet
/// policy named after its package.
fn layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let apps = tmp.path().join("apps");
    let fixtures = root().join("fixtures");
    for sub in ["splits", "broken"] {
        std::fs::create_dir_all(apps.join(sub)).expect("mkdir");
    }
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to).expect("copy");
    };
    copy(&fixtures.join("clean.apk"), &apps.join("clean.apk"));
    copy(&fixtures.join("wallet.apk"), &apps.join("wallet.apk"));
    copy(
        &fixtures.join("clean-split.apks"),
        &apps.join("splits/clean-split.apks"),
    );
    let clean = std::fs::read(fixtures.join("clean.apk")).expect("read");
    std::fs::write(apps.join("broken/corrupt.apk"), &clean[..clean.len() / 2]).expect("write");
    std::fs::write(apps.join("notes.txt"), "release notes\n").expect("write");
    let policies = tmp.path().join("policies");
    std::fs::create_dir_all(&policies).expect("mkdir");
    copy(
        &fixtures.join("wallet/policy.txt"),
        &policies.join("com.example.wallet.txt"),
    );
    (tmp, apps, policies)
}

/// The app files, in the order of every output (notes.txt is skipped: counted, not listed).
const FILES: &[&str] = &[
    "broken/corrupt.apk",
    "clean.apk",
    "splits/clean-split.apks",
    "wallet.apk",
];

/// The summary line on stderr for this layout (wallet passes when it is not audited or with
/// `--fail-on none`).
const SUMMARY: &str =
    "scanned 4 apps: 3 ok, 0 with findings, 1 error; 1 other file skipped (not an app)";

fn run(apps: &Path, tail: &[&str]) -> std::process::Output {
    appaudit_on(&["scan"], apps, tail)
}

#[test]
fn jsonl_has_one_line_per_file_with_the_right_contract() {
    let (_tmp, apps, policies) = layout();
    let pol = policies.to_string_lossy().into_owned();
    let out = run(
        &apps,
        &["--format", "jsonl", "--policy-dir", &pol, "--jobs", "2"],
    );
    // wallet has high findings against its policy: 1 wins over the corrupt file's 2.
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), FILES.len());
    let path_of = |v: &serde_json::Value| {
        v.pointer("/app/path")
            .or_else(|| v.get("path"))
            .and_then(|p| p.as_str())
            .expect("path")
            .to_string()
    };
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds, ["error", "inspect", "inspect", "audit"]);
    for (line, file) in lines.iter().zip(FILES) {
        assert_eq!(line["schema_version"], 1);
        assert_eq!(path_of(line), apps.join(file).display().to_string());
    }
    let by = |file: &str| &lines[FILES.iter().position(|f| *f == file).expect("file")];
    assert!(by("broken/corrupt.apk")["error"]
        .as_str()
        .is_some_and(|e| e.contains("zip")));
    assert!(!stdout(&out).contains("notes.txt"));
    assert!(common::stderr(&out).contains("1 other file skipped (not an app)"));
    // Paired by package: the audit contract, with findings and a verdict.
    let wallet = by("wallet.apk");
    assert!(wallet["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(wallet["summary"]["verdict"], "fail");
    // Unpaired: the inspect contract, no findings.
    let clean = by("clean.apk");
    assert!(clean.get("findings").is_none() && clean["dex"].is_array());
    // The split set: the base's package, and the arm64 split's library found.
    let split = by("splits/clean-split.apks");
    assert_eq!(split["app"]["package"], "com.example.clean");
    let sdks: Vec<&str> = split["sdks"]
        .as_array()
        .expect("sdks")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(sdks, ["amap", "jpush", "tencent_bugly"]);
}

#[test]
fn csv_has_a_row_per_file_and_the_table_columns() {
    let (_tmp, apps, _) = layout();
    let out = run(&apps, &["--format", "csv"]);
    // No policy: nothing can fail the gate, and the corrupt file makes it 2.
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("path,status,package,version_name,version_code,sdks,dangerous_permissions,high,medium,low,info,packer,policy,error")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), FILES.len());
    let status: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let mut f = r.split(',');
            (
                f.next().unwrap_or_default().to_string(),
                f.next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let expect = ["error", "ok", "ok", "ok"];
    for ((path, st), (file, want)) in status.iter().zip(FILES.iter().zip(expect)) {
        assert_eq!(path, &apps.join(file).display().to_string());
        assert_eq!(st, want, "{file}");
    }
    assert!(rows[2].contains("amap;jpush;tencent_bugly"), "{}", rows[2]);
    let summary = common::stderr(&out);
    assert!(summary.contains(SUMMARY), "{summary}");
}

#[test]
fn the_table_names_every_file_and_lists_errors() {
    let (_tmp, apps, policies) = layout();
    let pol = policies.to_string_lossy().into_owned();
    // Wide enough that no cell wraps.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .arg("scan")
        .arg(&apps)
        .args(["--policy-dir", &pol, "--fail-on", "none"])
        .env("COLUMNS", "250")
        .output()
        .expect("run appaudit");
    // --fail-on none: findings do not decide, the corrupt file does.
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    for f in FILES {
        assert!(
            text.contains(&format!("| {f} ")),
            "{f} missing from the table\n{text}"
        );
    }
    assert!(text.contains(&format!("in {}:", apps.display())), "{text}");
    assert!(!text.contains("notes.txt"), "{text}");
    assert!(stdout(&out).contains("Errors (1)"));
    assert!(common::stderr(&out).contains(SUMMARY));
}

#[test]
fn only_good_apps_exit_zero() {
    let out = appaudit_on(
        &["scan", "--format", "jsonl"],
        &root().join("fixtures/clean.apk"),
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 1);
}

#[test]
fn a_missing_path_is_an_error_row_not_the_end_of_the_scan() {
    let out = appaudit_on(
        &["scan", "--format", "csv", "/nonexistent/appaudit-test"],
        &root().join("fixtures/clean.apk"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("/nonexistent/appaudit-test,error,"), "{text}");
    assert!(text.contains(",ok,com.example.clean,"), "{text}");
}

#[test]
fn a_directory_without_apps_says_so() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("notes.txt"), "release notes\n").expect("write");
    std::fs::write(tmp.path().join("icon.png"), [0u8; 4]).expect("write");
    let out = appaudit_on(&["scan"], tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        stdout(&out).starts_with("no app files found"),
        "{}",
        stdout(&out)
    );
    assert!(
        common::stderr(&out).contains("no app found (looked for .apk, .apks, .xapk, .apkm, .aab); 2 other files skipped (not apps)"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn streamed_records_keep_input_order_with_slow_and_fast_files_mixed() {
    // Records are written as files finish, put back in input order: 40 files alternating a
    // multi-DEX app, a small app, a corrupt file and a non-app, scanned two at a time.
    let tmp = tempfile::tempdir().expect("tempdir");
    let fixtures = root().join("fixtures");
    let clean = std::fs::read(fixtures.join("clean.apk")).expect("read");
    let mut expected = Vec::new();
    for i in 0..40 {
        let (name, bytes) = match i % 4 {
            0 => (
                format!("{i:02}-multidex.apk"),
                std::fs::read(fixtures.join("multidex.apk")).expect("read"),
            ),
            1 => (format!("{i:02}-clean.apk"), clean.clone()),
            2 => (
                format!("{i:02}-corrupt.apk"),
                clean[..clean.len() / 3].to_vec(),
            ),
            _ => (format!("{i:02}-notes.txt"), b"notes\n".to_vec()),
        };
        if i % 4 != 3 {
            expected.push(name.clone());
        }
        std::fs::write(tmp.path().join(&name), bytes).expect("write");
    }
    let file_of = |line: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let path = v["path"]
            .as_str()
            .or_else(|| v["app"]["path"].as_str())
            .unwrap_or_else(|| panic!("no path in {line}"));
        Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a file name")
            .to_string()
    };
    let out = run(tmp.path(), &["--format", "jsonl", "--jobs", "2"]);
    let text = stdout(&out);
    let files: Vec<String> = text.lines().map(file_of).collect();
    assert_eq!(files, expected);
    // The same records through `-o`, and the CSV rows in the same order.
    let to = tmp.path().join("out.jsonl");
    let o = run(
        tmp.path(),
        &[
            "--format",
            "jsonl",
            "--jobs",
            "2",
            "-o",
            to.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), out.status.code());
    assert_eq!(std::fs::read_to_string(&to).expect("read -o"), text);
    let csv = stdout(&run(tmp.path(), &["--format", "csv", "--jobs", "2"]));
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, name) in rows.iter().zip(&expected) {
        assert!(row.contains(name.as_str()), "{row} is not {name}");
    }
}
