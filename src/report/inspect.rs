//! The `inspect` report: what the app contains, as JSON (the contract in docs/ARCHITECTURE.md) or a table.

use crate::apk::manifest::{Component, DeclaredPermission, MetaData};
use crate::apk::{Anomaly, App};
use crate::audit::AttributedCall;
use crate::detect::Detection;
use crate::report::table::{self, Priority};
use crate::report::{ToolInfo, SCHEMA_VERSION};
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
    pub sdks: Vec<Detection>,
    /// Weak hints and bundled copies: evidence that did not make a detection.
    pub sdk_hints: Vec<Detection>,
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
    /// English SDK names and vendors by id, for the table in English.
    #[serde(skip)]
    pub names_en: BTreeMap<String, (String, String)>,
    /// Language of the table view: `zh` (the names Chinese policies use) or `en`.
    #[serde(skip)]
    pub lang: &'static str,
}

/// A package and how many classes it holds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PackageCount {
    /// Package name, collapsed to at most three segments.
    pub package: String,
    /// Classes under it.
    pub classes: usize,
}

/// The largest packages, each collapsed to its first three segments (`com.tencent.bugly`).
pub fn largest_packages(app: &App, n: usize) -> Vec<PackageCount> {
    // Borrowed prefixes, counted without allocating per class (100,000s of classes).
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for class in app.dex.iter().flat_map(|d| d.classes.iter()) {
        let package = match class.rfind('.') {
            None => "(default package)",
            Some(last) => {
                let pkg = &class[..last];
                // At most three segments: the end of the third one, or the whole package.
                match pkg.match_indices('.').nth(2) {
                    Some((cut, _)) => &pkg[..cut],
                    None => pkg,
                }
            }
        };
        *counts.entry(package).or_default() += 1;
    }
    let mut v: Vec<PackageCount> = counts
        .into_iter()
        .map(|(package, classes)| PackageCount {
            package: package.to_string(),
            classes,
        })
        .collect();
    v.sort_by(|a, b| {
        b.classes
            .cmp(&a.classes)
            .then_with(|| a.package.cmp(&b.package))
    });
    v.truncate(n);
    v
}

impl InspectReport {
    /// Shows SDK names in English in the table view (from the knowledge base).
    pub fn in_english(mut self, catalog: &crate::rules::sdks::SdkCatalog) -> Self {
        self.lang = "en";
        self.names_en = self
            .sdks
            .iter()
            .filter_map(|d| {
                catalog.get(&d.id).map(|r| {
                    (
                        d.id.clone(),
                        (
                            crate::rules::vendor::english_display(&r.name_en),
                            r.vendor_en.clone(),
                        ),
                    )
                })
            })
            .collect();
        self
    }

    /// Builds the report from an app alone (no detection).
    pub fn new(app: &App) -> Self {
        let dangerous = crate::rules::is_dangerous;
        let m = &app.manifest;
        InspectReport {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo::current(),
            app: AppInfo {
                path: app.path.clone(),
                sha256: app.sha256.clone(),
                package: m.package.clone(),
                version_name: m.version_name.clone(),
                version_code: m.version_code,
                min_sdk: m.min_sdk,
                target_sdk: m.target_sdk,
                packer: None,
            },
            sdks: Vec::new(),
            sdk_hints: Vec::new(),
            permissions: m
                .uses_permissions
                .iter()
                .map(|p| PermissionInfo {
                    name: p.name.clone(),
                    dangerous: dangerous(&p.name),
                    max_sdk: p.max_sdk,
                    sdk23: p.sdk23,
                })
                .collect(),
            data_access: Vec::new(),
            packages: largest_packages(app, 15),
            dex: app
                .dex
                .iter()
                .map(|d| DexInfo {
                    name: d.name.clone(),
                    classes: d.classes.len(),
                    secondary: d.secondary,
                })
                .collect(),
            native_libs: app
                .native_libs
                .iter()
                .map(|l| NativeInfo {
                    path: l.path.clone(),
                    abi: l.abi.clone(),
                    soname: l.soname.clone(),
                    needed: l.needed.clone(),
                    jni_classes: l.jni_classes.clone(),
                })
                .collect(),
            manifest: ManifestInfo {
                application_class: m.application.name.clone(),
                debuggable: m.application.debuggable,
                allow_backup: m.application.allow_backup,
                uses_cleartext_traffic: m.application.uses_cleartext_traffic,
                network_security_config: m.application.network_security_config.clone(),
                max_sdk: m.max_sdk,
                declared_permissions: m.declared_permissions.clone(),
                components: m.components.clone(),
                meta_data: m.meta_data.clone(),
            },
            anomalies: app.anomalies.clone(),
            names_en: BTreeMap::new(),
            lang: "zh",
        }
    }

