//! The reports behind `inspect --format json`, `audit --format json`, `policy --format json` and
//! `rules list --format json`, built in one place for the CLI and the Python package (`python/`),
//! so both print exactly the same JSON contract.

use crate::apk::archive::Limits;
use crate::apk::reader;
use crate::audit::baseline::Baseline;
use crate::audit::Severity;
use crate::engine::{self, Analysis};
use crate::error::{Error, Result};
use crate::model::{Lang, RuleId};
use crate::policy::{self, PolicyDoc};
use crate::report::audit::{AuditReport, InputFile, RulesInfo, ViewOptions};
use crate::report::inspect::InspectReport;
use crate::report::{ToolInfo, SCHEMA_VERSION};
use crate::rules::sdks::SdkCatalog;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// An app to analyse: a file, or its bytes already in memory (named for messages and the report).
#[derive(Debug, Clone, Copy)]
pub enum AppSource<'a> {
    /// A file on disk.
    Path(&'a Path),
    /// The bytes of an app file; `name` stands for its path in the report.
    Bytes {
        /// The name shown as `app.path`.
        name: &'a Path,
        /// The file's bytes.
        data: &'a [u8],
    },
}

/// Reads one app (file or bytes) and detects what it contains; `consent` runs the consent
/// search (audits need it, `inspect` does not: [`engine::analyze_with`]).
pub fn analyze(
    source: AppSource<'_>,
    limits: Limits,
    catalog: &SdkCatalog,
    consent: bool,
) -> Result<Analysis> {
    match source {
        AppSource::Path(p) => engine::analyze_with(p, limits, catalog, consent),
        AppSource::Bytes { name, data } => {
            let opts = engine::reader_options(limits, catalog, consent);
            let app = reader::analyze_bytes(name, data, &opts)?;
            Ok(engine::analyze_app(app, catalog))
        }
    }
}

/// `inspect --format json [--lang L]`: what the app contains.
pub fn inspect(
    source: AppSource<'_>,
    limits: Limits,
    catalog: &SdkCatalog,
    lang: Option<Lang>,
) -> Result<InspectReport> {
    let analysis = analyze(source, limits, catalog, false)?;
    Ok(engine::inspect_report(&analysis, catalog).with_lang(lang))
}

/// Reads the policy files (`-` is standard input) into one document (merged when several), with
/// each file's path and hash for the report.
pub fn load_policies(
    files: &[PathBuf],
    encoding: Option<&str>,
) -> Result<(PolicyDoc, Vec<InputFile>)> {
    let opts = policy::LoadOptions {
        encoding: encoding.map(str::to_string),
        ..Default::default()
    };
    let mut docs = Vec::new();
    let mut inputs = Vec::new();
    for f in files {
        docs.push(policy::load(f, &opts)?);
        inputs.push(InputFile {
            path: f.display().to_string(),
            sha256: if f.as_os_str() == "-" {
                String::new()
            } else {
                std::fs::read(f)
                    .map(|b| format!("{:x}", Sha256::digest(&b)))
                    .unwrap_or_default()
            },
        });
    }
    let doc = if docs.len() == 1 {
        docs.remove(0)
    } else {
        policy::merge(docs)
    };
    Ok((doc, inputs))
}

/// A policy's text already in memory, read as `policy -` reads standard input.
pub fn policy_from_bytes(bytes: &[u8], encoding: Option<&str>) -> Result<PolicyDoc> {
    let opts = policy::LoadOptions {
        encoding: encoding.map(str::to_string),
        ..Default::default()
    };
    policy::parse_bytes("-", bytes, &opts)
}

/// What `audit` needs besides the app: the policy and the gate.
#[derive(Debug, Clone, Default)]
pub struct AuditRequest<'a> {
    /// The policy files (`--policy`, repeatable).
    pub policies: &'a [PathBuf],
    /// `--encoding`.
    pub encoding: Option<&'a str>,
    /// `--severity RULE=LEVEL` overrides.
    pub overrides: &'a [(RuleId, Severity)],
    /// `--baseline`, already loaded.
    pub baseline: Option<&'a Baseline>,
    /// `--fail-on` (`None` never fails).
    pub fail_on: Option<Severity>,
}

/// The audit report before its view is chosen (`with_view` picks the message language).
/// Cheap inputs are read first: a bad policy fails before the APK is read.
pub fn audit(
    source: AppSource<'_>,
    req: &AuditRequest<'_>,
    limits: Limits,
    catalog: &SdkCatalog,
) -> Result<AuditReport> {
    let (policy_doc, policy_files) = load_policies(req.policies, req.encoding)?;
    let analysis = analyze(source, limits, catalog, true)?;
    Ok(engine::audit_report(
        &analysis,
        catalog,
        &policy_doc,
        policy_files,
        req.overrides,
        req.baseline,
        req.fail_on,
    ))
}

