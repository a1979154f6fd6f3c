//! The `scan` report: one row per file as a table (in English or Chinese: the catalogues'
//! `[scan]`) or CSV, or one JSON report per line (the audit or inspect contract, or an error
//! record).

use crate::model::{locale, Lang};
use crate::report::runs::{ScanItem, ScanResult};
use crate::report::table::{self, Priority};
use crate::report::SCHEMA_VERSION;
use serde::Serialize;

/// What became of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ScanStatus {
    /// Read (and audited, when a policy was paired) with nothing at or above `--fail-on`.
    #[default]
    Ok,
    /// Audited, with findings at or above `--fail-on`.
    Findings,
    /// Could not be read.
    Error,
    /// Not an app file.
    Skipped,
}

impl ScanStatus {
    /// The CSV's word: `ok`, `findings`, `error` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::Ok => "ok",
            ScanStatus::Findings => "findings",
            ScanStatus::Error => "error",
            ScanStatus::Skipped => "skipped",
        }
    }
}

/// One row of the table and the CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRow {
    /// The file.
    pub path: String,
    /// What became of it.
    pub status: ScanStatus,
    /// Package name.
    pub package: String,
    /// versionName.
    pub version_name: String,
    /// versionCode.
    pub version_code: String,
    /// SDK ids detected.
    pub sdks: Vec<String>,
    /// Dangerous permissions requested (short names).
    pub dangerous_permissions: Vec<String>,
    /// Unsuppressed findings high, medium, low, info; `None` when not audited.
    pub findings: Option<[usize; 4]>,
    /// Packer SDK id.
    pub packer: String,
    /// The paired policy.
    pub policy: String,
    /// Why the file failed or was skipped.
    pub error: String,
}

/// The CSV header (and the table's columns, in order).
pub const CSV_HEADER: &[&str] = &[
    "path",
    "status",
    "package",
    "version_name",
    "version_code",
    "sdks",
    "dangerous_permissions",
    "high",
    "medium",
    "low",
    "info",
    "packer",
    "policy",
    "error",
];

fn short_permission(name: &str) -> String {
    name.strip_prefix("android.permission.")
        .unwrap_or(name)
        .to_string()
}

impl ScanRow {
    /// The row of one scanned file.
    pub fn of(item: &ScanItem) -> ScanRow {
        let mut row = ScanRow {
            path: item.path.display().to_string(),
            ..ScanRow::default()
        };
        let fill_app = |row: &mut ScanRow, app: &crate::report::inspect::AppInfo| {
            row.package = app.package.clone();
            row.version_name = app.version_name.clone().unwrap_or_default();
            row.version_code = app.version_code.map(|c| c.to_string()).unwrap_or_default();
            row.packer = app.packer.clone().unwrap_or_default();
        };
        match &item.result {
            ScanResult::Inspected(r) => {
                row.status = ScanStatus::Ok;
                fill_app(&mut row, &r.app);
                row.sdks = r.sdks.iter().map(|d| d.id.clone()).collect();
                row.dangerous_permissions = r
                    .permissions
                    .iter()
                    .filter(|p| p.dangerous)
                    .map(|p| short_permission(&p.name))
                    .collect();
            }
            ScanResult::Audited(r) => {
                row.status = if item.fails_gate() {
                    ScanStatus::Findings
                } else {
                    ScanStatus::Ok
                };
                fill_app(&mut row, &r.app);
                row.sdks = r.sdks.iter().map(|d| d.id.clone()).collect();
                row.dangerous_permissions = r
                    .permissions
                    .iter()
                    .filter(|p| p.dangerous)
                    .map(|p| short_permission(&p.name))
                    .collect();
                let s = &r.summary;
                row.findings = Some([s.high, s.medium, s.low, s.info]);
                row.policy = r.policy.path.clone();
            }
            ScanResult::Failed(e) => {
                row.status = ScanStatus::Error;
                row.error = e.clone();
            }
            ScanResult::Skipped(why) => {
                row.status = ScanStatus::Skipped;
                row.error = why.clone();
            }
        }
        row
    }

