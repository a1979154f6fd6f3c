//! The `scan` report: one row per file as a table or CSV, or one JSON report per line (the audit
//! or inspect contract, or an error or skip record).

use crate::report::{table, SCHEMA_VERSION};
use crate::scan::{ScanItem, ScanResult};
use serde::Serialize;

/// One row of the table and the CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanRow {
    /// The file.
    pub path: String,
    /// `ok`, `findings`, `error` or `skipped`.
    pub status: &'static str,
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
                row.status = "ok";
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
                row.status = if item.fails_gate() { "findings" } else { "ok" };
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
                row.status = "error";
                row.error = e.clone();
            }
            ScanResult::Skipped(why) => {
                row.status = "skipped";
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
            self.status.to_string(),
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

/// The table: one row per file, with counts (the CSV and JSON lines carry the lists): SDKs,
/// dangerous permissions, findings by severity (`-` when no policy was paired); errors are listed
/// in full below it.
pub fn render_table(items: &[ScanItem]) -> String {
    let mut t = table::new(&[
        "file", "package", "version", "SDKs", "danger", "H/M/L/I", "packer", "status",
    ]);
    let mut notes = Vec::new();
    let base = common_dir(items);
    for item in items {
        let r = ScanRow::of(item);
        let shown = base
            .as_deref()
            .and_then(|b| item.path.strip_prefix(b).ok())
            .map_or_else(|| r.path.clone(), |p| p.display().to_string());
        // versionName only here; the CSV has the versionCode too.
        let version = r.version_name.clone();
        let status = match r.status {
            "error" => {
                // Most messages already start with the path.
                if r.error.starts_with(&r.path) {
                    notes.push(format!("  {}", r.error));
                } else {
                    notes.push(format!("  {}: {}", r.path, r.error));
                }
                "error".to_string()
            }
            s => s.to_string(),
        };
        let count = |v: &[String], item: &ScanItem| match item.result {
            ScanResult::Inspected(_) | ScanResult::Audited(_) => v.len().to_string(),
            _ => String::new(),
        };
        t.add_row(vec![
            shown,
            r.package.clone(),
            version,
            count(&r.sdks, item),
            count(&r.dangerous_permissions, item),
            r.findings.map_or("-".to_string(), |f| {
                format!("{}/{}/{}/{}", f[0], f[1], f[2], f[3])
            }),
            r.packer.clone(),
            status,
        ]);
    }
    // Short columns keep their width; the file and package columns wrap instead.
    for i in 2..8 {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
        }
    }
    let mut out = match &base {
        Some(b) => format!("in {}:\n", b.display()),
        None => String::new(),
    };
    out.push_str(&t.to_string());
    out.push('\n');
    if !notes.is_empty() {
        out.push_str(&format!("\nErrors ({})\n", notes.len()));
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}

/// The deepest directory holding every file, so the table can show shorter paths.
fn common_dir(items: &[ScanItem]) -> Option<std::path::PathBuf> {
    let mut dirs = items.iter().map(|i| i.path.parent().unwrap_or(&i.path));
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

/// CSV with a header row, one row per file.
pub fn render_csv(items: &[ScanItem]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push('\n');
    for item in items {
        let fields: Vec<String> = ScanRow::of(item)
            .fields()
            .iter()
            .map(|f| csv_field(f))
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The JSON line of a file that failed.
#[derive(Serialize)]
struct ErrorLine<'a> {
    schema_version: u32,
    path: String,
    error: &'a str,
}

/// The JSON line of a file skipped as not an app.
#[derive(Serialize)]
struct SkippedLine<'a> {
    schema_version: u32,
    path: String,
    skipped: &'a str,
}

/// One JSON object per line: the audit report, the inspect report, or an error/skip record.
pub fn render_jsonl(items: &[ScanItem]) -> String {
    let mut out = String::new();
    for item in items {
        let path = item.path.display().to_string();
        let line = match &item.result {
            ScanResult::Inspected(r) => serde_json::to_string(r),
            ScanResult::Audited(r) => serde_json::to_string(r),
            ScanResult::Failed(e) => serde_json::to_string(&ErrorLine {
                schema_version: SCHEMA_VERSION,
                path,
                error: e,
            }),
            ScanResult::Skipped(why) => serde_json::to_string(&SkippedLine {
                schema_version: SCHEMA_VERSION,
                path,
                skipped: why,
            }),
        };
        match line {
            Ok(l) => out.push_str(&l),
            Err(e) => out.push_str(&format!(
                "{{\"schema_version\":{SCHEMA_VERSION},\"error\":\"serializing the report: {e}\"}}"
            )),
        }
        out.push('\n');
    }
    out
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
            path: "x.txt".into(),
            result: ScanResult::Skipped("not an app file (.txt)".into()),
        };
        assert_eq!(ScanRow::of(&item).fields().len(), CSV_HEADER.len());
        let csv = render_csv(&[item]);
        assert!(csv
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("x.txt,skipped,")));
    }
}
