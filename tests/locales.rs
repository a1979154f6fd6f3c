//! The catalogues (locales/zh.toml, locales/en.toml) hold every word the reports show: both have
//! the same keys, every rule's message and every label renders in both languages, every
//! placeholder of a template is an argument the code gives, and every category the knowledge
//! base uses has a name.

use appaudit::model::locale::{self, catalogue, Catalogue};
use appaudit::model::{
    Arg, DataStatus, Evidence, Lang, PermissionStatus, RuleId, SdkStatus, Severity,
};
use appaudit::report::html::labels::Labels;
use std::collections::{BTreeMap, BTreeSet};

fn keys(c: &Catalogue) -> BTreeSet<(String, String)> {
    c.sections
        .iter()
        .flat_map(|(s, t)| t.keys().map(move |k| (s.clone(), k.clone())))
        .collect()
}

/// The placeholders of a template.
fn placeholders(t: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('}') {
            out.insert(rest[..j].to_string());
            rest = &rest[j + 1..];
        }
    }
    out
}

#[test]
fn both_catalogues_have_the_same_keys_and_placeholders() {
    let (zh, en) = (catalogue(Lang::Zh), catalogue(Lang::En));
    assert!(keys(en).len() > 100, "en.toml did not parse");
    assert_eq!(keys(zh), keys(en), "the catalogues' keys differ");
    for (section, key) in keys(en) {
        let (a, b) = (
            zh.get(&section, &key).unwrap_or_default(),
            en.get(&section, &key).unwrap_or_default(),
        );
        assert!(
            !a.trim().is_empty() && !b.trim().is_empty(),
            "{section}.{key}"
        );
        assert_eq!(placeholders(a), placeholders(b), "{section}.{key}");
    }
}