    /// The CSV fields, in [`CSV_HEADER`] order.
    pub fn fields(&self) -> Vec<String> {
        let count = |i: usize| self.findings.map(|f| f[i].to_string()).unwrap_or_default();
        vec![
            self.path.clone(),
            self.status.as_str().to_string(),
            self.package.clone(),
            self.version_name.clone(),
            self.version_code.clone(),
            self.sdks.join(";"),
            self.dangerous_permissions.join(";"),
            count(0),
            count(1),
            count(2),
            count(3),
            self.packer.clone(),
            self.policy.clone(),
            self.error.clone(),
        ]
    }
}

/// The table: one row per app file, with counts (the CSV and JSON lines carry the lists): SDKs,
/// dangerous permissions, findings by severity (`-` when no policy was paired); errors are listed
/// in full below it. Files skipped as not apps are only counted, in the summary line.
pub fn render_table(items: &[ScanItem]) -> String {
    render_table_in(items, Lang::En)
}

/// The table in a language.
pub fn render_table_in(items: &[ScanItem], lang: Lang) -> String {
    let w = |key: &str| locale::word(lang, "scan", key);
    let items: Vec<&ScanItem> = items.iter().filter(|i| !is_skipped(i)).collect();
    if items.is_empty() {
        let mut s = w("no_apps");
        s.push('\n');
        return s;
    }
    let titles = [
        "col_file",
        "col_package",
        "col_version",
        "col_sdks",
        "col_danger",
        "col_findings",
        "col_packer",
        "col_status",
    ]
    .map(w);
    let mut t = table::new(&titles.each_ref().map(String::as_str));
    for col in [0, 1, 7] {
        t.priority(col, Priority::High);
    }
    let mut notes = Vec::new();
    let base = common_dir(items.iter().copied());
    for item in &items {
        let r = ScanRow::of(item);
        let shown = base
            .as_deref()
            .and_then(|b| item.path.strip_prefix(b).ok())
            .map_or_else(|| r.path.clone(), |p| p.display().to_string());
        if r.status == ScanStatus::Error {
            // Most messages already start with the path.
            if r.error.starts_with(&r.path) {
                notes.push(format!("  {}", r.error));
            } else {
                notes.push(format!("  {}: {}", r.path, r.error));
            }
        }
        let analysed = matches!(
            item.result,
            ScanResult::Inspected(_) | ScanResult::Audited(_)
        );
        let count = |v: &[String]| {
            if analysed {
                v.len().to_string()
            } else {
                String::new()
            }
        };
        t.add_row(vec![
            shown,
            r.package.clone(),
            // versionName only here; the CSV has the versionCode too.
            r.version_name.clone(),
            count(&r.sdks),
            count(&r.dangerous_permissions),
            r.findings.map_or("-".to_string(), |f| {
                format!("{}/{}/{}/{}", f[0], f[1], f[2], f[3])
            }),
            r.packer.clone(),
            w(&format!("status_{}", r.status.as_str())),
        ]);
    }
    t.drop_empty_columns();
    let mut out = match &base {
        Some(b) => {
            let mut s = w("in_dir").replace("{dir}", &b.display().to_string());
            s.push('\n');
            s
        }
        None => String::new(),
    };
    out.push_str(&t.to_string());
    out.push('\n');
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&w("errors").replace("{count}", &notes.len().to_string()));
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

fn is_skipped(item: &ScanItem) -> bool {
    matches!(item.result, ScanResult::Skipped(_))
}

/// The deepest directory holding every file, so the table can show shorter paths.
fn common_dir<'a>(items: impl Iterator<Item = &'a ScanItem>) -> Option<std::path::PathBuf> {
    let mut dirs = items.map(|i| i.path.parent().unwrap_or(&i.path));
    let mut base = dirs.next()?.to_path_buf();
    for d in dirs {
        while !d.starts_with(&base) {
            if !base.pop() {
                return None;
            }
        }
    }
    (!base.as_os_str().is_empty()).then_some(base)
}

