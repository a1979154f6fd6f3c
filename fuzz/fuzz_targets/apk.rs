//! The whole APK: archive, manifest, every DEX and .so (nested archives too), detection, the
//! inspect report, `inspect --manifest`, and an audit against a small fixed policy.
#![no_main]

use appaudit::apk::archive::Limits;
use appaudit::apk::axml;
use appaudit::apk::reader::{analyze_bytes, manifest_document, Options};
use appaudit::audit::{self, AuditInput};
use appaudit::engine;
use appaudit::model::RuleId;
use appaudit::policy::{parse_bytes, LoadOptions};
use appaudit::report::inspect::InspectReport;
use appaudit::rules::sdks::SdkCatalog;
use appaudit_fuzz::{check_app, check_document, check_error, check_well_formed};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const POLICY: &str = "# Privacy policy\n\n| SDK | Company | Purpose | Data |\n|---|---|---|---|\n\
| JPush | 深圳市和讯华谷信息技术有限公司 | push | device id |\n\nWe use the camera permission \
(android.permission.CAMERA) and collect your location.\n";

fuzz_target!(|data: &[u8]| {
    let catalog = SdkCatalog::builtin().expect("built-in rules");
    let limits = Limits {
        max_entries: 256,
        max_entry_size: 4 << 20,
        max_total: 16 << 20,
        max_ratio: 1_000,
    };
    let opts = Options {
        limits,
        string_needles: appaudit::detect::string_needles(catalog),
        native_strings: None,
        call_graph: true,
    };
    let path = Path::new("fuzz.apk");
    match manifest_document(path, data, limits) {
        Ok(doc) => {
            check_document(&doc);
            check_well_formed(&axml::to_xml(&doc));
        }
        Err(e) => check_error(&e, "fuzz.apk"),
    }
    let app = match analyze_bytes(path, data, &opts) {
        Ok(app) => app,
        Err(e) => return check_error(&e, "fuzz.apk"),
    };
    check_app(&app, data.len());
    let analysis = engine::analyze_app(app, catalog);
    let report = InspectReport::from_analysis(&analysis);
    let _ = report.render_table();
    let _ = appaudit::report::to_json(&report);
    let policy =
        parse_bytes("policy.md", POLICY.as_bytes(), &LoadOptions::default()).expect("policy");
    let sdks = engine::sdk_views(&analysis.detections, catalog);
    let input = AuditInput {
        app: &analysis.app,
        sdks: &sdks,
        packer: analysis.detections.packer.as_deref(),
        calls: &analysis.calls,
        policy: &policy,
        consent: &analysis.consent,
    };
    // The consent paths start at an entry point and name real methods.
    for p in &analysis.consent.paths {
        assert!(p
            .steps
            .first()
            .is_some_and(|s| s.via == appaudit::consent::Via::Entry));
        assert!(p.call.contains("->"), "{}", p.call);
    }
    // Tamper findings: one per layer, every anomaly of the layer listed as evidence.
    let tamper = audit::tamper::check_app(&analysis.app);
    for (rule, source) in [
        (RuleId::TamperedArchive, "archive"),
        (RuleId::TamperedManifest, "AndroidManifest.xml"),
    ] {
        let n = analysis
            .app
            .anomalies
            .iter()
            .filter(|a| a.source == source)
            .count();
        let f: Vec<_> = tamper.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(f.len(), usize::from(n > 0), "{rule}");
        if let Some(f) = f.first() {
            assert_eq!(f.evidence.len(), n);
        }
    }
    let outcome = audit::run(&input);
    assert_eq!(outcome.sdk_disclosures.len(), sdks.len());
    assert_eq!(
        outcome.permissions.len(),
        analysis.app.manifest.uses_permissions.len()
    );
    for f in &outcome.findings {
        assert!(!f.rule.as_str().is_empty() && !f.message.is_empty());
        assert!(
            audit::registry::rules(appaudit::model::Lang::En)
                .iter()
                .any(|r| r.id == f.rule),
            "finding {} has no registered rule",
            f.rule
        );
    }
});
