//! The finding rules: a stable kebab-case id, a default severity, a one-line summary and a
//! document with fixed headings that `appaudit rules explain RULE` prints. Ids are never reused.

use crate::model::{RuleId, Severity};

/// One finding rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: RuleId,
    /// One line.
    pub summary: &'static str,
    /// What it checks.
    pub checks: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix.
    pub fix: &'static str,
    /// The clauses it rests on.
    pub clauses: &'static [&'static str],
}

impl Rule {
    /// Severity unless overridden.
    pub fn severity(&self) -> Severity {
        self.id.default_severity()
    }

    /// The document `rules explain` prints, fixed headings in a fixed order.
    pub fn explain(&self) -> String {
        let mut s = format!(
            "{id}  (default severity: {sev})\n{summary}\n\n## What it checks\n{checks}\n\n## Why it matters\n{why}\n\n## How to fix\n{fix}\n\n## Clauses\n",
            id = self.id,
            sev = self.severity(),
            summary = self.summary,
            checks = self.checks,
            why = self.why,
            fix = self.fix
        );
        for c in self.clauses {
            s.push_str("- ");
            s.push_str(c);
            s.push('\n');
        }
        s
    }
}

const PIPL_23: &str = "PIPL art. 23: a handler providing personal information to another handler must tell the individual the recipient's name, contact, purpose, manner and the kinds of information";
const RENDING_2_1: &str = "Methods for Identifying Illegal Collection and Use of Personal Information by Apps (CAC, MIIT, MPS, SAMR, 2019, No. 191), item 2.1: the purposes, manner and scope of collection by the app, including entrusted third parties and embedded third-party code or plug-ins, are not listed one by one";
const MIIT_26: &str = "MIIT notice No. 26 (2023) on improving mobile internet app services: strengthen SDK management; publish each SDK's basic information and its personal-information processing rules";
const GBT_41391_SDK: &str =
    "GB/T 41391-2022 §6.6: third-party SDKs and the information they collect are disclosed";
const PIPL_17: &str = "PIPL art. 17: before processing, inform the individual of the purposes, manner and kinds of personal information processed";
const GDPR_13: &str = "GDPR art. 13(1)(e), 13(1)(c): recipients or categories of recipients, and the purposes of processing, are given to the data subject";
const PLAY_UD: &str = "Google Play User Data policy: the privacy policy discloses the types of data collected and the parties it is shared with, including SDKs";

const RENDING_3_1: &str = "Methods for Identifying Illegal Collection and Use of Personal Information by Apps (No. 191, 2019), item 3.1: personal information is collected, or a permission that can collect it is opened, before the user agrees";
const MIIT_164: &str = "MIIT notice No. 164 (2020) on the campaign against apps infringing users' rights, item 1.1: apps and embedded SDKs collecting personal information without consent or beyond scope";
const GBT_41391_CONSENT: &str = "GB/T 41391-2022 §6.4: the user is informed and agrees before personal information is collected";

/// A consent rule's `checks` text followed by what every consent rule shares (entry points,
/// guards, limits).
macro_rules! concat_consent {
    ($s:literal) => {
        concat!($s, " Entry points: every provider declared in the manifest (onCreate runs before Application.onCreate), the Application class's static initialiser, constructor, attachBaseContext and onCreate, the initialisers androidx.startup runs, and the static initialisers of the classes they touch. Calls are followed exactly (static, direct, super), by class-hierarchy analysis over the app's classes (virtual, interface), and through Runnable/Callable hand-offs (Handler.post, Executor.execute, Thread). A call behind a branch on consent state (SharedPreferences.getBoolean/getInt, MMKV reads, a rules consent check, an app method returning such a value, a flag field a consent callback writes) is guarded; methods that record consent (persist it or call an SDK privacy API) are not entered. Limits: the launcher activity up to its consent dialog is not an entry point yet; reflection, dynamic code loading and packers hide paths (the report then says the result is incomplete); a path through code that could not be read is reported as undecided. A static path is a lead, to be confirmed on a device (hook the API during the first launch).")
    };
}

