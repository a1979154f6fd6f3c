//! Scoring of `appaudit policy` against hand-made truth (`truth/<name>.json`), as the development
//! set's README suggests: rows matched one to one on normalised names (exact, then a fuzzy pass
//! reported apart), vendor accuracy over matched rows, permissions as sets of short names.
//!
//! Shared by `examples/policy_eval` (the report) and `tests/policy_eval.rs` (the gate).

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One row of the truth.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthSdk {
    pub name: String,
    pub vendor: Option<String>,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub kind: String,
}

/// The truth of one document.
#[derive(Debug, Clone, Deserialize)]
pub struct Truth {
    pub file: String,
    #[serde(default)]
    pub sdks: Vec<TruthSdk>,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// One extracted row, as `policy --format json` gives it.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub vendor: Option<String>,
    pub packages: Vec<String>,
    pub line: usize,
}

/// The score of one file.
#[derive(Debug, Clone, Default)]
pub struct FileScore {
    pub file: String,
    pub error: Option<String>,
    pub truth_rows: usize,
    pub got_rows: usize,
    pub exact: usize,
    pub fuzzy: usize,
    pub vendor_total: usize,
    pub vendor_ok: usize,
    pub vendor_invented: usize,
    pub pkg_truth: usize,
    pub pkg_got: usize,
    pub pkg_hit: usize,
    pub perm_truth: usize,
    pub perm_got: usize,
    pub perm_tp: usize,
    pub missed: Vec<String>,
    pub extra: Vec<String>,
    pub wrong_vendor: Vec<String>,
    pub perm_missed: Vec<String>,
    pub perm_extra: Vec<String>,
}

/// Precision, recall, F1 from counts; an empty side counts as perfect when both are empty.
pub fn prf(tp: usize, got: usize, truth: usize) -> (f64, f64, f64) {
    let p = if got == 0 {
        1.0
    } else {
        tp as f64 / got as f64
    };
    let r = if truth == 0 {
        1.0
    } else {
        tp as f64 / truth as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Full-width forms to ASCII (the part of NFKC that matters here), lower case, no white space,
/// none of `【】“”"'‘’《》「」`, no trailing `sdk`.
pub fn norm_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(fold_width)
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !"【】“”\"'‘’《》「」".contains(*c))
        .collect();
    if let Some(stripped) = out.strip_suffix("sdk") {
        out = stripped.to_string();
    }
    out
}

/// Vendors: full-width folded, no white space, `()` = `（）`.
pub fn norm_vendor(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        _ => c,
    }
}

/// Similarity of two strings, 0..1: twice the longest common subsequence over the total length.
fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() || a.len() > 200 || b.len() > 200 {
        return 0.0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    for x in &a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        prev = cur;
    }
    2.0 * prev[b.len()] as f64 / (a.len() + b.len()) as f64
}

fn fuzzy_match(a: &str, b: &str) -> bool {
    let short = a.chars().count().min(b.chars().count());
    (short >= 2 && (a.contains(b) || b.contains(a))) || similarity(a, b) >= 0.8
}

