//! The `audit` report in a terminal: the verdict, the SDK table, the findings by severity.
//!
//! Reads the report only through the accessors at the top, so a change of the report's types
//! touches them and nothing else.

use crate::model::locale;
use crate::model::{Finding, How, Lang, Severity};
use crate::report::audit::{AuditReport, SdkEntry};
use crate::report::table::{self, Priority};

// ---- accessors: the only places that know the report's field types ----

/// The terminal's language: `--lang`, else English (as the JSON messages).
fn lang(r: &AuditReport) -> Lang {
    r.view.lang.unwrap_or(Lang::En)
}

/// A `[terminal]` word or template of the catalogue, filled with `args`.
fn term(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    locale::format(lang, "terminal", key, args)
}

fn app_line(r: &AuditReport) -> String {
    table::printable(&term(
        lang(r),
        "app_line",
        &[
            ("package", r.app.package.clone()),
            (
                "version",
                r.app.version_name.clone().unwrap_or_else(|| "-".into()),
            ),
            ("path", r.app.path.clone()),
        ],
    ))
}

fn policy_path(r: &AuditReport) -> &str {
    &r.policy.path
}

fn sdks(r: &AuditReport) -> &[SdkEntry] {
    &r.sdks
}

/// An SDK's row; `--lang en` names it and its vendor in English (the knowledge base's forms),
/// else as Chinese policies do.
fn sdk_cells(lang: Lang, english_names: bool, s: &SdkEntry) -> [String; 4] {
    let disclosed = match &s.disclosed_as {
        Some(d) if d.how == How::Prose => {
            term(lang, "prose_at_line", &[("line", d.line.to_string())])
        }
        Some(d) => term(lang, "at_line", &[("line", d.line.to_string())]),
        None => term(lang, "not_disclosed", &[]),
    };
    let (name, vendor) = if english_names {
        (&s.name_en, &s.vendor_en)
    } else {
        (&s.name, &s.vendor)
    };
    [
        format!("{name} ({})", s.id),
        s.version.clone().unwrap_or_else(|| "-".to_string()),
        vendor.clone(),
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

/// The evidence lines in the table's language (the typed items when the finding has them).
fn evidence(lang: Lang, f: &Finding) -> Vec<String> {
    if f.evidence_items.is_empty() {
        return f.evidence.clone();
    }
    f.evidence_items
        .iter()
        .map(|e| locale::evidence(lang, e))
        .collect()
}

// ---- the view ----

/// `verdict: FAIL (--fail-on high): 8 high, 4 medium, 10 low, 1 info`: the line also printed on
/// standard error when the report goes to a file.
pub fn verdict_line(r: &AuditReport) -> String {
    let (s, lang) = (&r.summary, lang(r));
    let suppressed = if s.suppressed > 0 {
        term(
            lang,
            "suppressed_tail",
            &[("count", s.suppressed.to_string())],
        )
    } else {
        String::new()
    };
    term(
        lang,
        "verdict_line",
        &[
            ("verdict", locale::word(lang, "labels", s.verdict.as_str())),
            ("fail_on", s.fail_on.to_string()),
            ("high", s.high.to_string()),
            ("medium", s.medium.to_string()),
            ("low", s.low.to_string()),
            ("info", s.info.to_string()),
            ("suppressed", suppressed),
        ],
    )
}

/// The first piece of evidence and how many more there are (nothing said when there are none).
pub fn evidence_summary(lang: Lang, items: &[String]) -> Option<String> {
    let first = items.first()?;
    Some(match items.len() - 1 {
        0 => first.clone(),
        n => term(
            lang,
            "more",
            &[("first", first.clone()), ("count", n.to_string())],
        ),
    })
}

/// The terminal view: a verdict line, the SDK table, then findings grouped by severity.
pub fn render(r: &AuditReport) -> String {
    let lang = lang(r);
    let mut out = format!(
        "{}\n{}\n{}\n\n",
        app_line(r),
        table::printable(&term(
            lang,
            "policy_line",
            &[("path", policy_path(r).into())]
        )),
        verdict_line(r)
    );
    if !sdks(r).is_empty() {
        let heads =
            ["col_sdk", "col_version", "col_vendor", "col_disclosed"].map(|k| term(lang, k, &[]));
        let mut t = table::new(&heads.each_ref().map(String::as_str));
        t.priority(0, Priority::High).priority(3, Priority::High);
        for s in sdks(r) {
            t.add_row(sdk_cells(lang, r.view.lang == Some(Lang::En), s).to_vec());
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
            locale::word(lang, "severity", sev.as_str()).to_uppercase(),
            group.len()
        ));
        // Rule and subject stacked in one column: both are identifiers that must stay whole,
        // and side by side they would leave the message a sliver of an 80-column terminal.
        // Both give way in proportion: neither the identifiers nor the message take it all.
        let heads = ["col_rule_subject", "col_finding"].map(|k| term(lang, k, &[]));
        let mut t = table::new(&heads.each_ref().map(String::as_str));
        t.priority(0, Priority::High).priority(1, Priority::High);
        for f in group {
            let mut text = message(f);
            if let Some(ev) = evidence_summary(lang, &evidence(lang, f)) {
                text.push_str("\n- ");
                text.push_str(&ev);
            }
            t.add_row(vec![format!("{}\n{}", rule_id(f), subject(f)), text]);
        }
        out.push_str(&t.to_string());
        out.push_str("\n\n");
    }
    out.push_str(&before_consent(r, lang));
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
    out.push_str(&term(lang, "explain", &[]));
    out.push('\n');
    out
}

/// The "before consent" block: every call path of the consent findings, and why the search
/// may be incomplete; nothing when the search found nothing and saw everything.
fn before_consent(r: &AuditReport, lang: Lang) -> String {
    let c = &r.consent;
    let found: Vec<&Finding> = findings(r)
        .iter()
        .filter(|f| f.rule.is_consent() && is_suppressed(f).is_none())
        .collect();
    if found.is_empty() && c.incomplete.is_empty() {
        return String::new();
    }
    let mut out = term(
        lang,
        "consent_heading",
        &[
            ("entries", c.entries.to_string()),
            ("methods", c.methods_reached.to_string()),
        ],
    );
    out.push('\n');
    // A table, so that long paths wrap at the terminal's width.
    let heads = ["col_rule_subject", "col_finding"].map(|k| term(lang, k, &[]));
    let mut t = table::new(&heads.each_ref().map(String::as_str));
    t.priority(0, Priority::High).priority(1, Priority::High);
    if !c.incomplete.is_empty() {
        t.add_row(vec![
            "-".to_string(),
            term(
                lang,
                "consent_incomplete",
                &[("reasons", c.incomplete.join("; "))],
            ),
        ]);
    }
    for f in found {
        let paths: Vec<String> = f
            .evidence_items
            .iter()
            .filter(|e| matches!(e, crate::model::Evidence::CallPath { .. }))
            .map(|e| locale::evidence(lang, e))
            .collect();
        t.add_row(vec![
            format!("{}\n{}", rule_id(f), subject(f)),
            paths.join("\n"),
        ]);
    }
    out.push_str(&t.to_string());
    out.push('\n');
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_never_says_plus_zero_more() {
        assert_eq!(evidence_summary(Lang::En, &[]), None);
        assert_eq!(
            evidence_summary(Lang::En, &["a".into()]).as_deref(),
            Some("a")
        );
        assert_eq!(
            evidence_summary(Lang::En, &["a".into(), "b".into(), "c".into()]).as_deref(),
            Some("a (+2 more)")
        );
    }
}
