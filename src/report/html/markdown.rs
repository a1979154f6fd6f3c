//! The Markdown view (`audit --format markdown`): the HTML report's content for a pull request or
//! a wiki, figures drawn as text.

use super::labels::Labels;
use super::model::{self, data_type_name, Lang, SdkStatus, HYGIENE_RULES};
use crate::audit::{registry, registry_zh, Finding, Severity};
use crate::report::audit::AuditReport;
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

/// The whole Markdown report.
pub fn render(rep: &AuditReport) -> String {
    let lang = rep.lang();
    let l = Labels::of(lang);
    let s = &rep.summary;
    let pass = s.verdict == "pass";
    let mut out = format!(
        "## appaudit: {} for {} {}\n\n",
        if pass { "PASS" } else { "FAIL" },
        code(&rep.app.package),
        md(rep.app.version_name.as_deref().unwrap_or(""))
    );
    let _ = writeln!(out, "{}\n", md(l.scope_note));
    // 1. Verdict.
    let _ = writeln!(
        out,
        "### 1. {}\n\n**{}** ({} {})\n",
        md(l.verdict),
        md(if pass { l.pass } else { l.fail }),
        md(l.fail_on),
        md(&s.fail_on)
    );
    out.push_str(
        "| high | medium | low | info | suppressed | fail on |\n|---:|---:|---:|---:|---:|---|\n",
    );
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |\n",
        s.high, s.medium, s.low, s.info, s.suppressed, s.fail_on
    );
    let counts = [
        (Severity::High, s.high),
        (Severity::Medium, s.medium),
        (Severity::Low, s.low),
        (Severity::Info, s.info),
    ];
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    out.push_str("```text\n");
    for (sev, n) in counts {
        let _ = writeln!(out, "{:<6} {} {n}", sev.as_str(), bar(n, max));
    }
    out.push_str("```\n\n");
    // 2. App and policy.
    let a = &rep.app;
    let p = &rep.policy;
    let _ = writeln!(out, "### 2. {}\n", md(l.app_policy));
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
        "| {} | {} (sha256 {}) |",
        md(l.file),
        md(&a.path),
        code(&a.sha256)
    );
    for f in &p.files {
        let _ = writeln!(
            out,
            "| {} | {} (sha256 {}) |",
            md(l.the_policy),
            md(&f.path),
            code(&f.sha256)
        );
    }
    let _ = writeln!(
        out,
        "| {} | {} / {} / {} |",
        md(l.language),
        md(&p.language),
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
    sdks(&mut out, rep, l);
    permissions(&mut out, rep, l, lang);
    data_access(&mut out, rep, l, lang);
    hygiene(&mut out, rep, l);
    findings(&mut out, rep, l, lang);
    let _ = writeln!(
        out,
        "### 8. {}\n\nappaudit {}, rules {} ({} SDK), app sha256 {}.",
        md(l.repro),
        rep.tool.version,
        code(&rep.rules.version),
        rep.rules.sdks,
        code(&rep.app.sha256)
    );
    out
}

