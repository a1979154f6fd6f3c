//! The sections of the HTML report, one function each.

use super::labels::Labels;
use super::model::{self, data_type_name, Lang, SdkStatus, HYGIENE_RULES};
use super::{esc, link};
use crate::audit::registry_zh;
use crate::audit::{registry, Finding, Severity};
use crate::report::audit::AuditReport;
use crate::report::svg;
use crate::rules::permissions::PermissionCatalog;
use std::fmt::Write;

fn section(id: &str, title: &str, inner: &str) -> String {
    format!(
        "<section id=\"{id}\"><h2>{}</h2>\n{inner}</section>\n",
        esc(title)
    )
}

fn badge(class: &str, text: &str) -> String {
    format!("<span class=\"st {class}\">{}</span>", esc(text))
}

fn opt<T: ToString>(v: Option<T>, l: &Labels) -> String {
    v.map_or_else(|| l.unset.to_string(), |x| x.to_string())
}

/// Counts by severity, the verdict against --fail-on, and the bar figure.
pub fn verdict(rep: &AuditReport, l: &Labels) -> String {
    let s = &rep.summary;
    let pass = s.verdict == "pass";
    let counts = [
        (Severity::High, s.high),
        (Severity::Medium, s.medium),
        (Severity::Low, s.low),
        (Severity::Info, s.info),
    ];
    let mut t = String::from("<table class=\"counts\"><tr>");
    for (sev, _) in &counts {
        let _ = write!(t, "<th>{}</th>", esc(l.severity(*sev)));
    }
    let _ = write!(t, "<th>{}</th></tr><tr>", esc(l.suppressed));
    for (sev, n) in &counts {
        let _ = write!(t, "<td data-severity=\"{sev}\"><b>{n}</b></td>");
    }
    let fail_on = if s.fail_on == "none" {
        l.fail_on_none.to_string()
    } else {
        l.severity(Severity::parse(&s.fail_on).unwrap_or(Severity::High))
            .to_string()
    };
    let _ = write!(
        t,
        "<td>{}</td></tr></table><p>{}: <b>{}</b></p>",
        s.suppressed,
        esc(l.fail_on),
        esc(&fail_on)
    );
    let inner = format!(
        "<div class=\"glance\"><div class=\"badge {cls}\" id=\"verdict-badge\" data-verdict=\"{v}\">{word}</div><div>{t}</div><figure>{fig}<figcaption>{cap}</figcaption></figure></div>\n",
        cls = if pass { "pass" } else { "fail" },
        v = s.verdict,
        word = esc(if pass { l.pass } else { l.fail }),
        fig = svg::severity_bars(&counts, l),
        cap = esc(l.fig_severity),
    );
    section("verdict", &format!("1. {}", l.verdict), &inner)
}

fn kv(rows: &[(&str, String)]) -> String {
    let mut t = String::from("<table class=\"kv\">");
    for (k, v) in rows {
        let _ = write!(t, "<tr><th>{}</th><td>{v}</td></tr>", esc(k));
    }
    t.push_str("</table>");
    t
}

/// The app (package, version, SDK levels, hash) and the policy (files, date found in it).
pub fn app_policy(rep: &AuditReport, l: &Labels) -> String {
    let a = &rep.app;
    let app = kv(&[
        (l.package, format!("<code>{}</code>", esc(&a.package))),
        (
            l.version,
            format!(
                "{} ({})",
                esc(a.version_name.as_deref().unwrap_or("-")),
                opt(a.version_code, l)
            ),
        ),
        (
            l.sdk_levels,
            format!("{} / {}", opt(a.min_sdk, l), opt(a.target_sdk, l)),
        ),
        (l.file, esc(&a.path)),
        (
            "SHA-256",
            format!("<span class=\"ev\">{}</span>", esc(&a.sha256)),
        ),
        (l.packer, esc(a.packer.as_deref().unwrap_or("-"))),
    ]);
    let p = &rep.policy;
    let files: Vec<String> = p
        .files
        .iter()
        .map(|f| {
            format!(
                "{}<br/><span class=\"ev\">{}</span>",
                esc(&f.path),
                esc(&f.sha256)
            )
        })
        .collect();
    let policy = kv(&[
        (l.file, files.join("<br/>")),
        (l.language, esc(&p.language)),
        (l.encoding, esc(&p.encoding)),
        (l.date, esc(p.date.as_deref().unwrap_or(l.none))),
        (
            l.counts,
            format!("{} / {} / {}", p.sdk_rows, p.permissions, p.data_types),
        ),
    ]);
    let inner = format!(
        "<div class=\"cols\"><div><h3>{}</h3>{app}</div><div><h3>{}</h3>{policy}</div></div>\n",
        esc(l.the_app),
        esc(l.the_policy)
    );
    section("app-policy", &format!("2. {}", l.app_policy), &inner)
}