const MASVS_RESILIENCE: &str = "OWASP MASVS-RESILIENCE-3 (MASVS v2): the app implements anti-static-analysis mechanisms; an auditor treats such mechanisms as a signal and records them (MASTG: testing for obfuscation and tampering)";
const JANUS: &str = "CVE-2017-13156 (the Janus vulnerability, Android Security Bulletin December 2017): data prepended to an APK's zip is executed as DEX while the zip still verifies under the v1 signature scheme";
const APK_V2: &str = "Android APK Signature Scheme v2/v3: the whole file, zip structure included, is signed, so a legitimate build has no bytes outside the zip and the compiler's own layout";

/// Every rule, in a fixed order.
pub const RULES: &[Rule] = &[
    Rule {
        id: RuleId::UndisclosedSdk,
        summary: "An SDK found in the app is not named by the privacy policy.",
        checks: "Each SDK detected in the app is looked up in the policy's SDK list by any of its names or aliases, by a package name the row lists, or by its vendor's legal name with a matching purpose. It fires when nothing names it. An SDK is detected only on code of its own: classes of its core package, its native library, or a manifest component whose class the DEX defines under its package. Configuration alone (meta-data keys, app keys, URLs, permissions, components whose classes are absent) is at most a hint and never fires this rule; a meta-data switch that turns the SDK off (firebase_analytics_collection_enabled=false) is reported as `disabled`, not as presence. Classes that ship inside another SDK or a platform library (bundled_in, shipped_with: Google Sign-In classes inside play-services-base) do not count on their own, and an aggregator's adapter for a vendor (ShareSDK's WeChat/QQ/Weibo platforms) is a channel of the aggregator (`via`), not the vendor's SDK. Each piece of evidence says whether it is `code` or `config`.",
        why: "Regulators and app stores treat an embedded SDK that collects personal information without a disclosure as the app's own violation; this is the most common finding in MIIT's notices.",
        fix: "Add a row for the SDK to the policy's third-party SDK list: its name, the vendor's legal name, the purpose, the personal information it collects and the vendor's privacy-policy link (`appaudit draft` writes one). If the SDK is not needed, remove it from the build.",
        clauses: &[RENDING_2_1, PIPL_23, MIIT_26, GBT_41391_SDK, GDPR_13, PLAY_UD],
    },
    Rule {
        id: RuleId::DisclosedSdkNotFound,
        summary: "The policy lists an SDK that the app does not contain.",
        checks: "Each row of the policy's SDK list is matched against the SDKs detected in the app. It fires for a row that no detection matches.",
        why: "A policy must describe what the app really does; stale rows suggest the list is not maintained and hide which third parties receive data.",
        fix: "Remove the row, or, if the SDK is loaded in a way static analysis cannot see (downloaded plug-in, server-side integration), say so in the row. When the app is packed, rebuild the audit from an unpacked build.",
        clauses: &[MIIT_26, PIPL_17],
    },
    Rule {
        id: RuleId::SdkVendorMismatch,
        summary: "A policy row names the SDK but not its vendor company, or the wrong one.",
        checks: "For an SDK matched to a policy row, the row's vendor (第三方主体) is compared with the vendor's legal names in the knowledge base.",
        why: "PIPL requires the recipient's name; a missing or wrong legal entity makes the disclosure unusable for exercising rights against the recipient.",
        fix: "Write the vendor's full legal name in the row (the knowledge base's `vendor_zh`, which `appaudit draft` prints for each SDK).",
        clauses: &[PIPL_23, MIIT_26],
    },
    Rule {
        id: RuleId::SdkDisclosedInProseOnly,
        summary: "An SDK is mentioned in the policy's prose but has no row in its SDK list.",
        checks: "For an SDK with no matching row, the full policy text is searched for its names. A mention counts as a disclosure, but a weaker one.",
        why: "Regulators expect SDKs listed one by one with vendor, purpose and data; a passing mention rarely carries all of that.",
        fix: "Move the SDK into the SDK list with every field.",
        clauses: &[RENDING_2_1, MIIT_26],
    },
    Rule {
        id: RuleId::UndisclosedPermission,
        summary: "The app requests a privacy-relevant permission that the policy never mentions.",
        checks: "Each requested permission that the permission rules mark privacy-relevant (dangerous ones, and others the regulation names such as QUERY_ALL_PACKAGES) is looked up among the permissions the policy discloses, by the vocabulary in rules/permissions.toml. Dangerous permissions fire at high, others at medium.",
        why: "Each permission that can collect personal information must be named with its purpose; undisclosed permissions are a standard item of MIIT's checks.",
        fix: "Add the permission to the policy's permission list with its purpose and the feature that uses it, or remove it from the manifest.",
        clauses: &[RENDING_2_1, "Identification Methods (No. 191), item 2.3: the purpose of requesting a permission is not stated at the same time", PIPL_17, "TC260-PG-20204A: cybersecurity standard practice guide on apps' requests for system permissions"],
    },
    Rule {
        id: RuleId::DisclosedPermissionNotRequested,
        summary: "The policy names a capability the app does not request.",
        checks: "Each permission the policy discloses is looked up in the manifest.",
        why: "Harmless for users, but a sign that the text drifted from the app.",
        fix: "Remove the text, or check whether the permission is requested by a different build flavour.",
        clauses: &[PIPL_17],
    },
    Rule {
        id: RuleId::UndisclosedDataAccess,
        summary: "The code calls an API that collects a data type the policy never mentions.",
        checks: "Each sensitive framework call found in the bytecode (rules/apis.toml: IMEI, MAC, Android ID, installed apps, clipboard, location...) is mapped to a data type, which must be named somewhere in the policy by the vocabulary of rules/data-types.toml. A call is attributed to the SDK whose package holds it, else to a platform library (android.support, androidx, kotlin, Google Play services...), else to the app. When the data type needs a runtime permission the app does not request (location, contacts, SMS, call log, calendar, camera, microphone), the call cannot collect anything: the finding is `info` (\"code present, permission not requested\").",
        why: "Regulators test what the app actually reads; collecting device identifiers or the app list without disclosure is a typical violation.",
        fix: "Disclose the data type with its purpose, or remove the call (often from an SDK whose configuration can turn it off).",
        clauses: &[RENDING_2_1, "Identification Methods (No. 191), item 3.3: collection beyond what the user agreed to", PIPL_17, GDPR_13, PLAY_UD],
    },
    Rule {
        id: RuleId::SdkDataNotDisclosed,
        summary: "An SDK's code collects a data type that its own policy row does not list.",
        checks: "Sensitive calls are attributed to the SDK whose package holds the calling class; each data type must be named in that SDK's row (its data or purpose cells).",
        why: "The policy must tell what each third party collects; a global mention does not say that the SDK collects it.",
        fix: "Add the data type to the SDK's row, or configure the SDK not to collect it.",
        clauses: &[PIPL_23, RENDING_2_1, MIIT_26],
    },
    Rule {
        id: RuleId::PackedApp,
        summary: "A packer hides the app's code: the audit of DEX contents is incomplete.",
        checks: "A packer (hardening) SDK is detected: stub application class, packer native libraries, encrypted payload.",
        why: "The real classes are decrypted at run time, so SDKs and data access seen here are a lower bound.",
        fix: "Audit the unpacked build (before hardening) as well; keep the packer vendor in the SDK list if it collects data.",
        clauses: &[RENDING_2_1],
    },
    Rule {
        id: RuleId::DebuggableRelease,
        summary: "The app is built with android:debuggable=\"true\".",
        checks: "The application element's android:debuggable attribute.",
        why: "A debuggable app lets anyone with USB access read its data and attach a debugger; it must never ship.",
        fix: "Build the release variant (debuggable is false by default) and remove the attribute from the manifest.",
        clauses: &["GB/T 35273-2020 §6.3 security of personal information storage", "OWASP MASVS-RESILIENCE"],
    },
    Rule {
        id: RuleId::CleartextTraffic,
        summary: "The app allows cleartext (HTTP) traffic.",
        checks: "android:usesCleartextTraffic=\"true\", or unset with targetSdkVersion below 28 and no network security config.",
        why: "Personal information sent over HTTP can be read and changed on the network.",
        fix: "Remove usesCleartextTraffic or set it to false; allow cleartext per domain in a network security config only where unavoidable.",
        clauses: &["PIPL art. 51: take encryption and other security measures", "GB/T 35273-2020 §6.3"],
    },
    Rule {
        id: RuleId::AllowBackup,
        summary: "The app's data can be copied out with adb backup.",
        checks: "android:allowBackup is true or unset (Android's default is true).",
        why: "Backups expose tokens and personal information stored by the app.",
        fix: "Set android:allowBackup=\"false\", or define backup rules that exclude personal data.",
        clauses: &["PIPL art. 51", "GB/T 35273-2020 §6.3"],
    },
    Rule {
        id: RuleId::ExportedWithoutPermission,
        summary: "A component is reachable by other apps without a permission.",
        checks: "Each exported activity, service, receiver or provider (explicitly, or implied by an intent filter below API 31) with no android:permission, except the launcher activity.",
        why: "Other apps can start it or read from it, which can leak personal information or trigger actions.",
        fix: "Set android:exported=\"false\" where other apps need no access, or guard it with a signature permission.",
        clauses: &["PIPL art. 51", "OWASP MASVS-PLATFORM-1"],
    },
    Rule {
        id: RuleId::TamperedArchive,
        summary: "The APK's zip structure holds tricks that Android tolerates but analysis tools may not.",
        checks: "Every oddity the zip reader tolerated, as Android's installer does, is listed: a general-purpose flag claiming encryption, an unknown compression method, a local header that disagrees with the central directory, data before the zip (the Janus trick), duplicate or unusual entry names, a multi-disk end record. Medium when one of the tricks used to break analysis tools is present (encryption flag, unknown method, local/central mismatch, data before the zip), info otherwise.",
        why: "The standard build tools never write these structures; they are how packers and malware make an APK unreadable to analysis tools while it still installs. Tampering is itself a signal, and parts of the app may be hidden from this audit.",
        fix: "Rebuild the APK with the standard toolchain (aapt2, zipalign, apksigner) and audit that build. If the release pipeline did not add these structures, find out what did (a packer, a third-party hardening service, a compromised build step).",
        clauses: &[MASVS_RESILIENCE, JANUS, APK_V2],
    },
    Rule {
        id: RuleId::TamperedManifest,
        summary: "The binary AndroidManifest.xml holds structures the Android compiler never writes.",
        checks: "Every oddity the binary-XML reader tolerated, as Android's parser does, is listed: attributes renamed against their resource id, attributes without a name or namespace, unknown chunk types, junk after the document, unusual header sizes, elements left open. Medium when a trick used to break analysis tools is present (renamed, nameless or namespace-less attributes, unknown chunks, trailing junk, header sizes), info otherwise.",
        why: "aapt and aapt2 write one layout; manifests crafted to crash or mislead decoders (apktool, androguard, jadx) hide what the app declares from reviewers while Android still reads it.",
        fix: "Rebuild the manifest with aapt2 from source and audit that build; if the build did not produce these structures, find out which tool rewrote the manifest.",
        clauses: &[MASVS_RESILIENCE, APK_V2],
    },
    Rule {
        id: RuleId::SdkInitBeforeConsent,
        summary: "An SDK is initialised by code that runs before the user can agree to the privacy policy.",
        checks: concat_consent!("The calls reachable from the code that runs at process start, before any consent dialog can be answered, without passing a consent guard, are matched against each SDK's initialisation methods (rules/sdks `[[consent]] kind = \"init\"`); the finding gives the call path from the entry point, with class and method names as the DEX has them. Compliant pre-initialisations (`kind = \"pre-init\"`, such as Umeng's preInit) are not initialisations."),
        why: "An initialised SDK starts collecting (device identifiers, network and app data) and reports to its vendor; before the user agreed, that is collection without consent, the violation regulators report most often.",
        fix: "Call the SDK's pre-initialisation (if it has one) at start-up and its init only after the user agreed (in the consent callback, or behind a check of the stored consent); call the vendor's privacy API (updatePrivacyShow/updatePrivacyAgree, setAgreePrivacy, setAuth...) as its compliance guide says.",
        clauses: &[RENDING_3_1, MIIT_164, GBT_41391_CONSENT],
    },
    Rule {
        id: RuleId::DataBeforeConsent,
        summary: "A device identifier or other personal data is read by code that runs before the user can agree.",
        checks: concat_consent!("The same search as sdk-init-before-consent, ending at the sensitive APIs of rules/apis.toml for device identifiers (IMEI, MEID, IMSI, ICCID, serial), Android ID, MAC addresses, installed and running apps, location, cell information, the clipboard, contacts and the phone number; one finding per data type, with up to three call paths."),
        why: "Reading these before the user agreed is collection before consent whoever reads them, the app or an SDK it starts.",
        fix: "Move the read (or the code that reaches it) after consent, or behind a check of the stored consent; if an SDK makes the read, initialise it after consent.",
        clauses: &[RENDING_3_1, MIIT_164, GBT_41391_CONSENT],
    },
    Rule {
        id: RuleId::SdkAutoInitProvider,
        summary: "An SDK declares a content provider that initialises it when the process starts.",
        checks: "The manifest's providers against each SDK's auto-initialising providers (rules/sdks `[[consent]] kind = \"auto-init-provider\"`, with the vendor's guide as source). Providers run before Application.onCreate, so such an SDK starts before any consent; a provider disabled with android:enabled=\"false\" is reported as such.",
        why: "Merged in from the SDK's own manifest, the provider starts the SDK before the app's code runs: no consent check in the app can stop it.",
        fix: "Remove the provider at merge time (tools:node=\"remove\") or disable it, and initialise the SDK by hand after consent, as the vendor's guide explains.",
        clauses: &[RENDING_3_1, MIIT_164, GBT_41391_CONSENT],
    },
    Rule {
        id: RuleId::BaselineEntryUnmatched,
        summary: "A baseline entry matched no finding.",
        checks: "Each entry of the --baseline file is matched against the findings by rule and subject.",
        why: "An entry that matches nothing is stale: the problem is gone, or the entry is misspelt and hides nothing.",
        fix: "Remove the entry from the baseline (or rewrite it with --write-baseline).",
        clauses: &[],
    },
    Rule {
        id: RuleId::BaselineEntryExpired,
        summary: "A baseline entry is past its expiry date; its finding counts again.",
        checks: "The `expires` date of each baseline entry against today's date.",
        why: "Accepted risks are accepted for a time; when it ends, the finding must be fixed or accepted again.",
        fix: "Fix the finding, or renew the entry with a new reason and date.",
        clauses: &[],
    },
];

