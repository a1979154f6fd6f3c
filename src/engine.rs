//! The whole analysis of one app, shared by `inspect`, `audit`, `scan` and `diff`: read the APK,
//! detect SDKs, attribute sensitive calls.

use crate::apk::archive::Limits;
use crate::apk::reader::{self, Options};
use crate::apk::App;
use crate::audit::baseline::Baseline;
use crate::audit::{self, AttributedCall, AuditInput, Evidence, SdkEvidence, SdkView, Severity};
use crate::detect::{self, Attribution, Detection, Detections};
use crate::error::{Error, Result};
use crate::model::RuleId;
use crate::policy::PolicyDoc;
use crate::report::audit::{
    AuditReport, InputFile, PermissionEntry, PolicyInfo, ReportParts, RulesInfo, SdkEntry,
    ViewOptions,
};
use crate::report::inspect::{InspectReport, PackageCount};
use crate::rules::sdks::SdkCatalog;
use std::path::Path;

/// An app with what was detected in it.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// What the APK contains.
    pub app: App,
    /// SDKs found.
    pub detections: Detections,
    /// Sensitive API calls, attributed to SDKs or the app.
    pub calls: Vec<AttributedCall>,
    /// What runs before the user can consent (SDK inits, sensitive reads, with call paths).
    pub consent: crate::consent::ConsentResult,
}

impl InspectReport {
    /// Builds the report from an analysis (app, detections, attributed calls), without the
    /// knowledge base: the English names are the detection's (see [`inspect_report`]).
    pub fn from_analysis(a: &Analysis) -> Self {
        inspect_model(a, None)
    }
}

/// `inspect`'s report: what the app contains, the detections with their evidence, the calls;
/// the knowledge base gives the English names the English table shows.
pub fn inspect_report(a: &Analysis, catalog: &SdkCatalog) -> InspectReport {
    inspect_model(a, Some(catalog))
}

