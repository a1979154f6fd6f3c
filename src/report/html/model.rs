//! The sections of the HTML and Markdown views: one list, walked by both renderers.

pub use crate::model::Lang;

use super::labels::Labels;

/// A section of the report, in the order both views show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Counts, verdict, the severity figure.
    Verdict,
    /// The app and the policy.
    AppPolicy,
    /// The SDKs side by side.
    Sdks,
    /// Permissions requested vs disclosed.
    Permissions,
    /// Data access by SDK.
    DataAccess,
    /// What runs before the user can consent, with the call paths.
    Consent,
    /// Manifest flags and hygiene findings.
    Hygiene,
    /// Every finding, by rule, with its clauses.
    Findings,
    /// Versions, hashes, command.
    Repro,
}

impl Section {
    /// Every section, in order.
    pub const ALL: [Section; 9] = [
        Section::Verdict,
        Section::AppPolicy,
        Section::Sdks,
        Section::Permissions,
        Section::DataAccess,
        Section::Consent,
        Section::Hygiene,
        Section::Findings,
        Section::Repro,
    ];

    /// The HTML id.
    pub fn id(self) -> &'static str {
        match self {
            Section::Verdict => "verdict",
            Section::AppPolicy => "app-policy",
            Section::Sdks => "sdks",
            Section::Permissions => "permissions",
            Section::DataAccess => "data-access",
            Section::Consent => "before-consent",
            Section::Hygiene => "hygiene",
            Section::Findings => "findings",
            Section::Repro => "repro",
        }
    }

    /// The numbered title.
    pub fn title(self, l: &Labels) -> String {
        let (n, t) = match self {
            Section::Verdict => (1, l.verdict),
            Section::AppPolicy => (2, l.app_policy),
            Section::Sdks => (3, l.sdks),
            Section::Permissions => (4, l.permissions),
            Section::DataAccess => (5, l.data),
            Section::Consent => (6, l.consent),
            Section::Hygiene => (7, l.hygiene),
            Section::Findings => (8, l.findings),
            Section::Repro => (9, l.repro),
        };
        format!("{n}. {t}")
    }
}
