//! The `audit` report: the JSON contract (schema_version 1), and its table and Markdown views.

use crate::model::{
    AttributedCall, ConsentSummary, DataRow, DisclosedAs, Evidence, FailOn, Finding, Lang,
    ManifestFlags, PermissionRow, RuleId, SdkEvidence, SdkRow, Severity, Verdict,
};
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
    pub language: Lang,
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
    /// English name (the knowledge base's `name_en`).
    pub name_en: String,
    /// English vendor name (`vendor_en`).
    pub vendor_en: String,
    /// Category.
    pub category: String,
    /// The vendor's privacy policy.
    pub privacy_url: Option<String>,
    /// What the knowledge base says the SDK collects.
    pub known_data: Vec<String>,
    /// Why it was detected.
    pub evidence: Vec<SdkEvidence>,
    /// The same evidence, typed.
    pub evidence_items: Vec<Evidence>,
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
    pub fail_on: FailOn,
    /// `pass` or `fail`.
    pub verdict: Verdict,
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
    /// Every SDK found and every SDK the policy lists, side by side, most urgent first.
    pub sdk_table: Vec<SdkRow>,
    /// Permissions requested vs disclosed.
    pub permission_table: Vec<PermissionRow>,
    /// Sensitive data access by SDK vs disclosed.
    pub data_table: Vec<DataRow>,
    /// The manifest flags the hygiene rules read.
    pub manifest: ManifestFlags,
    /// What the search for collection before consent covered, and what it could not see.
    pub consent: ConsentSummary,
    /// How the report was asked for (not serialized: not a fact of the audit).
    #[serde(skip)]
    pub view: ViewOptions,
}

/// How a report was asked for: its language and the command line.
#[derive(Debug, Clone, Default)]
pub struct ViewOptions {
    /// `--lang`; `None` follows the policy (HTML, Markdown) or English (JSON messages).
    pub lang: Option<Lang>,
    /// The command line that produced the report.
    pub command: Vec<String>,
}

/// Everything [`AuditReport::new`] assembles.
pub struct ReportParts {
    /// The app.
    pub app: AppInfo,
    /// The rules database.
    pub rules: RulesInfo,
    /// The policy.
    pub policy: PolicyInfo,
    /// SDKs detected, with their disclosure.
    pub sdks: Vec<SdkEntry>,
    /// Requested permissions.
    pub permissions: Vec<PermissionEntry>,
    /// Sensitive API calls.
    pub data_access: Vec<AttributedCall>,
    /// Findings after overrides and the baseline.
    pub findings: Vec<Finding>,
    /// The gate.
    pub fail_on: Option<Severity>,
    /// The side-by-side SDK table.
    pub sdk_table: Vec<SdkRow>,
    /// Permissions requested vs disclosed.
    pub permission_table: Vec<PermissionRow>,
    /// Data access by SDK.
    pub data_table: Vec<DataRow>,
    /// Manifest flags.
    pub manifest: ManifestFlags,
    /// The consent search's coverage.
    pub consent: ConsentSummary,
    /// Language and command line.
    pub view: ViewOptions,
}

impl AuditReport {
    /// Assembles the report: counts and verdict, and each finding's `message` in the JSON
    /// language (`--lang`, else English).
    pub fn new(parts: ReportParts) -> AuditReport {
        let ReportParts {
            app,
            rules,
            policy,
            sdks,
            permissions,
            data_access,
            mut findings,
            fail_on,
            sdk_table,
            permission_table,
            data_table,
            manifest,
            consent,
            view,
        } = parts;
        if let Some(lang) = view.lang {
            for f in &mut findings {
                f.message = f.message_in(lang);
            }
        }
        let count = |s: Severity| {
            findings
                .iter()
                .filter(|f| f.suppressed.is_none() && f.severity == s)
                .count()
        };
        let failed = fail_on.is_some_and(|level| {
            findings
                .iter()
                .any(|f| f.suppressed.is_none() && f.severity >= level)
        });
        let summary = Summary {
            high: count(Severity::High),
            medium: count(Severity::Medium),
            low: count(Severity::Low),
            info: count(Severity::Info),
            suppressed: findings.iter().filter(|f| f.suppressed.is_some()).count(),
            fail_on: FailOn::of(fail_on),
            verdict: if failed { Verdict::Fail } else { Verdict::Pass },
        };
        AuditReport {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            rules,
            app,
            policy,
            sdks,
            permissions,
            data_access,
            findings,
            summary,
            sdk_table,
            permission_table,
            data_table,
            manifest,
            consent,
            view,
        }
    }

    /// The same report asked for in another way: `--lang` re-words the JSON messages.
    pub fn with_view(mut self, view: ViewOptions) -> AuditReport {
        let lang = view.lang.unwrap_or(Lang::En);
        for f in &mut self.findings {
            f.message = f.message_in(lang);
        }
        self.view = view;
        self
    }

    /// The language of the HTML and Markdown views: asked for, else the policy's.
    pub fn lang(&self) -> Lang {
        self.view.lang.unwrap_or(self.policy.language)
    }

    /// The detected SDK with this id.
    pub fn sdk(&self, id: &str) -> Option<&SdkEntry> {
        self.sdks.iter().find(|s| s.id == id)
    }

    /// The findings of a rule.
    pub fn findings_of(&self, rule: RuleId) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.rule == rule)
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
