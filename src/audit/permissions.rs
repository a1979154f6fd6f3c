//! Permission rules: undisclosed-permission, disclosed-permission-not-requested.

use crate::audit::sdks::row_file;
use crate::audit::{AuditInput, Finding, Severity};
use crate::model::{Arg, Evidence, RuleId, SubjectKind};
use crate::rules::permissions::PermissionCatalog;
use std::collections::BTreeMap;

/// What the permission rules found.
pub struct PermissionPart {
    /// Each requested permission: (name, dangerous, disclosed).
    pub statuses: Vec<(String, bool, bool)>,
    /// Findings.
    pub findings: Vec<Finding>,
}

/// Runs the permission rules.
pub fn check(input: &AuditInput<'_>) -> PermissionPart {
    let catalog = PermissionCatalog::builtin();
    let policy = input.policy;
    let mut findings = Vec::new();
    let mut statuses = Vec::new();
    let requested: Vec<&str> = input.app.manifest.permission_names().collect();
    for name in &requested {
        let rule = catalog.get(name);
        let dangerous = rule.is_some_and(|r| r.dangerous);
        let disclosure = policy.permissions.iter().find(|p| p.permission == *name);
        statuses.push((name.to_string(), dangerous, disclosure.is_some()));
        let Some(rule) = rule.filter(|r| r.privacy_relevant) else {
            continue;
        };
        if disclosure.is_some() {
            continue;
        }
        let terms: Vec<&str> = rule
            .zh_specific
            .iter()
            .chain(rule.en_terms.iter())
            .map(String::as_str)
            .take(6)
            .collect();
        let severity = if dangerous {
            Severity::High
        } else {
            Severity::Medium
        };
        findings.push(
            Finding::new(
                RuleId::UndisclosedPermission,
                name,
                SubjectKind::Permission,
                if dangerous { "dangerous" } else { "" },
                vec![("permission", Arg::text(name))],
                vec![
                    Evidence::ManifestElement {
                        element: format!("<uses-permission android:name=\"{name}\">"),
                    },
                    Evidence::PolicyLacks {
                        terms: terms.iter().map(|t| t.to_string()).collect(),
                    },
                ],
            )
            .at(severity),
        );
    }
    // One finding per disclosing sentence whose permissions the app requests none of: a phrase
    // such as 位置 maps to several permissions, and requesting any one of them is enough.
    // (line, sentence) -> (the permissions it names, its file when merged)
    type Statement<'p> = (Vec<&'p str>, Option<&'p String>);
    let mut groups: BTreeMap<(usize, &str), Statement<'_>> = BTreeMap::new();
    // Only the policy's permission statements count here, not words met in passing.
    for p in policy.permissions.iter().filter(|p| p.source != "text") {
        let g = groups.entry((p.line, p.text.as_str())).or_default();
        g.0.push(p.permission.as_str());
        g.1 = g.1.or(p.file.as_ref());
    }
    let mut reported: Vec<&str> = Vec::new();
    let target = input.app.manifest.target_sdk.unwrap_or(1);
    for ((line, text), (perms, file)) in groups {
        if perms.iter().any(|p| requested.contains(p)) {
            continue;
        }
        // A permission newer than the app's target API is not needed for the capability
        // (notifications need no POST_NOTIFICATIONS below API 33): nothing to report.
        let newer = |p: &&str| {
            catalog
                .get(p)
                .and_then(|r| r.added_api)
                .is_some_and(|api| api > target)
        };
        if perms.iter().all(newer) {
            continue;
        }
        let Some(first) = perms.first().copied() else {
            continue;
        };
        if reported.contains(&first) {
            continue;
        }
        reported.push(first);
        findings.push(Finding::new(
            RuleId::DisclosedPermissionNotRequested,
            first,
            SubjectKind::Permission,
            "",
            vec![("text", Arg::text(text)), ("line", Arg::text(line))],
            vec![
                Evidence::PolicyLine {
                    file: row_file(file, policy),
                    line,
                    quote: text.to_string(),
                },
                Evidence::ManifestLacks {
                    permissions: perms.iter().map(|p| p.to_string()).collect(),
                },
            ],
        ));
    }
    PermissionPart { statuses, findings }
}