/// The SDK table side by side, and the grid figure.
pub fn sdks(rep: &AuditReport, l: &Labels) -> String {
    let rows = model::side_by_side(rep);
    let grid = model::category_grid(&rows);
    let mut t = format!(
        "<table id=\"sdk-side-by-side\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.status),
        esc(l.category),
        esc(l.in_app),
        esc(l.evidence),
        esc(l.in_policy),
        esc(l.vendor)
    );
    for r in &rows {
        let mut attrs = format!("data-status=\"{}\"", r.status.slug());
        if let Some(a) = r.app {
            let _ = write!(attrs, " data-sdk-id=\"{}\"", esc(&a.id));
        }
        if let Some(row) = r.row {
            let _ = write!(
                attrs,
                " data-policy-row=\"{}\" data-policy-line=\"{}\"",
                esc(&row.name),
                row.line
            );
        }
        let app_cell = r.app.map_or_else(
            || format!("<span class=\"muted\">{}</span>", esc(l.not_in_app)),
            |a| {
                let version = a.version.as_deref().map_or_else(String::new, |v| {
                    format!(
                        " <span class=\"ver\" title=\"{}\">{}</span>",
                        esc(a.version_source.as_deref().unwrap_or_default()),
                        esc(v)
                    )
                });
                format!(
                    "<b>{}</b> <code>{}</code>{version}<br/>{}",
                    esc(&a.name),
                    esc(&a.id),
                    esc(&a.vendor)
                )
            },
        );
        let evidence = r.app.map_or_else(String::new, |a| {
            let mut ev: Vec<String> = a
                .evidence
                .iter()
                .take(3)
                .map(|e| format!("{}: {}", esc(&e.source), esc(&e.value)))
                .collect();
            if a.evidence.len() > 3 {
                ev.push(format!("+{} {}", a.evidence.len() - 3, esc(l.more)));
            }
            format!("<span class=\"ev\">{}</span>", ev.join("<br/>"))
        });
        let (policy_cell, vendor_cell) = match (r.row, r.prose_line) {
            (Some(row), _) => (
                format!(
                    "{} <span class=\"muted\">({} {})</span>",
                    row.link
                        .as_deref()
                        .map_or_else(|| esc(&row.name), |u| link(u, &row.name)),
                    esc(l.line),
                    row.line
                ),
                esc(row.vendor.as_deref().unwrap_or("-")),
            ),
            (None, Some(line)) => (format!("{} {line}", esc(l.prose_at)), String::new()),
            (None, None) => (
                format!("<span class=\"muted\">{}</span>", esc(l.no_row)),
                String::new(),
            ),
        };
        let _ = write!(
            t,
            "<tr {attrs}><td>{}</td><td>{}</td><td>{app_cell}</td><td>{evidence}</td><td>{policy_cell}</td><td>{vendor_cell}</td></tr>",
            badge(&format!("st-{}", r.status.slug()), l.sdk_status(r.status)),
            esc(&l.category(&r.category)),
        );
    }
    t.push_str("</tbody></table>\n");
    let inner = format!(
        "<p class=\"note\">{}</p><figure>{}<figcaption>{}</figcaption></figure>\n{t}",
        esc(l.sdk_note),
        svg::category_grid(&grid, l),
        esc(l.fig_grid)
    );
    section("sdks", &format!("3. {}", l.sdks), &inner)
}

/// Permissions requested vs disclosed.
pub fn permissions(rep: &AuditReport, l: &Labels, lang: Lang) -> String {
    let rows = model::permission_rows(rep);
    let mut t = format!(
        "<table id=\"permissions-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.status),
        esc(l.permission),
        esc(l.dangerous),
        esc(l.requested),
        esc(l.policy_words)
    );
    for r in &rows {
        let (cls, word) = if !r.requested {
            ("st-not-requested", l.not_requested)
        } else if r.policy_text.is_some() {
            ("st-disclosed", l.sdk_status(SdkStatus::Disclosed))
        } else if r.privacy_relevant {
            ("st-undisclosed", l.sdk_status(SdkStatus::Undisclosed))
        } else {
            ("st-not-relevant", l.not_relevant)
        };
        let group = match (lang, &r.group_zh) {
            (Lang::Zh, Some(g)) => format!(" {}", esc(g)),
            _ => String::new(),
        };
        let _ = write!(
            t,
            "<tr data-permission=\"{}\" data-status=\"{}\"><td>{}</td><td><code>{}</code>{group}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.name),
            cls.trim_start_matches("st-"),
            badge(cls, word),
            esc(&r.name),
            if r.dangerous { l.yes } else { l.no },
            if r.requested { l.yes } else { l.no },
            r.policy_text
                .as_ref()
                .map_or_else(String::new, |(text, line)| format!("{} <span class=\"muted\">({line})</span>", esc(text))),
        );
    }
    t.push_str("</tbody></table>\n");
    section("permissions", &format!("4. {}", l.permissions), &t)
}

