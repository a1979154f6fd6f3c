//! The Markdown view (`audit --format markdown`): the HTML report's content for a pull request or
//! a wiki, figures drawn as text.

use super::labels::Labels;
use super::model::Section;
use super::sections::{command, counts, rules_fired, sdk_words};
use crate::model::{locale, DataStatus, Finding, Lang, SdkStatus, Severity, Verdict};
use crate::report::audit::AuditReport;
use crate::report::svg;
use std::fmt::Write;

/// Escapes Markdown table and emphasis characters; newlines become spaces.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if matches!(ch, '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\') {
            out.push('\\');
        }
        match ch {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Inline code: backticks cannot be escaped inside, so they are dropped.
fn code(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '`' && !c.is_control()).collect();
    format!("`{}`", clean.replace('|', "\\|"))
}

fn bar(n: usize, max: usize) -> String {
    let w = if max == 0 { 0 } else { (n * 30).div_ceil(max) };
    "█".repeat(w)
}

/// The whole Markdown report: the same sections as the HTML, in the same order.
pub fn render(rep: &AuditReport) -> String {
    let lang = rep.lang();
    let l = Labels::of(lang);
    let pass = rep.summary.verdict == Verdict::Pass;
    let heading = locale::fill(l.report_heading, &|name| match name {
        "verdict" => Some(if pass { l.pass } else { l.fail }.to_string()),
        "package" => Some(code(&rep.app.package)),
        "version" => Some(md(rep.app.version_name.as_deref().unwrap_or(""))),
        _ => None,
    });
    let mut out = format!("## {}\n\n", heading.trim_end());
    let _ = writeln!(out, "{}\n", md(l.scope_note));
    for s in Section::ALL {
        let _ = writeln!(out, "### {}\n", md(&s.title(l)));
        match s {
            Section::Verdict => verdict(&mut out, rep, l),
            Section::AppPolicy => app_policy(&mut out, rep, l),
            Section::Sdks => sdks(&mut out, rep, l),
            Section::Permissions => permissions(&mut out, rep, l),
            Section::DataAccess => data_access(&mut out, rep, l),
            Section::Consent => consent(&mut out, rep, l),
            Section::Hygiene => hygiene(&mut out, rep, l),
            Section::Findings => findings(&mut out, rep, l),
            Section::Repro => repro(&mut out, rep, l),
        }
    }
    out
}

fn verdict(out: &mut String, rep: &AuditReport, l: &Labels) {
    let s = &rep.summary;
    let pass = s.verdict == Verdict::Pass;
    let fail_on = s
        .fail_on
        .severity()
        .map_or_else(|| l.fail_on_none.to_string(), |sev| l.severity(sev));
    let _ = writeln!(
        out,
        "**{}** ({}: {})\n",
        md(if pass { l.pass } else { l.fail }),
        md(l.fail_on),
        md(&fail_on)
    );
    let counts = counts(rep);
    out.push('|');
    for (sev, _) in &counts {
        let _ = write!(out, " {} |", md(&l.severity(*sev)));
    }
    let _ = writeln!(out, " {} |\n|---:|---:|---:|---:|---:|", md(l.suppressed));
    out.push('|');
    for (_, n) in &counts {
        let _ = write!(out, " {n} |");
    }
    let _ = writeln!(out, " {} |\n", s.suppressed);
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    out.push_str("```text\n");
    for (sev, n) in counts {
        let name = l.severity(sev);
        // Chinese characters take two columns in a monospaced block.
        let width: usize = name
            .chars()
            .map(|c| {
                if locale::has_cjk(&c.to_string()) {
                    2
                } else {
                    1
                }
            })
            .sum();
        let pad = 7usize.saturating_sub(width);
        let _ = writeln!(out, "{name}{} {} {n}", " ".repeat(pad), bar(n, max));
    }
    out.push_str("```\n\n");
}

fn app_policy(out: &mut String, rep: &AuditReport, l: &Labels) {
    let a = &rep.app;
    let p = &rep.policy;
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| {} | {} |", md(l.package), code(&a.package));
    let _ = writeln!(
        out,
        "| {} | {} ({}) |",
        md(l.version),
        md(a.version_name.as_deref().unwrap_or("-")),
        a.version_code.map_or("-".to_string(), |v| v.to_string())
    );
    let _ = writeln!(
        out,
        "| {} | {} / {} |",
        md(l.sdk_levels),
        a.min_sdk.map_or("-".to_string(), |v| v.to_string()),
        a.target_sdk.map_or("-".to_string(), |v| v.to_string())
    );
    let _ = writeln!(
        out,
        "| {} | {} (SHA-256 {}) |",
        md(l.file),
        md(&a.path),
        code(&a.sha256)
    );
    for f in &p.files {
        let _ = writeln!(
            out,
            "| {} | {} (SHA-256 {}) |",
            md(l.the_policy),
            md(&f.path),
            code(&f.sha256)
        );
    }
    let _ = writeln!(
        out,
        "| {} | {} / {} / {} |",
        md(l.language),
        md(p.language.code()),
        md(&p.encoding),
        md(p.date.as_deref().unwrap_or(l.none))
    );
    let _ = writeln!(
        out,
        "| {} | {} / {} / {} |\n",
        md(l.counts),
        p.sdk_rows,
        p.permissions,
        p.data_types
    );
}

