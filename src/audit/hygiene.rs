//! Manifest hygiene for a self-audit: debuggable-release, cleartext-traffic, allow-backup,
//! exported-without-permission.

use crate::apk::manifest::ComponentKind;
use crate::audit::{AuditInput, Finding};
use crate::model::{Arg, Evidence, RuleId, SubjectKind};

/// Runs the hygiene rules.
pub fn check(input: &AuditInput<'_>) -> Vec<Finding> {
    let m = &input.app.manifest;
    let app = &m.application;
    let mut findings = Vec::new();
    if app.debuggable == Some(true) {
        findings.push(Finding::new(
            RuleId::DebuggableRelease,
            "application",
            SubjectKind::Application,
            "",
            vec![],
            vec![Evidence::ManifestElement {
                element: "<application android:debuggable=\"true\">".to_string(),
            }],
        ));
    }
    let target = m.target_sdk.unwrap_or(1);
    let cleartext = match app.uses_cleartext_traffic {
        Some(v) => v.then(|| Evidence::ManifestElement {
            element: "<application android:usesCleartextTraffic=\"true\">".to_string(),
        }),
        // Cleartext is allowed by default below API 28.
        None if target < 28 && app.network_security_config.is_none() => {
            Some(Evidence::ManifestDefault {
                attribute: "android:usesCleartextTraffic".to_string(),
                target_sdk: Some(target),
            })
        }
        None => None,
    };
    if let Some(ev) = cleartext {
        findings.push(Finding::new(
            RuleId::CleartextTraffic,
            "application",
            SubjectKind::Application,
            "",
            vec![],
            vec![ev],
        ));
    }
    if app.allow_backup != Some(false) {
        let ev = match app.allow_backup {
            Some(true) => Evidence::ManifestElement {
                element: "<application android:allowBackup=\"true\">".to_string(),
            },
            _ => Evidence::ManifestDefault {
                attribute: "android:allowBackup".to_string(),
                target_sdk: None,
            },
        };
        findings.push(Finding::new(
            RuleId::AllowBackup,
            "application",
            SubjectKind::Application,
            "",
            vec![],
            vec![ev],
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
        findings.push(Finding::new(
            RuleId::ExportedWithoutPermission,
            &c.name,
            SubjectKind::Component,
            "",
            vec![
                ("tag", Arg::text(c.kind.tag())),
                ("component", Arg::text(&c.name)),
            ],
            vec![Evidence::Component {
                tag: c.kind.tag().to_string(),
                name: c.name.clone(),
                explicit: c.exported_explicit,
            }],
        ));
    }
    findings
}
