//! The `inspect` report: what the app contains, as JSON (the contract in docs/ARCHITECTURE.md) or
//! a table. `engine` builds the [`InspectReport`] from the analysis (reader, detector,
//! knowledge base: `engine::inspect_report`); this module holds its types and renders it,
//! reading nothing else (plus the catalogues' words). The types below mirror the reader's and
//! the detector's (`apk::manifest::Component`, `detect::Detection`...) field for field, so the
//! JSON is the one those types wrote; `engine`'s tests compare the two on every fixture.

use crate::model::{locale, Arg, AttributedCall, Lang};
use crate::report::table::{self, Priority};
use crate::report::ToolInfo;
use serde::Serialize;
use std::collections::BTreeMap;

/// `app` in every report.
#[derive(Debug, Clone, Serialize)]
pub struct AppInfo {
    /// The file analysed.
    pub path: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Package name.
    pub package: String,
    /// versionName.
    pub version_name: Option<String>,
    /// versionCode.
    pub version_code: Option<u64>,
    /// minSdkVersion.
    pub min_sdk: Option<u32>,
    /// targetSdkVersion.
    pub target_sdk: Option<u32>,
    /// The packer SDK id, when the code is hidden by one.
    pub packer: Option<String>,
}

/// One requested permission.
#[derive(Debug, Clone, Serialize)]
pub struct PermissionInfo {
    /// Full name.
    pub name: String,
    /// A dangerous (runtime) permission.
    pub dangerous: bool,
    /// `maxSdkVersion`, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_sdk: Option<u32>,
    /// Declared with `uses-permission-sdk-23`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sdk23: bool,
}

/// One DEX file.
#[derive(Debug, Clone, Serialize)]
pub struct DexInfo {
    /// Archive path.
    pub name: String,
    /// Number of classes it defines.
    pub classes: usize,
    /// Loaded dynamically rather than by the runtime.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secondary: bool,
}

/// One native library.
#[derive(Debug, Clone, Serialize)]
pub struct NativeInfo {
    /// Archive path.
    pub path: String,
    /// ABI.
    pub abi: String,
    /// DT_SONAME.
    pub soname: Option<String>,
    /// DT_NEEDED.
    pub needed: Vec<String>,
    /// Classes named by JNI exports.
    pub jni_classes: Vec<String>,
}

/// Manifest details beyond the contract's top-level fields.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestInfo {
    /// `<application android:name>`.
    pub application_class: Option<String>,
    /// android:debuggable.
    pub debuggable: Option<bool>,
    /// android:allowBackup.
    pub allow_backup: Option<bool>,
    /// android:usesCleartextTraffic.
    pub uses_cleartext_traffic: Option<bool>,
    /// android:networkSecurityConfig.
    pub network_security_config: Option<String>,
    /// maxSdkVersion of uses-sdk.
    pub max_sdk: Option<u32>,
    /// Permissions the app declares.
    pub declared_permissions: Vec<DeclaredPermission>,
    /// Every component.
    pub components: Vec<Component>,
    /// Application-level meta-data.
    pub meta_data: Vec<MetaData>,
}

/// A `<permission>` the app itself declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredPermission {
    /// Full name.
    pub name: String,
    /// `android:protectionLevel` as text (`normal`, `dangerous`, `signature|privileged`...).
    pub protection_level: String,
}

/// The kind of an app component (its manifest element).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ComponentKind {
    /// `<activity>`
    Activity,
    /// `<activity-alias>`
    ActivityAlias,
    /// `<service>`
    Service,
    /// `<receiver>`
    Receiver,
    /// `<provider>`
    Provider,
}

impl ComponentKind {
    /// The manifest element name.
    pub fn tag(self) -> &'static str {
        match self {
            ComponentKind::Activity => "activity",
            ComponentKind::ActivityAlias => "activity-alias",
            ComponentKind::Service => "service",
            ComponentKind::Receiver => "receiver",
            ComponentKind::Provider => "provider",
        }
    }
}

/// An `<intent-filter>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntentFilter {
    /// `<action android:name>` values.
    pub actions: Vec<String>,
    /// `<category android:name>` values.
    pub categories: Vec<String>,
    /// `<data android:scheme>` values.
    pub schemes: Vec<String>,
}

/// A `<meta-data>` entry (under the application or a component).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetaData {
    /// `android:name`.
    pub name: String,
    /// `android:value`, as text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `android:resource`, as `@0x7f......`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

