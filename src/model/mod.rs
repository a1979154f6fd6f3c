//! The report model: every type the audit concludes and every view renders. The audit computes
//! these once; the renderers (`report::*`) read nothing else (plus the words in [`locale`]).
//! Nothing here imports `engine`, `rules`, `scan`, `diff` or `report`.

pub mod finding;
pub mod locale;
pub mod registry;
pub mod rows;
pub mod rule_id;

pub use finding::{
    readable_method, Arg, CallStep, Evidence, Finding, Location, Severity, SubjectKind,
};
pub use rows::*;
pub use rule_id::RuleId;

/// What the search for collection before consent covered (the report's "before consent"
/// section).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ConsentSummary {
    /// Whether the search ran (the app's code was read).
    pub ran: bool,
    /// Entry points that run before consent.
    pub entries: usize,
    /// Methods reached from them.
    pub methods_reached: usize,
    /// Why the result may miss paths (packer, reflection, missing classes, limits); empty when
    /// complete.
    pub incomplete: Vec<String>,
}

use serde::Serialize;

/// The language of a report or a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Both, Chinese first.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The policy's language (`zh` or `en`) as a report language.
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}

/// The gate's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No unsuppressed finding at or above `--fail-on`.
    Pass,
    /// At least one.
    Fail,
}

impl Verdict {
    /// `pass` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
        }
    }
}

/// The `--fail-on` level: a severity, or `none` (never fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// high
    High,
    /// medium and above
    Medium,
    /// low and above
    Low,
    /// everything
    Info,
    /// never fail
    None,
}

impl FailOn {
    /// From an optional severity.
    pub fn of(level: Option<Severity>) -> FailOn {
        match level {
            Some(Severity::High) => FailOn::High,
            Some(Severity::Medium) => FailOn::Medium,
            Some(Severity::Low) => FailOn::Low,
            Some(Severity::Info) => FailOn::Info,
            None => FailOn::None,
        }
    }

    /// The severity, `None` for `none`.
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Info => Some(Severity::Info),
            FailOn::None => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        self.severity().map_or("none", Severity::as_str)
    }
}

impl std::fmt::Display for FailOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a policy row was matched to an SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// By the SDK's name or an alias.
    Name,
    /// By a package name the row gives.
    Package,
    /// By the vendor's name with a purpose of the SDK's category.
    Vendor,
    /// A mention in running text, not an SDK-list row.
    Prose,
}

/// Where the policy discloses an SDK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisclosedAs {
    /// The row's name as written.
    pub name: String,
    /// Its line.
    pub line: usize,
    /// How it matched.
    #[serde(rename = "match")]
    pub how: How,
}

/// One piece of evidence for an SDK (the contract's `{source, value}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkEvidence {
    /// `dex-class`, `native-lib`, `manifest-component`, `manifest-meta-data`, `asset`...
    pub source: String,
    /// The class prefix, library path, component or key.
    pub value: String,
}

/// A sensitive API call with the SDK it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttributedCall {
    /// Data type collected.
    pub data_type: String,
    /// `Lclass;->method`.
    pub api: String,
    /// Calling class (Java form).
    pub caller: String,
    /// SDK id, `None` for app code or unattributed code.
    pub sdk: Option<String>,
    /// The DEX file holding the caller (its path in the APK).
    pub dex: String,
}