fn inspect_model(a: &Analysis, catalog: Option<&SdkCatalog>) -> InspectReport {
    use crate::report::inspect as view;
    let app = &a.app;
    let m = &app.manifest;
    let sdk = |d: &Detection| {
        let rule = catalog.and_then(|c| c.get(&d.id));
        let vendor = vendor_display(&d.vendor);
        view::SdkFound {
            id: d.id.clone(),
            name: d.name.clone(),
            vendor: d.vendor.clone(),
            category: d.category.clone(),
            confidence: confidence(d.confidence),
            evidence: d
                .evidence
                .iter()
                .map(|e| view::SdkEvidence {
                    source: e.source.as_str().to_string(),
                    value: e.value.clone(),
                    count: e.count,
                    confidence: confidence(e.confidence),
                    secondary: e.secondary,
                    kind: match e.kind {
                        detect::EvidenceKind::Code => view::EvidenceKind::Code,
                        detect::EvidenceKind::Config => view::EvidenceKind::Config,
                    },
                    note: e.note.clone(),
                })
                .collect(),
            version: d.version.clone(),
            version_source: d.version_source.clone(),
            artifacts: d.artifacts.clone(),
            bundled_in: d.bundled_in.clone(),
            via: d.via.clone(),
            channels: d.channels.clone(),
            disabled: d.disabled.clone(),
            features: d.features.clone(),
            display: view::SdkDisplay {
                name_en: rule.map_or_else(
                    || d.name.clone(),
                    |r| crate::rules::vendor::english_display(&r.name_en),
                ),
                vendor_en: rule.map_or_else(|| vendor.clone(), |r| r.vendor_en.clone()),
                vendor,
            },
        }
    };
    let meta = |md: &crate::apk::manifest::MetaData| view::MetaData {
        name: md.name.clone(),
        value: md.value.clone(),
        resource: md.resource.clone(),
    };
    let dangerous = crate::rules::is_dangerous;
    InspectReport {
        schema_version: crate::report::SCHEMA_VERSION,
        tool: crate::report::ToolInfo::current(),
        app: view::AppInfo {
            path: app.path.clone(),
            sha256: app.sha256.clone(),
            package: m.package.clone(),
            version_name: m.version_name.clone(),
            version_code: m.version_code,
            min_sdk: m.min_sdk,
            target_sdk: m.target_sdk,
            packer: a.detections.packer.clone(),
        },
        sdks: a.detections.sdks.iter().map(sdk).collect(),
        sdk_hints: a.detections.hints.iter().map(sdk).collect(),
        permissions: m
            .uses_permissions
            .iter()
            .map(|p| view::PermissionInfo {
                name: p.name.clone(),
                dangerous: dangerous(&p.name),
                max_sdk: p.max_sdk,
                sdk23: p.sdk23,
            })
            .collect(),
        data_access: a.calls.clone(),
        packages: largest_packages(app, 15),
        dex: app
            .dex
            .iter()
            .map(|d| view::DexInfo {
                name: d.name.clone(),
                classes: d.classes.len(),
                secondary: d.secondary,
            })
            .collect(),
        native_libs: app
            .native_libs
            .iter()
            .map(|l| view::NativeInfo {
                path: l.path.clone(),
                abi: l.abi.clone(),
                soname: l.soname.clone(),
                needed: l.needed.clone(),
                jni_classes: l.jni_classes.clone(),
            })
            .collect(),
        manifest: view::ManifestInfo {
            application_class: m.application.name.clone(),
            debuggable: m.application.debuggable,
            allow_backup: m.application.allow_backup,
            uses_cleartext_traffic: m.application.uses_cleartext_traffic,
            network_security_config: m.application.network_security_config.clone(),
            max_sdk: m.max_sdk,
            declared_permissions: m
                .declared_permissions
                .iter()
                .map(|p| view::DeclaredPermission {
                    name: p.name.clone(),
                    protection_level: p.protection_level.clone(),
                })
                .collect(),
            components: m
                .components
                .iter()
                .map(|c| {
                    use crate::apk::manifest::ComponentKind as K;
                    view::Component {
                        kind: match c.kind {
                            K::Activity => view::ComponentKind::Activity,
                            K::ActivityAlias => view::ComponentKind::ActivityAlias,
                            K::Service => view::ComponentKind::Service,
                            K::Receiver => view::ComponentKind::Receiver,
                            K::Provider => view::ComponentKind::Provider,
                        },
                        name: c.name.clone(),
                        target: c.target.clone(),
                        exported: c.exported,
                        exported_explicit: c.exported_explicit,
                        permission: c.permission.clone(),
                        authorities: c.authorities.clone(),
                        enabled: c.enabled,
                        intent_filters: c
                            .intent_filters
                            .iter()
                            .map(|f| view::IntentFilter {
                                actions: f.actions.clone(),
                                categories: f.categories.clone(),
                                schemes: f.schemes.clone(),
                            })
                            .collect(),
                        meta_data: c.meta_data.iter().map(meta).collect(),
                    }
                })
                .collect(),
            meta_data: m.meta_data.iter().map(meta).collect(),
        },
        anomalies: app
            .anomalies
            .iter()
            .map(|an| view::Anomaly {
                source: an.source.clone(),
                message: an.message.clone(),
            })
            .collect(),
        view: view::InspectView {
            lang: None,
            libraries: a
                .calls
                .iter()
                .filter(|c| c.sdk.is_none())
                .filter_map(|c| {
                    detect::library_of(&c.caller).map(|l| (c.caller.clone(), l.to_string()))
                })
                .collect(),
            data_types: a
                .calls
                .iter()
                .filter_map(|c| {
                    crate::rules::data_types::DataTypeCatalog::builtin()
                        .get(&c.data_type)
                        .map(|d| {
                            (
                                c.data_type.clone(),
                                crate::model::Arg::both(&d.name_zh, &d.name_en),
                            )
                        })
                })
                .collect(),
        },
    }
}