/// `audit --format json [--lang L]`: the report as the JSON view words it.
pub fn audit_json_view(rep: AuditReport, lang: Option<Lang>) -> AuditReport {
    rep.with_view(ViewOptions {
        lang,
        command: Vec::new(),
    })
}

/// One finding rule in `rules list --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRuleInfo {
    /// The rule id, e.g. `undisclosed-sdk`.
    pub id: String,
    /// Its default severity.
    pub severity: String,
    /// One line on what it finds (English).
    pub summary: String,
}

/// `rules list --format json`: the SDK knowledge base and the finding rules.
#[derive(Debug, Clone, Serialize)]
pub struct RulesReport<'a> {
    /// The contract's version.
    pub schema_version: u32,
    /// Which tool wrote it.
    pub tool: ToolInfo,
    /// The rules database's version and size.
    pub rules: RulesInfo,
    /// Every SDK rule (as its rule file defines it), optionally of one category.
    pub sdks: Vec<&'a crate::rules::sdks::SdkRule>,
    /// The finding rules `audit` applies.
    pub findings: Vec<FindingRuleInfo>,
}

/// The rules report over a catalogue; `category` keeps only that SDK category.
pub fn rules<'a>(catalog: &'a SdkCatalog, category: Option<&str>) -> RulesReport<'a> {
    RulesReport {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo::current(),
        rules: RulesInfo {
            version: engine::rules_version(catalog),
            sdks: catalog.len(),
        },
        sdks: catalog
            .iter()
            .filter(|r| category.is_none_or(|c| r.category == c))
            .collect(),
        findings: crate::model::registry::rules(Lang::En)
            .iter()
            .map(|r| FindingRuleInfo {
                id: r.id.as_str().to_string(),
                severity: r.severity().to_string(),
                summary: r.summary.clone(),
            })
            .collect(),
    }
}

/// Loads the baseline file, when one is named.
pub fn load_baseline(path: Option<&Path>) -> Result<Option<Baseline>, Error> {
    path.map(Baseline::load).transpose()
}

/// One app of a bulk scan, as `appaudit scan` handles each file: inspected, or audited when
/// `policies` pairs a policy with it; a failure (a panic included) is the item's error.
pub fn scan_item(
    source: AppSource<'_>,
    opts: &crate::scan::ScanOptions,
    catalog: &SdkCatalog,
    policies: Option<&crate::scan::PolicyIndex>,
) -> crate::scan::ScanItem {
    use crate::scan::{self, ScanItem, ScanResult};
    let path = match source {
        AppSource::Path(p) | AppSource::Bytes { name: p, .. } => p.to_path_buf(),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match source {
        AppSource::Path(p) => scan::scan_one(p, opts, catalog, policies),
        AppSource::Bytes { name, .. } => {
            let analysis = analyze(source, opts.limits, catalog, policies.is_some());
            scan::scan_analysis(name, analysis, opts, catalog, policies)
        }
    }))
    .unwrap_or_else(|_| ScanResult::Failed("internal error while analysing this file".to_string()));
    ScanItem { path, result }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::ScanOptions;

    fn opts() -> ScanOptions {
        ScanOptions {
            jobs: 1,
            limits: Limits::default(),
            fail_on: Some(Severity::High),
            overrides: Vec::new(),
        }
    }

    #[test]
    fn a_scan_item_from_bytes_equals_the_one_from_the_file() {
        let catalog = engine::load_catalog(None).expect("built-in rules");
        let path = Path::new("fixtures/wallet.apk");
        let data = std::fs::read(path).expect("fixture");
        let render =
            |src| crate::report::scan::render_jsonl(&[scan_item(src, &opts(), catalog, None)]);
        let from_file = render(AppSource::Path(path));
        let from_bytes = render(AppSource::Bytes {
            name: path,
            data: &data,
        });
        assert_eq!(from_file, from_bytes);
        assert!(
            from_file.starts_with("{\"kind\":\"inspect\""),
            "{from_file}"
        );
        let bad = render(AppSource::Bytes {
            name: Path::new("bad.apk"),
            data: &data[..data.len() / 2],
        });
        assert!(bad.starts_with("{\"kind\":\"error\""), "{bad}");
        assert!(bad.contains("bad.apk: zip archive"), "{bad}");
    }

    #[test]
    fn the_rules_report_lists_every_sdk_rule_and_finding_rule() {
        let catalog = engine::load_catalog(None).expect("built-in rules");
        let all = rules(catalog, None);
        assert_eq!(all.sdks.len(), catalog.len());
        assert_eq!(all.findings.len(), crate::model::RuleId::ALL.len());
        let ads = rules(catalog, Some("ads"));
        assert!(!ads.sdks.is_empty() && ads.sdks.len() < all.sdks.len());
        assert!(ads.sdks.iter().all(|r| r.category == "ads"));
    }
}
