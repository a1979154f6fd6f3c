//! The whole analysis of one app, shared by `inspect`, `audit`, `scan` and `diff`: read the APK,
//! detect SDKs, attribute sensitive calls.

use crate::apk::archive::Limits;
use crate::apk::reader::{self, Options};
use crate::apk::App;
use crate::audit::baseline::Baseline;
use crate::audit::{self, AttributedCall, AuditInput, SdkEvidence, SdkView, Severity};
use crate::detect::{self, Attribution, Detection, Detections};
use crate::error::{Error, Result};
use crate::policy::PolicyDoc;
use crate::report::audit::{AuditReport, InputFile, RulesInfo};
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
    };
    let app = reader::analyze(path, &opts)?;
    Ok(analyze_app(app, catalog))
}

/// Detection and attribution over an app already read.
pub fn analyze_app(app: App, catalog: &SdkCatalog) -> Analysis {
    let detections = detect::detect(&app, catalog);
    let mut calls: Vec<AttributedCall> = app
        .dex
        .iter()
        .flat_map(|d| d.api_calls.iter())
        .map(|c| AttributedCall {
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
    Analysis {
        app,
        detections,
        calls,
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

/// Company names inside a knowledge-base vendor text, which may carry notes such as
/// "华为软件技术有限公司（policies also write 华为终端有限公司 / 华为技术有限公司）".
pub fn company_names(text: &str) -> Vec<String> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"[\p{Han}A-Za-z0-9（）()·]+?(?:股份有限公司|有限责任公司|有限公司)").ok()
    });
    let Some(re) = re else {
        return Vec::new();
    };
    re.find_iter(text)
        .map(|m| m.as_str().trim_start_matches(['（', '(']).to_string())
        .filter(|s| s.chars().count() > 4)
        .collect()
}

/// The vendor as displayed: the first company name, else the text before any note.
pub fn vendor_display(text: &str) -> String {
    company_names(text).into_iter().next().unwrap_or_else(|| {
        text.split(['（', '('])
            .next()
            .unwrap_or(text)
            .trim()
            .to_string()
    })
}

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
    SdkView {
        id: d.id.clone(),
        name: d.name.clone(),
        version: d.version.clone(),
        version_source: d.version_source.clone(),
        vendor: vendor_display(&d.vendor),
        names,
        vendor_names,
        category: d.category.clone(),
        prefixes,
        evidence: {
            // Strongest evidence first, so a summary's first item is the telling one.
            let mut ev: Vec<&crate::detect::Evidence> = d.evidence.iter().collect();
            ev.sort_by_key(|e| e.confidence);
            // Two signatures can match the same item (two regexes on one library).
            let mut seen = std::collections::HashSet::new();
            ev.retain(|e| seen.insert((e.source, e.value.as_str())));
            ev
        }
        .into_iter()
        .map(|e| SdkEvidence {
            source: e.source.as_str().to_string(),
            value: if e.count > 1 {
                format!("{} ({} classes)", e.value, e.count)
            } else {
                e.value.clone()
            },
        })
        .collect(),
    }
}

/// The audit of an analysed app against a policy: the rules, then overrides and the baseline
/// in one place, into the report every output format renders.
pub fn audit_report(
    analysis: &Analysis,
    catalog: &SdkCatalog,
    policy_doc: &PolicyDoc,
    policy_files: Vec<InputFile>,
    overrides: &[(String, Severity)],
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
    };
    let outcome = audit::run(&input);
    let mut findings = outcome.findings.clone();
    audit::finish(&mut findings, overrides, baseline, audit::baseline::today());
    AuditReport::new(
        InspectReport::from_analysis(analysis).app,
        RulesInfo {
            version: rules_version(catalog),
            sdks: catalog.len(),
        },
        policy_doc,
        policy_files,
        &sdks,
        &analysis.calls,
        &outcome,
        findings,
        fail_on,
    )
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
