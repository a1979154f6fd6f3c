//! The body of each section of the HTML report, built with maud (escaped by construction).
//! Reads the report and the catalogue only.

use super::labels::Labels;
use super::model::Section;
use super::{clean, link_markup, BR};
use crate::model::registry;
use crate::model::{locale, Finding, Lang, RuleId, Severity, SubjectKind, Verdict};
use crate::report::audit::{AuditReport, SdkEntry};
use crate::report::svg;
use maud::{html, Markup};

/// The body of one section.
pub fn body(s: Section, rep: &AuditReport, l: &Labels) -> Markup {
    match s {
        Section::Verdict => verdict(rep, l),
        Section::AppPolicy => app_policy(rep, l),
        Section::Sdks => sdks(rep, l),
        Section::Permissions => permissions(rep, l),
        Section::DataAccess => data_access(rep, l),
        Section::Consent => consent(rep, l),
        Section::Hygiene => hygiene(rep, l),
        Section::Findings => findings(rep, l),
        Section::Repro => repro(rep, l),
    }
}

fn badge(class: &str, text: &str) -> Markup {
    html! { span class={ "st " (class) } { (text) } }
}

fn opt<T: ToString>(v: Option<T>, l: &Labels) -> String {
    v.map_or_else(|| l.unset.to_string(), |x| x.to_string())
}

fn kv(rows: &[(&str, Markup)]) -> Markup {
    html! {
        table.kv {
            @for (k, v) in rows { tr { th { (k) } td { (v) } } }
        }
    }
}

/// The counts of unsuppressed findings, most severe first.
pub fn counts(rep: &AuditReport) -> [(Severity, usize); 4] {
    let s = &rep.summary;
    [
        (Severity::High, s.high),
        (Severity::Medium, s.medium),
        (Severity::Low, s.low),
        (Severity::Info, s.info),
    ]
}

/// An SDK's name and vendor in the report's language.
pub fn sdk_words(a: &SdkEntry, lang: Lang) -> (&str, &str) {
    match lang {
        Lang::Zh => (&a.name, &a.vendor),
        Lang::En => (&a.name_en, &a.vendor_en),
    }
}

fn verdict(rep: &AuditReport, l: &Labels) -> Markup {
    let s = &rep.summary;
    let pass = s.verdict == Verdict::Pass;
    let counts = counts(rep);
    let fail_on = s
        .fail_on
        .severity()
        .map_or_else(|| l.fail_on_none.to_string(), |sev| l.severity(sev));
    html! {
        div.glance {
            div class={ "badge " (if pass { "pass" } else { "fail" }) } id="verdict-badge" data-verdict=(s.verdict.as_str()) {
                (if pass { l.pass } else { l.fail })
            }
            div {
                table.counts {
                    tr {
                        @for (sev, _) in &counts { th { (l.severity(*sev)) } }
                        th { (l.suppressed) }
                    }
                    tr {
                        @for (sev, n) in &counts { td data-severity=(sev.as_str()) { b { (n) } } }
                        td { (s.suppressed) }
                    }
                }
                p { (l.fail_on) ": " b { (fail_on) } }
            }
            figure { (svg::severity_bars(&counts, l)) figcaption { (l.fig_severity) } }
        }
        "\n"
    }
}

fn app_policy(rep: &AuditReport, l: &Labels) -> Markup {
    let a = &rep.app;
    let app = kv(&[
        (l.package, html! { code { (clean(&a.package)) } }),
        (
            l.version,
            html! { (clean(a.version_name.as_deref().unwrap_or("-"))) " (" (opt(a.version_code, l)) ")" },
        ),
        (
            l.sdk_levels,
            html! { (opt(a.min_sdk, l)) " / " (opt(a.target_sdk, l)) },
        ),
        (l.file, html! { (clean(&a.path)) }),
        ("SHA-256", html! { span.ev { (a.sha256) } }),
        (l.packer, html! { (a.packer.as_deref().unwrap_or("-")) }),
    ]);
    let p = &rep.policy;
    let policy = kv(&[
        (
            l.file,
            html! {
                @for (i, f) in p.files.iter().enumerate() {
                    @if i > 0 { (BR) }
                    (clean(&f.path)) (BR) span.ev { (f.sha256) }
                }
            },
        ),
        (l.language, html! { (p.language.code()) }),
        (l.encoding, html! { (p.encoding) }),
        (l.date, html! { (p.date.as_deref().unwrap_or(l.none)) }),
        (
            l.counts,
            html! { (p.sdk_rows) " / " (p.permissions) " / " (p.data_types) },
        ),
    ]);
    html! {
        div.cols {
            div { h3 { (l.the_app) } (app) }
            div { h3 { (l.the_policy) } (policy) }
        }
        "\n"
    }
}

