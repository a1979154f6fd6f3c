//! SDK detection: the knowledge base's signatures matched against all evidence of an app, in one
//! pass, into detections that record why they matched; and attribution of API calls to SDKs.
//!
//! A detection is reported only on code of the SDK's own: `high` on one high-confidence code
//! signature (classes of its package, its native library, a component whose class the DEX
//! defines under its package), `medium` on a medium code signature plus a second one of another
//! kind. Configuration alone (meta-data keys, app keys, URLs, permissions, components whose
//! classes are absent) stays a hint, and a meta-data switch that turns the SDK off is reported
//! as `disabled`, not as presence. Vendor base packages (`base`), prefixes shared on purpose
//! (`shared_with`), bundled copies (`bundled_in`, `bundled_by`), classes shipped with a platform
//! library (`shipped_with`) and aggregators' adapters (`via`) never report an SDK alone
//! (sdk-kb-notes.md, "Shared prefixes and bundling"; rules/README.md).

mod attribute;
mod collect;
mod decide;
mod evidence;
mod version;
mod wechat;

pub use attribute::{attribute, library_of, Attribution};

use crate::apk::App;
use crate::rules::sdks::SdkCatalog;
use serde::Serialize;

/// How sure a detection (or one piece of evidence) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// One high-confidence signature matched.
    High,
    /// Two medium signatures of different kinds matched.
    Medium,
    /// Not enough to report: a hint (or corroborating evidence only).
    Weak,
}

/// Where a piece of evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
pub enum EvidenceSource {
    /// A class defined in a DEX file.
    #[serde(rename = "dex-class")]
    DexClass,
    /// A native library's file name.
    #[serde(rename = "native-lib")]
    NativeLib,
    /// A class named by a native library's JNI exports.
    #[serde(rename = "jni-class")]
    JniClass,
    /// A manifest component (by name, intent-filter action or data scheme).
    #[serde(rename = "manifest-component")]
    ManifestComponent,
    /// A `<meta-data>` key.
    #[serde(rename = "manifest-meta-data")]
    ManifestMetaData,
    /// A permission the app uses or declares.
    #[serde(rename = "manifest-permission")]
    ManifestPermission,
    /// `<application android:name>`.
    #[serde(rename = "application-class")]
    ApplicationClass,
    /// An archive entry path.
    #[serde(rename = "asset")]
    Asset,
    /// A string found in a DEX string pool.
    #[serde(rename = "dex-string")]
    DexString,
    /// The name of a string resource in `resources.arsc`.
    #[serde(rename = "resource-string")]
    ResourceString,
}

impl EvidenceSource {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceSource::DexClass => "dex-class",
            EvidenceSource::NativeLib => "native-lib",
            EvidenceSource::JniClass => "jni-class",
            EvidenceSource::ManifestComponent => "manifest-component",
            EvidenceSource::ManifestMetaData => "manifest-meta-data",
            EvidenceSource::ManifestPermission => "manifest-permission",
            EvidenceSource::ApplicationClass => "application-class",
            EvidenceSource::Asset => "asset",
            EvidenceSource::DexString => "dex-string",
            EvidenceSource::ResourceString => "resource-string",
        }
    }
}

/// Whether a piece of evidence shows the SDK's code or only its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// Classes in the DEX, a native library, a component whose class the DEX defines.
    Code,
    /// A meta-data key, an app key, a permission, a string, an asset path, a component whose
    /// class is absent: at most a hint on its own.
    Config,
}

/// One reason a detection matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Where it was found.
    pub source: EvidenceSource,
    /// What matched: the class prefix, the library path, the component name, the entry path...
    pub value: String,
    /// How many items matched (classes under the prefix, copies of a library...).
    pub count: usize,
    /// The signature's confidence; `weak` for corroborating-only signatures (base, shared, bundled).
    pub confidence: Confidence,
    /// Found only in secondary code (nested or dynamically loaded DEX).
    pub secondary: bool,
    /// Code or configuration.
    pub kind: EvidenceKind,
    /// Why the evidence does not count, or counts only as configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An SDK found in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// The knowledge-base id.
    pub id: String,
    /// The name policies use most (first of `names`).
    pub name: String,
    /// The vendor's legal name (Chinese when known).
    pub vendor: String,
    /// The category (`push`, `packer`...).
    pub category: String,
    /// How sure the detection is.
    pub confidence: Confidence,
    /// Why it matched.
    pub evidence: Vec<Evidence>,
    /// The SDK version, when the app reveals it.
    pub version: Option<String>,
    /// Where the version was read: a `META-INF/*.version` file, a constant
    /// (`constant com.x.Build.SDK_VERSION = "1.2"`), a native library's name or string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
    /// Maven artifacts seen in `META-INF/*.version` entries (`group:artifact`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<String>,
    /// Set when this is a copy shipped inside another SDK (the host's id), not an integration.
    pub bundled_in: Option<String>,
    /// Set on a hint made of an aggregator's adapter for this SDK (the aggregator's id, e.g.
    /// `sharesdk`): the app reaches the vendor through that aggregator's channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// On an aggregator: the SDKs whose adapters it ships here (hints with `via` = this id).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// The `<meta-data>` switch (`key=value`) that turns the SDK off, when the app sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// Variants of a multi-purpose SDK that the app uses (WeChat OpenSDK: `pay`, `share`, `login`,
    /// `share-or-login` when they cannot be told apart).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
}

/// Everything detected in one app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Detections {
    /// Reported SDKs, sorted by id.
    pub sdks: Vec<Detection>,
    /// Weak hints and bundled copies, sorted by id.
    pub hints: Vec<Detection>,
    /// The packer, when one is reported (its SDK id).
    pub packer: Option<String>,
    /// The app's own code packages (manifest package, application class package).
    #[serde(skip)]
    pub app_packages: Vec<String>,
}

impl Detections {
    /// The reported detection with this id.
    pub fn get(&self, id: &str) -> Option<&Detection> {
        self.sdks.iter().find(|d| d.id == id)
    }

    /// The hint with this id.
    pub fn hint(&self, id: &str) -> Option<&Detection> {
        self.hints.iter().find(|d| d.id == id)
    }
}

/// The file name of an archive path (`lib/arm64-v8a/libx.so` -> `libx.so`).
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The path inside its APK of an entry of a split APK set (`split.apk!assets/x` -> `assets/x`);
/// any other entry as it is.
fn path_in_split(entry: &str) -> &str {
    entry.rsplit_once('!').map_or(entry, |(_, p)| p)
}

/// Substrings the DEX parser should look for in string pools (SDKs known only from strings).
pub fn string_needles(cat: &SdkCatalog) -> Vec<String> {
    cat.dex_string_values()
}

/// Matches every signature of `catalog` against all evidence of `app`.
pub fn detect(app: &App, catalog: &SdkCatalog) -> Detections {
    let collected = collect::collect(app, catalog);
    decide::decide(app, catalog, collected)
}
