//! The finding rules' ids: one enum, so a typo is a compile error. The kebab-case names below
//! are the JSON, SARIF and baseline contract: stable, never reused (tests/rule_ids.rs pins them).

use super::Severity;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! rule_ids {
    ($($(#[$doc:meta])* $variant:ident = $id:literal @ $sev:ident,)*) => {
        /// A finding rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum RuleId {
            $($(#[$doc])* #[serde(rename = $id)] $variant,)*
        }

        impl RuleId {
            /// Every rule, in the registry's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The stable kebab-case id.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }

            /// The severity unless overridden (some rules pick another per subject).
            pub fn default_severity(self) -> Severity {
                match self {
                    $(RuleId::$variant => Severity::$sev,)*
                }
            }
        }
    };
}

rule_ids! {
    /// An SDK found in the app is not named by the policy.
    UndisclosedSdk = "undisclosed-sdk" @ High,
    /// The policy lists an SDK the app does not contain.
    DisclosedSdkNotFound = "disclosed-sdk-not-found" @ Low,
    /// A policy row names the SDK but not its vendor, or the wrong one.
    SdkVendorMismatch = "sdk-vendor-mismatch" @ Medium,
    /// An SDK is mentioned in the policy's prose only.
    SdkDisclosedInProseOnly = "sdk-disclosed-in-prose-only" @ Info,
    /// A privacy-relevant permission the policy never mentions.
    UndisclosedPermission = "undisclosed-permission" @ High,
    /// The policy names a capability the app does not request.
    DisclosedPermissionNotRequested = "disclosed-permission-not-requested" @ Info,
    /// The code collects a data type the policy never mentions.
    UndisclosedDataAccess = "undisclosed-data-access" @ High,
    /// An SDK collects a data type its own row does not list.
    SdkDataNotDisclosed = "sdk-data-not-disclosed" @ Medium,
    /// A packer hides the code.
    PackedApp = "packed-app" @ Medium,
    /// android:debuggable="true".
    DebuggableRelease = "debuggable-release" @ High,
    /// Cleartext HTTP allowed.
    CleartextTraffic = "cleartext-traffic" @ Medium,
    /// adb backup allowed.
    AllowBackup = "allow-backup" @ Low,
    /// A component reachable by other apps without a permission.
    ExportedWithoutPermission = "exported-without-permission" @ Low,
    /// Zip tricks Android tolerates.
    TamperedArchive = "tampered-archive" @ Info,
    /// Binary-XML tricks Android tolerates.
    TamperedManifest = "tampered-manifest" @ Info,
    /// An SDK is initialised on a path that runs before the user can consent.
    SdkInitBeforeConsent = "sdk-init-before-consent" @ High,
    /// Personal data is read on a path that runs before the user can consent.
    DataBeforeConsent = "data-before-consent" @ High,
    /// An SDK's content provider initialises it at process start.
    SdkAutoInitProvider = "sdk-auto-init-provider" @ Medium,
    /// A baseline entry matched no finding.
    BaselineEntryUnmatched = "baseline-entry-unmatched" @ Low,
    /// A baseline entry expired.
    BaselineEntryExpired = "baseline-entry-expired" @ Medium,
}

impl RuleId {
    /// The rule with this id (trimmed, exact).
    pub fn parse(s: &str) -> Option<RuleId> {
        let s = s.trim();
        RuleId::ALL.iter().copied().find(|r| r.as_str() == s)
    }

    /// The manifest hygiene rules (their own report section).
    pub fn is_hygiene(self) -> bool {
        matches!(
            self,
            RuleId::DebuggableRelease
                | RuleId::CleartextTraffic
                | RuleId::AllowBackup
                | RuleId::ExportedWithoutPermission
        )
    }

    /// The rules about what runs before consent (their own report section).
    pub fn is_consent(self) -> bool {
        matches!(
            self,
            RuleId::SdkInitBeforeConsent | RuleId::DataBeforeConsent | RuleId::SdkAutoInitProvider
        )
    }

    /// The baseline's own rules.
    pub fn is_baseline(self) -> bool {
        matches!(
            self,
            RuleId::BaselineEntryUnmatched | RuleId::BaselineEntryExpired
        )
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_serde_and_parse() {
        for &r in RuleId::ALL {
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
            assert_eq!(serde_json::from_str::<RuleId>(&json).ok(), Some(r));
            assert_eq!(RuleId::parse(r.as_str()), Some(r));
        }
        assert_eq!(RuleId::parse("no-such-rule"), None);
    }
}