/// An activity, alias, service, receiver or provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    /// Which element.
    pub kind: ComponentKind,
    /// Fully-qualified class name.
    pub name: String,
    /// For an activity-alias, the resolved `android:targetActivity`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Effective exported state: explicit, or implied by an intent filter below API 31.
    pub exported: bool,
    /// Whether `android:exported` was written explicitly.
    pub exported_explicit: bool,
    /// `android:permission` guarding it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// `android:authorities` of a provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorities: Option<String>,
    /// `android:enabled="false"` is kept as `false`.
    pub enabled: bool,
    /// Its intent filters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub intent_filters: Vec<IntentFilter>,
    /// Its meta-data.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub meta_data: Vec<MetaData>,
}

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

/// Whether a piece of evidence shows the SDK's code or only its configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    /// Classes, a native library, a component whose class the DEX defines.
    Code,
    /// Configuration only: at most a hint on its own.
    Config,
}

/// One reason a detection matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkEvidence {
    /// Where it was found: the detector's source name (`dex-class`, `native-lib`, `jni-class`,
    /// `manifest-component`, `manifest-meta-data`, `manifest-permission`, `application-class`,
    /// `asset`, `dex-string`, `resource-string`...).
    pub source: String,
    /// What matched: the class prefix, the library path, the component name, the entry path...
    pub value: String,
    /// How many items matched.
    pub count: usize,
    /// The signature's confidence.
    pub confidence: Confidence,
    /// Found only in secondary code.
    pub secondary: bool,
    /// Code or configuration.
    pub kind: EvidenceKind,
    /// Why the evidence does not count, or counts only as configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An SDK found in the app (or a hint), with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SdkFound {
    /// The knowledge-base id.
    pub id: String,
    /// The name policies use most.
    pub name: String,
    /// The vendor's legal name (Chinese when known).
    pub vendor: String,
    /// The category (`push`, `packer`...).
    pub category: String,
    /// How sure the detection is.
    pub confidence: Confidence,
    /// Why it matched.
    pub evidence: Vec<SdkEvidence>,
    /// The SDK version, when the app reveals it.
    pub version: Option<String>,
    /// Where the version was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_source: Option<String>,
    /// Maven artifacts seen in `META-INF/*.version` entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<String>,
    /// Set when this is a copy shipped inside another SDK (the host's id).
    pub bundled_in: Option<String>,
    /// Set on a hint made of an aggregator's adapter (the aggregator's id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// On an aggregator: the SDKs whose adapters it ships here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// The `<meta-data>` switch (`key=value`) that turns the SDK off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
    /// Variants of a multi-purpose SDK that the app uses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// The names the views show (not serialized: the JSON keeps the detector's fields).
    #[serde(skip)]
    pub display: SdkDisplay,
}

/// How the views name an SDK: the vendor shortened to its legal name, and the English forms
/// from the knowledge base (the Chinese ones when it has none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdkDisplay {
    /// The vendor as shown (its first legal name).
    pub vendor: String,
    /// The English name.
    pub name_en: String,
    /// The English vendor.
    pub vendor_en: String,
}

/// Something odd that did not stop the analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anomaly {
    /// Where: `archive`, `AndroidManifest.xml`, `classes2.dex`, `lib/arm64-v8a/libx.so`...
    pub source: String,
    /// What was odd.
    pub message: String,
}

/// `inspect --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    /// Always 1 for this shape.
    pub schema_version: u32,
    /// Which tool wrote it.
    pub tool: ToolInfo,
    /// The app.
    pub app: AppInfo,
    /// SDKs detected, with every piece of evidence.
    pub sdks: Vec<SdkFound>,
    /// Weak hints and bundled copies: evidence that did not make a detection.
    pub sdk_hints: Vec<SdkFound>,
    /// Requested permissions.
    pub permissions: Vec<PermissionInfo>,
    /// Sensitive API calls, attributed to SDKs.
    pub data_access: Vec<AttributedCall>,
    /// The largest packages by number of classes.
    pub packages: Vec<PackageCount>,
    /// DEX files.
    pub dex: Vec<DexInfo>,
    /// Native libraries.
    pub native_libs: Vec<NativeInfo>,
    /// Manifest details.
    pub manifest: ManifestInfo,
    /// What was odd but did not stop the analysis.
    pub anomalies: Vec<Anomaly>,
    /// How the table is shown (not serialized).
    #[serde(skip)]
    pub view: InspectView,
}