    /// The human-readable view.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let a = &self.app;
        let mut t = table::new(&["", ""]);
        t.add_row(vec!["file".to_string(), a.path.clone()]);
        t.add_row(vec!["package".to_string(), a.package.clone()]);
        t.add_row(vec![
            "version".to_string(),
            format!(
                "{} ({})",
                a.version_name.as_deref().unwrap_or("-"),
                a.version_code.map_or("-".to_string(), |c| c.to_string())
            ),
        ]);
        t.add_row(vec![
            "SDK levels".to_string(),
            format!("min {} target {}", opt(a.min_sdk), opt(a.target_sdk)),
        ]);
        t.add_row(vec!["sha256".to_string(), a.sha256.clone()]);
        let m = &self.manifest;
        t.add_row(vec![
            "application".to_string(),
            format!(
                "{}; debuggable {}, allowBackup {}, cleartext {}",
                m.application_class.as_deref().unwrap_or("-"),
                optb(m.debuggable),
                optb(m.allow_backup),
                optb(m.uses_cleartext_traffic)
            ),
        ]);
        let classes: usize = self.dex.iter().map(|d| d.classes).sum();
        t.add_row(vec![
            "code".to_string(),
            format!(
                "{} DEX files, {classes} classes; {} native libraries",
                self.dex.len(),
                self.native_libs.len()
            ),
        ]);
        table::no_header(&mut t);
        out.push_str(&t.to_string());
        out.push('\n');

