//! The knowledge base's data types: what one `rules/sdks/*.toml` file says once validated. Shared
//! with `build.rs` (through `#[path]`), which validates `rules/` and embeds it in compact form.

use serde::Serialize;

/// The categories an SDK entry may have.
pub const CATEGORIES: &[&str] = &[
    "push",
    "analytics",
    "ads",
    "map",
    "payment",
    "face",
    "anti-fraud",
    "packer",
    "crash",
    "share",
    "login",
    "storage",
    "feedback",
    "other",
];

/// How sure a signature is (sdk-kb-notes.md, "Confidence semantics").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum SigConfidence {
    /// Verified: one match reports the SDK.
    High,
    /// Generic or unverified: needs a second, independent medium signature.
    Medium,
}

/// What every signature carries besides its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SigMeta {
    /// How sure the signature is.
    pub confidence: SigConfidence,
    /// A vendor base package or key shared by several products: corroborates, never reports alone.
    pub base: bool,
    /// The signature only ever comes from a copy shipped inside this other SDK.
    pub bundled_in: Option<String>,
    /// The signature's classes ship inside a platform or infrastructure library that is not an
    /// SDK of the knowledge base (`play-services-base`): they never count, on their own or not.
    pub shipped_with: Option<String>,
    /// The signature is another SDK's adapter for this one (ShareSDK's WeChat/QQ/Weibo
    /// platforms): evidence of a channel through that aggregator (its id), not of this SDK.
    pub via: Option<String>,
    /// Where the signature comes from.
    pub source: String,
    /// Line in the rules file (for diagnostics).
    #[serde(skip)]
    pub line: usize,
}

impl SigMeta {
    /// Whether the signature can count toward reporting its SDK: not a vendor base, not a copy
    /// bundled in another SDK or shipped with a platform library, not an aggregator's adapter.
    pub fn counts_alone(&self) -> bool {
        !self.base && self.bundled_in.is_none() && self.shipped_with.is_none() && self.via.is_none()
    }
}

/// A Java package (or class) prefix, matched on package boundaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassPrefix {
    /// `com.example.sdk` (or a class name).
    pub value: String,
    /// `match = "contains"`: a substring of the class name instead of a prefix.
    pub contains: bool,
    /// Confidence, flags, source.
    #[serde(flatten)]
    pub meta: SigMeta,
}

impl ClassPrefix {
    /// Whether the prefix is the SDK's own package: a prefix (not a substring), neither a
    /// vendor base package nor a copy bundled inside another SDK.
    pub fn is_own(&self) -> bool {
        !self.contains && self.meta.counts_alone()
    }
}

/// A regex over a file name (native library) or an archive entry path (asset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegexSig {
    /// The regex, anchored by its author.
    pub regex: String,
    /// Why it is weak, when it is (a generic file name...).
    pub note: Option<String>,
    /// Confidence, flags, source.
    #[serde(flatten)]
    pub meta: SigMeta,
}

/// The kind of a manifest signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestKind {
    /// `<meta-data android:name>` key, application or component level.
    MetaData,
    /// Exact activity (or activity-alias) name.
    Activity,
    /// Exact service name.
    Service,
    /// Exact receiver name.
    Receiver,
    /// Exact provider name.
    Provider,
    /// Regex over activity names.
    ActivityRegex,
    /// Regex over service names.
    ServiceRegex,
    /// Regex over receiver names.
    ReceiverRegex,
    /// Regex over provider names.
    ProviderRegex,
    /// An activity whose name ends with this (inside the app's own package).
    ActivitySuffix,
    /// `<application android:name>` (packer stubs).
    ApplicationName,
    /// A permission name with `<applicationId>` in it.
    Permission,
    /// An intent-filter action of a service.
    ServiceAction,
    /// An intent-filter data scheme of an activity (`<...>` is a placeholder).
    ActivityDataScheme,
    /// The name of a string resource (`R.string.<name>`) in `resources.arsc`.
    ResourceString,
}