/// Sensitive data access by SDK vs disclosed.
pub fn data_access(rep: &AuditReport, l: &Labels, lang: Lang) -> String {
    let rows = model::data_rows(rep);
    if rows.is_empty() {
        return section(
            "data-access",
            &format!("5. {}", l.data),
            &format!("<p>{}</p>", esc(l.none)),
        );
    }
    let mut t = format!(
        "<table id=\"data-table\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(l.status),
        esc(l.code_of),
        esc(l.data_type),
        esc(l.apis),
        esc(l.policy_mention)
    );
    for r in &rows {
        let who = match (&r.sdk, &r.sdk_name) {
            (Some(id), Some(name)) => format!("{} <code>{}</code>", esc(name), esc(id)),
            (Some(id), None) => format!("<code>{}</code>", esc(id)),
            (None, _) => format!("<i>{}</i>", esc(l.app_code)),
        };
        let _ = write!(
            t,
            "<tr data-data-type=\"{}\" data-status=\"{}\"><td>{}</td><td>{who}</td><td>{} <code>{}</code></td><td><span class=\"ev\">{}<br/>({})</span></td><td>{}</td></tr>",
            esc(&r.data_type),
            r.status.slug(),
            badge(&format!("st-{}", r.status.slug()), l.data_status(r.status)),
            esc(&data_type_name(&r.data_type, lang)),
            esc(&r.data_type),
            esc(&r.apis.join(", ")),
            esc(&r.callers.join(", ")),
            r.policy_text
                .as_ref()
                .map_or_else(|| esc(l.none), |(text, line)| format!("{} <span class=\"muted\">({line})</span>", esc(text))),
        );
    }
    t.push_str("</tbody></table>\n");
    section("data-access", &format!("5. {}", l.data), &t)
}

/// Manifest flags, and the hygiene findings.
pub fn hygiene(rep: &AuditReport, l: &Labels) -> String {
    let m = &rep.detail.manifest;
    let flag = |v: Option<bool>| opt(v, l);
    let table = kv(&[
        ("android:debuggable", esc(&flag(m.debuggable))),
        ("android:allowBackup", esc(&flag(m.allow_backup))),
        (
            "android:usesCleartextTraffic",
            esc(&flag(m.uses_cleartext_traffic)),
        ),
        (
            "android:networkSecurityConfig",
            esc(m.network_security_config.as_deref().unwrap_or(l.unset)),
        ),
        (
            l.exported_components,
            format!("{} ({})", m.exported, m.components),
        ),
    ]);
    let found: Vec<&Finding> = rep
        .findings
        .iter()
        .filter(|f| HYGIENE_RULES.contains(&f.rule.as_str()))
        .collect();
    let mut list = String::from("<ul id=\"hygiene-findings\">");
    for f in &found {
        let _ = write!(
            list,
            "<li>{} <code>{}</code> {}</li>",
            badge(&format!("sev-{}", f.severity), l.severity(f.severity)),
            esc(&f.rule),
            esc(&f.message)
        );
    }
    if found.is_empty() {
        let _ = write!(list, "<li>{}</li>", esc(l.no_findings_here));
    }
    list.push_str("</ul>");
    let inner = format!("<div class=\"cols\"><div>{table}</div><div>{list}</div></div>\n");
    section("hygiene", &format!("6. {}", l.hygiene), &inner)
}

/// A subject with its display name: the SDK's name, the permission's group, the data type's name.
fn subject_label(rep: &AuditReport, subject: &str, lang: Lang) -> String {
    if let Some(s) = rep.sdks.iter().find(|s| s.id == subject) {
        return format!("{} <code>{}</code>", esc(&s.name), esc(subject));
    }
    if lang == Lang::Zh {
        if let Some(g) = PermissionCatalog::builtin()
            .get(subject)
            .and_then(|r| r.group_zh.as_deref())
        {
            return format!("<code>{}</code> {}", esc(subject), esc(g));
        }
    }
    let name = data_type_name(subject, lang);
    if name != subject {
        return format!("{} <code>{}</code>", esc(&name), esc(subject));
    }
    format!("<code>{}</code>", esc(subject))
}

