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
use crate::report::inspect::InspectReport;
use crate::rules::sdks::SdkCatalog;
use sha2::{Digest, Sha256};
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
    /// Builds the report from an analysis (app, detections, attributed calls).
    pub fn from_analysis(a: &Analysis) -> Self {
        let mut rep = Self::new(&a.app);
        rep.app.packer = a.detections.packer.clone();
        rep.sdks = a.detections.sdks.clone();
        rep.sdk_hints = a.detections.hints.clone();
        rep.data_access = a.calls.clone();
        rep
    }
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

/// Reads one APK and detects what it contains.
pub fn analyze(path: &Path, limits: Limits, catalog: &SdkCatalog) -> Result<Analysis> {
    let opts = Options {
        limits,
        string_needles: detect::string_needles(catalog),
        native_strings: Some(catalog.native_string_libs().clone()),
        call_graph: true,
    };
    let app = reader::analyze(path, &opts)?;
    Ok(analyze_app(app, catalog))
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

/// `sha256:<hex>` over the rule files in force, so a report can name the database it used.
pub fn rules_version(catalog: &SdkCatalog) -> String {
    let mut h = Sha256::new();
    for r in catalog.iter() {
        h.update(r.id.as_bytes());
        h.update([0]);
        h.update(serde_json::to_vec(r).unwrap_or_default());
    }
    h.update(include_str!("../rules/permissions.toml").as_bytes());
    h.update(include_str!("../rules/data-types.toml").as_bytes());
    h.update(include_str!("../rules/apis.toml").as_bytes());
    let hex = format!("{:x}", h.finalize());
    format!("sha256:{}", &hex[..16])
}
