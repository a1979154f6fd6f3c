//! A finding: its rule, severity, subject, the message as a template over typed arguments, and
//! typed evidence with structured locations (policy file + line, APK entry).

use super::RuleId;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Finding severity, ordered: info < low < medium < high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// For the record.
    Info,
    /// Worth fixing.
    Low,
    /// Should be fixed before release.
    Medium,
    /// Blocks a release by default.
    High,
}

impl Severity {
    /// All, from the most severe.
    pub const ALL: [Severity; 4] = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Parses `high|medium|low|info`.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim().to_ascii_lowercase())
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a finding's subject is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// A knowledge-base SDK id.
    Sdk,
    /// A policy row's name (an SDK the app does not contain).
    PolicyRow,
    /// An Android permission.
    Permission,
    /// A data type id (rules/data-types.toml).
    DataType,
    /// The `<application>` element.
    Application,
    /// A manifest component (class name).
    Component,
    /// An archive layer (`archive`, `AndroidManifest.xml`).
    ApkEntry,
    /// A baseline entry (`rule:subject`).
    BaselineEntry,
}

/// Where a finding points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Location {
    /// A line of a policy file.
    Policy {
        /// The policy file, as given on the command line.
        file: String,
        /// 1-based line.
        line: usize,
    },
    /// An entry of the APK (`AndroidManifest.xml`, `lib/arm64-v8a/libx.so`...).
    Apk {
        /// The entry's path inside the archive.
        entry: String,
    },
}

/// A message argument: the same text in every language, or a Chinese and an English form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    /// Language-neutral (ids, numbers, policy quotes).
    Text(String),
    /// A name or word with both forms.
    Both {
        /// Chinese.
        zh: String,
        /// English.
        en: String,
    },
}

impl Arg {
    /// Language-neutral text.
    pub fn text(s: impl ToString) -> Arg {
        Arg::Text(s.to_string())
    }

    /// Both forms (English falls back to Chinese when empty, and the other way round).
    pub fn both(zh: &str, en: &str) -> Arg {
        let (zh, en) = (zh.trim(), en.trim());
        match (zh.is_empty(), en.is_empty()) {
            (false, false) if zh != en => Arg::Both {
                zh: zh.to_string(),
                en: en.to_string(),
            },
            (true, false) => Arg::Text(en.to_string()),
            _ => Arg::Text(zh.to_string()),
        }
    }

    /// The form for a language.
    pub fn get(&self, lang: super::Lang) -> &str {
        match (self, lang) {
            (Arg::Text(s), _) => s,
            (Arg::Both { zh, .. }, super::Lang::Zh) => zh,
            (Arg::Both { en, .. }, super::Lang::En) => en,
        }
    }
}