/// Each finding, grouped by rule, with what the rule checks and the clauses it rests on.
pub fn findings(rep: &AuditReport, l: &Labels, lang: Lang) -> String {
    let mut rules: Vec<&str> = Vec::new();
    for f in &rep.findings {
        if !rules.contains(&f.rule.as_str()) {
            rules.push(&f.rule);
        }
    }
    let mut inner = String::new();
    if rules.is_empty() {
        let _ = write!(inner, "<p>{}</p>", esc(l.no_findings_here));
    }
    for rule in rules {
        let group: Vec<&Finding> = rep.findings.iter().filter(|f| f.rule == rule).collect();
        let sev = group
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let doc = registry::get(rule);
        let zh = registry_zh::zh(rule).filter(|_| lang == Lang::Zh);
        let (summary, why, fix, clauses): (&str, &str, &str, Vec<&str>) = match (zh, doc) {
            (Some(z), _) => (z.summary, z.why, z.fix, z.clauses.to_vec()),
            (None, Some(d)) => (d.summary, d.why, d.fix, d.clauses.to_vec()),
            (None, None) => ("", "", "", Vec::new()),
        };
        let _ = write!(
            inner,
            "<article class=\"rule {sev}\" data-rule=\"{r}\"><h3>{} <code>{r}</code> {} <span class=\"muted\">({})</span></h3>",
            badge(&format!("sev-{sev}"), l.severity(sev)),
            esc(summary),
            group.len(),
            r = esc(rule),
        );
        inner.push_str("<table class=\"findings\"><tbody>");
        for f in &group {
            let mut ev: Vec<String> = f.evidence.iter().take(3).map(|e| esc(e)).collect();
            if f.evidence.len() > 3 {
                ev.push(format!("+{} {}", f.evidence.len() - 3, esc(l.more)));
            }
            let suppressed = f.suppressed.as_deref().map_or_else(String::new, |r| {
                format!("<br/><i>{}: {}</i>", esc(l.suppressed), esc(r))
            });
            let _ = write!(
                inner,
                "<tr data-rule=\"{}\" data-subject=\"{}\"><td style=\"width:26%\">{}</td><td style=\"width:34%\">{}{suppressed}</td><td><span class=\"ev\">{}</span></td></tr>",
                esc(&f.rule),
                esc(&f.subject),
                subject_label(rep, &f.subject, lang),
                esc(&f.message),
                ev.join("<br/>")
            );
        }
        inner.push_str("</tbody></table>");
        let _ = write!(
            inner,
            "<dl><dt>{}:</dt><dd>{}</dd><dt>{}:</dt><dd>{}</dd></dl>",
            esc(l.why),
            esc(why),
            esc(l.fix),
            esc(fix)
        );
        if !clauses.is_empty() {
            let _ = write!(
                inner,
                "<b class=\"note\">{}:</b><ul class=\"clauses\">",
                esc(l.clauses)
            );
            for c in clauses {
                let _ = write!(inner, "<li>{}</li>", esc(c));
            }
            inner.push_str("</ul>");
        }
        inner.push_str("</article>\n");
    }
    section("findings", &format!("7. {}", l.findings), &inner)
}

/// The tool and rules database versions, the inputs' hashes and the command.
pub fn repro(rep: &AuditReport, l: &Labels) -> String {
    let mut hashes = vec![format!(
        "{} <span class=\"ev\">{}</span>",
        esc(&rep.app.path),
        esc(&rep.app.sha256)
    )];
    hashes.extend(rep.policy.files.iter().map(|f| {
        format!(
            "{} <span class=\"ev\">{}</span>",
            esc(&f.path),
            esc(&f.sha256)
        )
    }));
    let command = if rep.detail.command.is_empty() {
        format!(
            "appaudit audit {} --policy {} --fail-on {}",
            rep.app.path, rep.policy.path, rep.summary.fail_on
        )
    } else {
        rep.detail.command.join(" ")
    };
    let table = kv(&[
        (
            l.tool,
            format!("{} {}", esc(rep.tool.name), esc(rep.tool.version)),
        ),
        (
            l.rules_db,
            format!(
                "<code>{}</code> ({} SDK)",
                esc(&rep.rules.version),
                rep.rules.sdks
            ),
        ),
        (l.hashes, hashes.join("<br/>")),
        (l.command, format!("<code>{}</code>", esc(&command))),
    ]);
    section("repro", &format!("8. {}", l.repro), &table)
}