/// The message variants the audit uses, with the arguments it gives (src/audit/*.rs).
fn messages() -> Vec<(RuleId, &'static str, &'static [&'static str])> {
    use RuleId::*;
    vec![
        (UndisclosedSdk, "", &["sdk", "vendor", "category"]),
        (DisclosedSdkNotFound, "", &["row", "line"]),
        (DisclosedSdkNotFound, "packed", &["row", "line"]),
        (SdkVendorMismatch, "missing", &["row", "line", "vendor"]),
        (
            SdkVendorMismatch,
            "wrong",
            &["row", "line", "vendor", "written"],
        ),
        (SdkDisclosedInProseOnly, "", &["sdk", "vendor", "line"]),
        (UndisclosedPermission, "", &["permission"]),
        (UndisclosedPermission, "dangerous", &["permission"]),
        (DisclosedPermissionNotRequested, "", &["text", "line"]),
        (UndisclosedDataAccess, "", &["data"]),
        (UndisclosedDataAccess, "no-permission", &["data"]),
        (SdkDataNotDisclosed, "", &["sdk", "data", "line"]),
        (SdkDataNotDisclosed, "many", &["sdk", "data", "line"]),
        (PackedApp, "", &["sdk"]),
        (DebuggableRelease, "", &[]),
        (CleartextTraffic, "", &[]),
        (AllowBackup, "", &[]),
        (ExportedWithoutPermission, "", &["tag", "component"]),
        (TamperedArchive, "", &["count"]),
        (TamperedManifest, "", &["count"]),
        (SdkInitBeforeConsent, "", &["sdk", "call", "entry", "count"]),
        (
            SdkInitBeforeConsent,
            "undecided",
            &["sdk", "call", "entry", "count"],
        ),
        (DataBeforeConsent, "", &["data", "call", "entry", "count"]),
        (
            DataBeforeConsent,
            "undecided",
            &["data", "call", "entry", "count"],
        ),
        (SdkAutoInitProvider, "", &["sdk", "provider"]),
        (BaselineEntryUnmatched, "", &["rule", "subject", "date"]),
        (BaselineEntryExpired, "", &["rule", "subject", "date"]),
    ]
}

#[test]
fn every_rule_message_renders_in_both_languages() {
    let used = messages();
    for &r in RuleId::ALL {
        assert!(used.iter().any(|(id, _, _)| *id == r), "{r} has no message");
    }
    let mut keys_used = BTreeSet::new();
    for (rule, variant, args) in used {
        let key = if variant.is_empty() {
            rule.as_str().to_string()
        } else {
            format!("{rule}.{variant}")
        };
        keys_used.insert(key.clone());
        let values: BTreeMap<&'static str, Arg> = args
            .iter()
            .map(|a| (*a, Arg::both(&format!("甲{a}"), &format!("X{a}"))))
            .collect();
        for lang in Lang::ALL {
            let template = catalogue(lang)
                .get("messages", &key)
                .unwrap_or_else(|| panic!("messages.{key} missing in {lang:?}"));
            for p in placeholders(template) {
                assert!(
                    args.contains(&p.as_str()),
                    "{key} ({lang:?}): {{{p}}} is never given"
                );
            }
            let text = locale::message(lang, &key, &values);
            assert!(
                !text.contains('⟦') && !text.contains('{'),
                "{key} {lang:?}: {text}"
            );
        }
    }
    // No template the code never uses.
    let defined: BTreeSet<String> = catalogue(Lang::En)
        .sections
        .get("messages")
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(defined, keys_used);
}

#[test]
fn every_label_status_severity_and_category_has_words() {
    for lang in Lang::ALL {
        let c = catalogue(lang);
        for k in Labels::KEYS {
            assert!(
                c.get("labels", k).is_some(),
                "labels.{k} missing in {lang:?}"
            );
        }
        let l = Labels::of(lang);
        let mut words: Vec<String> = Vec::new();
        words.extend(Severity::ALL.iter().map(|s| l.severity(*s)));
        words.extend(SdkStatus::ALL.iter().map(|s| l.sdk_status(*s)));
        words.extend(DataStatus::ALL.iter().map(|s| l.data_status(*s)));
        words.extend(
            [
                PermissionStatus::Disclosed,
                PermissionStatus::Undisclosed,
                PermissionStatus::NotRelevant,
                PermissionStatus::NotRequested,
            ]
            .iter()
            .map(|s| l.permission_status(*s)),
        );
        let catalog = appaudit::rules::sdks::SdkCatalog::builtin().expect("built-in rules");
        for r in catalog.iter() {
            assert!(
                c.get("category", &r.category).is_some(),
                "category {} ({}) has no name in {lang:?}",
                r.category,
                r.id
            );
        }
        for w in words {
            assert!(!w.contains('⟦'), "{lang:?}: {w}");
        }
    }
}

#[test]
fn every_kind_of_evidence_renders_in_both_languages() {
    let all = vec![
        Evidence::DexClass {
            class: "a.b".into(),
            count: 1,
        },
        Evidence::DexClass {
            class: "a.b".into(),
            count: 3,
        },
        Evidence::NativeLib {
            path: "lib/x.so".into(),
        },
        Evidence::ManifestElement {
            element: "<application>".into(),
        },
        Evidence::ManifestDefault {
            attribute: "android:allowBackup".into(),
            target_sdk: None,
        },
        Evidence::ManifestDefault {
            attribute: "a".into(),
            target_sdk: Some(26),
        },
        Evidence::Component {
            tag: "service".into(),
            name: "a.S".into(),
            explicit: true,
        },
        Evidence::Component {
            tag: "service".into(),
            name: "a.S".into(),
            explicit: false,
        },
        Evidence::ManifestLacks {
            permissions: vec!["p".into()],
        },
        Evidence::ApkTrace {
            source: "asset".into(),
            value: "v".into(),
        },
        Evidence::Call {
            caller: "a.C".into(),
            api: "La;->b".into(),
            data_type: "imei".into(),
            sdk: None,
            library: None,
            dex: "classes.dex".into(),
        },
        Evidence::Call {
            caller: "a.C".into(),
            api: "La;->b".into(),
            data_type: "imei".into(),
            sdk: Some("x".into()),
            library: None,
            dex: "classes2.dex".into(),
        },
        Evidence::PolicyLine {
            file: "p.txt".into(),
            line: 3,
            quote: "q".into(),
        },
        Evidence::PolicyLacks {
            terms: vec!["相机".into(), "camera".into()],
        },
        Evidence::KnownVendor {
            zh: vec!["某公司".into()],
            en: vec!["Some Co".into()],
        },
        Evidence::Anomaly {
            source: "archive".into(),
            message: "m".into(),
        },
        Evidence::BaselineReason { reason: "r".into() },
    ];
    for e in &all {
        for lang in Lang::ALL {
            let t = locale::evidence(lang, e);
            assert!(!t.contains('⟦') && !t.contains('{'), "{lang:?}: {t}");
        }
        // English evidence shows the English words when it has them.
        assert!(!locale::has_cjk(&locale::evidence(Lang::En, e)), "{e:?}");
    }
}

/// Every category the reports name has a purpose the draft can write, in both languages.
#[test]
fn every_category_has_a_draft_purpose() {
    for lang in Lang::ALL {
        let c = catalogue(lang);
        let categories = c.sections.get("category").expect("[category]");
        for key in categories.keys() {
            assert!(
                c.get("draft-purpose", key).is_some(),
                "draft-purpose.{key} missing in {lang:?}"
            );
        }
    }
}