fn sdks(rep: &AuditReport, l: &Labels) -> Markup {
    let lang = l.lang;
    html! {
        p.note { (l.sdk_note) }
        figure { (svg::category_grid(rep, l)) figcaption { (l.fig_grid) } }
        "\n"
        table #sdk-side-by-side {
            thead { tr {
                th { (l.status) } th { (l.category) } th { (l.in_app) }
                th { (l.evidence) } th { (l.in_policy) } th { (l.vendor) }
            } }
            tbody {
                @for r in &rep.sdk_table {
                    @let app = r.sdk.as_deref().and_then(|id| rep.sdk(id));
                    tr data-status=(r.status.slug())
                       data-sdk-id=[app.map(|a| a.id.as_str())]
                       data-policy-row=[r.row.as_ref().map(|x| clean(&x.name))]
                       data-policy-line=[r.row.as_ref().map(|x| x.line)] {
                        td { (badge(&format!("st-{}", r.status.slug()), &l.sdk_status(r.status))) }
                        td { (r.category_name.get(lang)) }
                        td {
                            @if let Some(a) = app {
                                @let (name, vendor) = sdk_words(a, lang);
                                b { (name) } " " code { (a.id) }
                                @if let Some(v) = &a.version {
                                    " " span.ver title=(a.version_source.as_deref().unwrap_or_default()) { (v) }
                                }
                                (BR) (vendor)
                            } @else {
                                span.muted { (l.not_in_app) }
                            }
                        }
                        td {
                            @if let Some(a) = app {
                                span.ev {
                                    @for (i, e) in a.evidence_items.iter().take(3).enumerate() {
                                        @if i > 0 { (BR) }
                                        (clean(&locale::evidence(lang, e)))
                                    }
                                    @if a.evidence_items.len() > 3 {
                                        (BR) "+" (a.evidence_items.len() - 3) " " (l.more)
                                    }
                                }
                            }
                        }
                        @match (&r.row, r.prose_line) {
                            (Some(row), _) => {
                                td { (link_markup(row.link.as_deref(), &row.name)) " " span.muted { "(" (l.line) " " (row.line) ")" } }
                                td { (clean(row.vendor.as_deref().unwrap_or("-"))) }
                            }
                            (None, Some(line)) => {
                                td { (l.prose_at) " " (line) }
                                td {}
                            }
                            (None, None) => {
                                td { span.muted { (l.no_row) } }
                                td {}
                            }
                        }
                    }
                }
            }
        }
        "\n"
    }
}

fn permissions(rep: &AuditReport, l: &Labels) -> Markup {
    html! {
        table #permissions-table {
            thead { tr {
                th { (l.status) } th { (l.permission) } th { (l.dangerous) }
                th { (l.requested) } th { (l.policy_words) }
            } }
            tbody {
                @for r in &rep.permission_table {
                    tr data-permission=(r.name) data-status=(r.status.slug()) {
                        td { (badge(&format!("st-{}", r.status.slug()), &l.permission_status(r.status))) }
                        td {
                            code { (r.name) }
                            @if let (Lang::Zh, Some(g)) = (l.lang, &r.group_zh) { " " (g) }
                        }
                        td { (if r.dangerous { l.yes } else { l.no }) }
                        td { (if r.requested { l.yes } else { l.no }) }
                        td {
                            @if let Some(q) = &r.policy_text {
                                (clean(&q.text)) " " span.muted { "(" (q.line) ")" }
                            }
                        }
                    }
                }
            }
        }
        "\n"
    }
}