        if let Some(p) = &self.app.packer {
            out.push('\n');
            out.push_str(&table::paragraph(&format!(
                "PACKED by {p}: the DEX code seen here is a stub; SDKs and data access are a lower bound."
            )));
            out.push('\n');
        }
        if !self.sdks.is_empty() {
            let mut t = table::new(&["SDK", "vendor", "category", "evidence"]);
            t.priority(0, Priority::High).priority(1, Priority::High);
            for d in &self.sdks {
                let (name, vendor) = match self.names_en.get(&d.id) {
                    Some((n, v)) if self.lang == "en" => (n.clone(), v.clone()),
                    _ => (
                        d.name.clone(),
                        crate::rules::vendor::vendor_display(&d.vendor),
                    ),
                };
                let name = match &d.version {
                    Some(v) => format!("{name} {v}"),
                    None => name,
                };
                let mut kinds: Vec<&str> = d.evidence.iter().map(|e| e.source.as_str()).collect();
                kinds.dedup();
                let first = d
                    .evidence
                    .first()
                    .map_or(String::new(), |e| e.value.clone());
                t.add_row(vec![
                    format!("{name} ({})", d.id),
                    vendor,
                    d.category.clone(),
                    match d.evidence.len().saturating_sub(1) {
                        0 => format!("{first} ({})", kinds.join(", ")),
                        n => format!("{first} (+{n} more: {})", kinds.join(", ")),
                    },
                ]);
            }
            out.push_str(&format!("\nSDKs ({})\n", self.sdks.len()));
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.data_access.is_empty() {
            // Data type and SDK stacked: four columns of identifiers do not fit 80 columns.
            let mut t = table::new(&["data / SDK", "API", "caller"]);
            t.priority(2, Priority::High);
            for c in &self.data_access {
                t.add_row(vec![
                    format!(
                        "{}\n{}",
                        c.data_type,
                        c.sdk
                            .as_deref()
                            .or_else(|| crate::detect::library_of(&c.caller))
                            .unwrap_or("app / other")
                    ),
                    c.api.rsplit('/').next().unwrap_or(&c.api).to_string(),
                    c.caller.clone(),
                ]);
            }
            out.push_str(&format!(
                "\nSensitive API calls ({})\n",
                self.data_access.len()
            ));
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.permissions.is_empty() {
            let mut t = table::new(&["permission", "dangerous", "note"]);
            t.priority(0, Priority::High);
            for p in &self.permissions {
                let mut note = Vec::new();
                if let Some(v) = p.max_sdk {
                    note.push(format!("maxSdkVersion {v}"));
                }
                if p.sdk23 {
                    note.push("API 23+ only".to_string());
                }
                t.add_row(vec![
                    p.name.clone(),
                    if p.dangerous { "yes" } else { "" }.to_string(),
                    note.join(", "),
                ]);
            }
            out.push_str(&format!("\nPermissions ({})\n", self.permissions.len()));
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !m.components.is_empty() {
            let mut t = table::new(&["component", "kind", "exported"]);
            t.priority(0, Priority::High);
            for c in &m.components {
                t.add_row(vec![
                    c.name.clone(),
                    c.kind.tag().to_string(),
                    match (c.exported, c.exported_explicit) {
                        (true, true) => "yes",
                        (true, false) => "yes (implied)",
                        (false, _) => "",
                    }
                    .to_string(),
                ]);
            }
            out.push_str(&format!("\nComponents ({})\n", m.components.len()));
            out.push_str(&t.to_string());
            out.push('\n');
        }
        let metas: Vec<&MetaData> = m
            .meta_data
            .iter()
            .chain(m.components.iter().flat_map(|c| c.meta_data.iter()))
            .collect();
        if !metas.is_empty() {
            let mut t = table::new(&["meta-data", "value"]);
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
            out.push_str("\nMeta-data\n");
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.dex.is_empty() {
            let mut t = table::new(&["DEX", "classes"]);
            for d in &self.dex {
                let name = if d.secondary {
                    format!("{} (secondary)", d.name)
                } else {
                    d.name.clone()
                };
                t.add_row(vec![name, d.classes.to_string()]);
            }
            out.push_str("\nDEX files\n");
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.packages.is_empty() {
            let mut t = table::new(&["package", "classes"]);
            t.priority(0, Priority::High);
            for p in &self.packages {
                t.add_row(vec![p.package.clone(), p.classes.to_string()]);
            }
            out.push_str("\nLargest packages\n");
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.native_libs.is_empty() {
            let mut t = table::new(&["native library", "ABI", "JNI classes"]);
            t.priority(0, Priority::High);
            for l in &self.native_libs {
                t.add_row(vec![
                    l.path.clone(),
                    l.abi.clone(),
                    l.jni_classes.len().to_string(),
                ]);
            }
            out.push_str("\nNative libraries\n");
            out.push_str(&t.to_string());
            out.push('\n');
        }
        if !self.anomalies.is_empty() {
            out.push_str(&format!("\nAnomalies ({})\n", self.anomalies.len()));
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

fn optb(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "unset",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apk::DexSummary;

    #[test]
    fn packages_collapse_to_three_segments() {
        let app = App {
            path: String::new(),
            sha256: String::new(),
            size: 0,
            manifest: Default::default(),
            dex: vec![DexSummary {
                classes: ["com.a.b.c.D", "com.a.b.E", "com.a.F", "G", "com.a.b.c.d.H"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                ..Default::default()
            }],
            native_libs: Vec::new(),
            entries: Vec::new(),
            version_files: Vec::new(),
            string_resources: Vec::new(),
            anomalies: Vec::new(),
        };
        let got: Vec<(String, usize)> = largest_packages(&app, 10)
            .into_iter()
            .map(|p| (p.package, p.classes))
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.a.b".to_string(), 3),
                ("(default package)".to_string(), 1),
                ("com.a".to_string(), 1)
            ]
        );
    }
}
