//! Manifest hygiene for a self-audit: debuggable-release, cleartext-traffic, allow-backup,
//! exported-without-permission.

use crate::apk::manifest::ComponentKind;
use crate::audit::{AuditInput, Finding};

/// Runs the hygiene rules.
pub fn check(input: &AuditInput<'_>) -> Vec<Finding> {
    let m = &input.app.manifest;
    let app = &m.application;
    let mut findings = Vec::new();
    if app.debuggable == Some(true) {
        findings.push(Finding::new(
            "debuggable-release",
            "application",
            "the application is debuggable".to_string(),
            vec!["manifest: <application android:debuggable=\"true\">".to_string()],
        ));
    }
    let target = m.target_sdk.unwrap_or(1);
    let cleartext = match app.uses_cleartext_traffic {
        Some(v) => v.then(|| "manifest: <application android:usesCleartextTraffic=\"true\">".to_string()),
        None if target < 28 && app.network_security_config.is_none() => Some(format!(
            "manifest: usesCleartextTraffic unset and targetSdkVersion {target} < 28 (cleartext allowed by default)"
        )),
        None => None,
    };
    if let Some(ev) = cleartext {
        findings.push(Finding::new(
            "cleartext-traffic",
            "application",
            "the app allows cleartext HTTP traffic".to_string(),
            vec![ev],
        ));
    }
    if app.allow_backup != Some(false) {
        let ev = match app.allow_backup {
            Some(true) => "manifest: <application android:allowBackup=\"true\">",
            _ => "manifest: android:allowBackup unset (Android's default is true)",
        };
        findings.push(Finding::new(
            "allow-backup",
            "application",
            "the app's data can be backed up and copied off the device".to_string(),
            vec![ev.to_string()],
        ));
    }
    for c in &m.components {
        if !c.exported || c.permission.is_some() || !c.enabled {
            continue;
        }
        let launcher = matches!(
            c.kind,
            ComponentKind::Activity | ComponentKind::ActivityAlias
        ) && c.intent_filters.iter().any(|f| {
            f.actions.iter().any(|a| a == "android.intent.action.MAIN")
                && f.categories
                    .iter()
                    .any(|k| k == "android.intent.category.LAUNCHER")
        });
        if launcher {
            continue;
        }
        let how = if c.exported_explicit {
            "android:exported=\"true\""
        } else {
            "an intent filter (exported by default below API 31)"
        };
        findings.push(Finding::new(
            "exported-without-permission",
            &c.name,
            format!(
                "{} {} is exported without a permission",
                c.kind.tag(),
                c.name
            ),
            vec![format!(
                "manifest: <{} android:name=\"{}\"> exported by {how}",
                c.kind.tag(),
                c.name
            )],
        ));
    }
    findings
}