fn confidence(c: detect::Confidence) -> crate::report::inspect::Confidence {
    use crate::report::inspect::Confidence as C;
    match c {
        detect::Confidence::High => C::High,
        detect::Confidence::Medium => C::Medium,
        detect::Confidence::Weak => C::Weak,
    }
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

/// The SDK rules: built in, or from `--rules DIR` (its `sdks/` folder, or the folder itself).
/// A catalogue loaded from a directory lives for the rest of the process (it is loaded once).
pub fn load_catalog(dir: Option<&Path>) -> Result<&'static SdkCatalog> {
    let diags = |d: Vec<crate::rules::sdks::Diagnostic>| {
        Error::Rules(d.iter().map(ToString::to_string).collect())
    };
    match dir {
        None => SdkCatalog::builtin().map_err(diags),
        Some(d) => {
            let sdks = d.join("sdks");
            let dir = if sdks.is_dir() { sdks } else { d.to_path_buf() };
            SdkCatalog::load_dir(&dir)
                .map(|c| &*Box::leak(Box::new(c)))
                .map_err(diags)
        }
    }
}

/// Reads one APK and detects what it contains, with the consent search (what `audit` needs).
pub fn analyze(path: &Path, limits: Limits, catalog: &SdkCatalog) -> Result<Analysis> {
    analyze_with(path, limits, catalog, true)
}

/// [`analyze`], with the consent search only when `consent` is set: without it the DEX bytes are
/// dropped as soon as each file is read (`inspect`'s memory stays bounded by the largest DEX) and
/// `Analysis::consent` says the search did not run.
pub fn analyze_with(
    path: &Path,
    limits: Limits,
    catalog: &SdkCatalog,
    consent: bool,
) -> Result<Analysis> {
    let opts = reader_options(limits, catalog, consent);
    let app = reader::analyze(path, &opts)?;
    Ok(analyze_app(app, catalog))
}

/// What the reader needs from the knowledge base; `call_graph` keeps the DEX for the consent search.
pub fn reader_options(limits: Limits, catalog: &SdkCatalog, call_graph: bool) -> Options {
    Options {
        limits,
        string_needles: detect::string_needles(catalog),
        native_strings: Some(catalog.native_string_libs().clone()),
        call_graph,
    }
}

/// Detection and attribution over an app already read.
pub fn analyze_app(mut app: App, catalog: &SdkCatalog) -> Analysis {
    let detections = detect::detect(&app, catalog);
    let mut calls: Vec<AttributedCall> = app
        .dex
        .iter()
        .flat_map(|d| d.api_calls.iter().map(move |c| (d.name.as_str(), c)))
        .map(|(dex, c)| AttributedCall {
            dex: dex.to_string(),
            data_type: c.data_type.clone(),
            api: c.api.clone(),
            caller: c.caller.clone(),
            sdk: match detect::attribute(c, &detections, &app.manifest.package, catalog) {
                Attribution::Sdk(id) => Some(id),
                Attribution::App | Attribution::Unattributed => None,
            },
        })
        .collect();
    calls.sort_by(|a, b| (&a.data_type, &a.caller, &a.api).cmp(&(&b.data_type, &b.caller, &b.api)));
    calls.dedup();
    let consent = crate::consent::analyze(&app, catalog, detections.packer.as_deref());
    // The DEX files were kept for the consent search only.
    for d in &mut app.dex {
        d.code = None;
    }
    Analysis {
        app,
        detections,
        calls,
        consent,
    }
}

/// The audit's view of each reported SDK: the detection joined with its knowledge-base rule.
pub fn sdk_views(detections: &Detections, catalog: &SdkCatalog) -> Vec<SdkView> {
    detections
        .sdks
        .iter()
        .map(|d| sdk_view(d, catalog))
        .collect()
}

pub use crate::rules::vendor::{company_names, vendor_display};