/// The table view's options and the facts it shows beside the contract's fields.
#[derive(Debug, Clone, Default)]
pub struct InspectView {
    /// `--lang`: `None` shows English words and the names the knowledge base gives first (the
    /// ones Chinese policies use); `en` English words and names; `zh` Chinese words and names.
    pub lang: Option<Lang>,
    /// The platform library (`androidx`, `kotlin`...) of callers no SDK holds, by caller.
    pub libraries: BTreeMap<String, String>,
    /// The names of the data types the calls collect, by id (the Chinese table shows them).
    pub data_types: BTreeMap<String, Arg>,
}

/// A package and how many classes it holds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PackageCount {
    /// Package name, collapsed to at most three segments.
    pub package: String,
    /// Classes under it.
    pub classes: usize,
}

impl InspectReport {
    /// The same report shown in a language (`None`: see [`InspectView::lang`]).
    pub fn with_lang(mut self, lang: Option<Lang>) -> Self {
        self.view.lang = lang;
        self
    }

    /// The human-readable view.
    pub fn render_table(&self) -> String {
        let lang = self.view.lang;
        let words = lang.unwrap_or(Lang::En);
        let w = |key: &str| locale::word(words, "inspect", key);
        let f = |key: &str, args: &[(&str, String)]| locale::format(words, "inspect", key, args);
        let boolean = |v: Option<bool>| {
            w(match v {
                Some(true) => "true",
                Some(false) => "false",
                None => "unset",
            })
        };
        let dash = || "-".to_string();
        let new_table = |keys: &[&str]| {
            let titles: Vec<String> = keys.iter().map(|k| w(k)).collect();
            let titles: Vec<&str> = titles.iter().map(String::as_str).collect();
            table::new(&titles)
        };
        let mut out = String::new();
        let a = &self.app;
        let mut t = table::new(&["", ""]);
        t.add_row(vec![w("file"), a.path.clone()]);
        t.add_row(vec![w("package"), a.package.clone()]);
        t.add_row(vec![
            w("version"),
            f(
                "version_value",
                &[
                    ("name", a.version_name.clone().unwrap_or_else(dash)),
                    ("code", a.version_code.map_or_else(dash, |c| c.to_string())),
                ],
            ),
        ]);
        t.add_row(vec![
            w("sdk_levels"),
            f(
                "sdk_levels_value",
                &[("min", opt(a.min_sdk)), ("target", opt(a.target_sdk))],
            ),
        ]);
        t.add_row(vec![w("sha256"), a.sha256.clone()]);
        let m = &self.manifest;
        t.add_row(vec![
            w("application"),
            f(
                "application_value",
                &[
                    ("class", m.application_class.clone().unwrap_or_else(dash)),
                    ("debuggable", boolean(m.debuggable)),
                    ("allow_backup", boolean(m.allow_backup)),
                    ("cleartext", boolean(m.uses_cleartext_traffic)),
                ],
            ),
        ]);
        let classes: usize = self.dex.iter().map(|d| d.classes).sum();
        t.add_row(vec![
            w("code"),
            f(
                "code_value",
                &[
                    ("dex", self.dex.len().to_string()),
                    ("classes", classes.to_string()),
                    ("native", self.native_libs.len().to_string()),
                ],
            ),
        ]);
        table::no_header(&mut t);
        out.push_str(&t.to_string());
        out.push('\n');

        if let Some(p) = &self.app.packer {
            out.push('\n');
            out.push_str(&table::paragraph(&f("packed", &[("packer", p.clone())])));
            out.push('\n');
        }
        let count = |n: usize| [("count", n.to_string())];
        if !self.sdks.is_empty() {
            let mut t = new_table(&["col_sdk", "col_vendor", "col_category", "col_evidence"]);
            t.priority(0, Priority::High).priority(1, Priority::High);
            for d in &self.sdks {
                let (name, vendor) = match lang {
                    Some(Lang::En) => (d.display.name_en.clone(), d.display.vendor_en.clone()),
                    _ => (d.name.clone(), d.display.vendor.clone()),
                };
                let name = match &d.version {
                    Some(v) => format!("{name} {v}"),
                    None => name,
                };
                let mut kinds: Vec<&str> = d.evidence.iter().map(|e| e.source.as_str()).collect();
                kinds.dedup();
                let kinds = kinds.join(&w("list_sep"));
                let first = d
                    .evidence
                    .first()
                    .map_or(String::new(), |e| e.value.clone());
                t.add_row(vec![
                    format!("{name} ({})", d.id),
                    vendor,
                    match lang {
                        Some(Lang::Zh) => locale::category(Lang::Zh, &d.category),
                        _ => d.category.clone(),
                    },
                    match d.evidence.len().saturating_sub(1) {
                        0 => f("evidence_one", &[("first", first), ("kinds", kinds)]),
                        n => f(
                            "evidence_more",
                            &[("first", first), ("count", n.to_string()), ("kinds", kinds)],
                        ),
                    },
                ]);
            }
            out.push('\n');
            out.push_str(&f("sdks", &count(self.sdks.len())));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.data_access.is_empty() {
            // Data type and SDK stacked: four columns of identifiers do not fit 80 columns.
            let mut t = new_table(&["col_data_sdk", "col_api", "col_caller"]);
            t.priority(2, Priority::High);
            for c in &self.data_access {
                let owner = c
                    .sdk
                    .clone()
                    .or_else(|| self.view.libraries.get(&c.caller).cloned())
                    .unwrap_or_else(|| w("app_or_other"));
                let data = match (lang, self.view.data_types.get(&c.data_type)) {
                    (Some(Lang::Zh), Some(name)) => name.get(Lang::Zh).to_string(),
                    _ => c.data_type.clone(),
                };
                t.add_row(vec![
                    format!("{data}\n{owner}"),
                    c.api.rsplit('/').next().unwrap_or(&c.api).to_string(),
                    c.caller.clone(),
                ]);
            }
            out.push('\n');
            out.push_str(&f("calls", &count(self.data_access.len())));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.permissions.is_empty() {
            let mut t = new_table(&["col_permission", "col_dangerous", "col_note"]);
            t.priority(0, Priority::High);
            for p in &self.permissions {
                let mut note = Vec::new();
                if let Some(v) = p.max_sdk {
                    note.push(f("max_sdk", &[("max", v.to_string())]));
                }
                if p.sdk23 {
                    note.push(w("sdk23"));
                }
                t.add_row(vec![
                    p.name.clone(),
                    if p.dangerous { w("yes") } else { String::new() },
                    note.join(&w("list_sep")),
                ]);
            }
            out.push('\n');
            out.push_str(&f("permissions", &count(self.permissions.len())));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !m.components.is_empty() {
            let mut t = new_table(&["col_component", "col_kind", "col_exported"]);
            t.priority(0, Priority::High);
            for c in &m.components {
                t.add_row(vec![
                    c.name.clone(),
                    c.kind.tag().to_string(),
                    match (c.exported, c.exported_explicit) {
                        (true, true) => w("yes"),
                        (true, false) => w("exported_implied"),
                        (false, _) => String::new(),
                    },
                ]);
            }
            out.push('\n');
            out.push_str(&f("components", &count(m.components.len())));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        let metas: Vec<&MetaData> = m
            .meta_data
            .iter()
            .chain(m.components.iter().flat_map(|c| c.meta_data.iter()))
            .collect();
        if !metas.is_empty() {
            let mut t = new_table(&["col_meta_data", "col_value"]);
            t.priority(0, Priority::High);
            for md in metas {
                t.add_row(vec![
                    md.name.clone(),
                    md.value
                        .clone()
                        .or_else(|| md.resource.clone())
                        .unwrap_or_default(),
                ]);
            }
            out.push('\n');
            out.push_str(&w("meta_data"));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.dex.is_empty() {
            let mut t = new_table(&["col_dex", "col_classes"]);
            for d in &self.dex {
                let name = if d.secondary {
                    f("secondary", &[("name", d.name.clone())])
                } else {
                    d.name.clone()
                };
                t.add_row(vec![name, d.classes.to_string()]);
            }
            out.push('\n');
            out.push_str(&w("dex_files"));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.packages.is_empty() {
            let mut t = new_table(&["col_package", "col_classes"]);
            t.priority(0, Priority::High);
            for p in &self.packages {
                t.add_row(vec![p.package.clone(), p.classes.to_string()]);
            }
            out.push('\n');
            out.push_str(&w("packages"));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.native_libs.is_empty() {
            let mut t = new_table(&["col_native", "col_abi", "col_jni"]);
            t.priority(0, Priority::High);
            for l in &self.native_libs {
                t.add_row(vec![
                    l.path.clone(),
                    l.abi.clone(),
                    l.jni_classes.len().to_string(),
                ]);
            }
            out.push('\n');
            out.push_str(&w("native_libs"));
            out.push('\n');
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.anomalies.is_empty() {
            out.push('\n');
            out.push_str(&f("anomalies", &count(self.anomalies.len())));
            out.push('\n');
            for an in &self.anomalies {
                out.push_str(&format!("  {}: {}\n", an.source, an.message));
            }
        }
        out
    }
}

fn opt(v: Option<u32>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}
