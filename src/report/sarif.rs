//! SARIF 2.1.0: one reporting rule per finding rule, results with partialFingerprints so code
//! scanning tracks a finding across runs.

use crate::model::registry;
use crate::model::{Lang, Location, Severity};
use crate::report::audit::AuditReport;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Relative URIs for SARIF: forward slashes, no leading `./`.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    p.strip_prefix("./").unwrap_or(&p).to_string()
}

/// Renders the report as a SARIF log.
pub fn render(report: &AuditReport) -> String {
    let docs = registry::rules(Lang::En);
    let rules: Vec<Value> = docs
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.checks},
                "help": {
                    "text": format!("{}\n\nWhy: {}\n\nFix: {}\n\nClauses:\n{}", r.summary, r.why, r.fix, r.clauses.join("\n")),
                    "markdown": format!("{}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\n**Clauses.**\n{}", r.summary, r.why, r.fix,
                        r.clauses.iter().map(|c| format!("- {c}")).collect::<Vec<_>>().join("\n")),
                },
                "defaultConfiguration": {"level": level(r.severity())},
                "properties": {"tags": ["privacy", "compliance"], "severity": r.severity().as_str()},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = docs.iter().position(|r| r.id == f.rule);
            // The finding's own locations: policy lines as regions of the policy file, APK
            // entries as logical locations inside the app file.
            let mut locations: Vec<Value> = f
                .locations
                .iter()
                .map(|l| match l {
                    Location::Policy { file, line } => json!({"physicalLocation": {
                        "artifactLocation": {"uri": uri(file)},
                        "region": {"startLine": (*line).max(1)}
                    }}),
                    Location::Apk { entry } => json!({
                        "physicalLocation": {"artifactLocation": {"uri": uri(&report.app.path)}},
                        "logicalLocations": [{"fullyQualifiedName": entry, "kind": "resource"}]
                    }),
                })
                .collect();
            if locations.is_empty() {
                locations.push(json!({"physicalLocation": {
                    "artifactLocation": {"uri": uri(&report.app.path)}
                }}));
            }
            let fp = Sha256::digest(format!("{}\0{}\0{}", report.app.package, f.rule, f.subject).as_bytes());
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}\n{}", f.message, f.evidence.join("\n"))},
                "locations": locations,
                "partialFingerprints": {"appaudit/v1": format!("{fp:x}")},
                "properties": {"subject": f.subject, "subjectKind": f.subject_kind, "severity": f.severity.as_str(), "evidence": f.evidence},
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "appaudit",
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "automationDetails": {"id": format!("appaudit/{}", report.app.package)},
            "properties": {"rulesVersion": report.rules.version, "appSha256": report.app.sha256},
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}
