//! The audit: detections, permissions and API calls compared with the policy's disclosures, as
//! coded findings. Rule families live one per module; waivers (baseline) and severity overrides
//! are applied in one place, [`finish`].

pub mod baseline;
pub mod consent;
pub mod data;
pub mod hygiene;
pub mod normalize;
pub mod permissions;
pub mod sdks;
pub mod tamper;

pub mod tables;

use crate::apk::App;
use crate::policy::PolicyDoc;
use serde::Serialize;

/// The rule registry lives in the model (renderers read it); kept reachable here.
pub use crate::model::registry;
pub use crate::model::{
    AttributedCall, DisclosedAs, Evidence, Finding, How, RuleId, SdkEvidence, Severity, SubjectKind,
};

/// A detected SDK as the audit sees it (detection joined with its knowledge-base rule).
#[derive(Debug, Clone, Serialize)]
pub struct SdkView {
    /// Knowledge-base id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Vendor's legal name (Chinese first).
    pub vendor: String,
    /// English name (the knowledge base's `name_en`; the name when it has none).
    pub name_en: String,
    /// English vendor name (`vendor_en`; the vendor when it has none).
    pub vendor_en: String,
    /// The vendor's privacy policy.
    pub privacy_url: Option<String>,
    /// What the knowledge base says the SDK collects.
    pub known_data: Vec<String>,
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
    /// The same evidence, typed.
    #[serde(skip)]
    pub items: Vec<Evidence>,
    /// The SDK version, when the app reveals it (null otherwise).
    pub version: Option<String>,
    /// Where the version was read (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
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
    /// What runs before consent.
    pub consent: &'a crate::consent::ConsentResult,
}

/// Everything the audit concluded.
#[derive(Debug, Clone, Serialize)]
pub struct AuditOutcome {
    /// For each SDK (same order as the input), where the policy discloses it.
    pub sdk_disclosures: Vec<Option<DisclosedAs>>,
    /// For each requested permission: (name, dangerous, disclosed).
    pub permissions: Vec<(String, bool, bool)>,
    /// Per SDK (input order), the indexes of the policy rows that name it.
    pub rows_of_sdk: Vec<Vec<usize>>,
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
    findings.extend(consent::check(input));
    AuditOutcome {
        sdk_disclosures: sdk_part.disclosed,
        permissions: perm_part.statuses,
        rows_of_sdk: sdk_part.rows_of_sdk,
        findings,
    }
}

/// The one place findings are adjusted: severity overrides, then the baseline, then ordering.
pub fn finish(
    findings: &mut Vec<Finding>,
    overrides: &[(RuleId, Severity)],
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
            .then_with(|| a.rule.as_str().cmp(b.rule.as_str()))
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
            RuleId::AllowBackup,
            "application",
            SubjectKind::Application,
            "",
            vec![],
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
            RuleId::AllowBackup,
            "application",
            SubjectKind::Application,
            "",
            vec![],
            vec![],
        )];
        finish(
            &mut f,
            &[(RuleId::AllowBackup, Severity::High)],
            None,
            (2026, 1, 1),
        );
        assert_eq!(f[0].severity, Severity::High);
    }
}