/// One CSV field, quoted when it needs to be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV with a header row, one row per app file (files skipped as not apps are only counted).
pub fn render_csv(items: &[ScanItem]) -> String {
    let mut out = csv_header();
    for item in items {
        out.push_str(&csv_line(item).unwrap_or_default());
    }
    out
}

/// The CSV header row, with its line end.
pub fn csv_header() -> String {
    let mut out = CSV_HEADER.join(",");
    out.push('\n');
    out
}

/// One file's CSV row, with its line end; `None` for a file skipped as not an app (only
/// counted). `scan` streams these as the files are done.
pub fn csv_line(item: &ScanItem) -> Option<String> {
    if is_skipped(item) {
        return None;
    }
    let fields: Vec<String> = ScanRow::of(item)
        .fields()
        .iter()
        .map(|f| csv_field(f))
        .collect();
    let mut line = fields.join(",");
    line.push('\n');
    Some(line)
}

/// The JSON line of a file that failed.
#[derive(Serialize)]
struct ErrorLine<'a> {
    kind: &'static str,
    schema_version: u32,
    path: String,
    error: &'a str,
}

/// A report with the record's `kind` first (`audit` or `inspect`), the report's fields after it.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    kind: &'static str,
    #[serde(flatten)]
    report: &'a T,
}

/// One JSON object per line, each with a `kind`: `audit` (the audit report), `inspect` (the
/// inspect report) or `error` (`path`, `error`). Files skipped as not apps have no line.
pub fn render_jsonl(items: &[ScanItem]) -> String {
    items.iter().filter_map(jsonl_line).collect()
}

/// One file's JSON line, with its line end; `None` for a file skipped as not an app. `scan`
/// streams these as the files are done.
pub fn jsonl_line(item: &ScanItem) -> Option<String> {
    let line = match &item.result {
        ScanResult::Inspected(r) => serde_json::to_string(&Tagged {
            kind: "inspect",
            report: r.as_ref(),
        }),
        ScanResult::Audited(r) => serde_json::to_string(&Tagged {
            kind: "audit",
            report: r.as_ref(),
        }),
        ScanResult::Failed(e) => serde_json::to_string(&ErrorLine {
            kind: "error",
            schema_version: SCHEMA_VERSION,
            path: item.path.display().to_string(),
            error: e,
        }),
        ScanResult::Skipped(_) => return None,
    };
    let mut line = line.unwrap_or_else(|e| {
        serde_json::json!({
            "kind": "error",
            "schema_version": SCHEMA_VERSION,
            "path": item.path.display().to_string(),
            "error": format!("serializing the report: {e}"),
        })
        .to_string()
    });
    line.push('\n');
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn every_row_has_every_column() {
        let item = ScanItem {
            path: "x.apk".into(),
            result: ScanResult::Failed("x.apk: not a zip".into()),
        };
        assert_eq!(ScanRow::of(&item).fields().len(), CSV_HEADER.len());
        let csv = render_csv(&[item]);
        assert!(csv
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("x.apk,error,")));
    }

    #[test]
    fn skipped_files_are_counted_not_listed() {
        let skipped = ScanItem {
            path: "notes.txt".into(),
            result: ScanResult::Skipped("not an app file (.txt)".into()),
        };
        let failed = ScanItem {
            path: "bad.apk".into(),
            result: ScanResult::Failed("bad.apk: not a zip".into()),
        };
        let items = [skipped.clone(), failed];
        assert_eq!(render_csv(&items).lines().count(), 2);
        let jsonl = render_jsonl(&items);
        assert_eq!(jsonl.lines().count(), 1, "{jsonl}");
        assert!(jsonl.starts_with("{\"kind\":\"error\","), "{jsonl}");
        assert!(!render_table(&items).contains("notes.txt"));
        assert!(render_table(&[skipped]).starts_with("no app files found"));
    }
}