fn sdks(out: &mut String, rep: &AuditReport, l: &Labels) {
    let rows = model::side_by_side(rep);
    let _ = writeln!(out, "### 3. {}\n\n{}\n", md(l.sdks), md(l.sdk_note));
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
    for r in &rows {
        let app = r.app.map_or_else(
            || format!("_{}_", md(l.not_in_app)),
            |a| {
                let version = a
                    .version
                    .as_deref()
                    .map_or_else(String::new, |v| format!(" {}", md(v)));
                format!(
                    "{} {}{version} ({})",
                    md(&a.name),
                    code(&a.id),
                    md(&a.vendor)
                )
            },
        );
        let ev = r.app.map_or_else(String::new, |a| {
            a.evidence
                .iter()
                .take(2)
                .map(|e| md(&format!("{}: {}", e.source, e.value)))
                .collect::<Vec<_>>()
                .join("; ")
        });
        let (policy, vendor) = match (r.row, r.prose_line) {
            (Some(row), _) => (
                format!("{} ({} {})", md(&row.name), md(l.line), row.line),
                md(row.vendor.as_deref().unwrap_or("-")),
            ),
            (None, Some(line)) => (format!("{} {line}", md(l.prose_at)), String::new()),
            (None, None) => (format!("_{}_", md(l.no_row)), String::new()),
        };
        let status = md(l.sdk_status(r.status));
        let status = if matches!(r.status, SdkStatus::Disclosed) {
            status
        } else {
            format!("**{status}**")
        };
        let _ = writeln!(
            out,
            "| {status} | {} | {app} | {ev} | {policy} | {vendor} |",
            md(&l.category(&r.category))
        );
    }
    // The grid figure, as a table.
    let grid = model::category_grid(&rows);
    let _ = write!(out, "\n{}\n\n| {} |", md(l.fig_grid), md(l.category));
    for st in SdkStatus::ALL {
        let _ = write!(out, " {} |", md(l.sdk_status(st)));
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

fn permissions(out: &mut String, rep: &AuditReport, l: &Labels, lang: Lang) {
    let _ = writeln!(
        out,
        "### 4. {}\n\n| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        md(l.permissions),
        md(l.status),
        md(l.permission),
        md(l.dangerous),
        md(l.requested),
        md(l.policy_words)
    );
    for r in model::permission_rows(rep) {
        let status = if !r.requested {
            l.not_requested.to_string()
        } else if r.policy_text.is_some() {
            l.sdk_status(SdkStatus::Disclosed).to_string()
        } else if r.privacy_relevant {
            format!("**{}**", l.sdk_status(SdkStatus::Undisclosed))
        } else {
            l.not_relevant.to_string()
        };
        let group = match (lang, &r.group_zh) {
            (Lang::Zh, Some(g)) => format!(" {}", md(g)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {status} | {}{group} | {} | {} | {} |",
            code(&r.name),
            if r.dangerous { l.yes } else { l.no },
            if r.requested { l.yes } else { l.no },
            r.policy_text
                .as_ref()
                .map_or_else(String::new, |(t, line)| format!("{} ({line})", md(t)))
        );
    }
    out.push('\n');
}

fn data_access(out: &mut String, rep: &AuditReport, l: &Labels, lang: Lang) {
    let _ = writeln!(
        out,
        "### 5. {}\n\n| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
        md(l.data),
        md(l.status),
        md(l.code_of),
        md(l.data_type),
        md(l.apis),
        md(l.policy_mention)
    );
    for r in model::data_rows(rep) {
        let who = match (&r.sdk, &r.sdk_name) {
            (Some(id), Some(name)) => format!("{} {}", md(name), code(id)),
            (Some(id), None) => code(id),
            (None, _) => format!("_{}_", md(l.app_code)),
        };
        let status = md(l.data_status(r.status));
        let _ = writeln!(
            out,
            "| {} | {who} | {} {} | {} ({}) | {} |",
            if r.status == model::DataStatus::Disclosed {
                status
            } else {
                format!("**{status}**")
            },
            md(&data_type_name(&r.data_type, lang)),
            code(&r.data_type),
            md(&r.apis.join(", ")),
            md(&r.callers.join(", ")),
            r.policy_text
                .as_ref()
                .map_or_else(|| md(l.none), |(t, line)| format!("{} ({line})", md(t)))
        );
    }
    out.push('\n');
}

fn hygiene(out: &mut String, rep: &AuditReport, l: &Labels) {
    let m = &rep.detail.manifest;
    let f = |v: Option<bool>| v.map_or(l.unset.to_string(), |b| b.to_string());
    let _ = writeln!(
        out,
        "### 6. {}\n\n| {} | {} |\n|---|---|\n| android:debuggable | {} |\n| android:allowBackup | {} |\n| android:usesCleartextTraffic | {} |\n| android:networkSecurityConfig | {} |\n| {} | {} ({}) |\n",
        md(l.hygiene),
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
    for x in rep
        .findings
        .iter()
        .filter(|x| HYGIENE_RULES.contains(&x.rule.as_str()))
    {
        let _ = writeln!(
            out,
            "- **{}** {}: {}",
            l.severity(x.severity),
            code(&x.rule),
            md(&x.message)
        );
    }
    out.push('\n');
}

fn findings(out: &mut String, rep: &AuditReport, l: &Labels, lang: Lang) {
    let _ = writeln!(out, "### 7. {}\n", md(l.findings));
    if rep.findings.is_empty() {
        let _ = writeln!(out, "{}\n", md(l.no_findings_here));
    }
    let mut rules: Vec<&str> = Vec::new();
    for f in &rep.findings {
        if !rules.contains(&f.rule.as_str()) {
            rules.push(&f.rule);
        }
    }
    for rule in rules {
        let group: Vec<&Finding> = rep.findings.iter().filter(|f| f.rule == rule).collect();
        let sev = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let zh = registry_zh::zh(rule).filter(|_| lang == Lang::Zh);
        let doc = registry::get(rule);
        let (summary, fix, clauses): (&str, &str, Vec<&str>) = match (zh, doc) {
            (Some(z), _) => (z.summary, z.fix, z.clauses.to_vec()),
            (None, Some(d)) => (d.summary, d.fix, d.clauses.to_vec()),
            (None, None) => ("", "", Vec::new()),
        };
        let _ = writeln!(
            out,
            "#### {} {} ({}): {}\n",
            l.severity(sev),
            code(rule),
            group.len(),
            md(summary)
        );
        for f in group {
            let _ = writeln!(
                out,
                "- {} {}: {}{}",
                md(l.severity(f.severity)),
                code(&f.subject),
                md(&f.message),
                f.suppressed.as_deref().map_or(String::new(), |r| format!(
                    " _({}: {})_",
                    md(l.suppressed),
                    md(r)
                ))
            );
            for e in f.evidence.iter().take(3) {
                let _ = writeln!(out, "  - {}", md(e));
            }
        }
        let _ = writeln!(out, "\n{}: {}\n", md(l.fix), md(fix));
        if !clauses.is_empty() {
            let _ = writeln!(out, "{}:\n", md(l.clauses));
            for c in clauses {
                let _ = writeln!(out, "- {}", md(c));
            }
            out.push('\n');
        }
    }
}