/// One piece of evidence, typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Evidence {
    /// Classes of a package defined in the app's DEX files.
    DexClass {
        /// The class or package prefix.
        class: String,
        /// How many classes (1 for a single class).
        count: usize,
    },
    /// A native library.
    NativeLib {
        /// Its path in the APK.
        path: String,
    },
    /// A manifest element or attribute as written.
    ManifestElement {
        /// E.g. `<uses-permission android:name="android.permission.CAMERA">`.
        element: String,
    },
    /// A manifest attribute left unset, so Android's default applies.
    ManifestDefault {
        /// The attribute.
        attribute: String,
        /// targetSdkVersion, when the default depends on it.
        #[serde(skip_serializing_if = "Option::is_none")]
        target_sdk: Option<u32>,
    },
    /// An exported component.
    Component {
        /// `activity`, `service`, `receiver`, `provider`...
        tag: String,
        /// Its class.
        name: String,
        /// Exported by `android:exported="true"` (else by an intent filter).
        explicit: bool,
    },
    /// Permissions the manifest does not request.
    ManifestLacks {
        /// The permissions.
        permissions: Vec<String>,
    },
    /// Any other trace of an SDK in the APK (asset, string, application class...).
    ApkTrace {
        /// The detector's source name (`asset`, `dex-string`...).
        source: String,
        /// What matched.
        value: String,
    },
    /// A sensitive framework call.
    Call {
        /// Calling class, Java form.
        caller: String,
        /// `Lclass;->method`.
        api: String,
        /// Data type collected.
        data_type: String,
        /// SDK the caller belongs to, `None` for the app's own code.
        sdk: Option<String>,
        /// The platform library the caller belongs to when no SDK does (`android-support`,
        /// `androidx`, `play-services`...): the call is the library's, not the app's.
        #[serde(skip_serializing_if = "Option::is_none")]
        library: Option<String>,
        /// The DEX file holding the caller.
        dex: String,
    },
    /// A line of the policy.
    PolicyLine {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// The policy's words there (row name, vendor cell, sentence).
        quote: String,
    },
    /// Words the policy was searched for and does not contain.
    PolicyLacks {
        /// The words.
        terms: Vec<String>,
    },
    /// The vendor's legal names in the knowledge base.
    KnownVendor {
        /// Chinese legal names.
        zh: Vec<String>,
        /// English names.
        en: Vec<String>,
    },
    /// An oddity a reader tolerated.
    Anomaly {
        /// The layer or entry (`archive`, `AndroidManifest.xml`).
        source: String,
        /// The reader's words.
        message: String,
    },
    /// A call path from code that runs before consent to a call (an SDK's init, a sensitive
    /// read), as the DEX has the names.
    CallPath {
        /// The entry point's kind (`application`, `provider`, `startup-initializer`).
        entry: String,
        /// From the entry point to the calling method.
        steps: Vec<CallStep>,
        /// The call made, `Lcls;->name(params)ret`.
        call: String,
        /// The DEX file holding the calling method.
        dex: String,
        /// False when a method on the path could not be read completely.
        decided: bool,
    },
    /// A baseline entry's reason.
    BaselineReason {
        /// The reason.
        reason: String,
    },
}

impl Evidence {
    /// Where this evidence points, when it points somewhere.
    pub fn location(&self) -> Option<Location> {
        match self {
            Evidence::PolicyLine { file, line, .. } => Some(Location::Policy {
                file: file.clone(),
                line: *line,
            }),
            Evidence::NativeLib { path }
            | Evidence::Call { dex: path, .. }
            | Evidence::CallPath { dex: path, .. } => Some(Location::Apk {
                entry: path.clone(),
            }),
            Evidence::ManifestElement { .. }
            | Evidence::ManifestDefault { .. }
            | Evidence::Component { .. }
            | Evidence::ManifestLacks { .. } => Some(Location::Apk {
                entry: "AndroidManifest.xml".to_string(),
            }),
            Evidence::Anomaly { source, .. } if source != "archive" => Some(Location::Apk {
                entry: source.clone(),
            }),
            _ => None,
        }
    }

    /// The English one-liner of the JSON `evidence` strings (kept for the contract).
    pub fn english(&self) -> String {
        super::locale::evidence(super::Lang::En, self)
    }
}

/// One method of a call path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallStep {
    /// `Lcls;->name(params)ret`.
    pub method: String,
    /// How the previous step reaches it: `entry`, `call`, `hand-off`, `static-init`.
    pub via: String,
}

impl CallStep {
    /// `Lcom/a/B;->run()V` -> `com.a.B.run()`.
    pub fn readable(&self) -> String {
        readable_method(&self.method)
    }
}

/// `Lcom/a/B$C;->run()V` -> `com.a.B$C.run()`: a method as a reader writes it.
pub fn readable_method(sig: &str) -> String {
    let Some(i) = sig.find(";->") else {
        return sig.to_string();
    };
    let class = sig[..i].trim_start_matches('L').replace('/', ".");
    let name = sig[i + 3..].split('(').next().unwrap_or("");
    format!("{class}.{name}()")
}

