//! The `audit` report: the JSON contract (schema_version 1), and its table and Markdown views.

use crate::audit::{
    AttributedCall, AuditOutcome, DisclosedAs, Finding, SdkEvidence, SdkView, Severity,
};
use crate::policy::PolicyDoc;
use crate::report::inspect::AppInfo;
use crate::report::{ToolInfo, SCHEMA_VERSION};
use serde::Serialize;

/// `policy` in the audit report.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyInfo {
    /// The file (or files joined) read.
    pub path: String,
    /// Every file, with its SHA-256.
    pub files: Vec<InputFile>,
    /// `zh` or `en`.
    pub language: String,
    /// The encoding it was read in.
    pub encoding: String,
    /// Number of SDK rows understood.
    pub sdk_rows: usize,
    /// Number of permission disclosures.
    pub permissions: usize,
    /// Number of data-type disclosures.
    pub data_types: usize,
    /// Effective or update date found in it.
    pub date: Option<String>,
}

/// An input file and its hash, so a result can be reproduced.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Path as given.
    pub path: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// One SDK in the audit report.
#[derive(Debug, Clone, Serialize)]
pub struct SdkEntry {
    /// Knowledge-base id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Vendor.
    pub vendor: String,
    /// Category.
    pub category: String,
    /// Why it was detected.
    pub evidence: Vec<SdkEvidence>,
    /// The SDK version, when the app reveals it.
    pub version: Option<String>,
    /// Where the version was read (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
    /// The policy row (or prose) that discloses it.
    pub disclosed_as: Option<DisclosedAs>,
}

/// One requested permission.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionEntry {
    /// Full name.
    pub name: String,
    /// Dangerous (runtime) permission.
    pub dangerous: bool,
    /// Named by the policy.
    pub disclosed: bool,
}

/// The rules database the audit ran with.
#[derive(Debug, Clone, Serialize)]
pub struct RulesInfo {
    /// `sha256:<hex>` over the rule files, so a result can be reproduced.
    pub version: String,
    /// Number of SDK rules.
    pub sdks: usize,
}

/// Counts by severity and the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Unsuppressed findings at high.
    pub high: usize,
    /// Unsuppressed findings at medium.
    pub medium: usize,
    /// Unsuppressed findings at low.
    pub low: usize,
    /// Unsuppressed findings at info.
    pub info: usize,
    /// Findings accepted by the baseline.
    pub suppressed: usize,
    /// `--fail-on` level (`none` when the gate never fails).
    pub fail_on: String,
    /// `pass` or `fail`.
    pub verdict: &'static str,
}

/// `audit --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// Which tool wrote it.
    pub tool: ToolInfo,
    /// The rules database.
    pub rules: RulesInfo,
    /// The app.
    pub app: AppInfo,
    /// The policy.
    pub policy: PolicyInfo,
    /// SDKs detected, with their disclosure.
    pub sdks: Vec<SdkEntry>,
    /// Requested permissions.
    pub permissions: Vec<PermissionEntry>,
    /// Sensitive API calls.
    pub data_access: Vec<AttributedCall>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Counts and verdict.
    pub summary: Summary,
    /// What the HTML and Markdown views show beyond the JSON (not serialized).
    #[serde(skip)]
    pub detail: crate::report::html::ReportDetail,
}

impl AuditReport {
    /// Assembles the report.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        app: AppInfo,
        rules: RulesInfo,
        policy: &PolicyDoc,
        policy_files: Vec<InputFile>,
        sdks: &[SdkView],
        calls: &[AttributedCall],
        outcome: &AuditOutcome,
        findings: Vec<Finding>,
        fail_on: Option<Severity>,
    ) -> AuditReport {
        let count = |s: Severity| {
            findings
                .iter()
                .filter(|f| f.suppressed.is_none() && f.severity == s)
                .count()
        };
        let summary = Summary {
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            info: count(Severity::Info),
            suppressed: findings.iter().filter(|f| f.suppressed.is_some()).count(),
            fail_on: fail_on.map_or("none".to_string(), |s| s.to_string()),
            verdict: if crate::audit::gate_fails(&findings, fail_on) {
                "fail"
            } else {
                "pass"
            },
        };
        AuditReport {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            rules,
            app,
            policy: PolicyInfo {
                path: policy.path.clone(),
                files: policy_files,
                language: policy.language.to_string(),
                encoding: policy.encoding.clone(),
                sdk_rows: policy.sdks.len(),
                permissions: policy.permissions.len(),
                data_types: policy.data_types.len(),
                date: policy.date.clone(),
            },
            sdks: sdks
                .iter()
                .zip(&outcome.sdk_disclosures)
                .map(|(s, d)| SdkEntry {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    vendor: s.vendor.clone(),
                    category: s.category.clone(),
                    evidence: s.evidence.clone(),
                    version: s.version.clone(),
                    version_source: s.version_source.clone(),
                    disclosed_as: d.clone(),
                })
                .collect(),
            permissions: outcome
                .permissions
                .iter()
                .map(|(name, dangerous, disclosed)| PermissionEntry {
                    name: name.clone(),
                    dangerous: *dangerous,
                    disclosed: *disclosed,
                })
                .collect(),
            data_access: calls.to_vec(),
            findings,
            summary,
            detail: Default::default(),
        }
    }

    /// The terminal view: a verdict line, the SDK table, then findings grouped by severity.
    pub fn render_table(&self) -> String {
        crate::report::audit_table::render(self)
    }

    /// Markdown for a pull-request comment or a wiki page: the HTML report's content.
    pub fn render_markdown(&self) -> String {
        crate::report::html::markdown::render(self)
    }
}