/// The rule with this id.
pub fn get(id: &str) -> Option<&'static Rule> {
    RuleId::parse(id).map(rule)
}

/// The registry entry of a rule (every id has one: tested).
pub fn rule(id: RuleId) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or(&RULES[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_id_has_one_documented_entry() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate rule {}", r.id);
            let id = r.id.as_str();
            assert!(
                id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !id.starts_with('-')
                    && !id.ends_with('-'),
                "{id} is not kebab-case"
            );
            assert!(!r.summary.is_empty() && !r.checks.is_empty(), "{id}");
            assert!(!r.why.is_empty() && !r.fix.is_empty(), "{id}");
            let doc = r.explain();
            for heading in [
                "## What it checks",
                "## Why it matters",
                "## How to fix",
                "## Clauses",
            ] {
                assert!(doc.contains(heading), "{id}: {heading}");
            }
            assert_eq!(get(id).map(|x| x.id), Some(r.id), "round trip {id}");
            assert_eq!(rule(r.id).id, r.id);
        }
        assert_eq!(
            seen.len(),
            RuleId::ALL.len(),
            "a RuleId has no registry entry"
        );
    }

    #[test]
    fn privacy_rules_cite_a_clause() {
        for r in RULES.iter().filter(|r| !r.id.is_baseline()) {
            assert!(!r.clauses.is_empty(), "{} cites no clause", r.id);
        }
    }
}
