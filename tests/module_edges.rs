//! The module picture docs/ARCHITECTURE.md draws, checked: everything under `report` (the
//! renderers and the report types, `inspect` included) reads only the report model (no
//! `engine`, `rules`, `audit`, `scan`, `diff`, `policy`, `detect`, `apk`), and the model imports
//! none of the stages. `scripts/module-edges --check` applies the same rules.

mod common;

use std::path::Path;

/// Every `crate::x` path a source file names (comments included: a doc link is an edge too).
fn crate_paths(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.match_indices("crate::")
        .map(|(i, _)| {
            text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect::<String>()
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.expect("entry").path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn forbidden(paths: &[&str], banned: &[&str]) -> Vec<String> {
    let mut bad = Vec::new();
    for rel in paths {
        let mut list = Vec::new();
        let p = common::root().join(rel);
        if p.is_dir() {
            files(&p, &mut list);
        } else {
            list.push(p);
        }
        for f in list {
            for path in crate_paths(&f) {
                if banned
                    .iter()
                    .any(|b| path == *b || path.starts_with(&format!("{b}::")))
                {
                    bad.push(format!("{} -> crate::{path}", f.display()));
                }
            }
        }
    }
    bad
}

#[test]
fn the_check_sees_edges() {
    let engine = crate_paths(&common::root().join("src/engine.rs"));
    assert!(engine.iter().any(|p| p.starts_with("audit")), "{engine:?}");
    assert!(!forbidden(&["src/engine.rs"], &["audit"]).is_empty());
    // engine builds the inspect report from the reader's and the detector's types.
    assert!(!forbidden(&["src/engine.rs"], &["apk", "detect", "rules"]).is_empty());
}

#[test]
fn everything_in_report_reads_only_the_report_model() {
    let bad = forbidden(
        &["src/report"],
        &[
            "engine", "rules", "audit", "scan", "diff", "policy", "detect", "apk",
        ],
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn the_model_imports_no_stage() {
    let bad = forbidden(
        &["src/model"],
        &[
            "engine", "rules", "audit", "scan", "diff", "policy", "detect", "apk", "report",
        ],
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn nothing_in_report_imports_engine_scan_or_diff() {
    let bad = forbidden(&["src/report"], &["engine", "scan", "diff"]);
    assert!(bad.is_empty(), "{bad:#?}");
}
