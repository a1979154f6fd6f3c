//! SARIF 2.1.0: one reporting rule per finding rule, results with partialFingerprints so code
//! scanning tracks a finding across runs.

use crate::model::registry;
use crate::model::{locale, Lang, Location, Severity};
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

/// A rule's help in the catalogue's template (`rule-doc.sarif_text` or `sarif_markdown`).
fn help(lang: Lang, key: &str, r: &registry::Rule, clauses: String) -> String {
    locale::format(
        lang,
        "rule-doc",
        key,
        &[
            ("summary", r.summary.clone()),
            ("why", r.why.clone()),
            ("fix", r.fix.clone()),
            ("clauses", clauses),
        ],
    )
}

/// Renders the report as a SARIF log.
pub fn render(report: &AuditReport) -> String {
    // The rules' documents and the results' evidence follow --lang (English by default).
    let lang = report.view.lang.unwrap_or(Lang::En);
    let docs = registry::rules(lang);
    let rules: Vec<Value> = docs
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.checks},
                "help": {
                    "text": help(lang, "sarif_text", r, r.clauses.join("\n")),
                    "markdown": help(lang, "sarif_markdown", r,
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
            // The evidence lines in the report's language (the English ones are the contract's).
            let evidence: Vec<String> = match lang {
                Lang::Zh if !f.evidence_items.is_empty() => f
                    .evidence_items
                    .iter()
                    .map(|e| locale::evidence(lang, e))
                    .collect(),
                _ => f.evidence.clone(),
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": {"text": format!("{}\n{}", f.message, evidence.join("\n"))},
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
