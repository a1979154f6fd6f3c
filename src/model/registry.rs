//! The finding rules' documents: for every [`RuleId`] a one-line summary and a document with
//! fixed headings (what it checks, why it matters, how to fix, the clauses it rests on) that
//! `appaudit rules explain RULE` prints, SARIF carries and the reports' findings sections show.
//! The text is data: `locales/rules.en.toml` and `locales/rules.zh.toml` (the format is at the
//! top of each file and in docs/ARCHITECTURE.md), embedded at build time and read once.

use crate::model::{locale, Lang, RuleId, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const EN: &str = include_str!("../../locales/rules.en.toml");
const ZH: &str = include_str!("../../locales/rules.zh.toml");

/// One language's rules file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// Clause key -> the clause's text.
    #[serde(default)]
    pub clause: BTreeMap<String, String>,
    /// Rule id -> its document.
    #[serde(default)]
    pub rule: BTreeMap<String, RuleEntry>,
}

/// A rule's document as written: clauses are keys of [`RulesFile::clause`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleEntry {
    /// One line.
    pub summary: String,
    /// What it checks.
    pub checks: String,
    /// Why it matters.
    pub why: String,
    /// How to fix.
    pub fix: String,
    /// Keys of the clauses it rests on.
    pub clauses: Vec<String>,
}

impl RulesFile {
    /// Parses a rules file.
    pub fn parse(text: &str) -> Result<RulesFile, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// What is wrong with the file: a RuleId without a table, a table that is no RuleId, an
    /// empty field, a clause key cited but not defined, a clause defined but never cited.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for id in RuleId::ALL {
            match self.rule.get(id.as_str()) {
                None => out.push(format!("[rule.{id}] is missing")),
                Some(e) => {
                    for (field, text) in [
                        ("summary", &e.summary),
                        ("checks", &e.checks),
                        ("why", &e.why),
                        ("fix", &e.fix),
                    ] {
                        if text.trim().is_empty() {
                            out.push(format!("[rule.{id}] {field} is empty"));
                        }
                    }
                }
            }
        }
        for (key, e) in &self.rule {
            if RuleId::parse(key).is_none() {
                out.push(format!("[rule.{key}] is not a rule id"));
            }
            for c in &e.clauses {
                if !self.clause.contains_key(c) {
                    out.push(format!("[rule.{key}] cites clause {c:?}, not in [clause]"));
                }
            }
        }
        for (key, text) in &self.clause {
            if !self.rule.values().any(|e| e.clauses.contains(key)) {
                out.push(format!("[clause] {key} is cited by no rule"));
            }
            if text.trim().is_empty() {
                out.push(format!("[clause] {key} is empty"));
            }
        }
        out
    }
}

/// One finding rule's document in one language.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: RuleId,
    /// The language of the text.
    pub lang: Lang,
    /// One line.
    pub summary: String,
    /// What it checks.
    pub checks: String,
    /// Why it matters.
    pub why: String,
    /// How to fix.
    pub fix: String,
    /// The clauses it rests on (their text).
    pub clauses: Vec<String>,
}

impl Rule {
    /// Severity unless overridden.
    pub fn severity(&self) -> Severity {
        self.id.default_severity()
    }

    /// The document `rules explain` prints, fixed headings in a fixed order.
    pub fn explain(&self) -> String {
        let w = |key: &str| locale::word(self.lang, "rule-doc", key);
        let mut s = format!(
            "{id}  ({default}: {sev})\n{summary}\n\n## {h_checks}\n{checks}\n\n## {h_why}\n{why}\n\n## {h_fix}\n{fix}\n\n## {h_clauses}\n",
            id = self.id,
            default = w("default-severity"),
            sev = locale::word(self.lang, "severity", self.severity().as_str()),
            summary = self.summary,
            h_checks = w("checks"),
            checks = self.checks,
            h_why = w("why"),
            why = self.why,
            h_fix = w("fix"),
            fix = self.fix,
            h_clauses = w("clauses"),
        );
        for c in &self.clauses {
            s.push_str("- ");
            s.push_str(c);
            s.push('\n');
        }
        s
    }

    fn from_entry(id: RuleId, lang: Lang, file: &RulesFile) -> Rule {
        let missing = |field: &str| format!("⟦rules.{}.{id}.{field}⟧", lang.code());
        match file.rule.get(id.as_str()) {
            Some(e) => Rule {
                id,
                lang,
                summary: e.summary.clone(),
                checks: e.checks.clone(),
                why: e.why.clone(),
                fix: e.fix.clone(),
                clauses: e
                    .clauses
                    .iter()
                    .map(|k| {
                        file.clause
                            .get(k)
                            .cloned()
                            .unwrap_or_else(|| missing(&format!("clause.{k}")))
                    })
                    .collect(),
            },
            // The files are part of the build and tested (tests/rule_ids.rs); a missing
            // document shows as a marked gap rather than stopping an audit.
            None => Rule {
                id,
                lang,
                summary: missing("summary"),
                checks: missing("checks"),
                why: missing("why"),
                fix: missing("fix"),
                clauses: Vec::new(),
            },
        }
    }
}

/// The raw rules files, for tests.
pub fn sources() -> [(Lang, &'static str); 2] {
    [(Lang::Zh, ZH), (Lang::En, EN)]
}

/// Every rule's document in a language, in [`RuleId::ALL`]'s order.
pub fn rules(lang: Lang) -> &'static [Rule] {
    static DOCS: OnceLock<[Vec<Rule>; 2]> = OnceLock::new();
    let docs = DOCS.get_or_init(|| {
        Lang::ALL.map(|lang| {
            let text = match lang {
                Lang::Zh => ZH,
                Lang::En => EN,
            };
            let file = RulesFile::parse(text).unwrap_or_default();
            RuleId::ALL
                .iter()
                .map(|&id| Rule::from_entry(id, lang, &file))
                .collect()
        })
    });
    match lang {
        Lang::Zh => &docs[0],
        Lang::En => &docs[1],
    }
}

/// A rule's document in a language.
pub fn rule_in(id: RuleId, lang: Lang) -> &'static Rule {
    let all = rules(lang);
    let i = RuleId::ALL.iter().position(|&r| r == id).unwrap_or(0);
    &all[i]
}

/// A rule's English document.
pub fn rule(id: RuleId) -> &'static Rule {
    rule_in(id, Lang::En)
}

/// The English document of the rule with this id.
pub fn get(id: &str) -> Option<&'static Rule> {
    RuleId::parse(id).map(rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_parse_and_are_complete() {
        for (lang, text) in sources() {
            let file = RulesFile::parse(text).unwrap_or_else(|e| panic!("{lang:?}: {e}"));
            assert_eq!(file.problems(), Vec::<String>::new(), "{lang:?}");
        }
    }

    #[test]
    fn explain_has_the_fixed_headings_in_both_languages() {
        for lang in Lang::ALL {
            for r in rules(lang) {
                let doc = r.explain();
                assert!(doc.starts_with(r.id.as_str()), "{}", r.id);
                assert_eq!(doc.matches("\n## ").count(), 4, "{}", r.id);
                assert!(!doc.contains('⟦'), "{lang:?} {}: {doc}", r.id);
            }
        }
    }

    #[test]
    fn privacy_rules_cite_a_clause() {
        for lang in Lang::ALL {
            for r in rules(lang).iter().filter(|r| !r.id.is_baseline()) {
                assert!(!r.clauses.is_empty(), "{} cites no clause ({lang:?})", r.id);
            }
        }
    }
}
