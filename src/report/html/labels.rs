//! The fixed words of the HTML and Markdown views, read from the language's catalogue
//! (locales/*.toml, `labels` and the word tables): nothing here is written in a language.

use crate::model::locale::{self, catalogue};
use crate::model::{DataStatus, Lang, PermissionStatus, SdkStatus, Severity};
use std::sync::OnceLock;

/// Every fixed word of a report.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct Labels {
    /// The language.
    pub lang: Lang,
    pub title: &'static str,
    pub verdict: &'static str,
    pub app_policy: &'static str,
    pub sdks: &'static str,
    pub permissions: &'static str,
    pub data: &'static str,
    pub hygiene: &'static str,
    pub consent: &'static str,
    pub consent_coverage: &'static str,
    pub consent_incomplete: &'static str,
    pub consent_note: &'static str,
    pub consent_not_run: &'static str,
    pub findings: &'static str,
    pub repro: &'static str,
    pub pass: &'static str,
    pub fail: &'static str,
    pub fail_on: &'static str,
    pub fail_on_none: &'static str,
    pub suppressed: &'static str,
    pub the_app: &'static str,
    pub the_policy: &'static str,
    pub package: &'static str,
    pub version: &'static str,
    pub sdk_levels: &'static str,
    pub file: &'static str,
    pub packer: &'static str,
    pub language: &'static str,
    pub encoding: &'static str,
    pub date: &'static str,
    pub counts: &'static str,
    pub status: &'static str,
    pub category: &'static str,
    pub in_app: &'static str,
    pub in_policy: &'static str,
    pub vendor: &'static str,
    pub evidence: &'static str,
    pub line: &'static str,
    pub prose_at: &'static str,
    pub no_row: &'static str,
    pub not_in_app: &'static str,
    pub permission: &'static str,
    pub dangerous: &'static str,
    pub requested: &'static str,
    pub policy_words: &'static str,
    pub not_relevant: &'static str,
    pub not_requested: &'static str,
    pub code_of: &'static str,
    pub app_code: &'static str,
    pub data_type: &'static str,
    pub apis: &'static str,
    pub policy_mention: &'static str,
    pub setting: &'static str,
    pub value: &'static str,
    pub unset: &'static str,
    pub exported_components: &'static str,
    pub subject: &'static str,
    pub finding: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub clauses: &'static str,
    pub none: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub more: &'static str,
    pub fig_severity: &'static str,
    pub fig_grid: &'static str,
    pub tool: &'static str,
    pub rules_db: &'static str,
    pub command: &'static str,
    pub hashes: &'static str,
    pub scope_note: &'static str,
    pub sdk_note: &'static str,
    pub no_findings_here: &'static str,
    pub report_heading: &'static str,
}

