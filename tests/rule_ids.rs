//! The finding rules' ids are a contract (JSON, SARIF, baselines, `--severity`): this list pins
//! them. Adding a rule adds a line here; changing or removing one is a breaking change.

mod common;

use appaudit::model::registry::{self, RulesFile};
use appaudit::model::{Lang, RuleId};
use std::collections::HashSet;

const STABLE: &[&str] = &[
    "undisclosed-sdk",
    "disclosed-sdk-not-found",
    "sdk-vendor-mismatch",
    "sdk-disclosed-in-prose-only",
    "undisclosed-permission",
    "disclosed-permission-not-requested",
    "undisclosed-data-access",
    "sdk-data-not-disclosed",
    "packed-app",
    "debuggable-release",
    "cleartext-traffic",
    "allow-backup",
    "exported-without-permission",
    "tampered-archive",
    "tampered-manifest",
    "sdk-init-before-consent",
    "data-before-consent",
    "sdk-auto-init-provider",
    "baseline-entry-unmatched",
    "baseline-entry-expired",
];

#[test]
fn ids_are_the_stable_list_unique_and_round_trip() {
    let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(ids, STABLE, "the rule ids changed");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "an id is used twice");
    for &r in RuleId::ALL {
        let json = serde_json::to_string(&r).expect("serialize");
        assert_eq!(json, format!("\"{r}\""));
        let back: RuleId = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, r);
        assert_eq!(RuleId::parse(r.as_str()), Some(r));
    }
    assert!(serde_json::from_str::<RuleId>("\"undisclosed-sdks\"").is_err());
}

/// Every RuleId has every field (summary, checks, why, fix, clauses) in both languages'
/// locales/rules.*.toml, every clause cited exists and is cited, and no table names an id that
/// is not a RuleId.
#[test]
fn every_id_is_documented_in_both_languages_and_no_key_is_orphan() {
    for (lang, text) in registry::sources() {
        let file =
            RulesFile::parse(text).unwrap_or_else(|e| panic!("rules.{}.toml: {e}", lang.code()));
        assert_eq!(
            file.rule.len(),
            RuleId::ALL.len(),
            "rules.{}.toml",
            lang.code()
        );
        let problems = file.problems();
        assert!(
            problems.is_empty(),
            "rules.{}.toml: {problems:#?}",
            lang.code()
        );
        for &r in RuleId::ALL {
            let doc = registry::rule_in(r, lang);
            assert_eq!((doc.id, doc.lang), (r, lang));
            for field in [&doc.summary, &doc.checks, &doc.why, &doc.fix] {
                assert!(
                    !field.trim().is_empty() && !field.contains('⟦'),
                    "{r} {lang:?}"
                );
            }
            // A rule that cites a clause in one language cites one in the other.
            let other = registry::rule_in(r, if lang == Lang::En { Lang::Zh } else { Lang::En });
            assert_eq!(doc.clauses.is_empty(), other.clauses.is_empty(), "{r}");
            assert_eq!(doc.severity(), r.default_severity());
        }
    }
}

/// The checks above catch what they promise: a file with a missing field, an orphan rule, an
/// undefined and an uncited clause is refused or reported.
#[test]
fn the_completeness_check_finds_each_kind_of_gap() {
    let en = registry::sources()[1].1;
    let missing_field = en.replacen("\nchecks = ", "\nchecked = ", 1);
    assert!(
        RulesFile::parse(&missing_field).is_err(),
        "a misspelt field is accepted"
    );
    let orphan = format!("{en}\n[rule.no-such-rule]\nsummary = \"a\"\nchecks = \"b\"\nwhy = \"c\"\nfix = \"d\"\nclauses = [\"nowhere\"]\n");
    let problems = RulesFile::parse(&orphan).expect("parses").problems();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("no-such-rule] is not a rule id")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"nowhere\", not in [clause]")),
        "{problems:?}"
    );
    let uncited = en.replacen("[clause]\n", "[clause]\nnever-cited = \"x\"\n", 1);
    let problems = RulesFile::parse(&uncited).expect("parses").problems();
    assert_eq!(problems, ["[clause] never-cited is cited by no rule"]);
    let dropped = en.replacen("[rule.packed-app]", "[rule.packed-app-x]", 1);
    let problems = RulesFile::parse(&dropped).expect("parses").problems();
    assert!(
        problems.iter().any(|p| p == "[rule.packed-app] is missing"),
        "{problems:?}"
    );
}

/// `rules explain` (the list, then every rule's document) in both languages, as goldens:
/// tests/snapshots/rules-explain.{en,zh}.txt.
#[test]
fn rules_explain_goldens() {
    for (lang, name) in [
        (Lang::En, "rules-explain.en.txt"),
        (Lang::Zh, "rules-explain.zh.txt"),
    ] {
        let mut got = String::new();
        let mut args = vec!["rules", "explain", "--lang", lang.code()];
        got.push_str(&common::stdout(&common::appaudit(&args)));
        for r in RuleId::ALL {
            args.push(r.as_str());
            let out = common::appaudit(&args);
            assert!(out.status.success(), "{r}");
            got.push('\n');
            got.push_str(&common::stdout(&out));
            args.pop();
        }
        // The English default needs no flag.
        if lang == Lang::En {
            let plain = common::stdout(&common::appaudit(&["rules", "explain", "undisclosed-sdk"]));
            assert_eq!(plain, registry::rule(RuleId::UndisclosedSdk).explain());
        }
        common::golden(name, &got);
    }
}