fn sdks(out: &mut String, rep: &AuditReport, l: &Labels) {
    let lang = l.lang;
    let _ = writeln!(out, "{}\n", md(l.sdk_note));
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |\n|---|---|---|---|---|---|",
        md(l.status),
        md(l.category),
        md(l.in_app),
        md(l.evidence),
        md(l.in_policy),
        md(l.vendor)
    );
    for r in &rep.sdk_table {
        let app = r.sdk.as_deref().and_then(|id| rep.sdk(id));
        let app_cell = app.map_or_else(
            || format!("_{}_", md(l.not_in_app)),
            |a| {
                let (name, vendor) = sdk_words(a, lang);
                let version = a
                    .version
                    .as_deref()
                    .map_or_else(String::new, |v| format!(" {}", md(v)));
                format!("{} {}{version} ({})", md(name), code(&a.id), md(vendor))
            },
        );
        let ev = app.map_or_else(String::new, |a| {
            a.evidence_items
                .iter()
                .take(2)
                .map(|e| md(&locale::evidence(lang, e)))
                .collect::<Vec<_>>()
                .join("; ")
        });
        let (policy, vendor) = match (&r.row, r.prose_line) {
            (Some(row), _) => (
                format!("{} ({} {})", md(&row.name), md(l.line), row.line),
                md(row.vendor.as_deref().unwrap_or("-")),
            ),
            (None, Some(line)) => (format!("{} {line}", md(l.prose_at)), String::new()),
            (None, None) => (format!("_{}_", md(l.no_row)), String::new()),
        };
        let status = md(&l.sdk_status(r.status));
        let status = if r.status == SdkStatus::Disclosed {
            status
        } else {
            format!("**{status}**")
        };
        let _ = writeln!(
            out,
            "| {status} | {} | {app_cell} | {ev} | {policy} | {vendor} |",
            md(r.category_name.get(lang))
        );
    }
    // The grid figure, as a table.
    let grid = svg::grid(rep, l);
    let _ = write!(out, "\n{}\n\n| {} |", md(l.fig_grid), md(l.category));
    for st in SdkStatus::ALL {
        let _ = write!(out, " {} |", md(&l.sdk_status(st)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(SdkStatus::ALL.len()));
    out.push('\n');
    for (cat, cells) in &grid {
        let _ = write!(out, "| {} |", md(&l.category(cat)));
        for st in SdkStatus::ALL {
            match cells.get(&st) {
                Some(names) => {
                    let _ = write!(out, " {} ({}) |", names.len(), md(&names.join(", ")));
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

fn permissions(out: &mut String, rep: &AuditReport, l: &Labels) {
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        md(l.status),
        md(l.permission),
        md(l.dangerous),
        md(l.requested),
        md(l.policy_words)
    );
    for r in &rep.permission_table {
        let word = md(&l.permission_status(r.status));
        let status = if r.status == crate::model::PermissionStatus::Undisclosed {
            format!("**{word}**")
        } else {
            word
        };
        let group = match (l.lang, &r.group_zh) {
            (Lang::Zh, Some(g)) => format!(" {}", md(g)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {status} | {}{group} | {} | {} | {} |",
            code(&r.name),
            if r.dangerous { l.yes } else { l.no },
            if r.requested { l.yes } else { l.no },
            r.policy_text.as_ref().map_or_else(String::new, |q| format!(
                "{} ({})",
                md(&q.text),
                q.line
            ))
        );
    }
    out.push('\n');
}

fn data_access(out: &mut String, rep: &AuditReport, l: &Labels) {
    let lang = l.lang;
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        md(l.status),
        md(l.code_of),
        md(l.data_type),
        md(l.apis),
        md(l.policy_mention)
    );
    for r in &rep.data_table {
        let who = match (&r.sdk, &r.sdk_name) {
            (Some(id), Some(name)) => format!("{} {}", md(name.get(lang)), code(id)),
            (Some(id), None) => code(id),
            (None, _) => format!("_{}_", md(l.app_code)),
        };
        let status = md(&l.data_status(r.status));
        let _ = writeln!(
            out,
            "| {} | {who} | {} {} | {} ({}) | {} |",
            if r.status == DataStatus::Disclosed {
                status
            } else {
                format!("**{status}**")
            },
            md(r.data_type_name.get(lang)),
            code(&r.data_type),
            md(&r.apis.join(", ")),
            md(&r.callers.join(", ")),
            r.policy_text
                .as_ref()
                .map_or_else(|| md(l.none), |q| format!("{} ({})", md(&q.text), q.line))
        );
    }
    out.push('\n');
}

fn consent(out: &mut String, rep: &AuditReport, l: &Labels) {
    let c = &rep.consent;
    if c.ran {
        let coverage = locale::fill(l.consent_coverage, &|n| match n {
            "entries" => Some(c.entries.to_string()),
            "methods" => Some(c.methods_reached.to_string()),
            _ => None,
        });
        let _ = writeln!(out, "{}\n", md(&coverage));
    } else {
        let _ = writeln!(out, "{}\n", md(l.consent_not_run));
    }
    if !c.incomplete.is_empty() {
        let text = locale::fill(l.consent_incomplete, &|n| {
            (n == "reasons").then(|| c.incomplete.join("; "))
        });
        let _ = writeln!(out, "**{}**\n", md(&text));
    }
    let found: Vec<&Finding> = rep
        .findings
        .iter()
        .filter(|x| x.rule.is_consent())
        .collect();
    if found.is_empty() {
        let _ = writeln!(out, "{}", md(l.no_findings_here));
    }
    for x in found {
        let _ = writeln!(
            out,
            "- **{}** {}: {}",
            md(&l.severity(x.severity)),
            code(x.rule.as_str()),
            md(&x.message_in(l.lang))
        );
        for e in &x.evidence_items {
            if let crate::model::Evidence::CallPath { .. } = e {
                let _ = writeln!(out, "  - {}", md(&locale::evidence(l.lang, e)));
            }
        }
    }
    let _ = writeln!(out, "\n{}\n", md(l.consent_note));
}

fn hygiene(out: &mut String, rep: &AuditReport, l: &Labels) {
    let m = &rep.manifest;
    let f = |v: Option<bool>| v.map_or(l.unset.to_string(), |b| b.to_string());
    let _ = writeln!(
        out,
        "| {} | {} |\n|---|---|\n| android:debuggable | {} |\n| android:allowBackup | {} |\n| android:usesCleartextTraffic | {} |\n| android:networkSecurityConfig | {} |\n| {} | {} ({}) |\n",
        md(l.setting),
        md(l.value),
        f(m.debuggable),
        f(m.allow_backup),
        f(m.uses_cleartext_traffic),
        md(m.network_security_config.as_deref().unwrap_or(l.unset)),
        md(l.exported_components),
        m.exported,
        m.components
    );
    for x in rep.findings.iter().filter(|x| x.rule.is_hygiene()) {
        let _ = writeln!(
            out,
            "- **{}** {}: {}",
            md(&l.severity(x.severity)),
            code(x.rule.as_str()),
            md(&x.message_in(l.lang))
        );
    }
    out.push('\n');
}

fn findings(out: &mut String, rep: &AuditReport, l: &Labels) {
    let lang = l.lang;
    if rep.findings.is_empty() {
        let _ = writeln!(out, "{}\n", md(l.no_findings_here));
    }
    for rule in rules_fired(rep) {
        let group: Vec<&Finding> = rep.findings_of(rule).collect();
        let sev = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let doc = crate::model::registry::rule_in(rule, lang);
        let _ = writeln!(
            out,
            "#### {} {} ({}): {}\n",
            md(&l.severity(sev)),
            code(rule.as_str()),
            group.len(),
            md(&doc.summary)
        );
        for f in group {
            let _ = writeln!(
                out,
                "- {} {}: {}{}",
                md(&l.severity(f.severity)),
                code(&f.subject),
                md(&f.message_in(lang)),
                f.suppressed.as_deref().map_or(String::new(), |r| format!(
                    " _({}: {})_",
                    md(l.suppressed),
                    md(r)
                ))
            );
            for e in f.evidence_items.iter().take(3) {
                let _ = writeln!(out, "  - {}", md(&locale::evidence(lang, e)));
            }
        }
        let _ = writeln!(out, "\n{}: {}\n", md(l.fix), md(&doc.fix));
        if !doc.clauses.is_empty() {
            let _ = writeln!(out, "{}:\n", md(l.clauses));
            for c in &doc.clauses {
                let _ = writeln!(out, "- {}", md(c));
            }
            out.push('\n');
        }
    }
}

fn repro(out: &mut String, rep: &AuditReport, l: &Labels) {
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(
        out,
        "| {} | {} {} |",
        md(l.tool),
        md(rep.tool.name),
        md(rep.tool.version)
    );
    let _ = writeln!(
        out,
        "| {} | {} ({} SDK) |",
        md(l.rules_db),
        code(&rep.rules.version),
        rep.rules.sdks
    );
    let _ = writeln!(
        out,
        "| {} | {} {} |",
        md(l.hashes),
        md(&rep.app.path),
        code(&rep.app.sha256)
    );
    for f in &rep.policy.files {
        let _ = writeln!(out, "| | {} {} |", md(&f.path), code(&f.sha256));
    }
    let _ = writeln!(out, "| {} | {} |", md(l.command), code(&command(rep)));
}