impl Labels {
    fn load(lang: Lang) -> Labels {
        let cat = catalogue(lang);
        // The catalogue lives for the whole process, so its words are 'static.
        let w = |key: &str| -> &'static str {
            match cat.get("labels", key) {
                Some(t) => t,
                None => Box::leak(format!("⟦labels.{key}⟧").into_boxed_str()),
            }
        };
        Labels {
            lang,
            title: w("title"),
            verdict: w("verdict"),
            app_policy: w("app_policy"),
            sdks: w("sdks"),
            permissions: w("permissions"),
            data: w("data"),
            hygiene: w("hygiene"),
            consent: w("consent"),
            consent_coverage: w("consent_coverage"),
            consent_incomplete: w("consent_incomplete"),
            consent_note: w("consent_note"),
            consent_not_run: w("consent_not_run"),
            findings: w("findings"),
            repro: w("repro"),
            pass: w("pass"),
            fail: w("fail"),
            fail_on: w("fail_on"),
            fail_on_none: w("fail_on_none"),
            suppressed: w("suppressed"),
            the_app: w("the_app"),
            the_policy: w("the_policy"),
            package: w("package"),
            version: w("version"),
            sdk_levels: w("sdk_levels"),
            file: w("file"),
            packer: w("packer"),
            language: w("language"),
            encoding: w("encoding"),
            date: w("date"),
            counts: w("counts"),
            status: w("status"),
            category: w("category"),
            in_app: w("in_app"),
            in_policy: w("in_policy"),
            vendor: w("vendor"),
            evidence: w("evidence"),
            line: w("line"),
            prose_at: w("prose_at"),
            no_row: w("no_row"),
            not_in_app: w("not_in_app"),
            permission: w("permission"),
            dangerous: w("dangerous"),
            requested: w("requested"),
            policy_words: w("policy_words"),
            not_relevant: w("not_relevant"),
            not_requested: w("not_requested"),
            code_of: w("code_of"),
            app_code: w("app_code"),
            data_type: w("data_type"),
            apis: w("apis"),
            policy_mention: w("policy_mention"),
            setting: w("setting"),
            value: w("value"),
            unset: w("unset"),
            exported_components: w("exported_components"),
            subject: w("subject"),
            finding: w("finding"),
            why: w("why"),
            fix: w("fix"),
            clauses: w("clauses"),
            none: w("none"),
            yes: w("yes"),
            no: w("no"),
            more: w("more"),
            fig_severity: w("fig_severity"),
            fig_grid: w("fig_grid"),
            tool: w("tool"),
            rules_db: w("rules_db"),
            command: w("command"),
            hashes: w("hashes"),
            scope_note: w("scope_note"),
            sdk_note: w("sdk_note"),
            no_findings_here: w("no_findings_here"),
            report_heading: w("report_heading"),
        }
    }

    /// Every label key the views read (tests check each exists in every catalogue).
    pub const KEYS: &'static [&'static str] = &[
        "title",
        "verdict",
        "app_policy",
        "sdks",
        "permissions",
        "data",
        "hygiene",
        "consent",
        "consent_coverage",
        "consent_incomplete",
        "consent_note",
        "consent_not_run",
        "findings",
        "repro",
        "pass",
        "fail",
        "fail_on",
        "fail_on_none",
        "suppressed",
        "the_app",
        "the_policy",
        "package",
        "version",
        "sdk_levels",
        "file",
        "packer",
        "language",
        "encoding",
        "date",
        "counts",
        "status",
        "category",
        "in_app",
        "in_policy",
        "vendor",
        "evidence",
        "line",
        "prose_at",
        "no_row",
        "not_in_app",
        "permission",
        "dangerous",
        "requested",
        "policy_words",
        "not_relevant",
        "not_requested",
        "code_of",
        "app_code",
        "data_type",
        "apis",
        "policy_mention",
        "setting",
        "value",
        "unset",
        "exported_components",
        "subject",
        "finding",
        "why",
        "fix",
        "clauses",
        "none",
        "yes",
        "no",
        "more",
        "fig_severity",
        "fig_grid",
        "tool",
        "rules_db",
        "command",
        "hashes",
        "scope_note",
        "sdk_note",
        "no_findings_here",
        "report_heading",
    ];

    /// The labels of a language.
    pub fn of(lang: Lang) -> &'static Labels {
        static ALL: OnceLock<[Labels; 2]> = OnceLock::new();
        let all = ALL.get_or_init(|| [Labels::load(Lang::Zh), Labels::load(Lang::En)]);
        match lang {
            Lang::Zh => &all[0],
            Lang::En => &all[1],
        }
    }

    /// A severity's name.
    pub fn severity(&self, s: Severity) -> String {
        locale::word(self.lang, "severity", s.as_str())
    }

    /// An SDK status's name.
    pub fn sdk_status(&self, s: SdkStatus) -> String {
        locale::word(self.lang, "sdk-status", s.slug())
    }

    /// A permission status's name.
    pub fn permission_status(&self, s: PermissionStatus) -> String {
        locale::word(self.lang, "permission-status", s.slug())
    }

    /// A data-access status's name.
    pub fn data_status(&self, s: DataStatus) -> String {
        locale::word(self.lang, "data-status", s.slug())
    }

    /// A knowledge-base category's name.
    pub fn category(&self, c: &str) -> String {
        locale::category(self.lang, c)
    }
}