impl ManifestKind {
    /// Every kind with its name in the rules files.
    pub const ALL: &'static [(&'static str, ManifestKind)] = &[
        ("meta-data", ManifestKind::MetaData),
        ("activity", ManifestKind::Activity),
        ("service", ManifestKind::Service),
        ("receiver", ManifestKind::Receiver),
        ("provider", ManifestKind::Provider),
        ("activity-regex", ManifestKind::ActivityRegex),
        ("service-regex", ManifestKind::ServiceRegex),
        ("receiver-regex", ManifestKind::ReceiverRegex),
        ("provider-regex", ManifestKind::ProviderRegex),
        ("activity-suffix", ManifestKind::ActivitySuffix),
        ("application-name", ManifestKind::ApplicationName),
        ("permission", ManifestKind::Permission),
        ("service-action", ManifestKind::ServiceAction),
        ("activity-data-scheme", ManifestKind::ActivityDataScheme),
        ("resource-string", ManifestKind::ResourceString),
    ];

    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<ManifestKind> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k)
    }

    /// The kind name in the rules files.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// Whether `name` is a regex for this kind.
    pub fn is_regex(self) -> bool {
        matches!(
            self,
            ManifestKind::ActivityRegex
                | ManifestKind::ServiceRegex
                | ManifestKind::ReceiverRegex
                | ManifestKind::ProviderRegex
        )
    }
}

/// A manifest signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestSig {
    /// What is matched.
    pub kind: ManifestKind,
    /// The name (exact, regex, suffix or pattern, by kind).
    pub name: String,
    /// `meta-data` only: the values that switch the SDK off (`firebase_analytics_collection_enabled`
    /// = `false`); such a key is reported as a disabled SDK, never as presence.
    pub disabled_when: Vec<String>,
    /// Confidence, flags, source.
    #[serde(flatten)]
    pub meta: SigMeta,
}

/// A substring looked for in DEX string pools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DexStringSig {
    /// The needle.
    pub value: String,
    /// `own_code = true`: a constant of the SDK's own code (the collector host its obfuscated
    /// classes hold), so a match is code evidence; otherwise a string is configuration (a URL
    /// the app may hold itself).
    pub own_code: bool,
    /// Confidence, flags, source.
    #[serde(flatten)]
    pub meta: SigMeta,
}

/// Where a version of the SDK can be read (`[[version]]` in the rules files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum VersionKind {
    /// The initial value of a `static final String` field (its name must mention "version":
    /// those are the only constants the DEX reader keeps).
    DexConstant {
        /// The class, Java form.
        class: String,
        /// The field.
        field: String,
    },
    /// A native library's file name (`libAMapSDK_MAP_v9_2_0.so`).
    NativeName,
    /// A string in the read-only data of a native library whose file name matches `lib`.
    NativeString {
        /// Regex over the library's file name.
        lib: String,
    },
}

/// One place an SDK's version can be read, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionSig {
    /// Where.
    #[serde(flatten)]
    pub kind: VersionKind,
    /// Regex over the value (the constant, the file name, the string); the version is its
    /// capture groups joined by `.` (`^libX_v(\d+)_(\d+)\.so$` -> `9.2`). For a dex-constant
    /// without one, the value must look like a version itself.
    pub pattern: Option<String>,
    /// Where the fact comes from.
    pub source: String,
    /// Line in the rules file.
    #[serde(skip)]
    pub line: usize,
}

/// The data an SDK typically collects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DataTypes {
    /// `high` (quoted from a disclosure that was read) or `medium` (generic for the SDK type).
    pub confidence: String,
    /// The data, as written by the source.
    pub items: Vec<String>,
    /// Where the list comes from.
    pub source: String,
    /// Every source consulted for the entry.
    pub sources: Vec<String>,
}