/// One coded finding with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// Severity after overrides.
    pub severity: Severity,
    /// SDK id, permission, data type, policy row name or component.
    pub subject: String,
    /// What the subject is.
    pub subject_kind: SubjectKind,
    /// One sentence: English, or the language asked with `--lang`.
    pub message: String,
    /// The message's template in locales/*.toml (`messages` table).
    pub message_key: String,
    /// The template's arguments.
    pub message_args: BTreeMap<&'static str, Arg>,
    /// What shows it, one English line each (the typed form is `evidence_items`).
    pub evidence: Vec<String>,
    /// What shows it, typed.
    pub evidence_items: Vec<Evidence>,
    /// Where it points: policy lines, APK entries (first is the primary location).
    pub locations: Vec<Location>,
    /// The baseline's reason, when the finding is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

impl Finding {
    /// A finding at its rule's default severity, message `rule[.variant]` over `args`.
    pub fn new(
        rule: RuleId,
        subject: &str,
        subject_kind: SubjectKind,
        variant: &str,
        args: Vec<(&'static str, Arg)>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        let message_key = if variant.is_empty() {
            rule.as_str().to_string()
        } else {
            format!("{}.{variant}", rule.as_str())
        };
        let message_args: BTreeMap<&'static str, Arg> = args.into_iter().collect();
        let message = super::locale::message(super::Lang::En, &message_key, &message_args);
        let mut locations: Vec<Location> = Vec::new();
        for l in evidence.iter().filter_map(Evidence::location) {
            if !locations.contains(&l) {
                locations.push(l);
            }
        }
        // The policy is the primary location when the finding cites it.
        locations.sort_by_key(|l| !matches!(l, Location::Policy { .. }));
        Finding {
            rule,
            severity: rule.default_severity(),
            subject: subject.to_string(),
            subject_kind,
            message,
            message_key,
            message_args,
            evidence: evidence.iter().map(Evidence::english).collect(),
            evidence_items: evidence,
            locations,
            suppressed: None,
        }
    }

    /// Same rule, other severity (rules whose level depends on the subject).
    pub fn at(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// The message in a language.
    pub fn message_in(&self, lang: super::Lang) -> String {
        super::locale::message(lang, &self.message_key, &self.message_args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    #[test]
    fn locations_come_from_the_evidence_policy_first_without_repeats() {
        let f = Finding::new(
            RuleId::DisclosedPermissionNotRequested,
            "android.permission.READ_CALENDAR",
            SubjectKind::Permission,
            "",
            vec![("text", Arg::text("日历")), ("line", Arg::text(7))],
            vec![
                Evidence::ManifestLacks {
                    permissions: vec!["android.permission.READ_CALENDAR".into()],
                },
                Evidence::ManifestElement {
                    element: "<application>".into(),
                },
                Evidence::PolicyLine {
                    file: "p.txt".into(),
                    line: 7,
                    quote: "日历".into(),
                },
            ],
        );
        assert_eq!(
            f.locations,
            [
                Location::Policy {
                    file: "p.txt".into(),
                    line: 7
                },
                Location::Apk {
                    entry: "AndroidManifest.xml".into()
                },
            ]
        );
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.evidence.len(), 3);
        assert!(f.message.contains("(line 7)"), "{}", f.message);
        assert!(f.message_in(Lang::Zh).contains("第7行"));
    }

    #[test]
    fn both_forms_collapse_when_equal_or_missing() {
        assert_eq!(Arg::both("友盟", "Umeng").get(Lang::En), "Umeng");
        assert_eq!(Arg::both("友盟", "Umeng").get(Lang::Zh), "友盟");
        assert_eq!(Arg::both("X", "X"), Arg::text("X"));
        assert_eq!(Arg::both("友盟", " "), Arg::text("友盟"));
        assert_eq!(Arg::both("", "Umeng"), Arg::text("Umeng"));
    }
}
