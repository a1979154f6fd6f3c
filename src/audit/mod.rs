//! The audit: detections, permissions and API calls compared with the policy's disclosures, as
//! coded findings. Rule families live one per module; waivers (baseline) and severity overrides
//! are applied in one place, [`finish`].

pub mod baseline;
pub mod data;
pub mod hygiene;
pub mod normalize;
pub mod permissions;
pub mod registry;
pub mod registry_zh;
pub mod sdks;
pub mod tamper;

use crate::apk::App;
use crate::policy::PolicyDoc;
use serde::Serialize;
use std::fmt;

/// Finding severity, ordered: info < low < medium < high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For the record.
    Info,
    /// Worth fixing.
    Low,
    /// Should be fixed before release.
    Medium,
    /// Blocks a release by default.
    High,
}

impl Severity {
    /// All, from the most severe.
    pub const ALL: [Severity; 4] = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Parses `high|medium|low|info`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "high" => Some(Severity::High),
            "medium" => Some(Severity::Medium),
            "low" => Some(Severity::Low),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One coded finding with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id (kebab-case, stable).
    pub rule: String,
    /// Severity after overrides.
    pub severity: Severity,
    /// SDK id, permission, data type, policy row name or component.
    pub subject: String,
    /// One sentence.
    pub message: String,
    /// What shows it: classes, libraries, manifest entries, policy lines.
    pub evidence: Vec<String>,
    /// The baseline's reason, when the finding is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

impl Finding {
    /// A finding at its rule's default severity.
    pub fn new(rule: &str, subject: &str, message: String, evidence: Vec<String>) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity: baseline::severity_of(rule),
            subject: subject.to_string(),
            message,
            evidence,
            suppressed: None,
        }
    }

    /// Same rule, other severity (rules whose level depends on the subject).
    pub fn at(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }
}

/// One piece of evidence for an SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkEvidence {
    /// `dex-class`, `native-lib`, `manifest-component`, `manifest-meta-data`, `asset`...
    pub source: String,
    /// The class prefix, library path, component or key.
    pub value: String,
}

/// A detected SDK as the audit sees it (detection joined with its knowledge-base rule).
#[derive(Debug, Clone, Serialize)]
pub struct SdkView {
    /// Knowledge-base id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor's legal name (Chinese first).
    pub vendor: String,
    /// Every name and alias a policy may use.
    #[serde(skip)]
    pub names: Vec<String>,
    /// Every vendor name (legal Chinese, English).
    #[serde(skip)]
    pub vendor_names: Vec<String>,
    /// Category (push, analytics, ads, packer...).
    pub category: String,
    /// Class prefixes of the SDK (to match package names a policy row gives).
    #[serde(skip)]
    pub prefixes: Vec<String>,
    /// Why it was detected.
    pub evidence: Vec<SdkEvidence>,
    /// The SDK version, when the app reveals it (null otherwise).
    pub version: Option<String>,
    /// Where the version was read (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
}

/// A sensitive API call with the SDK it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributedCall {
    /// Data type collected.
    pub data_type: String,
    /// `Lclass;->method`.
    pub api: String,
    /// Calling class (Java form).
    pub caller: String,
    /// SDK id, `None` for app code or unattributed code.
    pub sdk: Option<String>,
}

/// What the audit reads.
pub struct AuditInput<'a> {
    /// The app.
    pub app: &'a App,
    /// SDKs detected.
    pub sdks: &'a [SdkView],
    /// The packer's id, when one hides the code.
    pub packer: Option<&'a str>,
    /// Sensitive calls, attributed.
    pub calls: &'a [AttributedCall],
    /// The (merged) policy.
    pub policy: &'a PolicyDoc,
}

/// Where the policy discloses an SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedAs {
    /// The row's name as written.
    pub name: String,
    /// Its line.
    pub line: usize,
    /// How it matched: `name`, `package`, `vendor`, or `prose`.
    #[serde(rename = "match")]
    pub how: &'static str,
}

/// Everything the audit concluded.
#[derive(Debug, Clone, Serialize)]
pub struct AuditOutcome {
    /// For each SDK (same order as the input), where the policy discloses it.
    pub sdk_disclosures: Vec<Option<DisclosedAs>>,
    /// For each requested permission: (name, dangerous, disclosed).
    pub permissions: Vec<(String, bool, bool)>,
    /// The findings, before baseline and overrides.
    pub findings: Vec<Finding>,
}

/// Runs every rule family.
pub fn run(input: &AuditInput<'_>) -> AuditOutcome {
    let sdk_part = sdks::check(input);
    let mut findings = sdk_part.findings;
    let perm_part = permissions::check(input);
    findings.extend(perm_part.findings);
    findings.extend(data::check(input, &sdk_part.rows_of_sdk));
    findings.extend(hygiene::check(input));
    findings.extend(tamper::check(input));
    AuditOutcome {
        sdk_disclosures: sdk_part.disclosed,
        permissions: perm_part.statuses,
        findings,
    }
}

/// The one place findings are adjusted: severity overrides, then the baseline, then ordering.
pub fn finish(
    findings: &mut Vec<Finding>,
    overrides: &[(String, Severity)],
    baseline: Option<&baseline::Baseline>,
    today: (i32, u32, u32),
) {
    if let Some(b) = baseline {
        b.apply(findings, today);
    }
    for f in findings.iter_mut() {
        if let Some((_, sev)) = overrides.iter().rev().find(|(rule, _)| *rule == f.rule) {
            f.severity = *sev;
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.subject.cmp(&b.subject))
    });
}

/// Whether the gate fails: an unsuppressed finding at or above `fail_on` (`None` never fails).
pub fn gate_fails(findings: &[Finding], fail_on: Option<Severity>) -> bool {
    fail_on.is_some_and(|level| {
        findings
            .iter()
            .any(|f| f.suppressed.is_none() && f.severity >= level)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::High > Severity::Medium && Severity::Low > Severity::Info);
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.as_str()), Some(s));
        }
        assert_eq!(Severity::parse("critical"), None);
    }

    #[test]
    fn the_gate_counts_unsuppressed_findings_at_or_above_the_level() {
        let mut f = vec![Finding::new(
            "allow-backup",
            "application",
            "m".into(),
            vec![],
        )];
        assert!(gate_fails(&f, Some(Severity::Low)));
        assert!(!gate_fails(&f, Some(Severity::Medium)));
        assert!(!gate_fails(&f, None));
        f[0].suppressed = Some("ok".into());
        assert!(!gate_fails(&f, Some(Severity::Info)));
    }

    #[test]
    fn overrides_apply_in_one_place() {
        let mut f = vec![Finding::new(
            "allow-backup",
            "application",
            "m".into(),
            vec![],
        )];
        finish(
            &mut f,
            &[("allow-backup".into(), Severity::High)],
            None,
            (2026, 1, 1),
        );
        assert_eq!(f[0].severity, Severity::High);
    }
}