/// One SDK of the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkRule {
    /// Stable id (`jpush`).
    pub id: String,
    /// English name.
    pub name_en: String,
    /// The names policies use: Chinese names, aliases, English names.
    pub names: Vec<String>,
    /// The vendor's legal Chinese name(s).
    pub vendor_zh: String,
    /// The vendor's English name.
    pub vendor_en: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// The SDK's privacy policy, when known.
    pub privacy_url: Option<String>,
    /// Entries whose signatures overlap with this one on purpose.
    pub shared_with: Vec<String>,
    /// SDKs that ship a copy of this one: when one of them is reported, this is not separate.
    pub bundled_by: Vec<String>,
    /// Maven artifacts (`group:artifact`) that reveal the SDK (`META-INF/*.version`).
    pub artifacts: Vec<String>,
    /// Free notes.
    pub notes: Option<String>,
    /// Network endpoint regexes (Exodus), not matched against the APK.
    pub network: Vec<String>,
    /// Typical data.
    pub data_types: DataTypes,
    /// Class prefixes.
    pub class_prefixes: Vec<ClassPrefix>,
    /// Native library file-name regexes.
    pub native_libs: Vec<RegexSig>,
    /// Manifest signatures.
    pub manifest: Vec<ManifestSig>,
    /// Archive entry path regexes.
    pub assets: Vec<RegexSig>,
    /// DEX string needles.
    pub dex_strings: Vec<DexStringSig>,
    /// Where its version can be read, in order of preference.
    pub versions: Vec<VersionSig>,
    /// Consent knowledge: init methods, pre-init, privacy APIs, auto-init providers.
    pub consent: Vec<super::consent::ConsentApi>,
    /// The rules file it came from.
    #[serde(skip)]
    pub file: String,
}

impl SdkRule {
    /// Number of signatures of every kind.
    pub fn signature_count(&self) -> usize {
        self.class_prefixes.len()
            + self.native_libs.len()
            + self.manifest.len()
            + self.assets.len()
            + self.dex_strings.len()
    }

    /// Whether this is an app packer (hardening).
    pub fn is_packer(&self) -> bool {
        self.category == "packer"
    }
}

/// What the matchers need of an entry: its id, its signature values (in list order, so that
/// [`super::SigRef`] positions are the entry's) and the file-name regexes of its `native-string`
/// version rules. The built-in catalogue reads these from its blob without decoding the entries
/// themselves (an entry is decoded when it is first looked at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sigs<'a> {
    /// The entry's id.
    pub id: &'a str,
    /// The entry is in a `shared_with` relation (names one, or is named by one).
    pub shared: bool,
    /// `class_prefixes`: (value, `match = "contains"`).
    pub class_prefixes: Vec<(&'a str, bool)>,
    /// `native_libs` regexes.
    pub native_libs: Vec<&'a str>,
    /// `assets` regexes.
    pub assets: Vec<&'a str>,
    /// `manifest`: (kind, name).
    pub manifest: Vec<(ManifestKind, &'a str)>,
    /// `dex_strings` values.
    pub dex_strings: Vec<&'a str>,
    /// The `lib` regexes of the `native-string` version rules.
    pub version_libs: Vec<&'a str>,
    /// `[[consent]]`: (kind, target), what the consent search and the provider check match
    /// (the sources are read from the entry, for what is reported).
    pub consent: Vec<(super::consent::ConsentKind, &'a str)>,
}

impl<'a> Sigs<'a> {
    /// The signatures of `rule`; `shared` as [`Sigs::shared`].
    pub(crate) fn of(rule: &'a SdkRule, shared: bool) -> Sigs<'a> {
        Sigs {
            id: &rule.id,
            shared,
            class_prefixes: rule
                .class_prefixes
                .iter()
                .map(|c| (c.value.as_str(), c.contains))
                .collect(),
            native_libs: rule.native_libs.iter().map(|s| s.regex.as_str()).collect(),
            assets: rule.assets.iter().map(|s| s.regex.as_str()).collect(),
            manifest: rule
                .manifest
                .iter()
                .map(|m| (m.kind, m.name.as_str()))
                .collect(),
            dex_strings: rule.dex_strings.iter().map(|s| s.value.as_str()).collect(),
            version_libs: rule
                .versions
                .iter()
                .filter_map(|v| match &v.kind {
                    VersionKind::NativeString { lib } => Some(lib.as_str()),
                    _ => None,
                })
                .collect(),
            consent: rule
                .consent
                .iter()
                .map(|c| (c.kind, c.target.as_str()))
                .collect(),
        }
    }

    /// The signatures of every entry (sorted by id), with `shared` worked out across them.
    pub(crate) fn of_all(rules: &'a [SdkRule]) -> Vec<Sigs<'a>> {
        let named: std::collections::HashSet<&str> = rules
            .iter()
            .flat_map(|r| r.shared_with.iter().map(String::as_str))
            .collect();
        rules
            .iter()
            .map(|r| {
                Sigs::of(
                    r,
                    !r.shared_with.is_empty() || named.contains(r.id.as_str()),
                )
            })
            .collect()
    }
}