fn sdk_view(d: &Detection, catalog: &SdkCatalog) -> SdkView {
    let rule = catalog.get(&d.id);
    let mut names: Vec<String> = vec![d.name.clone()];
    let mut vendor_names = company_names(&d.vendor);
    vendor_names.push(d.vendor.clone());
    let mut prefixes = Vec::new();
    if let Some(r) = rule {
        names.extend(r.names.iter().cloned());
        names.push(r.name_en.clone());
        vendor_names.extend(company_names(&r.vendor_zh));
        vendor_names.push(r.vendor_en.clone());
        prefixes.extend(r.class_prefixes.iter().map(|p| p.value.clone()));
    }
    names.retain(|n| !n.trim().is_empty());
    names.dedup();
    vendor_names.retain(|n| !n.trim().is_empty());
    vendor_names.dedup();
    // Strongest evidence first, so a summary's first item is the telling one; two signatures
    // can match the same item (two regexes on one library).
    let mut evidence: Vec<&crate::detect::Evidence> = d.evidence.iter().collect();
    evidence.sort_by_key(|e| e.confidence);
    let mut seen = std::collections::HashSet::new();
    evidence.retain(|e| seen.insert((e.source, e.value.as_str())));
    SdkView {
        id: d.id.clone(),
        name_en: rule.map_or_else(
            || d.name.clone(),
            |r| crate::rules::vendor::english_display(&r.name_en),
        ),
        vendor_en: rule
            .map(|r| r.vendor_en.clone())
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| vendor_display(&d.vendor)),
        privacy_url: rule.and_then(|r| r.privacy_url.clone()),
        known_data: rule.map(|r| r.data_types.items.clone()).unwrap_or_default(),
        name: d.name.clone(),
        version: d.version.clone(),
        version_source: d.version_source.clone(),
        vendor: vendor_display(&d.vendor),
        names,
        vendor_names,
        category: d.category.clone(),
        prefixes,
        evidence: evidence
            .iter()
            .map(|e| SdkEvidence {
                source: e.source.as_str().to_string(),
                value: if e.count > 1 {
                    format!("{} ({} classes)", e.value, e.count)
                } else {
                    e.value.clone()
                },
            })
            .collect(),
        items: evidence.iter().map(|e| typed_evidence(e)).collect(),
    }
}

/// A detection's evidence as the report types it.
fn typed_evidence(e: &crate::detect::Evidence) -> Evidence {
    use crate::detect::EvidenceSource as S;
    match e.source {
        S::DexClass => Evidence::DexClass {
            class: e.value.clone(),
            count: e.count.max(1),
        },
        S::NativeLib => Evidence::NativeLib {
            path: e.value.clone(),
        },
        S::ManifestComponent | S::ManifestMetaData | S::ManifestPermission => {
            Evidence::ManifestElement {
                element: e.value.clone(),
            }
        }
        _ => Evidence::ApkTrace {
            source: e.source.as_str().to_string(),
            value: e.value.clone(),
        },
    }
}