/// The rows and permissions of `policy --format json` that count: rows not from an open-source
/// list, permissions disclosed as permissions (not only implied by a data type).
pub fn extracted(json: &serde_json::Value) -> (Vec<Row>, Vec<String>) {
    let rows = json["sdks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["source"].as_str() != Some("open-source"))
        .map(|s| Row {
            name: s["name"].as_str().unwrap_or_default().to_string(),
            vendor: s["vendor"].as_str().map(str::to_string),
            packages: s["packages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect(),
            line: s["line"].as_u64().unwrap_or(0) as usize,
        })
        .collect();
    let mut perms: Vec<String> = json["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["via"].as_str() != Some("data"))
        .filter_map(|p| p["permission"].as_str())
        .map(short_permission)
        .collect();
    perms.sort();
    perms.dedup();
    (rows, perms)
}

fn short_permission(p: &str) -> String {
    p.strip_prefix("android.permission.")
        .unwrap_or(p)
        .to_string()
}

/// Score one document's extraction against its truth.
pub fn score(file: &str, rows: &[Row], perms: &[String], truth: &Truth) -> FileScore {
    let want: Vec<&TruthSdk> = truth
        .sdks
        .iter()
        .filter(|s| s.kind != "open-source")
        .collect();
    let mut s = FileScore {
        file: file.to_string(),
        truth_rows: want.len(),
        got_rows: rows.len(),
        ..FileScore::default()
    };
    let got_n: Vec<String> = rows.iter().map(|r| norm_name(&r.name)).collect();
    let want_n: Vec<String> = want.iter().map(|t| norm_name(&t.name)).collect();
    let mut got_used = vec![false; rows.len()];
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut want_used = vec![false; want.len()];
    // Exact pass, then fuzzy, each greedy in document order.
    for exact in [true, false] {
        for (w, wn) in want_n.iter().enumerate() {
            if want_used[w] {
                continue;
            }
            let hit = (0..rows.len()).find(|&g| {
                !got_used[g]
                    && if exact {
                        got_n[g] == *wn
                    } else {
                        fuzzy_match(&got_n[g], wn)
                    }
            });
            if let Some(g) = hit {
                got_used[g] = true;
                want_used[w] = true;
                pairs.push((w, g));
                if exact {
                    s.exact += 1;
                } else {
                    s.fuzzy += 1;
                }
            }
        }
    }
    for (w, g) in &pairs {
        let (t, r) = (want[*w], &rows[*g]);
        if !t.packages.is_empty() {
            s.pkg_truth += t.packages.len();
            s.pkg_got += r.packages.len();
            s.pkg_hit += r.packages.iter().filter(|p| t.packages.contains(p)).count();
        }
        match (&t.vendor, &r.vendor) {
            (Some(tv), got) => {
                s.vendor_total += 1;
                if got.as_deref().map(norm_vendor) == Some(norm_vendor(tv)) {
                    s.vendor_ok += 1;
                } else {
                    s.wrong_vendor.push(format!(
                        "{}: {} (want {})",
                        r.name,
                        got.as_deref().unwrap_or("-"),
                        tv
                    ));
                }
            }
            (None, Some(_)) => s.vendor_invented += 1,
            (None, None) => {}
        }
    }
    s.missed = (0..want.len())
        .filter(|&w| !want_used[w])
        .map(|w| want[w].name.clone())
        .collect();
    s.extra = (0..rows.len())
        .filter(|&g| !got_used[g])
        .map(|g| format!("{} (line {})", rows[g].name, rows[g].line))
        .collect();
    let mut tp: Vec<String> = truth
        .permissions
        .iter()
        .map(|p| short_permission(p))
        .collect();
    tp.sort();
    tp.dedup();
    s.perm_truth = tp.len();
    s.perm_got = perms.len();
    s.perm_tp = perms.iter().filter(|p| tp.contains(p)).count();
    s.perm_missed = tp.iter().filter(|p| !perms.contains(p)).cloned().collect();
    s.perm_extra = perms.iter().filter(|p| !tp.contains(p)).cloned().collect();
    s
}

/// Totals over files (micro-averaged).
#[derive(Debug, Clone, Default)]
pub struct Totals {
    pub files: usize,
    pub truth_rows: usize,
    pub got_rows: usize,
    pub matched: usize,
    pub exact: usize,
    pub vendor_total: usize,
    pub vendor_ok: usize,
    pub vendor_invented: usize,
    pub pkg_truth: usize,
    pub pkg_got: usize,
    pub pkg_hit: usize,
    pub perm_truth: usize,
    pub perm_got: usize,
    pub perm_tp: usize,
    /// Macro averages: mean over files of row F1 and permission F1.
    pub macro_row_f1: f64,
    pub macro_perm_f1: f64,
}

impl Totals {
    pub fn of(scores: &[FileScore]) -> Totals {
        let mut t = Totals {
            files: scores.len(),
            ..Totals::default()
        };
        for s in scores {
            t.truth_rows += s.truth_rows;
            t.got_rows += s.got_rows;
            t.matched += s.exact + s.fuzzy;
            t.exact += s.exact;
            t.vendor_total += s.vendor_total;
            t.vendor_ok += s.vendor_ok;
            t.vendor_invented += s.vendor_invented;
            t.pkg_truth += s.pkg_truth;
            t.pkg_got += s.pkg_got;
            t.pkg_hit += s.pkg_hit;
            t.perm_truth += s.perm_truth;
            t.perm_got += s.perm_got;
            t.perm_tp += s.perm_tp;
            t.macro_row_f1 += prf(s.exact + s.fuzzy, s.got_rows, s.truth_rows).2;
            t.macro_perm_f1 += prf(s.perm_tp, s.perm_got, s.perm_truth).2;
        }
        if !scores.is_empty() {
            t.macro_row_f1 /= scores.len() as f64;
            t.macro_perm_f1 /= scores.len() as f64;
        }
        t
    }

    pub fn rows(&self) -> (f64, f64, f64) {
        prf(self.matched, self.got_rows, self.truth_rows)
    }

    pub fn rows_exact(&self) -> (f64, f64, f64) {
        prf(self.exact, self.got_rows, self.truth_rows)
    }

    pub fn vendor_accuracy(&self) -> f64 {
        if self.vendor_total == 0 {
            1.0
        } else {
            self.vendor_ok as f64 / self.vendor_total as f64
        }
    }

    pub fn permissions(&self) -> (f64, f64, f64) {
        prf(self.perm_tp, self.perm_got, self.perm_truth)
    }
}

/// Every document of `dir` that has `truth/<stem>.json`, in name order.
pub fn documents(dir: &Path) -> Result<Vec<(PathBuf, Truth)>, String> {
    let truth_dir = dir.join("truth");
    let rd = std::fs::read_dir(&truth_dir)
        .map_err(|e| format!("reading {}: {e}", truth_dir.display()))?;
    let mut out = Vec::new();
    for entry in rd {
        let path = entry
            .map_err(|e| format!("reading {}: {e}", truth_dir.display()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let truth: Truth =
            serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))?;
        let doc = dir.join(&truth.file);
        if !doc.exists() {
            return Err(format!(
                "{} names {}, which is not in {}",
                path.display(),
                truth.file,
                dir.display()
            ));
        }
        out.push((doc, truth));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    if out.is_empty() {
        return Err(format!("no truth files in {}", truth_dir.display()));
    }
    Ok(out)
}

/// Run the policy reader on every document with truth and score it.
pub fn evaluate(dir: &Path) -> Result<Vec<FileScore>, String> {
    let mut scores = Vec::new();
    for (path, truth) in documents(dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = appaudit::policy::load(&path, &appaudit::policy::LoadOptions::default());
        let s = match loaded.map(|d| serde_json::to_value(&d)) {
            Ok(Ok(json)) => {
                let (rows, perms) = extracted(&json);
                score(&name, &rows, &perms, &truth)
            }
            Ok(Err(e)) => failed(&name, &truth, e.to_string()),
            Err(e) => failed(&name, &truth, e.to_string()),
        };
        scores.push(s);
    }
    Ok(scores)
}

fn failed(name: &str, truth: &Truth, error: String) -> FileScore {
    let mut s = score(name, &[], &[], truth);
    s.error = Some(error);
    s
}
