//! What the bulk scan and the release diff produce, as their views render it: those stages fill
//! these types and re-export them; the renderers (`report::scan`, `report::diff`) read them, so
//! no renderer imports a stage.

use crate::model::{locale, Lang};
use crate::report::audit::AuditReport;
use crate::report::inspect::InspectReport;
use crate::report::ToolInfo;
use serde::Serialize;
use std::path::PathBuf;

// ---- scan ----

/// One file the scan met.
#[derive(Debug, Clone)]
pub struct ScanItem {
    /// The file, as found.
    pub path: PathBuf,
    /// What came of it.
    pub result: ScanResult,
}

/// What came of one file.
#[derive(Debug, Clone)]
pub enum ScanResult {
    /// Analysed, no policy paired: what the app contains.
    Inspected(Box<InspectReport>),
    /// Audited against its paired policy.
    Audited(Box<AuditReport>),
    /// Could not be analysed (or its policy could not be read).
    Failed(String),
    /// Found in a directory, but not an app file by its extension.
    Skipped(String),
}

impl ScanItem {
    /// Findings at or above `--fail-on` (only audited apps can have them).
    pub fn fails_gate(&self) -> bool {
        matches!(&self.result, ScanResult::Audited(r) if r.summary.verdict == crate::model::Verdict::Fail)
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Files analysed that pass (or were only inspected).
    pub ok: usize,
    /// Audited apps with findings at or above `--fail-on`.
    pub findings: usize,
    /// Files that could not be analysed.
    pub errors: usize,
    /// Files skipped as not app files.
    pub skipped: usize,
}

impl ScanSummary {
    /// Counts the items.
    pub fn of(items: &[ScanItem]) -> ScanSummary {
        let mut s = ScanSummary::default();
        for it in items {
            s.add(it);
        }
        s
    }

    /// Counts one more item (a streamed scan counts them as they are done).
    pub fn add(&mut self, it: &ScanItem) {
        match &it.result {
            ScanResult::Failed(_) => self.errors += 1,
            ScanResult::Skipped(_) => self.skipped += 1,
            _ if it.fails_gate() => self.findings += 1,
            _ => self.ok += 1,
        }
    }

    /// `scanned 4 apps: 2 ok, 1 with findings, 1 error; 1 other file skipped (not an app)`, or
    /// `no app found (...)` when nothing could be scanned.
    pub fn line(&self) -> String {
        self.line_in(Lang::En)
    }

    /// The summary line in a language (the catalogues' `[scan]`).
    pub fn line_in(&self, lang: Lang) -> String {
        let w = |key: &str| locale::word(lang, "scan", key);
        let f = |key: &str, args: &[(&str, String)]| locale::format(lang, "scan", key, args);
        let one_or_many =
            |n: usize, key: &str| w(&format!("{key}_{}", if n == 1 { "one" } else { "many" }));
        let apps = self.ok + self.findings + self.errors;
        let skipped = match self.skipped {
            0 => String::new(),
            n => f(
                if n == 1 {
                    "skipped_one"
                } else {
                    "skipped_many"
                },
                &[("count", n.to_string())],
            ),
        };
        let mut s = if apps == 0 {
            w("no_app")
        } else {
            f(
                "summary",
                &[
                    ("apps", apps.to_string()),
                    ("app", one_or_many(apps, "app")),
                    ("ok", self.ok.to_string()),
                    ("findings", self.findings.to_string()),
                    ("errors", self.errors.to_string()),
                    ("error", one_or_many(self.errors, "error")),
                ],
            )
        };
        if !skipped.is_empty() {
            s.push_str(&w("summary_sep"));
            s.push_str(&skipped);
        }
        s
    }
}

// ---- diff ----

/// One release, as named in the diff.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Release {
    /// The file.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Package name.
    pub package: String,
    /// versionName.
    pub version_name: Option<String>,
    /// versionCode.
    pub version_code: Option<u64>,
}

/// An SDK added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SdkChange {
    /// Knowledge-base id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// Category.
    pub category: String,
    /// The SDK version, when the app reveals it.
    pub version: Option<String>,
    /// With a policy, for an added SDK: whether the policy fails to disclose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// An SDK in both releases whose version changed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SdkVersionChange {
    /// Knowledge-base id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version in the old release.
    pub old: Option<String>,
    /// Version in the new release.
    pub new: Option<String>,
}

/// A permission added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PermissionChange {
    /// Full name.
    pub name: String,
    /// A dangerous (runtime) permission.
    pub dangerous: bool,
    /// With a policy, for an added permission: whether the policy fails to disclose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// Sensitive data access (a data type, by an SDK or the app) added or removed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DataAccessChange {
    /// Data type.
    pub data_type: String,
    /// The SDK whose code collects it; `None` for the app's own or unattributed code.
    pub sdk: Option<String>,
    /// The APIs called.
    pub apis: Vec<String>,
    /// The calling classes.
    pub callers: Vec<String>,
    /// With a policy, for added access: whether the policy fails to disclose the data type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undisclosed: Option<bool>,
}

/// Counts and the verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiffSummary {
    /// Items added, removed or changed in all.
    pub changes: usize,
    /// Added items the policy does not disclose (0 without a policy).
    pub undisclosed_added: usize,
}

/// `diff --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseDiff {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// Which tool wrote it.
    pub tool: ToolInfo,
    /// The previous release.
    pub old: Release,
    /// The new release.
    pub new: Release,
    /// Whether both files have the same package name, i.e. are two releases of one app. When
    /// not, the diff compares two different apps and every difference between them is listed.
    pub same_package: bool,
    /// The policy the added items were checked against.
    pub policy: Option<String>,
    /// SDKs in the new release only.
    pub sdks_added: Vec<SdkChange>,
    /// SDKs in the old release only.
    pub sdks_removed: Vec<SdkChange>,
    /// SDKs in both whose version changed.
    pub sdk_versions: Vec<SdkVersionChange>,
    /// Permissions requested by the new release only.
    pub permissions_added: Vec<PermissionChange>,
    /// Permissions requested by the old release only.
    pub permissions_removed: Vec<PermissionChange>,
    /// Data access in the new release only.
    pub data_access_added: Vec<DataAccessChange>,
    /// Data access in the old release only.
    pub data_access_removed: Vec<DataAccessChange>,
    /// Counts.
    pub summary: DiffSummary,
}

impl ReleaseDiff {
    /// Whether anything was added, removed or changed.
    pub fn has_changes(&self) -> bool {
        self.summary.changes > 0
    }

    /// Whether the new release adds something its policy does not disclose.
    pub fn adds_undisclosed(&self) -> bool {
        self.summary.undisclosed_added > 0
    }
}