/// The audit of an analysed app against a policy: the rules, then overrides and the baseline
/// in one place, then the tables every view shows, into the report every output format renders.
pub fn audit_report(
    analysis: &Analysis,
    catalog: &SdkCatalog,
    policy_doc: &PolicyDoc,
    policy_files: Vec<InputFile>,
    overrides: &[(RuleId, Severity)],
    baseline: Option<&Baseline>,
    fail_on: Option<Severity>,
) -> AuditReport {
    let sdks = sdk_views(&analysis.detections, catalog);
    let input = AuditInput {
        app: &analysis.app,
        sdks: &sdks,
        packer: analysis.detections.packer.as_deref(),
        calls: &analysis.calls,
        policy: policy_doc,
        consent: &analysis.consent,
    };
    let outcome = audit::run(&input);
    let mut findings = outcome.findings.clone();
    audit::finish(&mut findings, overrides, baseline, audit::baseline::today());
    let tables = audit::tables::build(&audit::tables::TableInput {
        app: &analysis.app,
        policy: policy_doc,
        sdks: &sdks,
        calls: &analysis.calls,
        outcome: &outcome,
        findings: &findings,
        catalog,
    });
    let policy = policy_doc;
    AuditReport::new(ReportParts {
        app: InspectReport::from_analysis(analysis).app,
        rules: RulesInfo {
            version: rules_version(catalog),
            sdks: catalog.len(),
        },
        policy: PolicyInfo {
            path: policy.path.clone(),
            files: policy_files,
            language: crate::model::Lang::from_code(policy.language),
            encoding: policy.encoding.clone(),
            sdk_rows: policy.sdks.len(),
            permissions: policy.permissions.len(),
            data_types: policy.data_types.len(),
            date: policy.date.clone(),
        },
        sdks: sdks
            .iter()
            .zip(&outcome.sdk_disclosures)
            .map(|(s, d)| SdkEntry {
                id: s.id.clone(),
                name: s.name.clone(),
                vendor: s.vendor.clone(),
                name_en: s.name_en.clone(),
                vendor_en: s.vendor_en.clone(),
                category: s.category.clone(),
                privacy_url: s.privacy_url.clone(),
                known_data: s.known_data.clone(),
                evidence: s.evidence.clone(),
                evidence_items: s.items.clone(),
                version: s.version.clone(),
                version_source: s.version_source.clone(),
                disclosed_as: d.clone(),
            })
            .collect(),
        permissions: outcome
            .permissions
            .iter()
            .map(|(name, dangerous, disclosed)| PermissionEntry {
                name: name.clone(),
                dangerous: *dangerous,
                disclosed: *disclosed,
            })
            .collect(),
        data_access: analysis.calls.clone(),
        findings,
        fail_on,
        sdk_table: tables.sdks,
        permission_table: tables.permissions,
        data_table: tables.data,
        manifest: tables.manifest,
        consent: crate::model::ConsentSummary {
            ran: analysis.consent.ran,
            entries: analysis.consent.entries,
            methods_reached: analysis.consent.methods_reached,
            incomplete: analysis.consent.incomplete.clone(),
        },
        view: ViewOptions::default(),
    })
}

/// `sha256:<hex>` over the rule files in force, so a report can name the database it used
/// ([`crate::rules::version`]; computed at build time for the built-in rules).
pub fn rules_version(catalog: &SdkCatalog) -> String {
    if let Some(v) = catalog.builtin_version() {
        return v.to_string();
    }
    crate::rules::version::digest(
        catalog.iter().map(|r| (r.id.as_str(), r)),
        crate::rules::version::CATALOGUES,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apk::DexSummary;
    use serde_json::to_value;

    /// The inspect report's own types serialize exactly as the reader's and the detector's
    /// types they mirror, on every fixture app: the JSON contract cannot drift from them.
    #[test]
    fn the_inspect_model_serializes_as_the_types_it_mirrors() {
        let catalog = SdkCatalog::builtin().expect("built-in rules");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut apps = 0;
        for entry in std::fs::read_dir(&dir).expect("fixtures/") {
            let path = entry.expect("entry").path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("apk" | "aab")
            ) {
                continue;
            }
            let a = analyze(&path, Limits::default(), catalog).expect("fixture reads");
            let rep = inspect_report(&a, catalog);
            let m = &a.app.manifest;
            let name = path.display();
            assert_eq!(
                to_value(&rep.sdks).ok(),
                to_value(&a.detections.sdks).ok(),
                "{name}"
            );
            assert_eq!(
                to_value(&rep.sdk_hints).ok(),
                to_value(&a.detections.hints).ok(),
                "{name}"
            );
            let rm = &rep.manifest;
            assert_eq!(
                to_value(&rm.components).ok(),
                to_value(&m.components).ok(),
                "{name}"
            );
            assert_eq!(
                to_value(&rm.meta_data).ok(),
                to_value(&m.meta_data).ok(),
                "{name}"
            );
            assert_eq!(
                to_value(&rm.declared_permissions).ok(),
                to_value(&m.declared_permissions).ok(),
                "{name}"
            );
            assert_eq!(
                to_value(&rep.anomalies).ok(),
                to_value(&a.app.anomalies).ok(),
                "{name}"
            );
            apps += 1;
        }
        assert!(apps >= 10, "only {apps} fixture apps found");
    }

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
