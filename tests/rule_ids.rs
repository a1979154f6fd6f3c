//! The finding rules' ids are a contract (JSON, SARIF, baselines, `--severity`): this list pins
//! them. Adding a rule adds a line here; changing or removing one is a breaking change.

use appaudit::model::registry::{self, RULES};
use appaudit::model::RuleId;
use std::collections::HashSet;

const STABLE: &[&str] = &[
    "undisclosed-sdk",
    "disclosed-sdk-not-found",
    "sdk-vendor-mismatch",
    "sdk-disclosed-in-prose-only",
    "undisclosed-permission",
    "disclosed-permission-not-requested",
    "undisclosed-data-access",
    "sdk-data-not-disclosed",
    "packed-app",
    "debuggable-release",
    "cleartext-traffic",
    "allow-backup",
    "exported-without-permission",
    "tampered-archive",
    "tampered-manifest",
    "sdk-init-before-consent",
    "data-before-consent",
    "sdk-auto-init-provider",
    "baseline-entry-unmatched",
    "baseline-entry-expired",
];

#[test]
fn ids_are_the_stable_list_unique_and_round_trip() {
    let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(ids, STABLE, "the rule ids changed");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "an id is used twice");
    for &r in RuleId::ALL {
        let json = serde_json::to_string(&r).expect("serialize");
        assert_eq!(json, format!("\"{r}\""));
        let back: RuleId = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, r);
        assert_eq!(RuleId::parse(r.as_str()), Some(r));
    }
    assert!(serde_json::from_str::<RuleId>("\"undisclosed-sdks\"").is_err());
}

#[test]
fn every_id_is_documented_in_both_languages() {
    assert_eq!(RULES.len(), RuleId::ALL.len());
    for &r in RuleId::ALL {
        let doc = registry::rule(r);
        assert_eq!(doc.id, r);
        assert!(!doc.summary.is_empty() && !doc.why.is_empty() && !doc.fix.is_empty());
        let zh = appaudit::model::registry_zh::zh(r);
        assert!(!zh.summary.is_empty() && !zh.why.is_empty() && !zh.fix.is_empty());
        assert_eq!(doc.severity(), r.default_severity());
    }
}