fn data_access(rep: &AuditReport, l: &Labels) -> Markup {
    let lang = l.lang;
    if rep.data_table.is_empty() {
        return html! { p { (l.none) } };
    }
    html! {
        table #data-table {
            thead { tr {
                th { (l.status) } th { (l.code_of) } th { (l.data_type) }
                th { (l.apis) } th { (l.policy_mention) }
            } }
            tbody {
                @for r in &rep.data_table {
                    tr data-data-type=(r.data_type) data-status=(r.status.slug()) {
                        td { (badge(&format!("st-{}", r.status.slug()), &l.data_status(r.status))) }
                        td {
                            @match (&r.sdk, &r.sdk_name) {
                                (Some(id), Some(name)) => { (name.get(lang)) " " code { (id) } }
                                (Some(id), None) => { code { (id) } }
                                (None, _) => { i { (l.app_code) } }
                            }
                        }
                        td { (r.data_type_name.get(lang)) " " code { (r.data_type) } }
                        td { span.ev { (r.apis.join(", ")) (BR) "(" (r.callers.join(", ")) ")" } }
                        td {
                            @match &r.policy_text {
                                Some(q) => { (clean(&q.text)) " " span.muted { "(" (q.line) ")" } }
                                None => { (l.none) }
                            }
                        }
                    }
                }
            }
        }
        "\n"
    }
}

fn hygiene(rep: &AuditReport, l: &Labels) -> Markup {
    let m = &rep.manifest;
    let flag = |v: Option<bool>| html! { (opt(v, l)) };
    let table = kv(&[
        ("android:debuggable", flag(m.debuggable)),
        ("android:allowBackup", flag(m.allow_backup)),
        (
            "android:usesCleartextTraffic",
            flag(m.uses_cleartext_traffic),
        ),
        (
            "android:networkSecurityConfig",
            html! { (clean(m.network_security_config.as_deref().unwrap_or(l.unset))) },
        ),
        (
            l.exported_components,
            html! { (m.exported) " (" (m.components) ")" },
        ),
    ]);
    let found: Vec<&Finding> = rep
        .findings
        .iter()
        .filter(|f| f.rule.is_hygiene())
        .collect();
    html! {
        div.cols {
            div { (table) }
            div {
                ul #hygiene-findings {
                    @for f in &found {
                        li {
                            (badge(&format!("sev-{}", f.severity), &l.severity(f.severity)))
                            " " code { (f.rule) } " " (clean(&f.message_in(l.lang)))
                        }
                    }
                    @if found.is_empty() { li { (l.no_findings_here) } }
                }
            }
        }
        "\n"
    }
}

/// What runs before consent: coverage, completeness, each finding with its call paths.
fn consent(rep: &AuditReport, l: &Labels) -> Markup {
    let c = &rep.consent;
    let found: Vec<&Finding> = rep
        .findings
        .iter()
        .filter(|f| f.rule.is_consent())
        .collect();
    let coverage = locale::fill(l.consent_coverage, &|n| match n {
        "entries" => Some(c.entries.to_string()),
        "methods" => Some(c.methods_reached.to_string()),
        _ => None,
    });
    let incomplete = locale::fill(l.consent_incomplete, &|n| {
        (n == "reasons").then(|| c.incomplete.join("; "))
    });
    html! {
        @if c.ran { p { (coverage) } } @else { p { (l.consent_not_run) } }
        @if !c.incomplete.is_empty() { p.warn { (clean(&incomplete)) } }
        ul #consent-findings {
            @for f in &found {
                li {
                    (badge(&format!("sev-{}", f.severity), &l.severity(f.severity)))
                    " " code { (f.rule) } " " (clean(&f.message_in(l.lang)))
                    ol {
                        @for e in &f.evidence_items {
                            @if let crate::model::Evidence::CallPath { .. } = e {
                                li { code { (clean(&locale::evidence(l.lang, e))) } }
                            }
                        }
                    }
                }
            }
            @if found.is_empty() { li { (l.no_findings_here) } }
        }
        p.sub { (l.consent_note) }
        "\n"
    }
}

