//! The SARIF output validates against the SARIF 2.1.0 JSON schema and carries what code
//! scanning needs: one reporting rule per finding rule, partialFingerprints on every result.

mod common;

use serde_json::Value;

#[test]
fn sarif_output_validates_against_the_2_1_0_schema() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(common::root())
        .args([
            "audit",
            "fixtures/wallet.apk",
            "--policy",
            "fixtures/wallet/policy.txt",
            "--format",
            "sarif",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json"))
            .expect("schema file"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator is strict enough to matter: a result without a message is rejected.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .expect("result")
        .remove("message");
    assert!(
        !validator.is_valid(&broken),
        "the schema check accepts anything"
    );

    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), appaudit::model::RuleId::ALL.len());
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let mut fingerprints = std::collections::HashSet::new();
    for r in results {
        let idx = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let fp = r["partialFingerprints"]["appaudit/v1"]
            .as_str()
            .expect("fingerprint");
        assert!(
            fingerprints.insert(fp.to_string()),
            "duplicate fingerprint {fp}"
        );
    }
    // Every result's locations are the JSON finding's own `locations`: policy lines as regions
    // of the policy file, APK entries as logical locations in the app file.
    let json = std::process::Command::new(env!("CARGO_BIN_EXE_appaudit"))
        .current_dir(common::root())
        .args([
            "audit",
            "fixtures/wallet.apk",
            "--policy",
            "fixtures/wallet/policy.txt",
            "--format",
            "json",
        ])
        .output()
        .expect("run");
    let report: Value = serde_json::from_slice(&json.stdout).expect("json");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), results.len());
    let mut regions = 0;
    for (f, r) in findings.iter().zip(results) {
        assert_eq!(f["rule"], r["ruleId"]);
        let want = f["locations"].as_array().expect("locations");
        let got = r["locations"].as_array().expect("locations");
        if want.is_empty() {
            assert_eq!(got.len(), 1, "{r}");
            assert_eq!(
                got[0]["physicalLocation"]["artifactLocation"]["uri"],
                "fixtures/wallet.apk"
            );
            continue;
        }
        assert_eq!(got.len(), want.len(), "{r}");
        for (w, g) in want.iter().zip(got) {
            let physical = &g["physicalLocation"];
            if w["kind"] == "policy" {
                assert_eq!(physical["artifactLocation"]["uri"], w["file"]);
                assert_eq!(physical["region"]["startLine"], w["line"]);
                regions += 1;
            } else {
                assert_eq!(physical["artifactLocation"]["uri"], "fixtures/wallet.apk");
                assert_eq!(g["logicalLocations"][0]["fullyQualifiedName"], w["entry"]);
            }
        }
    }
    assert!(regions >= 3, "policy regions: {regions}");
}
