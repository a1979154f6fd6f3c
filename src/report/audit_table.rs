//! The `audit` report in a terminal: the verdict, the SDK table, the findings by severity.
//!
//! Reads the report only through the accessors at the top, so a change of the report's types
//! touches them and nothing else.

use crate::model::{Finding, How, Severity};
use crate::report::audit::{AuditReport, SdkEntry};
use crate::report::table::{self, Priority};

// ---- accessors: the only places that know the report's field types ----

fn app_line(r: &AuditReport) -> String {
    table::printable(&format!(
        "app:    {} {} ({})",
        r.app.package,
        r.app.version_name.as_deref().unwrap_or("-"),
        r.app.path
    ))
}

fn policy_path(r: &AuditReport) -> &str {
    &r.policy.path
}

fn sdks(r: &AuditReport) -> &[SdkEntry] {
    &r.sdks
}

fn sdk_cells(s: &SdkEntry) -> [String; 4] {
    let disclosed = match &s.disclosed_as {
        Some(d) if d.how == How::Prose => format!("prose only, line {}", d.line),
        Some(d) => format!("line {}", d.line),
        None => "NO".to_string(),
    };
    [
        format!("{} ({})", s.name, s.id),
        s.version.clone().unwrap_or_else(|| "-".to_string()),
        s.vendor.clone(),
        disclosed,
    ]
}

fn findings(r: &AuditReport) -> &[Finding] {
    &r.findings
}

fn is_suppressed(f: &Finding) -> Option<&str> {
    f.suppressed.as_deref()
}

fn rule_id(f: &Finding) -> String {
    f.rule.to_string()
}

fn subject(f: &Finding) -> String {
    f.subject.clone()
}

fn message(f: &Finding) -> String {
    f.message.clone()
}

fn evidence(f: &Finding) -> Vec<String> {
    f.evidence.clone()
}

// ---- the view ----

/// `verdict: FAIL (--fail-on high): 8 high, 4 medium, 10 low, 1 info`: the line also printed on
/// standard error when the report goes to a file.
pub fn verdict_line(r: &AuditReport) -> String {
    let s = &r.summary;
    format!(
        "verdict: {} (--fail-on {}): {} high, {} medium, {} low, {} info{}",
        s.verdict.as_str().to_uppercase(),
        s.fail_on,
        s.high,
        s.medium,
        s.low,
        s.info,
        if s.suppressed > 0 {
            format!(", {} suppressed by the baseline", s.suppressed)
        } else {
            String::new()
        }
    )
}

/// The first piece of evidence and how many more there are (nothing said when there are none).
pub fn evidence_summary(items: &[String]) -> Option<String> {
    let first = items.first()?;
    Some(match items.len() - 1 {
        0 => first.clone(),
        n => format!("{first} (+{n} more)"),
    })
}

/// The terminal view: a verdict line, the SDK table, then findings grouped by severity.
pub fn render(r: &AuditReport) -> String {
    let mut out = format!(
        "{}\npolicy: {}\n{}\n\n",
        app_line(r),
        policy_path(r),
        verdict_line(r)
    );
    if !sdks(r).is_empty() {
        let mut t = table::new(&["SDK", "version", "vendor", "disclosed"]);
        t.priority(0, Priority::High).priority(3, Priority::High);
        for s in sdks(r) {
            t.add_row(sdk_cells(s).to_vec());
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    for sev in Severity::ALL {
        let group: Vec<&Finding> = findings(r)
            .iter()
            .filter(|f| f.severity == sev && is_suppressed(f).is_none())
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "{} ({})\n",
            sev.as_str().to_uppercase(),
            group.len()
        ));
        // Rule and subject stacked in one column: both are identifiers that must stay whole,
        // and side by side they would leave the message a sliver of an 80-column terminal.
        // Both give way in proportion: neither the identifiers nor the message take it all.
        let mut t = table::new(&["rule / subject", "finding"]);
        t.priority(0, Priority::High).priority(1, Priority::High);
        for f in group {
            let mut text = message(f);
            if let Some(ev) = evidence_summary(&evidence(f)) {
                text.push_str("\n- ");
                text.push_str(&ev);
            }
            t.add_row(vec![format!("{}\n{}", rule_id(f), subject(f)), text]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    let suppressed: Vec<&Finding> = findings(r)
        .iter()
        .filter(|f| is_suppressed(f).is_some())
        .collect();
    if !suppressed.is_empty() {
        out.push_str(&format!(
            "SUPPRESSED by the baseline ({})\n",
            suppressed.len()
        ));
        for f in suppressed {
            out.push_str(&format!(
                "  {} {}: {}\n",
                rule_id(f),
                subject(f),
                is_suppressed(f).unwrap_or_default()
            ));
        }
        out.push('\n');
    }
    out.push_str("Explain a rule: appaudit rules explain RULE\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_never_says_plus_zero_more() {
        assert_eq!(evidence_summary(&[]), None);
        assert_eq!(evidence_summary(&["a".into()]).as_deref(), Some("a"));
        assert_eq!(
            evidence_summary(&["a".into(), "b".into(), "c".into()]).as_deref(),
            Some("a (+2 more)")
        );
    }
}