/// A subject with its display name: the SDK's name, the permission's group, the data type's name.
fn subject_label(rep: &AuditReport, f: &Finding, lang: Lang) -> Markup {
    let subject = clean(&f.subject);
    match f.subject_kind {
        SubjectKind::Sdk => match rep.sdk(&f.subject) {
            Some(a) => html! { (sdk_words(a, lang).0) " " code { (subject) } },
            None => html! { code { (subject) } },
        },
        SubjectKind::Permission => {
            let group = rep
                .permission_table
                .iter()
                .find(|p| p.name == f.subject)
                .and_then(|p| p.group_zh.as_deref())
                .filter(|_| lang == Lang::Zh);
            html! { code { (subject) } @if let Some(g) = group { " " (g) } }
        }
        SubjectKind::DataType => match f.message_args.get("data") {
            Some(name) => html! { (name.get(lang)) " " code { (subject) } },
            None => html! { code { (subject) } },
        },
        _ => html! { code { (subject) } },
    }
}

/// The rules that fired, in the order of their first finding.
pub fn rules_fired(rep: &AuditReport) -> Vec<RuleId> {
    let mut rules: Vec<RuleId> = Vec::new();
    for f in &rep.findings {
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    rules
}

fn findings(rep: &AuditReport, l: &Labels) -> Markup {
    let lang = l.lang;
    let rules = rules_fired(rep);
    html! {
        @if rules.is_empty() { p { (l.no_findings_here) } }
        @for rule in rules {
            @let group: Vec<&Finding> = rep.findings_of(rule).collect();
            @let sev = group.iter().map(|f| f.severity).max().unwrap_or(Severity::Info);
            @let doc = registry::rule_in(rule, lang);
            article class={ "rule " (sev) } data-rule=(rule) {
                h3 {
                    (badge(&format!("sev-{sev}"), &l.severity(sev)))
                    " " code { (rule) } " " (doc.summary) " " span.muted { "(" (group.len()) ")" }
                }
                table.findings { tbody {
                    @for f in &group {
                        tr data-rule=(f.rule) data-subject=(clean(&f.subject)) {
                            td style="width:26%" { (subject_label(rep, f, lang)) }
                            td style="width:34%" {
                                (clean(&f.message_in(lang)))
                                @if let Some(r) = &f.suppressed { (BR) i { (l.suppressed) ": " (clean(r)) } }
                            }
                            td { span.ev {
                                @for (i, e) in f.evidence_items.iter().take(3).enumerate() {
                                    @if i > 0 { (BR) }
                                    (clean(&locale::evidence(lang, e)))
                                }
                                @if f.evidence_items.len() > 3 {
                                    (BR) "+" (f.evidence_items.len() - 3) " " (l.more)
                                }
                            } }
                        }
                    }
                } }
                dl { dt { (l.why) ":" } dd { (doc.why) } dt { (l.fix) ":" } dd { (doc.fix) } }
                @if !doc.clauses.is_empty() {
                    b.note { (l.clauses) ":" }
                    ul.clauses { @for c in &doc.clauses { li { (c) } } }
                }
            }
            "\n"
        }
    }
}

/// The command that reproduces the report.
pub fn command(rep: &AuditReport) -> String {
    if rep.view.command.is_empty() {
        format!(
            "appaudit audit {} --policy {} --fail-on {}",
            rep.app.path, rep.policy.path, rep.summary.fail_on
        )
    } else {
        rep.view.command.join(" ")
    }
}

fn repro(rep: &AuditReport, l: &Labels) -> Markup {
    kv(&[
        (l.tool, html! { (rep.tool.name) " " (rep.tool.version) }),
        (
            l.rules_db,
            html! { code { (rep.rules.version) } " (" (rep.rules.sdks) " SDK)" },
        ),
        (
            l.hashes,
            html! {
                (clean(&rep.app.path)) " " span.ev { (rep.app.sha256) }
                @for f in &rep.policy.files { (BR) (clean(&f.path)) " " span.ev { (f.sha256) } }
            },
        ),
        (l.command, html! { code { (clean(&command(rep))) } }),
    ])
}
